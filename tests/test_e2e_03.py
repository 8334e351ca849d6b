"""Notebook 03 end to end on the small demo (the lead's ``demo_run`` fixtures run the whole pipeline)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]

UNITS = {"fraction", "points", "days", "weeks", "usd", "ratio", "auc"}
OWN_IDS = ["quartile_win_rate_gap", "ramp_weeks_saved::first_win", "ramp_weeks_saved::quota_80",
           "six_month_attainment_gap", "ramp_value_usd", "realized_value_usd", "upside_value_usd", "roi_pct"]


def _part(run) -> dict:
    path = run.run_dir / "findings" / "03_cohort_comparison.json"
    assert path.exists(), "03 findings part not written"
    return json.loads(path.read_text(encoding="utf-8"))


def test_findings_hold_every_id_or_say_why(demo_run):
    part = _part(demo_run)
    assert part["status"] == "ok"
    est = part["estimates"]
    not_computed = (part.get("extra") or {}).get("not_computed", {})
    ids = OWN_IDS + [f"deal_cycle_pct_faster::{b}" for b in demo_run.cfg.analysis.deal_cycle_behaviors]
    for k in ids:
        assert k in est or any(k.startswith(n) or n.startswith(k.split("::")[0]) for n in not_computed), k
    for k in ("quartile_win_rate_gap", "upside_value_usd", "realized_value_usd", "roi_pct",
              *[f"deal_cycle_pct_faster::{b}" for b in demo_run.cfg.analysis.deal_cycle_behaviors]):
        assert k in est, k
    for k, e in est.items():
        assert e["unit"] in UNITS and e["n"] > 0 and e["reading"], k
        if e["ci_low"] is not None and e["ci_high"] is not None and e["value"] is not None:
            assert e["ci_low"] - 1e-9 <= e["value"] <= e["ci_high"] + 1e-9, k
    assert est["roi_pct"]["isolation_factor"] == demo_run.cfg.economics.isolation_factor
    # ROI rests on realized value only, and is claimed only when that value is clearly positive
    assert est["roi_pct"]["program_cost_usd"] == demo_run.cfg.economics.program_cost_usd
    if est["realized_value_usd"]["verdict"] != "positive":
        assert est["roi_pct"]["verdict"] == "too_few"
    for k, unit in (("realized_value_usd", "coached reps"), ("upside_value_usd", "AEs"), ("roi_pct", "coached reps")):
        assert est[k]["n_unit"] == unit, k
    # the planted deal-cycle speed-up points the right way
    for b in demo_run.cfg.analysis.deal_cycle_behaviors:
        assert est[f"deal_cycle_pct_faster::{b}"]["value"] > 0
    # layer 2/3 estimates from coaching_roi.effects are carried into the findings
    assert any(k.startswith("behavior_change::") for k in est)


def test_deck_artifacts(demo_run):
    data = demo_run.run_dir / "data"
    rq = pd.read_parquet(data / "03_rep_quarter.parquet")
    assert list(rq.columns) == ["rep_id", "rep_name", "composite_mean", "n_calls", "quartile", "won", "lost", "win_rate"]
    assert set(rq["quartile"].dropna().astype(int)) == {1, 2, 3, 4}
    q = pd.read_parquet(data / "03_quartiles.parquet")
    assert list(q.columns) == ["quartile", "n_reps", "n_deals", "won", "lost", "win_rate", "ci_low", "ci_high",
                               "score_min", "score_max"]
    assert q["n_reps"].sum() == rq["quartile"].notna().sum()
    assert (q["won"] + q["lost"] == q["n_deals"]).all()
    ex = data / "03_example_reps.parquet"
    if ex.exists():
        cols = pd.read_parquet(ex).columns
        assert {"rep_id", "behavior", "before_score", "after_score", "sentence"} <= set(cols)


def test_rendered_html_tells_the_chain(demo_run):
    html = list(demo_run.run_dir.rglob("03_cohort_comparison*.html"))
    assert html, "rendered 03 HTML not found"
    text = html[0].read_text(encoding="utf-8")
    assert "Traceback" not in text
    for heading in ("Behavioral cohort win rate", "Layer 1", "Layer 2", "Layer 3", "Example reps", "Ramp",
                    "Deal cycle", "Money"):
        assert heading in text, heading
    assert "95% CI" in text


def test_no_effect_makes_no_positive_claim(demo_run_no_effect):
    est = _part(demo_run_no_effect)["estimates"]
    for k in ("quartile_win_rate_gap",
              *[f"deal_cycle_pct_faster::{b}" for b in demo_run_no_effect.cfg.analysis.deal_cycle_behaviors]):
        assert k in est, f"{k} missing from the no-effect run"
        e = est[k]
        assert e["ci_low"] is not None and e["ci_low"] <= 0, (k, e)
        assert e["verdict"] in ("no_clear_change", "too_few"), e
        assert e["reading"].startswith(("No clear", "Too few")) or "cannot be told yet" in e["reading"], e


def test_notebook_03_without_02s_artifacts_stops_naming_02(demo_run, tmp_path):
    """03 never rebuilds 02's scores: with only 01's artifacts it stops with the error that names 02."""
    import shutil

    from coaching_roi import pipeline, safety
    from coaching_roi.paths import PROJECT_ROOT

    data = tmp_path / "run" / "data"
    data.mkdir(parents=True)
    safety.write_marker(tmp_path / "run", "e2e")  # a folder the workbook made
    for p in (demo_run.run_dir / "data").glob("01_*"):
        shutil.copy(p, data / p.name)
    params = {"quarter": demo_run.cfg.quarter, "name": "e2e", "data_dir": str(demo_run.data_dir),
              "run_dir": str(tmp_path / "run"), "interactive": False}
    run = pipeline._execute_one(PROJECT_ROOT / "notebooks" / "03_cohort_comparison.ipynb", tmp_path, params, "03")
    assert run.status == "failed", run
    assert "02_rep_quarter_composite.parquet is missing" in run.error and "run 02_behavioral_scoring first" in run.error
