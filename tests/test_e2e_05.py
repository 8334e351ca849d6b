"""Notebook 05 end to end, on the whole pipeline's small demo run (fixtures in conftest.py)."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from deckcheck import chromium_layout_problems, html_visible_text, internal_names, pptx_overflows, pptx_texts

from coaching_roi import deck, findings

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("e2e")]

POSITIVE = re.compile(r"\b(rose|win more|won more|faster|sooner|returned|moved .* up)\b", re.I)


def _part(run_dir) -> dict:
    return json.loads((run_dir / "findings" / "05_qbr_slides.json").read_text(encoding="utf-8"))


def test_deck_files_are_written_and_recorded(demo_run):
    part = _part(demo_run.run_dir)
    assert part["status"] == "ok"
    out = part["extra"]["deck"]
    assert out["html"] == "qbr_deck.html" and out["pptx"] == "qbr_deck.pptx"
    assert (demo_run.run_dir / "qbr_deck.html").stat().st_size > 10_000
    assert (demo_run.run_dir / "qbr_deck.pptx").exists()
    if deck.find_chromium():
        assert out["pdf"] == "qbr_deck.pdf"
    else:
        assert out["pdf"].startswith("skipped:")
    merged = findings.load(demo_run.run_dir)
    assert merged["headline"] == part["headline"]


def test_pdf_and_pptx_have_one_page_per_slide(demo_run):
    from pptx import Presentation
    from pypdf import PdfReader

    n = _part(demo_run.run_dir)["extra"]["n_slides"]
    prs = Presentation(str(demo_run.run_dir / "qbr_deck.pptx"))
    assert len(prs.slides) == n
    assert prs.slides[0].shapes.title.text.startswith(demo_run.cfg.report.title)
    if deck.find_chromium() is None:
        pytest.skip("no Chromium found: PDF not rendered")
    assert len(PdfReader(str(demo_run.run_dir / "qbr_deck.pdf")).pages) == n


def test_demo_headline_reports_the_planted_behavior_change(demo_run):
    """The demo plants a score gain on coached behaviors: the headline rests on the behavior change and
    says it rose, or (the small test team: a handful of coached reps) that it is an early signal not yet
    confirmed — never that nothing moved, and never a revenue claim."""
    part = _part(demo_run.run_dir)
    h = part["headline"]
    assert "behavior_change::all" in part["headline_ids"], part["headline_ids"]
    assert ("rose" in h) or ("Not confirmed yet" in h and "early signal" in h), h


def test_no_effect_deck_makes_no_positive_claim(demo_run_no_effect):
    run = demo_run_no_effect.run_dir
    part = _part(run)
    assert not POSITIVE.search(part["headline"]), part["headline"]
    html_text = (run / "qbr_deck.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2>(.*?)</h2>", html_text, flags=re.S)
    assert titles
    for t in titles[:2]:  # the two main slides
        assert not POSITIVE.search(t), t


@pytest.mark.parametrize("which", ["demo_run", "demo_run_no_effect"])
def test_findings_carry_the_decision_by_the_rule(which, request):
    run = request.getfixturevalue(which)
    merged = findings.load(run.run_dir)
    d = merged["decision"]
    assert {"recommendation", "rule", "reasons"} <= set(d) and d["reasons"]
    assert d["recommendation"] in ("expand", "continue", "hold", "redesign")
    assert d["links"]["behavior"]["verdict"] == (merged["estimates"].get("behavior_change::all") or {}).get("verdict", "missing")
    if which == "demo_run_no_effect":
        assert d["recommendation"] != "expand", d  # a team with no effect is never told to expand
    html_text = (run.run_dir / "qbr_deck.html").read_text(encoding="utf-8")
    assert f'<div class="decision-label">{d["label"]}</div>' in html_text


@pytest.mark.parametrize("which", ["demo_run", "demo_run_no_effect"])
def test_no_internal_names_in_the_decks(which, request):
    """Visible text and speaker notes of the HTML and PPTX decks: no snake_case token, no '::'."""
    run = request.getfixturevalue(which).run_dir
    seen = html_visible_text((run / "qbr_deck.html").read_text(encoding="utf-8")) + pptx_texts(run / "qbr_deck.pptx")
    bad = {n for t in seen for n in internal_names(t)}
    assert not bad, sorted(bad)


@pytest.mark.parametrize("which", ["demo_run", "demo_run_no_effect"])
def test_deck_layout_fits(which, request):
    """PPTX: every text frame fits its shape at its font size; HTML in Chromium: every slide's content fits."""
    run = request.getfixturevalue(which).run_dir
    assert pptx_overflows(run / "qbr_deck.pptx") == []
    exe = deck.find_chromium()
    if exe is None:
        pytest.skip("no Chromium found: the browser layout check is skipped (the PPTX check ran)")
    assert chromium_layout_problems(run / "qbr_deck.html", exe) == []


