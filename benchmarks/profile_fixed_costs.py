"""Where a run's fixed seconds go (prints figures; not a test).

    .venv/bin/python benchmarks/profile_fixed_costs.py [--repeat 3]

Measures, each in a fresh process where it matters (median of ``--repeat``): a kernel's start until
it answers; each notebook's import cell (``python -c`` with the same imports); the first matplotlib
figure; building nbconvert's HTML exporter and rendering one executed notebook with it; starting
headless Chromium through Playwright and printing one page; the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORTS = {
    "01_data_intake": "from coaching_roi import findings, intake, nbsupport",
    "02_behavioral_scoring": "import matplotlib.pyplot as plt; from coaching_roi import artifacts, findings, nbsupport, "
                             "scoring, verdict; from coaching_roi.plots import scoring as splots",
    "03_cohort_comparison": "import matplotlib.pyplot as plt; from coaching_roi import artifacts, cohort_report, cohorts, "
                            "effects, findings, nbsupport; from coaching_roi.plots import cohorts, effects",
    "04_coaching_plan": "import matplotlib.pyplot as plt; from coaching_roi import estimate_ids, exports, findings, "
                        "nbsupport, plan; from coaching_roi.plots import funnel",
    "05_qbr_slides": "import pandas as pd; from coaching_roi import deck, findings, nbsupport",
    "(python alone)": "pass",
    "ipykernel (kernel side)": "import ipykernel.kernelapp",
    "nbconvert HTMLExporter": "from nbconvert import HTMLExporter",
    "first figure": "import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; import io; "
                    "f, a = plt.subplots(); a.plot([1, 2]); f.savefig(io.BytesIO(), format='png')",
}


def timed(code: str) -> tuple[float, float]:
    """Wall and CPU seconds of a fresh ``python -c code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def kernel_start() -> float:
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    took = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return took


def exporter(nb_path: str | None) -> tuple[float, float]:
    import nbformat

    from coaching_roi import render

    t0 = time.perf_counter()
    exp = render._exporter()
    build = time.perf_counter() - t0
    if not nb_path:
        return build, float("nan")
    nb = nbformat.read(nb_path, as_version=4)
    t0 = time.perf_counter()
    exp.from_notebook_node(nb)
    return build, time.perf_counter() - t0


def chromium(html: str | None) -> float:
    from coaching_roi.deck.pdf import find_chromium, render_pdf

    exe = find_chromium()
    if not exe or not html:
        return float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        render_pdf(html, Path(tmp) / "deck.pdf", executable=exe)
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--run-dir", default=None, help="a finished run folder (for the HTML and PDF figures)")
    args = ap.parse_args()
    med = lambda f: statistics.median(f() for _ in range(args.repeat))  # noqa: E731
    print(f"profile_fixed_costs: {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"load {os.getloadavg()[0]:.1f}, median of {args.repeat}")
    print(f"  kernel start (until it answers)        {med(kernel_start):6.2f} s")
    for name, code in IMPORTS.items():
        runs = [timed(code) for _ in range(args.repeat)]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"  imports: {name:<30} {wall:6.2f} s wall, {cpu:5.2f} s CPU (fresh process)")
    nb = os.path.join(args.run_dir, "03_cohort_comparison.ipynb") if args.run_dir else None
    built, rendered = exporter(nb)
    print(f"  nbconvert exporter: build {built:.2f} s, render 03 {rendered:.2f} s (in-process, warm imports)")
    html = os.path.join(args.run_dir, "qbr_deck.html") if args.run_dir else None
    print(f"  Chromium start + print deck to PDF     {med(lambda: chromium(html)):6.2f} s")
    print(f"  load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
