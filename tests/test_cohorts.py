"""Cohort win rate, quartile gap bootstrap, layer-1 activity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coaching_roi import cohorts, verdict

START, END = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")


def _hand_frames(n_reps=8, wins=None, losses=None):
    reps = pd.DataFrame({
        "rep_id": [f"r{i}" for i in range(n_reps)] + ["s0"],
        "rep_name": [f"Rep {i}" for i in range(n_reps)] + ["SDR"],
        "role": ["AE"] * n_reps + ["SDR"],
    })
    comp = pd.DataFrame({
        "rep_id": [f"r{i}" for i in range(n_reps)] + ["s0", "r0"],
        "quarter": ["2026Q3"] * (n_reps + 1) + ["2026Q2"],
        "composite_mean": list(np.arange(n_reps, dtype=float)) + [9.9, 0.0],
        "n_calls": [5] * (n_reps + 2),
    })
    rows = []
    for i in range(n_reps):
        w = wins[i] if wins else i
        lo = losses[i] if losses else n_reps - i
        rows += [(f"r{i}", "won")] * w + [(f"r{i}", "lost")] * lo
    opp = pd.DataFrame(rows, columns=["rep_id", "status"])
    opp["close_date"] = pd.Timestamp("2026-08-01")
    # out-of-quarter and open deals must not count
    extra = pd.DataFrame({"rep_id": ["r0", "r0"], "status": ["won", "open"],
                          "close_date": [pd.Timestamp("2026-06-30"), pd.NaT]})
    return comp, pd.concat([opp, extra], ignore_index=True), reps


def test_rep_quarter_table_quartiles_and_win_rates():
    comp, opp, reps = _hand_frames()
    rq = cohorts.rep_quarter_table(comp, opp, reps, quarter="2026Q3", start=START, end=END)
    assert len(rq) == 8 and "s0" not in set(rq["rep_id"])  # SDR dropped
    r0 = rq.set_index("rep_id").loc["r0"]
    assert (r0.won, r0.lost, r0.quartile) == (0, 8, 1)  # out-of-quarter win not counted
    r7 = rq.set_index("rep_id").loc["r7"]
    assert r7.quartile == 4 and r7.win_rate == pytest.approx(7 / 8)
    assert rq["quartile"].value_counts().to_dict() == {1: 2, 2: 2, 3: 2, 4: 2}
    qs = cohorts.quartile_summary(rq, n_boot=200, seed=1)
    top = qs.set_index("quartile").loc[4]
    assert top.won == 13 and top.lost == 3 and top.n_reps == 2
    assert top.ci_low <= top.win_rate <= top.ci_high
    assert list(qs.columns[:10]) == ["quartile", "n_reps", "n_deals", "won", "lost", "win_rate", "ci_low",
                                     "ci_high", "score_min", "score_max"]


def test_quartile_gap_point_and_interval():
    comp, opp, reps = _hand_frames(n_reps=12, wins=[1] * 3 + [5] * 6 + [9] * 3, losses=[9] * 3 + [5] * 6 + [1] * 3)
    rq = cohorts.rep_quarter_table(comp, opp, reps, quarter="2026Q3", start=START, end=END)
    iv = cohorts.quartile_gap(rq, n_boot=300, seed=3)
    assert iv.value == pytest.approx(0.9 - 0.1)
    assert iv.n == 12
    assert iv.ci_low <= iv.value <= iv.ci_high


def test_gap_bootstrap_resamples_reps_not_deals():
    """Doubling every rep's deals changes nothing when reps are the resampling unit (pooled rates per
    rep are unchanged); a deal-level bootstrap would narrow the interval by about 1/sqrt(2)."""
    rng = np.random.default_rng(0)
    n = 16
    wins = list(rng.integers(0, 10, n))
    comp, opp, reps = _hand_frames(n_reps=n, wins=wins, losses=[10 - w for w in wins])
    rq = cohorts.rep_quarter_table(comp, opp, reps, quarter="2026Q3", start=START, end=END)
    rq2 = rq.assign(won=rq["won"] * 2, lost=rq["lost"] * 2)
    a = cohorts.quartile_gap(rq, n_boot=300, seed=5)
    b = cohorts.quartile_gap(rq2, n_boot=300, seed=5)
    assert (a.value, a.ci_low, a.ci_high) == pytest.approx((b.value, b.ci_low, b.ci_high))
    assert a.n == n


def test_quartile_gap_too_few_reps_has_no_interval():
    comp, opp, reps = _hand_frames(n_reps=5)
    rq = cohorts.rep_quarter_table(comp, opp, reps, quarter="2026Q3", start=START, end=END)
    iv = cohorts.quartile_gap(rq, n_boot=100)
    assert np.isnan(iv.ci_low)
    e = verdict.make("quartile_win_rate_gap", value=iv.value, ci_low=iv.ci_low, ci_high=iv.ci_high, n=iv.n,
                     n_unit="AEs", unit="fraction", policy=verdict.Policy())
    assert e["verdict"] == "too_few" and "not a finding" not in e["reading"] and "cannot be told yet" in e["reading"]


def _sessions():
    return pd.DataFrame({
        "session_id": ["s1", "s2", "s3", "s4", "s5"],
        "rep_id": ["a", "a", "a", "b", "b"],
        "coach_id": ["m1", "m1", "m1", "m2", "m2"],
        "session_date": pd.to_datetime(["2026-07-06", "2026-07-08", "2026-08-03", "2026-07-06", "2026-09-28"]),
        "behavior": ["open_questions", "open_questions", "open_questions;clear_ask", "clear_ask", "clear_ask"],
        "observable": ["ask 3 open questions", None, "  ", "book next step", "book next step"],
    })


def test_activity_measures():
    s = cohorts.sessions_in_quarter(_sessions(), START, END)
    assert list(s["n_behaviors"]) == [1, 1, 2, 1, 1]
    assert list(s["has_observable"]) == [True, False, False, True, True]
    reps = pd.DataFrame({"rep_id": ["a", "b"], "rep_name": ["Ann", "Bob"]})
    by_rep = cohorts.activity_by_rep(s, reps, START, END).set_index("rep_id")
    assert by_rep.loc["a", "n_sessions"] == 3
    assert by_rep.loc["a", "weeks_with_session"] == 2  # 6 and 8 July share a week
    assert by_rep.loc["a", "longest_gap_weeks"] == pytest.approx(26 / 7)
    assert by_rep.loc["a", "cadence"] == pytest.approx(2 / 14)  # 92 days -> 14 weeks
    assert by_rep.loc["a", "main_behavior"] == "open_questions"
    by_beh = cohorts.activity_by_behavior(s, {"clear_ask": "Makes a clear ask"}).set_index("behavior")
    assert by_beh.loc["clear_ask", "n_sessions"] == 3 and by_beh.loc["clear_ask", "n_sessions_single"] == 2
    assert by_beh.loc["clear_ask", "behavior_label"] == "Makes a clear ask"
    assert by_beh.loc["open_questions", "behavior_label"] == "open_questions"
    ov = cohorts.activity_overview(s).set_index("measure")
    assert ov["k"].tolist() == [4, 3, 3]
    assert (ov["ci_low"] <= ov["share"]).all() and (ov["share"] <= ov["ci_high"]).all()
    coach = cohorts.activity_by_coach(s).set_index("coach_id")
    assert coach.loc["m2", "share_with_observable"] == 1.0


def test_activity_empty():
    s = cohorts.sessions_in_quarter(_sessions(), pd.Timestamp("2030-01-01"), pd.Timestamp("2030-04-01"))
    assert cohorts.activity_by_rep(s, pd.DataFrame({"rep_id": [], "rep_name": []}), START, END).empty
    assert cohorts.activity_by_behavior(s).empty
    assert cohorts.activity_overview(s)["n"].eq(0).all()


# ------------------------------------------------------------------------------ recovery (demo)
def _rep_quarter_from_demo(tmp, seed: int, no_effect: bool):
    from coaching_roi import config, demo, scoring

    d = tmp / f"demo_{seed}_{no_effect}"
    truth = demo.generate(d, seed=seed, no_effect=no_effect, inject_errors=False)
    cfg = config.build(quarter=truth["end_quarter"], data_dir=str(d), name="t", run_dir=str(tmp / "run"))
    dates = {"reps": ["hire_date", "end_date"], "calls": ["call_date"], "opportunities": ["created_date", "close_date"]}
    t = {n: pd.read_csv(d / f"{n}.csv", parse_dates=dates.get(n, [])) for n in ("reps", "calls", "call_scores", "opportunities")}
    comp = scoring.call_composite(t["calls"], scoring.primary_scores(t["call_scores"]), weights=cfg.rubric.weights,
                                  composite_behaviors=cfg.rubric.composite_behaviors,
                                  discovery_call_types=cfg.rubric.discovery_call_types,
                                  min_coverage=cfg.analysis.min_composite_coverage)
    start, end = cfg.quarter_bounds()
    rq = cohorts.rep_quarter_table(scoring.rep_quarter_composite(comp), t["opportunities"], t["reps"],
                                   quarter=cfg.quarter, start=start, end=end)
    return rq, truth


def test_quartile_gap_recovery_and_no_effect(tmp_path):
    covered = 0
    for seed in (1, 2, 3, 4, 5):
        rq, truth = _rep_quarter_from_demo(tmp_path, seed, False)
        iv = cohorts.quartile_gap(rq, n_boot=1000, seed=seed)
        covered += iv.ci_low <= truth["quartile_win_rate_gap"] <= iv.ci_high
    assert covered >= 4
    claims = covers_zero = 0
    for seed in (1, 2, 3, 4):
        rq, _ = _rep_quarter_from_demo(tmp_path, seed, True)
        iv = cohorts.quartile_gap(rq, n_boot=1000, seed=seed)
        covers_zero += iv.ci_low <= 0 <= iv.ci_high
        claims += verdict.decide(iv.value, iv.ci_low, iv.ci_high, iv.n, "AEs", policy=verdict.Policy()) == "positive"
    assert covers_zero >= 3 and claims <= 1


def test_fast_gap_bootstrap_equals_generic_rep_bootstrap():
    from coaching_roi.stats import bootstrap_by_group

    rng = np.random.default_rng(3)
    n = 13
    df = pd.DataFrame({"rep_id": [f"r{i}" for i in range(n)], "composite_mean": np.round(rng.normal(5, 1, n), 1),
                       "won": rng.integers(0, 8, n), "lost": rng.integers(1, 8, n)})
    df.loc[3, "composite_mean"] = df.loc[4, "composite_mean"]  # a tie
    fast = cohorts.quartile_gap(df, n_boot=200, seed=9)
    slow, _ = bootstrap_by_group(df, "rep_id", cohorts._pooled_gap, n_boot=200, seed=9)
    assert (fast.value, fast.ci_low, fast.ci_high) == pytest.approx((slow.value, slow.ci_low, slow.ci_high))


def test_plots_return_axes_and_draw_every_rep():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coaching_roi.plots import cohorts as cplots

    comp, opp, reps = _hand_frames(n_reps=12, wins=list(range(12)), losses=[5] * 12)
    rq = cohorts.rep_quarter_table(comp, opp, reps, quarter="2026Q3", start=START, end=END)
    qs = cohorts.quartile_summary(rq, n_boot=100)
    ax = cplots.plot_quartile_win_rate(rq, qs, title="Costs $5")
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == pytest.approx(len(rq))  # every rep counted once across the stacked quartile bars
    assert r"Costs \$5" in {ax.get_title(loc=loc) for loc in ("left", "center")}  # the house theme puts titles left
    s = cohorts.sessions_in_quarter(_sessions(), START, END)
    assert cplots.plot_sessions_by_behavior(cohorts.activity_by_behavior(s)) is not None
    assert cplots.plot_cadence(cohorts.activity_by_rep(s, pd.DataFrame({"rep_id": ["a", "b"], "rep_name": ["A", "B"]}), START, END))
    plt.close("all")
