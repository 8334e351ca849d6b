"""Intake: readers, presets, user mapping, per-row rejects, exact row accounting, whole-file errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coaching_roi import artifacts, config, intake, schemas
from coaching_roi.errors import WorkbookError
from coaching_roi.exports import neutralise_formulas, safe_csv

BASE = {
    "reps": """rep_id,rep_name,role,team,manager_id,hire_date,end_date,onboarding_program,monthly_quota
AE1,Ann,AE,East,M1,2025-01-06,,standard,50000
AE2,Bob,AE,East,M1,2025-02-03,,structured_sprint,50000
SDR1,Sue,SDR,East,M2,2025-01-06,,standard,
""",
    "calls": """call_id,rep_id,call_date,call_type,opportunity_id,duration_s
C1,AE1,2026-07-06 10:00,discovery,O1,1800
C2,AE2,2026-07-07,demo,,1200
""",
    "call_scores": """call_id,behavior,score,scorer,scorer_id
C1,open_questions,7,manager,M1
C1,digs_deeper,6.5,ai,
C2,clear_ask,8,manager,M1
""",
    "coaching_sessions": """session_id,rep_id,coach_id,session_date,behavior,observable,format,duration_min,program
S1,AE1,M1,2026-07-10,open_questions,Ask three open questions,call_review,30,
S2,AE2,M1,2026-07-11,digs_deeper;clear_ask,,one_on_one,45,
""",
    "opportunities": """opportunity_id,rep_id,created_date,close_date,status,amount,account,segment
O1,AE1,2026-06-01,2026-07-20,won,12000,Acme,SMB
O2,AE2,2026-06-05,,open,,Beta,
O3,AE2,2026-06-05,2026-08-01,lost,5000,Gamma,
""",
    "sdr_activity": """rep_id,date,dials,connects,conversations,meetings_booked,meetings_held,sqls,emails_sent,email_replies
SDR1,2026-07-06,60,6,5,1,1,1,40,3
SDR1,2026-07-07,55,5,4,1,0,0,,
""",
}


def write(data_dir: Path, tables: dict[str, str] | None = None, **append: str) -> Path:
    """Write the base tables (or ``tables``), with extra lines appended per table."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for table, text in (tables if tables is not None else BASE).items():
        (data_dir / f"{table}.csv").write_text(text + append.get(table, ""), encoding="utf-8")
    return data_dir


def cfg_for(tmp_path: Path, sources: dict | None = None, **kw) -> config.Config:
    return config.build(quarter="2026Q3", name="t", data_dir=str(tmp_path / "data"), sources=sources,
                        run_dir=str(tmp_path / "run"), check_paths=kw.pop("check_paths", True), **kw)


def run(tmp_path: Path, sources: dict | None = None, **append: str) -> intake.IntakeResult:
    write(tmp_path / "data", **append)
    return intake.run_intake(cfg_for(tmp_path, sources))


def assert_accounting(res: intake.IntakeResult) -> None:
    acc = res.accounting
    assert (acc["rows_read"] == acc["rows_accepted"] + acc["rows_rejected"]).all()
    for table in res.present:
        row = acc.set_index("table").loc[table]
        assert row["rows_accepted"] == len(res.tables[table])
        assert row["rows_rejected"] == len(res.rejects[table])


# ------------------------------------------------------------------------------ clean input
def test_clean_input_is_all_accepted(tmp_path):
    res = run(tmp_path)
    assert_accounting(res)
    assert res.accounting["rows_rejected"].sum() == 0
    assert res.absent == {}
    calls = res.tables["calls"]
    assert calls["call_date"].dtype == schemas.DATETIME_DTYPE
    assert calls["rep_id"].dtype == schemas.STRING_DTYPE
    assert res.tables["sdr_activity"]["dials"].dtype == "int64"
    assert res.tables["call_scores"]["score"].dtype == "float64"
    # every canonical column present, in order
    for t in res.present:
        assert list(res.tables[t].columns) == schemas.columns(t)


def test_artifacts_written_and_read_back(tmp_path):
    res = run(tmp_path)
    cfg = cfg_for(tmp_path)
    status = artifacts.tables_status(cfg)
    assert status["present"] == list(config.TABLES) and status["absent"] == {}
    back = artifacts.read_table(cfg, "opportunities")
    pd.testing.assert_frame_equal(back, res.tables["opportunities"])
    assert (cfg.rejects_dir / "calls.csv").exists()


