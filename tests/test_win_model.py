"""Tests of coaching_roi.scoring.win_model: exact pair counting and rep bootstrap, folds grouped by rep, thin data,
and the seeded calibration check on clustered deals (no behavior effect: few positive verdicts; planted
effect: positive in most runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from coaching_roi import scoring, verdict
from coaching_roi.errors import WorkbookError
from coaching_roi.scoring import win_model as wm
from coaching_roi.scoring import win_model_report as wmr

FAST = dict(n_repeats=2, n_boot=500, importance_folds=0)


def _naive_pairs(y, s, g, n_groups):
    out = np.zeros((n_groups, n_groups))
    for i in np.flatnonzero(y):
        for j in np.flatnonzero(~y):
            out[g[i], g[j]] += 1.0 if s[i] > s[j] else (0.5 if s[i] == s[j] else 0.0)
    return out


@pytest.mark.parametrize("won_share,max_cells", [(0.3, 50), (0.7, 50), (0.4, 1_000_000)])
def test_rep_pair_wins_counts_every_pair_exactly(won_share, max_cells):
    rng = np.random.default_rng(3)
    g = rng.integers(0, 9, 150)
    y = rng.random(150) < won_share
    s = np.round(rng.normal(size=150) + 0.6 * y, 1)  # rounded: many ties
    c = wm.rep_pair_wins(y, s, g, 9, max_cells=max_cells)
    np.testing.assert_allclose(c, _naive_pairs(y, s, g, 9))
    assert c.sum() / (y.sum() * (~y).sum()) == pytest.approx(roc_auc_score(y, s))
    assert wm._fast_auc(y, s[None, :])[0] == pytest.approx(roc_auc_score(y, s))


def test_cluster_bootstrap_equals_resampling_reps_and_recomputing():
    """Each bootstrap AUC is exactly the held-out AUC recomputed on the drawn reps' deals (copies kept apart)."""
    rng = np.random.default_rng(0)
    n, n_reps, k = 200, 10, 3
    g = rng.integers(0, n_reps, n)
    y = rng.random(n) < 0.4
    scores = [np.round(rng.normal(size=n) + 0.5 * y, 1) for _ in range(2)]  # two repeats
    folds = rng.integers(0, k, (2, n_reps))
    folds[1, 4] = -1  # rep 4's fold was left out in the second repeat
    pairs = np.zeros((n_reps, n_reps))
    for r in range(2):
        for f in range(k):
            held = np.flatnonzero(folds[r] == f)
            te = np.isin(g, held)
            pairs[np.ix_(held, held)] += wm.rep_pair_wins(y[te], scores[r][te], np.searchsorted(held, g[te]), len(held))
    boot = wm.cluster_bootstrap_auc(pairs, np.bincount(g[y], minlength=n_reps).astype(float),
                                    np.bincount(g[~y], minlength=n_reps).astype(float), folds, n_boot=6,
                                    rng=np.random.default_rng(9), chunk=4)
    draws = np.random.default_rng(9).integers(0, n_reps, (6, n_reps))
    for b in range(6):
        num = den = 0.0
        for r in range(2):
            for f in range(k):
                idx = np.concatenate([np.flatnonzero(g == d) for d in draws[b] if folds[r, d] == f] + [np.array([], int)])
                yy, ss = y[idx], scores[r][idx]
                if 0 < yy.sum() < len(yy):
                    m = yy.sum() * (~yy).sum()
                    num, den = num + roc_auc_score(yy, ss) * m, den + m
        assert boot[b] == pytest.approx(num / den, abs=1e-12)


def test_rep_identity_is_not_learned_as_behavior():
    """Reps differ a lot in win rate and in their score profile, independently: a model tested on deals of
    reps it has seen would look predictive (it learns which rep); tested on unseen reps it must not."""
    frame, feats = wm.simulate_deals(4, n_reps=30, deals_per_rep=30, rep_win_sd=2.0, rep_score_sd=2.0)
    r = wm.fit_win_model(frame, feats, seed=4, **FAST)
    assert r.n_reps == 30 and r.n_splits == 5
    assert abs(r.auc - 0.5) < 0.08 and r.ci_low < 0.5 < r.ci_high, (r.auc, r.ci_low, r.ci_high)


def test_false_positive_rate_and_power_on_clustered_deals():
    """Seeded calibration: deals clustered in 30 reps, a rep effect on win rate (SD 1 logit) and rep-level
    behavior scores, no behavior effect -> the verdict is positive in at most 10% of 60 runs (the nominal
    one-sided rate is 2.5%; the bound leaves sampling slack: P(>6 of 60) < 0.1% at 2.5%). A planted effect
    of one logit per SD of one behavior -> positive in at least 16 of 20 runs."""
    pol = verdict.Policy()
    null = [wm.auc_estimate(wm.fit_win_model(*wm.simulate_deals(s, n_reps=30, deals_per_rep=25), seed=s, **FAST),
                            policy=pol) for s in range(60)]
    counts = {v: sum(e["verdict"] == v for e in null) for v in verdict.VERDICTS}
    assert counts["positive"] <= 6 and counts["negative"] <= 6, counts
    assert abs(np.mean([e["value"] for e in null]) - 0.5) < 0.02
    eff = [wm.auc_estimate(wm.fit_win_model(*wm.simulate_deals(100 + s, n_reps=30, deals_per_rep=25, behavior_effect=1.0),
                                            seed=s, **FAST), policy=pol) for s in range(20)]
    assert sum(e["verdict"] == "positive" for e in eff) >= 16, [(e["value"], e["ci_low"]) for e in eff]


