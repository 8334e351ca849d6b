"""The one Wilson and the one Welch interval (stats.wilson_interval, stats.welch_interval)."""

import numpy as np
from scipy import stats as st

from coaching_roi.stats import welch_interval, wilson_interval


def test_wilson_matches_the_textbook_formula():
    k, n, level = 17, 40, 0.9
    z = st.norm.ppf(0.95)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    lo, hi = wilson_interval(k, n, level)
    assert np.isclose(lo, centre - half) and np.isclose(hi, centre + half)
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(5, 5)[1] == 1.0
    assert all(np.isnan(wilson_interval(0, 0)))


def test_welch_matches_scipy_and_handles_thin_sides():
    rng = np.random.default_rng(2)
    x1, x0 = rng.normal(1.0, 1.0, 9), rng.normal(0.0, 3.0, 14)
    d, lo, hi = welch_interval(x1, x0, 0.8)
    ref = st.ttest_ind(x1, x0, equal_var=False).confidence_interval(0.8)
    assert np.isclose(d, x1.mean() - x0.mean())
    assert np.isclose(lo, ref.low) and np.isclose(hi, ref.high)
    d1, lo1, hi1 = welch_interval(np.append(x1, np.nan), x0, 0.8)  # non-finite values are dropped
    assert np.isclose(lo1, lo) and np.isclose(hi1, hi)
    d2, lo2, hi2 = welch_interval(x1, x0, 0.8, centre=0.5)  # same width around another centre
    assert d2 == 0.5 and np.isclose(hi2 - lo2, hi - lo) and np.isclose(lo2 + hi2, 1.0)
    thin = welch_interval([1.0], x0)
    assert np.isclose(thin[0], 1.0 - x0.mean()) and np.isnan(thin[1]) and np.isnan(thin[2])
    assert welch_interval([2.0, 2.0], [1.0, 1.0]) == (1.0, 1.0, 1.0)
