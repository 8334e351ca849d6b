"""The rule: an interval against its reference, with a minimum n per unit, gives the verdict.

Also the policy a verdict needs (confidence and confirmation levels, power, minimum n per unit),
the minimum detectable effect, and the stricter confirmation check. See docs/METHODS.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

Verdict = Literal["positive", "negative", "no_clear_change", "too_few"]
VERDICTS: tuple[str, ...] = ("positive", "negative", "no_clear_change", "too_few")

DEFAULT_MIN_N: dict[str, int] = {
    "reps": 5, "coached reps": 5, "AEs": 5, "SDRs": 5, "new hires": 6, "deals": 30, "calls": 30,
    "sessions": 10, "dials": 100, "connects": 30, "conversations": 30, "meetings": 30, "emails": 100,
}
DEFAULT_ESTABLISHED_N: dict[str, int] = {
    "reps": 12, "coached reps": 10, "AEs": 12, "SDRs": 10, "new hires": 16, "deals": 100, "calls": 100,
    "sessions": 30, "dials": 1000, "connects": 100, "conversations": 100, "meetings": 100, "emails": 300,
}


@dataclass(frozen=True)
class Policy:
    """What a verdict needs besides the estimate: the confidence level, power and minimum n per unit."""

    level: float = 0.95
    power: float = 0.80
    confirm_level: float = 0.999
    min_n: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MIN_N))
    established_n: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_ESTABLISHED_N))

    @classmethod
    def from_config(cls, cfg: Any) -> Policy:
        v = cfg.verdicts
        return cls(level=float(cfg.analysis.confidence_level), power=float(v.power),
                   confirm_level=float(v.confirm_level), min_n={**DEFAULT_MIN_N, **dict(v.min_n)}, established_n={**DEFAULT_ESTABLISHED_N, **dict(v.established_n)})

    def to_findings(self) -> dict[str, Any]:
        """The top-level keys of findings.json that record this policy: the two levels a reader needs
        most, and the whole policy (``verdict_policy``) so that :meth:`from_findings` rebuilds it."""
        return {"confidence_level": self.level, "confirm_level": self.confirm_level,
                "verdict_policy": {"level": self.level, "power": self.power, "confirm_level": self.confirm_level,
                                   "min_n": dict(self.min_n), "established_n": dict(self.established_n)}}

    @classmethod
    def from_findings(cls, findings: Mapping[str, Any]) -> Policy:
        """The policy a findings file was written with (files without ``verdict_policy``: their two
        levels, the rest at defaults)."""
        p = findings.get("verdict_policy")
        if isinstance(p, Mapping):
            return cls(level=float(p["level"]), power=float(p["power"]), confirm_level=float(p["confirm_level"]),
                       min_n={**DEFAULT_MIN_N, **dict(p.get("min_n") or {})},
                       established_n={**DEFAULT_ESTABLISHED_N, **dict(p.get("established_n") or {})})
        return cls(level=float(findings.get("confidence_level") or cls.level),
                   confirm_level=float(findings.get("confirm_level") or cls.confirm_level))

    def min_for(self, n_unit: str) -> int:
        return int(self.min_n.get(n_unit, 5))

    def established_for(self, n_unit: str) -> int:
        return int(self.established_n.get(n_unit, 2 * self.min_for(n_unit)))

    @property
    def level_text(self) -> str:
        return level_text(self.level)


def level_text(level: float) -> str:
    """'95%' for 0.95: how a confidence level is written in every sentence and label."""
    return f"{float(level) * 100:g}%"


def as_finite(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# ------------------------------------------------------------------------------------- the rule
def decide(value: Any, ci_low: Any, ci_high: Any, n: Any, n_unit: str, *, policy: Policy,
           reference: float = 0.0) -> Verdict:
    """The verdict of one estimate.

    ``too_few`` when there is no value or no interval, or fewer than ``policy.min_n[n_unit]`` units;
    otherwise ``positive`` when the whole interval lies above ``reference``, ``negative`` when it lies
    below, else ``no_clear_change``.
    """
    v, lo, hi = as_finite(value), as_finite(ci_low), as_finite(ci_high)
    if v is None or lo is None or hi is None:
        return "too_few"
    if int(n or 0) < policy.min_for(n_unit):
        return "too_few"
    return side(lo, hi, reference=reference)


def side(ci_low: Any, ci_high: Any, *, reference: Any = 0.0) -> Verdict:
    """Where an interval lies against ``reference``: the comparison inside :func:`decide`.

    For table rows that are not findings estimates and whose caller applies its own n rule (e.g. a
    minimum of calls per rep): ``positive`` above, ``negative`` below, ``no_clear_change`` across,
    ``too_few`` without a finite interval.
    """
    lo, hi, ref = as_finite(ci_low), as_finite(ci_high), as_finite(reference)
    if lo is None or hi is None or ref is None:
        return "too_few"
    if lo > ref:
        return "positive"
    if hi < ref:
        return "negative"
    return "no_clear_change"


def _quantile(p: float, df: float | None = None) -> float:
    """The p-quantile of Student's t with ``df`` degrees of freedom, or of the standard normal.

    :mod:`coaching_roi.quantiles` and the standard library's ``NormalDist`` give the same values as
    ``scipy.stats`` without importing it (about 0.7 s of CPU in every process that reads a verdict).
    """
    if df is None:
        return float(NormalDist().inv_cdf(p))
    from coaching_roi.quantiles import t_ppf

    return t_ppf(p, df)


def sides(ci_low: Any, ci_high: Any, *, reference: Any = 0.0) -> np.ndarray:
    """:func:`side` for columns of intervals (``reference`` a scalar or a column): an array of verdict words."""
    lo, hi = np.asarray(ci_low, dtype="float64"), np.asarray(ci_high, dtype="float64")
    ref = np.broadcast_to(np.asarray(reference, dtype="float64"), lo.shape)
    finite = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(ref)
    return np.select([~finite, lo > ref, hi < ref], ["too_few", "positive", "negative"], "no_clear_change").astype(object)


def mde(ci_low: Any, ci_high: Any, *, level: float, power: float = 0.8, df: float | None = None) -> float | None:
    """Minimum detectable effect: (critical value + power quantile) × the standard error the interval implies.

    The standard error is read off the interval's half-width (half-width / critical value), with a
    t critical value when ``df`` is given (small-sample t intervals) and a normal one otherwise.
    """
    lo, hi = as_finite(ci_low), as_finite(ci_high)
    if lo is None or hi is None or hi < lo:
        return None
    if df is not None and df > 0:
        crit, q_pow = _quantile(0.5 + level / 2, df), _quantile(power, df)
    else:
        crit, q_pow = _quantile(0.5 + level / 2), _quantile(power)
    se = (hi - lo) / (2 * crit)
    return float((crit + q_pow) * se)


def _crit(level: float, df: float | None) -> float:
    q = 0.5 + level / 2
    return _quantile(q, df if df is not None and df > 0 else None)


def confirmed(est: Mapping[str, Any], policy: Policy) -> bool:
    """True when a clear (positive or negative) estimate also excludes its reference at
    ``policy.confirm_level`` — what the title-slide headline may state and a chain link needs to read
    "Established".

    The stricter interval is read off the stored one: the half-width towards the reference is scaled
    by the ratio of the two critical values (t with the estimate's ``df`` when it has one).
    """
    v = est.get("verdict")
    value, lo, hi = as_finite(est.get("value")), as_finite(est.get("ci_low")), as_finite(est.get("ci_high"))
    if v not in ("positive", "negative") or value is None or lo is None or hi is None:
        return False
    df = as_finite(est.get("df"))
    ratio = _crit(policy.confirm_level, df) / _crit(policy.level, df)
    ref = float(est.get("reference", 0.0))
    if v == "positive":
        return value - (value - lo) * ratio > ref
    return value + (hi - value) * ratio < ref


def mde_at(mde_now: float | None, n_now: int, n_then: int) -> float | None:
    """The minimum detectable effect with ``n_then`` units instead of ``n_now`` (scales as 1/√n)."""
    if mde_now is None or n_now <= 0 or n_then <= 0:
        return None
    return float(mde_now * math.sqrt(n_now / n_then))


def recheck(estimate_id: str, est: Mapping[str, Any], policy: Policy) -> Verdict:
    """The verdict :func:`decide` gives a stored estimate (tests use it to prove every verdict came from here)."""
    return decide(est.get("value"), est.get("ci_low"), est.get("ci_high"), est.get("n"), str(est.get("n_unit")),
                  policy=policy, reference=float(est.get("reference", 0.0)))
