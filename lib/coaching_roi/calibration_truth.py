"""Planted values for the calibration study's estimates (``coaching_roi.calibration.ESTIMATES``).

Most sit in the demo generator's ``truth.json`` (:func:`truth_at`); realized value's depends on the
team's deal economics, so :func:`realized_value_truth` computes it from the planted behavior change and
outcome links with the economics the estimate itself used. Each is ``truth(truth_json, sub, estimate)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi.cohort_report import money_report
from coaching_roi.money import realized as money_realized

TruthFn = Callable[[dict, str | None, Mapping[str, Any]], float | None]


def truth_at(key: str) -> TruthFn:
    """Planted value at ``truth[key]`` (a number) or ``truth[key][sub]`` (a per-behavior dict)."""
    def get(truth: dict, sub: str | None, est: Mapping[str, Any]) -> float | None:
        v = truth.get(key)
        if isinstance(v, Mapping):
            v = v.get(sub) if sub is not None else None
        return None if v is None else float(v)
    return get


def realized_value_truth(truth: dict, sub: str | None, est: Mapping[str, Any]) -> float | None:
    """Planted realized value: ``money.realized.realized_value`` (the estimator's own formula) at the PLANTED
    behavior change, win-rate link and cycle link (``truth[...]['all']``), with the number of coached reps
    and the deal economics the estimate used (its extras ``n_coached``, ``economics``: data, conditioned on).
    None when the estimate was not computed (no economics) or the truth lacks a planted value."""
    econ, n = est.get("economics"), est.get("n_coached")
    planted = [(truth.get(k) or {}).get(ids.POOLED)
               for k in ("behavior_change", "win_rate_change_per_point", "cycle_change_per_point")]
    if not econ or n is None or any(v is None for v in planted):
        return None
    e = money_realized.DealEconomics(**{k: float(econ[k]) for k in money_report.REALIZED_ECONOMICS},
                                     n_reps=0, n_deals=0, source="")
    return float(money_realized.realized_value(*map(float, planted), int(n), e))
