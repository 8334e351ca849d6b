"""How much of a slide the HTML deck fills, estimated with :mod:`coaching_roi.textfit`.

The numbers mirror ``templates/qbr_deck.css`` (CSS px, 96 per inch; a 1280 × 720 slide with a
1168 × 636 content box). The slide builders use them to choose what fits — how many example reps,
whether slide 1 keeps its supporting-evidence line, how many backup bullets and table rows — so
that nothing is clipped; what does not fit stays in the speaker notes. The browser test measures
the real layout in Chromium.
"""

from __future__ import annotations

from coaching_roi import textfit
from coaching_roi.deck.model import Slide

CONTENT_W, CONTENT_H = 1168, 636
LINE = 1.3  # line-height of body text
MAIN_PX, TITLE_PX = 19, 30  # main slides: 19 px = 14 pt
KICKER = {"main": 19, "backup": 15}
LEAD = {"main": 19, "backup": 17}
SIDE_PX, SIDE_LINE, LI_GAP = 15, 1.4, 6
TABLE_PX, CELL_PAD_H = 14, 16
TWO_COL_SIDE = (CONTENT_W - 10) / 2.35  # figure : side = 1.35 : 1, 10 px gap


def lines(text: str, width_px: float, size_px: float, *, bold: bool = False) -> int:
    return len(textfit.wrap(text, width_px / 96, size_px * 0.75, bold=bold))


def text_px(text: str, width_px: float, size_px: float, *, bold: bool = False, line: float = LINE) -> float:
    return lines(text, width_px, size_px, bold=bold) * size_px * line


def header_px(s: Slide) -> float:
    """Kicker, title, lead and the missing-input note: the height above the slide's body."""
    kind = "backup" if s.appendix else "main"
    h = (KICKER[kind] * LINE + 6) if s.kicker else 0.0
    h += text_px(s.title, CONTENT_W, TITLE_PX, bold=True, line=1.2) + 10
    if s.lead:
        h += text_px(s.lead, CONTENT_W, LEAD[kind]) + 12
    if s.missing:
        h += text_px("Not shown: " + s.missing, CONTENT_W - 34, LEAD[kind]) + 38
    return h


def bullets_px(bullets: list[str], width_px: float) -> float:
    if not bullets:
        return 0.0
    return 8 + sum(text_px(b, width_px - 20, SIDE_PX, line=SIDE_LINE) + LI_GAP for b in bullets)


def column_widths(columns: list[str], rows: list[list[str]]) -> list[float]:
    """Column widths as fractions, by the longest text in each column (the PPTX table uses the same)."""
    n = max(len(columns), max((len(r) for r in rows), default=0))
    lens = [max([len(columns[j]) if j < len(columns) else 0] + [len(r[j]) if j < len(r) else 0 for r in rows])
            for j in range(n)]
    weights = [min(max(x, 6), 90) for x in lens]
    return [w / sum(weights) for w in weights] if n else []


def row_px(cells: list[str], widths: list[float], width_px: float, *, header: bool = False) -> float:
    h = max((text_px(c or " ", w * width_px - CELL_PAD_H, TABLE_PX, bold=header) for c, w in
             zip(cells, widths, strict=False)), default=0.0)
    return h + (10 if header else 9)


def fit_backup(s: Slide) -> Slide:
    """Trim a backup slide's table rows and bullets to what fits; the notes keep everything."""
    if not s.appendix:
        return s
    room = CONTENT_H - header_px(s) - 4
    if s.figure and not (s.table_rows or s.bullets):
        return s
    width = TWO_COL_SIDE if s.figure else CONTENT_W
    used = 0.0
    if s.table_rows:
        s.table_widths = column_widths(s.table_columns, s.table_rows)
        used = row_px(s.table_columns, s.table_widths, width, header=True) + 8
        kept = 0
        for r in s.table_rows:
            h = row_px(r, s.table_widths, width)
            if used + h > room:
                break
            used += h
            kept += 1
        if kept < len(s.table_rows):
            s.bullets = [f"{len(s.table_rows) - kept} more row(s) in the speaker notes.", *s.bullets]
            s.notes = " ".join([s.notes, *[" · ".join(r) for r in s.table_rows[kept:]]])
            s.table_rows = s.table_rows[:kept]
    more = "More in the speaker notes."
    while s.bullets and used + bullets_px(s.bullets, width) > room:
        s.bullets = s.bullets[:-2] + [more] if len(s.bullets) > 1 and s.bullets[-1] != more else s.bullets[:-1]
        if s.bullets == [more] and used + bullets_px(s.bullets, width) > room:
            s.bullets = []
    return s
