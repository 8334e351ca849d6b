"""Kernels a run starts, tracked so a stopped run can end them and shut down without a stray interrupt;
and the signals (SIGTERM, SIGHUP) that stop a run cleanly."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

_LIVE_KERNELS: set = set()

ALLOCATOR_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "NUMPY_MADVISE_HUGEPAGE": "0",
                 "MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}
"""Memory allocation in the run's kernels (a value the person set in the environment wins).

A notebook on a large team builds and drops columns of tens of MB again and again, and every fresh
block of memory is zeroed by the operating system before use. On Linux with transparent huge pages in
``madvise`` mode (Debian's and Ubuntu's default), pyarrow's bundled mimalloc pool and numpy's huge-page
hint made that zeroing most of intake's time on a 2,000-rep team. So pyarrow uses the C library's
allocator, numpy ordinary pages, and glibc keeps blocks below 1 GB in its heap for reuse instead of
returning them to the system at once (``MALLOC_*``; other C libraries ignore these). Measured in
``docs/PERFORMANCE.md``: the 2,000-AE run from about 105 to 82–87 s, its peak from 3.2 to 3.5–3.6 GB.
Values are the same whichever allocator holds them."""


RUN_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One linear-algebra thread per process in a run (a value the person set wins).

A run keeps the cores busy itself: two notebooks at once, or a notebook and the step it hands to a second
process (:mod:`coaching_roi.background`). A math library that starts a thread per core in each of them
only makes them wait for one another: OpenBLAS threads spin while they wait for work. Measured on the
2,000-AE run (2 cores): notebook 02 took 32.2 s with OpenBLAS's default threads and 26.7 s with one, the
rest unchanged (``docs/PERFORMANCE.md``). Results are the same: OpenBLAS splits a product by rows and
columns among its threads, never a sum. Not set for JupyterLab (:func:`kernel_env` without ``run``), where
one kernel at a time may use every core."""


def kernel_env(base: dict[str, str] | None = None, *, run: bool = False) -> dict[str, str]:
    """The environment a kernel starts with: ``base`` (default ``os.environ``) plus :data:`ALLOCATOR_ENV`
    (and for a run's kernels :data:`RUN_THREAD_ENV`) where ``base`` does not set those variables."""
    env = dict(os.environ if base is None else base)
    for key, value in (ALLOCATOR_ENV | (RUN_THREAD_ENV if run else {})).items():
        env.setdefault(key, value)
    return env


def tracked_manager_class():
    """A kernel manager that registers its kernel, so a stopped run can end the kernels it started."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            self._run_clients: list = []

        def client(self, **kw):
            # Kept so :meth:`stop_clients` can stop them: nbclient stops the channels of its own client only
            # when it started the kernel itself, never on a kernel handed to it (the runner's warm kernels).
            kc = super().client(**kw)
            self._run_clients.append(kc)
            return kc

        def stop_clients(self) -> None:
            """Stop the channels of every client of this kernel that still runs them. A client left running
            keeps a heartbeat thread that pings the kernel's heartbeat port every second after the kernel has
            gone; a later kernel that happens to bind that port as its shell port then logs each ping as a
            malformed message ("DELIM not in msg_list") into the person's terminal."""
            clients, self._run_clients = self._run_clients, []
            for kc in clients:
                if kc.channels_running:
                    kc.stop_channels()

        async def start_kernel(self, **kw):  # type: ignore[override]
            kw["env"] = kernel_env(kw.get("env"), run=True)
            await super().start_kernel(**kw)
            _LIVE_KERNELS.add(self)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts (SIGINT) a kernel before asking it to shut down; a kernel still
            # busy with a message then logs "KeyboardInterrupt caught in kernel." on a run that
            # succeeded. A finished notebook's kernel has nothing to interrupt: ask it to shut down.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        async def shutdown_kernel(self, *a, **kw):  # type: ignore[override]
            _LIVE_KERNELS.discard(self)
            return await super().shutdown_kernel(*a, **kw)

    return TrackedKernelManager


def live_pids() -> list[int]:
    """Process ids of the kernels this process started that are still running."""
    pids = (getattr(getattr(km, "provisioner", None), "pid", None) for km in list(_LIVE_KERNELS))
    return [p for p in pids if p]


def kill_all() -> None:
    """End every kernel this process started (a stopped run must not leave them writing)."""
    for km in list(_LIVE_KERNELS):
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _LIVE_KERNELS.discard(km)


class RunStopped(KeyboardInterrupt):
    """The run received SIGTERM or SIGHUP (SIGINT raises KeyboardInterrupt itself)."""


@contextmanager
def stop_on_signals():
    """Turn SIGTERM/SIGHUP into an exception in the main thread so the run cleans up after itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum, frame):  # noqa: ARG001
        raise RunStopped(signal.Signals(signum).name)

    old = {s: signal.signal(s, _raise) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
