"""Realized value: what the behavior change coaching produced is worth a year, from measured change only.

For the coached reps only (N of them), with Δs their measured behavior change (the stacked DiD,
``behavior_change::all``), b_w the win-rate link and b_c the deal-cycle link (days shorter per point,
layer 3) and the team's deal economics over the last 12 months (A = ARR per won deal, D = closed deals
per AE a year, p = win rate, C = mean days to close):

    value = N × A × D × [ C / (C − b_c·Δs) × (p + b_w·Δs) − p ]

The cycle term is Little's law: with the pipeline a rep carries held constant, deals closed per year
scale with 1 / cycle length, so a cycle shortened by b_c·Δs days closes C / (C − b_c·Δs) times as many
deals. Without a cycle link (not observable) b_c = 0 and the basis says so.

Interval: ONE joint rep-level wild bootstrap (Webb's six-point weights). Each coached rep draws one
weight, used for its DiD contribution (its own post-minus-pre change) and for its residuals in both
outcome links; each comparison rep draws its own weight for its post-minus-pre change over the coached
reps' windows. The stacked DiD is not re-fitted per draw (too slow on 2 cores): its draws are the
estimate plus the weighted rep-level contributions' deviations; and each part's spread is rescaled to
its own small-sample interval (DiD t, link HC2 / Bell-McCaffrey), so the bootstrap supplies only how
the parts move together — approximations stated in docs/METHODS.md. Economic inputs are held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coaching_roi.effects import outcome_fit, outcome_points

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])

_WEEK = pd.Timedelta(days=7)


@dataclass(frozen=True)
class DealEconomics:
    """The team's deal economics over the window before the quarter end (from the opportunities)."""

    won_arr_per_deal: float
    closed_deals_per_rep_year: float
    win_rate: float
    cycle_days: float
    n_reps: int
    n_deals: int
    source: str


def deal_economics(opportunities: pd.DataFrame, *, as_of: pd.Timestamp, months: int = 12,
                   rep_ids: set[str] | None = None) -> DealEconomics:
    """ARR per won deal, closed deals per rep a year, win rate and mean days to close of the deals
    closed in the ``months`` before ``as_of`` (reps in ``rep_ids`` when given, e.g. the AEs)."""
    o = opportunities[opportunities["status"].isin(["won", "lost"]) & opportunities["close_date"].notna()]
    close = pd.to_datetime(o["close_date"])
    o = o[(close >= as_of - pd.DateOffset(months=months)) & (close < as_of)]
    if rep_ids is not None:
        o = o[o["rep_id"].isin(rep_ids)]
    won = o[o["status"] == "won"]
    n_reps = int(o["rep_id"].nunique())
    days = (pd.to_datetime(o["close_date"]) - pd.to_datetime(o["created_date"])).dt.days
    nan = float("nan")
    return DealEconomics(
        won_arr_per_deal=float(won["amount"].mean()) if len(won) else nan,
        closed_deals_per_rep_year=float(len(o) / n_reps * 12 / months) if n_reps else nan,
        win_rate=float(len(won) / len(o)) if len(o) else nan,
        cycle_days=float(days.mean()) if len(o) else nan,
        n_reps=n_reps, n_deals=int(len(o)),
        source=f"data: {len(o):,} deals closed by {n_reps} reps in the {months} months before {as_of.date()}",
    )


def realized_value(delta_s: float | np.ndarray, b_win: float | np.ndarray, b_cycle: float | np.ndarray,
                   n_coached: int, econ: DealEconomics) -> float | np.ndarray:
    """N × A × D × [C / (C − b_c·Δs) × (p + b_w·Δs) − p] (arrays broadcast, for the bootstrap)."""
    c, p = econ.cycle_days, econ.win_rate
    shorter = np.minimum(np.asarray(b_cycle) * np.asarray(delta_s), 0.9 * c)  # never a cycle below 10% of today's
    p_new = np.clip(p + np.asarray(b_win) * np.asarray(delta_s), 0.0, 1.0)
    out = n_coached * econ.won_arr_per_deal * econ.closed_deals_per_rep_year * (c / (c - shorter) * p_new - p)
    return float(out) if np.ndim(out) == 0 else out


