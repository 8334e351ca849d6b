"""Notebook 04 end to end on the small demo (the lead's ``demo_run`` fixture runs the whole pipeline)."""

from __future__ import annotations

import csv
import json

import pytest

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]


def _plan_rows(run) -> list[dict]:
    path = run.run_dir / "coaching_plan.csv"
    assert path.exists(), "coaching_plan.csv not written"
    assert (run.run_dir / "coaching_plan.xlsx").exists(), "coaching_plan.xlsx not written"
    with open(path, newline="", encoding="utf-8-sig") as fh:  # UTF-8 with a byte-order mark, for Excel
        return list(csv.DictReader(fh))


def test_plan_finds_the_planted_weak_stage(demo_run):
    weak = demo_run.truth["sdr_weak_stage"]
    rows = {r["rep_id"]: r for r in _plan_rows(demo_run)}
    r = rows[weak["rep_id"]]
    assert r["focus_source"] == "funnel"
    assert r["focus_key"] == weak["stage"]
    assert r["focus_kind"] == "remediation"


def test_exactly_one_focus_per_active_rep(demo_run):
    rows = _plan_rows(demo_run)
    ids = [r["rep_id"] for r in rows]
    assert len(ids) == len(set(ids)) and all(r["focus"] for r in rows)
    assert {r["role"] for r in rows} == {"AE", "SDR"}
    cells = [v for r in rows for v in r.values() if v]
    assert not [c for c in cells if c[0] in "=+@" or (c[0] == "-" and not c[1:2].isdigit())]


def test_findings_part_and_html(demo_run):
    part = json.loads((demo_run.run_dir / "findings" / "04_coaching_plan.json").read_text(encoding="utf-8"))
    assert part["status"] == "ok"
    est = part["estimates"]
    m = est["funnel_team_meeting_rate"]
    assert m["unit"] == "fraction" and m["ci_low"] <= m["value"] <= m["ci_high"] and m["n"] > 0
    weak = demo_run.truth["sdr_weak_stage"]
    diagnosed = {(d["rep_id"], d["stage"]) for d in part["extra"]["diagnosed"]}
    assert (weak["rep_id"], weak["stage"]) in diagnosed
    assert 0 < est["funnel_reps_below_benchmark"]["value"] <= 1
    html = list(demo_run.run_dir.rglob("04_coaching_plan*.html"))
    assert html, "rendered 04 HTML not found"
    text = html[0].read_text(encoding="utf-8")
    assert "Traceback" not in text and "coaching_plan.csv" in text
