"""Benchmark: `coaching-roi run` against the pipeline an analyst writes by hand (prints figures; not a test).

    .venv/bin/python benchmarks/bench_pipeline.py              # 3 pairs on the demo team
    .venv/bin/python benchmarks/bench_pipeline.py --pairs 1 --small

The demo team is generated once into a temporary folder. Each pair runs, back to back (the order
alternates between pairs so drift in machine load does not favour one side):

* **by hand**: ``papermill`` (CLI) per notebook into one run folder (marked as the workbook's), ``jupyter nbconvert --to html
  --no-input`` per executed notebook, and headless Chromium printing the deck HTML to PDF (notebook 05
  runs with ``report.pdf: false``, so the PDF is printed once, by the CLI);
* **workbook**: ``coaching-roi run`` into a fresh outputs folder (a first run: nothing to reuse).

After each pair, on the workbook's run folder: an **unchanged re-run**, and a re-run after a
**report-only change** (``report.title`` changed in the params file). Each line gives wall seconds,
CPU seconds (user + system, child processes included) and the peak resident memory of the whole
process tree (sampled every 0.1 s), and the machine's load average at the start. The summary gives
medians and ranges of the ratios. Nothing is asserted: machines differ; read the figures.

For the report-only re-run it also prints where notebook 05's seconds went (from ``manifest.json``:
its kernel's start and imports, papermill's execution, the HTML page) and their sum, the **floor** of a
re-run that starts a fresh kernel for the deck: even with the runner's own work (start-up, hashing,
copying, index) at zero, such a re-run cannot take less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@dataclass
class Cost:
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss_mb: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.wall + other.wall, self.cpu + other.cpu, max(self.peak_rss_mb, other.peak_rss_mb))

    def text(self) -> str:
        return f"wall {self.wall:6.1f} s  cpu {self.cpu:6.1f} s  peak RSS {self.peak_rss_mb:6.0f} MB"


def _tree_rss_mb(pid: int) -> float:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def measure(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, log: Path | None = None) -> Cost:
    """Run ``cmd``; return its wall and CPU seconds (children included) and the peak RSS of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = open(log, "ab") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = 0.0
        stop = threading.Event()

        def _sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss_mb(proc.pid))
                stop.wait(0.1)

        sampler = threading.Thread(target=_sample, daemon=True)
        sampler.start()
        rc = proc.wait()
        stop.set()
        sampler.join()
    finally:
        if log:
            out.close()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc != 0:
        raise SystemExit(f"failed ({rc}): {' '.join(map(str, cmd))}" + (f"\n  see {log}" if log else ""))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Cost(wall, cpu, peak)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def write_params(path: Path, *, data_dir: Path, name: str, report: dict | None = None) -> Path:
    overrides = {"economics": {"program_cost_usd": 200000}, "report": {"company": "Demo Co", **(report or {})}}
    path.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": name, "data_dir": str(data_dir), "overrides": overrides}),
                    encoding="utf-8")
    return path


