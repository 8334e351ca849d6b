"""The one percentile bootstrap: resample indices (reps, or calls), expand reps to their rows, and the
one rule for "enough finite draws" before an interval is reported.

* :func:`resample` — an ``(n_boot, n)`` matrix of draws with replacement (one RNG call, so the stream is
  the same as drawing row by row); :func:`resample_blocks` gives the same draws a block of rows at a
  time, and :func:`resampled_sums` the column sums of each resample without holding all the draws.
* :func:`cluster_rows` — the row indices of every resample when whole groups (reps) are drawn;
  :func:`iter_cluster_rows` the same, a block of resamples at a time (bounded memory).
* :func:`percentile` — the percentile interval of the draws, or no interval (with the reason) when
  fewer than :data:`MIN_FINITE_SHARE` of the draws are finite.
* :func:`centred_percentile` — the percentile interval moved so the draws' median sits on the estimate,
  for a statistic whose resampling (not the estimate) is pulled one way (a median split redrawn in
  every resample).
* :func:`cluster_bootstrap` — a statistic on rows, resampled by group: draws and interval;
  :func:`resampled_group_counts` the same draws as how often each group is drawn.

Every caller passes ``seed`` (or a seeded generator); the same inputs give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MIN_FINITE_SHARE = 0.5
"""A bootstrap interval is reported only when at least this share of the draws is finite (a resample
can lack what the statistic needs, e.g. a median that is never reached); below it the resamples say
the statistic is too fragile for a percentile interval. Half, not more: the Kaplan–Meier intervals
(ramp weeks saved, deal cycle) were calibrated with it, and on teams of ~8 hires a stricter share
(80% was tried) drops intervals that cover the planted effect (tests/test_survival.py)."""


@dataclass(frozen=True)
class Percentile:
    """A percentile interval of bootstrap draws; ``reason`` says why there is none (nan bounds)."""

    low: float
    high: float
    n_finite: int
    n_draws: int
    reason: str | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


def resample(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_boot, n)`` indices drawn with replacement from ``range(n)``."""
    return rng.integers(0, n, size=(n_boot, n))


MAX_BLOCK_CELLS = 1 << 22
"""At most this many drawn indices (32 MB) are held at once by :func:`resample_blocks`."""


