"""Calibration of the win model's verdict (behavior_auc): false-positive rate and power (prints figures).

    .venv/bin/python benchmarks/win_model_calibration.py sim  --seeds 200      # generated clustered deals
    .venv/bin/python benchmarks/win_model_calibration.py demo --seeds 1 2 3 4 5 [--small] [--effect 2.0]
    .venv/bin/python benchmarks/win_model_calibration.py speed                 # bootstrap and fit timings

``sim`` fits the model (fast settings: 3 repeats, 1,000 bootstrap resamples) on
:func:`coaching_roi.scoring.win_model.simulate_deals` data with a rep effect on win rate, rep-level behavior
scores and no behavior effect, then with a planted effect, and counts positive / negative verdicts.
``demo`` runs the quarter's win-model inputs on generated demo teams (``--no-effect`` teams by default,
``--effect X`` plants X win log-odds per composite point instead) with the notebook's settings.
``speed`` times the bootstrap and the whole fit at 2,000 deals / 30 reps and 100k deals / 2,000 reps.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from coaching_roi import config, demo, scoring, verdict
from coaching_roi.scoring import win_model as wm


def _verdicts(results: list[wm.WinModelResult]) -> dict[str, int]:
    pol = verdict.Policy()
    out = {v: 0 for v in verdict.VERDICTS}
    for r in results:
        out[wm.auc_estimate(r, policy=pol)["verdict"]] += 1
    return out


def _upper95(k: int, n: int) -> float:
    """One-sided 95% Clopper-Pearson upper bound of a rate k/n."""
    from scipy import stats

    return 1.0 if k >= n else float(stats.beta.ppf(0.95, k + 1, n - k))


def run_sim(seeds: int, n_reps: int, deals_per_rep: float, effect: float) -> None:
    """Verdict counts with and without a planted effect, and how the widening compares with the spread."""
    z = 1.959963984540054
    for eff in (0.0, effect):
        t = time.perf_counter()
        res = [wm.fit_win_model(*wm.simulate_deals(s, n_reps=n_reps, deals_per_rep=deals_per_rep, behavior_effect=eff),
                                seed=s, n_repeats=3, n_boot=1000, importance_folds=0) for s in range(seeds)]
        v = _verdicts(res)
        auc = np.array([r.auc for r in res])
        widen = np.array([wm.nadeau_bengio_factor(r.n_splits) for r in res])
        raw_low = auc - (auc - np.array([r.ci_low for r in res])) / widen  # the bootstrap's own interval
        raw_high = auc + (np.array([r.ci_high for r in res]) - auc) / widen
        boot_sd = (raw_high - raw_low) / (2 * z)
        print(f"sim reps={n_reps} deals/rep={deals_per_rep:g} behavior_effect={eff:g}: {v} "
              f"(positive rate {v['positive'] / seeds:.3f}, one-sided 95% upper bound {_upper95(v['positive'], seeds):.3f}); "
              f"mean AUC {auc.mean():.3f}; seed-to-seed SD of the AUC / bootstrap SD = {auc.std(ddof=1) / boot_sd.mean():.2f}; "
              f"unwidened interval: {int((raw_low > 0.5).sum())} positive, {int((raw_high < 0.5).sum())} negative; "
              f"{time.perf_counter() - t:.0f} s", flush=True)


def demo_frame(out: Path, seed: int, *, small: bool, effect: float | None) -> tuple[pd.DataFrame | None, list[str], str | None]:
    size = demo.DemoSize.small() if small else demo.DemoSize()
    effects = None if effect is None else demo.Effects(win_logit_per_point=effect)
    demo.generate(out, seed=seed, size=size, no_effect=effect is None, effects=effects, inject_errors=False)
    calls = pd.read_csv(out / "calls.csv", parse_dates=["call_date"])
    cs = pd.read_csv(out / "call_scores.csv")
    opps = pd.read_csv(out / "opportunities.csv", parse_dates=["created_date", "close_date"])
    cfg = config.build(quarter="2026Q3", data_dir=str(out), check_paths=False)
    rub = cfg.rubric
    tables = scoring.score_tables(calls, cs, rub, min_coverage=cfg.analysis.min_composite_coverage)
    return wm.win_model_inputs(opps, tables.opportunity_scores, behaviors=rub.keys, end=cfg.quarter_bounds()[1],
                               min_deals=cfg.analysis.min_closed_deals_for_model)


def run_demo(seeds: list[int], small: bool, effect: float | None) -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in seeds:
            frame, feats, why = demo_frame(Path(tmp) / f"d{s}", s, small=small, effect=effect)
            if why:
                print(f"seed {s}: skipped ({why})")
                continue
            r = wm.fit_win_model(frame, feats, seed=20260701)
            results.append(r)
            print(f"seed {s}: AUC {r.auc:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}] deals={r.n_deals} reps={r.n_reps}", flush=True)
    kind = "no-effect" if effect is None else f"effect {effect:g}"
    print(f"demo ({'small' if small else 'full'}, {kind}), {len(results)} fitted: {_verdicts(results)}")


def run_speed() -> None:
    rng = np.random.default_rng(0)
    for n_reps, per in ((30, 67), (2000, 50)):
        frame, feats = wm.simulate_deals(1, n_reps=n_reps, deals_per_rep=per, n_behaviors=13, behavior_effect=0.3)
        y = frame["won"].to_numpy().astype(bool)
        g, _ = pd.factorize(frame["rep_id"])
        folds = rng.integers(0, 5, (20, n_reps))  # 20 repeats of 5 folds, random scores
        t = time.perf_counter()
        pairs = np.zeros((n_reps, n_reps))
        for fold_of in folds:
            for k in range(5):
                held = np.flatnonzero(fold_of == k)
                te = np.isin(g, held)
                pairs[np.ix_(held, held)] += wm.rep_pair_wins(y[te], rng.normal(size=int(te.sum())),
                                                              np.searchsorted(held, g[te]), len(held))
        t1 = time.perf_counter()
        wm.cluster_bootstrap_auc(pairs, np.bincount(g[y], minlength=n_reps).astype(float),
                                 np.bincount(g[~y], minlength=n_reps).astype(float), folds, n_boot=2000, rng=rng)
        t2 = time.perf_counter()
        r = wm.fit_win_model(frame, feats, seed=1)
        t3 = time.perf_counter()
        print(f"{len(frame):,} deals / {n_reps:,} reps: pair counts (100 folds) {t1 - t:.2f} s, bootstrap (2,000 "
              f"resamples) {t2 - t1:.2f} s, whole fit ({r.n_repeats} x {r.n_splits} folds, importance) {t3 - t2:.1f} s",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sim")
    s.add_argument("--seeds", type=int, default=200)
    s.add_argument("--reps", type=int, default=30)
    s.add_argument("--deals-per-rep", type=float, default=40.0)
    s.add_argument("--effect", type=float, default=0.5)
    d = sub.add_parser("demo")
    d.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    d.add_argument("--small", action="store_true")
    d.add_argument("--effect", type=float, default=None)
    sub.add_parser("speed")
    a = ap.parse_args()
    if a.cmd == "sim":
        run_sim(a.seeds, a.reps, a.deals_per_rep, a.effect)
    elif a.cmd == "demo":
        run_demo(a.seeds, a.small, a.effect)
    else:
        run_speed()


if __name__ == "__main__":
    main()
