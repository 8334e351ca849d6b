"""survival.km_estimator against lifelines: the same curve, band and medians bit for bit, and the
same log-rank test to rounding, on censored samples with ties, whole-day and fractional durations."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import median_survival_times

from coaching_roi import survival
from coaching_roi.survival.km_estimator import km_fit, logrank_two


def _samples(seed: int, n_cases: int):
    rng = np.random.default_rng(seed)
    for i in range(n_cases):
        n = int(rng.integers(1, 60))
        whole = i % 2 == 0  # whole days (many ties) or fractional weeks
        d = rng.integers(0, 40, n).astype(float) if whole else np.round(rng.exponential(12, n), 3)
        e = rng.random(n) < [0.0, 0.3, 0.7, 1.0][i % 4]
        yield d, e


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_km_fit_equals_lifelines_bit_for_bit(level):
    for d, e in _samples(1, 120):
        kmf = KaplanMeierFitter(alpha=1 - level).fit(pd.Series(d), pd.Series(e))
        fit = km_fit(d, e, level=level)
        ci = kmf.confidence_interval_
        np.testing.assert_array_equal(fit.time, kmf.survival_function_.index.to_numpy(float))
        np.testing.assert_array_equal(fit.survival, kmf.survival_function_.iloc[:, 0].to_numpy(float))
        np.testing.assert_array_equal(fit.ci_low, ci.iloc[:, 0].to_numpy(float))
        np.testing.assert_array_equal(fit.ci_high, ci.iloc[:, 1].to_numpy(float))
        med_ci = median_survival_times(ci)
        assert fit.median == float(kmf.median_survival_time_)
        assert fit.median_ci == (float(med_ci.iloc[0, 0]), float(med_ci.iloc[0, 1]))


def test_km_fit_rejects_missing_durations():
    with pytest.raises(ValueError, match="finite"):
        km_fit(np.array([1.0, np.nan]), np.array([True, False]), level=0.95)


def test_logrank_two_matches_lifelines():
    """Statistic and p-value to 1e-10 relative: lifelines sums with pandas and inverts V with pinv, so
    only the last bits can move; the workbook prints the p-value with two decimals."""
    rng = np.random.default_rng(2)
    for i in range(80):
        na, nb = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        whole = i % 2 == 0
        draw = (lambda n, s: rng.integers(0, 30, n).astype(float)) if whole else (lambda n, s: rng.exponential(s, n))
        da, db = draw(na, 10), draw(nb, 14)
        ea, eb = rng.random(na) < 0.7, rng.random(nb) < [0.0, 0.6][i % 2 if i % 5 else 0]
        ref = logrank_test(da, db, ea, eb)
        got = logrank_two(da, ea, db, eb)
        assert got.statistic == pytest.approx(float(ref.test_statistic), rel=1e-10, abs=1e-12)
        assert got.p_value == pytest.approx(float(ref.p_value), rel=1e-10, abs=1e-12)


def test_km_table_curves_and_logrank_of_a_frame():
    """S(a) = 0.8, 0.6, 0.3 at weeks 3, 5, 8 (one censored at 5); S(b) = 0.8, 0.6, 0.3 at 2, 4, 12."""
    df = pd.DataFrame({"weeks": [3.0, 5.0, 5.0, 8.0, 10.0, 2.0, 4.0, 9.0, 12.0, 13.0],
                       "hit": [True, True, False, True, True, True, True, False, True, True],
                       "program": ["a"] * 5 + ["b"] * 5})
    tab = survival.km_table(df, "weeks", "hit", "program")
    assert tab["median"].tolist() == [8.0, 12.0]
    assert tab[["n", "n_events", "n_censored"]].to_numpy().tolist() == [[5, 4, 1], [5, 4, 1]]
    cur = survival.km_curves(df, "weeks", "hit", "program")
    a = cur.loc[cur["program"] == "a"]
    assert a["time"].tolist() == [0.0, 3.0, 5.0, 8.0, 10.0]
    np.testing.assert_allclose(a["survival"], [1.0, 0.8, 0.6, 0.3, 0.0], atol=1e-12)
    lr = survival.logrank(df, "weeks", "hit", "program", "a", "b")
    ref = logrank_test(df["weeks"][:5], df["weeks"][5:], df["hit"][:5], df["hit"][5:])
    assert lr.p_value == pytest.approx(float(ref.p_value), rel=1e-10)
    assert 0 < lr.p_value < 1 and lr.n == 10


def test_notebook_imports_skip_lifelines_pandera_and_scipy_stats():
    """Notebooks 03 and 04 import neither lifelines nor pandera nor scipy.stats (a warm kernel pays
    every import whether the run needs it or not)."""
    code = """
import sys
from coaching_roi import artifacts, cohort_report, effects, estimate_ids, exports, findings, nbsupport, plan, survival
from coaching_roi.plots import cohorts, effects as effplots, funnel
heavy = [m for m in ("lifelines", "pandera", "scipy.stats") if m in sys.modules]
assert not heavy, heavy
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert res.returncode == 0, res.stderr[-2000:]
