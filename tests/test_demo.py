"""The demo generator: deterministic, canonical, and its planted effects are visible in raw data."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coaching_roi import demo
from coaching_roi.config import load_defaults
from coaching_roi.errors import WorkbookError

RUBRIC_KEYS = [b["key"] for b in load_defaults()["rubric"]["behaviors"]]
COMPOSITE = load_defaults()["rubric"]["composite_behaviors"]
BENCH = load_defaults()["benchmarks"]


class Gen:
    """One generated data folder, read back as DataFrames."""

    def __init__(self, path: Path, truth: dict, seconds: float) -> None:
        self.path, self.truth, self.seconds = path, truth, seconds
        self.reps = pd.read_csv(path / "reps.csv", parse_dates=["hire_date", "end_date"])
        self.calls = pd.read_csv(path / "calls.csv", parse_dates=["call_date"])
        self.scores = pd.read_csv(path / "call_scores.csv")
        self.sessions = pd.read_csv(path / "coaching_sessions.csv", parse_dates=["session_date"])
        self.opps = pd.read_csv(path / "opportunities.csv", parse_dates=["created_date", "close_date"])
        self.sdr = pd.read_csv(path / "sdr_activity.csv", parse_dates=["date"])

    @property
    def manager_scores(self) -> pd.DataFrame:
        return self.scores[self.scores["scorer"] == "manager"].merge(
            self.calls[["call_id", "rep_id", "call_date", "call_type", "opportunity_id"]], on="call_id"
        )


def _gen(tmp_path_factory, name: str, **kw) -> Gen:
    path = tmp_path_factory.mktemp(name)
    t0 = time.perf_counter()
    truth = demo.generate(path, **kw)
    return Gen(path, truth, time.perf_counter() - t0)


@pytest.fixture(scope="session")
def clean(tmp_path_factory) -> Gen:
    return _gen(tmp_path_factory, "demo_clean", seed=11, inject_errors=False)


@pytest.fixture(scope="session")
def null(tmp_path_factory) -> Gen:
    return _gen(tmp_path_factory, "demo_null", seed=11, inject_errors=False, no_effect=True)


@pytest.fixture(scope="session")
def no_link(tmp_path_factory) -> Gen:
    return _gen(tmp_path_factory, "demo_no_link", seed=11, inject_errors=False, outcomes_follow_behaviors=False)


@pytest.fixture(scope="session")
def dirty_small(tmp_path_factory) -> Gen:
    return _gen(tmp_path_factory, "demo_dirty", seed=3, size=demo.DemoSize.small(), inject_errors=True)


# ------------------------------------------------------------------------------------ helpers
def _episode_did(g: Gen) -> pd.DataFrame:
    """Per coached episode: (post weeks 0..8 minus pre weeks -4..-1) of the coached behavior's weekly
    mean, treated rep minus reps not coached on that behavior (the analysis's event window)."""
    ms = g.manager_scores
    eps = g.truth["coached_episodes"]
    rows = []
    for e in eps:
        first = pd.Timestamp(e["first_session_date"])
        others = {x["rep_id"] for x in eps if x["behavior"] == e["behavior"]} - {e["rep_id"]}
        x = ms[(ms["behavior"] == e["behavior"]) & ~ms["rep_id"].isin(others)].copy()
        x["k"] = ((x["call_date"] - first) / pd.Timedelta(days=7)).apply(np.floor).astype(int)
        x = x[(x["k"] >= -4) & (x["k"] <= 8)]
        x["treated"] = x["rep_id"] == e["rep_id"]
        wk = x.groupby(["treated", "k"], observed=True)["score"].mean().unstack(0)
        diff = wk[True] - wk[False]
        rows.append({**e, "did": diff[diff.index >= 0].mean() - diff[diff.index < 0].mean()})
    return pd.DataFrame(rows)


def _rep_composite(g: Gen) -> pd.Series:
    ms = g.manager_scores
    d = ms[(ms["call_type"] == "discovery") & ms["behavior"].isin(COMPOSITE)]
    w = g.truth["composite_weights"]
    d = d.assign(w=d["behavior"].map(w))
    d = d.assign(ws=d["score"] * d["w"])
    per_call = d.groupby("call_id")[["ws", "w"]].sum()
    per_call = (per_call["ws"] / per_call["w"]).rename("c").to_frame().join(
        g.calls.set_index("call_id")["rep_id"])
    return per_call.groupby("rep_id")["c"].mean()


def _skill_win_gap(g: Gen) -> float:
    """Win rate of the top half of AEs by observed composite minus the bottom half (whole history)."""
    comp = _rep_composite(g)
    closed = g.opps[g.opps["status"].isin(["won", "lost"]) & g.opps["rep_id"].isin(comp.index)]
    top = comp[comp >= comp.median()].index
    won = closed["status"] == "won"
    return won[closed["rep_id"].isin(top)].mean() - won[~closed["rep_id"].isin(top)].mean()


def _cycle_ratio(g: Gen, behavior: str) -> float:
    """median cycle (high) / median cycle (low) for closed deals created > 150 days before the end."""
    ms = g.manager_scores
    d = ms[(ms["call_type"] == "discovery") & (ms["behavior"] == behavior)].merge(
        g.opps, on=["opportunity_id", "rep_id"])
    d = d[d["created_date"] < d["created_date"].max() - pd.Timedelta(days=150)]
    assert (d["status"] != "open").mean() > 0.99
    d = d.assign(hi=d["score"] >= d["score"].median(), cyc=(d["close_date"] - d["created_date"]).dt.days)
    med = d.groupby("hi")["cyc"].median()
    return med[True] / med[False]


# -------------------------------------------------------------------------------- determinism
def test_same_seed_identical_bytes_and_different_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    demo.generate(a, seed=5, size=demo.DemoSize.small())
    demo.generate(b, seed=5, size=demo.DemoSize.small())
    demo.generate(c, seed=6, size=demo.DemoSize.small())
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted([f"{t}.csv" for t in demo.CANONICAL_COLUMNS] + ["truth.json"])
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n
    assert (a / "calls.csv").read_bytes() != (c / "calls.csv").read_bytes()
    assert (a / "opportunities.csv").read_bytes() != (c / "opportunities.csv").read_bytes()


def test_progress_and_bad_arguments(tmp_path):
    seen: list[str] = []
    demo.generate(tmp_path / "p", size=demo.DemoSize.small(), progress=seen.append)
    for step in ("reps", "calls", "call_scores", "opportunities", "sdr_activity", "truth"):
        assert step in seen
    with pytest.raises(WorkbookError):
        demo.generate(tmp_path / "q", end_quarter="2026-3")
    with pytest.raises(WorkbookError):
        demo.Effects(share_coaching_lands=1.5)


def test_default_size_is_fast_and_realistic(clean):
    assert clean.seconds < 10
    t = clean.truth
    assert t["quarters"] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    reps = clean.reps
    assert (reps["role"] == "AE").sum() == 30 and (reps["role"] == "SDR").sum() == 12
    assert reps["rep_name"].str.contains("'").any()
    assert reps["end_date"].notna().sum() >= 2
    nh = reps[reps["hire_date"] >= pd.Timestamp("2025-10-01")]
    assert nh["onboarding_program"].value_counts().to_dict() == {"structured_sprint": 4, "standard": 4}
    assert (nh["hire_date"] < pd.Timestamp("2026-04-01")).all()
    ae_weeks = len(clean.calls) / 30 / 52
    assert 2.8 < ae_weeks < 5
    closed = clean.opps[clean.opps["status"] != "open"]
    assert 0.22 < (closed["status"] == "won").mean() < 0.34
    assert 18_000 < clean.opps["amount"].median() < 32_000
    won = closed[closed["status"] == "won"]
    assert 30 <= (won["close_date"] - won["created_date"]).dt.days.median() <= 50
    per_month = clean.opps.groupby([clean.opps["rep_id"], clean.opps["created_date"].dt.to_period("M")]).size()
    assert 5 <= per_month.median() <= 9
    assert 0.15 <= clean.truth["quartile_win_rate_gap"] <= 0.30


# ------------------------------------------------------------------------------ canonical form
def test_canonical_columns_and_values(clean):
    for table, cols in demo.CANONICAL_COLUMNS.items():
        header = (clean.path / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == cols, table
    assert set(clean.scores["behavior"]) == set(RUBRIC_KEYS)
    assert clean.scores["score"].between(0, 10).all()
    assert set(clean.scores["scorer"]) == {"manager", "ai"}
    assert set(clean.calls["call_type"]) <= {"discovery", "demo", "negotiation", "cold_call", "follow_up", "other"}
    assert clean.calls["call_id"].is_unique and clean.opps["opportunity_id"].is_unique
    assert set(clean.calls["rep_id"]) <= set(clean.reps["rep_id"])
    assert set(clean.calls["opportunity_id"].dropna()) <= set(clean.opps["opportunity_id"])
    assert set(clean.opps["status"]) == {"won", "lost", "open"}
    o = clean.opps
    assert o["close_date"].isna().equals(o["status"] == "open")
    assert (o["close_date"].dropna() >= o.loc[o["close_date"].notna(), "created_date"]).all()
    assert o["close_date"].max() <= pd.Timestamp("2026-09-30") and (o["amount"] >= 0).all()
    # the first call of every opportunity with a discovery call in the history is that call
    c = clean.calls.sort_values("call_date", kind="stable")
    first = c.groupby("opportunity_id").first()
    has_disc = set(c.loc[c["call_type"] == "discovery", "opportunity_id"])
    assert (first.loc[first.index.isin(has_disc), "call_type"] == "discovery").all()
    # about 3% of manager behavior scores missing; a share of calls double scored by AI
    ms = clean.scores[clean.scores["scorer"] == "manager"]
    assert 0.01 < 1 - len(ms) / (len(clean.calls) * len(RUBRIC_KEYS)) < 0.05
    ai_calls = clean.scores.loc[clean.scores["scorer"] == "ai", "call_id"].nunique()
    assert 0.2 < ai_calls / len(clean.calls) < 0.3
    both = clean.scores.pivot_table(index=["call_id", "behavior"], columns="scorer", values="score").dropna()
    assert both["manager"].corr(both["ai"]) > 0.5
    # sessions: known reps and behaviors, one session-level anti-pattern share, observables mostly there
    s = clean.sessions
    keys = s["behavior"].str.split(";").explode()
    assert set(keys) <= set(RUBRIC_KEYS)
    assert 0.02 < s["behavior"].str.contains(";").mean() < 0.2
    assert 0.8 < s["observable"].notna().mean() < 0.97
    hire = s["rep_id"].map(clean.reps.set_index("rep_id")["hire_date"])
    assert (s["session_date"] >= hire).all()
    assert set(s["coach_id"]) <= set(clean.reps["manager_id"])
    # weekdays only for SDR activity
    assert (clean.sdr["date"].dt.day_of_week < 5).all()
    assert not clean.sdr.duplicated(["rep_id", "date"]).any()


def test_funnel_counts_monotone(clean):
    s = clean.sdr
    chain = ["dials", "connects", "conversations", "meetings_booked", "meetings_held", "sqls"]
    for hi, lo in zip(chain, chain[1:], strict=False):
        assert (s[lo] <= s[hi]).all(), lo
    assert (s["email_replies"] <= s["emails_sent"]).all()
    assert 50 <= s["dials"].mean() <= 70 and 25 <= s["emails_sent"].mean() <= 35
    tot = s.sum(numeric_only=True)
    assert 0.09 < tot["connects"] / tot["dials"] < 0.12


# ---------------------------------------------------------------------------- planted effects
def test_coached_behavior_rises_for_landing_episodes(clean):
    did = _episode_did(clean)
    assert len(did) == 12 and did["lands"].sum() == 9
    assert did.loc[did["lands"], "did"].mean() > 1.0
    assert abs(did.loc[~did["lands"], "did"].mean()) < 0.8
    expected = 0.75 * 2.0 * 49 / 63   # share x gain x mean ramp fraction over weeks 0..8
    for b, v in clean.truth["behavior_change"].items():
        coached = b in clean.truth["coached_behaviors"] or b == "all"  # "all": the pooled estimate
        assert v == pytest.approx(expected if coached else 0.0, abs=1e-5)
    assert clean.truth["behavior_change_realized"]["all"] == pytest.approx(expected, abs=1e-5)  # 9 of 12 land
    assert all(v == 0 for v in clean.truth["event_study_pretrend"].values())
    # episodes staggered over the history, several in the last two quarters
    starts = pd.to_datetime(pd.Series([e["first_session_date"] for e in clean.truth["coached_episodes"]]))
    assert (starts >= pd.Timestamp("2026-04-01")).sum() >= 4
    assert starts.dt.to_period("Q").nunique() == 4


def test_high_composite_reps_win_more(clean):
    assert _skill_win_gap(clean) > 0.05


def test_cycles_shorter_for_high_discovery_scores(clean):
    assert _cycle_ratio(clean, "decision_process_mapping") < 0.9
    assert _cycle_ratio(clean, "next_steps_specificity") < 0.9
    assert clean.truth["deal_cycle_pct_faster"] == {"decision_process_mapping": 0.2, "next_steps_specificity": 0.2}


def test_structured_sprint_hires_win_first_sooner(tmp_path):
    size = demo.DemoSize(n_aes=50, n_sdrs=3, n_new_hires=36, n_coached_aes=2, n_coached_sdrs=1,
                         n_left_aes=0, n_left_new_hires=0, n_left_sdrs=0)
    truth = demo.generate(tmp_path, seed=2, size=size, inject_errors=False)
    reps = pd.read_csv(tmp_path / "reps.csv", parse_dates=["hire_date"])
    opps = pd.read_csv(tmp_path / "opportunities.csv", parse_dates=["close_date"])
    first_win = opps[opps["status"] == "won"].groupby("rep_id")["close_date"].min()
    nh = reps[reps["onboarding_program"].notna() & (reps["hire_date"] >= pd.Timestamp("2025-10-01"))]
    weeks = (nh["rep_id"].map(first_win) - nh["hire_date"]).dt.days / 7
    med = weeks.groupby(nh["onboarding_program"]).median()
    assert 2 < med["standard"] - med["structured_sprint"] < 9
    assert truth["ramp_weeks_saved"] == {"first_win": 5.0, "quota_80": 5.0}
    assert truth["six_month_attainment_gap"] > 0.05


def test_planted_sdr_weak_meeting_rate(clean):
    weak = clean.truth["sdr_weak_stage"]
    assert weak["stage"] == "meeting_rate"
    tot = clean.sdr.groupby("rep_id")[["conversations", "meetings_booked"]].sum()
    rate = tot["meetings_booked"] / tot["conversations"]
    assert rate[weak["rep_id"]] == pytest.approx(BENCH["meeting_rate"] / 2, abs=0.03)
    assert (rate.drop(weak["rep_id"]) > 0.9 * BENCH["meeting_rate"]).all()
    # the weak SDR's other stages are normal
    s = clean.sdr[clean.sdr["rep_id"] == weak["rep_id"]].sum(numeric_only=True)
    assert s["connects"] / s["dials"] > 0.9 * BENCH["connect_rate"]
    assert s["meetings_held"] / s["meetings_booked"] > 0.85 * BENCH["show_rate"]


def test_truth_file_matches_return_and_keys(clean):
    on_disk = json.loads((clean.path / "truth.json").read_text(encoding="utf-8"))
    assert on_disk == clean.truth
    for key in ("seed", "end_quarter", "quarters", "no_effect", "effects", "quartile_win_rate_gap",
                "behavior_change", "coached_episodes", "deal_cycle_pct_faster", "ramp_weeks_saved",
                "lag_quarters", "win_rate_change_per_point", "sdr_weak_stage", "injected_errors",
                "definitions"):
        assert key in on_disk
    assert on_disk["no_effect"] is False and on_disk["injected_errors"] == {}
    wr = on_disk["win_rate_change_per_point"]
    assert wr["next_steps_specificity"] == 0.0
    assert wr["decision_process_mapping"] > 0
    listed = {(e["rep_id"], e["behavior"]) for e in on_disk["coached_episodes"]}
    ae_sessions = clean.sessions[clean.sessions["rep_id"].str.startswith("AE")]
    primary = set(zip(ae_sessions["rep_id"], ae_sessions["behavior"].str.split(";").str[0], strict=True))
    assert primary == listed


# --------------------------------------------------------------------------------- no effect
def test_no_effect_removes_planted_effects(null):
    t = null.truth
    assert t["no_effect"] is True and t["sdr_weak_stage"] is None and t["scenario"] == "no_effect"
    assert all(v == 0 for v in t["behavior_change"].values())
    assert all(v == 0 for v in t["win_rate_change_per_point"].values())
    assert t["deal_cycle_pct_faster"] == {"decision_process_mapping": 0.0, "next_steps_specificity": 0.0}
    assert t["ramp_weeks_saved"] == {"first_win": 0.0, "quota_80": 0.0}
    assert t["six_month_attainment_gap"] == 0.0
    assert abs(t["quartile_win_rate_gap"]) < 0.05
    did = _episode_did(null)
    assert not did["lands"].any()
    assert abs(did["did"].mean()) < 0.4
    assert abs(_skill_win_gap(null)) < 0.08
    assert 0.88 < _cycle_ratio(null, "decision_process_mapping") < 1.12
    tot = null.sdr.groupby("rep_id")[["conversations", "meetings_booked"]].sum()
    assert (tot["meetings_booked"] / tot["conversations"] > 0.85 * BENCH["meeting_rate"]).all()


# ------------------------------------------------------------- lift, but no outcome link
def test_no_outcome_link_lifts_behaviors_but_not_outcomes(no_link, clean):
    t = no_link.truth
    assert t["scenario"] == "no_outcome_link" and t["outcomes_follow_behaviors"] is False and t["no_effect"] is False
    assert clean.truth["scenario"] == "planted" and clean.truth["outcomes_follow_behaviors"] is True
    # coaching still lands as planted: the same episodes, the same planted behavior change
    assert t["behavior_change"] == clean.truth["behavior_change"] and t["behavior_change"]["all"] > 1
    assert t["coached_episodes"] == clean.truth["coached_episodes"]
    did = _episode_did(no_link)
    assert did.loc[did["lands"], "did"].mean() > 1.0
    # ... but behaviors move neither wins nor cycles: every planted outcome link is 0
    assert t["effects"]["win_logit_per_point"] == 0
    assert set(t["win_rate_change_per_point"]) >= {"all", *t["coached_behaviors"]}
    assert all(v == 0 for v in t["win_rate_change_per_point"].values())
    assert clean.truth["win_rate_change_per_point"]["all"] > 0
    assert t["deal_cycle_pct_faster"] == {"decision_process_mapping": 0.0, "next_steps_specificity": 0.0}
    assert abs(t["quartile_win_rate_gap"]) < 0.05
    assert abs(_skill_win_gap(no_link)) < 0.08
    assert 0.88 < _cycle_ratio(no_link, "decision_process_mapping") < 1.12
    # effects that do not run through behaviors stay planted
    assert t["ramp_weeks_saved"] == {"first_win": 5.0, "quota_80": 5.0}
    assert t["sdr_weak_stage"] == clean.truth["sdr_weak_stage"]


def test_cli_no_outcome_link_flag(tmp_path, capsys):
    from coaching_roi import cli

    assert cli.main(["generate", "--out", str(tmp_path / "d"), "--small", "--clean", "--no-outcome-link"]) == 0
    truth = json.loads((tmp_path / "d" / "truth.json").read_text(encoding="utf-8"))
    assert truth["scenario"] == "no_outcome_link" and truth["effects"]["coaching_gain_points"] > 0
    assert "behaviors do not move outcomes" in capsys.readouterr().out
    with pytest.raises(SystemExit):  # one scenario at a time
        cli.main(["generate", "--out", str(tmp_path / "e"), "--no-effect", "--no-outcome-link"])


def test_effects_none_equals_no_effect(tmp_path):
    a = demo.generate(tmp_path / "a", seed=4, size=demo.DemoSize.small(), effects=demo.Effects.none())
    b = demo.generate(tmp_path / "b", seed=4, size=demo.DemoSize.small(), no_effect=True)
    assert a == b
    assert (tmp_path / "a" / "calls.csv").read_bytes() == (tmp_path / "b" / "calls.csv").read_bytes()


# ------------------------------------------------------------------------------- bad rows
def test_injected_errors_match_files(dirty_small, tmp_path):
    g, inj = dirty_small, dirty_small.truth["injected_errors"]
    assert sum(sum(v.values()) for v in inj.values()) >= 6
    assert (~g.scores["score"].between(0, 10)).sum() == inj["call_scores"]["score_out_of_range"]
    assert (~g.calls["rep_id"].isin(g.reps["rep_id"])).sum() == inj["calls"]["unknown_rep_id"]
    assert g.calls["call_id"].duplicated().sum() == inj["calls"]["duplicate_call_id"]
    o = g.opps
    assert (o["close_date"] < o["created_date"]).sum() == inj["opportunities"]["close_before_created"]
    assert (o["amount"] < 0).sum() == inj["opportunities"]["negative_amount"]
    assert (g.sdr["connects"] > g.sdr["dials"]).sum() == inj["sdr_activity"]["connects_gt_dials"]
    keys = g.sessions["behavior"].str.split(";").explode()
    assert (~keys.isin(RUBRIC_KEYS)).sum() == inj["coaching_sessions"]["unknown_behavior"]
    assert g.truth["row_counts"]["calls"] == len(g.calls)
    # the clean data are the dirty data minus the injected rows (errors only add rows)
    demo.generate(tmp_path, seed=3, size=demo.DemoSize.small(), inject_errors=False)
    for table in demo.CANONICAL_COLUMNS:
        clean_lines = (tmp_path / f"{table}.csv").read_text(encoding="utf-8").splitlines()
        dirty_lines = (g.path / f"{table}.csv").read_text(encoding="utf-8").splitlines()
        n_bad = sum(inj.get(table, {}).values())
        assert len(dirty_lines) == len(clean_lines) + n_bad, table
        assert set(clean_lines) <= set(dirty_lines), table


def test_large_team_gets_a_name_for_every_rep(tmp_path):
    from coaching_roi import demo as d

    size = d.DemoSize(n_aes=1700, n_sdrs=100, n_quarters=2, n_new_hires=8, n_coached_aes=12, calls_per_week=0.2,
                      opps_per_month=0.5)
    d.generate(tmp_path, seed=3, size=size, inject_errors=False)
    reps = pd.read_csv(tmp_path / "reps.csv")
    assert len(reps) == 1800 and reps["rep_name"].notna().all()
