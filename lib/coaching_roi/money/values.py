"""The value formulas and the money result: ramp value, upside, ROI and benefit-cost ratio.

* ramp value      = new hires per year × weeks saved × weekly ARR of a ramped rep (monthly × 12 / 52);
* upside (potential, never a return) = AE count × annual won ARR per ramped AE × throughput gain, where
  the gain of a cycle shortened by the fraction ``f`` on the share ``s`` of deals that score low today
  is ``1 / (1 − s·f) − 1`` (Little's law: with the pipeline an AE carries held constant, closed volume
  per year scales with 1 / cycle length) — what the team would gain if every deal got top-half behavior.

ROI % (Phillips) = (realized value × isolation factor × confidence discount − program cost) / program
cost; benefit-cost ratio = realized × isolation × confidence / cost; neither uses ramp value or upside.
Headcount = ramp value / fully loaded cost of one enablement role.

Ramp value and upside intervals evaluate the formula at the ends of the weeks-saved / %-faster
intervals (each formula is monotone in them); ROI's interval maps realized value's interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi.stats import Interval

from .inputs import MoneyInputs

WEEKS_PER_YEAR = 52.0


# ------------------------------------------------------------------------------------- formulas
def ramp_value(new_hires: float, weeks: float, monthly_arr: float) -> float:
    """new hires × weeks saved × weekly ARR of a ramped rep (monthly × 12 / 52)."""
    return float(new_hires * weeks * monthly_arr * 12 / WEEKS_PER_YEAR)


def throughput_gain(pct_faster: float, share_low: float = 0.5) -> float:
    """Extra closed volume (fraction) when the low-scoring share of deals gets ``pct_faster`` shorter."""
    avg = share_low * pct_faster
    if avg >= 1:
        return float("inf")
    return float(1 / (1 - avg) - 1)


def upside_value(ae_count: float, monthly_arr: float, pct_faster: float, share_low: float = 0.5) -> float:
    """AE count × annual ARR per ramped AE × throughput gain if low-scoring deals closed like high-scoring ones."""
    return float(ae_count * monthly_arr * 12 * throughput_gain(pct_faster, share_low))


def roi(benefits: float, program_cost: float, isolation_factor: float, confidence_discount: float) -> float:
    """Phillips-style ROI (fraction): (benefits × isolation × confidence − cost) / cost."""
    return float((benefits * isolation_factor * confidence_discount - program_cost) / program_cost)


def benefit_cost_ratio(benefits: float, program_cost: float, isolation_factor: float, confidence_discount: float) -> float:
    """Benefit-cost ratio: adjusted benefits / program cost."""
    return float(benefits * isolation_factor * confidence_discount / program_cost)


def _map(iv: Interval, f) -> Interval:
    """Apply a monotone function to an interval's value and ends (ends re-sorted)."""
    v = f(iv.value) if np.isfinite(iv.value) else float("nan")
    if np.isfinite(iv.ci_low) and np.isfinite(iv.ci_high):
        a, b = f(iv.ci_low), f(iv.ci_high)
        lo, hi = min(a, b), max(a, b)
    else:
        lo = hi = float("nan")
    return Interval(v, lo, hi, iv.n)


@dataclass(frozen=True)
class MoneyResult:
    """The money section in one object; every value is an :class:`Interval` (usd, fraction or ratio).

    ``program_cost`` is None when params hold none: ROI and benefit-cost ratio are then NaN."""

    inputs: MoneyInputs
    ramp: Interval
    realized: Interval
    upside: Interval
    roi: Interval
    bcr: Interval
    roles_covered: Interval
    program_cost: float | None
    isolation_factor: float
    confidence_discount: float
    role_cost: float
    ramp_basis: str
    realized_basis: str
    upside_basis: str

    def table(self) -> pd.DataFrame:
        """A tidy table for display: item, value, ci_low, ci_high, unit, basis."""
        cost = "no program cost in params" if self.program_cost is None else f"program cost {self.program_cost:,.0f}"
        rows = [
            ("Realized value: the behavior change coaching produced (per year)", self.realized, "usd", self.realized_basis),
            ("Ramp value: faster onboarding (per year)", self.ramp, "usd", self.ramp_basis),
            ("Upside: if every deal got top-half behavior (potential, not a return)", self.upside, "usd", self.upside_basis),
            ("ROI % (Phillips, realized value only)", self.roi, "fraction",
             f"isolation factor {self.isolation_factor:.0%} × confidence {self.confidence_discount:.0%}, {cost}"),
            ("Benefit-cost ratio", self.bcr, "ratio", "attributed realized value / program cost"),
            ("Enablement roles paid for by ramp value", self.roles_covered, "ratio",
             f"ramp value / {self.role_cost:,.0f} per role"),
        ]
        return pd.DataFrame(
            [{"item": a, "value": iv.value, "ci_low": iv.ci_low, "ci_high": iv.ci_high, "unit": u, "basis": b}
             for a, iv, u, b in rows]
        )

NAN_IV = Interval(float("nan"), float("nan"), float("nan"), 0)


def compute(
    *,
    weeks_saved: Interval | None,
    pct_faster: Interval | None,
    realized: Interval | None,
    inputs: MoneyInputs,
    program_cost: float | None,
    isolation_factor: float,
    confidence_discount: float,
    role_cost: float,
    share_low: float = 0.5,
    realized_basis: str = "",
) -> MoneyResult:
    """Value the ramp estimate and the upside, and the ROI / benefit-cost ratio of the realized value.

    A missing input (None or NaN) leaves its line NaN and says so in the basis; ROI rests on the
    realized value alone and is NaN without a program cost.
    """
    arr = inputs.monthly_arr_ramped_rep
    if weeks_saved is not None and np.isfinite(weeks_saved.value) and np.isfinite(arr):
        ramp_iv = _map(weeks_saved, lambda w: ramp_value(inputs.new_hires_per_year, w, arr))
        ramp_basis = (f"{inputs.new_hires_per_year:.0f} new hires × {weeks_saved.value:.1f} weeks saved × "
                      f"{arr * 12 / WEEKS_PER_YEAR:,.0f} weekly ARR")
    else:
        ramp_iv, ramp_basis = NAN_IV, "not computed: no weeks-saved estimate"
    if pct_faster is not None and np.isfinite(pct_faster.value) and np.isfinite(arr):
        up_iv = _map(pct_faster, lambda f: upside_value(inputs.ae_count, arr, f, share_low))
        up_iv = Interval(up_iv.value, up_iv.ci_low, up_iv.ci_high, int(inputs.ae_count))
        upside_basis = (f"{inputs.ae_count:.0f} AEs × {arr * 12:,.0f} annual ARR × "
                        f"{throughput_gain(pct_faster.value, share_low):.1%} more throughput (team-wide association)")
    else:
        up_iv, upside_basis = NAN_IV, "not computed: no deal-cycle estimate"
    real = realized if realized is not None else NAN_IV
    if program_cost:
        roi_iv = _map(real, lambda b: roi(b, program_cost, isolation_factor, confidence_discount))
        bcr_iv = _map(real, lambda b: benefit_cost_ratio(b, program_cost, isolation_factor, confidence_discount))
    else:
        roi_iv = bcr_iv = Interval(float("nan"), float("nan"), float("nan"), real.n)
    roles = _map(ramp_iv, lambda v: v / role_cost)
    return MoneyResult(inputs, ramp_iv, real, up_iv, roi_iv, bcr_iv, roles, program_cost, isolation_factor,
                       confidence_discount, role_cost, ramp_basis, realized_basis or "not computed", upside_basis)
