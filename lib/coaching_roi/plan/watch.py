"""The watch list: has each rep's focus metric moved this quarter vs the previous one?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import verdict
from coaching_roi.batch_intervals import welch_intervals


def focus_movement(
    plan: pd.DataFrame,
    *,
    funnel_change: pd.DataFrame | None,
    call_level: pd.DataFrame | None,
    now: tuple[pd.Timestamp, pd.Timestamp],
    before: tuple[pd.Timestamp, pd.Timestamp],
    min_volume: int,
    min_calls: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Has each rep's focus metric moved this quarter vs the previous one?

    SDRs: the focus stage's rate change (Newcombe interval; both denominators ≥ ``min_volume``).
    AEs: the focus behavior's mean call score change (Welch interval; ≥ ``min_calls`` calls in each).
    Columns: rep_id, change, ci_low, ci_high, unit ("fraction"/"points"), n_now, n_before, movement.
    """
    rows, welch = [], []
    # Each rep's rows looked up by key (one pass over each table), not filtered per rep (reps × rows).
    stage_rows = ({} if funnel_change is None else
                  {k: i for i, k in reversed(list(enumerate(zip(funnel_change["rep_id"], funnel_change["stage"], strict=True))))})
    beh_rows = {} if call_level is None else call_level.groupby(["rep_id", "behavior"], observed=True, sort=False).indices
    dates = None if call_level is None else call_level["call_date"].to_numpy()
    scores = None if call_level is None else call_level["score"].to_numpy()
    now64, before64 = [pd.Timestamp(t).to_datetime64() for t in now], [pd.Timestamp(t).to_datetime64() for t in before]
    for _, p in plan.iterrows():
        rid, key = p["rep_id"], p["focus_key"]
        row = {"rep_id": rid, "change": np.nan, "ci_low": np.nan, "ci_high": np.nan, "unit": None, "n_now": 0, "n_before": 0}
        if pd.isna(key):
            row["movement"] = "too little data (no focus metric)"
        elif p["focus_source"] == "funnel" and funnel_change is not None:
            i = stage_rows.get((rid, key))
            if i is not None:
                m = funnel_change.iloc[i]
                row.update(unit="fraction", n_now=int(m["n_now"]), n_before=int(m["n_before"]))
                if m["enough_volume"]:
                    row.update(change=m["change"], ci_low=m["ci_low"], ci_high=m["ci_high"])
            row["movement"] = movement_reading(row, level)
        elif p["focus_source"] == "behavior" and call_level is not None:
            idx = beh_rows.get((rid, key), np.array([], dtype=np.intp))
            day, x = dates[idx], scores[idx]
            x1 = x[(day >= now64[0]) & (day < now64[1])]
            x0 = x[(day >= before64[0]) & (day < before64[1])]
            row.update(unit="points", n_now=len(x1), n_before=len(x0))
            if len(x1) >= min_calls and len(x0) >= min_calls:
                welch.append((len(rows), x1, x0))  # its interval and reading: below, all pairs at once
            else:
                row["movement"] = movement_reading(row, level)
        else:
            row["movement"] = "too little data (input table absent)"
        rows.append(row)
    d, lo, hi = welch_intervals([(x1, x0) for _, x1, x0 in welch], level)
    for (i, _, _), di, li, hi_ in zip(welch, d, lo, hi, strict=True):
        if not np.isnan(li):  # as funnel.mean_diff_interval: without bounds, no change either
            rows[i].update(change=float(di), ci_low=float(li), ci_high=float(hi_))
        rows[i]["movement"] = movement_reading(rows[i], level)
    return pd.DataFrame(rows, columns=["rep_id", "change", "ci_low", "ci_high", "unit", "n_now", "n_before", "movement"])


def movement_reading(row: dict, level: float = 0.95) -> str:
    """Plain-English reading of a quarter-over-quarter change that never outruns its interval.

    The words come from ``verdict.ROW_PHRASINGS["movement"]`` by the interval's :func:`verdict.side`.
    """
    if not np.isfinite(row.get("change", np.nan)) or not np.isfinite(row.get("ci_low", np.nan)):
        return f"too little data (n={row.get('n_now', 0)} now, {row.get('n_before', 0)} before)"
    f = (lambda v: f"{v * 100:+.0f} pp") if row["unit"] == "fraction" else (lambda v: f"{v:+.1f} points")
    ci = f"{verdict.level_text(level)} CI {f(row['ci_low'])} to {f(row['ci_high'])}"
    return verdict.row_phrase("movement", verdict.side(row["ci_low"], row["ci_high"]), value=f(row["change"]), ci=ci)
