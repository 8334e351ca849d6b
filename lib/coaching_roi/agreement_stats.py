"""The statistics of scorer agreement, in numpy alone: quadratic-weighted kappa, ICC(A,1), the mean
difference, and their bootstrap intervals per behavior (:func:`agreement_rows`).

numpy alone, so that :mod:`coaching_roi.background` can run :func:`agreement_rows` in a second process
that starts in a fraction of a second; :mod:`coaching_roi.scoring.agreement` builds its tables and
sentences on top.
"""

from __future__ import annotations

import numpy as np

from coaching_roi import bootstrap

STATISTICS = ("kappa", "kappa_low", "kappa_high", "icc", "icc_low", "icc_high", "mean_diff", "diff_low", "diff_high")


def quadratic_kappa(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Quadratic-weighted Cohen's kappa of integer ratings, vectorised over leading axes.

    Equal to ``sklearn.metrics.cohen_kappa_score(a, b, weights="quadratic")`` on consecutive integer
    labels: 1 − mean((a−b)²) / (var(a) + var(b) + (mean(a) − mean(b))²), population variances.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    num = ((a - b) ** 2).mean(axis=-1)
    den = a.var(axis=-1) + b.var(axis=-1) + (a.mean(axis=-1) - b.mean(axis=-1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 1 - num / den, np.nan)


def icc_a1(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ICC(A,1) — two-way random effects, absolute agreement, single rater (k = 2), vectorised."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = a.shape[-1]
    x = np.stack([a, b], axis=-1)  # (..., n, 2)
    gm = x.mean(axis=(-2, -1), keepdims=True)
    rows = x.mean(axis=-1, keepdims=True)
    cols = x.mean(axis=-2, keepdims=True)
    ssr = 2 * ((rows - gm) ** 2).sum(axis=(-2, -1))
    ssc = n * ((cols - gm) ** 2).sum(axis=(-2, -1))
    sst = ((x - gm) ** 2).sum(axis=(-2, -1))
    sse = sst - ssr - ssc
    msr, msc, mse = ssr / (n - 1), ssc / 1, sse / (n - 1)
    den = msr + mse + 2 * (msc - mse) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (msr - mse) / den, np.nan)


_DEGENERATE = 1e-10  # a denominator below this share of the second moments is zero (no variation at all)


def bootstrap_draws(ra: np.ndarray, rb: np.ndarray, raw_a: np.ndarray, raw_b: np.ndarray, n_boot: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap draws of :func:`quadratic_kappa` (of ``ra, rb``), :func:`icc_a1` (of ``raw_a, raw_b``) and
    the mean of ``raw_b − raw_a``, resampling calls with :func:`bootstrap.resample`'s draws.

    All three are functions of sums (means, squares, cross products), so each resample needs only its
    column sums (:func:`bootstrap.resampled_sums`): memory stays bounded by a block of draws, not
    ``n_boot × n_calls`` per statistic. Values are centred first (the statistics do not depend on a
    shift) so the sums lose no precision; they equal the direct computation up to rounding (~1e-12).
    """
    n = len(ra)
    cr, c = np.mean(np.r_[ra, rb]), np.mean(np.r_[raw_a, raw_b])
    a, b, x, y = ra - cr, rb - cr, raw_a - c, raw_b - c
    cols = np.column_stack([a, b, a * a, b * b, (ra - rb) ** 2, x, y, x * x, y * y, x * y, raw_b - raw_a])
    s = bootstrap.resampled_sums(cols, n_boot, rng) / n
    ma, mb, va, vb = s[:, 0], s[:, 1], s[:, 2] - s[:, 0] ** 2, s[:, 3] - s[:, 1] ** 2
    den_k = va + vb + (ma - mb) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(den_k > _DEGENERATE * (1 + s[:, 2] + s[:, 3]), 1 - s[:, 4] / den_k, np.nan)
        mx, my = s[:, 5], s[:, 6]
        gm = (mx + my) / 2
        ssr = 2 * n * ((s[:, 7] + 2 * s[:, 9] + s[:, 8]) / 4 - gm**2)
        ssc = n * ((mx - gm) ** 2 + (my - gm) ** 2)
        sse = n * (s[:, 7] + s[:, 8] - 2 * gm**2) - ssr - ssc
        msr, mse = ssr / (n - 1), sse / (n - 1)
        den_i = msr + mse + 2 * (ssc - mse) / n
        icc = np.where(den_i > _DEGENERATE * (1 + s[:, 7] + s[:, 8]), (msr - mse) / den_i, np.nan)
    return kappa, icc, s[:, 10]


def agreement_rows(groups: list[tuple[str, np.ndarray, np.ndarray]], *, scale_min: float, scale_max: float,
                   n_boot: int, seed: int, level: float) -> list[dict]:
    """One row per behavior of ``groups`` (``behavior, scores_a, scores_b``, in the order given): ``behavior,
    n_calls`` and :data:`STATISTICS`. Kappa is on scores rounded to whole points and clipped to the scale,
    ICC(A,1) and the mean difference ``b − a`` on the raw scores; intervals are percentile bootstraps
    resampling calls, every behavior drawing from one random stream seeded with ``seed`` in turn (a
    behavior with fewer than 2 calls draws nothing and has no values)."""
    rng = np.random.default_rng(seed)
    rows = []
    for beh, raw_a, raw_b in groups:
        n = len(raw_a)
        row = {"behavior": beh, "n_calls": n}
        if n < 2:
            rows.append(row | dict.fromkeys(STATISTICS, np.nan))
            continue
        raw_a, raw_b = np.asarray(raw_a, dtype=float), np.asarray(raw_b, dtype=float)
        ra = np.clip(np.rint(raw_a), scale_min, scale_max)
        rb = np.clip(np.rint(raw_b), scale_min, scale_max)
        row |= {"kappa": float(quadratic_kappa(ra, rb)), "icc": float(icc_a1(raw_a, raw_b)),
                "mean_diff": float((raw_b - raw_a).mean())}
        kappa_d, icc_d, diff_d = bootstrap_draws(ra, rb, raw_a, raw_b, n_boot, rng)
        row["kappa_low"], row["kappa_high"] = bootstrap.percentile(kappa_d, level).bounds
        row["icc_low"], row["icc_high"] = bootstrap.percentile(icc_d, level).bounds
        row["diff_low"], row["diff_high"] = bootstrap.percentile(diff_d, level).bounds
        rows.append(row)
    return rows
