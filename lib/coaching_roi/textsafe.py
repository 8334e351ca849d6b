"""Data is text: one escaping helper per place a value from the data can land.

Rep names, account names, observables, coaching notes and rubric labels are typed by people and
may hold anything: Markdown links and images, HTML tags, script, spreadsheet formulas, control
characters. Each destination gets its own helper, applied where the text is rendered (never by
editing the sentence builders):

* :func:`html_text` / :func:`html_paragraph` — notebook output and hand-built HTML. Data is never
  rendered through Markdown, so ``[x](javascript:…)`` and ``![](http://…)`` stay literal text.
* :func:`pptx_text` — PowerPoint (XML: control characters removed).
* :func:`plot_text` — matplotlib labels (control characters removed; mathtext is switched off in
  :func:`coaching_roi.plots.set_style` and the deck's style, so ``$`` is a dollar sign).
* :func:`filename` — a file name made from a value (a slug, never the raw value).
* spreadsheets: :func:`coaching_roi.exports.neutralise_formulas`.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

# C0/C1 control characters except tab, newline and carriage return; lone surrogates; non-characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CODE_SPAN = re.compile(r"`([^`\n]{1,200})`")


def plain(text: object) -> str:
    """``text`` as a string without control characters (tab and line breaks kept)."""
    return _CONTROL.sub("", str(text))


def html_text(text: object) -> str:
    """Escape ``text`` for HTML element content or a quoted attribute."""
    return html.escape(plain(text), quote=True)


def html_paragraph(text: object) -> str:
    """A ``<p>`` holding ``text`` as text. Only `code` spans are styled (after escaping, so a
    code span can never hold markup); line breaks become ``<br>``."""
    escaped = html_text(text)
    styled = _CODE_SPAN.sub(r"<code>\1</code>", escaped).replace("\n", "<br>")
    return f'<p style="margin: 0.3em 0">{styled}</p>'


def html_heading(text: object, level: int = 4) -> str:
    """An HTML heading holding ``text`` as text."""
    level = min(max(int(level), 1), 6)
    return f"<h{level}>{html_text(text)}</h{level}>"


def pptx_text(text: object) -> str:
    """Text safe for a PowerPoint text frame (the XML it is stored in forbids control characters)."""
    return plain(text).replace("\r\n", "\n").replace("\r", "\n")


def plot_text(text: object) -> str:
    """Text for a matplotlib label: control characters removed (``$`` is literal: mathtext is off)."""
    return plain(text)


def filename(text: object, *, max_len: int = 60) -> str:
    """A file-name-safe slug for ``text`` (ASCII letters, digits, ``-``, ``_``); a short hash keeps
    different values apart, so a raw value never becomes a path."""
    raw = plain(text)
    slug = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-_")[:max_len] or "item"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug}-{digest}"
