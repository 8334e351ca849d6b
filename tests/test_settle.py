"""What it would take to know: the cadence measured in the data and what settles an unclear estimate."""

from __future__ import annotations

import pandas as pd
import pytest

from coaching_roi import config, settle, verdict

POLICY = verdict.Policy()


def make(key, value, lo, hi, n, unit="points", n_unit="coached reps", **extra):
    return verdict.make(key, value=value, ci_low=lo, ci_high=hi, n=n, n_unit=n_unit, unit=unit, policy=POLICY, **extra)


def cfg(tmp_path) -> config.Config:
    return config.build(quarter="2026Q3", data_dir=str(tmp_path), run_dir=str(tmp_path / "run"), check_paths=False)


def test_cadence_counts_first_episodes_hires_and_closed_deals_per_quarter(tmp_path):
    # 2 reps start an episode (2 sessions) in each of 2026Q2 and 2026Q3; a one-off session is no episode
    rows = [("AE1", "2026-04-10"), ("AE1", "2026-04-20"), ("AE2", "2026-05-01"), ("AE2", "2026-05-08"),
            ("AE3", "2026-07-01"), ("AE3", "2026-07-08"), ("AE4", "2026-08-01"), ("AE4", "2026-08-15"),
            ("AE5", "2026-08-01")]
    sessions = pd.DataFrame({"rep_id": [r for r, _ in rows], "session_date": pd.to_datetime([d for _, d in rows]),
                             "behavior": "open_questions", "observable": "x"})
    reps = pd.DataFrame({"rep_id": ["A", "B", "C", "S"], "role": ["AE", "AE", "AE", "SDR"],
                         "hire_date": pd.to_datetime(["2025-11-01", "2026-02-01", "2026-08-01", "2026-08-01"])})
    opps = pd.DataFrame({"close_date": pd.to_datetime(["2026-08-01"] * 6 + ["2026-05-01"] * 2 + ["2026-09-01"]),
                         "status": ["won"] * 4 + ["lost"] * 4 + ["open"]})
    out = settle.cadence(cfg(tmp_path), sessions=sessions, reps=reps, opportunities=opps)
    assert out["coached reps"] == pytest.approx(2.0)  # 4 reps over 2026Q2..Q3 (the log starts in Q2)
    assert out["new hires"] == pytest.approx(3 / 4)  # 3 AE hires over the last four quarters
    assert out["deals"] == pytest.approx(8 / 2)  # closed deals from the first close quarter (Q2) on
    assert settle.cadence(cfg(tmp_path), sessions=None, reps=None, opportunities=None) == {}


def test_no_clear_change_says_the_mde_now_and_after_another_quarter():
    e = make("behavior_change::all", 0.1, -0.4, 0.6, 12)
    a = settle.assess("behavior_change::all", e, policy=POLICY, per_quarter={"coached reps": 4.0})
    assert a["mde"] == pytest.approx(e["mde"]) and a["n_next"] == 16
    assert a["mde_next"] == pytest.approx(verdict.mde_at(e["mde"], 12, 16))
    m_now = verdict.value_text("behavior_change::all", e, e["mde"], signed=False, difference=True)
    m_next = verdict.value_text("behavior_change::all", e, a["mde_next"], signed=False, difference=True)
    assert a["sentence"] == (f"With 12 coached reps a change below {m_now} cannot be told from noise; another quarter "
                             f"at this cadence (16 coached reps) would detect {m_next}.")


def test_too_few_says_how_many_units_and_how_many_quarters():
    e = make("behavior_change::all", 1.0, 0.2, 1.8, 3)
    a = settle.assess("behavior_change::all", e, policy=POLICY, per_quarter={"coached reps": 1.0})
    assert (a["min_n"], a["quarters_to_min"], a["n_next"]) == (5, 2, 5)
    assert a["sentence"].startswith("A verdict needs at least 5 coached reps (now 3): about 2 more quarters at this cadence")
    slow = settle.assess("behavior_change::all", e, policy=POLICY, per_quarter={"coached reps": 0.2})
    assert "more coached reps than recent quarters added" in slow["sentence"] and slow["quarters_to_min"] is None


def test_not_observable_yet_names_the_quarter():
    e = make("win_rate_change_per_point::all", None, None, None, 6, unit="fraction", observable_from="2027Q1")
    a = settle.assess("win_rate_change_per_point::all", e, policy=POLICY, per_quarter={"coached reps": 3.0})
    assert "2027Q1" in a["sentence"] and a["observable_from"] == "2027Q1"


def test_clear_or_missing_estimates_need_nothing():
    assert settle.assess("behavior_change::all", make("behavior_change::all", 1.0, 0.5, 1.5, 12), policy=POLICY) is None
    assert settle.assess("behavior_change::all", None, policy=POLICY) is None
