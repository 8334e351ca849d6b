"""compare_to: an earlier run folder, validated; what changed since, in findings and on the index page."""

from __future__ import annotations

import json

import pytest
import yaml

from coaching_roi import compare, config, findings, render, verdict
from coaching_roi.errors import WorkbookError

POLICY = verdict.Policy()


def make(key, value, lo, hi, n=14, unit="points"):
    return verdict.make(key, value=value, ci_low=lo, ci_high=hi, n=n, n_unit="coached reps", unit=unit, policy=POLICY)


def earlier_run(folder, estimates, quarter="2026Q2", manifest=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest or {
        "run": "q2", "quarter": quarter, "parameters": {}, "packages": {"coaching-roi": "0.1.0"}}), encoding="utf-8")
    (folder / "findings.json").write_text(json.dumps({"quarter": quarter, "estimates": estimates}), encoding="utf-8")
    return folder


def test_check_run_folder_accepts_only_a_run_of_this_workbook(tmp_path):
    ok = earlier_run(tmp_path / "ok", {})
    assert compare.check_run_folder(ok) == ok
    with pytest.raises(WorkbookError, match="folder not found"):
        compare.check_run_folder(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WorkbookError, match="manifest.json and findings.json missing"):
        compare.check_run_folder(tmp_path / "empty")
    foreign = earlier_run(tmp_path / "foreign", {}, manifest={"name": "something else"})
    with pytest.raises(WorkbookError, match="did not write"):
        compare.check_run_folder(foreign)


def test_compare_marks_new_gone_changed_and_same():
    before = {"quarter": "2026Q2", "estimates": {
        "behavior_change::all": make("behavior_change::all", 0.1, -0.4, 0.6),
        "event_study_pretrend::all": make("event_study_pretrend::all", 0.0, -0.3, 0.3),
        "cycle_value_usd": make("cycle_value_usd", 1e6, 2e5, 2e6, unit="usd")}}
    now = {"quarter": "2026Q3", "estimates": {
        "behavior_change::all": make("behavior_change::all", 1.2, 0.6, 1.8),
        "event_study_pretrend::all": make("event_study_pretrend::all", 0.05, -0.2, 0.3),
        "realized_value_usd": make("realized_value_usd", 4e5, 1e5, 7e5, unit="usd")}}
    c = compare.compare(now, before, run="outputs/q2", policy=POLICY)
    assert c["run"] == "outputs/q2" and c["quarter"] == "2026Q2"
    by = {x["id"]: x for x in c["changes"]}
    assert set(by) == {"behavior_change::all", "event_study_pretrend::all", "realized_value_usd", "cycle_value_usd"}
    assert [by[k]["status"] for k in ("behavior_change::all", "event_study_pretrend::all", "realized_value_usd",
                                      "cycle_value_usd")] == ["changed", "same", "new", "gone"]
    bc = by["behavior_change::all"]
    assert (bc["before"], bc["after"], bc["verdict_before"], bc["verdict_after"]) == (0.1, 1.2, "no_clear_change", "positive")
    assert bc["reading"] == ("Score change after coaching: all coached behaviors: not visible yet → established "
                             "(+0.1 points → +1.2 points).")
    assert by["cycle_value_usd"]["after"] is None and "no longer estimated" in by["cycle_value_usd"]["reading"]
    assert compare.summary(c) == "Since 2026Q2: 1 verdict changed, 1 new estimate, 1 no longer estimated."
    for x in c["changes"]:
        assert {"id", "before", "after", "verdict_before", "verdict_after", "reading"} <= set(x)


def test_quarter_file_compare_to_is_validated(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    q = tmp_path / "q.yaml"
    q.write_text(yaml.safe_dump({"quarter": "2026Q3", "data_dir": str(data), "compare_to": str(tmp_path / "nowhere")}))
    with pytest.raises(WorkbookError, match="compare_to: folder not found"):
        config.load(q)
    run = earlier_run(tmp_path / "outputs" / "q2", {})
    q.write_text(yaml.safe_dump({"quarter": "2026Q3", "data_dir": str(data), "compare_to": str(run)}))
    assert config.load(q).compare_to == run


def test_index_page_shows_the_decision_and_the_changes(tmp_path):
    run = tmp_path / "run"
    cfg = config.build(quarter="2026Q3", data_dir=str(tmp_path), run_dir=str(run), check_paths=False)
    now = {"behavior_change::all": make("behavior_change::all", 1.2, 0.6, 1.8)}
    before = {"quarter": "2026Q2", "estimates": {"behavior_change::all": make("behavior_change::all", 0.1, -0.4, 0.6)}}
    compared = compare.compare({"estimates": now}, before, run="outputs/q2", policy=POLICY)
    dec = {"recommendation": "continue", "label": "Continue", "rule": "Coaching moved behavior (rule).",
           "reasons": ["Behavior change: Established — +1.2 points."], "next": "Keep going.", "to_know": []}
    findings.write_part(run, "03_cohort_comparison", quarter="2026Q3", estimates=now)
    findings.write_part(run, "05_qbr_slides", quarter="2026Q3", top={"decision": dec, "compared_to": compared})
    page = render.write_index(run, cfg, []).read_text(encoding="utf-8")
    assert "Decision: Continue" in page and "Coaching moved behavior (rule)." in page
    assert "What changed since 2026Q2" in page and "verdict changed" in page
    assert "Not visible yet</td><td>Established" in page  # the same words as the reading
    text = page.split("<body>")[1]
    visible = [t for t in text.replace(">", ">\n").split("\n") if "::" in t and 'title="' not in t]
    assert visible == []  # estimate IDs only in hover titles, never as visible text