def resample_blocks(n: int, n_boot: int, rng: np.random.Generator, max_cells: int = MAX_BLOCK_CELLS):
    """The draws of :func:`resample` (the same stream, row for row) in blocks of rows of at most
    ``max_cells`` indices, so memory stays bounded however large ``n`` is."""
    step = max(1, max_cells // max(n, 1))
    dtype = np.int32 if max(n, step * n) < 2**31 else np.int64  # int32 draws: the same values, half the memory
    for start in range(0, n_boot, step):
        yield rng.integers(0, n, size=(min(step, n_boot - start), n), dtype=dtype)


def _draw_counts(idx: np.ndarray, n: int, dtype) -> np.ndarray:
    """How often each of ``n`` items appears in each row of drawn indices, ``(len(idx), n)``; one resample at
    a time, so its ``n`` counts stay in cache."""
    counts = np.empty((idx.shape[0], n), dtype=dtype)
    for i, row in enumerate(idx):
        counts[i] = np.bincount(row, minlength=n)
    return counts


def resampled_sums(x: np.ndarray, n_boot: int, rng: np.random.Generator, max_cells: int = MAX_BLOCK_CELLS) -> np.ndarray:
    """``(n_boot, m)`` column sums of ``x`` (``(n, m)``) over each resample of :func:`resample` (same draws):
    row ``i`` equals ``x[resample(...)[i]].sum(axis=0)`` up to rounding. Each block's draws become
    counts per row of ``x`` and one matrix product; nothing of size ``n_boot × n × m`` is built."""
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    out = []
    for idx in resample_blocks(n, n_boot, rng, max_cells):
        out.append(_draw_counts(idx, n, float) @ x)
    return np.vstack(out) if out else np.empty((0, x.shape[1]))


def enough_draws(n_finite: int, n_draws: int) -> bool:
    """THE rule: at least :data:`MIN_FINITE_SHARE` of the draws finite (and at least one draw)."""
    return n_draws > 0 and n_finite >= MIN_FINITE_SHARE * n_draws


def percentile(draws: np.ndarray, level: float) -> Percentile:
    """Central ``level`` percentile interval of the finite draws, when :func:`enough_draws` holds."""
    draws = np.asarray(draws, dtype=float)
    ok = draws[np.isfinite(draws)]
    if not enough_draws(len(ok), len(draws)):
        why = (f"only {len(ok):,} of {len(draws):,} bootstrap resamples gave a finite value "
               f"(need {MIN_FINITE_SHARE:.0%})")
        return Percentile(float("nan"), float("nan"), len(ok), len(draws), why)
    a = (1 - level) / 2
    return Percentile(float(np.quantile(ok, a)), float(np.quantile(ok, 1 - a)), len(ok), len(draws))


def centred_percentile(draws: np.ndarray, estimate: float, level: float) -> Percentile:
    """The :func:`percentile` interval moved by (estimate − median of the finite draws), so that the draws'
    centre sits on the estimate; the interval keeps the draws' spread and skew.

    For a statistic whose resampling pulls it one way while the estimate itself does not share that
    pull (a median split redrawn in every resample blurs high vs low and pulls a resampled % faster
    toward 0; the estimate, measured on planted teams, is not pulled): the plain percentile interval
    would sit off the estimate by that pull and miss the truth from one side only. Efron's BC interval
    is not used because it assumes the estimate carries the same bias as the draws and moves the interval
    by twice the pull."""
    draws = np.asarray(draws, dtype=float)
    base = percentile(draws, level)
    if base.reason is not None or not np.isfinite(estimate):
        return base
    shift = float(estimate - np.median(draws[np.isfinite(draws)]))
    return Percentile(base.low + shift, base.high + shift, base.n_finite, base.n_draws)


def percentile_columns(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`percentile` of each column of a ``(n_boot, k)`` matrix of draws (nan where the rule fails)."""
    out = [percentile(draws[:, j], level) for j in range(draws.shape[1])]
    return np.array([p.low for p in out]), np.array([p.high for p in out])


def cluster_rows(codes: np.ndarray, picks: np.ndarray) -> list[np.ndarray]:
    """Row indices of each resample: ``codes[i]`` is row i's group (0..G-1), ``picks`` the ``(n_boot, G)``
    drawn groups; a group drawn twice brings its rows twice (in the order of the picks)."""
    codes = np.asarray(codes)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=picks.shape[1])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    lens = sizes[picks]  # (n_boot, G)
    flat_len = lens.ravel()
    total = int(flat_len.sum())
    seg_start = np.repeat(np.cumsum(flat_len) - flat_len, flat_len)
    offsets = np.arange(total) - seg_start
    rows = order[np.repeat(starts[picks].ravel(), flat_len) + offsets]
    return np.split(rows, np.cumsum(lens.sum(axis=1))[:-1])


def iter_cluster_rows(codes: np.ndarray, picks: np.ndarray, max_cells: int = MAX_BLOCK_CELLS):
    """:func:`cluster_rows` one resample at a time (the same arrays), expanding at most about
    ``max_cells`` row indices at once instead of all ``n_boot`` resamples."""
    step = max(1, max_cells // max(len(codes), 1))
    for start in range(0, picks.shape[0], step):
        yield from cluster_rows(codes, picks[start:start + step])


def cluster_bootstrap(codes: np.ndarray, statistic: Callable[[np.ndarray], float], *, n_boot: int, seed: int,
                      level: float) -> tuple[Percentile, np.ndarray]:
    """Resample groups (reps) with replacement; ``statistic(rows)`` sees the row indices of one resample.

    Returns the :func:`percentile` interval and the draws (nan where the statistic failed)."""
    codes = np.asarray(codes)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    rng = np.random.default_rng(seed)
    picks = resample(n_groups, n_boot, rng)
    draws = np.full(n_boot, np.nan)
    for i, rows in enumerate(iter_cluster_rows(codes, picks)):
        try:
            draws[i] = statistic(rows)
        except (ValueError, ZeroDivisionError):
            draws[i] = np.nan
    return percentile(draws, level), draws


def resampled_group_counts(codes: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """The resamples of :func:`cluster_bootstrap` (same seed, same draws) as how often each group is drawn:
    ``(n_boot, G)`` counts; row i of the data is drawn ``counts[:, codes[i]]`` times. For a statistic of
    counts, nothing of the rows of any resample is expanded."""
    codes = np.asarray(codes)
    if len(codes) and codes.min() < 0:
        raise ValueError("group codes must be 0..G-1 (a row without a group cannot be resampled)")
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    return _draw_counts(resample(n_groups, n_boot, np.random.default_rng(seed)), n_groups, np.int64)
