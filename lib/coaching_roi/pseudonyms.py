"""Stable aliases for rep names (``report.pseudonymize``): the same rep id gives the same alias in every run."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

_ALIAS_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I/O: easy to read aloud


def alias(rep_id: str, length: int = 3) -> str:
    """A stable alias for a rep id (same id -> same alias in every run), e.g. 'Rep KXT'."""
    h = int(hashlib.sha256(str(rep_id).encode("utf-8")).hexdigest(), 16)
    chars = []
    for _ in range(length):
        h, r = divmod(h, len(_ALIAS_LETTERS))
        chars.append(_ALIAS_LETTERS[r])
    return "Rep " + "".join(chars)


def alias_map(rep_ids: Iterable[Any]) -> dict[str, str]:
    """Aliases for many ids, unique (a rare collision lengthens the aliases involved)."""
    ids = sorted({str(r) for r in rep_ids if r is not None})
    out: dict[str, str] = {}
    length = 3
    while True:
        out = {r: alias(r, length) for r in ids}
        if len(set(out.values())) == len(out):
            return out
        length += 1


def scrub(text: str, replacements: Mapping[str, str]) -> str:
    """Replace every real name in ``text`` by its alias (longest names first, whole words)."""
    if not text or not replacements:
        return text
    for real in sorted(replacements, key=len, reverse=True):
        if not real:
            continue
        text = re.sub(rf"(?<!\w){re.escape(real)}(?!\w)", replacements[real], text)
    return text
