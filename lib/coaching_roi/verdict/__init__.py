"""The one rule that turns an estimate into a verdict, and every phrase that depends on it.

* :func:`decide` — ``positive`` | ``negative`` | ``no_clear_change`` | ``too_few`` from the interval,
  the reference value (0, 0.5 for an AUC, a benchmark) and a minimum n per unit of n (params
  ``verdicts.min_n``). Nothing else in the package compares an interval with a reference; table rows
  that are not findings estimates use :func:`side` / :func:`sides` (the same comparison).
* :func:`mde` — the smallest effect the design could have detected (formula, see docs/METHODS.md).
* :func:`state` — the word and colour a reader sees for a link of the evidence chain.
* :func:`reading` — the plain-English sentence stored with every estimate.
* :func:`make` — builds a findings estimate (the dict every notebook writes) through the above.

The rule lives in :mod:`.rule`, the phrasing table in :mod:`.phrasings`, the sentences in
:mod:`.readings`; every name is importable from ``coaching_roi.verdict``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi.verdict.phrasings import (
    BEHAVIOR_LAYER_TITLES,
    GENERIC_PHRASING,
    PHRASINGS,
    ROW_PHRASINGS,
    Phrasing,
    phrasing,
    row_phrase,
)
from coaching_roi.verdict.readings import (
    STATES,
    State,
    interval_text,
    is_early,
    n_text,
    reading,
    state,
    title,
    value_text,
)
from coaching_roi.verdict.rule import (
    DEFAULT_ESTABLISHED_N,
    DEFAULT_MIN_N,
    VERDICTS,
    Policy,
    Verdict,
    as_finite,
    confirmed,
    decide,
    level_text,
    mde,
    mde_at,
    recheck,
    side,
    sides,
)

__all__ = [
    "BEHAVIOR_LAYER_TITLES", "DEFAULT_ESTABLISHED_N", "DEFAULT_MIN_N", "GENERIC_PHRASING", "PHRASINGS", "ROW_PHRASINGS", "STATES", "VERDICTS",
    "Phrasing", "Policy", "State", "Verdict", "as_finite", "confirmed", "decide", "interval_text", "is_early",
    "level_text", "make", "mde", "mde_at", "n_text", "phrasing", "reading", "recheck", "row_phrase", "side", "sides", "state", "title",
    "value_text",
]


# --------------------------------------------------------------------------------- the estimate
def make(
    estimate_id: str,
    *,
    value: Any,
    ci_low: Any,
    ci_high: Any,
    n: Any,
    n_unit: str,
    unit: str,
    policy: Policy,
    labels: Mapping[str, str] | None = None,
    reference: float = 0.0,
    df: float | None = None,
    small_sample: bool = False,
    note: str | None = None,
    why: str | None = None,
    **extra: Any,
) -> dict:
    """Build one findings estimate: numbers, verdict (by :func:`decide`), mde where unclear, reading."""
    if n_unit not in ids.N_UNITS:
        raise ValueError(f"{estimate_id}: n_unit {n_unit!r} is not one of {', '.join(ids.N_UNITS)}")
    value, ci_low, ci_high = as_finite(value), as_finite(ci_low), as_finite(ci_high)
    est: dict[str, Any] = {
        "value": value, "ci_low": ci_low, "ci_high": ci_high, "n": int(n or 0), "n_unit": n_unit, "unit": unit,
        "verdict": decide(value, ci_low, ci_high, n, n_unit, policy=policy, reference=reference),
        "reference": float(reference), "small_sample": bool(small_sample),
    }
    if df is not None:
        est["df"] = float(df)
    if est["verdict"] in ("no_clear_change", "too_few"):
        est["mde"] = mde(ci_low, ci_high, level=policy.level, power=policy.power, df=df)
    est.update(extra)
    est["reading"] = reading(estimate_id, est, policy=policy, labels=labels, note=note, why=why)
    return est
