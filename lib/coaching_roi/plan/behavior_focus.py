"""The AE focus: per-call behavior scores, rep means, and the behavior furthest below the team.

Each AE's focus is the behavior with the largest gap below the team mean (rep's quarter mean vs the
mean of AE means, with enough calls); its interval is Bonferroni-adjusted over the behaviors compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import funnel as fn
from coaching_roi import verdict
from coaching_roi.quantiles import norm_ppf


def call_level_scores(call_behavior: pd.DataFrame, *, behaviors: list[str] | None = None) -> pd.DataFrame:
    """One score per (call, behavior) with the call's rep and date, from 02's ``02_call_behavior``.

    That artifact already holds notebook 02's primary-scorer rule, so the numbers here are 02's.
    Columns: call_id, rep_id, call_date, behavior, score.
    """
    out = call_behavior if behaviors is None else call_behavior[call_behavior["behavior"].isin(behaviors)]
    out = out.copy()
    out["rep_id"] = out["rep_id"].astype("string")
    out["call_date"] = pd.to_datetime(out["call_date"])
    return out[["call_id", "rep_id", "call_date", "behavior", "score"]].reset_index(drop=True)


def rep_behavior_means(call_level: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Rep × behavior mean score over calls in ``[start, end)``: rep_id, behavior, mean_score, sd, n_calls."""
    d = call_level[(call_level["call_date"] >= start) & (call_level["call_date"] < end)]
    g = d.groupby(["rep_id", "behavior"], observed=True)["score"]
    out = pd.DataFrame({"mean_score": g.mean(), "sd": g.std(ddof=1), "n_calls": g.count()}).reset_index()
    out["n_calls"] = out["n_calls"].astype("int64")
    return out


def within_rep_sd(call_level: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, float]:
    """Pooled within-rep standard deviation of call scores per behavior (for the noise interval)."""
    d = call_level[(call_level["call_date"] >= start) & (call_level["call_date"] < end)]
    out = {}
    for b, g in d.groupby("behavior", observed=True):
        dev = g["score"] - g.groupby("rep_id", observed=True)["score"].transform("mean")
        dof = len(g) - g["rep_id"].nunique()
        out[str(b)] = float(np.sqrt((dev**2).sum() / dof)) if dof > 0 else float("nan")
    return out


AE_FOCUS_COLUMNS = [
    "rep_id",
    "status",
    "behavior",
    "label",
    "rep_mean",
    "team_mean",
    "diff",
    "ci_low",
    "ci_high",
    "n_calls",
    "level",
    "evidence",
]


