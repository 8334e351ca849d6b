"""Layer 2 (stacked DiD + event study), layer 3 (outcome link and lag) and the example-rep rule.

Unit tests on hand-built frames with known answers, then recovery on generated demo data over a
handful of seeds (coverage on most seeds, not one lucky one), with and without planted effects.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from coaching_roi import config, effects, scoring

WEEKS = pd.date_range("2026-01-05", periods=30, freq="7D")  # Mondays


# ------------------------------------------------------------------------------ hand-built data
def staggered_panel(*, slope: float = 0.5, seed: int = 1, n_per: int = 10, noise: float = 0.5):
    """Three adoption cohorts (weeks 6, 14, 22) + never-coached reps; the effect grows by ``slope``
    each week after the first session (week 0 -> slope, week 8 -> 9 x slope)."""
    rng = np.random.default_rng(seed)
    rows, eps = [], []
    for i in range(4 * n_per):
        start = [6, 14, 22, None][i // n_per]
        rep = f"r{i:02d}"
        if start is not None:
            eps.append(dict(rep_id=rep, behavior="b", first_session_date=WEEKS[start] + pd.Timedelta(days=1),
                            episode_week=WEEKS[start], last_session_date=WEEKS[start] + pd.Timedelta(days=50),
                            n_sessions=6, observable="do x"))
        level = rng.normal(5, 1)
        for t, w in enumerate(WEEKS):
            treated = start is not None and t >= start
            eff = slope * (t - start + 1) if treated else 0.0
            rows.append(dict(rep_id=rep, week=w, behavior="b", mean_score=level + 0.05 * t + eff + rng.normal(0, noise),
                             n_calls=3, post=int(treated)))
    weekly = pd.DataFrame(rows)
    return weekly, pd.DataFrame(eps)


def test_stacked_did_recovers_growing_staggered_effect_where_twfe_is_biased():
    weekly, eps = staggered_panel()
    truth = 0.5 * np.mean(np.arange(1, 10))  # average effect over event weeks 0..8 = 2.5
    res = effects.behavior_change(weekly, eps, pre_weeks=4, post_weeks=8)
    row = res.table.set_index("behavior").loc["b"]
    assert row["status"] == "ok"
    assert row["ci_low"] <= truth <= row["ci_high"]
    assert abs(row["estimate"] - truth) < 0.2
    assert row["pretrend_low"] <= 0 <= row["pretrend_high"]
    assert row["n_reps"] == 30 and row["n_controls"] >= 10
    # plain two-way fixed effects uses already-coached reps as controls: biased well below the truth
    # even though every effect it averages (weeks 0..23) is at least 0.5 and most are above 2.5
    twfe = effects.twfe_did(weekly)
    assert twfe < truth - 0.4
    # the event study recovers the ramp week by week
    es = res.event_study[res.event_study["behavior"] == "b"].set_index("event_week")
    for k in (0, 4, 8):
        assert es.loc[k, "ci_low"] - 0.2 <= 0.5 * (k + 1) <= es.loc[k, "ci_high"] + 0.2
    assert es.loc[-1, "estimate"] == 0.0


def test_stacked_did_no_effect_covers_zero():
    weekly, eps = staggered_panel(slope=0.0, seed=3)
    row = effects.behavior_change(weekly, eps, pre_weeks=4, post_weeks=8).table.set_index("behavior").loc["b"]
    assert row["ci_low"] <= 0 <= row["ci_high"]
    assert row["pretrend_low"] <= 0 <= row["pretrend_high"]


def test_control_rule_uses_never_and_not_yet_coached_only():
    weekly, eps = staggered_panel(n_per=2)
    panel = effects.stacked_panel(weekly, eps, "b", pre_weeks=4, post_weeks=8)
    first = panel[panel["sub"] == WEEKS[6]]
    treated = set(first.loc[first["treated"], "rep_id"])
    controls = set(first.loc[~first["treated"], "rep_id"])
    assert treated == {"r00", "r01"}
    # cohort 14 starts exactly when cohort 6's window ends (6 + 8): not clean; cohort 22 is clean
    assert controls == {"r04", "r05", "r06", "r07"}
    last = panel[panel["sub"] == WEEKS[22]]
    assert set(last.loc[~last["treated"], "rep_id"]) == {"r06", "r07"}  # earlier cohorts never control
    assert first["event_week"].between(-4, 8).all()


def test_too_few_coached_reps_gives_reason_not_number():
    weekly, eps = staggered_panel(n_per=3)
    one = eps.iloc[[0]]
    res = effects.behavior_change(weekly, one, pre_weeks=4, post_weeks=8)
    assert res.table.iloc[0]["status"].startswith("skipped: only 1 coached rep")
    assert res.estimates() == {}
    assert "b" in res.skipped()


def test_estimates_follow_findings_contract_and_readings_respect_interval():
    weekly, eps = staggered_panel()
    est = effects.behavior_change(weekly, eps, pre_weeks=4, post_weeks=8).estimates({"b": "Asks better"})
    e = est["behavior_change::b"]
    assert e["unit"] == "points" and e["n"] == 30 and e["n_unit"] == "coached reps" and e["ci_low"] < e["value"] < e["ci_high"]
    assert e["verdict"] == "positive" and "rose" in e["reading"] and "Asks better" in e["reading"]
    assert "n = 30 coached reps" in e["reading"] and e["df"] == 29
    assert est["event_study_pretrend::b"]["verdict"] == "no_clear_change"


def test_coaching_episodes_split_multi_behavior_and_min_sessions():
    s = pd.DataFrame({
        "session_id": ["s1", "s2", "s3", "s4"], "rep_id": ["a", "a", "a", "b"], "coach_id": "m",
        "session_date": pd.to_datetime(["2026-03-04", "2026-03-11", "2026-03-18", "2026-03-05"]),
        "behavior": ["x", "x;y", "x", "y"], "observable": ["first", None, "latest", ""],
    })
    ep = effects.coaching_episodes(s, ["x", "y"])
    a_x = ep[(ep.rep_id == "a") & (ep.behavior == "x")].iloc[0]
    assert a_x["n_sessions"] == 3 and a_x["observable"] == "latest"
    assert a_x["episode_week"] == pd.Timestamp("2026-03-02")
    assert len(ep) == 3  # (a,x), (a,y), (b,y)
    ep2 = effects.coaching_episodes(s, ["x", "y"], min_sessions=2)
    assert list(zip(ep2.rep_id, ep2.behavior, strict=True)) == [("a", "x")]


# ------------------------------------------------------------------------------------ layer 3
def _outcome_frames(slope: float = 0.05, lag: int = 1, coached_q: int = 1):
    """Six coached reps in 2026Q1 with known quarter-mean gains; win rates move ``slope`` per point,
    ``lag`` quarters later. Data end 2026-09-30 (2026Q3 complete, 2026Q4 absent)."""
    gains = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    weekly, eps, opps = [], [], []
    quarters = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    for i, g in enumerate(gains):
        rep = f"r{i}"
        eps.append(dict(rep_id=rep, behavior="x", first_session_date=pd.Timestamp("2026-01-14"),
                        episode_week=pd.Timestamp("2026-01-12"), last_session_date=pd.Timestamp("2026-03-01"),
                        n_sessions=6, observable="o"))
        for qi, q in enumerate(quarters):
            start, end = config.quarter_bounds(q)
            for monday in pd.date_range(start, end, freq="W-MON", inclusive="left"):
                weekly.append(dict(rep_id=rep, week=monday, behavior="x", mean_score=5 + (g if qi >= coached_q else 0.0), n_calls=3))
            wr = 0.3 + (slope * g if qi >= coached_q + lag else 0.0)
            n_won = int(round(wr * 200))
            for j in range(200):
                opps.append(dict(opportunity_id=f"{rep}-{q}-{j}", rep_id=rep, created_date=start,
                                 close_date=start + pd.Timedelta(days=85), status="won" if j < n_won else "lost",
                                 amount=1000.0))
    return pd.DataFrame(weekly), pd.DataFrame(eps), pd.DataFrame(opps)


def _wr(res):
    """The win-rate rows of an outcome-link table, by lag."""
    return res.table[res.table["outcome"] == "win_rate"].set_index("lag_quarters")


def test_outcome_link_recovers_lagged_slope_and_says_not_yet_observable():
    weekly, eps, opps = _outcome_frames(slope=0.05, lag=1)
    res = effects.outcome_link(weekly, eps, opps, quarter="2026Q3", lags=(0, 1, 2, 3))
    t = _wr(res)
    assert abs(t.loc[0, "value"]) < 1e-9
    assert t.loc[1, "value"] == pytest.approx(0.05, abs=0.003)
    assert t.loc[2, "value"] == pytest.approx(0.05, abs=0.003)
    # 2026Q1 + 3 = 2026Q4: after the data end -> a status, never a number
    assert np.isnan(t.loc[3, "value"]) and t.loc[3, "status"] == "not yet observable: 2026Q4 has no closed deals yet"
    assert t.loc[3, "observable_from"] == "2026Q4"
    est = res.estimates()["win_rate_change_per_point::all"]
    assert est["unit"] == "fraction" and est["lag_quarters"] == 1 and est["n"] == 6 and est["n_unit"] == "coached reps"
    cyc = res.estimates()["cycle_change_per_point::all"]
    assert cyc["unit"] == "days" and cyc["lag_quarters"] == 1 and cyc["value"] == pytest.approx(0.0, abs=1e-9)


def test_outcome_link_for_last_quarter_cohort_is_not_yet_observable():
    weekly, eps, opps = _outcome_frames(coached_q=3)
    eps = eps.assign(first_session_date=pd.Timestamp("2026-07-08"), episode_week=pd.Timestamp("2026-07-06"))
    res = effects.outcome_link(weekly, eps, opps, quarter="2026Q3", cohort="quarter", lags=(1, 2))
    t = _wr(res)
    assert t.loc[0, "status"] == "ok"  # the same-quarter reference is shown, never the finding
    assert t.loc[1, "status"] == "not yet observable: 2026Q4 has no closed deals yet"
    assert t.loc[2, "status"] == "not yet observable: 2027Q1 has no closed deals yet"
    for eid in ("win_rate_change_per_point::all", "cycle_change_per_point::all"):
        e = res.estimates()[eid]
        assert e["verdict"] == "too_few" and e["value"] is None and e["lag_quarters"] == 1
        assert e["observable_from"] == "2026Q4" and "not yet observable" in e["reading"]


def test_lag_observable_incomplete_quarter():
    outc = pd.DataFrame({"rep_id": ["a"], "quarter": ["2026Q4"], "n_deals": [3]})
    ok, why = effects.lag_observable("2026Q4", pd.Timestamp("2026-11-03"), outc)
    assert not ok and why == "not yet observable: 2026Q4 is not complete (data end 2026-11-03)"


# ------------------------------------------------------------------------------- example reps
def test_example_rule_prefers_targeted_then_clear():
    weeks = pd.date_range("2026-01-05", periods=20, freq="7D")
    first = weeks[6]
    weekly, sessions = [], []
    spec = {  # rep: (single-behavior sessions?, observable?, weekly cadence?, post jump)
        "focus_small": (True, True, True, 1.0),
        "focus_big": (True, True, True, 3.0),
        "scattered_big": (False, True, True, 5.0),
        "sparse_big": (True, False, False, 5.0),
        "never": None,
    }
    rng = np.random.default_rng(0)
    for rep, sp in spec.items():
        for t, w in enumerate(weeks):
            jump = sp[3] if sp and t >= 6 else 0.0
            weekly.append(dict(rep_id=rep, week=w, behavior="x", mean_score=5 + jump + rng.normal(0, 0.3), n_calls=3))
        if sp:
            single, obs, weekly_cadence, _ = sp
            for j in range(6 if weekly_cadence else 2):
                sessions.append(dict(session_id=f"{rep}{j}", rep_id=rep, coach_id="m",
                                     session_date=first + pd.Timedelta(days=(7 if weekly_cadence else 28) * j + 1),
                                     behavior="x" if single else "x;y", observable="do it" if obs else None))
    weekly, sessions = pd.DataFrame(weekly), pd.DataFrame(sessions)
    reps = pd.DataFrame({"rep_id": list(spec), "rep_name": [r.replace("_", " ").title() for r in spec]})
    opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["focus_big"], "created_date": [weeks[0]],
                         "close_date": [weeks[2]], "status": ["won"], "amount": [1.0]})
    eps = effects.coaching_episodes(sessions, ["x", "y"], min_sessions=2)
    ex = effects.example_reps(weekly=weekly, episodes=eps, sessions=sessions, reps=reps, opportunities=opps, k=2,
                              pre_weeks=4, post_weeks=8)
    assert list(ex.table["rep_id"]) == ["focus_big", "focus_small"]
    row = ex.table.iloc[0]
    assert row["sentence"].startswith("Focus Big was coached on x for 6 weeks (committed to: \"do it\"); score ")
    assert row["n_deals_before"] == 1 and row["win_rate_before"] == 1.0
    assert set(ex.table.columns) >= {"rep_id", "rep_name", "behavior", "behavior_label", "observable", "n_sessions",
                                     "first_session_date", "before_score", "after_score", "win_rate_before",
                                     "win_rate_after", "n_deals_before", "n_deals_after", "sentence"}
    tr = ex.trajectories[ex.trajectories["rep_id"] == "focus_big"]
    assert list(tr["event_week"]) == list(range(-4, 9))
    assert tr["team_score"].notna().all()  # "never" is the comparison team
    assert "rule" in ex.rule and "targeted" in ex.rule


# ------------------------------------------------------------------------------------- plots
def test_plots_return_axes_and_handle_empty():
    from matplotlib.axes import Axes

    from coaching_roi.plots import effects as P

    weekly, eps = staggered_panel(n_per=4)
    res = effects.behavior_change(weekly, eps, pre_weeks=4, post_weeks=8)
    assert isinstance(P.plot_event_study(res.event_study, behavior="b"), Axes)
    assert isinstance(P.plot_event_study(res.event_study, behavior="missing"), Axes)
    w, e, o = _outcome_frames()
    ol = effects.outcome_link(w, e, o, quarter="2026Q3")
    assert isinstance(P.plot_outcome_scatter(ol.points, lag=1, slope=0.05), Axes)
    assert isinstance(P.plot_outcome_scatter(ol.points.iloc[0:0], lag=2), Axes)
    assert isinstance(P.plot_example_trajectories(pd.DataFrame()), Axes)
    import matplotlib.pyplot as plt

    plt.close("all")


# ------------------------------------------------------------------- recovery on generated data
SEEDS = (1, 2, 3, 4, 5, 6)


def _analyse(tmp, seed: int, no_effect: bool):
    from coaching_roi import demo

    d = tmp / f"demo{seed}{'n' if no_effect else ''}"
    truth = demo.generate(d, seed=seed, inject_errors=False, no_effect=no_effect)
    calls = pd.read_csv(d / "calls.csv", parse_dates=["call_date"])
    scores = pd.read_csv(d / "call_scores.csv")
    sessions = pd.read_csv(d / "coaching_sessions.csv", parse_dates=["session_date"])
    opps = pd.read_csv(d / "opportunities.csv", parse_dates=["created_date", "close_date"])
    cfg = config.build(quarter=truth["end_quarter"], data_dir=str(d), name="t", run_dir=str(d / "run"),
                       overrides={"analysis": {"n_bootstrap": 1000}})
    weekly = scoring.rep_period_behavior(scoring.scored_calls(calls, scoring.primary_scores(scores)), "week")  # 02's rule
    eps = effects.coaching_episodes(sessions, cfg.rubric.keys, min_sessions=cfg.analysis.min_episode_sessions)
    bc = effects.behavior_change(weekly, eps, cfg=cfg)
    ol = effects.outcome_link(weekly, eps, opps, cfg=cfg)
    return truth, bc, ol


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("effects_recovery")
    return {
        "effect": [_analyse(tmp, s, False) for s in SEEDS],
        "none": [_analyse(tmp, s, True) for s in SEEDS[:4]],
    }


def test_recovery_behavior_change_covers_realized_truth(recovery):
    hits, pre_hits, total = 0, 0, 0
    pooled_hits = 0
    for truth, bc, _ in recovery["effect"]:
        t = bc.table.set_index("behavior")
        for b in truth["coached_behaviors"]:
            r = t.loc[b]
            assert r["status"] == "ok"
            # the estimand: mean post-window (weeks 0..8) effect over ALL coached episodes of b
            # (landing or not) -> compare with the realized value of this sample's episodes
            total += 1
            hits += r["ci_low"] <= truth["behavior_change_realized"][b] <= r["ci_high"]
            pre_hits += r["pretrend_low"] <= 0 <= r["pretrend_high"]
        eps = truth["coached_episodes"]
        pooled_truth = np.mean([e["gain_points"] for e in eps]) / truth["effects"]["coaching_gain_points"] * (
            truth["behavior_change"][truth["coached_behaviors"][0]] / truth["effects"]["share_coaching_lands"])
        pooled_hits += t.loc["all", "ci_low"] <= pooled_truth <= t.loc["all", "ci_high"]
        assert t.loc["all", "estimate"] > 0.3
    assert hits >= 0.8 * total, f"per-behavior coverage {hits}/{total}"
    assert pre_hits >= 0.75 * total, f"pre-trend coverage of 0: {pre_hits}/{total}"
    assert pooled_hits >= len(SEEDS) - 1


def test_recovery_no_effect_behavior_change_covers_zero(recovery):
    hits, total = 0, 0
    for _, bc, _ in recovery["none"]:
        for r in bc.table[bc.table["status"] == "ok"].itertuples():
            total += 1
            hits += r.ci_low <= 0 <= r.ci_high
        pooled = bc.estimates().get("behavior_change::all")
        assert pooled is not None, "no pooled behavior change on a no-effect team"
        assert "rose" not in pooled["reading"] or pooled["ci_low"] > 0
    assert total >= 8 and hits >= 0.8 * total, f"{hits}/{total}"


def test_recovery_lag_zero_flat_lag_one_covers_planted_slope(recovery):
    lag0, lag1, n1 = 0, 0, 0
    for truth, _, ol in recovery["effect"]:
        assert truth["lag_quarters"] == 1
        t = _wr(ol)
        assert t.loc[2, "n_not_yet"] > 0
        lag0 += t.loc[0, "ci_low"] <= 0 <= t.loc[0, "ci_high"]
        if t.loc[1, "status"] == "ok":
            pts = ol.points[(ol.points["lag_quarters"] == 1)].dropna(subset=["win_rate_change", "behavior_change"])
            # pooled truth: the planted per-point slope of each included rep's behavior, averaged
            planted = float(np.mean([truth["win_rate_change_per_point"].get(b, 0.0) for b in pts["behavior"]]))
            n1 += 1
            lag1 += t.loc[1, "ci_low"] <= planted <= t.loc[1, "ci_high"]
    assert lag0 >= len(SEEDS) - 2
    assert n1 >= len(SEEDS) - 1 and lag1 >= n1 - 2


def test_recovery_no_effect_lags_cover_zero(recovery):
    hits, total = 0, 0
    for _, _, ol in recovery["none"]:
        for r in ol.table[(ol.table["status"] == "ok") & (ol.table["outcome"] == "win_rate")].itertuples():
            total += 1
            hits += r.ci_low <= 0 <= r.ci_high
    assert total >= 6 and hits >= total - 1


def test_load_inputs_needs_02_and_states_what_is_missing(tmp_path):
    import json

    from coaching_roi import artifacts
    from coaching_roi.errors import WorkbookError

    data = tmp_path / "data"
    data.mkdir()
    cfg = config.build(quarter="2026Q1", data_dir=str(data), name="t", run_dir=str(tmp_path / "run"))
    cfg.artifacts_dir.mkdir(parents=True)
    calls = pd.DataFrame({"call_id": ["c1"], "rep_id": ["a"], "call_date": pd.to_datetime(["2026-02-03"]),
                          "call_type": ["discovery"], "opportunity_id": [None], "duration_s": [600.0]})
    scores = pd.DataFrame({"call_id": ["c1"], "behavior": ["open_questions"], "score": [6.0], "scorer": ["manager"],
                           "scorer_id": ["m"]})
    calls.to_parquet(cfg.artifact("01_calls"))
    scores.to_parquet(cfg.artifact("01_call_scores"))
    (cfg.artifacts_dir / "01_tables.json").write_text(json.dumps(
        {"present": ["calls", "call_scores"], "absent": {"coaching_sessions": "no log"}}))
    with pytest.raises(WorkbookError, match="run 02_behavioral_scoring first"):  # 02's scores are never rebuilt here
        effects.load_inputs(cfg)
    artifacts.write_all(cfg, {}, scoring.ARTIFACTS)  # 02 ran but had no scored calls
    inp = effects.load_inputs(cfg)
    assert inp.weekly is None and set(inp.missing) == {"coaching_sessions", "call_scores", "opportunities"}
    assert "cannot be computed" in inp.missing_sentence()
    artifacts.write(cfg, "02_rep_week_behavior", pd.DataFrame({
        "rep_id": ["a"], "week": pd.to_datetime(["2026-02-02"]), "behavior": ["open_questions"], "mean_score": [6.0],
        "n_calls": [1]}))
    inp = effects.load_inputs(cfg)
    assert inp.weekly_source == "02_rep_week_behavior" and len(inp.weekly) == 1
    assert set(inp.missing) == {"coaching_sessions", "opportunities"}


def test_event_study_title_hedges_small_groups():
    table = pd.DataFrame([
        {"behavior": "a", "estimate": 1.4, "ci_low": 0.4, "ci_high": 2.5, "n_reps": 4, "n_episodes": 4, "n_controls": 20,
         "pretrend": 0.0, "pretrend_low": -0.5, "pretrend_high": 0.5, "status": "ok"},
        {"behavior": "b", "estimate": 0.3, "ci_low": -0.4, "ci_high": 1.0, "n_reps": 9, "n_episodes": 9, "n_controls": 20,
         "pretrend": 0.0, "pretrend_low": -0.5, "pretrend_high": 0.5, "status": "ok"},
    ])
    res = effects.BehaviorChangeResult(table, pd.DataFrame(), 4, 8, 0.95, 5, {"a": "Alpha", "b": "Beta"})
    assert res.title("a") == "Too few coached reps to tell whether coaching moved scores on “Alpha” yet"
    assert res.title("b") == "No clear change in coached reps' scores on “Beta” relative to comparison reps"
