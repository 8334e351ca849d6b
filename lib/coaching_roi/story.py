"""Headline and caveat sentences made from the findings, by explicit rules over stored verdicts.

Every estimate already carries its verdict and reading (:mod:`coaching_roi.verdict` decides both);
this module only combines them:

* the headline rests on the evidence chain's layers: behavior change (layer 2) first, then the
  outcome link (layer 3) within its lag window; with no layer-2 evidence, the quartile gap;
* an estimate that is ``no_clear_change`` or ``too_few`` is never stated as a finding: the headline
  names what did not move (or cannot be told yet) without its number;
* a missing estimate is named as missing, with the reason the notebook recorded.

Functions take plain findings dicts (``coaching_roi.findings.load``) so they can be tested on
hand-built inputs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.config import quarter_label
from coaching_roi.estimate_ids import MILESTONES, POOLED  # noqa: F401 - re-exported for callers
from coaching_roi.plainwords import plain
from coaching_roi.pseudonyms import alias, alias_map, scrub  # noqa: F401 - re-exported for callers
from coaching_roi.stats import fmt_value

Classified = Literal["missing", "positive", "negative", "no_clear_change", "too_few"]

NOTEBOOKS = {
    "01": "01_data_intake",
    "02": "02_behavioral_scoring",
    "03": "03_cohort_comparison",
    "04": "04_coaching_plan",
    "05": "05_qbr_slides",
}

# Which notebook writes which estimate (so a missing estimate can be explained by its status).
SOURCE_NOTEBOOK = {
    "quartile_win_rate_gap": "03_cohort_comparison",
    "behavior_change": "03_cohort_comparison",
    "event_study_pretrend": "03_cohort_comparison",
    "win_rate_change_per_point": "03_cohort_comparison",
    "cycle_change_per_point": "03_cohort_comparison",
    "ramp_weeks_saved": "03_cohort_comparison",
    "six_month_attainment_gap": "03_cohort_comparison",
    "deal_cycle_pct_faster": "03_cohort_comparison",
    "ramp_value_usd": "03_cohort_comparison",
    "realized_value_usd": "03_cohort_comparison",
    "upside_value_usd": "03_cohort_comparison",
    "roi_pct": "03_cohort_comparison",
    "behavior_auc": "02_behavioral_scoring",
    "funnel_sessions_focused_share": "04_coaching_plan",
    "funnel_focus_coverage": "04_coaching_plan",
    "funnel_reps_below_benchmark": "04_coaching_plan",
}


# ------------------------------------------------------------------------------ small helpers
def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def classify(est: Mapping[str, Any] | None) -> Classified:
    """The stored verdict of an estimate, or ``missing`` when there is no estimate."""
    if not est or est.get("verdict") not in vd.VERDICTS:
        return "missing"
    return est["verdict"]


def value_text(estimate_id: str, est: Mapping[str, Any], *, signed: bool = False) -> str:
    """Format an estimate's value in its shown unit (e.g. '+18 pp', '3.2 weeks')."""
    return vd.value_text(estimate_id, est, signed=signed)


def missing_reason(findings: Mapping[str, Any], notebook: str) -> str:
    """Why a notebook's estimates are absent: its recorded skip reason, or that it has not run."""
    status = (findings.get("status") or {}).get(notebook)
    short = notebook.split("_", 1)[0]
    if status is None:
        return f"notebook {short} has not run for this quarter"
    if str(status).startswith("skipped"):
        why = str(status).split(":", 1)[1].strip() if ":" in str(status) else "no reason recorded"
        return f"notebook {short} skipped it: {plain(why)}"
    return f"notebook {short} ran but did not produce this estimate (an input it needs is missing)"


