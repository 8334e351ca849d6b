"""Benchmark: the full quarterly run at growing team sizes (prints figures; not a test).

    .venv/bin/python benchmarks/bench_scale.py                     # 30, 300, 1000 and 2000 AEs
    .venv/bin/python benchmarks/bench_scale.py --aes 30 300 --jobs 2
    .venv/bin/python benchmarks/bench_scale.py --repeat 3              # 3 runs per size, medians compared

For each size it generates a demo team (SDRs, new hires, coached reps and managers scaled with the
AEs) into a temporary folder, then runs every notebook through the runner (``pipeline.run``, in a
child process of its own) and prints, per size:

* input rows, wall and CPU seconds of the run (user + system of the runner, its kernels and
  Chromium: ``RUSAGE_CHILDREN`` of the bench, so exact) and the machine's load average;
* the peak resident memory of the **whole process tree** (runner + kernels + Chromium), as the
  maximum over time of the SUM of every live process's RSS, sampled every 0.1 s with psutil (a
  per-process maximum such as ``ru_maxrss`` would miss that the kernels overlap);
* per notebook: seconds (from the runner), CPU seconds and the peak RSS of its kernel's own process tree (the
  kernel is recognised by the thread that started it: the bench's child patches the kernel
  manager to report its pid; 05's tree includes Chromium);
* CPU seconds per 1,000 input rows, and the generator's own wall and peak RSS (not in the run's
  figures; the generator must not need more memory than the run).

With ``--repeat N`` each size runs N times on the same data (fresh output folders), and the run with
the median wall stands for that size in the ratios and per-row costs: at 1,000 and 2,000 AEs single
runs differ by 2–4 s, which moves the marginal cost per 1,000 rows by a quarter.

Each size's ratio line to the smallest also gives the **wall floor**, CPU seconds ÷ cores: no schedule
can finish the run's CPU work sooner on this machine, however well the notebooks run side by side.

The figures a comparison should rest on are CPU seconds and peak RSS: wall seconds on a shared
machine follow its load. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MB = 2**20
NOTEBOOK_PREFIX = {"warm-": "warm", "notebook-": "notebook"}


def size_for(n_aes: int):
    from coaching_roi import demo

    k = n_aes / 30
    return demo.DemoSize(
        n_aes=n_aes,
        n_sdrs=max(4, round(12 * k)),
        n_new_hires=max(4, round(8 * k)),
        n_coached_aes=max(4, round(12 * k)),
        n_coached_sdrs=max(1, round(3 * k)),
        n_managers=max(2, round(4 * k)),
    )


# --- child modes: generate a team / run the quarter (each in a process of its own) -------------------


def child_generate(n_aes: int, data_dir: Path, seed: int) -> None:
    from coaching_roi import demo

    truth = demo.generate(data_dir, seed=seed, size=size_for(n_aes), inject_errors=True)
    print(json.dumps({"end_quarter": truth["end_quarter"]}))


def child_run(params: Path, out_dir: Path, outputs_root: Path, jobs: int, pid_log: Path) -> None:
    """Run the quarter; report each kernel's pid with the notebook whose thread started it."""
    from coaching_roi import kernels, pipeline

    base = kernels.tracked_manager_class
    lock = threading.Lock()

    def reporting_class():
        cls = base()

        class Reporting(cls):  # type: ignore[misc, valid-type]
            async def start_kernel(self, **kw):  # type: ignore[override]
                await super().start_kernel(**kw)
                name = threading.current_thread().name
                stem = next((name.removeprefix(p) for p in NOTEBOOK_PREFIX if name.startswith(p)), name)
                pid = getattr(self.provisioner, "pid", None)
                with lock, open(pid_log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"pid": pid, "notebook": stem}) + "\n")

        return Reporting

    kernels.tracked_manager_class = reporting_class
    res = pipeline.run(params, out_dir=out_dir, outputs_root=outputs_root, jobs=jobs, force=True, progress=lambda s: None)
    print(json.dumps({r.notebook: r.seconds for r in res.notebooks}))


