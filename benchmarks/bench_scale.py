"""Benchmark: the full quarterly run at growing team sizes (prints figures; not a test).

    .venv/bin/python benchmarks/bench_scale.py                 # 42 and 420 reps
    .venv/bin/python benchmarks/bench_scale.py --aes 30 300 1500 --jobs 2

For each size it generates a demo team (SDRs, new hires, coached reps and managers scaled with the
AEs), runs every notebook through the runner into a temporary folder, and prints rows in, seconds per
notebook and seconds per 1,000 input rows, so near-linear scaling (or its absence) is visible.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from coaching_roi import demo, pipeline


def size_for(n_aes: int) -> demo.DemoSize:
    k = n_aes / 30
    return demo.DemoSize(
        n_aes=n_aes,
        n_sdrs=max(4, round(12 * k)),
        n_new_hires=max(4, round(8 * k)),
        n_coached_aes=max(4, round(12 * k)),
        n_coached_sdrs=max(1, round(3 * k)),
        n_managers=max(2, round(4 * k)),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aes", type=int, nargs="+", default=[30, 300])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rows = []
    for n_aes in args.aes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            size = size_for(n_aes)
            t0 = time.perf_counter()
            truth = demo.generate(tmp / "data", seed=args.seed, size=size, inject_errors=True)
            t_gen = time.perf_counter() - t0
            n_rows = sum(truth["row_counts"].values()) if "row_counts" in truth else 0
            params = tmp / "bench.yaml"
            params.write_text(yaml.safe_dump({"quarter": truth["end_quarter"], "name": "bench", "data_dir": str(tmp / "data")}))
            t0 = time.perf_counter()
            res = pipeline.run(params, out_dir=tmp / "out", outputs_root=tmp, jobs=args.jobs, progress=lambda s: None)
            t_run = time.perf_counter() - t0
            per_nb = {r.notebook[:2]: r.seconds for r in res.notebooks}
            rows.append((n_aes + size.n_sdrs, n_rows, t_gen, t_run, per_nb))
            print(
                f"reps {n_aes + size.n_sdrs:>5} | input rows {n_rows:>9,} | generate {t_gen:6.1f} s | run {t_run:6.1f} s | "
                + " ".join(f"{k}:{v:5.1f}s" for k, v in per_nb.items())
                + f" | {1000 * t_run / max(n_rows, 1):.3f} s per 1k rows",
                flush=True,
            )
    if len(rows) > 1:
        (_, n0, _, t0_, _), (_, n1, _, t1_, _) = rows[0], rows[-1]
        print(f"rows x{n1 / max(n0, 1):.1f} -> run time x{t1_ / t0_:.1f} (fixed kernel + rendering costs dominate small runs)")


if __name__ == "__main__":
    main()
