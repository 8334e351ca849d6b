"""Kernels a run starts, tracked so a stopped run can end them and shut down without a stray interrupt;
and the signals (SIGTERM, SIGHUP) that stop a run cleanly."""

from __future__ import annotations

import atexit
import os
import signal
import stat
import tempfile
import threading
import uuid
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


_SOCKET_DIR: dict[int, str] = {}  # process id -> the folder of its kernels' sockets
_SOCKET_DIR_LOCK = threading.Lock()
SOCKET_PATH_MAX = 100  # a Unix socket's path: at most 107 bytes on Linux, 103 on macOS
_SOCKET_DIR_PREFIX = "coaching-roi-kernels-"


def socket_prefix() -> str | None:
    """A fresh path prefix for one kernel's five Unix sockets (``<prefix>-1`` … ``-5``) in a folder of this
    process's own, or None where a kernel must use TCP (Windows; a temporary folder too deep for a socket).

    With TCP, jupyter_client picks five free ports, releases them and writes them into the kernel's connection
    file; the kernel binds them a second or so later, once Python has started. Any process on the machine
    may take one of those ports in between (another kernel, or any outgoing connection's local port): the
    kernel then fails to bind it and prints a traceback into the person's terminal ("Address already in
    use", seen once in CI on the heartbeat port). A socket file in a folder only this process writes to
    cannot be taken."""
    longest = os.path.join(tempfile.gettempdir(), _SOCKET_DIR_PREFIX + "x" * 8, "x" * 12 + "-5")
    if os.name == "nt" or len(longest) > SOCKET_PATH_MAX:
        return None
    pid = os.getpid()
    with _SOCKET_DIR_LOCK:
        folder = _SOCKET_DIR.get(pid)
        if folder is None:
            folder = tempfile.mkdtemp(prefix=_SOCKET_DIR_PREFIX)  # new, private (0700), ours
            _SOCKET_DIR[pid] = folder
    return os.path.join(folder, uuid.uuid4().hex[:12])


def remove_socket_dir() -> None:
    """Remove the folder :func:`socket_prefix` made for this process, once its kernels have gone (at exit;
    the ``coaching-roi`` command calls it itself as it leaves without the interpreter's exit handlers): only
    the sockets in it (a kernel that was killed leaves its own), then the folder if that left it empty."""
    with _SOCKET_DIR_LOCK:
        folder = _SOCKET_DIR.pop(os.getpid(), None)  # a forked child's parent's folder is not its own
    if folder is None:
        return
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if stat.S_ISSOCK(entry.stat(follow_symlinks=False).st_mode):
                    os.unlink(entry.path)
        os.rmdir(folder)
    except OSError:
        pass


atexit.register(remove_socket_dir)


def tracked_manager_class():
    """A kernel manager that registers its kernel, so a stopped run can end the kernels it started."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        def __init__(self, *a, **kw) -> None:
            super().__init__(*a, **kw)
            self._run_clients: list = []
            prefix = socket_prefix()
            if prefix is not None:  # Unix sockets, not TCP ports another process could take first
                self.cache_ports = False
                self.transport = "ipc"
                self.ip = prefix

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
