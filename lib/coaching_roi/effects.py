"""The causal core of the evidence chain: behavioral change (layer 2), outcome link and lag (layer 3),
and the example reps (SPEC §5.3-5.5).

Everything here is pure computation on tidy frames; figures are in :mod:`coaching_roi.plots.effects`.

How notebook 03 calls it (the whole section in a few lines)
-----------------------------------------------------------
::

    from coaching_roi import effects
    from coaching_roi.plots import effects as effplots

    inp = effects.load_inputs(cfg)            # reads 01/02 artifacts; .missing says what is absent
    if inp.missing:                            # e.g. {"coaching_sessions": "No coaching log ..."}
        nbsupport.say(inp.missing_sentence())  # state what cannot be computed; status "skipped: ..."
    else:
        bc = effects.behavior_change(inp.weekly, inp.episodes, cfg=cfg)                  # layer 2
        ol = effects.outcome_link(inp.weekly, inp.episodes, inp.opportunities, cfg=cfg)  # layer 3
        ex = effects.example_reps(inp, cfg=cfg)                                          # slide 2 reps
        estimates = {**bc.estimates(), **ol.estimates()}   # dict[str, findings.Estimate]

Inputs
------
* ``weekly`` — 02's ``02_rep_week_behavior`` (rep_id, week = Monday ``datetime64``, behavior,
  mean_score, n_calls). When 02's artifact is absent, :func:`load_inputs` builds it from 01's
  ``calls`` + ``call_scores`` (scorer == "manager" when a scorer column exists) with
  :func:`rep_week_behavior`.
* ``episodes`` — :func:`coaching_episodes` (sessions): one row per (rep_id, behavior) with
  ``first_session_date``, ``episode_week`` (Monday of the first session), ``n_sessions``,
  ``last_session_date``, ``observable`` (latest non-empty). A session whose ``behavior`` lists several
  keys (``"a;b"``) counts for each key; a (rep, behavior) needs ``cfg.analysis.min_episode_sessions``
  (2) sessions to be an episode, so a one-off side mention is not analysed as coaching. Only rubric keys.
* ``opportunities`` — 01's canonical table (won/lost/open, created_date, close_date, amount).

Which episodes count: every episode whose first session is before the end of ``cfg.quarter`` (the
programme to date), on weekly scores up to that quarter's end — with ~3 new episodes a quarter, one
quarter alone is too few to estimate anything.

Layer 2 — :func:`behavior_change` -> :class:`BehaviorChangeResult`
-----------------------------------------------------------------
Stacked event-window difference-in-differences (Cengiz et al. 2019; Wing et al. 2024), estimated
by OLS on the fixed-effect-demeaned data, standard errors clustered by rep with the Bell–McCaffrey
(CR2) small-sample adjustment (:mod:`coaching_roi.clustered`), t(coached reps − 1):

* one sub-experiment per (behavior, episode start week); treated = reps whose episode on that
  behavior starts that week; **clean controls** = reps never coached on that behavior, plus reps
  coached on it later whose first session is after the sub-experiment's window ends (not yet
  treated). Already-coached reps are never controls.
* window: ``event_window_pre_weeks`` (4) weeks before to ``event_window_post_weeks`` (8) after the
  first session week, on the same calendar weeks for treated and controls; event week = (Monday of
  the call's week - Monday of the first session's week) / 7.
* fixed effects: sub-experiment x rep and sub-experiment x calendar week; regressors: treated x
  event-week dummies (reference week -1). Each sub-experiment only compares a cohort with clean
  controls, so staggered starts with effects that grow over time do not bias it (plain two-way
  fixed effects does; :func:`twfe_did` exists to show that in the tests).
* the DiD (``behavior_change::<b>``) = mean of the post coefficients (weeks 0..8) minus mean of the pre
  ones (weeks -4..-1): the average effect over event weeks 0..8, each week weighted equally, among
  ALL coached episodes (landing or not) — the demo truth's estimand. Pre-trend
  (``event_study_pretrend::<b>``) = mean of the leads -4..-2 relative to week -1 (near 0 when fair).
* behaviors with fewer than 2 coached reps with scores on both sides get no estimate, only a reason;
  ``behavior_change::all`` pools all estimable behaviors (sub-experiments per behavior x start week).

``BehaviorChangeResult``: ``.table`` — one row per behavior (+ ``"all"``): behavior, estimate, ci_low,
ci_high, n_reps, n_episodes, n_controls, pretrend, pretrend_low, pretrend_high, status ("ok" or
"skipped: <why>"); ``.event_study`` — tidy: behavior, event_week, estimate, ci_low, ci_high, n
(coached reps with scores that week; week -1 is the reference, 0 by construction);
``.estimates(labels=...)`` -> ``{"behavior_change::<b>": Estimate, "event_study_pretrend::<b>":
Estimate}`` (unit "points", n = coached reps, reading respects the interval and small n);
``.skipped()`` -> {behavior: reason}; ``.control_rule`` — one sentence for the notebook.

Layer 3 — :func:`outcome_link` -> :class:`OutcomeLinkResult`
-----------------------------------------------------------
Lives in :mod:`coaching_roi.outcome_link` (re-exported here): the rep-level slope of win-rate change
(``win_rate_change_per_point::all``) and deal-cycle change (``cycle_change_per_point::all``, days
shorter per point) on behavior change, lag 1 and 2 quarters, weighted by deal counts, HC2 robust
standard error with Bell-McCaffrey t degrees of freedom; "not yet observable" lags get no number.

Example reps — :func:`example_reps` -> :class:`ExampleReps`
---------------------------------------------------------
Rule (``ExampleReps.rule``, one sentence): among coached episodes with >= 4 weeks of scores after and
>= 2 before the first session, targeting = share of the rep's sessions (weeks 0..8) on a single
behavior x share with an observable x share of weeks with a session; clarity = (after - before mean
score) / max(pre-period SD, 0.5); rank by targeting (rounded to 0.1), then clarity; top ``k`` (3)
distinct reps. ``.table``: rep_id, rep_name, behavior, behavior_label, observable, n_sessions,
first_session_date, before_score, after_score, win_rate_before, win_rate_after (deals closed in the
91 days before / from the first session), n_deals_before, n_deals_after, targeting, clarity,
sentence. ``.trajectories``: rep_id, rep_name, behavior, event_week (-4..8), week, score, team_score
(mean of reps never coached on that behavior, same calendar week).

Plots (``coaching_roi.plots.effects``): ``plot_event_study(bc.event_study, behavior=..., ax=)``,
``plot_example_trajectories(ex.trajectories, ax=)``, ``plot_outcome_scatter(ol.points, lag=1,
slope=<table value>, ax=)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coaching_roi import config as _config
from coaching_roi import verdict
from coaching_roi.clustered import ols_cluster
from coaching_roi.estimate_ids import POOLED
from coaching_roi.outcome_link import (  # noqa: F401 - layer 3 lives there; re-exported for callers
    OutcomeLinkResult,
    data_end,
    lag_observable,
    outcome_link,
    quarter_of,
    rep_quarter_behavior,
    rep_quarter_outcomes,
)

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config

DF_RULE = "treated"  # "treated": t(df = coached reps - 1, >= 2); "clusters": t(G - 1)
VCOV = "CR2"  # rep-clustered covariance: "CR2" (Bell-McCaffrey, few treated reps) or "CR1" (the usual one)
_WEEK = pd.Timedelta(days=7)


# ------------------------------------------------------------------------------------ helpers
def week_start(dates: pd.Series) -> pd.Series:
    """Return the Monday (midnight) of each date's week."""
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def _z_or_t(level: float, df: int | None = None) -> float:
    from scipy import stats as st

    if df is not None and df > 0:
        return float(st.t.ppf(0.5 + level / 2, df))
    return float(st.norm.ppf(0.5 + level / 2))


