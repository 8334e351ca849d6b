"""Figures. Plot functions take tidy frames from the statistics modules and an optional ``ax``;
they never call ``savefig`` or ``show``. Submodules group them by notebook."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

PALETTE = ["#1f4e79", "#2e86c1", "#85c1e9", "#f39c12", "#c0392b", "#7f8c8d"]
GREY = "#b0b7bf"


def set_style() -> None:
    """Apply the workbook's plot style (readable at slide size, no chart junk)."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    mpl.rcParams.update(
        {
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
    )


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
