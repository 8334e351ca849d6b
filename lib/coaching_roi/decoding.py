"""Inputs people really have: text encodings and number formats of real exports.

* :func:`decode` reads a text export as written by Excel, Salesforce, HubSpot and friends: UTF-8
  with or without a byte-order mark, UTF-16/UTF-32 with one (Excel's "Unicode text"), and
  Windows-1252/Latin-1 when the bytes are not UTF-8 (said in a note). A file that cannot be decoded
  is one message naming the file, the byte offset and the fix; a binary file (Excel, Parquet, zip,
  PDF) saved with a text extension is named as such.
* :func:`parse_numbers` reads amounts and scores written with a decimal comma (``1.234,56``,
  ``7,5``), thousands separators (``,`` ``.`` space, apostrophe), currency symbols and codes
  (``$``, ``€``, ``USD``, before or after) and accounting negatives ``(300)``. The decimal mark is
  set per source in params (``decimal: ","``) or detected per column from values that can only be
  read one way; a column with no such value keeps the ``.`` reading.
"""

from __future__ import annotations

import codecs
import re

import pandas as pd

from coaching_roi.errors import WorkbookError

AUTO = "auto"
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
)
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook or another zip file", "set format: excel (or export CSV)"),
    (b"PAR1", "a Parquet file", "set format: parquet, or rename it to .parquet"),
    (b"%PDF", "a PDF document", "export the table as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook", "set format: excel, or save it as .xlsx or CSV"),
    (b"SQLite format 3", "an SQLite database", "read it with format: sql (url_env pointing at sqlite:///…)"),
)


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode(data: bytes, encoding: str, *, label: str, hint: str) -> tuple[str, str | None]:
    """Decode ``data`` (the bytes of ``label``); return (text, note or None).

    ``encoding`` is ``"auto"`` (detect) or a Python codec name (used strictly; a byte-order mark of
    that encoding is dropped). ``hint`` is the params key to name in the fix, e.g.
    ``sources.reps.encoding``. Raises :class:`WorkbookError` when the bytes cannot be decoded.
    """
    for magic, what, fix in _MAGIC:
        if data.startswith(magic):
            raise WorkbookError(f"{label}: this is {what}, not a text file. Fix: {fix}.")
    enc = (encoding or AUTO).strip().lower().replace("_", "-")
    if enc != AUTO:
        try:
            codecs.lookup(enc)
        except LookupError:
            raise WorkbookError(
                f"{label}: unknown encoding {encoding!r}. Fix: set {hint} to auto, or to a codec name such "
                "as utf-8, utf-16, cp1252 or latin-1."
            ) from None
        name = codecs.lookup(enc).name
        if name == "utf-8":
            enc = "utf-8-sig"
        elif name in ("utf-16", "utf-32"):
            pass  # the codec reads the byte-order mark itself
        else:
            for bom, bom_enc, _ in _BOMS:
                if data.startswith(bom) and codecs.lookup(bom_enc).name.startswith(name):
                    data = data[len(bom):]
                    break
        return _strict(data, enc, label=label, hint=hint, shown=encoding), None
    for bom, bom_enc, what in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], bom_enc, label=label, hint=hint, shown=what)
            return text, None
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        odd_zeros = head[1::2].count(b"\x00")
        guess = "utf-16-le" if odd_zeros > head[0::2].count(b"\x00") else "utf-16-be"
        text = _strict(data, guess, label=label, hint=hint, shown=f"{guess.upper()} without a byte-order mark")
        return text, f"{label}: read as {guess.upper()} (no byte-order mark); set {hint} if the text looks wrong."
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise WorkbookError(
            f"{label}: not readable as UTF-8 or Windows-1252 (byte 0x{data[first_bad]:02x} at byte offset "
            f"{first_bad}, line {_line_of(data, first_bad)}). Fix: save it as UTF-8 (Excel: Save As > CSV UTF-8), "
            f"or set {hint} to the file's encoding (e.g. latin-1, mac-roman, utf-16) in params."
        ) from None
    return text, (
        f"{label}: not UTF-8 (byte 0x{data[first_bad]:02x} at offset {first_bad}); read as Windows-1252 "
        f"(Western European). Set {hint} in params if names look wrong."
    )


