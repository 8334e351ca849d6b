"""Estimate IDs: how they are built and parsed, and the words a person sees for each.

An ID is a base name, optionally followed by ``::`` and a sub-key (a rubric behavior, a ramp
milestone, or :data:`POOLED` for all coached behaviors together), e.g.
``behavior_change::quantified_impact``. See docs/METHODS.md for what every estimate measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SEP = "::"
POOLED = "all"  # sub-key of the estimate that pools every coached behavior

# What ``n`` counts, in words a reader sees (``n = 12 coached reps``).
N_UNITS: tuple[str, ...] = (
    "reps", "coached reps", "AEs", "SDRs", "new hires", "deals", "calls", "sessions",
    "dials", "connects", "conversations", "meetings", "emails",
)

MILESTONES = {"first_win": "the first won deal", "quota_80": "the first month at 80% of quota"}


def make(base: str, sub: str | None = None) -> str:
    """``make("behavior_change", "open_questions")`` -> ``"behavior_change::open_questions"``."""
    return base if sub is None else f"{base}{SEP}{sub}"


def parse(estimate_id: str) -> tuple[str, str | None]:
    """``"behavior_change::open_questions"`` -> ``("behavior_change", "open_questions")``."""
    base, sep, sub = estimate_id.partition(SEP)
    return base, (sub if sep else None)


def base_of(estimate_id: str) -> str:
    return parse(estimate_id)[0]


def sub_of(estimate_id: str) -> str | None:
    return parse(estimate_id)[1]


def with_prefix(estimates: Mapping[str, dict], base: str) -> dict[str, dict]:
    """Every estimate ``base::<sub>`` keyed by its sub-key."""
    out = {}
    for k, v in estimates.items():
        b, sub = parse(k)
        if b == base and sub is not None:
            out[sub] = v
    return out


@dataclass(frozen=True)
class Kind:
    """What one kind of estimate is called, and the unit its value is shown in."""

    label: str  # a reader's name for it, "{sub}" stands for the behavior / milestone label
    shown_unit: str | None = None  # display unit when it differs from the stored one (e.g. "pp")
    level: bool = False  # a level (a rate, a share, an AUC), not a difference: shown without a sign


KINDS: dict[str, Kind] = {
    "quartile_win_rate_gap": Kind("Win-rate gap, top vs bottom score quartile", "pp"),
    "behavior_auc": Kind("How well call scores predict wins (AUC)", level=True),
    "behavior_change": Kind("Score change after coaching: {sub}"),
    "event_study_pretrend": Kind("Fairness check before coaching: {sub}"),
    "win_rate_change_per_point": Kind("Win-rate change per point of score gained: {sub}", "pp"),
    "cycle_change_per_point": Kind("Deal-cycle change per point of score gained: {sub}"),
    "ramp_weeks_saved": Kind("Ramp weeks saved to {sub}"),
    "six_month_attainment_gap": Kind("6-month quota attainment gap between onboarding programs", "pp"),
    "deal_cycle_pct_faster": Kind("Faster deal cycle when the discovery call is strong on: {sub}"),
    "ramp_value_usd": Kind("Value of faster ramp (ARR per year)"),
    "realized_value_usd": Kind("Value of the behavior change coaching produced (ARR per year)"),
    "upside_value_usd": Kind("Potential if every rep reached top-quartile behavior (ARR per year)"),
    "roi_pct": Kind("Return on the coaching program (Phillips ROI)"),
    "benefit_cost_ratio": Kind("Benefit-cost ratio of the coaching program"),
    "funnel_team": Kind("Team {sub}", level=True),
    "funnel_reps_below_benchmark": Kind("SDRs with a funnel stage below benchmark", level=True),
    "funnel_focus_coverage": Kind("Reps whose next focus rests on their own data", level=True),
    "funnel_sessions_focused_share": Kind("Sessions on one behavior with an observable", level=True),
}

FUNNEL_STAGE_LABELS = {
    "connect_rate": "connect rate",
    "conversation_rate": "conversation rate",
    "meeting_rate": "meeting rate",
    "show_rate": "show rate",
    "sql_rate": "SQL rate",
    "email_reply_rate": "email reply rate",
}


def _kind_key(estimate_id: str) -> tuple[str, str | None]:
    base, sub = parse(estimate_id)
    if base.startswith("funnel_team_") and sub is None:  # funnel_team_<stage>
        return "funnel_team", base.removeprefix("funnel_team_")
    return base, sub


def sub_label(sub: str | None, labels: Mapping[str, str] | None = None) -> str:
    """The reader's name for a sub-key: a rubric label, a milestone, a funnel stage."""
    if sub is None:
        return ""
    if sub == POOLED:
        return "all coached behaviors"
    if labels and sub in labels:
        return str(labels[sub])
    if sub in MILESTONES:
        return MILESTONES[sub]
    if sub in FUNNEL_STAGE_LABELS:
        return FUNNEL_STAGE_LABELS[sub]
    return sub.replace("_", " ")


def label(estimate_id: str, labels: Mapping[str, str] | None = None) -> str:
    """A reader's name for an estimate ID (no snake_case, no ``::``)."""
    key, sub = _kind_key(estimate_id)
    kind = KINDS.get(key)
    if kind is None:
        return key.replace("_", " ").capitalize() + (f": {sub_label(sub, labels)}" if sub else "")
    return kind.label.format(sub=sub_label(sub, labels))


def is_level(estimate_id: str) -> bool:
    """True for levels (rates, shares, AUC) and False for differences, which are shown signed."""
    kind = KINDS.get(_kind_key(estimate_id)[0])
    return bool(kind and kind.level)


def shown_unit(estimate_id: str, unit: str) -> str:
    """The unit a value is shown in: differences of fractions read as percentage points."""
    kind = KINDS.get(_kind_key(estimate_id)[0])
    return kind.shown_unit if kind is not None and kind.shown_unit and unit == "fraction" else unit
