"""The HTML deck: one self-contained file (inline CSS/JS, base64 PNG figures; no network).

Every data value goes through jinja2's autoescape; only the workbook's own CSS and JS are inlined
unescaped. The template is compiled once per process, when this module is imported.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from coaching_roi.deck.model import Deck

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process: it keeps the compiled template (recompiled when the file changes)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


_environment().get_template("qbr_deck.html.j2")  # compiled on import: in notebook 05's kernel before it starts


def render_html(deck: Deck) -> str:
    """Render the deck as one self-contained HTML file (inline CSS/JS, base64 figures)."""
    tpl = _environment().get_template("qbr_deck.html.j2")
    css = (TEMPLATES / "qbr_deck.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "qbr_deck.js").read_text(encoding="utf-8")
    return tpl.render(deck=deck, css=css, js=js)
