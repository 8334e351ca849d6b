"""Layer 2: the coaching effect on each coached behavior's weekly score, per behavior and pooled.

The DiD (``behavior_change::<b>``) = mean of the post coefficients (weeks 0..post) minus mean of the
pre ones (weeks -pre..-1), among all coached episodes; the fairness check
(``event_study_pretrend::<b>``) = mean of the leads relative to week -1. Behaviors with fewer than
``min_reps_per_group`` coached reps with scores on both sides get no estimate, only a reason;
``behavior_change::all`` pools all estimable behaviors. :class:`BehaviorChangeResult` holds the
table, the tidy event study, ``estimates()``, ``skipped()`` and the control rule sentence:

* ``.table`` — one row per behavior (+ ``"all"``): behavior, estimate, ci_low, ci_high, n_reps,
  n_episodes, n_controls, pretrend, pretrend_low, pretrend_high, status ("ok" or "skipped: <why>");
* ``.event_study`` — tidy: behavior, event_week, estimate, ci_low, ci_high, n (coached reps with
  scores that week; week -1 is the reference, 0 by construction);
* ``.estimates(labels=...)`` — ``{"behavior_change::<b>": est, "event_study_pretrend::<b>": est}``
  (unit "points", n = coached reps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coaching_roi import verdict
from coaching_roi.estimate_ids import POOLED

from .did import DF_RULE, EventStudyFit, _codes, _z_or_t, fit_stacked, stacked_panel
from .episodes import select_episodes
from .inputs import _settings

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config


def _label(labels: dict[str, str] | None, behavior: str) -> str:
    if behavior == POOLED:
        return "all coached behaviors"
    return (labels or {}).get(behavior, behavior.replace("_", " "))


@dataclass
class BehaviorChangeResult:
    """Layer 2 results: per-behavior table, tidy event study, settings used."""

    table: pd.DataFrame
    event_study: pd.DataFrame
    pre_weeks: int
    post_weeks: int
    level: float
    min_reps: int
    labels: dict[str, str] = field(default_factory=dict)
    policy: verdict.Policy = field(default_factory=verdict.Policy)
    control_rule: str = (
        "Comparison reps: reps never coached on that behavior, plus reps coached on it later whose own "
        "coaching starts after the comparison window ends (not-yet-coached); already-coached reps are never used."
    )

    def estimates(self, labels: dict[str, str] | None = None) -> dict[str, dict]:
        """Findings estimates ``behavior_change::<b>`` and ``event_study_pretrend::<b>`` (status ok rows)."""
        labels = labels or self.labels
        out: dict[str, dict] = {}
        for r in self.table.itertuples(index=False):
            if r.status != "ok":
                continue
            df = max(2, int(r.n_reps) - 1)
            out[f"behavior_change::{r.behavior}"] = verdict.make(
                f"behavior_change::{r.behavior}", value=r.estimate, ci_low=r.ci_low, ci_high=r.ci_high, n=int(r.n_reps),
                n_unit="coached reps", unit="points", policy=self.policy, labels=labels, df=df,
                note=f"Average over the {self.post_weeks + 1} weeks from the first session.",
                n_episodes=int(r.n_episodes), n_control_reps=int(r.n_controls),
            )
            out[f"event_study_pretrend::{r.behavior}"] = verdict.make(
                f"event_study_pretrend::{r.behavior}", value=r.pretrend, ci_low=r.pretrend_low, ci_high=r.pretrend_high,
                n=int(r.n_reps), n_unit="coached reps", unit="points", policy=self.policy, labels=labels, df=df,
            )
        return out

    def title(self, behavior: str, labels: dict[str, str] | None = None) -> str:
        """A figure title phrased from the estimate's verdict (never stronger than its interval or n)."""
        r = self.table.set_index("behavior").loc[behavior]
        if r["status"] != "ok":
            return f"{_label(labels or self.labels, behavior)}: no estimate ({r['status']})"
        eid = f"behavior_change::{behavior}"
        return verdict.title(eid, self.estimates(labels)[eid], policy=self.policy, labels=labels or self.labels)

    def skipped(self) -> dict[str, str]:
        """Behaviors without an estimate and why."""
        return {r.behavior: r.status for r in self.table.itertuples(index=False) if r.status != "ok"}

_TABLE_COLS = ["behavior", "estimate", "ci_low", "ci_high", "n_reps", "n_episodes", "n_controls",
               "pretrend", "pretrend_low", "pretrend_high", "status"]


