"""Behavioral cohorts and coaching activity (SPEC §5.1–5.2), plus the sentence every estimate carries.

* :func:`rep_quarter_table` — one row per AE for the quarter: composite discovery score, deals won
  and lost in the quarter, win rate, score quartile (1..4, 4 = top).
* :func:`quartile_summary` — win rate per quartile with a rep-bootstrap interval.
* :func:`quartile_gap` — top-minus-bottom win-rate gap; the bootstrap resamples **reps**, not deals,
  and re-draws the quartiles inside every resample.
* :func:`activity_by_rep`, :func:`activity_by_coach`, :func:`activity_by_behavior`,
  :func:`activity_overview` — layer 1: what coaching was done, how regularly, how focused.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.stats import Interval, wilson_interval

QUARTILE_LABELS = {1: "Q1 (bottom)", 2: "Q2", 3: "Q3", 4: "Q4 (top)"}


# ---------------------------------------------------------------------------- cohort win rate
def _quartile_of(scores: pd.Series) -> pd.Series:
    """Quartile 1..4 (4 = top) of scores; ties broken by order so every quartile gets reps."""
    s = scores.astype(float)
    if len(s) < 4:
        return pd.Series(np.nan, index=s.index)
    ranks = s.rank(method="first")
    return pd.qcut(ranks, 4, labels=[1, 2, 3, 4]).astype(int)


def rep_quarter_table(
    composite: pd.DataFrame,
    opportunities: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    quarter: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    role: str | None = "AE",
) -> pd.DataFrame:
    """Build one row per rep for the quarter, with score quartile and win rate.

    Parameters
    ----------
    composite : ``02_rep_quarter_composite`` (rep_id, quarter, composite_mean, n_calls).
    opportunities : the canonical ``opportunities`` table; deals **closed** in ``[start, end)``
        with status won or lost count.
    reps : the canonical ``reps`` table (rep_name, role).
    quarter : the quarter label to take from ``composite`` (e.g. "2026Q3").
    role : keep only reps of this role (None keeps all).

    Returns
    -------
    DataFrame with rep_id, rep_name, composite_mean, n_calls, quartile (1..4, 4 = top; null for reps
    who closed no deal in the quarter — quartiles are drawn among reps with a closed deal), won, lost,
    n_deals, win_rate (NaN when the rep closed no deal).
    """
    comp = composite.loc[composite["quarter"].astype(str) == str(quarter)]
    comp = comp.loc[comp["composite_mean"].notna(), ["rep_id", "composite_mean", "n_calls"]]
    r = reps[["rep_id", "rep_name"] + (["role"] if "role" in reps.columns else [])]
    df = comp.merge(r, on="rep_id", how="inner")
    if role is not None and "role" in df.columns:
        df = df.loc[df["role"].astype(str) == role]
    df = df.drop(columns=[c for c in ["role"] if c in df.columns])

    opp = opportunities
    closed = opp.loc[
        opp["status"].isin(["won", "lost"]) & (opp["close_date"] >= start) & (opp["close_date"] < end)
    ]
    counts = (
        closed.assign(won=(closed["status"] == "won").astype(int), lost=(closed["status"] == "lost").astype(int))
        .groupby("rep_id", observed=True)[["won", "lost"]]
        .sum()
        .reset_index()
    )
    df = df.merge(counts, on="rep_id", how="left")
    df[["won", "lost"]] = df[["won", "lost"]].fillna(0).astype(int)
    df["n_deals"] = df["won"] + df["lost"]
    df["win_rate"] = np.where(df["n_deals"] > 0, df["won"] / df["n_deals"].where(df["n_deals"] > 0), np.nan)
    df = df.reset_index(drop=True)
    # quartiles among reps who closed a deal: a rep without a closed deal adds no win rate and would
    # only shift the quartile boundaries
    has = df["n_deals"] > 0
    df["quartile"] = pd.array([pd.NA] * len(df), dtype="Int64")
    if has.sum():
        df.loc[has, "quartile"] = _quartile_of(df.loc[has, "composite_mean"]).astype("Int64")
    cols = ["rep_id", "rep_name", "composite_mean", "n_calls", "quartile", "won", "lost", "n_deals", "win_rate"]
    return df[cols].sort_values("composite_mean", ascending=False, ignore_index=True)


def _pooled_gap(df: pd.DataFrame) -> float:
    """Top-minus-bottom quartile pooled win rate, quartiles re-drawn on the frame's reps."""
    q = _quartile_of(df["composite_mean"])
    top = df.loc[q == 4]
    bot = df.loc[q == 1]
    nt, nb = top["won"].sum() + top["lost"].sum(), bot["won"].sum() + bot["lost"].sum()
    if nt == 0 or nb == 0:
        return float("nan")
    return float(top["won"].sum() / nt - bot["won"].sum() / nb)


