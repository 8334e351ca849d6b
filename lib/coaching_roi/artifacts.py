"""Read the artifacts notebook 01 writes (docs/CONTRACTS.md): ``01_<table>.parquet`` + ``01_tables.json``."""

from __future__ import annotations

import json

import pandas as pd

from coaching_roi import schemas
from coaching_roi.config import TABLES, Config
from coaching_roi.errors import WorkbookError


def tables_status(cfg: Config) -> dict:
    """Return ``{"present": [...], "absent": {table: what cannot be computed}}`` from ``01_tables.json``.

    Raises :class:`WorkbookError` when intake has not run for this run folder.
    """
    path = cfg.artifacts_dir / "01_tables.json"
    if not path.exists():
        raise WorkbookError(
            f"No intake results in {cfg.artifacts_dir} (01_tables.json missing). "
            "Fix: run notebooks/01_data_intake.ipynb first (coaching-roi run params/<name>.yaml runs them all)."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def read_table(cfg: Config, table: str) -> pd.DataFrame | None:
    """Return the accepted canonical ``table`` written by intake, or None when the table is absent.

    Every canonical column is present, in its canonical dtype.
    """
    if table not in TABLES:
        raise WorkbookError(f"Unknown table {table!r} (known: {', '.join(TABLES)}).")
    status = tables_status(cfg)
    if table not in status.get("present", []):
        return None
    path = cfg.artifact(f"01_{table}")
    if not path.exists():
        raise WorkbookError(
            f"{path.name} is missing although 01_tables.json lists {table} as present. "
            "Fix: run notebooks/01_data_intake.ipynb again."
        )
    df = pd.read_parquet(path)
    missing = [c for c in schemas.columns(table) if c not in df.columns]
    if missing:
        raise WorkbookError(
            f"{path.name} lacks column(s) {', '.join(missing)} (written by an older version?). "
            "Fix: run notebooks/01_data_intake.ipynb again."
        )
    for c in schemas.TABLE_COLUMNS[table]:
        if c.kind == "string" and df[c.name].dtype != schemas.STRING_DTYPE:
            df[c.name] = df[c.name].astype(schemas.STRING_DTYPE)
    return df[schemas.columns(table)]
