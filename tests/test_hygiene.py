"""Habits that keep the repository readable: clean notebooks, one parameters cell, the pre-commit hooks."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from coaching_roi.paths import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) == 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), \
        f"{path.name} has outputs: run .venv/bin/nbstripout {path.relative_to(PROJECT_ROOT)}"
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell tagged 'parameters'"
    assert not any("def " in "".join(c["source"]) or "class " in "".join(c["source"]) for c in code), \
        f"{path.name} defines a function or class: move it into lib/coaching_roi/"


def test_pre_commit_runs_nbstripout_and_ruff():
    cfg = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {h["id"] for r in cfg["repos"] for h in r["hooks"]}
    assert {"nbstripout", "ruff"} <= ids
    exe = shutil.which("pre-commit") or str(PROJECT_ROOT / ".venv" / "bin" / "pre-commit")
    if not shutil.which(exe):
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    out = subprocess.run([exe, "validate-config", ".pre-commit-config.yaml"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
