"""Money formulas on hand numbers: ramp value, upside, realized value (coached reps' measured change), ROI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coaching_roi import money
from coaching_roi.money import realized as rv
from coaching_roi.stats import Interval


def test_ramp_value_hand_numbers():
    # 8 hires x 5 weeks x (52,000 monthly ARR x 12 / 52 = 12,000 weekly) = 480,000
    assert money.ramp_value(8, 5, 52_000) == pytest.approx(480_000)


def test_throughput_gain_and_upside_value():
    # low-scoring half of deals 20% faster -> average cycle 10% shorter -> 1/0.9 - 1 = 11.1% more throughput
    assert money.throughput_gain(0.2, 0.5) == pytest.approx(1 / 0.9 - 1)
    assert money.throughput_gain(0.0) == 0
    assert money.upside_value(30, 50_000, 0.2, 0.5) == pytest.approx(30 * 600_000 * (1 / 0.9 - 1))


def test_roi_and_bcr():
    # benefits 1M x 0.5 x 0.8 = 400K adjusted; cost 200K -> ROI 100%, BCR 2.0
    assert money.roi(1_000_000, 200_000, 0.5, 0.8) == pytest.approx(1.0)
    assert money.benefit_cost_ratio(1_000_000, 200_000, 0.5, 0.8) == pytest.approx(2.0)
    assert money.roi(0, 200_000, 0.5, 0.8) == pytest.approx(-1.0)


def _inputs(**kw):
    base = dict(monthly_arr_ramped_rep=52_000, monthly_arr_source="params", new_hires_per_year=8,
                new_hires_source="params", ae_count=30, ae_count_source="params", n_ramped_reps=0)
    base.update(kw)
    return money.MoneyInputs(**base)


def test_compute_keeps_realized_ramp_and_upside_apart():
    res = money.compute(
        weeks_saved=Interval(5, 2, 8, 16), pct_faster=Interval(0.2, 0.1, 0.3, 400),
        realized=Interval(1_000_000, 300_000, 1_800_000, 12), inputs=_inputs(),
        program_cost=200_000, isolation_factor=0.5, confidence_discount=0.8, role_cost=160_000,
    )
    assert res.ramp.value == pytest.approx(480_000)
    assert (res.ramp.ci_low, res.ramp.ci_high) == pytest.approx((192_000, 768_000))
    assert res.upside.ci_low == pytest.approx(money.upside_value(30, 52_000, 0.1)) and res.upside.n == 30
    # ROI rests on realized value only: 1M x 0.5 x 0.8 = 400K vs 200K cost -> +100%, BCR 2.0
    assert res.roi.value == pytest.approx(1.0) and res.bcr.value == pytest.approx(2.0)
    assert res.roi.ci_low == pytest.approx((300_000 * 0.4 - 200_000) / 200_000)
    assert res.roles_covered.value == pytest.approx(3.0)
    t = res.table()
    assert list(t["unit"]) == ["usd", "usd", "usd", "fraction", "ratio", "ratio"]
    assert t.loc[0, "item"].startswith("Realized value") and "potential" in t.loc[2, "item"]
    assert "isolation factor 50%" in t.loc[3, "basis"] and "confidence 80%" in t.loc[3, "basis"]


def test_compute_without_program_cost_or_estimates():
    res = money.compute(
        weeks_saved=Interval(-2, -6, 1, 10), pct_faster=None, realized=None, inputs=_inputs(),
        program_cost=None, isolation_factor=0.5, confidence_discount=0.8, role_cost=160_000,
    )
    assert res.ramp.ci_low < res.ramp.value < res.ramp.ci_high
    assert math.isnan(res.upside.value) and "not computed" in res.upside_basis
    assert math.isnan(res.roi.value) and math.isnan(res.bcr.value)
    assert "no program cost" in res.table().loc[3, "basis"]


def _econ(**kw):
    base = dict(won_arr_per_deal=25_000, closed_deals_per_rep_year=40, win_rate=0.3, cycle_days=50, n_reps=30,
                n_deals=1200, source="test")
    base.update(kw)
    return rv.DealEconomics(**base)


def test_realized_value_hand_numbers():
    # 10 coached reps x 25K x 40 deals x [50/48 x (0.30 + 0.02) - 0.30] = 10M x 0.03333 = 333,333
    assert rv.realized_value(1.0, 0.02, 2.0, 10, _econ()) == pytest.approx(10_000_000 * (50 / 48 * 0.32 - 0.3))
    # no behavior change, or no links: nothing realized
    assert rv.realized_value(0.0, 0.05, 3.0, 10, _econ()) == pytest.approx(0.0)
    assert rv.realized_value(1.5, 0.0, 0.0, 10, _econ()) == pytest.approx(0.0)
    # arrays broadcast (the bootstrap)
    out = rv.realized_value(np.array([0.0, 1.0]), np.array([0.02, 0.02]), np.array([2.0, 2.0]), 10, _econ())
    assert out.shape == (2,) and out[0] == pytest.approx(0.0)


def test_deal_economics_from_closed_deals():
    as_of = pd.Timestamp("2026-10-01")
    opps = pd.DataFrame({
        "rep_id": ["a", "a", "b", "b", "b"],
        "status": ["won", "lost", "won", "lost", "open"],
        "created_date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"]),
        "close_date": pd.to_datetime(["2026-01-31", "2026-03-03", "2026-04-10", "2026-05-01", None]),
        "amount": [30_000.0, 10_000.0, 20_000.0, 5_000.0, 9_000.0],
    })
    e = rv.deal_economics(opps, as_of=as_of)
    assert e.won_arr_per_deal == pytest.approx(25_000) and e.win_rate == pytest.approx(0.5)
    assert e.closed_deals_per_rep_year == pytest.approx(2.0) and e.n_reps == 2 and e.n_deals == 4
    assert e.cycle_days == pytest.approx((30 + 30 + 40 + 30) / 4)


def test_joint_draws_share_a_rep_weight_and_match_each_interval():
    rng = np.random.default_rng(1)
    reps = [f"r{i}" for i in range(10)]
    x = rng.normal(1.0, 0.6, 10)
    y = 0.03 * x + rng.normal(0, 0.05, 10)
    win = rv.LinkInputs(0.03, -0.01, 0.07, reps, x, y, np.full(10, 0.01))
    own = pd.Series(x + 0.2, index=reps)
    comp = pd.DataFrame(rng.normal(0.2, 0.3, (10, 5)), index=reps, columns=[f"c{j}" for j in range(5)])
    d = rv.joint_draws((1.0, 0.6, 1.4), own, comp, win, None, n_boot=4000, seed=3, level=0.95)
    lo, hi = np.quantile(d["b_win"], [0.025, 0.975])
    assert (lo, hi) == pytest.approx((-0.01, 0.07), abs=0.004)  # the link's own small-sample width
    lo, hi = np.quantile(d["delta_s"], [0.025, 0.975])
    assert (lo, hi) == pytest.approx((0.6, 1.4), abs=0.03)
    assert not d["b_cycle"].any()
    # a rep whose score rose more also has the larger residual here: one weight per rep ties the draws together
    assert abs(np.corrcoef(d["delta_s"], d["b_win"])[0, 1]) > 0.05


def test_data_derived_inputs():
    as_of = pd.Timestamp("2026-10-01")
    reps = pd.DataFrame({
        "rep_id": ["a", "b", "c", "s"],
        "role": ["AE", "AE", "AE", "SDR"],
        "hire_date": pd.to_datetime(["2020-01-01", "2020-01-01", "2026-03-01", "2026-02-01"]),
        "end_date": pd.to_datetime([None, "2026-04-01", None, None]),
    })
    opps = pd.DataFrame({
        "rep_id": ["a", "a", "b", "c"],
        "status": ["won", "won", "won", "won"],
        "close_date": pd.to_datetime(["2026-01-15", "2026-06-15", "2026-02-01", "2026-08-01"]),
        "amount": [120_000.0, 120_000.0, 60_000.0, 999_999.0],
    })
    # a: 240K over 12 months = 20K; b: 60K over Oct..Apr ~6 months = ~10K; c: not past ramp for a full month
    val, n = money.monthly_arr_ramped_rep(reps, opps, as_of=as_of)
    assert n == 2
    assert 14_000 < val < 16_000
    assert money.new_hires_last_year(reps, as_of=as_of) == 1
    assert money.active_count(reps, as_of=as_of) == 2
