"""Layer 3: the rep-level link between behavior change and outcome change (win rate, deal cycle), by lag.

One point per coached rep (its first episode); Q_e = the quarter of its first session.

* x = behavior change: the rep's mean weekly score on the coached behavior in Q_e minus in Q_e - 1.
* win rate: y = win rate (won / closed, by close date) in Q_e + lag minus in Q_e - 1.
* deal cycle: y = mean days created -> close of the deals closed in Q_e - 1 minus in Q_e + lag
  (positive = the rep closes faster).

The slope of y on x across coached reps (with an intercept, which absorbs drift every coached rep
shares) is fitted by weighted least squares, each rep weighted by the inverse of its y's variance:
sampling variance from its deal counts (p(1-p)(1/n_before + 1/n_after) for a win rate, s²(1/n_b + 1/n_a)
for a mean cycle) plus a between-rep variance tau² (method of moments). Interval and p-value come
from one procedure: HC2 robust standard error with Bell-McCaffrey degrees of freedom, t quantiles.
Measured calibration (:mod:`coaching_roi.outcome_link_sim`) and the reasoning are in docs/METHODS.md.

:func:`rep_points` builds the tidy points (a clean function of the 01/02 frames), :func:`fit_link`
fits one slope, :func:`link_table` fits every (outcome, lag), :func:`outcome_link` does all three and
returns an :class:`OutcomeLinkResult` whose ``estimates()`` are the findings
``win_rate_change_per_point::all`` (fraction) and ``cycle_change_per_point::all`` (days).
A lag whose target quarter is not in the data is "not yet observable": no number, ``too_few`` with
``why`` and ``observable_from`` (the quarter whose closed deals will settle it) — never extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats as st

from coaching_roi import config as _config
from coaching_roi import verdict
from coaching_roi.estimate_ids import POOLED

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config

OUTCOMES: dict[str, dict[str, str]] = {
    "win_rate": {"id": f"win_rate_change_per_point::{POOLED}", "unit": "fraction", "y": "win_rate_change"},
    "cycle": {"id": f"cycle_change_per_point::{POOLED}", "unit": "days", "y": "cycle_change"},
}
MIN_FIT_REPS = 5  # below 5 points HC2 has 1-2 residual degrees of freedom and is not reliable (at 3 points it
# collapsed to a near-zero SE on a no-effect demo team); calibration was measured from 5 coached reps up


# ------------------------------------------------------------------------------------ frames
def quarter_of(ts: Any) -> str:
    """The quarter label (e.g. 2026Q3) of a timestamp."""
    p = pd.Timestamp(ts).to_period("Q")
    return f"{p.year}Q{p.quarter}"


def _quarter_col(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("Q").map(lambda p: f"{p.year}Q{p.quarter}")


def rep_quarter_behavior(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per rep, behavior and calendar quarter (of the week's Monday): mean weekly score and n_weeks."""
    w = weekly.assign(quarter=_quarter_col(weekly["week"]))
    return (w.groupby(["rep_id", "behavior", "quarter"], observed=True)["mean_score"]
            .agg(quarter_score="mean", n_weeks="size").reset_index())


