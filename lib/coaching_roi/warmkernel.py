"""Kernels started ahead of time: a notebook's kernel starts and imports its modules while the
notebooks it waits for are still running, so it begins its first cell at once when its inputs are ready.

:class:`WarmKernel` starts a kernel in the notebook's folder in a thread of its own and runs the
notebook's top-level ``import`` statements there silently (no output, no execution count: the
executed notebook is the same as with a cold kernel). The runner hands the kernel manager to
papermill and shuts the kernel down after the notebook ran (or when it is not needed after all).
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path

from coaching_roi import priority

# The kernel's start-up warnings are noise for the analyst; its input history stays in memory, as nbclient
# does for the kernels it starts (nothing written to the person's IPython history database).
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]

_CLOSING: list[tuple[threading.Thread, WarmKernel]] = []  # kernels being shut down in the background
_CLOSING_LOCK = threading.Lock()
KILL_WAIT_S = 5.0


def wait_for_shutdowns(grace: float = 0.0) -> None:
    """Wait until every kernel handed to :meth:`WarmKernel.shutdown_later` has exited, so a run leaves no
    kernel process or connection file behind. A kernel that has not exited ``grace`` seconds from now is
    killed, then waited for: by default at once, since the runner calls this when every notebook has
    finished and its files are written (a kernel then has nothing left to do or save; its history is kept
    in memory, and jupyter_client itself kills a kernel that takes more than a second to exit)."""
    deadline = time.monotonic() + grace
    while True:
        with _CLOSING_LOCK:
            if not _CLOSING:
                return
            t, warm = _CLOSING.pop()
        t.join(max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            warm.kill()
            t.join(KILL_WAIT_S)  # never hang a run on a kernel that will not go: its thread is a daemon


# Modules a notebook's library code imports on first use, inside a function (so that other callers do not
# pay for them): the warm kernel loads them too, ahead of time. A module that fails to import is skipped
# here; the notebook then meets the error itself, in its own cell.
PRELOAD: dict[str, tuple[str, ...]] = {
    "01_data_intake": ("pandas.io.formats.style",),
    "02_behavioral_scoring": ("pandas.io.formats.style", "sklearn.impute", "sklearn.linear_model",
                              "sklearn.model_selection", "sklearn.pipeline", "sklearn.preprocessing"),
    "03_cohort_comparison": ("pandas.io.formats.style",),
    "04_coaching_plan": ("pandas.io.formats.style", "openpyxl"),
    "05_qbr_slides": ("pandas.io.formats.style", "pptx", "coaching_roi.quantiles"),  # playwright: deck.pdf imports it
}


def preload_code(nb_path: Path) -> str:
    """The notebook's top-level imports (:func:`import_lines`), then its :data:`PRELOAD` modules, each
    imported without binding a name in the notebook's namespace."""
    code = import_lines(nb_path)
    modules = PRELOAD.get(Path(nb_path).stem, ())
    if modules:
        code += ("\nimport importlib as _warm_il\n"
                 f"for _warm_m in {modules!r}:\n"
                 "    try:\n        _warm_il.import_module(_warm_m)\n"
                 "    except Exception:\n        pass\n"
                 "del _warm_il, _warm_m\n")
    return code