def _codes(*cols: pd.Series) -> np.ndarray:
    """Integer codes of the combination of ``cols`` (0..k-1)."""
    frame = pd.concat([c.reset_index(drop=True) for c in cols], axis=1)
    return frame.groupby(list(frame.columns), sort=False, observed=True).ngroup().to_numpy()


def _demean(x: np.ndarray, groups: list[np.ndarray], *, tol: float = 1e-11, max_iter: int = 5000) -> np.ndarray:
    """Project out several sets of fixed effects (alternating projections; exact for unbalanced panels)."""
    x = np.array(x, dtype=float, copy=True)
    if x.ndim == 1:
        x = x[:, None]
    counts = [np.bincount(g) for g in groups]
    for _ in range(max_iter):
        biggest = 0.0
        for g, c in zip(groups, counts, strict=True):
            for j in range(x.shape[1]):
                means = np.bincount(g, weights=x[:, j], minlength=len(c)) / np.maximum(c, 1)
                step = means[g]
                x[:, j] -= step
                biggest = max(biggest, float(np.max(np.abs(step))) if len(step) else 0.0)
        if biggest < tol:
            break
    return x


# ------------------------------------------------------------------------------------- inputs
def rep_week_behavior(calls: pd.DataFrame, call_scores: pd.DataFrame, *, scorer: str | None = "manager") -> pd.DataFrame:
    """Build the weekly behavior frame (rep_id, week, behavior, mean_score, n_calls) from scored calls.

    The same shape as 02's ``02_rep_week_behavior``; used when that artifact is absent. Only
    ``scorer`` scores count when the table has a scorer column (one scorer keeps weeks comparable).
    """
    sc = call_scores
    if scorer is not None and "scorer" in sc.columns and (sc["scorer"] == scorer).any():
        sc = sc[sc["scorer"] == scorer]
    m = sc[["call_id", "behavior", "score"]].merge(calls[["call_id", "rep_id", "call_date"]], on="call_id", how="inner")
    m = m.dropna(subset=["score", "call_date"])
    m["week"] = week_start(m["call_date"])
    # one score per call and behavior (several scorers of the same kind -> their mean)
    per_call = m.groupby(["rep_id", "week", "behavior", "call_id"], observed=True, sort=False)["score"].mean()
    out = (
        per_call.groupby(level=["rep_id", "week", "behavior"], observed=True)
        .agg(mean_score="mean", n_calls="size")
        .reset_index()
    )
    out["mean_score"] = out["mean_score"].astype("float64")
    out["n_calls"] = out["n_calls"].astype("int64")
    return out.sort_values(["rep_id", "behavior", "week"], ignore_index=True)


