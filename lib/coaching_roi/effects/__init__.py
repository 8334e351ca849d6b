"""The causal core of the evidence chain (notebook 03): behavior change (layer 2), the outcome link
and its lag (layer 3), and the example reps. Pure computation on tidy frames; the figures are in
:mod:`coaching_roi.plots.effects`; methods and calibration in docs/METHODS.md.

Modules: ``episodes`` (coaching episodes from the sessions log), ``inputs`` (what notebook 03 reads),
``clustered`` (cluster-robust least squares), ``did`` (the stacked event-window DiD),
``change_by_behavior`` (layer 2 per behavior and pooled), ``outcome_points`` / ``outcome_fit``
(layer 3), ``examples`` (the example reps), ``outcome_sim`` (synthetic teams that check layer 3).

How notebook 03 calls it::

    inp = effects.load_effect_inputs(cfg)       # reads 01/02 artifacts; .missing says what is absent
    if inp.missing:                            # e.g. {"coaching_sessions": "No coaching log ..."}
        nbsupport.say(inp.missing_sentence())  # state what cannot be computed
    else:
        bc = effects.behavior_change(inp.weekly, inp.episodes, cfg=cfg)                  # layer 2
        ol = effects.outcome_link(inp.weekly, inp.episodes, inp.opportunities, cfg=cfg)  # layer 3
        ex = effects.example_reps(inp, cfg=cfg)                                          # example reps
        estimates = {**bc.estimates(), **ol.estimates()}

``Inputs`` and ``load_inputs`` are the former names of ``EffectInputs`` and ``load_effect_inputs``
(kept for notebook 03 and the calibration study).

The names below are imported from their module when first used (PEP 562), so a reader of one
part (e.g. the deck, which needs only :func:`coaching_episodes`) does not load the whole causal
core and scipy with it.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE: dict[str, str] = {  # exported name -> the module of this package that defines it
    **dict.fromkeys(["BehaviorChangeResult", "behavior_change"], "change_by_behavior"),
    **dict.fromkeys(["ols_cluster"], "clustered"),
    **dict.fromkeys(["DF_RULE", "VCOV", "EventStudyFit", "fit_stacked", "stacked_panel", "twfe_did"], "did"),
    **dict.fromkeys(["coaching_episodes", "episode_changes", "explode_session_behaviors", "select_episodes"],
                    "episodes"),
    **dict.fromkeys(["EXAMPLE_RULE", "ExampleReps", "example_reps", "example_sentence"], "examples"),
    **dict.fromkeys(["EffectInputs", "load_effect_inputs"], "inputs"),
    **dict.fromkeys(["LinkFit", "OutcomeLinkResult", "fit_link", "link_table", "outcome_link", "wild_slope_draws"],
                    "outcome_fit"),
    **dict.fromkeys(["MIN_FIT_REPS", "OUTCOMES", "POINT_COLUMNS", "Points", "data_end", "lag_observable", "rep_points",
                     "rep_quarter_behavior", "rep_quarter_outcomes", "sampling_var"], "outcome_points"),
}
_FORMER = {"Inputs": "EffectInputs", "load_inputs": "load_effect_inputs"}  # former names (notebook 03, calibration)

__all__ = [*_FORMER, *_WHERE]


def __getattr__(name: str) -> Any:
    target = _FORMER.get(name, name)
    module = _WHERE.get(target)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), target)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
