"""Reject-reason texts: one formatter per named check, turning the failing rows into one sentence each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from coaching_roi.schemas.tables import ALLOWED, BEHAVIOR_SEPARATOR, KEYS

if TYPE_CHECKING:
    from coaching_roi.config import Rubric



def _num(v: object) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)


# Each formatter takes the failing rows (all canonical columns) and returns one reason per row.
Formatter = Callable[[pd.DataFrame, "Rubric"], pd.Series]


def _fmt_scale(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    lo, hi = _num(rubric.scale_min), _num(rubric.scale_max)
    return rows["score"].map(lambda v: f"score {float(v):.1f} outside the rubric scale {lo}–{hi}")


def _fmt_behavior(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    keys = set(rubric.keys)

    def one(v: object) -> str:
        parts = [p.strip() for p in str(v).split(BEHAVIOR_SEPARATOR)]
        bad = [p for p in parts if p not in keys]
        if parts and all(p == "" for p in parts):
            return "behavior is blank"
        shown = ", ".join(repr(b) for b in bad[:3]) or repr(str(v))
        return f"behavior {shown} is not a rubric key (see rubric.behaviors in params)"

    return rows["behavior"].map(one)


def _fmt_close_before_created(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return (
        "close_date " + rows["close_date"].dt.strftime("%Y-%m-%d")
        + " is before created_date " + rows["created_date"].dt.strftime("%Y-%m-%d")
    )


def _fmt_end_before_hire(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return (
        "end_date " + rows["end_date"].dt.strftime("%Y-%m-%d")
        + " is before hire_date " + rows["hire_date"].dt.strftime("%Y-%m-%d")
    )


def _fmt_closed_without_date(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return rows["status"].map(
        lambda s: f"{s} deal has no close_date (a closed deal needs one to count in a quarter)"
    )


def _fmt_amount_missing(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return rows["status"].map(lambda s: f"{s} deal has no amount (only open deals may leave it blank)")


def _fmt_negative(col: str) -> Formatter:
    return lambda rows, rubric: rows[col].map(lambda v: f"{col} {_num(v)} is negative (must be >= 0)")


def _fmt_allowed(table: str, col: str) -> Formatter:
    allowed = ", ".join(ALLOWED[(table, col)])
    return lambda rows, rubric: rows[col].map(lambda v: f"{col} {str(v)!r} is not one of: {allowed}")


def _fmt_funnel(later: str, earlier: str) -> Formatter:
    return lambda rows, rubric: (
        later + " " + rows[later].map(_num) + " > " + earlier + " " + rows[earlier].map(_num)
        + " (a funnel stage cannot exceed the stage before it)"
    )


def _fmt_blank(col: str) -> Formatter:
    return lambda rows, rubric: pd.Series(f"{col} is blank (required)", index=rows.index)


def _fmt_duplicate(table: str) -> Formatter:
    key = KEYS[table]

    def fmt(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
        shown = rows[list(key)].astype(object).where(rows[list(key)].notna(), "")
        label = shown.astype(str).agg(" / ".join, axis=1) if len(key) > 1 else shown[key[0]].astype(str)
        return (
            "duplicate " + " + ".join(key) + " " + label.map(repr)
            + " (an earlier row has the same key; the first is kept, later ones rejected)"
        )

    return fmt
