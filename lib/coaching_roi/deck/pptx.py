"""The PowerPoint deck: editable titles and text, figures as pictures, readings and caveats as speaker notes.

Every text box is sized with :mod:`coaching_roi.textfit` (a real font metric) so that its text fits
the shape at its font size: main slides never go below :data:`MAIN_MIN_PT` (readable at projector
distance); a backup text that would not fit even at :data:`BACKUP_MIN_PT` is cut with a pointer to
the speaker notes, which always hold the whole slide.
"""

from __future__ import annotations

import io
from pathlib import Path

from coaching_roi import textfit, textsafe
from coaching_roi.deck.model import Deck, Slide
from coaching_roi.safety import atomic_write

SLIDE_W, SLIDE_H = 13.333, 7.5
LEFT, WIDTH, BOTTOM = 0.5, 12.33, 7.3
MAIN_MIN_PT, BACKUP_MIN_PT, TABLE_PT = 14, 11, 11
INSET_LR, INSET_TB = 0.1, 0.05  # python-pptx / PowerPoint default text frame insets (inches)
SPACE_AFTER_PT = 4
NAVY, GREY, INK, WARN = "1F4E79", "55606B", "1D232A", "A04000"


def needed_height(paras: list[str], width: float, size: float, *, bold: bool = False) -> float:
    """Height (inches) a text frame of ``width`` needs for ``paras`` at ``size`` (insets included)."""
    return textfit.paragraphs_height_in(paras, width - 2 * INSET_LR, size, bold=bold,
                                        space_after_pt=SPACE_AFTER_PT) + 2 * INSET_TB


def mixed_height(items: list[tuple[str, float, bool]], width: float) -> float:
    """Height (inches) of paragraphs given as (text, size, bold), in a frame of ``width`` (insets included)."""
    return sum(textfit.height_in(t, width - 2 * INSET_LR, size, bold=bold) + SPACE_AFTER_PT / 72
               for t, size, bold in items) + 2 * INSET_TB


