"""Headline and caveat sentences made from estimates, by explicit rules.

Every sentence the QBR deck shows comes from here. The rules are deliberately simple and each one
is tested:

* an estimate whose interval covers zero is read as "no clear difference", never as an effect;
* an estimate with fewer than ``min_n`` units gets a warning instead of a confident sentence;
* when coached behaviors moved (layer 2) but win rates did not, or cannot be seen yet (layer 3),
  the headline says so and names the quarter we are watching;
* a missing estimate is named as missing, with the reason the notebook recorded.

Functions take plain findings dicts (``coaching_roi.findings.load``) so they can be tested on
hand-built inputs.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from coaching_roi.config import quarter_label
from coaching_roi.stats import fmt_interval, fmt_value

Verdict = Literal["missing", "no_interval", "small_n", "covers_zero", "positive", "negative"]

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
    "ramp_weeks_saved": "03_cohort_comparison",
    "six_month_attainment_gap": "03_cohort_comparison",
    "deal_cycle_pct_faster": "03_cohort_comparison",
    "ramp_value_usd": "03_cohort_comparison",
    "cycle_value_usd": "03_cohort_comparison",
    "roi_pct": "03_cohort_comparison",
    "behavior_auc": "02_behavioral_scoring",
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


def display_unit(estimate_id: str, unit: str) -> str:
    """Return the unit to show: differences of fractions read as percentage points."""
    base = estimate_id.split("::")[0]
    if unit == "fraction" and base in ("quartile_win_rate_gap", "six_month_attainment_gap", "win_rate_change_per_point"):
        return "pp"
    return unit


def classify(est: Mapping[str, Any] | None, *, min_n: int = 5) -> Verdict:
    """Read one estimate by the deck's rules.

    ``missing`` (absent or no value) → ``no_interval`` (value without an interval) → ``small_n``
    (n below ``min_n``, or flagged ``small_sample`` by the notebook that made it, e.g. 4 hires per
    program) → ``covers_zero`` → ``positive`` (interval above zero) or ``negative``.
    """
    if not est or _num(est.get("value")) is None:
        return "missing"
    lo, hi = _num(est.get("ci_low")), _num(est.get("ci_high"))
    if lo is None or hi is None:
        return "no_interval"
    if int(est.get("n") or 0) < min_n or est.get("small_sample"):
        return "small_n"
    if lo <= 0 <= hi:
        return "covers_zero"
    return "positive" if lo > 0 else "negative"


def value_text(estimate_id: str, est: Mapping[str, Any], *, signed: bool = False) -> str:
    """Format an estimate's value in its display unit (e.g. '+18 pp', '3.2 weeks')."""
    unit = display_unit(estimate_id, est.get("unit", ""))
    return fmt_value(_num(est.get("value")), unit, signed=signed)


def interval_text(estimate_id: str, est: Mapping[str, Any], *, level: float = 0.95) -> str:
    """Format an estimate's interval, e.g. '95% CI 4 pp to 22 pp'."""
    unit = display_unit(estimate_id, est.get("unit", ""))
    lo, hi = _num(est.get("ci_low")), _num(est.get("ci_high"))
    if lo is None or hi is None:
        return "no interval available"
    return f"{level * 100:.0f}% CI {fmt_interval(lo, hi, unit)}"


def n_text(n: Any, unit_name: str = "reps") -> str:
    """'n = 30 reps'."""
    return f"n = {int(n or 0)} {unit_name}"


def missing_reason(findings: Mapping[str, Any], notebook: str) -> str:
    """Why a notebook's estimates are absent: its recorded skip reason, or that it has not run."""
    status = (findings.get("status") or {}).get(notebook)
    short = notebook.split("_", 1)[0]
    if status is None:
        return f"notebook {short} has not run for this quarter"
    if str(status).startswith("skipped"):
        why = str(status).split(":", 1)[1].strip() if ":" in str(status) else "no reason recorded"
        return f"notebook {short} skipped it: {why}"
    return f"notebook {short} ran but did not produce this estimate (an input it needs is missing)"