def reason_for(findings: Mapping[str, Any], estimate_id: str) -> str:
    """Why ``estimate_id`` is absent, in a reader's words: the notebook's ``extra.not_computed`` reason, else its status."""
    base = ids.base_of(estimate_id)
    nb = SOURCE_NOTEBOOK.get(base, "03_cohort_comparison")
    extra = (findings.get("extra") or {}).get(nb) or {}
    nc = extra.get("not_computed") if isinstance(extra, dict) else None
    if isinstance(nc, dict):
        keys = [estimate_id, base, base.replace("_pct_faster", "").replace("_weeks_saved", "").replace("_change_per_point", "")]
        if base in ("behavior_change", "event_study_pretrend", "win_rate_change_per_point", "cycle_change_per_point",
                    "realized_value_usd"):
            keys.append("layers_2_3")
        for key in keys:
            if key in nc:
                return plain(f"notebook {nb.split('_', 1)[0]}: {nc[key]}".rstrip("."))
    return plain(missing_reason(findings, nb))


def short_reason(findings: Mapping[str, Any], estimate_id: str) -> str:
    """The first clause of :func:`reason_for`, for a figure or a chip ("No coaching log")."""
    r = re.sub(r"^notebook \d\d(?: skipped it)?:\s*", "", reason_for(findings, estimate_id))
    head = r.split(": ")[0].split(". ")[0].strip().rstrip(".")
    if len(head) > 120:
        head = head[:119].rsplit(" ", 1)[0] + "…"
    return head[:1].upper() + head[1:]


def behavior_of(estimate_id: str) -> str | None:
    """'behavior_change::quantified_impact' -> 'quantified_impact'."""
    return ids.sub_of(estimate_id)


def estimates_with_prefix(findings: Mapping[str, Any], prefix: str) -> dict[str, dict]:
    """All estimates whose ID starts with ``prefix::``, keyed by the part after ``::``."""
    return ids.with_prefix(findings.get("estimates") or {}, prefix)


def _label(key: str | None, labels: Mapping[str, str] | None) -> str:
    return ids.sub_label(key, labels)


def sentence(estimate_id: str, est: Mapping[str, Any] | None, *, findings: Mapping[str, Any] | None = None,
             labels: Mapping[str, str] | None = None) -> str:  # noqa: ARG001 - labels kept for callers
    """The estimate's stored reading; for a missing estimate, what could not be computed and why."""
    if classify(est) == "missing":
        what = ids.label(estimate_id, labels)
        return f"{what} could not be computed ({reason_for(findings or {}, estimate_id)})."
    assert est is not None
    return str(est["reading"])


# ------------------------------------------------------------------------------- evidence layers
@dataclass(frozen=True)
class LayerSummary:
    """What layer 2 (behavior) or layer 3 (outcomes) shows across behaviors, with the IDs behind it."""

    state: Literal["missing", "too_few", "not_moved", "early", "moved", "fell", "not_observable", "unfair"]
    behaviors: tuple[str, ...]  # behaviors behind the state (e.g. the ones that moved)
    mean_value: float | None  # mean effect of those behaviors (points for layer 2)
    n: int  # largest n behind the state
    ids: tuple[str, ...] = ()  # the estimate IDs the state rests on


def _summary(state: str, prefix: str, chosen: dict[str, dict], *, with_value: bool = True) -> LayerSummary:
    bs = tuple(sorted(chosen))
    vals = [_num(chosen[b].get("value")) or 0.0 for b in bs]
    mean = (sum(vals) / len(vals)) if (vals and with_value) else None
    n = max((int(chosen[b].get("n") or 0) for b in bs), default=0)
    return LayerSummary(state, bs, mean, n, tuple(ids.make(prefix, b) for b in bs))  # type: ignore[arg-type]


def policy_of(findings: Mapping[str, Any]) -> vd.Policy:
    """The verdict policy a findings file was written with (its confidence and confirmation levels)."""
    return vd.Policy(level=float(findings.get("confidence_level") or 0.95),
                     confirm_level=float(findings.get("confirm_level") or vd.Policy.confirm_level))


