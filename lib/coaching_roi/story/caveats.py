"""The caveats a reader must hear (strongest first), and the one conditional money claim: the
headcount argument, made only when the ramp value's whole interval covers an enablement role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.config import quarter_label
from coaching_roi.stats import fmt_value
from coaching_roi.story.estimates import classify, estimates_with_prefix, value_text
from coaching_roi.story.layers import layer2, layer3


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
                f"Pre-trend check fails for {ids.sub_label(b, labels)}: coached reps were already diverging "
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


def headcount_sentence(ramp_value: Mapping[str, Any] | None, *, role_cost: float) -> str | None:
    """The headcount argument: ramp value vs one enablement role — only when clearly positive.

    Uses the interval's lower end, so the claim holds across the whole interval; returns None when
    the value is missing, uncertain or too small to cover one role.
    """
    if classify(ramp_value) != "positive" or not role_cost or role_cost <= 0:
        return None
    assert ramp_value is not None
    lo = vd.as_finite(ramp_value.get("ci_low")) or 0.0
    times = lo / role_cost
    if times < 1:
        return None
    return (
        f"Even at the low end of its interval, faster ramp is worth {fmt_value(lo, 'usd')} a year — "
        f"{times:.1f}× the {fmt_value(role_cost, 'usd')} cost of one enablement role."
    )
