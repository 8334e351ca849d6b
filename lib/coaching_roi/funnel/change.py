"""Quarter-over-quarter change: a rate difference (Newcombe interval) per rep and stage, and a
Welch difference of means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.batch_intervals import wilson_intervals
from coaching_roi.stats import welch_interval, wilson_interval


# ---------------------------------------------------------------------------- quarter-over-quarter
def diff_proportions_interval(k1: int, n1: int, k0: int, n0: int, level: float = 0.95) -> tuple[float, float, float]:
    """Difference p1 − p0 with Newcombe's hybrid score interval (from two Wilson intervals).

    Returns (diff, lo, hi); NaNs when either n is 0.
    """
    if n1 <= 0 or n0 <= 0:
        return (float("nan"), float("nan"), float("nan"))
    return _newcombe(k1, n1, k0, n0, *wilson_interval(k1, n1, level), *wilson_interval(k0, n0, level))


def _newcombe(k1: int, n1: int, k0: int, n0: int, l1: float, u1: float, l0: float, u0: float) -> tuple[float, float, float]:
    """Newcombe's interval of p1 − p0 from the two Wilson intervals (n1, n0 > 0)."""
    p1, p0 = k1 / n1, k0 / n0
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
    # diff_proportions_interval per row, its four Wilson intervals computed for all rows at once
    k1, n1 = m["k_now"].to_numpy().astype(np.int64), m["n_now"].to_numpy().astype(np.int64)
    k0, n0 = m["k_before"].to_numpy().astype(np.int64), m["n_before"].to_numpy().astype(np.int64)
    l1, u1 = wilson_intervals(k1, n1, level)
    l0, u0 = wilson_intervals(k0, n0, level)
    nan3 = (float("nan"), float("nan"), float("nan"))
    res = [
        _newcombe(int(a), int(b), int(c), int(d), float(e), float(f), float(g), float(h)) if b > 0 and d > 0 else nan3
        for a, b, c, d, e, f, g, h in zip(k1, n1, k0, n0, l1, u1, l0, u0, strict=True)
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
