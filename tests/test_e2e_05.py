"""Notebook 05 end to end, on the whole pipeline's small demo run (fixtures in conftest.py)."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

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
    """The demo plants a score gain on coached behaviors: the headline must say scores rose."""
    h = _part(demo_run.run_dir)["headline"]
    assert "rose" in h or "moved" in h, h


def test_no_effect_deck_makes_no_positive_claim(demo_run_no_effect):
    run = demo_run_no_effect.run_dir
    part = _part(run)
    assert not POSITIVE.search(part["headline"]), part["headline"]
    html_text = (run / "qbr_deck.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2>(.*?)</h2>", html_text, flags=re.S)
    assert titles
    for t in titles[:2]:  # the two main slides
        assert not POSITIVE.search(t), t


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
