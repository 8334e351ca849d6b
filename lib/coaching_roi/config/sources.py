"""The quarter file's model: the canonical table names, where each table comes from (``sources``:
file or SQL, vendor preset, column mapping) and the quarter file's top-level keys.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from coaching_roi import safety
from coaching_roi.calendar import QUARTER_RE
from coaching_roi.config.strict import _Strict

TABLES: tuple[str, ...] = (
    "reps",
    "calls",
    "call_scores",
    "coaching_sessions",
    "opportunities",
    "sdr_activity",
)


PRESETS = ("canonical", "salesforce_report", "hubspot_deals", "gong_scorecards", "maven_crm")


FORMATS = ("csv", "excel", "parquet", "json", "sql")


class Mapping(_Strict):
    """A user-written mapping of a vendor export onto a canonical table, without code."""

    renames: dict[str, str] = {}
    value_maps: dict[str, dict[str, str]] = {}
    date_format: str | tuple[str, ...] | None = None  # one strftime layout, or several tried in order
    drop_columns: tuple[str, ...] = ()


class Source(_Strict):
    """Where one canonical table comes from."""

    path: str | None = None
    format: Literal["csv", "excel", "parquet", "json", "sql"] | None = None
    preset: Literal["canonical", "salesforce_report", "hubspot_deals", "gong_scorecards", "maven_crm"] = (
        "canonical"
    )
    mapping: Mapping | None = None
    # SQL sources: the query and the name of the environment variable holding the SQLAlchemy URL.
    # Credentials never go in params: papermill writes parameters into every output notebook.
    query: str | None = None
    url_env: str | None = None
    sheet: str | int | None = None
    # Text files: "auto" reads UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252;
    # or a Python codec name, used strictly (e.g. utf-16, cp1252, latin-1, mac-roman).
    encoding: str = "auto"
    # Decimal mark of amounts and scores: "auto" (detected per column), "." or "," (1.234,56).
    decimal: Literal["auto", ".", ","] = "auto"

    @model_validator(mode="after")
    def _check(self) -> Source:
        if self.format == "sql" and not (self.query and self.url_env):
            raise ValueError("a sql source needs both `query` and `url_env`")
        return self


class QuarterFile(_Strict):
    """The keys a quarter file may hold (and that papermill injects into every notebook)."""

    quarter: str
    name: str | None = None
    data_dir: str
    sources: dict[str, Source] = {}
    overrides: dict[str, Any] = {}
    # An earlier run folder of this workbook (e.g. outputs/2026Q2): the deck and the index page then
    # say what changed since that run. Relative paths are read from the project root.
    compare_to: str | None = None

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, v: str) -> str:
        if not QUARTER_RE.match(str(v)):
            raise ValueError(f"quarter must look like 2026Q3, got {v!r}")
        return str(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        why = None if v is None else safety.run_name_problem(v)
        if why:
            raise ValueError(f"the run name {why}")
        return v

    @field_validator("sources")
    @classmethod
    def _tables(cls, v: dict[str, Source]) -> dict[str, Source]:
        unknown = [t for t in v if t not in TABLES]
        if unknown:
            raise ValueError(
                f"unknown table(s) in sources: {', '.join(unknown)} (known: {', '.join(TABLES)})"
            )
        return v