def did_contributions(weekly: pd.DataFrame, episodes: pd.DataFrame, *, pre_weeks: int, post_weeks: int,
                      episodes_to: pd.Timestamp | None = None) -> tuple[pd.Series, pd.DataFrame]:
    """Each coached rep's own post-minus-pre change on its coached behavior (weeks 0..post vs -pre..-1),
    and every clean comparison rep's change over the same calendar weeks (rows: coached reps, columns:
    comparison reps; NaN where that rep is not a clean comparison for any of the coached rep's episodes).
    Clean comparison = never coached on the behavior, or first coached on it after the window ends."""
    eps = episodes if episodes_to is None else episodes[episodes["first_session_date"] < episodes_to]
    own: dict[str, list[float]] = {}
    comp: dict[str, list[pd.Series]] = {}
    for b, eb in eps.groupby("behavior", observed=True):
        w = weekly[weekly["behavior"] == b].pivot_table(index="week", columns="rep_id", values="mean_score", observed=True)
        start_of = episodes[episodes["behavior"] == b].groupby("rep_id")["episode_week"].min()
        by_week: dict[pd.Timestamp, tuple[pd.Series, pd.Series]] = {}  # episodes starting the same week share these
        for e in eb.itertuples(index=False):
            g = pd.Timestamp(e.episode_week)
            if g not in by_week:
                pre = w[(w.index >= g - pre_weeks * _WEEK) & (w.index < g)].mean()
                post = w[(w.index >= g) & (w.index <= g + post_weeks * _WEEK)].mean()
                change = post - pre
                # clean comparison reps, in the order of change.index: never coached on b, or first coached after the window
                clean = change.index[np.asarray(~change.index.isin(start_of.index)
                                                | (start_of.reindex(change.index) > g + post_weeks * _WEEK))]
                by_week[g] = change, change[clean].dropna()
            change, clean_change = by_week[g]
            if e.rep_id not in change.index or not np.isfinite(change.get(e.rep_id, np.nan)):
                continue
            own.setdefault(e.rep_id, []).append(float(change[e.rep_id]))
            comp.setdefault(e.rep_id, []).append(clean_change)
    own_s = pd.Series({r: float(np.mean(v)) for r, v in own.items()}, dtype="float64")
    rows = {r: pd.concat(v, axis=1).mean(axis=1) for r, v in comp.items()}
    comp_df = pd.DataFrame(rows).T.reindex(own_s.index) if rows else pd.DataFrame(index=own_s.index)
    return own_s, comp_df


@dataclass(frozen=True)
class LinkInputs:
    """One outcome link for the bootstrap: the point estimate and the rep points it was fitted on."""

    value: float
    ci_low: float
    ci_high: float
    rep_ids: list[str]
    x: np.ndarray
    y: np.ndarray
    svar: np.ndarray


def link_inputs(points: pd.DataFrame, outcome: str, est: dict) -> LinkInputs:
    """The rep points behind a layer-3 estimate (its ``lag_quarters``), as :func:`outcome_fit.link_table` fitted them."""
    p = points[points["lag_quarters"] == int(est["lag_quarters"])].dropna(subset=["behavior_change", outcome_points.OUTCOMES[outcome]["y"]])
    return LinkInputs(float(est["value"]), float(est["ci_low"]), float(est["ci_high"]), list(p["rep_id"]),
                      p["behavior_change"].to_numpy(float), p[outcome_points.OUTCOMES[outcome]["y"]].to_numpy(float),
                      np.asarray(outcome_points.sampling_var(p, outcome), float))


def _match(draws: np.ndarray, centre: float, lo: float, hi: float, level: float) -> np.ndarray:
    """Rescale draws around ``centre`` so their central ``level`` range is as wide as the estimate's own
    small-sample interval [lo, hi] (the bootstrap keeps the joint structure, the t interval the width)."""
    a = (1 - level) / 2
    raw = (np.quantile(draws, 1 - a) - np.quantile(draws, a)) / 2
    if not (np.isfinite(lo) and np.isfinite(hi)) or raw <= 0:
        return draws
    return centre + (draws - centre) * ((hi - lo) / 2 / raw)


def joint_draws(delta_s: tuple[float, float, float], own: pd.Series, comp: pd.DataFrame, win: LinkInputs,
                cycle: LinkInputs | None, *, n_boot: int, seed: int, level: float) -> dict[str, np.ndarray]:
    """Draws of (Δs, b_w, b_c) from one wild bootstrap in which a rep keeps its weight everywhere.

    ``delta_s`` = (DiD estimate, ci_low, ci_high). Each component's spread is matched to its own
    interval (:func:`_match`); the bootstrap supplies how they move together."""
    rng = np.random.default_rng(seed)
    coached = sorted(set(own.index) | set(win.rep_ids) | set(cycle.rep_ids if cycle else []))
    col = {r: k for k, r in enumerate(coached)}
    v = WEBB[rng.integers(0, 6, size=(n_boot, len(coached)))]
    o = own.to_numpy(float)
    ds = np.full(n_boot, float(delta_s[0]))
    if len(o):
        ds = ds + v[:, [col[r] for r in own.index]] @ (o - o.mean()) / len(o)
        c = comp.to_numpy(float)
        if c.size:
            u = WEBB[rng.integers(0, 6, size=(n_boot, c.shape[1]))]
            cbar = np.nanmean(np.where(np.isfinite(c), c, np.nan), axis=1, keepdims=True)
            dev = np.where(np.isfinite(c), c - cbar, 0.0)
            k = np.maximum(np.isfinite(c).sum(axis=1), 1)
            ds = ds - (u @ dev.T / k).mean(axis=1)
    ds = _match(ds, delta_s[0], delta_s[1], delta_s[2], level)
    bw = outcome_fit.wild_slope_draws(win.x, win.y, win.svar, v[:, [col[r] for r in win.rep_ids]])
    bw = _match(bw - np.median(bw) + win.value, win.value, win.ci_low, win.ci_high, level)
    bc = np.zeros(n_boot)
    if cycle is not None:
        bc = outcome_fit.wild_slope_draws(cycle.x, cycle.y, cycle.svar, v[:, [col[r] for r in cycle.rep_ids]])
        bc = _match(bc - np.median(bc) + cycle.value, cycle.value, cycle.ci_low, cycle.ci_high, level)
    return {"delta_s": ds, "b_win": bw, "b_cycle": bc}
