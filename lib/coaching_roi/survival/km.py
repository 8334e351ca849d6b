"""Kaplan–Meier building blocks: medians (plain and interpolated), tables with intervals, curves, log-rank, and the bootstrap that resamples reps within each of two groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import median_survival_times

from coaching_roi import bootstrap

DAYS_PER_WEEK = 7.0


# ------------------------------------------------------------------------------------ KM helpers
def _km_half(durations: np.ndarray, events: np.ndarray) -> float | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event times, the KM curve at them and where it is at or below 0.5; nan (no data) or inf (no event)."""
    d = np.asarray(durations, float)
    e = np.asarray(events, bool)
    if len(d) == 0:
        return float("nan")
    times, deaths = np.unique(d[e], return_counts=True)
    if len(times) == 0:
        return float("inf")
    at_risk = len(d) - np.searchsorted(np.sort(d), times, side="left")
    surv = np.cumprod(1 - deaths / at_risk)
    return times, surv, np.flatnonzero(surv <= 0.5 + 1e-9)


def _km_half_counted(d_sorted: np.ndarray, e_sorted: np.ndarray, w_sorted: np.ndarray,
                     events_at: np.ndarray | None = None):
    """:func:`_km_half` of a multiset: row i (durations sorted ascending) counted ``w_sorted[i]`` times.

    The same event times, deaths and numbers at risk (integers), so the same curve bit for bit as
    :func:`_km_half` on the rows repeated; but no sort per call, which a bootstrap pays thousands of
    times (the rows are sorted once, each resample is only a count per row). ``events_at`` =
    ``np.flatnonzero(e_sorted)`` when the caller has it (a bootstrap computes it once)."""
    total = int(w_sorted.sum())
    if total == 0:
        return float("nan")
    if events_at is None:
        events_at = np.flatnonzero(e_sorted)
    ev = events_at[w_sorted[events_at] > 0]
    if len(ev) == 0:
        return float("inf")
    t_ev = d_sorted[ev]
    first = np.concatenate(([True], t_ev[1:] != t_ev[:-1]))
    times = t_ev[first]
    deaths = np.add.reduceat(w_sorted[ev], np.flatnonzero(first))
    cum = np.cumsum(w_sorted)
    pos = np.searchsorted(d_sorted, times, side="left")
    before = np.where(pos > 0, cum[pos - 1], 0)  # weight of the rows before each position
    at_risk = total - before
    surv = np.cumprod(1 - deaths / at_risk)
    return times, surv, np.flatnonzero(surv <= 0.5 + 1e-9)


def _interpolated_median(curve) -> float:
    if isinstance(curve, float):
        return curve
    times, surv, hit = curve
    if not len(hit):
        return float("inf")
    k = int(hit[0])
    t_prev, s_prev = (float(times[k - 1]), float(surv[k - 1])) if k > 0 else (0.0, 1.0)
    return float(t_prev + (s_prev - 0.5) / (s_prev - surv[k]) * (times[k] - t_prev))


def km_median_interpolated_counted(d_sorted: np.ndarray, e_sorted: np.ndarray, w_sorted: np.ndarray,
                                   events_at: np.ndarray | None = None) -> float:
    """:func:`km_median_interpolated` of rows sorted by duration, each counted ``w_sorted[i]`` times."""
    return _interpolated_median(_km_half_counted(d_sorted, e_sorted, w_sorted, events_at))


def km_median(durations: np.ndarray, events: np.ndarray) -> float:
    """Kaplan–Meier median (smallest event time with S(t) <= 0.5); inf when the curve never gets there.

    Agrees with ``lifelines.KaplanMeierFitter().median_survival_time_`` except where the curve sits
    exactly at 0.5 (lifelines then depends on float rounding); written in numpy because the
    bootstrap calls it thousands of times.
    """
    curve = _km_half(durations, events)
    if isinstance(curve, float):
        return curve
    times, _, hit = curve
    return float(times[hit[0]]) if len(hit) else float("inf")


