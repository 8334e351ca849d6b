"""The quarterly run: execute the notebooks with papermill, render them, write index and manifest.

One Python process drives everything. Notebooks run as a small dependency graph (01 → 02 →
{03, 04} → 05), so independent ones execute in parallel; each is rendered to HTML in-process as soon
as it finishes. A notebook whose inputs (by content: :mod:`coaching_roi.reuse`) are those of the
last complete run is not executed: its outputs are copied from that run (``force`` runs all).
The run writes into a staging folder and replaces ``outputs/<name>/`` only when every notebook
succeeded, so a failed run leaves the previous outputs of that quarter intact.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coaching_roi import config, kernels, memory, reuse, runlock, safety, warmkernel
from coaching_roi.config import resolved
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT, resolve_path
from coaching_roi.render import write_index, write_manifest
from coaching_roi.scheduler import (  # noqa: F401 - NotebookRun, DEPENDS_ON, _dependencies, _execute_one: the run's API
    DEPENDS_ON,
    NotebookRun,
    Scheduler,
    _dependencies,
    _early_kernels,
    _execute_one,
)

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"


@dataclass
class RunResult:
    run_dir: Path
    cfg: config.Config
    notebooks: list[NotebookRun] = field(default_factory=list)
    seconds: float = 0.0


def discover_notebooks(notebook_dir: Path = NOTEBOOK_DIR, only: list[str] | None = None) -> list[Path]:
    """The notebooks to run, in name order (optionally only those whose name starts with a prefix)."""
    found = sorted(p for p in notebook_dir.glob("[0-9][0-9]_*.ipynb"))
    if only:
        found = [p for p in found if any(p.stem.startswith(o) for o in only)]
    if not found:
        raise WorkbookError(f"No notebooks to run in {notebook_dir} (looked for NN_name.ipynb).")
    return found


def _skip_slow_optional_imports() -> None:
    """Keep the runner from loading ``rfc3987_syntax``: jsonschema (imported by nbformat) loads it when
    installed, to check IRI formats, and it builds a grammar at import (~1.3 s of CPU per process).
    Notebook schemas check no IRI format, so nothing is lost; only this process is affected."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def run(
    params_file: str | Path,
    *,
    out_dir: str | Path | None = None,
    jobs: int | None = None,
    only: list[str] | None = None,
    notebook_dir: Path = NOTEBOOK_DIR,
    progress: Callable[[str], None] = print,
    wait: float = 0.0,
    outputs_root: Path | None = None,
    force: bool = False,
    memory_gb: float | None = None,
) -> RunResult:
    """Run every notebook for the quarter described by ``params_file``.

    A notebook whose inputs did not change since the last complete run of that name is reused, not
    executed (``force=True`` executes every notebook; ``only`` executes the named ones on a copy of
    the last run). Only one run of a name runs at a time (``wait`` seconds to queue behind another,
    default: fail at once). Raises :class:`WorkbookError` (after saving what ran) when a notebook
    fails; the previous outputs of that run name are left untouched, also when the run is interrupted
    or killed. ``out_dir`` must lie inside ``outputs_root`` (default :func:`safety.outputs_root`) or
    be a folder an earlier run made. A notebook starts before the notebooks it reads have finished only
    while the run stays within ``memory_gb`` (default :data:`memory.DEFAULT_BUDGET_GB`; :mod:`coaching_roi.memory`).
    """
    started = datetime.now(UTC)
    t_start = time.perf_counter()
    _skip_slow_optional_imports()
    params_path = resolve_path(params_file)
    cfg = config.load(params_path)  # validates every key (all problems at once) before anything runs
    raw = config.read_quarter_file(params_path)
    final = safety.resolve_run_dir(out_dir, cfg.name, root=outputs_root)
    notebooks = discover_notebooks(notebook_dir, only)
    folders = runlock.RunFolders(final, progress=progress)
    with runlock.RunLock(final, wait=wait, progress=progress, what=f"coaching-roi run {params_path.name}"), \
            kernels.stop_on_signals():
        folders.check(copy_final=bool(only))
        folders.recover()
        # Read under the lock: the final folder is only ever replaced whole, by a run holding it.
        previous = reuse.previous_records(final) if final.is_dir() and safety.is_workbook_dir(final) else {}
        early: dict[str, warmkernel.WarmKernel] = {}
        try:
            early = _early_kernels(cfg, notebooks, previous, force=force, only=only, n_jobs=_n_jobs(jobs))
            staging = folders.make_staging(cfg.name, copy_final=bool(only))
            result = _run_in(staging, folders, cfg, raw, params_path, notebooks, jobs, progress, started,
                             previous=previous, force="--force" if force else "--only" if only else None,
                             t_start=t_start, early=early, memory_gb=memory_gb)
        except BaseException:
            # The run is stopping and its kernels die mid-message: the event loop of a notebook still being
            # executed may then report a callback on a closed kernel socket (seen once under load after
            # SIGTERM). That is the stop itself, not a second error: keep it out of the person's terminal
            # (for the rest of this process, which a stop ends; such a report can come after this returns).
            logging.getLogger("tornado.application").setLevel(logging.CRITICAL)
            kernels.kill_all()
            for warm in early.values():  # one still starting is not among the kernels kill_all knows
                warm.shutdown_later()
            folders.discard_staging()
            raise
        finally:
            warmkernel.wait_for_shutdowns()  # outputs in place: end the kernels now, leave none behind
    result.seconds = time.perf_counter() - t_start
    ran = sum(r.action == "ran" for r in result.notebooks)
    progress(f"Done in {result.seconds:.1f} s ({ran} ran, {len(result.notebooks) - ran} reused) → {final / 'index.html'}")
    return result


