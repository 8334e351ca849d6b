"""The recommendation a QBR deck ends on, by the rule table in params (``decision:``) over stored verdicts.

:func:`decide` reads each link of the evidence chain from its estimate's stored verdict (``missing``
when the estimate is absent), takes the first rule whose conditions all hold (else ``otherwise``)
and returns what ``findings.json`` stores as ``decision``::

    {"recommendation": "continue", "label": "Continue", "rule": "<the rule in words>",
     "reasons": ["<one sentence per link the rule looked at>", ...], "next": "<what to do, by when>",
     "links": {"behavior": {"id": ..., "verdict": ...}, ...}, "rule_index": 4}

The guard that a team with no effect is never told to expand is in the params model
(:class:`coaching_roi.config.Decision`): an ``expand`` rule must require positive behavior and
outcome links; and here, an ``expand`` rule holds only when those positive links are also confirmed
(:func:`coaching_roi.verdict.confirmed`, params ``verdicts.confirm_level``), so spending more never
rests on an early signal. Nothing here compares an interval with anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi import settle, story
from coaching_roi import verdict as vd
from coaching_roi.config import Config, DecisionRule, quarter_label

LABELS = {"expand": "Expand", "continue": "Continue", "hold": "Hold and collect", "redesign": "Redesign the coaching"}
LINK_NAMES = {"behavior": "Behavior change", "fairness": "Fairness check", "outcome": "Win-rate link"}
VERDICT_WORDS = vd.ROW_PHRASINGS["rule_condition"]  # a rule's condition on a link, in words


def link_verdicts(findings: Mapping[str, Any], links: Mapping[str, str]) -> dict[str, str]:
    """Each link's stored verdict (``missing`` when its estimate is absent)."""
    est = findings.get("estimates") or {}
    return {name: story.classify(est.get(eid)) for name, eid in links.items()}


def matches(rule: DecisionRule, verdicts: Mapping[str, str]) -> bool:
    return all(verdicts.get(link, "missing") in allowed for link, allowed in rule.when.items())


def confirmed_enough(rule: DecisionRule, findings: Mapping[str, Any], links: Mapping[str, str],
                     policy: vd.Policy) -> bool:
    """A rule with ``confirmed: true`` also needs each link it requires to be clear (positive/negative) to hold
    at the confirmation level (:func:`verdict.confirmed`); other rules hold as matched."""
    if not rule.confirmed:
        return True
    est = findings.get("estimates") or {}
    clear = {"positive", "negative"}
    return all(vd.confirmed(est.get(links[k]) or {}, policy)
               for k, allowed in rule.when.items() if k in links and set(allowed) <= clear)


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def rule_condition(rule: DecisionRule) -> str:
    """'behavior change: a clear rise, and win-rate link: a clear rise → Expand'."""
    confirmed = " (confirmed)" if rule.confirmed else ""
    conds = ", and ".join(
        f"{LINK_NAMES.get(k, k.replace('_', ' ')).lower()}: {_or([VERDICT_WORDS.get(v, v) for v in allowed])}"
        + (confirmed if set(allowed) <= {"positive", "negative"} else "")
        for k, allowed in rule.when.items())
    return f"{conds or 'no other rule applies'} → {LABELS[rule.recommendation]}"


def rule_text(rule: DecisionRule) -> str:
    """'<because> (when behavior change: a clear rise, and win-rate link: no clear change … → Continue).'"""
    return f"{rule.because} (when {rule_condition(rule)})."


def _short(eid: str, est: Mapping[str, Any], policy: vd.Policy) -> str:
    """'+1.1 points (<level> CI +0.6 to +1.6 points; 12 coached reps)', the level from the policy."""
    if est.get("value") is None:
        return vd.n_text(est.get("n"), str(est.get("n_unit", "reps")))
    return (f"{vd.value_text(eid, est)} ({vd.interval_text(eid, est, policy)}; "
            f"{int(est.get('n') or 0):,} {est.get('n_unit', 'reps')})")


CHECK_STATES = {  # a check (e.g. the pre-trend) passes when nothing is detected: its own words
    "no_clear_change": vd.State("passed", "Passed", vd.STATES["established"].colour),
    "positive": vd.State("failed", "Failed", vd.STATES["wrong_way"].colour),
    "negative": vd.State("failed", "Failed", vd.STATES["wrong_way"].colour),
}


