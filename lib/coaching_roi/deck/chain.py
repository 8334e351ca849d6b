"""The evidence chain as slide 1 shows it: four linked panels, each with a state phrased from a stored verdict.

coaching activity → behavior change against comparison reps → outcomes (win-rate link, deal cycle,
ramp) → realized money. :func:`build_chain` reads only stored estimates (their verdict, value,
interval, n and n_unit) and :func:`coaching_roi.verdict.state`; a link without an estimate reads
"Not measured" with the reason from :func:`coaching_roi.story.reason_for`. :func:`activity_counts`
adds the layer-1 counts (sessions, reps reached) from the coaching log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coaching_roi import estimate_ids as ids
from coaching_roi import settle, story
from coaching_roi import verdict as vd
from coaching_roi.config import Config

FOCUSED_ID = "funnel_sessions_focused_share"
CYCLE_ID = "cycle_change_per_point::all"
RAMP_IDS = ("ramp_weeks_saved::quota_80", "ramp_weeks_saved::first_win")
REALIZED_ID = "realized_value_usd"
ROI_ID = "roi_pct"


@dataclass
class Row:
    """One measured line of a panel: what it is, its state (word + colour), value and detail."""

    label: str
    state: vd.State
    value: str = ""
    detail: str = ""
    estimate_id: str | None = None

    def text(self) -> str:
        parts = [f"{self.label}: {self.state.word}", self.value, self.detail]
        return " — ".join(p for p in parts if p)


@dataclass
class Link:
    """One panel of the chain. ``state`` is the panel's headline state (its first row's)."""

    key: str
    title: str
    rows: list[Row]
    note: str = ""
    headline: str = ""  # a count shown large above the rows (coaching activity)

    @property
    def state(self) -> vd.State:
        return self.rows[0].state if self.rows else vd.STATES["missing"]

    def text(self) -> str:
        head = f"{self.headline}; " if self.headline else ""
        return f"{self.title}: {head}" + "; ".join(r.text() for r in self.rows) + (f". {self.note}" if self.note else "")


@dataclass
class Chain:
    links: list[Link]
    to_know: list[dict[str, Any]] = field(default_factory=list)  # settle.assess for every unclear link

    def texts(self) -> list[str]:
        return [lk.text() for lk in self.links]


def _row(findings: Mapping[str, Any], eid: str, label: str, policy: vd.Policy, *, extra: str = "") -> Row:
    e = (findings.get("estimates") or {}).get(eid)
    st = vd.state(e, policy, eid)
    if e is None:
        return Row(label, st, "", story.short_reason(findings, eid), eid)
    n_txt = f"{int(e.get('n') or 0):,} {e.get('n_unit', 'reps')}"
    if e.get("value") is None:
        why = e.get("observable_from") and f"readable from {e['observable_from']}"
        return Row(label, st, "", " · ".join(x for x in (why or "no number yet", n_txt) if x), eid)
    ci = vd.interval_text(eid, e, policy)
    return Row(label, st, vd.value_text(eid, e), " · ".join(x for x in (ci, n_txt, extra) if x), eid)


def activity_counts(sessions: pd.DataFrame | None, cfg: Config) -> dict[str, int] | None:
    """Sessions logged this quarter and distinct reps they reached (None without a coaching log)."""
    if sessions is None:
        return None
    start, end = cfg.quarter_bounds()
    d = pd.to_datetime(sessions["session_date"])
    sq = sessions.loc[(d >= start) & (d < end)]
    return {"sessions": int(len(sq)), "reps": int(sq["rep_id"].nunique())}


def _lag_text(e: Mapping[str, Any] | None) -> str:
    lag = (e or {}).get("lag_quarters")
    if lag is None:
        return ""
    lag = int(lag)
    return "same quarter" if lag == 0 else f"{lag} quarter{'s' if lag != 1 else ''} later"


def build_chain(findings: Mapping[str, Any], cfg: Config, *, sessions: pd.DataFrame | None = None,
                per_quarter: Mapping[str, float] | None = None) -> Chain:
    """The four panels of slide 1, from stored verdicts (see the module docstring)."""
    policy = vd.Policy.from_config(cfg)
    est = findings.get("estimates") or {}
    labels = cfg.rubric.labels

    # 1 · coaching activity
    counts = activity_counts(sessions, cfg)
    focused = _row(findings, FOCUSED_ID, "One behavior + observable per session", policy)
    if counts is None:
        activity = Link("activity", "Coaching activity", [Row("Coaching log", vd.STATES["missing"], "",
                        "No coaching log in the inputs: who was coached on what, and when, is unknown")])
    else:
        activity = Link("activity", "Coaching activity", [focused],
                        headline=f"{counts['sessions']:,} sessions, {counts['reps']:,} reps this quarter")

    # 2 · behavior change against comparison reps
    b_id = cfg.decision.links.get("behavior", "behavior_change::all")
    if b_id not in est:
        l2 = story.layer2(findings, policy)
        b_id = l2.ids[0] if l2.ids else b_id
    b = est.get(b_id)
    controls = f"vs {int(b['n_control_reps'])} comparison reps" if b and b.get("n_control_reps") else ""
    sub = ids.sub_of(b_id)
    what = "Score on the coached behaviors" if sub in (None, ids.POOLED) else f"Score on “{ids.sub_label(sub, labels)}”"
    behavior = Link("behavior", "Behavior change vs comparison reps", [_row(findings, b_id, what, policy, extra=controls)])
    f_id = cfg.decision.links.get("fairness", ids.make("event_study_pretrend", sub or ids.POOLED))
    fv = story.classify(est.get(f_id))
    behavior.note = {
        "no_clear_change": "Fairness check passed: both groups moved alike before coaching",
        "positive": "Fairness check failed: coached reps were already diverging before coaching",
        "negative": "Fairness check failed: coached reps were already diverging before coaching",
        "too_few": "Fairness check: too few coached reps to tell",
    }.get(fv, "Fairness check: not measured")

    # 3 · outcomes
    o_id = cfg.decision.links.get("outcome", "win_rate_change_per_point::all")
    o = est.get(o_id)
    lag = _lag_text(o)
    win = _row(findings, o_id, "Win rate per point gained", policy, extra=lag)
    cyc = _row(findings, CYCLE_ID, "Deal cycle: days shorter per point", policy, extra=_lag_text(est.get(CYCLE_ID)))
    r_id = next((k for k in RAMP_IDS if k in est), RAMP_IDS[0])
    ramp = _row(findings, r_id, "Ramp: " + ("to 80% of quota" if r_id.endswith("quota_80") else "to first win"), policy)
    outcomes = Link("outcomes", "Outcomes", [win, cyc, ramp])

    # 4 · realized money
    realized = _row(findings, REALIZED_ID, "Realized value a year", policy)
    rows = [realized]
    if REALIZED_ID in est and ROI_ID in est:
        rows.append(_row(findings, ROI_ID, "Return on cost", policy))
    money = Link("money", "Realized money", rows)
    if story.classify(est.get(REALIZED_ID)) in ("no_clear_change", "too_few"):
        money.note = "Not measurable yet: money follows only from a clear behavior change and outcome link"

    chain_ids = [b_id, o_id, CYCLE_ID, r_id, REALIZED_ID]
    to_know = [a for a in (settle.assess(k, est.get(k), policy=policy, per_quarter=per_quarter) for k in chain_ids) if a]
    for a in to_know:
        a["label"] = ids.label(a["id"], labels)
    return Chain([activity, behavior, outcomes, money], to_know)
