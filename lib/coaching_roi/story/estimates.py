"""Reading stored estimates: their verdict (or ``missing``), value text, sentence, and why an
estimate is missing (the notebook that writes it and the reason it recorded)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.plainwords import plain

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


def sentence(estimate_id: str, est: Mapping[str, Any] | None, *, findings: Mapping[str, Any] | None = None,
             labels: Mapping[str, str] | None = None) -> str:  # noqa: ARG001 - labels kept for callers
    """The estimate's stored reading; for a missing estimate, what could not be computed and why."""
    if classify(est) == "missing":
        what = ids.label(estimate_id, labels)
        return f"{what} could not be computed ({reason_for(findings or {}, estimate_id)})."
    assert est is not None
    return str(est["reading"])
