"""The public Maven CRM sample through the whole quarterly run: a real CRM export with no call scores,
no coaching log and no SDR activity. Every notebook must finish, say what it cannot compute, and the
deck must make no claim it has no data for."""

from __future__ import annotations

import json

import pytest
import yaml

from coaching_roi import pipeline
from coaching_roi.paths import PROJECT_ROOT

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]


def test_maven_quarter_runs_end_to_end_and_states_the_gaps(shared_real, tmp_path):
    raw = yaml.safe_load((PROJECT_ROOT / "params" / "maven.yaml").read_text())
    raw["data_dir"] = str(shared_real / "maven-crm-sales-opportunities")
    params = tmp_path / "maven.yaml"
    params.write_text(yaml.safe_dump(raw))
    res = pipeline.run(params, out_dir=tmp_path / "out", outputs_root=tmp_path, progress=lambda s: None)
    assert [r.status for r in res.notebooks] == ["ok"] * 5
    found = json.loads((res.run_dir / "findings.json").read_text())
    assert found["status"]["02_behavioral_scoring"].startswith("skipped:")
    assert "no coaching_sessions table" in found["status"]["03_cohort_comparison"]
    for absent in ("quartile_win_rate_gap", "behavior_auc", "behavior_change::all"):
        assert absent not in found["estimates"]
    # the money lines are present and say they cannot be told: no number without a coaching log
    for key in ("realized_value_usd", "upside_value_usd", "roi_pct"):
        assert found["estimates"][key]["verdict"] == "too_few" and found["estimates"][key]["value"] is None, key
    accounting = {r["table"]: r for r in found["extra"]["01_data_intake"]["accounting"]}
    assert accounting["opportunities"]["rows_read"] == 8800
    assert accounting["opportunities"]["rows_read"] == (
        accounting["opportunities"]["rows_accepted"] + accounting["opportunities"]["rows_rejected"])
    headline = found["headline"].lower()
    assert "not enough data" in headline
    for claim in ("rose", "faster", "returned", "win more"):
        assert claim not in headline
    for name in ("qbr_deck.html", "qbr_deck.pptx", "index.html", "01_data_intake.html"):
        assert (res.run_dir / name).exists()
    # the deck recommends collecting data, is titled with the sample's neutral name, and shows no internal name
    assert found["decision"]["recommendation"] == "hold" and "coaching log" in found["decision"]["next"]
    html_text = (res.run_dir / "qbr_deck.html").read_text(encoding="utf-8")
    assert "Maven CRM sample" in html_text and "Demo Co" not in html_text
    from deckcheck import html_visible_text, internal_names

    assert [n for t in html_visible_text(html_text) for n in internal_names(t)] == []
