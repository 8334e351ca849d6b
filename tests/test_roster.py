"""The one active-rep rule (roster.active_mask / employed_at) and its three users."""

import pandas as pd

from coaching_roi import money, plan, roster

T = pd.Timestamp


def _reps() -> pd.DataFrame:
    return pd.DataFrame({
        "rep_id": ["a", "b", "c", "d", "e", "f"],
        "role": ["AE", "ae", "SDR", "AE", "AE", "Manager"],
        "hire_date": [T("2026-01-05"), T("2026-10-01"), T("2026-03-01"), T("2026-02-01"), pd.NaT, T("2025-01-01")],
        "end_date": [pd.NaT, pd.NaT, pd.NaT, T("2026-08-15"), T("2026-10-01"), pd.NaT],
    })


def test_active_over_a_quarter_and_at_a_moment():
    r = _reps()
    start, end = T("2026-07-01"), T("2026-10-01")
    # b hired on the day the quarter ends (not active); d left mid-quarter (active during it)
    assert r.loc[roster.active_mask(r, start, end), "rep_id"].tolist() == ["a", "d", "e"]
    # at the quarter end: d is gone; e's end date is that day (its last day employed), so e counts
    assert r.loc[roster.employed_at(r, end), "rep_id"].tolist() == ["a", "e"]
    assert r.loc[roster.employed_at(r, end, roles=("AE", "SDR")), "rep_id"].tolist() == ["a", "c", "e"]
    assert roster.active_mask(r, start, end, roles=None).sum() == 5


def test_plan_and_money_use_the_same_rule():
    r = _reps()
    end = T("2026-10-01")
    assert plan.active_reps(r, T("2026-07-01"), end)["rep_id"].tolist() == ["a", "c", "e"]
    assert money.active_count(r, as_of=end) == 2
    assert money.active_count(r, as_of=end, role=None) == 4
