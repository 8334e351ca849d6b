"""The Kaplan–Meier estimator with its exponential-Greenwood band, its medians, and the two-group
log-rank test, in numpy (right-censored data, one row per subject).

These are the numbers ``lifelines`` gives (``KaplanMeierFitter``, ``median_survival_times``,
``logrank_test``): the curve and band are computed with the same operations in the same order, so
they are equal bit for bit; the log-rank statistic agrees to rounding (tests/test_km_estimator.py
compares both with lifelines). Importing lifelines costs more than half a second of CPU, and a
notebook run needs only these few numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special as _sc

from coaching_roi.quantiles import norm_ppf


@dataclass(frozen=True)
class KMFit:
    """A Kaplan–Meier curve: at each ``time`` (every distinct duration, and 0), S(t) and its band."""

    time: np.ndarray
    survival: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    @property
    def median(self) -> float:
        """The first time with S(t) <= 0.5 (inf when the curve never gets there)."""
        return first_time_at_or_below(self.time, self.survival, 0.5)

    @property
    def median_ci(self) -> tuple[float, float]:
        """The median read off the lower and the upper band (inf where a band stays above 0.5)."""
        return (first_time_at_or_below(self.time, self.ci_low, 0.5),
                first_time_at_or_below(self.time, self.ci_high, 0.5))


def _checked(durations, events) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    if d.ndim != 1 or len(d) != len(e):
        raise ValueError("durations and events must be one-dimensional and of the same length")
    if len(d) == 0:
        raise ValueError("a Kaplan-Meier curve needs at least one subject")
    if not np.isfinite(d).all():
        raise ValueError("durations must be finite numbers (drop missing durations first)")
    return d, e


def km_fit(durations, events, *, level: float) -> KMFit:
    """Kaplan–Meier curve of ``durations`` (event observed where ``events`` is true) with a ``level`` band.

    Event table as lifelines builds it: every distinct duration plus the entry time min(0, shortest);
    at risk = n minus those removed before. S(t) = exp(cumsum(log(n_t − d_t) − log(n_t))); Greenwood's
    sum of d_t / (n_t (n_t − d_t)) (0 where everyone left dies); band exp(−exp(log(−log S) ∓ z·√var / log S)),
    1 where undefined (S = 1)."""
    d, e = _checked(durations, events)
    n = len(d)
    times, inverse = np.unique(np.concatenate([d, [min(0.0, float(d.min()))]]), return_inverse=True)
    at = inverse[:n]
    removed = np.bincount(at, minlength=len(times))
    deaths = np.bincount(at, weights=e, minlength=len(times)).astype(np.int64)
    population = n - np.concatenate([[0], np.cumsum(removed)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.cumsum(np.log(population - deaths) - np.log(population))
        pop = population.astype(float)
        var = deaths / (pop * (pop - deaths))
        var[np.isposinf(var)] = 0.0
        var = np.cumsum(var)
        survival = np.exp(log_s)
        z = norm_ppf(1 - (1 - level) / 2)
        v = np.log(survival)
        ci_low = np.exp(-np.exp(np.log(-v) - z * np.sqrt(var) / v))
        ci_high = np.exp(-np.exp(np.log(-v) + z * np.sqrt(var) / v))
    ci_low[np.isnan(ci_low)] = 1.0
    ci_high[np.isnan(ci_high)] = 1.0
    return KMFit(times, survival, ci_low, ci_high)


def first_time_at_or_below(time: np.ndarray, curve: np.ndarray, q: float) -> float:
    """The first ``time`` where ``curve`` is at or below ``q`` (inf when its last value is above ``q``)."""
    if curve[-1] > q:
        return float("inf")
    return float(time[np.searchsorted(-curve, -q)])


@dataclass(frozen=True)
class LogRankTest:
    """The log-rank chi-square statistic (1 degree of freedom) and its p-value."""

    statistic: float
    p_value: float


def logrank_two(durations_a, events_a, durations_b, events_b) -> LogRankTest:
    """Log-rank test of two right-censored samples: U = (O_a − E_a)² / V with
    E_a = Σ n_a,t d_t / n_t and V = Σ n_a,t n_b,t d_t (n_t − d_t) / (n_t² (n_t − 1)) over the distinct
    times t; p = P(χ²₁ > U). No information (V = 0) gives U = 0, p = 1."""
    da, ea = _checked(durations_a, events_a)
    db, eb = _checked(durations_b, events_b)
    times, inverse = np.unique(np.concatenate([da, db]), return_inverse=True)
    ia, ib = inverse[:len(da)], inverse[len(da):]
    k = len(times)
    rem_a, rem_b = np.bincount(ia, minlength=k), np.bincount(ib, minlength=k)
    obs_a = np.bincount(ia, weights=ea, minlength=k)
    d_t = obs_a + np.bincount(ib, weights=eb, minlength=k)
    n_a = len(da) - np.concatenate([[0], np.cumsum(rem_a)[:-1]]).astype(float)
    n_b = len(db) - np.concatenate([[0], np.cumsum(rem_b)[:-1]]).astype(float)
    n_t = n_a + n_b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (n_t - d_t) / (n_t - 1)
    ratio[~np.isfinite(ratio)] = 1.0  # one at risk: no variance from that time
    z = float(obs_a.sum() - (n_a * d_t / n_t).sum())
    v = float((n_a * n_b * ratio * d_t / n_t**2).sum())
    u = z * z / v if v > 0 else 0.0
    return LogRankTest(u, float(_sc.chdtrc(1, u)))
