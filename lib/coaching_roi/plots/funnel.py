"""Figures of notebook 04: SDR funnel vs team and benchmark, the gap heatmap, coaching cadence.

Rates are drawn relative to their benchmark (benchmark = 100%) so a 10% connect rate and an 80%
show rate share one axis. Functions take the frames of :mod:`coaching_roi.funnel` /
:mod:`coaching_roi.plan` and an optional ``ax``; they never save or show.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from coaching_roi import funnel as fn
from coaching_roi.plots import GREY, PALETTE, titled

RED = PALETTE[4]
BLUE = PALETTE[0]
ORANGE = PALETTE[3]


def plot_rep_funnel(
    rep_rates: pd.DataFrame,
    team: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
    legend: bool = True,
    xlim: tuple[float, float] | None = None,
) -> Axes:
    """One SDR's stage rates vs team and benchmark, each as a share of its benchmark.

    ``rep_rates``: that rep's rows of :func:`funnel.stage_rates`; ``team``: :func:`funnel.team_rates`.
    Dot + interval = the rep (red when diagnosed below benchmark, hollow when the volume is under the
    minimum); diamond = team; the dashed line = benchmark.
    """
    ax = ax or plt.gca()
    order = list(fn.STAGE_KEYS)[::-1]
    r = rep_rates.set_index("stage").reindex(order)
    t = team.set_index("stage").reindex(order)
    y = np.arange(len(order))
    b = r["benchmark"].to_numpy(dtype=float)
    rel = r["rate"].to_numpy(dtype=float) / b
    lo = r["ci_low"].to_numpy(dtype=float) / b
    hi = r["ci_high"].to_numpy(dtype=float) / b
    below = r["below_benchmark"].fillna(False).to_numpy(dtype=bool)
    enough = r["enough_volume"].fillna(False).to_numpy(dtype=bool)
    ax.axvline(1.0, color="black", ls="--", lw=1, label="benchmark")
    for i in range(len(order)):
        if not np.isfinite(rel[i]):
            ax.text(1.0, y[i], " no data", va="center", fontsize=8, color=GREY)
            continue
        col = RED if below[i] else BLUE
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=col, lw=2, alpha=0.8)
        ax.scatter(
            [rel[i]], [y[i]], s=40, zorder=3, color=col if enough[i] else "white", edgecolor=col, linewidth=1.5,
            label="rep (interval)" if i == 0 else None,
        )
    trel = t["rate"].to_numpy(dtype=float) / t["benchmark"].to_numpy(dtype=float)
    ax.scatter(trel, y, marker="D", s=28, color=ORANGE, zorder=4, label="team")
    ax.set_yticks(y)
    ax.set_yticklabels([fn.STAGE_SHORT[s] for s in order])
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], trel[np.isfinite(trel)], [1.0]])
    ax.set_xlim(*(xlim or (max(0.0, finite.min() - 0.1), finite.max() + 0.1)))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("rate as % of benchmark")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="lower right", fontsize=8, frameon=True)
    return ax


def plot_funnel_grid(
    rates: pd.DataFrame,
    team: pd.DataFrame,
    diagnosis: pd.DataFrame,
    *,
    names: dict[str, str] | None = None,
    ncols: int = 3,
    suptitle: str | None = None,
    max_panels: int = 24,
) -> Figure:
    """Small multiples: one :func:`plot_rep_funnel` panel per SDR, titled with the diagnosis.

    A large team is capped at ``max_panels`` (see :func:`grid_reps`); the title says how many are shown.
    """
    reps = grid_reps(diagnosis, rates, max_panels=max_panels)
    if len(reps) < len(diagnosis):
        note = f"(showing {len(reps)} of {len(diagnosis)} SDRs: diagnosed gaps first, then the furthest below benchmark)"
        suptitle = f"{suptitle}\n{note}" if suptitle else note
    nrows = max(1, int(np.ceil(len(reps) / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows), squeeze=False, sharex=False)
    status = diagnosis.set_index("rep_id")
    # one x scale for every panel, so reps compare at a glance
    b = rates["benchmark"].to_numpy(dtype=float)
    vals = np.concatenate([rates["ci_low"] / b, rates["ci_high"] / b, team["rate"] / team["benchmark"], [1.0]])
    vals = vals[np.isfinite(vals)]
    xlim = (max(0.0, float(vals.min()) - 0.05), float(vals.max()) + 0.05)
    for k, ax in enumerate(axes.flat):
        if k >= len(reps):
            ax.axis("off")
            continue
        rid = reps[k]
        d = status.loc[rid]
        if d["status"] == "gap":
            sub = f"gap: {fn.STAGE_SHORT.get(d['stage'], d['stage'])}"
        else:
            sub = d["status"]
        label = (names or {}).get(rid, rid)
        plot_rep_funnel(rates[rates["rep_id"] == rid], team, ax=ax, legend=False, xlim=xlim)
        ax.set_title(f"{label} — {sub}", fontsize=10, color=RED if d["status"] == "gap" else "black")
        if k // ncols < nrows - 1:
            ax.set_xlabel("")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncols=3, fontsize=9, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def grid_reps(diagnosis: pd.DataFrame, rates: pd.DataFrame, *, max_panels: int = 24) -> list[str]:
    """SDRs for the small multiples: all of them when they fit, else diagnosed gaps first, then the
    reps whose worst stage is furthest below benchmark (every rep stays in the plan and heatmap)."""
    reps = list(diagnosis["rep_id"])
    if len(reps) <= max_panels:
        return reps
    worst = rates.groupby("rep_id", observed=True)["rel_gap"].min()
    order = diagnosis.assign(
        _gap=diagnosis["status"].eq("gap").astype(int), _worst=diagnosis["rep_id"].map(worst).fillna(0.0)
    ).sort_values(["_gap", "_worst"], ascending=[False, True], kind="stable")
    return list(order["rep_id"].head(max_panels))


def plot_gap_heatmap(
    rates: pd.DataFrame,
    *,
    names: dict[str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    reps: list[str] | None = None,
) -> Axes:
    """Rep × stage heatmap of the rate relative to benchmark (rate / benchmark − 1).

    Diagnosed gaps (interval below benchmark, enough volume) get a black frame; cells under the
    minimum volume are grey and marked "low n". ``reps`` chooses the rows and their order (e.g.
    :func:`grid_reps` for a large team: diagnosed gaps on top); by default every rep in id order.
    """
    ax = ax or plt.gca()
    reps = list(reps) if reps is not None else sorted(rates["rep_id"].unique())
    rel = rates.pivot(index="rep_id", columns="stage", values="rel_gap").reindex(index=reps, columns=list(fn.STAGE_KEYS))
    below = rates.pivot(index="rep_id", columns="stage", values="below_benchmark").reindex(index=reps, columns=list(fn.STAGE_KEYS))
    enough = rates.pivot(index="rep_id", columns="stage", values="enough_volume").reindex(index=reps, columns=list(fn.STAGE_KEYS))
    vals = rel.to_numpy(dtype=float)
    ok = enough.fillna(False).to_numpy(dtype=bool) & np.isfinite(vals)
    lim = max(0.25, float(np.nanmax(np.abs(vals[ok]))) if ok.any() else 0.25)
    shown = np.where(ok, vals, np.nan)
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#e6e8eb")
    im = ax.imshow(shown, cmap=cmap, vmin=-lim, vmax=lim, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if not np.isfinite(vals[i, j]):
                txt = "no data"
            elif not ok[i, j]:
                txt = "low n"
            else:
                txt = f"{vals[i, j]:+.0%}"
            dark = ok[i, j] and abs(vals[i, j]) > 0.6 * lim
            ax.text(j, i, txt, ha="center", va="center", fontsize=8, color="white" if dark else "black")
            if bool(below.iat[i, j]) if pd.notna(below.iat[i, j]) else False:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2.5, edgecolor="black"))
    ax.set_xticks(range(len(fn.STAGE_KEYS)))
    ax.set_xticklabels([fn.STAGE_SHORT[s] for s in fn.STAGE_KEYS], rotation=0)
    ax.set_yticks(range(len(reps)))
    ax.set_yticklabels([(names or {}).get(r, r) for r in reps])
    ax.grid(False)
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:+.0%}"))
    cb.set_label("rate vs benchmark")
    return titled(ax, title)


def plot_cadence(cadence: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Sessions per rep per week by coach (bars), annotated with the longest gap and the share of
    sessions that targeted one behavior with an observable."""
    ax = ax or plt.gca()
    d = cadence.sort_values("coach_id")
    x = np.arange(len(d))
    ax.bar(x, d["sessions_per_rep_week"], color=BLUE, width=0.6)
    ax.axhline(1.0, color="black", ls="--", lw=1)
    ax.text(len(d) - 0.5, 1.0, " weekly 1:1 = 1.0", va="bottom", ha="right", fontsize=8)
    top = max(1.15, float(d["sessions_per_rep_week"].max() or 0) * 1.25)
    for xi, (_, r) in zip(x, d.iterrows(), strict=True):
        foc = "–" if pd.isna(r["share_focused"]) else f"{r['share_focused']:.0%}"
        ax.text(
            xi, float(r["sessions_per_rep_week"] or 0) + top * 0.02,
            f"longest gap {int(r['longest_gap_days'])} d\n{int(r['reps_without_session'])}/{int(r['n_reps'])} reps unmet\nfocused {foc}",
            ha="center", va="bottom", fontsize=8,
        )
    ax.set_ylim(0, top)
    ax.set_xticks(x)
    ax.set_xticklabels(d["coach_id"].astype(str))
    ax.set_xlabel("coach")
    ax.set_ylabel("sessions per rep per week")
    return titled(ax, title)


def rep_funnel_widget(rates: pd.DataFrame, team: pd.DataFrame, diagnosis: pd.DataFrame, *, names: dict[str, str] | None = None):
    """A JupyterLab dropdown: pick an SDR → their funnel vs team and benchmark with the diagnosis line."""
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    opts = [((names or {}).get(r, r), r) for r in diagnosis["rep_id"]]
    dd = widgets.Dropdown(options=opts, description="SDR")
    out = widgets.Output()
    diag = diagnosis.set_index("rep_id")

    def _draw(change=None):  # noqa: ARG001 - ipywidgets passes the change
        out.clear_output(wait=True)
        with out:
            rid = dd.value
            fig, ax = plt.subplots(figsize=(8, 3.6))
            plot_rep_funnel(rates[rates["rep_id"] == rid], team, ax=ax, title=f"{dd.label}: funnel vs team and benchmark")
            plt.show()
            d = diag.loc[rid]
            display(Markdown(f"**{d['status']}** — {d['evidence']}"))

    dd.observe(_draw, names="value")
    _draw()
    return widgets.VBox([dd, out])
