"""The only reader and writer of the notebooks' artifacts in ``<run>/data/`` (docs/CONTRACTS.md).

* 01's tables: :func:`tables_status` (``01_tables.json``) and :func:`read_table` (``01_<table>.parquet``).
* 02's and 03's tables: the declared :data:`REGISTRY` (name -> writing notebook, required columns and
  kinds); :func:`write` / :func:`write_all` check the schema and write atomically; :func:`read` checks it
  on read and, when a file is missing, raises one :class:`WorkbookError` naming the notebook to run.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandas.api import types as ptypes

from coaching_roi import schemas
from coaching_roi.config import TABLES, Config
from coaching_roi.errors import WorkbookError
from coaching_roi.safety import atomic_write_bytes


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


# ------------------------------------------------------------------------ the notebooks' artifacts
@dataclass(frozen=True)
class Artifact:
    """One Parquet artifact: its name, the notebook that writes it and the columns it must hold.

    ``columns`` maps each required column to a kind (``string``, ``datetime``, ``float``, ``int``,
    ``bool``); more columns may follow (e.g. one per rubric behavior).
    """

    name: str
    notebook: str
    columns: Mapping[str, str]


_S, _D, _F, _I, _B = "string", "datetime", "float", "int", "bool"
_NB02, _NB03 = "02_behavioral_scoring", "03_cohort_comparison"

REGISTRY: dict[str, Artifact] = {a.name: a for a in (
    Artifact("02_call_behavior", _NB02, {"call_id": _S, "rep_id": _S, "call_date": _D, "behavior": _S, "score": _F}),
    Artifact("02_call_composite", _NB02, {
        "call_id": _S, "rep_id": _S, "call_date": _D, "week": _D, "quarter": _S, "opportunity_id": _S,
        "composite": _F, "n_behaviors_scored": _I, "weight_coverage": _F, "all_scored": _B}),
    Artifact("02_rep_week_behavior", _NB02, {"rep_id": _S, "week": _D, "behavior": _S, "mean_score": _F, "n_calls": _I}),
    Artifact("02_rep_quarter_behavior", _NB02, {"rep_id": _S, "quarter": _S, "behavior": _S, "mean_score": _F, "n_calls": _I}),
    Artifact("02_rep_quarter_composite", _NB02, {"rep_id": _S, "quarter": _S, "composite_mean": _F, "n_calls": _I}),
    Artifact("02_opportunity_discovery_scores", _NB02, {
        "opportunity_id": _S, "rep_id": _S, "first_call_date": _D, "n_discovery_calls": _I, "composite": _F}),
    Artifact("03_rep_quarter", _NB03, {"rep_id": _S, "composite_mean": _F, "n_calls": _I, "quartile": _I, "won": _I,
                                       "lost": _I, "win_rate": _F}),
    Artifact("03_quartiles", _NB03, {"quartile": _I, "n_reps": _I, "n_deals": _I, "won": _I, "lost": _I, "win_rate": _F,
                                     "ci_low": _F, "ci_high": _F, "score_min": _F, "score_max": _F}),
    Artifact("03_example_reps", _NB03, {"rep_id": _S, "behavior": _S, "n_sessions": _I, "first_session_date": _D,
                                        "before_score": _F, "after_score": _F, "sentence": _S}),
)}

_KIND_CHECK = {
    _S: lambda s: ptypes.is_string_dtype(s) or ptypes.is_object_dtype(s),
    _D: ptypes.is_datetime64_any_dtype,
    _F: ptypes.is_float_dtype,
    _I: ptypes.is_integer_dtype,
    _B: ptypes.is_bool_dtype,
}
_EMPTY_DTYPE = {_S: "string", _D: "datetime64[us]", _F: "float64", _I: "int64", _B: "bool"}


def spec(name: str) -> Artifact:
    """The declared :class:`Artifact` called ``name``."""
    if name not in REGISTRY:
        raise WorkbookError(f"Unknown artifact {name!r} (known: {', '.join(REGISTRY)}).")
    return REGISTRY[name]


def schema_problems(name: str, frame: pd.DataFrame) -> list[str]:
    """What keeps ``frame`` from matching the declared schema of ``name`` (empty when it matches)."""
    out = []
    for col, kind in spec(name).columns.items():
        if col not in frame.columns:
            out.append(f"column {col} is missing")
        elif len(frame) and not _KIND_CHECK[kind](frame[col]):
            out.append(f"column {col} is {frame[col].dtype}, not {kind}")
    return out


def empty(name: str) -> pd.DataFrame:
    """A frame with no rows and the declared columns of ``name`` (what a notebook writes when it has nothing)."""
    return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPE[k]) for c, k in spec(name).columns.items()})


def write(cfg: Config, name: str, frame: pd.DataFrame) -> Path:
    """Check ``frame`` against the schema of ``name`` and write it atomically as ``<run>/data/<name>.parquet``."""
    bad = schema_problems(name, frame)
    if bad:
        raise ValueError(f"{name} does not match its declared schema: {'; '.join(bad)}.")
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, engine="pyarrow")
    return atomic_write_bytes(cfg.artifact(name), buf.getvalue())


def write_all(cfg: Config, frames: Mapping[str, pd.DataFrame], names: Iterable[str] = ()) -> None:
    """Write every frame of ``frames``; each of ``names`` not in ``frames`` is written empty.

    Writing an empty table (rather than nothing) means a later notebook never reads a stale table of
    an earlier run in the same folder, and can tell "had nothing" from "has not run".
    """
    for name, frame in frames.items():
        write(cfg, name, frame)
    for name in names:
        if name not in frames:
            write(cfg, name, empty(name))


def read(cfg: Config, name: str, *, missing_ok: bool = False) -> pd.DataFrame | None:
    """Read the artifact ``name``, checked against its schema; None when it has no rows.

    A missing file raises one :class:`WorkbookError` naming the notebook that writes it (or gives
    None with ``missing_ok``, for readers that can do without it).
    """
    a, path = spec(name), cfg.artifact(name)
    if not path.exists():
        if missing_ok:
            return None
        raise WorkbookError(
            f"{path.name} is missing in {cfg.artifacts_dir}: it is written by notebook {a.notebook}. "
            f"Fix: run {a.notebook} first (coaching-roi run params/<name>.yaml runs every notebook in order)."
        )
    df = pd.read_parquet(path)
    bad = schema_problems(name, df)
    if bad:
        raise WorkbookError(
            f"{path.name} does not match its schema ({'; '.join(bad)}); it was written by an older version? "
            f"Fix: run {a.notebook} again."
        )
    return df if len(df) else None