def reason_for(findings: Mapping[str, Any], estimate_id: str) -> str:
    """Why ``estimate_id`` is absent: the notebook's ``extra.not_computed`` reason, else its status."""
    base = estimate_id.split("::")[0]
    nb = SOURCE_NOTEBOOK.get(base, "03_cohort_comparison")
    extra = (findings.get("extra") or {}).get(nb) or {}
    nc = extra.get("not_computed") if isinstance(extra, dict) else None
    if isinstance(nc, dict):
        for key in (estimate_id, base, base.replace("_pct_faster", "").replace("_weeks_saved", "")):
            if key in nc:
                return f"notebook {nb.split('_', 1)[0]}: {nc[key]}"
    return missing_reason(findings, nb)


def behavior_of(estimate_id: str) -> str | None:
    """'behavior_change::quantified_impact' -> 'quantified_impact'."""
    return estimate_id.split("::", 1)[1] if "::" in estimate_id else None


def estimates_with_prefix(findings: Mapping[str, Any], prefix: str) -> dict[str, dict]:
    """All estimates whose ID starts with ``prefix::``, keyed by the part after ``::``."""
    out = {}
    for k, v in (findings.get("estimates") or {}).items():
        if k.startswith(prefix + "::"):
            out[k.split("::", 1)[1]] = v
    return out


def _label(key: str | None, labels: Mapping[str, str] | None) -> str:
    if key is None:
        return ""
    if key == POOLED:
        return "coached-behavior (all pooled)"
    if labels and key in labels:
        return labels[key]
    return key.replace("_", " ")


# --------------------------------------------------------------------------- generic sentence
@dataclass(frozen=True)
class Phrasing:
    """How to say one kind of estimate: what it measures and what each direction means."""

    what: str  # e.g. "the win-rate gap between top- and bottom-quartile reps"
    positive: str  # with {value}: e.g. "top-quartile reps won {value} more of their deals"
    negative: str  # e.g. "bottom-quartile reps won {value} more"
    n_unit: str = "reps"


PHRASINGS: dict[str, Phrasing] = {
    "quartile_win_rate_gap": Phrasing(
        "the win-rate gap between top- and bottom-quartile reps",
        "top-quartile reps won {value} more of their closed deals than bottom-quartile reps",
        "bottom-quartile reps won {value} more of their closed deals than top-quartile reps",
    ),
    "behavior_change": Phrasing(
        "the change in {behavior} scores after coaching",
        "coached reps' {behavior} scores rose {value} more than uncoached reps' did",
        "coached reps' {behavior} scores fell {value} relative to uncoached reps",
        "coached reps",
    ),
    "win_rate_change_per_point": Phrasing(
        "the link between {behavior} score change and win-rate change",
        "reps whose {behavior} score rose won {value} more deals per point gained",
        "reps whose {behavior} score rose won {value} fewer deals per point gained",
    ),
    "ramp_weeks_saved": Phrasing(
        "the ramp-time difference between onboarding programs ({milestone})",
        "new hires in the structured program reached {milestone} {value} sooner",
        "new hires in the structured program reached {milestone} {value} later",
        "new hires",
    ),
    "six_month_attainment_gap": Phrasing(
        "the 6-month quota attainment gap between onboarding programs",
        "the structured program's new hires reached {value} more of quota by month six",
        "the structured program's new hires reached {value} less of quota by month six",
        "new hires",
    ),
    "deal_cycle_pct_faster": Phrasing(
        "the deal-cycle difference between high and low {behavior} scorers",
        "deals scored high on {behavior} closed {value} faster",
        "deals scored high on {behavior} closed {value} slower",
        "deals",
    ),
    "roi_pct": Phrasing(
        "the coaching ROI",
        "the program returned {value} on its cost after attribution",
        "the program returned {value} on its cost after attribution (a loss)",
        "reps",
    ),
    "ramp_value_usd": Phrasing(
        "the value of faster ramp",
        "faster ramp is worth {value} in ARR a year",
        "slower ramp costs {value} in ARR a year",
        "new hires",
    ),
    "cycle_value_usd": Phrasing(
        "the value of shorter deal cycles",
        "shorter cycles are worth {value} in ARR throughput a year",
        "longer cycles cost {value} in ARR throughput a year",
        "AEs",
    ),
    "behavior_auc": Phrasing(
        "how well call scores predict wins (cross-validated AUC)",
        "call scores predict wins better than chance (AUC {value})",
        "call scores predict wins worse than chance (AUC {value})",
        "deals",
    ),
    "event_study_pretrend": Phrasing(
        "the pre-coaching trend check for {behavior}",
        "coached reps' {behavior} scores were already rising {value} before coaching",
        "coached reps' {behavior} scores were already falling {value} before coaching",
        "coached reps",
    ),
}

