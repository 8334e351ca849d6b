"""The critical path gets the CPU first (coaching_roi.priority): which notebook yields, and that it does."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from standin import make_nb

from coaching_roi import priority

DEPS = {"01": set(), "02": {"01"}, "03": {"01", "02"}, "04": {"01", "02"}, "05": {"01", "02", "03", "04"}}


def test_the_notebook_on_the_shorter_chain_yields():
    expected = {"01": 4, "02": 9, "03": 8, "04": 6, "05": 2.5}
    both = {"03", "04"}
    started = {"01", "02"} | both
    assert priority.off_critical_path(both, DEPS, expected, started=started, left={"03": 8, "04": 6}) == {"04"}
    # the previous run's timings decide: here 04 took longer, so 03 yields
    assert priority.off_critical_path(both, DEPS, expected | {"04": 30}, started=started, left={"03": 8, "04": 30}) == {"03"}
    # what is left counts, not the whole: 03 nearly done
    assert priority.off_critical_path(both, DEPS, expected, started=started, left={"03": 1, "04": 6}) == {"03"}
    assert priority.off_critical_path({"02"}, DEPS, expected, started={"01", "02"}, left={}) == set()  # alone: no one yields
    # a chain counts the notebooks still to start: 02 (then 03, 05) outlasts 04 even when 04 has more left itself
    assert priority.chain_seconds("02", DEPS, expected, started={"01", "02", "04"}, left={"02": 3}) == 3 + 8 + 2.5
    assert priority.off_critical_path({"02", "04"}, DEPS, expected, started={"01", "02", "04"},
                                      left={"02": 3, "04": 6}) == {"04"}


def _autogroups() -> bool:
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled", encoding="ascii") as fh:
            return fh.read().strip() == "1"
    except OSError:
        return False


def _niceness(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="process priorities are a Unix feature")
def test_lower_reaches_the_kernel_and_the_processes_it_starts():
    code = "import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); print(p.pid, flush=True); time.sleep(60)"
    leader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        child = int(leader.stdout.readline())
        before = _niceness(leader.pid)
        assert priority.lower(leader.pid)
        assert _niceness(leader.pid) == max(before, priority.NICE) and _niceness(child) == max(before, priority.NICE)
        if _autogroups():  # the kernel ranks each session as one group: its group yields too
            with open(f"/proc/{leader.pid}/autogroup", encoding="ascii") as fh:
                assert fh.read().rstrip().endswith(f"nice {priority.NICE}")
    finally:
        os.killpg(leader.pid, 9)
        leader.wait()


def test_a_kernel_lowered_before_it_started_is_lowered_once_it_has(tmp_path):
    from coaching_roi import kernels, warmkernel

    nb = tmp_path / "04_x.ipynb"
    make_nb(nb, "import json\n")
    wk = warmkernel.WarmKernel(nb, kernels.tracked_manager_class())
    wk.lower_priority()  # at once: the kernel is still starting
    try:
        assert wk.take() is wk.km
        pid = wk.km.provisioner.pid
        deadline = time.monotonic() + 5
        while _niceness(pid) < priority.NICE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _niceness(pid) >= priority.NICE
    finally:
        wk.shutdown_later()
        warmkernel.wait_for_shutdowns()
