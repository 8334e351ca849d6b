"""Loading one table: locate and read its source, apply the preset and the mapping, check required columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import Config
from coaching_roi.errors import WorkbookError
from coaching_roi.intake.loaded import Progress, _Loaded, _NoRows
from coaching_roi.intake.mapping import _apply_mapping, _melt_wide_scores, _pre_to_records
from coaching_roi.intake.presets import _PRESET_TABLES, _PRESETS
from coaching_roi.intake.presets.gong import _flatten_gong
from coaching_roi.intake.presets.salesforce import _trim_salesforce_footer
from coaching_roi.intake.readers import (
    _decode,
    _format_of,
    _json_records,
    _locate,
    _read_csv_fast,
    _read_csv_records,
    _read_excel,
    _read_json_obj,
    _read_parquet,
    _records_to_frame,
    _sniff_delimiter,
)
from coaching_roi.intake.sql import _read_sql


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
            # quote-free, and every CR is part of a CRLF (counted: no copy of the text)
            fast_ok = '"' not in text and ("\r" not in text or text.count("\r") == text.count("\r\n"))
            if fast_ok and src.preset != "salesforce_report":
                raw, lines, malformed = _read_csv_fast(text, delimiter, path, table)
                del text  # the decoded file is not needed once parsed
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
