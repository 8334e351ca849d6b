"""The title slide's headline and the deck's chain titles, by explicit rules over the layers.

Behavior change (layer 2) first, then the outcome link (layer 3) within its lag window; with no
layer-2 evidence, the quartile gap. A number is stated only from an established estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.config import quarter_label
from coaching_roi.estimate_ids import POOLED
from coaching_roi.stats import fmt_value
from coaching_roi.story.estimates import classify, sentence, value_text
from coaching_roi.story.layers import is_established, layer2, layer3, policy_of


def _behaviors_phrase(behaviors: Iterable[str], labels: Mapping[str, str] | None) -> str:
    behaviors = list(behaviors)
    if POOLED in behaviors:
        return "the coached behaviors"
    names = [f"“{ids.sub_label(b, labels)}”" if labels and b in labels else ids.sub_label(b, labels) for b in behaviors]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return "the coached behaviors"


@dataclass(frozen=True)
class Headline:
    """The title slide's sentence and the estimate IDs it rests on."""

    text: str
    ids: tuple[str, ...]


def headline_with_ids(findings: Mapping[str, Any], *, quarter: str, labels: Mapping[str, str] | None = None,
                      policy: vd.Policy | None = None) -> Headline:
    """The title slide's one sentence, from the layers' stored verdicts (rules in the module docstring).

    Order of rules: behavior change (layer 2) first, because it is what coaching can move every
    quarter; then the outcome link (layer 3) within the lag window; with no layer 2 evidence the
    quartile gap (scores predict wins) is the most the deck can say. A number is stated only from an
    estimate that is established (clear, on enough units, and holding at the confirmation level), so a
    single interval's chance error (at the run's level) never becomes the title; an early signal is named as such.
    """
    policy = policy or policy_of(findings)
    l2 = layer2(findings, policy)
    nxt = quarter_label(quarter, 1)
    gap = (findings.get("estimates") or {}).get("quartile_win_rate_gap")
    gap_v = classify(gap)
    if gap_v == "positive" and not is_established(gap, policy, "quartile_win_rate_gap"):
        gap_v = "early"
    elif gap_v == "negative" and not vd.confirmed(gap, policy):
        gap_v = "no_clear_change"
    if l2.state in ("moved", "unfair"):
        what = _behaviors_phrase(l2.behaviors, labels)
        pts = fmt_value(l2.mean_value, "points")
        if l2.state == "unfair":
            pre = tuple(ids.make("event_study_pretrend", b) for b in l2.behaviors)
            return Headline(
                f"Scores on {what} rose {pts} after coaching, but coached reps were already improving "
                f"before it, so we are not yet claiming coaching moved them; we re-check in {nxt}.", l2.ids + pre)
        l3 = layer3(findings, l2.behaviors, policy)
        if l3.state == "moved":
            return Headline(
                f"Coaching moved {what} scores up {pts}, and reps whose scores rose also won more deals "
                f"({fmt_value(l3.mean_value, 'pp', signed=True)} win rate per point).", l2.ids + l3.ids)
        if l3.state == "fell":
            return Headline(
                f"Coaching moved {what} scores up {pts}, but reps whose scores rose won fewer deals "
                f"({fmt_value(l3.mean_value, 'pp', signed=True)} win rate per point); we are reviewing what is coached.",
                l2.ids + l3.ids)
        return Headline(
            f"Scores on {what} rose {pts} on average; win rates have not moved yet — "
            f"we are watching the cohort through {nxt}.", l2.ids + l3.ids)
    if l2.state == "early":
        what = _behaviors_phrase(l2.behaviors, labels)
        return Headline(
            f"Not confirmed yet whether coaching lifted scores on {what}: an early signal from {l2.n} coached reps, "
            f"so we make no revenue claim this quarter and re-check in {nxt}.", l2.ids)
    if l2.state == "fell":
        what = _behaviors_phrase(l2.behaviors, labels)
        return Headline(
            f"Scores on {what} fell {fmt_value(abs(l2.mean_value or 0.0), 'points')} after coaching — "
            "the coaching is not landing as planned, and we are changing the approach.", l2.ids)
    if l2.state == "too_few":
        return Headline(
            f"Too few coached reps (at most {l2.n}) to tell whether coaching moved scores this quarter; "
            f"we keep measuring through {nxt}.", l2.ids)
    if l2.state == "not_moved":
        if gap_v == "positive":
            return Headline(
                "Coaching has not clearly moved call scores yet, so we make no revenue claim this quarter; "
                f"higher-scoring reps still win more ({value_text('quartile_win_rate_gap', gap, signed=True)} "
                "top vs bottom quartile).", l2.ids + ("quartile_win_rate_gap",))
        return Headline("Coaching has not clearly moved call scores yet, so we make no revenue claim this quarter.", l2.ids)
    # layer 2 missing: the quartile gap is all the deck can stand on
    if gap_v == "early":
        return Headline("No confirmed win-rate difference between score quartiles yet (an early signal only), and "
                        "coaching's effect on scores is not measured yet.", ("quartile_win_rate_gap",))
    if gap_v == "positive":
        return Headline(
            f"Higher-scoring reps win more: the top score quartile wins "
            f"{value_text('quartile_win_rate_gap', gap)} more of its deals than the bottom "
            f"({vd.interval_text('quartile_win_rate_gap', gap, policy)}); coaching's effect on scores is not measured yet.",
            ("quartile_win_rate_gap",))
    if gap_v == "negative":
        return Headline("Higher call scores did not go with higher win rates this quarter; we are reviewing the rubric.",
                        ("quartile_win_rate_gap",))
    if gap_v in ("no_clear_change", "too_few"):
        return Headline("No clear win-rate difference between score quartiles this quarter, and coaching's effect on "
                        "scores is not measured yet.", ("quartile_win_rate_gap",))
    return Headline("Not enough data this quarter to connect coaching to outcomes — the appendix lists what is missing.", ())


