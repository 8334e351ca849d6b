"""Figures of notebook 02 (behavioral scoring). Each takes frames from :mod:`coaching_roi.scoring`
and an optional ``ax``; none calls ``savefig`` or ``show``."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from coaching_roi import verdict
from coaching_roi.plots import GREY, PALETTE, for_seaborn, titled

if TYPE_CHECKING:
    from coaching_roi.scoring import CohortPanel

PHASE_COLORS = ["#1f4e79", "#2e86c1", "#f39c12", "#c0392b", "#27ae60", "#8e44ad", "#7f8c8d"]


def _date_axis(ax: Axes) -> None:
    loc = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _phase_palette(phases: list[str]) -> dict[str, str]:
    return {p: PHASE_COLORS[i % len(PHASE_COLORS)] for i, p in enumerate(phases)}


def _phase_legend(ax: Axes, loc: str) -> None:
    """The call-phase legend, outside the axes on the right (top or bottom aligned by ``loc``)."""
    ax.legend(title="call phase", loc=loc, bbox_to_anchor=(1.0, 1.0 if loc.startswith("upper") else 0.0), frameon=False)


def plot_behavior_distributions(
    scored: pd.DataFrame,
    rubric_frame: pd.DataFrame,
    *,
    scale: tuple[float, float] = (0, 10),
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Box plot of call-level scores per behavior (rubric order), coloured by phase.

    ``scored`` has ``behavior`` and ``score`` (one row per call × behavior); ``rubric_frame`` is
    ``cfg.rubric.frame()``.
    """
    rf = rubric_frame[rubric_frame["key"].isin(scored["behavior"].unique())]
    labels = dict(zip(rf["key"], rf["label"], strict=True))
    phases = list(dict.fromkeys(rf["phase"]))
    d = scored[scored["behavior"].isin(rf["key"])].copy()
    d["label"] = d["behavior"].map(labels)
    d["phase"] = d["behavior"].map(dict(zip(rf["key"], rf["phase"], strict=True)))
    d = for_seaborn(d, "label", "phase")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.42 * len(rf) + 1.4))
    pal = _phase_palette(phases)
    sns.boxplot(data=d, y="label", x="score", hue="phase", order=list(rf["label"]), hue_order=phases,
                palette=pal, dodge=False, width=0.6, fliersize=2, linewidth=1, ax=ax)
    means = d.groupby("label", observed=True)["score"].mean()
    for i, lab in enumerate(rf["label"]):
        if lab in means.index:
            ax.plot(means[lab], i, marker="D", color="white", markeredgecolor="black", markersize=5, zorder=5)
    ax.set_xlim(scale[0] - 0.3, scale[1] + 0.3)
    ax.set_xlabel(f"call score ({scale[0]:g}–{scale[1]:g}; ◆ = mean)")
    ax.set_ylabel("")
    _phase_legend(ax, "lower left")
    return titled(ax, title)


