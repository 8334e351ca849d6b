"""Quarter labels (``2026Q3``): the pattern, the [start, end) bounds and shifting by whole quarters."""

from __future__ import annotations

import re

import pandas as pd

from coaching_roi.errors import WorkbookError

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(quarter: str, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return [start, end) of ``quarter`` shifted by ``offset`` quarters."""
    m = QUARTER_RE.match(quarter)
    if not m:
        raise WorkbookError(f"Bad quarter {quarter!r}: write it as YYYYQn, e.g. 2026Q3.")
    p = pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q") + offset
    return p.start_time.normalize(), (p + 1).start_time.normalize()


def quarter_label(quarter: str, offset: int = 0) -> str:
    """Return the label of the quarter ``offset`` quarters from ``quarter`` (e.g. 2026Q4)."""
    start, _ = quarter_bounds(quarter, offset)
    p = start.to_period("Q")
    return f"{p.year}Q{p.quarter}"
