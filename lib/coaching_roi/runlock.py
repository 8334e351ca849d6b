"""One run per name at a time, and run folders that are never left half-replaced.

* :class:`RunLock` holds an exclusive ``flock`` on ``<outputs>/.<name>.lock`` for the whole run. A
  second run of the same name fails at once with who holds it (or waits, ``wait`` seconds). The
  operating system drops the lock when the process dies, however it dies.
* :class:`RunFolders` owns the folders of one run name beside each other: the final folder, a
  staging folder ``.<name>.partial-<id>`` the notebooks write into, ``<name>.failed`` and (while
  swapping) ``.<name>.previous``. It only ever deletes or replaces folders that carry the workbook's
  marker or manifest, never follows a symbolic link, and cleans up what a killed run left behind.
* The swap into place is one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames,
  and a run killed between them is repaired by the next run (the previous outputs are restored).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coaching_roi import safety
from coaching_roi.errors import WorkbookError


class RunLock:
    """An exclusive lock on one run name (a lock file beside the run folder)."""

    def __init__(self, final: Path, *, wait: float = 0.0, progress: Callable[[str], None] = print,
                 what: str = "") -> None:
        self.final = final
        self.path = final.parent / f".{final.name}.lock"
        self.wait = max(0.0, float(wait or 0))
        self.progress = progress
        self.what = what
        self._fd: int | None = None

    def holder(self) -> str:
        """Who holds the lock, as recorded in the lock file (best effort)."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return "another process"
        bits = [f"pid {info['pid']}" if "pid" in info else None,
                f"started {info['started_utc']}" if "started_utc" in info else None,
                str(info["what"]) if info.get("what") else None]
        return ", ".join(b for b in bits if b) or "another process"

    def acquire(self) -> RunLock:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_symlink():
            raise WorkbookError(f"{self.path} is a symbolic link; remove it (the workbook never follows one).")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
            if time.monotonic() >= deadline:
                os.close(fd)
                waited = f" after waiting {self.wait:.0f} s" if self.wait else ""
                raise WorkbookError(
                    f"Another run named '{self.final.name}' is in progress ({self.holder()}){waited}; "
                    f"its outputs go to {self.final}. Fix: wait for it to finish, or run again with "
                    "--wait SECONDS to queue behind it (two runs of one name never write at once)."
                )
            if not told:
                self.progress(f"Waiting for the other run named '{self.final.name}' to finish ({self.holder()}) …")
                told = True
            time.sleep(0.2)
        info = {"pid": os.getpid(), "started_utc": datetime.now(UTC).isoformat(timespec="seconds"), "what": self.what}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


# ----------------------------------------------------------------------------------- swapping
def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@dataclass
class RunFolders:
    """The folders of one run name: final, staging, failed and previous (all siblings)."""

    final: Path
    progress: Callable[[str], None] = print

    def __post_init__(self) -> None:
        parent, name = self.final.parent, self.final.name
        self.failed = parent / f"{name}.failed"
        self.previous = parent / f".{name}.previous"
        self.staging = parent / f".{name}.partial-{secrets.token_hex(4)}"

    def leftovers(self) -> list[Path]:
        """Staging folders of earlier runs of this name (killed or crashed before cleaning up)."""
        return sorted(self.final.parent.glob(f".{self.final.name}.partial*"))

    def _ours(self, path: Path, what: str) -> None:
        if path.is_symlink():
            raise WorkbookError(
                f"{what} {path} is a symbolic link; the workbook never follows or replaces one. "
                "Fix: remove the link."
            )
        if path.exists() and not safety.is_workbook_dir(path):
            raise WorkbookError(
                f"{what} {path} exists but was not made by the workbook (no {safety.MARKER} or run manifest "
                "in it), so it is left alone. Fix: move it away, or choose another run name or --out."
            )

    def check(self, *, copy_final: bool) -> None:
        """Before anything is written: every folder this run may replace or delete must be ours."""
        self._ours(self.final, "The run folder")
        self._ours(self.failed, "The failed-run folder")
        self._ours(self.previous, "The folder")
        for p in self.leftovers():
            self._ours(p, "The staging folder")
        if copy_final and self.final.exists():
            safety.refuse_symlinks(self.final, "The run folder")

    def recover(self) -> None:
        """Repair what a killed run left: restore interrupted swaps, delete stale staging folders."""
        if self.previous.exists():
            if self.final.exists():
                shutil.rmtree(self.previous)
            else:
                os.replace(self.previous, self.final)
                self.progress(f"Restored {self.final} (an earlier run was stopped while replacing it).")
        for p in self.leftovers():
            shutil.rmtree(p)
            self.progress(f"Removed {p.name}, left behind by an earlier run that was stopped.")

    def make_staging(self, name: str, *, copy_final: bool) -> Path:
        self.staging.mkdir(parents=True)
        if copy_final and self.final.exists():
            # A partial re-run builds on the earlier notebooks' artifacts of the last complete run.
            shutil.copytree(self.final, self.staging, dirs_exist_ok=True, symlinks=True)
        safety.write_marker(self.staging, name)
        return self.staging

    def discard_staging(self) -> None:
        if self.staging.exists() and not self.staging.is_symlink():
            shutil.rmtree(self.staging, ignore_errors=True)

    def keep_as_failed(self) -> Path:
        if self.failed.exists():
            shutil.rmtree(self.failed)
        os.replace(self.staging, self.failed)
        return self.failed

    def swap_into_place(self) -> None:
        """Put the staging folder in place of the final one; the old outputs are deleted afterwards.

        SIGINT/SIGTERM/SIGHUP are held back while the folders move (they act right after)."""
        held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            self._swap()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def _swap(self) -> None:
        if not self.final.exists():
            os.replace(self.staging, self.final)
            return
        if _exchange(self.staging, self.final):
            shutil.rmtree(self.staging)  # now holds the old outputs
            return
        if self.previous.exists():
            shutil.rmtree(self.previous)
        os.replace(self.final, self.previous)
        os.replace(self.staging, self.final)
        shutil.rmtree(self.previous)
