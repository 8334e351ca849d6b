"""Behavioral cohorts and coaching activity (notebook 03, sections 1-2).

Modules: ``quartiles`` (win rate by discovery-score quartile, the rep-bootstrap gap), ``activity``
(layer 1: what coaching was done, how regularly, how focused); earlier notebooks' artifacts are
read through :mod:`coaching_roi.artifacts`. Every public name is importable from ``coaching_roi.cohorts``.
"""

from .activity import (
    activity_by_behavior,
    activity_by_coach,
    activity_by_rep,
    activity_overview,
    activity_sentence,
    flag_session_behaviors,
    sessions_in_quarter,
)
from .quartiles import (
    QUARTILE_LABELS,
    _pooled_gap,
    quartile_gap,
    quartile_summary,
    rep_quarter_table,
)

__all__ = [
    "QUARTILE_LABELS",
    "rep_quarter_table",
    "quartile_gap",
    "quartile_summary",
    "flag_session_behaviors",
    "sessions_in_quarter",
    "activity_by_rep",
    "activity_by_coach",
    "activity_by_behavior",
    "activity_overview",
    "activity_sentence",
    "_pooled_gap",
]
