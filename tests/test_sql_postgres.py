"""SQL sources against a real PostgreSQL server (tested against a live server, not a mock).

The server comes from the environment: ``COACHING_ROI_TEST_PG_URL`` holds a SQLAlchemy URL
(``postgresql+psycopg://user:password@host/db``) of a database the tests may create schemas in.
``.ci/run`` installs Debian's PostgreSQL, starts it and sets the variable; elsewhere these tests skip
with that reason. Each test works in its own schema and drops it afterwards.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml

from coaching_roi import config, demo, intake
from coaching_roi.config import TABLES

PG_ENV = "COACHING_ROI_TEST_PG_URL"

# What a CRM warehouse would hold: real dates, timestamps, integers and NUMERIC money.
DATE_COLS = {"hire_date", "end_date", "session_date", "created_date", "close_date", "date"}
TIMESTAMP_COLS = {"call_date"}
INT_COLS = {"duration_s", "duration_min", "dials", "connects", "conversations", "meetings_booked",
            "meetings_held", "sqls", "emails_sent", "email_replies"}
NUMERIC_COLS = {"amount", "monthly_quota", "score"}


@pytest.fixture
def pg_schema():
    """(engine, schema): a fresh schema in the test database, dropped afterwards."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL server: set {PG_ENV} to a SQLAlchemy URL (.ci/run starts one and sets it)")
    sa = pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg", reason="the psycopg driver is a dependency; reinstall the project")
    engine = sa.create_engine(url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield engine, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        engine.dispose()


def _load_tables(engine, schema: str, data_dir: Path, *, typed: bool) -> None:
    """Copy the generated CSVs into PostgreSQL tables, typed like a warehouse or as plain text."""
    import sqlalchemy as sa

    for table in TABLES:
        df = pd.read_csv(data_dir / f"{table}.csv", dtype=str, keep_default_na=False)
        types: dict = {}
        if typed:
            df = df.replace("", None)
            for col in df.columns:
                if col in DATE_COLS:
                    df[col] = pd.to_datetime(df[col]).dt.date
                    types[col] = sa.Date()
                elif col in TIMESTAMP_COLS:
                    df[col] = pd.to_datetime(df[col])
                    types[col] = sa.DateTime()
                elif col in INT_COLS:
                    df[col] = pd.to_numeric(df[col]).astype("Int64")
                    types[col] = sa.Integer()
                elif col in NUMERIC_COLS:
                    df[col] = pd.to_numeric(df[col])
                    types[col] = sa.Numeric(14, 2)
                else:
                    types[col] = sa.Text()
        else:
            types = dict.fromkeys(df.columns, sa.Text())
        df.to_sql(table, engine, schema=schema, index=False, dtype=types)


def _sql_sources(schema: str, url_env: str) -> dict:
    # The order matches the CSV files' so reject source lines (record numbers) are comparable.
    order = {"reps": "rep_id", "calls": "call_id", "call_scores": "call_id, behavior, scorer",
             "coaching_sessions": "session_id", "opportunities": "opportunity_id", "sdr_activity": "rep_id, date"}
    return {t: {"format": "sql", "url_env": url_env, "query": f'select * from "{schema}"."{t}" order by {order[t]}'}
            for t in TABLES}


def _cfg(tmp: Path, data_dir: Path, quarter: str, sources: dict | None = None) -> config.Config:
    return config.build(quarter=quarter, name="pg", data_dir=str(data_dir), sources=sources, run_dir=str(tmp / "run"))


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_typed_postgres_tables_give_the_same_tables_as_the_files(tmp_path, pg_schema, monkeypatch):
    engine, schema = pg_schema
    data_dir = tmp_path / "data"
    truth = demo.generate(data_dir, seed=3, size=demo.DemoSize.small(), inject_errors=False)
    _load_tables(engine, schema, data_dir, typed=True)
    with engine.connect() as conn:
        import sqlalchemy as sa

        kinds = set(conn.execute(sa.text("select data_type from information_schema.columns where table_schema = :s"),
                                 {"s": schema}).scalars())
    assert {"date", "numeric", "integer", "timestamp without time zone", "text"} <= kinds
    monkeypatch.setenv("CRM_URL", os.environ[PG_ENV])

    from_files = intake.run_intake(_cfg(tmp_path / "f", data_dir, truth["end_quarter"]))
    from_pg = intake.run_intake(_cfg(tmp_path / "p", data_dir, truth["end_quarter"], _sql_sources(schema, "CRM_URL")))

    acc_f = from_files.accounting.set_index("table")[["rows_read", "rows_accepted", "rows_rejected"]]
    acc_p = from_pg.accounting.set_index("table")[["rows_read", "rows_accepted", "rows_rejected"]]
    pd.testing.assert_frame_equal(acc_p, acc_f)
    assert (acc_p["rows_read"] > 0).all()
    for table in TABLES:
        # DATE/NUMERIC/INTEGER columns arrive as date, Decimal and int objects: intake must coerce
        # them to exactly what it makes of the CSV text.
        pd.testing.assert_frame_equal(_sorted(from_pg.tables[table]), _sorted(from_files.tables[table]),
                                      check_exact=False, rtol=1e-9, obj=table)


@pytest.mark.notebook
def test_postgres_source_through_the_runner_keeps_the_password_out_of_every_file(tmp_path, pg_schema, monkeypatch):
    """Notebook 01 reading every table from PostgreSQL (text columns, with the demo's bad rows):
    the same row accounting and rejects as from the files, and the URL's password appears in no
    output file (papermill writes parameters into the executed notebook; the URL lives only in
    the environment)."""
    from coaching_roi import pipeline

    engine, schema = pg_schema
    url = os.environ[PG_ENV]
    password = engine.url.password
    data_dir = tmp_path / "data"
    truth = demo.generate(data_dir, seed=5, size=demo.DemoSize.small(), inject_errors=True)
    _load_tables(engine, schema, data_dir, typed=False)

    env_name = "COACHING_ROI_PG_TEST_CRM"
    params = tmp_path / "pg.yaml"
    params.write_text(yaml.safe_dump({"quarter": truth["end_quarter"], "name": "pg", "data_dir": str(data_dir),
                                      "sources": _sql_sources(schema, env_name)}), encoding="utf-8")
    monkeypatch.setenv(env_name, url)  # the kernel inherits the environment
    result = pipeline.run(params, out_dir=tmp_path / "out", outputs_root=tmp_path, only=["01"], progress=lambda s: None)

    from_files = intake.run_intake(_cfg(tmp_path / "f", data_dir, truth["end_quarter"]))
    manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert all(v.get("sql") for v in manifest["inputs"].values())
    rejects_dir = result.run_dir / "rejects"
    for table in TABLES:
        want = from_files.rejects[table]
        got_path = rejects_dir / f"{table}.csv"
        got = pd.read_csv(got_path) if got_path.exists() else want.iloc[0:0]
        assert len(got) == len(want), table
        assert sorted(got["reason"].astype(str)) == sorted(want["reason"].astype(str)), table
    assert sum(len(r) for r in from_files.rejects.values()) > 0  # the demo's bad rows were there to reject

    secrets = [s for s in (password, url) if s]
    assert secrets, "the test URL should carry a password so that this check means something"
    leaked = [p for p in result.run_dir.rglob("*") if p.is_file() and any(s.encode() in p.read_bytes() for s in secrets)]
    assert not leaked, f"the database password reached {leaked}"


def test_postgres_failures_are_one_clear_line_without_the_password(tmp_path, pg_schema, monkeypatch):
    from coaching_roi.errors import WorkbookError

    engine, schema = pg_schema
    password = engine.url.password
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    bad_query = {"opportunities": {"format": "sql", "url_env": "CRM_URL", "query": f'select * from "{schema}".nope'}}
    monkeypatch.setenv("CRM_URL", os.environ[PG_ENV])
    with pytest.raises(WorkbookError, match=r"opportunities \(sql via \$CRM_URL\): the query failed") as err:
        intake.run_intake(_cfg(tmp_path, data_dir, "2026Q3", bad_query))
    assert "\n" not in str(err.value) and password not in str(err.value)

    wrong_password = engine.url.set(password="not-the-password").render_as_string(hide_password=False)
    monkeypatch.setenv("CRM_URL", wrong_password)
    ok_query = {"opportunities": {**bad_query["opportunities"], "query": "select 1 as opportunity_id"}}
    with pytest.raises(WorkbookError, match=r"could not connect .*password authentication failed.*Fix: check the URL in \$CRM_URL") as err:
        intake.run_intake(_cfg(tmp_path, data_dir, "2026Q3", ok_query))
    assert "not-the-password" not in str(err.value)
