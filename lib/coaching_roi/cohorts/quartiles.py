"""Win rate by discovery-score quartile.

* :func:`rep_quarter_table` — one row per AE for the quarter: composite discovery score, deals won
  and lost in the quarter, win rate, score quartile (1..4, 4 = top).
* :func:`quartile_summary` — win rate per quartile with a rep-bootstrap interval.
* :func:`quartile_gap` — top-minus-bottom win-rate gap; the bootstrap resamples **reps**, not deals,
  and re-draws the quartiles inside every resample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import bootstrap
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
    picks = bootstrap.resample(n, n_boot, np.random.default_rng(seed))
    score = df["composite_mean"].to_numpy(float)[picks]
    won = df["won"].to_numpy(float)[picks]
    total = won + df["lost"].to_numpy(float)[picks]
    pct = bootstrap.percentile(_gap_arrays(score, won, total), level)
    return Interval(point, pct.low, pct.high, n)


def quartile_summary(
    rep_quarter: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Win rate per quartile: quartile, n_reps, n_deals, won, lost, win_rate, ci_low, ci_high, score_min, score_max.

    The interval resamples the quartile's reps (percentile bootstrap); with fewer than 2 reps or
    no deals it falls back to the Wilson interval on deals (flagged in ``ci_method``).
    """
    rng = np.random.default_rng(seed)
    rows = []
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
            idx = bootstrap.resample(len(part), n_boot, rng)
            tw, tt = w[idx].sum(axis=1), t[idx].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                lo, hi = bootstrap.percentile(np.where(tt > 0, tw / tt, np.nan), level).bounds
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
