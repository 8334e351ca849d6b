"""The runner on tiny stand-in notebooks: ordering, rendering, manifest, index, failure handling."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
import yaml
from standin import SETUP, make_nb

from coaching_roi import pipeline
from coaching_roi.errors import WorkbookError


@pytest.fixture
def project(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    make_nb(nbdir / "01_first.ipynb", SETUP + """
(cfg.artifacts_dir / "first.txt").write_text("from 01")
findings.write_part(cfg.run_dir, "01_first", quarter=cfg.quarter, status="ok",
    estimates={"x": {"value": 0.1, "ci_low": 0.0, "ci_high": 0.2, "n": 10, "n_unit": "reps", "unit": "fraction",
                     "verdict": "no_clear_change", "mde": None, "reading": "<b>bold</b> & sure"}})
print("SECRET-FREE OUTPUT <script>alert(1)</script>")
""")
    make_nb(nbdir / "02_second.ipynb", SETUP + """
assert (cfg.artifacts_dir / "first.txt").read_text() == "from 01"
import matplotlib.pyplot as plt
fig, ax = plt.subplots(); ax.plot([1, 2, 3]); ax.set_title("A figure"); plt.show()
findings.write_part(cfg.run_dir, "02_second", quarter=cfg.quarter, status="skipped: no calls")
""")
    params = tmp_path / "p.yaml"
    params.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": "t", "data_dir": str(data)}))
    return tmp_path, nbdir, params


def test_run_renders_and_indexes(project):
    root, nbdir, params = project
    out = root / "out" / "t"
    lines: list[str] = []
    res = pipeline.run(params, out_dir=out, outputs_root=root / "out", notebook_dir=nbdir, progress=lines.append)
    assert res.run_dir == out
    assert [r.status for r in res.notebooks] == ["ok", "ok"]
    for name in ("01_first.html", "02_second.html", "01_first.ipynb", "index.html", "manifest.json", "findings.json"):
        assert (out / name).exists(), name
    html = (out / "02_second.html").read_text()
    assert "data:image/png;base64" in html  # figures inline
    assert "assert (cfg.artifacts_dir" not in html  # no code in the report
    for page in ("01_first.html", "02_second.html", "index.html"):
        text = (out / page).read_text()
        assert "cdn." not in text and "https://cdnjs" not in text and "require.js" not in text, page
    index = (out / "index.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; sure" in index  # findings text is escaped
    assert "skipped: no calls" in index
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["quarter"] == "2026Q3"
    assert manifest["packages"]["pandas"]
    assert "git_commit" in manifest["code"]
    assert any("▶ 01_first" in ln for ln in lines) and any("Done in" in ln for ln in lines)
    assert not list((root / "out").glob(".t.partial*"))


def test_params_are_validated_once_by_the_runner(project):
    """The runner validates the quarter file once and writes it to the run folder; its notebooks read that
    (``validated=True``) and never resolve the params again (``config.build`` is not called in them)."""
    root, nbdir, params = project
    make_nb(nbdir / "01_first.ipynb", """
from coaching_roi import config, nbsupport, findings
from coaching_roi.config import loading
def _no_build(*a, **k):
    raise AssertionError("a notebook under the runner validated its params again")
config.build = loading.build = _no_build
assert validated is True
cfg = nbsupport.setup(quarter=quarter, name=name, data_dir=data_dir, sources=sources, overrides=overrides,
                      run_dir=run_dir, validated=validated)
assert cfg.run_dir == __import__("pathlib").Path(run_dir) and cfg.quarter == "2026Q3"
findings.write_part(cfg.run_dir, "01_first", quarter=cfg.quarter, status="ok")
""")
    (nbdir / "02_second.ipynb").unlink()
    out = root / "out" / "t"
    pipeline.run(params, out_dir=out, outputs_root=root / "out", notebook_dir=nbdir, progress=lambda s: None)
    saved = json.loads((out / "params.resolved.json").read_text())
    assert saved["quarter"] == "2026Q3" and saved["name"] == "t" and "run_dir" not in saved


def test_failure_keeps_previous_outputs(project):
    root, nbdir, params = project
    out = root / "out" / "t"
    pipeline.run(params, out_dir=out, outputs_root=root / "out", notebook_dir=nbdir, progress=lambda s: None)
    before = (out / "index.html").read_text()
    make_nb(nbdir / "02_second.ipynb", SETUP + """
