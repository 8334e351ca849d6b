"""The economic inputs of the money section: from params when set, else derived from the data (and said so).

Monthly ARR of a ramped rep, new hires in the last year, active AEs; :func:`resolve_inputs` gathers
them into :class:`MoneyInputs` with where each came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi.roster import employed_at


@dataclass(frozen=True)
class MoneyInputs:
    """The economic inputs with where each came from ("params" or "data: …")."""

    monthly_arr_ramped_rep: float
    monthly_arr_source: str
    new_hires_per_year: float
    new_hires_source: str
    ae_count: float
    ae_count_source: str
    n_ramped_reps: int


# ------------------------------------------------------------------------------ data-derived inputs
def monthly_arr_ramped_rep(reps: pd.DataFrame, opportunities: pd.DataFrame, *, as_of: pd.Timestamp,
                           ramp_months: int = 6, window_months: int = 12,
                           role: str | None = "AE") -> tuple[float, int]:
    """Median monthly won ARR of reps past ramp; returns (value, n reps).

    A rep is past ramp over the window ``[as_of − window_months, as_of)`` for the months after
    ``hire_date + ramp_months``; their won ARR in those months is divided by the number of such
    months they were employed (at least one full month). Reps without a hire date count as ramped.
    """
    start = as_of - pd.DateOffset(months=window_months)
    r = reps
    if role is not None and "role" in r.columns:
        r = r.loc[r["role"].astype(str) == role]
    won = opportunities.loc[(opportunities["status"] == "won") & opportunities["close_date"].notna()]
    won_by_rep = {k: v for k, v in won.groupby("rep_id", observed=True, sort=False)}  # each rep's deals, in row order
    none = won.iloc[:0]
    vals = []
    for rep in r.itertuples(index=False):
        hire = getattr(rep, "hire_date", None)
        end = getattr(rep, "end_date", None)
        lo = start
        if hire is not None and not pd.isna(hire):
            lo = max(start, pd.Timestamp(hire) + pd.DateOffset(months=ramp_months))
        hi = as_of if end is None or pd.isna(end) else min(as_of, pd.Timestamp(end))
        months = (hi - lo).days / (365.25 / 12)
        if months < 1:
            continue
        deals = won_by_rep.get(rep.rep_id, none)
        mine = deals.loc[(deals["close_date"] >= lo) & (deals["close_date"] < hi)]
        vals.append(float(mine["amount"].sum()) / months)
    if not vals:
        return float("nan"), 0
    return float(np.median(vals)), len(vals)


def new_hires_last_year(reps: pd.DataFrame, *, as_of: pd.Timestamp, role: str | None = "AE") -> int:
    """Reps (of ``role``) hired in the 12 months before ``as_of``."""
    if "hire_date" not in reps.columns:
        return 0
    r = reps
    if role is not None and "role" in r.columns:
        r = r.loc[r["role"].astype(str) == role]
    h = r["hire_date"]
    return int(((h >= as_of - pd.DateOffset(years=1)) & (h < as_of)).sum())


def active_count(reps: pd.DataFrame, *, as_of: pd.Timestamp, role: str | None = "AE") -> int:
    """Reps (of ``role``) employed at ``as_of`` (:func:`roster.employed_at`)."""
    return int(employed_at(reps, as_of, roles=None if role is None else (role,)).sum())


def resolve_inputs(economics, reps: pd.DataFrame, opportunities: pd.DataFrame, *, as_of: pd.Timestamp,
                   ramp_months: int = 6) -> MoneyInputs:
    """Take each economic input from params when set, else derive it from the data (and say so)."""
    if economics.monthly_arr_ramped_rep_usd is not None:
        arr, arr_src, n_ramped = float(economics.monthly_arr_ramped_rep_usd), "params", 0
    else:
        arr, n_ramped = monthly_arr_ramped_rep(reps, opportunities, as_of=as_of, ramp_months=ramp_months)
        arr_src = f"data: median monthly won ARR of {n_ramped} AEs past ramp, last 12 months"
    if economics.new_hires_per_year is not None:
        hires, hires_src = float(economics.new_hires_per_year), "params"
    else:
        hires = float(new_hires_last_year(reps, as_of=as_of))
        hires_src = "data: AEs hired in the last 12 months"
    if economics.ae_count is not None:
        aes, aes_src = float(economics.ae_count), "params"
    else:
        aes = float(active_count(reps, as_of=as_of))
        aes_src = "data: AEs employed at quarter end"
    return MoneyInputs(arr, arr_src, hires, hires_src, aes, aes_src, n_ramped)
