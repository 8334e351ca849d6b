"""Call-level scores: the primary scorer of each call and the weighted composite per discovery call.

The primary scorer: when a call was scored by several scorers, the one earliest in
``PRIMARY_SCORER_ORDER`` (manager first) supplies that call's scores; the others are kept only for
scorer agreement. A call scored by one scorer uses that scorer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .periods import quarter_of, week_start

PRIMARY_SCORER_ORDER: tuple[str, ...] = ("manager", "unrecorded", "peer", "self", "ai")

UNRECORDED = "unrecorded"

RESERVED_COLUMNS = ("opportunity_id", "rep_id", "first_call_date", "n_discovery_calls", "composite")


# ------------------------------------------------------------------------------------ scorers
def _normalise_scorers(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().fillna(UNRECORDED).replace("", UNRECORDED)


def _scorer_codes(call_scores: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Each row's scorer as a code into the normalised scorer names (a handful of distinct values over
    millions of rows: the names are cleaned once each, not once per row)."""
    if "scorer" not in call_scores.columns:
        return np.zeros(len(call_scores), dtype=np.intp), pd.Series([UNRECORDED], dtype="string")
    codes, uniques = pd.factorize(call_scores["scorer"], use_na_sentinel=True)
    names = _normalise_scorers(pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object))
    return np.where(codes < 0, len(uniques), codes), names.reset_index(drop=True)


def _scorer_column(call_scores: pd.DataFrame) -> pd.Series:
    """The scorer of each row, trimmed and lower-case; missing or blank -> ``unrecorded`` (dtype ``string``)."""
    codes, names = _scorer_codes(call_scores)
    return pd.Series(names.take(codes).array, index=call_scores.index, dtype="string")


def primary_scores(
    call_scores: pd.DataFrame, *, priority: tuple[str, ...] = PRIMARY_SCORER_ORDER
) -> pd.DataFrame:
    """Keep one scorer per call (the first of ``priority`` present on it) and one score per behavior.

    Rows without a score are dropped. Several rows of the same scorer for one call and behavior
    (e.g. two managers) are averaged. Returns ``call_id, behavior, score, scorer``.
    """
    codes, names = _scorer_codes(call_scores)
    df = call_scores[["call_id", "behavior", "score"]].copy()
    df["scorer"] = pd.Series(names.take(codes).array, index=call_scores.index, dtype="string")
    scored = df["score"].notna().to_numpy()
    df = df[scored]
    if df.empty:
        return pd.DataFrame(
            {"call_id": pd.Series(dtype="string"), "behavior": pd.Series(dtype="string"),
             "score": pd.Series(dtype="float64"), "scorer": pd.Series(dtype="string")}
        )
    rank_of = {s: i for i, s in enumerate(priority)}
    df["_rank"] = names.map(rank_of).astype("float64").fillna(len(priority)).to_numpy()[codes[scored]]
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
    # Every pair of distinct scorers of a call, the first in scorer order on the left; pairs listed in
    # the order they first occur (calls by id, then scorer order), as counted call by call.
    s["_rank"] = s["scorer"].map(rank_of).fillna(99).astype("int64")
    s = s.sort_values(["call_id", "_rank", "scorer"], kind="stable", ignore_index=True)
    s["_pos"] = np.arange(len(s))
    both = s.merge(s, on="call_id", suffixes=("_a", "_b"))
    both = both[both["_pos_a"] < both["_pos_b"]].sort_values(["_pos_a", "_pos_b"], kind="stable")
    if both.empty:
        return pd.DataFrame(columns=["scorer_a", "scorer_b", "n_calls"])
    out = (both.groupby(["scorer_a", "scorer_b"], observed=True, sort=False).agg(n_calls=("call_id", "size"))
           .reset_index().astype({"scorer_a": "str", "scorer_b": "str", "n_calls": "int64"}))
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


def scored_calls(calls: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """Join primary scores to their calls: one row per call × behavior with rep, date, week, quarter."""
    keep = [c for c in ("call_id", "rep_id", "call_date", "call_type", "opportunity_id") if c in calls.columns]
    c = calls[keep].copy()
    c["call_date"] = pd.to_datetime(c["call_date"])
    c["week"] = week_start(c["call_date"])  # per call, before the join repeats it per behavior
    c["quarter"] = quarter_of(c["call_date"])
    ids = c["call_id"]
    if not ids.is_unique or ids.isna().any() or set(primary.columns) & set(c.columns) - {"call_id"}:
        # not what intake and primary_scores pass on: the general join (and its suffixes)
        return primary.merge(c, on="call_id", how="inner")
    # Each call once: the inner join is a lookup of each score row's call. Taking the call columns by
    # position gives the merge's frame (rows in the scores' order, the same dtypes; tests compare the
    # two) in half its time on millions of rows.
    pos = pd.Index(ids).get_indexer(primary["call_id"])
    hit = pos >= 0
    left = primary.reset_index(drop=True) if hit.all() else primary[hit].reset_index(drop=True)
    right = c.drop(columns="call_id").take(pos[hit]).reset_index(drop=True)
    return pd.concat([left, right], axis=1)
