"""Intake of other sources: Excel, Parquet, JSON, SQL, vendor presets; the quality report and checklist."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from intake_fixtures import BASE, assert_accounting, cfg_for, run, write

from coaching_roi import config, intake
from coaching_roi.errors import WorkbookError


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
