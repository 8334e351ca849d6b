"""Calibration study (not a test): do the intervals cover the planted truth, and how often is an
effect claimed that is not there?

    make calibration                                   # every section, 200 seeds at 12, 30 and 60 AEs
    .venv/bin/python benchmarks/calibration.py --sizes 60:200 --sections quartile behavior_change \
        outcome_link deal_cycle ramp money --out runs/b60      # one size, all but the win model
    .venv/bin/python benchmarks/calibration.py --sizes 30:20 --sections quartile   # one section, quick
    .venv/bin/python benchmarks/calibration.py --from-rows a/calibration_rows.csv b/calibration_rows.csv

For every team size and seed it generates one team per scenario with the demo generator
(``planted``, ``no_effect``, ``no_outcome_link``: coaching lifts behaviors, behaviors do not move
outcomes), runs the notebooks' own functions on it in-process (``coaching_roi.calibration``), and
prints one row per estimate: coverage of the planted value, share of positive verdicts per scenario
(power under planted effects), share too few; plus the headline's share of positive claims.
Fast settings that do not change the method: ``analysis.n_bootstrap`` 500 (notebooks: 2,000) and 5
repeats of the win model's cross-validation (notebooks: 20). Seeds are ``first_seed ..
first_seed + n - 1``, the same seeds in every scenario. Writes ``--out``/calibration.md (the
table), calibration_summary.csv and calibration_rows.csv (one row per team and estimate).
``--from-rows`` summarises row files of several runs into one table, newest run first: each row of
the table (team size, estimate) and scenario comes whole from the first file that has it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _one(task: tuple) -> list[dict]:
    from coaching_roi import calibration

    seed, scenario, n_aes, n_boot, win_repeats, sections = task
    try:
        return calibration.analyse_team(seed, scenario, n_aes, n_bootstrap=n_boot, sections=sections,
                                        win_repeats=win_repeats)
    except Exception as exc:  # a team that fails is reported, not silently dropped
        return [{"seed": seed, "scenario": scenario, "n_aes": n_aes, "estimate": "_error", "text": repr(exc)}]


def _init_worker() -> None:
    os.nice(5)  # a shared machine: leave the others room


def _sizes(specs: list[str]) -> list[tuple[int, int]]:
    out = []
    for s in specs:
        aes, _, n = s.partition(":")
        out.append((int(aes), int(n or 200)))
    return out


def _summarise_only(files: list[str], out: Path) -> int:
    """One table from the row files of several runs, NEWEST FIRST: each (team size, estimate row of the
    table, scenario) is taken whole from the first file that has it, so a row never mixes runs (and code
    versions); a later file only fills what the earlier ones lack."""
    from coaching_roi import calibration_table

    parts, taken, source = [], set(), []
    for f in files:
        d = pd.read_csv(f)
        d = d[d["estimate"] != "_error"]
        keys = list(zip(d["n_aes"], d["estimate"].map(calibration_table.family), d["scenario"], strict=True))
        new = set(keys) - taken
        parts.append(d[[k in new for k in keys]].assign(source=f))
        taken |= new
        source.append(f"{f}: {len(new)} (size, row, scenario) cells")
    df = pd.concat(parts, ignore_index=True).drop_duplicates(subset=["seed", "scenario", "n_aes", "estimate"])
    summary = calibration_table.summarise(df)
    table = calibration_table.markdown_table(summary)
    out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out / "calibration_summary.csv", index=False)
    df.to_csv(out / "calibration_rows.csv", index=False)
    (out / "calibration.md").write_text(table + "\n\nFrom (newest first):\n" + "\n".join(source) + "\n", encoding="utf-8")
    print(table)
    print("\n".join(source))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["30:200", "12:200", "60:200"],
                    help="AEs:seeds per scenario (default: 30:200 12:200 60:200)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--scenarios", nargs="+", default=None, help="default: all three")
    ap.add_argument("--sections", nargs="+", default=None, help="default: every section (see coaching_roi.calibration)")
    ap.add_argument("--n-bootstrap", type=int, default=500)
    ap.add_argument("--win-repeats", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--resume", action="store_true",
                    help="keep the teams already in <out>/calibration_rows.partial.csv (an interrupted run)")
    ap.add_argument("--from-rows", nargs="+", default=None, metavar="CSV",
                    help="run nothing: summarise calibration_rows.csv files of earlier runs into one table "
                         "(newest first: each size x estimate row x scenario comes whole from the first file that has it)")
    args = ap.parse_args(argv)

    from coaching_roi import calibration, calibration_table

    if args.from_rows:
        return _summarise_only(args.from_rows, Path(args.out))

    scenarios = args.scenarios or list(calibration.SCENARIOS)
    tasks = [(seed, sc, n_aes, args.n_bootstrap, args.win_repeats, args.sections)
             for n_aes, n_seeds in _sizes(args.sizes)
             for seed in range(args.first_seed, args.first_seed + n_seeds) for sc in scenarios]
    out = Path(args.out)
    partial = out / "calibration_rows.partial.csv"
    rows: list[dict] = []
    if args.resume and partial.exists():
        done_df = pd.read_csv(partial)
        done = set(zip(done_df["seed"], done_df["scenario"], done_df["n_aes"], strict=True))
        rows = done_df.to_dict("records")
        tasks = [t for t in tasks if (t[0], t[1], t[2]) not in done]
        print(f"resuming: {len(done)} teams already done", flush=True)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker, no BLAS oversubscription
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    print(f"{len(tasks)} teams on {args.jobs} worker(s): sizes {args.sizes}, scenarios {scenarios}, "
          f"n_bootstrap {args.n_bootstrap}, win-model CV repeats {args.win_repeats}", flush=True)
    t0 = time.perf_counter()
    ctx = mp.get_context("spawn")
    with ctx.Pool(args.jobs, initializer=_init_worker) as pool:
        for i, r in enumerate(pool.imap_unordered(_one, tasks, chunksize=2), 1):
            rows += r
            if i % 20 == 0 or i == len(tasks):
                print(f"  {i}/{len(tasks)} teams, {time.perf_counter() - t0:.0f} s", flush=True)
                out.mkdir(parents=True, exist_ok=True)
                pd.DataFrame(rows).to_csv(partial, index=False)  # look while it runs; --resume after a stop
    wall = time.perf_counter() - t0
    df = pd.DataFrame(rows)
    errors = df[df["estimate"] == "_error"]
    df = df[df["estimate"] != "_error"]
    summary = calibration_table.summarise(df)
    table = calibration_table.markdown_table(summary)
    out.mkdir(parents=True, exist_ok=True)
    partial.unlink(missing_ok=True)
    df.to_csv(out / "calibration_rows.csv", index=False)
    summary.to_csv(out / "calibration_summary.csv", index=False)
    cmd = "benchmarks/calibration.py " + " ".join(argv if argv is not None else sys.argv[1:])
    about = (f"Command: `{cmd.strip()}`; {len(tasks)} teams, wall time {wall / 60:.1f} min on {args.jobs} worker(s) "
             f"({os.cpu_count()} cores, {platform.machine()}), {date.today().isoformat()}; n_bootstrap "
             f"{args.n_bootstrap}, win-model CV repeats {args.win_repeats}; {len(errors)} team(s) failed.")
    (out / "calibration.md").write_text(table + "\n\n" + about + "\n", encoding="utf-8")
    print(table)
    print(about)
    for r in errors.itertuples():
        print(f"FAILED seed {r.seed} {r.scenario} {r.n_aes} AEs: {r.text}", file=sys.stderr)
    return 1 if len(errors) else 0


if __name__ == "__main__":
    sys.exit(main())
