"""Scorer agreement on double-scored calls: weighted kappa, ICC(A,1), their table and sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import bootstrap, verdict
from coaching_roi.stats import fmt_interval

from .composite import _scorer_column


# ------------------------------------------------------------------------------------ agreement
def quadratic_kappa(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Quadratic-weighted Cohen's kappa of integer ratings, vectorised over leading axes.

    Equal to ``sklearn.metrics.cohen_kappa_score(a, b, weights="quadratic")`` on consecutive integer
    labels: 1 − mean((a−b)²) / (var(a) + var(b) + (mean(a) − mean(b))²), population variances.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    num = ((a - b) ** 2).mean(axis=-1)
    den = a.var(axis=-1) + b.var(axis=-1) + (a.mean(axis=-1) - b.mean(axis=-1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 1 - num / den, np.nan)


def icc_a1(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ICC(A,1) — two-way random effects, absolute agreement, single rater (k = 2), vectorised."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    n = a.shape[-1]
    x = np.stack([a, b], axis=-1)  # (..., n, 2)
    gm = x.mean(axis=(-2, -1), keepdims=True)
    rows = x.mean(axis=-1, keepdims=True)
    cols = x.mean(axis=-2, keepdims=True)
    ssr = 2 * ((rows - gm) ** 2).sum(axis=(-2, -1))
    ssc = n * ((cols - gm) ** 2).sum(axis=(-2, -1))
    sst = ((x - gm) ** 2).sum(axis=(-2, -1))
    sse = sst - ssr - ssc
    msr, msc, mse = ssr / (n - 1), ssc / 1, sse / (n - 1)
    den = msr + mse + 2 * (msc - mse) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (msr - mse) / den, np.nan)


_DEGENERATE = 1e-10  # a denominator below this share of the second moments is zero (no variation at all)


def bootstrap_draws(ra: np.ndarray, rb: np.ndarray, raw_a: np.ndarray, raw_b: np.ndarray, n_boot: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap draws of :func:`quadratic_kappa` (of ``ra, rb``), :func:`icc_a1` (of ``raw_a, raw_b``) and
    the mean of ``raw_b − raw_a``, resampling calls with :func:`bootstrap.resample`'s draws.

    All three are functions of sums (means, squares, cross products), so each resample needs only its
    column sums (:func:`bootstrap.resampled_sums`): memory stays bounded by a block of draws, not
    ``n_boot × n_calls`` per statistic. Values are centred first (the statistics do not depend on a
    shift) so the sums lose no precision; they equal the direct computation up to rounding (~1e-12).
    """
    n = len(ra)
    cr, c = np.mean(np.r_[ra, rb]), np.mean(np.r_[raw_a, raw_b])
    a, b, x, y = ra - cr, rb - cr, raw_a - c, raw_b - c
    cols = np.column_stack([a, b, a * a, b * b, (ra - rb) ** 2, x, y, x * x, y * y, x * y, raw_b - raw_a])
    s = bootstrap.resampled_sums(cols, n_boot, rng) / n
    ma, mb, va, vb = s[:, 0], s[:, 1], s[:, 2] - s[:, 0] ** 2, s[:, 3] - s[:, 1] ** 2
    den_k = va + vb + (ma - mb) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(den_k > _DEGENERATE * (1 + s[:, 2] + s[:, 3]), 1 - s[:, 4] / den_k, np.nan)
        mx, my = s[:, 5], s[:, 6]
        gm = (mx + my) / 2
        ssr = 2 * n * ((s[:, 7] + 2 * s[:, 9] + s[:, 8]) / 4 - gm**2)
        ssc = n * ((mx - gm) ** 2 + (my - gm) ** 2)
        sse = n * (s[:, 7] + s[:, 8] - 2 * gm**2) - ssr - ssc
        msr, mse = ssr / (n - 1), sse / (n - 1)
        den_i = msr + mse + 2 * (ssc - mse) / n
        icc = np.where(den_i > _DEGENERATE * (1 + s[:, 7] + s[:, 8]), (msr - mse) / den_i, np.nan)
    return kappa, icc, s[:, 10]


