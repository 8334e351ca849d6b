"""Section 3 (layer 2): the coaching effect on each coached behavior (stacked DiD), its event-study panels and fairness check."""

from __future__ import annotations

from dataclasses import dataclass, field

from coaching_roi import effects
from coaching_roi.config import Config
from coaching_roi.stats import fmt_value

from .common import Findings, Table, _intervals


@dataclass(frozen=True)
class EventPanel:
    """One event-study figure: the behavior, its title and the reading of its pre-trend (if estimated)."""

    behavior: str
    title: str
    pretrend_reading: str | None


@dataclass(frozen=True)
class BehaviorChangeSection:
    """Section 3 (layer 2): ``table`` then ``sentences`` (or only the missing-input sentence), then one
    event-study figure per ``panels`` entry, drawn from ``result.event_study``."""

    result: effects.BehaviorChangeResult | None = None
    table: Table | None = None
    sentences: tuple[str, ...] = ()
    panels: tuple[EventPanel, ...] = ()
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def behavior_change_section(inp: effects.EffectInputs, cfg: Config) -> BehaviorChangeSection:
    """Section 3: stacked DiD per coached behavior (:func:`coaching_roi.effects.behavior_change`)."""
    if inp.missing:
        return BehaviorChangeSection(sentences=(inp.missing_sentence(),),
                                     not_computed={"layers_2_3": inp.missing_sentence()})
    labels = cfg.rubric.labels
    bc = effects.behavior_change(inp.weekly, inp.episodes, cfg=cfg)
    est = bc.estimates(labels=labels)
    t = bc.table
    show = t.assign(
        behavior=t["behavior"].map(lambda k: labels.get(k, k)),
        effect=[fmt_value(v, "points", signed=True) for v in t["estimate"]],
        interval=_intervals(t["ci_low"], t["ci_high"], "points"),
        pre_trend=[fmt_value(v, "points", signed=True) for v in t["pretrend"]],
    )[["behavior", "effect", "interval", "n_reps", "n_episodes", "n_controls", "pre_trend", "status"]]
    in_study = set(bc.event_study["behavior"])
    panels = []
    for b in t["behavior"]:
        if b != "all" and b in in_study:
            pre = est.get(f"event_study_pretrend::{b}")
            panels.append(EventPanel(b, bc.title(b, labels=labels), pre["reading"] if pre is not None else None))
    return BehaviorChangeSection(
        result=bc,
        table=Table(show, "Coaching effect on the coached behavior's score (DiD, rep-clustered intervals)"),
        sentences=tuple(e["reading"] for k, e in est.items() if k.startswith("behavior_change::")),
        panels=tuple(panels),
        estimates=dict(est),
    )
