"""Unit tests of coaching_roi.plan: one focus per rep, tiers, watch list, recognition, hygiene, CSV."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from coaching_roi import exports, plan
from coaching_roi import funnel as fn

Q = (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"))
PREV = (pd.Timestamp("2026-04-01"), pd.Timestamp("2026-07-01"))
BENCH = {"connect_rate": 0.10, "conversation_rate": 0.75, "meeting_rate": 0.20, "show_rate": 0.80, "sql_rate": 0.55,
         "email_reply_rate": 0.08}
SKILLS = {k: f"skill {k}" for k in BENCH}
LABELS = {"b1": "Behavior one", "b2": "Behavior two", "b3": "Behavior three"}


def _reps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_id": pd.array(["A1", "A2", "A3", "S1", "S2", "S3", "GONE"], dtype="string"),
            "rep_name": ["Ann", "=HYPERLINK(\"x\")", "Cy", "+Dee", "-Eve", "@Fay", "Old"],
            "role": ["AE", "AE", "AE", "SDR", "SDR", "SDR", "AE"],
            "manager_id": ["M1", "M1", "M2", "M3", "M3", "M3", "M1"],
            "hire_date": pd.to_datetime(["2024-01-01"] * 5 + ["2026-08-01", "2023-01-01"]),
            "end_date": pd.to_datetime([None] * 6 + ["2026-08-15"]),
            "monthly_quota": [10_000.0, 10_000.0, 10_000.0, np.nan, np.nan, np.nan, 10_000.0],
        }
    )


def _rep_behavior() -> pd.DataFrame:
    rows = []
    means = {"A1": (6, 6, 3), "A2": (6, 7, 7), "A3": (7, 7, 7)}
    for r, ms in means.items():
        for b, m in zip(LABELS, ms, strict=True):
            rows.append({"rep_id": r, "behavior": b, "mean_score": float(m), "n_calls": 20})
    return pd.DataFrame(rows)


def test_active_reps_drops_leavers_and_other_roles():
    a = plan.active_reps(_reps(), *Q)
    assert list(a["rep_id"]) == ["A1", "A2", "A3", "S1", "S2", "S3"]


def test_ae_focus_picks_behavior_furthest_below_team():
    f = plan.ae_focus(_rep_behavior(), ae_ids=["A1", "A2", "A3", "A9"], labels=LABELS, min_calls=3,
                      sd={b: 1.0 for b in LABELS}).set_index("rep_id")
    assert f.loc["A1", "behavior"] == "b3"  # 3 vs team mean 5.67
    # three reps make a noisy team mean: below the team, but not beyond noise
    assert f.loc["A1", "status"] == "below team"
    assert f.loc["A1", "diff"] == pytest.approx(3 - 17 / 3)
    assert f.loc["A2", "behavior"] == "b1" and f.loc["A2", "status"] in {"below team", "gap"}
    assert f.loc["A9", "status"] == "no data"
    # A3 is at or above the team everywhere: still exactly one (development) focus
    assert f.loc["A3", "status"] == "development"


def test_ae_focus_gap_beyond_noise_in_a_larger_team():
    rows = [{"rep_id": f"A{i}", "behavior": b, "mean_score": 7.0 + 0.1 * (i % 3), "n_calls": 30}
            for i in range(10) for b in LABELS]
    rb = pd.DataFrame(rows)
    rb.loc[(rb["rep_id"] == "A0") & (rb["behavior"] == "b2"), "mean_score"] = 4.0
    f = plan.ae_focus(rb, ae_ids=[f"A{i}" for i in range(10)], labels=LABELS, sd={b: 1.5 for b in LABELS}).set_index("rep_id")
    assert f.loc["A0", "behavior"] == "b2" and f.loc["A0", "status"] == "gap"
    assert f.loc["A0", "level"] == pytest.approx(1 - 0.05 / 3)  # Bonferroni over the 3 behaviors compared
    assert (f.drop(index="A0")["status"] != "gap").all()


def test_ae_focus_low_volume_is_flagged():
    rb = _rep_behavior()
    rb.loc[rb["rep_id"] == "A1", "n_calls"] = 2
    f = plan.ae_focus(rb, ae_ids=["A1", "A2", "A3"], labels=LABELS, min_calls=3).set_index("rep_id")
    assert f.loc["A1", "status"] == "low volume"
    assert "too few calls" in f.loc["A1", "evidence"]


def test_assign_tiers_quantiles_and_nan():
    s = pd.Series([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, np.nan])
    t = plan.assign_tiers(s, top_quantile=0.75, under_quantile=0.25)
    assert list(t[:2]) == ["under", "under"] and list(t[6:8]) == ["top", "top"]
    assert set(t[2:6]) == {"middle"} and t.iloc[8] == "unknown"


def test_ae_attainment_prorates_new_hires():
    reps = plan.active_reps(_reps(), *Q)
    reps.loc[reps["rep_id"] == "A3", "hire_date"] = pd.Timestamp("2026-08-16")  # half the quarter
    opp = pd.DataFrame({"rep_id": ["A1", "A1", "A3", "A2"], "status": ["won", "won", "won", "lost"],
                        "close_date": pd.to_datetime(["2026-07-10", "2026-06-30", "2026-09-01", "2026-07-10"]),
                        "amount": [15_000.0, 99_999.0, 7_500.0, 50_000.0]})
    a = plan.ae_attainment(opp, reps, *Q).set_index("rep_id")
    assert a.loc["A1", "attainment"] == pytest.approx(0.5)  # the Q2 deal does not count
    assert a.loc["A2", "attainment"] == 0
    assert a.loc["A3", "quota"] == pytest.approx(30_000 * 46 / 92)
    assert a.loc["A3", "attainment"] == pytest.approx(0.5)


def _activity() -> pd.DataFrame:
    rows = []
    for rid, d, vals in [
        ("S1", "2026-07-06", (10_000, 1_000, 750, 60, 48, 26, 1_000, 80)),  # weak meeting rate
        ("S2", "2026-07-06", (10_000, 1_000, 750, 150, 120, 66, 1_000, 80)),  # on benchmark
        ("S2", "2026-05-04", (10_000, 1_000, 750, 90, 72, 40, 1_000, 80)),  # previous quarter: weaker
    ]:
        rows.append({"rep_id": rid, "date": pd.Timestamp(d), **dict(zip(fn.COUNT_COLUMNS, vals, strict=True))})
    return pd.DataFrame(rows)


def _plan() -> tuple[pd.DataFrame, pd.DataFrame]:
    reps = plan.active_reps(_reps(), *Q)
    res = fn.analyse(_activity(), start=Q[0], end=Q[1], benchmarks=BENCH, stage_skills=SKILLS, min_volume=30,
                     sdr_ids=["S1", "S2", "S3"])
    aef = plan.ae_focus(_rep_behavior(), ae_ids=["A1", "A2", "A3"], labels=LABELS, sd={b: 1.0 for b in LABELS})
    tiers = pd.DataFrame({"rep_id": ["A1", "S1"], "tier": ["under", "top"], "tier_metric": ["attainment", "x"],
                          "tier_value": [0.1, 1.0]})
    sessions = pd.DataFrame({"session_id": ["x1", "x2", "x3"], "rep_id": ["A1", "A1", "S1"], "coach_id": ["M1", "M1", "M3"],
                             "session_date": pd.to_datetime(["2026-07-02", "2026-08-20", "2026-05-01"]),
                             "behavior": ["b3", "b1;b2", "b1"], "observable": ["=1+1", None, "do x"]})
    p = plan.build_plan(reps, sdr_diagnosis=res.diagnosis, ae_focus_df=aef, tiers=tiers, sessions=sessions, start=Q[0],
                        end=Q[1], stage_skills=SKILLS, observables={"meeting_rate": "-ask twice"}, labels=LABELS)
    return p, sessions


def test_exactly_one_focus_per_rep():
    p, _ = _plan()
    assert sorted(p["rep_id"]) == ["A1", "A2", "A3", "S1", "S2", "S3"]
    assert p["rep_id"].is_unique and p["focus"].notna().all() and p["observable"].notna().all()
    s = p.set_index("rep_id")
    assert s.loc["S1", "focus_key"] == "meeting_rate" and s.loc["S1", "focus_kind"] == "remediation"
    assert s.loc["S2", "focus_kind"] == "development"  # on benchmark everywhere still gets one focus
    assert s.loc["S3", "focus_kind"] == "no data"  # hired, no activity: a baseline focus, not a missing row
    assert s.loc["A1", "focus_key"] == "b3" and s.loc["A1", "sessions_this_quarter"] == 2
    assert s.loc["A1", "watch_review_date"] == pd.Timestamp("2026-10-30")
    assert s.loc["A1", "watch_decision_date"] == pd.Timestamp("2026-11-29")
    assert pd.isna(s.loc["S1", "watch_review_date"]) and s.loc["S1", "sessions_this_quarter"] == 0
    assert s.loc["A2", "observable"].startswith("Show 'Behavior one'")  # generic template from the label


def test_csv_neutralises_formula_cells(tmp_path):
    p, _ = _plan()
    path = exports.safe_csv(plan.plan_for_csv(p), tmp_path / "coaching_plan.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    cells = [v for r in rows for v in r.values() if v]
    assert not [c for c in cells if c[0] in "=+-@"], "a cell starts with a formula character"
    by = {r["rep_id"]: r for r in rows}
    assert by["A2"]["rep_name"] == "'=HYPERLINK(\"x\")"
    assert by["S1"]["rep_name"] == "'+Dee" and by["S2"]["rep_name"] == "'-Eve" and by["S3"]["rep_name"] == "'@Fay"
    assert by["S1"]["observable"] == "'-ask twice"
    assert by["A1"]["watch_review_date"] == "2026-10-30"


def test_focus_movement_and_readings():
    p, _ = _plan()
    now = fn.analyse(_activity(), start=Q[0], end=Q[1], benchmarks=BENCH, stage_skills=SKILLS, min_volume=30, sdr_ids=["S1", "S2", "S3"])
    before = fn.analyse(_activity(), start=PREV[0], end=PREV[1], benchmarks=BENCH, stage_skills=SKILLS, min_volume=30,
                        sdr_ids=["S1", "S2", "S3"])
    ch = fn.rate_change(now.rates, before.rates, min_volume=30)
    mv = plan.focus_movement(p, funnel_change=ch, call_level=None, now=Q, before=PREV, min_volume=30, min_calls=3).set_index("rep_id")
    m = ch[(ch["rep_id"] == "S2") & (ch["stage"] == "meeting_rate")].iloc[0]  # 12% -> 20% on 750 conversations
    assert m["change"] == pytest.approx(0.08) and m["ci_low"] > 0
    assert plan.movement_reading({**m.to_dict(), "unit": "fraction"}).startswith("improved +8 pp")
    assert mv.loc["S2", "unit"] == "fraction" and mv.loc["S2", "n_before"] > 0
    assert mv.loc["S1", "movement"].startswith("too little data")  # no previous quarter
    assert mv.loc["A1", "movement"].startswith("too little data")
    assert plan.movement_reading({"change": 0.02, "ci_low": -0.01, "ci_high": 0.05, "unit": "fraction"}).startswith("no clear change")
    at90 = plan.movement_reading({"change": 0.08, "ci_low": 0.02, "ci_high": 0.14, "unit": "fraction"}, 0.9)
    assert at90 == "improved +8 pp (90% CI +2 pp to +14 pp)"  # the run's level, never a hard-coded 95%
    best = plan.most_improved_funnel(ch)
    assert list(best["rep_id"]) == ["S2"] and best.loc[0, "stage"] in {"meeting_rate", "show_rate", "sql_rate"}


def test_behavior_score_change_and_most_improved():
    rng = np.random.default_rng(3)
    rows = []
    for rep, shift in [("A1", 2.0), ("A2", 0.0)]:
        for i in range(20):
            rows.append({"call_id": f"{rep}p{i}", "rep_id": rep, "call_date": pd.Timestamp("2026-05-01"), "behavior": "b1",
                         "score": 5 + rng.normal(0, 1)})
            rows.append({"call_id": f"{rep}n{i}", "rep_id": rep, "call_date": pd.Timestamp("2026-08-01"), "behavior": "b1",
                         "score": 5 + shift + rng.normal(0, 1)})
    cl = pd.DataFrame(rows)
    ch = plan.behavior_score_change(cl, now=Q, before=PREV, min_calls=3)
    top = plan.most_improved_behavior(ch, labels=LABELS)
    assert list(top["rep_id"]) == ["A1"] and "Behavior one" in top.loc[0, "reading"]
    assert "90% CI" in plan.most_improved_behavior(ch, labels=LABELS, level=0.9).loc[0, "reading"]


def test_focus_movement_of_aes_reads_each_reps_focus_calls():
    rng = np.random.default_rng(5)
    cl = pd.DataFrame([{"call_id": f"{rep}{b}{i}", "rep_id": rep, "behavior": b, "score": 5 + rng.normal(0, 1),
                        "call_date": pd.Timestamp("2026-05-01" if i % 2 else "2026-08-01")}
                       for rep in ("A1", "A2") for b in ("b1", "b2") for i in range(12)])
    p = pd.DataFrame({"rep_id": ["A2", "A1", "A3"], "focus_key": ["b2", "b1", "b1"], "focus_source": ["behavior"] * 3})
    mv = plan.focus_movement(p, funnel_change=None, call_level=cl, now=Q, before=PREV, min_volume=30, min_calls=3)
    assert list(mv["rep_id"]) == ["A2", "A1", "A3"]
    for rep, b in (("A2", "b2"), ("A1", "b1")):
        mine = cl[(cl["rep_id"] == rep) & (cl["behavior"] == b)]
        x1, x0 = (mine.loc[mine["call_date"].between(*w, inclusive="left"), "score"].to_numpy() for w in (Q, PREV))
        row = mv.set_index("rep_id").loc[rep]
        assert (row["n_now"], row["n_before"]) == (6, 6)
        assert (row["change"], row["ci_low"], row["ci_high"]) == fn.mean_diff_interval(x1, x0, 0.95)
    assert mv.set_index("rep_id").loc["A3", "movement"].startswith("too little data (n=0 now, 0 before)")


def test_calls_of_the_week():
    cc = pd.DataFrame({"call_id": ["c1", "c2", "c3", "c4"], "rep_id": ["A1", "A2", "A1", "A3"],
                       "call_date": pd.to_datetime(["2026-07-06", "2026-07-07", "2026-07-14", "2026-06-30"]),
                       "composite": [6.0, 8.0, 5.0, 9.9]})
    w = plan.calls_of_the_week(cc, start=Q[0], end=Q[1])
    assert list(w["call_id"]) == ["c2", "c3"]


def test_session_quality_and_cadence():
    _, sessions = _plan()
    q = plan.session_quality(sessions)
    assert list(q["one_behavior"]) == [True, False, True]
    assert list(q["has_observable"]) == [True, False, True]
    reps = plan.active_reps(_reps(), *Q)
    cad = plan.coaching_cadence(sessions, reps, start=Q[0], end=Q[1]).set_index("coach_id")
    m1 = cad.loc["M1"]
    assert m1["n_reps"] == 2 and m1["n_sessions"] == 2 and m1["reps_without_session"] == 1  # A2 never met
    assert m1["longest_gap_days"] == 92  # A2: the whole quarter
    assert m1["share_one_behavior"] == 0.5 and m1["share_focused"] == 0.5
    assert cad.loc["M3", "n_sessions"] == 0 and cad.loc["M3", "longest_gap_days"] == 92


def test_observable_for_templates():
    assert plan.observable_for("b1", templates={"b1": "do b1"}, labels=LABELS, kind="development") == "do b1"
    assert "Log every activity" in plan.observable_for(None, templates={}, labels=LABELS, kind="no data")


def test_make_plan_with_absent_tables_states_why():
    from coaching_roi import config

    cfg = config.build(quarter="2026Q3", data_dir="/nonexistent", check_paths=False)
    none = dict(sdr_activity=None, coaching_sessions=None, opportunities=None, call_behavior=None,
                rep_quarter_behavior=None, call_composite=None)
    res = plan.make_plan(plan.PlanInputs(reps=None, notes=["Table `reps` is absent."], **none), cfg)
    assert res.plan is None and res.funnel is None and res.notes
    assert plan.findings_estimates(res, cfg) == {}
    res = plan.make_plan(plan.PlanInputs(reps=_reps(), **none), cfg)
    assert len(res.plan) == 6 and set(res.plan["focus_kind"]) == {"no data"}
    assert res.plan["sessions_this_quarter"].isna().all()  # unknown, not zero
    est = plan.findings_estimates(res, cfg)
    assert set(est) == {"funnel_focus_coverage"} and est["funnel_focus_coverage"]["value"] == 0


def test_cadence_figure_draws_every_coach_of_a_small_team_and_the_extremes_of_a_large_one():
    cad = pd.DataFrame({"coach_id": [f"C{i:02d}" for i in range(15)],
                        "sessions_per_rep_week": [0.3, 0.1, 0.2, 0.1, 0.25, 0.05, 0.4, 0.2, 0.2, 0.15, 0.35, 0.3, 0.1, 0.2, 0.45],
                        "reps_without_session": [1] * 15, "n_reps": [5] * 15})
    rows, title = plan.cadence_figure(cad.head(6))  # 6 coaches: the default cap, three-line labels side by side
    assert rows is not None and len(rows) == 6 and title == plan.cadence_headline(cad.head(6))
    assert len(plan.cadence_figure(cad.head(7))[0]) == 6
    rows, title = plan.cadence_figure(cad, max_coaches=12)
    assert rows["coach_id"].tolist() == ["C05", "C01", "C03", "C12", "C09", "C02",  # the 6 least regular (ties by id)
                                         "C04", "C00", "C11", "C10", "C06", "C14"]  # the 6 most regular
    assert title.endswith("(the 6 least and 6 most regular of 15 coaches shown; every coach is in the table below)")
