"""The words a reader sees, phrased from a stored verdict: chain states, value and interval text,
the reading stored with every estimate, and figure or slide titles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi.stats import fmt_value
from coaching_roi.verdict.phrasings import GENERIC_PHRASING, phrasing
from coaching_roi.verdict.rule import VERDICTS, Policy, as_finite, confirmed


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
    ph = phrasing(estimate_id) if estimate_id else GENERIC_PHRASING
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
    v = as_finite(est.get("value")) if value == "stored" else as_finite(value)
    unit = ids.shown_unit(estimate_id, str(est.get("unit", "")))
    level = ids.is_level(estimate_id)
    if difference and level and unit == "fraction":
        unit = "pp"
    if v is not None and unit in ("points", "weeks") and abs(v) < 0.05:
        v = 0.0  # never print "-0.0"
    return fmt_value(v, unit, signed=signed and not level and unit not in ("auc", "ratio"))


def interval_text(estimate_id: str, est: Mapping[str, Any], policy: Policy) -> str:
    """'<level> CI +1 pp to +25 pp' (the policy's level), or 'no interval'."""
    lo, hi = as_finite(est.get("ci_low")), as_finite(est.get("ci_high"))
    if lo is None or hi is None:
        return "no interval"
    return f"{policy.level_text} CI {value_text(estimate_id, est, lo)} to {value_text(estimate_id, est, hi)}"


def _fill(estimate_id: str, est: Mapping[str, Any], labels: Mapping[str, str] | None) -> dict[str, str]:
    _, sub = ids.parse(estimate_id)
    if ids.base_of(estimate_id).startswith("funnel_team_"):
        sub = ids.base_of(estimate_id).removeprefix("funnel_team_")
    lag = est.get("lag_quarters")
    lag_txt = ""
    if lag is not None and as_finite(lag) is not None:
        lag_i = int(lag)
        lag_txt = " in the same quarter" if lag_i == 0 else f" {lag_i} quarter{'s' if lag_i != 1 else ''} later"
    ref = as_finite(est.get("reference"))
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
        if as_finite(est.get("value")) is None or ci == "no interval":
            base = why or (f"there are too few {n_unit} to estimate it ({n_text(n, n_unit)}; at least {need} needed)")
            out = f"{_cap(what)} cannot be told yet: {base}."
        else:
            out = (f"Too few {n_unit} to tell {what} yet ({n_text(n, n_unit)}; at least {need} needed): "
                   f"{val} ({ci}) is not a finding.")
    elif v == "no_clear_change":
        lead = ph.no_clear.format(value=val, **fill) if ph.no_clear else f"No clear change in {what}: {val}"
        out = f"{lead} ({ci}, {n_text(n, n_unit)})."
        m = as_finite(est.get("mde"))
        if m is not None and ph.better != "neither":
            out += (f" With {n:,} {n_unit}, an effect smaller than {value_text(estimate_id, est, m, signed=False, difference=True)} "
                    f"cannot be told from noise ({policy.power:.0%} power).")
    elif v in ("positive", "negative"):
        shown = value_text(estimate_id, est, abs(as_finite(est.get("value")) or 0.0) if ph.magnitude else "stored",
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
    shown = value_text(estimate_id, est, abs(as_finite(est.get("value")) or 0.0) if ph.magnitude else "stored",
                       signed=not ph.magnitude)
    claim = (ph.positive if v == "positive" else ph.negative).format(value=shown, **fill)
    if state(est, policy, estimate_id).key == "early_signal":
        return f"Early signal: {claim}"
    return _cap(claim)
