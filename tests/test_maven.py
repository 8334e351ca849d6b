"""The public Maven CRM sample through the maven_crm preset (shared/data/real/, beside the project)."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from coaching_roi import config, intake
from coaching_roi.paths import PROJECT_ROOT

MAVEN = PROJECT_ROOT.parent / "shared" / "data" / "real" / "maven-crm-sales-opportunities"

pytestmark = pytest.mark.skipif(
    not (MAVEN / "sales_pipeline.csv").exists(),
    reason="../shared/data/real/maven-crm-sales-opportunities not found: the shared datasets are not beside the project",
)


@pytest.fixture(scope="module")
def maven(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("maven_run")
    cfg = config.build(
        quarter="2017Q3", name="maven", data_dir=str(MAVEN), run_dir=str(run_dir),
        sources={"opportunities": {"path": "sales_pipeline.csv", "preset": "maven_crm"},
                 "reps": {"path": "sales_teams.csv", "preset": "maven_crm"}},
    )
    return cfg, intake.run_intake(cfg)


def _pipeline_rows() -> list[dict]:
    with open(MAVEN / "sales_pipeline.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_row_accounted_for(maven):
    cfg, res = maven
    acc = res.accounting.set_index("table")
    assert acc.loc["opportunities", "rows_read"] == 8800
    assert acc.loc["opportunities", "rows_accepted"] + acc.loc["opportunities", "rows_rejected"] == 8800
    assert acc.loc["reps", "rows_read"] == 35 and acc.loc["reps", "rows_rejected"] == 0


def test_only_never_engaged_prospecting_deals_are_rejected(maven):
    cfg, res = maven
    rej = res.rejects["opportunities"]
    assert len(rej) == 500
    assert set(rej["deal_stage"]) == {"Prospecting"}
    assert rej["reason"].str.startswith("no created date: Maven 'Prospecting' deal").all()
    # source lines point at the right rows of the file (header = line 1; no embedded newlines here)
    rows = _pipeline_rows()
    for line, oid in zip(rej["source_line"].head(20), rej["opportunity_id"].head(20), strict=True):
        assert rows[line - 2]["opportunity_id"] == oid


def test_per_agent_won_lost_counts_match_the_file(maven):
    cfg, res = maven
    rows = _pipeline_rows()
    ids = {a: intake.rep_id_from_name_one(a) for a in {r["sales_agent"] for r in rows}}
    direct = Counter((ids[r["sales_agent"]], r["deal_stage"].lower())
                     for r in rows if r["deal_stage"] in ("Won", "Lost"))
    opps = res.tables["opportunities"]
    ours = opps[opps["status"].isin(["won", "lost"])].groupby(["rep_id", "status"], observed=True).size()
    assert dict(ours) == dict(direct)
    assert (opps["status"] == "won").sum() == 4238 and (opps["status"] == "lost").sum() == 2473
    assert (opps["status"] == "open").sum() == 1589  # Engaging
    assert opps.loc[opps["status"] == "won", "amount"].sum() == 10_005_534


def test_reps_roster(maven):
    cfg, res = maven
    reps = res.tables["reps"]
    assert len(reps) == 35 and (reps["role"] == "AE").all()
    assert reps["team"].nunique() == 3 and reps["manager_id"].nunique() == 6
    assert "moses-frase" in set(reps["rep_id"])
    opps = res.tables["opportunities"]
    assert set(opps["rep_id"]) <= set(reps["rep_id"])
    assert len(set(reps["rep_id"]) - set(opps["rep_id"])) == 5  # agents without deals


def test_absent_tables_and_checklist(maven):
    cfg, res = maven
    assert set(res.absent) == {"calls", "call_scores", "coaching_sessions", "sdr_activity"}
    chk = res.checklist(cfg).set_index("item")["answer"]
    assert chk["Behavior scoring in place"] == "no"
    assert chk["CRM clean enough for rep-level win rate by quarter"] == "yes"


def test_params_file_points_at_the_shared_folder(tmp_path):
    cfg = config.load(PROJECT_ROOT / "params" / "maven.yaml", run_dir=tmp_path)
    assert cfg.data_dir == MAVEN.resolve()
    res = intake.run_intake(cfg, write=False)
    assert res.accounting.set_index("table").loc["opportunities", "rows_read"] == 8800


def test_folder_path_with_maven_preset(tmp_path):
    cfg = config.build(quarter="2017Q3", data_dir=str(MAVEN), run_dir=str(tmp_path),
                       sources={"opportunities": {"path": ".", "preset": "maven_crm"},
                                "reps": {"path": ".", "preset": "maven_crm"}})
    res = intake.run_intake(cfg, write=False)
    assert res.sources == {"reps": "sales_teams.csv", "opportunities": "sales_pipeline.csv"}
