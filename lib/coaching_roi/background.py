"""Long computations a notebook hands to a second process, so they use an idle core while the notebook
goes on with its next cells.

On a large team one step can take a notebook a quarter of a minute on one core while the machine's other
core waits (notebook 02's scorer-agreement bootstrap: about 16 s at 2,000 reps). :func:`submit` starts such
a step in a fresh Python process (``spawn``: none of the kernel's threads, sockets or open files are
inherited) as soon as its inputs exist; the notebook asks for the value where it shows it
(:meth:`Job.result`).

The value is the same wherever the step ran: the function is pure and gets the same arguments, its
random seed included. So a step runs in the notebook's own process, when its value is asked for, when
a second process would not pay for itself: a small job (``work`` below :data:`MIN_WORK`), a machine with
one core, or ``COACHING_ROI_BACKGROUND=0`` in the environment. If the second process cannot start or dies
(out of memory, killed), the step runs in the notebook's process after all, so a failure there costs time,
never the result or the error message.

The worker is the kernel's child: the runner's memory budget counts it (:mod:`coaching_roi.memory`), and it
ends with the kernel (on Linux the system kills it when the kernel exits, however the kernel ends).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

MIN_WORK = 100_000_000
"""Jobs whose ``work`` (their caller's count of elementary steps, e.g. bootstrap draws) is below this run in
the notebook's process: a worker costs about half a second of the other core to start, more than such a
job takes."""

ENV_SWITCH = "COACHING_ROI_BACKGROUND"
"""``0`` in the environment runs every job in the notebook's own process."""

_PR_SET_PDEATHSIG = 1


def enabled() -> bool:
    """Whether jobs may run in a second process: more than one core, and not switched off."""
    return (os.cpu_count() or 1) > 1 and os.environ.get(ENV_SWITCH, "1").strip() != "0"


class Job:
    """One step handed to :func:`submit`; :meth:`result` returns its value or raises its error."""

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> None:
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._proc = self._conn = self._sender = None
        self._done, self._value = False, None
        self.ran_in = "notebook"  # where the value came from: "notebook" or "worker"

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(there, os.getpid()), daemon=True, name="coaching-roi-background")
        proc.start()
        there.close()
        self._proc, self._conn = proc, here
        # The arguments go through the pipe from a thread: the notebook goes on while the worker starts.
        self._sender = threading.Thread(target=self._send, daemon=True)
        self._sender.start()

    def _send(self) -> None:
        try:
            self._conn.send((self._fn, self._args, self._kwargs))
        except BaseException:  # noqa: BLE001 - gone, or an argument that cannot be pickled: result() runs it here
            self._proc.kill()  # a worker still waiting for its arguments would wait forever

    @property
    def in_worker(self) -> bool:
        """Whether the step was started in a second process (and not yet collected)."""
        return self._proc is not None

    def result(self) -> Any:
        """The step's value (waiting for the worker if it runs there); its exception if it failed."""
        if not self._done:
            got = self._collect() if self._proc is not None else None
            self._stop_worker()
            if got is not None:
                self._value, self.ran_in = got[0], "worker"
            else:  # here: a small job, no worker, or the worker failed (its error is raised here, with a traceback)
                self._value = self._fn(*self._args, **self._kwargs)
            self._done = True
            self._fn = self._args = self._kwargs = None
        return self._value

    def _collect(self) -> tuple[Any] | None:
        """``(value,)`` from the worker, or None when it raised or died."""
        try:
            status, payload = self._conn.recv()
        except (EOFError, OSError):
            return None
        return (payload,) if status == "ok" else None

    def _stop_worker(self) -> None:
        if self._proc is None:
            return
        self._sender.join(timeout=5)
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._proc = self._conn = None


def submit(fn: Callable[..., Any], /, *args: Any, work: int, **kwargs: Any) -> Job:
    """Start ``fn(*args, **kwargs)`` in a second process when ``work`` is at least :data:`MIN_WORK` and
    :func:`enabled`; otherwise it runs when :meth:`Job.result` is called. ``fn`` must be importable by name
    (a module-level function) and its arguments picklable."""
    job = Job(fn, args, kwargs)
    if work >= MIN_WORK and enabled():
        try:
            job._start()
        except OSError:  # no process could be started here: run it in this one
            job._proc = job._conn = None
    return job


def _die_with_parent(parent: int) -> None:
    """Linux: have the system kill this process when the kernel that started it exits."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the worker ends when its pipe closes
        return
    if os.getppid() != parent:  # the kernel exited before the request took effect
        os._exit(1)


def _worker(conn, parent: int) -> None:
    _die_with_parent(parent)
    try:
        fn, args, kwargs = conn.recv()
    except (EOFError, OSError):
        return
    try:
        value = fn(*args, **kwargs)
    except BaseException:  # noqa: BLE001 — the notebook's process reruns the step and raises it there
        conn.send(("error", None))
        return
    conn.send(("ok", value))
