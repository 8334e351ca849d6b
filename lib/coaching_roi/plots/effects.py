"""Figures of the causal core (layers 2-3 and the example reps). Each takes the tidy frames of
:mod:`coaching_roi.effects` and an optional ``ax``; none calls ``savefig`` or ``show``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from coaching_roi.plots import GREY, PALETTE, empty, new_ax


def plot_event_study(
    event_study: pd.DataFrame,
    *,
    behavior: str = "all",
    title: str = "",
    label: str | None = None,
    unit: str = "points",
    ax: Axes | None = None,
) -> Axes:
    """Event-study coefficients (coached minus comparison reps, relative to the week before coaching)
    with their intervals; zero line, shaded post period, week -1 marked as the reference."""
    ax = new_ax(ax)
    label = label or ("all coached behaviors, pooled" if behavior == "all" else behavior)
    d = event_study[event_study["behavior"] == behavior].sort_values("event_week")
    if d.empty or d["estimate"].isna().all():
        return empty(ax, f"No event-study estimate for {label or behavior}")
    post_end = float(d["event_week"].max()) + 0.5
    ax.axvspan(-0.5, post_end, color=PALETTE[2], alpha=0.15, lw=0, label="after the first session")
    ax.axhline(0, color="#333", lw=1)
    pre = d[d["event_week"] < 0]
    post = d[d["event_week"] >= 0]
    for part, color, name in ((pre, GREY, "before (fairness check: near 0)"), (post, PALETTE[0], "after")):
        ok = part[np.isfinite(part["ci_low"])]
        ax.errorbar(ok["event_week"], ok["estimate"], yerr=[ok["estimate"] - ok["ci_low"], ok["ci_high"] - ok["estimate"]],
                    fmt="o", color=color, ecolor=color, capsize=3, lw=1.4, ms=6, label=name)
    ref = d[d["event_week"] == -1]
    if len(ref):
        ax.plot(ref["event_week"], ref["estimate"], "o", mfc="white", mec="#333", ms=7, label="reference week (= 0)")
    ax.set_xlabel("Weeks from the first coaching session")
    ax.set_ylabel(f"Coached minus comparison reps ({unit})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    n_max = int(d["n"].max()) if "n" in d and len(d) else 0
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)
    ax.set_title(title or f"Score change after coaching: {label or behavior} (n={n_max} coached reps)")
    return ax


def plot_example_trajectories(
    trajectories: pd.DataFrame,
    *,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Each example rep's weekly score on the coached behavior (event time) against the team of
    not-coached reps on the same calendar weeks (dashed)."""
    ax = new_ax(ax)
    if trajectories is None or trajectories.empty:
        return empty(ax, "No example reps (no coached rep has enough weeks of scores yet)")
    ax.axvspan(-0.5, float(trajectories["event_week"].max()) + 0.5, color=PALETTE[2], alpha=0.12, lw=0)
    ax.axvline(-0.5, color="#666", lw=0.8, ls=":")
    for i, (_rep, d) in enumerate(trajectories.groupby("rep_id", sort=False, observed=True)):
        c = PALETTE[[0, 3, 4, 1, 5][i % 5]]
        d = d.sort_values("event_week")
        name = str(d["rep_name"].iloc[0])
        ax.plot(d["event_week"], d["score"], "-o", color=c, ms=4, lw=2, label=f"{name} ({d['behavior'].iloc[0]})")
        ax.plot(d["event_week"], d["team_score"], "--", color=c, lw=1, alpha=0.7)
    ax.plot([], [], "--", color="#666", lw=1, label="not-coached reps, same weeks")
    ax.set_xlabel("Weeks from the first coaching session (shaded: after)")
    ax.set_ylabel("Weekly mean score on the coached behavior")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="best", fontsize=8.5, frameon=False)
    ax.set_title(title or "Example reps: coached behavior before and after coaching")
    return ax


def plot_outcome_scatter(
    points: pd.DataFrame,
    *,
    lag: int = 1,
    slope: float | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Rep-level behavior change (x) against win-rate change (y) for one lag, with the fitted slope."""
    ax = new_ax(ax, (7.5, 4.8))
    d = points[points["lag_quarters"] == lag].dropna(subset=["behavior_change", "win_rate_change"]) if len(points) else points
    if d is None or d.empty:
        return empty(ax, f"Lag {lag}: not yet observable (no coached rep has that quarter closed)")
    ax.axhline(0, color="#333", lw=0.8)
    ax.axvline(0, color="#333", lw=0.8)
    behaviors = list(dict.fromkeys(d["behavior"]))
    for i, b in enumerate(behaviors):
        part = d[d["behavior"] == b]
        size = 20 + 4 * (part["n_deals_before"] + part["n_deals_after"]).clip(upper=60)
        ax.scatter(part["behavior_change"], part["win_rate_change"], s=size, color=PALETTE[i % len(PALETTE)],
                   alpha=0.8, edgecolor="white", label=str(b))
    if slope is not None and np.isfinite(slope):
        x = np.linspace(float(d["behavior_change"].min()), float(d["behavior_change"].max()), 20)
        icpt = float(d["win_rate_change"].mean() - slope * d["behavior_change"].mean())
        ax.plot(x, icpt + slope * x, color="#333", lw=1.5, label="fitted slope")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:+.0f} pp"))
    ax.set_xlabel("Change in the coached behavior's score (points, coaching quarter vs quarter before)")
    when = "same quarter" if lag == 0 else f"{lag} quarter{'s' if lag > 1 else ''} later"
    ax.set_ylabel(f"Win-rate change ({when})")
    ax.legend(loc="best", fontsize=8, frameon=False, title="coached behavior (dot size: deals)", title_fontsize=8)
    ax.set_title(title or f"Behavior change vs win-rate change, {when} (n={len(d)} reps)")
    return ax
