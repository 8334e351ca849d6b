"""Recognition: most improved reps (ranked by the interval's lower end, so noise is not rewarded)
and call-of-the-week candidates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import funnel as fn
from coaching_roi import verdict
from coaching_roi.batch_intervals import NAN, welch_intervals
from coaching_roi.calendar import week_start


def _best_clear_rise(d: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Rows whose interval lies above zero (:func:`verdict.sides`), one per rep (the highest lower end), best first."""
    d = d[verdict.sides(d["ci_low"], d["ci_high"]) == "positive"]
    d = d.sort_values(["ci_low", "rep_id"], ascending=[False, True]).drop_duplicates("rep_id").head(top_n)
    return d.reset_index(drop=True)


def most_improved_funnel(funnel_change: pd.DataFrame, *, top_n: int = 3, level: float = 0.95) -> pd.DataFrame:
    """SDR stage improvements with enough volume in both quarters, ranked by the interval's lower end.

    One row per rep (their best stage); only improvements whose interval is above zero are listed.
    """
    d = _best_clear_rise(funnel_change[funnel_change["enough_volume"]], top_n)
    lt = verdict.level_text(level)
    return d.assign(
        reading=[
            f"{fn.STAGE_SHORT.get(s, s)} rate {b:.0%} → {a:.0%} ({c * 100:+.0f} pp, {lt} CI {lo * 100:+.0f} to {hi * 100:+.0f} pp)"
            for s, b, a, c, lo, hi in zip(d["stage"], d["rate_before"], d["rate_now"], d["change"], d["ci_low"], d["ci_high"], strict=True)
        ]
    ).reset_index(drop=True)


def behavior_score_change(
    call_level: pd.DataFrame,
    *,
    now: tuple[pd.Timestamp, pd.Timestamp],
    before: tuple[pd.Timestamp, pd.Timestamp],
    min_calls: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per (rep, behavior) change in mean call score between two periods, Welch interval.

    Columns: rep_id, behavior, mean_before, n_before, mean_now, n_now, change, ci_low, ci_high.
    Only pairs with ≥ ``min_calls`` scored calls in both periods.
    """
    date = call_level["call_date"]
    period = np.select([(date >= now[0]) & (date < now[1]), (date >= before[0]) & (date < before[1])], [1, 2], default=0)
    cl = call_level[period > 0]
    period, score = period[period > 0], cl["score"].to_numpy()
    rows, pairs = [], []
    # Group positions in one pass; each group's calls keep their order, so the means are the same sums.
    for (rid, b), idx in cl.groupby(["rep_id", "behavior"], observed=True, sort=True).indices.items():
        p, x = period[idx], score[idx]
        x1, x0 = x[p == 1], x[p == 2]
        if len(x1) < min_calls or len(x0) < min_calls:
            continue
        pairs.append((x1, x0))
        rows.append(
            {"rep_id": rid, "behavior": b, "mean_before": x0.mean(), "n_before": len(x0), "mean_now": x1.mean(),
             "n_now": len(x1)}
        )
    # Every pair's Welch interval at once (fn.mean_diff_interval's numbers: NaN throughout without bounds)
    d, lo, hi = welch_intervals(pairs, level)
    missing = np.isnan(lo)
    for row, di, li, hi_ in zip(rows, np.where(missing, NAN, d), lo, np.where(missing, NAN, hi), strict=True):
        row.update(change=float(di), ci_low=float(li), ci_high=float(hi_))
    cols = ["rep_id", "behavior", "mean_before", "n_before", "mean_now", "n_now", "change", "ci_low", "ci_high"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["rep_id", "behavior"], ignore_index=True) if len(out) else out


def most_improved_behavior(changes: pd.DataFrame, *, labels: dict[str, str], top_n: int = 3,
                           level: float = 0.95) -> pd.DataFrame:
    """Reps whose behavior score rose beyond noise, ranked by the interval's lower end (one row per rep)."""
    d = _best_clear_rise(changes, top_n)
    lt = verdict.level_text(level)
    return d.assign(
        reading=[
            f"{labels.get(b, b)} {m0:.1f} → {m1:.1f} ({c:+.1f} points, {lt} CI {lo:+.1f} to {hi:+.1f}; {n0} → {n1} calls)"
            for b, m0, m1, c, lo, hi, n0, n1 in zip(
                d["behavior"], d["mean_before"], d["mean_now"], d["change"], d["ci_low"], d["ci_high"], d["n_before"], d["n_now"], strict=True
            )
        ]
    ).reset_index(drop=True)


def calls_of_the_week(
    call_composite: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp, per_week: int = 1
) -> pd.DataFrame:
    """Highest composite-scored call(s) per ISO week in ``[start, end)`` (from 02_call_composite).

    Columns: week (Monday), call_id, rep_id, call_date, composite.
    """
    d = call_composite.copy()
    d["call_date"] = pd.to_datetime(d["call_date"])
    d = d[(d["call_date"] >= start) & (d["call_date"] < end) & d["composite"].notna()]
    d["week"] = week_start(d["call_date"])
    d = d.sort_values(["week", "composite", "call_id"], ascending=[True, False, True])
    out = d.groupby("week", observed=True, sort=True).head(per_week)
    return out[["week", "call_id", "rep_id", "call_date", "composite"]].reset_index(drop=True)
