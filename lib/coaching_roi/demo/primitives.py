"""Small helpers of the demo generator: seeded random streams, logit/expit, business days, date formatting."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), stream]))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _weekday_shift(days: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    """Move day offsets (from ``start``) that fall on a weekend to the next Monday."""
    dow = (start.day_of_week + days) % 7
    return days + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def _business_days(start: pd.Timestamp, n_days: int) -> np.ndarray:
    d = np.arange(n_days)
    return d[((start.day_of_week + d) % 7) < 5]


def _dates(start: pd.Timestamp, days: np.ndarray) -> pd.Series:
    """Day offsets (float or int, NaN allowed) -> datetime64 Series."""
    days = np.asarray(days, dtype=float)
    return pd.Series(start + pd.to_timedelta(days, unit="D"))


def _fmt_date(s: pd.Series) -> pd.Series:
    out = s.dt.strftime("%Y-%m-%d")
    return out.where(s.notna(), None)


def _work_minute(r: np.random.Generator, n: int) -> np.ndarray:
    """Minutes after midnight of a call start: 08:00-17:30 in 5-minute steps."""
    return (480 + 5 * r.integers(0, 115, n)).astype(float)


def _ramp_fraction_mean(t0: float, t1: float, ramp_days: float, n: int = 2000) -> float:
    """Mean of min(t / ramp_days, 1) over t uniform in [t0, t1) (t in days)."""
    t = t0 + (np.arange(n) + 0.5) * (t1 - t0) / n
    return float(np.clip(t / ramp_days, 0.0, 1.0).mean())


def _round(x: float, nd: int = 6) -> float:
    return float(round(float(x), nd))
