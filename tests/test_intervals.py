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


def test_wilson_is_statsmodels_bit_for_bit():
    """The closed form replaced statsmodels' proportion_confint: every bound must be the same float."""
    from statsmodels.stats.proportion import proportion_confint

    for level in (0.5, 0.8, 0.9, 0.95, 0.99):
        for n in [*range(1, 60), 997, 12345]:
            for k in range(0, n + 1, max(1, n // 40)):
                lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
                assert wilson_interval(k, n, level) == (max(0.0, float(lo)), min(1.0, float(hi))), (k, n, level)


def test_quantiles_are_scipy_stats_bit_for_bit():
    from scipy import stats

    from coaching_roi.quantiles import norm_ppf, t_ppf, t_sf

    for p in (0.6, 0.8, 0.9, 0.95, 0.975, 0.995):
        assert norm_ppf(p) == float(stats.norm.ppf(p))
        for df in (1, 2, 2.5, 7, 30.25, 1e6):
            assert t_ppf(p, df) == float(stats.t.ppf(p, df))
    for x in (0.0, 0.3, 1.7, 4.2, 25.0):
        for df in (1, 3.5, 40):
            assert t_sf(x, df) == float(stats.t.sf(x, df))


def test_welch_is_statsmodels_and_scipy_bit_for_bit():
    """welch_interval no longer imports statsmodels: its bounds must be the same floats as CompareMeans'."""
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(11)
    for level in (0.8, 0.9, 0.95):
        for n1, n0 in ((2, 2), (3, 9), (17, 5), (120, 400)):
            x1, x0 = rng.normal(0.3, 1.7, n1), rng.normal(0.0, 0.6, n0)
            cm = CompareMeans(DescrStatsW(x1), DescrStatsW(x0))
            se = float(cm.std_meandiff_separatevar)
            q = float(st.t.ppf(0.5 + level / 2, cm.dof_satt()))
            d = float(x1.mean() - x0.mean())
            assert welch_interval(x1, x0, level) == (d, d - q * se, d + q * se)
            assert welch_interval(x1, x0, level, centre=0.25) == (0.25, 0.25 - q * se, 0.25 + q * se)
    assert welch_interval([1.0, 1.0], [2.0, 2.0]) == (-1.0, -1.0, -1.0)  # zero standard error
