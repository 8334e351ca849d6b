"""The runner's papermill engine (coaching_roi.nbengine): fewer writes of the executed notebook while it runs,
and the same saved notebook at the end, after a failing cell and after a dead kernel."""

from __future__ import annotations

import nbformat
import papermill as pm
import papermill.engines as pm_engines
import pytest
from papermill.exceptions import PapermillExecutionError

from coaching_roi import nbengine


def _notebook(path, cells: list[str]):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def writes(monkeypatch):
    """The paths papermill's execution manager writes while a notebook runs."""
    seen: list[str] = []
    real = pm_engines.write_ipynb

    def counting(nb, path, *a, **k):
        seen.append(str(path))
        return real(nb, path, *a, **k)

    monkeypatch.setattr(pm_engines, "write_ipynb", counting)
    return seen


def _run(src, out, **kw):
    return pm.execute_notebook(str(src), str(out), kernel_name="python3", progress_bar=False, **kw)


def test_a_notebook_is_written_once_when_it_ends_not_at_every_cell(tmp_path, writes, monkeypatch):
    monkeypatch.setattr(nbengine, "SAVE_EVERY_S", 3600.0)  # a loaded machine must not make a save fall due mid-run
    src = _notebook(tmp_path / "in.ipynb", [f"x{i} = {i}\nprint(x{i})" for i in range(8)])
    nb = _run(src, tmp_path / "sparse.ipynb", engine_name=nbengine.ENGINE_NAME)
    assert writes == [str(tmp_path / "sparse.ipynb")]  # the end of the run (papermill then writes it once more)
    saved = nbformat.read(tmp_path / "sparse.ipynb", as_version=4)
    assert [c.outputs[0]["text"] for c in saved.cells] == [f"{i}\n" for i in range(8)]
    assert saved.metadata.papermill["duration"] > 0 and nb.cells[-1].metadata.papermill["status"] == "completed"

    writes.clear()
    _run(src, tmp_path / "papermill.ipynb")  # papermill's own engine: a write as each cell starts and ends
    assert len(writes) >= 2 * 8


def test_a_long_run_is_still_saved_while_it_runs(tmp_path, writes, monkeypatch):
    monkeypatch.setattr(nbengine, "SAVE_EVERY_S", 0.0)
    src = _notebook(tmp_path / "in.ipynb", ["a = 1", "b = 2"])
    _run(src, tmp_path / "out.ipynb", engine_name=nbengine.ENGINE_NAME)
    assert len(writes) >= 4  # every cell start and end, as papermill's own engine does


def test_a_failing_cell_leaves_the_notebook_saved_up_to_the_error(tmp_path):
    src = _notebook(tmp_path / "in.ipynb", ["a = 1\nprint('before')", "raise ValueError('planted failure')", "c = 3"])
    out = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError, match="planted failure"):
        _run(src, out, engine_name=nbengine.ENGINE_NAME)
    saved = nbformat.read(out, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert code[0].outputs[0]["text"] == "before\n"
    assert code[1].outputs[0]["ename"] == "ValueError"
    assert code[1].metadata.papermill["status"] == "failed" and code[2].metadata.papermill["status"] == "pending"


def test_a_dead_kernel_leaves_the_notebook_saved_up_to_its_death(tmp_path):
    src = _notebook(tmp_path / "in.ipynb", ["print('alive')", "import os\nos._exit(3)", "c = 3"])
    out = tmp_path / "out.ipynb"
    with pytest.raises(Exception):  # noqa: B017, PT011 - nbclient's DeadKernelError (its class moved between versions)
        _run(src, out, engine_name=nbengine.ENGINE_NAME)
    saved = nbformat.read(out, as_version=4)
    assert saved.cells[0].outputs[0]["text"] == "alive\n"
    assert saved.metadata.papermill["end_time"]  # papermill's final bookkeeping was saved
