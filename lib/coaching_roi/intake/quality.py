"""The data-quality report: rejected rows per reason (with a plain label per check code), date ranges
and per-table row accounting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import TABLES, Config
from coaching_roi.intake.cells import isin_text

if TYPE_CHECKING:
    from coaching_roi.intake.result import IntakeResult


_CHECK_LABELS = {
    "malformed_row": "wrong number of values in the row",
    "duplicate_key": "duplicate key (later copies)",
    "score_scale": "score outside the rubric scale",
    "behavior_not_in_rubric": "behavior not a rubric key",
    "close_before_created": "close date before created date",
    "closed_without_date": "closed deal without close date",
    "amount_missing": "closed deal without amount",
    "end_before_hire": "end date before hire date",
    "unknown_rep": "rep_id not in reps (or its reps row rejected)",
    "unknown_call": "call_id not in calls (or its calls row rejected)",
    "session_before_hire": "session before the rep's hire date",
    "gong_not_applicable": "Gong answer not applicable",
    "gong_overall": "Gong overall score (not a behavior)",
}


def _check_label(code: str) -> str:
    if code in _CHECK_LABELS:
        return _CHECK_LABELS[code]
    kind, _, col = code.partition(":")
    return {
        "blank": f"{col} blank (required)",
        "not_a_date": f"{col} not a date",
        "not_a_number": f"{col} not a number",
        "not_whole": f"{col} not a whole number",
        "non_negative": f"{col} negative",
        "allowed": f"{col} not an allowed value",
        "funnel": f"funnel count above the stage before ({col})",
        "never_engaged": "Maven Prospecting deal, never engaged: no created date",
    }.get(kind, code)


def rejects_by_reason(result: IntakeResult) -> pd.DataFrame:
    """Count rejected rows per table and reason: ``table, check, what, n_rows, example``.

    A row with two problems counts under both reasons (so the column may sum above rows_rejected).
    """
    f = result.failures
    cols = ["table", "check", "what", "n_rows", "example"]
    if f.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    g = (
        f.groupby(["table", "check"], observed=True, sort=False)
        .agg(n_rows=("source_line", "size"), example=("reason", "first"))
        .reset_index()
    )
    g.insert(2, "what", g["check"].map(_check_label))
    order = {t: i for i, t in enumerate(TABLES)}
    return g.sort_values(["table", "n_rows"], key=lambda s: s.map(order) if s.name == "table" else -s).reset_index(
        drop=True
    )[cols]


def date_ranges(result: IntakeResult) -> pd.DataFrame:
    """First and last date of accepted rows per present table (call_scores via their calls)."""
    rows = []
    for table in result.present:
        col = schemas.DATE_COLUMN[table]
        df = result.tables[table]
        if col is None and table == "call_scores" and "calls" in result.tables:
            calls = result.tables["calls"]  # the dates of the calls that have scores (no row-per-score merge)
            dates = calls.loc[isin_text(calls["call_id"], df["call_id"]), "call_date"]
            col = "call_date (of the call)"
        elif col is None:
            dates, col = pd.Series(dtype=schemas.DATETIME_DTYPE), "—"
        else:
            dates = df[col]
        rows.append({"table": table, "date_column": col, "first": dates.min(), "last": dates.max()})
    return pd.DataFrame(rows)


def quality_report(result: IntakeResult, cfg: Config) -> pd.DataFrame:
    """Per present table: source, rows read/accepted/rejected, share rejected, first/last date."""
    acc = result.accounting.copy()
    acc["share_rejected"] = (acc["rows_rejected"] / acc["rows_read"].where(acc["rows_read"] > 0)).astype("float64")
    return acc.merge(date_ranges(result), on="table", how="left")
