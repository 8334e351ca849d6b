"""The orchestrator of notebook 04: every step of the coaching plan for one quarter, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import funnel as fn
from coaching_roi.plan.behavior_focus import ae_focus, call_level_scores, within_rep_sd
from coaching_roi.plan.hygiene import coaching_cadence, session_quality, sessions_in
from coaching_roi.plan.inputs import PlanInputs
from coaching_roi.plan.plan_table import build_plan
from coaching_roi.plan.recognition import (
    behavior_score_change,
    calls_of_the_week,
    most_improved_behavior,
    most_improved_funnel,
)
from coaching_roi.plan.reps import active_reps
from coaching_roi.plan.tiers import ae_attainment, build_tiers, sdr_output
from coaching_roi.plan.watch import focus_movement


@dataclass
class PlanResult:
    """Everything notebook 04 shows; frames are None when their input is absent (see ``notes``)."""

    reps: pd.DataFrame | None
    funnel: fn.FunnelResult | None
    funnel_change: pd.DataFrame | None  # this quarter vs the previous, per (SDR, stage)
    ae_focus: pd.DataFrame | None
    ae_source: str  # where the AE behavior means came from
    call_level: pd.DataFrame | None
    attainment: pd.DataFrame | None
    sdr_output: pd.DataFrame | None
    tiers: pd.DataFrame
    plan: pd.DataFrame | None
    movement: pd.DataFrame | None
    watch: pd.DataFrame | None
    improved_funnel: pd.DataFrame | None
    improved_behavior: pd.DataFrame | None
    calls_of_week: pd.DataFrame | None
    cadence: pd.DataFrame | None
    sessions: pd.DataFrame | None  # this quarter's sessions with quality flags
    notes: list[str] = field(default_factory=list)


def make_plan(inputs: PlanInputs, cfg) -> PlanResult:
    """Run every step of notebook 04 for ``cfg.quarter`` from the loaded :class:`PlanInputs`."""
    start, end = cfg.quarter_bounds(0)
    pstart, pend = cfg.quarter_bounds(-1)
    level = cfg.analysis.confidence_level
    min_calls = cfg.analysis.min_calls_per_cell
    labels = cfg.rubric.labels
    fcfg = cfg.funnel
    notes = list(inputs.notes)
    none = dict(
        funnel=None, funnel_change=None, ae_focus=None, ae_source="absent", call_level=None, attainment=None,
        sdr_output=None, tiers=pd.DataFrame(columns=["rep_id", "role", "tier", "tier_metric", "tier_value"]),
        plan=None, movement=None, watch=None, improved_funnel=None, improved_behavior=None, calls_of_week=None,
        cadence=None, sessions=None,
    )
    if inputs.reps is None:
        return PlanResult(reps=None, notes=notes, **none)
    reps = active_reps(inputs.reps, start, end)
    out = dict(none)
    sdr_ids = reps.loc[reps["role"] == "SDR", "rep_id"].astype(str).tolist()
    ae_ids = reps.loc[reps["role"] == "AE", "rep_id"].astype(str).tolist()

    # SDR funnel, this quarter and the previous one
    if inputs.sdr_activity is not None and sdr_ids:
        kw = dict(benchmarks=cfg.benchmarks, stage_skills=dict(fcfg.stage_skills), min_volume=fcfg.min_volume, level=level)
        res = fn.analyse(inputs.sdr_activity, start=start, end=end, sdr_ids=sdr_ids, **kw)
        prev = fn.analyse(inputs.sdr_activity, start=pstart, end=pend, sdr_ids=sdr_ids, **kw)
        out["funnel"] = res
        out["funnel_change"] = fn.rate_change(res.rates, prev.rates, level=level, min_volume=fcfg.min_volume)
        out["sdr_output"] = sdr_output(res.counts, reps, start, end)
        out["improved_funnel"] = most_improved_funnel(out["funnel_change"], level=level)
        if res.counts["n_rows"].sum() == 0:
            notes.append(f"No SDR activity falls inside {cfg.quarter}: the funnel has no data this quarter.")

    # AE behavior focus: 02's rep × quarter means and call scores (read, never recomputed here)
    if inputs.call_behavior is not None:
        out["call_level"] = call_level_scores(inputs.call_behavior, behaviors=cfg.rubric.keys)
    if ae_ids:
        rb = None
        if inputs.rep_quarter_behavior is not None:
            q = inputs.rep_quarter_behavior
            rb = q[q["quarter"].astype(str) == cfg.quarter]
            out["ae_source"] = "notebook 02 (rep × quarter behavior means)"
        if rb is not None:
            sd = within_rep_sd(out["call_level"], start, end) if out["call_level"] is not None else None
            out["ae_focus"] = ae_focus(rb, ae_ids=ae_ids, labels=labels, min_calls=min_calls, sd=sd, level=level)

    # tiers
    if ae_ids:
        out["attainment"] = ae_attainment(inputs.opportunities, reps, start, end) if inputs.opportunities is not None else None
    out["tiers"] = build_tiers(
        reps, attainment=out["attainment"], output=out["sdr_output"],
        top_quantile=fcfg.top_tier_quantile, under_quantile=fcfg.under_tier_quantile,
    )

    # the plan, the watch list
    plan = build_plan(
        reps, sdr_diagnosis=out["funnel"].diagnosis if out["funnel"] is not None else None,
        ae_focus_df=out["ae_focus"], tiers=out["tiers"], sessions=inputs.coaching_sessions, start=start, end=end,
        stage_skills=dict(fcfg.stage_skills), observables=dict(fcfg.observables), labels=labels,
        watch_window_days=tuple(fcfg.watch_window_days),
    )
    out["plan"] = plan
    mv = focus_movement(
        plan, funnel_change=out["funnel_change"], call_level=out["call_level"], now=(start, end), before=(pstart, pend),
        min_volume=fcfg.min_volume, min_calls=min_calls, level=level,
    )
    out["movement"] = mv
    w = plan[plan["tier"] == "under"].merge(mv[["rep_id", "movement"]], on="rep_id", how="left")
    out["watch"] = w[["rep_id", "rep_name", "role", "manager_id", "tier_metric", "tier_value", "focus", "sessions_this_quarter",
                      "last_session_date", "watch_review_date", "watch_decision_date", "movement"]].reset_index(drop=True)

    # recognition
    if out["call_level"] is not None:
        ch = behavior_score_change(out["call_level"], now=(start, end), before=(pstart, pend), min_calls=min_calls, level=level)
        out["improved_behavior"] = most_improved_behavior(ch[ch["rep_id"].isin(ae_ids + sdr_ids)], labels=labels, level=level)
    if inputs.call_composite is not None:
        out["calls_of_week"] = calls_of_the_week(inputs.call_composite, start=start, end=end)

    # layer 1 hygiene
    if inputs.coaching_sessions is not None:
        out["sessions"] = session_quality(sessions_in(inputs.coaching_sessions, start, end))
        out["cadence"] = coaching_cadence(inputs.coaching_sessions, reps, start=start, end=end)
    return PlanResult(reps=reps, notes=notes, **out)