POOLED = "all"  # behavior key of the pooled estimate (all coached behaviors together)

MILESTONES = {"first_win": "their first won deal", "quota_80": "80% of monthly quota"}


def sentence(
    estimate_id: str,
    est: Mapping[str, Any] | None,
    *,
    findings: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    min_n: int = 5,
) -> str:
    """One plain-English sentence for an estimate that never claims more than its interval.

    Branches: missing (with the recorded reason), no interval (indicative only), small n (a
    warning), covers zero ("no clear difference"), positive and negative (the direction stated
    with its interval and n). AUC is compared with 0.5, not zero.
    """
    base = estimate_id.split("::")[0]
    sub = behavior_of(estimate_id)
    ph = PHRASINGS.get(base, Phrasing(estimate_id.replace("_", " "), "{value}", "{value}"))
    fill = {"behavior": _label(sub, labels), "milestone": MILESTONES.get(sub or "", _label(sub, labels))}
    what = ph.what.format(**fill)
    verdict = classify(est, min_n=min_n)
    if verdict == "missing":
        why = reason_for(findings or {}, estimate_id)
        reading = (est or {}).get("reading")
        if est and reading:  # the notebook recorded why (e.g. "not yet observable")
            return f"{what[:1].upper() + what[1:]} is not available: {reading}"
        return f"{what[:1].upper() + what[1:]} could not be computed ({why})."
    assert est is not None
    n_unit = ph.n_unit
    val = value_text(estimate_id, est)
    ci = interval_text(estimate_id, est)
    n = int(est.get("n") or 0)
    lag = est.get("lag_quarters")
    lag_txt = f" ({int(lag)} quarter{'s' if int(lag) != 1 else ''} later)" if lag else ""
    if base == "behavior_auc":
        _v, lo, hi = _num(est["value"]), _num(est.get("ci_low")), _num(est.get("ci_high"))
        if verdict in ("no_interval", "small_n"):
            return f"Call scores gave an AUC of {val} on only {n} deals ({ci}); too little to judge prediction."
        if lo is not None and lo > 0.5:
            return f"Call scores predict wins better than chance: AUC {val} ({ci}, {n_text(n, n_unit)}) — prediction, not proof of cause."
        if hi is not None and hi < 0.5:
            return f"Call scores predict wins no better than chance (AUC {val}, {ci}, {n_text(n, n_unit)})."
        return f"No clear evidence that call scores predict wins: AUC {val} ({ci}, {n_text(n, n_unit)}) is close to chance (0.50)."
    if verdict == "no_interval":
        return (
            f"{what[:1].upper() + what[1:]} is {val}{lag_txt}, but no interval could be computed "
            f"({n_text(n, n_unit)}), so treat it as indicative only."
        )
    if verdict == "small_n":
        return (
            f"Too few {n_unit} ({n}{', split into small groups' if est.get('small_sample') else ''}) to read "
            f"{what}{lag_txt}: {val} ({ci}) is a warning sign to watch, not a finding."
        )
    if verdict == "covers_zero":
        if base == "event_study_pretrend":
            return (
                f"Before coaching, coached and uncoached reps' {fill['behavior']} scores moved alike "
                f"({val}, {ci}, {n_text(n, n_unit)}), so the comparison looks fair."
            )
        return f"No clear difference in {what}{lag_txt}: {val} ({ci}, {n_text(n, n_unit)}); the interval includes zero."
    absval = {**est, "value": abs(_num(est["value"]) or 0.0)}
    template = ph.positive if verdict == "positive" else ph.negative
    claim = template.format(value=value_text(estimate_id, absval), **fill)
    out = f"{claim[:1].upper() + claim[1:]}{lag_txt} ({ci}, {n_text(n, n_unit)})."
    if base == "event_study_pretrend":
        out += " The comparison may not be fair; read the behavior change with care."
    return out


# ------------------------------------------------------------------------------- evidence layers
@dataclass(frozen=True)
class LayerSummary:
    """What layer 2 (behavior) or layer 3 (outcomes) shows across behaviors."""

    state: Literal["missing", "small_n", "not_moved", "moved", "fell", "not_observable", "unfair"]
    behaviors: tuple[str, ...]  # behaviors behind the state (e.g. the ones that moved)
    mean_value: float | None  # mean effect of those behaviors (points for layer 2)
    n: int  # largest n behind the state


