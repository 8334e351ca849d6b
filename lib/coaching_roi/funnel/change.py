"""Quarter-over-quarter change: a rate difference (Newcombe interval) per rep and stage, and a
Welch difference of means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.stats import welch_interval, wilson_interval


# ---------------------------------------------------------------------------- quarter-over-quarter
def diff_proportions_interval(k1: int, n1: int, k0: int, n0: int, level: float = 0.95) -> tuple[float, float, float]:
    """Difference p1 − p0 with Newcombe's hybrid score interval (from two Wilson intervals).

    Returns (diff, lo, hi); NaNs when either n is 0.
    """
    if n1 <= 0 or n0 <= 0:
        return (float("nan"), float("nan"), float("nan"))
    p1, p0 = k1 / n1, k0 / n0
    l1, u1 = wilson_interval(k1, n1, level)
    l0, u0 = wilson_interval(k0, n0, level)
    d = p1 - p0
    lo = d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return (d, float(max(-1.0, lo)), float(min(1.0, hi)))


def rate_change(
    rates_now: pd.DataFrame,
    rates_before: pd.DataFrame,
    *,
    level: float = 0.95,
    min_volume: int = 30,
) -> pd.DataFrame:
    """Per (rep, stage) change in rate between two periods with a Newcombe interval.

    Columns: rep_id, stage, rate_before, n_before, rate_now, n_now, change, ci_low, ci_high,
    enough_volume (both denominators ≥ min_volume).
    """
    cols = ["rep_id", "stage", "k", "n", "rate"]
    m = rates_now[cols].merge(rates_before[cols], on=["rep_id", "stage"], how="left", suffixes=("_now", "_before"))
    m[["k_before", "n_before"]] = m[["k_before", "n_before"]].fillna(0).astype("int64")
    res = [
        diff_proportions_interval(int(a), int(b), int(c), int(d), level)
        for a, b, c, d in zip(m["k_now"], m["n_now"], m["k_before"], m["n_before"], strict=True)
    ]
    m["change"] = [r[0] for r in res]
    m["ci_low"] = [r[1] for r in res]
    m["ci_high"] = [r[2] for r in res]
    m["enough_volume"] = (m["n_now"] >= min_volume) & (m["n_before"] >= min_volume)
    return m[
        ["rep_id", "stage", "rate_before", "n_before", "rate_now", "n_now", "change", "ci_low", "ci_high", "enough_volume"]
    ]


def mean_diff_interval(x1: np.ndarray, x0: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Welch difference of means mean(x1) − mean(x0) with its t interval; NaNs when n < 2 in either."""
    d, lo, hi = welch_interval(x1, x0, level)
    return (float("nan"), float("nan"), float("nan")) if np.isnan(lo) else (d, lo, hi)
