"""Stage conversion rates per rep and for the team, with Wilson intervals and benchmark gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import verdict
from coaching_roi.batch_intervals import wilson_intervals
from coaching_roi.funnel.stages import STAGES
from coaching_roi.stats import wilson_interval


# ------------------------------------------------------------------------------------------- rates
def _rate_rows(k: int, n: int, level: float) -> tuple[float, float, float]:
    if n <= 0:
        return (float("nan"), float("nan"), float("nan"))
    lo, hi = wilson_interval(int(k), int(n), level)
    return (k / n, lo, hi)


def stage_rates(
    counts: pd.DataFrame,
    benchmarks: dict[str, float] | object,
    *,
    level: float = 0.95,
    min_volume: int = 30,
) -> pd.DataFrame:
    """Tidy stage rates per rep: one row per (rep_id, stage) with Wilson interval and benchmark gap.

    Columns: rep_id, stage, label, k, n, rate, ci_low, ci_high, benchmark, rel_gap
    (rate / benchmark − 1), enough_volume (n ≥ min_volume), below_benchmark (enough volume and the
    whole interval under the benchmark), above_benchmark (enough volume, interval above).
    A zero denominator gives NaN rate and interval.
    """
    bench = _bench_dict(benchmarks)
    cols = ["rep_id", "stage", "label", "k", "n", "rate", "ci_low", "ci_high", "benchmark"]
    if len(counts) == 0:
        out = pd.DataFrame([], columns=cols)
    else:
        # Rep-major rows (each rep's six stages in order), every Wilson interval in one call.
        m = len(STAGES)
        k = np.column_stack([counts[s.numerator].to_numpy().astype(np.int64) for s in STAGES]).ravel()
        n = np.column_stack([counts[s.denominator].to_numpy().astype(np.int64) for s in STAGES]).ravel()
        lo, hi = wilson_intervals(k, n, level)
        rate = np.divide(k, n, out=np.full(len(k), np.nan), where=n > 0)
        out = pd.DataFrame({
            "rep_id": np.repeat(counts["rep_id"].to_numpy(dtype=object), m),
            "stage": np.tile(np.array([s.key for s in STAGES], dtype=object), len(counts)),
            "label": np.tile(np.array([s.label for s in STAGES], dtype=object), len(counts)),
            "k": k, "n": n, "rate": rate, "ci_low": lo, "ci_high": hi,
            "benchmark": np.tile(np.array([bench.get(s.key, float("nan")) for s in STAGES], dtype=float), len(counts)),
        })
    out["level"] = level
    return _add_gap_columns(out, min_volume)


def _add_gap_columns(out: pd.DataFrame, min_volume: int) -> pd.DataFrame:
    out = out.copy()
    out["rel_gap"] = out["rate"] / out["benchmark"] - 1
    out["enough_volume"] = out["n"] >= min_volume
    side = verdict.sides(out["ci_low"], out["ci_high"], reference=out["benchmark"])
    out["below_benchmark"] = out["enough_volume"] & (side == "negative")
    out["above_benchmark"] = out["enough_volume"] & (side == "positive")
    return out


def team_rates(
    counts: pd.DataFrame,
    benchmarks: dict[str, float] | object,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Pooled team rate per stage (sum of numerators / sum of denominators) with Wilson interval.

    Columns: stage, label, k, n, rate, ci_low, ci_high, benchmark, rel_gap, n_reps (reps with a
    non-zero denominator). The interval treats activities as independent; it describes this
    quarter's pooled rate, not a population of reps.
    """
    bench = _bench_dict(benchmarks)
    rows = []
    for s in STAGES:
        k = int(counts[s.numerator].sum()) if len(counts) else 0
        n = int(counts[s.denominator].sum()) if len(counts) else 0
        rows.append({**_stage_row(s, k, n, level, bench),
                     "n_reps": int((counts[s.denominator] > 0).sum()) if len(counts) else 0})
    out = pd.DataFrame(rows)
    out["rel_gap"] = out["rate"] / out["benchmark"] - 1
    return out


def _stage_row(s, k: int, n: int, level: float, bench: dict[str, float]) -> dict:
    """One stage's rate k/n with its Wilson interval and benchmark (a row of the rate tables)."""
    rate, lo, hi = _rate_rows(k, n, level)
    return {"stage": s.key, "label": s.label, "k": k, "n": n, "rate": rate, "ci_low": lo, "ci_high": hi,
            "benchmark": bench.get(s.key, float("nan"))}


def _bench_dict(benchmarks: dict[str, float] | object) -> dict[str, float]:
    if isinstance(benchmarks, dict):
        return {k: float(v) for k, v in benchmarks.items()}
    if hasattr(benchmarks, "model_dump"):
        return {k: float(v) for k, v in benchmarks.model_dump().items()}
    raise TypeError("benchmarks must be a dict or the cfg.benchmarks model")
