"""Intake: per-row rejects, exact row accounting, whole-file errors, wide scores, user mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from intake_fixtures import BASE, assert_accounting, cfg_for, run, write

from coaching_roi import artifacts, config, intake, schemas
from coaching_roi.errors import WorkbookError
from coaching_roi.exports import neutralise_formulas, safe_csv


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


@pytest.mark.parametrize("text, delimiter", [
    ("a,b,c\n1,2,3\n\n 4 ,, 6\r\n7,8\n9,10,11,12\n  \n13,14,15\n", ","),
    ("x;y\n1;2\n3;4;5\n;\n", ";"),
    ("a\tb\né\t\u2003x\n", "\t"),
    ("a,b\n1\n2,3,4\n", ","),
    ("a,b\n1,2", ","),
    ("a,b\r\n1,2\r\n\r\n3,4\r\n\u00a0\u3000\r\n5,6", ","),  # CRLF, a blank and a Unicode-space line inside
    ("\n \na,b\n1,2\n3,4\n\n\n", ","),  # blank lines before the header and after the body only
    ("a,b\n1\n2\n", ","),  # no well-formed row
    ("a,b,c\n", ","),  # a header alone
])
@pytest.mark.parametrize("block", [1_000_000, 2, 1])
def test_fast_csv_reader_equals_the_record_reader(text, delimiter, block, monkeypatch):
    """The vectorised reader (Arrow line and field splits, a block of lines at a time) gives the
    record-by-record reader's frame, source lines and malformed-row reasons on quote-free text."""
    from pathlib import Path

    from coaching_roi.intake import readers

    monkeypatch.setattr(readers, "_CSV_BLOCK", block)
    fast = readers._read_csv_fast(text, delimiter, Path("t.csv"), "t")
    slow = readers._records_to_frame(*readers._read_csv_records(text, delimiter, Path("t.csv"), "t"))
    pd.testing.assert_frame_equal(fast[0], slow[0])
    assert list(fast[1]) == list(slow[1])
    pd.testing.assert_frame_equal(fast[2].reset_index(drop=True), slow[2].reset_index(drop=True))
    assert fast[0].dtypes.eq(schemas.STRING_DTYPE).all()


def test_isin_text_equals_pandas_isin():
    """The Arrow hash-set membership test gives pandas' isin against a set of the pool's non-missing values."""
    from coaching_roi.intake.cells import isin_text

    rng = np.random.default_rng(3)
    words = np.array(["a", "b", "é", "", " b", "B", "C000001", "x" * 40])
    values = pd.Series(rng.choice(words, 500), dtype=schemas.STRING_DTYPE).mask(rng.random(500) < 0.1)
    pool = pd.Series(rng.choice(words[:5], 50), dtype=schemas.STRING_DTYPE).mask(rng.random(50) < 0.2)
    for p in (pool, pool.iloc[:0], pool[pool.isna()]):
        got = isin_text(values, p)
        assert got.dtype == bool
        assert (got == values.isin(set(p.dropna())).to_numpy()).all()
    assert len(isin_text(values.iloc[:0], pool)) == 0
