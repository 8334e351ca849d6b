"""Money: what coaching's measured change is worth, what faster ramp is worth, the potential, ROI.

Three values, kept apart (all per year, in the report currency): realized value (coached reps only,
measured behavior change × measured outcome links: ``realized``), ramp value (new hires × weeks saved
× weekly ARR of a ramped rep) and upside (a potential, never a return): ``values``. ROI uses realized
value only. The economic inputs derived from the data: ``inputs``. Notebook 03's money section is
:mod:`coaching_roi.cohort_report.money_section`. Every public name is importable from ``coaching_roi.money``.
"""

from .inputs import (
    MoneyInputs,
    active_count,
    monthly_arr_ramped_rep,
    new_hires_last_year,
    resolve_inputs,
)
from .realized import (
    WEBB,
    DealEconomics,
    LinkInputs,
    deal_economics,
    did_contributions,
    joint_draws,
    link_inputs,
    realized_value,
)
from .values import (
    NAN_IV,
    WEEKS_PER_YEAR,
    MoneyResult,
    benefit_cost_ratio,
    compute,
    ramp_value,
    roi,
    throughput_gain,
    upside_value,
)

__all__ = [
    "WEEKS_PER_YEAR",
    "MoneyInputs",
    "monthly_arr_ramped_rep",
    "new_hires_last_year",
    "active_count",
    "resolve_inputs",
    "ramp_value",
    "throughput_gain",
    "upside_value",
    "roi",
    "benefit_cost_ratio",
    "MoneyResult",
    "NAN_IV",
    "compute",
    "WEBB",
    "DealEconomics",
    "deal_economics",
    "realized_value",
    "did_contributions",
    "LinkInputs",
    "link_inputs",
    "joint_draws",
]
