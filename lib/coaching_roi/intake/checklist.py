"""Coverage of the quarter (scored discovery calls, documented sessions) and the tracking-infrastructure
checklist (behavior scoring, coaching documented, CRM clean enough for rep-level win rates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import Config
from coaching_roi.intake.cells import isin_text
from coaching_roi.roster import AE_ONLY, active_mask

if TYPE_CHECKING:
    from coaching_roi.intake.result import IntakeResult


MIN_CLOSED_DEALS_PER_REP = 5
"""Closed deals a rep needs in a quarter before a rep-level win rate means anything."""


OPEN_DEAL_ONLY_CHECKS = frozenset({"never_engaged:created_date"})
"""Reject reasons that only open deals can have (they do not affect win rates)."""


def _in_quarter(s: pd.Series, cfg: Config) -> pd.Series:
    start, end = cfg.quarter_bounds()
    return (s >= start) & (s < end)


def _active_aes(result: IntakeResult, cfg: Config) -> pd.Series | None:
    reps = result.tables.get("reps")
    if reps is None:
        return None
    return reps.loc[active_mask(reps, *cfg.quarter_bounds(), roles=AE_ONLY), "rep_id"]


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def coverage(result: IntakeResult, cfg: Config) -> pd.DataFrame:
    """Coverage of the quarter: ``metric, value, numerator, denominator, note`` (value a fraction or None).

    * AEs with a scored discovery call: active AEs (hired before the quarter ends, not gone before
      it starts) with at least one call of a ``rubric.discovery_call_types`` type in the quarter that
      has scores.
    * Sessions with an observable / targeting exactly one behavior: sessions dated in the quarter.
    """
    q = cfg.quarter
    rows = []
    aes = _active_aes(result, cfg)
    calls, scores = result.tables.get("calls"), result.tables.get("call_scores")
    if aes is None or calls is None or scores is None:
        missing = [t for t in ("reps", "calls", "call_scores") if t not in result.tables]
        rows.append(dict(metric="AEs with a scored discovery call", value=None, numerator=None, denominator=None,
                         note=f"cannot compute: {', '.join(missing)} absent"))
    else:
        disc = calls[calls["call_type"].isin(cfg.rubric.discovery_call_types) & _in_quarter(calls["call_date"], cfg)]
        # Arrow's hash set of the distinct ids (pandas' isin on Arrow strings makes a Python object per value)
        disc = disc[isin_text(disc["call_id"], scores["call_id"])]
        n_aes = aes.nunique()
        covered = aes[isin_text(aes, disc["rep_id"])].nunique()
        rows.append(dict(metric="AEs with a scored discovery call", value=_share(covered, n_aes),
                         numerator=covered, denominator=n_aes, note=f"active AEs in {q}"))
    sessions = result.tables.get("coaching_sessions")
    if sessions is None:
        for m in ("sessions with an observable", "sessions targeting exactly one behavior"):
            rows.append(dict(metric=m, value=None, numerator=None, denominator=None,
                             note="cannot compute: coaching_sessions absent"))
    else:
        s = sessions[_in_quarter(sessions["session_date"], cfg)]
        n = len(s)
        has_obs = int(s["observable"].notna().sum())
        one = int((~s["behavior"].str.contains(schemas.BEHAVIOR_SEPARATOR, regex=False, na=False)).sum())
        note = f"sessions dated in {q}" if n else f"no sessions dated in {q}"
        rows.append(dict(metric="sessions with an observable", value=_share(has_obs, n),
                         numerator=has_obs, denominator=n, note=note))
        rows.append(dict(metric="sessions targeting exactly one behavior", value=_share(one, n),
                         numerator=one, denominator=n, note=note))
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype("float64")
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = out["denominator"].astype("Int64")
    return out


def _grade(share: float | None, yes_at: float = 0.8) -> str:
    if share is None or share <= 0:
        return "no"
    return "yes" if share >= yes_at else "partly"


def infrastructure_checklist(result: IntakeResult, cfg: Config) -> pd.DataFrame:
    """The tracking-infrastructure checklist: ``item, answer, figure, detail``.

    ``answer`` is yes (>= 80 %), partly (> 0) or no, from the figure beside it:

    1. Behavior scoring in place: share of active AEs with a scored discovery call this quarter.
    2. Coaching documented: share of this quarter's sessions that target one behavior *and*
       record an observable.
    3. CRM clean enough for rep-level win rate by quarter: share of active AEs (or of deal owners
       when reps are absent) with >= ``MIN_CLOSED_DEALS_PER_REP`` deals closed (won/lost) in the
       quarter; "yes" also needs at most 5 % of opportunity rows rejected.
    """
    q = cfg.quarter
    cov = coverage(result, cfg).set_index("metric")
    rows = []
    # 1 scoring
    c = cov.loc["AEs with a scored discovery call"]
    v = None if pd.isna(c["value"]) else float(c["value"])
    if v is None:
        fig = c["note"]
    else:
        fig = f"{c['numerator']} of {c['denominator']} AEs ({v:.0%}) have a scored discovery call in {q}"
    rows.append(dict(item="Behavior scoring in place", answer=_grade(v), figure=fig,
                     detail="calls scored on the rubric, at least one discovery call per AE per quarter"))
    # 2 coaching documented
    sessions = result.tables.get("coaching_sessions")
    if sessions is None:
        v, fig = None, "cannot compute: coaching_sessions absent"
    else:
        s = sessions[_in_quarter(sessions["session_date"], cfg)]
        good = int((s["observable"].notna()
                    & ~s["behavior"].str.contains(schemas.BEHAVIOR_SEPARATOR, regex=False, na=False)).sum())
        v = _share(good, len(s))
        fig = (f"{good} of {len(s)} sessions in {q} ({v:.0%}) target one behavior and record an observable"
               if v is not None else f"no sessions dated in {q}")
    rows.append(dict(item="Coaching documented (one behavior + observable)", answer=_grade(v), figure=fig,
                     detail="each session logs the one behavior it targets and what the rep committed to do"))
    # 3 CRM
    opps = result.tables.get("opportunities")
    if opps is None:
        answer, fig = "no", "cannot compute: opportunities absent"
    else:
        closed = opps[opps["status"].isin(["won", "lost"]) & _in_quarter(opps["close_date"], cfg)]
        per_rep = closed.groupby("rep_id", observed=True).size()
        aes = _active_aes(result, cfg)
        base = aes if aes is not None and len(aes) else pd.Series(opps["rep_id"].unique())
        who = "AEs" if aes is not None and len(aes) else "deal owners"
        enough = int(base.isin(per_rep[per_rep >= MIN_CLOSED_DEALS_PER_REP].index).sum())
        v = _share(enough, base.nunique())
        acc = result.accounting.set_index("table").loc["opportunities"]
        f = result.failures
        # Rows rejected for a reason that only open deals can have do not touch win rates.
        touching = f[(f["table"] == "opportunities") & ~f["check"].isin(OPEN_DEAL_ONLY_CHECKS)]
        n_rej = touching["source_line"].nunique()
        rej = n_rej / acc["rows_read"] if acc["rows_read"] else 0.0
        answer = _grade(v)
        if answer == "yes" and rej > 0.05:
            answer = "partly"
        fig = (f"{enough} of {base.nunique()} {who} ({(v or 0):.0%}) have ≥ {MIN_CLOSED_DEALS_PER_REP} deals "
               f"closed in {q}; {rej:.1%} of opportunity rows rejected for problems that touch win rates")
    rows.append(dict(item="CRM clean enough for rep-level win rate by quarter", answer=answer, figure=fig,
                     detail="deals carry owner, created/close dates and won/lost status"))
    return pd.DataFrame(rows)