def test_fewer_reps_than_folds_gives_fewer_folds_and_one_rep_is_an_error():
    frame, feats = wm.simulate_deals(2, n_reps=3, deals_per_rep=40, behavior_effect=1.0)
    r = wm.fit_win_model(frame, feats, seed=2, **FAST)
    assert r.n_reps == 3 and r.n_splits == 3 and len(r.fold_aucs) <= 6
    with pytest.raises(WorkbookError, match="at least two reps"):
        wm.fit_win_model(frame.assign(rep_id="R0"), feats, seed=2, **FAST)
    with pytest.raises(WorkbookError, match="rep_id is missing"):
        wm.fit_win_model(frame.assign(rep_id=[None] * len(frame)), feats, seed=2, **FAST)


def test_held_out_folds_with_one_outcome_are_left_out():
    # rep R0000 won every deal, R0001 lost every deal: their folds hold one outcome only when alone
    frame, feats = wm.simulate_deals(5, n_reps=6, deals_per_rep=30, behavior_effect=1.0)
    frame.loc[frame["rep_id"] == "R0000", "won"] = 1
    frame.loc[frame["rep_id"] == "R0001", "won"] = 0
    r = wm.fit_win_model(frame, feats, seed=5, n_repeats=4, n_boot=300, importance_folds=3)
    assert len(r.fold_aucs) < 4 * r.n_splits and np.isfinite(r.fold_aucs).all()
    assert 0 <= r.ci_low <= r.auc <= r.ci_high <= 1
    assert len(r.importance) == len(feats) and r.importance["importance"].notna().all()


def test_repeats_shrink_for_many_deals_and_the_method_sentence_says_what_was_done():
    frame, feats = wm.simulate_deals(6, n_reps=20, deals_per_rep=30)
    r = wm.fit_win_model(frame, feats, seed=6, n_repeats=20, n_boot=300, importance_folds=0,
                         max_heldout_deals=2 * len(frame) + 1)
    assert r.n_repeats == 2 and len(r.fold_aucs) <= 2 * 5
    assert r.interval_method == (
        f"95% percentile interval from 300 bootstrap resamples of the 20 reps (a drawn rep brings all its deals) of "
        f"the held-out predictions of 2 repeats of 5-fold cross-validation that keeps each rep's deals in one fold, "
        f"widened {wm.nadeau_bengio_factor(5):.2f}× because the folds' models share training data (Nadeau–Bengio)")
    assert wm.nadeau_bengio_factor(5) == pytest.approx(1.5)


def test_auc_estimate_is_prediction_on_deals_with_reps_and_method():
    frame, feats = wm.simulate_deals(7, n_reps=12, deals_per_rep=20)
    win = wm.fit_win_model(frame, feats, seed=7, **FAST)
    est = wm.auc_estimate(win, policy=verdict.Policy())
    assert est["unit"] == "auc" and est["n"] == len(frame) and est["n_unit"] == "deals" and est["reference"] == 0.5
    assert est["n_reps"] == 12 and est["interval_method"] == win.interval_method and "Nadeau" in est["interval_method"]
    assert est["verdict"] == verdict.recheck("behavior_auc", est, verdict.Policy())
    assert "prediction, not proof" in est["reading"] and "reps it had not seen" in est["reading"]


def test_scoring_still_exports_the_win_model():
    for name in ("fit_win_model", "auc_estimate", "win_model_inputs", "win_model_table", "describe_auc_interval",
                 "win_model_frame", "describe_importance", "describe_win_model_skip", "WinModelResult"):
        home = wm if name in vars(wm) else wmr
        assert getattr(scoring, name) is getattr(home, name)


def test_win_model_frame_drops_deals_without_a_rep():
    opps = pd.DataFrame({"opportunity_id": ["o1", "o2"], "status": ["won", "lost"],
                         "close_date": pd.to_datetime(["2026-08-01", "2026-08-02"])})
    ods = pd.DataFrame({"opportunity_id": ["o1", "o2"], "rep_id": ["r1", None], "a": [5.0, 4.0]})
    fr, feats = wm.win_model_frame(opps, ods, behaviors=["a"], end=pd.Timestamp("2026-10-01"))
    assert fr["opportunity_id"].tolist() == ["o1"] and feats == ["a"]
