"""Behavioral scoring (notebook 02): composite scores, rep aggregates, scorer agreement (the win model: win_model.py).

Every function takes canonical tables (as notebook 01 writes them) or the frames made here and
returns a tidy DataFrame or a small frozen dataclass; nothing here draws.

Artifacts written by notebook 02 (Parquet, ``cfg.artifact(name)``):

``02_call_composite`` — one row per discovery call (primary scorer) that has a composite:
    ``call_id``, ``rep_id``, ``call_date``, ``week`` (Monday of the call's week), ``quarter``
    (label such as ``2026Q3``), ``opportunity_id`` (may be null), ``composite`` (weighted mean of
    the composite behaviors scored on the call, rubric scale), ``n_behaviors_scored`` (how many
    composite behaviors the call has), ``weight_coverage`` (share of the composite weight scored,
    0–1), ``all_scored`` (bool: every composite behavior present). Calls below
    ``analysis.min_composite_coverage`` are not in the artifact (the notebook states how many).
``02_rep_week_behavior`` — rep × week × behavior, all call types, primary scorer:
    ``rep_id``, ``week``, ``behavior``, ``mean_score``, ``n_calls``.
``02_rep_quarter_behavior`` — rep × quarter × behavior, all call types, primary scorer:
    ``rep_id``, ``quarter``, ``behavior``, ``mean_score``, ``n_calls``.
``02_rep_quarter_composite`` — rep × quarter over discovery calls with a composite:
    ``rep_id``, ``quarter``, ``composite_mean``, ``n_calls``.
``02_opportunity_discovery_scores`` — one row per opportunity with at least one scored discovery
    call: ``opportunity_id``, ``rep_id`` (rep on the discovery call), ``first_call_date``,
    ``n_discovery_calls``, one column per rubric behavior (named by its key; the mean score over
    the deal's discovery calls, null when not scored) and ``composite`` (mean composite of those
    calls, null when none reached the coverage minimum).

The primary scorer: when a call was scored by several scorers, the one earliest in
``PRIMARY_SCORER_ORDER`` (manager first) supplies that call's scores; the others are kept only for
scorer agreement. A call scored by one scorer uses that scorer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats as _st

from coaching_roi.errors import WorkbookError
from coaching_roi.stats import fmt_interval, fmt_value
from coaching_roi.win_model import (  # noqa: F401  (the win model moved; importable from here as before)
    NO_OPPORTUNITIES,
    NO_SCORES,
    WinModelResult,
    auc_estimate,
    describe_auc_interval,
    describe_importance,
    describe_win_model_skip,
    fit_win_model,
    win_model_frame,
    win_model_inputs,
    win_model_table,
)

if TYPE_CHECKING:
    from coaching_roi.config import Rubric

PRIMARY_SCORER_ORDER: tuple[str, ...] = ("manager", "unrecorded", "peer", "self", "ai")
UNRECORDED = "unrecorded"
ARTIFACTS: tuple[str, ...] = ("02_call_composite", "02_rep_week_behavior", "02_rep_quarter_behavior",
                              "02_rep_quarter_composite", "02_opportunity_discovery_scores")
RESERVED_COLUMNS = ("opportunity_id", "rep_id", "first_call_date", "n_discovery_calls", "composite")


# ------------------------------------------------------------------------------------ calendar
def week_start(dates: pd.Series) -> pd.Series:
    """Return the Monday (midnight) of each date's week."""
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def quarter_of(dates: pd.Series) -> pd.Series:
    """Return the quarter label (``2026Q3``) of each date as a string Series."""
    d = pd.to_datetime(dates)
    out = d.dt.year.astype("Int64").astype(str) + "Q" + d.dt.quarter.astype("Int64").astype(str)
    return out.where(d.notna()).astype("string")