def link_state(est: Mapping[str, Any] | None, policy: vd.Policy, eid: str) -> vd.State:
    """The state word and colour of a link; a check (direction "neither") reads Passed / Failed."""
    if vd.phrasing(eid).better == "neither" and est and est.get("verdict") in CHECK_STATES:
        return CHECK_STATES[est["verdict"]]
    return vd.state(est, policy, eid)


def link_reason(name: str, eid: str, findings: Mapping[str, Any], policy: vd.Policy,
                labels: Mapping[str, str] | None = None) -> str:
    """'Behavior change: Established — +1.1 points (<level> CI …; 12 coached reps).'"""
    est = (findings.get("estimates") or {}).get(eid)
    what = LINK_NAMES.get(name, ids.label(eid, labels))
    st = link_state(est, policy, eid)
    if est is None:
        return f"{what}: {st.word} — {story.reason_for(findings, eid)}."
    return f"{what}: {st.word} — {_short(eid, est, policy)}."


def chips(decision: Mapping[str, Any], findings: Mapping[str, Any], cfg: Config) -> list[dict[str, str]]:
    """One chip per link the decision rests on: ``{"link", "word", "colour"}`` (the word is never left out)."""
    policy = vd.Policy.from_config(cfg)
    est = findings.get("estimates") or {}
    out = []
    for name, info in (decision.get("links") or {}).items():
        st = link_state(est.get(info["id"]), policy, info["id"])
        out.append({"link": LINK_NAMES.get(name, name.replace("_", " ").capitalize()), "word": st.word, "colour": st.colour})
    return out


def _next(rec: str, verdicts: Mapping[str, str], links: Mapping[str, str], findings: Mapping[str, Any],
          cfg: Config) -> str:
    """What to do next, by when (one or two short sentences)."""
    est = findings.get("estimates") or {}
    nxt = quarter_label(cfg.quarter, 1)
    if rec == "expand":
        return f"Extend coaching to more reps on the same cadence; re-read the chain in {nxt}."
    if rec == "continue":
        o = est.get(links["outcome"]) or {}
        when = o.get("observable_from") or (o.get("target_quarter") if o.get("value") is None else None) or nxt
        return f"Keep the coaching cadence and read the win-rate link again in {when}."
    if rec == "hold":
        if verdicts.get("behavior") == "missing":
            return ("Collect a coaching log (who was coached on which behavior, when, with an observable) and "
                    "scored calls before and after coaching.")
        if verdicts.get("fairness") in ("positive", "negative"):
            return f"Keep coaching as is and re-check the comparison in {nxt} before any spend decision."
        return f"Coach more reps, with scored calls before and after, and decide in {nxt}."
    return f"Change what is coached or how (one behavior per session, an observable, a weekly cadence); re-read in {nxt}."


def decide(findings: Mapping[str, Any], cfg: Config, *, per_quarter: Mapping[str, float] | None = None) -> dict:
    """The recommendation, the rule that produced it and its reasons (see the module docstring)."""
    policy = vd.Policy.from_config(cfg)
    links = dict(cfg.decision.links)
    verdicts = link_verdicts(findings, links)
    rules = list(cfg.decision.rules)
    idx = next((i for i, r in enumerate(rules)
                if matches(r, verdicts) and confirmed_enough(r, findings, links, policy)), None)
    rule = rules[idx] if idx is not None else cfg.decision.otherwise
    looked = list(rule.when) or [k for k in ("behavior", "outcome") if k in links]
    reasons = [link_reason(k, links[k], findings, policy, cfg.rubric.labels) for k in links if k in looked]
    est = findings.get("estimates") or {}
    to_know = [a for a in (settle.assess(links[k], est.get(links[k]), policy=policy, per_quarter=per_quarter)
                           for k in links if k in looked and k != "fairness") if a]
    return {
        "recommendation": rule.recommendation,
        "label": LABELS[rule.recommendation],
        "because": rule.because,
        "rule": rule_text(rule),
        "reasons": reasons,
        "next": _next(rule.recommendation, verdicts, links, findings, cfg),
        "to_know": [a["sentence"] for a in to_know],
        "links": {k: {"id": links[k], "verdict": verdicts[k]} for k in links},
        "rule_index": idx,
    }
