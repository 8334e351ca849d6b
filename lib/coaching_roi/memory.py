"""The memory a run holds, read before the runner starts a notebook early.

A notebook that reads only artifacts may start while the notebook that wrote them still draws its page
(:mod:`coaching_roi.scheduler`). On a small team that saves seconds; on a large one two big kernels at
once could outgrow a laptop. So the runner starts a notebook early only when :func:`room_for` says the
run stays within its memory budget (``coaching-roi run --memory-gb``, default :data:`DEFAULT_BUDGET_GB`):
the resident memory of the runner and its kernels now, plus, for each notebook started early and still
running (the new one included), the largest peak any kernel of this run has reached so far (a kernel
on this team's data is expected to need about as much as the heaviest one did).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_BUDGET_GB = 4.0
GB = 1024**3


def _peak_bytes(pid: int) -> int | None:
    """The process's peak resident memory (``VmHWM`` on Linux), or None where the system does not say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass(frozen=True)
class Usage:
    """Resident memory now (runner, kernels and their children) and the largest kernel peak so far, in bytes."""

    now: int
    kernel_peak: int


def usage(kernel_pids: Iterable[int]) -> Usage:
    """Read the memory of this process and of the given kernels (with their child processes)."""
    import psutil

    now = psutil.Process(os.getpid()).memory_info().rss
    peak = 0
    for pid in kernel_pids:
        try:
            proc = psutil.Process(pid)
            rss = proc.memory_info().rss
            children = proc.children(recursive=True)
        except psutil.Error:  # it exited meanwhile
            continue
        for child in children:
            try:
                now += child.memory_info().rss
            except psutil.Error:
                pass
        now += rss
        peak = max(peak, _peak_bytes(pid) or rss)
    return Usage(now=now, kernel_peak=peak)


def room_for(use: Usage, n_early: int, budget_gb: float) -> bool:
    """Whether ``n_early`` notebooks running early (the one to start included) fit in ``budget_gb``."""
    return use.now + n_early * use.kernel_peak <= budget_gb * GB
