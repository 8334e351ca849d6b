"""Cluster-robust least squares for layer 2 (coaching_roi.effects.clustered)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from coaching_roi.effects.clustered import ols_cluster


def _data(seed: int, n_clusters: int = 20, n: int = 300):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, n_clusters, n)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, 2.0, 3.0]) + rng.normal(size=n) + rng.normal(size=n_clusters)[g]
    return y, X, g


def test_cr1_equals_statsmodels_cluster_covariance():
    y, X, g = _data(1)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g})
    beta, cov = ols_cluster(y, X, g, kind="CR1")
    assert np.allclose(beta, ref.params) and np.allclose(cov, ref.cov_params())


def test_cr2_inflates_the_few_high_leverage_clusters():
    """A treated x post regressor (demeaned within rep, as the fixed effects do) lives on 3 treated reps
    only: their rows carry high leverage, so CR1's variance is biased down and CR2's is larger; a
    regressor spread over every rep barely moves."""
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(30), 10)
    post = np.tile(np.arange(10) >= 5, 30).astype(float)
    z = (g < 3) * post
    x = rng.normal(size=len(g))
    X = np.column_stack([z, x])
    X = X - np.array([np.bincount(g, X[:, j]) / np.bincount(g) for j in range(2)]).T[g]  # rep fixed effects
    y = 0.5 * X[:, 0] + X[:, 1] + rng.normal(size=len(g))
    _, cr1 = ols_cluster(y, X, g, kind="CR1")
    _, cr2 = ols_cluster(y, X, g, kind="CR2")
    assert cr2[0, 0] > 1.2 * cr1[0, 0]
    assert cr2[1, 1] == pytest.approx(cr1[1, 1], rel=0.15)


def test_cr2_is_unbiased_under_homoskedastic_errors():
    """With independent homoskedastic errors CR2's mean equals the true variance (its defining property)."""
    rng = np.random.default_rng(5)
    g = np.repeat(np.arange(12), 6)
    X = np.column_stack([(g < 3).astype(float), rng.normal(size=len(g))])
    true_var = np.linalg.inv(X.T @ X)[0, 0]
    draws = [ols_cluster(X @ [1.0, 1.0] + rng.normal(size=len(g)), X, g)[1][0, 0] for _ in range(400)]
    assert np.mean(draws) == pytest.approx(true_var, rel=0.12)


def test_unknown_kind_is_an_error():
    y, X, g = _data(2)
    with pytest.raises(ValueError):
        ols_cluster(y, X, g, kind="CR9")
