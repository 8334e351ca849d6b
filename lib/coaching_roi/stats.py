"""Small statistical building blocks shared by the notebooks: intervals, rep-level bootstrap, formatting.

Every function that samples takes ``seed``; the same inputs give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coaching_roi import bootstrap as _boot

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Interval:
    """A point estimate with its interval and the n behind it."""

    value: float
    ci_low: float
    ci_high: float
    n: int

    def covers(self, x: float) -> bool:
        return bool(self.ci_low <= x <= self.ci_high)


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n; (nan, nan) when n == 0.

    statsmodels' ``proportion_confint(method="wilson")`` step for step, the same bits (tests/test_intervals.py),
    without importing statsmodels: one group of :func:`coaching_roi.batch_intervals.wilson_intervals`.
    """
    from coaching_roi.batch_intervals import wilson_intervals

    lo, hi = wilson_intervals([k], [n], level)
    return (float(lo[0]), float(hi[0]))


def welch_interval(x1, x0, level: float = 0.95, *, centre: float | None = None) -> tuple[float, float, float]:
    """Welch difference of means mean(x1) − mean(x0) with its t interval (Satterthwaite df): (d, lo, hi).

    Non-finite values are dropped; NaN bounds when either side has fewer than two values; a zero
    standard error gives the point as both bounds. ``centre`` replaces the point the interval is
    built around (e.g. a call-weighted difference whose spread is read off weekly means).
    """
    x1 = np.asarray(x1, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    x1, x0 = x1[np.isfinite(x1)], x0[np.isfinite(x0)]
    d = float(x1.mean() - x0.mean()) if len(x1) and len(x0) else float("nan")
    d = d if centre is None else float(centre)
    if len(x1) < 2 or len(x0) < 2:
        return (d, float("nan"), float("nan"))
    from scipy.special import stdtrit

    from coaching_roi.batch_intervals import welch_se_dof

    se, dof = welch_se_dof(x1, x0)  # statsmodels' CompareMeans arithmetic, without importing it
    if se == 0:
        return (d, d, d)
    q = float(stdtrit(dof, 0.5 + level / 2))  # scipy.stats.t.ppf
    return (d, d - q * se, d + q * se)


def bootstrap_by_group(
    df: pd.DataFrame,
    group_col: str,
    statistic: Callable[[pd.DataFrame], float],
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[Interval, np.ndarray]:
    """Percentile bootstrap of a statistic on a frame that resamples whole groups (e.g. reps), not rows.

    A resampled group that appears twice contributes its rows twice (it is relabelled so the
    statistic sees two distinct groups). Returns the interval (rule: :func:`bootstrap.percentile`)
    and the draws (nan where the statistic could not be computed on a resample). Slow (one frame per
    draw): a reference for the array versions.
    """
    import pandas as pd

    codes, groups = pd.factorize(df[group_col])
    n = len(groups)
    point = float(statistic(df))
    if n < 2:
        return Interval(point, float("nan"), float("nan"), n), np.array([])
    picks = _boot.resample(n, n_boot, np.random.default_rng(seed))
    sizes = np.bincount(codes, minlength=n)
    draws = np.full(n_boot, np.nan)
    for i, rows in enumerate(_boot.iter_cluster_rows(codes, picks)):
        labels = [f"{groups[g]}#{j}" for j, g in enumerate(picks[i]) for _ in range(sizes[g])]
        try:
            draws[i] = statistic(df.iloc[rows].assign(**{group_col: labels}).reset_index(drop=True))
        except (ValueError, ZeroDivisionError):
            draws[i] = np.nan
    pct = _boot.percentile(draws, level)
    return Interval(point, pct.low, pct.high, n), draws


def fmt_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """Format a number for a person: fractions as %, points, days, weeks, dollars, ratios, AUC."""
    if value is None or not np.isfinite(value):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    if unit == "fraction":
        return f"{sign}{value * 100:.0f}%"
    if unit == "pp":
        return f"{sign}{value * 100:.0f} pp"
    if unit == "points":
        return f"{sign}{value:.1f} points"
    if unit == "days":
        return f"{sign}{value:.0f} days"
    if unit == "weeks":
        return f"{sign}{value:.1f} weeks"
    if unit == "usd":
        a = abs(value)
        s = "-" if value < 0 else sign
        if a >= 1e6:
            return f"{s}${a / 1e6:.1f}M"
        if a >= 1e3:
            return f"{s}${a / 1e3:.0f}K"
        return f"{s}${a:.0f}"
    if unit == "ratio":
        return f"{sign}{value:.2f}×"
    if unit == "auc":
        return f"{value:.2f}"
    return f"{sign}{value:.3g}"


def fmt_interval(lo: float | None, hi: float | None, unit: str) -> str:
    """Format an interval, e.g. '<level> CI 4 pp to 22 pp'."""
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return "interval not available"
    return f"{fmt_value(lo, unit)} to {fmt_value(hi, unit)}"