def _gap_arrays(score: np.ndarray, won: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_pooled_gap` over rows of resampled reps (arrays of shape draws x reps)."""
    n = score.shape[1]
    # rank with ties broken by position (as pandas rank(method="first")), then qcut's bins
    order = np.argsort(score, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[None, :].repeat(score.shape[0], 0), axis=1)
    edges = np.quantile(np.arange(1, n + 1), [0.25, 0.75])
    bot, top = ranks <= edges[0], ranks > edges[1]
    tb, tt = (total * bot).sum(1), (total * top).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = (won * top).sum(1) / tt - (won * bot).sum(1) / tb
    return np.where((tb > 0) & (tt > 0), g, np.nan)


def quartile_gap(rep_quarter: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> Interval:
    """Top-minus-bottom quartile win rate (fraction) with a bootstrap interval over reps.

    Each resample draws reps with replacement (a rep's deals travel together) and re-assigns the
    quartiles, so the interval includes the uncertainty of who lands in which quartile. The draws
    are exactly those of ``stats.bootstrap_by_group(df, "rep_id", ...)`` with the same seed (the
    tests check it), computed on arrays because the generic version takes ~20 s for 2,000 draws.
    ``n`` is the number of reps with a closed deal.
    """
    df = rep_quarter[["rep_id", "composite_mean", "won", "lost"]].dropna(subset=["composite_mean"])
    df = df.loc[(df["won"] + df["lost"]) > 0].reset_index(drop=True)
    n = len(df)
    point = _pooled_gap(df) if n >= 4 else float("nan")
    if n < 8:
        return Interval(point, float("nan"), float("nan"), n)
    rng = np.random.default_rng(seed)
    picks = np.stack([rng.choice(n, size=n, replace=True) for _ in range(n_boot)])
    score = df["composite_mean"].to_numpy(float)[picks]
    won = df["won"].to_numpy(float)[picks]
    total = won + df["lost"].to_numpy(float)[picks]
    draws = _gap_arrays(score, won, total)
    ok = draws[np.isfinite(draws)]
    if len(ok) < max(20, n_boot // 10):
        return Interval(point, float("nan"), float("nan"), n)
    alpha = (1 - level) / 2
    return Interval(point, float(np.quantile(ok, alpha)), float(np.quantile(ok, 1 - alpha)), n)


def quartile_summary(
    rep_quarter: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Win rate per quartile: quartile, n_reps, n_deals, won, lost, win_rate, ci_low, ci_high, score_min, score_max.

    The interval resamples the quartile's reps (percentile bootstrap); with fewer than 2 reps or
    no deals it falls back to the Wilson interval on deals (flagged in ``ci_method``).
    """
    rng = np.random.default_rng(seed)
    rows = []
    alpha = (1 - level) / 2
    for q in (1, 2, 3, 4):
        part = rep_quarter.loc[rep_quarter["quartile"] == q]
        won, lost = int(part["won"].sum()), int(part["lost"].sum())
        n = won + lost
        wr = won / n if n else float("nan")
        lo = hi = float("nan")
        method = "none"
        if len(part) >= 2 and n > 0:
            w = part["won"].to_numpy(float)
            t = (part["won"] + part["lost"]).to_numpy(float)
            idx = rng.integers(0, len(part), size=(n_boot, len(part)))
            tw, tt = w[idx].sum(axis=1), t[idx].sum(axis=1)
            ok = tt > 0
            draws = tw[ok] / tt[ok]
            lo, hi = float(np.quantile(draws, alpha)), float(np.quantile(draws, 1 - alpha))
            method = "bootstrap over reps"
        elif n > 0:
            lo, hi = wilson_interval(won, n, level)
            method = "Wilson (deals)"
        rows.append(
            {
                "quartile": q,
                "n_reps": int(len(part)),
                "n_deals": n,
                "won": won,
                "lost": lost,
                "win_rate": wr,
                "ci_low": lo,
                "ci_high": hi,
                "score_min": float(part["composite_mean"].min()) if len(part) else float("nan"),
                "score_max": float(part["composite_mean"].max()) if len(part) else float("nan"),
                "ci_method": method,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ layer 1: activity
def split_behaviors(sessions: pd.DataFrame) -> pd.DataFrame:
    """Add ``behaviors`` (list of keys), ``n_behaviors`` and ``has_observable`` to a sessions table.

    ``coaching_sessions.behavior`` may hold several keys joined by ';' (the anti-pattern layer 1
    measures); an observable counts when it holds non-blank text.
    """
    s = sessions.copy()
    beh = s["behavior"].astype(object).where(s["behavior"].notna(), "")
    s["behaviors"] = [[k.strip() for k in str(b).split(";") if k.strip()] for b in beh]
    s["n_behaviors"] = s["behaviors"].map(len).astype(int)
    if "observable" in s.columns:
        obs = s["observable"].astype(object)
        s["has_observable"] = [isinstance(o, str) and o.strip() != "" for o in obs]
    else:
        s["has_observable"] = False
    s["single_behavior"] = s["n_behaviors"] == 1
    s["focused"] = s["single_behavior"] & s["has_observable"]
    return s


def sessions_in_quarter(sessions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Keep sessions dated in ``[start, end)`` and add the behavior/observable flags."""
    s = sessions.loc[(sessions["session_date"] >= start) & (sessions["session_date"] < end)]
    return split_behaviors(s)


def _longest_gap_weeks(dates: pd.Series) -> float:
    d = np.sort(pd.to_datetime(dates).to_numpy())
    if len(d) < 2:
        return float("nan")
    gaps = np.diff(d).astype("timedelta64[D]").astype(float)
    return float(gaps.max() / 7)


def activity_by_rep(
    sessions_q: pd.DataFrame, reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Per coached rep: sessions, behaviors, cadence and longest gap in the quarter.

    ``cadence`` = weeks (Monday-start) with at least one session / weeks in the quarter;
    ``longest_gap_weeks`` = the longest stretch between two consecutive sessions (NaN with one session).
    """
    if sessions_q.empty:
        return pd.DataFrame(
            columns=["rep_id", "rep_name", "n_sessions", "n_distinct_behaviors", "weeks_with_session",
                     "cadence", "longest_gap_weeks", "share_single_behavior", "share_with_observable", "main_behavior"]
        )
    n_weeks = max(1, int(np.ceil((end - start).days / 7)))
    s = sessions_q.assign(week=sessions_q["session_date"].dt.to_period("W-SUN"))
    rows = []
    for rep_id, part in s.groupby("rep_id", observed=True, sort=True):
        keys = pd.Series([k for ks in part["behaviors"] for k in ks], dtype=object)
        rows.append(
            {
                "rep_id": rep_id,
                "n_sessions": int(len(part)),
                "n_distinct_behaviors": int(keys.nunique()),
                "weeks_with_session": int(part["week"].nunique()),
                "cadence": part["week"].nunique() / n_weeks,
                "longest_gap_weeks": _longest_gap_weeks(part["session_date"]),
                "share_single_behavior": float(part["single_behavior"].mean()),
                "share_with_observable": float(part["has_observable"].mean()),
                "main_behavior": keys.value_counts().index[0] if len(keys) else None,
            }
        )
    out = pd.DataFrame(rows).merge(reps[["rep_id", "rep_name"]], on="rep_id", how="left")
    cols = ["rep_id", "rep_name"] + [c for c in out.columns if c not in ("rep_id", "rep_name")]
    return out[cols].sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_by_coach(sessions_q: pd.DataFrame) -> pd.DataFrame:
    """Per coach: sessions, reps coached, share single-behavior, share with an observable."""
    if sessions_q.empty:
        return pd.DataFrame(columns=["coach_id", "n_sessions", "n_reps", "share_single_behavior", "share_with_observable"])
    g = sessions_q.groupby("coach_id", observed=True)
    out = pd.DataFrame(
        {
            "n_sessions": g.size(),
            "n_reps": g["rep_id"].nunique(),
            "share_single_behavior": g["single_behavior"].mean(),
            "share_with_observable": g["has_observable"].mean(),
        }
    ).reset_index()
    return out.sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_by_behavior(sessions_q: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per targeted behavior (multi-behavior sessions count once for each key they name)."""
    cols = ["behavior", "behavior_label", "n_sessions", "n_reps", "n_sessions_single"]
    if sessions_q.empty:
        return pd.DataFrame(columns=cols)
    ex = sessions_q[["session_id", "rep_id", "behaviors", "single_behavior"]].explode("behaviors")
    ex = ex.dropna(subset=["behaviors"]).rename(columns={"behaviors": "behavior"})
    g = ex.groupby("behavior", observed=True)
    out = pd.DataFrame(
        {"n_sessions": g.size(), "n_reps": g["rep_id"].nunique(), "n_sessions_single": g["single_behavior"].sum()}
    ).reset_index()
    names = labels or {}
    out["behavior_label"] = [names.get(b, b) for b in out["behavior"]]
    return out[cols].sort_values("n_sessions", ascending=False, ignore_index=True)


def activity_overview(sessions_q: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Headline layer-1 shares with Wilson intervals: single behavior, observable, both.

    Returns rows (measure, k, n, share, ci_low, ci_high). The intervals treat sessions as
    independent, which overstates precision when a few coaches run most sessions — read them as a
    description of this quarter, not an estimate of a population.
    """
    n = int(len(sessions_q))
    rows = []
    for measure, col in (
        ("Sessions targeting exactly one behavior", "single_behavior"),
        ("Sessions recording an observable", "has_observable"),
        ("Sessions with one behavior and an observable", "focused"),
    ):
        k = int(sessions_q[col].sum()) if n else 0
        lo, hi = wilson_interval(k, n, level)
        rows.append({"measure": measure, "k": k, "n": n, "share": k / n if n else float("nan"), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ notebook helpers
def read_artifact(cfg, name: str) -> pd.DataFrame | None:
    """Read an earlier notebook's Parquet artifact (e.g. ``02_rep_quarter_composite``); None when absent."""
    path = cfg.artifact(name)
    return pd.read_parquet(path) if path.exists() else None


def activity_sentence(overview: pd.DataFrame, by_rep: pd.DataFrame, n_aes: int | None = None) -> str:
    """One plain sentence on layer 1: how much coaching, how regular, how focused."""
    if overview.empty or int(overview["n"].iloc[0]) == 0:
        return "No coaching sessions were logged this quarter, so there is no layer-1 activity to describe."
    o = overview.set_index("measure")
    n = int(o["n"].iloc[0])
    single = o.loc["Sessions targeting exactly one behavior", "share"]
    obs = o.loc["Sessions recording an observable", "share"]
    reps = len(by_rep)
    of = f" of {n_aes} AEs" if n_aes else ""
    med_cad = float(by_rep["cadence"].median()) if reps else float("nan")
    return (
        f"{n} coaching sessions reached {reps} reps{of} this quarter; the median coached rep had a session in "
        f"{med_cad:.0%} of weeks. {single:.0%} of sessions targeted exactly one behavior and {obs:.0%} recorded "
        "the observable the rep committed to."
    )
