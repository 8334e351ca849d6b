"""Params validation: defaults + quarter file, every bad case is one clear error."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import yaml

from coaching_roi import config
from coaching_roi.errors import WorkbookError


def write(tmp_path, data, name="q.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data), encoding="utf-8")
    return p


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "reps.csv").write_text("rep_id\n", encoding="utf-8")
    return d


def test_demo_params_validate_without_data():
    cfg = config.load("params/demo.yaml", check_paths=False)
    assert cfg.quarter == "2026Q3"
    assert cfg.name == "demo"
    assert str(cfg.quarter_start) == "2026-07-01" and str(cfg.quarter_end) == "2026-09-30"
    assert set(cfg.sources) == set(config.TABLES)
    assert cfg.rubric.composite_behaviors[0] in cfg.rubric.keys
    assert len(cfg.rubric.keys) == 13


def test_merge_overrides(tmp_path, data_dir):
    p = write(tmp_path, {"quarter": "2026Q1", "data_dir": str(data_dir),
                         "overrides": {"economics": {"program_cost_usd": 1234}}})
    cfg = config.load(p)
    assert cfg.economics.program_cost_usd == 1234
    assert cfg.economics.isolation_factor == 0.5  # untouched defaults survive the merge
    assert cfg.name == "q"  # the file's stem when no name is given


@pytest.mark.parametrize(
    "patch, needle",
    [
        ({"quarter": "2026-Q3"}, "quarter must look like 2026Q3"),
        ({"quarter": "2026Q5"}, "quarter must look like 2026Q3"),
        ({"overrides": {"economics": {"program_cost": 5}}}, "economics.program_cost: unknown key"),
        ({"overrides": {"economcs": {}}}, "overrides.economcs: unknown section"),
        ({"overrides": {"economics": {"isolation_factor": 1.5}}}, "economics.isolation_factor"),
        ({"overrides": {"rubric": {"composite_behaviors": ["nope"]}}}, "not in the rubric: nope"),
        ({"overrides": {"analysis": {"deal_cycle_behaviors": ["nope"]}}}, "deal_cycle_behaviors"),
        ({"sources": {"deals": {"path": "x.csv"}}}, "unknown table(s) in sources: deals"),
        ({"sources": {"opportunities": {"path": "missing.csv"}}}, "sources.opportunities.path: file not found"),
        ({"sources": {"opportunities": {"preset": "sap"}}}, "sources.opportunities.preset"),
        ({"sources": {"opportunities": {"format": "sql"}}}, "needs both `query` and `url_env`"),
        ({"data_dir": "no/such/folder"}, "data_dir: folder not found"),
    ],
)
def test_bad_params_are_one_clear_error(tmp_path, data_dir, patch, needle):
    base = {"quarter": "2026Q3", "data_dir": str(data_dir)}
    base.update(patch)
    with pytest.raises(WorkbookError) as err:
        config.load(write(tmp_path, base))
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_misspelt_required_key_names_both_problems(tmp_path, data_dir):
    with pytest.raises(WorkbookError) as err:
        config.load(write(tmp_path, {"quartr": "2026Q3", "data_dir": str(data_dir)}))
    msg = str(err.value)
    assert "(2 problems)" in msg
    assert "quartr: unknown key" in msg and "quarter: required key is missing" in msg


def test_missing_params_file():
    with pytest.raises(WorkbookError, match="Params file not found"):
        config.load("params/nope.yaml")


def test_invalid_yaml(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("quarter: [unclosed", encoding="utf-8")
    with pytest.raises(WorkbookError, match="not valid YAML"):
        config.load(p)


@pytest.mark.parametrize("q, offset, start, end", [
    ("2026Q3", 0, "2026-07-01", "2026-10-01"),
    ("2026Q4", 1, "2027-01-01", "2027-04-01"),
    ("2026Q1", -1, "2025-10-01", "2026-01-01"),
])
def test_quarter_bounds(q, offset, start, end):
    s, e = config.quarter_bounds(q, offset)
    assert s == pd.Timestamp(start) and e == pd.Timestamp(end)


def test_quarter_label():
    assert config.quarter_label("2026Q3", 1) == "2026Q4"
    assert config.quarter_label("2026Q1", -1) == "2025Q4"


def test_cli_unknown_key_is_one_line_without_traceback(tmp_path, data_dir):
    p = write(tmp_path, {"quarter": "2026Q3", "data_dir": str(data_dir), "colour": "blue"})
    res = subprocess.run([sys.executable, "-m", "coaching_roi.cli", "validate", str(p)],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "colour: unknown key" in lines[0]


def test_pyproject_and_environment_yml_agree():
    import tomllib

    from coaching_roi.paths import PROJECT_ROOT

    deps = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_deps = [d for d in pip_list if not d.startswith("-e")]
    assert sorted(env_deps) == sorted(deps)
    py = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert py == ["python>=3.11"]


def test_resolved_params_round_trip_and_guard_their_run(tmp_path, data_dir):
    """The runner's validated params read back equal (run_dir is the reader's); another run's file, a
    missing one and a damaged one are each one clear error."""
    from coaching_roi.config import resolved

    cfg = config.build(quarter="2026Q3", name="r1", data_dir=str(data_dir), run_dir=str(tmp_path / "a"))
    resolved.write_resolved(cfg, tmp_path)
    back = resolved.read_resolved(tmp_path / "", quarter="2026Q3", name="r1")
    assert back == cfg.model_copy(update={"run_dir": tmp_path})
    with pytest.raises(WorkbookError, match="holds the params of run 'r1'"):
        resolved.read_resolved(tmp_path, quarter="2026Q3", name="other")
    with pytest.raises(WorkbookError, match="is missing"):
        resolved.read_resolved(tmp_path / "nowhere", quarter="2026Q3", name="r1")
    (tmp_path / resolved.RESOLVED_FILE).write_text('{"quarter": 1}')
    with pytest.raises(WorkbookError, match="not a params file the runner wrote"):
        resolved.read_resolved(tmp_path, quarter="2026Q3", name="r1")
