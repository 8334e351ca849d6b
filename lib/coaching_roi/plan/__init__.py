"""The coaching plan of notebook 04: one focus per rep, tiers, watch list, recognition, layer-1 hygiene.

* **One skill at a time** — every active rep (SDR and AE) gets exactly one focus for next period:
  SDRs from the funnel diagnosis (:mod:`coaching_roi.funnel`), AEs from the behavior furthest below
  the team mean (:mod:`.behavior_focus`). Each focus carries one line of evidence and a suggested
  observable to commit to (``cfg.funnel.observables``); see :mod:`.plan_table`.
* **Tiers** — top / middle / under by attainment or funnel output, with the coaching approach per
  tier (:mod:`.tiers`). Underperformers get a 30–60 day watch window (:mod:`.watch`).
* **Recognition** — most improved reps and call-of-the-week candidates (:mod:`.recognition`).
* **Layer-1 hygiene** — coaching cadence per manager, longest gap, focused sessions (:mod:`.hygiene`).

:func:`make_plan` (:mod:`.make`) runs every step from :func:`load_plan_inputs`; :mod:`.estimates`
builds the findings, :mod:`.display` what the reader sees.
"""

from coaching_roi.plan.behavior_focus import (
    AE_FOCUS_COLUMNS,
    ae_evidence_line,
    ae_focus,
    call_level_scores,
    rep_behavior_means,
    within_rep_sd,
)
from coaching_roi.plan.display import (
    cadence_display,
    cadence_figure,
    cadence_headline,
    diagnosis_headline,
    diagnosis_table,
    plan_display,
    rep_names,
    team_sentence,
    team_table,
    tier_table,
    watch_display,
)
from coaching_roi.plan.estimates import STAGE_N_UNIT, findings_estimates, findings_extra
from coaching_roi.plan.hygiene import coaching_cadence, session_quality, sessions_in
from coaching_roi.plan.inputs import PlanInputs, load_plan_inputs
from coaching_roi.plan.make import PlanResult, make_plan
from coaching_roi.plan.plan_table import PLAN_COLUMNS, build_plan, observable_for, plan_for_csv
from coaching_roi.plan.recognition import (
    behavior_score_change,
    calls_of_the_week,
    most_improved_behavior,
    most_improved_funnel,
)
from coaching_roi.plan.reps import active_reps
from coaching_roi.plan.tiers import TIER_APPROACH, TIERS, ae_attainment, assign_tiers, build_tiers, sdr_output
from coaching_roi.plan.watch import focus_movement, movement_reading

load_inputs = load_plan_inputs  # notebook 04 calls plan.load_inputs

__all__ = [
    "AE_FOCUS_COLUMNS",
    "PLAN_COLUMNS",
    "STAGE_N_UNIT",
    "TIERS",
    "TIER_APPROACH",
    "PlanInputs",
    "PlanResult",
    "active_reps",
    "ae_attainment",
    "ae_evidence_line",
    "ae_focus",
    "assign_tiers",
    "behavior_score_change",
    "build_plan",
    "build_tiers",
    "cadence_display",
    "cadence_headline",
    "cadence_figure",
    "call_level_scores",
    "calls_of_the_week",
    "coaching_cadence",
    "diagnosis_headline",
    "diagnosis_table",
    "findings_estimates",
    "findings_extra",
    "focus_movement",
    "load_inputs",
    "load_plan_inputs",
    "make_plan",
    "most_improved_behavior",
    "most_improved_funnel",
    "movement_reading",
    "observable_for",
    "plan_display",
    "plan_for_csv",
    "rep_behavior_means",
    "rep_names",
    "session_quality",
    "sdr_output",
    "sessions_in",
    "team_sentence",
    "team_table",
    "tier_table",
    "watch_display",
    "within_rep_sd",
]
