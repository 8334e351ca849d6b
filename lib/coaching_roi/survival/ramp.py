"""New-hire ramp: weeks to first win and to quota, the weeks saved by the structured program, 6-month attainment.

* :func:`ramp_milestones` — one row per new hire: weeks to first win, weeks to the first calendar
  month at >= threshold x monthly quota, 6-month quota attainment, each with its event flag.
* :func:`weeks_saved` — median(standard) − median(structured): positive = structured faster.
* :func:`attainment_gap` — mean 6-month attainment, structured − standard (Welch t interval).
"""

from __future__ import annotations

import pandas as pd

from coaching_roi.stats import Interval, welch_interval

from .km import DAYS_PER_WEEK, _median_diff, median_diff_bootstrap

MILESTONES = {
    "first_win": "first won deal",
    "quota_80": "first month at the quota threshold",
}


# ------------------------------------------------------------------------------------------ ramp
def ramp_milestones(
    reps: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    threshold: float = 0.8,
    attainment_months: int = 6,
    hired_from: pd.Timestamp | None = None,
    role: str | None = "AE",
) -> pd.DataFrame:
    """One row per new hire with an onboarding program: ramp milestones and censoring flags.

    Follow-up runs from ``hire_date`` to ``min(end_date, as_of)``.

    * ``weeks_to_first_win`` / ``first_win`` — close date of the first won deal (event) or the end
      of follow-up (censored).
    * ``weeks_to_quota_80`` / ``quota_80`` — the end of the first complete calendar-month-long
      period since hire (month k = [hire + k months, hire + k+1 months)) whose won ARR reached
      ``threshold x monthly_quota`` (event), else the end of follow-up (censored). Needs
      ``monthly_quota``; reps without one get NaN.
    * ``attainment_6m`` — won ARR in the first ``attainment_months`` months / (months x quota),
      only for reps followed that long (NaN otherwise; ``attainment_observed`` says which).

    Parameters
    ----------
    reps : canonical ``reps`` (needs hire_date, onboarding_program; end_date, monthly_quota optional).
    opportunities : canonical ``opportunities``.
    as_of : the end of observation (exclusive), usually the quarter's end.
    hired_from : only hires on/after this date count (None = every rep with a program).
    """
    need = {"hire_date", "onboarding_program"}
    if not need <= set(reps.columns):
        return pd.DataFrame()
    r = reps.loc[reps["hire_date"].notna() & reps["onboarding_program"].notna() & (reps["hire_date"] < as_of)]
    if role is not None and "role" in r.columns:
        r = r.loc[r["role"].astype(str) == role]
    if hired_from is not None:
        r = r.loc[r["hire_date"] >= hired_from]
    won = opportunities.loc[(opportunities["status"] == "won") & opportunities["close_date"].notna()]
    won_by_rep = {k: v for k, v in won.groupby("rep_id", observed=True)}
    rows = []
    for rep in r.itertuples(index=False):
        hire = pd.Timestamp(rep.hire_date)
        end_date = getattr(rep, "end_date", None)
        left = end_date is not None and not pd.isna(end_date) and pd.Timestamp(end_date) < as_of
        stop = pd.Timestamp(end_date) if left else pd.Timestamp(as_of)
        follow_days = max((stop - hire).days, 0)
        deals = won_by_rep.get(rep.rep_id)
        deals = deals.loc[(deals["close_date"] >= hire) & (deals["close_date"] < stop)] if deals is not None else None

        # time to first won deal
        if deals is not None and len(deals):
            first = deals["close_date"].min()
            t_win, e_win = (first - hire).days / DAYS_PER_WEEK, True
        else:
            t_win, e_win = follow_days / DAYS_PER_WEEK, False

        quota = getattr(rep, "monthly_quota", None)
        t_q, e_q, att, att_obs = float("nan"), False, float("nan"), False
        if quota is not None and not pd.isna(quota) and quota > 0:
            t_q = follow_days / DAYS_PER_WEEK
            k = 0
            while True:
                m_start = hire + pd.DateOffset(months=k)
                m_end = hire + pd.DateOffset(months=k + 1)
                if m_end > stop:
                    break
                arr = 0.0
                if deals is not None and len(deals):
                    sel = (deals["close_date"] >= m_start) & (deals["close_date"] < m_end)
                    arr = float(deals.loc[sel, "amount"].sum())
                if arr >= threshold * quota:
                    t_q, e_q = (m_end - hire).days / DAYS_PER_WEEK, True
                    break
                k += 1
            six_end = hire + pd.DateOffset(months=attainment_months)
            if six_end <= stop:
                arr6 = 0.0
                if deals is not None and len(deals):
                    arr6 = float(deals.loc[deals["close_date"] < six_end, "amount"].sum())
                att, att_obs = arr6 / (attainment_months * quota), True
        rows.append(
            {
                "rep_id": rep.rep_id,
                "rep_name": getattr(rep, "rep_name", rep.rep_id),
                "program": str(rep.onboarding_program),
                "hire_date": hire,
                "left": bool(left),
                "follow_up_weeks": follow_days / DAYS_PER_WEEK,
                "weeks_to_first_win": t_win,
                "first_win": bool(e_win),
                "weeks_to_quota_80": t_q,
                "quota_80": bool(e_q),
                "attainment_6m": att,
                "attainment_observed": bool(att_obs),
            }
        )
    return pd.DataFrame(rows)


