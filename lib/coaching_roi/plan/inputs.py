"""The tables notebook 04 reads (01's tables, 02's artifacts when present) and what their absence costs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class PlanInputs:
    """The tables notebook 04 reads (None when absent) and what their absence costs."""

    reps: pd.DataFrame | None
    sdr_activity: pd.DataFrame | None
    coaching_sessions: pd.DataFrame | None
    opportunities: pd.DataFrame | None
    calls: pd.DataFrame | None
    call_scores: pd.DataFrame | None
    rep_quarter_behavior: pd.DataFrame | None  # 02's artifact when present
    call_composite: pd.DataFrame | None  # 02's artifact when present
    notes: list[str] = field(default_factory=list)


def load_plan_inputs(cfg) -> PlanInputs:
    """Read 01's tables (``artifacts.read_table``) and 02's artifacts when present."""
    from coaching_roi import artifacts

    t = {n: artifacts.read_table(cfg, n) for n in ("reps", "sdr_activity", "coaching_sessions", "opportunities", "calls", "call_scores")}
    two = {}
    for n in ("02_rep_quarter_behavior", "02_call_composite"):
        p = cfg.artifact(n)
        two[n] = pd.read_parquet(p) if p.exists() else None
    notes = []
    what = {
        "reps": "without the rep list no plan can be made (roles, managers, quotas)",
        "sdr_activity": "no SDR funnel, diagnosis or SDR tiers",
        "coaching_sessions": "no session counts, cadence or hygiene",
        "opportunities": "no AE attainment tiers",
        "call_scores": "no AE focus from behavior scores and no behavior recognition",
        "calls": "no AE focus from behavior scores and no behavior recognition",
    }
    for n, why in what.items():
        if t[n] is None:
            notes.append(f"Table `{n}` is absent: {why}.")
    if two["02_rep_quarter_behavior"] is None and t["call_scores"] is not None:
        notes.append(
            "Notebook 02's rep × quarter behavior means are absent: the AE focus is computed here from "
            "01's call scores (manager scorer preferred)."
        )
    if two["02_call_composite"] is None:
        notes.append("Notebook 02's call composite scores are absent: no call-of-the-week candidates.")
    return PlanInputs(**t, rep_quarter_behavior=two["02_rep_quarter_behavior"], call_composite=two["02_call_composite"], notes=notes)
