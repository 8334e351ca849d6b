"""The spine end to end: the runner on the small demo, the index and manifest, and notebook 01 on its
own through the papermill CLI with the demo params file."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from coaching_roi.paths import PROJECT_ROOT
from coaching_roi.render import sha256_file

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]

TABLES = ("reps", "calls", "call_scores", "coaching_sessions", "opportunities", "sdr_activity")


def test_run_folder_has_reports_artifacts_and_manifest(demo_run):
    run = demo_run.run_dir
    for name in ("index.html", "01_data_intake.html", "01_data_intake.ipynb", "manifest.json", "findings.json"):
        assert (run / name).exists(), name
    for table in TABLES:
        assert (run / "data" / f"01_{table}.parquet").exists(), table
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert manifest["parameters"]["run_dir"] == str(run)  # not the staging folder
    for table in TABLES:
        entry = manifest["inputs"][table]
        assert entry["sha256"] == sha256_file(demo_run.data_dir / f"{table}.csv")
    assert [nb["status"] for nb in manifest["notebooks"]] == ["ok"] * len(manifest["notebooks"])


def test_row_accounting_and_rejects_match_the_injected_errors(demo_run):
    found = json.loads((demo_run.run_dir / "findings.json").read_text())
    accounting = {r["table"]: r for r in found["extra"]["01_data_intake"]["accounting"]}
    injected = demo_run.truth["injected_errors"]
    for table in TABLES:
        row = accounting[table]
        assert row["rows_read"] == row["rows_accepted"] + row["rows_rejected"]
        assert row["rows_read"] == demo_run.truth["row_counts"][table]
        accepted = pd.read_parquet(demo_run.run_dir / "data" / f"01_{table}.parquet")
        assert len(accepted) == row["rows_accepted"]
        if row["rows_rejected"]:
            rejects = pd.read_csv(demo_run.run_dir / "rejects" / f"{table}.csv")
            assert len(rejects) == row["rows_rejected"]
            assert {"source_line", "reason"} <= set(rejects.columns)
        assert row["rows_rejected"] == sum(injected.get(table, {}).values()), table


def test_index_links_everything_and_loads_nothing_from_the_network(demo_run):
    index = (demo_run.run_dir / "index.html").read_text()
    for target in ("01_data_intake.html", "02_behavioral_scoring.html", "03_cohort_comparison.html",
                   "04_coaching_plan.html", "qbr_deck.html", "manifest.json", "findings.json", "coaching_plan.csv"):
        assert f'href="{target}"' in index, target
    for page in demo_run.run_dir.glob("*.html"):
        text = page.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), page.name
    assert "quartile_win_rate_gap" in index


def test_papermill_cli_runs_notebook_01_with_the_demo_params(demo_run, tmp_path):
    out = tmp_path / "01.ipynb"
    res = subprocess.run(
        [sys.executable, "-m", "papermill", str(PROJECT_ROOT / "notebooks" / "01_data_intake.ipynb"), str(out),
         "-f", str(PROJECT_ROOT / "params" / "demo.yaml"),
         "-p", "data_dir", str(demo_run.data_dir), "-p", "run_dir", str(tmp_path / "run"), "-p", "interactive", "False",
         "--no-progress-bar"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / "run" / "data" / "01_opportunities.parquet").exists()
    nb = json.loads(out.read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and 'quarter = "2026Q3"' in "".join(injected[0]["source"])
