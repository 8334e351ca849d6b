"""Time-to-event measures with censoring: new-hire ramp (SPEC §5.6) and deal cycle by behavior (§5.7).

A rep who has not reached a milestone yet, or who left (``end_date``) before reaching it, is
**censored** at the end of their follow-up — counted as "not there by then", never as "never".
Likewise an open deal is censored at its age on the as-of date. Medians come from Kaplan–Meier
curves (lifelines); differences get percentile bootstrap intervals whose resampling unit is the rep.

* :func:`ramp_milestones` — one row per new hire: weeks to first win, weeks to the first calendar
  month at >= threshold x monthly quota, 6-month quota attainment, each with its event flag.
* :func:`km_table` / :func:`km_curves` / :func:`logrank` — medians with intervals, curves, test.
* :func:`weeks_saved` — median(standard) − median(structured): positive = structured faster.
* :func:`attainment_gap` — mean 6-month attainment, structured − standard (Welch t interval).
* :func:`deal_cycle_frame` / :func:`deal_cycle_effect` — high vs low discovery score on a behavior
  (median split), % faster = 1 − median_high / median_low (KM medians interpolated between event
  days), open deals censored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import median_survival_times
from scipy import stats as _st

from coaching_roi.stats import Interval

DAYS_PER_WEEK = 7.0
MILESTONES = {
    "first_win": "first won deal",
    "quota_80": "first month at the quota threshold",
}


# ------------------------------------------------------------------------------------ KM helpers
def km_median(durations: np.ndarray, events: np.ndarray) -> float:
    """Kaplan–Meier median (smallest event time with S(t) <= 0.5); inf when the curve never gets there.

    Agrees with ``lifelines.KaplanMeierFitter().median_survival_time_`` except where the curve sits
    exactly at 0.5 (lifelines then depends on float rounding); written in numpy because the
    bootstrap calls it thousands of times.
    """
    d = np.asarray(durations, float)
    e = np.asarray(events, bool)
    if len(d) == 0:
        return float("nan")
    times, deaths = np.unique(d[e], return_counts=True)
    if len(times) == 0:
        return float("inf")
    at_risk = len(d) - np.searchsorted(np.sort(d), times, side="left")
    surv = np.cumprod(1 - deaths / at_risk)
    hit = np.flatnonzero(surv <= 0.5 + 1e-9)
    return float(times[hit[0]]) if len(hit) else float("inf")


def km_median_interpolated(durations: np.ndarray, events: np.ndarray) -> float:
    """Kaplan–Meier median read off the curve joined linearly between event times (inf if never reached).

    Where the step curve first reaches 0.5 at event time t_k, the median is t_{k-1} + (S_{k-1} - 0.5) /
    (S_{k-1} - S_k) x (t_k - t_{k-1}) (t_0 = 0, S_0 = 1). With durations in whole days the step median
    jumps by a day at a time; the interpolated one moves smoothly, so a ratio of two medians (and its
    bootstrap) is not lumped onto a few values.
    """
    d = np.asarray(durations, float)
    e = np.asarray(events, bool)
    if len(d) == 0:
        return float("nan")
    times, deaths = np.unique(d[e], return_counts=True)
    if len(times) == 0:
        return float("inf")
    at_risk = len(d) - np.searchsorted(np.sort(d), times, side="left")
    surv = np.cumprod(1 - deaths / at_risk)
    hit = np.flatnonzero(surv <= 0.5 + 1e-9)
    if not len(hit):
        return float("inf")
    k = int(hit[0])
    t_prev, s_prev = (float(times[k - 1]), float(surv[k - 1])) if k > 0 else (0.0, 1.0)
    return float(t_prev + (s_prev - 0.5) / (s_prev - surv[k]) * (times[k] - t_prev))


def km_table(df: pd.DataFrame, duration: str, event: str, group: str, *, level: float = 0.95) -> pd.DataFrame:
    """Per group: n, n_events, n_censored, KM median and its interval (lifelines, exponential Greenwood).

    A median or bound that the curve has not reached is ``inf`` ("not reached yet").
    """
    rows = []
    for g, part in df.groupby(group, observed=True, sort=True):
        kmf = KaplanMeierFitter(alpha=1 - level).fit(part[duration], part[event].astype(bool))
        ci = median_survival_times(kmf.confidence_interval_)
        rows.append(
            {
                group: g,
                "n": int(len(part)),
                "n_events": int(part[event].sum()),
                "n_censored": int((~part[event].astype(bool)).sum()),
                "median": float(kmf.median_survival_time_),
                "median_ci_low": float(ci.iloc[0, 0]),
                "median_ci_high": float(ci.iloc[0, 1]),
            }
        )
    return pd.DataFrame(rows)


def km_curves(df: pd.DataFrame, duration: str, event: str, group: str, *, level: float = 0.95) -> pd.DataFrame:
    """Tidy KM curves for plotting: group, time, survival, ci_low, ci_high (one row per step)."""
    parts = []
    for g, part in df.groupby(group, observed=True, sort=True):
        kmf = KaplanMeierFitter(alpha=1 - level).fit(part[duration], part[event].astype(bool))
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_
        parts.append(
            pd.DataFrame(
                {
                    group: g,
                    "time": sf.index.to_numpy(float),
                    "survival": sf.to_numpy(float),
                    "ci_low": ci.iloc[:, 0].to_numpy(float),
                    "ci_high": ci.iloc[:, 1].to_numpy(float),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=[group, "time", "survival", "ci_low", "ci_high"])
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class LogRank:
    """Log-rank test result for two groups."""

    statistic: float
    p_value: float
    n: int


def logrank(df: pd.DataFrame, duration: str, event: str, group: str, a: str, b: str) -> LogRank:
    """Log-rank test of group ``a`` vs ``b`` (nan when a group is empty)."""
    x, y = df.loc[df[group] == a], df.loc[df[group] == b]
    if len(x) == 0 or len(y) == 0:
        return LogRank(float("nan"), float("nan"), int(len(x) + len(y)))
    res = logrank_test(x[duration], y[duration], x[event].astype(bool), y[event].astype(bool))
    return LogRank(float(res.test_statistic), float(res.p_value), int(len(x) + len(y)))


def _stratified_bootstrap(
    arrays_a: tuple[np.ndarray, ...],
    arrays_b: tuple[np.ndarray, ...],
    stat,
    *,
    n_boot: int,
    seed: int,
    level: float,
) -> tuple[float, float, np.ndarray]:
    """Percentile bootstrap resampling units (rows = reps) within each of two groups."""
    rng = np.random.default_rng(seed)
    na, nb = len(arrays_a[0]), len(arrays_b[0])
    draws = np.full(n_boot, np.nan)
    for i in range(n_boot):
        ia, ib = rng.integers(0, na, na), rng.integers(0, nb, nb)
        draws[i] = stat(tuple(x[ia] for x in arrays_a), tuple(x[ib] for x in arrays_b))
    ok = draws[np.isfinite(draws)]
    if len(ok) < max(20, n_boot // 2):
        return float("nan"), float("nan"), draws
    alpha = (1 - level) / 2
    return float(np.quantile(ok, alpha)), float(np.quantile(ok, 1 - alpha)), draws


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


def _median_diff(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> float:
    """median(b) − median(a) for (durations, events) tuples; nan when either median is not reached."""
    ma, mb = km_median(a[0], a[1]), km_median(b[0], b[1])
    if not (np.isfinite(ma) and np.isfinite(mb)):
        return float("nan")
    return mb - ma


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
    lo, hi, _ = _stratified_bootstrap(at, ac, _median_diff, n_boot=n_boot, seed=seed, level=level)
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
    n = int(len(t) + len(c))
    point = float(t.mean() - c.mean()) if len(t) and len(c) else float("nan")
    if len(t) < 2 or len(c) < 2:
        return Interval(point, float("nan"), float("nan"), n)
    vt, vc = t.var(ddof=1) / len(t), c.var(ddof=1) / len(c)
    se = np.sqrt(vt + vc)
    if se == 0:
        return Interval(point, point, point, n)
    df = (vt + vc) ** 2 / (vt**2 / (len(t) - 1) + vc**2 / (len(c) - 1))
    q = _st.t.ppf(0.5 + level / 2, df)
    return Interval(point, point - q * se, point + q * se, n)


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


# ------------------------------------------------------------------------------------ deal cycle
def deal_cycle_frame(
    opportunities: pd.DataFrame,
    discovery_scores: pd.DataFrame,
    behavior: str,
    *,
    as_of: pd.Timestamp,
    created_from: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Deals with a discovery score on ``behavior``: days created → close (open deals censored at ``as_of``).

    Returns opportunity_id, rep_id, status, score, days (float), closed (event flag), group
    ("high" when the score is at or above the median of these deals, else "low"), threshold.
    Deals closed on/after ``as_of`` are treated as open on ``as_of`` (we do not peek ahead).
    """
    if behavior not in discovery_scores.columns:
        return pd.DataFrame(columns=["opportunity_id", "rep_id", "status", "score", "days", "closed", "group"])
    sc = discovery_scores[["opportunity_id", behavior]].rename(columns={behavior: "score"}).dropna()
    opp = opportunities.loc[opportunities["created_date"] < as_of]
    if created_from is not None:
        opp = opp.loc[opp["created_date"] >= created_from]
    d = opp[["opportunity_id", "rep_id", "created_date", "close_date", "status"]].merge(sc, on="opportunity_id")
    closed = d["status"].isin(["won", "lost"]) & d["close_date"].notna() & (d["close_date"] < as_of)
    end = d["close_date"].where(closed, as_of)
    d = d.assign(
        status=d["status"].astype(str).where(closed, "open"),
        days=(end - d["created_date"]).dt.days.astype(float).clip(lower=0.5),
        closed=closed.to_numpy(bool),
    )
    thr = float(d["score"].median()) if len(d) else float("nan")
    d["group"] = np.where(d["score"] >= thr, "high", "low")
    d["threshold"] = thr
    return d[["opportunity_id", "rep_id", "status", "score", "days", "closed", "group", "threshold"]].reset_index(drop=True)