def by_hand(tmp: Path, data_dir: Path, log: Path) -> Cost:
    """papermill CLI per notebook, nbconvert CLI per notebook, Chromium CLI for the deck PDF."""
    from coaching_roi import safety

    run_dir, nb_dir = tmp / "hand", tmp / "hand_notebooks"
    for d in (run_dir, nb_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    safety.write_marker(run_dir, "bench")  # a run folder the notebooks accept as the workbook's own
    overrides = {"economics": {"program_cost_usd": 200000}, "report": {"company": "Demo Co", "pdf": False}}
    total = Cost()
    executed = []
    for nb in NOTEBOOKS:
        out = nb_dir / nb.name
        total += measure([str(BIN / "papermill"), str(nb), str(out), "--cwd", str(nb.parent), "--no-progress-bar",
                          "-p", "quarter", "2026Q3", "-p", "name", "bench", "-p", "data_dir", str(data_dir),
                          "-p", "run_dir", str(run_dir), "-p", "interactive", "False",
                          "-y", yaml.safe_dump({"overrides": overrides})], cwd=tmp, log=log)
        executed.append(out)
    for out in executed:
        total += measure([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], cwd=tmp, log=log)
    chromium = os.environ.get("COACHING_ROI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    total += measure([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                      f"--print-to-pdf={run_dir / 'qbr_deck.pdf'}", (run_dir / "qbr_deck.html").as_uri()], cwd=tmp, log=log)
    return total


def workbook(tmp: Path, params: Path, out_root: Path, log: Path, *extra: str) -> Cost:
    env = {**os.environ, "COACHING_ROI_OUTPUTS": str(out_root)}
    return measure([str(BIN / "coaching-roi"), "run", str(params), *extra], cwd=tmp, env=env, log=log)


def deck_phases(run_dir: Path) -> dict[str, float]:
    """Notebook 05's phases in the run's manifest (kernel_start, kernel_wait, execute, page), in seconds."""
    records = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["notebooks"]
    return next((r.get("phases") or {} for r in records if r["notebook"].startswith("05_")), {})


def _spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} (range {min(xs):.2f}–{max(xs):.2f}, n={len(xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--small", action="store_true", help="the small test team instead of the demo team")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, outputs)")
    args = ap.parse_args()

    from coaching_roi import demo

    tmp = Path(tempfile.mkdtemp(prefix="bench_pipeline_"))
    log = tmp / "bench.log"
    data_dir = tmp / "data"
    demo.generate(data_dir, seed=args.seed, size=demo.DemoSize.small() if args.small else demo.DemoSize())
    print(f"bench_pipeline: {len(NOTEBOOKS)} notebooks, {'small' if args.small else 'demo'} team, "
          f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}; logs in {log}", flush=True)
    ratios, unchanged, report_only, floors = [], [], [], []
    cpu_ratios, cpu_unchanged, cpu_report = [], [], []
    try:
        for i in range(args.pairs):
            out_root = tmp / f"out{i}"
            params = write_params(tmp / "bench.yaml", data_dir=data_dir, name="bench")
            costs: dict[str, Cost] = {}
            order = ("hand", "workbook") if i % 2 == 0 else ("workbook", "hand")
            for side in order:
                at = load()
                costs[side] = by_hand(tmp, data_dir, log) if side == "hand" else workbook(tmp, params, out_root, log)
                print(f"pair {i + 1} {side:<9} {costs[side].text()}  ({at})", flush=True)
            ratio = costs["workbook"].wall / costs["hand"].wall
            ratios.append(ratio)
            cpu_ratios.append(costs["workbook"].cpu / costs["hand"].cpu)
            print(f"pair {i + 1} workbook / by hand, wall: {ratio:.2f}  (cpu: {costs['workbook'].cpu / costs['hand'].cpu:.2f})")
            at = load()
            again = workbook(tmp, params, out_root, log)
            unchanged.append(again.wall / costs["workbook"].wall)
            cpu_unchanged.append(again.cpu / costs["workbook"].cpu)
            print(f"pair {i + 1} unchanged re-run   {again.text()}  ({at})  / full run: {unchanged[-1]:.2f}")
            write_params(params, data_dir=data_dir, name="bench", report={"title": f"Coaching ROI, take {i + 2}"})
            at = load()
            rep = workbook(tmp, params, out_root, log)
            report_only.append(rep.wall / costs["workbook"].wall)
            cpu_report.append(rep.cpu / costs["workbook"].cpu)
            print(f"pair {i + 1} report-only re-run {rep.text()}  ({at})  / full run: {report_only[-1]:.2f}", flush=True)
            ph = deck_phases(out_root / "bench")
            if {"kernel_start", "execute", "page"} <= ph.keys():
                floor = ph["kernel_start"] + ph["execute"] + ph["page"]
                floors.append(floor / costs["workbook"].wall)
                print(f"pair {i + 1}   notebook 05: kernel start and imports {ph['kernel_start']:.2f} s (waited "
                      f"{ph['kernel_wait']:.2f} s), execution {ph['execute']:.2f} s, page {ph['page']:.2f} s; "
                      f"floor with a fresh kernel {floor:.2f} s / full run: {floors[-1]:.2f}", flush=True)
            shutil.rmtree(out_root, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"summary (load at the end {load()}):")
    print(f"  coaching-roi run / by hand:         wall {_spread(ratios)}; cpu {_spread(cpu_ratios)}")
    print(f"  unchanged re-run / full run:        wall {_spread(unchanged)}; cpu {_spread(cpu_unchanged)}")
    print(f"  report-only change re-run / full:   wall {_spread(report_only)}; cpu {_spread(cpu_report)}")
    if floors:
        print(f"  its floor with a fresh kernel / full: wall {_spread(floors)} (notebook 05's kernel start, execution "
              "and page; the runner's own work counted as zero)")


if __name__ == "__main__":
    main()
