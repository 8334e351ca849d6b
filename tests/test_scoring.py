"""Unit tests of coaching_roi.scoring on hand-built frames with known answers, plus recovery tests of
the win model and scorer agreement on generated data (planted effect and no effect)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from coaching_roi import scoring as sc  # noqa: E402
from coaching_roi import verdict  # noqa: E402
from coaching_roi.errors import WorkbookError  # noqa: E402
from coaching_roi.plots import scoring as splots  # noqa: E402

S = "string"
WEIGHTS = {"a": 1.0, "b": 1.0, "c": 2.0, "x": 1.0}
COMPOSITE = ("a", "b", "c")


def _calls(rows):
    df = pd.DataFrame(rows, columns=["call_id", "rep_id", "call_date", "call_type", "opportunity_id"])
    for c in ("call_id", "rep_id", "call_type", "opportunity_id"):
        df[c] = df[c].astype(S)
    df["call_date"] = pd.to_datetime(df["call_date"])
    return df


def _scores(rows):
    df = pd.DataFrame(rows, columns=["call_id", "behavior", "score", "scorer"])
    for c in ("call_id", "behavior", "scorer"):
        df[c] = df[c].astype(S)
    df["score"] = df["score"].astype(float)
    return df


@pytest.fixture
def tiny():
    calls = _calls([
        ("c1", "r1", "2026-07-01 10:00", "discovery", "o1"),   # Wednesday -> week of Mon 2026-06-29
        ("c2", "r1", "2026-07-08 10:00", "discovery", "o1"),
        ("c3", "r2", "2026-07-02 10:00", "discovery", "o2"),
        ("c4", "r2", "2026-07-03 10:00", "demo", "o2"),
        ("c5", "r2", "2026-04-10 10:00", "discovery", None),
        ("c6", "r1", "2026-07-09 10:00", "discovery", "o3"),
    ])
    scores = _scores([
        # c1: complete, manager + ai
        ("c1", "a", 4, "manager"), ("c1", "b", 6, "manager"), ("c1", "c", 8, "manager"), ("c1", "x", 5, "manager"),
        ("c1", "a", 9, "ai"), ("c1", "b", 9, "ai"), ("c1", "c", 9, "ai"),
        # c2: missing b -> mean over a and c: (2*1 + 8*2) / 3 = 6, coverage 3/4
        ("c2", "a", 2, "manager"), ("c2", "c", 8, "manager"),
        # c3: only a -> coverage 1/4 < 0.6 -> excluded
        ("c3", "a", 7, "manager"),
        # c4: demo call -> not in composite, but in rep means
        ("c4", "a", 3, "manager"), ("c4", "x", 1, "manager"),
        # c5: ai only -> ai is that call's primary scorer; complete: (1 + 2 + 2*3) / 4 = 2.25
        ("c5", "a", 1, "ai"), ("c5", "b", 2, "ai"), ("c5", "c", 3, "ai"),
        # c6: two managers on a -> averaged (5 and 7 -> 6); composite (6 + 6 + 2*6)/4 = 6
        ("c6", "a", 5, "manager"), ("c6", "a", 7, "manager"), ("c6", "b", 6, "manager"), ("c6", "c", 6, "manager"),
    ])
    return calls, scores


def _composite(calls, scores, min_coverage=0.6):
    prim = sc.primary_scores(scores)
    return sc.call_composite(calls, prim, weights=WEIGHTS, composite_behaviors=COMPOSITE,
                             discovery_call_types=("discovery",), min_coverage=min_coverage)


# ------------------------------------------------------------------------------------ calendar
def test_week_start_is_monday_and_quarter_label():
    d = pd.Series(pd.to_datetime(["2026-07-01 10:00", "2026-07-05 00:00", "2026-07-06 00:00", "2026-12-31 23:00"]))
    assert list(sc.week_start(d).dt.strftime("%Y-%m-%d")) == ["2026-06-29", "2026-06-29", "2026-07-06", "2026-12-28"]
    assert list(sc.quarter_of(d)) == ["2026Q3", "2026Q3", "2026Q3", "2026Q4"]


# ------------------------------------------------------------------------------------ scorers
def test_primary_scores_prefers_manager_and_averages_duplicates(tiny):
    _, scores = tiny
    prim = sc.primary_scores(scores)
    by = prim.set_index(["call_id", "behavior"])
    assert by.loc[("c1", "a"), "scorer"] == "manager" and by.loc[("c1", "a"), "score"] == 4
    assert (prim.loc[prim["call_id"] == "c5", "scorer"] == "ai").all()
    assert by.loc[("c6", "a"), "score"] == 6
    assert len(prim) == 4 + 2 + 1 + 2 + 3 + 3


def test_primary_scores_without_scorer_column(tiny):
    _, scores = tiny
    prim = sc.primary_scores(scores.drop(columns="scorer").query("call_id == 'c2'"))
    assert set(prim["scorer"]) == {"unrecorded"} and len(prim) == 2


def test_scorer_pairs_counts_double_scored_calls(tiny):
    _, scores = tiny
    pairs = sc.scorer_pairs(scores)
    assert pairs.to_dict("records") == [{"scorer_a": "manager", "scorer_b": "ai", "n_calls": 1}]


def test_scorer_pairs_orders_scorers_and_counts_each_pair_once_per_call():
    scores = pd.DataFrame({
        "call_id": ["c2", "c2", "c2", "c1", "c1", "c1", "c3", "c3", "c4"],
        "behavior": ["a"] * 9,
        "score": [5.0, 6.0, 7.0, 5.0, 6.0, 6.5, 4.0, np.nan, 3.0],
        "scorer": ["AI", "manager", "zed", "ai", " Manager", "ai", "peer", "manager", "manager"],
    })
    pairs = sc.scorer_pairs(scores)
    assert pairs.to_dict("records") == [  # c3's manager row has no score; ties keep the order of first occurrence
        {"scorer_a": "manager", "scorer_b": "ai", "n_calls": 2},
        {"scorer_a": "manager", "scorer_b": "zed", "n_calls": 1},
        {"scorer_a": "ai", "scorer_b": "zed", "n_calls": 1},
    ]
    assert sc.scorer_pairs(scores[scores["call_id"] == "c4"]).empty


# ------------------------------------------------------------------------------------ composite
def test_call_composite_weights_missing_and_coverage(tiny):
    calls, scores = tiny
    comp = _composite(calls, scores).set_index("call_id")
    assert set(comp.index) == {"c1", "c2", "c3", "c5", "c6"}  # discovery only
    assert comp.loc["c1", "composite"] == pytest.approx((4 + 6 + 2 * 8) / 4)
    assert comp.loc["c1", "all_scored"] and comp.loc["c1", "n_behaviors_scored"] == 3
    assert comp.loc["c2", "composite"] == pytest.approx(6.0)
    assert comp.loc["c2", "n_behaviors_scored"] == 2 and not comp.loc["c2", "all_scored"]
    assert comp.loc["c2", "weight_coverage"] == pytest.approx(0.75)
    assert pd.isna(comp.loc["c3", "composite"]) and comp.loc["c3", "excluded"] == "below coverage"
    assert comp.loc["c5", "composite"] == pytest.approx(2.25)
    assert comp.loc["c6", "composite"] == pytest.approx(6.0)
    assert str(comp.loc["c1", "week"].date()) == "2026-06-29" and comp.loc["c5", "quarter"] == "2026Q2"
    counts = sc.composite_counts(comp.reset_index())
    assert (counts.n_discovery_calls, counts.n_with_composite, counts.n_partial, counts.n_below_coverage,
            counts.n_unscored) == (5, 4, 1, 1, 0)
    art = sc.composite_artifact(comp.reset_index())
    assert list(art.columns)[:8] == ["call_id", "rep_id", "call_date", "week", "quarter", "opportunity_id",
                                      "composite", "n_behaviors_scored"]
    assert len(art) == 4


def test_call_composite_unscored_call_is_counted_not_zero(tiny):
    calls, scores = tiny
    comp = _composite(calls, scores[scores["call_id"] != "c3"]).set_index("call_id")
    assert comp.loc["c3", "excluded"] == "no composite behavior scored"
    assert pd.isna(comp.loc["c3", "composite"]) and comp.loc["c3", "n_behaviors_scored"] == 0
    # a lower threshold admits the 1-of-4 call, averaged over what is present (not zero-filled)
    low = _composite(calls, scores, min_coverage=0.2).set_index("call_id")
    assert low.loc["c3", "composite"] == pytest.approx(7.0)


# ------------------------------------------------------------------------------------ aggregates
def test_rep_aggregates_with_counts(tiny):
    calls, scores = tiny
    scored = sc.scored_calls(calls, sc.primary_scores(scores))
    rw = sc.rep_period_behavior(scored, "week").set_index(["rep_id", "week", "behavior"])
    assert rw.loc[("r1", pd.Timestamp("2026-07-06"), "a"), "mean_score"] == pytest.approx((2 + 6) / 2)
    assert rw.loc[("r1", pd.Timestamp("2026-07-06"), "a"), "n_calls"] == 2
    rq = sc.rep_period_behavior(scored, "quarter").set_index(["rep_id", "quarter", "behavior"])
    assert rq.loc[("r2", "2026Q3", "a"), "mean_score"] == pytest.approx(5.0)  # c3 (7) and demo c4 (3)
    assert rq.loc[("r2", "2026Q3", "a"), "n_calls"] == 2
    comp = _composite(calls, scores)
    rqc = sc.rep_quarter_composite(comp).set_index(["rep_id", "quarter"])
    assert rqc.loc[("r1", "2026Q3"), "composite_mean"] == pytest.approx((6.5 + 6 + 6) / 3)
    assert rqc.loc[("r1", "2026Q3"), "n_calls"] == 3
    assert ("r2", "2026Q3") not in rqc.index  # its only discovery call is below coverage


def test_quarter_over_quarter_flags_low_counts():
    rq = pd.DataFrame({"rep_id": ["r1", "r1", "r2", "r2", "r3"], "quarter": ["2026Q2", "2026Q3"] * 2 + ["2026Q3"],
                       "behavior": ["a"] * 5, "mean_score": [4.0, 5.5, 6.0, 5.0, 7.0], "n_calls": [10, 12, 2, 9, 4]})
    q = sc.quarter_over_quarter(rq, "2026Q3", "2026Q2", min_calls=3).set_index("rep_id")
    assert q.loc["r1", "change"] == pytest.approx(1.5) and not q.loc["r1", "low_n"]
    assert q.loc["r2", "low_n"]
    assert pd.isna(q.loc["r3", "change"]) and q.loc["r3", "n_prev"] == 0


def test_opportunity_discovery_scores_wide(tiny):
    calls, scores = tiny
    prim = sc.primary_scores(scores)
    scored = sc.scored_calls(calls, prim)
    comp = _composite(calls, scores)
    ods = sc.opportunity_discovery_scores(scored, comp, behaviors=["a", "b", "c", "x"], discovery_call_types=("discovery",))
    ods = ods.set_index("opportunity_id")
    assert set(ods.index) == {"o1", "o2", "o3"}
    assert ods.loc["o1", "n_discovery_calls"] == 2
    assert ods.loc["o1", "a"] == pytest.approx(3.0)  # mean of c1 (4) and c2 (2)
    assert ods.loc["o1", "b"] == pytest.approx(6.0)  # only c1 has b
    assert ods.loc["o1", "composite"] == pytest.approx((6.5 + 6.0) / 2)
    assert pd.isna(ods.loc["o2", "composite"]) and ods.loc["o2", "a"] == 7  # demo call c4 not used
    assert str(ods.loc["o1", "first_call_date"].date()) == "2026-07-01"
    with pytest.raises(WorkbookError, match="clash"):
        sc.opportunity_discovery_scores(scored, comp, behaviors=["composite"], discovery_call_types=("discovery",))


def test_coached_reps_splits_multi_behavior_sessions():
    s = pd.DataFrame({"session_id": ["s1", "s2", "s3", "s4"], "rep_id": ["r1", "r1", "r2", "r3"],
                      "session_date": pd.to_datetime(["2026-07-02", "2026-07-09", "2026-07-03", "2026-03-01"]),
                      "behavior": ["a;b", "a", "b", "a"]}).astype({"behavior": S, "rep_id": S})
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")
    a = sc.coached_reps(s, "a", start, end)
    assert a.to_dict("records")[0]["rep_id"] == "r1" and a["n_sessions"].tolist() == [2]
    assert sc.coached_reps(s, "b", start, end)["rep_id"].tolist() == ["r1", "r2"]
    assert sc.most_coached_behaviors(s, start, end) == ["b", "a"]
    assert sc.most_coached_behaviors(None, start, end) == []


def test_before_after_known_answer():
    rows = pd.DataFrame({"week": pd.to_datetime(["2026-07-06", "2026-07-13", "2026-07-20", "2026-07-27"]),
                         "mean_score": [4.0, 5.0, 7.0, 8.0], "n_calls": [1, 3, 2, 2]})
    ba = sc.before_after(rows, pd.Timestamp("2026-07-22"))  # a Wednesday: its week counts as after
    assert ba.mean_before == pytest.approx((4 + 15) / 4) and ba.n_calls_before == 4
    assert ba.mean_after == pytest.approx(7.5) and ba.n_calls_after == 4
    assert ba.ci_low < ba.change < ba.ci_high
    assert "too few calls" in sc.describe_before_after(ba, min_calls=5)


# ------------------------------------------------------------------------------------ win model
def test_win_model_frame_keeps_closed_deals_before_end():
    opps = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3", "o4"], "status": ["won", "lost", "open", "won"],
                         "close_date": pd.to_datetime(["2026-08-01", "2026-09-01", None, "2026-11-01"])})
    ods = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3", "o4"], "rep_id": ["r"] * 4,
                        "a": [5.0, 4.0, 3.0, 2.0], "b": [np.nan, np.nan, np.nan, 1.0]})
    fr, feats = sc.win_model_frame(opps, ods, behaviors=["a", "b"], end=pd.Timestamp("2026-10-01"))
    assert fr["opportunity_id"].tolist() == ["o1", "o2"] and fr["won"].tolist() == [1, 0]
    assert feats == ["a"]  # b is scored on none of the usable deals


def _synthetic_deals(seed: int, effect: float, n: int = 240, n_feat: int = 6, n_reps: int = 24) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    X = rng.normal(5, 1.5, size=(n, n_feat))
    X[rng.random(X.shape) < 0.03] = np.nan  # some behaviors not scored
    z = np.nan_to_num((X - 5) / 1.5)
    p = 1 / (1 + np.exp(-(-0.8 + effect * z[:, 0] + 0.5 * effect * z[:, 1])))
    feats = [f"b{i}" for i in range(n_feat)]
    df = pd.DataFrame(X, columns=feats).assign(won=(rng.random(n) < p).astype(int),
                                               rep_id=[f"r{i % n_reps}" for i in range(n)])
    return df, feats


def test_win_model_recovers_strong_effect_and_stays_quiet_without_one():
    seeds = range(6)
    strong = [sc.fit_win_model(*_synthetic_deals(s, 1.0), seed=s, n_repeats=5, importance_folds=10) for s in seeds]
    null = [sc.fit_win_model(*_synthetic_deals(100 + s, 0.0), seed=s, n_repeats=5, importance_folds=10) for s in seeds]
    assert sum(r.ci_low > 0.5 for r in strong) >= 5
    assert np.mean([r.auc for r in strong]) > 0.65
    assert sum(r.ci_low <= 0.5 <= r.ci_high for r in null) >= 5
    null_est = [sc.auc_estimate(r, policy=verdict.Policy()) for r in null]
    assert sum(e["verdict"] == "positive" for e in null_est) <= 1
    # the planted behavior b0 is the most important one in most strong runs
    assert sum(r.importance.iloc[0]["behavior"] == "b0" for r in strong) >= 5
    r = strong[0]
    assert r.n_deals == 240 and r.n_reps == 24 and len(r.fold_aucs) == 25 and r.ci_low < r.auc < r.ci_high
    assert set(r.importance.columns) >= {"behavior", "importance", "ci_low", "ci_high", "direction"}


def test_win_model_is_seeded():
    df, feats = _synthetic_deals(3, 0.7)
    a = sc.fit_win_model(df, feats, seed=5, n_repeats=3)
    b = sc.fit_win_model(df, feats, seed=5, n_repeats=3)
    assert a.auc == b.auc and a.ci_low == b.ci_low
    pd.testing.assert_frame_equal(a.importance, b.importance)


def _demo_frames(tmp_path, seed: int, no_effect: bool, win_logit_per_point: float = 0.8):
    from coaching_roi import config, demo

    d = tmp_path / f"demo{seed}{int(no_effect)}_{win_logit_per_point}"
    effects = None if no_effect else demo.Effects(win_logit_per_point=win_logit_per_point)
    demo.generate(d, seed=seed, size=demo.DemoSize.small(), no_effect=no_effect, effects=effects, inject_errors=False)
    calls = pd.read_csv(d / "calls.csv", parse_dates=["call_date"])
    cs = pd.read_csv(d / "call_scores.csv")
    opps = pd.read_csv(d / "opportunities.csv", parse_dates=["created_date", "close_date"])
    rub = config.build(quarter="2026Q3", data_dir=str(d), check_paths=False).rubric
    prim = sc.primary_scores(cs)
    comp = sc.call_composite(calls, prim, weights=rub.weights, composite_behaviors=rub.composite_behaviors,
                             discovery_call_types=rub.discovery_call_types, min_coverage=0.6)
    ods = sc.opportunity_discovery_scores(sc.scored_calls(calls, prim), comp, behaviors=rub.keys,
                                          discovery_call_types=rub.discovery_call_types)
    return sc.win_model_frame(opps, ods, behaviors=rub.keys, end=pd.Timestamp("2026-10-01")), cs, rub


def test_win_model_on_demo_data_effect_vs_no_effect(tmp_path):
    # The small demo has 14 AEs and its planted win effect works through each rep's skill, i.e. between
    # reps. Tested on reps it has not seen, the model recovers a strong effect (4.0 logit per composite
    # point) as an AUC well above 0.5; with no effect it makes no positive claim. (Fourteen reps give a
    # wide interval: the full-size check is benchmarks/win_model_calibration.py, see docs/METHODS.md.)
    eff, null = [], []
    for seed in (1, 2, 3):
        (fr, feats), _, _ = _demo_frames(tmp_path, seed, False, win_logit_per_point=4.0)
        eff.append(sc.fit_win_model(fr, feats, seed=seed, n_repeats=5, importance_folds=5))
        (fr, feats), _, _ = _demo_frames(tmp_path, seed, True)
        null.append(sc.fit_win_model(fr, feats, seed=seed, n_repeats=5, importance_folds=5))
    assert all(r.n_reps == 14 for r in eff + null)
    assert np.mean([r.auc for r in eff]) > 0.6 and all(r.ci_high > 0.5 for r in eff), [(r.auc, r.ci_low) for r in eff]
    assert abs(np.mean([r.auc for r in null]) - 0.5) < 0.05
    assert all(r.ci_low <= 0.5 for r in null), [(r.ci_low, r.ci_high) for r in null]


# ------------------------------------------------------------------------------------ agreement
def test_quadratic_kappa_matches_sklearn_and_icc_bounds():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 11, 300)
    b = np.clip(a + rng.integers(-2, 3, 300), 0, 10)
    assert sc.quadratic_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b, weights="quadratic"))
    assert sc.quadratic_kappa(a, a) == pytest.approx(1.0)
    assert sc.icc_a1(a, a) == pytest.approx(1.0)
    # a constant offset hurts absolute-agreement ICC
    assert sc.icc_a1(a, a + 3.0) < 0.9


@pytest.mark.parametrize("n", [2, 5, 400])
def test_agreement_bootstrap_draws_equal_the_direct_computation(n):
    """The sums-based draws equal kappa, ICC and mean difference computed on each materialised resample,
    including resamples with no variation (n = 2, equal scores: a call drawn twice gives nan, not a number)."""
    from coaching_roi import bootstrap

    rng = np.random.default_rng(n)
    raw_a = np.round(rng.normal(6, 1.5, n), 1)
    raw_b = raw_a.copy() if n == 2 else np.round(raw_a + rng.normal(0.3, 1.0, n), 1)  # n = 2: the same scores
    ra, rb = np.clip(np.rint(raw_a), 0, 10), np.clip(np.rint(raw_b), 0, 10)
    idx = bootstrap.resample(n, 300, np.random.default_rng(1))
    direct = (sc.quadratic_kappa(ra[idx], rb[idx]), sc.icc_a1(raw_a[idx], raw_b[idx]), (raw_b[idx] - raw_a[idx]).mean(axis=1))
    sums = sc.agreement.bootstrap_draws(ra, rb, raw_a, raw_b, 300, np.random.default_rng(1))
    for d, s in zip(direct, sums, strict=True):
        assert (np.isnan(d) == np.isnan(s)).all()
        np.testing.assert_allclose(s[~np.isnan(s)], d[~np.isnan(d)], rtol=0, atol=1e-9)
    if n == 2:
        assert 50 < np.isnan(direct[0]).sum() < 250 and 50 < np.isnan(direct[1]).sum() < 250


def _double_scored(seed: int, noise: float | None, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.normal(5, 2, n)
    ai = rng.normal(5, 2, n) if noise is None else truth + rng.normal(0, noise, n)
    ids = [f"c{i}" for i in range(n)]
    return _scores(
        [(c, "a", float(np.clip(t, 0, 10)), "manager") for c, t in zip(ids, truth, strict=True)]
        + [(c, "a", float(np.clip(t, 0, 10)), "ai") for c, t in zip(ids, ai, strict=True)]
    )


def test_agreement_identical_vs_independent_scorers():
    same = sc.scorer_agreement(_double_scored(1, 0.0), scorer_a="manager", scorer_b="ai", scale_min=0, scale_max=10,
                               n_boot=300, seed=1).iloc[0]
    assert same["kappa"] == pytest.approx(1.0) and same["icc"] == pytest.approx(1.0) and same["n_calls"] == 400
    covers = 0
    for seed in range(5):
        ind = sc.scorer_agreement(_double_scored(seed, None), scorer_a="manager", scorer_b="ai", scale_min=0,
                                  scale_max=10, n_boot=400, seed=seed).iloc[0]
        covers += ind["kappa_low"] <= 0 <= ind["kappa_high"]
        assert abs(ind["kappa"]) < 0.2
    assert covers >= 4
    noisy = sc.scorer_agreement(_double_scored(2, 1.2), scorer_a="manager", scorer_b="ai", scale_min=0, scale_max=10,
                                n_boot=300, seed=2).iloc[0]
    assert 0.6 < noisy["kappa"] < 0.95 and noisy["kappa_low"] < noisy["kappa"] < noisy["kappa_high"]
    text = sc.describe_agreement(pd.DataFrame([noisy]), {"a": "Behavior A"}, scorer_a="manager", scorer_b="ai")
    assert text.startswith("AI and manager") and "Behavior A" in text


def test_agreement_on_demo_has_real_signal(tmp_path):
    _, cs, rub = _demo_frames(tmp_path, 4, False)
    pairs = sc.scorer_pairs(cs)
    assert tuple(pairs.iloc[0][["scorer_a", "scorer_b"]]) == ("manager", "ai") and pairs.iloc[0]["n_calls"] > 50
    agr = sc.scorer_agreement(cs, scorer_a="manager", scorer_b="ai", scale_min=0, scale_max=10, behaviors=rub.keys,
                              n_boot=200, seed=4)
    assert agr["kappa"].between(0.3, 0.95).all()  # noisy AI scorer: clearly positive, clearly not perfect
    # The generator scores one call performance (sd ~1.49 across calls) with manager noise 0.6 and AI
    # noise 1.2, so the expected agreement is 2*2.21 / (2.57 + 3.65) = 0.71 before rounding.
    assert 0.6 < agr["kappa"].median() < 0.8
    assert (agr["kappa_low"] < agr["kappa"]).all() and (agr["kappa"] < agr["kappa_high"]).all()


# ------------------------------------------------------------------------------------ sentences and plots
def test_auc_reading_never_outruns_interval():
    base = dict(n_deals=100, n_won=40, n_lost=60, n_reps=20, features=("a",), auc_sd=0.05, fold_aucs=np.array([0.5]),
                n_splits=5, n_repeats=1, importance=pd.DataFrame())
    pol = verdict.Policy()
    unclear = sc.auc_estimate(sc.WinModelResult(auc=0.56, ci_low=0.47, ci_high=0.65, **base), policy=pol)
    assert unclear["verdict"] == "no_clear_change" and unclear["reading"].startswith("No clear evidence")
    clear = sc.auc_estimate(sc.WinModelResult(auc=0.7, ci_low=0.6, ci_high=0.8, **base), policy=pol)
    assert clear["verdict"] == "positive" and "better than chance" in clear["reading"] and "not proof" in clear["reading"]


def test_heatmap_frames_and_reading(tiny):
    calls, scores = tiny
    rq = sc.rep_period_behavior(sc.scored_calls(calls, sc.primary_scores(scores)), "quarter")
    means, counts = sc.heatmap_frames(rq, "2026Q3", behaviors=["a", "b", "c", "x"], rep_labels={"r1": "Rep One"})
    assert list(means.index) == ["Rep One", "r2"] or list(means.index) == ["r2", "Rep One"]
    assert counts.loc["Rep One", "a"] == 3
    title, reading = sc.describe_heatmap(means, counts, {"a": "A"}, min_calls=3)
    assert "fewer than 3 calls" in reading and title


def test_plots_return_axes(tiny):
    calls, scores = tiny
    prim = sc.primary_scores(scores)
    scored = sc.scored_calls(calls, prim)
    rubric = pd.DataFrame({"key": ["a", "b", "c", "x"], "label": ["A", "B", "C", "X"],
                           "phase": ["one", "one", "two", "three"], "weight": [1, 1, 2, 1]})
    figs = []
    ax = splots.plot_behavior_distributions(scored, rubric, title="t")
    figs.append(ax)
    rq = sc.rep_period_behavior(scored, "quarter")
    means, counts = sc.heatmap_frames(rq, "2026Q3", behaviors=["a", "b", "c", "x"])
    figs.append(splots.plot_team_heatmap(means, counts, min_calls=2))
    tw = sc.team_week_phase(scored, dict(zip(rubric["key"], rubric["phase"], strict=True)))
    figs.append(splots.plot_phase_trends(tw, quarter_start=pd.Timestamp("2026-07-01")))
    rw = sc.rep_period_behavior(scored, "week")
    team = sc.team_week_behavior(rw)
    figs.append(splots.plot_rep_trajectory(rw[(rw.rep_id == "r1") & (rw.behavior == "a")], team[team.behavior == "a"],
                                           rep_label="r1", behavior_label="A", sessions=pd.Series(pd.to_datetime(["2026-07-05"]))))
    imp = pd.DataFrame({"behavior": ["a", "b"], "importance": [0.05, 0.0], "ci_low": [0.01, -0.02], "ci_high": [0.08, 0.02]})
    figs.append(splots.plot_importance(imp))
    agr = sc.scorer_agreement(scores, scorer_a="manager", scorer_b="ai", scale_min=0, scale_max=10, n_boot=50)
    figs.append(splots.plot_agreement(agr.assign(kappa=0.5, kappa_low=0.4, kappa_high=0.6)))
    assert all(isinstance(a, matplotlib.axes.Axes) for a in figs)
    # the boxplot drew one box per behavior in rubric order (seaborn/pandas-3 hue guard)
    assert [t.get_text() for t in figs[0].get_yticklabels()] == ["A", "B", "C", "X"]
    plt.close("all")


def test_rep_trajectory_explorer_builds_widgets(tiny):
    calls, scores = tiny
    rw = sc.rep_period_behavior(sc.scored_calls(calls, sc.primary_scores(scores)), "week")
    sess = pd.DataFrame({"session_id": ["s1"], "rep_id": ["r1"], "session_date": pd.to_datetime(["2026-07-02"]),
                         "behavior": ["a"]})
    box = splots.rep_trajectory_explorer(rw, sc.team_week_behavior(rw), sc.session_behaviors(sess),
                                         rep_labels={"r1": "Rep One"}, behavior_labels={"a": "A", "b": "B"})
    rep_dd, beh_dd = box.children[0].children
    assert [o[0] for o in rep_dd.options] == ["Rep One", "r2"] and [o[0] for o in beh_dd.options] == ["A", "B"]
    beh_dd.value = "b"  # redraws without error
    plt.close("all")


# ------------------------------------------------------------------------------------ notebook 02 steps
LABELS = {"a": "A", "b": "B", "c": "C", "x": "X"}


def _rubric():
    from coaching_roi.config import Behavior, Rubric

    return Rubric(behaviors=tuple(Behavior(key=k, label=LABELS[k], phase="one", weight=w) for k, w in WEIGHTS.items()),
                  composite_behaviors=COMPOSITE)


def test_rep_label_map_falls_back_to_id():
    reps = pd.DataFrame({"rep_id": ["r1", "r2"], "rep_name": ["Ann", None]}).astype(S)
    assert sc.rep_label_map(reps) == {"r1": "Ann", "r2": "r2"}
    assert sc.rep_label_map(None) == {}


def test_missing_scores_reason_and_opening_sentence(tiny):
    calls, scores = tiny
    assert sc.missing_scores_reason(None, scores) == "no calls table"
    assert sc.missing_scores_reason(calls, None) == "no call_scores table"
    assert sc.missing_scores_reason(calls, scores.iloc[0:0]) == "no scored calls"
    assert sc.missing_scores_reason(calls, scores) is None
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")
    assert sc.describe_inputs("2026Q3", start, end, calls, scores) == (
        "Quarter 2026Q3 (01 Jul 2026 – 30 Sep 2026); 6 calls and 19 behavior scores in the data (all quarters).")
    text = sc.describe_inputs("2026Q3", start, end, calls, None)
    assert text.startswith("Behavior scoring cannot run for 2026Q3: no call_scores table.") and "Fix:" in text


def test_score_tables_and_artifacts(tiny):
    calls, scores = tiny
    t = sc.score_tables(calls, scores, _rubric(), min_coverage=0.6)
    pd.testing.assert_frame_equal(t.composite, _composite(calls, scores))
    arts = t.artifacts()
    assert tuple(arts) == sc.ARTIFACTS
    assert len(arts["02_call_composite"]) == 4 and "excluded" not in arts["02_call_composite"].columns
    assert set(arts["02_opportunity_discovery_scores"]["opportunity_id"]) == {"o1", "o2", "o3"}
    assert arts["02_rep_week_behavior"] is t.rep_week and len(t.primary) == 15


def test_composite_and_rep_sentences(tiny):
    calls, scores = tiny
    comp = _composite(calls, scores)
    text = sc.describe_composite_coverage(comp, pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"), min_coverage=0.6)
    # this quarter: c1, c2, c3, c6 (c5 is in Q2); c2 partial; c3 below coverage
    assert text.startswith("This quarter: 4 discovery calls, 3 with a composite score (1 of them partial")
    assert "1 below the 60% coverage minimum and 0 with no discovery behavior scored" in text
    assert text.endswith("Across all quarters: 4 of 5 discovery calls have a composite.")
    rqc = sc.rep_quarter_composite(comp)
    line = sc.describe_rep_composites(rqc, "2026Q3", min_calls=3)
    assert line == ("1 reps have a composite this quarter; rep means range from 6.2 to 6.2 (median 6.2). "
                    "0 rep(s) rest on fewer than 3 discovery calls.")
    assert sc.describe_rep_composites(rqc, "2025Q1", min_calls=3) == ""


def _qoq():
    rq = pd.DataFrame({"rep_id": ["r1", "r1", "r2", "r2", "r3", "r3", "r4", "r4"],
                       "quarter": ["2026Q2", "2026Q3"] * 4,
                       "behavior": ["a", "a", "a", "a", "b", "b", "a", "a"],
                       "mean_score": [4.0, 5.5, 6.0, 4.5, 5.0, 5.2, 3.0, 9.0],
                       "n_calls": [10, 12, 5, 9, 4, 4, 1, 8]})
    return sc.quarter_over_quarter(rq, "2026Q3", "2026Q2", min_calls=3)


def test_qoq_summary_counts_reps_up_and_down():
    tab = sc.qoq_summary(_qoq(), behaviors=["b", "a", "c"], labels=LABELS)
    assert list(tab.columns) == ["behavior", "reps compared", "median change (points)", "reps up ≥ 1 point",
                                 "reps down ≥ 1 point"]
    assert tab["behavior"].tolist() == ["B", "A"]  # rubric order; c has no rep
    a = tab.set_index("behavior").loc["A"]
    assert a["reps compared"] == 2 and a["median change (points)"] == pytest.approx(0.0)  # +1.5 and -1.5; r4 low n
    assert a["reps up ≥ 1 point"] == 1 and a["reps down ≥ 1 point"] == 1


def test_qoq_movers_display_and_empty():
    mv = sc.qoq_movers(_qoq(), quarter="2026Q3", previous="2026Q2", labels=LABELS, rep_labels={"r1": "Ann"}, n=1)
    assert list(mv.columns) == ["rep", "behavior", "mean 2026Q2", "calls", "mean 2026Q3", "calls ", "change"]
    assert mv["rep"].tolist() == ["Ann", "r2"] and mv["change"].tolist() == pytest.approx([1.5, -1.5])
    none = _qoq().assign(low_n=True)
    assert sc.qoq_movers(none, quarter="2026Q3", previous="2026Q2", labels=LABELS, rep_labels={}).empty
    assert sc.qoq_summary(none, behaviors=["a"], labels=LABELS).empty


def test_describe_phase_trends_prefixes_what_is_drawn():
    trends = [sc.Trend("discovery", 0.8, 0.2, 1.4, 120, 10), sc.Trend("close", 0.1, -0.5, 0.7, 80, 9)]
    title, reading = sc.describe_phase_trends(trends, quarter="2026Q3", previous="2026Q2", level=0.9)
    assert title == "Over the quarter, discovery rose 0.8 points"
    assert reading.startswith("Weekly team mean per phase for 2026Q2 and 2026Q3")
    assert "with 90% intervals" in reading and "- **Close**: +0.1 points" in reading and "no clear change" in reading


def test_win_model_inputs_reasons():
    end = pd.Timestamp("2026-10-01")
    assert sc.win_model_inputs(None, None, behaviors=["a"], end=end, min_deals=10)[2] == sc.NO_SCORES
    ods = pd.DataFrame({"opportunity_id": [f"o{i}" for i in range(20)], "rep_id": [f"r{i % 5}" for i in range(20)],
                        "a": np.linspace(1, 9, 20)})
    assert sc.win_model_inputs(None, ods, behaviors=["a"], end=end, min_deals=10)[2] == sc.NO_OPPORTUNITIES
    opps = pd.DataFrame({"opportunity_id": ods["opportunity_id"], "status": ["won", "lost"] * 10,
                         "close_date": pd.Timestamp("2026-08-01")})
    frame, feats, why = sc.win_model_inputs(opps, ods, behaviors=["a"], end=end, min_deals=10)
    assert why is None and feats == ["a"] and len(frame) == 20
    _, _, why = sc.win_model_inputs(opps, ods, behaviors=["a"], end=end, min_deals=30)
    assert why == "only 20 closed deals with a scored discovery call (10 won); the model needs at least 30 and five of each outcome"
    _, _, why = sc.win_model_inputs(opps.assign(status=["won"] * 16 + ["lost"] * 4), ods, behaviors=["a"], end=end, min_deals=10)
    assert why.startswith("only 20 closed deals") and "(16 won)" in why  # four lost deals are too few
    # the folds and the interval are built from reps: the deals of four reps are too few
    _, _, why = sc.win_model_inputs(opps, ods.assign(rep_id=[f"r{i % 4}" for i in range(20)]), behaviors=["a"], end=end,
                                    min_deals=10)
    assert why == ("the 20 closed deals with a scored discovery call belong to only 4 reps; the model is tested on "
                   "reps it did not see, so it needs the deals of at least 5 reps")
    assert sc.win_model_inputs(opps, ods.assign(rep_id=[f"r{i % 4}" for i in range(20)]), behaviors=["a"], end=end,
                               min_deals=10, min_reps=4)[2] is None
    assert sc.describe_win_model_skip(sc.NO_SCORES).startswith("Not available: there are no scored calls")
    assert "Fix: add opportunities.csv" in sc.describe_win_model_skip(sc.NO_OPPORTUNITIES)
    assert sc.describe_win_model_skip("only 3 deals").startswith("The win model is skipped: only 3 deals. ")


def _win_result(**kw):
    base = dict(n_deals=100, n_won=40, n_lost=60, n_reps=20, features=("a", "b"), auc=0.7, auc_sd=0.05, ci_low=0.6, ci_high=0.8,
                fold_aucs=np.full(10, 0.7), n_splits=5, n_repeats=2, importance=pd.DataFrame(), interval_method="made so")
    return sc.WinModelResult(**(base | kw))


def test_auc_estimate_table_and_interval_sentence():
    win = _win_result()
    est = sc.auc_estimate(win, policy=verdict.Policy(level=0.9))
    assert est["value"] == 0.7 and est["n"] == 100 and est["unit"] == "auc" and est["features"] == ["a", "b"]
    assert est["n_unit"] == "deals" and est["reference"] == 0.5 and "90% CI" in est["reading"]
    assert est["n_reps"] == 20 and est["interval_method"] == "made so" and est["verdict"] == "positive"
    assert "20 reps" in est["reading"] and "not proof" in est["reading"]
    tab = sc.win_model_table(win, level=0.9)
    assert tab.to_dict("records") == [{"closed deals": 100, "reps": 20, "won": 40, "lost": 60, "behaviors used": 2,
                                       "cross-validated AUC": "0.70", "90% interval": "0.60 to 0.80",
                                       "spread across folds (SD)": "0.05"}]
    assert sc.describe_auc_interval(win) == ("How the interval is made: made so. The spread is the standard deviation of "
                                             "the AUC across 10 held-out folds of about 20 deals (4 reps) each.")


def test_describe_importance_names_clear_behaviors_and_direction():
    imp = pd.DataFrame({"behavior": ["a", "b", "c"], "importance": [0.05, 0.03, 0.0], "ci_low": [0.01, 0.005, -0.02],
                        "ci_high": [0.08, 0.05, 0.02], "coef_std": [0.4, -0.2, 0.1]})
    title, line = sc.describe_importance(imp, LABELS)
    assert title == "The prediction leans most on A"
    assert line.startswith("2 of 3 behaviors help the prediction")
    assert "more wins on: A." in line and "fewer wins on: B (worth" in line
    assert line.endswith("Bars: middle 95% of held-out folds (each fold holds reps the model did not see).")
    assert sc.describe_importance(imp, LABELS, level=0.9)[1].endswith("Bars: middle 90% of held-out folds "
                                                                       "(each fold holds reps the model did not see).")
    title, line = sc.describe_importance(imp.assign(ci_low=-0.01), LABELS)
    assert title == "No single behavior clearly drives the prediction"
    assert line.startswith("Every behavior's interval crosses zero")


def _agreement():
    return pd.DataFrame({"behavior": ["a", "b"], "n_calls": [40, 1], "kappa": [0.7, np.nan], "kappa_low": [0.6, np.nan],
                         "kappa_high": [0.8, np.nan], "icc": [0.72, np.nan], "icc_low": [0.6, np.nan],
                         "icc_high": [0.8, np.nan], "mean_diff": [0.25, np.nan], "diff_low": [0.1, np.nan],
                         "diff_high": [0.4, np.nan]})


def test_agreement_title_sentence_table_and_extra():
    agr = _agreement()
    assert sc.agreement_title(agr, scorer_a="manager", scorer_b="ai") == "AI vs manager: substantial agreement on a typical behavior"
    assert sc.agreement_title(agr.assign(kappa=np.nan), scorer_a="manager", scorer_b="ai") == "Too few double-scored calls"
    text = sc.describe_double_scored(agr, LABELS, scorer_a="manager", scorer_b="ai", n_calls=np.int64(1234))
    assert text.startswith("1,234 calls were scored by both manager and AI (all quarters). AI and manager scores agree")
    tab = sc.agreement_table(agr, LABELS, scorer_a="manager", scorer_b="ai", level=0.95)
    assert list(tab.columns) == ["behavior", "calls", "weighted kappa", "95% interval", "ICC",
                                 "mean AI − manager (points)", "95% interval "]
    assert tab.iloc[0]["behavior"] == "A" and tab.iloc[0]["95% interval"] == "0.60 to 0.80"
    assert tab.iloc[0]["95% interval "] == "+0.10 to +0.40"
    assert sc.agreement_extra(agr, scorer_a="manager", scorer_b="ai", n_calls=np.int64(40)) == {
        "scorer_a": "manager", "scorer_b": "ai", "n_calls": 40, "median_kappa": 0.7}
    assert sc.agreement_extra(agr.assign(kappa=np.nan), scorer_a="m", scorer_b="ai", n_calls=1)["median_kappa"] is None


def _trajectory_frames():
    weeks = pd.date_range("2026-04-06", periods=20, freq="W-MON")
    rng = np.random.default_rng(0)
    rows = []
    for rep, jump in (("r1", 3.0), ("r2", 0.0), ("r3", 0.0)):
        for i, w in enumerate(weeks):
            rows.append({"rep_id": rep, "week": w, "behavior": "a", "n_calls": 3,
                         "mean_score": 4.0 + (jump if i >= 10 else 0.0) + rng.normal(0, 0.2)})
    rw = pd.DataFrame(rows)
    sessions = pd.DataFrame({"session_id": ["s1", "s2", "s3"], "rep_id": ["r1", "r1", "r2"],
                             "session_date": pd.to_datetime(["2026-06-15", "2026-07-01", "2026-06-16"]),
                             "behavior": ["a;b", "a", "a"]})
    return rw, sc.team_week_behavior(rw), sessions


def test_coached_cohort_panels_and_reading():
    rw, tw, sessions = _trajectory_frames()
    start, end = pd.Timestamp("2026-04-01"), pd.Timestamp("2026-10-01")
    panels = sc.coached_cohort(rw, tw, sessions, "a", start, end, rep_labels={"r1": "Ann"}, min_calls=3)
    assert [p.rep_id for p in panels] == ["r1", "r2"]  # most sessions first; r3 was not coached
    p1 = panels[0]
    assert p1.title.startswith("Ann: ") and p1.title.endswith("clearly up") and p1.clearly_up
    assert len(p1.sessions) == 2 and p1.sessions.min() == pd.Timestamp("2026-06-15")
    assert p1.before_after.n_calls_before == 30 and p1.before_after.change == pytest.approx(3.0, abs=0.3)
    assert set(p1.rep_week["rep_id"]) == {"r1"} and set(p1.team_week["behavior"]) == {"a"}
    assert not panels[1].clearly_up and panels[1].title.startswith("r2: ")
    assert len(sc.coached_cohort(rw, tw, sessions, "a", start, end, rep_labels={}, min_calls=3, max_reps=1)) == 1
    title, reading = sc.describe_coached_cohort(panels, "A", period="2026Q2–2026Q3")
    assert title == "Coached on A: 1 of 2 reps clearly above their pre-coaching level"
    assert reading.startswith("2 rep(s) had coaching sessions on A in 2026Q2–2026Q3. ")


def test_plot_coached_cohort_grid():
    rw, tw, sessions = _trajectory_frames()
    panels = sc.coached_cohort(rw, tw, sessions, "a", pd.Timestamp("2026-04-01"), pd.Timestamp("2026-10-01"),
                               rep_labels={}, min_calls=3)
    fig = splots.plot_coached_cohort(panels, behavior_label="A", min_calls=3, title="Coached on A")
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig._suptitle.get_text() == "Coached on A"
    titles = [a.get_title() or a.get_title("left") for a in fig.axes]  # the style may title on the left
    assert len(fig.axes) == 2 and titles == [p.title for p in panels]
    assert len(fig.legends) == 1
    three = splots.plot_coached_cohort(panels + panels[:1], behavior_label="A")
    assert len(three.axes) == 4 and [a.get_visible() for a in three.axes] == [True, True, True, False]
    plt.close("all")


def test_findings_status_and_table():
    assert sc.findings_status({}) == "ok"
    assert sc.findings_status({"notebook": "no calls table"}) == "skipped: no calls table"
    assert sc.findings_status({"behavior_auc": "few deals"}) == (
        "skipped: behavior_auc — few deals (scores, views and agreement were computed)")
    est = {"behavior_auc": {"value": 0.61, "ci_low": 0.52, "ci_high": 0.7, "n": 90, "unit": "auc", "reading": "r"}}
    tab = sc.findings_table(est, {"other": "why"})
    assert list(tab.columns) == ["estimate", "value", "interval", "n", "reading"]
    assert tab["estimate"].tolist() == ["behavior_auc", "other"] and tab.iloc[1]["value"] == "not computed"
    assert tab.iloc[0]["interval"] and tab.iloc[0]["n"] == 90
    assert sc.findings_table({}, {}).empty


def test_heatmap_rows_keep_strongest_and_weakest_around_a_blank_separator():
    reps = [f"r{i:02d}" for i in range(10)]
    means = pd.DataFrame({"a": np.linspace(9, 0, 10), "b": np.linspace(8, 1, 10)}, index=pd.Index(reps, dtype=object))
    counts = pd.DataFrame({"a": [5] * 10, "b": [1] * 10}, index=means.index)
    same_m, same_c, hidden = sc.heatmap_rows(means, counts, max_rows=10)
    assert hidden == 0 and same_m is means and same_c is counts
    m, c, hidden = sc.heatmap_rows(means, counts, max_rows=5)
    assert hidden == 5 and len(m) == 6
    assert list(m.index[:2]) == ["r00", "r01"] and list(m.index[-3:]) == ["r07", "r08", "r09"]
    assert "5 reps in between" in m.index[2] and m.iloc[2].isna().all()
    assert (c.iloc[2] >= 3).all()  # the separator is blank, not greyed as "too few calls"
    assert c.loc["r09", "b"] == 1  # real low-n cells keep their counts
    ax = splots.plot_team_heatmap(m, c, min_calls=3)
    assert [t.get_text() for t in ax.get_yticklabels()][2].startswith("⋯")
    plt.close("all")
