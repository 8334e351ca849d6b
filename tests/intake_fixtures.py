"""Shared inputs of the intake tests: a small clean set of the six tables and helpers to run intake on it."""

from __future__ import annotations

from pathlib import Path

from coaching_roi import config, intake

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
