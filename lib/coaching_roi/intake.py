"""Data intake (SPEC §3): read each table, map vendor exports, normalise, validate, account for rows.

The flow for every canonical table:

1. **Locate** the source (``cfg.sources[table]``): a file in ``data_dir`` or a SQL query. A table
   whose default file (``<table>.csv``, or ``.parquet``/``.xlsx``/``.json``) is not there is
   *absent*: later analyses say what they cannot compute (:data:`ABSENT_IMPACT`).
2. **Read** it as it is (CSV with the ``csv`` module so every record keeps its source line number;
   Excel, Parquet, JSON, SQL through pandas/SQLAlchemy). Whole-file problems raise
   :class:`~coaching_roi.errors.WorkbookError` with one message naming file, problem and fix.
3. **Map**: the preset (``canonical``, ``maven_crm``, ``salesforce_report``, ``hubspot_deals``,
   ``gong_scorecards``) puts vendor columns and values onto the canonical ones, then the user's
   ``mapping`` from params (drop_columns, renames, value_maps, date_format) is applied. Wide
   ``call_scores`` (one column per behavior) are melted to long.
4. **Normalise** to canonical dtypes (:mod:`coaching_roi.schemas`); an unparseable cell rejects
   its row ("call_date '31/02/2026' is not a date").
5. **Validate** lazily with pandera (every failure at once), then across tables (rep and call
   references, session on or after hire). Every failing row goes to ``rejects/<table>.csv`` with
   its source line, the reasons and its original values. Rows read = accepted + rejected, exactly.

Row accounting unit: one canonical record. For a long file that is one line; for a *wide*
``call_scores`` file it is one non-blank behavior cell (a call × behavior score), all sharing the
line of their row; for Gong JSON it is one answer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi import decoding, redact, schemas
from coaching_roi.config import TABLES, Config, Mapping, Source
from coaching_roi.errors import WorkbookError
from coaching_roi.exports import safe_csv
from coaching_roi.paths import resolve_path

Progress = Callable[[str], None] | None

ABSENT_IMPACT: dict[str, str] = {
    "reps": (
        "no rep roster: AEs cannot be told from SDRs, ramp time (needs hire dates and onboarding "
        "program) and quota attainment cannot be computed, and rep references in the other tables "
        "cannot be checked"
    ),
    "calls": (
        "no scored calls: no composite discovery score, no behavioral quartiles or win-rate gap, no "
        "behavior change after coaching (layer 2) and no outcome link (layer 3) — the evidence chain "
        "stops at coaching activity"
    ),
    "call_scores": (
        "no call scores: no behavior measurement at all, so layers 2 and 3 of the evidence chain "
        "(behavioral change, outcomes) cannot be shown; start by scoring discovery calls"
    ),
    "coaching_sessions": (
        "no coaching log: coaching activity (layer 1), cadence and the one-behavior share cannot be "
        "shown, and behavior change cannot be tied to coaching episodes"
    ),
    "opportunities": (
        "no CRM opportunities: no win rates, deal cycles, time to first win, outcome link (layer 3) "
        "or money (ramp and cycle value, ROI)"
    ),
    "sdr_activity": (
        "no SDR activity: no SDR funnel, benchmark gaps or funnel-based coaching focus (notebook 04)"
    ),
}
"""What later analyses cannot compute when a table is absent (the "tracking infrastructure" gap)."""

MIN_CLOSED_DEALS_PER_REP = 5
"""Closed deals a rep needs in a quarter before a rep-level win rate means anything."""

OPEN_DEAL_ONLY_CHECKS = frozenset({"never_engaged:created_date"})
"""Reject reasons that only open deals can have (they do not affect win rates)."""

_FILE_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "json",
}
_DEFAULT_SUFFIXES = (".csv", ".parquet", ".xlsx", ".json")
_REASON_COLUMNS = ["row", "check", "reason"]


# ==================================================================================== results
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


@dataclass
class _Loaded:
    """One table after reading and mapping, before typing."""

    table: str
    label: str  # file name (or "sql:<env>") used in messages
    raw: pd.DataFrame  # original values as read, RangeIndex
    lines: np.ndarray  # source line (or record number) of each raw row
    frame: pd.DataFrame  # canonical column names, values still as read; column _row -> raw position
    pre: list[pd.DataFrame]  # reasons found before typing (row = frame index)
    name_keyed: bool = False  # rep_id derived from a rep *name* (resolved against reps.rep_name)
    date_formats: tuple[str, ...] = ("ISO8601",)
    decimal: str = "auto"  # the source's decimal mark: "auto", "." or ","
    melted_from_wide: bool = False
    notes: list[str] = field(default_factory=list)


def _reasons(rows: pd.Index | np.ndarray | list, check: str, reason: str | pd.Series) -> pd.DataFrame:
    rows = pd.Index(rows)
    if isinstance(reason, pd.Series):
        values = reason.to_numpy(dtype=object)
    else:
        values = np.full(len(rows), reason, dtype=object)
    return pd.DataFrame({"row": rows.to_numpy(), "check": check, "reason": values})


def _no_reasons() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _REASON_COLUMNS})


# ================================================================================ helpers
def rep_id_from_name(names: pd.Series) -> pd.Series:
    """Return a stable, readable rep id for each name: ASCII slug, e.g. "Moses Frase" -> "moses-frase".

    Used by presets whose exports carry rep *names* only (Maven, Salesforce, HubSpot). The same name
    always gives the same id, across files and runs.
    """
    s = names.astype(schemas.STRING_DTYPE).str.normalize("NFKD").str.replace(r"[^\x00-\x7f]", "", regex=True)
    s = s.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    return s.where(s.str.len() > 0)


def rep_id_from_name_one(name: str) -> str | None:
    """:func:`rep_id_from_name` for one name."""
    out = rep_id_from_name(pd.Series([name]))
    return None if pd.isna(out.iloc[0]) else str(out.iloc[0])


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _on_uniques(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a (string-heavy) transform to the distinct values of ``s`` only, then broadcast back.

    Scores, behaviors, roles and call types repeat a handful of values over millions of rows.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) * 4 > len(s):
        return fn(s)
    done = fn(pd.Series(uniques, dtype=s.dtype)).reset_index(drop=True)
    out = done.take(np.where(codes < 0, 0, codes)) if len(done) else pd.Series(np.nan, index=range(len(s)))
    out = out.set_axis(s.index)
    if (codes < 0).any():
        out = out.where(codes >= 0)
    return out


def _is_blank(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.isna()
    st = s.astype(schemas.STRING_DTYPE)
    return st.isna() | (st.str.strip() == "")


def _as_text(s: pd.Series) -> pd.Series:
    """Values as stripped text (missing/blank -> NaN); whole floats lose their '.0' (ids from Excel)."""
    if pd.api.types.is_float_dtype(s):
        whole = s.notna() & np.isfinite(s) & (s == np.round(s))
        out = s.astype(object)
        out[whole] = s[whole].astype("int64").astype(str)
        s = out
    st = s.astype(schemas.STRING_DTYPE).str.strip()
    return st.where(st != "")


def _table_hint(table: str) -> str:
    return f"sources.{table}"


# ================================================================================== reading
def _locate(cfg: Config, table: str) -> tuple[Path | None, Source]:
    """Return (path, source) of a file table; path None when the table is absent."""
    src = cfg.sources[table]
    default = src.path in (None, f"{table}.csv") and src.format is None
    path = resolve_path(src.path, base=cfg.data_dir) if src.path else None
    if path is not None and path.is_dir() and src.preset == "maven_crm":
        path = path / _MAVEN_FILES.get(table, f"{table}.csv")
    if path is not None and path.exists():
        return path, src
    if default:
        for suffix in _DEFAULT_SUFFIXES:
            cand = cfg.data_dir / f"{table}{suffix}"
            if cand.exists():
                return cand, src
        return None, src
    raise WorkbookError(
        f"{path.name if path else table}: file not found ({path}). "
        f"Fix: correct {_table_hint(table)}.path in params (relative paths are read from data_dir), "
        "or remove the entry."
    )


def _format_of(path: Path, src: Source, table: str) -> str:
    if src.format:
        return src.format
    fmt = _FILE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise WorkbookError(
            f"{path.name}: cannot tell the file format from the extension {path.suffix!r}. "
            f"Fix: set {_table_hint(table)}.format (csv, excel, parquet, json) in params, or rename the file."
        )
    return fmt


def _decode(path: Path, encoding: str, table: str, notes: list[str] | None = None) -> str:
    """Read a text file's bytes and decode them (encoding detection: :mod:`coaching_roi.decoding`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(
            f"{path.name}: cannot be read ({exc.strerror or exc}). Fix: check the file exists and is readable."
        ) from None
    text, note = decoding.decode(data, encoding, label=path.name, hint=f"{_table_hint(table)}.encoding")
    if not text.strip("\ufeff \t\r\n"):
        raise WorkbookError(
            f"{path.name}: the file is empty. Fix: export the {table} table again, or delete the file "
            "(and its sources entry) so the table counts as absent."
        )
    if note and notes is not None:
        notes.append(note)
    return text


