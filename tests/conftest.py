"""Shared fixtures. The end-to-end fixtures run the whole quarterly pipeline once per test session
(tests that use them are grouped with ``xdist_group("e2e")`` so one worker runs them all)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from coaching_roi.paths import PROJECT_ROOT

SHARED_REAL = PROJECT_ROOT.parent / "shared" / "data" / "real"


@dataclass
class DemoRun:
    run_dir: Path
    cfg: object
    truth: dict
    data_dir: Path
    params_file: Path
    result: object


def _demo_run(tmp: Path, *, no_effect: bool, seed: int = 11) -> DemoRun:
    from coaching_roi import demo, pipeline

    data_dir = tmp / "data"
    truth = demo.generate(data_dir, seed=seed, size=demo.DemoSize.small(), no_effect=no_effect, inject_errors=True)
    params = tmp / "e2e.yaml"
    params.write_text(
        yaml.safe_dump({"quarter": truth.get("end_quarter", "2026Q3"), "name": "e2e", "data_dir": str(data_dir),
                        "overrides": {"economics": {"program_cost_usd": 200_000}}}),  # as params/demo.yaml
        encoding="utf-8",
    )
    result = pipeline.run(params, out_dir=tmp / "outputs" / "e2e", outputs_root=tmp / "outputs", progress=lambda s: None)
    return DemoRun(result.run_dir, result.cfg, truth, data_dir, params, result)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """The small demo (planted effects, a few bad rows) run end to end through the runner."""
    return _demo_run(tmp_path_factory.mktemp("demo_run"), no_effect=False)


@pytest.fixture(scope="session")
def demo_run_no_effect(tmp_path_factory) -> DemoRun:
    """The small demo with every planted effect zeroed, run end to end."""
    return _demo_run(tmp_path_factory.mktemp("demo_run_no_effect"), no_effect=True)


@pytest.fixture
def shared_real() -> Path:
    """The public datasets beside the project; skip with a reason where they are absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} not found: the shared datasets are not beside the project")
    return SHARED_REAL


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
