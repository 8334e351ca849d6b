"""The user's column mapping from params (drop_columns, renames, value_maps, date_format) and the
melt of wide ``call_scores`` (one column per behavior) to long records.
"""

from __future__ import annotations

import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import Mapping
from coaching_roi.intake.cells import (
    _REASON_COLUMNS,
    _as_text,
    _is_blank,
)
from coaching_roi.intake.loaded import _Loaded


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


def _pre_to_records(pre: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    if pre.empty:
        return pre
    rec = pd.DataFrame({"record": long.index, "_row": long["_row"].to_numpy()})
    merged = rec.merge(pre.rename(columns={"row": "_row"}), on="_row", how="inner")
    return merged.rename(columns={"record": "row"})[_REASON_COLUMNS]