def _sniff_delimiter(text: str) -> str:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if "," not in first:
        for cand in ("\t", ";", "|"):
            if cand in first:
                return cand
    return ","


def _clean_header(header: list[str], path: Path) -> list[str]:
    header = [h.strip() for h in header]
    for i, h in enumerate(header):
        if h == "":
            header[i] = f"unnamed_{i + 1}"
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise WorkbookError(
            f"{path.name}: column {dupes[0]!r} appears more than once in the header. "
            "Fix: rename or remove the duplicate column."
        )
    return header


def _read_csv_records(
    text: str, delimiter: str, path: Path, table: str
) -> tuple[list[str], list[list[str]], list[int]]:
    """Parse CSV text into (header, records, start line of each record); blank lines are skipped.

    The ``csv`` module keeps exact line numbers even when a quoted cell holds a line break.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if not rec or (len(rec) == 1 and rec[0].strip() == ""):
                continue
            if header is None:
                header = rec
                continue
            records.append(rec)
            lines.append(start)
    except csv.Error as exc:
        raise WorkbookError(
            f"{path.name}: not a readable CSV near line {reader.line_num} ({exc}). "
            "Fix: check for an unclosed quote, or export the table again as CSV."
        ) from None
    if header is None:
        raise WorkbookError(f"{path.name}: the file is empty. Fix: export the {table} table again.")
    return _clean_header(header, path), records, lines


def _read_csv_fast(
    text: str, delimiter: str, path: Path, table: str
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Parse CSV text without any quote character: one physical line = one record.

    Vectorised (pandas' C parser on the well-formed lines), for files with millions of rows; same
    result as :func:`_read_csv_records` + :func:`_records_to_frame` on such files.
    """
    physical = pd.Series(text.split("\n"), dtype=schemas.STRING_DTYPE).str.rstrip("\r")
    line_no = np.arange(1, len(physical) + 1, dtype=np.int64)
    nonblank = (physical.str.strip() != "").to_numpy()
    idx = np.flatnonzero(nonblank)
    if len(idx) == 0:
        raise WorkbookError(f"{path.name}: the file is empty. Fix: export the {table} table again.")
    header = _clean_header(physical.iloc[idx[0]].split(delimiter), path)
    n = len(header)
    body_idx = idx[1:]
    body = physical.iloc[body_idx].reset_index(drop=True)
    lines = line_no[body_idx]
    counts = (body.str.count(re.escape(delimiter)) + 1).to_numpy()
    good = counts == n
    if good.all():
        good_text = "\n".join(body.tolist())
    else:
        good_text = "\n".join(body[good].tolist())
    if good.any():
        parsed = pd.read_csv(
            io.StringIO(good_text), header=None, names=header, sep=delimiter, dtype=str,
            keep_default_na=False, na_filter=False, quoting=csv.QUOTE_NONE, skip_blank_lines=False,
            engine="c",
        ).astype(schemas.STRING_DTYPE)
    else:
        parsed = pd.DataFrame({h: pd.Series(dtype=schemas.STRING_DTYPE) for h in header})
    if len(parsed) != int(good.sum()):
        raise AssertionError(f"{path.name}: fast CSV parse read {len(parsed)} rows, expected {int(good.sum())}")
    if good.all():
        return parsed, lines, _no_reasons()
    bad_pos = np.flatnonzero(~good)
    bad_rows = [(r.split(delimiter) + [""] * n)[:n] for r in body.iloc[bad_pos]]
    bad = pd.DataFrame(bad_rows, columns=header, dtype=schemas.STRING_DTYPE)
    raw = pd.concat([parsed.set_axis(np.flatnonzero(good)), bad.set_axis(bad_pos)]).sort_index()
    raw = raw.reset_index(drop=True)
    reasons = _reasons(
        bad_pos, "malformed_row",
        pd.Series([f"row has {counts[i]} values but the header has {n} columns (a stray delimiter or "
                   "an unquoted text with a comma?)" for i in bad_pos]),
    )
    return raw, lines, reasons