def rep_quarter_outcomes(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Per rep and close quarter: n_won, n_lost, n_deals (closed), win_rate, mean_cycle_days and
    cycle_var (days created -> close over closed deals, won and lost), median_cycle_days (won deals)."""
    o = opportunities[opportunities["status"].isin(["won", "lost"]) & opportunities["close_date"].notna()].copy()
    o["close_date"] = pd.to_datetime(o["close_date"])
    o["quarter"] = _quarter_col(o["close_date"])
    o["won"] = (o["status"] == "won").astype(int)
    o["days"] = (o["close_date"] - pd.to_datetime(o["created_date"])).dt.days.astype("float64")
    o["won_days"] = o["days"].where(o["won"] == 1)
    g = o.groupby(["rep_id", "quarter"], observed=True)
    out = g.agg(n_won=("won", "sum"), n_deals=("won", "size"), mean_cycle_days=("days", "mean"),
                cycle_var=("days", "var"), median_cycle_days=("won_days", "median")).reset_index()
    out["n_lost"] = out["n_deals"] - out["n_won"]
    out["win_rate"] = out["n_won"] / out["n_deals"]
    return out


def data_end(opportunities: pd.DataFrame) -> pd.Timestamp:
    """The last date the opportunities table knows about (latest created or close date)."""
    dates = [pd.to_datetime(opportunities[c]).max() for c in ("created_date", "close_date") if c in opportunities]
    dates = [d for d in dates if pd.notna(d)]
    return max(dates) if dates else pd.NaT


def lag_observable(target_quarter: str, end: pd.Timestamp, outcomes: pd.DataFrame, *, slack_days: int = 14) -> tuple[bool, str]:
    """Whether the deals closed in ``target_quarter`` are all in the data; else the reason (never extrapolate)."""
    q_start, q_end = _config.quarter_bounds(target_quarter)
    n_closed = int(outcomes.loc[outcomes["quarter"] == target_quarter, "n_deals"].sum()) if len(outcomes) else 0
    if pd.isna(end) or q_start > end or n_closed == 0:
        return False, f"not yet observable: {target_quarter} has no closed deals yet"
    if end < q_end - pd.Timedelta(days=slack_days):
        return False, f"not yet observable: {target_quarter} is not complete (data end {end.date()})"
    return True, "ok"


POINT_COLUMNS = ["rep_id", "behavior", "lag_quarters", "q_e", "target_quarter", "score_before", "score_after",
                 "behavior_change", "win_rate_before", "win_rate_after", "win_rate_change", "n_won_before",
                 "n_won_after", "n_deals_before", "n_deals_after", "cycle_days_before", "cycle_days_after",
                 "cycle_change", "cycle_var_before", "cycle_var_after"]


@dataclass(frozen=True)
class Points:
    """Tidy rep points (``frame``: :data:`POINT_COLUMNS`) and, per lag, who is not observable yet."""

    frame: pd.DataFrame
    lag_status: pd.DataFrame  # lag_quarters, target_quarter, n_not_yet, n_no_before, status, observable_from


def rep_points(weekly: pd.DataFrame, episodes: pd.DataFrame, opportunities: pd.DataFrame, *, quarter: str,
               lags: tuple[int, ...] = (0, 1, 2), cohort: str = "to_date", min_weeks: int = 3) -> Points:
    """One point per coached rep and lag (see the module docstring), from the tidy 01/02 frames.

    ``weekly``: rep_id, week, behavior, mean_score; ``episodes``: rep_id, behavior, first_session_date;
    ``opportunities``: rep_id, created_date, close_date, status. ``cohort="to_date"`` uses every episode
    that started by the end of ``quarter``, ``"quarter"`` only those that started in it. A quarter-mean
    score needs ``min_weeks`` scored weeks. A rep whose Q_e + lag is not complete is left out of that
    lag (``n_not_yet``); a rep whose Q_e - 1 has no closed deals in the data at all, too (``n_no_before``).
    """
    q_start, q_end = _config.quarter_bounds(quarter)
    eps = episodes[pd.to_datetime(episodes["first_session_date"]) < q_end]
    if cohort == "quarter":
        eps = eps[pd.to_datetime(eps["first_session_date"]) >= q_start]
    eps = eps.sort_values(["rep_id", "first_session_date"]).drop_duplicates("rep_id", keep="first").copy()
    eps["q_e"] = eps["first_session_date"].map(quarter_of)
    eps["q_before"] = eps["q_e"].map(lambda x: _config.quarter_label(x, -1))
    w = weekly[pd.to_datetime(weekly["week"]) < q_end]
    qb = rep_quarter_behavior(w.assign(week=pd.to_datetime(w["week"])))
    qb = qb[qb["n_weeks"] >= min_weeks].set_index(["rep_id", "behavior", "quarter"])["quarter_score"]
    eps["score_before"] = [qb.get((r, b, x), np.nan) for r, b, x in zip(eps["rep_id"], eps["behavior"], eps["q_before"], strict=True)]
    eps["score_after"] = [qb.get((r, b, x), np.nan) for r, b, x in zip(eps["rep_id"], eps["behavior"], eps["q_e"], strict=True)]
    eps["behavior_change"] = eps["score_after"] - eps["score_before"]
    eps = eps.dropna(subset=["behavior_change"])  # reps without scores on the behavior (e.g. SDRs) cannot enter
    outc = rep_quarter_outcomes(opportunities)
    oi = outc.set_index(["rep_id", "quarter"])
    end = data_end(opportunities)
    seen: dict[str, tuple[bool, str]] = {}

    def obs(qq: str) -> tuple[bool, str]:
        if qq not in seen:
            seen[qq] = lag_observable(qq, end, outc)
        return seen[qq]

    def col(reps: pd.Series, qs: pd.Series, c: str) -> list[float]:
        return [float(oi.at[(r, x), c]) if (r, x) in oi.index else np.nan for r, x in zip(reps, qs, strict=True)]

    parts, status = [], []
    for lag in lags:
        p = eps.assign(lag_quarters=int(lag), target_quarter=eps["q_e"].map(lambda x, lag=lag: _config.quarter_label(x, lag)))
        has_before = p["q_before"].map(lambda x: obs(x)[0]).astype(bool)
        ok = p["target_quarter"].map(lambda x: obs(x)[0]).astype(bool) & has_before
        waiting = sorted(set(p.loc[has_before & ~ok, "target_quarter"]))
        why = obs(waiting[0])[1] if waiting else "ok"
        status.append(dict(lag_quarters=int(lag), target_quarter=_config.quarter_label(quarter, lag),
                           n_not_yet=int((has_before & ~ok).sum()), n_no_before=int((~has_before).sum()),
                           status=why, observable_from=waiting[0] if waiting else None))
        p = p[ok].copy()
        for side, qcol in (("before", "q_before"), ("after", "target_quarter")):
            p[f"win_rate_{side}"] = col(p["rep_id"], p[qcol], "win_rate")
            p[f"n_won_{side}"] = np.nan_to_num(col(p["rep_id"], p[qcol], "n_won")).astype(int)
            p[f"n_deals_{side}"] = np.nan_to_num(col(p["rep_id"], p[qcol], "n_deals")).astype(int)
            p[f"cycle_days_{side}"] = col(p["rep_id"], p[qcol], "mean_cycle_days")
            p[f"cycle_var_{side}"] = col(p["rep_id"], p[qcol], "cycle_var")
        p["win_rate_change"] = p["win_rate_after"] - p["win_rate_before"]
        p["cycle_change"] = p["cycle_days_before"] - p["cycle_days_after"]
        parts.append(p)
    frame = pd.concat(parts, ignore_index=True)[POINT_COLUMNS] if parts else pd.DataFrame(columns=POINT_COLUMNS)
    return Points(frame, pd.DataFrame(status, columns=["lag_quarters", "target_quarter", "n_not_yet", "n_no_before",
                                                       "status", "observable_from"]))


def sampling_var(points: pd.DataFrame, outcome: str) -> np.ndarray:
    """The sampling variance of each rep's outcome change from its deal counts (pooled spread)."""
    nb = points["n_deals_before"].to_numpy(float)
    na = points["n_deals_after"].to_numpy(float)
    inv_n = 1.0 / np.maximum(nb, 1) + 1.0 / np.maximum(na, 1)
    if outcome == "win_rate":
        won = points["n_won_before"].to_numpy(float) + points["n_won_after"].to_numpy(float)
        p = float(won.sum() / max((nb + na).sum(), 1.0))
        return max(p * (1 - p), 0.01) * inv_n
    v = np.concatenate([points["cycle_var_before"].to_numpy(float), points["cycle_var_after"].to_numpy(float)])
    n = np.concatenate([nb, na])
    ok = np.isfinite(v) & (n >= 2)
    s2 = float(np.sum(v[ok] * (n[ok] - 1)) / max(np.sum(n[ok] - 1), 1.0)) if ok.any() else 1.0
    return s2 * inv_n


# ------------------------------------------------------------------------------------ the fit
@dataclass(frozen=True)
class LinkFit:
    """One weighted slope with its HC2 / Bell-McCaffrey t interval and p-value (same procedure)."""

    value: float
    ci_low: float
    ci_high: float
    se: float
    df: float
    p_value: float
    n: int
    intercept: float = float("nan")
    tau2: float = float("nan")


_NAN_FIT = dict(value=np.nan, ci_low=np.nan, ci_high=np.nan, se=np.nan, df=np.nan, p_value=np.nan)


def _wls(x: np.ndarray, y: np.ndarray, svar: np.ndarray | None) -> dict[str, Any]:
    """Weighted fit with an intercept: weights 1 / (svar + tau²); returns what the interval and the
    wild bootstrap need (beta, per-point slope coefficients ``c`` with slope = c @ y, residuals, leverages)."""
    n = len(x)
    X = np.column_stack([np.ones(n), x])
    b_ols = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ b_ols
    tau2 = max(0.0, float(r @ r) / (n - 2) - float(svar.mean())) if svar is not None else 0.0
    w = 1.0 / np.maximum(svar + tau2, 1e-12) if svar is not None else np.ones(n)
    sw = np.sqrt(w / w.mean())
    Xs = X * sw[:, None]
    bread = np.linalg.inv(Xs.T @ Xs)
    a = Xs @ bread[:, 1]  # slope = a @ (sw * y)
    beta = bread @ Xs.T @ (y * sw)
    h = np.einsum("ij,jk,ik->i", Xs, bread, Xs)
    return dict(beta=beta, a=a, sw=sw, Xs=Xs, bread=bread, resid=y - X @ beta, h=h, tau2=tau2, c=a * sw)


def fit_link(x: np.ndarray, y: np.ndarray, svar: np.ndarray | None = None, *, level: float = 0.95) -> LinkFit:
    """Slope of ``y`` on ``x`` (with an intercept), weighted 1 / (``svar`` + tau²), HC2 / Bell-McCaffrey t.

    ``svar`` is each point's sampling variance (None: equal weights, plain OLS). tau² is the
    between-point variance beyond it, by moments from the unweighted fit. Returns NaNs when fewer
    than :data:`MIN_FIT_REPS` points or no spread in ``x``.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    sv = np.zeros_like(x) if svar is None else np.asarray(svar, float)
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(sv)
    x, y, sv = x[keep], y[keep], sv[keep]
    n = len(x)
    if n < MIN_FIT_REPS or np.ptp(x) <= 1e-9:
        return LinkFit(**_NAN_FIT, n=n)
    m = _wls(x, y, sv if svar is not None else None)
    a, h = m["a"], m["h"]
    e = m["resid"] * m["sw"]
    one_minus_h = np.clip(1.0 - h, 1e-8, None)
    se = math.sqrt(float(np.sum(a ** 2 * e ** 2 / one_minus_h)))
    # Bell-McCaffrey degrees of freedom for the HC2 variance (Imbens & Kolesar 2016)
    M = np.eye(n) - m["Xs"] @ m["bread"] @ m["Xs"].T
    G = M * (a / np.sqrt(one_minus_h))[None, :]
    GtG = G.T @ G
    df = float(np.trace(GtG) ** 2 / max(np.trace(GtG @ GtG), 1e-300))
    b, b0, tau2 = float(m["beta"][1]), float(m["beta"][0]), float(m["tau2"])
    if not se > 0:
        return LinkFit(b, b, b, 0.0, df, 0.0 if b else 1.0, n, b0, tau2)
    q = float(st.t.ppf(0.5 + level / 2, df))
    p = float(2 * st.t.sf(abs(b) / se, df))
    return LinkFit(b, b - q * se, b + q * se, se, df, p, n, b0, tau2)


def wild_slope_draws(x: np.ndarray, y: np.ndarray, svar: np.ndarray | None, weights: np.ndarray) -> np.ndarray:
    """Slope draws of a wild bootstrap: each point's HC2-scaled residual times its weight (``weights``:
    draws x points, e.g. Webb's six-point weights), refitted with the same regression weights."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    m = _wls(x, y, None if svar is None else np.asarray(svar, float))
    scaled = m["resid"] / np.sqrt(np.clip(1.0 - m["h"], 1e-8, None))
    return float(m["beta"][1]) + np.asarray(weights, float) @ (m["c"] * scaled)


def link_table(points: Points, *, level: float = 0.95) -> pd.DataFrame:
    """Fit every (outcome, lag): outcome, lag_quarters, target_quarter, value, ci_low, ci_high, se, df,
    p_value, n, n_not_yet, n_no_before, status, observable_from."""
    rows = []
    for outcome, spec in OUTCOMES.items():
        for s in points.lag_status.itertuples(index=False):
            p = points.frame[points.frame["lag_quarters"] == s.lag_quarters].dropna(subset=["behavior_change", spec["y"]])
            base = dict(outcome=outcome, lag_quarters=s.lag_quarters, target_quarter=s.target_quarter, n=len(p),
                        n_not_yet=s.n_not_yet, n_no_before=s.n_no_before, observable_from=s.observable_from)
            if len(p) == 0 and s.n_not_yet:
                rows.append({**base, **_NAN_FIT, "status": s.status})
                continue
            f = fit_link(p["behavior_change"].to_numpy(float), p[spec["y"]].to_numpy(float), sampling_var(p, outcome),
                         level=level)
            if np.isfinite(f.value):
                status = "ok"
            elif len(p) >= MIN_FIT_REPS:
                status = "skipped: the coached reps' behavior changes are all the same, so no slope can be fitted"
            else:
                status = (f"skipped: only {len(p)} coached rep(s) with scores and closed deals before and after "
                          f"(need {MIN_FIT_REPS} to fit a slope)")
            rows.append({**base, "value": f.value, "ci_low": f.ci_low, "ci_high": f.ci_high, "se": f.se, "df": f.df,
                         "p_value": f.p_value, "status": status})
    cols = ["outcome", "lag_quarters", "target_quarter", "value", "ci_low", "ci_high", "se", "df", "p_value", "n",
            "n_not_yet", "n_no_before", "status", "observable_from"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------------- the result
@dataclass
class OutcomeLinkResult:
    """Layer 3: ``table`` (one row per outcome and lag), ``points`` (rep points for the scatter)."""

    table: pd.DataFrame
    points: pd.DataFrame
    level: float
    min_reps: int
    quarter: str = ""
    policy: verdict.Policy = field(default_factory=verdict.Policy)
    design: str = (
        "One point per coached rep (its first coaching episode): behavior change = the rep's average weekly score "
        "on the coached behavior in the quarter coaching started minus the quarter before; outcome change = win "
        "rate (or average days to close) of deals closed `lag` quarters after the coaching quarter minus the "
        "quarter before it. The slope is fitted across coached reps, each weighted by how many deals its win "
        "rates rest on, with an intercept (drift every coached rep shares is not credited to behavior); "
        "interval and p-value: robust (HC2) standard error with small-sample t degrees of freedom."
    )

    def status_sentences(self) -> list[str]:
        """The lags that have no number yet, and why (win-rate rows; the cycle rows share the lags)."""
        out = []
        for r in self.table[self.table["outcome"] == "win_rate"].itertuples():
            if r.status != "ok":
                out.append(f"Lag {r.lag_quarters}: {r.status}.")
            elif r.n_not_yet:
                out.append(f"Lag {r.lag_quarters}: {r.n_not_yet} more coached rep(s) are not yet observable "
                           f"(their quarter {r.lag_quarters} after coaching is not complete in the data).")
        return out

    def primary(self, outcome: str = "win_rate") -> pd.Series | None:
        """The row written to findings: the smallest lag >= 1 with a number (lag 0 is never the finding)."""
        t = self.table[(self.table["outcome"] == outcome) & (self.table["status"] == "ok") & (self.table["lag_quarters"] >= 1)]
        return t.sort_values("lag_quarters").iloc[0] if len(t) else None

    def estimates(self) -> dict[str, dict]:
        """``win_rate_change_per_point::all`` and ``cycle_change_per_point::all`` (extras lag_quarters,
        target_quarter, p_value, method; ``observable_from`` when the lag is not observable yet)."""
        out: dict[str, dict] = {}
        for outcome, spec in OUTCOMES.items():
            t = self.table[self.table["outcome"] == outcome]
            if not len(t):
                continue
            r = self.primary(outcome)
            eid = spec["id"]
            if r is None:
                lagged = t[t["lag_quarters"] >= 1].sort_values("lag_quarters")
                first = lagged.iloc[0] if len(lagged) else t.iloc[0]
                extra = {"observable_from": first["observable_from"]} if first["observable_from"] else {}
                out[eid] = verdict.make(eid, value=None, ci_low=None, ci_high=None, n=int(first["n"]),
                                        n_unit="coached reps", unit=spec["unit"], policy=self.policy,
                                        why=str(first["status"]).removeprefix("skipped: "),
                                        lag_quarters=int(first["lag_quarters"]), target_quarter=str(first["target_quarter"]),
                                        **extra)
                continue
            out[eid] = verdict.make(
                eid, value=r["value"], ci_low=r["ci_low"], ci_high=r["ci_high"], n=int(r["n"]), n_unit="coached reps",
                unit=spec["unit"], policy=self.policy, df=float(r["df"]), lag_quarters=int(r["lag_quarters"]),
                target_quarter=str(r["target_quarter"]), p_value=float(r["p_value"]),
                method="weighted slope, HC2 robust SE, Bell-McCaffrey t")
        return out


def outcome_link(weekly: pd.DataFrame, episodes: pd.DataFrame, opportunities: pd.DataFrame, *,
                 cfg: Config | None = None, quarter: str | None = None, lags: tuple[int, ...] | None = None,
                 cohort: str = "to_date", level: float | None = None, min_weeks: int = 3,
                 **_ignored: Any) -> OutcomeLinkResult:
    """Relate each coached rep's behavior change to its win-rate and deal-cycle change 0, 1, 2 quarters later.

    With ``cfg``: the quarter, ``analysis.lag_quarters`` (lag 0 is always added as a same-quarter
    reference, never the finding) and the confidence level come from the params. ``n_boot``/``seed``
    of the former bootstrap are accepted and ignored (the interval is analytic now).
    """
    a = cfg.analysis if cfg is not None else _config.Analysis()
    q = quarter or (cfg.quarter if cfg is not None else None)
    if q is None:
        raise ValueError("outcome_link needs cfg or quarter")
    lv = float(level if level is not None else a.confidence_level)
    lg = tuple(sorted({0, *(lags if lags is not None else a.lag_quarters)}))
    pts = rep_points(weekly, episodes, opportunities, quarter=q, lags=lg, cohort=cohort, min_weeks=min_weeks)
    policy = verdict.Policy.from_config(cfg) if cfg is not None else verdict.Policy(level=lv)
    return OutcomeLinkResult(link_table(pts, level=lv), pts.frame, lv, a.min_reps_per_group, quarter=q, policy=policy)
