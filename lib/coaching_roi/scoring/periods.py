"""Calendar helpers for scores: the Monday of a call's week, its quarter label, a half-open window."""

from __future__ import annotations

import pandas as pd


# ------------------------------------------------------------------------------------ calendar
def week_start(dates: pd.Series) -> pd.Series:
    """Return the Monday (midnight) of each date's week."""
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def quarter_of(dates: pd.Series) -> pd.Series:
    """Return the quarter label (``2026Q3``) of each date as a string Series."""
    d = pd.to_datetime(dates)
    out = d.dt.year.astype("Int64").astype(str) + "Q" + d.dt.quarter.astype("Int64").astype(str)
    return out.where(d.notna()).astype("string")


def in_window(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Boolean mask of dates in ``[start, end)``."""
    d = pd.to_datetime(dates)
    return (d >= start) & (d < end)
