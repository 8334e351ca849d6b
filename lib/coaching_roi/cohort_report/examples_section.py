"""Section 5: the example reps picked by the stated rule, their table and trajectories."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import effects
from coaching_roi.config import Config

from .common import Findings

EXAMPLE_COLUMNS = ["rep_id", "rep_name", "behavior", "behavior_label", "observable", "n_sessions", "first_session_date",
                   "before_score", "after_score", "win_rate_before", "win_rate_after", "n_deals_before", "n_deals_after",
                   "sentence"]


@dataclass(frozen=True)
class ExampleRepsSection:
    """Section 5: ``sentences`` (the rule, then one per example rep or why there is none); when
    ``result`` has reps, their trajectories figure and ``reading``; ``artifacts``: ``03_example_reps``."""

    result: effects.ExampleReps | None = None
    sentences: tuple[str, ...] = ()
    reading: str | None = None
    artifacts: dict[str, pd.DataFrame] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)

    @property
    def has_examples(self) -> bool:
        return self.result is not None and len(self.result.table) > 0


def example_reps_section(inp: effects.EffectInputs, cfg: Config) -> ExampleRepsSection:
    """Section 5: the example reps picked by the stated rule (:func:`coaching_roi.effects.example_reps`)."""
    if inp.missing:
        return ExampleRepsSection()
    ex = effects.example_reps(inp, cfg=cfg)
    if not len(ex.table):
        return ExampleRepsSection(result=ex, sentences=(
            "Rule: " + ex.rule, "No coached episode meets the rule yet (too few weeks of scores after the first session)."))
    return ExampleRepsSection(
        result=ex,
        sentences=("Rule: " + ex.rule, *ex.table["sentence"]),
        reading=("Reading: each line is the rep's weekly score on the coached behavior around the first session (week 0); "
                 "the grey line is the team's not-coached reps on the same weeks."),
        artifacts={"03_example_reps": ex.table[EXAMPLE_COLUMNS]},
    )
