"""The quarterly run's scheduler: notebooks in dependency order, two at a time, each one reused when
nothing it reads changed (:mod:`coaching_roi.reuse`) or executed on a kernel started ahead of time
(:mod:`coaching_roi.warmkernel`). :mod:`coaching_roi.pipeline` prepares the run folder around it."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coaching_roi import config, kernels, memory, priority, render, reuse, warmkernel
from coaching_roi import progress as progress_mod
from coaching_roi.render import NOTEBOOK_TITLES, notebook_to_html

# Which earlier notebooks' artifacts each notebook reads. Unknown notebooks wait for all earlier ones.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "01_data_intake": (),
    "02_behavioral_scoring": ("01_data_intake",),
    "03_cohort_comparison": ("01_data_intake", "02_behavioral_scoring"),
    "04_coaching_plan": ("01_data_intake", "02_behavioral_scoring"),
    "05_qbr_slides": ("01_data_intake", "02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan"),
}

# Notebooks that read nothing of the notebooks they depend on but their ``data/`` artifacts (no findings
# part, page or report file). Such a notebook may start as soon as each of them has run its cell tagged
# ARTIFACTS_TAG (its artifacts are then written and final), while the rest of that notebook (figures and
# tables of its page) still runs beside it. Its reuse is decided on those artifacts alone.
READS_ONLY_ARTIFACTS = frozenset({"02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan"})
ARTIFACTS_TAG = "artifacts-written"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookRun:
    notebook: str
    status: str = "pending"
    seconds: float | None = None
    html: str | None = None
    ipynb: str | None = None
    error: str | None = None
    action: str = "ran"  # or "reused" (outputs copied from the last complete run)
    why: str | None = None  # why it ran (which input changed) or where its reused outputs come from
    run_seconds: float | None = None  # seconds of its last real execution (for estimates of time left)
    inputs: dict[str, str] = field(default_factory=dict)  # input component -> SHA-256 (coaching_roi.reuse)
    outputs: dict[str, str] = field(default_factory=dict)  # file it wrote (relative) -> SHA-256
    phases: dict[str, float] = field(default_factory=dict)  # where its seconds went (:func:`_execute_one`)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("notebook", "status", "action", "why", "seconds", "run_seconds", "phases",
                                              "html", "ipynb", "error", "inputs", "outputs")}


@dataclass(frozen=True)
class ArtifactsWritten:
    """A running notebook ran its cell tagged :data:`ARTIFACTS_TAG`: its artifacts are final."""

    notebook: str


@dataclass(frozen=True)
class KernelEnded:
    """A running notebook's cells have all run and its kernel has exited (its page is still being written):
    its memory is free, so notebooks held back by the memory budget may start now."""

    notebook: str


def _import_executors() -> None:
    """Import what the worker threads use, here in the main thread: two threads importing papermill and
    jupyter_client for the first time at once can see a half-initialised module (an ImportError)."""
    import jupyter_client.manager  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    import coaching_roi.nbengine  # noqa: F401 - registers the engine the notebooks run with


def _dependencies(stems: list[str]) -> dict[str, set[str]]:
    deps: dict[str, set[str]] = {}
    for i, stem in enumerate(stems):
        wanted = DEPENDS_ON.get(stem, tuple(stems[:i]))
        deps[stem] = {d for d in wanted if d in stems}
    return deps


def _failure_message(stem: str, exc: BaseException, saved: Path) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = _ANSI.sub("", str(exc.evalue)).strip()
        what = evalue if exc.ename == "WorkbookError" else f"{exc.ename}: {evalue}"
        where = f"cell {exc.exec_count}" if exc.exec_count else f"cell #{exc.cell_index + 1}"
        return f"Notebook {stem} failed in {where}: {what}\n  The failed notebook is saved at {saved} (open it to see the cell)."
    return f"Notebook {stem} could not run: {type(exc).__name__}: {_ANSI.sub('', str(exc))}\n  See {saved}."


CELL_TIMEOUT_S = 1800  # one cell longer than this is a hang, not work: fail with a message


def _artifacts_hook(on_written: Callable[[], None]) -> Callable[..., None]:
    """nbclient's ``on_cell_executed`` hook: calls ``on_written`` once the cell tagged :data:`ARTIFACTS_TAG`
    ran without error (a failed cell raises right after the hook, and the notebook fails)."""
    def hook(cell, cell_index, execute_reply) -> None:  # noqa: ARG001 - nbclient's signature
        ok = ((execute_reply or {}).get("content") or {}).get("status") == "ok"
        if ok and ARTIFACTS_TAG in (cell.get("metadata") or {}).get("tags", []):
            on_written()

    return hook


def _execute_one(nb_path: Path, out_dir: Path, parameters: dict[str, Any], title: str,
                 warm: warmkernel.WarmKernel | None = None,
                 on_artifacts: Callable[[], None] | None = None,
                 on_kernel_ended: Callable[[], None] | None = None) -> NotebookRun:
    import nbformat
    import papermill as pm

    from coaching_roi.nbengine import ENGINE_NAME

    run = NotebookRun(notebook=nb_path.stem)
    hooks = {"on_cell_executed": _artifacts_hook(on_artifacts)} if on_artifacts is not None else {}
    out_nb = out_dir / f"{nb_path.stem}.ipynb"
    t0 = time.perf_counter()
    km = warm.take() if warm is not None else None
    t_kernel = time.perf_counter()
    if warm is not None and warm.start_seconds is not None:
        # kernel_start: its kernel's start and imports (mostly while earlier notebooks ran); kernel_wait: the
        # part of it this notebook waited for; execute: papermill; page: the HTML page.
        run.phases = {"kernel_start": warm.start_seconds, "kernel_wait": t_kernel - t0}
    try:
        nb = pm.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=parameters,
            kernel_name="python3",
            engine_name=ENGINE_NAME,  # papermill's nbclient engine, saving the notebook less often
            progress_bar=False,
            log_output=False,
            cwd=str(nb_path.parent),
            execution_timeout=CELL_TIMEOUT_S,
            start_timeout=120,
            # The kernel's start-up warnings (e.g. TCP transport on localhost) are noise for the
            # analyst; errors still show.
            extra_arguments=warmkernel.KERNEL_ARGS,
            kernel_manager_class=kernels.tracked_manager_class(),
            **({"km": km} if km is not None else {}),
            **hooks,
        )
    except Exception as exc:  # noqa: BLE001 - reported to the person with the saved notebook
        run.status = "failed"
        run.seconds = time.perf_counter() - t0
        run.error = _failure_message(nb_path.stem, exc, out_nb)
        run.ipynb = out_nb.name
        return run
    finally:
        if warm is not None:
            warm.end_now()  # papermill leaves a kernel it did not start running: it ends before dependents start
    t_executed = time.perf_counter()
    if on_kernel_ended is not None:
        on_kernel_ended()
    html_path = out_dir / f"{nb_path.stem}.html"
    notebook_to_html(nbformat.from_dict(nb), html_path, title=title)
    t_end = time.perf_counter()
    run.status = "ok"
    run.seconds = t_end - t0
    run.phases |= {"execute": t_executed - t_kernel, "page": t_end - t_executed}
    run.html = html_path.name
    run.ipynb = out_nb.name
    return run


def _early_kernels(cfg: config.Config, notebooks: list[Path], previous: dict[str, dict[str, Any]], *, force: bool,
                   only: list[str] | None, n_jobs: int) -> dict[str, warmkernel.WarmKernel]:
    """Start at once the kernels of the notebooks that will surely run (``--force``, no earlier record, or a
    changed notebook file, code, package or params section it reads: :func:`reuse.surely_runs`), at most
    ``n_jobs``, so they start and import while the runner hashes inputs and copies what it reuses."""
    if only:
        return {}
    out: dict[str, warmkernel.WarmKernel] = {}
    for nb in notebooks:
        if len(out) >= max(1, n_jobs):
            break
        if force or reuse.surely_runs(cfg, nb.stem, nb, previous.get(nb.stem)):
            out[nb.stem] = warmkernel.WarmKernel(nb, kernels.tracked_manager_class())
    return out


class Scheduler:
    """Runs the notebooks of one run in dependency order: reuses what is unchanged, executes the rest."""

    def __init__(self, staging: Path, final: Path, cfg: config.Config, notebooks: list[Path], parameters: dict[str, Any],
                 n_jobs: int, progress: Callable[[str], None], previous: dict[str, dict[str, Any]], force: str | None,
                 t_start: float, warm: dict[str, warmkernel.WarmKernel] | None = None,
                 memory_gb: float = memory.DEFAULT_BUDGET_GB) -> None:
        self.staging, self.final, self.cfg, self.parameters = staging, final, cfg, parameters
        self.stems = [p.stem for p in notebooks]
        self.by_stem = {p.stem: p for p in notebooks}
        self.deps = _dependencies(self.stems)
        self.n_jobs, self.progress, self.previous, self.force = n_jobs, progress, previous, force
        self.runs: dict[str, NotebookRun] = {s: NotebookRun(notebook=s) for s in self.stems}
        self.clock = progress_mod.Clock(self.deps, {s: (r.get("run_seconds") or r.get("seconds"))
                                                    for s, r in previous.items()}, t_start=t_start)
        self.copied: set[str] = set()  # files placed by reuse (no notebook's output in this run)
        self.snaps: dict[str, dict] = {}
        self.overlap: dict[str, set[str]] = {s: set() for s in self.stems}
        self.results: queue.Queue[NotebookRun | ArtifactsWritten | KernelEnded] = queue.Queue()
        # Running notebooks whose artifacts are final: their artifact files -> SHA-256 at that moment.
        self.artifacts_final: dict[str, dict[str, str]] = {}
        self.early: set[str] = set()  # notebooks started before every notebook they depend on finished
        self.memory_gb = memory_gb
        self.warm: dict[str, warmkernel.WarmKernel] = dict(warm or {})
        self.executing = False  # has a notebook started executing (the HTML exporter is then built meanwhile)
        self.kernel_of: dict[str, warmkernel.WarmKernel] = {}  # running notebooks' kernels
        self.lowered: set[str] = set()  # notebooks run at a lower CPU priority (off the critical path)
        self.expected = {s: float(self.clock.previous.get(s) or priority.TYPICAL_SECONDS.get(s, 0.0)) for s in self.stems}

    def _prewarm(self, pending: list[str], running: set[str], done: set[str]) -> None:
        """Start the kernels of notebooks that wait only for running ones (at most ``n_jobs`` at once)."""
        if self.n_jobs < 2:
            return
        for stem in pending:
            if len(self.warm) >= self.n_jobs:
                return
            deps = self.deps[stem]
            if stem not in self.warm and deps <= done | running and deps & running:
                self.warm[stem] = warmkernel.WarmKernel(self.by_stem[stem], kernels.tracked_manager_class())

    def _drop_warm(self, stem: str) -> None:
        warm = self.warm.pop(stem, None)
        if warm is not None:
            warm.shutdown_later()

    def _ready(self, stem: str, done: set[str], running: set[str]) -> bool:
        """Whether ``stem`` can start: each notebook it depends on finished; or ``stem`` reads only their
        artifacts, they have written them, notebooks run side by side, and the run's memory leaves room
        for one more notebook started early (:func:`memory.room_for`)."""
        deps = self.deps[stem]
        if deps <= done:
            return True
        if stem not in READS_ONLY_ARTIFACTS or self.n_jobs < 2 or not deps <= done | self.artifacts_final.keys():
            return False
        use = memory.usage(kernels.live_pids())
        return memory.room_for(use, len(self.early & running) + 1, self.memory_gb)

    def _busy(self, running: set[str]) -> int:
        """Notebooks holding a place: one past its artifacts runs only the rest of its page meanwhile."""
        return len(running - self.artifacts_final.keys()) if self.n_jobs > 1 else len(running)

    def _upstream(self, stem: str) -> dict[str, dict[str, str]]:
        """What ``stem`` reads of each notebook it depends on (file -> SHA-256), for its reuse decision."""
        out = {}
        for d in self.deps[stem]:
            outs = self.runs[d].outputs if self.runs[d].status == "ok" else self.artifacts_final.get(d, {})
            out[d] = reuse.artifact_outputs(outs) if stem in READS_ONLY_ARTIFACTS else outs
        return out

    def _artifacts_written(self, stem: str) -> None:
        if stem in self.artifacts_final:  # a second tagged cell: the first one's artifacts are what others read
            return
        rels = reuse.written_by(stem, self.snaps[stem], reuse.snapshot(self.staging), exclude=self.copied,
                                others=self.overlap[stem])
        self.artifacts_final[stem] = reuse.artifact_outputs(reuse.hash_outputs(self.staging, rels))

    def _reuse_or_start(self, stem: str, running: set[str]) -> bool:
        """Reuse ``stem``'s earlier outputs (True) or start executing it (False)."""
        upstream = self._upstream(stem)
        comp, never = reuse.components(self.cfg, stem, self.by_stem[stem], upstream, self.cfg.compare_to)
        prev = self.previous.get(stem)
        why = reuse.decide(comp, never, prev, self.final, force=self.force)
        if why is None and prev is not None:
            reuse.copy_outputs(prev["outputs"], self.final, self.staging)
            self.copied |= set(prev["outputs"])
            from coaching_roi import findings

            findings.rebuild(self.staging, quarter=self.cfg.quarter)
            self.runs[stem] = NotebookRun(
                notebook=stem, status="ok", seconds=0.0, html=prev.get("html"), ipynb=prev.get("ipynb"), action="reused",
                why="nothing it reads changed since the last complete run",
                run_seconds=prev.get("run_seconds") or prev.get("seconds"), inputs=comp, outputs=dict(prev["outputs"]))
            self.clock.finished(stem)
            self._drop_warm(stem)
            return True
        self.runs[stem] = NotebookRun(notebook=stem, why=why, inputs=comp)
        self.snaps[stem] = reuse.snapshot(self.staging)
        for other in running:
            self.overlap[other].add(stem)
            self.overlap[stem].add(other)
        self.clock.started(stem)
        warm = self.warm.pop(stem, None) or warmkernel.WarmKernel(self.by_stem[stem], kernels.tracked_manager_class())
        if not self.executing:
            self.executing = True
            _import_executors()  # here, in the main thread: a run that reuses every notebook never loads them
            threading.Thread(target=render.prepare_exporter, name="html-exporter", daemon=True).start()
        self.kernel_of[stem] = warm
        threading.Thread(target=self._work, args=(stem, warm), name=f"notebook-{stem}", daemon=True).start()
        return False

    def _prioritise(self, running: set[str], done: set[str]) -> None:
        """Lower the CPU priority of running notebooks off the critical path (:mod:`coaching_roi.priority`)."""
        now = time.perf_counter()
        left = {s: max(self.expected[s] - (now - self.clock.started_at.get(s, now)), 0.0) for s in running}
        for stem in priority.off_critical_path(running, self.deps, self.expected, started=running | done,
                                               left=left) - self.lowered:
            kernel = self.kernel_of.get(stem)
            if kernel is not None:
                kernel.lower_priority()
                self.lowered.add(stem)

    def _work(self, stem: str, warm: warmkernel.WarmKernel | None) -> None:
        try:
            self.results.put(_execute_one(self.by_stem[stem], self.staging, self.parameters, NOTEBOOK_TITLES.get(stem, stem),
                                          warm, on_artifacts=lambda: self.results.put(ArtifactsWritten(stem)),
                                          on_kernel_ended=lambda: self.results.put(KernelEnded(stem))))
        except BaseException as exc:  # noqa: BLE001 - reported as this notebook's failure
            self.results.put(NotebookRun(notebook=stem, status="failed", error=f"Notebook {stem} could not run: {exc!r}"))

    def _finish(self, result: NotebookRun) -> None:
        stem = result.notebook
        planned = self.runs[stem]
        result.why, result.inputs, result.run_seconds = planned.why, planned.inputs, result.seconds
        if result.status == "ok":
            rels = reuse.written_by(stem, self.snaps.pop(stem), reuse.snapshot(self.staging), exclude=self.copied,
                                    others=self.overlap[stem])
            result.outputs = reuse.hash_outputs(self.staging, rels | {r for r in (result.html, result.ipynb) if r})
            early = self.artifacts_final.get(stem)
            if early is not None and reuse.artifact_outputs(result.outputs) != early:
                result.status = "failed"
                result.error = (f"Notebook {stem} wrote artifacts after its cell tagged {ARTIFACTS_TAG!r}, so notebooks "
                                "that started on its artifacts may have read unfinished ones. Fix: tag the cell after "
                                "the last one that writes to data/.")
        self.artifacts_final.pop(stem, None)
        self.runs[stem] = result
        self.clock.finished(stem)

    def run(self) -> NotebookRun | None:
        """Run everything; return the first failed notebook's run (None when all succeeded)."""
        done: set[str] = set()
        failed: NotebookRun | None = None
        pending = list(self.stems)
        running: set[str] = set()
        while pending or running:
            progressed = True
            while failed is None and progressed:
                progressed = False
                for stem in list(pending):
                    if self._busy(running) >= self.n_jobs:
                        break
                    if self._ready(stem, done, running):
                        pending.remove(stem)
                        if not self.deps[stem] <= done:
                            self.early.add(stem)
                        if self._reuse_or_start(stem, running):
                            done.add(stem)
                            self.progress(f"  ↺ {stem} reused: unchanged{self.clock.text()}")
                            progressed = True  # a reused notebook can make later ones ready at once
                        else:
                            running.add(stem)
                            why = self.runs[stem].why
                            self.progress(f"  ▶ {stem} …" + (f" (runs because {why})" if why and self.previous else ""))
            if not running:
                break
            if failed is None:
                self._prioritise(running, done)
                self._prewarm(pending, running, done)
            result = self.results.get()
            if isinstance(result, ArtifactsWritten):
                self._artifacts_written(result.notebook)
                continue
            if isinstance(result, KernelEnded):  # its memory is free: a notebook held back may start
                continue
            running.discard(result.notebook)
            self._finish(result)
            if result.status == "ok":
                done.add(result.notebook)
                self.progress(f"  ✓ {result.notebook} ({result.seconds:.1f} s){self.clock.text()}")
            else:
                self.progress(f"  ✗ {result.notebook} failed ({(result.seconds or 0):.1f} s)")
                failed = failed or result
        for stem in pending:
            self.runs[stem].status = "not run (an earlier notebook failed)"
        for stem in list(self.warm):
            self._drop_warm(stem)
        return failed