def in_window(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Boolean mask of dates in ``[start, end)``."""
    d = pd.to_datetime(dates)
    return (d >= start) & (d < end)


# ------------------------------------------------------------------------------------ scorers
def _scorer_column(call_scores: pd.DataFrame) -> pd.Series:
    if "scorer" not in call_scores.columns:
        return pd.Series(UNRECORDED, index=call_scores.index, dtype="string")
    return call_scores["scorer"].astype("string").str.strip().str.lower().fillna(UNRECORDED).replace("", UNRECORDED)


def primary_scores(
    call_scores: pd.DataFrame, *, priority: tuple[str, ...] = PRIMARY_SCORER_ORDER
) -> pd.DataFrame:
    """Keep one scorer per call (the first of ``priority`` present on it) and one score per behavior.

    Rows without a score are dropped. Several rows of the same scorer for one call and behavior
    (e.g. two managers) are averaged. Returns ``call_id, behavior, score, scorer``.
    """
    df = call_scores[["call_id", "behavior", "score"]].copy()
    df["scorer"] = _scorer_column(call_scores)
    df = df[df["score"].notna()]
    if df.empty:
        return pd.DataFrame(
            {"call_id": pd.Series(dtype="string"), "behavior": pd.Series(dtype="string"),
             "score": pd.Series(dtype="float64"), "scorer": pd.Series(dtype="string")}
        )
    rank_of = {s: i for i, s in enumerate(priority)}
    df["_rank"] = df["scorer"].map(rank_of).astype("float64").fillna(len(priority))
    best = df.groupby("call_id", observed=True, sort=False)["_rank"].transform("min")
    df = df[df["_rank"] == best]
    out = (
        df.groupby(["call_id", "behavior"], observed=True, sort=False)
        .agg(score=("score", "mean"), scorer=("scorer", "first"))
        .reset_index()
    )
    out["score"] = out["score"].astype("float64")
    return out


def scorer_pairs(call_scores: pd.DataFrame) -> pd.DataFrame:
    """Count calls scored by each pair of scorers: ``scorer_a, scorer_b, n_calls`` (most first)."""
    if call_scores is None or call_scores.empty:
        return pd.DataFrame(columns=["scorer_a", "scorer_b", "n_calls"])
    s = call_scores[["call_id"]].copy()
    s["scorer"] = _scorer_column(call_scores)
    s = s[call_scores["score"].notna()].drop_duplicates()
    rank_of = {k: i for i, k in enumerate(PRIMARY_SCORER_ORDER)}
    per_call = s.groupby("call_id", observed=True)["scorer"].agg(lambda x: sorted(set(x), key=lambda v: (rank_of.get(v, 99), v)))
    rows: dict[tuple[str, str], int] = {}
    for scorers in per_call:
        for i in range(len(scorers)):
            for j in range(i + 1, len(scorers)):
                rows[(scorers[i], scorers[j])] = rows.get((scorers[i], scorers[j]), 0) + 1
    out = pd.DataFrame([{"scorer_a": a, "scorer_b": b, "n_calls": n} for (a, b), n in rows.items()],
                       columns=["scorer_a", "scorer_b", "n_calls"])
    return out.sort_values("n_calls", ascending=False, ignore_index=True)


# ------------------------------------------------------------------------------------ composite
def call_composite(
    calls: pd.DataFrame,
    primary: pd.DataFrame,
    *,
    weights: dict[str, float],
    composite_behaviors: tuple[str, ...] | list[str],
    discovery_call_types: tuple[str, ...] | list[str],
    min_coverage: float,
) -> pd.DataFrame:
    """Score every discovery call: weighted mean over the composite behaviors it has.

    Missing behaviors are not zeros: the mean is taken over the behaviors present, and the call
    carries ``n_behaviors_scored``, ``weight_coverage`` (share of the composite weight present) and
    ``all_scored``. ``excluded`` says why a call has no composite (``"no composite behavior
    scored"`` or ``"below coverage"``, else null); ``composite`` is null for excluded calls.

    Returns one row per discovery call: ``call_id, rep_id, call_date, week, quarter,
    opportunity_id, composite, n_behaviors_scored, weight_coverage, all_scored, excluded``.
    """
    behaviors = list(composite_behaviors)
    w = pd.Series({b: float(weights[b]) for b in behaviors})
    disc = calls[calls["call_type"].isin(list(discovery_call_types))].copy()
    cols = ["call_id", "rep_id", "call_date"]
    base = disc[cols].copy()
    base["opportunity_id"] = disc["opportunity_id"] if "opportunity_id" in disc.columns else pd.NA
    base["opportunity_id"] = base["opportunity_id"].astype("string")
    sc = primary[primary["behavior"].isin(behaviors) & primary["call_id"].isin(base["call_id"])]
    wide = sc.pivot_table(index="call_id", columns="behavior", values="score", aggfunc="mean", observed=True)
    wide = wide.reindex(columns=behaviors)
    present = wide.notna()
    wsum = present.mul(w, axis=1).sum(axis=1)
    num = wide.fillna(0.0).mul(w, axis=1).sum(axis=1)
    comp = pd.DataFrame(
        {
            "call_id": wide.index.astype("string"),
            "raw_composite": (num / wsum.where(wsum > 0)).to_numpy(),
            "n_behaviors_scored": present.sum(axis=1).astype("int64").to_numpy(),
            "weight_coverage": (wsum / w.sum()).to_numpy(),
        }
    )
    out = base.merge(comp, on="call_id", how="left")
    out["n_behaviors_scored"] = out["n_behaviors_scored"].fillna(0).astype("int64")
    out["weight_coverage"] = out["weight_coverage"].fillna(0.0).astype("float64")
    out["all_scored"] = out["n_behaviors_scored"] == len(behaviors)
    eps = 1e-9
    reason = np.where(
        out["n_behaviors_scored"] == 0,
        "no composite behavior scored",
        np.where(out["weight_coverage"] + eps < min_coverage, "below coverage", None),
    )
    out["excluded"] = pd.Series(reason, index=out.index, dtype="string")
    out["composite"] = out["raw_composite"].where(out["excluded"].isna()).astype("float64")
    out = out.drop(columns="raw_composite")
    out["call_date"] = pd.to_datetime(out["call_date"])
    out["week"] = week_start(out["call_date"])
    out["quarter"] = quarter_of(out["call_date"])
    order = ["call_id", "rep_id", "call_date", "week", "quarter", "opportunity_id", "composite",
             "n_behaviors_scored", "weight_coverage", "all_scored", "excluded"]
    return out[order].sort_values(["call_date", "call_id"], ignore_index=True)


@dataclass(frozen=True)
class CompositeCounts:
    """How many discovery calls got a composite, and why the others did not."""

    n_discovery_calls: int
    n_with_composite: int
    n_partial: int  # composite computed over some, not all, composite behaviors
    n_below_coverage: int
    n_unscored: int


def composite_counts(composite: pd.DataFrame) -> CompositeCounts:
    """Count included, partial, below-coverage and unscored discovery calls."""
    inc = composite["excluded"].isna()
    return CompositeCounts(
        n_discovery_calls=int(len(composite)),
        n_with_composite=int(inc.sum()),
        n_partial=int((inc & ~composite["all_scored"]).sum()),
        n_below_coverage=int((composite["excluded"] == "below coverage").sum()),
        n_unscored=int((composite["excluded"] == "no composite behavior scored").sum()),
    )


def composite_artifact(composite: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`call_composite` that have a composite, in the artifact's columns."""
    keep = ["call_id", "rep_id", "call_date", "week", "quarter", "opportunity_id", "composite",
            "n_behaviors_scored", "weight_coverage", "all_scored"]
    return composite.loc[composite["excluded"].isna(), keep].reset_index(drop=True)


# ------------------------------------------------------------------------------------ aggregates
def scored_calls(calls: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """Join primary scores to their calls: one row per call × behavior with rep, date, week, quarter."""
    keep = [c for c in ("call_id", "rep_id", "call_date", "call_type", "opportunity_id") if c in calls.columns]
    out = primary.merge(calls[keep], on="call_id", how="inner")
    out["call_date"] = pd.to_datetime(out["call_date"])
    out["week"] = week_start(out["call_date"])
    out["quarter"] = quarter_of(out["call_date"])
    return out


def rep_period_behavior(scored: pd.DataFrame, period: str) -> pd.DataFrame:
    """Mean score and call count per rep × ``period`` (``"week"`` or ``"quarter"``) × behavior."""
    out = (
        scored.groupby(["rep_id", period, "behavior"], observed=True)
        .agg(mean_score=("score", "mean"), n_calls=("call_id", "nunique"))
        .reset_index()
    )
    out["n_calls"] = out["n_calls"].astype("int64")
    return out


def rep_quarter_composite(composite: pd.DataFrame) -> pd.DataFrame:
    """Mean composite and discovery-call count per rep × quarter (calls with a composite only)."""
    inc = composite[composite["excluded"].isna()] if "excluded" in composite.columns else composite
    out = (
        inc.groupby(["rep_id", "quarter"], observed=True)
        .agg(composite_mean=("composite", "mean"), n_calls=("call_id", "nunique"))
        .reset_index()
    )
    out["n_calls"] = out["n_calls"].astype("int64")
    return out


def quarter_over_quarter(rep_quarter: pd.DataFrame, quarter: str, previous: str, *, min_calls: int) -> pd.DataFrame:
    """Change per rep × behavior from ``previous`` to ``quarter``.

    Returns ``rep_id, behavior, mean_prev, n_prev, mean_curr, n_curr, change, low_n`` where
    ``low_n`` marks rows where either quarter has fewer than ``min_calls`` calls. Reps missing in
    one of the quarters have a null change.
    """
    a = rep_quarter[rep_quarter["quarter"] == previous][["rep_id", "behavior", "mean_score", "n_calls"]]
    b = rep_quarter[rep_quarter["quarter"] == quarter][["rep_id", "behavior", "mean_score", "n_calls"]]
    out = a.rename(columns={"mean_score": "mean_prev", "n_calls": "n_prev"}).merge(
        b.rename(columns={"mean_score": "mean_curr", "n_calls": "n_curr"}), on=["rep_id", "behavior"], how="outer"
    )
    out["n_prev"] = out["n_prev"].fillna(0).astype("int64")
    out["n_curr"] = out["n_curr"].fillna(0).astype("int64")
    out["change"] = out["mean_curr"] - out["mean_prev"]
    out["low_n"] = (out["n_prev"] < min_calls) | (out["n_curr"] < min_calls)
    return out.sort_values(["rep_id", "behavior"], ignore_index=True)


def opportunity_discovery_scores(
    scored: pd.DataFrame,
    composite: pd.DataFrame,
    *,
    behaviors: list[str] | tuple[str, ...],
    discovery_call_types: tuple[str, ...] | list[str],
) -> pd.DataFrame:
    """One row per opportunity with a scored discovery call; behaviors in wide form (see module doc)."""
    clash = [b for b in behaviors if b in RESERVED_COLUMNS]
    if clash:
        raise WorkbookError(
            f"Rubric behavior key(s) {', '.join(clash)} clash with column names of 02_opportunity_discovery_scores. "
            "Fix: rename the behavior key in params (rubric.behaviors)."
        )
    d = scored[scored["call_type"].isin(list(discovery_call_types)) & scored["opportunity_id"].notna()]
    cols = ["opportunity_id", "rep_id", "first_call_date", "n_discovery_calls", *behaviors, "composite"]
    if d.empty:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        out["opportunity_id"] = out["opportunity_id"].astype("string")
        out["rep_id"] = out["rep_id"].astype("string")
        out["first_call_date"] = pd.to_datetime(out["first_call_date"])
        out["n_discovery_calls"] = out["n_discovery_calls"].astype("int64")
        return out
    wide = d.pivot_table(index="opportunity_id", columns="behavior", values="score", aggfunc="mean", observed=True)
    wide = wide.reindex(columns=list(behaviors)).astype("float64")
    first = d.sort_values("call_date").groupby("opportunity_id", observed=True).agg(
        rep_id=("rep_id", "first"), first_call_date=("call_date", "min"), n_discovery_calls=("call_id", "nunique")
    )
    comp = (
        composite[composite["excluded"].isna() & composite["opportunity_id"].notna()]
        .groupby("opportunity_id", observed=True)["composite"].mean()
    )
    out = first.join(wide).join(comp.rename("composite"))
    out = out.reset_index()
    out["opportunity_id"] = out["opportunity_id"].astype("string")
    out["rep_id"] = out["rep_id"].astype("string")
    out["n_discovery_calls"] = out["n_discovery_calls"].astype("int64")
    out["composite"] = out["composite"].astype("float64")
    return out[cols]


# ------------------------------------------------------------------------------------ team views
def behavior_summary(scored: pd.DataFrame, rubric_frame: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Per behavior: label, phase, n_calls, mean with a t-interval, median (rubric order)."""
    rows = []
    for r in rubric_frame.itertuples(index=False):
        s = scored.loc[scored["behavior"] == r.key, "score"].dropna()
        n = len(s)
        m = float(s.mean()) if n else float("nan")
        if n >= 2:
            half = float(_st.t.ppf(0.5 + level / 2, n - 1) * s.std(ddof=1) / np.sqrt(n))
        else:
            half = float("nan")
        rows.append({"behavior": r.key, "label": r.label, "phase": r.phase, "n_calls": n, "mean": m,
                     "ci_low": m - half, "ci_high": m + half, "median": float(s.median()) if n else float("nan")})
    return pd.DataFrame(rows)


def team_week_phase(scored: pd.DataFrame, phases: dict[str, str], *, level: float = 0.95) -> pd.DataFrame:
    """Team weekly mean per phase: a call's phase score is the mean of its behaviors in the phase.

    Returns ``week, phase, mean_score, ci_low, ci_high, n_calls, n_reps``.
    """
    s = scored.assign(phase=scored["behavior"].map(phases)).dropna(subset=["phase"])
    per_call = s.groupby(["call_id", "rep_id", "week", "phase"], observed=True)["score"].mean().reset_index()
    g = per_call.groupby(["week", "phase"], observed=True)
    out = g.agg(mean_score=("score", "mean"), sd=("score", "std"), n_calls=("call_id", "nunique"),
                n_reps=("rep_id", "nunique")).reset_index()
    tq = _st.t.ppf(0.5 + level / 2, np.maximum(out["n_calls"] - 1, 1))
    half = tq * out["sd"] / np.sqrt(out["n_calls"])
    out["ci_low"] = out["mean_score"] - half
    out["ci_high"] = out["mean_score"] + half
    out["n_calls"] = out["n_calls"].astype("int64")
    out["n_reps"] = out["n_reps"].astype("int64")
    return out.drop(columns="sd")[["week", "phase", "mean_score", "ci_low", "ci_high", "n_calls", "n_reps"]]


def team_week_behavior(rep_week: pd.DataFrame) -> pd.DataFrame:
    """Team weekly mean per behavior (call-weighted) and the 25th–75th percentile of rep means."""
    d = rep_week.assign(_w=rep_week["mean_score"] * rep_week["n_calls"])
    g = d.groupby(["week", "behavior"], observed=True)
    out = g.agg(_w=("_w", "sum"), n_calls=("n_calls", "sum"), n_reps=("rep_id", "nunique"),
                rep_p25=("mean_score", lambda x: x.quantile(0.25)),
                rep_p75=("mean_score", lambda x: x.quantile(0.75))).reset_index()
    out["mean_score"] = out["_w"] / out["n_calls"]
    return out[["week", "behavior", "mean_score", "rep_p25", "rep_p75", "n_calls", "n_reps"]]


@dataclass(frozen=True)
class Trend:
    """Change over a window: slope × window length, with a rep-clustered interval."""

    phase: str
    change: float
    ci_low: float
    ci_high: float
    n_calls: int
    n_reps: int


def phase_trends(
    scored: pd.DataFrame, phases: dict[str, str], start: pd.Timestamp, end: pd.Timestamp, *, level: float = 0.95
) -> list[Trend]:
    """Linear change of each phase's call score across ``[start, end)`` (OLS, rep-clustered errors)."""
    import statsmodels.api as sm

    s = scored[in_window(scored["call_date"], start, end)]
    s = s.assign(phase=s["behavior"].map(phases)).dropna(subset=["phase"])
    per_call = s.groupby(["call_id", "rep_id", "call_date", "phase"], observed=True)["score"].mean().reset_index()
    span_days = (end - start).days
    out = []
    for ph in dict.fromkeys(phases.values()):
        p = per_call[per_call["phase"] == ph]
        n_reps = p["rep_id"].nunique()
        if len(p) < 10 or n_reps < 3:
            out.append(Trend(ph, float("nan"), float("nan"), float("nan"), len(p), n_reps))
            continue
        x = ((p["call_date"] - start).dt.days / span_days).to_numpy(dtype=float)
        X = sm.add_constant(x)
        groups = pd.factorize(p["rep_id"])[0]
        fit = sm.OLS(p["score"].to_numpy(dtype=float), X).fit(cov_type="cluster", cov_kwds={"groups": groups})
        lo, hi = fit.conf_int(alpha=1 - level)[1]
        out.append(Trend(ph, float(fit.params[1]), float(lo), float(hi), len(p), n_reps))
    return out


def heatmap_frames(rep_quarter: pd.DataFrame, quarter: str, *, behaviors: list[str], rep_labels: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pivot a quarter's rep × behavior means and counts (reps sorted by their mean across behaviors)."""
    q = rep_quarter[rep_quarter["quarter"] == quarter]
    means = q.pivot_table(index="rep_id", columns="behavior", values="mean_score", observed=True).reindex(columns=behaviors)
    counts = q.pivot_table(index="rep_id", columns="behavior", values="n_calls", aggfunc="sum", observed=True)
    counts = counts.reindex(index=means.index, columns=behaviors).fillna(0).astype("int64")
    order = means.mean(axis=1).sort_values(ascending=False).index
    means, counts = means.loc[order], counts.loc[order]
    if rep_labels:
        labels = [str(rep_labels.get(r, r)) for r in means.index]
        means.index = labels
        counts.index = labels
    means.index = means.index.astype(object)
    counts.index = counts.index.astype(object)
    return means, counts


def coached_reps(sessions: pd.DataFrame | None, behavior: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reps with a coaching session on ``behavior`` in ``[start, end)``: ``rep_id, n_sessions, first_session``.

    A session listing several behaviors (``a;b``) counts for each of them.
    """
    if sessions is None or sessions.empty:
        return pd.DataFrame(columns=["rep_id", "n_sessions", "first_session"])
    s = session_behaviors(sessions)
    s = s[(s["behavior"] == behavior) & in_window(s["session_date"], start, end)]
    out = s.groupby("rep_id", observed=True).agg(n_sessions=("session_id", "nunique"), first_session=("session_date", "min"))
    return out.reset_index().sort_values(["n_sessions", "rep_id"], ascending=[False, True], ignore_index=True)


def session_behaviors(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per session × targeted behavior (splits ``a;b`` lists)."""
    s = sessions[["session_id", "rep_id", "session_date", "behavior"]].copy()
    s["behavior"] = s["behavior"].astype("string").str.split(";")
    s = s.explode("behavior")
    s["behavior"] = s["behavior"].astype("string").str.strip()
    s["session_date"] = pd.to_datetime(s["session_date"])
    return s[s["behavior"].notna() & (s["behavior"] != "")].reset_index(drop=True)


def most_coached_behaviors(sessions: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp, *, top: int = 2) -> list[str]:
    """Behaviors with the most coached reps in ``[start, end)`` (ties by sessions, then name)."""
    if sessions is None or sessions.empty:
        return []
    s = session_behaviors(sessions)
    s = s[in_window(s["session_date"], start, end)]
    g = s.groupby("behavior", observed=True).agg(n_reps=("rep_id", "nunique"), n=("session_id", "nunique")).reset_index()
    g = g.sort_values(["n_reps", "n", "behavior"], ascending=[False, False, True])
    return [str(b) for b in g["behavior"].head(top)]


# ------------------------------------------------------------------------------------ agreement
def quadratic_kappa(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Quadratic-weighted Cohen's kappa of integer ratings, vectorised over leading axes.

    Equal to ``sklearn.metrics.cohen_kappa_score(a, b, weights="quadratic")`` on consecutive integer
    labels: 1 − mean((a−b)²) / (var(a) + var(b) + (mean(a) − mean(b))²), population variances.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    num = ((a - b) ** 2).mean(axis=-1)
    den = a.var(axis=-1) + b.var(axis=-1) + (a.mean(axis=-1) - b.mean(axis=-1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 1 - num / den, np.nan)


def icc_a1(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ICC(A,1) — two-way random effects, absolute agreement, single rater (k = 2), vectorised."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = a.shape[-1]
    x = np.stack([a, b], axis=-1)  # (..., n, 2)
    gm = x.mean(axis=(-2, -1), keepdims=True)
    rows = x.mean(axis=-1, keepdims=True)
    cols = x.mean(axis=-2, keepdims=True)
    ssr = 2 * ((rows - gm) ** 2).sum(axis=(-2, -1))
    ssc = n * ((cols - gm) ** 2).sum(axis=(-2, -1))
    sst = ((x - gm) ** 2).sum(axis=(-2, -1))
    sse = sst - ssr - ssc
    msr, msc, mse = ssr / (n - 1), ssc / 1, sse / (n - 1)
    den = msr + mse + 2 * (msc - mse) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (msr - mse) / den, np.nan)


def paired_scores(call_scores: pd.DataFrame, scorer_a: str, scorer_b: str) -> pd.DataFrame:
    """Calls × behaviors scored by both scorers: ``call_id, behavior, score_a, score_b``."""
    s = call_scores[["call_id", "behavior", "score"]].copy()
    s["scorer"] = _scorer_column(call_scores)
    s = s[s["score"].notna()]
    m = s.groupby(["call_id", "behavior", "scorer"], observed=True)["score"].mean().reset_index()
    a = m[m["scorer"] == scorer_a].drop(columns="scorer").rename(columns={"score": "score_a"})
    b = m[m["scorer"] == scorer_b].drop(columns="scorer").rename(columns={"score": "score_b"})
    return a.merge(b, on=["call_id", "behavior"], how="inner")


def scorer_agreement(
    call_scores: pd.DataFrame,
    *,
    scorer_a: str,
    scorer_b: str,
    scale_min: float,
    scale_max: float,
    behaviors: list[str] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per-behavior agreement of two scorers on the calls both scored, with bootstrap intervals.

    Quadratic-weighted kappa on scores rounded to whole points (clipped to the scale), ICC(A,1) on
    the raw scores and the mean difference ``scorer_b − scorer_a``; intervals are percentile
    bootstraps resampling calls. Returns ``behavior, n_calls, kappa, kappa_low, kappa_high, icc,
    icc_low, icc_high, mean_diff, diff_low, diff_high``.
    """
    pairs = paired_scores(call_scores, scorer_a, scorer_b)
    order = behaviors or sorted(pairs["behavior"].unique())
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows = []
    for beh in order:
        p = pairs[pairs["behavior"] == beh]
        n = len(p)
        row = {"behavior": beh, "n_calls": n}
        if n < 2:
            rows.append(row | {k: np.nan for k in ("kappa", "kappa_low", "kappa_high", "icc", "icc_low",
                                                     "icc_high", "mean_diff", "diff_low", "diff_high")})
            continue
        raw_a, raw_b = p["score_a"].to_numpy(float), p["score_b"].to_numpy(float)
        ra = np.clip(np.rint(raw_a), scale_min, scale_max)
        rb = np.clip(np.rint(raw_b), scale_min, scale_max)
        idx = rng.integers(0, n, size=(n_boot, n))
        kb = quadratic_kappa(ra[idx], rb[idx])
        ib = icc_a1(raw_a[idx], raw_b[idx])
        db = (raw_b[idx] - raw_a[idx]).mean(axis=1)

        def q(v: np.ndarray) -> tuple[float, float]:
            v = v[np.isfinite(v)]
            return (float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))) if len(v) else (np.nan, np.nan)

        row |= {"kappa": float(quadratic_kappa(ra, rb)), "icc": float(icc_a1(raw_a, raw_b)),
                "mean_diff": float((raw_b - raw_a).mean())}
        row["kappa_low"], row["kappa_high"] = q(kb)
        row["icc_low"], row["icc_high"] = q(ib)
        row["diff_low"], row["diff_high"] = q(db)
        rows.append(row)
    cols = ["behavior", "n_calls", "kappa", "kappa_low", "kappa_high", "icc", "icc_low", "icc_high",
            "mean_diff", "diff_low", "diff_high"]
    return pd.DataFrame(rows, columns=cols)


def kappa_band(k: float) -> str:
    """Conventional label of a weighted kappa (Landis & Koch bands)."""
    if not np.isfinite(k):
        return "not computable"
    if k < 0.2:
        return "poor"
    if k < 0.4:
        return "fair"
    if k < 0.6:
        return "moderate"
    if k < 0.8:
        return "substantial"
    return "almost perfect"


def describe_agreement(agr: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, min_calls: int = 30) -> str:
    """One reading of a scorer-agreement table: typical kappa, weakest behavior, systematic offsets."""
    ok = agr[agr["n_calls"] >= 2].dropna(subset=["kappa"])
    if ok.empty:
        return f"Too few calls scored by both {scorer_a} and {scorer_b} to measure agreement."
    med = float(ok["kappa"].median())
    worst = ok.loc[ok["kappa"].idxmin()]
    n_min = int(ok["n_calls"].min())
    scorer_a, scorer_b = scorer_name(scorer_a), scorer_name(scorer_b)
    s = (f"{scorer_b[0].upper() + scorer_b[1:]} and {scorer_a} scores agree {kappa_band(med)}ly on a typical behavior "
         f"(median weighted kappa {med:.2f} over {len(ok)} behaviors); the weakest agreement is on "
         f"{labels.get(worst['behavior'], worst['behavior'])} (kappa {worst['kappa']:.2f}, "
         f"CI {worst['kappa_low']:.2f} to {worst['kappa_high']:.2f}).")
    biased = ok[(ok["diff_low"] > 0) | (ok["diff_high"] < 0)]
    if len(biased):
        big = biased.loc[biased["mean_diff"].abs().idxmax()]
        size = "a small" if abs(big["mean_diff"]) < 0.5 else "a material"
        s += (f" On {len(biased)} behavior(s) {scorer_b} scores sit systematically above or below {scorer_a} scores — "
              f"{size} offset, largest on {labels.get(big['behavior'], big['behavior'])} "
              f"({big['mean_diff']:+.2f} points, CI {big['diff_low']:+.2f} to {big['diff_high']:+.2f}).")
    else:
        s += " Neither scorer is systematically higher than the other on any behavior."
    if n_min < min_calls:
        s += f" Caution: some behaviors rest on only {n_min} double-scored calls."
    return s


# ------------------------------------------------------------------------------------ sentences
def describe_distribution(summary: pd.DataFrame, *, scale_max: float) -> tuple[str, str]:
    """Title and reading for the score-distribution figure."""
    s = summary.dropna(subset=["mean"])
    if s.empty:
        return "No scored calls this quarter", "There are no scored calls in the quarter to show."
    lo, hi = s.loc[s["mean"].idxmin()], s.loc[s["mean"].idxmax()]
    title = f"Weakest: {lo['label']} ({lo['mean']:.1f}); strongest: {hi['label']} ({hi['mean']:.1f})"
    overlap = lo["ci_high"] >= hi["ci_low"]
    reading = (f"Across {int(s['n_calls'].max())} scored calls this quarter, team means range from "
               f"{lo['mean']:.1f} to {hi['mean']:.1f} on a 0–{scale_max:g} scale. ")
    reading += ("The gap between strongest and weakest behavior is within noise." if overlap else
                f"{lo['label']} is the clearest team-wide coaching opportunity.")
    return title, reading


def heatmap_rows(means: pd.DataFrame, counts: pd.DataFrame, *, max_rows: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """At most ``max_rows`` reps for the heatmap: the strongest and weakest halves of the sorted
    frames (from :func:`heatmap_frames`) around a blank row that says how many are not drawn.

    Returns ``(means, counts, n_hidden)``; the separator row has no means and counts that do not
    grey it out. With ``len(means) <= max_rows`` the frames come back unchanged and ``n_hidden`` is 0.
    """
    if len(means) <= max_rows:
        return means, counts, 0
    k_top = max_rows // 2
    k_bottom = max_rows - k_top
    hidden = len(means) - max_rows
    gap = f"⋯ {hidden:,} reps in between ⋯"
    sep_m = pd.DataFrame(np.nan, index=pd.Index([gap], dtype=object), columns=means.columns)
    big = np.iinfo("int64").max
    sep_c = pd.DataFrame(big, index=sep_m.index, columns=counts.columns, dtype="int64")
    m = pd.concat([means.iloc[:k_top], sep_m, means.iloc[-k_bottom:]])
    c = pd.concat([counts.iloc[:k_top], sep_c, counts.iloc[-k_bottom:]])
    return m, c, hidden


def describe_heatmap(means: pd.DataFrame, counts: pd.DataFrame, labels: dict[str, str], *, min_calls: int) -> tuple[str, str]:
    """Title and reading for the team heatmap: where reps differ most."""
    m = means.where(counts >= min_calls)
    if m.notna().sum().sum() == 0:
        return ("Too few calls per rep to compare reps this quarter",
                f"Every rep × behavior cell has fewer than {min_calls} calls; no cell is reliable.")
    spread = (m.max() - m.min()).dropna()
    b = spread.idxmax()
    n_grey = int((counts < min_calls).sum().sum())
    title = f"Reps differ most on {labels.get(b, b)} (rep means {m[b].min():.1f} to {m[b].max():.1f})"
    reading = (f"Each cell is a rep's mean score this quarter; reps are sorted by their average. "
               f"{n_grey} of {counts.size} cells have fewer than {min_calls} calls and are greyed (×): "
               "read them as 'not enough calls', not as a low score.")
    return title, reading


def describe_trends(trends: list[Trend]) -> tuple[str, str]:
    """Title and reading for the weekly phase trends (change across the quarter, rep-clustered CI)."""
    ok = [t for t in trends if np.isfinite(t.change)]
    if not ok:
        return "Too few calls to read a weekly trend", "There are too few scored calls in the quarter for a trend."
    up = [t for t in ok if t.ci_low > 0]
    down = [t for t in ok if t.ci_high < 0]
    if up or down:
        parts = [f"{t.phase} {'rose' if t.change > 0 else 'fell'} {abs(t.change):.1f} points" for t in up + down]
        title = "Over the quarter, " + "; ".join(parts)
    else:
        title = "No phase score moved clearly over the quarter"
    reading = "\n".join(
        f"- **{t.phase.capitalize()}**: {fmt_value(round(t.change, 1) + 0.0, 'points', signed=True)} "
        f"(95% CI {t.ci_low:+.1f} to {t.ci_high:+.1f}; {t.n_calls} calls, {t.n_reps} reps)"
        + ("" if (t.ci_low > 0 or t.ci_high < 0) else " — no clear change")
        for t in ok
    )
    return title, reading


# ------------------------------------------------------------------------------------ trajectories
@dataclass(frozen=True)
class BeforeAfter:
    """A rep's behavior score before vs from a date on (weekly means as the unit of the interval)."""

    mean_before: float
    n_calls_before: int
    mean_after: float
    n_calls_after: int
    change: float
    ci_low: float
    ci_high: float


def before_after(rep_rows: pd.DataFrame, split: pd.Timestamp, *, level: float = 0.95) -> BeforeAfter:
    """Compare a rep's call-weighted mean before ``split`` with the mean from ``split`` on.

    ``rep_rows`` are one rep's rows of ``02_rep_week_behavior`` for one behavior. The interval is a
    Welch interval on the weekly means (nan with fewer than two weeks on a side). Descriptive only:
    notebook 03 compares coached reps with uncoached ones over the same weeks.
    """
    wk = pd.to_datetime(rep_rows["week"])
    b, a = rep_rows[wk < week_start(pd.Series([split])).iloc[0]], rep_rows[wk >= week_start(pd.Series([split])).iloc[0]]

    def wmean(d: pd.DataFrame) -> float:
        return float((d["mean_score"] * d["n_calls"]).sum() / d["n_calls"].sum()) if d["n_calls"].sum() else float("nan")

    mb, ma = wmean(b), wmean(a)
    lo = hi = float("nan")
    if len(a) >= 2 and len(b) >= 2:
        va, vb = a["mean_score"].var(ddof=1) / len(a), b["mean_score"].var(ddof=1) / len(b)
        se = np.sqrt(va + vb)
        if se > 0:
            df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
            t = _st.t.ppf(0.5 + level / 2, df)
            lo, hi = (ma - mb) - t * se, (ma - mb) + t * se
    return BeforeAfter(mb, int(b["n_calls"].sum()), ma, int(a["n_calls"].sum()), ma - mb, float(lo), float(hi))


def describe_before_after(ba: BeforeAfter, *, min_calls: int) -> str:
    """Short panel title: before → after with call counts, hedged by the interval."""
    if ba.n_calls_before == 0 or ba.n_calls_after == 0:
        return "no calls on one side of the first session"
    s = f"{ba.mean_before:.1f} → {ba.mean_after:.1f} ({ba.n_calls_before} / {ba.n_calls_after} calls)"
    if min(ba.n_calls_before, ba.n_calls_after) < min_calls:
        return s + ", too few calls"
    if np.isfinite(ba.ci_low) and (ba.ci_low > 0 or ba.ci_high < 0):
        return s + (", clearly up" if ba.change > 0 else ", clearly down")
    return s + ", no clear change"


def scorer_name(s: str) -> str:
    """Display name of a scorer code (``ai`` → ``AI``)."""
    return {"ai": "AI", "unrecorded": "unrecorded scorer"}.get(s, s)


# ------------------------------------------------------------------------------------ notebook 02 steps
# What notebook 02 shows around the statistics above: its tables in display form and its sentences.


def rep_label_map(reps: pd.DataFrame | None) -> dict[str, str]:
    """Map each ``rep_id`` to the rep's name (the id where the name is missing); empty without a reps table."""
    if reps is None:
        return {}
    return dict(zip(reps["rep_id"], reps["rep_name"].fillna(reps["rep_id"]), strict=True))


def missing_scores_reason(calls: pd.DataFrame | None, call_scores: pd.DataFrame | None) -> str | None:
    """Say why behavior scoring cannot run (no calls, no scorecards, nothing scored); None when it can."""
    if calls is None:
        return "no calls table"
    if call_scores is None:
        return "no call_scores table"
    if len(calls) == 0 or len(call_scores) == 0:
        return NO_SCORES
    return None


def describe_inputs(
    quarter: str, start: pd.Timestamp, end: pd.Timestamp, calls: pd.DataFrame | None, call_scores: pd.DataFrame | None
) -> str:
    """Opening sentence of notebook 02: the quarter and the data behind it, or why nothing can be scored."""
    why = missing_scores_reason(calls, call_scores)
    if why:
        return (f"Behavior scoring cannot run for {quarter}: {why}. Without scored calls there is no behavior "
                "measurement, so no composite score, no team views, no win model and no scorer agreement can be shown. "
                "Fix: provide calls.csv and call_scores.csv (a call-review scorecard export) in the data folder.")
    return (f"Quarter {quarter} ({start:%d %b %Y} – {(end - pd.Timedelta(days=1)):%d %b %Y}); "
            f"{len(calls):,} calls and {len(call_scores):,} behavior scores in the data (all quarters).")


@dataclass(frozen=True, eq=False)
class ScoreTables:
    """The tables notebook 02 derives from the scorecards (primary scorer; see the module doc)."""

    primary: pd.DataFrame  # primary_scores
    scored: pd.DataFrame  # scored_calls: call × behavior with rep, date, week, quarter
    composite: pd.DataFrame  # call_composite: every discovery call, excluded ones flagged
    rep_week: pd.DataFrame
    rep_quarter: pd.DataFrame
    rep_quarter_composite: pd.DataFrame
    opportunity_scores: pd.DataFrame

    def artifacts(self) -> dict[str, pd.DataFrame]:
        """The Parquet artifacts of notebook 02 by name (the keys of :data:`ARTIFACTS`)."""
        return {
            "02_call_composite": composite_artifact(self.composite),
            "02_rep_week_behavior": self.rep_week,
            "02_rep_quarter_behavior": self.rep_quarter,
            "02_rep_quarter_composite": self.rep_quarter_composite,
            "02_opportunity_discovery_scores": self.opportunity_scores,
        }


def score_tables(calls: pd.DataFrame, call_scores: pd.DataFrame, rubric: Rubric, *, min_coverage: float) -> ScoreTables:
    """Build every score table of notebook 02 from the canonical calls and call_scores.

    ``rubric`` is ``cfg.rubric`` (keys, weights, composite behaviors, discovery call types).
    """
    primary = primary_scores(call_scores)
    scored = scored_calls(calls, primary)
    composite = call_composite(calls, primary, weights=rubric.weights, composite_behaviors=rubric.composite_behaviors,
                               discovery_call_types=rubric.discovery_call_types, min_coverage=min_coverage)
    return ScoreTables(
        primary=primary,
        scored=scored,
        composite=composite,
        rep_week=rep_period_behavior(scored, "week"),
        rep_quarter=rep_period_behavior(scored, "quarter"),
        rep_quarter_composite=rep_quarter_composite(composite),
        opportunity_scores=opportunity_discovery_scores(scored, composite, behaviors=rubric.keys,
                                                        discovery_call_types=rubric.discovery_call_types),
    )


def describe_composite_coverage(
    composite: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *, min_coverage: float
) -> str:
    """How many of the quarter's discovery calls got a composite, how many are partial, and why others did not."""
    total = composite_counts(composite)
    cq = composite_counts(composite[in_window(composite["call_date"], start, end)])
    return (
        f"This quarter: {cq.n_discovery_calls:,} discovery calls, {cq.n_with_composite:,} with a composite score "
        f"({cq.n_partial:,} of them partial — some discovery behaviors not scored, averaged over those present). "
        f"Excluded: {cq.n_below_coverage:,} below the {min_coverage:.0%} coverage minimum and "
        f"{cq.n_unscored:,} with no discovery behavior scored. Across all quarters: {total.n_with_composite:,} of "
        f"{total.n_discovery_calls:,} discovery calls have a composite.")


def describe_rep_composites(rep_quarter_comp: pd.DataFrame, quarter: str, *, min_calls: int) -> str:
    """Range of the reps' composite means in ``quarter`` and how many rest on few calls ("" when none)."""
    q = rep_quarter_comp[rep_quarter_comp["quarter"] == quarter]
    if q.empty:
        return ""
    return (f"{len(q)} reps have a composite this quarter; rep means range from {q['composite_mean'].min():.1f} "
            f"to {q['composite_mean'].max():.1f} (median {q['composite_mean'].median():.1f}). "
            f"{int((q['n_calls'] < min_calls).sum())} rep(s) rest on fewer than {min_calls} discovery calls.")


def _comparable_changes(qoq: pd.DataFrame) -> pd.DataFrame:
    return qoq[~qoq["low_n"] & qoq["change"].notna()]


def qoq_summary(qoq: pd.DataFrame, *, behaviors: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """Per behavior (rubric order), over reps with enough calls in both quarters: reps compared, median
    change and reps up / down by at least one point — display columns of notebook 02's table."""
    solid = _comparable_changes(qoq)
    out = (solid.assign(up=solid["change"] >= 1, down=solid["change"] <= -1)
           .groupby("behavior", observed=True)
           .agg(n_reps=("rep_id", "nunique"), median_change=("change", "median"), up=("up", "sum"), down=("down", "sum"))
           .reindex(behaviors).dropna(subset=["n_reps"]).reset_index())
    out.insert(1, "label", out["behavior"].map(labels))
    return out.drop(columns="behavior").rename(columns={
        "label": "behavior", "n_reps": "reps compared", "median_change": "median change (points)",
        "up": "reps up ≥ 1 point", "down": "reps down ≥ 1 point"})


def qoq_movers(
    qoq: pd.DataFrame, *, quarter: str, previous: str, labels: dict[str, str], rep_labels: dict[str, str], n: int = 5
) -> pd.DataFrame:
    """The ``n`` largest rises and falls of a rep's quarterly mean (reps with enough calls in both quarters),
    in display columns; empty when no rep can be compared."""
    solid = _comparable_changes(qoq)
    movers = pd.concat([solid.nlargest(n, "change"), solid.nsmallest(n, "change")]).drop_duplicates()
    movers = movers.assign(rep=movers["rep_id"].map(lambda r: rep_labels.get(r, r)),
                           behavior=movers["behavior"].map(labels))
    return movers[["rep", "behavior", "mean_prev", "n_prev", "mean_curr", "n_curr", "change"]].rename(columns={
        "mean_prev": f"mean {previous}", "n_prev": "calls", "mean_curr": f"mean {quarter}", "n_curr": "calls ",
        "change": "change"})


def describe_phase_trends(trends: list[Trend], *, quarter: str, previous: str, level: float = 0.95) -> tuple[str, str]:
    """Title and full reading of the weekly phase-trend figure (what is drawn, then one line per phase)."""
    title, reading = describe_trends(trends)
    return title, (f"Weekly team mean per phase for {previous} and {quarter} (a call's phase score is the mean of its "
                   f"behaviors in that phase). Change across {quarter} from a straight-line fit through the calls, with "
                   f"{level:.0%} intervals that allow for a rep's calls being alike:\n\n" + reading)


def _median_kappa(agreement: pd.DataFrame) -> float:
    ok = agreement.dropna(subset=["kappa"])
    return float(ok["kappa"].median()) if len(ok) else float("nan")


def agreement_title(agreement: pd.DataFrame, *, scorer_a: str, scorer_b: str) -> str:
    """Title of the agreement figure: the kappa band of a typical behavior."""
    if agreement["kappa"].notna().sum() == 0:
        return "Too few double-scored calls"
    band = kappa_band(_median_kappa(agreement))
    return f"{scorer_name(scorer_b)} vs {scorer_name(scorer_a)}: {band} agreement on a typical behavior"


def describe_double_scored(
    agreement: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, n_calls: int
) -> str:
    """How many calls both scorers scored, then the reading of :func:`describe_agreement`."""
    return (f"{int(n_calls):,} calls were scored by both {scorer_name(scorer_a)} and {scorer_name(scorer_b)} "
            "(all quarters). " + describe_agreement(agreement, labels, scorer_a=scorer_a, scorer_b=scorer_b))


def agreement_table(
    agreement: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, level: float = 0.95
) -> pd.DataFrame:
    """Display table of :func:`scorer_agreement`: kappa, ICC and mean difference with their intervals."""
    a, b = scorer_name(scorer_a), scorer_name(scorer_b)
    shown = agreement.assign(
        behavior=agreement["behavior"].map(labels),
        kappa_ci=[fmt_interval(lo, hi, "ratio").replace("×", "")
                  for lo, hi in zip(agreement["kappa_low"], agreement["kappa_high"], strict=True)],
        diff_ci=[f"{lo:+.2f} to {hi:+.2f}" for lo, hi in zip(agreement["diff_low"], agreement["diff_high"], strict=True)])
    return shown[["behavior", "n_calls", "kappa", "kappa_ci", "icc", "mean_diff", "diff_ci"]].rename(columns={
        "n_calls": "calls", "kappa": "weighted kappa", "kappa_ci": f"{level:.0%} interval", "icc": "ICC",
        "mean_diff": f"mean {b} − {a} (points)", "diff_ci": f"{level:.0%} interval "})


def agreement_extra(agreement: pd.DataFrame, *, scorer_a: str, scorer_b: str, n_calls: int) -> dict:
    """The ``agreement`` side result of findings.json: the pair compared and the median kappa (None if none)."""
    med = _median_kappa(agreement)
    return {"scorer_a": scorer_a, "scorer_b": scorer_b, "n_calls": int(n_calls),
            "median_kappa": None if pd.isna(med) else med}


@dataclass(frozen=True, eq=False)
class CohortPanel:
    """One coached rep's trajectory on a behavior, ready to draw (see :func:`coached_cohort`)."""

    rep_id: str
    title: str  # "<rep name>: before → after (calls), verdict"
    rep_week: pd.DataFrame  # the rep's rows of 02_rep_week_behavior on the behavior, in the window
    team_week: pd.DataFrame  # the behavior's rows of team_week_behavior, in the window
    sessions: pd.Series  # dates of all the rep's sessions on the behavior
    before_after: BeforeAfter
    clearly_up: bool  # above the pre-coaching level beyond noise, with enough calls on both sides


def coached_cohort(
    rep_week: pd.DataFrame,
    team_week: pd.DataFrame,
    sessions: pd.DataFrame,
    behavior: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    rep_labels: dict[str, str],
    min_calls: int,
    level: float = 0.95,
    max_reps: int = 6,
) -> list[CohortPanel]:
    """Panels for the reps coached on ``behavior`` in ``[start, end)`` (most sessions first, at most ``max_reps``).

    Each panel's window starts at ``start`` or six weeks before the rep's first session on the
    behavior, whichever is earlier; before → after splits at that first session.
    """
    sess = session_behaviors(sessions)
    panels = []
    for r in coached_reps(sessions, behavior, start, end).head(max_reps).itertuples(index=False):
        s_dates = sess[(sess["rep_id"] == r.rep_id) & (sess["behavior"] == behavior)]["session_date"]
        first = s_dates.min()
        w0 = min(start, first - pd.Timedelta(weeks=6))
        rows = rep_week[(rep_week["rep_id"] == r.rep_id) & (rep_week["behavior"] == behavior)
                        & in_window(rep_week["week"], w0, end)]
        tw = team_week[(team_week["behavior"] == behavior) & in_window(team_week["week"], w0, end)]
        ba = before_after(rows, first, level=level)
        panels.append(CohortPanel(
            rep_id=r.rep_id, title=f"{rep_labels.get(r.rep_id, r.rep_id)}: {describe_before_after(ba, min_calls=min_calls)}",
            rep_week=rows, team_week=tw, sessions=s_dates, before_after=ba,
            clearly_up=bool(ba.ci_low > 0 and min(ba.n_calls_before, ba.n_calls_after) >= min_calls)))
    return panels


def describe_coached_cohort(panels: list[CohortPanel], behavior_label: str, *, period: str) -> tuple[str, str]:
    """Title and reading of a coached-cohort figure; ``period`` names the window, e.g. ``2026Q2–2026Q3``."""
    n_up = sum(p.clearly_up for p in panels)
    title = f"Coached on {behavior_label}: {n_up} of {len(panels)} reps clearly above their pre-coaching level"
    reading = (f"{len(panels)} rep(s) had coaching sessions on {behavior_label} in {period}. "
               "Before → after compares the rep's call-weighted mean before the first session on this behavior with the mean since. "
               "'Clearly up' means the rep's weekly means after the first session are above those before it beyond "
               "week-to-week noise; a rep's own before/after cannot rule out a team-wide drift (see notebook 03).")
    return title, reading


def findings_status(skipped: dict[str, str]) -> str:
    """Status of notebook 02 for findings.json: ``ok``, or ``skipped: ...`` naming what was not computed."""
    if skipped.get("notebook"):
        return f"skipped: {skipped['notebook']}"
    if "behavior_auc" in skipped:
        return f"skipped: behavior_auc — {skipped['behavior_auc']} (scores, views and agreement were computed)"
    return "ok"


def findings_table(estimates: dict[str, dict], skipped: dict[str, str]) -> pd.DataFrame:
    """Display table of the estimates written to findings.json, then what was not computed and why."""
    rows = [{"estimate": k, "value": fmt_value(v["value"], v["unit"]),
             "interval": fmt_interval(v["ci_low"], v["ci_high"], v["unit"]), "n": v["n"], "reading": v["reading"]}
            for k, v in estimates.items()]
    rows += [{"estimate": k, "value": "not computed", "interval": "", "n": "", "reading": why} for k, why in skipped.items()]
    return pd.DataFrame(rows, columns=["estimate", "value", "interval", "n", "reading"])
