"""Activity counts per SDR over a period, funnel monotonicity checks, and working days."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.funnel.stages import CHAIN, COUNT_COLUMNS


# ------------------------------------------------------------------------------------------ counts
def rep_counts(
    sdr_activity: pd.DataFrame,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Sum a canonical ``sdr_activity`` table per rep over ``[start, end)``.

    Returns one row per rep_id with every count column (int64; missing optional email columns are
    0) and ``n_rows`` (activity rows summed) and ``first_date`` / ``last_date``.
    """
    df = sdr_activity
    if start is not None or end is not None:
        d = pd.to_datetime(df["date"])
        keep = pd.Series(True, index=df.index)
        if start is not None:
            keep &= d >= pd.Timestamp(start)
        if end is not None:
            keep &= d < pd.Timestamp(end)
        df = df.loc[keep]
    df = df.copy()
    for c in COUNT_COLUMNS:
        if c not in df.columns:
            df[c] = 0
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype("int64")
    df["rep_id"] = df["rep_id"].astype("string")
    g = df.groupby("rep_id", observed=True, sort=True)
    out = g[list(COUNT_COLUMNS)].sum()
    out["n_rows"] = g.size()
    out["first_date"] = g["date"].min()
    out["last_date"] = g["date"].max()
    return out.reset_index()


def monotonicity_violations(counts: pd.DataFrame) -> pd.DataFrame:
    """Return the rows where a later funnel count exceeds an earlier one (or replies > emails).

    One row per (rep_id, check) with the two counts; empty when the funnel is consistent.
    """
    checks = [(CHAIN[i + 1], CHAIN[i]) for i in range(len(CHAIN) - 1)] + [("email_replies", "emails_sent")]
    rows = []
    for later, earlier in checks:
        if later not in counts.columns or earlier not in counts.columns:
            continue
        bad = counts[later] > counts[earlier]
        for _, r in counts.loc[bad].iterrows():
            rows.append(
                {
                    "rep_id": r.get("rep_id"),
                    "check": f"{later} <= {earlier}",
                    "later": int(r[later]),
                    "earlier": int(r[earlier]),
                }
            )
    return pd.DataFrame(rows, columns=["rep_id", "check", "later", "earlier"])


def working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Business days (Mon–Fri) in ``[start, end)``; 0 when end ≤ start."""
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if e <= s:
        return 0
    return int(np.busday_count(s.date(), e.date()))
