"""The command line: ``coaching-roi generate | run | demo | validate``.

Errors meant for a person (:class:`WorkbookError`) print as one message without a traceback and
exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from coaching_roi import kernels
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT, resolve_path


def _generate(out: str, seed: int, no_effect: bool, small: bool, clean: bool, no_outcome_link: bool = False) -> dict:
    from coaching_roi import demo

    size = demo.DemoSize.small() if small else demo.DemoSize()
    out_dir = resolve_path(out)
    t0 = time.perf_counter()
    what = (", no planted effects" if no_effect else
            ", coaching lifts behaviors but behaviors do not move outcomes" if no_outcome_link else "")
    print(f"Generating the demo team into {out_dir} (seed {seed}{what}) …")
    truth = demo.generate(
        out_dir,
        seed=seed,
        size=size,
        no_effect=no_effect,
        outcomes_follow_behaviors=not no_outcome_link,
        inject_errors=not clean,
        progress=lambda step: print(f"  · {step}"),
    )
    print(f"  done in {time.perf_counter() - t0:.1f} s (ground truth: {out_dir / 'truth.json'})")
    return truth


def _run(params: str, out: str | None, jobs: int | None, only: list[str] | None, wait: float = 0.0,
         force: bool = False, memory_gb: float | None = None) -> Path:
    from coaching_roi import pipeline

    result = pipeline.run(params, out_dir=out, jobs=jobs, only=only, wait=wait, force=force, memory_gb=memory_gb)
    return result.run_dir


def _positive_gb(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of GB") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the memory budget must be more than 0 GB")
    return value


def _memory_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--memory-gb", type=_positive_gb, default=None, metavar="GB",
                        help="start a notebook before the ones it reads have finished only while the run's memory "
                             "stays within this budget (default: 4)")


def _team_options(parser: argparse.ArgumentParser) -> None:
    """The demo team's scenario and size (``generate`` and ``demo`` take the same ones)."""
    eff = parser.add_mutually_exclusive_group()
    eff.add_argument("--no-effect", action="store_true", help="zero every planted effect")
    eff.add_argument("--no-outcome-link", action="store_true",
                     help="coaching lifts the coached behaviors, but behaviors do not move win rate or deal cycle")
    parser.add_argument("--small", action="store_true", help="a small team (fast tests)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="coaching-roi", description="Coaching ROI Workbook: the quarterly run.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write the demo team's CSVs and truth.json")
    g.add_argument("--out", default="data/demo", help="output folder (default: data/demo)")
    g.add_argument("--seed", type=int, default=7)
    _team_options(g)
    g.add_argument("--clean", action="store_true", help="do not inject bad rows")

    r = sub.add_parser("run", help="run every notebook for params/<name>.yaml")
    r.add_argument("params", help="the quarter file, e.g. params/2026Q3.yaml")
    r.add_argument("--out", default=None,
                   help="output folder inside outputs/, or one an earlier run made (default: outputs/<name>)")
    r.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: 2)")
    r.add_argument("--only", nargs="*", default=None, help="run only notebooks starting with these prefixes")
    r.add_argument("--force", action="store_true",
                   help="execute every notebook (default: reuse the outputs of notebooks whose inputs did not change)")
    r.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="if another run of the same name is in progress, wait up to this long (default: fail at once)")
    _memory_option(r)

    d = sub.add_parser("demo", help="generate the demo data and run the demo quarter end to end")
    d.add_argument("--seed", type=int, default=7)
    _team_options(d)
    d.add_argument("--jobs", type=int, default=None)
    d.add_argument("--wait", type=float, default=0.0, metavar="SECONDS")
    d.add_argument("--force", action="store_true", help="execute every notebook (default: reuse unchanged ones)")
    _memory_option(d)

    v = sub.add_parser("validate", help="check a params file (every key) without running anything")
    v.add_argument("params")

    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks, its kernels with the run's memory-allocation settings")
    lab.add_argument("folder", nargs="?", default=str(PROJECT_ROOT / "notebooks"))
    return p


def _lab(folder: str) -> None:
    """Replace this process with JupyterLab on ``folder``; the kernels it starts inherit
    :data:`coaching_roi.kernels.ALLOCATOR_ENV`, as the run's kernels get it."""
    from coaching_roi import kernels

    if not Path(folder).is_dir():
        raise WorkbookError(f"{folder} is not a folder: give the folder of the notebooks to open")
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", "jupyterlab", folder], kernels.kernel_env())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "generate":
            _generate(args.out, args.seed, args.no_effect, args.small, args.clean, args.no_outcome_link)
        elif args.command == "run":
            _run(args.params, args.out, args.jobs, args.only, args.wait, args.force, args.memory_gb)
        elif args.command == "demo":
            _generate("data/demo", args.seed, args.no_effect, args.small, clean=False, no_outcome_link=args.no_outcome_link)
            _run(str(PROJECT_ROOT / "params" / "demo.yaml"), None, args.jobs, None, args.wait, args.force, args.memory_gb)
        elif args.command == "lab":
            _lab(args.folder)
        elif args.command == "validate":
            from coaching_roi import config

            cfg = config.load(args.params)
            print(f"{args.params}: ok (quarter {cfg.quarter}, {cfg.quarter_start} to {cfg.quarter_end}, data in {cfg.data_dir})")
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        why = f" ({exc})" if str(exc) else ""
        print(f"interrupted{why}: the previous outputs were left as they were", file=sys.stderr)
        return 130
    return 0


def entry() -> None:
    """The ``coaching-roi`` command: :func:`main`, then leave without tearing the interpreter down (about a
    quarter of a second with pandas loaded). By then every file is written and closed and every kernel the
    run started has ended; only the output streams are left to flush."""
    code = main()
    kernels.remove_socket_dir()  # the kernels' sockets: the exit handler that would remove them does not run
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