def ae_focus(
    rep_behavior: pd.DataFrame,
    *,
    ae_ids: list[str],
    labels: dict[str, str],
    min_calls: int = 3,
    sd: dict[str, float] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Pick each AE's behavior furthest below the team mean; one row per AE in ``ae_ids``.

    ``rep_behavior``: rep_id, behavior, mean_score, n_calls (02's ``rep_quarter_behavior`` for the
    quarter, or :func:`rep_behavior_means`). Team mean per behavior = mean of the AE means that
    have at least ``min_calls`` calls (each rep counts once). ``sd`` (per behavior, within-rep)
    gives the interval of the difference: ``sqrt(sd²/n_calls + var(rep means)/n_reps)``.

    The chosen behavior is the lowest of several, so its interval uses the Bonferroni level
    ``1 − (1 − level) / k`` over the k behaviors compared (picking the minimum would otherwise
    "find" gaps in noise).

    ``status``: ``"gap"`` (interval entirely below the team), ``"below team"`` / ``"development"``
    (point below / not below the team, no clear gap), ``"low volume"`` (no behavior with enough
    calls: uses the lowest one anyway, flagged), ``"no data"``.
    """
    rb = rep_behavior.copy()
    rb["rep_id"] = rb["rep_id"].astype("string")
    rb = rb[rb["rep_id"].isin(list(map(str, ae_ids))) & rb["behavior"].isin(list(labels))]
    enough = rb[rb["n_calls"] >= min_calls]
    team = enough.groupby("behavior", observed=True)["mean_score"].agg(["mean", "var", "count"])
    rows = []
    # One merge and one sort for all reps (not a filter and a sort per rep): a rep picks its lowest
    # (diff, behavior) among its behaviors with enough calls, or among all of them when none has.
    # (a fresh index: an empty merge would keep the team's "behavior" index beside the column)
    merged = rb.merge(team, left_on="behavior", right_index=True, how="inner").reset_index(drop=True)
    merged = merged.assign(diff=merged["mean_score"] - merged["mean"])
    ok = (merged["n_calls"] >= min_calls).to_numpy()
    n_ok = pd.Series(ok, index=merged.index).groupby(merged["rep_id"], observed=True, sort=False).transform("sum")
    eligible = ok | (n_ok.to_numpy() == 0)
    picks = merged[eligible].sort_values(["rep_id", "diff", "behavior"]).drop_duplicates("rep_id")
    n_ok_of = dict(zip(merged["rep_id"], n_ok.to_numpy(), strict=True))
    picks = picks.set_index("rep_id")
    z_of: dict[float, float] = {}
    for rep in sorted(map(str, ae_ids)):
        if rep not in picks.index:
            rows.append({"rep_id": rep, "status": "no data", "n_calls": 0, "evidence": "No scored calls this quarter."})
            continue
        pick = picks.loc[rep]
        low_volume = n_ok_of[rep] == 0
        b = str(pick["behavior"])
        lvl = fn.diagnosis_level(level, True, max(int(n_ok_of[rep]), 1))
        if lvl not in z_of:
            z_of[lvl] = norm_ppf(0.5 + lvl / 2)
        z = z_of[lvl]
        s = (sd or {}).get(b, float("nan"))
        se = np.sqrt(s**2 / pick["n_calls"] + (pick["var"] if np.isfinite(pick["var"]) else 0) / max(pick["count"], 1))
        lo, hi = (pick["diff"] - z * se, pick["diff"] + z * se) if np.isfinite(se) else (np.nan, np.nan)
        row = _focus_row(rep, pick, b, labels=labels, lo=lo, hi=hi, lvl=lvl, low_volume=low_volume)
        rows.append(row)
    return pd.DataFrame(rows, columns=AE_FOCUS_COLUMNS)


def _focus_row(rep, pick, b: str, *, labels: dict, lo: float, hi: float, lvl: float, low_volume: bool) -> dict:
    """One AE's focus row from the behavior picked for them and its interval (status, means, evidence)."""
    if low_volume:
        status = "low volume"
    elif verdict.side(lo, hi) == "negative":
        status = "gap"
    elif pick["diff"] < 0:
        status = "below team"
    else:
        status = "development"
    row = {
        "rep_id": rep,
        "status": status,
        "behavior": b,
        "label": labels.get(b, b),
        "rep_mean": float(pick["mean_score"]),
        "team_mean": float(pick["mean"]),
        "diff": float(pick["diff"]),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "n_calls": int(pick["n_calls"]),
        "level": lvl,
    }
    row["evidence"] = ae_evidence_line(row)
    return row


def ae_evidence_line(row: dict) -> str:
    """One line of evidence for an AE focus."""
    base = (
        f"{row['label']}: {row['rep_mean']:.1f} over {row['n_calls']} calls vs team {row['team_mean']:.1f} "
        f"({row['diff']:+.1f} points"
    )
    if np.isfinite(row["ci_low"]):
        base += f", {fn.fmt_level(row.get('level', 0.95))} CI {row['ci_low']:+.1f} to {row['ci_high']:+.1f})"
    else:
        base += ")"
    return base + {
        "gap": ": below the team beyond noise.",
        "below team": ": below the team, but within noise (development).",
        "development": ": at or above the team everywhere; relatively weakest behavior (development).",
        "low volume": ": too few calls to judge; treat as a hypothesis.",
    }[row["status"]]