def weeks_saved(
    ramp: pd.DataFrame,
    milestone: str,
    *,
    treated: str = "structured_sprint",
    control: str = "standard",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """KM median weeks to ``milestone`` (first_win | quota_80): control − treated (positive = treated faster).

    Interval: percentile bootstrap over reps, resampled within each program (group sizes kept).
    Resamples where either median is not reached are dropped; when more than half are, the
    interval is not reported (nan). ``n`` = reps in both programs.
    """
    dur = f"weeks_to_{milestone}"
    d = ramp.loc[ramp[dur].notna()] if len(ramp) else ramp
    if not len(d):
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    t, c = d.loc[d["program"] == treated], d.loc[d["program"] == control]
    n = int(len(t) + len(c))
    if len(t) < 2 or len(c) < 2:
        return Interval(float("nan"), float("nan"), float("nan"), n)
    at = (t[dur].to_numpy(float), t[milestone].to_numpy(bool))
    ac = (c[dur].to_numpy(float), c[milestone].to_numpy(bool))
    point = _median_diff(at, ac)
    lo, hi, _ = median_diff_bootstrap(at, ac, n_boot=n_boot, seed=seed, level=level)
    return Interval(point, lo, hi, n)


def attainment_gap(
    ramp: pd.DataFrame,
    *,
    treated: str = "structured_sprint",
    control: str = "standard",
    level: float = 0.95,
) -> Interval:
    """Mean 6-month quota attainment, treated − control (fraction), with a Welch t interval.

    Only reps followed for the full attainment window count (``attainment_observed``). One value
    per rep, so the rep is the unit; Welch's interval is used rather than a bootstrap because with
    a handful of hires per program a percentile bootstrap is far too narrow.
    """
    if not len(ramp):
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    d = ramp.loc[ramp["attainment_observed"]]
    t = d.loc[d["program"] == treated, "attainment_6m"].to_numpy(float)
    c = d.loc[d["program"] == control, "attainment_6m"].to_numpy(float)
    return Interval(*welch_interval(t, c, level), int(len(t) + len(c)))


def attainment_table(ramp: pd.DataFrame) -> pd.DataFrame:
    """Per program: reps followed for the window, mean and median attainment, share at >= 100%."""
    if not len(ramp):
        return pd.DataFrame(columns=["program", "n_observed", "n_not_yet", "mean", "median", "share_at_quota"])
    rows = []
    for prog, part in ramp.groupby("program", observed=True, sort=True):
        obs = part.loc[part["attainment_observed"], "attainment_6m"]
        rows.append(
            {
                "program": prog,
                "n_observed": int(len(obs)),
                "n_not_yet": int((~part["attainment_observed"]).sum()),
                "mean": float(obs.mean()) if len(obs) else float("nan"),
                "median": float(obs.median()) if len(obs) else float("nan"),
                "share_at_quota": float((obs >= 1).mean()) if len(obs) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ notebook helpers
def ramp_cohort_start(as_of: pd.Timestamp, opportunities: pd.DataFrame | None, months: int) -> pd.Timestamp:
    """First hire date of the ramp cohort: ``months`` before ``as_of``, but not before the CRM history
    starts (a hire before the first recorded deal could have a first win we cannot see)."""
    start = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    if opportunities is not None and len(opportunities) and opportunities["created_date"].notna().any():
        start = max(start, pd.Timestamp(opportunities["created_date"].min()))
    return start
