"""What the reader of notebook 04 sees: display tables, figure titles and one-line findings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import funnel as fn
from coaching_roi import verdict
from coaching_roi.figure_rows import rows_and_title
from coaching_roi.plan.make import PlanResult
from coaching_roi.plan.tiers import TIER_APPROACH


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
    vs = [verdict.row_phrase("benchmark", s) for s in verdict.sides(t["ci_low"], t["ci_high"], reference=t["benchmark"])]
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
            "vs benchmark": np.where(t["n"] > 0, vs, "no data"),
        }
    )


def team_sentence(res: PlanResult) -> str:
    """One line on the team funnel: which stages sit clearly below / above benchmark."""
    t = res.funnel.team[res.funnel.team["n"] > 0]
    if t.empty:
        return "No SDR activity this quarter: the team funnel cannot be computed."
    side = verdict.sides(t["ci_low"], t["ci_high"], reference=t["benchmark"])
    below = [fn.STAGE_SHORT[s] for s in t.loc[side == "negative", "stage"]]
    above = [fn.STAGE_SHORT[s] for s in t.loc[side == "positive", "stage"]]
    say = verdict.row_phrase
    parts = [say("team_benchmark", "negative", value=", ".join(below)) if below else say("team_benchmark", "none_below")]
    if above:
        parts.append(say("team_benchmark", "positive", value=", ".join(above)))
    parts.append(say("team_benchmark", "no_clear_change"))
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


PLAN_SHOWN = {"role": "role", "tier": "tier", "focus_kind": "kind", "focus": "one focus", "evidence": "evidence",
              "observable": "observable to commit to"}
"""Plan columns shown in the notebook (CSV column → heading); the CSV holds every column."""

WATCH_SHOWN = {"role": "role", "focus": "one focus", "sessions_this_quarter": "sessions this quarter",
               "last_session_date": "last session", "watch_review_date": "review by",
               "watch_decision_date": "decide by", "movement": "focus metric, this vs previous quarter"}
"""Watch-list columns shown in the notebook (dates as YYYY-MM-DD; no session yet: "none")."""


def _shown(res: PlanResult, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame``'s ``columns`` under their headings, after a ``rep`` column of names (:func:`rep_names`);
    date columns as YYYY-MM-DD."""
    names = rep_names(res)
    out = {"rep": frame["rep_id"].map(lambda r: names.get(r, r))}
    for col, heading in columns.items():
        s = frame[col]
        out[heading] = s.dt.strftime("%Y-%m-%d").fillna("none") if pd.api.types.is_datetime64_any_dtype(s) else s
    return pd.DataFrame(out)


def plan_display(res: PlanResult) -> pd.DataFrame:
    """The plan as shown in the notebook (the CSV holds every column)."""
    return _shown(res, res.plan, PLAN_SHOWN)


def watch_display(res: PlanResult) -> pd.DataFrame:
    """Underperformers with their watch window, documented sessions and whether the focus moved."""
    return _shown(res, res.watch, WATCH_SHOWN)


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


MAX_COACH_BARS = 6
"""Coaches the cadence figure draws at most: each bar carries three lines of text, and more do not fit its
width (at 8 the labels of neighbours touch, at 12 they overlap; 267 coaches at 2,000 AEs made a wall of labels and 2 s of drawing)."""


def cadence_figure(cad: pd.DataFrame, max_coaches: int = MAX_COACH_BARS) -> tuple[pd.DataFrame, str]:
    """The coaches the cadence figure draws and its title: every coach when they fit in ``max_coaches``, else
    the least regular half and the most regular half (sessions per rep per week; ties by coach id), with a
    title that says so. The table under the figure keeps every coach."""
    title = cadence_headline(cad)
    if cad is None:
        return cad, title
    return rows_and_title(cad, ["sessions_per_rep_week", "coach_id"], max_coaches, title, low="least", high="most regular",
                       noun="coaches", where="coach is in the table below")


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