class _Builder:
    def __init__(self, prs, layout, sl: Slide):
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        self.RGB, self.In, self.Pt = RGBColor, Inches, Pt
        self.sl = sl
        self.slide = prs.slides.add_slide(layout)
        self.main = not sl.appendix
        self.min_pt = MAIN_MIN_PT if self.main else BACKUP_MIN_PT

    def text(self, left: float, top: float, width: float, paras: list[str], *, size: float, max_h: float,
             color: str = INK, bold: bool = False, shrink: bool = True, colors: list[str] | None = None,
             optional: bool = False) -> float:
        """Add a text box sized to its text; shrink to the minimum size, then cut with a pointer to the
        notes (an ``optional`` text that does not fit is left out). Returns the height used (inches)."""
        paras = [p for p in paras if p]
        if not paras or max_h <= 0.2:
            return 0.0
        while shrink and size > self.min_pt and needed_height(paras, width, size, bold=bold) > max_h:
            size -= 1
        if optional and needed_height(paras, width, size, bold=bold) > max_h:
            return 0.0
        more = " … (more in the speaker notes)"
        if needed_height(paras, width, size, bold=bold) > max_h:
            while len(paras) > 1 and needed_height(paras, width, size, bold=bold) > max_h:
                paras = paras[:-1]
            words = paras[-1].split()
            while len(words) > 1 and needed_height([*paras[:-1], " ".join(words) + more], width, size, bold=bold) > max_h:
                words = words[:-1]
            paras[-1] = " ".join(words) + more
        if needed_height(paras, width, size, bold=bold) > max_h:
            return 0.0
        h = needed_height(paras, width, size, bold=bold)
        tb = self.slide.shapes.add_textbox(self.In(left), self.In(top), self.In(width), self.In(h))
        tf = tb.text_frame
        tf.word_wrap = True
        for i, t in enumerate(paras):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.text = textsafe.pptx_text(t)
            para.font.size = self.Pt(size)
            para.font.bold = bold
            para.font.color.rgb = self.RGB.from_string((colors[i] if colors and i < len(colors) else color).lstrip("#"))
            para.space_after = self.Pt(SPACE_AFTER_PT)
        return h

    def title(self, size: float, top: float = 0.55) -> float:
        t = self.slide.shapes.title
        while size > 18 and needed_height([self.sl.title], WIDTH, size, bold=True) > 1.3:
            size -= 1
        h = needed_height([self.sl.title], WIDTH, size, bold=True)
        t.left, t.top, t.width, t.height = self.In(LEFT), self.In(top), self.In(WIDTH), self.In(h)
        t.text = textsafe.pptx_text(self.sl.title)
        for para in t.text_frame.paragraphs:
            para.font.size = self.Pt(size)
            para.font.bold = True
            para.font.color.rgb = self.RGB.from_string(NAVY)
            para.space_after = self.Pt(SPACE_AFTER_PT)
        tf = t.text_frame
        tf.word_wrap = True
        tf.margin_left = tf.margin_right = self.In(INSET_LR)
        tf.margin_top = tf.margin_bottom = self.In(INSET_TB)
        return top + h + 0.1

    def picture(self, png: bytes, left: float, top: float, max_w: float, max_h: float, *, native: bool = False) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            w_px, h_px = im.size
            dpi = (im.info.get("dpi") or (150, 150))[0] or 150
        w_in, h_in = w_px / dpi, h_px / dpi
        scale = min(max_w / w_in, max_h / h_in, 1.0 if native else 10.0)
        w_in, h_in = w_in * scale, h_in * scale
        self.slide.shapes.add_picture(io.BytesIO(png), self.In(left + (max_w - w_in) / 2), self.In(top),
                                      self.In(w_in), self.In(h_in))
        return w_in, h_in

    def box(self, left: float, top: float, width: float, height: float, fill: str, line: str | None = None):
        from pptx.enum.shapes import MSO_SHAPE

        shp = self.slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, self.In(left), self.In(top), self.In(width),
                                          self.In(height))
        shp.adjustments[0] = 0.05
        shp.fill.solid()
        shp.fill.fore_color.rgb = self.RGB.from_string(fill)
        if line:
            shp.line.color.rgb = self.RGB.from_string(line)
            shp.line.width = self.Pt(2)
        else:
            shp.line.fill.background()
        shp.shadow.inherit = False
        return shp

    def table(self, top: float, columns: list[str], rows: list[list[str]], *, max_h: float) -> float:
        n_cols = max(len(columns), max((len(r) for r in rows), default=0))
        if not n_cols or max_h < 0.6:
            return 0.0
        lens = [max([len(columns[j]) if j < len(columns) else 0] + [len(r[j]) if j < len(r) else 0 for r in rows])
                for j in range(n_cols)]
        widths = [WIDTH * max(x, 6) / sum(max(x, 6) for x in lens) for x in lens]

        def row_h(cells: list[str], bold: bool = False) -> float:
            return max(needed_height([c or " "], w, TABLE_PT, bold=bold) for c, w in zip(cells, widths, strict=False))

        heights = [row_h(columns, True)]
        kept = []
        for r in rows:
            hh = row_h(r)
            if sum(heights) + hh > max_h:
                break
            heights.append(hh)
            kept.append(r)
        gf = self.slide.shapes.add_table(len(kept) + 1, n_cols, self.In(LEFT), self.In(top), self.In(WIDTH),
                                         self.In(sum(heights)))
        tbl = gf.table
        for j, w in enumerate(widths):
            tbl.columns[j].width = self.In(w)
        for i, hh in enumerate(heights):
            tbl.rows[i].height = self.In(hh)
        for i, cells in enumerate([columns, *kept]):
            for j in range(n_cols):
                cell = tbl.cell(i, j)
                cell.margin_left = cell.margin_right = self.In(INSET_LR)
                cell.margin_top = cell.margin_bottom = self.In(INSET_TB)
                cell.text = textsafe.pptx_text(cells[j]) if j < len(cells) else ""
                for para in cell.text_frame.paragraphs:
                    para.font.size = self.Pt(TABLE_PT)
                    para.font.bold = i == 0
                    para.space_after = self.Pt(SPACE_AFTER_PT)
        return sum(heights)


def _title_slide(b: _Builder, deck: Deck) -> None:
    sl = b.sl
    b.text(LEFT, 0.3, WIDTH, [sl.kicker], size=16, max_h=0.5, color=GREY, bold=True)
    top = b.title(40, top=1.2)
    top += b.text(LEFT, top + 0.2, WIDTH, [sl.lead], size=26, max_h=2.4, bold=True) + 0.4
    b.text(LEFT, top, WIDTH, sl.bullets, size=18, max_h=BOTTOM - 0.5 - top, color=GREY)
    b.text(LEFT, BOTTOM - 0.45, WIDTH, [f"Generated {deck.generated}"], size=14, max_h=0.45, color=GREY)


def _png_inches(png: bytes) -> tuple[float, float]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        dpi = (im.info.get("dpi") or (150, 150))[0] or 150
        return im.size[0] / dpi, im.size[1] / dpi


def _chain_slide(b: _Builder) -> None:
    """The chain figure at its native size (its fonts are slide points); footer lines that would
    shrink it are left to the notes, the supporting-evidence line first."""
    sl = b.sl
    top = b.title(24)
    footer = list(sl.footer)
    if sl.figure:
        fig_h = _png_inches(sl.figure)[1]
        while footer and top + fig_h + 0.1 + needed_height(footer, WIDTH, MAIN_MIN_PT) > BOTTOM:
            footer.pop()
        foot_h = needed_height(footer, WIDTH, MAIN_MIN_PT) if footer else 0
        _, h = b.picture(sl.figure, LEFT, top, WIDTH, BOTTOM - top - foot_h - 0.1, native=True)
        top += h + 0.1
    b.text(LEFT, top, WIDTH, footer, size=MAIN_MIN_PT, max_h=BOTTOM - top, color=INK, shrink=False)