def headline(findings: Mapping[str, Any], *, quarter: str, labels: Mapping[str, str] | None = None,
             policy: vd.Policy | None = None) -> str:
    """The title slide's one sentence (see :func:`headline_with_ids`)."""
    return headline_with_ids(findings, quarter=quarter, labels=labels, policy=policy).text


def chain_title(findings: Mapping[str, Any], policy: vd.Policy | None = None) -> str:
    """Slide 1's title: what the evidence chain shows, from the same layer verdicts as the headline."""
    l2 = layer2(findings, policy)
    if l2.state == "moved":
        l3 = layer3(findings, l2.behaviors, policy)
        if l3.state == "moved":
            return "Coaching moved behavior; reps whose behavior moved won more"
        if l3.state == "fell":
            return "Coaching moved behavior, but reps whose behavior moved won less"
        return "Coaching moved call behavior; its effect on wins is not visible yet"
    return {
        "unfair": "Call behavior rose, but coached reps were already improving before coaching",
        "early": "An early signal that coaching lifts call behavior; not confirmed yet, so no outcome is credited to it",
        "fell": "Coached behavior fell against comparison reps",
        "too_few": "Too few coached reps yet to tell whether coaching moves call behavior",
        "not_moved": "Coaching has not clearly moved call behavior yet, so no outcome is credited to it",
    }.get(l2.state, "The evidence chain cannot be measured yet: coaching or call data are missing")


def chain_link_name(estimate_id: str) -> str:
    """What a reader calls the chain link an estimate speaks for ("win-rate link")."""
    return {
        "behavior_change": "behavior change", "win_rate_change_per_point": "win-rate link",
        "cycle_change_per_point": "deal-cycle link", "ramp_weeks_saved": "ramp difference",
        "realized_value_usd": "realized value", "event_study_pretrend": "fairness check",
    }.get(ids.base_of(estimate_id), ids.label(estimate_id).lower())


def examples_framing(findings: Mapping[str, Any], n_reps: int, policy: vd.Policy | None = None) -> tuple[str, str]:
    """Slide 2's title and lead for the example reps, phrased from the team-level verdicts.

    Unless the team-level outcome link is positive, the reps' win-rate moves are individual
    examples, never evidence that outcomes moved.
    """
    l2 = layer2(findings, policy)
    l3 = layer3(findings, l2.behaviors if l2.behaviors else None, policy)
    picked = f"{n_reps} rep{'s' if n_reps != 1 else ''} picked by a fixed rule"
    if l2.state == "moved" and l3.state == "moved":
        return ("Coached reps: what they worked on, and what moved",
                f"{picked}; team-wide, the link from behavior to wins is positive, and these are examples of it.")
    if l2.state == "moved":
        return ("Coached reps: behavior moved; win rates are single cases",
                f"{picked}. Team-wide, the win-rate link is not visible yet: these are examples, not evidence.")
    team = {"missing": "the team-wide behavior change could not be measured",
            "early": "the team-wide behavior change is an early signal, not confirmed yet"}.get(
        l2.state, "team-wide, behavior did not clearly move")
    return ("Coached reps: individual cases, not a team-wide result",
            f"{picked}, but {team}: cases to learn from, not evidence.")


def gap_sentence(findings: Mapping[str, Any]) -> str:
    """Slide 1's sentence: the top-minus-bottom quartile gap in plain words."""
    est = (findings.get("estimates") or {}).get("quartile_win_rate_gap")
    return sentence("quartile_win_rate_gap", est, findings=findings)
