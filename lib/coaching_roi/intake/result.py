"""What intake produced (:class:`IntakeResult`): accepted tables, rejects, accounting, absent tables, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coaching_roi.config import TABLES, Config
from coaching_roi.intake.checklist import coverage, infrastructure_checklist
from coaching_roi.intake.findings_summary import summary
from coaching_roi.intake.quality import date_ranges, quality_report, rejects_by_reason


@dataclass
class IntakeResult:
    """What intake produced: accepted canonical tables, rejects and the row accounting.

    ``tables``: accepted rows per present table, canonical columns and dtypes.
    ``accounting``: one row per present table: ``table, source, rows_read, rows_accepted, rows_rejected``.
    ``rejects``: per present table, the rejected rows: ``source_line, reason`` + original values.
    ``absent``: table -> what cannot be computed without it.
    ``failures``: one row per (rejected row, check): ``table, source_line, check, reason``.
    ``notes``: things the analyst should know that are not row rejects (footer lines skipped, ...).
    """

    tables: dict[str, pd.DataFrame]
    accounting: pd.DataFrame
    rejects: dict[str, pd.DataFrame]
    absent: dict[str, str]
    failures: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def present(self) -> list[str]:
        return [t for t in TABLES if t in self.tables]

    def rejects_by_reason(self) -> pd.DataFrame:
        """Rejected rows per table and reason code: ``table, check, what, n_rows, example``."""
        return rejects_by_reason(self)

    def date_ranges(self) -> pd.DataFrame:
        """First and last date per present table: ``table, date_column, first, last``."""
        return date_ranges(self)

    def coverage(self, cfg: Config) -> pd.DataFrame:
        """Coverage figures of the quarter (see :func:`coverage`)."""
        return coverage(self, cfg)

    def checklist(self, cfg: Config) -> pd.DataFrame:
        """The tracking-infrastructure checklist (see :func:`infrastructure_checklist`)."""
        return infrastructure_checklist(self, cfg)

    def quality_report(self, cfg: Config) -> pd.DataFrame:
        """Per table: rows read/accepted/rejected, share rejected, date range."""
        return quality_report(self, cfg)

    def summary(self, cfg: Config) -> dict[str, Any]:
        """JSON-ready data-quality summary for ``findings.write_part(..., extra=...)``."""
        return summary(self, cfg)
