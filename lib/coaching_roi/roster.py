"""Who counts as an active rep: the one rule, used by the intake coverage, the coaching plan and the money.

A rep is **active over [start, end)** when their role is one of ``roles`` and they were hired before
``end`` (or no hire date is known) and had not left before ``start`` (no end date, or an end date on or
after ``start``: the end date is the last day employed). "Employed at a moment ``t``" is the
same rule with ``start = end = t``: hired before ``t``, not gone by ``t``.
"""

from __future__ import annotations

import pandas as pd

AE_ONLY = ("AE",)
PLAN_ROLES = ("AE", "SDR")


def active_mask(reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
                roles: tuple[str, ...] | None = AE_ONLY) -> pd.Series:
    """Boolean Series over ``reps``: active over ``[start, end)`` (``roles=None``: any role; role text is
    compared case-insensitively; a table without role, hire or end dates does not filter on them)."""
    keep = pd.Series(True, index=reps.index)
    if roles is not None and "role" in reps.columns:
        keep &= reps["role"].astype("string").str.upper().isin([r.upper() for r in roles]).fillna(False)
    if "hire_date" in reps.columns:
        h = pd.to_datetime(reps["hire_date"])
        keep &= h.isna() | (h < end)
    if "end_date" in reps.columns:
        e = pd.to_datetime(reps["end_date"])
        keep &= e.isna() | (e >= start)
    return keep.astype(bool)


def employed_at(reps: pd.DataFrame, t: pd.Timestamp, *, roles: tuple[str, ...] | None = AE_ONLY) -> pd.Series:
    """Boolean Series: employed at moment ``t`` (:func:`active_mask` with ``start = end = t``)."""
    return active_mask(reps, t, t, roles=roles)
