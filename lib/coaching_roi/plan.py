"""The coaching plan (SPEC §8, seed 002): one focus per rep, tiers, watch list, recognition, layer-1 hygiene.

* **One skill at a time** — every active rep (SDR and AE) gets exactly one focus for next period:
  SDRs from the funnel diagnosis (:mod:`coaching_roi.funnel`), AEs from the behavior furthest below
  the team mean (rep's quarter mean vs the mean of AE means, with enough calls). Each focus carries
  one line of evidence and a suggested observable to commit to (``cfg.funnel.observables``).
  ``focus_kind`` says whether it is *remediation* (a gap beyond noise), *development* (the
  relatively weakest area, no clear gap) or *no data*.
* **Tiers** — top / middle / under by attainment (AEs: won ARR in the quarter / (3 × monthly
  quota), pro-rated for reps hired during the quarter) or funnel output (SDRs: SQLs per working
  day), with the coaching approach per tier. Underperformers get a 30–60 day watch window.
* **Recognition** — most improved reps (behavior scores and funnel rates, quarter over quarter,
  ranked by the lower end of the interval so noise is not rewarded) and call-of-the-week candidates.
* **Layer-1 hygiene** — coaching cadence per manager, longest gap, share of sessions with one
  behavior and an observable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as _st

from coaching_roi import funnel as fn

TIERS: tuple[str, ...] = ("top", "middle", "under")
TIER_APPROACH: dict[str, str] = {
    "top": "Autonomy and stretch: agree a stretch goal, invite them to coach a peer or share a call; coach career growth.",
    "middle": "The one lever: coach the single focus below every week at a steady cadence; celebrate small gains.",
    "under": "Diagnose skill, will or fit first; intensive coaching on the one gap with written expectations; "
    "review at 30 days, decide by 60.",
    "unknown": "Not tiered (no attainment or output data this quarter): agree the focus and collect the data.",
}
PLAN_COLUMNS = [
    "rep_id",
    "rep_name",
    "role",
    "manager_id",
    "tier",
    "tier_metric",
    "tier_value",
    "focus_kind",
    "focus_source",
    "focus_key",
    "focus",
    "evidence",
    "observable",
    "coaching_approach",
    "sessions_this_quarter",
    "last_session_date",
    "watch_review_date",
    "watch_decision_date",
]


# ------------------------------------------------------------------------------------------ reps
def active_reps(reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reps (AE or SDR) employed at the end of ``[start, end)``: hired before ``end``, not left before it."""
    df = reps.copy()
    df["rep_id"] = df["rep_id"].astype("string")
    role = df["role"].astype("string").str.upper()
    keep = role.isin(["AE", "SDR"])
    if "hire_date" in df.columns:
        h = pd.to_datetime(df["hire_date"])
        keep &= h.isna() | (h < end)
    if "end_date" in df.columns:
        e = pd.to_datetime(df["end_date"])
        keep &= e.isna() | (e >= end)
    out = df.loc[keep].copy()
    out["role"] = role[keep]
    for c in ("rep_name", "manager_id", "hire_date", "monthly_quota"):
        if c not in out.columns:
            out[c] = pd.NA
    return out.sort_values("rep_id").reset_index(drop=True)


# --------------------------------------------------------------------------------- AE behaviors
def call_level_scores(
    call_scores: pd.DataFrame,
    calls: pd.DataFrame,
    *,
    behaviors: list[str] | None = None,
) -> pd.DataFrame:
    """One score per (call, behavior) with the call's rep and date, primary scorer only.

    Uses notebook 02's rule (:func:`coaching_roi.scoring.primary_scores`: the manager's score when
    a call was scored by several scorers), so the numbers here match 02's.
    Columns: call_id, rep_id, call_date, behavior, score.
    """
    from coaching_roi import scoring

    out = scoring.scored_calls(calls, scoring.primary_scores(call_scores))
    if behaviors is not None:
        out = out[out["behavior"].isin(behaviors)]
    out = out.copy()
    out["rep_id"] = out["rep_id"].astype("string")
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
    for rep in sorted(map(str, ae_ids)):
        mine = rb[rb["rep_id"] == rep].merge(team, left_on="behavior", right_index=True, how="inner")
        if mine.empty:
            rows.append({"rep_id": rep, "status": "no data", "n_calls": 0, "evidence": "No scored calls this quarter."})
            continue
        mine = mine.assign(diff=mine["mean_score"] - mine["mean"])
        ok = mine[mine["n_calls"] >= min_calls]
        low_volume = ok.empty
        pick = (mine if low_volume else ok).sort_values(["diff", "behavior"]).iloc[0]
        b = str(pick["behavior"])
        lvl = fn.diagnosis_level(level, True, max(len(ok), 1))
        z = _st.norm.ppf(0.5 + lvl / 2)
        s = (sd or {}).get(b, float("nan"))
        se = np.sqrt(s**2 / pick["n_calls"] + (pick["var"] if np.isfinite(pick["var"]) else 0) / max(pick["count"], 1))
        lo, hi = (pick["diff"] - z * se, pick["diff"] + z * se) if np.isfinite(se) else (np.nan, np.nan)
        if low_volume:
            status = "low volume"
        elif np.isfinite(hi) and hi < 0:
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
        rows.append(row)
    return pd.DataFrame(rows, columns=AE_FOCUS_COLUMNS)


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


