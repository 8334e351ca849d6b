"""The tables notebook 04 reads (01's tables and 02's score artifacts) and what their absence costs.

Notebook 02's scores are read, never recomputed here: a rep's score in the plan is the one notebook
02 reports. When notebook 02 has not run, reading them raises the error that names notebook 02.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class PlanInputs:
    """The tables notebook 04 reads (None when absent or empty) and what their absence costs."""

    reps: pd.DataFrame | None
    sdr_activity: pd.DataFrame | None
    coaching_sessions: pd.DataFrame | None
    opportunities: pd.DataFrame | None
    call_behavior: pd.DataFrame | None  # 02_call_behavior: call × behavior, primary scorer
    rep_quarter_behavior: pd.DataFrame | None  # 02_rep_quarter_behavior
    call_composite: pd.DataFrame | None  # 02_call_composite
    notes: list[str] = field(default_factory=list)


def load_plan_inputs(cfg) -> PlanInputs:
    """Read 01's tables and 02's score artifacts (through :mod:`coaching_roi.artifacts`)."""
    from coaching_roi import artifacts

    t = {n: artifacts.read_table(cfg, n) for n in ("reps", "sdr_activity", "coaching_sessions", "opportunities")}
    two = {n: artifacts.read(cfg, n) for n in ("02_call_behavior", "02_rep_quarter_behavior", "02_call_composite")}
    notes = []
    what = {
        "reps": "without the rep list no plan can be made (roles, managers, quotas)",
        "sdr_activity": "no SDR funnel, diagnosis or SDR tiers",
        "coaching_sessions": "no session counts, cadence or hygiene",
        "opportunities": "no AE attainment tiers",
    }
    for n, why in what.items():
        if t[n] is None:
            notes.append(f"Table `{n}` is absent: {why}.")
    if two["02_call_behavior"] is None:
        notes.append("Notebook 02 has no scored calls: no AE focus from behavior scores and no behavior recognition.")
    if two["02_call_composite"] is None:
        notes.append("Notebook 02's call composite scores are absent: no call-of-the-week candidates.")
    return PlanInputs(**t, call_behavior=two["02_call_behavior"], rep_quarter_behavior=two["02_rep_quarter_behavior"],
                      call_composite=two["02_call_composite"], notes=notes)