def _reps_slide(b: _Builder) -> None:
    sl = b.sl
    top = b.title(24)
    if sl.lead:
        top += b.text(LEFT, top, WIDTH, [sl.lead], size=MAIN_MIN_PT, max_h=1.0) + 0.05
    card_w, gap = 8.05, 0.25
    dec_left, dec_w = LEFT + card_w + gap, WIDTH - card_w - gap
    if sl.missing:
        b.text(LEFT, top, card_w, ["Not shown: " + sl.missing], size=MAIN_MIN_PT, max_h=BOTTOM - top, color=WARN)
    y = top
    for c in sl.cards:
        paras = [f"{c['name']} · {c['behavior']}", c["intervention"], c["score"], c["win_rate"]]
        h = mixed_height([(t, MAIN_MIN_PT if i else 16, i == 0) for i, t in enumerate(paras)], card_w) + 0.02
        if y + h > BOTTOM:
            break
        shp = b.box(LEFT, y, card_w, h, "EEF3F8")
        tf = shp.text_frame
        tf.word_wrap = True
        tf.margin_left = tf.margin_right = b.In(INSET_LR)
        tf.margin_top = tf.margin_bottom = b.In(INSET_TB)
        for i, t in enumerate(paras):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.text = textsafe.pptx_text(t)
            para.font.size = b.Pt(MAIN_MIN_PT if i else 16)
            para.font.bold = i == 0
            para.font.color.rgb = b.RGB.from_string(NAVY if i == 0 else INK)
            para.space_after = b.Pt(SPACE_AFTER_PT)
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

        tf.vertical_anchor = MSO_ANCHOR.TOP
        for para in tf.paragraphs:
            para.alignment = PP_ALIGN.LEFT
        y += h + 0.12
    d = sl.decision
    if d:
        b.box(dec_left, top, dec_w, BOTTOM - top, "FFFFFF", line=NAVY)
        inner_l, inner_w = dec_left + 0.1, dec_w - 0.2
        y = top + 0.1
        y += b.text(inner_l, y, inner_w, ["DECISION"], size=MAIN_MIN_PT, max_h=0.4, color=GREY, bold=True)
        y += b.text(inner_l, y, inner_w, [d["label"]], size=28, max_h=1.2, color=NAVY, bold=True)
        y += b.text(inner_l, y, inner_w, [d["because"] + "."], size=MAIN_MIN_PT, max_h=1.6) + 0.05
        chips = [f"■ {c['link']}: {c['word']}" for c in d["chips"]]
        y += b.text(inner_l, y, inner_w, chips, size=MAIN_MIN_PT, max_h=1.6, bold=True, shrink=False,
                    colors=[c["colour"] for c in d["chips"]]) + 0.05
        y += b.text(inner_l, y, inner_w, ["Next: " + d["next"]], size=MAIN_MIN_PT, max_h=BOTTOM - y - 0.1) + 0.05
        if d.get("settle"):
            b.text(inner_l, y, inner_w, [d["settle"]], size=MAIN_MIN_PT, max_h=BOTTOM - y - 0.1, color=GREY, optional=True)


def _backup_slide(b: _Builder) -> None:
    sl = b.sl
    top = b.title(24)
    if sl.lead:
        top += b.text(LEFT, top, WIDTH, [sl.lead], size=14, max_h=1.3) + 0.05
    if sl.missing:
        top += b.text(LEFT, top, WIDTH, ["Not shown: " + sl.missing], size=14, max_h=1.2, color=WARN) + 0.05
    room = BOTTOM - top
    if sl.figure and (sl.bullets or sl.table_rows):
        fig_w = 7.0
        b.picture(sl.figure, LEFT, top, fig_w, room)
        b.text(LEFT + fig_w + 0.2, top, WIDTH - fig_w - 0.2, sl.bullets, size=13, max_h=room, color=GREY)
        return
    if sl.figure:
        _, h = b.picture(sl.figure, LEFT, top, WIDTH, room)
        top += h + 0.1
    if sl.table_rows:
        top += b.table(top, sl.table_columns, sl.table_rows, max_h=BOTTOM - top) + 0.1
    b.text(LEFT, top, WIDTH, sl.bullets, size=13, max_h=BOTTOM - top, color=GREY)


def render_pptx(deck: Deck, path: str | Path) -> None:
    """Write the deck as PPTX: editable title text, figures as pictures, readings and caveats as speaker notes."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    layout = prs.slide_layouts[5]  # "Title Only": the title is a real, editable placeholder
    for sl in deck.slides:
        b = _Builder(prs, layout, sl)
        if sl.key != "title" and sl.kicker:
            b.text(LEFT, 0.15, WIDTH, [sl.kicker], size=14, max_h=0.45, color=GREY, bold=True)
        if sl.key == "title":
            _title_slide(b, deck)
        elif sl.key == "chain":
            _chain_slide(b)
        elif sl.key == "examples":
            _reps_slide(b)
        else:
            _backup_slide(b)
        notes = sl.notes or sl.lead
        if notes:
            b.slide.notes_slide.notes_text_frame.text = textsafe.pptx_text(notes)
    atomic_write(path, lambda tmp: prs.save(str(tmp)))
