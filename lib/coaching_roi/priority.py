"""Which of the notebooks running side by side the machine serves first: the one on the run's critical path.

Notebooks 03 and 04 start together when 02 ends, and 05 waits for both. Shared fairly, two cores give
each about one, and notebook 03 (the longer one) hands part of its work to a second process
(:mod:`coaching_roi.background`) that then competes with its own notebook for that core. The run ends when
the longest chain ends, so the runner lowers the CPU priority of a notebook that starts while another,
on a longer chain, runs: that notebook still gets every cycle the critical one leaves, and none it needs.
At 2,000 AEs on 2 cores this took notebook 03 from 27.9–30.7 s to 25.0 s, the whole run from 67 to 63 s
(``docs/PERFORMANCE.md``); results do not depend on it.

A chain's length comes from the previous run's timing of each notebook (``manifest.json``), or, for a first
run, from :data:`TYPICAL_SECONDS`. Priority is only ever lowered (raising it again needs privileges a
person's account does not have), and only for the run's own kernels, each the leader of its own process
group and session: :func:`lower` sets the group's ``nice`` value and, on Linux, its session's autogroup
``nice``, since the kernel schedules each session as a group of its own and ``nice`` alone only ranks
threads within one session. Either may fail where the system does not allow it: the run is then as fast
as before, never wrong.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

NICE = 10
"""The ``nice`` value of a notebook off the critical path: about a tenth of a core's share beside one at 0."""

TYPICAL_SECONDS = {"01_data_intake": 4.0, "02_behavioral_scoring": 9.0, "03_cohort_comparison": 8.0,
                   "04_coaching_plan": 6.0, "05_qbr_slides": 2.5}
"""Each notebook's seconds on the demo team (2 cores), for a run with no earlier timing: 03 outlasts 04 at
every size measured (30 to 2,000 AEs)."""


def chain_seconds(stem: str, deps: Mapping[str, set[str]], expected: Mapping[str, float], *, started: set[str],
                  left: Mapping[str, float]) -> float:
    """Seconds from now to the end of the longest chain through ``stem``: what is ``left`` of it, then the
    longest chain of the notebooks that wait for it and have not ``started``."""
    after = [d for d, ds in deps.items() if stem in ds and d not in started]
    tail = max((chain_seconds(d, deps, expected, started=started, left={}) for d in after), default=0.0)
    return left.get(stem, expected.get(stem, 0.0)) + tail


def off_critical_path(running: set[str], deps: Mapping[str, set[str]], expected: Mapping[str, float], *,
                      started: set[str], left: Mapping[str, float]) -> set[str]:
    """The running notebooks other than the one on the longest chain (ties: the first in name order)."""
    if len(running) < 2:
        return set()
    lengths = {s: chain_seconds(s, deps, expected, started=started, left=left) for s in running}
    top = max(sorted(running), key=lambda s: lengths[s])
    return set(running) - {top}


def lower(pid: int) -> bool:
    """Lower the CPU priority of the process group and session led by ``pid`` (a kernel this run started)
    to :data:`NICE`; True when the system accepted either."""
    done = False
    try:
        if os.getpgid(pid) == pid:  # every thread of the kernel and of what it started (its background worker)
            os.setpriority(os.PRIO_PGRP, pid, NICE)
        else:
            os.setpriority(os.PRIO_PROCESS, pid, NICE)
        done = True
    except (OSError, AttributeError):  # not allowed here, or not a Unix
        pass
    try:
        if os.getsid(pid) == pid:  # its own session: its own autogroup, which no other process shares
            with open(f"/proc/{pid}/autogroup", "w", encoding="ascii") as fh:
                fh.write(str(NICE))
            done = True
    except (OSError, AttributeError):  # no autogroups (not Linux, or switched off), or not allowed
        pass
    return done
