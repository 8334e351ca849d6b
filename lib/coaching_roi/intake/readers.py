"""Readers of file sources: locate a table's file, tell its format, decode text and parse CSV
(keeping every record's source line), Excel, Parquet and JSON. Whole-file problems raise
:class:`~coaching_roi.errors.WorkbookError` naming file, problem and fix.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coaching_roi import decoding, schemas
from coaching_roi.config import Config, Source
from coaching_roi.errors import WorkbookError
from coaching_roi.intake.cells import (
    _no_reasons,
    _reasons,
    _table_hint,
)
from coaching_roi.intake.presets.maven import _MAVEN_FILES
from coaching_roi.paths import resolve_path

_FILE_SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "json",
}


_DEFAULT_SUFFIXES = (".csv", ".parquet", ".xlsx", ".json")


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


def _arrow_str(arr) -> pd.Series:
    """An Arrow string array as a pandas Series of the workbook's string dtype."""
    return pd.Series(pd.array(arr, dtype=schemas.STRING_DTYPE))


_CSV_BLOCK = 1_000_000
"""Lines split into fields at once by :func:`_read_csv_fast` (bounds its transient memory)."""


def _read_csv_fast(
    text: str, delimiter: str, path: Path, table: str
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Parse CSV text without any quote character: one physical line = one record.

    Vectorised (Arrow compute splits lines and fields; a record's value count is its field list's
    length), for files with millions of rows; same result as :func:`_read_csv_records` +
    :func:`_records_to_frame` on such files.
    """
    # Lines and fields are split by Arrow compute on Arrow strings: no Python object per line or field
    # (a 5 M-row file would otherwise hold its text several times over as Python strings).
    physical = pc.split_pattern(pa.array([text], type=pa.large_string()), "\n").flatten()
    if "\r" in text:  # the fast path has no lone CR: only CRLF line ends to trim
        physical = pc.utf8_rtrim(physical, characters="\r")
    line_no = np.arange(1, len(physical) + 1, dtype=np.int64)
    # A line is blank when it is empty or only whitespace (what str.strip() == "" says, code point by
    # code point: Arrow's and Python's whitespace sets agree).
    blank = pc.or_(pc.equal(pc.utf8_length(physical), 0), pc.utf8_is_space(physical))
    idx = np.flatnonzero(~blank.to_numpy(zero_copy_only=False))
    if len(idx) == 0:
        raise WorkbookError(f"{path.name}: the file is empty. Fix: export the {table} table again.")
    header = _clean_header(physical[int(idx[0])].as_py().split(delimiter), path)
    n = len(header)
    body_idx = idx[1:]
    if len(body_idx) and body_idx[-1] - body_idx[0] + 1 == len(body_idx):  # no blank line inside: a slice, no copy
        body = physical.slice(int(body_idx[0]), len(body_idx))
    else:
        body = physical.take(pa.array(body_idx))
    del physical
    lines = line_no[body_idx]
    # Without quote characters a record is its line split at each delimiter (what csv.reader and
    # pandas' C parser with QUOTE_NONE do): one field list per line; its length is the value count.
    # A block of lines at a time, so that only one block's field lists exist at once.
    counts_parts, columns, bad_rows = [], [[] for _ in header], []
    for at in range(0, len(body), _CSV_BLOCK):
        fields = pc.split_pattern(body.slice(at, _CSV_BLOCK), pattern=delimiter)
        c = pc.list_value_length(fields).to_numpy(zero_copy_only=False).astype(np.int64)
        counts_parts.append(c)
        ok = c == n
        kept = fields if ok.all() else fields.filter(pa.array(ok))
        for j in range(n):
            columns[j].append(pc.list_element(kept, j))
        if not ok.all():
            bad_rows += [(r + [""] * n)[:n] for r in fields.filter(pa.array(~ok)).to_pylist()]
        del fields, kept
    counts = np.concatenate(counts_parts) if counts_parts else np.zeros(0, dtype=np.int64)
    good = counts == n
    if good.any():
        parsed = {}
        for j, h in enumerate(header):  # each column made one contiguous array, its blocks released
            parts, columns[j] = columns[j], None
            parsed[h] = _arrow_str(pa.concat_arrays(parts) if len(parts) > 1 else parts[0])
            del parts
        parsed = pd.DataFrame(parsed)
    else:
        parsed = pd.DataFrame({h: pd.Series(dtype=schemas.STRING_DTYPE) for h in header})
    del columns
    if len(parsed) != int(good.sum()):
        raise AssertionError(f"{path.name}: fast CSV parse read {len(parsed)} rows, expected {int(good.sum())}")
    if good.all():
        return parsed, lines, _no_reasons()
    bad_pos = np.flatnonzero(~good)
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
