"""The stacked event-window difference-in-differences engine (layer 2; Cengiz et al. 2019, Wing et al. 2024).

* one sub-experiment per (behavior, episode start week); treated = reps whose episode on that
  behavior starts that week; clean controls = reps never coached on that behavior, plus reps
  coached on it later whose first session is after the sub-experiment's window ends (not yet
  treated). Already-coached reps are never controls.
* window: ``event_window_pre_weeks`` weeks before to ``event_window_post_weeks`` after the first
  session week, on the same calendar weeks for treated and controls.
* fixed effects: sub-experiment x rep and sub-experiment x calendar week (demeaned); regressors:
  treated x event-week dummies (reference week -1); standard errors clustered by rep
  (:mod:`.clustered`, CR2 by default), t quantiles with ``DF_RULE`` degrees of freedom.
* :func:`twfe_did` is plain two-way fixed effects, kept to show in the tests why it is not used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi.quantiles import norm_ppf, t_ppf

from .clustered import ols_cluster
from .episodes import _WEEK, select_episodes

DF_RULE = "treated"  # "treated": t(df = coached reps - 1, >= 2); "clusters": t(G - 1)

VCOV = "CR2"  # rep-clustered covariance: "CR2" (Bell-McCaffrey, few treated reps) or "CR1" (the usual one)


def _z_or_t(level: float, df: int | None = None) -> float:

    if df is not None and df > 0:
        return t_ppf(0.5 + level / 2, df)
    return norm_ppf(0.5 + level / 2)


def _codes(*cols: pd.Series) -> np.ndarray:
    """Integer codes of the combination of ``cols`` (0..k-1)."""
    frame = pd.concat([c.reset_index(drop=True) for c in cols], axis=1)
    return frame.groupby(list(frame.columns), sort=False, observed=True).ngroup().to_numpy()


def _demean(x: np.ndarray, groups: list[np.ndarray], *, tol: float = 1e-11, max_iter: int = 5000,
            overwrite: bool = False, block: int = 1 << 16) -> np.ndarray:
    """Project out several sets of fixed effects (alternating projections; exact for unbalanced panels).
    ``overwrite`` works in ``x`` itself when it is a float array (no copy).

    Each sweep subtracts, set by set, every column's group means. The sums per group are one sparse
    product (group x row indicator, rows in order) for all columns at once: the same additions in the
    same order as a ``np.bincount`` per column, so the same bits, without a pass over the rows per
    column (tests/test_fast_paths.py keeps the plain loop and compares the two).
    """
    from scipy import sparse

    x = np.array(x, dtype=float, copy=not overwrite)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    sets = []
    for g in groups:
        counts = np.bincount(g)
        member = sparse.csr_array((np.ones(n), (g, np.arange(n))), shape=(len(counts), n))
        sets.append((g, member, np.maximum(counts, 1)[:, None]))
    for _ in range(max_iter):
        biggest = 0.0
        for g, member, counts in sets:
            means = (member @ x) / counts
            for s in range(0, n, block):  # the means of each row's group, a block of rows at a time
                x[s:s + block] -= means[g[s:s + block]]
            # the largest step of this sweep, column by column as the plain loop takes it (a column with a
            # nan step adds nothing): every row of a group moves by its mean (an absent group's is 0)
            for v in (np.max(np.abs(means), axis=0) if n else ()):
                biggest = max(biggest, float(v))
        if biggest < tol:
            break
    return x


def _clearly_full_rank(X: np.ndarray) -> bool:
    """True when the pivoted QR of ``X`` would keep every column, known from the small Gram matrix.

    Every diagonal entry of a triangular R is at least its smallest singular value and at most its largest,
    so |R_kk| / max |R_ii| >= 1 / cond(X). With cond(X) below 1e6 (eigenvalues of X'X more than 1e-12 apart,
    far above their rounding) every pivot clears the QR's 1e-8 cut by a factor of 100: the QR, the costliest
    step of a large stacked panel, is only needed when columns come near collinear."""
    if X.shape[1] == 0:
        return True
    ev = np.linalg.eigvalsh(X.T @ X)
    return bool(ev[-1] > 0 and ev[0] > 1e-12 * ev[-1])


def stacked_panel(
    weekly: pd.DataFrame,
    episodes: pd.DataFrame,
    behavior: str,
    *,
    pre_weeks: int = 4,
    post_weeks: int = 8,
    episodes_from: pd.Timestamp | None = None,
    episodes_to: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Stack one sub-panel per episode start week: the cohort's reps plus clean controls, weeks -pre..+post.

    Clean controls for cohort g: reps with no episode on ``behavior`` at all, and reps whose own
    episode on it starts after g's window ends (not yet treated). Returns columns sub (the cohort's
    start week), behavior, rep_id, week, event_week, treated (bool), y (mean_score), n_calls.
    """
    eps_all = episodes[episodes["behavior"] == behavior]
    treated_eps = select_episodes(eps_all, episodes_from, episodes_to)
    w = weekly[weekly["behavior"] == behavior]
    if len(treated_eps) == 0 or len(w) == 0:
        return pd.DataFrame(columns=["sub", "behavior", "rep_id", "week", "event_week", "treated", "y", "n_calls"])
    start_of = eps_all.set_index("rep_id")["episode_week"]
    # reps as codes into their distinct ids (membership tested on ~reps values, not on every row per cohort)
    rep_code, rep_ids = pd.factorize(w["rep_id"], use_na_sentinel=False)
    never = ~rep_ids.isin(start_of.index)  # the same for every cohort: computed once
    weeks = w["week"].to_numpy()
    parts = []
    for g, cohort in treated_eps.groupby("episode_week", sort=True):
        lo, hi = g - pre_weeks * _WEEK, g + post_weeks * _WEEK
        treated = rep_ids.isin(cohort["rep_id"])
        later = rep_ids.isin(start_of[start_of > hi].index)
        in_window = (weeks >= lo.to_datetime64()) & (weeks <= hi.to_datetime64())
        rows = (treated | later | never)[rep_code] & in_window
        sub = w[rows]
        if len(sub) == 0:
            continue
        sub = sub.assign(
            sub=g,
            event_week=((sub["week"] - g) / _WEEK).round().astype("int64"),
            treated=treated[rep_code[rows]],
        )
        parts.append(sub)
    if not parts:
        return pd.DataFrame(columns=["sub", "behavior", "rep_id", "week", "event_week", "treated", "y", "n_calls"])
    out = pd.concat(parts, ignore_index=True).rename(columns={"mean_score": "y"})
    cols = ["sub", "behavior", "rep_id", "week", "event_week", "treated", "y"] + (["n_calls"] if "n_calls" in out else [])
    return out[cols]


