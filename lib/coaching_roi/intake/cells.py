"""Cell-level helpers shared by every intake step: text and blank tests, name slugs, reject-reason frames.

A reject reason is one row of ``row, check, reason``: ``row`` is the record's position in the mapped
frame, ``check`` a short code (``not_a_date:call_date``), ``reason`` the sentence shown to people.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coaching_roi import schemas

_REASON_COLUMNS = ["row", "check", "reason"]


def _reasons(rows: pd.Index | np.ndarray | list, check: str, reason: str | pd.Series) -> pd.DataFrame:
    rows = pd.Index(rows)
    if isinstance(reason, pd.Series):
        values = reason.to_numpy(dtype=object)
    else:
        values = np.full(len(rows), reason, dtype=object)
    return pd.DataFrame({"row": rows.to_numpy(), "check": check, "reason": values})


def _no_reasons() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _REASON_COLUMNS})


def rep_id_from_name(names: pd.Series) -> pd.Series:
    """Return a stable, readable rep id for each name: ASCII slug, e.g. "Moses Frase" -> "moses-frase".

    Used by presets whose exports carry rep *names* only (Maven, Salesforce, HubSpot). The same name
    always gives the same id, across files and runs.
    """
    s = names.astype(schemas.STRING_DTYPE).str.normalize("NFKD").str.replace(r"[^\x00-\x7f]", "", regex=True)
    s = s.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    return s.where(s.str.len() > 0)


def rep_id_from_name_one(name: str) -> str | None:
    """:func:`rep_id_from_name` for one name."""
    out = rep_id_from_name(pd.Series([name]))
    return None if pd.isna(out.iloc[0]) else str(out.iloc[0])


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _on_uniques(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a (string-heavy) transform to the distinct values of ``s`` only, then broadcast back.

    Scores, behaviors, roles and call types repeat a handful of values over millions of rows.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) * 4 > len(s):
        return fn(s)
    done = fn(pd.Series(uniques, dtype=s.dtype)).reset_index(drop=True)
    out = done.take(np.where(codes < 0, 0, codes)) if len(done) else pd.Series(np.nan, index=range(len(s)))
    out = out.set_axis(s.index)
    if (codes < 0).any():
        out = out.where(codes >= 0)
    return out


def isin_text(values: pd.Series, pool: pd.Series) -> np.ndarray:
    """``values.isin(pool)`` for text columns (a missing value never matches), as a boolean array.

    Arrow builds one hash set of the pool's distinct values; pandas' ``isin`` on Arrow strings first
    makes a Python object per pool value (seconds for a pool of a million call ids).
    """
    v = pa.chunked_array(pa.array(values.astype(schemas.STRING_DTYPE)))
    distinct = pa.array(pool.astype(schemas.STRING_DTYPE).dropna().unique())
    found = pc.is_in(v, value_set=distinct.cast(v.type), skip_nulls=True)
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False) & values.notna().to_numpy()


def _is_blank(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.isna()
    st = s.astype(schemas.STRING_DTYPE)
    return st.isna() | (st.str.strip() == "")


def _as_text(s: pd.Series) -> pd.Series:
    """Values as stripped text (missing/blank -> NaN); whole floats lose their '.0' (ids from Excel)."""
    if pd.api.types.is_float_dtype(s):
        whole = s.notna() & np.isfinite(s) & (s == np.round(s))
        out = s.astype(object)
        out[whole] = s[whole].astype("int64").astype(str)
        s = out
    st = s.astype(schemas.STRING_DTYPE).str.strip()
    return st.where(st != "")


def _table_hint(table: str) -> str:
    return f"sources.{table}"
