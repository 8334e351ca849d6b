"""Layer 3 fit: the rep-level slope of outcome change on behavior change, and its findings.

The slope of y on x across coached reps (with an intercept, which absorbs drift every coached rep
shares) is fitted by weighted least squares, each rep weighted by the inverse of its y's variance:
sampling variance plus a between-rep variance tau² (method of moments). Interval and p-value come
from one procedure: HC2 robust standard error with Bell-McCaffrey degrees of freedom, t quantiles.
Measured calibration (:mod:`.outcome_sim`) and the reasoning are in docs/METHODS.md.

:func:`fit_link` fits one slope, :func:`link_table` every (outcome, lag), :func:`outcome_link` all of
it, returning an :class:`OutcomeLinkResult` whose ``estimates()`` are ``win_rate_change_per_point::all``
(fraction) and ``cycle_change_per_point::all`` (days). A lag not yet observable gets no number:
``too_few`` with ``why`` and ``observable_from`` — never extrapolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coaching_roi import config as _config
from coaching_roi import verdict
from coaching_roi.quantiles import t_ppf, t_sf

from .outcome_points import MIN_FIT_REPS, OUTCOMES, Points, rep_points, sampling_var

if TYPE_CHECKING:  # pragma: no cover
    from coaching_roi.config import Config


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
    q = t_ppf(0.5 + level / 2, df)
    p = 2 * t_sf(abs(b) / se, df)
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
