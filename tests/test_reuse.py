"""Incremental re-runs by content (coaching_roi.reuse): what is reused, what runs, and why."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml
from standin import SETUP, make_nb

from coaching_roi import pipeline, progress, reuse
from coaching_roi.paths import PROJECT_ROOT

# 01 reads reps.csv into its artifact (it hashes every input table); 02 reads 01's artifact; 03 reads report.title.
NB01 = SETUP + """
text = cfg.source_path("reps").read_text()
(cfg.artifacts_dir / "01_reps.txt").write_text(text.upper())
findings.write_part(cfg.run_dir, "01_first", quarter=cfg.quarter, status="ok")
"""
NB02 = SETUP + """
(cfg.artifacts_dir / "02_count.txt").write_text(str(len((cfg.artifacts_dir / "01_reps.txt").read_text())))
findings.write_part(cfg.run_dir, "02_second", quarter=cfg.quarter, status="ok")
"""
NB03 = SETUP + """
(cfg.run_dir / "deck.txt").write_text(cfg.report.title + " " + (cfg.artifacts_dir / "02_count.txt").read_text())
findings.write_part(cfg.run_dir, "03_deck", quarter=cfg.quarter, status="ok")
"""


@pytest.fixture
def chain(tmp_path, monkeypatch):
    monkeypatch.setattr(reuse, "REPORT_KEYS_READ", {"01_first": (), "02_second": (), "03_deck": (reuse.ALL,)})
    monkeypatch.setattr(reuse, "READS_INPUT_FILES", ("01_first",))
    data = tmp_path / "data"
    data.mkdir()
    (data / "reps.csv").write_text("rep_id\nr1\n")
    (data / "sdr_activity.csv").write_text("sdr_id\ns1\n")
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    for name, body in (("01_first", NB01), ("02_second", NB02), ("03_deck", NB03)):
        make_nb(nbdir / f"{name}.ipynb", body)
    params = tmp_path / "p.yaml"
    out = tmp_path / "out" / "t"

    def run(title: str = "Coaching ROI", **kw):
        params.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": "t", "data_dir": str(data),
                                          "overrides": {"report": {"title": title}}}))
        res = pipeline.run(params, out_dir=out, outputs_root=tmp_path / "out", notebook_dir=nbdir,
                           progress=lambda s: None, **kw)
        return {r.notebook: r for r in res.notebooks}

    return run, data, out


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("index.html", "manifest.json", ".lock")}


def test_manifest_says_where_each_executed_notebooks_seconds_went(chain):
    run, _, out = chain
    run()
    again = run(title="Take two")  # 01 and 02 reused, 03 ran
    records = {n["notebook"]: n for n in json.loads((out / "manifest.json").read_text())["notebooks"]}
    assert records["01_first"]["phases"] == {} and records["02_second"]["phases"] == {}
    phases = records["03_deck"]["phases"]
    assert set(phases) == {"kernel_start", "kernel_wait", "execute", "page"}
    assert all(v >= 0 for v in phases.values())
    # The notebook's own seconds are its wait for the kernel, its execution and its page, nothing else.
    assert phases["kernel_wait"] + phases["execute"] + phases["page"] == pytest.approx(again["03_deck"].seconds, abs=1e-6)
    assert phases["kernel_start"] > 0 and phases["execute"] > 0 and phases["page"] > 0


def test_reuse_by_content_then_force(chain):
    run, data, out = chain
    first = run()
    assert {s: r.action for s, r in first.items()} == {"01_first": "ran", "02_second": "ran", "03_deck": "ran"}
    assert "no earlier complete run" in first["01_first"].why
    assert set(first["02_second"].outputs) == {"data/02_count.txt", "findings/02_second.json", "02_second.html",
                                               "02_second.ipynb"}
    before = _files(out)

    again = run()  # nothing changed: nothing executes, every file is the earlier run's, byte for byte
    assert {r.action for r in again.values()} == {"reused"}
    assert _files(out) == before
    manifest = json.loads((out / "manifest.json").read_text())
    assert [n["action"] for n in manifest["notebooks"]] == ["reused"] * 3
    assert "reused: its inputs did not change" in (out / "index.html").read_text()

    # An input 01 reads changes, but 01's artifact comes out the same: only 01 runs.
    (data / "sdr_activity.csv").write_text("sdr_id\ns1\ns2\n")
    changed = run()
    assert {s: r.action for s, r in changed.items()} == {"01_first": "ran", "02_second": "reused", "03_deck": "reused"}
    assert changed["01_first"].why == "input table sdr_activity changed"

    # A report-only change re-runs only the notebook that reads `report:`.
    retitled = run(title="Take two")
    assert {s: r.action for s, r in retitled.items()} == {"01_first": "reused", "02_second": "reused", "03_deck": "ran"}
    assert retitled["03_deck"].why == "params 'report' changed"
    assert (out / "deck.txt").read_text().startswith("Take two")
    reused_state = _files(out)

    forced = run(title="Take two", force=True)
    assert {r.action for r in forced.values()} == {"ran"} and forced["02_second"].why == "--force"
    fresh = _files(out)
    for rel in reused_state:  # a fresh run writes the same artifacts and findings as the reused ones
        if not rel.endswith((".ipynb", ".html")):
            assert fresh[rel] == reused_state[rel], rel


def test_an_upstream_change_reaches_downstream(chain):
    run, data, out = chain
    run()
    (data / "reps.csv").write_text("rep_id\nr1\nr2\n")
    res = run()
    assert {r.action for r in res.values()} == {"ran"}
    assert res["02_second"].why == "upstream artifact data/01_reps.txt changed"
    (out / "data" / "02_count.txt").write_text("tampered")  # an output edited after the run is never reused
    res = run()
    assert res["02_second"].action == "ran" and "02_count.txt is missing or was changed" in res["02_second"].why
    assert res["01_first"].action == "reused"


def test_written_by_leaves_a_parallel_notebooks_files_to_it():
    before = {"data/01_calls.parquet": (1, 1, 1)}
    after = {**before, "data/03_q.parquet": (2, 1, 1), "data/04_x.parquet": (3, 1, 1), "coaching_plan.csv": (4, 1, 1),
             "findings/03_cohort_comparison.json": (5, 1, 1), "findings.json": (6, 1, 1), "data/.tmp.x": (7, 1, 1),
             "03_cohort_comparison.html": (8, 1, 1)}
    assert reuse.written_by("03_cohort_comparison", before, after, others={"04_coaching_plan"}) == {
        "data/03_q.parquet", "findings/03_cohort_comparison.json", "03_cohort_comparison.html"}
    assert reuse.written_by("04_coaching_plan", before, after, others={"03_cohort_comparison"}) == {
        "data/04_x.parquet", "coaching_plan.csv"}


def test_report_keys_table_matches_the_notebooks():
    """Every `cfg.report.<key>` a notebook reads is in REPORT_KEYS_READ; the library outside the deck reads none."""
    for nb in sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        read = set(re.findall(r"cfg\.report\.(\w+)", code))
        table = reuse.REPORT_KEYS_READ[nb.stem]
        assert reuse.ALL in table or read <= set(table), (nb.stem, read)
    lib = PROJECT_ROOT / "lib" / "coaching_roi"
    for py in lib.rglob("*.py"):
        if py.parent.name == "deck" or py.name in ("render.py", "reuse.py", "config.py", "paramcheck.py"):
            continue
        assert not re.search(r"\.report\.\w", py.read_text(encoding="utf-8")), py


def test_clock_estimates_the_longest_remaining_chain():
    deps = {"01": set(), "02": {"01"}, "03": {"02"}, "04": {"02"}, "05": {"03", "04"}}
    clock = progress.Clock(deps, {"01": 10, "02": 20, "03": 30, "04": 5, "05": 8}, t_start=0.0)
    assert clock.left(now=0.0) == pytest.approx(68)
    clock.finished("01")
    clock.finished("02")
    clock.started_at["03"] = 0.0
    assert clock.left(now=10.0) == pytest.approx(28)  # 20 s left of 03, then 05
    assert progress.Clock(deps, {"01": 10}).left() is None  # no earlier timing for every notebook: no estimate
    assert progress.clock_text(75) == "1:15"


@pytest.mark.notebook
@pytest.mark.xdist_group("e2e")
def test_demo_rerun_reuses_every_notebook_and_report_change_reruns_only_the_deck(demo_run, tmp_path):
    out = tmp_path / "outputs" / "e2e"
    shutil.copytree(demo_run.run_dir, out)
    before = _files(out)
    res = pipeline.run(demo_run.params_file, out_dir=out, outputs_root=tmp_path / "outputs", progress=lambda s: None)
    assert {r.notebook: r.action for r in res.notebooks} == {r.notebook: "reused" for r in res.notebooks}
    assert len(res.notebooks) == 5
    assert _files(out) == before
    params = yaml.safe_load(demo_run.params_file.read_text())
    params.setdefault("overrides", {})["report"] = {"title": "Coaching ROI, second look"}
    changed = tmp_path / "e2e.yaml"
    changed.write_text(yaml.safe_dump(params))
    res = pipeline.run(changed, out_dir=out, outputs_root=tmp_path / "outputs", progress=lambda s: None)
    assert {r.notebook for r in res.notebooks if r.action == "ran"} == {"05_qbr_slides"}
    assert "Coaching ROI, second look" in (out / "qbr_deck.html").read_text(encoding="utf-8")


def test_surely_runs_sees_a_changed_params_section_without_hashing_data(chain, tmp_path):
    """The runner starts a kernel early only for notebooks that will run whatever the data say."""
    from coaching_roi import config

    run, _data, out = chain
    run(title="A")
    previous = reuse.previous_records(out)
    nbdir, params = tmp_path / "notebooks", tmp_path / "p.yaml"
    cfg_same = config.load(params)
    for stem in ("01_first", "02_second", "03_deck"):
        assert not reuse.surely_runs(cfg_same, stem, nbdir / f"{stem}.ipynb", previous[stem])
        assert reuse.surely_runs(cfg_same, stem, nbdir / f"{stem}.ipynb", None)  # no earlier record
    params.write_text(params.read_text().replace("title: A", "title: B"))
    cfg_b = config.load(params)
    assert reuse.surely_runs(cfg_b, "03_deck", nbdir / "03_deck.ipynb", previous["03_deck"])
    assert not reuse.surely_runs(cfg_b, "01_first", nbdir / "01_first.ipynb", previous["01_first"])
    assert run(title="B")["03_deck"].action == "ran"  # and the run agrees


def test_snapshot_leaves_out_a_file_gone_between_listing_and_looking(tmp_path, monkeypatch):
    # A notebook writes its page as a temporary file renamed into place; the runner's snapshot may list the
    # temporary name and find it gone a moment later. Seen once at 2,000 AEs: the run stopped on it.
    (tmp_path / "kept.txt").write_text("x")
    monkeypatch.setattr(reuse.os, "walk", lambda folder: iter([(str(folder), [], ["kept.txt", ".page.html.tmp"])]))
    snap = reuse.snapshot(tmp_path)
    assert list(snap) == ["kept.txt"]
    assert snap["kept.txt"][1] == 1