def _established(est: Mapping[str, Any], policy: vd.Policy, eid: str) -> bool:
    return vd.state(est, policy, eid).key == "established"


def layer2(findings: Mapping[str, Any], policy: vd.Policy | None = None) -> LayerSummary:
    """Summarise behavior change across coached behaviors from their stored verdicts.

    ``moved``: at least one behavior's rise is established (:func:`verdict.state`: positive, on enough
    coached reps, and holding at the confirmation level) and its pre-trend check is not flagged;
    ``unfair``: the established rises come with a flagged pre-trend; ``early``: rises that are not
    established yet (an early signal, never a headline claim); ``fell``: an established fall;
    ``too_few``: every estimate is ``too_few``; ``not_moved``: otherwise; ``missing``: no estimate.
    The pooled estimate, when it qualifies, speaks for all coached behaviors at once.
    """
    policy = policy or policy_of(findings)
    changes = {b: e for b, e in estimates_with_prefix(findings, "behavior_change").items() if classify(e) != "missing"}
    pretrends = estimates_with_prefix(findings, "event_study_pretrend")
    if not changes:
        return LayerSummary("missing", (), None, 0)
    rose = {b: e for b, e in changes.items() if classify(e) == "positive"}
    confirmed = {b: e for b, e in rose.items() if _established(e, policy, ids.make("behavior_change", b))}
    fair = {b: e for b, e in confirmed.items() if classify(pretrends.get(b)) not in ("positive", "negative")}
    if POOLED in fair:
        fair = {POOLED: fair[POOLED]}
    elif POOLED in confirmed:
        confirmed = {POOLED: confirmed[POOLED]}
    if fair:
        return _summary("moved", "behavior_change", fair)
    if confirmed:
        return _summary("unfair", "behavior_change", confirmed)
    if rose:
        return _summary("early", "behavior_change", {POOLED: rose[POOLED]} if POOLED in rose else rose)
    fell = {b: e for b, e in changes.items() if classify(e) == "negative" and vd.confirmed(e, policy)}
    if fell:
        return _summary("fell", "behavior_change", fell)
    if all(classify(e) == "too_few" for e in changes.values()):
        return _summary("too_few", "behavior_change", changes)
    unclear = {b: e for b, e in changes.items() if classify(e) == "no_clear_change"}
    if POOLED in unclear:
        unclear = {POOLED: unclear[POOLED]}
    return _summary("not_moved", "behavior_change", unclear, with_value=False)


def layer3(findings: Mapping[str, Any], behaviors: Iterable[str] | None = None,
           policy: vd.Policy | None = None) -> LayerSummary:
    """Summarise the outcome link (win-rate change per point) for ``behaviors`` (default: all).

    ``moved``: an established positive link; ``fell``: a negative one that holds at the confirmation
    level; ``not_moved``: otherwise when there is a number (including clear but unconfirmed links);
    ``not_observable``: only ``too_few`` (no number yet, or too few coached reps) or no estimate.
    """
    policy = policy or policy_of(findings)
    links = estimates_with_prefix(findings, "win_rate_change_per_point")
    if behaviors is not None:
        wanted = set(behaviors) | {POOLED}
        links = {b: e for b, e in links.items() if b in wanted}
    links = {b: e for b, e in links.items() if classify(e) != "missing"}
    moved = {b: e for b, e in links.items()
             if classify(e) == "positive" and _established(e, policy, ids.make("win_rate_change_per_point", b))}
    fell = {b: e for b, e in links.items() if classify(e) == "negative" and vd.confirmed(e, policy)}
    unclear = {b: e for b, e in links.items() if classify(e) != "too_few" and b not in moved and b not in fell}
    for state, chosen in (("moved", moved), ("fell", fell), ("not_moved", unclear)):
        if chosen:
            return _summary(state, "win_rate_change_per_point", chosen, with_value=state != "not_moved")
    return _summary("not_observable", "win_rate_change_per_point", links, with_value=False)