# --- the parent: sample the child's process tree ---------------------------------------------------


@dataclass
class Sampled:
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    per_notebook_mb: dict[str, float] = field(default_factory=dict)
    per_notebook_cpu: dict[str, float] = field(default_factory=dict)
    stdout: str = ""


def _kernel_map(pid_log: Path | None) -> dict[int, str]:
    if pid_log is None or not pid_log.exists():
        return {}
    out = {}
    for line in pid_log.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("pid"):
            out[int(rec["pid"])] = rec["notebook"]
    return out


def measure(cmd: list[str], *, pid_log: Path | None = None, log: Path) -> Sampled:
    """Run ``cmd``; wall and CPU seconds (children included), peak RSS of the tree summed over processes."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = Sampled()
    with open(log, "ab") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                try:
                    root = psutil.Process(proc.pid)
                    procs = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    break
                rss: dict[int, int] = {}
                cpu: dict[int, float] = {}
                parents: dict[int, int] = {}
                for p in procs:
                    try:
                        with p.oneshot():
                            rss[p.pid] = p.memory_info().rss
                            t = p.cpu_times()
                            cpu[p.pid] = t.user + t.system + t.children_user + t.children_system
                            parents[p.pid] = p.ppid()
                    except psutil.NoSuchProcess:
                        pass
                res.peak_mb = max(res.peak_mb, sum(rss.values()) / MB)
                kmap = _kernel_map(pid_log)
                per: dict[str, int] = {}
                per_cpu: dict[str, float] = {}
                for pid, r in rss.items():
                    q = pid  # walk up to a kernel: its whole subtree (Chromium under 05) counts for its notebook
                    while q in parents and q not in kmap and q != proc.pid:
                        q = parents[q]
                    if q in kmap:
                        per[kmap[q]] = per.get(kmap[q], 0) + r
                        per_cpu[kmap[q]] = per_cpu.get(kmap[q], 0.0) + cpu.get(pid, 0.0)
                for nb, r in per.items():
                    res.per_notebook_mb[nb] = max(res.per_notebook_mb.get(nb, 0.0), r / MB)
                    # CPU of the kernel's tree (reaped children included): its last sample, up to 0.1 s short
                    res.per_notebook_cpu[nb] = max(res.per_notebook_cpu.get(nb, 0.0), per_cpu[nb])
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        stop.set()
        sampler.join()
    res.wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n  see {log}")
    res.stdout = out.decode().strip().splitlines()[-1]
    return res


def count_rows(data_dir: Path) -> int:
    """Data rows of every input CSV (header lines excluded; the demo writes one record per line)."""
    n = 0
    for f in sorted(data_dir.glob("*.csv")):
        with open(f, "rb") as fh:
            n += sum(1 for _ in fh) - 1
    return n


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aes", type=int, nargs="+", default=[30, 300, 1000, 2000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per size on the same data (fresh output folders); the run with the median wall "
                         "stands for the size in the ratios and per-row costs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders (logs, data, outputs)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "generate":
            child_generate(int(rest[0]), Path(rest[1]), int(rest[2]))
        else:
            child_run(Path(rest[0]), Path(rest[1]), Path(rest[2]), int(rest[3]), Path(rest[4]))
        return

    import yaml

    me = [sys.executable, str(Path(__file__).resolve())]
    print(f"bench_scale: {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}, jobs {args.jobs}, seed {args.seed}", flush=True)
    rows = []
    for n_aes in args.aes:
        tmp = Path(tempfile.mkdtemp(prefix=f"bench_scale_{n_aes}_"))
        log = tmp / "bench.log"
        size = size_for(n_aes)
        load_gen = load()
        gen = measure([*me, "--child", "generate", str(n_aes), str(tmp / "data"), str(args.seed)], log=log)
        end_quarter = json.loads(gen.stdout)["end_quarter"]
        n_rows = count_rows(tmp / "data")
        params = tmp / "bench.yaml"
        params.write_text(yaml.safe_dump({"quarter": end_quarter, "name": "bench", "data_dir": str(tmp / "data")}))
        reps = n_aes + size.n_sdrs
        runs = []
        for k in range(max(1, args.repeat)):
            out = tmp / f"out{k}"
            load_run = load()
            run = measure([*me, "--child", "run", str(params), str(out / "bench"), str(out), str(args.jobs),
                           str(tmp / f"kernels{k}.jsonl")], pid_log=tmp / f"kernels{k}.jsonl", log=log)
            load_end = load()
            per_s = json.loads(run.stdout)
            runs.append(run)
            print(f"AEs {n_aes:>5} (reps {reps:>5}) | input rows {n_rows:>10,} | run wall {run.wall:7.1f} s  cpu {run.cpu:7.1f} s"
                  f"  peak RSS (tree) {run.peak_mb:7.0f} MB | cpu per 1k rows {1000 * run.cpu / n_rows:.3f} s"
                  f"  wall per 1k rows {1000 * run.wall / n_rows:.3f} s | load {load_run} -> {load_end}", flush=True)
            print("    per notebook: " + "  ".join(
                f"{nb[:2]} {s:6.1f} s (cpu {run.per_notebook_cpu.get(nb, float('nan')):5.1f} s) "
                f"{run.per_notebook_mb.get(nb, float('nan')):5.0f} MB" for nb, s in per_s.items()), flush=True)
        run = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
        rows.append((n_aes, n_rows, run))
        if len(runs) > 1:
            print(f"    {len(runs)} runs: wall " + ", ".join(f"{r.wall:.1f}" for r in runs) + f" s (median {run.wall:.1f} s);"
                  f" peak RSS up to {max(r.peak_mb for r in runs):.0f} MB", flush=True)
        print(f"    generator: wall {gen.wall:.1f} s  cpu {gen.cpu:.1f} s  peak RSS {gen.peak_mb:.0f} MB (load {load_gen})",
              flush=True)
        if args.keep:
            print(f"    kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    if len(rows) > 1:
        base = rows[0]
        cores = os.cpu_count() or 1
        for n_aes, n_rows, run in rows[1:]:
            # No scheduling spreads the run's CPU seconds over the cores better than evenly: CPU ÷ cores is a
            # floor for its wall (hyper-threads aside), whatever runs beside what.
            print(f"{n_aes} AEs / {base[0]} AEs: rows x{n_rows / base[1]:.1f}, wall x{run.wall / base[2].wall:.1f}, "
                  f"cpu x{run.cpu / base[2].cpu:.1f}, peak RSS x{run.peak_mb / base[2].peak_mb:.1f}; wall floor "
                  f"(cpu / {cores} cores) {run.cpu / cores:.1f} s = x{run.cpu / cores / base[2].wall:.1f}")
        big = [(n, rows_, r) for n, rows_, r in rows if n >= 300]
        for what in ("wall", "cpu"):
            avg = [1000 * getattr(r, what) / rows_ for _, rows_, r in big]
            if len(avg) > 1:
                print(f"{what} per 1k rows, whole run, {big[0][0]} to {big[-1][0]} AEs: "
                      + ", ".join(f"{c:.3f}" for c in avg) + f" s (max/min {max(avg) / min(avg):.2f})")
            # The marginal cost: what each further 1,000 rows cost between consecutive sizes (the run's fixed
            # cost, the same at every size, cancels): flat when the run grows linearly with the data.
            marg = [1000 * (getattr(r1, what) - getattr(r0, what)) / (n1 - n0)
                    for (_, n0, r0), (_, n1, r1) in zip(big, big[1:], strict=False)]
            if len(marg) > 1:
                print(f"{what} per further 1k rows, " + ", ".join(
                    f"{a}→{b} AEs {c:.3f} s" for (a, _, _), (b, _, _), c in zip(big, big[1:], marg, strict=False))
                    + f" (max/min {max(marg) / min(marg):.2f})")


if __name__ == "__main__":
    main()
