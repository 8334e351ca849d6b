"""End to end: the causal core (layers 2-3) as notebook 03 writes it to findings.json on the small demo."""

from __future__ import annotations

import numpy as np
import pytest

from coaching_roi import findings

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]


def _est(run) -> dict:
    return findings.load(run.run_dir)["estimates"]


def _pooled_truth(truth: dict) -> float:
    """Expected pooled DiD over the coached AE episodes (realized landing share; see truth definitions)."""
    eff = truth["effects"]
    if not truth["coached_episodes"] or eff["coaching_gain_points"] == 0:
        return 0.0
    per_episode = truth["behavior_change"][truth["coached_behaviors"][0]] / eff["share_coaching_lands"]
    return float(np.mean([e["gain_points"] for e in truth["coached_episodes"]]) / eff["coaching_gain_points"] * per_episode)


def test_behavior_change_estimates_follow_contract(demo_run):
    est = _est(demo_run)
    assert "behavior_change::all" in est and "event_study_pretrend::all" in est
    for key, e in est.items():
        if not key.startswith(("behavior_change::", "event_study_pretrend::")):
            continue
        assert e["unit"] == "points" and e["n"] >= 2
        assert e["ci_low"] <= e["value"] <= e["ci_high"]
        assert f"n = {e['n']} coached reps" in e["reading"] and e["n_unit"] == "coached reps"
        if key.startswith("behavior_change::") and "rose" in e["reading"]:
            assert e["ci_low"] > 0 and e["verdict"] == "positive"  # a claim never outruns its interval
    bc = est["behavior_change::all"]
    assert bc["ci_low"] <= _pooled_truth(demo_run.truth) <= bc["ci_high"]
    # the fairness check's coverage is tested over many seeds in test_effects.py; on one run check
    # that its sentence matches its interval (a lead interval that excludes 0 must carry a caution)
    for key, pre in est.items():
        if key.startswith("event_study_pretrend::"):
            unfair = not (pre["ci_low"] <= 0 <= pre["ci_high"]) and pre["verdict"] != "too_few"
            assert ("may not be fair" in pre["reading"]) == unfair


def test_outcome_link_has_lag_and_never_extrapolates(demo_run):
    est = _est(demo_run)
    e = est.get("win_rate_change_per_point::all")
    assert e is not None and e["unit"] == "fraction"
    assert e["lag_quarters"] in (0, 1, 2)
    if e["lag_quarters"] == 0:
        assert "not yet observable" in e["reading"] or "skipped" in e["reading"]


def test_no_effect_run_makes_no_positive_claim(demo_run_no_effect):
    est = _est(demo_run_no_effect)
    bc = est.get("behavior_change::all")
    if bc is not None:
        assert bc["ci_low"] <= 0 <= bc["ci_high"]
        assert "rose" not in bc["reading"]
    wr = est.get("win_rate_change_per_point::all")
    if wr is not None and wr["ci_low"] is not None:
        assert wr["ci_low"] <= 0 <= wr["ci_high"]
