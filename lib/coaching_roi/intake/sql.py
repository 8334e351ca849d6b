"""Reader of SQL sources: run ``sources.<table>.query`` against the SQLAlchemy URL held in an
environment variable. Messages never show the password (:mod:`coaching_roi.redact`).
"""

from __future__ import annotations

import os

import pandas as pd

from coaching_roi import redact
from coaching_roi.config import Source
from coaching_roi.errors import WorkbookError
from coaching_roi.intake.cells import (
    _table_hint,
)


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
