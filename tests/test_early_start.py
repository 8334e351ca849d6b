"""A notebook that reads only artifacts starts once the notebooks it depends on wrote them (their cell
tagged ``artifacts-written`` ran), while the rest of those notebooks still runs (coaching_roi.scheduler)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from standin import SETUP, make_nb

from coaching_roi import pipeline, reuse, scheduler
from coaching_roi.errors import WorkbookError

# 01 writes its artifact in the tagged cell, then waits (at most 30 s) until 02 has started and says so.
NB01 = SETUP + """
(cfg.artifacts_dir / "01_reps.txt").write_text(cfg.source_path("reps").read_text().upper())
"""
NB01_TAIL = """
import time
t0 = time.monotonic()
while not (cfg.artifacts_dir / "02_started.txt").exists() and time.monotonic() - t0 < WAIT_S:
    time.sleep(0.05)
findings.write_part(cfg.run_dir, "01_first", quarter=cfg.quarter, status="ok",
                    extra={"saw_02_start": (cfg.artifacts_dir / "02_started.txt").exists()})
"""
NB02 = SETUP + """
(cfg.artifacts_dir / "02_started.txt").write_text("yes")
(cfg.artifacts_dir / "02_count.txt").write_text(str(len((cfg.artifacts_dir / "01_reps.txt").read_text())))
findings.write_part(cfg.run_dir, "02_second", quarter=cfg.quarter, status="ok")
"""


@pytest.fixture
def early(tmp_path, monkeypatch):
    monkeypatch.setattr(reuse, "REPORT_KEYS_READ", {"01_first": (), "02_second": ()})
    monkeypatch.setattr(reuse, "READS_INPUT_FILES", ("01_first",))
    monkeypatch.setattr(scheduler, "READS_ONLY_ARTIFACTS", frozenset({"02_second"}))
    data = tmp_path / "data"
    data.mkdir()
    (data / "reps.csv").write_text("rep_id\nr1\n")
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    params = tmp_path / "p.yaml"
    params.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": "t", "data_dir": str(data)}))
    out = tmp_path / "out" / "t"

    def run(nb01_tail: str = NB01_TAIL, wait_s: float = 30, **kw):
        make_nb(nbdir / "01_first.ipynb", NB01, after=nb01_tail.replace("WAIT_S", str(wait_s)))
        if not (nbdir / "02_second.ipynb").exists():  # written once: a new file has new cell ids
            make_nb(nbdir / "02_second.ipynb", NB02)
        return pipeline.run(params, out_dir=out, outputs_root=tmp_path / "out", notebook_dir=nbdir,
                            progress=lambda s: None, **kw)

    return run, data, out


@pytest.mark.notebook
def test_a_notebook_reading_only_artifacts_starts_before_its_upstream_finishes(early):
    run, data, out = early
    res = run()
    found = json.loads((out / "findings.json").read_text())
    assert found["extra"]["01_first"]["saw_02_start"] is True  # 02 ran while 01 was still in its last cell
    runs = {r.notebook: r for r in res.notebooks}
    # 02's reuse rests on 01's artifacts only: not on 01's findings part or its page.
    upstream = {k for k in runs["02_second"].inputs if k.startswith("upstream:")}
    assert upstream == {"upstream:data/01_reps.txt"}
    assert set(runs["01_first"].outputs) == {"data/01_reps.txt", "findings/01_first.json", "01_first.html",
                                             "01_first.ipynb"}
    assert "data/02_started.txt" in runs["02_second"].outputs

    # 01 changes only its last cell (not its artifact): 01 runs, 02 is reused.
    again = {r.notebook: r for r in run(nb01_tail=NB01_TAIL + "\n# reworded\n").notebooks}
    assert again["01_first"].action == "ran" and again["02_second"].action == "reused", again["02_second"].why

    # A changed input changes 01's artifact: 02 runs again, and says why.
    (data / "reps.csv").write_text("rep_id\nr1\nr2\n")
    third = {r.notebook: r for r in run().notebooks}
    assert third["02_second"].action == "ran" and third["02_second"].why == "upstream artifact data/01_reps.txt changed"


@pytest.mark.notebook
def test_no_early_start_beyond_the_memory_budget(early):
    run, _, out = early
    res = {r.notebook: r for r in run(wait_s=3, memory_gb=0.01).notebooks}  # 10 MB: no room for a second kernel
    found = json.loads((out / "findings.json").read_text())
    assert found["extra"]["01_first"]["saw_02_start"] is False  # 02 waited until 01 had finished
    assert res["02_second"].action == "ran" and res["02_second"].inputs["upstream:data/01_reps.txt"]


@pytest.mark.notebook
def test_a_notebook_held_back_by_memory_starts_when_its_upstreams_kernel_ends_not_after_its_page(early, monkeypatch):
    """Within the memory budget only once 01's kernel has exited (a stand-in budget): 02 then starts at once,
    while the runner still writes 01's page (held here until 02 has started, at most 20 s)."""
    import time

    import psutil

    from coaching_roi import memory

    run, _, out = early
    pid_file: list = []

    def usage(pids):  # 10 GB until 01's kernel (which writes its pid in its last cell) has exited, then nothing
        alive = True
        if pid_file and pid_file[0].exists():
            try:
                alive = psutil.Process(int(pid_file[0].read_text())).status() != psutil.STATUS_ZOMBIE
            except psutil.Error:
                alive = False
        return memory.Usage(now=10 * memory.GB if alive else 0, kernel_peak=0)

    real_html = scheduler.notebook_to_html
    seen_02_during_01_page: list[bool] = []

    def slow_html(nb, html_path, **kw):
        if Path(html_path).stem == "01_first":
            started = Path(html_path).parent / "data" / "02_started.txt"
            t0 = time.monotonic()
            while not started.exists() and time.monotonic() - t0 < 20:
                time.sleep(0.05)
            seen_02_during_01_page.append(started.exists())
        return real_html(nb, html_path, **kw)

    monkeypatch.setattr(scheduler.memory, "usage", usage)
    monkeypatch.setattr(scheduler, "notebook_to_html", slow_html)
    tail = "(cfg.run_dir / '01_pid.txt').write_text(str(__import__('os').getpid()))\n" + NB01_TAIL

    real_reuse_or_start = scheduler.Scheduler._reuse_or_start

    def reuse_or_start(self, stem, running):  # where 01 will write its kernel's pid: the run's staging folder
        if stem == "01_first" and not pid_file:
            pid_file.append(self.staging / "01_pid.txt")
        return real_reuse_or_start(self, stem, running)

    monkeypatch.setattr(scheduler.Scheduler, "_reuse_or_start", reuse_or_start)
    res = {r.notebook: r for r in run(nb01_tail=tail, wait_s=0).notebooks}
    assert seen_02_during_01_page == [True]  # 02 ran while 01's page was still being written
    found = json.loads((out / "findings.json").read_text())
    assert found["extra"]["01_first"]["saw_02_start"] is False  # but not while 01's kernel still ran
    assert res["02_second"].action == "ran" and res["01_first"].status == "ok"


