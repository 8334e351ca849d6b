"""Steps a notebook hands to a second process (coaching_roi.background): same value or error wherever they
ran, a fallback when the worker dies, and no worker outliving its kernel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coaching_roi import background
from coaching_roi import scoring as sc

BIG = background.MIN_WORK


def pid_and_sum(values: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(values)


def divide(a: float, b: float) -> float:
    return a / b


def die_unless_in(pid: int) -> str:
    if os.getpid() != pid:
        os._exit(3)  # the worker dies without a word
    return "ran here"


needs_two_cores = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a second process is used only with 2+ cores")


@pytest.fixture(autouse=True)
def _switched_on(monkeypatch):
    monkeypatch.delenv(background.ENV_SWITCH, raising=False)


@needs_two_cores
def test_a_long_step_runs_in_a_second_process_and_returns_its_value():
    job = background.submit(pid_and_sum, [1, 2, 3], work=BIG)
    assert job.in_worker
    pid, total = job.result()
    assert pid != os.getpid() and total == 6 and job.ran_in == "worker"
    assert job.result() == (pid, 6)  # asked again: the same value, no second run
    assert not job.in_worker  # the worker has exited


def test_a_short_step_or_a_switched_off_machine_runs_in_this_process(monkeypatch):
    job = background.submit(pid_and_sum, [1], work=BIG - 1)
    assert not job.in_worker and job.result() == (os.getpid(), 1) and job.ran_in == "notebook"
    monkeypatch.setenv(background.ENV_SWITCH, "0")
    job = background.submit(pid_and_sum, [2], work=BIG)
    assert not job.in_worker and job.result() == (os.getpid(), 2)


@needs_two_cores
def test_an_error_in_the_worker_is_raised_here_as_it_would_be_without_a_worker():
    job = background.submit(divide, 1.0, 0.0, work=BIG)
    assert job.in_worker
    with pytest.raises(ZeroDivisionError):
        job.result()


@needs_two_cores
def test_a_worker_that_dies_costs_time_not_the_result():
    job = background.submit(die_unless_in, os.getpid(), work=BIG)
    assert job.in_worker
    assert job.result() == "ran here" and job.ran_in == "notebook"


@needs_two_cores
def test_arguments_that_cannot_go_to_a_worker_run_the_step_here():
    job = background.submit(pid_and_sum, (v for v in [1, 2]), work=BIG)  # a generator cannot be pickled
    assert job.result() == (os.getpid(), 3) and job.ran_in == "notebook"


@needs_two_cores
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_worker_does_not_outlive_a_killed_kernel(tmp_path):
    """A kernel killed mid-step (SIGKILL: no clean-up code runs) takes its worker with it."""
    script = tmp_path / "kernel.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from coaching_roi import background
        job = background.submit(time.sleep, 120, work=background.MIN_WORK)
        print(job._proc.pid, flush=True)
        time.sleep(120)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        worker = int(proc.stdout.readline())
        os.kill(worker, 0)  # it runs
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{worker}/stat").exists() and Path(f"/proc/{worker}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return  # exited, waiting only to be reaped by init
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its killed parent")


def _double_scored(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for beh in ("a", "b", "c"):
        truth = rng.normal(5, 2, n)
        for i, t in enumerate(truth):
            rows.append((f"c{i}", beh, float(np.clip(np.round(t, 1), 0, 10)), "manager"))
            if i % 3:  # two calls in three scored by both
                rows.append((f"c{i}", beh, float(np.clip(np.round(t + rng.normal(0.2, 1), 1), 0, 10)), "ai"))
    rows.append(("c0", "d", 4.0, "manager"))
    rows.append(("c0", "d", 5.0, "ai"))  # one call only: no values, no draws
    return pd.DataFrame(rows, columns=["call_id", "behavior", "score", "scorer"])


@pytest.mark.parametrize("in_worker", [pytest.param(True, marks=needs_two_cores), False])
def test_started_agreement_is_the_agreement_table_wherever_it_ran(monkeypatch, in_worker):
    cs = _double_scored()
    kw = {"scale_min": 0, "scale_max": 10, "behaviors": ["a", "b", "c", "d", "e"], "n_boot": 300, "seed": 3}
    direct = sc.scorer_agreement(cs, scorer_a="manager", scorer_b="ai", **kw)
    monkeypatch.setattr(background, "MIN_WORK", 0 if in_worker else 10**18)
    job = sc.start_agreement(cs, **kw)
    assert (job.scorer_a, job.scorer_b, job.n_calls) == ("manager", "ai", 401)
    assert job.job.in_worker is in_worker
    pd.testing.assert_frame_equal(job.result(), direct, check_exact=True)
    assert direct["n_calls"].tolist() == [400, 400, 400, 1, 0] and direct["kappa_low"].notna().sum() == 3


def test_no_double_scored_call_starts_nothing():
    cs = _double_scored()
    assert sc.start_agreement(cs[cs["scorer"] == "manager"], scale_min=0, scale_max=10) is None
