"""CSV exports that a person opens in a spreadsheet: formula cells neutralised (SPEC §10).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"). :func:`safe_csv` prefixes such
*text* cells with an apostrophe, which spreadsheets show as the literal text. Numbers stay numbers:
a negative amount in a numeric column is written as ``-5``, not ``'-5``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from coaching_roi.safety import open_atomic

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n",
                                     "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
# A plain number written as text ("-500", "+3.5e2") cannot run anything; it stays as it is so a
# rejected "-500" amount still reads as the number the source held.
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells that a spreadsheet would run as a formula start with ``'``.

    Only string/object columns are touched, and inside them only ``str`` cells that are not a plain
    number: numeric columns, numbers inside object columns and text such as ``"-500"`` keep their
    sign.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if pd.api.types.is_bool_dtype(s):
            continue
        is_text = s.map(lambda v: isinstance(v, str)).astype(bool)
        if not is_text.any():
            continue
        text = s[is_text].astype(str)
        risky = text.str.startswith(FORMULA_PREFIXES) & ~text.str.match(_PLAIN_NUMBER)
        if risky.any():
            obj = s.astype(object)
            obj.loc[risky[risky].index] = "'" + text[risky]
            out[col] = obj
    # Column names are cells too.
    out.columns = ["'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns]
    return out


def safe_csv(df: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write ``df`` as UTF-8 CSV with spreadsheet formulas neutralised; atomic (temp file + rename),
    with the permissions the umask gives any new file.

    Returns the path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = neutralise_formulas(df)
    fh, tmp = open_atomic(path)  # permissions from the umask, like any other file the run writes
    try:
        with fh:
            clean.to_csv(fh, index=index)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
