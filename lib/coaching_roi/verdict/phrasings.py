"""How each kind of estimate is said: the phrasing table (one :class:`Phrasing` per estimate kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coaching_roi import estimate_ids as ids


@dataclass(frozen=True)
class Phrasing:
    """How to say one kind of estimate. Templates may use {value}, {behavior}, {reference}, {lag}."""

    what: str  # the quantity, e.g. "the win-rate gap between top- and bottom-quartile reps"
    positive: str  # what an interval above the reference means
    negative: str  # what an interval below it means
    no_clear: str | None = None  # replaces the generic "No clear change in {what}" lead
    better: Literal["higher", "lower", "neither"] = "higher"  # which direction is good news
    magnitude: bool = True  # claims state |value| (the direction is in the words)
    early: bool = True  # a clear result on few units reads as an "early signal"


PHRASINGS: dict[str, Phrasing] = {
    "quartile_win_rate_gap": Phrasing(
        "the win-rate gap between top- and bottom-quartile reps",
        "top-quartile reps won {value} more of their closed deals than bottom-quartile reps",
        "bottom-quartile reps won {value} more of their closed deals than top-quartile reps",
        no_clear="No clear win-rate difference between top- and bottom-quartile reps: {value}",
    ),
    "behavior_auc": Phrasing(
        "how well call scores predict wins",
        "call scores predict wins better than chance: AUC {value}",
        "call scores predict wins worse than chance: AUC {value}",
        no_clear="No clear evidence that call scores predict wins: AUC {value} is close to chance (0.50)",
        magnitude=False,
    ),
    "behavior_change": Phrasing(
        "whether coaching moved scores on {behavior}",
        "coached reps' scores on {behavior} rose {value} more than comparison reps' did",
        "coached reps' scores on {behavior} fell {value} relative to comparison reps'",
        no_clear="No clear change in coached reps' scores on {behavior} relative to comparison reps: {value}",
    ),
    "event_study_pretrend": Phrasing(
        "the fairness check for {behavior}",
        "coached reps' scores on {behavior} were already rising {value} before coaching, so the comparison may not be fair",
        "coached reps' scores on {behavior} were already falling {value} before coaching, so the comparison may not be fair",
        no_clear="Before coaching, coached and comparison reps' scores on {behavior} moved alike ({value}), so the comparison looks fair",
        better="neither", early=False,
    ),
    "win_rate_change_per_point": Phrasing(
        "the link between score gains and win rate{lag}",
        "reps whose scores on {behavior} rose won {value} more of their deals per point gained{lag}",
        "reps whose scores on {behavior} rose won {value} fewer of their deals per point gained{lag}",
        no_clear="No clear link between score gains and win rate{lag}: {value} per point",
    ),
    "cycle_change_per_point": Phrasing(
        "the link between score gains and deal cycle{lag}",
        "reps whose scores on {behavior} rose closed deals {value} faster per point gained{lag}",
        "reps whose scores on {behavior} rose closed deals {value} slower per point gained{lag}",
        no_clear="No clear link between score gains and deal cycle{lag}: {value} per point",
    ),
    "ramp_weeks_saved": Phrasing(
        "the ramp-time difference to {behavior} between onboarding programs",
        "new hires in the {treated} program reached {behavior} {value} sooner than in the {control} program",
        "new hires in the {treated} program reached {behavior} {value} later than in the {control} program",
        no_clear="No clear difference in time to {behavior} between the {treated} and {control} programs: {value}",
    ),
    "six_month_attainment_gap": Phrasing(
        "the 6-month quota attainment gap between onboarding programs",
        "new hires in the {treated} program reached {value} more of quota by month six",
        "new hires in the {treated} program reached {value} less of quota by month six",
        no_clear="No clear difference in 6-month quota attainment between the {treated} and {control} programs: {value}",
    ),
    "deal_cycle_pct_faster": Phrasing(
        "the deal-cycle difference between deals strong and weak on {behavior}",
        "deals whose discovery call was strong on {behavior} closed {value} faster",
        "deals whose discovery call was strong on {behavior} closed {value} slower",
        no_clear="No clear deal-cycle difference between deals strong and weak on {behavior}: {value}",
    ),
    "ramp_value_usd": Phrasing(
        "the value of faster ramp",
        "faster ramp is worth {value} in ARR a year",
        "slower ramp costs {value} in ARR a year",
        no_clear="No clear value from faster ramp yet: {value}",
    ),
    "realized_value_usd": Phrasing(
        "the value of the behavior change coaching produced",
        "the behavior change coaching produced is worth {value} in ARR a year",
        "the behavior change coaching produced costs {value} in ARR a year",
        no_clear="No clear value yet from the behavior change coaching produced: {value}",
    ),
    "upside_value_usd": Phrasing(
        "the potential if every rep reached top-quartile behavior",
        "if every rep reached top-quartile behavior the team could gain about {value} in ARR a year (a potential, not a return)",
        "top-quartile behavior goes with {value} less ARR a year",
        no_clear="No clear upside from top-quartile behavior: {value}",
    ),
    "roi_pct": Phrasing(
        "the program's return on its cost",
        "the program returned {value} on its cost after attribution",
        "the program lost {value} of its cost after attribution",
        no_clear="No clear return on the program's cost yet: {value}",
    ),
    "benefit_cost_ratio": Phrasing(
        "the benefit-cost ratio",
        "every dollar of program cost returned {value} after attribution",
        "every dollar of program cost returned only {value} after attribution",
        magnitude=False,
    ),
    "funnel_team": Phrasing(
        "the team's {behavior} against the {reference} benchmark",
        "the team's {behavior} of {value} is above the {reference} benchmark",
        "the team's {behavior} of {value} is below the {reference} benchmark",
        no_clear="No clear difference between the team's {behavior} ({value}) and the {reference} benchmark",
        magnitude=False, early=False,
    ),
    "funnel_reps_below_benchmark": Phrasing(
        "the share of SDRs below benchmark",
        "{value} of SDRs have a funnel stage below benchmark beyond noise",
        "{value} of SDRs have a funnel stage below benchmark beyond noise",
        no_clear="No SDR is clearly below benchmark at any stage ({value})",
        better="lower",
        magnitude=False, early=False,
    ),
    "funnel_focus_coverage": Phrasing(
        "the share of reps whose next focus rests on their own data",
        "most reps ({value}) have a next focus that rests on their own data",
        "only {value} of reps have a next focus that rests on their own data",
        no_clear="About half the reps ({value}) have a next focus that rests on their own data",
        magnitude=False, early=False,
    ),
    "funnel_sessions_focused_share": Phrasing(
        "the share of sessions on one behavior with a recorded observable",
        "most sessions ({value}) targeted one behavior and recorded an observable",
        "only {value} of sessions targeted one behavior and recorded an observable",
        no_clear="About half the sessions ({value}) targeted one behavior and recorded an observable",
        magnitude=False, early=False,
    ),
}

# How a table row that is not a findings estimate is said, by its :func:`~.rule.side` (templates may use
# {value} and {ci}): a rep's quarter-over-quarter move, a funnel stage against its benchmark.
ROW_PHRASINGS: dict[str, dict[str, str]] = {
    "movement": {"positive": "improved {value} ({ci})", "negative": "declined {value} ({ci})",
                 "no_clear_change": "no clear change: {value} ({ci})"},
    "benchmark": {"positive": "above", "negative": "below", "no_clear_change": "no clear difference", "too_few": "no data"},
    "change_row": {"positive": "", "negative": "", "no_clear_change": " — no clear change"},
    "panel": {"positive": ", clearly up", "negative": ", clearly down", "no_clear_change": ", no clear change",
              "too_few": ", no clear change"},
    "team_benchmark": {"negative": "Team below benchmark beyond noise at: {value}.", "positive": "Clearly above at: {value}.",
                       "none_below": "No team stage is clearly below its benchmark.",
                       "no_clear_change": "Other stages are within noise of their benchmark."},
    # a decision rule's condition on one link of the chain (its verdict, or "missing": not measured)
    "rule_condition": {"positive": "a clear rise", "negative": "a clear fall", "no_clear_change": "no clear change",
                       "too_few": "too few to tell", "missing": "not measured"},
    # the pre-trend checks that passed, listed together ({value}: the behaviors)
    "fairness_passed": {"no_clear_change": "The fairness check before coaching passed (no clear pre-trend) for: {value}."},
    # the strongest behavior's interval against the weakest's ({value}: the weakest behavior)
    "behavior_spread": {"positive": "{value} is the clearest team-wide coaching opportunity.",
                        "no_clear_change": "The gap between strongest and weakest behavior is within noise."},
}

# The title of the behavior-change slide, by the layer-2 summary's state (story.layer2: built from the
# stored verdicts of the behavior-change estimates).
BEHAVIOR_LAYER_TITLES: dict[str, str] = {
    "moved": "Coached behaviors moved more than comparison reps' did",
    "unfair": "Coached behaviors rose, but they were already rising before coaching",
    "fell": "Coached behaviors fell relative to comparison reps",
    "too_few": "Too few coached reps to judge behavior change yet",
    "early": "An early signal that coached behaviors rose; not confirmed yet",
    "not_moved": "No clear behavior change from coaching yet",
    "missing": "Behavior change: not measured this quarter",
}


def row_phrase(kind: str, side: str, **fill: str) -> str:
    """The words of :data:`ROW_PHRASINGS` ``[kind][side]`` with ``fill`` put in."""
    return ROW_PHRASINGS[kind][side].format(**fill)


GENERIC_PHRASING = Phrasing("{what}", "{what} is {value}", "{what} is {value}", magnitude=False)


def phrasing(estimate_id: str) -> Phrasing:
    base, _ = ids.parse(estimate_id)
    if base.startswith("funnel_team_"):
        return PHRASINGS["funnel_team"]
    return PHRASINGS.get(base, GENERIC_PHRASING)