def test_compare_to_adds_the_changes_to_findings_deck_and_index(demo_run, demo_run_no_effect, tmp_path):
    """Re-run notebook 05 on a copy of the demo run with compare_to = the no-effect run."""
    import shutil

    import papermill as pm

    from coaching_roi import render
    from coaching_roi.paths import PROJECT_ROOT

    run = tmp_path / "run"
    shutil.copytree(demo_run.run_dir, run)
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "05_qbr_slides.ipynb"), str(tmp_path / "05.ipynb"),
        parameters={"quarter": demo_run.cfg.quarter, "name": "e2e", "data_dir": str(demo_run.data_dir),
                    "run_dir": str(run), "compare_to": str(demo_run_no_effect.run_dir), "interactive": False},
        progress_bar=False,
    )
    merged = findings.load(run)
    before = findings.load(demo_run_no_effect.run_dir)
    c = merged["compared_to"]
    assert c["quarter"] == before["quarter"] and c["run"]
    ids = {x["id"] for x in c["changes"]}
    assert ids == set(merged["estimates"]) | set(before["estimates"])
    for x in c["changes"]:
        assert x["verdict_before"] == (before["estimates"].get(x["id"]) or {}).get("verdict")
        assert x["verdict_after"] == (merged["estimates"].get(x["id"]) or {}).get("verdict")
    assert "What changed since" in (run / "qbr_deck.html").read_text(encoding="utf-8")
    cfg = demo_run.cfg.model_copy(update={"run_dir": run})
    page = render.write_index(run, cfg, []).read_text(encoding="utf-8")
    assert "What changed since" in page and "Decision: " in page


def test_pseudonymised_deck_and_notebook_hold_no_real_name(demo_run, tmp_path):
    """Re-run notebook 05 with report.pseudonymize on, into a copy of the demo run."""
    import shutil

    import pandas as pd
    import papermill as pm

    from coaching_roi.paths import PROJECT_ROOT

    run = tmp_path / "run"
    shutil.copytree(demo_run.run_dir, run)
    reps = pd.read_parquet(run / "data" / "01_reps.parquet")
    names = [n for n in reps["rep_name"].dropna().astype(str) if len(n) > 3]
    out_nb = tmp_path / "05.ipynb"
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "05_qbr_slides.ipynb"), str(out_nb),
        parameters={"quarter": demo_run.cfg.quarter, "name": "e2e", "data_dir": str(demo_run.data_dir),
                    "run_dir": str(run), "overrides": {"report": {"pseudonymize": True}}, "interactive": False},
        progress_bar=False,
    )
    html_text = (run / "qbr_deck.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(run / "qbr_deck.pptx") as z:
        pptx_text = " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    nb_outputs = _outputs_text(out_nb)
    for name in names:
        assert name not in html_text and name not in pptx_text, name
        # the executed notebook's outputs (what its HTML rendering shows) hold no real name either
        assert name not in nb_outputs, name


def _outputs_text(path) -> str:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells])


@pytest.mark.parametrize("which", ["demo_run", "demo_run_no_effect"])
def test_every_estimate_carries_a_verdict_from_the_one_rule(which, request):
    from coaching_roi import estimate_ids, verdict

    run = request.getfixturevalue(which)
    merged = findings.load(run.run_dir)
    policy = verdict.Policy.from_config(run.cfg)
    assert merged["estimates"] and merged["confidence_level"] == run.cfg.analysis.confidence_level
    for k, e in merged["estimates"].items():
        assert e["verdict"] == verdict.recheck(k, e, policy), k
        assert e["n_unit"] in estimate_ids.N_UNITS, k
        if e["verdict"] in ("no_clear_change", "too_few"):
            assert "mde" in e, k
    # the headline rests on named estimates, and states no number of an unclear one
    for k in merged["headline_ids"]:
        e = merged["estimates"][k]
        if e["verdict"] in ("no_clear_change", "too_few") and e["value"] is not None:
            assert verdict.value_text(k, e) not in merged["headline"], (k, merged["headline"])