from coaching_roi.errors import WorkbookError
raise WorkbookError("calls.csv: missing required column 'call_id'. Fix: add it.")
""")
    with pytest.raises(WorkbookError) as err:
        pipeline.run(params, out_dir=out, outputs_root=root / "out", notebook_dir=nbdir, progress=lambda s: None)
    msg = str(err.value)
    assert "02_second failed in cell" in msg
    assert "missing required column 'call_id'" in msg
    assert "t.failed" in msg and "02_second.ipynb" in msg
    assert (out / "index.html").read_text() == before  # previous outputs intact
    assert (root / "out" / "t.failed" / "02_second.ipynb").exists()
    manifest = json.loads((root / "out" / "t.failed" / "manifest.json").read_text())
    assert manifest["status"] == "failed"


def test_dependencies_allow_parallel_03_04():
    deps = pipeline._dependencies(
        ["01_data_intake", "02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan", "05_qbr_slides"]
    )
    assert "03_cohort_comparison" not in deps["04_coaching_plan"]
    assert deps["05_qbr_slides"] == {"01_data_intake", "02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan"}
    # an unknown notebook waits for every earlier one
    assert pipeline._dependencies(["01_data_intake", "07_extra"])["07_extra"] == {"01_data_intake"}


def test_bad_params_fail_before_any_notebook(project, tmp_path):
    _, nbdir, _ = project
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"quarter": "2026Q3", "data_dir": str(tmp_path), "colour": 1}))
    with pytest.raises(WorkbookError, match="colour: unknown key"):
        pipeline.run(bad, out_dir=tmp_path / "o", outputs_root=tmp_path, notebook_dir=nbdir, progress=lambda s: None)
    assert not (tmp_path / "o").exists()


def test_index_groups_estimates_for_a_reader():
    from coaching_roi.render import estimate_label, group_estimates

    e = {"value": 0.1, "ci_low": 0.0, "ci_high": 0.2, "n": 10, "n_unit": "AEs", "unit": "fraction", "reading": "r",
         "verdict": "no_clear_change"}
    groups = group_estimates(
        {"roi_pct": e, "quartile_win_rate_gap": e, "behavior_change::qi": e, "behavior_change::all": e,
         "funnel_team_meeting_rate": e},
        {"qi": "Quantifies impact"},
    )
    assert [g["title"] for g in groups] == ["The evidence chain", "Money", "SDR funnel", "Per behavior and other detail"]
    assert [r["id"] for r in groups[0]["rows"]] == ["quartile_win_rate_gap", "behavior_change::all"]
    row = groups[0]["rows"][0]
    assert row["value"] == "+10 pp" and row["n"] == "10 AEs"  # a gap in win rate is shown in points, n with its unit
    assert row["state"] == "Not visible yet" and row["interval"] == "0 pp to +20 pp"
    assert groups[-1]["detail"] and groups[-1]["rows"][0]["label"].endswith(": Quantifies impact")
    assert estimate_label("funnel_team_meeting_rate") == "Team meeting rate"  # the one table of labels


def test_exporter_built_once_renders_like_a_new_one(tmp_path):
    from coaching_roi import render

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("1 + 1", outputs=[
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)])]
    render._exporter.cache_clear()
    fresh = render.notebook_to_html(nb, tmp_path / "a.html", title="A").read_text()
    assert render._exporter() is render._exporter()  # cached
    render.notebook_to_html(nbformat.v4.new_notebook(), tmp_path / "b.html", title="Other")
    again = render.notebook_to_html(nb, tmp_path / "c.html", title="A").read_text()
    assert again == fresh and "Title" in fresh


def test_a_warm_kernel_shuts_down_once_and_leaves_no_process(tmp_path):
    """A failed run asks a kernel to shut down twice (after its notebook, then with the run's early kernels);
    the second request must not start a second shutdown, which could wait on the first forever."""
    from coaching_roi import kernels, warmkernel

    nb = tmp_path / "01_x.ipynb"
    make_nb(nb, "import json\n")
    wk = warmkernel.WarmKernel(nb, kernels.tracked_manager_class())
    assert wk.take() is wk.km
    pid, conn = wk.km.provisioner.pid, Path(wk.km.connection_file)
    assert conn.is_file()
    wk.shutdown_later()
    wk.shutdown_later()
    assert sum(w is wk for _, w in warmkernel._CLOSING) == 1
    warmkernel.wait_for_shutdowns()
    assert not warmkernel._CLOSING and not wk.km.has_kernel
    assert not conn.exists()  # killed at once (the run's notebooks are done), yet cleaned up
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_kernel_env_adds_the_allocator_settings_unless_the_person_set_them():
    from coaching_roi import kernels

    env = kernels.kernel_env({"PATH": "/bin", "ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})
    assert env["PATH"] == "/bin"
    assert env["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"  # the person's choice wins
    assert env["NUMPY_MADVISE_HUGEPAGE"] == "0" and env["MALLOC_TRIM_THRESHOLD_"] == str(1 << 30)
    assert kernels.kernel_env({})["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    assert "OPENBLAS_NUM_THREADS" not in env  # JupyterLab: one kernel may use every core
    run = kernels.kernel_env({"MKL_NUM_THREADS": "4"}, run=True)
    assert run["OPENBLAS_NUM_THREADS"] == "1" and run["MKL_NUM_THREADS"] == "4"


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads a process's environment from /proc (Linux)")
def test_a_runs_kernel_starts_with_the_allocator_and_thread_settings(tmp_path):
    from coaching_roi import kernels, warmkernel

    nb = tmp_path / "01_x.ipynb"
    make_nb(nb, "import json\n")
    wk = warmkernel.WarmKernel(nb, kernels.tracked_manager_class())
    try:
        assert wk.take() is wk.km
        raw = Path(f"/proc/{wk.km.provisioner.pid}/environ").read_bytes()
        env = dict(item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
        for key, value in kernels.ALLOCATOR_ENV.items() | kernels.RUN_THREAD_ENV.items():
            assert env[key.encode()] == os.environ.get(key, value).encode(), key
    finally:
        wk.shutdown_later()
        warmkernel.wait_for_shutdowns()


def test_lab_opens_jupyterlab_with_the_allocator_settings(monkeypatch, tmp_path):
    from coaching_roi import cli, kernels

    seen = {}

    def fake_execve(path, argv, env):
        seen.update(path=path, argv=argv, env=env)
        raise SystemExit(0)  # execve does not return

    monkeypatch.setattr(cli.os, "execve", fake_execve)
    with pytest.raises(SystemExit):
        cli.main(["lab", str(tmp_path)])
    assert seen["argv"][1:] == ["-m", "jupyterlab", str(tmp_path)]
    for key, value in kernels.ALLOCATOR_ENV.items():
        assert seen["env"][key] == os.environ.get(key, value)
    assert cli.main(["lab", str(tmp_path / "missing")]) == 2  # a clear error, no JupyterLab