def _records_to_frame(
    header: list[str], records: list[list[str]], lines: list[int]
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Build the raw frame; rows with the wrong number of values become pre-rejects."""
    n = len(header)
    counts = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
    bad = np.flatnonzero(counts != n)
    if len(bad):
        records = [r if len(r) == n else (r + [""] * n)[:n] for r in records]
    raw = pd.DataFrame(records, columns=header, dtype=schemas.STRING_DTYPE) if records else pd.DataFrame(
        {h: pd.Series(dtype=schemas.STRING_DTYPE) for h in header}
    )
    reasons = _no_reasons()
    if len(bad):
        reasons = _reasons(
            bad,
            "malformed_row",
            pd.Series(
                [f"row has {counts[i]} values but the header has {n} columns (a stray delimiter or "
                 "an unquoted text with a comma?)" for i in bad]
            ),
        )
    return raw, np.asarray(lines, dtype=np.int64), reasons


def _read_excel(path: Path, src: Source, table: str) -> pd.DataFrame:
    try:
        df = pd.read_excel(path, sheet_name=src.sheet if src.sheet is not None else 0, dtype=object)
    except ValueError as exc:
        raise WorkbookError(
            f"{path.name}: cannot read the sheet ({exc}). Fix: set {_table_hint(table)}.sheet to the "
            "sheet name or number holding the table."
        ) from None
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise WorkbookError(
            f"{path.name}: not a readable Excel file ({type(exc).__name__}: {exc}). "
            "Fix: open and re-save it as .xlsx, or export CSV."
        ) from None
    return df


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        raise WorkbookError(
            f"{path.name}: not a readable Parquet file ({type(exc).__name__}: {exc}). "
            "Fix: write it again, or export CSV."
        ) from None


def _read_json_obj(path: Path, src: Source, table: str, notes: list[str] | None = None) -> Any:
    text = _decode(path, src.encoding, table, notes)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:  # JSON lines
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise WorkbookError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Fix: export it again; a table is a list of records or JSON lines."
        ) from None


def _json_records(obj: Any, path: Path) -> pd.DataFrame:
    if isinstance(obj, dict):
        lists = [v for v in obj.values() if isinstance(v, list)]
        if len(lists) == 1:
            obj = lists[0]
    if not isinstance(obj, list) or not all(isinstance(r, dict) for r in obj):
        raise WorkbookError(
            f"{path.name}: the JSON is not a list of records. Fix: write the table as a list of objects "
            '([{"rep_id": ...}, ...]) or one object per line.'
        )
    return pd.DataFrame.from_records(obj)


def _first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}"


def _read_sql(src: Source, table: str) -> pd.DataFrame:
    import sqlalchemy as sa

    url = os.environ.get(src.url_env or "")
    if not url:
        raise WorkbookError(
            f"{table} (sql): environment variable {src.url_env!r} is not set. Fix: export it with the "
            "SQLAlchemy URL (e.g. sqlite:////path/to.db or postgresql+psycopg://user@host/db) before "
            "running; credentials never go in params."
        )
    # Never echo the URL with its password: every message shows it masked and is scrubbed of any
    # piece of the password a driver may quote (coaching_roi.redact).
    where, shown = f"{table} (sql via ${src.url_env})", redact.mask_url(url)
    bad = redact.malformed(url)
    if bad:
        raise WorkbookError(
            f"{where}: the URL ({shown}) is malformed: {bad}. Fix: correct ${src.url_env}; special characters in "
            "the password are written percent-encoded (@ as %40, / as %2F, : as %3A, % as %25)."
        )
    engine = None
    try:
        engine = sa.create_engine(url)
        conn = engine.connect()
    except Exception as exc:
        if engine is not None:
            engine.dispose()
        missing = isinstance(exc, ImportError) or type(exc).__name__ == "NoSuchModuleError"
        hint = ("the database driver named in the URL is not installed (PostgreSQL: postgresql+psycopg://, "
                "bundled; others: pip install their SQLAlchemy driver)" if missing else
                "driver, host, port, user, password, database, and that the database accepts connections")
        raise WorkbookError(redact.scrub(
            f"{where}: could not connect ({_first_line(exc)}). Fix: check the URL in ${src.url_env} ({shown}): {hint}.", url
        )) from None
    try:
        with conn:
            df = pd.read_sql_query(sa.text(src.query), conn)
    except Exception as exc:
        raise WorkbookError(redact.scrub(
            f"{where}: the query failed ({_first_line(exc)}). Fix: check the query in "
            f"{_table_hint(table)}.query against the database the URL points at ({shown}).", url
        )) from None
    finally:
        engine.dispose()
    return df


# =================================================================================== presets
_MAVEN_FILES = {"opportunities": "sales_pipeline.csv", "reps": "sales_teams.csv"}
_PRESET_TABLES = {
    "maven_crm": ("opportunities", "reps"),
    "salesforce_report": ("opportunities",),
    "hubspot_deals": ("opportunities",),
    "gong_scorecards": ("call_scores",),
}


def _need(raw: pd.DataFrame, cols: list[str], label: str, preset: str, table: str, what: str) -> None:
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        raise WorkbookError(
            f"{label}: missing column {missing[0]!r} expected by the {preset} preset ({what}). "
            f"Fix: point {_table_hint(table)}.path at {what}, or use preset: canonical with a mapping."
        )


def _opt(raw: pd.DataFrame, *names: str) -> pd.Series:
    for n in names:
        if n in raw.columns:
            return raw[n]
    return pd.Series(np.nan, index=raw.index, dtype=schemas.STRING_DTYPE)


def _stage_status(stage: pd.Series) -> pd.Series:
    """CRM stage label -> won/lost/open ('Closed Won', 'closedwon' -> won; other stages -> open)."""
    key = _as_text(stage).str.lower().str.replace(r"[^a-z]", "", regex=True)
    out = pd.Series("open", index=stage.index, dtype=schemas.STRING_DTYPE)
    out = out.mask(key.str.contains("closedwon", na=False) | (key == "won"), "won")
    out = out.mask(key.str.contains("closedlost", na=False) | (key == "lost"), "lost")
    return out.where(key.notna())


def _preset_canonical(ld: _Loaded) -> _Loaded:
    # Headers such as "Rep ID" or "Call Date" are read as their canonical snake_case names.
    canon = set(schemas.columns(ld.table))
    renames = {c: _snake(c) for c in ld.raw.columns if c not in canon and _snake(c) in canon}
    taken = set(ld.raw.columns)
    renames = {k: v for k, v in renames.items() if v not in taken}
    ld.frame = ld.raw.rename(columns=renames)
    return ld


def _preset_maven(ld: _Loaded) -> _Loaded:
    raw, table = ld.raw, ld.table
    ld.name_keyed = True
    if table == "opportunities":
        _need(raw, ["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value"],
              ld.label, "maven_crm", table, "Maven's sales_pipeline.csv")
        stage = _as_text(raw["deal_stage"]).str.lower()
        status = stage.map({"won": "won", "lost": "lost", "engaging": "open", "prospecting": "open"})
        status = status.astype(schemas.STRING_DTYPE).fillna(stage)
        ld.frame = pd.DataFrame({
            "opportunity_id": raw["opportunity_id"],
            "rep_id": rep_id_from_name(raw["sales_agent"]),
            "created_date": raw["engage_date"],  # Maven has no created date: entering Engaging stands in
            "close_date": raw["close_date"],
            "status": status,
            "amount": raw["close_value"],  # blank while open; 0 on every Lost deal (Maven's convention)
            "account": raw["account"] if "account" in raw.columns else np.nan,
        })
        never = (stage == "prospecting") & _is_blank(raw["engage_date"])
        if never.any():
            ld.pre.append(_reasons(
                raw.index[never], "never_engaged:created_date",
                "no created date: Maven 'Prospecting' deal, never engaged (engage_date blank); an open "
                "deal without a start date cannot enter cycle-time or ramp analyses",
            ))
    elif table == "reps":
        _need(raw, ["sales_agent"], ld.label, "maven_crm", table, "Maven's sales_teams.csv")
        ld.frame = pd.DataFrame({
            "rep_id": rep_id_from_name(raw["sales_agent"]),
            "rep_name": _as_text(raw["sales_agent"]),
            "role": "AE",  # every Maven sales agent owns opportunities: account executives
            "team": _opt(raw, "regional_office"),
            "manager_id": rep_id_from_name(_opt(raw, "manager")),
        })
    return ld


def _trim_salesforce_footer(header: list[str], records: list[list[str]], lines: list[int]) -> tuple[
    list[list[str]], list[int], int
]:
    """Cut the trailing 'Grand Totals' block (and the legal footer below it) of a Salesforce export."""
    cut = None
    for i, rec in enumerate(records):
        first = next((c.strip() for c in rec if c.strip()), "")
        if first.lower().startswith("grand total"):
            cut = i
            break
    if cut is None:
        # Footer without a totals line: trailing records whose only non-blank cell is the first one
        # (e.g. "Copyright (c) 2000-2026 salesforce.com, inc.") after the data.
        i = len(records)
        while i > 0 and sum(1 for c in records[i - 1] if c.strip()) <= 1 and len(header) > 2:
            i -= 1
        cut = i if i < len(records) else None
    if cut is None:
        return records, lines, 0
    return records[:cut], lines[:cut], len(records) - cut


def _preset_salesforce(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    ld.name_keyed = True
    ld.date_formats = ("ISO8601", "%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M")
    _need(raw, ["Opportunity Owner", "Stage", "Created Date"], ld.label, "salesforce_report",
          ld.table, "a Salesforce Opportunity report exported as CSV")
    status = _stage_status(raw["Stage"])
    close = _opt(raw, "Close Date")
    ld.frame = pd.DataFrame({
        "opportunity_id": _opt(raw, "Opportunity ID", "Opportunity ID (18)", "Opportunity Id"),
        "rep_id": rep_id_from_name(raw["Opportunity Owner"]),
        "created_date": raw["Created Date"],
        # On open deals Salesforce's Close Date is the *expected* close: not a close date.
        "close_date": close.where(status != "open"),
        "status": status.fillna(_as_text(raw["Stage"])),
        "amount": _opt(raw, "Amount", "Amount (converted)", "Total Amount"),
        "account": _opt(raw, "Account Name"),
        "segment": _opt(raw, "Segment", "Type"),
    })
    return ld


def _preset_hubspot(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    ld.name_keyed = True
    ld.date_formats = ("ISO8601", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M")
    _need(raw, ["Record ID", "Deal Stage", "Create Date", "Deal owner"], ld.label, "hubspot_deals",
          ld.table, "a HubSpot deals export")
    status = _stage_status(raw["Deal Stage"])
    company = _opt(raw, "Associated Company", "Company name", "Associated Company (Primary)")
    ld.frame = pd.DataFrame({
        "opportunity_id": raw["Record ID"],
        "rep_id": rep_id_from_name(raw["Deal owner"]),
        "created_date": raw["Create Date"],
        "close_date": _opt(raw, "Close Date").where(status != "open"),
        "status": status.fillna(_as_text(raw["Deal Stage"])),
        "amount": _opt(raw, "Amount"),
        "account": _as_text(company).fillna(_as_text(_opt(raw, "Deal Name"))),
        "segment": _opt(raw, "Deal Type"),
    })
    return ld


def _flatten_gong(obj: Any, path: Path) -> pd.DataFrame:
    """Gong's answered scorecards (``/v2/stats/activity/scorecards``) -> one record per answer."""
    if isinstance(obj, dict):
        cards = obj.get("answeredScorecards")
    elif isinstance(obj, list):  # several pages saved as a list of responses, or the cards themselves
        cards = []
        for item in obj:
            cards.extend(item.get("answeredScorecards", [item]) if isinstance(item, dict) else [])
    else:
        cards = None
    if not isinstance(cards, list):
        raise WorkbookError(
            f"{path.name}: no 'answeredScorecards' list found. Fix: save the JSON response of Gong's "
            "/v2/stats/activity/scorecards endpoint (one or more pages) as it is."
        )
    card_keys = ("answeredScorecardId", "scorecardId", "scorecardName", "callId", "callStartTime",
                 "reviewedUserId", "reviewerUserId", "reviewTime")
    rows = []
    for card in cards:
        base = {k: card.get(k) for k in card_keys}
        for ans in card.get("answers") or []:
            rows.append({**base, **{k: ans.get(k) for k in
                                    ("questionId", "questionText", "isOverall", "score", "notApplicable", "answerText")}})
    if not rows:
        raise WorkbookError(
            f"{path.name}: the scorecards hold no answers. Fix: export a date range with answered scorecards."
        )
    df = pd.DataFrame.from_records(rows)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: v if v is None or isinstance(v, str | bool | float) else str(v))
    return df


