"""Layer 3 data: one point per coached rep — its behavior change and its outcome changes, by lag.

One point per coached rep (its first episode); Q_e = the quarter of its first session.

* x = behavior change: the rep's mean weekly score on the coached behavior in Q_e minus in Q_e - 1.
* win rate: y = win rate (won / closed, by close date) in Q_e + lag minus in Q_e - 1.
* deal cycle: y = mean days created -> close of the deals closed in Q_e - 1 minus in Q_e + lag
  (positive = the rep closes faster).

Each y's sampling variance comes from its deal counts (:func:`sampling_var`). A lag whose target
quarter is not in the data is "not yet observable" (:func:`lag_observable`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi import config as _config
from coaching_roi.calendar import quarter_of, quarter_of_date
from coaching_roi.estimate_ids import POOLED

OUTCOMES: dict[str, dict[str, str]] = {
    "win_rate": {"id": f"win_rate_change_per_point::{POOLED}", "unit": "fraction", "y": "win_rate_change"},
    "cycle": {"id": f"cycle_change_per_point::{POOLED}", "unit": "days", "y": "cycle_change"},
}

MIN_FIT_REPS = 5  # below 5 points HC2 has 1-2 residual degrees of freedom and is not reliable (at 3 points it

# collapsed to a near-zero SE on a no-effect demo team); calibration was measured from 5 coached reps up


# ------------------------------------------------------------------------------------ frames
def rep_quarter_behavior(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per rep, behavior and calendar quarter (of the week's Monday): mean weekly score and n_weeks."""
    w = weekly.assign(quarter=quarter_of(weekly["week"]))
    return (w.groupby(["rep_id", "behavior", "quarter"], observed=True)["mean_score"]
            .agg(quarter_score="mean", n_weeks="size").reset_index())


