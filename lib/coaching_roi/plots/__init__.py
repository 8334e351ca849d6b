"""Figures. Plot functions take tidy frames from the statistics modules and an optional ``ax``;
they never call ``savefig`` or ``show``. Submodules group them by notebook."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import cycler
from matplotlib.axes import Axes

PALETTE = ["#1f4e79", "#2e86c1", "#85c1e9", "#f39c12", "#c0392b", "#7f8c8d"]
GREY = "#b0b7bf"


# seaborn's "whitegrid" style and "notebook" context (seaborn 0.13.2's set_theme), as plain rcParams so
# that a notebook that draws no seaborn plot never imports it (seaborn pulls in scipy.stats: about 2.5 s
# of CPU per kernel). tests/test_plots.py checks these against seaborn itself. The default colormap is
# left to matplotlib: every figure names its own.
THEME: dict[str, object] = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 12.0, "axes.linewidth": 1.25, "axes.titlesize": 12.0,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 12.0, "grid.color": ".8", "grid.linewidth": 1.0, "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0, "lines.solid_capstyle": "round", "patch.edgecolor": "w",
    "patch.force_edgecolor": True, "text.color": ".15",
    "xtick.bottom": False, "xtick.color": ".15", "xtick.labelsize": 11.0, "xtick.major.size": 6.0,
    "xtick.major.width": 1.25, "xtick.minor.size": 4.0, "xtick.minor.width": 1.0,
    "ytick.color": ".15", "ytick.labelsize": 11.0, "ytick.left": False, "ytick.major.size": 6.0,
    "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0,
}


WORKBOOK_RC: dict[str, object] = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.figsize": (9, 4.8),
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.family": "DejaVu Sans",
    # Labels hold data (rep names, amounts such as "$1.2M … $3K"): never read '$…$' as math.
    "text.parse_math": False,
}
"""The workbook's own settings over the theme."""


def set_style() -> None:
    """Apply the workbook's plot style (readable at slide size, no chart junk)."""
    mpl.rcParams.update(THEME)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=[mpl.colors.to_rgb(c) for c in PALETTE])
    mpl.rcParams.update(WORKBOOK_RC)


def stacked_hist(ax: Axes, values: pd.Series, groups: pd.Series, *, order: Sequence, colors: dict,
                 bins: np.ndarray, alpha: float = 0.55) -> Axes:
    """A histogram of ``values`` stacked by ``groups`` (bottom to top in ``order``; groups absent from the
    data are skipped), each group in ``colors[group]``, white bar edges."""
    present = [g for g in order if (groups == g).any()]
    if present:
        ax.hist([values[groups == g].to_numpy(float) for g in present], bins=bins, stacked=True,
                color=[colors[g] for g in present], alpha=alpha, edgecolor="white")
    return ax


def for_seaborn(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Cast string columns used as hue/x/y categories to ``object``.

    seaborn 0.13.2 can draw wrong data for categorical plots with ``hue_order`` on pandas 3 string
    columns (a known incompatibility of those two versions); casting to object first avoids it.
    """
    out = df.copy()
    for c in cols or [c for c in df.columns if pd.api.types.is_string_dtype(df[c])]:
        if c in out.columns:
            out[c] = out[c].astype(object)
    return out


def new_ax(ax: Axes | None, size: tuple[float, float] = (9, 4.8)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def empty(ax: Axes, text: str) -> Axes:
    """A figure with nothing to draw says why, in the middle of the axes (no empty frame)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_axis_off()
    return ax


def titled(ax: Axes, title: str | None, **kwargs) -> Axes:
    """Set ``title`` (when given) and return ``ax``. Titles hold data (rep names, amounts): a ``$`` is
    escaped when matplotlib would read it as mathtext (the workbook style turns that off)."""
    if title:
        ax.set_title(title.replace("$", r"\$") if mpl.rcParams["text.parse_math"] else title, **kwargs)
    return ax
