"""Row accounting: split a checked table into accepted rows, rejects (source line, reasons, original
values) and one failure row per (rejected row, check); rows read = accepted + rejected, exactly.
"""

from __future__ import annotations

import pandas as pd

from coaching_roi import schemas
from coaching_roi.intake.loaded import _Checked


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