# ------------------------------------------------------------------------------------------- tiers
def ae_attainment(
    opportunities: pd.DataFrame | None,
    reps: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """AE attainment: won ARR closed in ``[start, end)`` / (3 × monthly_quota), quota pro-rated for mid-quarter hires.

    Columns: rep_id, won_arr, quota, attainment (NaN without a quota or without opportunities).
    """
    aes = reps[reps["role"] == "AE"][["rep_id", "monthly_quota", "hire_date"]].copy()
    if opportunities is not None and len(opportunities):
        o = opportunities.copy()
        o["close_date"] = pd.to_datetime(o["close_date"])
        won = o[(o["status"] == "won") & (o["close_date"] >= start) & (o["close_date"] < end)]
        arr = won.groupby(won["rep_id"].astype("string"), observed=True)["amount"].sum()
        aes["won_arr"] = aes["rep_id"].map(arr).fillna(0.0).astype(float)
    else:
        aes["won_arr"] = np.nan
    q_days = (end - start).days
    hire = pd.to_datetime(aes["hire_date"])
    in_q = ((end - hire.where(hire > start, start)).dt.days / q_days).clip(0, 1).fillna(1.0)
    aes["quota"] = 3 * pd.to_numeric(aes["monthly_quota"], errors="coerce") * in_q
    aes["attainment"] = aes["won_arr"] / aes["quota"].where(aes["quota"] > 0)
    return aes[["rep_id", "won_arr", "quota", "attainment"]].reset_index(drop=True)


def sdr_output(counts: pd.DataFrame, reps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """SDR output: SQLs per working day over the rep's working days in the quarter (from hire date).

    Columns: rep_id, sqls, working_days, sqls_per_day (NaN with no working days or no activity).
    """
    sdrs = reps[reps["role"] == "SDR"][["rep_id", "hire_date"]].copy()
    c = counts.set_index("rep_id")
    sdrs["sqls"] = sdrs["rep_id"].map(c["sqls"]) if len(c) else np.nan
    has = sdrs["rep_id"].map(c["n_rows"]).fillna(0) > 0 if len(c) else pd.Series(False, index=sdrs.index)
    last = c["last_date"].max() if len(c) else pd.NaT
    stop = min(end, pd.Timestamp(last) + pd.Timedelta(days=1)) if pd.notna(last) else end
    days = []
    for h in pd.to_datetime(sdrs["hire_date"]):
        s = max(start, h) if pd.notna(h) else start
        days.append(fn.working_days(s, stop))
    sdrs["working_days"] = days
    sdrs["sqls_per_day"] = (sdrs["sqls"] / sdrs["working_days"].where(sdrs["working_days"] > 0)).where(has)
    return sdrs[["rep_id", "sqls", "working_days", "sqls_per_day"]].reset_index(drop=True)


def assign_tiers(values: pd.Series, *, top_quantile: float = 0.75, under_quantile: float = 0.25) -> pd.Series:
    """Tier each value: ``top`` at or above the top quantile, ``under`` at or below the under
    quantile, ``middle`` between, ``unknown`` for NaN. Quantiles are taken within ``values``."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    out = pd.Series("unknown", index=values.index, dtype=object)
    ok = v.dropna()
    if ok.empty:
        return out
    hi, lo = ok.quantile(top_quantile), ok.quantile(under_quantile)
    out[v.notna()] = "middle"
    out[v.notna() & (v >= hi)] = "top"
    out[v.notna() & (v <= lo)] = "under"  # a tie at both ends (all equal) reads as under, not top
    return out


# -------------------------------------------------------------------------------------- the plan
def observable_for(key: str | None, *, templates: dict[str, str], labels: dict[str, str], kind: str) -> str:
    """The observable a rep commits to for ``key`` (a funnel stage or a behavior key)."""
    if kind == "no data" or key is None:
        return "Log every activity and get two calls scored per week so next quarter's focus rests on data."
    if key in templates:
        return templates[key]
    label = labels.get(key, key.replace("_", " "))
    return f"Show '{label}' on every reviewed call; the manager checks two calls a week."


def build_plan(
    reps: pd.DataFrame,
    *,
    sdr_diagnosis: pd.DataFrame | None,
    ae_focus_df: pd.DataFrame | None,
    tiers: pd.DataFrame,
    sessions: pd.DataFrame | None,
    start: pd.Timestamp,
    end: pd.Timestamp,
    stage_skills: dict[str, str],
    observables: dict[str, str],
    labels: dict[str, str],
    watch_window_days: tuple[int, int] = (30, 60),
) -> pd.DataFrame:
    """Assemble the coaching plan: exactly one row (one focus) per active rep.

    ``reps`` = :func:`active_reps`; ``tiers``: rep_id, tier, tier_metric, tier_value. Missing
    inputs (no funnel, no scores) give the rep a "no data" focus rather than no row.
    """
    diag = sdr_diagnosis.set_index("rep_id") if sdr_diagnosis is not None and len(sdr_diagnosis) else None
    aef = ae_focus_df.set_index("rep_id") if ae_focus_df is not None and len(ae_focus_df) else None
    t = tiers.set_index("rep_id") if len(tiers) else None
    sess = _sessions_in(sessions, start, end)
    n_sess = sess.groupby("rep_id", observed=True).size() if sess is not None else pd.Series(dtype="int64")
    last_sess = sess.groupby("rep_id", observed=True)["session_date"].max() if sess is not None else pd.Series(dtype="datetime64[ns]")
    review = (end + pd.Timedelta(days=watch_window_days[0] - 1)).normalize()
    decide = (end + pd.Timedelta(days=watch_window_days[1] - 1)).normalize()
    rows = []
    for _, r in reps.iterrows():
        rid = str(r["rep_id"])
        row = {c: pd.NA for c in PLAN_COLUMNS}
        row.update(rep_id=rid, rep_name=r.get("rep_name"), role=r["role"], manager_id=r.get("manager_id"))
        if t is not None and rid in t.index:
            row.update(tier=t.at[rid, "tier"], tier_metric=t.at[rid, "tier_metric"], tier_value=t.at[rid, "tier_value"])
        else:
            row.update(tier="unknown")
        if r["role"] == "SDR":
            src = diag.loc[rid] if diag is not None and rid in diag.index else None
            status = src["status"] if src is not None else "no data"
            key = src["stage"] if src is not None and status != "no data" else None
            kind = {"gap": "remediation", "no data": "no data"}.get(status, "development")
            row.update(
                focus_source="funnel",
                focus_key=key,
                focus=stage_skills.get(key, key) if key else "Establish a baseline (no funnel data)",
                evidence=src["evidence"] if src is not None else "No SDR activity this quarter.",
            )
        else:
            src = aef.loc[rid] if aef is not None and rid in aef.index else None
            status = src["status"] if src is not None else "no data"
            key = src["behavior"] if src is not None and status != "no data" else None
            kind = {"gap": "remediation", "no data": "no data"}.get(status, "development")
            row.update(
                focus_source="behavior",
                focus_key=key,
                focus=labels.get(key, key) if key else "Establish a baseline (no scored calls)",
                evidence=src["evidence"] if src is not None else "No scored calls this quarter.",
            )
        row["focus_kind"] = kind
        row["observable"] = observable_for(key, templates=observables, labels=labels, kind=kind)
        row["coaching_approach"] = TIER_APPROACH.get(row["tier"], TIER_APPROACH["unknown"])
        row["sessions_this_quarter"] = int(n_sess.get(rid, 0)) if sess is not None else pd.NA
        row["last_session_date"] = last_sess.get(rid, pd.NaT)
        if row["tier"] == "under":
            row["watch_review_date"], row["watch_decision_date"] = review, decide
        rows.append(row)
    out = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    for c in ("last_session_date", "watch_review_date", "watch_decision_date"):
        out[c] = pd.to_datetime(out[c])
    return out


def plan_for_csv(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as managers read it in a spreadsheet: dates as YYYY-MM-DD, tier value rounded."""
    out = plan.copy()
    for c in ("last_session_date", "watch_review_date", "watch_decision_date"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    out["tier_value"] = pd.to_numeric(out["tier_value"], errors="coerce").round(3)
    return out


def build_tiers(
    reps: pd.DataFrame,
    *,
    attainment: pd.DataFrame | None,
    output: pd.DataFrame | None,
    top_quantile: float,
    under_quantile: float,
) -> pd.DataFrame:
    """Tiers within each role: AEs by attainment, SDRs by SQLs per working day.

    Columns: rep_id, role, tier, tier_metric, tier_value.
    """
    parts = []
    if attainment is not None:
        a = attainment.assign(tier_metric="attainment", tier_value=attainment["attainment"])
        a["tier"] = assign_tiers(a["tier_value"], top_quantile=top_quantile, under_quantile=under_quantile)
        parts.append(a.assign(role="AE")[["rep_id", "role", "tier", "tier_metric", "tier_value"]])
    if output is not None:
        s = output.assign(tier_metric="sqls_per_working_day", tier_value=output["sqls_per_day"])
        s["tier"] = assign_tiers(s["tier_value"], top_quantile=top_quantile, under_quantile=under_quantile)
        parts.append(s.assign(role="SDR")[["rep_id", "role", "tier", "tier_metric", "tier_value"]])
    if not parts:
        return pd.DataFrame(columns=["rep_id", "role", "tier", "tier_metric", "tier_value"])
    out = pd.concat(parts, ignore_index=True)
    return out[out["rep_id"].isin(reps["rep_id"])].reset_index(drop=True)


# ---------------------------------------------------------------------------------- watch list
def focus_movement(
    plan: pd.DataFrame,
    *,
    funnel_change: pd.DataFrame | None,
    call_level: pd.DataFrame | None,
    now: tuple[pd.Timestamp, pd.Timestamp],
    before: tuple[pd.Timestamp, pd.Timestamp],
    min_volume: int,
    min_calls: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Has each rep's focus metric moved this quarter vs the previous one?

    SDRs: the focus stage's rate change (Newcombe interval; both denominators ≥ ``min_volume``).
    AEs: the focus behavior's mean call score change (Welch interval; ≥ ``min_calls`` calls in each).
    Columns: rep_id, change, ci_low, ci_high, unit ("fraction"/"points"), n_now, n_before, movement.
    """
    rows = []
    for _, p in plan.iterrows():
        rid, key = p["rep_id"], p["focus_key"]
        row = {"rep_id": rid, "change": np.nan, "ci_low": np.nan, "ci_high": np.nan, "unit": None, "n_now": 0, "n_before": 0}
        if pd.isna(key):
            row["movement"] = "too little data (no focus metric)"
        elif p["focus_source"] == "funnel" and funnel_change is not None:
            m = funnel_change[(funnel_change["rep_id"] == rid) & (funnel_change["stage"] == key)]
            if len(m):
                m = m.iloc[0]
                row.update(unit="fraction", n_now=int(m["n_now"]), n_before=int(m["n_before"]))
                if m["enough_volume"]:
                    row.update(change=m["change"], ci_low=m["ci_low"], ci_high=m["ci_high"])
            row["movement"] = movement_reading(row)
        elif p["focus_source"] == "behavior" and call_level is not None:
            mine = call_level[(call_level["rep_id"] == rid) & (call_level["behavior"] == key)]
            x1 = mine.loc[(mine["call_date"] >= now[0]) & (mine["call_date"] < now[1]), "score"].to_numpy()
            x0 = mine.loc[(mine["call_date"] >= before[0]) & (mine["call_date"] < before[1]), "score"].to_numpy()
            row.update(unit="points", n_now=len(x1), n_before=len(x0))
            if len(x1) >= min_calls and len(x0) >= min_calls:
                d, lo, hi = fn.mean_diff_interval(x1, x0, level)
                row.update(change=d, ci_low=lo, ci_high=hi)
            row["movement"] = movement_reading(row)
        else:
            row["movement"] = "too little data (input table absent)"
        rows.append(row)
    return pd.DataFrame(rows, columns=["rep_id", "change", "ci_low", "ci_high", "unit", "n_now", "n_before", "movement"])


def movement_reading(row: dict) -> str:
    """Plain-English reading of a quarter-over-quarter change that never outruns its interval."""
    if not np.isfinite(row.get("change", np.nan)) or not np.isfinite(row.get("ci_low", np.nan)):
        return f"too little data (n={row.get('n_now', 0)} now, {row.get('n_before', 0)} before)"
    f = (lambda v: f"{v * 100:+.0f} pp") if row["unit"] == "fraction" else (lambda v: f"{v:+.1f} points")
    ci = f"(95% CI {f(row['ci_low'])} to {f(row['ci_high'])})"
    if row["ci_low"] > 0:
        return f"improved {f(row['change'])} {ci}"
    if row["ci_high"] < 0:
        return f"declined {f(row['change'])} {ci}"
    return f"no clear change: {f(row['change'])} {ci}"


# ----------------------------------------------------------------------------------- recognition
def most_improved_funnel(funnel_change: pd.DataFrame, *, top_n: int = 3) -> pd.DataFrame:
    """SDR stage improvements with enough volume in both quarters, ranked by the interval's lower end.

    One row per rep (their best stage); only improvements whose interval is above zero are listed.
    """
    d = funnel_change[funnel_change["enough_volume"] & (funnel_change["ci_low"] > 0)]
    if d.empty:
        return d.assign(reading=pd.Series(dtype=object))
    d = d.sort_values(["ci_low", "rep_id"], ascending=[False, True]).drop_duplicates("rep_id").head(top_n)
    return d.assign(
        reading=[
            f"{fn.STAGE_SHORT.get(s, s)} rate {b:.0%} → {a:.0%} ({c * 100:+.0f} pp, 95% CI {lo * 100:+.0f} to {hi * 100:+.0f} pp)"
            for s, b, a, c, lo, hi in zip(d["stage"], d["rate_before"], d["rate_now"], d["change"], d["ci_low"], d["ci_high"], strict=True)
        ]
    ).reset_index(drop=True)


def behavior_change(
    call_level: pd.DataFrame,
    *,
    now: tuple[pd.Timestamp, pd.Timestamp],
    before: tuple[pd.Timestamp, pd.Timestamp],
    min_calls: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per (rep, behavior) change in mean call score between two periods, Welch interval.

    Columns: rep_id, behavior, mean_before, n_before, mean_now, n_now, change, ci_low, ci_high.
    Only pairs with ≥ ``min_calls`` scored calls in both periods.
    """
    cl = call_level.assign(
        period=np.select(
            [
                (call_level["call_date"] >= now[0]) & (call_level["call_date"] < now[1]),
                (call_level["call_date"] >= before[0]) & (call_level["call_date"] < before[1]),
            ],
            ["now", "before"],
            default="",
        )
    )
    cl = cl[cl["period"] != ""]
    rows = []
    for (rid, b), g in cl.groupby(["rep_id", "behavior"], observed=True, sort=True):
        x1, x0 = g.loc[g["period"] == "now", "score"], g.loc[g["period"] == "before", "score"]
        if len(x1) < min_calls or len(x0) < min_calls:
            continue
        d, lo, hi = fn.mean_diff_interval(x1.to_numpy(), x0.to_numpy(), level)
        rows.append(
            {"rep_id": rid, "behavior": b, "mean_before": x0.mean(), "n_before": len(x0), "mean_now": x1.mean(),
             "n_now": len(x1), "change": d, "ci_low": lo, "ci_high": hi}
        )
    cols = ["rep_id", "behavior", "mean_before", "n_before", "mean_now", "n_now", "change", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=cols)


def most_improved_behavior(changes: pd.DataFrame, *, labels: dict[str, str], top_n: int = 3) -> pd.DataFrame:
    """Reps whose behavior score rose beyond noise, ranked by the interval's lower end (one row per rep)."""
    d = changes[changes["ci_low"] > 0]
    if d.empty:
        return d.assign(reading=pd.Series(dtype=object))
    d = d.sort_values(["ci_low", "rep_id"], ascending=[False, True]).drop_duplicates("rep_id").head(top_n)
    return d.assign(
        reading=[
            f"{labels.get(b, b)} {m0:.1f} → {m1:.1f} ({c:+.1f} points, 95% CI {lo:+.1f} to {hi:+.1f}; {n0} → {n1} calls)"
            for b, m0, m1, c, lo, hi, n0, n1 in zip(
                d["behavior"], d["mean_before"], d["mean_now"], d["change"], d["ci_low"], d["ci_high"], d["n_before"], d["n_now"], strict=True
            )
        ]
    ).reset_index(drop=True)


def calls_of_the_week(
    call_composite: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp, per_week: int = 1
) -> pd.DataFrame:
    """Highest composite-scored call(s) per ISO week in ``[start, end)`` (from 02_call_composite).

    Columns: week (Monday), call_id, rep_id, call_date, composite.
    """
    d = call_composite.copy()
    d["call_date"] = pd.to_datetime(d["call_date"])
    d = d[(d["call_date"] >= start) & (d["call_date"] < end) & d["composite"].notna()]
    d["week"] = d["call_date"].dt.to_period("W-SUN").dt.start_time
    d = d.sort_values(["week", "composite", "call_id"], ascending=[True, False, True])
    out = d.groupby("week", observed=True, sort=True).head(per_week)
    return out[["week", "call_id", "rep_id", "call_date", "composite"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------- layer 1
def _sessions_in(sessions: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
    if sessions is None:
        return None
    s = sessions.copy()
    s["session_date"] = pd.to_datetime(s["session_date"])
    s["rep_id"] = s["rep_id"].astype("string")
    return s[(s["session_date"] >= start) & (s["session_date"] < end)]


def session_quality(sessions: pd.DataFrame) -> pd.DataFrame:
    """Flag each session: one_behavior (exactly one rubric key), has_observable, focused (both)."""
    s = sessions.copy()
    beh = s["behavior"].astype("string").fillna("").str.strip()
    n_beh = beh.map(lambda v: len([x for x in str(v).split(";") if x.strip()]))
    s["one_behavior"] = (n_beh == 1).astype(bool)
    obs = s["observable"].astype("string").fillna("").str.strip() if "observable" in s.columns else pd.Series("", index=s.index)
    s["has_observable"] = (obs.str.len() > 0).astype(bool)
    s["focused"] = s["one_behavior"] & s["has_observable"]
    return s


def _longest_gap(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> int:
    pts = sorted({start, *pd.to_datetime(dates).dt.normalize().tolist(), end})
    return int(max((b - a).days for a, b in zip(pts[:-1], pts[1:], strict=True)))


def coaching_cadence(
    sessions: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """Cadence per coach over ``[start, end)``.

    Reps in scope of a coach = reps whose ``manager_id`` is the coach (when known) plus reps the coach
    met. Columns: coach_id, n_reps, n_sessions, sessions_per_rep_week, median_gap_days (median over
    reps of each rep's longest gap, quarter edges included; a rep never met counts the whole quarter),
    longest_gap_days, reps_without_session, share_one_behavior, share_observable, share_focused.
    """
    s = session_quality(_sessions_in(sessions, start, end))
    weeks = (end - start).days / 7
    managed = {}
    if "manager_id" in reps.columns:
        for m, g in reps.dropna(subset=["manager_id"]).groupby("manager_id", observed=True):
            managed[str(m)] = set(g["rep_id"].astype(str))
    coaches = sorted(set(s["coach_id"].astype(str)) | set(managed))
    rows = []
    for c in coaches:
        mine = s[s["coach_id"].astype(str) == c]
        scope = managed.get(c, set()) | set(mine["rep_id"].astype(str))
        gaps = [_longest_gap(mine.loc[mine["rep_id"] == r, "session_date"], start, end) for r in sorted(scope)]
        n = len(mine)
        rows.append(
            {
                "coach_id": c,
                "n_reps": len(scope),
                "n_sessions": n,
                "sessions_per_rep_week": n / len(scope) / weeks if scope and weeks > 0 else np.nan,
                "median_gap_days": float(np.median(gaps)) if gaps else np.nan,
                "longest_gap_days": max(gaps) if gaps else np.nan,
                "reps_without_session": len(scope - set(mine["rep_id"].astype(str))),
                "share_one_behavior": mine["one_behavior"].mean() if n else np.nan,
                "share_observable": mine["has_observable"].mean() if n else np.nan,
                "share_focused": mine["focused"].mean() if n else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------ the loader
@dataclass
class Inputs:
    """The tables notebook 04 reads (None when absent) and what their absence costs."""

    reps: pd.DataFrame | None
    sdr_activity: pd.DataFrame | None
    coaching_sessions: pd.DataFrame | None
    opportunities: pd.DataFrame | None
    calls: pd.DataFrame | None
    call_scores: pd.DataFrame | None
    rep_quarter_behavior: pd.DataFrame | None  # 02's artifact when present
    call_composite: pd.DataFrame | None  # 02's artifact when present
    notes: list[str] = field(default_factory=list)


def load_inputs(cfg) -> Inputs:
    """Read 01's tables (``artifacts.read_table``) and 02's artifacts when present."""
    from coaching_roi import artifacts

    t = {n: artifacts.read_table(cfg, n) for n in ("reps", "sdr_activity", "coaching_sessions", "opportunities", "calls", "call_scores")}
    two = {}
    for n in ("02_rep_quarter_behavior", "02_call_composite"):
        p = cfg.artifact(n)
        two[n] = pd.read_parquet(p) if p.exists() else None
    notes = []
    what = {
        "reps": "without the rep list no plan can be made (roles, managers, quotas)",
        "sdr_activity": "no SDR funnel, diagnosis or SDR tiers",
        "coaching_sessions": "no session counts, cadence or hygiene",
        "opportunities": "no AE attainment tiers",
        "call_scores": "no AE focus from behavior scores and no behavior recognition",
        "calls": "no AE focus from behavior scores and no behavior recognition",
    }
    for n, why in what.items():
        if t[n] is None:
            notes.append(f"Table `{n}` is absent: {why}.")
    if two["02_rep_quarter_behavior"] is None and t["call_scores"] is not None:
        notes.append(
            "Notebook 02's rep × quarter behavior means are absent: the AE focus is computed here from "
            "01's call scores (manager scorer preferred)."
        )
    if two["02_call_composite"] is None:
        notes.append("Notebook 02's call composite scores are absent: no call-of-the-week candidates.")
    return Inputs(**t, rep_quarter_behavior=two["02_rep_quarter_behavior"], call_composite=two["02_call_composite"], notes=notes)


# ------------------------------------------------------------------------------- the whole plan
@dataclass
class PlanResult:
    """Everything notebook 04 shows; frames are None when their input is absent (see ``notes``)."""

    reps: pd.DataFrame | None
    funnel: fn.FunnelResult | None
    funnel_change: pd.DataFrame | None  # this quarter vs the previous, per (SDR, stage)
    ae_focus: pd.DataFrame | None
    ae_source: str  # where the AE behavior means came from
    call_level: pd.DataFrame | None
    attainment: pd.DataFrame | None
    sdr_output: pd.DataFrame | None
    tiers: pd.DataFrame
    plan: pd.DataFrame | None
    movement: pd.DataFrame | None
    watch: pd.DataFrame | None
    improved_funnel: pd.DataFrame | None
    improved_behavior: pd.DataFrame | None
    calls_of_week: pd.DataFrame | None
    cadence: pd.DataFrame | None
    sessions: pd.DataFrame | None  # this quarter's sessions with quality flags
    notes: list[str] = field(default_factory=list)


def make_plan(inputs: Inputs, cfg) -> PlanResult:
    """Run every step of notebook 04 for ``cfg.quarter`` from the loaded :class:`Inputs`."""
    start, end = cfg.quarter_bounds(0)
    pstart, pend = cfg.quarter_bounds(-1)
    level = cfg.analysis.confidence_level
    min_calls = cfg.analysis.min_calls_per_cell
    labels = cfg.rubric.labels
    fcfg = cfg.funnel
    notes = list(inputs.notes)
    none = dict(
        funnel=None, funnel_change=None, ae_focus=None, ae_source="absent", call_level=None, attainment=None,
        sdr_output=None, tiers=pd.DataFrame(columns=["rep_id", "role", "tier", "tier_metric", "tier_value"]),
        plan=None, movement=None, watch=None, improved_funnel=None, improved_behavior=None, calls_of_week=None,
        cadence=None, sessions=None,
    )
    if inputs.reps is None:
        return PlanResult(reps=None, notes=notes, **none)
    reps = active_reps(inputs.reps, start, end)
    out = dict(none)
    sdr_ids = reps.loc[reps["role"] == "SDR", "rep_id"].astype(str).tolist()
    ae_ids = reps.loc[reps["role"] == "AE", "rep_id"].astype(str).tolist()

    # SDR funnel, this quarter and the previous one
    if inputs.sdr_activity is not None and sdr_ids:
        kw = dict(benchmarks=cfg.benchmarks, stage_skills=dict(fcfg.stage_skills), min_volume=fcfg.min_volume, level=level)
        res = fn.analyse(inputs.sdr_activity, start=start, end=end, sdr_ids=sdr_ids, **kw)
        prev = fn.analyse(inputs.sdr_activity, start=pstart, end=pend, sdr_ids=sdr_ids, **kw)
        out["funnel"] = res
        out["funnel_change"] = fn.rate_change(res.rates, prev.rates, level=level, min_volume=fcfg.min_volume)
        out["sdr_output"] = sdr_output(res.counts, reps, start, end)
        out["improved_funnel"] = most_improved_funnel(out["funnel_change"])
        if res.counts["n_rows"].sum() == 0:
            notes.append(f"No SDR activity falls inside {cfg.quarter}: the funnel has no data this quarter.")

    # AE behavior focus: 02's rep × quarter means when present, else 01's call scores
    if inputs.call_scores is not None and inputs.calls is not None:
        out["call_level"] = call_level_scores(inputs.call_scores, inputs.calls, behaviors=cfg.rubric.keys)
    if ae_ids:
        rb = None
        if inputs.rep_quarter_behavior is not None:
            q = inputs.rep_quarter_behavior
            rb = q[q["quarter"].astype(str) == cfg.quarter]
            out["ae_source"] = "notebook 02 (rep × quarter behavior means)"
        elif out["call_level"] is not None:
            rb = rep_behavior_means(out["call_level"], start, end)
            out["ae_source"] = "01's call scores (primary scorer), computed here"
        if rb is not None:
            sd = within_rep_sd(out["call_level"], start, end) if out["call_level"] is not None else None
            out["ae_focus"] = ae_focus(rb, ae_ids=ae_ids, labels=labels, min_calls=min_calls, sd=sd, level=level)

    # tiers
    if ae_ids:
        out["attainment"] = ae_attainment(inputs.opportunities, reps, start, end) if inputs.opportunities is not None else None
    out["tiers"] = build_tiers(
        reps, attainment=out["attainment"], output=out["sdr_output"],
        top_quantile=fcfg.top_tier_quantile, under_quantile=fcfg.under_tier_quantile,
    )

    # the plan, the watch list
    plan = build_plan(
        reps, sdr_diagnosis=out["funnel"].diagnosis if out["funnel"] is not None else None,
        ae_focus_df=out["ae_focus"], tiers=out["tiers"], sessions=inputs.coaching_sessions, start=start, end=end,
        stage_skills=dict(fcfg.stage_skills), observables=dict(fcfg.observables), labels=labels,
        watch_window_days=tuple(fcfg.watch_window_days),
    )
    out["plan"] = plan
    mv = focus_movement(
        plan, funnel_change=out["funnel_change"], call_level=out["call_level"], now=(start, end), before=(pstart, pend),
        min_volume=fcfg.min_volume, min_calls=min_calls, level=level,
    )
    out["movement"] = mv
    w = plan[plan["tier"] == "under"].merge(mv[["rep_id", "movement"]], on="rep_id", how="left")
    out["watch"] = w[["rep_id", "rep_name", "role", "manager_id", "tier_metric", "tier_value", "focus", "sessions_this_quarter",
                      "last_session_date", "watch_review_date", "watch_decision_date", "movement"]].reset_index(drop=True)

    # recognition
    if out["call_level"] is not None:
        ch = behavior_change(out["call_level"], now=(start, end), before=(pstart, pend), min_calls=min_calls, level=level)
        out["improved_behavior"] = most_improved_behavior(ch[ch["rep_id"].isin(ae_ids + sdr_ids)], labels=labels)
    if inputs.call_composite is not None:
        out["calls_of_week"] = calls_of_the_week(inputs.call_composite, start=start, end=end)

    # layer 1 hygiene
    if inputs.coaching_sessions is not None:
        out["sessions"] = session_quality(_sessions_in(inputs.coaching_sessions, start, end))
        out["cadence"] = coaching_cadence(inputs.coaching_sessions, reps, start=start, end=end)
    return PlanResult(reps=reps, notes=notes, **out)


# -------------------------------------------------------------------------------------- findings
STAGE_N_UNIT = {"connect_rate": "dials", "conversation_rate": "connects", "meeting_rate": "conversations",
                "show_rate": "meetings", "sql_rate": "meetings", "email_reply_rate": "emails"}


def _wilson_estimate(estimate_id: str, k: int, n: int, *, n_unit: str, policy, reference: float,
                     note: str | None = None, **extra) -> dict:
    from coaching_roi import verdict
    from coaching_roi.stats import wilson_interval

    lo, hi = wilson_interval(k, n, policy.level) if n > 0 else (float("nan"), float("nan"))
    return verdict.make(estimate_id, value=k / n if n else None, ci_low=lo, ci_high=hi, n=n, n_unit=n_unit,
                        unit="fraction", policy=policy, reference=reference, note=note, **extra)


def findings_estimates(res: PlanResult, cfg) -> dict[str, dict]:
    """The notebook's findings (SPEC §9 shape). IDs (absent when their input is absent):

    ``funnel_team_<stage>`` (pooled team rate vs its benchmark, Wilson, n = the stage's denominator),
    ``funnel_reps_below_benchmark`` (share of SDRs with enough volume that have a diagnosed gap),
    ``funnel_focus_coverage`` (share of active reps whose focus rests on data, not "no data"; compared
    with one half), ``funnel_sessions_focused_share`` (share of this quarter's sessions with one
    behavior and an observable; compared with one half).
    """
    from coaching_roi import verdict

    policy = verdict.Policy.from_config(cfg)
    est: dict[str, dict] = {}
    if res.funnel is not None and res.funnel.counts["n_rows"].sum() > 0:
        for _, t in res.funnel.team.iterrows():
            if t["n"] <= 0:
                continue
            eid = f"funnel_team_{t['stage']}"
            est[eid] = _wilson_estimate(eid, int(t["k"]), int(t["n"]), n_unit=STAGE_N_UNIT.get(t["stage"], "calls"),
                                        policy=policy, reference=float(t["benchmark"]),
                                        note=f"Pooled over {int(t['n_reps'])} SDRs.", benchmark=float(t["benchmark"]))
        d = res.funnel.diagnosis
        diagnosable = res.funnel.rates.groupby("rep_id", observed=True)["enough_volume"].any()
        n = int(diagnosable.sum())
        k = int(((d["status"] == "gap") & d["rep_id"].map(diagnosable).fillna(False).astype(bool)).sum())
        if n > 0:
            est["funnel_reps_below_benchmark"] = _wilson_estimate(
                "funnel_reps_below_benchmark", k, n, n_unit="SDRs", policy=policy, reference=0.0,
                note=f"{k} of {n} SDRs with enough volume.")
    if res.plan is not None and len(res.plan):
        n = len(res.plan)
        k = int((res.plan["focus_kind"] != "no data").sum())
        est["funnel_focus_coverage"] = _wilson_estimate(
            "funnel_focus_coverage", k, n, n_unit="reps", policy=policy, reference=0.5,
            note=f"{k} of {n} active reps; every rep has exactly one focus.")
    if res.sessions is not None and len(res.sessions):
        n = len(res.sessions)
        k = int(res.sessions["focused"].sum())
        est["funnel_sessions_focused_share"] = _wilson_estimate(
            "funnel_sessions_focused_share", k, n, n_unit="sessions", policy=policy, reference=0.5,
            note=f"{k} of {n} sessions this quarter.")
    return est


def findings_extra(res: PlanResult) -> dict:
    """A compact funnel summary for the QBR appendix (notebook 05): team vs benchmark, diagnosed reps."""
    extra: dict = {}
    if res.funnel is not None:
        extra["team_rates"] = [
            {"stage": t["stage"], "label": t["label"], "rate": _f(t["rate"]), "ci_low": _f(t["ci_low"]),
             "ci_high": _f(t["ci_high"]), "n": int(t["n"]), "benchmark": _f(t["benchmark"])}
            for _, t in res.funnel.team.iterrows()
        ]
        d = res.funnel.diagnosis
        names = res.reps.set_index("rep_id")["rep_name"] if res.reps is not None else pd.Series(dtype=object)
        extra["diagnosed"] = [
            {"rep_id": r["rep_id"], "rep_name": _s(names.get(r["rep_id"])), "stage": r["stage"], "skill": r["skill"],
             "rate": _f(r["rate"]), "ci_low": _f(r["ci_low"]), "ci_high": _f(r["ci_high"]), "n": int(r["n"]),
             "benchmark": _f(r["benchmark"])}
            for _, r in d[d["status"] == "gap"].iterrows()
        ]
        extra["n_sdrs"] = int(len(d))
        extra["n_sdrs_on_benchmark"] = int((d["status"] == "on benchmark").sum())
    if res.notes:
        extra["notes"] = list(res.notes)
    if res.plan is not None:
        extra["focus_kinds"] = {str(k): int(v) for k, v in res.plan["focus_kind"].value_counts().items()}
        extra["tiers"] = {str(k): int(v) for k, v in res.plan["tier"].value_counts().items()}
        extra["n_watch"] = int(len(res.watch)) if res.watch is not None else 0
    return extra


def _f(v) -> float | None:
    return float(v) if v is not None and pd.notna(v) and np.isfinite(float(v)) else None


def _s(v) -> str | None:
    return None if v is None or pd.isna(v) else str(v)


# ---------------------------------------------------------------------------- what the reader sees
def rep_names(res: PlanResult) -> dict[str, str]:
    """rep_id → 'Name (id)' for figures and tables (the id alone when no name is known)."""
    if res.reps is None:
        return {}
    return {
        str(r): (f"{n} ({r})" if isinstance(n, str) and n.strip() else str(r))
        for r, n in zip(res.reps["rep_id"], res.reps["rep_name"], strict=True)
    }


def team_table(res: PlanResult, level: float = 0.95) -> pd.DataFrame:
    """Team funnel vs benchmark, formatted for display."""
    t = res.funnel.team
    verdict = np.where(t["ci_high"] < t["benchmark"], "below", np.where(t["ci_low"] > t["benchmark"], "above", "no clear difference"))
    return pd.DataFrame(
        {
            "stage": t["label"],
            "team rate": t["rate"].map(lambda v: f"{v:.1%}" if pd.notna(v) else "no data"),
            f"{fn.fmt_level(level)} CI": [
                f"{lo:.1%}–{hi:.1%}" if pd.notna(lo) else "–" for lo, hi in zip(t["ci_low"], t["ci_high"], strict=True)
            ],
            "n (denominator)": t["n"],
            "SDRs": t["n_reps"],
            "benchmark": t["benchmark"].map(lambda v: f"{v:.0%}"),
            "vs benchmark": np.where(t["n"] > 0, verdict, "no data"),
        }
    )


def team_sentence(res: PlanResult) -> str:
    """One line on the team funnel: which stages sit clearly below / above benchmark."""
    t = res.funnel.team[res.funnel.team["n"] > 0]
    if t.empty:
        return "No SDR activity this quarter: the team funnel cannot be computed."
    below = [fn.STAGE_SHORT[s] for s in t.loc[t["ci_high"] < t["benchmark"], "stage"]]
    above = [fn.STAGE_SHORT[s] for s in t.loc[t["ci_low"] > t["benchmark"], "stage"]]
    parts = []
    parts.append(f"Team below benchmark beyond noise at: {', '.join(below)}." if below else "No team stage is clearly below its benchmark.")
    if above:
        parts.append(f"Clearly above at: {', '.join(above)}.")
    parts.append("Other stages are within noise of their benchmark.")
    return " ".join(parts)


def diagnosis_headline(res: PlanResult) -> str:
    """The finding of the gap heatmap, as a figure title."""
    d = res.funnel.diagnosis
    gaps = d[d["status"] == "gap"]
    n = int((d["status"] != "no data").sum())
    if gaps.empty:
        return f"No SDR has a stage below benchmark beyond noise ({n} SDRs checked)"
    names = rep_names(res)
    who = "; ".join(f"{names.get(r, r)}: {fn.STAGE_SHORT.get(s, s)}" for r, s in zip(gaps["rep_id"], gaps["stage"], strict=True))
    return f"{len(gaps)} of {n} SDRs below benchmark beyond noise:\n{who}"


def diagnosis_table(res: PlanResult) -> pd.DataFrame:
    """Diagnosis per SDR for display: status, stage, skill to coach, evidence."""
    d = res.funnel.diagnosis
    names = rep_names(res)
    return pd.DataFrame(
        {
            "SDR": d["rep_id"].map(lambda r: names.get(r, r)),
            "status": d["status"],
            "stage": d["stage"].map(lambda s: fn.STAGE_SHORT.get(s, s) if isinstance(s, str) else "–"),
            "skill to coach": d["skill"].fillna("–"),
            "evidence": d["evidence"],
        }
    )


def tier_table(res: PlanResult) -> pd.DataFrame:
    """Tier counts and the coaching approach per role and tier."""
    p = res.plan
    g = p.groupby(["role", "tier"], observed=True).agg(reps=("rep_id", "count"), metric=("tier_metric", "first"),
                                                       median_value=("tier_value", "median")).reset_index()
    order = {"top": 0, "middle": 1, "under": 2, "unknown": 3}
    g = g.sort_values(["role", "tier"], key=lambda s: s.map(order) if s.name == "tier" else s)
    g["median_value"] = [
        (f"{v:.0%} of quota" if m == "attainment" else f"{v:.2f} SQLs/day") if pd.notna(v) else "–"
        for v, m in zip(g["median_value"], g["metric"], strict=True)
    ]
    g["coaching approach"] = g["tier"].map(TIER_APPROACH)
    return g.rename(columns={"median_value": "median in tier"}).drop(columns=["metric"])


def plan_display(res: PlanResult) -> pd.DataFrame:
    """The plan as shown in the notebook (the CSV holds every column)."""
    p = res.plan
    names = rep_names(res)
    return pd.DataFrame(
        {
            "rep": p["rep_id"].map(lambda r: names.get(r, r)),
            "role": p["role"],
            "tier": p["tier"],
            "kind": p["focus_kind"],
            "one focus": p["focus"],
            "evidence": p["evidence"],
            "observable to commit to": p["observable"],
        }
    )


def watch_display(res: PlanResult) -> pd.DataFrame:
    """Underperformers with their watch window, documented sessions and whether the focus moved."""
    w = res.watch
    names = rep_names(res)
    return pd.DataFrame(
        {
            "rep": w["rep_id"].map(lambda r: names.get(r, r)),
            "role": w["role"],
            "one focus": w["focus"],
            "sessions this quarter": w["sessions_this_quarter"],
            "last session": w["last_session_date"].dt.strftime("%Y-%m-%d").fillna("none"),
            "review by": w["watch_review_date"].dt.strftime("%Y-%m-%d"),
            "decide by": w["watch_decision_date"].dt.strftime("%Y-%m-%d"),
            "focus metric, this vs previous quarter": w["movement"],
        }
    )


def cadence_headline(cad: pd.DataFrame) -> str:
    """The finding of the cadence figure, as a title."""
    if cad is None or cad.empty:
        return "No coaching sessions recorded"
    spw = cad["sessions_per_rep_week"]
    unmet = int(cad["reps_without_session"].sum())
    total = int(cad["n_reps"].sum())
    if spw.max() < 0.5:
        return f"Coaching is irregular: at most {spw.max():.2f} sessions per rep per week; {unmet} of {total} reps not met this quarter"
    return f"Cadence ranges {spw.min():.2f}–{spw.max():.2f} sessions per rep per week; {unmet} of {total} reps not met this quarter"


def cadence_display(cad: pd.DataFrame) -> pd.DataFrame:
    """Cadence per coach for display."""
    pct = lambda v: "–" if pd.isna(v) else f"{v:.0%}"  # noqa: E731
    return pd.DataFrame(
        {
            "coach": cad["coach_id"],
            "reps": cad["n_reps"],
            "sessions": cad["n_sessions"],
            "sessions / rep / week": cad["sessions_per_rep_week"].round(2),
            "reps not met": cad["reps_without_session"],
            "longest gap (days)": cad["longest_gap_days"],
            "one behavior": cad["share_one_behavior"].map(pct),
            "observable recorded": cad["share_observable"].map(pct),
            "both": cad["share_focused"].map(pct),
        }
    )
