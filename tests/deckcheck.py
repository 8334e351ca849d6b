"""Checks shared by the deck tests: what a reader sees in the HTML and PPTX decks, internal names in it,
PPTX text frames that fit their shapes, and the HTML layout measured in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from coaching_roi import textfit

# snake_case tokens (estimate IDs, rubric keys, column names) and estimate-ID separators. A file name
# (a token followed by an extension, e.g. the user's own call_scores.csv) is the user's, not ours.
SNAKE = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?!\.(?:csv|xlsx|json|parquet|yaml|html|pdf|pptx)\b)(?![\w])")


def internal_names(text: str) -> list[str]:
    """Internal names in ``text``: snake_case tokens and ``::``."""
    found = SNAKE.findall(text)
    if "::" in text:
        found.append("::")
    return found


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        for k, v in attrs:
            if k in ("alt", "aria-label", "title") and v and tag != "section":
                self.parts.append(v)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def html_visible_text(html_text: str) -> list[str]:
    """Every text a reader can see or hear in the HTML deck (speaker notes and alt texts included)."""
    p = _Visible()
    p.feed(html_text)
    return p.parts


def pptx_texts(path: str | Path) -> list[str]:
    """Every text in a PPTX: text frames, table cells and speaker notes."""
    from pptx import Presentation

    out = []
    for slide in Presentation(str(path)).slides:
        for sh in slide.shapes:
            if sh.has_text_frame and sh.text_frame.text.strip():
                out.append(sh.text_frame.text)
            if getattr(sh, "has_table", False) and sh.has_table:
                out += [c.text for row in sh.table.rows for c in row.cells if c.text.strip()]
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def _frame_height_in(tf, width_in: float, *, margins: tuple[float, float, float, float]) -> float:
    left, right, top, bottom = margins
    h = top + bottom
    for para in tf.paragraphs:
        text = "".join(r.text for r in para.runs) or para.text
        size = para.font.size or (para.runs[0].font.size if para.runs else None)
        size_pt = size.pt if size is not None else 18.0
        bold = bool(para.font.bold or (para.runs and para.runs[0].font.bold))
        after = para.space_after.pt if para.space_after is not None else 0.0
        h += textfit.height_in(text, width_in - left - right, size_pt, bold=bold) + after / 72
    return h


def _emu_in(x) -> float:
    return int(x) / 914400


def pptx_overflows(path: str | Path, *, main_min_pt: float = 14.0) -> list[str]:
    """Problems in a PPTX: a text frame whose text needs more height than its shape at its font size,
    a shape off the slide, or text under ``main_min_pt`` on a main slide (not marked backup)."""
    from pptx import Presentation

    prs = Presentation(str(path))
    sw, sh_ = _emu_in(prs.slide_width), _emu_in(prs.slide_height)
    bad = []
    for i, slide in enumerate(prs.slides, start=1):
        main = i <= 3  # the title slide and the two main slides
        for shape in slide.shapes:
            x, y, w, h = (_emu_in(v) for v in (shape.left, shape.top, shape.width, shape.height))
            if x < -0.01 or y < -0.01 or x + w > sw + 0.01 or y + h > sh_ + 0.01:
                bad.append(f"slide {i}: shape {shape.name!r} runs off the slide")
            if shape.has_text_frame and shape.text_frame.text.strip():
                tf = shape.text_frame
                m = tuple(_emu_in(v) if v is not None else d for v, d in
                          ((tf.margin_left, 0.1), (tf.margin_right, 0.1), (tf.margin_top, 0.05), (tf.margin_bottom, 0.05)))
                need = _frame_height_in(tf, w, margins=m)
                if need > h + 0.01:
                    bad.append(f"slide {i}: {tf.text[:60]!r} needs {need:.2f} in, shape is {h:.2f} in")
                if main:
                    for para in tf.paragraphs:
                        size = para.font.size or (para.runs[0].font.size if para.runs else None)
                        if size is not None and size.pt < main_min_pt:
                            bad.append(f"slide {i}: {para.text[:40]!r} at {size.pt} pt on a main slide")
            if getattr(shape, "has_table", False) and shape.has_table:
                tbl = shape.table
                for r, row in enumerate(tbl.rows):
                    for c, cell in enumerate(row.cells):
                        if not cell.text.strip():
                            continue
                        m = tuple(_emu_in(v) for v in (cell.margin_left, cell.margin_right, cell.margin_top, cell.margin_bottom))
                        need = _frame_height_in(cell.text_frame, _emu_in(tbl.columns[c].width), margins=m)
                        if need > _emu_in(row.height) + 0.01:
                            bad.append(f"slide {i}: table cell ({r}, {c}) {cell.text[:40]!r} does not fit its row")
    return bad


LAYOUT_JS = """
() => {
  const out = [];
  document.querySelectorAll('section.slide').forEach((s, i) => {
    const box = s.getBoundingClientRect();
    const main = s.classList.contains('main-slide');
    const content = s.querySelector('.content');
    if (content.scrollHeight > content.clientHeight + 1 || content.scrollWidth > content.clientWidth + 1)
      out.push(`slide ${i + 1}: content ${content.scrollWidth}x${content.scrollHeight} overflows ${content.clientWidth}x${content.clientHeight}`);
    s.querySelectorAll('*').forEach(el => {
      if (el.closest('.notes')) return;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1)
        out.push(`slide ${i + 1}: <${el.tagName.toLowerCase()} class="${el.className}"> runs off the slide`);
      if (el.scrollHeight > el.clientHeight + 2 && getComputedStyle(el).overflow === 'hidden' && el !== s)
        out.push(`slide ${i + 1}: <${el.tagName.toLowerCase()} class="${el.className}"> clips its content`);
      const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (main && own && !el.closest('.pageno')) {
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < 18.6) out.push(`slide ${i + 1}: "${el.textContent.trim().slice(0, 40)}" at ${px}px (< 14 pt) on a main slide`);
      }
      if (el.tagName === 'IMG' && s.classList.contains('slide-chain')) {
        const natural_in = el.naturalWidth / 150, shown_in = r.width / 96;
        if (shown_in < natural_in * 0.98) out.push(`slide ${i + 1}: the chain figure is shrunk to ${(shown_in / natural_in).toFixed(2)}`);
      }
    });
  });
  return out;
}
"""


def chromium_layout_problems(html_path: str | Path, executable: str) -> list[str]:
    """Open the deck in headless Chromium with print media (every slide laid out at 1280×720) and
    return every element that runs off its slide or is clipped, and main-slide text under 14 pt."""
    from playwright.sync_api import sync_playwright

    from coaching_roi.deck import BROWSER_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            return page.evaluate(LAYOUT_JS)
        finally:
            browser.close()


__all__ = ["chromium_layout_problems", "html_visible_text", "internal_names", "pptx_overflows", "pptx_texts"]
