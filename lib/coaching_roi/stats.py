"""Small statistical building blocks shared by the notebooks: intervals, rep-level bootstrap, formatting.

Every function that samples takes ``seed``; the same inputs give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st


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
    """Wilson score interval for a proportion k/n; (nan, nan) when n == 0."""
    if n <= 0:
        return (float("nan"), float("nan"))
    z = _st.norm.ppf(0.5 + level / 2)
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_by_group(
    df: pd.DataFrame,
    group_col: str,
    statistic: Callable[[pd.DataFrame], float],
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[Interval, np.ndarray]:
    """Percentile bootstrap that resamples whole groups (e.g. reps), not rows.

    A resampled group that appears twice contributes its rows twice (it is relabelled so the
    statistic sees two distinct groups). Returns the interval and the bootstrap draws (nan where
    the statistic could not be computed on a resample).
    """
    groups = pd.unique(df[group_col])
    n = len(groups)
    point = float(statistic(df))
    if n < 2:
        return Interval(point, float("nan"), float("nan"), n), np.array([])
    rng = np.random.default_rng(seed)
    by_group = {g: part for g, part in df.groupby(group_col, observed=True, sort=False)}
    draws = np.full(n_boot, np.nan)
    for i in range(n_boot):
        pick = rng.choice(n, size=n, replace=True)
        parts = []
        for j, gi in enumerate(pick):
            part = by_group[groups[gi]]
            parts.append(part.assign(**{group_col: f"{groups[gi]}#{j}"}))
        sample = pd.concat(parts, ignore_index=True)
        try:
            draws[i] = statistic(sample)
        except (ValueError, ZeroDivisionError):
            draws[i] = np.nan
    ok = draws[np.isfinite(draws)]
    if len(ok) < max(20, n_boot // 10):
        return Interval(point, float("nan"), float("nan"), n), draws
    alpha = (1 - level) / 2
    return Interval(point, float(np.quantile(ok, alpha)), float(np.quantile(ok, 1 - alpha)), n), draws


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