def paired_scores(call_scores: pd.DataFrame, scorer_a: str, scorer_b: str) -> pd.DataFrame:
    """Calls × behaviors scored by both scorers: ``call_id, behavior, score_a, score_b``."""
    s = call_scores[["call_id", "behavior", "score"]].copy()
    s["scorer"] = _scorer_column(call_scores)
    s = s[s["score"].notna()]
    # Only calls that both scorers scored can pair up: group those rows, not every scored row.
    ids = s["call_id"]
    both = pd.Index(ids[s["scorer"] == scorer_a].unique()).intersection(pd.Index(ids[s["scorer"] == scorer_b].unique()))
    s = s[ids.isin(both) & s["scorer"].isin([scorer_a, scorer_b])]
    m = s.groupby(["call_id", "behavior", "scorer"], observed=True)["score"].mean().reset_index()
    a = m[m["scorer"] == scorer_a].drop(columns="scorer").rename(columns={"score": "score_a"})
    b = m[m["scorer"] == scorer_b].drop(columns="scorer").rename(columns={"score": "score_b"})
    return a.merge(b, on=["call_id", "behavior"], how="inner")


def scorer_agreement(
    call_scores: pd.DataFrame,
    *,
    scorer_a: str,
    scorer_b: str,
    scale_min: float,
    scale_max: float,
    behaviors: list[str] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per-behavior agreement of two scorers on the calls both scored, with bootstrap intervals.

    Quadratic-weighted kappa on scores rounded to whole points (clipped to the scale), ICC(A,1) on
    the raw scores and the mean difference ``scorer_b − scorer_a``; intervals are percentile
    bootstraps resampling calls. Returns ``behavior, n_calls, kappa, kappa_low, kappa_high, icc,
    icc_low, icc_high, mean_diff, diff_low, diff_high``.
    """
    pairs = paired_scores(call_scores, scorer_a, scorer_b)
    order = behaviors or sorted(pairs["behavior"].unique())
    rng = np.random.default_rng(seed)
    rows = []
    for beh in order:
        p = pairs[pairs["behavior"] == beh]
        n = len(p)
        row = {"behavior": beh, "n_calls": n}
        if n < 2:
            rows.append(row | {k: np.nan for k in ("kappa", "kappa_low", "kappa_high", "icc", "icc_low",
                                                     "icc_high", "mean_diff", "diff_low", "diff_high")})
            continue
        raw_a, raw_b = p["score_a"].to_numpy(float), p["score_b"].to_numpy(float)
        ra = np.clip(np.rint(raw_a), scale_min, scale_max)
        rb = np.clip(np.rint(raw_b), scale_min, scale_max)
        row |= {"kappa": float(quadratic_kappa(ra, rb)), "icc": float(icc_a1(raw_a, raw_b)),
                "mean_diff": float((raw_b - raw_a).mean())}
        kappa_d, icc_d, diff_d = bootstrap_draws(ra, rb, raw_a, raw_b, n_boot, rng)
        row["kappa_low"], row["kappa_high"] = bootstrap.percentile(kappa_d, level).bounds
        row["icc_low"], row["icc_high"] = bootstrap.percentile(icc_d, level).bounds
        row["diff_low"], row["diff_high"] = bootstrap.percentile(diff_d, level).bounds
        rows.append(row)
    cols = ["behavior", "n_calls", "kappa", "kappa_low", "kappa_high", "icc", "icc_low", "icc_high",
            "mean_diff", "diff_low", "diff_high"]
    return pd.DataFrame(rows, columns=cols)


def kappa_band(k: float) -> str:
    """Conventional label of a weighted kappa (Landis & Koch bands)."""
    if not np.isfinite(k):
        return "not computable"
    if k < 0.2:
        return "poor"
    if k < 0.4:
        return "fair"
    if k < 0.6:
        return "moderate"
    if k < 0.8:
        return "substantial"
    return "almost perfect"


def describe_agreement(agr: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, min_calls: int = 30) -> str:
    """One reading of a scorer-agreement table: typical kappa, weakest behavior, systematic offsets."""
    ok = agr[agr["n_calls"] >= 2].dropna(subset=["kappa"])
    if ok.empty:
        return f"Too few calls scored by both {scorer_a} and {scorer_b} to measure agreement."
    med = float(ok["kappa"].median())
    worst = ok.loc[ok["kappa"].idxmin()]
    n_min = int(ok["n_calls"].min())
    scorer_a, scorer_b = scorer_name(scorer_a), scorer_name(scorer_b)
    s = (f"{scorer_b[0].upper() + scorer_b[1:]} and {scorer_a} scores agree {kappa_band(med)}ly on a typical behavior "
         f"(median weighted kappa {med:.2f} over {len(ok)} behaviors); the weakest agreement is on "
         f"{labels.get(worst['behavior'], worst['behavior'])} (kappa {worst['kappa']:.2f}, "
         f"CI {worst['kappa_low']:.2f} to {worst['kappa_high']:.2f}).")
    biased = ok[np.isin(verdict.sides(ok["diff_low"], ok["diff_high"]), ("positive", "negative"))]
    if len(biased):
        big = biased.loc[biased["mean_diff"].abs().idxmax()]
        size = "a small" if abs(big["mean_diff"]) < 0.5 else "a material"
        s += (f" On {len(biased)} behavior(s) {scorer_b} scores sit systematically above or below {scorer_a} scores — "
              f"{size} offset, largest on {labels.get(big['behavior'], big['behavior'])} "
              f"({big['mean_diff']:+.2f} points, CI {big['diff_low']:+.2f} to {big['diff_high']:+.2f}).")
    else:
        s += " Neither scorer is systematically higher than the other on any behavior."
    if n_min < min_calls:
        s += f" Caution: some behaviors rest on only {n_min} double-scored calls."
    return s


def scorer_name(s: str) -> str:
    """Display name of a scorer code (``ai`` → ``AI``)."""
    return {"ai": "AI", "unrecorded": "unrecorded scorer"}.get(s, s)


def _median_kappa(agreement: pd.DataFrame) -> float:
    ok = agreement.dropna(subset=["kappa"])
    return float(ok["kappa"].median()) if len(ok) else float("nan")


def agreement_title(agreement: pd.DataFrame, *, scorer_a: str, scorer_b: str) -> str:
    """Title of the agreement figure: the kappa band of a typical behavior."""
    if agreement["kappa"].notna().sum() == 0:
        return "Too few double-scored calls"
    band = kappa_band(_median_kappa(agreement))
    return f"{scorer_name(scorer_b)} vs {scorer_name(scorer_a)}: {band} agreement on a typical behavior"


def describe_double_scored(
    agreement: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, n_calls: int
) -> str:
    """How many calls both scorers scored, then the reading of :func:`describe_agreement`."""
    return (f"{int(n_calls):,} calls were scored by both {scorer_name(scorer_a)} and {scorer_name(scorer_b)} "
            "(all quarters). " + describe_agreement(agreement, labels, scorer_a=scorer_a, scorer_b=scorer_b))


def agreement_table(
    agreement: pd.DataFrame, labels: dict[str, str], *, scorer_a: str, scorer_b: str, level: float = 0.95
) -> pd.DataFrame:
    """Display table of :func:`scorer_agreement`: kappa, ICC and mean difference with their intervals."""
    a, b = scorer_name(scorer_a), scorer_name(scorer_b)
    shown = agreement.assign(
        behavior=agreement["behavior"].map(labels),
        kappa_ci=[fmt_interval(lo, hi, "ratio").replace("×", "")
                  for lo, hi in zip(agreement["kappa_low"], agreement["kappa_high"], strict=True)],
        diff_ci=[f"{lo:+.2f} to {hi:+.2f}" for lo, hi in zip(agreement["diff_low"], agreement["diff_high"], strict=True)])
    return shown[["behavior", "n_calls", "kappa", "kappa_ci", "icc", "mean_diff", "diff_ci"]].rename(columns={
        "n_calls": "calls", "kappa": "weighted kappa", "kappa_ci": f"{level:.0%} interval", "icc": "ICC",
        "mean_diff": f"mean {b} − {a} (points)", "diff_ci": f"{level:.0%} interval "})


def agreement_extra(agreement: pd.DataFrame, *, scorer_a: str, scorer_b: str, n_calls: int) -> dict:
    """The ``agreement`` side result of findings.json: the pair compared and the median kappa (None if none)."""
    med = _median_kappa(agreement)
    return {"scorer_a": scorer_a, "scorer_b": scorer_b, "n_calls": int(n_calls),
            "median_kappa": None if pd.isna(med) else med}
