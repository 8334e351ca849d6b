"""Notebook 03's outcome-link section (4, layer 3).

:func:`outcome_link_section` fits :func:`coaching_roi.effects.outcome_link` and returns what the notebook
shows: the table by outcome (win rate, deal cycle) and lag, the readings of
``win_rate_change_per_point::all`` and ``cycle_change_per_point::all``, and the scatter's lag, title
(phrased from the win-rate estimate's verdict) and reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coaching_roi import effects, verdict
from coaching_roi.config import Config
from coaching_roi.stats import fmt_interval, fmt_value

from .common import Table


@dataclass(frozen=True)
class OutcomeLinkSection:
    """Section 4 (layer 3): ``table``, ``sentences``, then (when there are points) the scatter at lag
    ``scatter_lag`` titled ``scatter_title`` and its ``scatter_reading``. Empty when layers 2-3 lack inputs."""

    result: effects.OutcomeLinkResult | None = None
    table: Any = None
    sentences: tuple[str, ...] = ()
    scatter_lag: int = 0
    scatter_title: str = ""
    scatter_reading: str | None = None
    estimates: dict[str, Any] = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)

OUTCOME_NAMES = {"win_rate": "win rate (pp per point)", "cycle": "deal cycle (days shorter per point)"}


def outcome_link_section(inp: effects.EffectInputs, cfg: Config) -> OutcomeLinkSection:
    """Section 4: win-rate and deal-cycle change per point of behavior change, by lag
    (:func:`coaching_roi.effects.outcome_link`)."""

    if inp.missing:
        return OutcomeLinkSection()
    ol = effects.outcome_link(inp.weekly, inp.episodes, inp.opportunities, cfg=cfg)
    est = ol.estimates()
    t = ol.table
    units = t["outcome"].map({"win_rate": "pp", "cycle": "days"})
    show = t.assign(outcome=t["outcome"].map(OUTCOME_NAMES),
                    value=[fmt_value(v, u, signed=True) for v, u in zip(t["value"], units, strict=True)],
                    interval=[fmt_interval(a, b, u) for a, b, u in zip(t["ci_low"], t["ci_high"], units, strict=True)],
                    p_value=[f"{p:.2f}" if pd.notna(p) else "" for p in t["p_value"]])
    show = show[["outcome", "lag_quarters", "target_quarter", "value", "interval", "p_value", "n", "status"]]
    lag, reading, title = 0, None, ""
    wr = est.get("win_rate_change_per_point::all")
    if len(ol.points):
        lag = int(wr["lag_quarters"]) if wr is not None and wr.get("lag_quarters") else 1
        title = verdict.title("win_rate_change_per_point::all", wr, policy=verdict.Policy.from_config(cfg),
                              labels=cfg.rubric.labels)
        reading = (f"Reading: each dot is a coached rep ({'same quarter' if lag == 0 else f'{lag} quarter(s) later'}; "
                   "bigger dot = more closed deals, more weight in the slope); a rising cloud means reps whose "
                   "behavior improved more also gained more win rate. Lag 0 is shown for reference only: the "
                   "finding waits for the lag.")
    return OutcomeLinkSection(
        result=ol,
        table=Table(show, "Outcome change per point of behavior change, by lag (deal-weighted slope; HC2 robust "
                          "interval with small-sample t; lag 0 is a same-quarter reference, never the finding)"),
        sentences=tuple(ol.status_sentences()) + tuple(e["reading"] for e in est.values()),
        scatter_lag=lag, scatter_title=title, scatter_reading=reading, estimates=dict(est),
    )
