"""Time-to-event measures with censoring: new-hire ramp and deal cycle by behavior (notebook 03).

A rep who has not reached a milestone yet, or who left (``end_date``) before reaching it, is
**censored** at the end of their follow-up — counted as "not there by then", never as "never".
Likewise an open deal is censored at its age on the as-of date. Medians come from Kaplan–Meier
curves (lifelines); differences get percentile bootstrap intervals whose resampling unit is the rep.

Modules: ``km`` (Kaplan–Meier medians, tables, curves, log-rank, the two-group rep bootstrap),
``ramp`` (new-hire milestones, weeks saved, attainment gap), ``deal_cycle`` (high vs low discovery
score), ``deal_cycle_draws`` (its bootstrap, a batch of rep resamples at a time). Every public name is importable from ``coaching_roi.survival``.
"""

from .deal_cycle import (
    deal_cycle_by_outcome,
    deal_cycle_effect,
    deal_cycle_frame,
)
from .km import (
    DAYS_PER_WEEK,
    LogRank,
    km_curves,
    km_median,
    km_median_interpolated,
    km_table,
    logrank,
)
from .ramp import (
    MILESTONES,
    attainment_gap,
    attainment_table,
    ramp_cohort_start,
    ramp_milestones,
    weeks_saved,
)

__all__ = [
    "DAYS_PER_WEEK",
    "MILESTONES",
    "km_median",
    "km_median_interpolated",
    "km_table",
    "km_curves",
    "LogRank",
    "logrank",
    "ramp_milestones",
    "weeks_saved",
    "attainment_gap",
    "attainment_table",
    "deal_cycle_frame",
    "deal_cycle_effect",
    "deal_cycle_by_outcome",
    "ramp_cohort_start",
]