def layer2(findings: Mapping[str, Any], *, min_n: int = 5) -> LayerSummary:
    """Summarise behavior change across coached behaviors.

    ``moved``: at least one behavior's interval lies above zero and its pre-trend check does not
    flag it; ``unfair``: the only rises come with a flagged pre-trend; ``fell``: only falls;
    ``small_n``: every estimate rests on fewer than ``min_n`` reps; ``not_moved``: intervals
    cover zero; ``missing``: no estimate.
    """
    changes = estimates_with_prefix(findings, "behavior_change")
    pretrends = estimates_with_prefix(findings, "event_study_pretrend")
    verdicts = {b: classify(e, min_n=min_n) for b, e in changes.items()}
    verdicts = {b: v for b, v in verdicts.items() if v != "missing"}
    if not verdicts:
        return LayerSummary("missing", (), None, 0)
    ns = {b: int(changes[b].get("n") or 0) for b in verdicts}
    rose = [b for b, v in verdicts.items() if v == "positive"]
    fair = [b for b in rose if classify(pretrends.get(b), min_n=1) not in ("positive", "negative")]
    if POOLED in fair:  # the pooled estimate speaks for all coached behaviors at once
        fair = [POOLED]
    if fair:
        vals = [_num(changes[b]["value"]) or 0.0 for b in fair]
        return LayerSummary("moved", tuple(sorted(fair)), sum(vals) / len(vals), max(ns[b] for b in fair))
    if rose:
        vals = [_num(changes[b]["value"]) or 0.0 for b in rose]
        return LayerSummary("unfair", tuple(sorted(rose)), sum(vals) / len(vals), max(ns[b] for b in rose))
    fell = [b for b, v in verdicts.items() if v == "negative"]
    if fell:
        vals = [_num(changes[b]["value"]) or 0.0 for b in fell]
        return LayerSummary("fell", tuple(sorted(fell)), sum(vals) / len(vals), max(ns[b] for b in fell))
    if all(v in ("small_n", "no_interval") for v in verdicts.values()):
        bs = tuple(sorted(verdicts))
        vals = [_num(changes[b]["value"]) or 0.0 for b in bs]
        return LayerSummary("small_n", bs, sum(vals) / len(vals), max(ns.values()))
    bs = tuple(sorted(verdicts))
    vals = [_num(changes[b]["value"]) or 0.0 for b in bs]
    return LayerSummary("not_moved", bs, sum(vals) / len(vals), max(ns.values()))


def layer3(findings: Mapping[str, Any], behaviors: Iterable[str] | None = None, *, min_n: int = 5) -> LayerSummary:
    """Summarise the outcome link (win-rate change per point) for ``behaviors`` (default: all).

    ``moved``: an interval above zero; ``fell``: only below; ``not_moved``: intervals cover zero
    (or too small / no interval); ``not_observable``: no estimate with a value yet (lag window).
    """
    links = estimates_with_prefix(findings, "win_rate_change_per_point")
    if behaviors is not None:
        wanted = set(behaviors) | {POOLED}
        links = {b: e for b, e in links.items() if b in wanted}
    verdicts = {b: classify(e, min_n=min_n) for b, e in links.items()}
    verdicts = {b: v for b, v in verdicts.items() if v != "missing"}
    if not verdicts:
        return LayerSummary("not_observable", tuple(sorted(links)), None, 0)
    ns = {b: int(links[b].get("n") or 0) for b in verdicts}
    for state, want in (("moved", "positive"), ("fell", "negative")):
        bs = tuple(sorted(b for b, v in verdicts.items() if v == want))
        if bs:
            vals = [_num(links[b]["value"]) or 0.0 for b in bs]
            return LayerSummary(state, bs, sum(vals) / len(vals), max(ns[b] for b in bs))
    bs = tuple(sorted(verdicts))
    return LayerSummary("not_moved", bs, None, max(ns.values()))


def _behaviors_phrase(behaviors: Iterable[str], labels: Mapping[str, str] | None) -> str:
    behaviors = list(behaviors)
    if POOLED in behaviors:
        return "the coached behaviors"
    names = [_label(b, labels) for b in behaviors]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return "the coached behaviors"


