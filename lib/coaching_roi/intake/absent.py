"""What later analyses cannot compute when a table is absent (the tracking-infrastructure gap)."""

from __future__ import annotations

ABSENT_IMPACT: dict[str, str] = {
    "reps": (
        "no rep roster: AEs cannot be told from SDRs, ramp time (needs hire dates and onboarding "
        "program) and quota attainment cannot be computed, and rep references in the other tables "
        "cannot be checked"
    ),
    "calls": (
        "no scored calls: no composite discovery score, no behavioral quartiles or win-rate gap, no "
        "behavior change after coaching (layer 2) and no outcome link (layer 3) — the evidence chain "
        "stops at coaching activity"
    ),
    "call_scores": (
        "no call scores: no behavior measurement at all, so layers 2 and 3 of the evidence chain "
        "(behavioral change, outcomes) cannot be shown; start by scoring discovery calls"
    ),
    "coaching_sessions": (
        "no coaching log: coaching activity (layer 1), cadence and the one-behavior share cannot be "
        "shown, and behavior change cannot be tied to coaching episodes"
    ),
    "opportunities": (
        "no CRM opportunities: no win rates, deal cycles, time to first win, outcome link (layer 3) "
        "or money (ramp and cycle value, ROI)"
    ),
    "sdr_activity": (
        "no SDR activity: no SDR funnel, benchmark gaps or funnel-based coaching focus (notebook 04)"
    ),
}
"""What later analyses cannot compute when a table is absent (the "tracking infrastructure" gap)."""
