"""The JSON-ready data-quality summary notebook 01 writes into its findings part."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coaching_roi.config import Config
from coaching_roi.intake.checklist import coverage, infrastructure_checklist
from coaching_roi.intake.quality import date_ranges, quality_report, rejects_by_reason

if TYPE_CHECKING:
    from coaching_roi.intake.result import IntakeResult


def summary(result: IntakeResult, cfg: Config) -> dict[str, Any]:
    """JSON-ready summary of data quality for the findings file (index page and deck appendix)."""

    def clean(v: Any) -> Any:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            return None
        if isinstance(v, pd.Timestamp):
            return None if pd.isna(v) else v.strftime("%Y-%m-%d")
        if v is pd.NaT or v is pd.NA:
            return None
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return None if not np.isfinite(v) else float(v)
        return v

    def records(df: pd.DataFrame) -> list[dict]:
        return [{k: clean(v) for k, v in r.items()} for r in df.astype(object).to_dict("records")]

    acc = result.accounting
    cov = coverage(result, cfg)
    chk = infrastructure_checklist(result, cfg)
    lines = []
    for r in quality_report(result, cfg).itertuples(index=False):
        span = ""
        if pd.notna(r.first) and pd.notna(r.last):
            span = f"; {r.date_column} {r.first:%Y-%m-%d} to {r.last:%Y-%m-%d}"
        lines.append(f"{r.table} ({r.source}): {r.rows_read:,} rows read, {r.rows_accepted:,} accepted, "
                     f"{r.rows_rejected:,} rejected{span}.")
    for table, why in result.absent.items():
        lines.append(f"{table}: absent — {why}.")
    for r in cov.itertuples(index=False):
        lines.append(f"Coverage: {r.metric}: " + (f"{r.value:.0%} ({r.numerator} of {r.denominator})"
                                                   if pd.notna(r.value) else str(r.note)) + ".")
    for r in chk.itertuples(index=False):
        lines.append(f"{r.item}: {r.answer} — {r.figure}.")
    return {
        "summary_lines": lines,
        "present": result.present,
        "absent": result.absent,
        "accounting": records(acc),
        "rows_read": int(acc["rows_read"].sum()),
        "rows_accepted": int(acc["rows_accepted"].sum()),
        "rows_rejected": int(acc["rows_rejected"].sum()),
        "date_ranges": records(date_ranges(result)),
        "rejects_by_reason": records(rejects_by_reason(result).drop(columns=["example"])),
        "coverage": records(cov),
        "checklist": records(chk),
        "notes": list(result.notes),
    }
