"""The in-flight state of one table during intake: read and mapped (:class:`_Loaded`), then
typed and checked (:class:`_Checked`); :class:`_NoRows` marks a source with a header but no rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

Progress = Callable[[str], None] | None


@dataclass
class _Loaded:
    """One table after reading and mapping, before typing."""

    table: str
    label: str  # file name (or "sql:<env>") used in messages
    raw: pd.DataFrame  # original values as read, RangeIndex
    lines: np.ndarray  # source line (or record number) of each raw row
    frame: pd.DataFrame  # canonical column names, values still as read; column _row -> raw position
    pre: list[pd.DataFrame]  # reasons found before typing (row = frame index)
    name_keyed: bool = False  # rep_id derived from a rep *name* (resolved against reps.rep_name)
    date_formats: tuple[str, ...] = ("ISO8601",)
    decimal: str = "auto"  # the source's decimal mark: "auto", "." or ","
    melted_from_wide: bool = False
    notes: list[str] = field(default_factory=list)


class _NoRows(Exception):
    """A source with a header (or a query) but no rows: the table counts as absent."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


@dataclass
class _Checked:
    ld: _Loaded
    typed: pd.DataFrame
    reasons: pd.DataFrame  # row, check, reason
