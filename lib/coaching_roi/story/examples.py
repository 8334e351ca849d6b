"""Sentences about one example rep: the coaching they got (from the log), and their score and win
rate before and after, with Wilson intervals at the run's confidence level."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd


# ------------------------------------------------------------------------------- example reps
def _fmt_score(x: Any) -> str:
    v = vd.as_finite(x)
    return "n/a" if v is None else f"{v:.1f}"


def intervention_sentence(row: Mapping[str, Any], *, labels: Mapping[str, str] | None = None,
                          with_behavior: bool = True) -> str:
    """One sentence from the coaching log: behavior, sessions, start, and the observable committed to.

    ``with_behavior=False`` leaves the behavior out (when it is shown beside the sentence).
    """
    b = row.get("behavior")
    if b and labels and b in labels:
        label = f"“{labels[b]}”"
    elif b:
        label = ids.sub_label(b, labels)
    else:
        label = str(row.get("behavior_label") or "")
    n_sessions = int(vd.as_finite(row.get("n_sessions")) or 0)
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
    sb, sa = vd.as_finite(row.get("before_score")), vd.as_finite(row.get("after_score"))
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
    """'Win rate 30% of 23 deals (<level> CI 16–50%) → 41% of 22 deals (23–61%)', Wilson intervals at ``level``."""
    wb, wa = vd.as_finite(row.get("win_rate_before")), vd.as_finite(row.get("win_rate_after"))
    nb, na = int(vd.as_finite(row.get("n_deals_before")) or 0), int(vd.as_finite(row.get("n_deals_after")) or 0)
    before = _rate_with_interval(wb, nb, level, ci_label=True)
    if wa is None or na == 0:
        return f"Win rate {before} before; no deals closed since coaching yet"
    return f"Win rate {before} → {_rate_with_interval(wa, na, level, ci_label=False)}"


def movement_sentence(row: Mapping[str, Any], *, min_deals: int = 5, scale_max: float = 10, level: float = 0.95) -> str:
    """Before/after score and win rate (with Wilson intervals at ``level`` and deal counts)."""
    nb, na = int(vd.as_finite(row.get("n_deals_before")) or 0), int(vd.as_finite(row.get("n_deals_after")) or 0)
    out = f"{score_text(row, scale_max=scale_max)}. {win_rate_text(row, level=level)}."
    if 0 < min(nb, na) < min_deals:
        out += " On so few deals the intervals are wide: a rep's win rate can swing this much by chance."
    return out
