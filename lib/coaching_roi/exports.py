"""Files a person opens in a spreadsheet: CSV and Excel, with formula cells made harmless.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"). :func:`safe_csv` prefixes such
*text* cells with an apostrophe, which spreadsheets show as the literal text. Numbers stay numbers:
a negative amount in a numeric column is written as ``-5``, not ``'-5``. CSVs are UTF-8 with a
byte-order mark, so Excel opens names with accents intact.

:func:`safe_xlsx` writes an Excel workbook (one sheet per frame) whose text cells are stored as
text, never as formulas; :func:`plan_workbook` splits the coaching plan into one sheet per manager.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from coaching_roi import textsafe
from coaching_roi.safety import atomic_csv, atomic_write_bytes

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
    """Write ``df`` as UTF-8 CSV (with a byte-order mark, for Excel) with spreadsheet formulas
    neutralised; atomic (temp file + rename), with the permissions the umask gives any new file.

    Returns the path written.
    """
    return atomic_csv(neutralise_formulas(df), path, encoding="utf-8-sig", index=index)  # BOM for Excel


# ----------------------------------------------------------------------------------------- Excel
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (no ``[]:*?/\\``, at most 31 characters)."""
    base = _SHEET_BAD.sub(" ", textsafe.plain(name)).strip().strip("'") or "Sheet"
    base = base[:31]
    title, k = base, 2
    while title.lower() in {u.lower() for u in used}:
        suffix = f" ({k})"
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(title)
    return title


def _cell_value(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp,)):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()  # numpy scalar -> Python
    return textsafe.plain(v) if isinstance(v, str) else v  # the sheet's XML forbids control characters


def safe_xlsx(sheets: dict[str, pd.DataFrame], path: str | os.PathLike, *,
              headers: dict[str, str] | None = None) -> Path:
    """Write one sheet per frame (in order); text cells are stored as text, so nothing runs as a formula.

    ``headers`` renames columns for the reader (e.g. ``{"rep_name": "Rep"}``). Header row bold and
    frozen; column widths follow the content. Atomic (temp file + rename).
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in sheets.items():
        ws = wb.create_sheet(sheet_title(name, used))
        cols = [textsafe.plain((headers or {}).get(c, c)) for c in df.columns]
        ws.append(cols)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        values = [df.iloc[:, k].tolist() for k in range(df.shape[1])]  # each column's values, read once
        for row in zip(*values, strict=True):
            cells = [Cell(ws, value=_cell_value(v)) for v in row]
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=…" stays text: openpyxl would otherwise store a formula
            ws.append(cells)
        for j, c in enumerate(cols, start=1):
            longest = max([len(c)] + [len(str(v)) for v in values[j - 1] if v is not None])
            ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest + 2), 60)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write_bytes(path, buf.getvalue())  # umask permissions, like every file a run writes


# The plan's columns (coaching_roi.plan.PLAN_COLUMNS) as a manager reads them in the workbook.
PLAN_HEADERS = {
    "rep_id": "Rep ID", "rep_name": "Rep", "role": "Role", "manager_id": "Manager", "tier": "Tier",
    "tier_metric": "Tier measure", "tier_value": "Tier value", "focus_kind": "Kind of focus",
    "focus_source": "Focus from", "focus_key": "Focus key", "focus": "Focus", "evidence": "Evidence",
    "observable": "Observable to commit to", "coaching_approach": "Coaching approach",
    "sessions_this_quarter": "Sessions this quarter", "last_session_date": "Last session",
    "watch_review_date": "Review by", "watch_decision_date": "Decide by",
}


def plan_workbook(plan: pd.DataFrame, path: str | os.PathLike, *, headers: dict[str, str] | None = None,
                  manager_column: str = "manager_id") -> Path:
    """The coaching plan as an Excel workbook: every rep on the first sheet, then one sheet per manager
    (reps without a manager on a sheet of their own)."""
    sheets: dict[str, pd.DataFrame] = {"All reps": plan}
    if manager_column in plan.columns:
        key = plan[manager_column].astype("string")
        for m in sorted(key.dropna().unique()):
            sheets[f"Manager {m}"] = plan.loc[key == m]
        if key.isna().any():
            sheets["No manager"] = plan.loc[key.isna()]
    return safe_xlsx(sheets, path, headers=PLAN_HEADERS if headers is None else headers)
