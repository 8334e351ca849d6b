"""The plan table: exactly one focus per active rep, with evidence, an observable and the tier approach.

``focus_kind`` says whether a focus is *remediation* (a gap beyond noise), *development* (the
relatively weakest area, no clear gap) or *no data*. Underperformers get a watch window.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from coaching_roi.plan.hygiene import sessions_in
from coaching_roi.plan.tiers import TIER_APPROACH

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



def observable_for(key: str | None, *, templates: dict[str, str], labels: dict[str, str], kind: str) -> str:
    """The observable a rep commits to for ``key`` (a funnel stage or a behavior key)."""
    if kind == "no data" or key is None:
        return "Log every activity and get two calls scored per week so next quarter's focus rests on data."
    if key in templates:
        return templates[key]
    label = labels.get(key, key.replace("_", " "))
    return f"Show '{label}' on every reviewed call; the manager checks two calls a week."


def _focus(row: dict, rid: str, table: pd.DataFrame | None, key_col: str, source: str,
           names: Mapping[str, str], baseline: str, no_data: str) -> str:
    """Fill ``row``'s focus from the rep's diagnosis (funnel stage or AE behavior); return its kind."""
    src = table.loc[rid] if table is not None and rid in table.index else None
    status = src["status"] if src is not None else "no data"
    key = src[key_col] if src is not None and status != "no data" else None
    row.update(focus_source=source, focus_key=key, focus=names.get(key, key) if key else baseline,
               evidence=src["evidence"] if src is not None else no_data)
    return {"gap": "remediation", "no data": "no data"}.get(status, "development")


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
    sess = sessions_in(sessions, start, end)
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
            kind = _focus(row, rid, diag, "stage", "funnel", stage_skills,
                          "Establish a baseline (no funnel data)", "No SDR activity this quarter.")
        else:
            kind = _focus(row, rid, aef, "behavior", "behavior", labels,
                          "Establish a baseline (no scored calls)", "No scored calls this quarter.")
        row["focus_kind"] = kind
        row["observable"] = observable_for(row["focus_key"], templates=observables, labels=labels, kind=kind)
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
