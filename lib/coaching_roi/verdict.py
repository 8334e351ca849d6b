"""The one rule that turns an estimate into a verdict, and every phrase that depends on it.

* :func:`decide` — ``positive`` | ``negative`` | ``no_clear_change`` | ``too_few`` from the interval,
  the reference value (0, 0.5 for an AUC, a benchmark) and a minimum n per unit of n (params
  ``verdicts.min_n``). Nothing else in the package compares an interval with a reference.
* :func:`mde` — the smallest effect the design could have detected (formula, see docs/METHODS.md).
* :func:`state` — the word and colour a reader sees for a link of the evidence chain.
* :func:`reading` — the plain-English sentence stored with every estimate.
* :func:`make` — builds a findings estimate (the dict every notebook writes) through the above.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from scipy import stats as _st

from coaching_roi import estimate_ids as ids
from coaching_roi.stats import fmt_value

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

    def min_for(self, n_unit: str) -> int:
        return int(self.min_n.get(n_unit, 5))

    def established_for(self, n_unit: str) -> int:
        return int(self.established_n.get(n_unit, 2 * self.min_for(n_unit)))

    @property
    def level_text(self) -> str:
        return f"{self.level * 100:g}%"


def _num(x: Any) -> float | None:
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
    v, lo, hi = _num(value), _num(ci_low), _num(ci_high)
    if v is None or lo is None or hi is None:
        return "too_few"
    if int(n or 0) < policy.min_for(n_unit):
        return "too_few"
    if lo > reference:
        return "positive"
    if hi < reference:
        return "negative"
    return "no_clear_change"


def mde(ci_low: Any, ci_high: Any, *, level: float, power: float = 0.8, df: float | None = None) -> float | None:
    """Minimum detectable effect: (critical value + power quantile) × the standard error the interval implies.

    The standard error is read off the interval's half-width (half-width / critical value), with a
    t critical value when ``df`` is given (small-sample t intervals) and a normal one otherwise.
    """
    lo, hi = _num(ci_low), _num(ci_high)
    if lo is None or hi is None or hi < lo:
        return None
    if df is not None and df > 0:
        crit, q_pow = _st.t.ppf(0.5 + level / 2, df), _st.t.ppf(power, df)
    else:
        crit, q_pow = _st.norm.ppf(0.5 + level / 2), _st.norm.ppf(power)
    se = (hi - lo) / (2 * crit)
    return float((crit + q_pow) * se)


def _crit(level: float, df: float | None) -> float:
    q = 0.5 + level / 2
    return float(_st.t.ppf(q, df) if df is not None and df > 0 else _st.norm.ppf(q))


def confirmed(est: Mapping[str, Any], policy: Policy) -> bool:
    """True when a clear (positive or negative) estimate also excludes its reference at
    ``policy.confirm_level`` — what the title-slide headline may state and a chain link needs to read
    "Established".

    The stricter interval is read off the stored one: the half-width towards the reference is scaled
    by the ratio of the two critical values (t with the estimate's ``df`` when it has one).
    """
    v = est.get("verdict")
    value, lo, hi = _num(est.get("value")), _num(est.get("ci_low")), _num(est.get("ci_high"))
    if v not in ("positive", "negative") or value is None or lo is None or hi is None:
        return False
    df = _num(est.get("df"))
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


# ------------------------------------------------------------------------------------ the words
@dataclass(frozen=True)
class State:
    """How a link of the evidence chain reads: a key, the word shown and a colour (never colour alone)."""

    key: str
    word: str
    colour: str


STATES: dict[str, State] = {
    "established": State("established", "Established", "#1a7f4b"),
    "early_signal": State("early_signal", "Early signal", "#5aa469"),
    "not_visible": State("not_visible", "Not visible yet", "#8a8a8a"),
    "too_few": State("too_few", "Too few to tell", "#c9a227"),
    "wrong_way": State("wrong_way", "Moved the wrong way", "#b8323a"),
    "missing": State("missing", "Not measured", "#b0b0b0"),
}


@dataclass(frozen=True)
class Phrasing:
    """How to say one kind of estimate. Templates may use {value}, {behavior}, {reference}, {lag}."""

    what: str  # the quantity, e.g. "the win-rate gap between top- and bottom-quartile reps"
    positive: str  # what an interval above the reference means
    negative: str  # what an interval below it means
    no_clear: str | None = None  # replaces the generic "No clear change in {what}" lead
    better: Literal["higher", "lower", "neither"] = "higher"  # which direction is good news
    magnitude: bool = True  # claims state |value| (the direction is in the words)
    early: bool = True  # a clear result on few units reads as an "early signal"


PHRASINGS: dict[str, Phrasing] = {
    "quartile_win_rate_gap": Phrasing(
        "the win-rate gap between top- and bottom-quartile reps",
        "top-quartile reps won {value} more of their closed deals than bottom-quartile reps",
        "bottom-quartile reps won {value} more of their closed deals than top-quartile reps",
        no_clear="No clear win-rate difference between top- and bottom-quartile reps: {value}",
    ),
    "behavior_auc": Phrasing(
        "how well call scores predict wins",
        "call scores predict wins better than chance: AUC {value}",
        "call scores predict wins worse than chance: AUC {value}",
        no_clear="No clear evidence that call scores predict wins: AUC {value} is close to chance (0.50)",
        magnitude=False,
    ),
    "behavior_change": Phrasing(
        "whether coaching moved scores on {behavior}",
        "coached reps' scores on {behavior} rose {value} more than comparison reps' did",
        "coached reps' scores on {behavior} fell {value} relative to comparison reps'",
        no_clear="No clear change in coached reps' scores on {behavior} relative to comparison reps: {value}",
    ),
    "event_study_pretrend": Phrasing(
        "the fairness check for {behavior}",
        "coached reps' scores on {behavior} were already rising {value} before coaching, so the comparison may not be fair",
        "coached reps' scores on {behavior} were already falling {value} before coaching, so the comparison may not be fair",
        no_clear="Before coaching, coached and comparison reps' scores on {behavior} moved alike ({value}), so the comparison looks fair",
        better="neither", early=False,
    ),
    "win_rate_change_per_point": Phrasing(
        "the link between score gains and win rate{lag}",
        "reps whose scores on {behavior} rose won {value} more of their deals per point gained{lag}",
        "reps whose scores on {behavior} rose won {value} fewer of their deals per point gained{lag}",
        no_clear="No clear link between score gains and win rate{lag}: {value} per point",
    ),
    "cycle_change_per_point": Phrasing(
        "the link between score gains and deal cycle{lag}",
        "reps whose scores on {behavior} rose closed deals {value} faster per point gained{lag}",
        "reps whose scores on {behavior} rose closed deals {value} slower per point gained{lag}",
        no_clear="No clear link between score gains and deal cycle{lag}: {value} per point",
    ),
    "ramp_weeks_saved": Phrasing(
        "the ramp-time difference to {behavior} between onboarding programs",
        "new hires in the {treated} program reached {behavior} {value} sooner than in the {control} program",
        "new hires in the {treated} program reached {behavior} {value} later than in the {control} program",
        no_clear="No clear difference in time to {behavior} between the {treated} and {control} programs: {value}",
    ),
    "six_month_attainment_gap": Phrasing(
        "the 6-month quota attainment gap between onboarding programs",
        "new hires in the {treated} program reached {value} more of quota by month six",
        "new hires in the {treated} program reached {value} less of quota by month six",
        no_clear="No clear difference in 6-month quota attainment between the {treated} and {control} programs: {value}",
    ),
    "deal_cycle_pct_faster": Phrasing(
        "the deal-cycle difference between deals strong and weak on {behavior}",
        "deals whose discovery call was strong on {behavior} closed {value} faster",
        "deals whose discovery call was strong on {behavior} closed {value} slower",
        no_clear="No clear deal-cycle difference between deals strong and weak on {behavior}: {value}",
    ),
    "ramp_value_usd": Phrasing(
        "the value of faster ramp",
        "faster ramp is worth {value} in ARR a year",
        "slower ramp costs {value} in ARR a year",
        no_clear="No clear value from faster ramp yet: {value}",
    ),
    "realized_value_usd": Phrasing(
        "the value of the behavior change coaching produced",
        "the behavior change coaching produced is worth {value} in ARR a year",
        "the behavior change coaching produced costs {value} in ARR a year",
        no_clear="No clear value yet from the behavior change coaching produced: {value}",
    ),
    "upside_value_usd": Phrasing(
        "the potential if every rep reached top-quartile behavior",
        "if every rep reached top-quartile behavior the team could gain about {value} in ARR a year (a potential, not a return)",
        "top-quartile behavior goes with {value} less ARR a year",
        no_clear="No clear upside from top-quartile behavior: {value}",
    ),
    "roi_pct": Phrasing(
        "the program's return on its cost",
        "the program returned {value} on its cost after attribution",
        "the program lost {value} of its cost after attribution",
        no_clear="No clear return on the program's cost yet: {value}",
    ),
    "benefit_cost_ratio": Phrasing(
        "the benefit-cost ratio",
        "every dollar of program cost returned {value} after attribution",
        "every dollar of program cost returned only {value} after attribution",
        magnitude=False,
    ),
    "funnel_team": Phrasing(
        "the team's {behavior} against the {reference} benchmark",
        "the team's {behavior} of {value} is above the {reference} benchmark",
        "the team's {behavior} of {value} is below the {reference} benchmark",
        no_clear="No clear difference between the team's {behavior} ({value}) and the {reference} benchmark",
        magnitude=False, early=False,
    ),
    "funnel_reps_below_benchmark": Phrasing(
        "the share of SDRs below benchmark",
        "{value} of SDRs have a funnel stage below benchmark beyond noise",
        "{value} of SDRs have a funnel stage below benchmark beyond noise",
        no_clear="No SDR is clearly below benchmark at any stage ({value})",
        better="lower",
        magnitude=False, early=False,
    ),
    "funnel_focus_coverage": Phrasing(
        "the share of reps whose next focus rests on their own data",
        "most reps ({value}) have a next focus that rests on their own data",
        "only {value} of reps have a next focus that rests on their own data",
        no_clear="About half the reps ({value}) have a next focus that rests on their own data",
        magnitude=False, early=False,
    ),
    "funnel_sessions_focused_share": Phrasing(
        "the share of sessions on one behavior with a recorded observable",
        "most sessions ({value}) targeted one behavior and recorded an observable",
        "only {value} of sessions targeted one behavior and recorded an observable",
        no_clear="About half the sessions ({value}) targeted one behavior and recorded an observable",
        magnitude=False, early=False,
    ),
}

_GENERIC = Phrasing("{what}", "{what} is {value}", "{what} is {value}", magnitude=False)


def phrasing(estimate_id: str) -> Phrasing:
    base, _ = ids.parse(estimate_id)
    if base.startswith("funnel_team_"):
        return PHRASINGS["funnel_team"]
    return PHRASINGS.get(base, _GENERIC)


def is_early(est: Mapping[str, Any], policy: Policy) -> bool:
    """A clear estimate that is not established yet: it rests on few units (or small groups within it),
    or it does not hold at the stricter confirmation level (:func:`confirmed`)."""
    few = bool(est.get("small_sample")) or int(est.get("n") or 0) < policy.established_for(str(est.get("n_unit", "reps")))
    return few or not confirmed(est, policy)


def state(est: Mapping[str, Any] | None, policy: Policy, estimate_id: str = "") -> State:
    """The chain state of an estimate, from its stored verdict and which direction is good news."""
    if not est or est.get("verdict") not in VERDICTS:
        return STATES["missing"]
    v = est["verdict"]
    if v == "too_few":
        return STATES["too_few"]
    if v == "no_clear_change":
        return STATES["not_visible"]
    ph = phrasing(estimate_id) if estimate_id else _GENERIC
    good = (v == "positive") if ph.better != "lower" else (v == "negative")
    if ph.better == "neither" or not good:
        return STATES["wrong_way"]
    return STATES["early_signal"] if ph.early and is_early(est, policy) else STATES["established"]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def n_text(n: Any, n_unit: str) -> str:
    """'n = 1,997 deals'."""
    return f"n = {int(n or 0):,} {n_unit}"


def value_text(estimate_id: str, est: Mapping[str, Any], value: Any = "stored", *, signed: bool = True,
               difference: bool = False) -> str:
    """A value of this estimate in its shown unit ('+11 pp', '1.1 points', '$492K').

    Levels (rates, shares, AUC) are shown unsigned; ``difference=True`` shows a difference of this
    estimate's unit (e.g. a minimum detectable effect: a rate's difference reads in pp).
    """
    v = _num(est.get("value")) if value == "stored" else _num(value)
    unit = ids.shown_unit(estimate_id, str(est.get("unit", "")))
    level = ids.is_level(estimate_id)
    if difference and level and unit == "fraction":
        unit = "pp"
    if v is not None and unit in ("points", "weeks") and abs(v) < 0.05:
        v = 0.0  # never print "-0.0"
    return fmt_value(v, unit, signed=signed and not level and unit not in ("auc", "ratio"))


def interval_text(estimate_id: str, est: Mapping[str, Any], policy: Policy) -> str:
    """'95% CI +1 pp to +25 pp', or 'no interval'."""
    lo, hi = _num(est.get("ci_low")), _num(est.get("ci_high"))
    if lo is None or hi is None:
        return "no interval"
    return f"{policy.level_text} CI {value_text(estimate_id, est, lo)} to {value_text(estimate_id, est, hi)}"


def _fill(estimate_id: str, est: Mapping[str, Any], labels: Mapping[str, str] | None) -> dict[str, str]:
    _, sub = ids.parse(estimate_id)
    if ids.base_of(estimate_id).startswith("funnel_team_"):
        sub = ids.base_of(estimate_id).removeprefix("funnel_team_")
    lag = est.get("lag_quarters")
    lag_txt = ""
    if lag is not None and _num(lag) is not None:
        lag_i = int(lag)
        lag_txt = " in the same quarter" if lag_i == 0 else f" {lag_i} quarter{'s' if lag_i != 1 else ''} later"
    ref = _num(est.get("reference"))
    unit = str(est.get("unit", ""))
    behavior = ids.sub_label(sub, labels)
    if sub is None or sub == ids.POOLED:
        behavior = "the coached behaviors"
    elif labels and sub in labels:
        behavior = f"“{behavior}”"
    return {
        "behavior": behavior,
        "reference": fmt_value(ref, unit) if ref is not None else "",
        "lag": lag_txt,
        "treated": str(est.get("treated_program") or "compared").replace("_", " "),
        "control": str(est.get("control_program") or "baseline").replace("_", " "),
        "what": ids.label(estimate_id, labels),
    }


def reading(estimate_id: str, est: Mapping[str, Any], *, policy: Policy, labels: Mapping[str, str] | None = None,
            note: str | None = None, why: str | None = None) -> str:
    """The sentence shown beside an estimate, phrased from its stored verdict; it never outruns the interval.

    ``note`` adds a sentence that holds whatever the verdict (e.g. "prediction, not proof of cause");
    ``why`` says why there is no number (e.g. "not yet observable: 2026Q4 has no closed deals yet").
    """
    ph = phrasing(estimate_id)
    fill = _fill(estimate_id, est, labels)
    what = ph.what.format(**fill)
    v = est.get("verdict")
    n, n_unit = int(est.get("n") or 0), str(est.get("n_unit", "reps"))
    val = value_text(estimate_id, est)
    ci = interval_text(estimate_id, est, policy)
    if v == "too_few":
        need = policy.min_for(n_unit)
        if _num(est.get("value")) is None or ci == "no interval":
            base = why or (f"there are too few {n_unit} to estimate it ({n_text(n, n_unit)}; at least {need} needed)")
            out = f"{_cap(what)} cannot be told yet: {base}."
        else:
            out = (f"Too few {n_unit} to tell {what} yet ({n_text(n, n_unit)}; at least {need} needed): "
                   f"{val} ({ci}) is not a finding.")
    elif v == "no_clear_change":
        lead = ph.no_clear.format(value=val, **fill) if ph.no_clear else f"No clear change in {what}: {val}"
        out = f"{lead} ({ci}, {n_text(n, n_unit)})."
        m = _num(est.get("mde"))
        if m is not None and ph.better != "neither":
            out += (f" With {n:,} {n_unit}, an effect smaller than {value_text(estimate_id, est, m, signed=False, difference=True)} "
                    f"cannot be told from noise ({policy.power:.0%} power).")
    elif v in ("positive", "negative"):
        shown = value_text(estimate_id, est, abs(_num(est.get("value")) or 0.0) if ph.magnitude else "stored",
                           signed=not ph.magnitude)
        claim = (ph.positive if v == "positive" else ph.negative).format(value=shown, **fill)
        if state(est, policy, estimate_id).key == "early_signal":
            small = ", in small groups" if est.get("small_sample") else ""
            out = f"Early signal ({n_text(n, n_unit)}{small}): {claim} ({ci})."
        else:
            out = f"{_cap(claim)} ({ci}, {n_text(n, n_unit)})."
    else:
        raise ValueError(f"{estimate_id}: unknown verdict {v!r}")
    if note:
        out += " " + note.strip()
    return out


def title(estimate_id: str, est: Mapping[str, Any] | None, *, policy: Policy,
          labels: Mapping[str, str] | None = None) -> str:
    """A short figure or slide title for an estimate, phrased from its stored verdict (no interval)."""
    if not est or est.get("verdict") not in VERDICTS:
        return f"{ids.label(estimate_id, labels)}: not measured"
    ph = phrasing(estimate_id)
    fill = _fill(estimate_id, est, labels)
    what = ph.what.format(**fill)
    v = est["verdict"]
    if v == "too_few":
        return f"Too few {est.get('n_unit', 'units')} to tell {what} yet"
    if v == "no_clear_change":
        if ph.no_clear:
            return ph.no_clear.format(value=value_text(estimate_id, est), **fill).split(": ")[0]
        return f"No clear change in {what}"
    shown = value_text(estimate_id, est, abs(_num(est.get("value")) or 0.0) if ph.magnitude else "stored",
                       signed=not ph.magnitude)
    claim = (ph.positive if v == "positive" else ph.negative).format(value=shown, **fill)
    if state(est, policy, estimate_id).key == "early_signal":
        return f"Early signal: {claim}"
    return _cap(claim)


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
    value, ci_low, ci_high = _num(value), _num(ci_low), _num(ci_high)
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


def recheck(estimate_id: str, est: Mapping[str, Any], policy: Policy) -> Verdict:
    """The verdict :func:`decide` gives a stored estimate (tests use it to prove every verdict came from here)."""
    return decide(est.get("value"), est.get("ci_low"), est.get("ci_high"), est.get("n"), str(est.get("n_unit")),
                  policy=policy, reference=float(est.get("reference", 0.0)))
