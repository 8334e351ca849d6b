"""The batch intervals give the one-group functions' bits (stats.wilson_interval, stats.welch_interval)."""

from __future__ import annotations

import numpy as np

from coaching_roi import stats
from coaching_roi.batch_intervals import welch_intervals, wilson_intervals


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or (a == b and np.signbit(a) == np.signbit(b))


def test_wilson_intervals_equal_the_one_group_function():
    rng = np.random.default_rng(11)
    n = np.concatenate([[0, 0, 1, 1, 2, 5, 30, 1000], rng.integers(0, 5000, 400)])
    k = np.array([min(int(v), int(m)) for v, m in zip(rng.integers(0, 5000, len(n)), n, strict=True)])
    k[:8] = [0, 0, 0, 1, 2, 0, 30, 517]
    for level in (0.95, 0.9, 1 - 0.05 / 6):
        lo, hi = wilson_intervals(k, n, level)
        for i in range(len(n)):
            want = stats.wilson_interval(int(k[i]), int(n[i]), level)
            assert _same(lo[i], want[0]) and _same(hi[i], want[1]), (k[i], n[i], level)
    lo, hi = wilson_intervals([], [], 0.95)
    assert len(lo) == 0 and len(hi) == 0


def test_welch_intervals_equal_the_one_group_function():
    rng = np.random.default_rng(5)
    pairs = [
        (np.array([]), np.array([1.0, 2.0])),
        (np.array([3.0]), np.array([1.0, 2.0])),
        (np.array([3.0, 3.0, 3.0]), np.array([1.0, 1.0])),  # zero standard error
        (np.array([3.0, 4.0, np.nan, np.inf]), np.array([1.0, 2.5, 2.0])),  # non-finite values dropped
        (np.array([5.0, 5.0, 5.0]), np.array([1.0, 2.0, 4.0])),  # one side constant
    ]
    for _ in range(600):
        n1, n0 = rng.integers(2, 60, 2)
        scale = rng.choice([0.01, 1.0, 3.7, 1000.0])
        pairs.append((np.round(rng.normal(5, scale, n1), int(rng.integers(0, 4))), rng.normal(5.2, scale, n0)))
    for level in (0.95, 0.8):
        d, lo, hi = welch_intervals(pairs, level)
        for i, (x1, x0) in enumerate(pairs):
            want = stats.welch_interval(x1, x0, level)
            assert _same(d[i], want[0]) and _same(lo[i], want[1]) and _same(hi[i], want[2]), (i, level)
    assert all(len(a) == 0 for a in welch_intervals([], 0.95))
