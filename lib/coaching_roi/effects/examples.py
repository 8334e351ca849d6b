"""The example reps: a fixed rule picks the few coached reps whose story the deck tells.

Rule (``ExampleReps.rule``, one sentence): among coached episodes with enough weeks of scores before
and after the first session, targeting = share of the rep's sessions on a single behavior x share with
an observable x share of weeks with a session; clarity = (after - before mean score) / max(pre-period
SD, 0.5); rank by targeting (rounded to 0.1), then clarity; top ``k`` distinct reps. ``.table`` holds
each rep's before/after score and win rate with the sentence; ``.trajectories`` the weekly scores
beside the team of reps never coached on that behavior.

``.table``: rep_id, rep_name, behavior, behavior_label, observable, n_sessions, first_session_date,
before_score, after_score, win_rate_before, win_rate_after (deals closed in the 91 days before / from
the first session), n_deals_before, n_deals_after, targeting, clarity, sentence. ``.trajectories``:
rep_id, rep_name, behavior, event_week, week, score, team_score (mean of reps never coached on that
behavior, same calendar week).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coaching_roi.calendar import week_of, week_start

from .change_by_behavior import _label
from .episodes import _WEEK, episode_changes, explode_session_behaviors, select_episodes
from .inputs import EffectInputs, _settings
from .outcome_points import data_end

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config


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


class _SessionsByRep:
    """:func:`_targeting` for many episodes: each rep's sessions, with what the shares count worked out once
    per session (single behavior, written observable, week), instead of filtering the whole log per episode."""

    def __init__(self, sessions: pd.DataFrame) -> None:
        s = pd.DataFrame({"rep_id": sessions["rep_id"], "session_date": sessions["session_date"],
                          "single": sessions["n_behaviors"] == 1, "week": week_start(sessions["session_date"])})
        if "observable" in sessions:
            s["has_obs"] = sessions["observable"].astype(object).map(lambda v: isinstance(v, str) and v.strip() != "")
        self.by_rep = {r: g for r, g in s.groupby("rep_id", observed=True, sort=False)}
        self.has_observable = "observable" in sessions

    def targeting(self, ep: pd.Series, post_weeks: int, end: pd.Timestamp) -> tuple[float, float, float]:
        g = self.by_rep.get(ep["rep_id"])
        if g is None:
            return 0.0, 0.0, 0.0
        s = g[(g["session_date"] >= ep["episode_week"]) & (g["session_date"] < ep["episode_week"] + (post_weeks + 1) * _WEEK)]
        if len(s) == 0:
            return 0.0, 0.0, 0.0
        single = float(s["single"].mean())
        has_obs = float(s["has_obs"].mean()) if self.has_observable else 0.0
        n_weeks = post_weeks + 1
        if pd.notna(end):
            n_weeks = int(min(n_weeks, max(1, ((end - ep["episode_week"]) / _WEEK) // 1 + 1)))
        cadence = min(1.0, s["week"].nunique() / n_weeks)
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
    inp: EffectInputs | None = None,
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
    sess = explode_session_behaviors(sessions)
    end = data_end(opportunities) if opportunities is not None and len(opportunities) else weekly["week"].max()
    end = max(end, weekly["week"].max()) if pd.notna(end) else weekly["week"].max()
    ch = ch.merge(eps.drop(columns=["episode_week"]), on=["rep_id", "behavior"])
    rows = []
    by_rep = _SessionsByRep(sess)
    for _, ep in ch.iterrows():
        single, obs, cad = by_rep.targeting(ep, post, end)
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
                 n_weeks_coached=int(((week_of(last) - c["episode_week"]) / _WEEK) + 1))
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