def split_behaviors(sessions: pd.DataFrame, rubric_keys: list[str] | None = None) -> pd.DataFrame:
    """One row per (session, targeted behavior); adds ``n_behaviors`` (how many the session targeted)."""
    s = sessions.copy()
    s["behavior"] = s["behavior"].astype(object).where(s["behavior"].notna(), "")
    s["_keys"] = s["behavior"].map(lambda v: [k.strip() for k in str(v).split(";") if k.strip()])
    s["n_behaviors"] = s["_keys"].map(len)
    s = s.drop(columns="behavior").explode("_keys").rename(columns={"_keys": "behavior"})
    s = s[s["behavior"].notna()]
    if rubric_keys is not None:
        s = s[s["behavior"].isin(list(rubric_keys))]
    s["session_date"] = pd.to_datetime(s["session_date"])
    return s.reset_index(drop=True)


def coaching_episodes(sessions: pd.DataFrame, rubric_keys: list[str] | None = None, *, min_sessions: int = 1) -> pd.DataFrame:
    """Return coaching episodes: one row per (rep_id, behavior) with its first session.

    A (rep, behavior) needs ``min_sessions`` sessions targeting it to count (``cfg.analysis.
    min_episode_sessions``, default 2: a behavior mentioned once beside another is not an episode).

    Columns: rep_id, behavior, first_session_date, episode_week (Monday of the first session),
    last_session_date, n_sessions, observable (the most recent non-empty one, or NA).
    """
    cols = ["rep_id", "behavior", "first_session_date", "episode_week", "last_session_date", "n_sessions", "observable"]
    if sessions is None or len(sessions) == 0:
        return pd.DataFrame(columns=cols)
    s = split_behaviors(sessions, rubric_keys)
    if "observable" not in s.columns:
        s["observable"] = pd.NA
    s = s.sort_values("session_date")
    obs = s.assign(observable=s["observable"].astype(object).where(s["observable"].astype(object).map(lambda v: isinstance(v, str) and v.strip() != ""), None))
    g = obs.groupby(["rep_id", "behavior"], observed=True, sort=True)
    ep = g.agg(
        first_session_date=("session_date", "min"),
        last_session_date=("session_date", "max"),
        n_sessions=("session_date", "size"),
        observable=("observable", "last"),  # "last" skips missing values
    ).reset_index()
    ep = ep[ep["n_sessions"] >= min_sessions].reset_index(drop=True)
    ep["episode_week"] = week_start(ep["first_session_date"])
    ep["n_sessions"] = ep["n_sessions"].astype("int64")
    return ep[cols]