def rep_quarter_outcomes(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Per rep and close quarter: n_won, n_lost, n_deals (closed), win_rate, mean_cycle_days and
    cycle_var (days created -> close over closed deals, won and lost), median_cycle_days (won deals)."""
    o = opportunities[opportunities["status"].isin(["won", "lost"]) & opportunities["close_date"].notna()].copy()
    o["close_date"] = pd.to_datetime(o["close_date"])
    o["quarter"] = quarter_of(o["close_date"])
    o["won"] = (o["status"] == "won").astype(int)
    o["days"] = (o["close_date"] - pd.to_datetime(o["created_date"])).dt.days.astype("float64")
    o["won_days"] = o["days"].where(o["won"] == 1)
    g = o.groupby(["rep_id", "quarter"], observed=True)
    out = g.agg(n_won=("won", "sum"), n_deals=("won", "size"), mean_cycle_days=("days", "mean"),
                cycle_var=("days", "var"), median_cycle_days=("won_days", "median")).reset_index()
    out["n_lost"] = out["n_deals"] - out["n_won"]
    out["win_rate"] = out["n_won"] / out["n_deals"]
    return out


def data_end(opportunities: pd.DataFrame) -> pd.Timestamp:
    """The last date the opportunities table knows about (latest created or close date)."""
    dates = [pd.to_datetime(opportunities[c]).max() for c in ("created_date", "close_date") if c in opportunities]
    dates = [d for d in dates if pd.notna(d)]
    return max(dates) if dates else pd.NaT


def lag_observable(target_quarter: str, end: pd.Timestamp, outcomes: pd.DataFrame, *, slack_days: int = 14) -> tuple[bool, str]:
    """Whether the deals closed in ``target_quarter`` are all in the data; else the reason (never extrapolate)."""
    q_start, q_end = _config.quarter_bounds(target_quarter)
    n_closed = int(outcomes.loc[outcomes["quarter"] == target_quarter, "n_deals"].sum()) if len(outcomes) else 0
    if pd.isna(end) or q_start > end or n_closed == 0:
        return False, f"not yet observable: {target_quarter} has no closed deals yet"
    if end < q_end - pd.Timedelta(days=slack_days):
        return False, f"not yet observable: {target_quarter} is not complete (data end {end.date()})"
    return True, "ok"

POINT_COLUMNS = ["rep_id", "behavior", "lag_quarters", "q_e", "target_quarter", "score_before", "score_after",
                 "behavior_change", "win_rate_before", "win_rate_after", "win_rate_change", "n_won_before",
                 "n_won_after", "n_deals_before", "n_deals_after", "cycle_days_before", "cycle_days_after",
                 "cycle_change", "cycle_var_before", "cycle_var_after"]


@dataclass(frozen=True)
class Points:
    """Tidy rep points (``frame``: :data:`POINT_COLUMNS`) and, per lag, who is not observable yet."""

    frame: pd.DataFrame
    lag_status: pd.DataFrame  # lag_quarters, target_quarter, n_not_yet, n_no_before, status, observable_from


def rep_points(weekly: pd.DataFrame, episodes: pd.DataFrame, opportunities: pd.DataFrame, *, quarter: str,
               lags: tuple[int, ...] = (0, 1, 2), cohort: str = "to_date", min_weeks: int = 3) -> Points:
    """One point per coached rep and lag (see the module docstring), from the tidy 01/02 frames.

    ``weekly``: rep_id, week, behavior, mean_score; ``episodes``: rep_id, behavior, first_session_date;
    ``opportunities``: rep_id, created_date, close_date, status. ``cohort="to_date"`` uses every episode
    that started by the end of ``quarter``, ``"quarter"`` only those that started in it. A quarter-mean
    score needs ``min_weeks`` scored weeks. A rep whose Q_e + lag is not complete is left out of that
    lag (``n_not_yet``); a rep whose Q_e - 1 has no closed deals in the data at all, too (``n_no_before``).
    """
    q_start, q_end = _config.quarter_bounds(quarter)
    eps = episodes[pd.to_datetime(episodes["first_session_date"]) < q_end]
    if cohort == "quarter":
        eps = eps[pd.to_datetime(eps["first_session_date"]) >= q_start]
    eps = eps.sort_values(["rep_id", "first_session_date"]).drop_duplicates("rep_id", keep="first").copy()
    eps["q_e"] = eps["first_session_date"].map(quarter_of_date)
    eps["q_before"] = eps["q_e"].map(lambda x: _config.quarter_label(x, -1))
    w = weekly[pd.to_datetime(weekly["week"]) < q_end]
    qb = rep_quarter_behavior(w.assign(week=pd.to_datetime(w["week"])))
    qb = qb[qb["n_weeks"] >= min_weeks].set_index(["rep_id", "behavior", "quarter"])["quarter_score"]
    eps["score_before"] = [qb.get((r, b, x), np.nan) for r, b, x in zip(eps["rep_id"], eps["behavior"], eps["q_before"], strict=True)]
    eps["score_after"] = [qb.get((r, b, x), np.nan) for r, b, x in zip(eps["rep_id"], eps["behavior"], eps["q_e"], strict=True)]
    eps["behavior_change"] = eps["score_after"] - eps["score_before"]
    eps = eps.dropna(subset=["behavior_change"])  # reps without scores on the behavior (e.g. SDRs) cannot enter
    outc = rep_quarter_outcomes(opportunities)
    oi = outc.set_index(["rep_id", "quarter"])
    end = data_end(opportunities)
    seen: dict[str, tuple[bool, str]] = {}

    def obs(qq: str) -> tuple[bool, str]:
        if qq not in seen:
            seen[qq] = lag_observable(qq, end, outc)
        return seen[qq]

    def col(reps: pd.Series, qs: pd.Series, c: str) -> list[float]:
        return [float(oi.at[(r, x), c]) if (r, x) in oi.index else np.nan for r, x in zip(reps, qs, strict=True)]

    parts, status = [], []
    for lag in lags:
        p = eps.assign(lag_quarters=int(lag), target_quarter=eps["q_e"].map(lambda x, lag=lag: _config.quarter_label(x, lag)))
        has_before = p["q_before"].map(lambda x: obs(x)[0]).astype(bool)
        ok = p["target_quarter"].map(lambda x: obs(x)[0]).astype(bool) & has_before
        waiting = sorted(set(p.loc[has_before & ~ok, "target_quarter"]))
        why = obs(waiting[0])[1] if waiting else "ok"
        status.append(dict(lag_quarters=int(lag), target_quarter=_config.quarter_label(quarter, lag),
                           n_not_yet=int((has_before & ~ok).sum()), n_no_before=int((~has_before).sum()),
                           status=why, observable_from=waiting[0] if waiting else None))
        p = p[ok].copy()
        for side, qcol in (("before", "q_before"), ("after", "target_quarter")):
            p[f"win_rate_{side}"] = col(p["rep_id"], p[qcol], "win_rate")
            p[f"n_won_{side}"] = np.nan_to_num(col(p["rep_id"], p[qcol], "n_won")).astype(int)
            p[f"n_deals_{side}"] = np.nan_to_num(col(p["rep_id"], p[qcol], "n_deals")).astype(int)
            p[f"cycle_days_{side}"] = col(p["rep_id"], p[qcol], "mean_cycle_days")
            p[f"cycle_var_{side}"] = col(p["rep_id"], p[qcol], "cycle_var")
        p["win_rate_change"] = p["win_rate_after"] - p["win_rate_before"]
        p["cycle_change"] = p["cycle_days_before"] - p["cycle_days_after"]
        parts.append(p)
    frame = pd.concat(parts, ignore_index=True)[POINT_COLUMNS] if parts else pd.DataFrame(columns=POINT_COLUMNS)
    return Points(frame, pd.DataFrame(status, columns=["lag_quarters", "target_quarter", "n_not_yet", "n_no_before",
                                                       "status", "observable_from"]))


def sampling_var(points: pd.DataFrame, outcome: str) -> np.ndarray:
    """The sampling variance of each rep's outcome change from its deal counts (pooled spread)."""
    nb = points["n_deals_before"].to_numpy(float)
    na = points["n_deals_after"].to_numpy(float)
    inv_n = 1.0 / np.maximum(nb, 1) + 1.0 / np.maximum(na, 1)
    if outcome == "win_rate":
        won = points["n_won_before"].to_numpy(float) + points["n_won_after"].to_numpy(float)
        p = float(won.sum() / max((nb + na).sum(), 1.0))
        return max(p * (1 - p), 0.01) * inv_n
    v = np.concatenate([points["cycle_var_before"].to_numpy(float), points["cycle_var_after"].to_numpy(float)])
    n = np.concatenate([nb, na])
    ok = np.isfinite(v) & (n >= 2)
    s2 = float(np.sum(v[ok] * (n[ok] - 1)) / max(np.sum(n[ok] - 1), 1.0)) if ok.any() else 1.0
    return s2 * inv_n
