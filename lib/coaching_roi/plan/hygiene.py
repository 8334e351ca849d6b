"""Layer-1 hygiene: coaching cadence per manager, longest gap, and the share of sessions with one
behavior and an observable."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sessions_in(sessions: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
    if sessions is None:
        return None
    s = sessions.copy()
    s["session_date"] = pd.to_datetime(s["session_date"])
    s["rep_id"] = s["rep_id"].astype("string")
    return s[(s["session_date"] >= start) & (s["session_date"] < end)]


def session_quality(sessions: pd.DataFrame) -> pd.DataFrame:
    """Flag each session: one_behavior (exactly one rubric key), has_observable, focused (both)."""
    s = sessions.copy()
    beh = s["behavior"].astype("string").fillna("").str.strip()
    n_beh = beh.map(lambda v: len([x for x in str(v).split(";") if x.strip()]))
    s["one_behavior"] = (n_beh == 1).astype(bool)
    obs = s["observable"].astype("string").fillna("").str.strip() if "observable" in s.columns else pd.Series("", index=s.index)
    s["has_observable"] = (obs.str.len() > 0).astype(bool)
    s["focused"] = s["one_behavior"] & s["has_observable"]
    return s


def _longest_gap(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> int:
    pts = sorted({start, *pd.to_datetime(dates).dt.normalize().tolist(), end})
    return int(max((b - a).days for a, b in zip(pts[:-1], pts[1:], strict=True)))


def coaching_cadence(
    sessions: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """Cadence per coach over ``[start, end)``.

    Reps in scope of a coach = reps whose ``manager_id`` is the coach (when known) plus reps the coach
    met. Columns: coach_id, n_reps, n_sessions, sessions_per_rep_week, median_gap_days (median over
    reps of each rep's longest gap, quarter edges included; a rep never met counts the whole quarter),
    longest_gap_days, reps_without_session, share_one_behavior, share_observable, share_focused.
    """
    s = session_quality(sessions_in(sessions, start, end))
    weeks = (end - start).days / 7
    managed = {}
    if "manager_id" in reps.columns:
        for m, g in reps.dropna(subset=["manager_id"]).groupby("manager_id", observed=True):
            managed[str(m)] = set(g["rep_id"].astype(str))
    coach = s["coach_id"].astype(str)
    coaches = sorted(set(coach) | set(managed))
    # Each coach's sessions and each (coach, rep)'s dates by group positions: one pass, not a filter
    # of every session per coach and per rep.
    by_coach = s.groupby(coach, observed=True, sort=False).indices
    by_pair = s.groupby([coach, s["rep_id"]], observed=True, sort=False).indices
    dates = s["session_date"]
    none = np.array([], dtype=np.intp)
    rows = []
    for c in coaches:
        mine = s.iloc[by_coach.get(c, none)]
        scope = managed.get(c, set()) | set(mine["rep_id"].astype(str))
        gaps = [_longest_gap(dates.iloc[by_pair.get((c, r), none)], start, end) for r in sorted(scope)]
        rows.append(_coach_row(c, mine, scope, gaps, weeks))
    return pd.DataFrame(rows)


def _coach_row(c: str, mine: pd.DataFrame, scope: set[str], gaps: list[float], weeks: float) -> dict:
    """One coach's cadence row from their sessions (``mine``), the reps in scope and each rep's longest gap."""
    n = len(mine)
    return {
        "coach_id": c,
        "n_reps": len(scope),
        "n_sessions": n,
        "sessions_per_rep_week": n / len(scope) / weeks if scope and weeks > 0 else np.nan,
        "median_gap_days": float(np.median(gaps)) if gaps else np.nan,
        "longest_gap_days": max(gaps) if gaps else np.nan,
        "reps_without_session": len(scope - set(mine["rep_id"].astype(str))),
        "share_one_behavior": mine["one_behavior"].mean() if n else np.nan,
        "share_observable": mine["has_observable"].mean() if n else np.nan,
        "share_focused": mine["focused"].mean() if n else np.nan,
    }
