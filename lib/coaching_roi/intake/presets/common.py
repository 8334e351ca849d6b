"""Helpers the vendor presets share: required-column check, optional columns, CRM stage -> status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import schemas
from coaching_roi.errors import WorkbookError
from coaching_roi.intake.cells import (
    _as_text,
    _table_hint,
)


def _need(raw: pd.DataFrame, cols: list[str], label: str, preset: str, table: str, what: str) -> None:
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        raise WorkbookError(
            f"{label}: missing column {missing[0]!r} expected by the {preset} preset ({what}). "
            f"Fix: point {_table_hint(table)}.path at {what}, or use preset: canonical with a mapping."
        )


def _opt(raw: pd.DataFrame, *names: str) -> pd.Series:
    for n in names:
        if n in raw.columns:
            return raw[n]
    return pd.Series(np.nan, index=raw.index, dtype=schemas.STRING_DTYPE)


def _stage_status(stage: pd.Series) -> pd.Series:
    """CRM stage label -> won/lost/open ('Closed Won', 'closedwon' -> won; other stages -> open)."""
    key = _as_text(stage).str.lower().str.replace(r"[^a-z]", "", regex=True)
    out = pd.Series("open", index=stage.index, dtype=schemas.STRING_DTYPE)
    out = out.mask(key.str.contains("closedwon", na=False) | (key == "won"), "won")
    out = out.mask(key.str.contains("closedlost", na=False) | (key == "lost"), "lost")
    return out.where(key.notna())