def _preset_gong(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    question = _as_text(raw["questionId"]) if "questionId" in raw.columns else _as_text(_opt(raw, "questionText"))
    ld.frame = pd.DataFrame({
        "call_id": raw["callId"],
        # Gong questions are ids: map them onto rubric keys with mapping.value_maps.behavior.
        "behavior": question,
        "score": raw["score"],
        "scorer": "manager",  # answered scorecards are filled in by a reviewer (a person)
        "scorer_id": raw["reviewerUserId"] if "reviewerUserId" in raw.columns else np.nan,
    })
    na = raw["notApplicable"].fillna(False).astype(bool) if "notApplicable" in raw.columns else None
    if na is not None and na.any():
        ld.pre.append(_reasons(raw.index[na], "gong_not_applicable",
                               "answer marked not applicable in Gong: no score"))
    if "isOverall" in raw.columns:
        overall = raw["isOverall"].fillna(False).astype(bool)
        if overall.any():
            ld.pre.append(_reasons(raw.index[overall], "gong_overall",
                                   "Gong overall score question, not a rubric behavior"))
    ld.notes.append(
        f"{ld.label}: Gong question ids become behaviors through sources.call_scores.mapping.value_maps.behavior "
        "({question id: rubric key}); unmapped questions are rejected."
    )
    return ld


_PRESETS: dict[str, Callable[[_Loaded], _Loaded]] = {
    "canonical": _preset_canonical,
    "maven_crm": _preset_maven,
    "salesforce_report": _preset_salesforce,
    "hubspot_deals": _preset_hubspot,
    "gong_scorecards": _preset_gong,
}


# =================================================================================== mapping
def _apply_mapping(ld: _Loaded, mapping: Mapping | None) -> _Loaded:
    if mapping is None:
        return ld
    frame = ld.frame
    drop = [c for c in mapping.drop_columns if c in frame.columns]
    frame = frame.drop(columns=drop)
    missing = [c for c in mapping.renames if c not in frame.columns]
    if missing:
        ld.notes.append(
            f"{ld.label}: mapping.renames names column(s) not in the file: {', '.join(map(repr, missing))}."
        )
    renames = {k: v for k, v in mapping.renames.items() if k in frame.columns}
    clobbered = [v for k, v in renames.items() if v in frame.columns and v not in renames]
    frame = frame.drop(columns=clobbered).rename(columns=renames)
    for col, vmap in mapping.value_maps.items():
        if col not in frame.columns:
            ld.notes.append(f"{ld.label}: mapping.value_maps.{col}: no such column after renames.")
            continue
        text = _as_text(frame[col])
        mapped = text.map(lambda v, m=vmap: m.get(v, v), na_action="ignore")
        frame[col] = mapped.astype(schemas.STRING_DTYPE)
    if mapping.date_format:
        fmts = mapping.date_format
        ld.date_formats = (fmts,) if isinstance(fmts, str) else tuple(fmts)
    ld.frame = frame
    return ld


def _melt_wide_scores(ld: _Loaded, rubric_keys: list[str]) -> _Loaded:
    """Wide call_scores (one column per behavior) -> long; blank cells are not records."""
    frame = ld.frame
    if "behavior" in frame.columns or "score" in frame.columns or "call_id" not in frame.columns:
        return ld
    ids = [c for c in ("call_id", "scorer", "scorer_id", "_row") if c in frame.columns]
    value_cols = [c for c in frame.columns if c not in ids]
    if not any(c in rubric_keys for c in value_cols):
        return ld
    long = frame.melt(id_vars=ids, value_vars=value_cols, var_name="behavior", value_name="score")
    long = long[~_is_blank(long["score"])]
    long = long.sort_values(["_row"], kind="stable").reset_index(drop=True)
    long["behavior"] = long["behavior"].astype(schemas.STRING_DTYPE)
    unknown = [c for c in value_cols if c not in rubric_keys]
    if unknown:
        ld.notes.append(
            f"{ld.label}: wide call_scores — every column except call_id/scorer/scorer_id is read as a "
            f"behavior; not rubric keys: {', '.join(unknown[:5])} (their cells are rejected; list other "
            "columns in sources.call_scores.mapping.drop_columns)."
        )
    ld.frame = long
    ld.melted_from_wide = True
    return ld


# ============================================================================= normalisation
def _parse_dates(s: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype(schemas.DATETIME_DTYPE)
    text = _as_text(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    todo = text.notna()
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce", utc=True)
        ok = parsed.notna()
        out.loc[ok[ok].index] = parsed[ok]
        todo = todo & out.isna()
    return out.dt.tz_localize(None).astype(schemas.DATETIME_DTYPE)


def _parse_numbers(s: pd.Series, decimal: str = "auto") -> pd.Series:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    # Decimal commas, thousands marks, currency symbols and codes, "(300)": coaching_roi.decoding.
    return _on_uniques(s, lambda u: decoding.parse_numbers(_as_text(u), decimal)).astype("float64")


def _normalise_enum(s: pd.Series, allowed: tuple[str, ...]) -> pd.Series:
    lookup = {_snake(a): a for a in allowed}

    def fn(v: pd.Series) -> pd.Series:
        text = _as_text(v)
        key = text.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        return key.map(lookup).astype(schemas.STRING_DTYPE).fillna(text)

    return _on_uniques(s, fn).astype(schemas.STRING_DTYPE)


def _normalise_behaviors(s: pd.Series) -> pd.Series:
    return _on_uniques(s, _normalise_behavior_text).astype(schemas.STRING_DTYPE)


def _normalise_behavior_text(s: pd.Series) -> pd.Series:
    text = _as_text(s)
    norm = (
        text.str.lower()
        .str.replace(r"\s*;\s*", ";", regex=True)
        .str.replace(r"[\s\-]+", "_", regex=True)
        .str.strip(";")
    )
    return norm.where(norm != "")


def _type_frame(ld: _Loaded) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cast the mapped frame to canonical dtypes; return (typed frame, parse-failure reasons)."""
    table, frame = ld.table, ld.frame
    kinds = schemas.kinds(table)
    typed: dict[str, pd.Series] = {}
    reasons = []
    n = len(frame)
    for col, kind in kinds.items():
        if col not in frame.columns:
            dtype = schemas.DTYPES[kind] if kind != "int" else "Int64"
            typed[col] = pd.Series(np.nan if kind != "int" else pd.NA, index=frame.index, dtype=dtype)
            continue
        s = frame[col]
        blank = _is_blank(s)
        if kind == "string":
            if (table, col) in schemas.ALLOWED:
                typed[col] = _normalise_enum(s, schemas.ALLOWED[(table, col)])
            elif col == "behavior":
                typed[col] = _normalise_behaviors(s)
            else:
                typed[col] = _as_text(s)
            continue
        if kind == "datetime":
            parsed = _parse_dates(s, ld.date_formats)
            bad = ~blank & parsed.isna()
            if bad.any():
                shown = ", ".join(f for f in ld.date_formats)
                reasons.append(_reasons(
                    frame.index[bad], f"not_a_date:{col}",
                    col + " " + _as_text(s[bad]).map(repr) + f" is not a date (expected {shown}; "
                    "set mapping.date_format in params for another layout)",
                ))
            typed[col] = parsed
            continue
        parsed = _parse_numbers(s, ld.decimal)
        bad = ~blank & parsed.isna()
        if bad.any():
            reasons.append(_reasons(
                frame.index[bad], f"not_a_number:{col}",
                col + " " + _as_text(s[bad]).map(repr) + " is not a number",
            ))
        if kind == "int":
            frac = parsed.notna() & (parsed != np.round(parsed))
            if frac.any():
                reasons.append(_reasons(
                    frame.index[frac], f"not_whole:{col}",
                    col + " " + parsed[frac].map(lambda v: f"{v:g}") + " is not a whole number",
                ))
            parsed = parsed.where(~frac).round().astype("Int64")
        typed[col] = parsed
    out = pd.DataFrame(typed, index=frame.index)
    assert len(out) == n
    return out, (pd.concat(reasons, ignore_index=True) if reasons else _no_reasons())


# ================================================================================ per table
def _load(cfg: Config, table: str, progress: Progress) -> _Loaded | None:
    src = cfg.sources[table]
    if src.preset != "canonical" and table not in _PRESET_TABLES[src.preset]:
        raise WorkbookError(
            f"sources.{table}.preset: the {src.preset} preset maps {', '.join(_PRESET_TABLES[src.preset])} "
            f"only, not {table}. Fix: use preset: canonical (with a mapping) for {table}."
        )
    pre: list[pd.DataFrame] = []
    notes: list[str] = []
    if src.format == "sql":
        label = f"{table} (sql via ${src.url_env})"
        raw = _read_sql(src, table).reset_index(drop=True)
        lines = np.arange(1, len(raw) + 1, dtype=np.int64)
    else:
        path, src = _locate(cfg, table)
        if path is None:
            return None
        label = path.name
        fmt = _format_of(path, src, table)
        if fmt == "csv":
            text = _decode(path, src.encoding, table, notes)
            delimiter = _sniff_delimiter(text)
            fast_ok = '"' not in text and "\r" not in text.replace("\r\n", "\n")
            if fast_ok and src.preset != "salesforce_report":
                raw, lines, malformed = _read_csv_fast(text, delimiter, path, table)
            else:
                header, records, line_list = _read_csv_records(text, delimiter, path, table)
                if src.preset == "salesforce_report":
                    records, line_list, cut = _trim_salesforce_footer(header, records, line_list)
                    if cut:
                        notes.append(f"{label}: {cut} footer line(s) of the Salesforce report (Grand Totals, "
                                     "legal text) are not records and were skipped.")
                raw, lines, malformed = _records_to_frame(header, records, line_list)
            if len(malformed):
                pre.append(malformed)
        elif fmt == "excel":
            raw = _read_excel(path, src, table)
            raw.columns = [str(c).strip() for c in raw.columns]
            lines = np.arange(2, len(raw) + 2, dtype=np.int64)  # spreadsheet row numbers (header = 1)
        elif fmt == "parquet":
            raw = _read_parquet(path)
            lines = np.arange(1, len(raw) + 1, dtype=np.int64)
        else:
            obj = _read_json_obj(path, src, table, notes)
            raw = _flatten_gong(obj, path) if src.preset == "gong_scorecards" else _json_records(obj, path)
            lines = np.arange(1, len(raw) + 1, dtype=np.int64)
        raw = raw.reset_index(drop=True)
        if fmt in ("excel", "parquet", "json"):
            keep = ~raw.isna().all(axis=1)
            raw, lines = raw[keep].reset_index(drop=True), lines[keep.to_numpy()]
    if len(raw) == 0 and not pre:
        raise _NoRows(label)
    if len(raw.columns) == 0:
        raise WorkbookError(f"{label}: no columns found. Fix: export the {table} table again with its header.")
    ld = _Loaded(table=table, label=label, raw=raw, lines=lines, frame=raw, pre=pre, notes=notes, decimal=src.decimal)
    ld = _PRESETS[src.preset](ld)
    ld.frame = ld.frame.assign(_row=np.arange(len(raw)))
    ld = _apply_mapping(ld, src.mapping)
    if table == "call_scores":
        ld = _melt_wide_scores(ld, cfg.rubric.keys)
        if ld.melted_from_wide:
            # pre-rejects were per raw row; carry them to every record of that row
            ld.pre = [_pre_to_records(p, ld.frame) for p in ld.pre]
    missing = [c for c in schemas.required_columns(table) if c not in ld.frame.columns]
    if missing:
        c = missing[0]
        via = "" if src.preset == "canonical" else f" (after the {src.preset} preset)"
        raise WorkbookError(
            f"{label}: missing required column {c!r}{via}. Fix: add it, or map your column onto it with "
            f"sources.{table}.mapping.renames in params (e.g. renames: {{\"Your Column\": \"{c}\"}})."
        )
    if progress:
        progress(f"{table}: read {len(ld.frame):,} rows from {label} (preset {src.preset})")
    return ld


class _NoRows(Exception):
    """A source with a header (or a query) but no rows: the table counts as absent."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


def _pre_to_records(pre: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    if pre.empty:
        return pre
    rec = pd.DataFrame({"record": long.index, "_row": long["_row"].to_numpy()})
    merged = rec.merge(pre.rename(columns={"row": "_row"}), on="_row", how="inner")
    return merged.rename(columns={"record": "row"})[_REASON_COLUMNS]


@dataclass
class _Checked:
    ld: _Loaded
    typed: pd.DataFrame
    reasons: pd.DataFrame  # row, check, reason


def _check_table(ld: _Loaded, cfg: Config) -> _Checked:
    typed, parse_reasons = _type_frame(ld)
    schema_reasons = schemas.validate(ld.table, typed, cfg.rubric)
    explained = pd.concat([*ld.pre, parse_reasons], ignore_index=True)
    if len(explained) and len(schema_reasons):
        # A cell already explained (did not parse, or a preset said why it is blank): drop pandera's
        # "blank" for the same cell. Codes end in ":<column>" when they concern one column.
        failed = set(zip(explained["row"], explained["check"].str.split(":").str[-1], strict=True))
        is_blank = schema_reasons["check"].str.startswith("blank:")
        col = schema_reasons["check"].str.split(":").str[-1]
        dup = is_blank & pd.Series([(r, c) in failed for r, c in zip(schema_reasons["row"], col, strict=True)],
                                   index=schema_reasons.index)
        schema_reasons = schema_reasons[~dup]
    parts = [p for p in (*ld.pre, parse_reasons, schema_reasons) if len(p)]
    reasons = pd.concat(parts, ignore_index=True) if parts else _no_reasons()
    return _Checked(ld=ld, typed=typed, reasons=reasons)


# ============================================================================== cross-table
def _resolve_rep_names(ch: _Checked, reps: _Checked) -> None:
    """For name-keyed presets: map slug(owner name) onto reps.rep_id via slug(reps.rep_name)."""
    names = reps.typed[["rep_id", "rep_name"]].dropna()
    lookup = dict(zip(rep_id_from_name(names["rep_name"]), names["rep_id"], strict=True))
    known = set(reps.typed["rep_id"].dropna())
    rid = ch.typed["rep_id"]
    mapped = rid.map(lambda v: v if v in known or v not in lookup else lookup[v], na_action="ignore")
    ch.typed["rep_id"] = mapped.astype(schemas.STRING_DTYPE)


def _reference_reasons(
    child: _Checked, col: str, parent: _Checked, parent_col: str, parent_table: str, check: str
) -> pd.DataFrame:
    """Rows of ``child`` whose ``col`` is not an accepted ``parent_col``."""
    rejected_rows = set(parent.reasons["row"]) if len(parent.reasons) else set()
    ok_mask = ~parent.typed.index.isin(list(rejected_rows))
    accepted = set(parent.typed.loc[ok_mask, parent_col].dropna())
    everything = set(parent.typed[parent_col].dropna())
    vals = child.typed[col]
    bad = vals.notna() & ~vals.isin(accepted)
    if not bad.any():
        return _no_reasons()
    was_rejected = vals.isin(everything)
    reason = (
        col + " " + vals[bad].map(repr)
        + np.where(was_rejected[bad], f" refers to a row of {parent_table} that was rejected "
                   f"(see rejects/{parent_table}.csv)", f" is not in {parent_table}")
    )
    return _reasons(child.typed.index[bad], check, reason)


def _cross_checks(checked: dict[str, _Checked], progress: Progress) -> None:
    reps = checked.get("reps")
    if reps is not None:
        for table in ("calls", "coaching_sessions", "opportunities", "sdr_activity"):
            ch = checked.get(table)
            if ch is None:
                continue
            if ch.ld.name_keyed:
                _resolve_rep_names(ch, reps)
            extra = _reference_reasons(ch, "rep_id", reps, "rep_id", "reps", "unknown_rep")
            if table == "coaching_sessions":
                hire = ch.typed["rep_id"].map(reps.typed.drop_duplicates("rep_id").set_index("rep_id")["hire_date"])
                early = ch.typed["session_date"].notna() & hire.notna() & (ch.typed["session_date"] < hire)
                if early.any():
                    extra = pd.concat([extra, _reasons(
                        ch.typed.index[early], "session_before_hire",
                        "session_date " + ch.typed.loc[early, "session_date"].dt.strftime("%Y-%m-%d")
                        + " is before the rep's hire_date " + hire[early].dt.strftime("%Y-%m-%d"),
                    )], ignore_index=True)
            ch.reasons = pd.concat([ch.reasons, extra], ignore_index=True) if len(extra) else ch.reasons
    elif progress:
        progress("reps is absent: rep references in the other tables are not checked")
    calls, scores = checked.get("calls"), checked.get("call_scores")
    if scores is not None:
        if calls is not None:
            extra = _reference_reasons(scores, "call_id", calls, "call_id", "calls", "unknown_call")
            if len(extra):
                scores.reasons = pd.concat([scores.reasons, extra], ignore_index=True)
        elif progress:
            progress("calls is absent: call_scores.call_id is not checked")


# ================================================================================== finalise
def _finalise(ch: _Checked) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (accepted canonical rows, rejects for the CSV, failures long)."""
    ld, typed, reasons = ch.ld, ch.typed, ch.reasons
    n = len(typed)
    bad_rows = pd.Index(reasons["row"].unique()) if len(reasons) else pd.Index([])
    ok = ~typed.index.isin(bad_rows)
    accepted = typed[ok].reset_index(drop=True)
    for c in schemas.TABLE_COLUMNS[ld.table]:
        if c.kind == "int":
            col = accepted[c.name]
            accepted[c.name] = (
                col.astype("int64") if col.notna().all() else col.astype("float64")
            )
    accepted = accepted[schemas.columns(ld.table)]
    raw_pos = ld.frame["_row"].to_numpy()
    if len(reasons):
        joined = reasons.groupby("row", sort=False, observed=True)["reason"].agg("; ".join)
        rows = joined.index.to_numpy()
        pos = raw_pos[typed.index.get_indexer(rows)]
        originals = ld.raw.iloc[pos].reset_index(drop=True).astype(object)
        if ld.melted_from_wide:
            originals.insert(0, "behavior", ld.frame.loc[rows, "behavior"].to_numpy())
        lines = ld.lines[pos]
        originals = originals.rename(columns=lambda c: f"{c}_original" if c in ("source_line", "reason") else c)
        rejects = pd.concat(
            [pd.DataFrame({"source_line": lines, "reason": joined.to_numpy()}), originals], axis=1
        ).sort_values("source_line", kind="stable").reset_index(drop=True)
        failures = pd.DataFrame({
            "table": ld.table,
            "source_line": ld.lines[raw_pos[typed.index.get_indexer(reasons["row"].to_numpy())]],
            "check": reasons["check"].to_numpy(),
            "reason": reasons["reason"].to_numpy(),
        })
    else:
        cols = ["source_line", "reason", *(["behavior"] if ld.melted_from_wide else []), *ld.raw.columns]
        rejects = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        failures = pd.DataFrame({c: pd.Series(dtype=object) for c in ["table", "source_line", "check", "reason"]})
    if len(accepted) + len(rejects) != n:
        raise AssertionError(
            f"{ld.table}: row accounting broken: read {n}, accepted {len(accepted)}, rejected {len(rejects)}"
        )
    return accepted, rejects, failures


def run_intake(cfg: Config, *, progress: Progress = None, write: bool = True) -> IntakeResult:
    """Read, map, validate and account for every canonical table of ``cfg``; write artifacts.

    Parameters
    ----------
    cfg : the validated run configuration (``config.build``/``config.load``).
    progress : optional callable receiving one line per step (e.g. ``print``).
    write : write ``01_<table>.parquet``, ``01_tables.json`` and ``rejects/<table>.csv``.

    Raises
    ------
    WorkbookError
        On a whole-file problem (missing file or column, unreadable, wrong encoding, empty), or
        when no table is found at all.
    """
    t0 = time.perf_counter()
    checked: dict[str, _Checked] = {}
    absent: dict[str, str] = {}
    notes: list[str] = []
    for table in TABLES:
        t1 = time.perf_counter()
        try:
            ld = _load(cfg, table, progress)
        except _NoRows as empty:
            # A header and no rows (a quarter without sessions, a query with no result): the table
            # is absent for this run, and every later notebook says what that prevents.
            absent[table] = f"{empty.label} holds no rows: {ABSENT_IMPACT[table]}"
            notes.append(f"{empty.label}: a header but no rows, so {table} is treated as absent.")
            if progress:
                progress(f"{table}: no rows in {empty.label}; treated as absent")
            continue
        if ld is None:
            absent[table] = ABSENT_IMPACT[table]
            if progress:
                progress(f"{table}: absent (no {table}.csv/.parquet/.xlsx/.json in {cfg.data_dir})")
            continue
        notes.extend(ld.notes)
        checked[table] = _check_table(ld, cfg)
        if progress:
            progress(f"{table}: checked in {time.perf_counter() - t1:.2f} s")
    if not checked:
        raise WorkbookError(
            f"No input tables found in {cfg.data_dir}. Fix: put the tables there as <table>.csv "
            f"({', '.join(TABLES)}), point data_dir at the right folder, or configure sources in params."
        )
    _cross_checks(checked, progress)
    tables, rejects, failures, acc_rows, sources = {}, {}, [], [], {}
    for table, ch in checked.items():
        accepted, rej, fail = _finalise(ch)
        tables[table], rejects[table] = accepted, rej
        failures.append(fail)
        sources[table] = ch.ld.label
        acc_rows.append({
            "table": table, "source": ch.ld.label, "rows_read": len(ch.typed),
            "rows_accepted": len(accepted), "rows_rejected": len(rej),
        })
    accounting = pd.DataFrame(acc_rows).astype(
        {"table": schemas.STRING_DTYPE, "source": schemas.STRING_DTYPE, "rows_read": "int64",
         "rows_accepted": "int64", "rows_rejected": "int64"}
    )
    assert (accounting["rows_read"] == accounting["rows_accepted"] + accounting["rows_rejected"]).all()
    result = IntakeResult(
        tables=tables, accounting=accounting, rejects=rejects, absent=absent,
        failures=pd.concat(failures, ignore_index=True), sources=sources, notes=notes,
    )
    if write:
        write_outputs(result, cfg)
    result.seconds = time.perf_counter() - t0
    if progress:
        tot = accounting[["rows_read", "rows_accepted", "rows_rejected"]].sum()
        progress(
            f"intake done in {result.seconds:.1f} s: {tot['rows_read']:,} rows read, "
            f"{tot['rows_accepted']:,} accepted, {tot['rows_rejected']:,} rejected"
        )
    return result


def write_outputs(result: IntakeResult, cfg: Config) -> None:
    """Write accepted tables (Parquet), ``01_tables.json`` and ``rejects/<table>.csv``.

    Artifacts of tables absent from this run are removed, so a later notebook never reads a stale
    table from an earlier run in the same folder.
    """
    cfg.artifacts_dir.mkdir(parents=True, exist_ok=True)
    cfg.rejects_dir.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        path = cfg.artifact(f"01_{table}")
        rej_path = cfg.rejects_dir / f"{table}.csv"
        if table in result.tables:
            tmp = path.with_suffix(".parquet.tmp")
            result.tables[table].to_parquet(tmp, index=False, engine="pyarrow")
            os.replace(tmp, path)
            safe_csv(result.rejects[table], rej_path)
        else:
            path.unlink(missing_ok=True)
            rej_path.unlink(missing_ok=True)
    status = {"present": result.present, "absent": result.absent}
    tmp = cfg.artifacts_dir / ".01_tables.json.tmp"
    tmp.write_text(json.dumps(status, indent=2), encoding="utf-8")
    os.replace(tmp, cfg.artifacts_dir / "01_tables.json")


# =========================================================================== quality report
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
            dates = df[["call_id"]].merge(result.tables["calls"][["call_id", "call_date"]], on="call_id")["call_date"]
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


def _in_quarter(s: pd.Series, cfg: Config) -> pd.Series:
    start, end = cfg.quarter_bounds()
    return (s >= start) & (s < end)


def _active_aes(result: IntakeResult, cfg: Config) -> pd.Series | None:
    reps = result.tables.get("reps")
    if reps is None:
        return None
    start, end = cfg.quarter_bounds()
    active = (
        (reps["role"] == "AE")
        & (reps["hire_date"].isna() | (reps["hire_date"] < end))
        & (reps["end_date"].isna() | (reps["end_date"] >= start))
    )
    return reps.loc[active, "rep_id"]


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def coverage(result: IntakeResult, cfg: Config) -> pd.DataFrame:
    """Coverage of the quarter: ``metric, value, numerator, denominator, note`` (value a fraction or None).

    * AEs with a scored discovery call: active AEs (hired before the quarter ends, not gone before
      it starts) with at least one call of a ``rubric.discovery_call_types`` type in the quarter that
      has scores.
    * Sessions with an observable / targeting exactly one behavior: sessions dated in the quarter.
    """
    q = cfg.quarter
    rows = []
    aes = _active_aes(result, cfg)
    calls, scores = result.tables.get("calls"), result.tables.get("call_scores")
    if aes is None or calls is None or scores is None:
        missing = [t for t in ("reps", "calls", "call_scores") if t not in result.tables]
        rows.append(dict(metric="AEs with a scored discovery call", value=None, numerator=None, denominator=None,
                         note=f"cannot compute: {', '.join(missing)} absent"))
    else:
        disc = calls[calls["call_type"].isin(cfg.rubric.discovery_call_types) & _in_quarter(calls["call_date"], cfg)]
        disc = disc[disc["call_id"].isin(scores["call_id"])]
        n_aes = aes.nunique()
        covered = aes[aes.isin(disc["rep_id"])].nunique()
        rows.append(dict(metric="AEs with a scored discovery call", value=_share(covered, n_aes),
                         numerator=covered, denominator=n_aes, note=f"active AEs in {q}"))
    sessions = result.tables.get("coaching_sessions")
    if sessions is None:
        for m in ("sessions with an observable", "sessions targeting exactly one behavior"):
            rows.append(dict(metric=m, value=None, numerator=None, denominator=None,
                             note="cannot compute: coaching_sessions absent"))
    else:
        s = sessions[_in_quarter(sessions["session_date"], cfg)]
        n = len(s)
        has_obs = int(s["observable"].notna().sum())
        one = int((~s["behavior"].str.contains(schemas.BEHAVIOR_SEPARATOR, regex=False, na=False)).sum())
        note = f"sessions dated in {q}" if n else f"no sessions dated in {q}"
        rows.append(dict(metric="sessions with an observable", value=_share(has_obs, n),
                         numerator=has_obs, denominator=n, note=note))
        rows.append(dict(metric="sessions targeting exactly one behavior", value=_share(one, n),
                         numerator=one, denominator=n, note=note))
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype("float64")
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = out["denominator"].astype("Int64")
    return out


def _grade(share: float | None, yes_at: float = 0.8) -> str:
    if share is None or share <= 0:
        return "no"
    return "yes" if share >= yes_at else "partly"


def infrastructure_checklist(result: IntakeResult, cfg: Config) -> pd.DataFrame:
    """The tracking-infrastructure checklist (seed 000): ``item, answer, figure, detail``.

    ``answer`` is yes (>= 80 %), partly (> 0) or no, from the figure beside it:

    1. Behavior scoring in place: share of active AEs with a scored discovery call this quarter.
    2. Coaching documented: share of this quarter's sessions that target one behavior *and*
       record an observable.
    3. CRM clean enough for rep-level win rate by quarter: share of active AEs (or of deal owners
       when reps are absent) with >= ``MIN_CLOSED_DEALS_PER_REP`` deals closed (won/lost) in the
       quarter; "yes" also needs at most 5 % of opportunity rows rejected.
    """
    q = cfg.quarter
    cov = coverage(result, cfg).set_index("metric")
    rows = []
    # 1 scoring
    c = cov.loc["AEs with a scored discovery call"]
    v = None if pd.isna(c["value"]) else float(c["value"])
    if v is None:
        fig = c["note"]
    else:
        fig = f"{c['numerator']} of {c['denominator']} AEs ({v:.0%}) have a scored discovery call in {q}"
    rows.append(dict(item="Behavior scoring in place", answer=_grade(v), figure=fig,
                     detail="calls scored on the rubric, at least one discovery call per AE per quarter"))
    # 2 coaching documented
    sessions = result.tables.get("coaching_sessions")
    if sessions is None:
        v, fig = None, "cannot compute: coaching_sessions absent"
    else:
        s = sessions[_in_quarter(sessions["session_date"], cfg)]
        good = int((s["observable"].notna()
                    & ~s["behavior"].str.contains(schemas.BEHAVIOR_SEPARATOR, regex=False, na=False)).sum())
        v = _share(good, len(s))
        fig = (f"{good} of {len(s)} sessions in {q} ({v:.0%}) target one behavior and record an observable"
               if v is not None else f"no sessions dated in {q}")
    rows.append(dict(item="Coaching documented (one behavior + observable)", answer=_grade(v), figure=fig,
                     detail="each session logs the one behavior it targets and what the rep committed to do"))
    # 3 CRM
    opps = result.tables.get("opportunities")
    if opps is None:
        answer, fig = "no", "cannot compute: opportunities absent"
    else:
        closed = opps[opps["status"].isin(["won", "lost"]) & _in_quarter(opps["close_date"], cfg)]
        per_rep = closed.groupby("rep_id", observed=True).size()
        aes = _active_aes(result, cfg)
        base = aes if aes is not None and len(aes) else pd.Series(opps["rep_id"].unique())
        who = "AEs" if aes is not None and len(aes) else "deal owners"
        enough = int(base.isin(per_rep[per_rep >= MIN_CLOSED_DEALS_PER_REP].index).sum())
        v = _share(enough, base.nunique())
        acc = result.accounting.set_index("table").loc["opportunities"]
        f = result.failures
        # Rows rejected for a reason that only open deals can have do not touch win rates.
        touching = f[(f["table"] == "opportunities") & ~f["check"].isin(OPEN_DEAL_ONLY_CHECKS)]
        n_rej = touching["source_line"].nunique()
        rej = n_rej / acc["rows_read"] if acc["rows_read"] else 0.0
        answer = _grade(v)
        if answer == "yes" and rej > 0.05:
            answer = "partly"
        fig = (f"{enough} of {base.nunique()} {who} ({(v or 0):.0%}) have ≥ {MIN_CLOSED_DEALS_PER_REP} deals "
               f"closed in {q}; {rej:.1%} of opportunity rows rejected for problems that touch win rates")
    rows.append(dict(item="CRM clean enough for rep-level win rate by quarter", answer=answer, figure=fig,
                     detail="deals carry owner, created/close dates and won/lost status"))
    return pd.DataFrame(rows)


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
