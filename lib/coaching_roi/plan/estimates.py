"""Notebook 04's findings estimates (team funnel vs benchmark, reps below benchmark, focus coverage,
focused sessions) and the compact funnel summary for the QBR appendix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi.plan.make import PlanResult

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
    """The notebook's findings estimates (the shape of findings.json). IDs (absent when their input is absent):

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
