"""The shared bootstrap: index stream, cluster expansion, the one "enough finite draws" rule."""

import numpy as np
import pandas as pd
import pytest

from coaching_roi import bootstrap
from coaching_roi.stats import bootstrap_by_group


def test_resample_matches_row_by_row_stream():
    a = bootstrap.resample(7, 5, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    b = np.stack([rng.integers(0, 7, 7) for _ in range(5)])
    assert a.shape == (5, 7)
    assert (a == b).all()


def test_resample_blocks_and_sums_use_the_same_draws_in_bounded_blocks():
    whole = bootstrap.resample(13, 50, np.random.default_rng(4))
    blocks = list(bootstrap.resample_blocks(13, 50, np.random.default_rng(4), max_cells=13 * 7))
    assert [len(b) for b in blocks] == [7] * 7 + [1]
    assert (np.vstack(blocks) == whole).all()
    x = np.random.default_rng(5).normal(size=(13, 3))
    sums = bootstrap.resampled_sums(x, 50, np.random.default_rng(4), max_cells=13 * 7)
    np.testing.assert_allclose(sums, x[whole].sum(axis=1), rtol=1e-12, atol=1e-12)


def test_cluster_rows_brings_every_row_of_each_drawn_group():
    codes = np.array([1, 0, 1, 2, 1])  # group 1 has rows 0, 2, 4
    picks = np.array([[1, 1, 2], [0, 2, 0]])
    rows = bootstrap.cluster_rows(codes, picks)
    assert rows[0].tolist() == [0, 2, 4, 0, 2, 4, 3]
    assert rows[1].tolist() == [1, 3, 1]


def test_iter_cluster_rows_equals_cluster_rows_in_small_blocks():
    codes = np.array([1, 0, 1, 2, 1, 2])
    picks = bootstrap.resample(3, 11, np.random.default_rng(2))
    whole = bootstrap.cluster_rows(codes, picks)
    blocks = list(bootstrap.iter_cluster_rows(codes, picks, max_cells=12))  # two resamples per block
    assert len(blocks) == 11 and all((a == b).all() for a, b in zip(whole, blocks, strict=True))


def test_percentile_rule_needs_half_the_draws_finite():
    assert bootstrap.MIN_FINITE_SHARE == 0.5
    draws = np.arange(100, dtype=float)
    ok = bootstrap.percentile(draws, 0.9)
    assert ok.reason is None and ok.n_finite == 100
    assert np.isclose(ok.low, np.quantile(draws, 0.05)) and np.isclose(ok.high, np.quantile(draws, 0.95))
    draws[:50] = np.nan  # exactly half finite: still an interval, from the finite draws only
    half = bootstrap.percentile(draws, 0.9)
    assert half.reason is None and np.isclose(half.low, np.quantile(np.arange(50, 100), 0.05))
    draws[50] = np.nan  # 49%: no interval, with the reason
    bad = bootstrap.percentile(draws, 0.9)
    assert np.isnan(bad.low) and np.isnan(bad.high)
    assert "49 of 100" in bad.reason
    assert bootstrap.percentile(np.array([]), 0.9).reason is not None


def test_cluster_bootstrap_equals_the_frame_version():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"rep_id": rng.choice(list("abcdefgh"), 60), "x": rng.normal(size=60)})
    codes, _ = pd.factorize(df["rep_id"])
    x = df["x"].to_numpy()
    pct, draws = bootstrap.cluster_bootstrap(codes, lambda r: x[r].mean(), n_boot=300, seed=4, level=0.9)
    slow, slow_draws = bootstrap_by_group(df, "rep_id", lambda d: d["x"].mean(), n_boot=300, seed=4, level=0.9)
    assert np.allclose(draws, slow_draws)
    assert np.isclose(pct.low, slow.ci_low) and np.isclose(pct.high, slow.ci_high)
    # the resampling unit is the rep: 8 reps give a wider interval than 60 independent rows would
    assert pct.high - pct.low > 0


def test_bootstrap_by_group_relabels_repeated_groups():
    df = pd.DataFrame({"rep_id": ["a", "a", "b"], "x": [1.0, 2.0, 3.0]})
    seen = []
    bootstrap_by_group(df, "rep_id", lambda d: seen.append(d["rep_id"].nunique()) or 0.0, n_boot=20, seed=1)
    draws_with_two = [k for k in seen[1:] if k == 2]
    assert len(draws_with_two) == len(seen) - 1  # every resample shows two distinct (relabelled) groups


def test_centred_percentile_moves_the_interval_onto_the_estimate():
    rng = np.random.default_rng(3)
    centred = rng.lognormal(0.0, 0.3, 20_000)
    est = float(np.median(centred))
    plain = bootstrap.percentile(centred, 0.95)
    same = bootstrap.centred_percentile(centred, est, 0.95)
    assert (same.low, same.high) == pytest.approx((plain.low, plain.high))
    # draws pulled 0.05 below the estimate: the interval moves up by exactly that, keeping width and skew
    moved = bootstrap.centred_percentile(centred - 0.05, est, 0.95)
    assert (moved.low, moved.high) == pytest.approx((plain.low, plain.high))
    assert est - moved.low < moved.high - est  # the right skew of the draws is kept
    # too few finite draws: no interval, as the percentile rule says
    sparse = np.where(rng.random(1000) < 0.6, np.nan, 1.0)
    assert bootstrap.centred_percentile(sparse, 1.0, 0.95).reason is not None