def _strict(data: bytes, enc: str, *, label: str, hint: str, shown: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        bad = data[exc.start] if exc.start < len(data) else 0
        raise WorkbookError(
            f"{label}: not readable as {shown} (byte 0x{bad:02x} at byte offset {exc.start}, line "
            f"{_line_of(data, exc.start)}). Fix: save it as UTF-8 (Excel: Save As > CSV UTF-8), or set "
            f"{hint} to the file's real encoding (e.g. latin-1 or cp1252) in params."
        ) from None


# ==================================================================================== numbers
_US_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_EU_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d*)?")
_EU_DECIMAL = re.compile(r"\d*,\d+|\d+,")
_AMBIGUOUS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")  # 1,234: thousands (US) or three decimals (EU)
_AMBIGUOUS_DOT = re.compile(r"\d{1,3}\.\d{3}")  # 1.234: decimals (US) or thousands (EU)
_CURRENCY = re.compile(r"^[A-Z]{3}(?=[\s\d(+\-.,])|(?<=[\d\s)])[A-Z]{3}$|[$€£¥₹₩₽]|\s")
_GROUP_MARKS = re.compile(r"(?<=\d)['’](?=\d{3})")


def _strip(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Remove currency, spaces and apostrophe groupings; return (core digits text, negative?)."""
    t = text.str.strip().str.replace(_CURRENCY, "", regex=True).str.replace(_GROUP_MARKS, "", regex=True)
    neg = t.str.match(r"^\(.*\)$", na=False)
    t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    trailing = t.str.match(r"^[\d.,]+-$", na=False)  # "300-" (SAP style)
    t = t.mask(trailing, t.str[:-1])
    sign = t.str.extract(r"^([+-]?)", expand=False).fillna("")
    core = t.str.replace(r"^[+-]", "", regex=True)
    return core, neg | trailing | (sign == "-")


def detect_decimal(core: pd.Series) -> str:
    """``","`` when some value can only be read with a decimal comma and none only with a point."""
    vals = core.dropna()
    vals = vals[vals != ""]
    both = vals[vals.str.contains(",", regex=False) & vals.str.contains(".", regex=False)]
    eu = int(both.str.match(r"^[\d.]*,\d*$").sum())
    us = int(both.str.match(r"^[\d,]*\.\d*$").sum())
    comma_only = vals[vals.str.contains(",", regex=False) & ~vals.str.contains(".", regex=False)]
    eu += int((comma_only.str.fullmatch(_EU_DECIMAL.pattern) & ~comma_only.str.fullmatch(_AMBIGUOUS_COMMA.pattern)).sum())
    dot_only = vals[vals.str.contains(".", regex=False) & ~vals.str.contains(",", regex=False)]
    eu += int(dot_only.str.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}").sum())  # 1.234.567
    us += int((dot_only.str.fullmatch(r"\d*\.\d+|\d+\.") & ~dot_only.str.fullmatch(_AMBIGUOUS_DOT.pattern)).sum())
    return "," if eu > 0 and us == 0 else "."


def parse_numbers(text: pd.Series, decimal: str = AUTO) -> pd.Series:
    """Numbers from text cells (see the module docstring); unreadable cells become NaN."""
    core, negative = _strip(text)
    mark = detect_decimal(core) if decimal == AUTO else decimal
    if mark == ",":
        grouped = core.str.fullmatch(_EU_GROUPED.pattern, na=False)
        core = core.mask(grouped, core.str.replace(".", "", regex=False))
        core = core.str.replace(",", ".", regex=False)
    else:
        grouped = core.str.fullmatch(_US_GROUPED.pattern, na=False)
        core = core.mask(grouped, core.str.replace(",", "", regex=False))
    out = pd.to_numeric(core.where(core.str.match(r"^[\d.]*\d[\d.]*(?:[eE][+-]?\d+)?$", na=False)),
                        errors="coerce").astype("float64")
    return out.mask(negative.fillna(False).astype(bool), -out)
