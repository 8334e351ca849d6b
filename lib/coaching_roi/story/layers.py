"""The evidence chain's layers from stored verdicts: behavior change (layer 2) and the outcome
link (layer 3), each summarised as one state with the estimate IDs behind it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.estimate_ids import POOLED
from coaching_roi.story.estimates import classify, estimates_with_prefix


# ------------------------------------------------------------------------------- evidence layers
@dataclass(frozen=True)
class LayerSummary:
    """What layer 2 (behavior) or layer 3 (outcomes) shows across behaviors, with the IDs behind it."""

    state: Literal["missing", "too_few", "not_moved", "early", "moved", "fell", "not_observable", "unfair"]
    behaviors: tuple[str, ...]  # behaviors behind the state (e.g. the ones that moved)
    mean_value: float | None  # mean effect of those behaviors (points for layer 2)
    n: int  # largest n behind the state
    ids: tuple[str, ...] = ()  # the estimate IDs the state rests on


def _summary(state: str, prefix: str, chosen: dict[str, dict], *, with_value: bool = True) -> LayerSummary:
    bs = tuple(sorted(chosen))
    vals = [vd.as_finite(chosen[b].get("value")) or 0.0 for b in bs]
    mean = (sum(vals) / len(vals)) if (vals and with_value) else None
    n = max((int(chosen[b].get("n") or 0) for b in bs), default=0)
    return LayerSummary(state, bs, mean, n, tuple(ids.make(prefix, b) for b in bs))  # type: ignore[arg-type]


def policy_of(findings: Mapping[str, Any]) -> vd.Policy:
    """The verdict policy a findings file was written with (levels, power, minimum and established n)."""
    return vd.Policy.from_findings(findings)


def is_established(est: Mapping[str, Any], policy: vd.Policy, eid: str) -> bool:
    return vd.state(est, policy, eid).key == "established"


def layer2(findings: Mapping[str, Any], policy: vd.Policy | None = None) -> LayerSummary:
    """Summarise behavior change across coached behaviors from their stored verdicts.

    ``moved``: at least one behavior's rise is established (:func:`verdict.state`: positive, on enough
    coached reps, and holding at the confirmation level) and its pre-trend check is not flagged;
    ``unfair``: the established rises come with a flagged pre-trend; ``early``: rises that are not
    established yet (an early signal, never a headline claim); ``fell``: an established fall;
    ``too_few``: every estimate is ``too_few``; ``not_moved``: otherwise; ``missing``: no estimate.
    The pooled estimate, when it qualifies, speaks for all coached behaviors at once.
    """
    policy = policy or policy_of(findings)
    changes = {b: e for b, e in estimates_with_prefix(findings, "behavior_change").items() if classify(e) != "missing"}
    pretrends = estimates_with_prefix(findings, "event_study_pretrend")
    if not changes:
        return LayerSummary("missing", (), None, 0)
    rose = {b: e for b, e in changes.items() if classify(e) == "positive"}
    confirmed = {b: e for b, e in rose.items() if is_established(e, policy, ids.make("behavior_change", b))}
    fair = {b: e for b, e in confirmed.items() if classify(pretrends.get(b)) not in ("positive", "negative")}
    if POOLED in fair:
        fair = {POOLED: fair[POOLED]}
    elif POOLED in confirmed:
        confirmed = {POOLED: confirmed[POOLED]}
    if fair:
        return _summary("moved", "behavior_change", fair)
    if confirmed:
        return _summary("unfair", "behavior_change", confirmed)
    if rose:
        return _summary("early", "behavior_change", {POOLED: rose[POOLED]} if POOLED in rose else rose)
    fell = {b: e for b, e in changes.items() if classify(e) == "negative" and vd.confirmed(e, policy)}
    if fell:
        return _summary("fell", "behavior_change", fell)
    if all(classify(e) == "too_few" for e in changes.values()):
        return _summary("too_few", "behavior_change", changes)
    unclear = {b: e for b, e in changes.items() if classify(e) == "no_clear_change"}
    if POOLED in unclear:
        unclear = {POOLED: unclear[POOLED]}
    return _summary("not_moved", "behavior_change", unclear, with_value=False)


def layer3(findings: Mapping[str, Any], behaviors: Iterable[str] | None = None,
           policy: vd.Policy | None = None) -> LayerSummary:
    """Summarise the outcome link (win-rate change per point) for ``behaviors`` (default: all).

    ``moved``: an established positive link; ``fell``: a negative one that holds at the confirmation
    level; ``not_moved``: otherwise when there is a number (including clear but unconfirmed links);
    ``not_observable``: only ``too_few`` (no number yet, or too few coached reps) or no estimate.
    """
    policy = policy or policy_of(findings)
    links = estimates_with_prefix(findings, "win_rate_change_per_point")
    if behaviors is not None:
        wanted = set(behaviors) | {POOLED}
        links = {b: e for b, e in links.items() if b in wanted}
    links = {b: e for b, e in links.items() if classify(e) != "missing"}
    moved = {b: e for b, e in links.items()
             if classify(e) == "positive" and is_established(e, policy, ids.make("win_rate_change_per_point", b))}
    fell = {b: e for b, e in links.items() if classify(e) == "negative" and vd.confirmed(e, policy)}
    unclear = {b: e for b, e in links.items() if classify(e) != "too_few" and b not in moved and b not in fell}
    for state, chosen in (("moved", moved), ("fell", fell), ("not_moved", unclear)):
        if chosen:
            return _summary(state, "win_rate_change_per_point", chosen, with_value=state != "not_moved")
    return _summary("not_observable", "win_rate_change_per_point", links, with_value=False)