def _n_jobs(jobs: int | None) -> int:
    """Notebooks run at once: ``jobs``, or one per core up to two (the dependency graph has at most two ready)."""
    return jobs if jobs and jobs > 0 else min(2, os.cpu_count() or 1)


def _run_in(
    staging: Path,
    folders: runlock.RunFolders,
    cfg: config.Config,
    raw: dict[str, Any],
    params_path: Path,
    notebooks: list[Path],
    jobs: int | None,
    progress: Callable[[str], None],
    started: datetime,
    *,
    previous: dict[str, dict[str, Any]] | None = None,
    force: str | None = None,
    t_start: float | None = None,
    early: dict[str, warmkernel.WarmKernel] | None = None,
    memory_gb: float | None = None,
) -> RunResult:
    final = folders.final
    cfg = cfg.model_copy(update={"run_dir": staging})
    resolved.write_resolved(cfg, staging)  # validated once here; every notebook reads it (validated=True)
    parameters = {
        "quarter": raw["quarter"],
        "name": cfg.name,
        "data_dir": str(raw["data_dir"]),
        "sources": raw.get("sources") or {},
        "overrides": raw.get("overrides") or {},
        "run_dir": str(staging),
        "interactive": False,
        "compare_to": str(raw.get("compare_to") or ""),
        "validated": True,
    }
    n_jobs = _n_jobs(jobs)
    progress(f"Running {len(notebooks)} notebook(s) for {cfg.quarter} (run '{cfg.name}', {n_jobs} at a time)")
    sched = Scheduler(staging, final, cfg, notebooks, parameters, n_jobs, progress, previous or {}, force,
                       t_start if t_start is not None else time.perf_counter(), warm=early,
                       memory_gb=memory.DEFAULT_BUDGET_GB if memory_gb is None else memory_gb)
    failed = sched.run()

    ordered = [sched.runs[s] for s in sched.stems]
    status = "ok" if failed is None else "failed"
    # The manifest records where the outputs end up, not the staging folder they were built in.
    recorded = cfg.model_copy(update={"run_dir": final if failed is None else folders.failed})
    write_manifest(
        staging, recorded, params_file=params_path, notebooks=[r.as_dict() for r in ordered], started=started, status=status,
        extra={"reuse_format": reuse.FORMAT},
    )
    write_index(staging, cfg, [r.as_dict() for r in ordered])

    if failed is not None:
        failed_dir = folders.keep_as_failed()
        msg = failed.error.replace(str(staging), str(failed_dir)) if failed.error else "a notebook failed"
        raise WorkbookError(
            f"{msg}\n  The previous outputs in {final} were left as they were; this run's partial outputs are in {failed_dir}."
        )

    folders.swap_into_place()
    return RunResult(run_dir=final, cfg=cfg.model_copy(update={"run_dir": final}), notebooks=ordered)