@dataclass
class Inputs:
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


def load_inputs(cfg: Config) -> Inputs:
    """Read the artifacts layers 2-3 need; say in ``missing`` what cannot be computed without each."""
    sessions = _read(cfg, "coaching_sessions")
    reps = _read(cfg, "reps")
    opps = _read(cfg, "opportunities")
    weekly, source = None, ""
    p02 = cfg.artifact("02_rep_week_behavior")
    if p02.exists():
        weekly, source = pd.read_parquet(p02), "02_rep_week_behavior"
    else:
        calls, scores = _read(cfg, "calls"), _read(cfg, "call_scores")
        if calls is not None and scores is not None:
            weekly, source = rep_week_behavior(calls, scores), "01 calls + call_scores (manager scores)"
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
    return Inputs(weekly, episodes, sessions, reps, opps, source, missing)


# ------------------------------------------------------------------------------------ layer 2
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


def select_episodes(episodes: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    """Episodes whose first session falls in [start, end) (all when both are None)."""
    ep = episodes
    if start is not None:
        ep = ep[ep["first_session_date"] >= pd.Timestamp(start)]
    if end is not None:
        ep = ep[ep["first_session_date"] < pd.Timestamp(end)]
    return ep


def stacked_panel(
    weekly: pd.DataFrame,
    episodes: pd.DataFrame,
    behavior: str,
    *,
    pre_weeks: int = 4,
    post_weeks: int = 8,
    episodes_from: pd.Timestamp | None = None,
    episodes_to: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Stack one sub-panel per episode start week: the cohort's reps plus clean controls, weeks -pre..+post.

    Clean controls for cohort g: reps with no episode on ``behavior`` at all, and reps whose own
    episode on it starts after g's window ends (not yet treated). Returns columns sub (the cohort's
    start week), behavior, rep_id, week, event_week, treated (bool), y (mean_score), n_calls.
    """
    eps_all = episodes[episodes["behavior"] == behavior]
    treated_eps = select_episodes(eps_all, episodes_from, episodes_to)
    w = weekly[weekly["behavior"] == behavior]
    if len(treated_eps) == 0 or len(w) == 0:
        return pd.DataFrame(columns=["sub", "behavior", "rep_id", "week", "event_week", "treated", "y", "n_calls"])
    start_of = eps_all.set_index("rep_id")["episode_week"]
    parts = []
    for g, cohort in treated_eps.groupby("episode_week", sort=True):
        lo, hi = g - pre_weeks * _WEEK, g + post_weeks * _WEEK
        treated = set(cohort["rep_id"])
        later = set(start_of[start_of > hi].index)
        never = set(w["rep_id"]) - set(start_of.index)
        keep = treated | later | never
        sub = w[w["rep_id"].isin(keep) & (w["week"] >= lo) & (w["week"] <= hi)]
        if len(sub) == 0:
            continue
        sub = sub.assign(
            sub=g,
            event_week=((sub["week"] - g) / _WEEK).round().astype("int64"),
            treated=sub["rep_id"].isin(treated),
        )
        parts.append(sub)
    if not parts:
        return pd.DataFrame(columns=["sub", "behavior", "rep_id", "week", "event_week", "treated", "y", "n_calls"])
    out = pd.concat(parts, ignore_index=True).rename(columns={"mean_score": "y"})
    cols = ["sub", "behavior", "rep_id", "week", "event_week", "treated", "y"] + (["n_calls"] if "n_calls" in out else [])
    return out[cols]


@dataclass(frozen=True)
class EventStudyFit:
    """One stacked event-study regression: coefficients by event week and the derived DiD."""

    event_weeks: list[int]
    coef: np.ndarray
    cov: np.ndarray
    df_resid: int
    n_clusters: int
    did: float
    did_se: float
    pretrend: float
    pretrend_se: float


def fit_stacked(panel: pd.DataFrame, *, pre_weeks: int, post_weeks: int, sub_cols: tuple[str, ...] = ("sub",)) -> EventStudyFit | None:
    """Fit y ~ treated x event-week dummies + sub x rep + sub x week fixed effects, clustered by rep (CR2).

    The DiD is the mean of the post coefficients (weeks 0..post) minus the mean of the pre ones
    (weeks -pre..-1, week -1 = 0): each event week counts once. The pre-trend is the mean of the
    leads -pre..-2 (relative to week -1). Returns None when the design cannot be estimated.
    """
    if panel is None or len(panel) == 0 or not panel["treated"].any() or panel["treated"].all():
        return None
    weeks = [k for k in range(-pre_weeks, post_weeks + 1) if k != -1]
    tr = panel["treated"].to_numpy(bool)
    ev = panel["event_week"].to_numpy()
    X = np.column_stack([(tr & (ev == k)).astype(float) for k in weeks])
    present = X.sum(axis=0) > 0
    subs = [panel[c] for c in sub_cols]
    g_unit = _codes(*subs, panel["rep_id"])
    g_time = _codes(*subs, panel["week"])
    y = panel["y"].to_numpy(float)
    Z = _demean(np.column_stack([y, X[:, present]]), [g_unit, g_time])
    yt, Xt = Z[:, 0], Z[:, 1:]
    keep = np.abs(Xt).max(axis=0) > 1e-9 if Xt.shape[1] else np.array([], bool)
    if not keep.any():
        return None
    # drop event weeks the fixed effects make collinear (e.g. a week only one cohort reaches)
    from scipy.linalg import qr

    cols = np.flatnonzero(keep)
    _, r_, piv = qr(Xt[:, cols], mode="economic", pivoting=True)
    diag = np.abs(np.diag(r_))
    rank = int((diag > 1e-8 * max(diag.max(), 1e-300)).sum())
    keep = np.zeros_like(keep)
    keep[cols[np.sort(piv[:rank])]] = True
    idx_present = np.flatnonzero(present)[keep]
    clusters = pd.factorize(panel["rep_id"])[0]
    n_clusters = int(clusters.max() + 1)
    if n_clusters < 3:
        return None
    params, vcov = ols_cluster(yt, Xt[:, keep], clusters, kind=VCOV)
    coef = np.full(len(weeks), np.nan)
    cov = np.full((len(weeks), len(weeks)), np.nan)
    coef[idx_present] = params
    cov[np.ix_(idx_present, idx_present)] = vcov

    def combo(w: np.ndarray) -> tuple[float, float]:
        m = w != 0
        if not m.any() or np.isnan(coef[m]).any():
            return float("nan"), float("nan")
        return float(w[m] @ coef[m]), float(math.sqrt(max(w[m] @ cov[np.ix_(m, m)] @ w[m], 0.0)))

    wk = np.array(weeks)
    post = wk >= 0
    lead = wk <= -2
    # present post weeks only (a week nobody reached is not averaged in)
    post_ok = post & ~np.isnan(coef)
    w_did = np.zeros(len(weeks))
    if post_ok.any():
        w_did[post_ok] = 1.0 / post_ok.sum()
    lead_ok = lead & ~np.isnan(coef)
    n_pre_weeks = lead_ok.sum() + 1  # week -1 is the reference (0)
    w_did[lead_ok] -= 1.0 / n_pre_weeks
    did, did_se = combo(w_did) if post_ok.any() else (float("nan"), float("nan"))
    w_pre = np.zeros(len(weeks))
    if lead_ok.any():
        w_pre[lead_ok] = 1.0 / lead_ok.sum()
    pre, pre_se = combo(w_pre) if lead_ok.any() else (float("nan"), float("nan"))
    return EventStudyFit(weeks, coef, cov, int(n_clusters - 1), n_clusters, did, did_se, pre, pre_se)


def twfe_did(panel: pd.DataFrame) -> float:
    """Plain two-way fixed-effects DiD (rep and week FE, one post-treatment dummy).

    Shown only to explain why it is not used: with staggered starts and effects that change over
    time it compares late cohorts with already-treated reps and is biased. ``panel`` holds rep_id,
    week, y and ``post`` (1 from a treated rep's first session on).
    """
    y = panel["y"] if "y" in panel else panel["mean_score"]
    Z = _demean(np.column_stack([y.to_numpy(float), panel["post"].to_numpy(float)]),
                [_codes(panel["rep_id"]), _codes(panel["week"])])
    return float((Z[:, 0] @ Z[:, 1]) / (Z[:, 1] @ Z[:, 1]))


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
    # coaching_roi.clustered) and the t quantile uses df = coached reps - 1 (at least 2).
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
        row, es = _row_from_fit(POOLED, fit, panel.assign(sub=panel["behavior"].astype(str) + "|" + panel["sub"].astype(str)),
                                lvl, min_treated_reps)
        rows.append(row)
        es_rows += es
    table = pd.DataFrame(rows, columns=_TABLE_COLS)
    es_df = pd.DataFrame(es_rows, columns=["behavior", "event_week", "estimate", "ci_low", "ci_high", "n"])
    es_df = es_df.sort_values(["behavior", "event_week"], ignore_index=True)
    policy = verdict.Policy.from_config(cfg) if cfg is not None else verdict.Policy(level=lvl)
    return BehaviorChangeResult(table, es_df, pre, post, lvl, s["min_reps"], dict(labels), policy)


# ------------------------------------------------------------------------------------ layer 3
def episode_changes(weekly: pd.DataFrame, episodes: pd.DataFrame, *, pre_weeks: int = 4, post_weeks: int = 8) -> pd.DataFrame:
    """Per episode: mean score in weeks -pre..-1 and 0..post on the coached behavior, and their difference.

    Columns: rep_id, behavior, episode_week, score_before, score_after, behavior_change, pre_sd,
    n_weeks_before, n_weeks_after. Episodes without scores on both sides get NaN change.
    """
    m = episodes[["rep_id", "behavior", "episode_week"]].merge(weekly, on=["rep_id", "behavior"], how="left")
    m["event_week"] = ((m["week"] - m["episode_week"]) / _WEEK).round()
    pre = m[(m["event_week"] >= -pre_weeks) & (m["event_week"] <= -1)]
    post = m[(m["event_week"] >= 0) & (m["event_week"] <= post_weeks)]
    keys = ["rep_id", "behavior", "episode_week"]
    a = pre.groupby(keys, observed=True)["mean_score"].agg(score_before="mean", pre_sd="std", n_weeks_before="size")
    b = post.groupby(keys, observed=True)["mean_score"].agg(score_after="mean", n_weeks_after="size")
    out = episodes[keys].merge(a.reset_index(), on=keys, how="left").merge(b.reset_index(), on=keys, how="left")
    out[["n_weeks_before", "n_weeks_after"]] = out[["n_weeks_before", "n_weeks_after"]].fillna(0).astype("int64")
    out["behavior_change"] = out["score_after"] - out["score_before"]
    return out[["rep_id", "behavior", "episode_week", "score_before", "score_after", "behavior_change", "pre_sd",
                "n_weeks_before", "n_weeks_after"]]


# ------------------------------------------------------------------------------- example reps
EXAMPLE_RULE = (
    "Example reps are chosen by a fixed rule: among coached reps with at least {min_post} weeks of scores after "
    "their first session, rank by how targeted the coaching was (share of sessions on one behavior x share "
    "with a written observable x share of weeks with a session), then by how clearly the coached behavior "
    "moved (after-minus-before score divided by the rep's week-to-week spread before coaching); the top {k} are shown."
)


@dataclass
class ExampleReps:
    """The 2-3 example reps (slide 2) and their weekly trajectories."""

    table: pd.DataFrame
    trajectories: pd.DataFrame
    rule: str


def _targeting(sessions: pd.DataFrame, ep: pd.Series, post_weeks: int, end: pd.Timestamp) -> tuple[float, float, float]:
    s = sessions[(sessions["rep_id"] == ep["rep_id"]) & (sessions["session_date"] >= ep["episode_week"])
                 & (sessions["session_date"] < ep["episode_week"] + (post_weeks + 1) * _WEEK)]
    if len(s) == 0:
        return 0.0, 0.0, 0.0
    single = float((s["n_behaviors"] == 1).mean())
    obs = s["observable"].astype(object) if "observable" in s else pd.Series([None] * len(s))
    has_obs = float(obs.map(lambda v: isinstance(v, str) and v.strip() != "").mean())
    n_weeks = post_weeks + 1
    if pd.notna(end):
        n_weeks = int(min(n_weeks, max(1, ((end - ep["episode_week"]) / _WEEK) // 1 + 1)))
    cadence = min(1.0, week_start(s["session_date"]).nunique() / n_weeks)
    return single, has_obs, cadence


def _win_window(opps: pd.DataFrame, rep: str, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[float, int]:
    o = opps[(opps["rep_id"] == rep) & opps["status"].isin(["won", "lost"]) & (opps["close_date"] >= lo) & (opps["close_date"] < hi)]
    n = len(o)
    return (float((o["status"] == "won").mean()) if n else float("nan")), n


def example_sentence(r: dict) -> str:
    """'<name> was coached on <label> for N weeks (committed to: '<observable>'); score a → b, win rate c → d (n=…)'."""
    weeks = r["n_weeks_coached"]
    obs = r.get("observable")
    commit = f' (committed to: "{obs}")' if isinstance(r.get("observable"), str) and r["observable"] else ""
    wr = ""
    if np.isfinite(r["win_rate_before"]) and np.isfinite(r["win_rate_after"]):
        wr = (f", win rate {r['win_rate_before']:.0%} → {r['win_rate_after']:.0%} "
              f"(n={r['n_deals_before']} → {r['n_deals_after']} closed deals)")
    else:
        wr = f", win rate not comparable yet ({r['n_deals_before']} → {r['n_deals_after']} closed deals)"
    return (f"{r['rep_name']} was coached on {r['behavior_label']} for {weeks} week{'s' if weeks != 1 else ''}{commit}; "
            f"score {r['before_score']:.1f} → {r['after_score']:.1f}{wr}.")


def example_reps(
    inp: Inputs | None = None,
    *,
    cfg: Config | None = None,
    weekly: pd.DataFrame | None = None,
    episodes: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
    reps: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
    k: int = 3,
    min_post_weeks: int = 4,
    min_pre_weeks: int = 2,
    episodes_from: pd.Timestamp | None = None,
    episodes_to: pd.Timestamp | None = None,
    pre_weeks: int | None = None,
    post_weeks: int | None = None,
    window_days: int = 91,
) -> ExampleReps:
    """Pick the ``k`` example reps by the stated rule (:data:`EXAMPLE_RULE`) and return their story.

    Win rates compare deals closed in the ``window_days`` before the first session with those closed in
    the ``window_days`` from it (capped at the data end).
    """
    if inp is not None:
        weekly = inp.weekly if weekly is None else weekly
        episodes = inp.episodes if episodes is None else episodes
        sessions = inp.sessions if sessions is None else sessions
        reps = inp.reps if reps is None else reps
        opportunities = inp.opportunities if opportunities is None else opportunities
    s = _settings(cfg, pre_weeks=pre_weeks, post_weeks=post_weeks, episodes_from=episodes_from, episodes_to=episodes_to)
    pre, post = s["pre_weeks"], s["post_weeks"]
    labels = cfg.rubric.labels if cfg is not None else {}
    rule = EXAMPLE_RULE.format(min_post=min_post_weeks, k=k)
    tcols = ["rep_id", "rep_name", "behavior", "behavior_label", "observable", "n_sessions", "first_session_date",
             "before_score", "after_score", "win_rate_before", "win_rate_after", "n_deals_before", "n_deals_after",
             "targeting", "clarity", "sentence"]
    jcols = ["rep_id", "rep_name", "behavior", "event_week", "week", "score", "team_score"]
    empty = ExampleReps(pd.DataFrame(columns=tcols), pd.DataFrame(columns=jcols), rule)
    if weekly is None or episodes is None or sessions is None or len(episodes) == 0:
        return empty
    eps = select_episodes(episodes, s["episodes_from"], s["episodes_to"])
    ch = episode_changes(weekly, eps, pre_weeks=pre, post_weeks=post)
    ch = ch[(ch["n_weeks_after"] >= min_post_weeks) & (ch["n_weeks_before"] >= min_pre_weeks)]
    if len(ch) == 0:
        return empty
    sess = split_behaviors(sessions)
    end = data_end(opportunities) if opportunities is not None and len(opportunities) else weekly["week"].max()
    end = max(end, weekly["week"].max()) if pd.notna(end) else weekly["week"].max()
    ch = ch.merge(eps.drop(columns=["episode_week"]), on=["rep_id", "behavior"])
    rows = []
    for _, ep in ch.iterrows():
        single, obs, cad = _targeting(sess, ep, post, end)
        spread = max(float(ep["pre_sd"]) if np.isfinite(ep["pre_sd"]) else 0.0, 0.5)
        rows.append(dict(ep, share_single=single, share_observable=obs, cadence=cad, targeting=single * obs * cad,
                         clarity=float(ep["behavior_change"]) / spread))
    cand = pd.DataFrame(rows)
    cand["_t"] = cand["targeting"].round(1)
    cand = cand.sort_values(["_t", "clarity", "rep_id"], ascending=[False, False, True])
    cand = cand.drop_duplicates("rep_id").head(k)
    names = reps.set_index("rep_id")["rep_name"] if reps is not None and "rep_name" in reps else pd.Series(dtype=object)
    opps = None
    if opportunities is not None:
        opps = opportunities.assign(close_date=pd.to_datetime(opportunities["close_date"]))
    never = {b: set(weekly.loc[weekly["behavior"] == b, "rep_id"]) - set(episodes.loc[episodes["behavior"] == b, "rep_id"])
             for b in cand["behavior"].unique()}
    out, traj = [], []
    for _, c in cand.iterrows():
        first = pd.Timestamp(c["first_session_date"])
        wr_b, n_b = _win_window(opps, c["rep_id"], first - pd.Timedelta(days=window_days), first) if opps is not None else (np.nan, 0)
        wr_a, n_a = _win_window(opps, c["rep_id"], first, first + pd.Timedelta(days=window_days)) if opps is not None else (np.nan, 0)
        last = pd.Timestamp(c["last_session_date"])
        r = dict(rep_id=c["rep_id"], rep_name=str(names.get(c["rep_id"], c["rep_id"])), behavior=c["behavior"],
                 behavior_label=_label(labels, c["behavior"]), observable=c["observable"] if isinstance(c["observable"], str) else None,
                 n_sessions=int(c["n_sessions"]), first_session_date=first, before_score=float(c["score_before"]),
                 after_score=float(c["score_after"]), win_rate_before=wr_b, win_rate_after=wr_a,
                 n_deals_before=int(n_b), n_deals_after=int(n_a), targeting=float(c["targeting"]),
                 clarity=float(c["clarity"]),
                 n_weeks_coached=int(((week_start(pd.Series([last])).iloc[0] - c["episode_week"]) / _WEEK) + 1))
        r["sentence"] = example_sentence(r)
        out.append(r)
        g = c["episode_week"]
        w = weekly[(weekly["behavior"] == c["behavior"]) & (weekly["week"] >= g - pre * _WEEK) & (weekly["week"] <= g + post * _WEEK)]
        team = w[w["rep_id"].isin(never[c["behavior"]])].groupby("week", observed=True)["mean_score"].mean()
        mine = w[w["rep_id"] == c["rep_id"]].set_index("week")["mean_score"]
        for wk in pd.date_range(g - pre * _WEEK, g + post * _WEEK, freq="7D"):
            traj.append(dict(rep_id=c["rep_id"], rep_name=r["rep_name"], behavior=c["behavior"],
                             event_week=int(round((wk - g) / _WEEK)), week=wk, score=mine.get(wk, np.nan),
                             team_score=team.get(wk, np.nan)))
    return ExampleReps(pd.DataFrame(out)[tcols], pd.DataFrame(traj, columns=jcols), rule)
