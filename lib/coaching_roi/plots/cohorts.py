"""Figures of notebook 03's own sections: cohort win rate, coaching activity, ramp and deal-cycle curves,
money. Each takes the tidy frames of :mod:`coaching_roi.cohorts`, :mod:`coaching_roi.survival` or
:mod:`coaching_roi.money` and an optional ``ax``; none calls ``savefig`` or ``show``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from coaching_roi import verdict
from coaching_roi.plots import GREY, PALETTE, empty, new_ax, stacked_hist, titled

QUARTILE_COLORS = {1: PALETTE[4], 2: PALETTE[3], 3: PALETTE[2], 4: PALETTE[0]}


def plot_quartile_win_rate(
    rep_quarter: pd.DataFrame, quartiles: pd.DataFrame, *, title: str = "", level: float = 0.95, ax: Axes | None = None
) -> Axes:
    """Histogram of reps' composite scores coloured by quartile, with each quartile's win rate
    (and interval) drawn over its score range on a second axis."""
    ax = new_ax(ax)
    d = rep_quarter.dropna(subset=["composite_mean", "quartile"])
    if d.empty:
        return empty(ax, "No scored reps this quarter")
    bins = np.histogram_bin_edges(d["composite_mean"], bins=min(16, max(6, len(d) // 2)))
    stacked_hist(ax, d["composite_mean"], d["quartile"].astype(int), order=[1, 2, 3, 4], bins=bins,
                 colors=QUARTILE_COLORS)
    ax.set_xlabel("Composite discovery score this quarter (rep mean)")
    ax.set_ylabel("Reps")
    ax.grid(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax2 = ax.twinx()
    for row in quartiles.itertuples(index=False):
        if not np.isfinite(row.win_rate):
            continue
        c = QUARTILE_COLORS[int(row.quartile)]
        mid = (row.score_min + row.score_max) / 2
        ax2.hlines(row.win_rate, row.score_min, row.score_max, color=c, lw=4)
        top = row.win_rate
        if np.isfinite(row.ci_low):
            ax2.errorbar(mid, row.win_rate, yerr=[[row.win_rate - row.ci_low], [row.ci_high - row.win_rate]],
                         color="black", capsize=4, lw=1.2)
            top = row.ci_high
        ax2.annotate(f"Q{int(row.quartile)}: {row.win_rate:.0%}\n{row.n_reps} reps, {row.n_deals} deals",
                     (mid, top), textcoords="offset points", xytext=(0, 5), ha="center", va="bottom", fontsize=9,
                     color="black", bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": c, "alpha": 0.9})
    ax2.set_ylim(0, 1.2)
    ax2.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel(f"Win rate (bars: {verdict.level_text(level)} CI, reps resampled)")
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    return titled(ax, title)


NO_SESSIONS = "No coaching sessions this quarter"


def _one_row_each(frame: pd.DataFrame, ax: Axes | None, *, sort_by: str, row_in: float,
                  min_rows: int) -> tuple[Axes, pd.DataFrame, np.ndarray]:
    """Axes sized for one horizontal row per item (``row_in`` inches each, at least ``min_rows``), the
    frame sorted by ``sort_by`` and the rows' y positions."""
    ax = new_ax(ax, (9, row_in * max(min_rows, len(frame)) + 1))
    d = frame.sort_values(sort_by) if len(frame) else frame
    return ax, d, np.arange(len(d))


def plot_sessions_by_behavior(by_behavior: pd.DataFrame, *, title: str = "", ax: Axes | None = None) -> Axes:
    """Horizontal bars: sessions per targeted behavior, split single-behavior vs shared with others."""
    ax, d, y = _one_row_each(by_behavior, ax, sort_by="n_sessions", row_in=0.4, min_rows=4)
    if d.empty:
        return empty(ax, NO_SESSIONS)
    single = d["n_sessions_single"].to_numpy(float)
    multi = d["n_sessions"].to_numpy(float) - single
    ax.barh(y, single, color=PALETTE[0], label="session targeted only this behavior")
    ax.barh(y, multi, left=single, color=GREY, label="session also targeted other behaviors")
    ax.set_yticks(y, d["behavior_label"].astype(object))
    ax.set_xlabel("Coaching sessions this quarter")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return titled(ax, title)