def test_memory_room_counts_every_notebook_started_early():
    import os

    import psutil

    from coaching_roi import memory

    use = memory.usage([os.getpid()])  # this process, once as the runner and once as a "kernel"
    rss = psutil.Process().memory_info().rss
    # The peak (VmHWM) is at least the resident size (read a moment later: 10 % slack); "now" counts this
    # process at least once more, plus any child processes it has (test workers may have some).
    assert use.kernel_peak >= 0.9 * rss and use.now >= 1.9 * rss
    gb = memory.GB
    fits = memory.Usage(now=1 * gb, kernel_peak=1 * gb)
    assert memory.room_for(fits, 1, 4.0) and memory.room_for(fits, 3, 4.0)
    assert not memory.room_for(fits, 4, 4.0)
    assert not memory.room_for(memory.Usage(now=3 * gb, kernel_peak=2 * gb), 1, 4.0)


@pytest.mark.notebook
def test_an_artifact_written_after_the_tagged_cell_fails_the_run(early):
    run, _, out = early
    late = NB01_TAIL + '\n(cfg.artifacts_dir / "01_late.txt").write_text("too late")\n'
    with pytest.raises(WorkbookError, match="01_first wrote artifacts after its cell tagged 'artifacts-written'"):
        run(nb01_tail=late)
    assert not (out / "manifest.json").exists()  # the failed run replaced nothing


