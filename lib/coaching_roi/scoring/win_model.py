"""The win model of notebook 02: do discovery-call behavior scores tell won deals from lost ones?

* :func:`win_model_frame`, :func:`win_model_inputs` — closed deals with a scored discovery call, their
  rep, the usable behaviors, and why the model cannot be fitted when it cannot.
* :func:`fit_win_model` — L2 logistic regression tested on folds grouped by rep (a rep's deals are
  never in training and test at once); AUC over the won/lost pairs held out together, with a
  rep-cluster bootstrap interval widened for the folds' shared training data.
* :func:`rep_pair_wins`, :func:`cluster_bootstrap_auc` — the vectorised bootstrap: the AUC of a rep
  resample is a quadratic form in how often each rep was drawn.
* :func:`auc_estimate` — the ``behavior_auc`` estimate of findings.json.
* :func:`simulate_deals` — synthetic deals with a known answer, for the calibration tests.

Its table and sentences are in ``win_model_report``.

The method, its measured false-positive rate and its limits: docs/METHODS.md, "Win model (behavior_auc)".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as _st

from coaching_roi import bootstrap
from coaching_roi.errors import WorkbookError
from coaching_roi.verdict import level_text

NO_SCORES = "no scored calls"

NO_OPPORTUNITIES = "no opportunities table"

MIN_REPS = 5  # fewer reps than this: no win model (a rep-level interval needs reps to resample)


# ------------------------------------------------------------------------------------ inputs
def win_model_frame(
    opportunities: pd.DataFrame, opp_scores: pd.DataFrame, *, behaviors: list[str], end: pd.Timestamp | None = None,
    min_share: float = 0.5,
) -> tuple[pd.DataFrame, list[str]]:
    """Closed (won/lost) deals with a scored discovery call, and the behaviors usable as features.

    Deals closed on or after ``end`` are left out (the model never sees the future of the
    analysed quarter). A behavior is a feature when it is scored on at least ``min_share`` of the
    deals; its missing values are imputed inside the model. Returns ``(frame, features)`` where the
    frame has ``opportunity_id, rep_id, won`` (0/1) and the feature columns; ``rep_id`` is the rep on
    the discovery call (the unit the folds and the interval are grouped by).
    """
    o = opportunities[opportunities["status"].isin(["won", "lost"])]
    if end is not None and "close_date" in o.columns:
        cd = pd.to_datetime(o["close_date"])
        o = o[cd.isna() | (cd < end)]
    present = [b for b in behaviors if b in opp_scores.columns]
    d = o[["opportunity_id", "status"]].merge(opp_scores[["opportunity_id", "rep_id", *present]], on="opportunity_id", how="inner")
    d = d[d[present].notna().any(axis=1) & d["rep_id"].notna()] if present else d.iloc[0:0]
    feats = [b for b in present if len(d) and d[b].notna().mean() >= min_share]
    d = d.assign(won=(d["status"] == "won").astype("int64")).drop(columns="status")
    return d[["opportunity_id", "rep_id", "won", *feats]].reset_index(drop=True), feats


def win_model_inputs(
    opportunities: pd.DataFrame | None,
    opp_scores: pd.DataFrame | None,
    *,
    behaviors: list[str],
    end: pd.Timestamp,
    min_deals: int,
    min_reps: int = MIN_REPS,
) -> tuple[pd.DataFrame | None, list[str], str | None]:
    """Deals and features for the win model, and why it cannot be fitted (None when it can).

    ``opp_scores`` is None when there are no scored calls. The model needs ``min_deals`` closed
    deals with a scored discovery call, five of each outcome, at least one usable behavior, and the
    deals of at least ``min_reps`` reps (the folds and the interval are built from reps).
    """
    if opp_scores is None:
        return None, [], NO_SCORES
    if opportunities is None:
        return None, [], NO_OPPORTUNITIES
    frame, features = win_model_frame(opportunities, opp_scores, behaviors=behaviors, end=end)
    n_deals = len(frame)
    n_won = int(frame["won"].sum()) if n_deals else 0
    if n_deals < min_deals or min(n_won, n_deals - n_won) < 5 or not features:
        return frame, features, (f"only {n_deals} closed deals with a scored discovery call ({n_won} won); "
                                 f"the model needs at least {min_deals} and five of each outcome")
    n_reps = int(frame["rep_id"].nunique())
    if n_reps < min_reps:
        return frame, features, (f"the {n_deals} closed deals with a scored discovery call belong to only {n_reps} "
                                 f"rep{'s' if n_reps != 1 else ''}; the model is tested on reps it did not see, so it "
                                 f"needs the deals of at least {min_reps} reps")
    return frame, features, None


# ------------------------------------------------------------------------------------ AUC machinery
def _fast_auc(y: np.ndarray, score: np.ndarray) -> np.ndarray:
    """ROC AUC (Mann–Whitney, ties half) of each row of ``score`` (2-D) against labels ``y``."""
    y = np.asarray(y).astype(bool)
    m, n = int(y.sum()), int((~y).sum())
    ranks = _st.rankdata(score, axis=-1)
    return (ranks[..., y].sum(axis=-1) - m * (m + 1) / 2) / (m * n)


def rep_pair_wins(y: np.ndarray, score: np.ndarray, groups: np.ndarray, n_groups: int, *,
                  max_cells: int = 1_000_000) -> np.ndarray:
    """``C[r, s]`` = over won deals of rep ``r`` and lost deals of rep ``s``: 1 when the won deal scores
    higher, ½ when tied. ``C.sum() / (n_won * n_lost)`` is the AUC.

    Cost O(min(n_won, n_lost) × reps): for a block of reps at a time, the cumulative counts per rep of
    the larger class's sorted scores are read at each deal of the smaller class (one sparse product;
    ``max_cells`` bounds the block's table).
    """
    from scipy import sparse

    y = np.asarray(y).astype(bool)
    score, groups = np.asarray(score, dtype=float), np.asarray(groups)
    rows_are_won = y.sum() <= (~y).sum()
    row_mask = y if rows_are_won else ~y
    rs, rg = score[row_mask], groups[row_mask]
    cs, cg = score[~row_mask], groups[~row_mask]
    out = np.zeros((n_groups, n_groups))
    if len(rs) == 0 or len(cs) == 0:
        return out
    per_rep = len(cs) / n_groups
    block = int(max(1, min(n_groups, np.sqrt(max_cells / max(per_rep, 1.0)))))
    for g0 in range(0, n_groups, block):
        sel = (cg >= g0) & (cg < g0 + block)
        if not sel.any():
            continue
        o = np.argsort(cs[sel], kind="stable")
        bs, bg = cs[sel][o], cg[sel][o] - g0
        width = min(block, n_groups - g0)
        cum = np.zeros((len(bs) + 1, width))
        cum[np.arange(1, len(bs) + 1), bg] = 1.0
        np.cumsum(cum, axis=0, out=cum)  # cum[t, s]: deals of rep g0+s among the t lowest of the block
        below = np.searchsorted(bs, rs, side="left")  # block deals scoring strictly lower ...
        upto = np.searchsorted(bs, rs, side="right")  # ... lower or tied: ties count half
        pick = sparse.csr_matrix((np.full(2 * len(rs), 0.5), (np.concatenate([rg, rg]), np.concatenate([below, upto]))),
                                 shape=(n_groups, len(bs) + 1))
        out[:, g0:g0 + width] = pick @ cum
    if rows_are_won:
        return out
    # rows were the lost deals: "lost deal higher" counts -> won-higher counts, transposed to [won rep, lost rep]
    n_rows = np.bincount(groups[~y], minlength=n_groups).astype(float)
    n_cols = np.bincount(groups[y], minlength=n_groups).astype(float)
    return (np.outer(n_rows, n_cols) - out).T


def cluster_bootstrap_auc(pair_wins: np.ndarray, n_won: np.ndarray, n_lost: np.ndarray, folds: np.ndarray, *,
                          n_boot: int, rng: np.random.Generator, chunk: int = 250) -> np.ndarray:
    """Held-out AUCs of ``n_boot`` resamples of reps with replacement (a drawn rep brings all its deals).

    ``pair_wins`` sums :func:`rep_pair_wins` over the held-out folds of every repeat (pairs of deals in
    one fold only); ``folds[r, g]`` is the fold that held rep ``g`` out in repeat ``r`` (-1 when that
    fold was left out). With ``w`` the number of times each rep is drawn, the resample's AUC is ``w·C·w``
    over the sum, across repeats and folds, of (won deals drawn in the fold) × (lost deals drawn in the
    fold) — exactly the AUC recomputed on the stacked copies, in a few matrix products per chunk of
    resamples. Resamples without a comparable pair are nan.
    """
    g = len(n_won)
    out = np.empty(n_boot)
    k = int(folds.max()) + 1
    # reps x (repeat, fold) membership; a rep of a left-out fold (-1) belongs to none
    member = (folds.T[:, :, None] == np.arange(k)).reshape(g, -1).astype(float)
    for b0 in range(0, n_boot, chunk):
        b = min(chunk, n_boot - b0)
        draws = bootstrap.resample(g, b, rng)
        w = np.bincount((draws + g * np.arange(b)[:, None]).ravel(), minlength=b * g).reshape(b, g).astype(float)
        num = np.einsum("bg,bg->b", w @ pair_wins, w)
        wp, wn = w * n_won, w * n_lost
        den = np.einsum("bf,bf->b", wp @ member, wn @ member)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[b0:b0 + b] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def _permutation_importance(model, X: np.ndarray, y: np.ndarray, n_repeats: int, rng: np.random.Generator) -> np.ndarray:
    """Mean drop in AUC when each column is shuffled (model = imputer/scaler/logistic pipeline).

    The preprocessing works column by column, so shuffling a transformed column equals shuffling
    the raw one; the linear decision function then updates in one product (fast, same result as
    ``sklearn.inspection.permutation_importance`` with ``scoring="roc_auc"``).
    """
    Z = model[:-1].transform(X)
    coef = model[-1].coef_[0]
    base = Z @ coef
    base_auc = _fast_auc(y, base[None, :])[0]
    out = np.empty(Z.shape[1])
    for j in range(Z.shape[1]):
        perms = np.array([rng.permutation(len(y)) for _ in range(n_repeats)])
        shuffled = base[None, :] + (Z[perms, j] - Z[None, :, j]) * coef[j]
        out[j] = base_auc - _fast_auc(y, shuffled).mean()
    return out


def nadeau_bengio_factor(k: int) -> float:
    """How much wider a held-out interval must be because the ``k`` folds' models share training data.

    Resampling reps with the held-out scores kept treats the ``k`` folds as if each had been scored by
    a model trained on independent data; it misses the covariance between folds. Nadeau & Bengio's
    correction of the variance, (1/k + n_test/n_train) instead of 1/k with n_test/n_train = 1/(k-1),
    widens the interval by sqrt(1 + k/(k-1)) (1.5 for 5 folds). The calibration check in
    docs/METHODS.md measured 1.4-1.55 for this ratio on data with no behavior effect.
    """
    return float(np.sqrt(1 + k / (k - 1)))


_level_text = level_text  # one way to write a confidence level (coaching_roi.verdict)


# ------------------------------------------------------------------------------------ the model
@dataclass(frozen=True)
class WinModelResult:
    """Cross-validated win model (folds grouped by rep): AUC with interval and fold spread, importance."""

    n_deals: int
    n_won: int
    n_lost: int
    n_reps: int
    features: tuple[str, ...]
    auc: float
    auc_sd: float  # spread of the fold AUCs (folds with both outcomes)
    ci_low: float
    ci_high: float
    fold_aucs: np.ndarray = field(repr=False)
    n_splits: int
    n_repeats: int
    importance: pd.DataFrame = field(repr=False)  # behavior, importance, ci_low, ci_high, coef_std, direction
    interval_method: str = ""


def fit_win_model(
    frame: pd.DataFrame,
    features: list[str],
    *,
    seed: int,
    n_splits: int = 5,
    n_repeats: int = 20,
    c: float = 1.0,
    level: float = 0.95,
    n_boot: int = 2000,
    n_importance_repeats: int = 5,
    importance_folds: int = 25,
    max_heldout_deals: int = 200_000,
) -> WinModelResult:
    """Fit an L2 logistic regression of won on behavior scores, tested on reps it did not see.

    Folds: ``StratifiedGroupKFold`` grouped by ``rep_id`` (all of a rep's deals in one fold, outcomes
    balanced across folds), ``n_repeats`` times with different seeded shuffles; fewer folds when there
    are fewer reps (or deals of one outcome) than ``n_splits``, and fewer repeats when ``n_repeats``
    passes over the deals would exceed ``max_heldout_deals`` (at least two; repeats only average out
    the luck of the fold assignment, which matters less the more deals there are). Point estimate: the held-out AUC over
    every pair of a won and a lost deal held out in the same fold, pooled over folds and repeats (the
    pair-weighted mean of the fold AUCs). Pairs across folds are not used: their two scores come from
    different models, one of which was trained on the other deal's rep. Interval: percentile interval of
    a rep-cluster bootstrap of those held-out pairs (``n_boot`` resamples of reps, scores kept; see
    :func:`cluster_bootstrap_auc`), widened around the estimate by :func:`nadeau_bengio_factor`.
    Spread: SD of the fold AUCs. Permutation importance (drop in held-out AUC when a behavior is
    shuffled among the held-out deals) comes from the first ``importance_folds`` folds with both
    outcomes; its interval is the percentile range across those folds. Features are median-imputed
    and standardised inside each fold. A fold whose training deals are all of one outcome, or whose
    held-out deals are, is left out.
    """
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = frame[features].to_numpy(dtype=float)
    y = frame["won"].to_numpy(dtype=int)
    groups, reps = pd.factorize(frame["rep_id"])
    if (groups < 0).any():
        raise WorkbookError("The win model needs the rep of every deal (rep_id is missing on some deals).")
    n_reps = len(reps)
    n_won, n_lost = int(y.sum()), int(len(y) - y.sum())
    k = int(min(n_splits, n_reps, n_won, n_lost))
    if k < 2:
        raise WorkbookError("The win model needs at least two won and two lost deals from at least two reps.")

    def model():
        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                             LogisticRegression(C=c, solver="newton-cholesky", max_iter=200))

    n_repeats = int(min(n_repeats, max(2, max_heldout_deals // max(len(y), 1))))
    ss = np.random.SeedSequence(seed)
    split_seeds = ss.spawn(n_repeats)
    rng = np.random.default_rng(ss.spawn(1)[0])
    folds = np.zeros((n_repeats, n_reps), dtype=int)
    pair_wins, n_pairs = np.zeros((n_reps, n_reps)), 0.0
    fold_aucs, imps = [], []
    for r in range(n_repeats):
        cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=int(split_seeds[r].generate_state(1)[0]))
        for f, (tr, te) in enumerate(cv.split(X, y, groups)):
            held = np.unique(groups[te])
            n_te_won = int(y[te].sum())
            if y[tr].min() == y[tr].max() or n_te_won in (0, len(te)):
                folds[r, held] = -1
                continue  # one outcome only in training (nothing learned) or in the test fold (no pair to rank)
            folds[r, held] = f
            m = model().fit(X[tr], y[tr])
            p = m.decision_function(X[te])
            local = np.searchsorted(held, groups[te])
            pair_wins[np.ix_(held, held)] += rep_pair_wins(y[te], p, local, len(held))
            n_pairs += n_te_won * (len(te) - n_te_won)
            fold_aucs.append(_fast_auc(y[te], p[None, :])[0])
            if len(imps) < importance_folds:
                imps.append(_permutation_importance(m, X[te], y[te], n_importance_repeats, rng))
    if n_pairs == 0:
        raise WorkbookError("The win model could not be tested: no held-out fold had both won and lost deals.")
    auc = float(pair_wins.sum() / n_pairs)
    won_per_rep = np.bincount(groups[y == 1], minlength=n_reps).astype(float)
    lost_per_rep = np.bincount(groups[y == 0], minlength=n_reps).astype(float)
    boot = cluster_bootstrap_auc(pair_wins, won_per_rep, lost_per_rep, folds, n_boot=n_boot, rng=rng)
    a = (1 - level) / 2
    pct = bootstrap.percentile(boot, level)
    widen = nadeau_bengio_factor(k)
    ci_low, ci_high = float("nan"), float("nan")
    if pct.reason is None:
        ci_low, ci_high = float(max(0.0, auc - widen * (auc - pct.low))), float(min(1.0, auc + widen * (pct.high - auc)))
    full = model().fit(X, y)
    coefs = full[-1].coef_[0]
    imps = np.array(imps) if imps else np.full((1, len(features)), np.nan)
    importance = pd.DataFrame(
        {
            "behavior": features,
            "importance": imps.mean(axis=0),
            "ci_low": np.quantile(imps, a, axis=0),
            "ci_high": np.quantile(imps, 1 - a, axis=0),
            "coef_std": coefs,
            "direction": np.where(coefs >= 0, "higher score, more wins", "higher score, fewer wins"),
        }
    ).sort_values("importance", ascending=False, ignore_index=True)
    fold_aucs = np.array(fold_aucs)
    return WinModelResult(
        n_deals=int(len(y)), n_won=n_won, n_lost=n_lost, n_reps=n_reps, features=tuple(features), auc=auc,
        auc_sd=float(np.std(fold_aucs, ddof=1)) if len(fold_aucs) > 1 else float("nan"),
        ci_low=ci_low, ci_high=ci_high, fold_aucs=fold_aucs, n_splits=k, n_repeats=n_repeats,
        importance=importance,
        interval_method=(f"{_level_text(level)} percentile interval from {n_boot:,} bootstrap resamples of the "
                         f"{n_reps:,} reps (a drawn rep brings all its deals) of the held-out predictions of "
                         f"{n_repeats} repeats of {k}-fold cross-validation that keeps each rep's deals in one fold, "
                         f"widened {widen:.2f}× because the folds' models share training data (Nadeau–Bengio)"),
    )


# ------------------------------------------------------------------------------------ calibration data
def simulate_deals(seed: int, *, n_reps: int = 30, deals_per_rep: float = 40.0, n_behaviors: int = 6,
                   behavior_effect: float = 0.0, rep_win_sd: float = 1.0, rep_score_sd: float = 1.0,
                   base_win_rate: float = 0.3) -> tuple[pd.DataFrame, list[str]]:
    """Closed deals clustered in reps, for checking the win model's false-positive rate and power.

    Each rep has its own win propensity (logit shift ~ N(0, ``rep_win_sd``)) and its own level on every
    behavior (~ N(0, ``rep_score_sd``), independent of the win propensity); a deal's scores are the rep's
    levels plus N(0, 1.2) call-to-call noise. Win log-odds rise by ``behavior_effect`` per SD of the deal's
    first behavior score (0 = scores carry no information about wins beyond chance). Deals per rep are
    Poisson(``deals_per_rep``), at least 2. Returns ``(frame, features)`` shaped like :func:`win_model_frame`.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1207]))
    counts = np.maximum(rng.poisson(deals_per_rep, n_reps), 2)
    rep = np.repeat(np.arange(n_reps), counts)
    level = rng.normal(0.0, rep_score_sd, (n_reps, n_behaviors))
    x = 5.0 + level[rep] + rng.normal(0.0, 1.2, (len(rep), n_behaviors))
    sd0 = float(np.sqrt(rep_score_sd**2 + 1.2**2))
    logit = (np.log(base_win_rate / (1 - base_win_rate)) + rng.normal(0.0, rep_win_sd, n_reps)[rep]
             + behavior_effect * (x[:, 0] - 5.0) / sd0)
    won = (rng.random(len(rep)) < 1 / (1 + np.exp(-logit))).astype("int64")
    feats = [f"b{i}" for i in range(n_behaviors)]
    frame = pd.DataFrame(np.round(x, 1), columns=feats)
    frame.insert(0, "won", won)
    frame.insert(0, "rep_id", [f"R{r:04d}" for r in rep])
    frame.insert(0, "opportunity_id", [f"O{i:06d}" for i in range(len(rep))])
    return frame, feats


def auc_estimate(win: WinModelResult, *, policy) -> dict:
    """The ``behavior_auc`` entry of findings.json (compared with 0.5, a coin flip), with how it was made."""
    from coaching_roi import verdict

    return verdict.make(
        "behavior_auc", value=win.auc, ci_low=win.ci_low, ci_high=win.ci_high, n=win.n_deals, n_unit="deals",
        unit="auc", policy=policy, reference=0.5,
        note=(f"{win.n_won:,} of the {win.n_deals:,} closed deals of {win.n_reps:,} reps were won; the model was always tested "
              "on reps it had not seen. This is prediction, not proof that the behaviors cause wins."),
        auc_sd=win.auc_sd, n_won=win.n_won, n_lost=win.n_lost, n_reps=win.n_reps, n_splits=win.n_splits,
        n_repeats=win.n_repeats, interval_method=win.interval_method, features=list(win.features))
