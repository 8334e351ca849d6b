"""How much room a text takes at a font size: word wrapping by a real font metric.

The metric is DejaVu Sans (bundled with matplotlib), the deck's first-choice font. It is wider
than Calibri, Arial or Segoe UI, so a text that fits by this measure also fits in PowerPoint or a
browser that substitutes one of those. Used to lay out the chain figure, to choose how many
example reps fit on slide 2, to size PPTX text boxes, and by the tests that check every PPTX text
frame fits its shape.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LINE_SPACING = 1.2  # line height as a multiple of the font size (PowerPoint's and browsers' default)
_REF_PX = 200  # fonts are loaded at this size and measurements scaled


@lru_cache(maxsize=4)
def _font(bold: bool):
    from matplotlib import get_data_path
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(get_data_path()) / "fonts" / "ttf" / name), _REF_PX)


def width_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of one line of ``text`` at ``size_pt``, in points."""
    return float(_font(bold).getlength(text)) * size_pt / _REF_PX


def wrap(text: str, width_in: float, size_pt: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width_in`` inches (a word longer than
    the line stays on its own line). Explicit newlines are kept."""
    limit = width_in * 72
    lines: list[str] = []
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        cur = words[0]
        for w in words[1:]:
            trial = f"{cur} {w}"
            if width_pt(trial, size_pt, bold=bold) <= limit:
                cur = trial
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
    return lines


def height_in(text: str, width_in: float, size_pt: float, *, bold: bool = False, spacing: float = LINE_SPACING) -> float:
    """Height ``text`` takes when wrapped to ``width_in`` inches, in inches."""
    return len(wrap(text, width_in, size_pt, bold=bold)) * size_pt * spacing / 72


def paragraphs_height_in(paras: list[str], width_in: float, size_pt: float, *, bold: bool = False,
                         space_after_pt: float = 0.0) -> float:
    """Height of several paragraphs (each wrapped) with ``space_after_pt`` after each, in inches."""
    return sum(height_in(p, width_in, size_pt, bold=bold) + space_after_pt / 72 for p in paras)


def fits(paras: list[str], width_in: float, height_in_: float, size_pt: float, *, bold: bool = False,
         space_after_pt: float = 0.0) -> bool:
    """Whether ``paras`` fit a ``width_in`` × ``height_in_`` box at ``size_pt``."""
    return paragraphs_height_in(paras, width_in, size_pt, bold=bold, space_after_pt=space_after_pt) <= height_in_ + 1e-6
