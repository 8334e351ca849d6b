"""Which reps the coaching plan covers: AEs and SDRs employed at the end of the quarter."""

from __future__ import annotations

import pandas as pd

from coaching_roi.roster import PLAN_ROLES, employed_at


def active_reps(reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reps (AE or SDR) employed at the end of ``[start, end)`` (:func:`roster.employed_at` ``end``)."""
    df = reps.copy()
    df["rep_id"] = df["rep_id"].astype("string")
    keep = employed_at(df, end, roles=PLAN_ROLES)
    out = df.loc[keep].copy()
    out["role"] = df["role"].astype("string").str.upper()[keep]
    for c in ("rep_name", "manager_id", "hire_date", "monthly_quota"):
        if c not in out.columns:
            out[c] = pd.NA
    return out.sort_values("rep_id").reset_index(drop=True)