def headline(
    findings: Mapping[str, Any],
    *,
    quarter: str,
    labels: Mapping[str, str] | None = None,
    min_n: int = 5,
) -> str:
    """The title slide's one sentence, from the layers' states (rules in the module docstring).

    Order of rules: behavior change (layer 2) first, because it is what coaching can move every
    quarter; then the outcome link (layer 3) within the lag window; with no layer 2 evidence the
    quartile gap (scores predict wins) is the most the deck can say.
    """
    l2 = layer2(findings, min_n=min_n)
    nxt = quarter_label(quarter, 1)
    gap = (findings.get("estimates") or {}).get("quartile_win_rate_gap")
    gap_v = classify(gap, min_n=min_n)
    if l2.state in ("moved", "unfair"):
        what = _behaviors_phrase(l2.behaviors, labels)
        pts = fmt_value(l2.mean_value, "points")
        if l2.state == "unfair":
            return (
                f"Scores on {what} rose {pts} after coaching, but coached reps were already improving "
                f"before it, so we are not yet claiming coaching moved them; we re-check in {nxt}."
            )
        l3 = layer3(findings, l2.behaviors, min_n=min_n)
        if l3.state == "moved":
            return (
                f"Coaching moved {what} scores up {pts}, and reps whose scores rose also won more deals "
                f"({fmt_value(l3.mean_value, 'pp', signed=True)} win rate per point)."
            )
        return (
            f"Scores on {what} rose {pts} on average; win rates have not moved yet — "
            f"we are watching the cohort through {nxt}."
        )
    if l2.state == "fell":
        what = _behaviors_phrase(l2.behaviors, labels)
        return (
            f"Scores on {what} fell {fmt_value(abs(l2.mean_value or 0.0), 'points')} after coaching — "
            "the coaching is not landing as planned, and we are changing the approach."
        )
    if l2.state == "small_n":
        return (
            f"Too few coached reps (at most {l2.n}) to tell whether coaching moved scores this quarter; "
            f"we keep measuring through {nxt}."
        )
    if l2.state == "not_moved":
        tail = ""
        if gap_v == "positive":
            tail = (
                f"; higher-scoring reps still win more ({value_text('quartile_win_rate_gap', gap)} "
                "top vs bottom quartile)"
            )
        return f"Coaching has not clearly moved call scores yet, so we make no revenue claim this quarter{tail}."
    # layer 2 missing: the quartile gap is all the deck can stand on
    if gap_v == "positive":
        return (
            f"Higher-scoring reps win more: the top score quartile wins "
            f"{value_text('quartile_win_rate_gap', gap)} more of its deals than the bottom "
            f"({interval_text('quartile_win_rate_gap', gap)}); coaching's effect on scores is not measured yet."
        )
    if gap_v == "negative":
        return "Higher call scores did not go with higher win rates this quarter; we are reviewing the rubric."
    if gap_v in ("covers_zero", "small_n", "no_interval"):
        return (
            "No clear win-rate difference between score quartiles this quarter, and coaching's effect on "
            "scores is not measured yet."
        )
    return "Not enough data this quarter to connect coaching to outcomes — the appendix lists what is missing."


def gap_sentence(findings: Mapping[str, Any], *, min_n: int = 5) -> str:
    """Slide 1's sentence: the top-minus-bottom quartile gap in plain words."""
    est = (findings.get("estimates") or {}).get("quartile_win_rate_gap")
    s = sentence("quartile_win_rate_gap", est, findings=findings, min_n=min_n)
    if classify(est, min_n=min_n) == "positive":
        s += " This shows scores predict wins; it does not by itself prove coaching caused them."
    return s