def km_median_interpolated(durations: np.ndarray, events: np.ndarray) -> float:
    """Kaplan–Meier median read off the curve joined linearly between event times (inf if never reached).

    Where the step curve first reaches 0.5 at event time t_k, the median is t_{k-1} + (S_{k-1} - 0.5) /
    (S_{k-1} - S_k) x (t_k - t_{k-1}) (t_0 = 0, S_0 = 1). With durations in whole days the step median
    jumps by a day at a time; the interpolated one moves smoothly, so a ratio of two medians (and its
    bootstrap) is not lumped onto a few values.
    """
    return _interpolated_median(_km_half(durations, events))


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


def km_medians_resampled(durations: np.ndarray, events: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """:func:`km_median` of each resample ``durations[picks[r]], events[picks[r]]`` (``picks``: resamples x rows).

    All resamples at once: a resample is how often each row is drawn, so its deaths and numbers at risk
    at every event time of the full sample are integer products of those counts with fixed 0/1 matrices.
    The curve multiplies the same factors 1 − deaths/at-risk in the same order as :func:`km_median`
    (a time without a death in a resample contributes an exact 1.0), so the medians are the same bit
    for bit (tests/test_survival.py compares them with the per-resample loop)."""
    d = np.asarray(durations, float)
    e = np.asarray(events, bool)
    n_res, n = picks.shape
    out = np.full(n_res, float("nan") if n == 0 else float("inf"))
    times = np.unique(d[e])
    if n == 0 or len(times) == 0:
        return out
    counts = np.zeros((n_res, len(d)))
    np.add.at(counts, (np.repeat(np.arange(n_res), n), picks.ravel()), 1.0)
    dies_at = (e[:, None] & (d[:, None] == times[None, :])).astype(float)  # rows x event times
    at_risk_at = (d[:, None] >= times[None, :]).astype(float)
    deaths, at_risk = counts @ dies_at, counts @ at_risk_at  # exact integers
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(deaths > 0, 1 - deaths / at_risk, 1.0)
    hit = np.cumprod(factor, axis=1) <= 0.5 + 1e-9
    reached = hit.any(axis=1)
    out[reached] = times[hit[reached].argmax(axis=1)]
    return out


def median_diff_bootstrap(
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
    *,
    n_boot: int,
    seed: int,
    level: float,
) -> tuple[float, float, np.ndarray]:
    """Percentile bootstrap of :func:`_median_diff` (KM median of ``b`` − of ``a``, each a (durations,
    events) pair), resampling rows (reps) within each group; returns (low, high, draws).

    Per resample the two groups' indices are drawn in turn from one stream (``a`` then ``b``); the
    medians of all resamples are then computed at once (:func:`km_medians_resampled`)."""
    rng = np.random.default_rng(seed)
    na, nb = len(a[0]), len(b[0])
    picks_a, picks_b = np.empty((n_boot, na), dtype=np.int64), np.empty((n_boot, nb), dtype=np.int64)
    for i in range(n_boot):  # the two groups' draws interleave in the stream (kept: same numbers as before)
        picks_a[i], picks_b[i] = bootstrap.resample(na, 1, rng)[0], bootstrap.resample(nb, 1, rng)[0]
    ma, mb = km_medians_resampled(*a, picks_a), km_medians_resampled(*b, picks_b)
    ok = np.isfinite(ma) & np.isfinite(mb)
    draws = np.where(ok, mb - ma, np.nan)
    pct = bootstrap.percentile(draws, level)
    return pct.low, pct.high, draws


def _median_diff(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> float:
    """median(b) − median(a) for (durations, events) tuples; nan when either median is not reached."""
    ma, mb = km_median(a[0], a[1]), km_median(b[0], b[1])
    if not (np.isfinite(ma) and np.isfinite(mb)):
        return float("nan")
    return mb - ma