def plot_cadence(by_rep: pd.DataFrame, *, title: str = "", ax: Axes | None = None) -> Axes:
    """Dot plot per coached rep: share of weeks with a session (dot size = sessions)."""
    ax, d, y = _one_row_each(by_rep, ax, sort_by="cadence", row_in=0.28, min_rows=6)
    if d.empty:
        return empty(ax, NO_SESSIONS)
    ax.scatter(d["cadence"], y, s=20 + 12 * d["n_sessions"], color=PALETTE[1], alpha=0.8, edgecolor="white")
    ax.set_yticks(y, d["rep_name"].astype(object))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("Weeks with a coaching session / weeks in quarter (dot size = sessions)")
    return titled(ax, title)


def plot_km(
    curves: pd.DataFrame,
    *,
    group: str,
    medians: pd.DataFrame | None = None,
    xlabel: str = "Weeks since hire",
    ylabel: str = "Share not there yet",
    title: str = "",
    order: list[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Kaplan–Meier curves as "share not there yet" by group with CI bands and median markers."""
    ax = new_ax(ax)
    if curves.empty:
        return empty(ax, "No data")
    groups = order or sorted(curves[group].astype(str).unique())
    colors = dict(zip(groups, [PALETTE[0], PALETTE[3], PALETTE[4], PALETTE[1]], strict=False))
    for g in groups:
        part = curves.loc[curves[group].astype(str) == g]
        if part.empty:
            continue
        c = colors[g]
        label = str(g)
        if medians is not None:
            m = medians.loc[medians[group].astype(str) == g]
            if len(m):
                m = m.iloc[0]
                med = "not reached" if not np.isfinite(m["median"]) else f"{m['median']:.0f}"
                label = f"{g} (n={int(m['n'])}, median {med})"
                if np.isfinite(m["median"]):
                    ax.axvline(m["median"], color=c, ls=":", lw=1)
        ax.step(part["time"], part["survival"], where="post", color=c, lw=2, label=label)
        ax.fill_between(part["time"], part["ci_low"], part["ci_high"], step="post", color=c, alpha=0.15)
    ax.axhline(0.5, color=GREY, lw=1, ls="--")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, fontsize=9, loc="upper right")
    return titled(ax, title)


def plot_km_panels(
    panels: Sequence,
    axes: Sequence[Axes] | np.ndarray,
    *,
    group: str,
    xlabel: str = "Weeks since hire",
    ylabel: str = "Share not there yet",
) -> list[Axes]:
    """Draw one :func:`plot_km` per panel on the matching axis; a None panel leaves its axis empty.

    A panel is anything with ``curves``, ``medians``, ``title`` and ``order`` (e.g.
    :class:`coaching_roi.cohort_report.KMPanel`).
    """
    out = []
    for ax, p in zip(np.ravel(axes), panels, strict=False):
        if p is not None:
            plot_km(p.curves, group=group, medians=p.medians, order=p.order, xlabel=xlabel, ylabel=ylabel,
                    title=p.title, ax=ax)
        out.append(ax)
    return out


def _usd(x: float, _pos=None) -> str:
    a = abs(x)
    s = "-" if x < 0 else ""
    if a >= 1e6:
        return f"{s}${a / 1e6:.1f}M"
    if a >= 1e3:
        return f"{s}${a / 1e3:.0f}K"
    return f"{s}${a:.0f}"


def plot_money(table: pd.DataFrame, *, program_cost: float | None, title: str = "", ax: Axes | None = None) -> Axes:
    """Bars of realized value, ramp value and upside (with intervals), and the program cost when there is one."""
    ax = new_ax(ax, (9, 3.6))
    rows = table.loc[table["unit"] == "usd"].reset_index(drop=True)
    names = list(rows["item"]) + (["Program cost"] if program_cost else [])
    vals = list(rows["value"]) + ([program_cost] if program_cost else [])
    y = np.arange(len(names))[::-1]
    for yi, v, (i, name) in zip(y, vals, enumerate(names), strict=True):
        color = PALETTE[4] if name == "Program cost" else (PALETTE[2] if name.startswith("Upside") else PALETTE[0])
        if np.isfinite(v):
            ax.barh(yi, v, color=color, alpha=0.85 if not name.startswith("Upside") else 0.45,
                    hatch=None if not name.startswith("Upside") else "//")
        if i < len(rows):
            lo, hi = rows.loc[i, "ci_low"], rows.loc[i, "ci_high"]
            if np.isfinite(lo) and np.isfinite(hi):
                ax.hlines(yi, lo, hi, color="black", lw=1.5)
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", lw=1)
    ax.xaxis.set_major_formatter(FuncFormatter(_usd))
    ax.set_xlabel("Per year (lines: interval propagated from the estimates)")
    return titled(ax, title)