def test_the_workbooks_notebooks_tag_the_cell_that_writes_their_artifacts():
    from coaching_roi.paths import PROJECT_ROOT

    for stem in ("01_data_intake", "02_behavioral_scoring"):
        nb = json.loads((PROJECT_ROOT / "notebooks" / f"{stem}.ipynb").read_text())
        tagged = [c for c in nb["cells"] if scheduler.ARTIFACTS_TAG in c["metadata"].get("tags", [])]
        assert len(tagged) == 1, stem
        later = nb["cells"][nb["cells"].index(tagged[0]) + 1:]
        code = "\n".join("".join(c["source"]) for c in later if c["cell_type"] == "code")
        assert "write_all" not in code and "artifacts.write" not in code and "run_intake" not in code, stem
    # Only notebooks that read nothing but artifacts of earlier ones may start early: never the deck.
    assert "05_qbr_slides" not in scheduler.READS_ONLY_ARTIFACTS


def test_warm_kernel_preload_names_real_modules_and_binds_no_new_name():
    import importlib

    from coaching_roi import warmkernel
    from coaching_roi.paths import PROJECT_ROOT

    for stem, modules in warmkernel.PRELOAD.items():
        nb = PROJECT_ROOT / "notebooks" / f"{stem}.ipynb"
        assert nb.is_file(), stem  # the table names the workbook's notebooks
        for m in modules:
            importlib.import_module(m)  # a renamed module would silently stop being preloaded
        ns: dict = {}
        exec(compile(warmkernel.preload_code(nb), stem, "exec"), ns)  # noqa: S102 - the workbook's own code
        bound = {k for k in ns if not k.startswith("__")}
        imports = {}
        exec(compile(warmkernel.import_lines(nb), stem, "exec"), imports)  # noqa: S102
        assert bound == {k for k in imports if not k.startswith("__")}, stem


# Heavy modules a notebook's kernel must not load before its first cell runs (each costs 0.2–1 s of CPU per
# run): 01 draws nothing; readers of artifacts do not validate with pandera; 04 and 05 need no scipy.stats.
NOT_AT_IMPORT = {
    "01_data_intake": ("matplotlib", "statsmodels.api", "sklearn", "seaborn"),
    "02_behavioral_scoring": ("statsmodels.api", "pandera"),
    "03_cohort_comparison": ("pandera", "sklearn"),
    "04_coaching_plan": ("scipy.stats", "statsmodels.api", "pandera", "lifelines"),
    "05_qbr_slides": ("scipy.stats", "statsmodels.api", "pandera", "lifelines", "sklearn", "seaborn"),
}


@pytest.mark.parametrize("stem", sorted(NOT_AT_IMPORT))
def test_a_notebooks_imports_load_only_what_it_uses(stem):
    import os
    import subprocess
    import sys

    from coaching_roi import warmkernel
    from coaching_roi.paths import PROJECT_ROOT

    code = warmkernel.preload_code(PROJECT_ROOT / "notebooks" / f"{stem}.ipynb")
    code += f"\nimport sys\nprint(sorted(m for m in {NOT_AT_IMPORT[stem]!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PROJECT_ROOT / "notebooks", env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.stdout.strip().splitlines()[-1] == "[]", (stem, out.stdout)