def import_lines(nb_path: Path) -> str:
    """The top-level ``import``/``from … import`` statements of a notebook's code cells, in order."""
    cells = json.loads(Path(nb_path).read_text(encoding="utf-8")).get("cells", [])
    out: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", ""))
        try:
            tree = ast.parse(src)
        except SyntaxError:  # IPython magics: not plain Python
            continue
        out += [ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(dict.fromkeys(out))


class WarmKernel:
    """A kernel started (and its imports loaded) in a background thread."""

    def __init__(self, nb_path: Path, manager_class: type) -> None:
        self.nb_path = Path(nb_path)
        self.km = manager_class(kernel_name="python3")
        self.error: BaseException | None = None
        self._closing = False
        self._lower = False  # lower its CPU priority once started (:meth:`lower_priority`)
        self._pid: int | None = None
        self._prio_lock = threading.Lock()
        self.created = time.perf_counter()
        self.ready_at: float | None = None  # when its kernel had started and loaded its imports
        self._thread = threading.Thread(target=self._start, name=f"warm-{self.nb_path.stem}", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            asyncio.run(self._astart())
        except BaseException as exc:  # noqa: BLE001 - the notebook then runs on a kernel of its own
            self.error = exc

    async def _astart(self) -> None:
        await self.km.start_kernel(cwd=str(self.nb_path.parent), extra_arguments=KERNEL_ARGS)
        with self._prio_lock:
            self._pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
            lower = self._lower and self._pid
        if lower:
            priority.lower(self._pid)
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            code = preload_code(self.nb_path)
            if code:
                await kc.execute_interactive(code, silent=True, store_history=False, timeout=300)
            self.ready_at = time.perf_counter()
        finally:
            kc.stop_channels()

    @property
    def start_seconds(self) -> float | None:
        """Seconds from this object's creation until its kernel was ready with its imports loaded."""
        return None if self.ready_at is None else self.ready_at - self.created

    def lower_priority(self) -> None:
        """Run this kernel (and what it starts) at a lower CPU priority (:func:`priority.lower`): now when it has
        started, else as soon as it has."""
        with self._prio_lock:
            self._lower = True
            pid = self._pid
        if pid:
            priority.lower(pid)

    def take(self):
        """Wait until the kernel is ready; return its manager, or None when it could not start."""
        self._thread.join()
        if self.error is not None:
            self.shutdown()
            return None
        return self.km

    def shutdown_later(self) -> None:
        """Shut the kernel down in a thread of its own (a kernel takes ~0.7 s to exit): the next notebook
        need not wait for it. :func:`wait_for_shutdowns` waits for every such thread."""
        with _CLOSING_LOCK:
            if self._closing:  # once: a second shutdown of the same kernel could wait on the first forever
                return
            self._closing = True
            t = threading.Thread(target=self.shutdown, name=f"shutdown-{self.nb_path.stem}", daemon=True)
            t.start()
            _CLOSING.append((t, self))

    def kill(self) -> None:
        """Kill the kernel's process group now (it is shutting down and its notebook is done)."""
        prov = getattr(self.km, "provisioner", None)
        proc = getattr(prov, "process", None)
        if proc is None or proc.poll() is not None:
            return
        try:
            if getattr(prov, "pgid", None):
                os.killpg(prov.pgid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            pass

    def end_now(self, wait: float = KILL_WAIT_S) -> None:
        """End the kernel of a notebook that has run: kill its process group (the kernel and any background
        worker of its notebook), wait up to ``wait`` seconds until it has exited, so its memory is the
        system's again before the notebooks that wait for it start, then clean up in the background
        (:meth:`shutdown_later`). Its notebook is saved by the runner, not by the kernel, and its files are
        written: a kernel has nothing left to do. A polite shutdown of a kernel holding 2.7 GB (notebook 02
        at 2,000 AEs) took over 2 s, while notebooks 03 and 04 started: the run's peak."""
        self._thread.join()
        stop_clients = getattr(self.km, "stop_clients", None)
        if stop_clients is not None:  # papermill's client of this kernel: its channels outlive the notebook
            stop_clients()
        self.kill()
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        if proc is not None:
            try:
                proc.wait(timeout=wait)
            except Exception:  # noqa: BLE001 - a kernel that will not go is left to shutdown_later
                pass
        self.shutdown_later()

    def shutdown(self) -> None:
        """Shut the kernel down (also when it is still starting)."""
        self._thread.join()
        try:
            if self.km.has_kernel:
                asyncio.run(self.km.shutdown_kernel(now=False))
        except Exception:  # noqa: BLE001 - best effort; the run's stop handler kills what is left
            pass
