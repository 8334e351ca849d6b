"""Coaching episodes: the sessions log turned into one episode per (rep, behavior), and each episode's before/after change.

:func:`coaching_episodes` — one row per (rep_id, behavior) with ``first_session_date``, ``episode_week``
(Monday of the first session), ``n_sessions``, ``last_session_date``, ``observable`` (latest non-empty).
A session whose ``behavior`` lists several keys (``"a;b"``) counts for each key; a (rep, behavior)
needs ``cfg.analysis.min_episode_sessions`` sessions to be an episode, so a one-off side mention is
not analysed as coaching. Only rubric keys.
"""

from __future__ import annotations

import pandas as pd

from coaching_roi.calendar import week_start

_WEEK = pd.Timedelta(days=7)


def explode_session_behaviors(sessions: pd.DataFrame, rubric_keys: list[str] | None = None) -> pd.DataFrame:
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
    s = explode_session_behaviors(sessions, rubric_keys)
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


def select_episodes(episodes: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    """Episodes whose first session falls in [start, end) (all when both are None)."""
    ep = episodes
    if start is not None:
        ep = ep[ep["first_session_date"] >= pd.Timestamp(start)]
    if end is not None:
        ep = ep[ep["first_session_date"] < pd.Timestamp(end)]
    return ep


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
