"""The intake orchestrator: :func:`run_intake` loads, checks and accounts for every canonical table;
:func:`write_outputs` writes the accepted tables, ``01_tables.json`` and the rejects.
"""

from __future__ import annotations

import json
import time

import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import TABLES, Config
from coaching_roi.errors import WorkbookError
from coaching_roi.exports import safe_csv
from coaching_roi.intake.absent import ABSENT_IMPACT
from coaching_roi.intake.accounting import _finalise
from coaching_roi.intake.load import _load
from coaching_roi.intake.loaded import Progress, _Checked, _NoRows
from coaching_roi.intake.result import IntakeResult
from coaching_roi.intake.validation import _check_table, _cross_checks
from coaching_roi.safety import atomic_parquet, atomic_write_text


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
    for table in list(checked):
        # Popped: once a table is finalised its raw, mapped and typed frames are released.
        ch = checked.pop(table)
        accepted, rej, fail = _finalise(ch)
        tables[table], rejects[table] = accepted, rej
        failures.append(fail)
        sources[table] = ch.ld.label
        acc_rows.append({
            "table": table, "source": ch.ld.label, "rows_read": len(ch.typed),
            "rows_accepted": len(accepted), "rows_rejected": len(rej),
        })
        del ch
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
            atomic_parquet(result.tables[table], path, engine="pyarrow")
            safe_csv(result.rejects[table], rej_path)
        else:
            path.unlink(missing_ok=True)
            rej_path.unlink(missing_ok=True)
    status = {"present": result.present, "absent": result.absent}
    atomic_write_text(cfg.artifacts_dir / "01_tables.json", json.dumps(status, indent=2))
