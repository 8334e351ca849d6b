"""Score windows: a half-open date window (weeks and quarters live in :mod:`coaching_roi.calendar`)."""

from __future__ import annotations

import pandas as pd

from coaching_roi.calendar import quarter_of, week_start  # noqa: F401  (re-exported for scoring)


# ------------------------------------------------------------------------------------ calendar
def in_window(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Boolean mask of dates in ``[start, end)``."""
    d = pd.to_datetime(dates)
    return (d >= start) & (d < end)
