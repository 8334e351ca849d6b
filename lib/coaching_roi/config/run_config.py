"""The validated run configuration (:class:`Config`) every notebook receives, with the paths it uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from coaching_roi.calendar import quarter_bounds
from coaching_roi.config.rubric import Rubric
from coaching_roi.config.sections import Analysis, Benchmarks, Decision, Economics, Funnel, Report, Verdicts
from coaching_roi.config.sources import Source
from coaching_roi.config.strict import _Strict
from coaching_roi.paths import resolve_path

if TYPE_CHECKING:
    import pandas as pd


class Config(_Strict):
    """Everything a notebook needs, validated and resolved."""

    quarter: str
    quarter_start: date
    quarter_end: date
    name: str
    data_dir: Path
    run_dir: Path
    sources: dict[str, Source]
    rubric: Rubric
    analysis: Analysis
    verdicts: Verdicts = Verdicts()
    benchmarks: Benchmarks
    funnel: Funnel
    economics: Economics
    report: Report
    decision: Decision
    compare_to: Path | None = None

    # ---- paths a notebook uses
    @property
    def artifacts_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def rejects_dir(self) -> Path:
        return self.run_dir / "rejects"

    def artifact(self, name: str) -> Path:
        """Path of a Parquet artifact, e.g. ``artifact("01_opportunities")``."""
        return self.artifacts_dir / f"{name}.parquet"

    def source_path(self, table: str) -> Path | None:
        """Resolve a table's file path (None for SQL sources)."""
        src = self.sources[table]
        if src.format == "sql":
            return None
        return resolve_path(src.path, base=self.data_dir)

    def quarter_bounds(self, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
        """Start (inclusive) and end (exclusive) timestamps of the quarter ``offset`` away."""
        return quarter_bounds(self.quarter, offset)