def test_absent_table_is_stated_and_stale_artifact_removed(tmp_path):
    run(tmp_path)
    cfg = cfg_for(tmp_path)
    assert cfg.artifact("01_sdr_activity").exists()
    (tmp_path / "data" / "sdr_activity.csv").unlink()
    res = intake.run_intake(cfg)
    assert "sdr_activity" in res.absent and "funnel" in res.absent["sdr_activity"]
    assert not cfg.artifact("01_sdr_activity").exists()
    assert artifacts.read_table(cfg, "sdr_activity") is None
    assert "sdr_activity" in artifacts.tables_status(cfg)["absent"]


def test_read_table_before_intake_is_a_clear_error(tmp_path):
    write(tmp_path / "data")
    with pytest.raises(WorkbookError, match="run notebooks/01_data_intake"):
        artifacts.read_table(cfg_for(tmp_path), "reps")


# ----------------------------------------------------------------------- one reason per test
REASONS = [
    # (table, appended line, check code, text in reason)
    ("reps", "AE9,Zed,Manager,,,2025-01-01,,,", "allowed:role", "role 'Manager' is not one of: AE, SDR"),
    ("reps", "AE9,Zed,AE,,,2025-05-01,2025-04-01,,", "end_before_hire", "end_date 2025-04-01 is before hire_date"),
    ("reps", "AE1,Ann again,AE,,,,,,", "duplicate_key", "duplicate rep_id 'AE1'"),
    ("reps", "AE9,,AE,,,,,,", "blank:rep_name", "rep_name is blank"),
    ("reps", "AE9,Zed,AE,,,31/02/2026,,,", "not_a_date:hire_date", "hire_date '31/02/2026' is not a date"),
    ("reps", "AE9,Zed,AE,,,,,,-5", "non_negative:monthly_quota", "monthly_quota -5 is negative"),
    ("calls", "C9,AE1,2026-07-08,pitch,,", "allowed:call_type", "call_type 'pitch' is not one of"),
    ("calls", "C9,AE404,2026-07-08,demo,,", "unknown_rep", "rep_id 'AE404' is not in reps"),
    ("calls", "C1,AE1,2026-07-08,demo,,", "duplicate_key", "duplicate call_id 'C1'"),
    ("calls", "C9,AE1,yesterday,demo,,", "not_a_date:call_date", "call_date 'yesterday' is not a date"),
    ("calls", "C9,AE1,2026-07-08,demo,,-3", "non_negative:duration_s", "duration_s -3 is negative"),
    ("call_scores", "C1,active_listening,14,manager,M1", "score_scale", "score 14.0 outside the rubric scale 0–10"),
    ("call_scores", "C1,charisma,5,manager,M1", "behavior_not_in_rubric", "behavior 'charisma' is not a rubric key"),
    ("call_scores", "C404,open_questions,5,manager,M1", "unknown_call", "call_id 'C404' is not in calls"),
    ("call_scores", "C1,open_questions,5,robot,M1", "allowed:scorer", "scorer 'robot' is not one of"),
    ("call_scores", "C1,active_listening,abc,manager,M1", "not_a_number:score", "score 'abc' is not a number"),
    ("call_scores", "C1,open_questions,3,manager,M1", "duplicate_key", "duplicate call_id + behavior"),
    ("call_scores", "C1,active_listening,,manager,M1", "blank:score", "score is blank"),
    ("coaching_sessions", "S9,AE1,M1,2026-07-12,open_questions;bogus,,,,", "behavior_not_in_rubric", "'bogus'"),
    ("coaching_sessions", "S9,AE1,M1,2024-07-12,open_questions,,,,", "session_before_hire",
     "session_date 2024-07-12 is before the rep's hire_date 2025-01-06"),
    ("coaching_sessions", "S9,AE1,M1,2026-07-12,open_questions,,zoom,,", "allowed:format", "format 'zoom'"),
    ("coaching_sessions", "S9,AE404,M1,2026-07-12,open_questions,,,,", "unknown_rep", "rep_id 'AE404'"),
    ("opportunities", "O9,AE1,2026-07-01,2026-06-01,won,100,,", "close_before_created",
     "close_date 2026-06-01 is before created_date 2026-07-01"),
    ("opportunities", "O9,AE1,2026-07-01,,pending,100,,", "allowed:status", "status 'pending'"),
    ("opportunities", "O9,AE1,2026-07-01,2026-07-02,won,-100,,", "non_negative:amount", "amount -100 is negative"),
    ("opportunities", "O9,AE1,2026-07-01,,won,100,,", "closed_without_date", "won deal has no close_date"),
    ("opportunities", "O9,AE1,2026-07-01,2026-07-02,lost,,,", "amount_missing", "lost deal has no amount"),
    ("opportunities", "O9,AE404,2026-07-01,2026-07-02,won,1,,", "unknown_rep", "rep_id 'AE404'"),
    ("opportunities", "O9,AE1,2026-07-01,2026-07-02,won,12;5,,", "not_a_number:amount", "amount '12;5'"),
    ("sdr_activity", "SDR1,2026-07-08,10,12,1,1,1,1,,", "funnel:connects<=dials", "connects 12 > dials 10"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,6,1,1,1,,", "funnel:conversations<=connects", "conversations 6 > connects 5"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,4,5,1,1,,", "funnel:meetings_booked<=conversations", "meetings_booked 5"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,4,2,3,1,,", "funnel:meetings_held<=meetings_booked", "meetings_held 3"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,4,2,1,2,,", "funnel:sqls<=meetings_held", "sqls 2 > meetings_held 1"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,4,2,1,1,5,6", "funnel:email_replies<=emails_sent", "email_replies 6"),
    ("sdr_activity", "SDR1,2026-07-08,10.5,5,4,2,1,1,,", "not_whole:dials", "dials 10.5 is not a whole number"),
    ("sdr_activity", "SDR1,2026-07-08,,5,4,2,1,1,,", "blank:dials", "dials is blank"),
    ("sdr_activity", "SDR1,2026-07-06,10,5,4,2,1,1,,", "duplicate_key", "duplicate rep_id + date"),
    ("sdr_activity", "SDR404,2026-07-08,10,5,4,2,1,1,,", "unknown_rep", "rep_id 'SDR404'"),
    ("sdr_activity", "SDR1,2026-07-08,10,5,4,2,1,1,,,extra", "malformed_row", "row has 11 values but the header has 10"),
]


@pytest.mark.parametrize(("table", "line", "check", "text"), REASONS, ids=[f"{r[0]}-{r[2]}" for r in REASONS])
def test_reject_reason(tmp_path, table, line, check, text):
    res = run(tmp_path, **{table: line + "\n"})
    assert_accounting(res)
    rej = res.rejects[table]
    assert len(rej) == 1, rej.to_dict("records")
    expected_line = BASE[table].count("\n") + 1  # header is line 1
    assert rej["source_line"].iloc[0] == expected_line
    assert text in rej["reason"].iloc[0]
    assert check in res.failures.loc[res.failures["table"] == table, "check"].tolist()
    # every other table untouched
    others = res.accounting[res.accounting["table"] != table]
    assert others["rows_rejected"].sum() == 0
    # the rejects CSV holds the same row, with the original values
    on_disk = pd.read_csv(tmp_path / "run" / "rejects" / f"{table}.csv", dtype=str)
    assert on_disk["source_line"].tolist() == [str(expected_line)]
    first_col = line.split(",")[0]
    assert on_disk.iloc[0, 2] == first_col


def test_reference_to_a_rejected_parent_says_so(tmp_path):
    res = run(tmp_path, reps="AE9,Zed,Boss,,,,,,\n", calls="C9,AE9,2026-07-08,demo,,\n",
              call_scores="C9,open_questions,5,manager,M1\n")
    assert "refers to a row of reps that was rejected" in res.rejects["calls"]["reason"].iloc[0]
    assert "refers to a row of calls that was rejected" in res.rejects["call_scores"]["reason"].iloc[0]
    assert_accounting(res)


def test_several_problems_in_one_row_are_all_listed(tmp_path):
    res = run(tmp_path, opportunities="O9,AE404,2026-07-01,2026-06-01,maybe,-5,,\n")
    reason = res.rejects["opportunities"]["reason"].iloc[0]
    for part in ("status 'maybe'", "amount -5", "close_date 2026-06-01", "rep_id 'AE404'"):
        assert part in reason


def test_mixed_file_accounting(tmp_path):
    good = [f"X{i},AE1,2026-07-{1 + i % 28:02d},discovery,,600" for i in range(50)]
    bad = ["Y1,AE1,2026-07-01,unknown,,", "Y2,,2026-07-01,demo,,", "X3,AE1,2026-07-02,demo,,",
           "Y4,AE1,2026-13-01,demo,,", "Y5,AE1,2026-07-01,demo"]
    res = run(tmp_path, calls="\n".join(good[:25] + bad + good[25:]) + "\n")
    acc = res.accounting.set_index("table").loc["calls"]
    assert acc["rows_read"] == 2 + 50 + 5
    assert acc["rows_rejected"] == 5
    assert acc["rows_accepted"] == 52
    assert_accounting(res)
    # lines: header 1, base rows 2-3, good 4-28, bad 29-33
    assert res.rejects["calls"]["source_line"].tolist() == [29, 30, 31, 32, 33]


def test_source_lines_survive_blank_lines_and_multiline_cells(tmp_path):
    text = BASE["coaching_sessions"] + '\nS3,AE1,M1,2026-07-12,open_questions,"Ask\nthree questions",,,\nS4,AE1,M1,2026-07-13,nope,,,,\n'
    res = run(tmp_path, **{})  # writes base
    write(tmp_path / "data", {"coaching_sessions": text})
    res = intake.run_intake(cfg_for(tmp_path))
    # header 1, S1 2, S2 3, blank 4, S3 5-6, S4 7
    assert res.rejects["coaching_sessions"]["source_line"].tolist() == [7]
    assert res.tables["coaching_sessions"]["observable"].iloc[2] == "Ask\nthree questions"


def test_enum_values_are_matched_case_insensitively(tmp_path):
    res = run(tmp_path, calls="C9,AE1,2026-07-08,Follow Up,,\n", reps="AE9,Zed,ae,,,,,,\n")
    assert res.tables["calls"]["call_type"].iloc[-1] == "follow_up"
    assert res.tables["reps"]["role"].iloc[-1] == "AE"


# ------------------------------------------------------------------------ whole-file errors
def test_missing_file_explicit_source(tmp_path):
    write(tmp_path / "data")
    cfg = cfg_for(tmp_path, {"calls": {"path": "nope.csv"}}, check_paths=False)
    with pytest.raises(WorkbookError, match=r"nope\.csv: file not found.*Fix"):
        intake.run_intake(cfg)


def test_missing_required_column(tmp_path):
    write(tmp_path / "data", opportunities="")
    (tmp_path / "data" / "opportunities.csv").write_text(
        "opportunity_id,rep_id,created_date,amount\nO1,AE1,2026-06-01,5\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as exc:
        intake.run_intake(cfg_for(tmp_path))
    msg = str(exc.value)
    assert msg.startswith("opportunities.csv: missing required column 'status'")
    assert "sources.opportunities.mapping.renames" in msg


def test_wrong_encoding(tmp_path):
    """An encoding set in params is used strictly: bytes it cannot read are one message with the offset."""
    write(tmp_path / "data")
    (tmp_path / "data" / "reps.csv").write_bytes(
        "rep_id,rep_name,role\nAE1,Zoë,AE\n".encode("latin-1"))
    with pytest.raises(WorkbookError, match=r"reps\.csv: not readable as utf-8 \(byte 0xeb at byte offset 27, line 2\).*encoding"):
        intake.run_intake(cfg_for(tmp_path, {"reps": {"encoding": "utf-8"}}))


def test_latin1_is_read_by_default_with_a_note(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "reps.csv").write_bytes((BASE["reps"] + "AE9,Zoë,AE,,,,,,\n").encode("latin-1"))
    res = intake.run_intake(cfg_for(tmp_path))
    assert "Zoë" in res.tables["reps"]["rep_name"].tolist()
    assert any("read as Windows-1252" in n for n in res.notes)


def test_encoding_from_params(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "reps.csv").write_bytes(
        (BASE["reps"] + "AE9,Zoë,AE,,,,,,\n").encode("latin-1"))
    res = intake.run_intake(cfg_for(tmp_path, {"reps": {"encoding": "latin-1"}}))
    assert "Zoë" in res.tables["reps"]["rep_name"].tolist()


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff\n"])
def test_empty_file(tmp_path, content):
    write(tmp_path / "data")
    (tmp_path / "data" / "reps.csv").write_text(content, encoding="utf-8")
    with pytest.raises(WorkbookError, match=r"reps\.csv: the file is empty"):
        intake.run_intake(cfg_for(tmp_path))


def test_header_without_rows_makes_the_table_absent(tmp_path):
    """A quarter's export with no rows (e.g. no coaching sessions) is not an error: the table is absent."""
    write(tmp_path / "data")
    (tmp_path / "data" / "coaching_sessions.csv").write_text(
        "session_id,rep_id,coach_id,session_date,behavior\n", encoding="utf-8")
    res = intake.run_intake(cfg_for(tmp_path))
    assert "coaching_sessions" not in res.tables
    assert res.absent["coaching_sessions"].startswith("coaching_sessions.csv holds no rows: no coaching log")
    assert any("a header but no rows" in n for n in res.notes)


def test_no_tables_at_all(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(WorkbookError, match="No input tables found"):
        intake.run_intake(cfg_for(tmp_path))


def test_unclosed_quote_is_a_file_error_or_reject(tmp_path):
    write(tmp_path / "data", reps='AE9,"Zed,AE,,,,,,\n')
    # an unclosed quote swallows the rest of the file into one field: that row is malformed
    res = intake.run_intake(cfg_for(tmp_path))
    assert_accounting(res)
    assert res.rejects["reps"]["reason"].str.contains("values but the header").any()


def test_duplicate_header(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "reps.csv").write_text("rep_id,rep_id,role\nA,B,AE\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="column 'rep_id' appears more than once"):
        intake.run_intake(cfg_for(tmp_path))


def test_preset_on_the_wrong_table(tmp_path):
    write(tmp_path / "data")
    with pytest.raises(WorkbookError, match="maps opportunities, reps only, not calls"):
        intake.run_intake(cfg_for(tmp_path, {"calls": {"preset": "maven_crm"}}))


# -------------------------------------------------------------------------- wide -> long
def test_wide_call_scores_are_melted(tmp_path):
    wide = "call_id,scorer,open_questions,digs_deeper,charisma\nC1,manager,7,,5\nC2,ai,14,6,\n"
    write(tmp_path / "data", {**BASE, "call_scores": wide})
    res = intake.run_intake(cfg_for(tmp_path))
    acc = res.accounting.set_index("table").loc["call_scores"]
    # non-blank cells: C1 -> open_questions, charisma; C2 -> open_questions, digs_deeper
    assert acc["rows_read"] == 4 and acc["rows_accepted"] == 2 and acc["rows_rejected"] == 2
    ok = res.tables["call_scores"]
    assert set(zip(ok["call_id"], ok["behavior"], strict=True)) == {("C1", "open_questions"), ("C2", "digs_deeper")}
    rej = res.rejects["call_scores"].set_index("behavior")
    assert rej.loc["charisma", "source_line"] == 2 and "not a rubric key" in rej.loc["charisma", "reason"]
    assert rej.loc["open_questions", "source_line"] == 3 and "score 14.0" in rej.loc["open_questions", "reason"]
    assert any("wide call_scores" in n for n in res.notes)


# ---------------------------------------------------------------------------- user mapping
def test_user_mapping_renames_value_maps_date_format_drop(tmp_path):
    opp = ("Deal,Owner,Opened,Closed,Outcome,Value,Notes\n"
           "O1,AE1,01.06.2026,20.07.2026,Gewonnen,12000,x\n"
           "O2,AE2,05.06.2026,,Offen,,y\n"
           "O3,AE2,05.06.2026,2026-08-01,Verloren,5000,z\n")
    write(tmp_path / "data", {**BASE, "opportunities": opp})
    mapping = {
        "renames": {"Deal": "opportunity_id", "Owner": "rep_id", "Opened": "created_date",
                    "Closed": "close_date", "Outcome": "status", "Value": "amount"},
        "value_maps": {"status": {"Gewonnen": "won", "Verloren": "lost", "Offen": "open"}},
        "date_format": "%d.%m.%Y",
        "drop_columns": ["Notes"],
    }
    res = intake.run_intake(cfg_for(tmp_path, {"opportunities": {"mapping": mapping}}))
    ok = res.tables["opportunities"]
    assert ok["status"].tolist() == ["won", "open"]
    assert ok["created_date"].iloc[0] == pd.Timestamp("2026-06-01")
    assert ok["close_date"].iloc[0] == pd.Timestamp("2026-07-20")
    # O3's ISO close date does not match the declared format: rejected, with the format named
    rej = res.rejects["opportunities"]
    assert rej["Deal"].tolist() == ["O3"]
    assert "close_date '2026-08-01' is not a date (expected %d.%m.%Y" in rej["reason"].iloc[0]
    assert "Notes" in rej.columns  # original values keep every column of the file


def test_canonical_preset_reads_title_case_headers(tmp_path):
    reps = "Rep ID,Rep Name,Role\nAE1,Ann,AE\nAE2,Bob,AE\nSDR1,Sue,SDR\n"
    write(tmp_path / "data", {**BASE, "reps": reps})
    res = intake.run_intake(cfg_for(tmp_path))
    assert res.tables["reps"]["rep_id"].tolist() == ["AE1", "AE2", "SDR1"]


# ----------------------------------------------------------------------- formula neutralising
def test_safe_csv_neutralises_text_formulas_not_numbers(tmp_path):
    df = pd.DataFrame({
        "name": ["=HYPERLINK(\"http://x\")", "+SUM(A1)", "@cmd", "-2+3", "\tx", "plain", "-500", None],
        "amount": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan],
    })
    out = neutralise_formulas(df)
    assert out["name"].tolist()[:6] == ["'=HYPERLINK(\"http://x\")", "'+SUM(A1)", "'@cmd", "'-2+3", "'\tx", "plain"]
    assert out["name"].iloc[6] == "-500"
    assert out["amount"].iloc[0] == -5.0
    path = safe_csv(df, tmp_path / "x.csv")
    back = pd.read_csv(path)
    assert back["amount"].iloc[0] == -5.0
    assert back["name"].iloc[0].startswith("'=")


def test_rejects_csv_is_neutralised(tmp_path):
    run(tmp_path, reps="AE9,=cmd|' /C calc'!A0,Boss,,,,,,\n")
    text = (tmp_path / "run" / "rejects" / "reps.csv").read_text(encoding="utf-8")
    assert ",'=cmd" in text


# ------------------------------------------------------------------------ other formats
def test_excel_parquet_json_sources(tmp_path):
    write(tmp_path / "data")
    d = tmp_path / "data"
    calls = pd.read_csv(d / "calls.csv")
    (d / "calls.csv").unlink()
    calls.loc[len(calls)] = ["C3", "AE1", "2026-07-09", "pitch", None, 10]
    calls.to_excel(d / "calls.xlsx", index=False)
    opps = pd.read_csv(d / "opportunities.csv", dtype={"opportunity_id": str})
    (d / "opportunities.csv").unlink()
    opps.to_parquet(d / "opportunities.parquet")
    sdr = pd.read_csv(d / "sdr_activity.csv")
    (d / "sdr_activity.csv").unlink()
    (d / "sdr_activity.json").write_text(sdr.to_json(orient="records"), encoding="utf-8")
    res = intake.run_intake(cfg_for(tmp_path))
    assert_accounting(res)
    assert res.sources["calls"] == "calls.xlsx"
    assert res.rejects["calls"]["source_line"].tolist() == [4]  # spreadsheet row number
    assert len(res.tables["opportunities"]) == 3
    assert res.tables["sdr_activity"]["dials"].tolist() == [60, 55]


def test_sql_source(tmp_path, monkeypatch):
    write(tmp_path / "data")
    db = tmp_path / "crm.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("create table deals (id text, owner text, created text, closed text, st text, amt real)")
        con.executemany("insert into deals values (?,?,?,?,?,?)", [
            ("O1", "AE1", "2026-06-01", "2026-07-02", "won", 10.0),
            ("O2", "AE1", "2026-06-01", None, "open", None),
            ("O3", "AE1", "2026-06-01", "2026-05-02", "lost", 0.0),
        ])
    monkeypatch.setenv("CRM_URL", f"sqlite:///{db}")
    src = {"opportunities": {"format": "sql", "url_env": "CRM_URL", "query":
           "select id as opportunity_id, owner as rep_id, created as created_date, closed as close_date, "
           "st as status, amt as amount from deals order by id"}}
    res = intake.run_intake(cfg_for(tmp_path, src))
    assert res.accounting.set_index("table").loc["opportunities", "rows_read"] == 3
    assert res.rejects["opportunities"]["source_line"].tolist() == [3]  # record number
    monkeypatch.delenv("CRM_URL")
    with pytest.raises(WorkbookError, match="environment variable 'CRM_URL' is not set"):
        intake.run_intake(cfg_for(tmp_path, src))


# ------------------------------------------------------------------------------ presets
SALESFORCE = '''"Opportunity Owner","Account Name","Opportunity Name","Stage","Amount","Created Date","Close Date","Opportunity ID"
"Ann","Acme","Acme - 50 seats","Closed Won","$12,500.00","6/1/2026","7/20/2026","006A1"
"Bob","Beta","Beta - pilot","Negotiation/Review","$3,000.00","6/5/2026","9/30/2026","006A2"
"Bob","Gamma","Gamma - renewal","Closed Lost","$5,000.00","6/5/2026","8/1/2026","006A3"
"Zed","Delta","Delta - new","Closed Won","$1,000.00","6/5/2026","8/1/2026","006A4"
"Ann","Eps","Eps","Closed Won","-$10.00","6/5/2026","8/1/2026","006A5"

"Grand Totals (5 records)",,,,"$21,490.00",,,
"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
'''


def test_salesforce_report_preset(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "sf.csv").write_text(SALESFORCE, encoding="utf-8")
    res = intake.run_intake(cfg_for(tmp_path, {"opportunities": {"path": "sf.csv", "preset": "salesforce_report"}}))
    acc = res.accounting.set_index("table").loc["opportunities"]
    assert acc["rows_read"] == 5  # the Grand Totals block is not data
    ok = res.tables["opportunities"].set_index("opportunity_id")
    assert ok.loc["006A1", "amount"] == 12500.0 and ok.loc["006A1", "status"] == "won"
    assert ok.loc["006A1", "rep_id"] == "AE1"  # "Ann" resolved through reps.rep_name
    assert ok.loc["006A1", "created_date"] == pd.Timestamp("2026-06-01")
    assert ok.loc["006A2", "status"] == "open" and pd.isna(ok.loc["006A2", "close_date"])
    rej = res.rejects["opportunities"].set_index("Opportunity ID")
    assert "rep_id 'zed' is not in reps" in rej.loc["006A4", "reason"]
    assert "amount -10 is negative" in rej.loc["006A5", "reason"]
    assert rej.loc["006A4", "source_line"] == 5
    assert any("footer" in n for n in res.notes)


HUBSPOT = """Record ID,Deal Name,Deal Stage,Create Date,Close Date,Deal owner,Amount,Associated Company
101,Acme deal,Closed won,2026-06-01 10:00,2026-07-20 09:00,Ann,12000,Acme
102,Beta deal,Contract Sent,2026-06-05 11:00,2026-09-30 00:00,Bob,3000,
103,Gamma deal,Closed lost,2026-06-05 11:00,2026-08-01 00:00,Bob,,Gamma
"""


def test_hubspot_deals_preset(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "hs.csv").write_text(HUBSPOT, encoding="utf-8")
    res = intake.run_intake(cfg_for(tmp_path, {"opportunities": {"path": "hs.csv", "preset": "hubspot_deals"}}))
    ok = res.tables["opportunities"].set_index("opportunity_id")
    assert ok.loc["101", "status"] == "won" and ok.loc["101", "account"] == "Acme"
    assert ok.loc["102", "account"] == "Beta deal"  # no company: the deal name stands in
    assert ok.loc["102", "rep_id"] == "AE2"
    assert "lost deal has no amount" in res.rejects["opportunities"]["reason"].iloc[0]


GONG = {
    "requestId": "abc",
    "records": {"totalRecords": 2, "currentPageSize": 2, "currentPageNumber": 0},
    "answeredScorecards": [
        {"answeredScorecardId": 1, "scorecardId": 9, "scorecardName": "Discovery", "callId": "C1",
         "callStartTime": "2026-07-06T10:00:00Z", "reviewedUserId": 501, "reviewerUserId": 900,
         "reviewTime": "2026-07-07T10:00:00Z", "visibilityType": "public",
         "answers": [
             {"questionId": 11, "questionRevisionId": 1, "isOverall": False, "score": 4, "answerText": None,
              "notApplicable": False},
             {"questionId": 12, "questionRevisionId": 1, "isOverall": False, "score": None, "answerText": None,
              "notApplicable": True},
             {"questionId": 13, "questionRevisionId": 1, "isOverall": True, "score": 4, "answerText": None,
              "notApplicable": False},
         ]},
        {"answeredScorecardId": 2, "scorecardId": 9, "scorecardName": "Discovery", "callId": "C2",
         "callStartTime": "2026-07-07T10:00:00Z", "reviewedUserId": 502, "reviewerUserId": 900,
         "answers": [
             {"questionId": 11, "isOverall": False, "score": 5, "notApplicable": False},
             {"questionId": 99, "isOverall": False, "score": 2, "notApplicable": False},
         ]},
    ],
}


def test_gong_scorecards_preset(tmp_path):
    write(tmp_path / "data")
    (tmp_path / "data" / "call_scores.csv").unlink()
    (tmp_path / "data" / "gong.json").write_text(json.dumps(GONG), encoding="utf-8")
    src = {"call_scores": {"path": "gong.json", "preset": "gong_scorecards",
                           "mapping": {"value_maps": {"behavior": {"11": "open_questions", "12": "digs_deeper"}}}}}
    res = intake.run_intake(cfg_for(tmp_path, src))
    acc = res.accounting.set_index("table").loc["call_scores"]
    assert acc["rows_read"] == 5 and acc["rows_accepted"] == 2 and acc["rows_rejected"] == 3
    ok = res.tables["call_scores"]
    assert ok["behavior"].tolist() == ["open_questions", "open_questions"]
    assert ok["scorer_id"].tolist() == ["900", "900"]
    reasons = " | ".join(res.rejects["call_scores"]["reason"])
    assert "not applicable" in reasons and "overall score" in reasons and "'99' is not a rubric key" in reasons
    assert res.rejects["call_scores"]["source_line"].tolist() == [2, 3, 5]  # answer (record) numbers


def test_rep_id_from_name_is_stable():
    s = pd.Series(["Moses Frase", "  Zoë  O'Brien ", None, "Anna-Snelling"])
    assert intake.rep_id_from_name(s).tolist()[:2] == ["moses-frase", "zoe-o-brien"]
    assert pd.isna(intake.rep_id_from_name(s).iloc[2])


# ------------------------------------------------------------------------ quality report
def test_quality_report_coverage_and_checklist(tmp_path):
    res = run(tmp_path)
    cfg = cfg_for(tmp_path)
    cov = res.coverage(cfg).set_index("metric")
    # AE1 has a scored discovery call in 2026Q3, AE2 only a demo
    assert cov.loc["AEs with a scored discovery call", "value"] == 0.5
    assert cov.loc["sessions with an observable", "value"] == 0.5
    assert cov.loc["sessions targeting exactly one behavior", "value"] == 0.5
    chk = res.checklist(cfg).set_index("item")
    assert chk.loc["Behavior scoring in place", "answer"] == "partly"
    assert chk.loc["CRM clean enough for rep-level win rate by quarter", "answer"] == "no"
    q = res.quality_report(cfg)
    assert set(q["table"]) == set(config.TABLES)
    summ = res.summary(cfg)
    json.dumps(summ)  # JSON-ready
    assert summ["rows_read"] == int(res.accounting["rows_read"].sum())


def test_checklist_without_tables(tmp_path):
    write(tmp_path / "data", {"opportunities": BASE["opportunities"]})
    res = intake.run_intake(cfg_for(tmp_path))
    cfg = cfg_for(tmp_path)
    chk = res.checklist(cfg)
    assert (chk["answer"] != "yes").all()
    assert set(res.absent) == set(config.TABLES) - {"opportunities"}
    assert res.rejects_by_reason().empty


def test_demo_injected_errors_all_rejected(tmp_path):
    demo = pytest.importorskip("coaching_roi.demo")
    truth = demo.generate(tmp_path / "data", seed=3, size=demo.DemoSize.small(), inject_errors=True)
    res = intake.run_intake(cfg_for(tmp_path))
    assert_accounting(res)
    injected = truth["injected_errors"]
    for table, reasons in injected.items():
        assert len(res.rejects[table]) == sum(reasons.values()), (table, res.rejects[table]["reason"].tolist())


def test_fast_and_quoted_csv_paths_agree(tmp_path):
    """Files without quotes take a vectorised path; the result must equal the csv-module path."""
    body = "\n".join(f"X{i},AE1,2026-07-{1 + i % 28:02d},discovery,,600" for i in range(30))
    plain = BASE["calls"] + "\n" + body + "\nY1,AE1,2026-07-01,demo\n\nY2,AE1,2026-07-01,demo,,1,2\r\n"
    quoted = plain.replace("X7,", '"X7",')
    results = []
    for text in (plain, quoted):
        write(tmp_path / "data", {**BASE, "calls": text})
        res = intake.run_intake(cfg_for(tmp_path))
        results.append(res)
    a, b = results
    pd.testing.assert_frame_equal(a.tables["calls"], b.tables["calls"])
    pd.testing.assert_frame_equal(a.rejects["calls"], b.rejects["calls"])
    # header 1, base 2-3, blank 4, X0..X29 5-34, Y1 35, blank 36, Y2 37
    assert a.rejects["calls"]["source_line"].tolist() == [35, 37]
