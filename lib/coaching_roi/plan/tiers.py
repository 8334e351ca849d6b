"""Performance tiers and the coaching approach per tier.

AEs are tiered by attainment (won ARR in the quarter / (3 × monthly quota), pro-rated for reps hired
during the quarter), SDRs by funnel output (SQLs per working day); tiers are quantiles within a role.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import funnel as fn

TIERS: tuple[str, ...] = ("top", "middle", "under")
TIER_APPROACH: dict[str, str] = {
    "top": "Autonomy and stretch: agree a stretch goal, invite them to coach a peer or share a call; coach career growth.",
    "middle": "The one lever: coach the single focus below every week at a steady cadence; celebrate small gains.",
    "under": "Diagnose skill, will or fit first; intensive coaching on the one gap with written expectations; "
    "review at 30 days, decide by 60.",
    "unknown": "Not tiered (no attainment or output data this quarter): agree the focus and collect the data.",
}


def ae_attainment(
    opportunities: pd.DataFrame | None,
    reps: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """AE attainment: won ARR closed in ``[start, end)`` / (3 × monthly_quota), quota pro-rated for mid-quarter hires.

    Columns: rep_id, won_arr, quota, attainment (NaN without a quota or without opportunities).
    """
    aes = reps[reps["role"] == "AE"][["rep_id", "monthly_quota", "hire_date"]].copy()
    if opportunities is not None and len(opportunities):
        o = opportunities.copy()
        o["close_date"] = pd.to_datetime(o["close_date"])
        won = o[(o["status"] == "won") & (o["close_date"] >= start) & (o["close_date"] < end)]
        arr = won.groupby(won["rep_id"].astype("string"), observed=True)["amount"].sum()
        aes["won_arr"] = aes["rep_id"].map(arr).fillna(0.0).astype(float)
    else:
        aes["won_arr"] = np.nan
    q_days = (end - start).days
    hire = pd.to_datetime(aes["hire_date"])
    in_q = ((end - hire.where(hire > start, start)).dt.days / q_days).clip(0, 1).fillna(1.0)
    aes["quota"] = 3 * pd.to_numeric(aes["monthly_quota"], errors="coerce") * in_q
    aes["attainment"] = aes["won_arr"] / aes["quota"].where(aes["quota"] > 0)
    return aes[["rep_id", "won_arr", "quota", "attainment"]].reset_index(drop=True)


def sdr_output(counts: pd.DataFrame, reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """SDR output: SQLs per working day over the rep's working days in the quarter (from hire date).

    Columns: rep_id, sqls, working_days, sqls_per_day (NaN with no working days or no activity).
    """
    sdrs = reps[reps["role"] == "SDR"][["rep_id", "hire_date"]].copy()
    c = counts.set_index("rep_id")
    sdrs["sqls"] = sdrs["rep_id"].map(c["sqls"]) if len(c) else np.nan
    has = sdrs["rep_id"].map(c["n_rows"]).fillna(0) > 0 if len(c) else pd.Series(False, index=sdrs.index)
    last = c["last_date"].max() if len(c) else pd.NaT
    stop = min(end, pd.Timestamp(last) + pd.Timedelta(days=1)) if pd.notna(last) else end
    days = []
    for h in pd.to_datetime(sdrs["hire_date"]):
        s = max(start, h) if pd.notna(h) else start
        days.append(fn.working_days(s, stop))
    sdrs["working_days"] = days
    sdrs["sqls_per_day"] = (sdrs["sqls"] / sdrs["working_days"].where(sdrs["working_days"] > 0)).where(has)
    return sdrs[["rep_id", "sqls", "working_days", "sqls_per_day"]].reset_index(drop=True)


def assign_tiers(values: pd.Series, *, top_quantile: float = 0.75, under_quantile: float = 0.25) -> pd.Series:
    """Tier each value: ``top`` at or above the top quantile, ``under`` at or below the under
    quantile, ``middle`` between, ``unknown`` for NaN. Quantiles are taken within ``values``."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    out = pd.Series("unknown", index=values.index, dtype=object)
    ok = v.dropna()
    if ok.empty:
        return out
    hi, lo = ok.quantile(top_quantile), ok.quantile(under_quantile)
    out[v.notna()] = "middle"
    out[v.notna() & (v >= hi)] = "top"
    out[v.notna() & (v <= lo)] = "under"  # a tie at both ends (all equal) reads as under, not top
    return out

def build_tiers(
    reps: pd.DataFrame,
    *,
    attainment: pd.DataFrame | None,
    output: pd.DataFrame | None,
    top_quantile: float,
    under_quantile: float,
) -> pd.DataFrame:
    """Tiers within each role: AEs by attainment, SDRs by SQLs per working day.

    Columns: rep_id, role, tier, tier_metric, tier_value.
    """
    parts = []
    if attainment is not None:
        a = attainment.assign(tier_metric="attainment", tier_value=attainment["attainment"])
        a["tier"] = assign_tiers(a["tier_value"], top_quantile=top_quantile, under_quantile=under_quantile)
        parts.append(a.assign(role="AE")[["rep_id", "role", "tier", "tier_metric", "tier_value"]])
    if output is not None:
        s = output.assign(tier_metric="sqls_per_working_day", tier_value=output["sqls_per_day"])
        s["tier"] = assign_tiers(s["tier_value"], top_quantile=top_quantile, under_quantile=under_quantile)
        parts.append(s.assign(role="SDR")[["rep_id", "role", "tier", "tier_metric", "tier_value"]])
    if not parts:
        return pd.DataFrame(columns=["rep_id", "role", "tier", "tier_metric", "tier_value"])
    out = pd.concat(parts, ignore_index=True)
    return out[out["rep_id"].isin(reps["rep_id"])].reset_index(drop=True)
