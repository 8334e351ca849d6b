"""Which reps the coaching plan covers: AEs and SDRs employed at the end of the quarter."""

from __future__ import annotations

import pandas as pd


def active_reps(reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reps (AE or SDR) employed at the end of ``[start, end)``: hired before ``end``, not left before it."""
    df = reps.copy()
    df["rep_id"] = df["rep_id"].astype("string")
    role = df["role"].astype("string").str.upper()
    keep = role.isin(["AE", "SDR"])
    if "hire_date" in df.columns:
        h = pd.to_datetime(df["hire_date"])
        keep &= h.isna() | (h < end)
    if "end_date" in df.columns:
        e = pd.to_datetime(df["end_date"])
        keep &= e.isna() | (e >= end)
    out = df.loc[keep].copy()
    out["role"] = role[keep]
    for c in ("rep_name", "manager_id", "hire_date", "monthly_quota"):
        if c not in out.columns:
            out[c] = pd.NA
    return out.sort_values("rep_id").reset_index(drop=True)
