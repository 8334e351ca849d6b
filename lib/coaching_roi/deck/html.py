"""The HTML deck: one self-contained file (inline CSS/JS, base64 PNG figures; no network).

Every data value goes through jinja2's autoescape; only the workbook's own CSS and JS are inlined
unescaped.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from coaching_roi.deck.model import Deck

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render_html(deck: Deck) -> str:
    """Render the deck as one self-contained HTML file (inline CSS/JS, base64 figures)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tpl = env.get_template("qbr_deck.html.j2")
    css = (TEMPLATES / "qbr_deck.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "qbr_deck.js").read_text(encoding="utf-8")
    return tpl.render(deck=deck, css=css, js=js)
