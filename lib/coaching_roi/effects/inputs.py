"""What notebook 03's effects sections read: weekly scores, episodes, sessions, reps, opportunities.

* ``weekly`` — 02's ``02_rep_week_behavior`` (rep_id, week = Monday, behavior, mean_score, n_calls),
  read through :mod:`coaching_roi.artifacts`: never rebuilt here, so 02 and 03 score a rep alike.
  When notebook 02 has not run, reading it raises the error that names notebook 02.
* ``episodes`` — :func:`coaching_episodes` of the sessions.
* ``opportunities`` — 01's canonical table (won/lost/open, created_date, close_date, amount).

Which episodes count: every episode whose first session is before the end of ``cfg.quarter`` (the
programme to date), on weekly scores up to that quarter's end. The analysis settings (windows,
level, seed) come from ``cfg.analysis`` through ``_settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from coaching_roi import config as _config

from .episodes import coaching_episodes

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config


# ------------------------------------------------------------------------------------- inputs
@dataclass
class EffectInputs:
    """What the effects section reads from the artifacts (None where a table is absent)."""

    weekly: pd.DataFrame | None
    episodes: pd.DataFrame | None
    sessions: pd.DataFrame | None
    reps: pd.DataFrame | None
    opportunities: pd.DataFrame | None
    weekly_source: str = ""
    missing: dict[str, str] = field(default_factory=dict)

    def missing_sentence(self) -> str:
        """One sentence per absent input: what cannot be computed and why."""
        return " ".join(f"{v}" for v in self.missing.values())


def _read(cfg: Config, table: str) -> pd.DataFrame | None:
    from coaching_roi import artifacts

    return artifacts.read_table(cfg, table)


def load_effect_inputs(cfg: Config) -> EffectInputs:
    """Read the artifacts layers 2-3 need; say in ``missing`` what cannot be computed without each."""
    sessions = _read(cfg, "coaching_sessions")
    reps = _read(cfg, "reps")
    opps = _read(cfg, "opportunities")
    from coaching_roi import artifacts

    weekly = artifacts.read(cfg, "02_rep_week_behavior")  # missing -> "run 02_behavioral_scoring first"
    source = "02_rep_week_behavior"
    missing: dict[str, str] = {}
    if sessions is None or len(sessions) == 0:
        missing["coaching_sessions"] = (
            "No coaching log (coaching_sessions): behavior change, the outcome link and the example reps "
            "cannot be computed, because nothing says who was coached on what and when."
        )
    if weekly is None or len(weekly) == 0:
        missing["call_scores"] = (
            "No scored calls (calls + call_scores): behavior change cannot be measured, so layers 2 and 3 "
            "cannot be computed."
        )
    if opps is None or len(opps) == 0:
        missing["opportunities"] = (
            "No opportunities table: win-rate changes (layer 3) cannot be computed."
        )
    episodes = (coaching_episodes(sessions, cfg.rubric.keys, min_sessions=cfg.analysis.min_episode_sessions)
                if sessions is not None else None)
    if weekly is not None:
        weekly = weekly.copy()
        weekly["week"] = pd.to_datetime(weekly["week"])
    return EffectInputs(weekly, episodes, sessions, reps, opps, source, missing)


def _settings(cfg: Config | None, **given: Any) -> dict[str, Any]:
    a = cfg.analysis if cfg is not None else _config.Analysis()
    out = {
        "pre_weeks": a.event_window_pre_weeks,
        "post_weeks": a.event_window_post_weeks,
        "level": a.confidence_level,
        "n_boot": a.n_bootstrap,
        "seed": a.seed,
        "min_reps": a.min_reps_per_group,
        "lags": tuple(sorted({0, *a.lag_quarters})),
    }
    if cfg is not None:
        start, end = cfg.quarter_bounds()
        # every episode that started by the end of the analysis quarter, on data known by then
        out.update(episodes_from=None, episodes_to=end, data_to=end, quarter=cfg.quarter)
    else:
        out.update(episodes_from=None, episodes_to=None, data_to=None, quarter=None)
    out.update({k: v for k, v in given.items() if v is not None})
    return out