def _pct_faster(days: np.ndarray, closed: np.ndarray, score: np.ndarray) -> float:
    thr = np.median(score)
    hi = score >= thr
    if hi.all() or (~hi).all():
        return float("nan")
    mh, ml = km_median_interpolated(days[hi], closed[hi]), km_median_interpolated(days[~hi], closed[~hi])
    if not (np.isfinite(mh) and np.isfinite(ml)) or ml <= 0:
        return float("nan")
    return 1 - mh / ml


def deal_cycle_effect(
    frame: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> Interval:
    """% faster = 1 − KM median(high) / KM median(low) (fraction; positive = high scorers close faster).

    The medians are interpolated between event days (:func:`km_median_interpolated`): on whole-day
    durations the step medians made the ratio, and its bootstrap, jump between a few values, and the
    interval covered the planted speed-up too rarely on larger teams (docs/METHODS.md).

    Interval: percentile bootstrap over **reps** (a rep's deals are resampled together, because deals
    of one rep share that rep's habits); the median split is redrawn in every resample.
    ``n`` = deals.
    """
    if len(frame) < 4:
        return Interval(float("nan"), float("nan"), float("nan"), int(len(frame)))
    days = frame["days"].to_numpy(float)
    closed = frame["closed"].to_numpy(bool)
    score = frame["score"].to_numpy(float)
    point = _pct_faster(days, closed, score)
    codes, uniq = pd.factorize(frame["rep_id"])
    rows_of = [np.flatnonzero(codes == i) for i in range(len(uniq))]
    n_reps = len(uniq)
    if n_reps < 2:
        return Interval(point, float("nan"), float("nan"), int(len(frame)))
    rng = np.random.default_rng(seed)
    draws = np.full(n_boot, np.nan)
    for i in range(n_boot):
        pick = rng.integers(0, n_reps, n_reps)
        idx = np.concatenate([rows_of[j] for j in pick])
        draws[i] = _pct_faster(days[idx], closed[idx], score[idx])
    ok = draws[np.isfinite(draws)]
    if len(ok) < max(20, n_boot // 2):
        return Interval(point, float("nan"), float("nan"), int(len(frame)))
    alpha = (1 - level) / 2
    return Interval(point, float(np.quantile(ok, alpha)), float(np.quantile(ok, 1 - alpha)), int(len(frame)))


def deal_cycle_by_outcome(frame: pd.DataFrame) -> pd.DataFrame:
    """High vs low × outcome (won, lost, open): n deals and median days (open = age so far)."""
    if not len(frame):
        return pd.DataFrame(columns=["group", "status", "n_deals", "median_days"])
    g = frame.groupby(["group", "status"], observed=True)["days"]
    out = pd.DataFrame({"n_deals": g.size(), "median_days": g.median()}).reset_index()
    return out.sort_values(["group", "status"], ignore_index=True)


# ------------------------------------------------------------------------------ notebook helpers
def ramp_cohort_start(as_of: pd.Timestamp, opportunities: pd.DataFrame | None, months: int) -> pd.Timestamp:
    """First hire date of the ramp cohort: ``months`` before ``as_of``, but not before the CRM history
    starts (a hire before the first recorded deal could have a first win we cannot see)."""
    start = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    if opportunities is not None and len(opportunities) and opportunities["created_date"].notna().any():
        start = max(start, pd.Timestamp(opportunities["created_date"].min()))
    return start

