"""Synthetic coached teams at the rep level, to check that layer 3 (:mod:`coaching_roi.effects.outcome_fit`) is calibrated.

:func:`simulate_points` draws one team's rep points (the frame :func:`outcome_points.rep_points` returns)
with a planted per-point effect on win rate and on deal cycle, and the mechanisms that can fool a
rep-level slope:

* deal-count noise: each rep closes a Poisson number of deals a quarter (rep means 4-24), so win
  rates of small reps swing widely;
* score measurement noise: a quarter-mean score is the mean of noisy weekly scores;
* selection into coaching on low scores (``select_low``): coached reps are the lowest-scoring half of
  a pool in the quarter before, so their score change carries regression to the mean;
* coaching that lifts behavior (``lift`` points on ``lands`` of the reps) whether or not behavior
  moves wins (``per_point`` = 0 is "behaviors do not move wins");
* drift common to coached reps (``drift``: every coached rep's win rate moves the same);
* per-rep heterogeneity of the effect (``slope_sd``).

:func:`calibrate` fits many teams and returns coverage of the planted effect and the share of
positive / negative verdicts. Run ``python -m coaching_roi.effects.outcome_sim`` for the figures in
docs/METHODS.md.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from coaching_roi import verdict
from coaching_roi.effects import outcome_fit, outcome_points

SCENARIOS: dict[str, dict[str, float]] = {
    "no effect": dict(per_point=0.0, lift=0.0, cycle_per_point=0.0),
    "lift, no win effect": dict(per_point=0.0, lift=1.5, cycle_per_point=0.0),
    "lift, no win effect, common drift": dict(per_point=0.0, lift=1.5, drift=0.06, cycle_per_point=0.0),
    "effect 4 pp/point": dict(per_point=0.04, lift=1.5, cycle_per_point=3.0),
    "effect 8 pp/point": dict(per_point=0.08, lift=1.5, cycle_per_point=6.0),
}


def simulate_points(rng: np.random.Generator, n_coached: int, *, per_point: float = 0.0, lift: float = 1.5,
                    lands: float = 0.75, cycle_per_point: float = 0.0, drift: float = 0.0, select_low: bool = True,
                    slope_sd: float = 0.01, base_rate: float = 0.3, weeks: int = 12, week_sd: float = 0.8,
                    cycle_days: float = 45.0, cycle_sd: float = 25.0) -> pd.DataFrame:
    """One team's rep points at lag 1 (columns of :data:`outcome_link.POINT_COLUMNS`)."""
    pool = 2 * n_coached if select_low else n_coached
    skill = rng.normal(5.2, 1.1, pool)
    before_obs = skill + rng.normal(0, week_sd, (pool, weeks)).mean(1)
    idx = np.argsort(before_obs)[:n_coached] if select_low else np.arange(pool)
    skill, score_before = skill[idx], before_obs[idx]
    gain = np.where(rng.random(n_coached) < lands, lift * rng.uniform(0.6, 1.0, n_coached), 0.0)
    score_after = skill + gain + rng.normal(0, week_sd, (n_coached, weeks)).mean(1)
    # wins and cycle: the planted per-point effect acts on the TRUE gain (not on the noisy scores)
    p0 = np.clip(base_rate + rng.normal(0, 0.06, n_coached), 0.05, 0.9)
    slope_i = per_point + rng.normal(0, slope_sd, n_coached) * (per_point != 0)
    p1 = np.clip(p0 + drift + slope_i * gain, 0.01, 0.99)
    m = rng.uniform(4, 24, n_coached)
    nb, na = np.maximum(rng.poisson(m), 1), np.maximum(rng.poisson(m), 1)
    wb, wa = rng.binomial(nb, p0), rng.binomial(na, p1)
    c0 = cycle_days + rng.normal(0, 6, n_coached)
    c1 = c0 - cycle_per_point * gain
    cb = c0 + rng.normal(0, cycle_sd, n_coached) / np.sqrt(nb)
    ca = c1 + rng.normal(0, cycle_sd, n_coached) / np.sqrt(na)
    return pd.DataFrame({
        "rep_id": [f"r{i}" for i in range(n_coached)], "behavior": "x", "lag_quarters": 1, "q_e": "2026Q1",
        "target_quarter": "2026Q2", "score_before": score_before, "score_after": score_after,
        "behavior_change": score_after - score_before, "win_rate_before": wb / nb, "win_rate_after": wa / na,
        "win_rate_change": wa / na - wb / nb, "n_won_before": wb, "n_won_after": wa, "n_deals_before": nb,
        "n_deals_after": na, "cycle_days_before": cb, "cycle_days_after": ca, "cycle_change": cb - ca,
        "cycle_var_before": np.full(n_coached, cycle_sd ** 2), "cycle_var_after": np.full(n_coached, cycle_sd ** 2),
    })[outcome_points.POINT_COLUMNS]


def calibrate(n_coached: int, scenario: str, *, n_teams: int = 100, seed: int = 0, level: float = 0.95,
              outcome: str = "win_rate") -> dict[str, float]:
    """Coverage of the planted per-point effect and verdict shares over ``n_teams`` simulated teams."""
    params = dict(SCENARIOS[scenario])
    truth = params["per_point"] if outcome == "win_rate" else params["cycle_per_point"]
    rng = np.random.default_rng([seed, n_coached, sorted(SCENARIOS).index(scenario)])
    policy = verdict.Policy(level=level, min_n={"coached reps": 1})
    hits = pos = neg = fitted = 0
    y = outcome_points.OUTCOMES[outcome]["y"]
    for _ in range(n_teams):
        p = simulate_points(rng, n_coached, **params)
        f = outcome_fit.fit_link(p["behavior_change"].to_numpy(), p[y].to_numpy(), outcome_points.sampling_var(p, outcome), level=level)
        if not np.isfinite(f.value):
            continue
        fitted += 1
        hits += f.ci_low <= truth <= f.ci_high
        v = verdict.decide(f.value, f.ci_low, f.ci_high, f.n, "coached reps", policy=policy)
        pos += v == "positive"
        neg += v == "negative"
    k = max(fitted, 1)
    return {"n_coached": n_coached, "scenario": scenario, "outcome": outcome, "teams": fitted,
            "coverage": hits / k, "positive": pos / k, "negative": neg / k}


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - the documented figures
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20260701)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 6, 10, 20, 30])
    a = ap.parse_args(argv)
    rows = [calibrate(n, s, n_teams=a.teams, seed=a.seed, outcome=o)
            for o in ("win_rate", "cycle") for s in SCENARIOS for n in a.sizes]
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":  # pragma: no cover
    main()
