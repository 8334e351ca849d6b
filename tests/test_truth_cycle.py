"""The planted deal-cycle link (``demo.truth_cycle``): the analytic derivative against a brute-force
simulation of the generator's own chain, and its value on generated teams per scenario."""

from __future__ import annotations

import numpy as np
import pytest

from coaching_roi import calibration, demo
from coaching_roi.demo import truth_cycle as tc
from coaching_roi.demo.constants import CYCLE_MEDIAN_DAYS, CYCLE_SIGMA, MANAGER_NOISE_SD


def _simulated_cycle(lat_k, lat_j, med_k, med_j, f_k, f_j, shift, rng, reps=40):
    """Mean cycle days, simulated as the generator does (manager noise, round, clip, median step)."""
    out = []
    for _ in range(reps):
        sk = np.clip(np.round(lat_k + shift + rng.normal(0, MANAGER_NOISE_SD, len(lat_k)), 1), 0, 10)
        sj = np.clip(np.round(lat_j + rng.normal(0, MANAGER_NOISE_SD, len(lat_j)), 1), 0, 10)
        mult = np.where(sk >= med_k, 1 - f_k, 1.0) * np.where(sj >= med_j, 1 - f_j, 1.0)
        out.append(np.maximum(np.round(CYCLE_MEDIAN_DAYS * np.exp(rng.normal(0, CYCLE_SIGMA, len(lat_k))) * mult), 3).mean())
    return float(np.mean(out))


def test_expected_cycle_days_is_the_generator_mean():
    rng = np.random.default_rng(1)
    sim = np.maximum(np.round(CYCLE_MEDIAN_DAYS * np.exp(rng.normal(0, CYCLE_SIGMA, 400_000)) * 0.8), 3).mean()
    assert tc.expected_cycle_days(0.8) == pytest.approx(sim, rel=0.005)
    assert tc.expected_cycle_days(1.0) == pytest.approx(CYCLE_MEDIAN_DAYS * np.exp(CYCLE_SIGMA ** 2 / 2), rel=0.005)


def test_p_high_steps_at_the_rounded_median_and_respects_the_scale():
    assert tc.p_high(np.array([5.0]), 5.0, scale_min=0, scale_max=10)[0] == pytest.approx(0.5 + 0.033, abs=0.01)
    assert tc.p_high(np.array([2.0]), 0.0, scale_min=0, scale_max=10)[0] == 1.0
    assert tc.p_high(np.array([9.0]), 10.5, scale_min=0, scale_max=10)[0] == 0.0


def test_days_shorter_per_point_matches_a_simulated_finite_difference():
    rng = np.random.default_rng(7)
    n = 20_000
    lat_k, lat_j = rng.normal(5.0, 1.3, n), rng.normal(5.5, 1.3, n)
    med_k, med_j, f_k, f_j = 5.0, 5.4, 0.2, 0.2
    got = tc.days_shorter_per_point({0: lat_k, 1: lat_j}, {0: med_k, 1: med_j}, {0: f_k, 1: f_j}, 0,
                                    scale_min=0, scale_max=10)
    h = 0.5  # common random numbers on both sides of the difference
    up = _simulated_cycle(lat_k, lat_j, med_k, med_j, f_k, f_j, +h, np.random.default_rng(3))
    down = _simulated_cycle(lat_k, lat_j, med_k, med_j, f_k, f_j, -h, np.random.default_rng(3))
    assert 1.5 < got < 4.0  # ~10 days high-vs-low x ~0.3 density per point
    assert got == pytest.approx((down - up) / (2 * h), rel=0.08)
    # no step, no link; a behavior off the cycle has none either
    assert tc.days_shorter_per_point({0: lat_k}, {0: med_k}, {0: 0.0}, 0, scale_min=0, scale_max=10) == 0.0
    assert tc.days_shorter_per_point({0: lat_k}, {0: med_k}, {0: f_k}, 3, scale_min=0, scale_max=10) == 0.0


@pytest.fixture(scope="module")
def truths(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("truth_cycle")
    return {sc: demo.generate(tmp / sc, seed=4, size=demo.DemoSize.small(), inject_errors=False, **kw)
            for sc, kw in calibration.SCENARIOS.items()}


def test_cycle_link_truth_per_scenario(truths):
    planted = truths["planted"]
    cyc, wr = planted["cycle_change_per_point"], planted["win_rate_change_per_point"]
    assert set(cyc) == set(wr)  # the same behaviors and the pooled entry as the win-rate link
    for b, v in cyc.items():
        if b in ("decision_process_mapping", "next_steps_specificity"):
            assert 1.0 < v < 4.0, (b, v)
        elif b != "all":
            assert v == 0.0, (b, v)
    eps = [cyc.get(e["behavior"], 0.0) for e in planted["coached_episodes"]]
    assert cyc["all"] == pytest.approx(np.mean(eps), abs=1e-5)
    for sc in ("no_effect", "no_outcome_link"):
        assert set(truths[sc]["cycle_change_per_point"]) >= {"all"}
        assert all(v == 0.0 for v in truths[sc]["cycle_change_per_point"].values()), sc
    assert "cycle_change_per_point" in planted["definitions"]