@dataclass(frozen=True)
class EventStudyFit:
    """One stacked event-study regression: coefficients by event week and the derived DiD."""

    event_weeks: list[int]
    coef: np.ndarray
    cov: np.ndarray
    df_resid: int
    n_clusters: int
    did: float
    did_se: float
    pretrend: float
    pretrend_se: float


def fit_stacked(panel: pd.DataFrame, *, pre_weeks: int, post_weeks: int, sub_cols: tuple[str, ...] = ("sub",)) -> EventStudyFit | None:
    """Fit y ~ treated x event-week dummies + sub x rep + sub x week fixed effects, clustered by rep (CR2).

    The DiD is the mean of the post coefficients (weeks 0..post) minus the mean of the pre ones
    (weeks -pre..-1, week -1 = 0): each event week counts once. The pre-trend is the mean of the
    leads -pre..-2 (relative to week -1). Returns None when the design cannot be estimated.
    """
    if panel is None or len(panel) == 0 or not panel["treated"].any() or panel["treated"].all():
        return None
    weeks = [k for k in range(-pre_weeks, post_weeks + 1) if k != -1]
    tr = panel["treated"].to_numpy(bool)
    ev = panel["event_week"].to_numpy()
    present = np.array([bool((tr & (ev == k)).any()) for k in weeks])
    subs = [panel[c] for c in sub_cols]
    g_unit = _codes(*subs, panel["rep_id"])
    g_time = _codes(*subs, panel["week"])
    # y and the present treated × event-week dummies, built in place (no full dummy matrix and copies:
    # the stacked panel of a large team has millions of rows) and demeaned in place.
    Z = np.empty((len(panel), 1 + int(present.sum())))
    Z[:, 0] = panel["y"].to_numpy(float)
    for j, k in enumerate(np.array(weeks)[present]):
        Z[:, 1 + j] = tr & (ev == k)
    Z = _demean(Z, [g_unit, g_time], overwrite=True)
    yt, Xt = Z[:, 0], Z[:, 1:]
    keep = np.abs(Xt).max(axis=0) > 1e-9 if Xt.shape[1] else np.array([], bool)
    if not keep.any():
        return None
    # drop event weeks the fixed effects make collinear (e.g. a week only one cohort reaches)
    cols = np.flatnonzero(keep)
    if not _clearly_full_rank(Xt[:, cols]):
        from scipy.linalg import qr

        _, r_, piv = qr(Xt[:, cols], mode="economic", pivoting=True)
        diag = np.abs(np.diag(r_))
        rank = int((diag > 1e-8 * max(diag.max(), 1e-300)).sum())
        keep = np.zeros_like(keep)
        keep[cols[np.sort(piv[:rank])]] = True
    idx_present = np.flatnonzero(present)[keep]
    clusters = pd.factorize(panel["rep_id"])[0]
    n_clusters = int(clusters.max() + 1)
    if n_clusters < 3:
        return None
    params, vcov = ols_cluster(yt, Xt[:, keep], clusters, kind=VCOV)
    coef = np.full(len(weeks), np.nan)
    cov = np.full((len(weeks), len(weeks)), np.nan)
    coef[idx_present] = params
    cov[np.ix_(idx_present, idx_present)] = vcov

    def combo(w: np.ndarray) -> tuple[float, float]:
        m = w != 0
        if not m.any() or np.isnan(coef[m]).any():
            return float("nan"), float("nan")
        return float(w[m] @ coef[m]), float(math.sqrt(max(w[m] @ cov[np.ix_(m, m)] @ w[m], 0.0)))

    wk = np.array(weeks)
    post = wk >= 0
    lead = wk <= -2
    # present post weeks only (a week nobody reached is not averaged in)
    post_ok = post & ~np.isnan(coef)
    w_did = np.zeros(len(weeks))
    if post_ok.any():
        w_did[post_ok] = 1.0 / post_ok.sum()
    lead_ok = lead & ~np.isnan(coef)
    n_pre_weeks = lead_ok.sum() + 1  # week -1 is the reference (0)
    w_did[lead_ok] -= 1.0 / n_pre_weeks
    did, did_se = combo(w_did) if post_ok.any() else (float("nan"), float("nan"))
    w_pre = np.zeros(len(weeks))
    if lead_ok.any():
        w_pre[lead_ok] = 1.0 / lead_ok.sum()
    pre, pre_se = combo(w_pre) if lead_ok.any() else (float("nan"), float("nan"))
    return EventStudyFit(weeks, coef, cov, int(n_clusters - 1), n_clusters, did, did_se, pre, pre_se)


def twfe_did(panel: pd.DataFrame) -> float:
    """Plain two-way fixed-effects DiD (rep and week FE, one post-treatment dummy).

    Shown only to explain why it is not used: with staggered starts and effects that change over
    time it compares late cohorts with already-treated reps and is biased. ``panel`` holds rep_id,
    week, y and ``post`` (1 from a treated rep's first session on).
    """
    y = panel["y"] if "y" in panel else panel["mean_score"]
    Z = _demean(np.column_stack([y.to_numpy(float), panel["post"].to_numpy(float)]),
                [_codes(panel["rep_id"]), _codes(panel["week"])])
    return float((Z[:, 0] @ Z[:, 1]) / (Z[:, 1] @ Z[:, 1]))
