"""Wilson and Welch intervals for many groups in one call, with the same bits as the one-group functions.

:func:`wilson_intervals` is statsmodels' Wilson closed form over arrays of counts (``stats.wilson_interval``
is its one-group case). :func:`welch_intervals` is
:func:`coaching_roi.stats.welch_interval` over a list of sample pairs: each pair's sums are the ones
statsmodels' ``CompareMeans(DescrStatsW, DescrStatsW)`` computes (same operations, same order, so the
same floating-point results), without building its objects, and the t quantiles of all pairs come
from one call of ``scipy.special.stdtrit`` (what ``scipy.stats.t.ppf`` evaluates). Tests compare both
with the one-group functions bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NAN = float("nan")


def wilson_intervals(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals of ``k / n`` elementwise; (nan, nan) where ``n <= 0``: statsmodels' closed form
    (``proportion_confint(method="wilson")``), the same floating-point operations, without importing it."""
    from scipy.special import ndtri

    k = np.asarray(k, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    lo = np.full(k.shape, np.nan)
    hi = np.full(k.shape, np.nan)
    ok = n > 0
    if ok.any():
        nobs = n[ok].astype(float)
        q_ = k[ok] / nobs
        crit = -float(ndtri((1 - level) / 2.0))
        crit2 = crit**2
        denom = 1 + crit2 / nobs
        center = (q_ + crit2 / (2 * nobs)) / denom
        dist = crit * np.sqrt(q_ * (1.0 - q_) / nobs + crit2 / (4.0 * nobs**2))
        dist /= denom
        lo_ok, hi_ok = center - dist, center + dist
        lo[ok] = np.where(lo_ok > 0.0, lo_ok, 0.0)  # Python's max(0.0, lo) and min(1.0, hi), signed zeros included
        hi[ok] = np.where(hi_ok < 1.0, hi_ok, 1.0)
    return lo, hi


def _var0(x: np.ndarray) -> tuple[np.float64, np.float64]:
    """(variance with ddof 0, n) as ``DescrStatsW(x)._var`` and ``.nobs`` compute them."""
    w = np.ones(x.shape[0])
    nobs = w.sum(0)
    mean = np.dot(x.T, w) / nobs
    return np.dot(((x - mean) ** 2).T, w) / nobs, nobs


def welch_se_dof(x1: np.ndarray, x0: np.ndarray) -> tuple[float, float]:
    """Standard error of mean(x1) − mean(x0) with separate variances, and its Satterthwaite degrees of
    freedom (NaN when the error is 0), as statsmodels' ``CompareMeans.std_meandiff_separatevar`` and
    ``dof_satt`` compute them. ``x1``, ``x0``: finite values, at least two each."""
    v1, n1 = _var0(x1)
    v0, n0 = _var0(x0)
    se = float(np.sqrt(v1 / (n1 - 1) + v0 / (n0 - 1)))
    if se == 0:
        return se, NAN
    sem1, sem2 = v1 / (n1 - 1), v0 / (n0 - 1)
    semsum = sem1 + sem2
    z1 = (sem1 / semsum) ** 2 / (n1 - 1)
    z2 = (sem2 / semsum) ** 2 / (n0 - 1)
    return se, float(1.0 / (z1 + z2))


def welch_intervals(
    pairs: Sequence[tuple[np.ndarray, np.ndarray]], level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`coaching_roi.stats.welch_interval` for each ``(x1, x0)`` pair: arrays (d, lo, hi).

    Non-finite values are dropped; NaN bounds when either side has fewer than two values; a zero
    standard error gives the point as both bounds.
    """
    m = len(pairs)
    d = np.full(m, np.nan)
    se = np.full(m, np.nan)
    dof = np.full(m, np.nan)
    for i, (x1, x0) in enumerate(pairs):
        x1 = np.asarray(x1, dtype=float)
        x0 = np.asarray(x0, dtype=float)
        x1, x0 = x1[np.isfinite(x1)], x0[np.isfinite(x0)]
        d[i] = float(x1.mean() - x0.mean()) if len(x1) and len(x0) else NAN
        if len(x1) < 2 or len(x0) < 2:
            continue
        se[i], dof[i] = welch_se_dof(x1, x0)
    lo, hi = np.full(m, np.nan), np.full(m, np.nan)
    zero = se == 0
    lo[zero], hi[zero] = d[zero], d[zero]
    pos = np.isfinite(se) & ~zero
    if pos.any():
        from scipy.special import stdtrit

        q = stdtrit(dof[pos], 0.5 + level / 2)
        lo[pos] = d[pos] - q * se[pos]
        hi[pos] = d[pos] + q * se[pos]
    return d, lo, hi
