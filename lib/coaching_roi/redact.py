"""Database URLs never show their password: not in messages, logs, manifests or executed notebooks.

A URL typed by a person may be malformed (an unescaped ``@``, ``:`` or ``/`` in the password, a
percent-encoded one, no scheme, the password in the query string). :func:`secrets_of` finds every
form the password could be echoed in — raw, percent-decoded, percent-encoded, and the pieces a
parser may split it into — and :func:`scrub` replaces them in any text; :func:`mask_url` is the URL
as it may be shown (``postgresql+psycopg://analyst:***@warehouse/crm``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote

MASK = "***"
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<rest>.*)$", re.S)
_QUERY_SECRET = re.compile(r"(?i)\b(password|passwd|pwd|pass|secret|token|api_key|sslpassword)=([^&;\s]*)")
_MIN_PIECE = 3  # shorter pieces of a split password are too common to mask without garbling text


def _split(url: str) -> tuple[str, str, str, str]:
    """(scheme prefix, user, password-or-None marker, rest after the last '@') of a URL-ish string."""
    m = _SCHEME.match(url)
    prefix, rest = (f"{m.group('scheme')}://", m.group("rest")) if m else ("", url)
    at = rest.rfind("@")
    if at < 0:
        return prefix, "", "", rest
    userinfo, host = rest[:at], rest[at + 1:]
    user, sep, pw = userinfo.partition(":")
    return prefix, user, pw if sep else "", host


def secrets_of(url: str | None) -> list[str]:
    """Every string worth masking in text that may echo ``url`` (longest first)."""
    if not url:
        return []
    _, user, pw, host = _split(url)
    found: set[str] = set()
    candidates = [pw] + [v for _, v in _QUERY_SECRET.findall(url)]
    for c in candidates:
        if not c:
            continue
        for form in (c, unquote(c), quote(c, safe=""), quote_plus(c), quote(unquote(c), safe="")):
            found.add(form)
        for piece in re.split(r"[@:/?#%&=\s]+", unquote(c)) + re.split(r"[@:/?#&=\s]+", c):
            if len(piece) >= _MIN_PIECE:
                found.add(piece)
        # A driver that took the first '@' as the end of the password shows the rest as the host.
        if "@" in c:
            found.add(c.split("@", 1)[1] + "@")
    return sorted((f for f in found if f), key=len, reverse=True)


def mask_url(url: str | None) -> str:
    """``url`` with its password (and password-like query values) replaced by ``***``."""
    if not url:
        return ""
    prefix, user, pw, host = _split(url)
    shown = f"{prefix}{user}:{MASK}@{host}" if pw else url
    shown = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", shown)
    for s in secrets_of(url):
        shown = shown.replace(s, MASK)
    return shown


def scrub(text: str, url: str | None) -> str:
    """``text`` with ``url`` shown masked and every form of its password replaced by ``***``."""
    out = str(text)
    if url and url in out:
        out = out.replace(url, mask_url(url))
    for s in secrets_of(url):
        out = out.replace(s, MASK)
    return out


def malformed(url: str) -> str | None:
    """Why ``url`` cannot be used safely, or None.

    More than one ``@`` means an unescaped ``@`` in the user or password: a driver would take part of
    the password for the host name and print it in its error.
    """
    m = _SCHEME.match(url)
    if not m:
        return "it has no scheme (it should start like postgresql+psycopg:// or sqlite:///)"
    if m.group("rest").count("@") > 1:
        return "the user name or password holds an unescaped '@' (write it percent-encoded, as %40)"
    return None
