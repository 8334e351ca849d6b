"""Rep and team aggregates of call scores: rep × period, quarter over quarter, per deal, team weekly trends, heatmap frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi import quantiles
from coaching_roi.errors import WorkbookError

from .composite import RESERVED_COLUMNS
from .periods import in_window


def rep_period_behavior(scored: pd.DataFrame, period: str, *, one_row_per_call: bool = False) -> pd.DataFrame:
    """Mean score and call count per rep × ``period`` (``"week"`` or ``"quarter"``) × behavior.

    ``one_row_per_call``: the caller knows each call has at most one row per behavior (primary scores
    joined to calls whose ids are unique), so a group's rows are its calls: counted, not de-duplicated.
    """
    out = (
        scored.groupby(["rep_id", period, "behavior"], observed=True)
        .agg(mean_score=("score", "mean"), n_calls=("call_id", "size" if one_row_per_call else "nunique"))
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
            half = float(quantiles.t_ppf(0.5 + level / 2, n - 1) * s.std(ddof=1) / np.sqrt(n))
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
    tq = quantiles.t_ppf_many(0.5 + level / 2, np.maximum(out["n_calls"] - 1, 1).to_numpy())
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
    out = g.agg(_w=("_w", "sum"), n_calls=("n_calls", "sum"), n_reps=("rep_id", "nunique")).reset_index()
    # Linear interpolation, as Series.quantile; one vectorised pass instead of a Python call per group.
    quartiles = g["mean_score"].quantile([0.25, 0.75]).unstack()
    quartiles = quartiles.reindex(pd.MultiIndex.from_frame(out[["week", "behavior"]]))
    out["rep_p25"] = quartiles[0.25].to_numpy()
    out["rep_p75"] = quartiles[0.75].to_numpy()
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
    from coaching_roi.effects.clustered import ols_cluster

    z = quantiles.norm_ppf(0.5 + level / 2)  # statsmodels' cluster covariance uses normal quantiles
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
        X = np.column_stack([np.ones_like(x), x])
        beta, cov = ols_cluster(p["score"].to_numpy(dtype=float), X, pd.factorize(p["rep_id"])[0], kind="CR1")
        half = z * float(np.sqrt(cov[1, 1]))
        out.append(Trend(ph, float(beta[1]), float(beta[1] - half), float(beta[1] + half), len(p), n_reps))
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
