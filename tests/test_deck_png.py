"""Deck figures encoded in a background thread: the same PNG bytes as matplotlib's own savefig."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from coaching_roi.deck import model  # noqa: E402
from coaching_roi.plots import deck as deck_plots  # noqa: E402


def _intervals() -> plt.Figure:
    frame = pd.DataFrame({"label": ["Maps the decision process", "Next steps"], "value": [1.1, -0.2],
                          "ci_low": [0.5, -0.9], "ci_high": [1.6, 0.4], "n": [12, 4],
                          "verdict": ["positive", "no_clear_change"]})
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.8 * len(frame)))
    deck_plots.plot_intervals(frame, xlabel="Points (interval)", ref_line=(0.8, "break-even"), ax=ax)
    return fig


def _boxes() -> plt.Figure:
    fig = plt.figure(figsize=(6.3, 2.1))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    ax.text(0.1, 0.5, "Early signal", fontsize=14, fontweight="bold", color="white",
            bbox={"boxstyle": "round,pad=0.22", "fc": "#1f4e79", "ec": "none"})
    ax.text(0.5, 0.3, "+1.1 points\n(n = 12 coached reps)", fontsize=16, alpha=0.7)
    return fig


@pytest.mark.parametrize(("draw", "tight"), [(_intervals, True), (_boxes, False), (_boxes, True)])
def test_a_figure_encoded_later_has_the_bytes_savefig_writes(draw, tight):
    buf = io.BytesIO()
    ref = draw()
    ref.savefig(buf, format="png", dpi=150, bbox_inches="tight" if tight else None, facecolor="white")
    plt.close(ref)
    pending = model.fig_png_later(draw(), tight=tight)
    png = pending.result()
    assert png == buf.getvalue()
    assert png.startswith(b"\x89PNG") and len(png) > 1000
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        assert pending.height_px == im.size[1]
    assert model.fig_png(draw(), tight=tight) == png  # the synchronous helper too
    assert not plt.get_fignums()  # every figure closed
