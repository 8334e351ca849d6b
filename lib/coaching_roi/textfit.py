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


@lru_cache(maxsize=1 << 16)
def _length(text: str, bold: bool) -> float:
    """Width of ``text`` at the reference size, in pixels. Remembered: the deck wraps the same texts
    at several sizes and widths (layout, chain figure, PPTX), and a wrap measures every prefix of a
    line, so most measurements repeat."""
    return float(_font(bold).getlength(text))


def width_pt(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width of one line of ``text`` at ``size_pt``, in points."""
    return _length(text, bold) * size_pt / _REF_PX


def wrap(text: str, width_in: float, size_pt: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width_in`` inches (a word longer than
    the line stays on its own line). Explicit newlines are kept.

    Each line is the longest run of words, from the line's first word, whose measured width fits.
    Where that run ends is guessed from the words' own widths (a line is as wide as its words and
    spaces, give or take kerning), then settled by measuring whole lines: the guess is kept only when
    its line fits and one more word does not (a line only widens as words are added). The lines are
    those of measuring one word more at a time (tests/test_textfit.py compares the two).
    """
    limit = width_in * 72
    space = _length(" ", bold) * size_pt / _REF_PX
    lines: list[str] = []
    for para in str(text).split("\n"):
        words = para.split()
        if not words:
            lines.append("")
            continue
        i, n = 0, len(words)
        while i < n:
            j, guess = i + 1, width_pt(words[i], size_pt, bold=bold)  # words[i:j]: the line so far
            while j < n and guess + space + width_pt(words[j], size_pt, bold=bold) <= limit:
                guess += space + width_pt(words[j], size_pt, bold=bold)
                j += 1
            while j > i + 1 and width_pt(" ".join(words[i:j]), size_pt, bold=bold) > limit:
                j -= 1
            while j < n and width_pt(" ".join(words[i:j + 1]), size_pt, bold=bold) <= limit:
                j += 1
            lines.append(" ".join(words[i:j]))
            i = j
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
