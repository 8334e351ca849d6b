"""Scorer agreement on double-scored calls: weighted kappa, ICC(A,1), their table and sentences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi import background, verdict
from coaching_roi.agreement_stats import STATISTICS, agreement_rows, bootstrap_draws, icc_a1, quadratic_kappa
from coaching_roi.stats import fmt_interval

from .composite import _scorer_column, scorer_pairs

__all__ = ["AGREEMENT_COLUMNS", "AgreementJob", "agreement_extra", "agreement_table", "agreement_title", "bootstrap_draws",
           "describe_agreement", "describe_double_scored", "icc_a1", "kappa_band", "paired_scores", "quadratic_kappa",
           "scorer_agreement", "scorer_name", "start_agreement"]


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


AGREEMENT_COLUMNS = ["behavior", "n_calls", *STATISTICS]


def _groups(pairs: pd.DataFrame, behaviors: list[str] | None) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Each behavior's ``(behavior, score_a, score_b)`` in table order (``behaviors``, else sorted)."""
    order = behaviors or sorted(pairs["behavior"].unique())
    beh = pairs["behavior"].to_numpy(dtype=object)
    a, b = pairs["score_a"].to_numpy(float), pairs["score_b"].to_numpy(float)
    out = []
    for name in order:
        mask = beh == name
        out.append((name, a[mask], b[mask]))
    return out


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
    bootstraps resampling calls (:func:`coaching_roi.agreement_stats.agreement_rows`). Returns
    :data:`AGREEMENT_COLUMNS`: ``behavior, n_calls, kappa, kappa_low, kappa_high, icc, icc_low, icc_high,
    mean_diff, diff_low, diff_high``.
    """
    groups = _groups(paired_scores(call_scores, scorer_a, scorer_b), behaviors)
    rows = agreement_rows(groups, scale_min=scale_min, scale_max=scale_max, n_boot=n_boot, seed=seed, level=level)
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


@dataclass
class AgreementJob:
    """Scorer agreement started by :func:`start_agreement`: the pair compared, and the table when asked."""

    scorer_a: str
    scorer_b: str
    n_calls: int  # calls both scored
    job: background.Job

    def result(self) -> pd.DataFrame:
        """:func:`scorer_agreement`'s table for this pair (waiting for the second process if it runs there)."""
        return pd.DataFrame(self.job.result(), columns=AGREEMENT_COLUMNS)


def start_agreement(call_scores: pd.DataFrame, *, scale_min: float, scale_max: float, behaviors: list[str] | None = None,
                    n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> AgreementJob | None:
    """Start :func:`scorer_agreement` for the pair of scorers with the most calls in common
    (:func:`scorer_pairs`), in a second process when its bootstrap is long (:func:`background.submit`);
    None when no call was scored twice. The table is the same either way."""
    pairs = scorer_pairs(call_scores)
    if pairs.empty:
        return None
    a, b, n = pairs.iloc[0][["scorer_a", "scorer_b", "n_calls"]]
    groups = _groups(paired_scores(call_scores, a, b), behaviors)
    job = background.submit(agreement_rows, groups, scale_min=scale_min, scale_max=scale_max, n_boot=n_boot, seed=seed,
                            level=level, work=n_boot * sum(len(g[1]) for g in groups))
    return AgreementJob(str(a), str(b), int(n), job)


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
