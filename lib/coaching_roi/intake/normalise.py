"""Normalisation to canonical dtypes (:mod:`coaching_roi.schemas`): dates, numbers, allowed values,
behavior keys. A cell that does not parse becomes a reject reason for its row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import decoding, schemas
from coaching_roi.intake.cells import (
    _as_text,
    _is_blank,
    _no_reasons,
    _on_uniques,
    _reasons,
    _snake,
)
from coaching_roi.intake.loaded import _Loaded


def _parse_dates(s: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype(schemas.DATETIME_DTYPE)
    text = _as_text(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    todo = text.notna()
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce", utc=True)
        ok = parsed.notna()
        out.loc[ok[ok].index] = parsed[ok]
        todo = todo & out.isna()
    return out.dt.tz_localize(None).astype(schemas.DATETIME_DTYPE)


def _parse_numbers(s: pd.Series, decimal: str = "auto") -> pd.Series:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    # Decimal commas, thousands marks, currency symbols and codes, "(300)": coaching_roi.decoding.
    return _on_uniques(s, lambda u: decoding.parse_numbers(_as_text(u), decimal)).astype("float64")


def _normalise_enum(s: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    lookup = {_snake(a): a for a in allowed}

    def fn(v: pd.Series) -> pd.Series:
        text = _as_text(v)
        key = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        return key.map(lookup).astype(schemas.STRING_DTYPE).fillna(text)

    return _on_uniques(s, fn).astype(schemas.STRING_DTYPE)


def _normalise_behaviors(s: pd.Series) -> pd.Series:
    return _on_uniques(s, _normalise_behavior_text).astype(schemas.STRING_DTYPE)


def _normalise_behavior_text(s: pd.Series) -> pd.Series:
    text = _as_text(s)
    norm = (
        text.str.lower()
        .str.replace(r"\s*;\s*", ";", regex=True)
        .str.replace(r"[\s\-]+", "_", regex=True)
        .str.strip(";")
    )
    return norm.where(norm != "")


def _type_frame(ld: _Loaded) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cast the mapped frame to canonical dtypes; return (typed frame, parse-failure reasons)."""
    table, frame = ld.table, ld.frame
    kinds = schemas.kinds(table)
    typed: dict[str, pd.Series] = {}
    reasons = []
    n = len(frame)
    for col, kind in kinds.items():
        if col not in frame.columns:
            dtype = schemas.DTYPES[kind] if kind != "int" else "Int64"
            typed[col] = pd.Series(np.nan if kind != "int" else pd.NA, index=frame.index, dtype=dtype)
            continue
        s = frame[col]
        blank = _is_blank(s)
        if kind == "string":
            if (table, col) in schemas.ALLOWED:
                typed[col] = _normalise_enum(s, schemas.ALLOWED[(table, col)])
            elif col == "behavior":
                typed[col] = _normalise_behaviors(s)
            else:
                typed[col] = _as_text(s)
            continue
        if kind == "datetime":
            parsed = _parse_dates(s, ld.date_formats)
            bad = ~blank & parsed.isna()
            if bad.any():
                shown = ", ".join(f for f in ld.date_formats)
                reasons.append(_reasons(
                    frame.index[bad], f"not_a_date:{col}",
                    col + " " + _as_text(s[bad]).map(repr) + f" is not a date (expected {shown}; "
                    "set mapping.date_format in params for another layout)",
                ))
            typed[col] = parsed
            continue
        parsed = _parse_numbers(s, ld.decimal)
        bad = ~blank & parsed.isna()
        if bad.any():
            reasons.append(_reasons(
                frame.index[bad], f"not_a_number:{col}",
                col + " " + _as_text(s[bad]).map(repr) + " is not a number",
            ))
        if kind == "int":
            frac = parsed.notna() & (parsed != np.round(parsed))
            if frac.any():
                reasons.append(_reasons(
                    frame.index[frac], f"not_whole:{col}",
                    col + " " + parsed[frac].map(lambda v: f"{v:g}") + " is not a whole number",
                ))
            parsed = parsed.where(~frac).round().astype("Int64")
        typed[col] = parsed
    out = pd.DataFrame(typed, index=frame.index)
    assert len(out) == n
    return out, (pd.concat(reasons, ignore_index=True) if reasons else _no_reasons())
