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
"""

from .change_by_behavior import (
    BehaviorChangeResult,
    behavior_change,
)
from .clustered import (
    ols_cluster,
)
from .did import (
    DF_RULE,
    VCOV,
    EventStudyFit,
    fit_stacked,
    stacked_panel,
    twfe_did,
)
from .episodes import (
    coaching_episodes,
    episode_changes,
    explode_session_behaviors,
    select_episodes,
)
from .examples import (
    EXAMPLE_RULE,
    ExampleReps,
    example_reps,
    example_sentence,
)
from .inputs import (
    EffectInputs,
    load_effect_inputs,
)
from .outcome_fit import (
    LinkFit,
    OutcomeLinkResult,
    fit_link,
    link_table,
    outcome_link,
    wild_slope_draws,
)
from .outcome_points import (
    MIN_FIT_REPS,
    OUTCOMES,
    POINT_COLUMNS,
    Points,
    data_end,
    lag_observable,
    rep_points,
    rep_quarter_behavior,
    rep_quarter_outcomes,
    sampling_var,
)

Inputs = EffectInputs  # former name (notebook 03, calibration study)
load_inputs = load_effect_inputs  # former name

__all__ = [
    "Inputs",
    "load_inputs",
    "DF_RULE",
    "VCOV",
    "explode_session_behaviors",
    "coaching_episodes",
    "EffectInputs",
    "load_effect_inputs",
    "select_episodes",
    "stacked_panel",
    "EventStudyFit",
    "fit_stacked",
    "twfe_did",
    "BehaviorChangeResult",
    "behavior_change",
    "episode_changes",
    "EXAMPLE_RULE",
    "ExampleReps",
    "example_sentence",
    "example_reps",
    "OUTCOMES",
    "MIN_FIT_REPS",
    "rep_quarter_behavior",
    "rep_quarter_outcomes",
    "data_end",
    "lag_observable",
    "POINT_COLUMNS",
    "Points",
    "rep_points",
    "sampling_var",
    "LinkFit",
    "fit_link",
    "wild_slope_draws",
    "link_table",
    "OutcomeLinkResult",
    "outcome_link",
    "ols_cluster",
]