def plot_team_heatmap(
    means: pd.DataFrame,
    counts: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    min_calls: int = 3,
    scale: tuple[float, float] = (0, 10),
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rep × behavior heatmap of quarter means; cells with fewer than ``min_calls`` calls greyed, marked ×."""
    if ax is None:
        _, ax = plt.subplots(figsize=(max(8, 0.75 * means.shape[1] + 3), 0.32 * means.shape[0] + 2.2))
    low = counts < min_calls
    shown = means.where(~low)
    xt = [labels.get(c, c) if labels else c for c in means.columns]
    annot = shown.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    sns.heatmap(shown, ax=ax, cmap="RdYlGn", vmin=scale[0], vmax=scale[1], annot=annot, fmt="",
                annot_kws={"fontsize": 7}, linewidths=0.5, linecolor="white",
                cbar_kws={"label": "mean score this quarter", "shrink": 0.6}, xticklabels=xt, yticklabels=True)
    if low.to_numpy().any():
        grey = low.astype(float).where(low)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sns.heatmap(grey, ax=ax, cmap=ListedColormap([GREY]), cbar=False, linewidths=0.5, linecolor="white",
                        xticklabels=xt, yticklabels=True,
                        annot=low.map(lambda v: "×" if v else ""), fmt="", annot_kws={"fontsize": 7, "color": "#555"})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=40, labelsize=8)
    ax.tick_params(axis="y", labelsize=7)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment("right")
    ax.legend(handles=[Patch(color=GREY, label=f"× fewer than {min_calls} calls")], loc="upper left",
              bbox_to_anchor=(1.0, 1.08), frameon=False, fontsize=8)
    return titled(ax, title)


def plot_phase_trends(
    team_week: pd.DataFrame,
    *,
    quarter_start: pd.Timestamp | None = None,
    phase_order: list[str] | None = None,
    bands: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Team weekly mean score per phase (optional interval bands); a dashed line marks the quarter start."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.6))
    present = set(team_week["phase"])
    phases = [p for p in (phase_order or sorted(present)) if p in present]
    pal = _phase_palette(phases)
    for ph in phases:
        d = team_week[team_week["phase"] == ph].sort_values("week")
        ax.plot(d["week"], d["mean_score"], marker="o", markersize=3, color=pal[ph], label=ph)
        if bands:
            ax.fill_between(d["week"], d["ci_low"], d["ci_high"], color=pal[ph], alpha=0.12, linewidth=0)
    _date_axis(ax)
    if quarter_start is not None:
        ax.axvline(quarter_start, color="#555", linestyle="--", linewidth=1)
        ax.annotate("quarter start", (quarter_start, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8, color="#555")
    ax.set_ylabel("team mean call score")
    ax.set_xlabel("week (Monday)")
    _phase_legend(ax, "upper left")
    return titled(ax, title)


def plot_rep_trajectory(
    rep_week: pd.DataFrame,
    team_week: pd.DataFrame,
    *,
    rep_label: str,
    behavior_label: str,
    sessions: pd.Series | None = None,
    min_calls: int = 3,
    title: str | None = None,
    legend: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """One rep's weekly mean on a behavior against the team mean and the middle half of reps.

    ``rep_week`` is the rep's rows of ``02_rep_week_behavior`` for the behavior; ``team_week`` the
    behavior's rows of :func:`coaching_roi.scoring.team_week_behavior`; ``sessions`` the dates of
    the rep's coaching sessions on it (drawn as vertical lines). Weeks with fewer than ``min_calls``
    calls are drawn hollow.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    t = team_week.sort_values("week")
    ax.fill_between(t["week"], t["rep_p25"], t["rep_p75"], color=GREY, alpha=0.35, linewidth=0,
                    label="middle half of reps")
    ax.plot(t["week"], t["mean_score"], color="#555", linewidth=1.5, label="team mean")
    r = rep_week.sort_values("week")
    ax.plot(r["week"], r["mean_score"], color=PALETTE[0], linewidth=1.2, alpha=0.6)
    solid = r["n_calls"] >= min_calls
    ax.scatter(r.loc[solid, "week"], r.loc[solid, "mean_score"], color=PALETTE[0], s=22, zorder=3,
               label=f"{rep_label}: weekly mean")
    ax.scatter(r.loc[~solid, "week"], r.loc[~solid, "mean_score"], facecolor="white", edgecolor=PALETTE[0],
               s=22, zorder=3, label=f"{rep_label}: week with < {min_calls} calls")
    _date_axis(ax)
    if sessions is not None and len(sessions):
        for i, d in enumerate(sorted(pd.to_datetime(sessions))):
            ax.axvline(d, color=PALETTE[3], linewidth=1, linestyle=":", label="coaching session" if i == 0 else None)
    ax.set_ylabel(f"{behavior_label}\n(weekly mean score)")
    ax.set_xlabel("week (Monday)")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    return titled(ax, title)


def plot_coached_cohort(
    panels: list[CohortPanel],
    *,
    behavior_label: str,
    min_calls: int = 3,
    title: str | None = None,
    ncol: int = 2,
) -> Figure:
    """Grid of coached reps' trajectories on one behavior (one panel per rep, shared y axis, one legend).

    ``panels`` come from :func:`coaching_roi.scoring.coached_cohort`; each panel is drawn with
    :func:`plot_rep_trajectory` and titled with the rep's before → after reading.
    """
    nrow = max(1, (len(panels) + ncol - 1) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(12, 3.2 * nrow), sharey=True, squeeze=False)
    for ax, p in zip(axes.flat, panels, strict=False):
        plot_rep_trajectory(p.rep_week, p.team_week, rep_label="rep", behavior_label=behavior_label,
                            sessions=p.sessions, min_calls=min_calls, legend=False, ax=ax, title=p.title)
        ax.title.set_fontsize(10)
        ax.set_xlabel("")
        ax.set_ylabel("weekly mean score")
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=13)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="lower center", ncol=5, frameon=False, fontsize=9)
    return fig


