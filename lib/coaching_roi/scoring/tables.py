"""Notebook 02's display tables: heatmap rows, quarter-over-quarter summary and movers, the findings table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.stats import fmt_interval, fmt_value


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
