"""Money formulas on hand numbers (SPEC §6)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coaching_roi import money
from coaching_roi.stats import Interval


def test_ramp_value_hand_numbers():
    # 8 hires x 5 weeks x (52,000 monthly ARR x 12 / 52 = 12,000 weekly) = 480,000
    assert money.ramp_value(8, 5, 52_000) == pytest.approx(480_000)


def test_throughput_gain_and_cycle_value():
    # low-scoring half of deals 20% faster -> average cycle 10% shorter -> 1/0.9 - 1 = 11.1% more throughput
    assert money.throughput_gain(0.2, 0.5) == pytest.approx(1 / 0.9 - 1)
    assert money.throughput_gain(0.0) == 0
    assert money.cycle_value(30, 50_000, 0.2, 0.5) == pytest.approx(30 * 600_000 * (1 / 0.9 - 1))


def test_roi_and_bcr():
    # benefits 1M x 0.5 x 0.8 = 400K adjusted; cost 200K -> ROI 100%, BCR 2.0
    assert money.roi(1_000_000, 200_000, 0.5, 0.8) == pytest.approx(1.0)
    assert money.benefit_cost_ratio(1_000_000, 200_000, 0.5, 0.8) == pytest.approx(2.0)
    assert money.roi(0, 200_000, 0.5, 0.8) == pytest.approx(-1.0)


def _inputs(**kw):
    base = dict(monthly_arr_ramped_rep=52_000, monthly_arr_source="params", new_hires_per_year=8,
                new_hires_source="params", ae_count=30, ae_count_source="params", n_ramped_reps=0)
    base.update(kw)
    return money.Inputs(**base)


def test_compute_propagates_interval_ends():
    res = money.compute(
        weeks_saved=Interval(5, 2, 8, 16), pct_faster=Interval(0.2, 0.1, 0.3, 400), inputs=_inputs(),
        program_cost=200_000, isolation_factor=0.5, confidence_discount=0.8, role_cost=160_000,
    )
    assert res.ramp.value == pytest.approx(480_000)
    assert (res.ramp.ci_low, res.ramp.ci_high) == pytest.approx((192_000, 768_000))
    assert res.cycle.ci_low == pytest.approx(money.cycle_value(30, 52_000, 0.1))
    assert res.benefits.value == pytest.approx(res.ramp.value + res.cycle.value)
    assert res.benefits.ci_low == pytest.approx(res.ramp.ci_low + res.cycle.ci_low)
    assert res.roi.value == pytest.approx((res.benefits.value * 0.4 - 200_000) / 200_000)
    assert res.roi.ci_low <= res.roi.value <= res.roi.ci_high
    assert res.roles_covered.value == pytest.approx(3.0)
    t = res.table()
    assert list(t["unit"]) == ["usd", "usd", "usd", "fraction", "ratio", "ratio"]
    assert "isolation factor 50%" in t.loc[3, "basis"] and "confidence 80%" in t.loc[3, "basis"]


def test_compute_negative_weeks_sorts_ends_and_missing_inputs_zero():
    res = money.compute(
        weeks_saved=Interval(-2, -6, 1, 10), pct_faster=None, inputs=_inputs(),
        program_cost=200_000, isolation_factor=0.5, confidence_discount=0.8, role_cost=160_000,
    )
    assert res.ramp.ci_low < res.ramp.value < res.ramp.ci_high
    assert math.isnan(res.cycle.value)
    assert "not computed" in res.cycle_basis
    assert res.benefits.value == pytest.approx(res.ramp.value)


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