def plot_importance(importance: pd.DataFrame, *, labels: dict[str, str] | None = None, title: str | None = None,
                    level: float = 0.95, ax: Axes | None = None) -> Axes:
    """Permutation importance per behavior (drop in AUC) with its interval; zero line for reference."""
    d = importance.sort_values("importance", ascending=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * len(d) + 1.4))
    y = np.arange(len(d))
    colors = [PALETTE[0] if s == "positive" else GREY for s in verdict.sides(d["ci_low"], d["ci_high"])]
    ax.hlines(y, d["ci_low"], d["ci_high"], color=colors, linewidth=2)
    ax.scatter(d["importance"], y, color=colors, zorder=3, s=30)
    ax.axvline(0, color="#555", linewidth=1)
    ax.set_yticks(y, [labels.get(b, b) if labels else b for b in d["behavior"]])
    ax.set_xlabel(f"drop in held-out AUC when the behavior is shuffled (bar: middle {verdict.level_text(level)} of folds)")
    ax.grid(axis="y", visible=False)
    return titled(ax, title)


def plot_agreement(agreement: pd.DataFrame, *, labels: dict[str, str] | None = None, title: str | None = None,
                   level: float = 0.95, ax: Axes | None = None) -> Axes:
    """Weighted kappa per behavior with its bootstrap interval, over shaded agreement bands."""
    d = agreement.dropna(subset=["kappa"]).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.38 * len(d) + 1.4))
    for lo, hi, c, lab in [(0, 0.4, "#fbe3e0", "poor–fair"), (0.4, 0.6, "#fdf2d9", "moderate"),
                           (0.6, 0.8, "#e3f1e0", "substantial"), (0.8, 1.0, "#cfe8cb", "almost perfect")]:
        ax.axvspan(lo, hi, color=c, zorder=0)
        ax.text((lo + hi) / 2, 1.01, lab, transform=ax.get_xaxis_transform(), ha="center", fontsize=7, color="#555")
    y = np.arange(len(d))
    ax.hlines(y, d["kappa_low"], d["kappa_high"], color=PALETTE[0], linewidth=2)
    ax.scatter(d["kappa"], y, color=PALETTE[0], zorder=3, s=30)
    ax.set_yticks(y, [f"{labels.get(b, b) if labels else b} (n={n})" for b, n in zip(d["behavior"], d["n_calls"], strict=True)])
    ax.set_xlim(min(0.0, float(np.nanmin(d["kappa_low"])) - 0.05) if len(d) else 0, 1.0)
    ax.set_xlabel(f"quadratic-weighted kappa (bar: {verdict.level_text(level)} bootstrap interval over calls)")
    ax.grid(axis="y", visible=False)
    return titled(ax, title, pad=16)


def rep_trajectory_explorer(
    rep_week: pd.DataFrame,
    team_week: pd.DataFrame,
    sessions: pd.DataFrame | None,
    *,
    rep_labels: dict[str, str],
    behavior_labels: dict[str, str],
    min_calls: int = 3,
):
    """Return an ipywidgets box: pick a rep and a behavior, redraw the rep's weekly trajectory vs team.

    Only for live JupyterLab sessions (``interactive=True``); the rendered report never shows it.
    """
    import ipywidgets as widgets
    from IPython.display import display

    reps = sorted(rep_week["rep_id"].unique(), key=lambda r: rep_labels.get(r, r))
    behaviors = [b for b in behavior_labels if b in set(rep_week["behavior"])]
    rep_dd = widgets.Dropdown(options=[(rep_labels.get(r, r), r) for r in reps], description="Rep")
    beh_dd = widgets.Dropdown(options=[(behavior_labels[b], b) for b in behaviors], description="Behavior")
    out = widgets.Output()

    def redraw(*_):
        rep, beh = rep_dd.value, beh_dd.value
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(9, 4))
            sess = None
            if sessions is not None and len(sessions):
                s = sessions[(sessions["rep_id"] == rep) & (sessions["behavior"] == beh)]
                sess = s["session_date"]
            plot_rep_trajectory(
                rep_week[(rep_week["rep_id"] == rep) & (rep_week["behavior"] == beh)],
                team_week[team_week["behavior"] == beh],
                rep_label=rep_labels.get(rep, rep), behavior_label=behavior_labels[beh], sessions=sess,
                min_calls=min_calls, title=f"{rep_labels.get(rep, rep)} — {behavior_labels[beh]} vs team", ax=ax,
            )
            display(fig)
            plt.close(fig)

    rep_dd.observe(redraw, names="value")
    beh_dd.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([rep_dd, beh_dd]), out])
