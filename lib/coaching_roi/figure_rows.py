"""Which rows a per-rep (or per-coach) figure draws when a large team has more than it can show: the two
ends of an ordering (the least and the most regular, say), the tables beside the figure keeping every row."""

from __future__ import annotations

import pandas as pd


def both_ends(frame: pd.DataFrame, by: list[str], max_rows: int) -> pd.DataFrame:
    """``frame`` when it has at most ``max_rows`` rows; else its first ``max_rows // 2`` and its last
    ``max_rows - max_rows // 2`` rows when sorted by ``by`` (stable, so ties come out the same every run)."""
    if len(frame) <= max_rows:
        return frame
    order = frame.sort_values(by, kind="stable")
    k_low = max_rows // 2
    return pd.concat([order.iloc[:k_low], order.iloc[len(order) - (max_rows - k_low):]])


def rows_and_title(frame: pd.DataFrame, by: list[str], max_rows: int, title: str, *, low: str, high: str, noun: str,
                   where: str) -> tuple[pd.DataFrame, str]:
    """The rows a figure draws (:func:`both_ends`) and its title, which gains a line saying which rows it shows
    when it cannot show them all."""
    rows = both_ends(frame, by, max_rows)
    shown, total = len(rows), len(frame)
    if shown < total:
        title += f"\n(the {shown // 2} {low} and {shown - shown // 2} {high} of {total:,} {noun} shown; every {where})"
    return rows, title
