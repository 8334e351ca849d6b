"""Layer 1, coaching activity: sessions per rep, coach and behavior, how regular and how focused.

:func:`flag_session_behaviors` marks each session's behaviors, whether it targets exactly one and
whether it records an observable; :func:`activity_by_rep`, :func:`activity_by_coach`,
:func:`activity_by_behavior`, :func:`activity_overview` and :func:`activity_sentence` describe the quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.calendar import week_start
from coaching_roi.stats import wilson_interval


# ------------------------------------------------------------------------------ layer 1: activity
def flag_session_behaviors(sessions: pd.DataFrame) -> pd.DataFrame:
    """Add ``behaviors`` (list of keys), ``n_behaviors`` and ``has_observable`` to a sessions table.

    ``coaching_sessions.behavior`` may hold several keys joined by ';' (the anti-pattern layer 1
    measures); an observable counts when it holds non-blank text.
    """
    s = sessions.copy()
    beh = s["behavior"].astype(object).where(s["behavior"].notna(), "")
    s["behaviors"] = [[k.strip() for k in str(b).split(";") if k.strip()] for b in beh]
    s["n_behaviors"] = s["behaviors"].map(len).astype(int)
    if "observable" in s.columns:
        obs = s["observable"].astype(object)
        s["has_observable"] = [isinstance(o, str) and o.strip() != "" for o in obs]
    else:
        s["has_observable"] = False
    s["single_behavior"] = s["n_behaviors"] == 1
    s["focused"] = s["single_behavior"] & s["has_observable"]
    return s


def sessions_in_quarter(sessions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Keep sessions dated in ``[start, end)`` and add the behavior/observable flags."""
    s = sessions.loc[(sessions["session_date"] >= start) & (sessions["session_date"] < end)]
    return flag_session_behaviors(s)


def _longest_gap_weeks(dates: pd.Series) -> float:
    d = np.sort(pd.to_datetime(dates).to_numpy())
    if len(d) < 2:
        return float("nan")
    gaps = np.diff(d).astype("timedelta64[D]").astype(float)
    return float(gaps.max() / 7)


def activity_by_rep(
    sessions_q: pd.DataFrame, reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Per coached rep: sessions, behaviors, cadence and longest gap in the quarter.

    ``cadence`` = weeks (Monday-start) with at least one session / weeks in the quarter;
    ``longest_gap_weeks`` = the longest stretch between two consecutive sessions (NaN with one session).
    """
    if sessions_q.empty:
        return pd.DataFrame(
            columns=["rep_id", "rep_name", "n_sessions", "n_distinct_behaviors", "weeks_with_session",
                     "cadence", "longest_gap_weeks", "share_single_behavior", "share_with_observable", "main_behavior"]
        )
    n_weeks = max(1, int(np.ceil((end - start).days / 7)))
    s = sessions_q.assign(week=week_start(sessions_q["session_date"]))
    rows = []
    for rep_id, part in s.groupby("rep_id", observed=True, sort=True):
        keys = pd.Series([k for ks in part["behaviors"] for k in ks], dtype=object)
        rows.append(
            {
                "rep_id": rep_id,
                "n_sessions": int(len(part)),
                "n_distinct_behaviors": int(keys.nunique()),
                "weeks_with_session": int(part["week"].nunique()),
                "cadence": part["week"].nunique() / n_weeks,
                "longest_gap_weeks": _longest_gap_weeks(part["session_date"]),
                "share_single_behavior": float(part["single_behavior"].mean()),
                "share_with_observable": float(part["has_observable"].mean()),
                "main_behavior": keys.value_counts().index[0] if len(keys) else None,
            }
        )
    out = pd.DataFrame(rows).merge(reps[["rep_id", "rep_name"]], on="rep_id", how="left")
    cols = ["rep_id", "rep_name"] + [c for c in out.columns if c not in ("rep_id", "rep_name")]
    return out[cols].sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_by_coach(sessions_q: pd.DataFrame) -> pd.DataFrame:
    """Per coach: sessions, reps coached, share single-behavior, share with an observable."""
    if sessions_q.empty:
        return pd.DataFrame(columns=["coach_id", "n_sessions", "n_reps", "share_single_behavior", "share_with_observable"])
    g = sessions_q.groupby("coach_id", observed=True)
    out = pd.DataFrame(
        {
            "n_sessions": g.size(),
            "n_reps": g["rep_id"].nunique(),
            "share_single_behavior": g["single_behavior"].mean(),
            "share_with_observable": g["has_observable"].mean(),
        }
    ).reset_index()
    return out.sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_by_behavior(sessions_q: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per targeted behavior (multi-behavior sessions count once for each key they name)."""
    cols = ["behavior", "behavior_label", "n_sessions", "n_reps", "n_sessions_single"]
    if sessions_q.empty:
        return pd.DataFrame(columns=cols)
    ex = sessions_q[["session_id", "rep_id", "behaviors", "single_behavior"]].explode("behaviors")
    ex = ex.dropna(subset=["behaviors"]).rename(columns={"behaviors": "behavior"})
    g = ex.groupby("behavior", observed=True)
    out = pd.DataFrame(
        {"n_sessions": g.size(), "n_reps": g["rep_id"].nunique(), "n_sessions_single": g["single_behavior"].sum()}
    ).reset_index()
    names = labels or {}
    out["behavior_label"] = [names.get(b, b) for b in out["behavior"]]
    return out[cols].sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_overview(sessions_q: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Headline layer-1 shares with Wilson intervals: single behavior, observable, both.

    Returns rows (measure, k, n, share, ci_low, ci_high). The intervals treat sessions as
    independent, which overstates precision when a few coaches run most sessions — read them as a
    description of this quarter, not an estimate of a population.
    """
    n = int(len(sessions_q))
    rows = []
    for measure, col in (
        ("Sessions targeting exactly one behavior", "single_behavior"),
        ("Sessions recording an observable", "has_observable"),
        ("Sessions with one behavior and an observable", "focused"),
    ):
        k = int(sessions_q[col].sum()) if n else 0
        lo, hi = wilson_interval(k, n, level)
        rows.append({"measure": measure, "k": k, "n": n, "share": k / n if n else float("nan"), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def activity_sentence(overview: pd.DataFrame, by_rep: pd.DataFrame, n_aes: int | None = None) -> str:
    """One plain sentence on layer 1: how much coaching, how regular, how focused."""
    if overview.empty or int(overview["n"].iloc[0]) == 0:
        return "No coaching sessions were logged this quarter, so there is no layer-1 activity to describe."
    o = overview.set_index("measure")
    n = int(o["n"].iloc[0])
    single = o.loc["Sessions targeting exactly one behavior", "share"]
    obs = o.loc["Sessions recording an observable", "share"]
    reps = len(by_rep)
    of = f" of {n_aes} AEs" if n_aes else ""
    med_cad = float(by_rep["cadence"].median()) if reps else float("nan")
    return (
        f"{n} coaching sessions reached {reps} reps{of} this quarter; the median coached rep had a session in "
        f"{med_cad:.0%} of weeks. {single:.0%} of sessions targeted exactly one behavior and {obs:.0%} recorded "
        "the observable the rep committed to."
    )
