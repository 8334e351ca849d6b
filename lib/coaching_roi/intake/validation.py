"""Validation: per table (parse failures, pandera schema checks) and across tables (rep and call
references, coaching session on or after the rep's hire date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import Config
from coaching_roi.intake.cells import (
    _no_reasons,
    _reasons,
    isin_text,
    rep_id_from_name,
)
from coaching_roi.intake.loaded import Progress, _Checked, _Loaded
from coaching_roi.intake.normalise import _type_frame


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
    rejected_rows = parent.reasons["row"].unique() if len(parent.reasons) else []
    ok_mask = ~parent.typed.index.isin(rejected_rows)
    vals = child.typed[col]
    bad = pd.Series(vals.notna().to_numpy() & ~isin_text(vals, parent.typed.loc[ok_mask, parent_col]), index=vals.index)
    if not bad.any():
        return _no_reasons()
    was_rejected = pd.Series(isin_text(vals, parent.typed[parent_col]), index=vals.index)
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
