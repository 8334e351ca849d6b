"""Notebook 02 end to end on the small demo (the lead's ``demo_run`` fixtures run the whole pipeline)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]

NB = "02_behavioral_scoring"
ARTIFACTS = {
    "02_call_behavior": ["call_id", "rep_id", "call_date", "behavior", "score"],
    "02_call_composite": ["call_id", "rep_id", "call_date", "week", "quarter", "opportunity_id", "composite",
                          "n_behaviors_scored"],
    "02_rep_week_behavior": ["rep_id", "week", "behavior", "mean_score", "n_calls"],
    "02_rep_quarter_behavior": ["rep_id", "quarter", "behavior", "mean_score", "n_calls"],
    "02_rep_quarter_composite": ["rep_id", "quarter", "composite_mean", "n_calls"],
    "02_opportunity_discovery_scores": ["opportunity_id", "rep_id", "composite"],
}


def _part(run) -> dict:
    path = run.run_dir / "findings" / f"{NB}.json"
    assert path.exists(), "02 findings part not written"
    return json.loads(path.read_text(encoding="utf-8"))


def _html(run) -> str:
    hits = list(run.run_dir.rglob(f"{NB}.html"))
    assert hits, f"no rendered {NB}.html under {run.run_dir}"
    return hits[0].read_text(encoding="utf-8")


def test_findings_have_behavior_auc_with_n_and_interval(demo_run):
    part = _part(demo_run)
    assert part["status"] == "ok"
    e = part["estimates"]["behavior_auc"]
    assert e["unit"] == "auc" and e["n"] >= demo_run.cfg.analysis.min_closed_deals_for_model
    assert 0 <= e["ci_low"] <= e["value"] <= e["ci_high"] <= 1
    assert e["reading"] and ("prediction" in e["reading"] or "coin flip" in e["reading"])
    merged = json.loads((demo_run.run_dir / "findings.json").read_text(encoding="utf-8"))
    assert merged["status"][NB] == "ok" and "behavior_auc" in merged["estimates"]


def test_no_effect_run_makes_no_predictive_claim(demo_run_no_effect):
    """The no-effect team has enough closed deals for the win model: the estimate must be there, and
    its verdict must not call the behaviors predictive."""
    part = _part(demo_run_no_effect)
    assert part["status"] == "ok", part["status"]
    e = part["estimates"]["behavior_auc"]
    assert e["verdict"] != "positive", e
    if e["verdict"] == "no_clear_change":
        assert "No clear" in e["reading"], e["reading"]


def test_artifacts_exist_with_their_columns(demo_run):
    cfg = demo_run.cfg
    for name, cols in ARTIFACTS.items():
        path = cfg.artifact(name)
        assert path.exists(), name
        df = pd.read_parquet(path)
        assert len(df) > 0 and set(cols) <= set(df.columns), (name, list(df.columns))
    comp = pd.read_parquet(cfg.artifact("02_call_composite"))
    assert comp["composite"].between(cfg.rubric.scale_min, cfg.rubric.scale_max).all()
    assert (pd.to_datetime(comp["week"]).dt.day_of_week == 0).all()
    rw = pd.read_parquet(cfg.artifact("02_rep_week_behavior"))
    assert (rw["n_calls"] >= 1).all() and set(rw["behavior"]) <= set(cfg.rubric.keys)
    ods = pd.read_parquet(cfg.artifact("02_opportunity_discovery_scores"))
    assert set(cfg.analysis.deal_cycle_behaviors) <= set(ods.columns)


def test_html_has_every_section_and_no_widgets_or_errors(demo_run):
    html = _html(demo_run)
    for heading in ("1 · Scores", "2 · Team views", "3 · What predicts wins", "4 · Scorer agreement",
                    "5 · Rep trajectories", "Findings"):
        assert heading in html, heading
    assert "AUC" in html and "weighted kappa" in html and "had coaching sessions on" in html
    assert html.count("<img") >= 5  # distribution, heatmap, trend, importance, agreement (+ trajectories)
    assert "Traceback" not in html and "Error" not in re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    assert "application/vnd.jupyter.widget-view+json" not in html
    assert "def " not in html  # code cells are not rendered