def _row_from_fit(behavior: str, fit: EventStudyFit | None, panel: pd.DataFrame, level: float, min_treated_reps: int) -> tuple[dict, list[dict]]:
    tr = panel[panel["treated"]] if len(panel) else panel
    # a coached rep counts when it has scores both before and after its first session
    if len(tr):
        has = tr.assign(pre=tr["event_week"] < 0).groupby(["sub", "rep_id"], observed=True)["pre"].agg(["any", "all"])
        informative = has[has["any"] & ~has["all"]].reset_index()
        n_reps = int(informative["rep_id"].nunique())
        n_eps = int(len(informative))
    else:
        n_reps = n_eps = 0
    n_controls = int(panel.loc[~panel["treated"], "rep_id"].nunique()) if len(panel) else 0
    row = dict(behavior=behavior, estimate=np.nan, ci_low=np.nan, ci_high=np.nan, n_reps=n_reps, n_episodes=n_eps,
               n_controls=n_controls, pretrend=np.nan, pretrend_low=np.nan, pretrend_high=np.nan, status="ok")
    es: list[dict] = []
    if n_reps < min_treated_reps:
        n_coached = int(tr["rep_id"].nunique()) if len(tr) else 0
        if n_reps == 0:
            row["status"] = ("skipped: the reps coached on it have no scored calls on this behavior before and after "
                             "their first session")
        else:
            row["status"] = (f"skipped: only {n_reps} coached rep(s) with scores before and after the first session "
                             f"(need {min_treated_reps})" + (f"; {n_coached - n_reps} more lack scores" if n_coached > n_reps else ""))
        return row, es
    if n_controls == 0:
        row["status"] = "skipped: no comparison reps (everyone was coached on it in the same window)"
        return row, es
    if fit is None or not np.isfinite(fit.did):
        row["status"] = "skipped: the comparison could not be estimated (too few weeks with scores)"
        return row, es
    # Few coached (treated) reps make cluster-robust errors too small: the covariance is CR2 (see
    # coaching_roi.effects.clustered) and the t quantile uses df = coached reps - 1 (at least 2).
    n_treated = int(panel.loc[panel["treated"], "rep_id"].nunique())
    q = _z_or_t(level, max(2, min(fit.df_resid, n_treated - 1)) if DF_RULE == "treated" else fit.df_resid)
    row.update(estimate=fit.did, ci_low=fit.did - q * fit.did_se, ci_high=fit.did + q * fit.did_se,
               pretrend=fit.pretrend, pretrend_low=fit.pretrend - q * fit.pretrend_se,
               pretrend_high=fit.pretrend + q * fit.pretrend_se)
    n_by_week = tr.groupby("event_week", observed=True)["rep_id"].nunique() if len(tr) else pd.Series(dtype=int)
    for k, b, v in zip(fit.event_weeks, fit.coef, np.diag(fit.cov), strict=True):
        se = math.sqrt(v) if np.isfinite(v) else np.nan
        es.append(dict(behavior=behavior, event_week=k, estimate=b, ci_low=b - q * se, ci_high=b + q * se,
                       n=int(n_by_week.get(k, 0))))
    es.append(dict(behavior=behavior, event_week=-1, estimate=0.0, ci_low=0.0, ci_high=0.0, n=int(n_by_week.get(-1, 0))))
    return row, es


def behavior_change(
    weekly: pd.DataFrame,
    episodes: pd.DataFrame,
    *,
    cfg: Config | None = None,
    behaviors: list[str] | None = None,
    pre_weeks: int | None = None,
    post_weeks: int | None = None,
    episodes_from: pd.Timestamp | None = None,
    episodes_to: pd.Timestamp | None = None,
    level: float | None = None,
    min_treated_reps: int = 2,
    pooled: bool = True,
    data_to: pd.Timestamp | None = None,
) -> BehaviorChangeResult:
    """Estimate coaching's effect on each coached behavior's score (stacked DiD + event study).

    With ``cfg`` the window, confidence level and the episode period (the analysis quarter) come from
    the params; explicit arguments override. See the module docstring for the design.
    """
    s = _settings(cfg, pre_weeks=pre_weeks, post_weeks=post_weeks, episodes_from=episodes_from,
                  episodes_to=episodes_to, level=level, data_to=data_to)
    pre, post, lvl = s["pre_weeks"], s["post_weeks"], s["level"]
    if s["data_to"] is not None:
        weekly = weekly[weekly["week"] < pd.Timestamp(s["data_to"])]
    labels = cfg.rubric.labels if cfg is not None else {}
    sel = select_episodes(episodes, s["episodes_from"], s["episodes_to"])
    if behaviors is None:
        order = cfg.rubric.keys if cfg is not None else sorted(episodes["behavior"].unique())
        behaviors = [b for b in order if b in set(sel["behavior"])]
    rows, es_rows, panels = [], [], []
    for b in behaviors:
        panel = stacked_panel(weekly, episodes, b, pre_weeks=pre, post_weeks=post,
                              episodes_from=s["episodes_from"], episodes_to=s["episodes_to"])
        fit = fit_stacked(panel, pre_weeks=pre, post_weeks=post) if len(panel) else None
        row, es = _row_from_fit(b, fit, panel, lvl, min_treated_reps)
        rows.append(row)
        es_rows += es
        if row["status"] == "ok":
            panels.append(panel)
    if pooled and len(panels) > 1:
        panel = pd.concat(panels, ignore_index=True)
        fit = fit_stacked(panel, pre_weeks=pre, post_weeks=post, sub_cols=("behavior", "sub"))
        # one sub-experiment per (behavior, start week): its integer code (the same groups as a "behavior|week" label)
        row, es = _row_from_fit(POOLED, fit, panel.assign(sub=_codes(panel["behavior"], panel["sub"])), lvl, min_treated_reps)
        rows.append(row)
        es_rows += es
    table = pd.DataFrame(rows, columns=_TABLE_COLS)
    es_df = pd.DataFrame(es_rows, columns=["behavior", "event_week", "estimate", "ci_low", "ci_high", "n"])
    es_df = es_df.sort_values(["behavior", "event_week"], ignore_index=True)
    policy = verdict.Policy.from_config(cfg) if cfg is not None else verdict.Policy(level=lvl)
    return BehaviorChangeResult(table, es_df, pre, post, lvl, s["min_reps"], dict(labels), policy)