def caveats(
    findings: Mapping[str, Any],
    *,
    quarter: str,
    labels: Mapping[str, str] | None = None,
    min_n: int = 5,
    isolation_factor: float | None = None,
    confidence_discount: float | None = None,
) -> list[str]:
    """The caveats a reader must hear, each as one sentence (order: strongest first)."""
    out: list[str] = []
    est = findings.get("estimates") or {}
    for b, e in sorted(estimates_with_prefix(findings, "event_study_pretrend").items()):
        if classify(e, min_n=1) in ("positive", "negative"):
            out.append(
                f"Pre-trend check fails for {_label(b, labels)}: coached reps were already diverging "
                f"before coaching ({value_text('event_study_pretrend::' + b, e, signed=True)} per week), "
                "so that behavior change may be overstated."
            )
    small = sorted(k for k, e in est.items() if classify(e, min_n=min_n) == "small_n")
    if small:
        out.append(
            f"Small samples (fewer than {min_n}): {', '.join(s.replace('::', ' — ').replace('_', ' ') for s in small)}; "
            "these are warnings, not findings."
        )
    l2 = layer2(findings, min_n=min_n)
    l3 = layer3(findings, l2.behaviors if l2.behaviors else None, min_n=min_n)
    if l3.state == "not_observable":
        out.append(
            f"Win-rate effects lag behavior change; the lagged comparison is not observable yet, "
            f"so we will bring it when {quarter_label(quarter, 1)} deals close."
        )
    if classify(est.get("quartile_win_rate_gap"), min_n=min_n) == "positive":
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


def intervention_sentence(row: Mapping[str, Any], *, labels: Mapping[str, str] | None = None) -> str:
    """One sentence from the coaching log: behavior, sessions, start, and the observable committed to."""
    label = _label(row.get("behavior"), labels) if row.get("behavior") else str(row.get("behavior_label") or "")
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
    if obs:
        return f"Coached on {label} in {sessions}{start_txt}; committed to: “{obs}”."
    return f"Coached on {label} in {sessions}{start_txt}; no observable was recorded."


def movement_sentence(row: Mapping[str, Any], *, min_deals: int = 5, scale_max: float = 10) -> str:
    """Before/after score and win rate, with a warning when either side has few closed deals."""
    sb, sa = _num(row.get("before_score")), _num(row.get("after_score"))
    score = f"Score {_fmt_score(sb)} → {_fmt_score(sa)} (of {scale_max:g})"
    if sb is not None and sa is not None:
        score += f", {sa - sb:+.1f}"
    wb, wa = _num(row.get("win_rate_before")), _num(row.get("win_rate_after"))
    nb, na = int(_num(row.get("n_deals_before")) or 0), int(_num(row.get("n_deals_after")) or 0)
    if wa is None or na == 0:
        win = f"win rate {_fmt_rate(wb)} before; no deals closed since coaching yet"
    else:
        win = f"win rate {_fmt_rate(wb)} → {_fmt_rate(wa)} ({nb} → {na} closed deals)"
    out = f"{score}; {win}."
    if min(nb, na) < min_deals:
        out += " Few deals, so the win-rate move is indicative only."
    return out


# ------------------------------------------------------------------------------- pseudonyms
_ALIAS_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I/O: easy to read aloud


def alias(rep_id: str, length: int = 3) -> str:
    """A stable alias for a rep id (same id -> same alias in every run), e.g. 'Rep KXT'."""
    h = int(hashlib.sha256(str(rep_id).encode("utf-8")).hexdigest(), 16)
    chars = []
    for _ in range(length):
        h, r = divmod(h, len(_ALIAS_LETTERS))
        chars.append(_ALIAS_LETTERS[r])
    return "Rep " + "".join(chars)


def alias_map(rep_ids: Iterable[Any]) -> dict[str, str]:
    """Aliases for many ids, unique (a rare collision lengthens the aliases involved)."""
    ids = sorted({str(r) for r in rep_ids if r is not None})
    out: dict[str, str] = {}
    length = 3
    while True:
        out = {r: alias(r, length) for r in ids}
        if len(set(out.values())) == len(out):
            return out
        length += 1


def scrub(text: str, replacements: Mapping[str, str]) -> str:
    """Replace every real name in ``text`` by its alias (longest names first, whole words)."""
    if not text or not replacements:
        return text
    for real in sorted(replacements, key=len, reverse=True):
        if not real:
            continue
        text = re.sub(rf"(?<!\w){re.escape(real)}(?!\w)", replacements[real], text)
    return text


def headcount_sentence(ramp_value: Mapping[str, Any] | None, *, role_cost: float, min_n: int = 5) -> str | None:
    """The headcount argument (seed 000): ramp value vs one enablement role — only when clearly positive.

    Uses the interval's lower end, so the claim holds across the whole interval; returns None when
    the value is missing, uncertain or too small to cover one role.
    """
    if classify(ramp_value, min_n=min_n) != "positive" or not role_cost or role_cost <= 0:
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
