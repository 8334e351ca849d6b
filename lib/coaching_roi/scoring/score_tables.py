"""The score tables notebook 02 derives from the scorecards and writes as artifacts.

Artifacts written by notebook 02 (Parquet, through :mod:`coaching_roi.artifacts`, which declares
their schemas):

``02_call_behavior`` — one row per call × behavior, primary scorer (:func:`primary_scores`):
    ``call_id``, ``rep_id``, ``call_date``, ``behavior``, ``score``. Notebook 04 reads it rather
    than scoring calls again.

``02_call_composite`` — one row per discovery call (primary scorer) that has a composite:
    ``call_id``, ``rep_id``, ``call_date``, ``week`` (Monday of the call's week), ``quarter``
    (label such as ``2026Q3``), ``opportunity_id`` (may be null), ``composite`` (weighted mean of
    the composite behaviors scored on the call, rubric scale), ``n_behaviors_scored`` (how many
    composite behaviors the call has), ``weight_coverage`` (share of the composite weight scored,
    0–1), ``all_scored`` (bool: every composite behavior present). Calls below
    ``analysis.min_composite_coverage`` are not in the artifact (the notebook states how many).
``02_rep_week_behavior`` — rep × week × behavior, all call types, primary scorer:
    ``rep_id``, ``week``, ``behavior``, ``mean_score``, ``n_calls``.
``02_rep_quarter_behavior`` — rep × quarter × behavior, all call types, primary scorer:
    ``rep_id``, ``quarter``, ``behavior``, ``mean_score``, ``n_calls``.
``02_rep_quarter_composite`` — rep × quarter over discovery calls with a composite:
    ``rep_id``, ``quarter``, ``composite_mean``, ``n_calls``.
``02_opportunity_discovery_scores`` — one row per opportunity with at least one scored discovery
    call: ``opportunity_id``, ``rep_id`` (rep on the discovery call), ``first_call_date``,
    ``n_discovery_calls``, one column per rubric behavior (named by its key; the mean score over
    the deal's discovery calls, null when not scored) and ``composite`` (mean composite of those
    calls, null when none reached the coverage minimum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .aggregates import opportunity_discovery_scores, rep_period_behavior, rep_quarter_composite
from .composite import call_composite, composite_artifact, primary_scores, scored_calls

if TYPE_CHECKING:
    from coaching_roi.config import Rubric


ARTIFACTS: tuple[str, ...] = ("02_call_behavior", "02_call_composite", "02_rep_week_behavior", "02_rep_quarter_behavior",
                              "02_rep_quarter_composite", "02_opportunity_discovery_scores")


@dataclass(frozen=True, eq=False)
class ScoreTables:
    """The tables notebook 02 derives from the scorecards (primary scorer; see the module doc)."""

    primary: pd.DataFrame  # primary_scores
    scored: pd.DataFrame  # scored_calls: call × behavior with rep, date, week, quarter
    composite: pd.DataFrame  # call_composite: every discovery call, excluded ones flagged
    rep_week: pd.DataFrame
    rep_quarter: pd.DataFrame
    rep_quarter_composite: pd.DataFrame
    opportunity_scores: pd.DataFrame

    def artifacts(self) -> dict[str, pd.DataFrame]:
        """The Parquet artifacts of notebook 02 by name (the keys of :data:`ARTIFACTS`)."""
        return {
            "02_call_behavior": self.scored[["call_id", "rep_id", "call_date", "behavior", "score"]].reset_index(drop=True),
            "02_call_composite": composite_artifact(self.composite),
            "02_rep_week_behavior": self.rep_week,
            "02_rep_quarter_behavior": self.rep_quarter,
            "02_rep_quarter_composite": self.rep_quarter_composite,
            "02_opportunity_discovery_scores": self.opportunity_scores,
        }


def score_tables(calls: pd.DataFrame, call_scores: pd.DataFrame, rubric: Rubric, *, min_coverage: float) -> ScoreTables:
    """Build every score table of notebook 02 from the canonical calls and call_scores.

    ``rubric`` is ``cfg.rubric`` (keys, weights, composite behaviors, discovery call types).
    """
    primary = primary_scores(call_scores)
    scored = scored_calls(calls, primary)
    composite = call_composite(calls, primary, weights=rubric.weights, composite_behaviors=rubric.composite_behaviors,
                               discovery_call_types=rubric.discovery_call_types, min_coverage=min_coverage)
    # primary scores are one row per call x behavior; with call ids unique in calls, so is the join
    once = bool(calls["call_id"].is_unique)
    return ScoreTables(
        primary=primary,
        scored=scored,
        composite=composite,
        rep_week=rep_period_behavior(scored, "week", one_row_per_call=once),
        rep_quarter=rep_period_behavior(scored, "quarter", one_row_per_call=once),
        rep_quarter_composite=rep_quarter_composite(composite),
        opportunity_scores=opportunity_discovery_scores(scored, composite, behaviors=rubric.keys,
                                                        discovery_call_types=rubric.discovery_call_types),
    )
