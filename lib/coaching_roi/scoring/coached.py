"""Scores of coached reps around their coaching sessions: who was coached on what, cohort panels, before/after."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from coaching_roi import verdict
from coaching_roi.calendar import week_of
from coaching_roi.stats import welch_interval

from .periods import in_window


def coached_reps(sessions: pd.DataFrame | None, behavior: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reps with a coaching session on ``behavior`` in ``[start, end)``: ``rep_id, n_sessions, first_session``.

    A session listing several behaviors (``a;b``) counts for each of them.
    """
    if sessions is None or sessions.empty:
        return pd.DataFrame(columns=["rep_id", "n_sessions", "first_session"])
    s = session_behaviors(sessions)
    s = s[(s["behavior"] == behavior) & in_window(s["session_date"], start, end)]
    out = s.groupby("rep_id", observed=True).agg(n_sessions=("session_id", "nunique"), first_session=("session_date", "min"))
    return out.reset_index().sort_values(["n_sessions", "rep_id"], ascending=[False, True], ignore_index=True)


def session_behaviors(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per session × targeted behavior (splits ``a;b`` lists)."""
    s = sessions[["session_id", "rep_id", "session_date", "behavior"]].copy()
    s["behavior"] = s["behavior"].astype("string").str.split(";")
    s = s.explode("behavior")
    s["behavior"] = s["behavior"].astype("string").str.strip()
    s["session_date"] = pd.to_datetime(s["session_date"])
    return s[s["behavior"].notna() & (s["behavior"] != "")].reset_index(drop=True)


def most_coached_behaviors(sessions: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp, *, top: int = 2) -> list[str]:
    """Behaviors with the most coached reps in ``[start, end)`` (ties by sessions, then name)."""
    if sessions is None or sessions.empty:
        return []
    s = session_behaviors(sessions)
    s = s[in_window(s["session_date"], start, end)]
    g = s.groupby("behavior", observed=True).agg(n_reps=("rep_id", "nunique"), n=("session_id", "nunique")).reset_index()
    g = g.sort_values(["n_reps", "n", "behavior"], ascending=[False, False, True])
    return [str(b) for b in g["behavior"].head(top)]


# ------------------------------------------------------------------------------------ trajectories
@dataclass(frozen=True)
class BeforeAfter:
    """A rep's behavior score before vs from a date on (weekly means as the unit of the interval)."""

    mean_before: float
    n_calls_before: int
    mean_after: float
    n_calls_after: int
    change: float
    ci_low: float
    ci_high: float


def before_after(rep_rows: pd.DataFrame, split: pd.Timestamp, *, level: float = 0.95) -> BeforeAfter:
    """Compare a rep's call-weighted mean before ``split`` with the mean from ``split`` on.

    ``rep_rows`` are one rep's rows of ``02_rep_week_behavior`` for one behavior. The interval is a
    Welch interval on the weekly means (nan with fewer than two weeks on a side). Descriptive only:
    notebook 03 compares coached reps with uncoached ones over the same weeks.
    """
    wk = pd.to_datetime(rep_rows["week"])
    b, a = rep_rows[wk < week_of(split)], rep_rows[wk >= week_of(split)]

    def wmean(d: pd.DataFrame) -> float:
        return float((d["mean_score"] * d["n_calls"]).sum() / d["n_calls"].sum()) if d["n_calls"].sum() else float("nan")

    mb, ma = wmean(b), wmean(a)
    _, lo, hi = welch_interval(a["mean_score"], b["mean_score"], level, centre=ma - mb)
    return BeforeAfter(mb, int(b["n_calls"].sum()), ma, int(a["n_calls"].sum()), ma - mb, float(lo), float(hi))


def describe_before_after(ba: BeforeAfter, *, min_calls: int) -> str:
    """Short panel title: before → after with call counts, hedged by the interval."""
    if ba.n_calls_before == 0 or ba.n_calls_after == 0:
        return "no calls on one side of the first session"
    s = f"{ba.mean_before:.1f} → {ba.mean_after:.1f} ({ba.n_calls_before} / {ba.n_calls_after} calls)"
    if min(ba.n_calls_before, ba.n_calls_after) < min_calls:
        return s + ", too few calls"
    return s + verdict.row_phrase("panel", verdict.side(ba.ci_low, ba.ci_high))


@dataclass(frozen=True, eq=False)
class CohortPanel:
    """One coached rep's trajectory on a behavior, ready to draw (see :func:`coached_cohort`)."""

    rep_id: str
    title: str  # "<rep name>: before → after (calls), verdict"
    rep_week: pd.DataFrame  # the rep's rows of 02_rep_week_behavior on the behavior, in the window
    team_week: pd.DataFrame  # the behavior's rows of team_week_behavior, in the window
    sessions: pd.Series  # dates of all the rep's sessions on the behavior
    before_after: BeforeAfter
    clearly_up: bool  # above the pre-coaching level beyond noise, with enough calls on both sides


def coached_cohort(
    rep_week: pd.DataFrame,
    team_week: pd.DataFrame,
    sessions: pd.DataFrame,
    behavior: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    rep_labels: dict[str, str],
    min_calls: int,
    level: float = 0.95,
    max_reps: int = 6,
) -> list[CohortPanel]:
    """Panels for the reps coached on ``behavior`` in ``[start, end)`` (most sessions first, at most ``max_reps``).

    Each panel's window starts at ``start`` or six weeks before the rep's first session on the
    behavior, whichever is earlier; before → after splits at that first session.
    """
    sess = session_behaviors(sessions)
    panels = []
    for r in coached_reps(sessions, behavior, start, end).head(max_reps).itertuples(index=False):
        s_dates = sess[(sess["rep_id"] == r.rep_id) & (sess["behavior"] == behavior)]["session_date"]
        first = s_dates.min()
        w0 = min(start, first - pd.Timedelta(weeks=6))
        rows = rep_week[(rep_week["rep_id"] == r.rep_id) & (rep_week["behavior"] == behavior)
                        & in_window(rep_week["week"], w0, end)]
        tw = team_week[(team_week["behavior"] == behavior) & in_window(team_week["week"], w0, end)]
        ba = before_after(rows, first, level=level)
        panels.append(CohortPanel(
            rep_id=r.rep_id, title=f"{rep_labels.get(r.rep_id, r.rep_id)}: {describe_before_after(ba, min_calls=min_calls)}",
            rep_week=rows, team_week=tw, sessions=s_dates, before_after=ba,
            clearly_up=bool(verdict.side(ba.ci_low, ba.ci_high) == "positive" and min(ba.n_calls_before, ba.n_calls_after) >= min_calls)))
    return panels