def _behaviors_phrase(behaviors: Iterable[str], labels: Mapping[str, str] | None) -> str:
    behaviors = list(behaviors)
    if POOLED in behaviors:
        return "the coached behaviors"
    names = [f"“{_label(b, labels)}”" if labels and b in labels else _label(b, labels) for b in behaviors]
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
    single 95% interval's chance error never becomes the title; an early signal is named as such.
    """
    policy = policy or policy_of(findings)
    l2 = layer2(findings, policy)
    nxt = quarter_label(quarter, 1)
    gap = (findings.get("estimates") or {}).get("quartile_win_rate_gap")
    gap_v = classify(gap)
    if gap_v == "positive" and not _established(gap, policy, "quartile_win_rate_gap"):
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


def caveats(
    findings: Mapping[str, Any],
    *,
    quarter: str,
    labels: Mapping[str, str] | None = None,
    isolation_factor: float | None = None,
    confidence_discount: float | None = None,
) -> list[str]:
    """The caveats a reader must hear, each as one sentence (order: strongest first)."""
    out: list[str] = []
    est = findings.get("estimates") or {}
    for b, e in sorted(estimates_with_prefix(findings, "event_study_pretrend").items()):
        if classify(e) in ("positive", "negative"):
            out.append(
                f"Pre-trend check fails for {_label(b, labels)}: coached reps were already diverging "
                f"before coaching ({value_text('event_study_pretrend::' + b, e, signed=True)} per week), "
                "so that behavior change may be overstated."
            )
    few = sorted(k for k, e in est.items() if classify(e) == "too_few")
    if few:
        policy = vd.Policy()
        out.append(
            "Too few to tell yet: " + "; ".join(
                f"{ids.label(k, labels)} ({int(est[k].get('n') or 0)} {est[k].get('n_unit', 'units')}, "
                f"{policy.min_for(str(est[k].get('n_unit', 'reps')))} needed)" for k in few)
            + ". These are not findings yet; the evidence backup says what would settle each."
        )
    l2 = layer2(findings)
    l3 = layer3(findings, l2.behaviors if l2.behaviors else None)
    if l3.state == "not_observable" and l2.state != "missing":
        out.append(
            f"Win-rate effects lag behavior change; the lagged comparison is not observable yet, "
            f"so we will bring it when {quarter_label(quarter, 1)} deals close."
        )
    if classify(est.get("quartile_win_rate_gap")) == "positive":
        out.append("Score quartiles show that behaviors predict wins, not that coaching caused the scores.")
    if "roi_pct" in est and isolation_factor is not None and confidence_discount is not None:
        out.append(
            f"ROI counts {isolation_factor * 100:.0f}% of the measured benefit as coaching's (isolation factor) "
            f"and discounts it to {confidence_discount * 100:.0f}% confidence; both are assumptions set in params."
        )
    out.append("Reps were not randomly assigned to coaching; comparisons are with uncoached reps over the same weeks.")
    return out


# ------------------------------------------------------------------------------- example reps
def _fmt_score(x: Any) -> str:
    v = _num(x)
    return "n/a" if v is None else f"{v:.1f}"


def _fmt_rate(x: Any) -> str:
    v = _num(x)
    return "n/a" if v is None else f"{v * 100:.0f}%"


def intervention_sentence(row: Mapping[str, Any], *, labels: Mapping[str, str] | None = None,
                          with_behavior: bool = True) -> str:
    """One sentence from the coaching log: behavior, sessions, start, and the observable committed to.

    ``with_behavior=False`` leaves the behavior out (when it is shown beside the sentence).
    """
    b = row.get("behavior")
    if b and labels and b in labels:
        label = f"“{labels[b]}”"
    elif b:
        label = _label(b, labels)
    else:
        label = str(row.get("behavior_label") or "")
    n_sessions = int(_num(row.get("n_sessions")) or 0)
    start = row.get("first_session_date")
    start_txt = ""
    if start is not None and str(start) not in ("NaT", "nan", "None", ""):
        try:
            import pandas as pd

            start_txt = f" from {pd.Timestamp(start):%d %b}"
        except (ValueError, TypeError):
            start_txt = ""
    obs = row.get("observable")
    obs = None if obs is None or str(obs).strip() in ("", "nan", "None", "<NA>") else str(obs).strip().rstrip(".")
    sessions = f"{n_sessions} session{'s' if n_sessions != 1 else ''}"
    lead = f"Coached on {label} in {sessions}{start_txt}" if with_behavior else f"{sessions[:1].upper()}{sessions[1:]}{start_txt}"
    if obs:
        return f"{lead}; committed to: “{obs}”."
    return f"{lead}; no observable was recorded."


def score_text(row: Mapping[str, Any], *, scale_max: float = 10) -> str:
    """'Score 4.9 → 6.1 of 10 (+1.3)' on the coached behavior."""
    sb, sa = _num(row.get("before_score")), _num(row.get("after_score"))
    out = f"Score {_fmt_score(sb)} → {_fmt_score(sa)} of {scale_max:g}"
    if sb is not None and sa is not None:
        out += f" ({sa - sb:+.1f})"
    return out


def _rate_with_interval(rate: float | None, n: int, level: float, *, ci_label: bool) -> str:
    from coaching_roi.stats import wilson_interval

    if rate is None or n <= 0:
        return "no closed deals"
    lo, hi = wilson_interval(int(round(rate * n)), n, level)
    ci = f"{level * 100:g}% CI " if ci_label else ""
    return f"{rate * 100:.0f}% of {n} deals ({ci}{lo * 100:.0f}–{hi * 100:.0f}%)"


def win_rate_text(row: Mapping[str, Any], *, level: float = 0.95) -> str:
    """'Win rate 30% of 23 deals (95% CI 16–50%) → 41% of 22 deals (23–61%)', Wilson intervals at ``level``."""
    wb, wa = _num(row.get("win_rate_before")), _num(row.get("win_rate_after"))
    nb, na = int(_num(row.get("n_deals_before")) or 0), int(_num(row.get("n_deals_after")) or 0)
    before = _rate_with_interval(wb, nb, level, ci_label=True)
    if wa is None or na == 0:
        return f"Win rate {before} before; no deals closed since coaching yet"
    return f"Win rate {before} → {_rate_with_interval(wa, na, level, ci_label=False)}"


def movement_sentence(row: Mapping[str, Any], *, min_deals: int = 5, scale_max: float = 10, level: float = 0.95) -> str:
    """Before/after score and win rate (with Wilson intervals at ``level`` and deal counts)."""
    nb, na = int(_num(row.get("n_deals_before")) or 0), int(_num(row.get("n_deals_after")) or 0)
    out = f"{score_text(row, scale_max=scale_max)}. {win_rate_text(row, level=level)}."
    if 0 < min(nb, na) < min_deals:
        out += " On so few deals the intervals are wide: a rep's win rate can swing this much by chance."
    return out


def headcount_sentence(ramp_value: Mapping[str, Any] | None, *, role_cost: float) -> str | None:
    """The headcount argument (seed 000): ramp value vs one enablement role — only when clearly positive.

    Uses the interval's lower end, so the claim holds across the whole interval; returns None when
    the value is missing, uncertain or too small to cover one role.
    """
    if classify(ramp_value) != "positive" or not role_cost or role_cost <= 0:
        return None
    assert ramp_value is not None
    lo = _num(ramp_value.get("ci_low")) or 0.0
    times = lo / role_cost
    if times < 1:
        return None
    return (
        f"Even at the low end of its interval, faster ramp is worth {fmt_value(lo, 'usd')} a year — "
        f"{times:.1f}× the {fmt_value(role_cost, 'usd')} cost of one enablement role."
    )
