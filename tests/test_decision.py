"""The decision rule: params table over stored verdicts, its guard against ``expand`` without an effect,
and a user-replaced rule."""

from __future__ import annotations

import itertools

import pytest

from coaching_roi import config, decision, verdict
from coaching_roi.errors import WorkbookError

POLICY = verdict.Policy()
VERDICT_VALUES = {  # (value, ci_low, ci_high, n) giving each verdict on coached reps
    "positive": (1.0, 0.5, 1.5, 14),
    "negative": (-1.0, -1.5, -0.5, 14),
    "no_clear_change": (0.1, -0.4, 0.6, 14),
    "too_few": (1.0, 0.5, 1.5, 3),
}


def cfg(tmp_path, decision_over: dict | None = None) -> config.Config:
    over = {"decision": decision_over} if decision_over else {}
    return config.build(quarter="2026Q3", data_dir=str(tmp_path), run_dir=str(tmp_path / "run"), overrides=over,
                        check_paths=False)


def findings(behavior: str, outcome: str, fairness: str = "no_clear_change", **outcome_extra) -> dict:
    est = {}
    for key, v, unit in (("behavior_change::all", behavior, "points"), ("event_study_pretrend::all", fairness, "points"),
                         ("win_rate_change_per_point::all", outcome, "fraction")):
        if v == "missing":
            continue
        value, lo, hi, n = VERDICT_VALUES[v]
        if unit == "fraction":
            value, lo, hi = value / 20, lo / 20, hi / 20
        extra = outcome_extra if key.startswith("win_rate") else {}
        est[key] = verdict.make(key, value=value, ci_low=lo, ci_high=hi, n=n, n_unit="coached reps", unit=unit,
                                policy=POLICY, **extra)
        assert est[key]["verdict"] == v
    return {"quarter": "2026Q3", "estimates": est, "status": {"03_cohort_comparison": "ok"}, "extra": {}}


@pytest.mark.parametrize(
    ("behavior", "outcome", "fairness", "expected"),
    [
        ("positive", "positive", "no_clear_change", "expand"),
        ("positive", "no_clear_change", "no_clear_change", "continue"),
        ("positive", "too_few", "no_clear_change", "continue"),
        ("positive", "missing", "no_clear_change", "continue"),
        ("positive", "negative", "no_clear_change", "redesign"),
        ("positive", "positive", "positive", "hold"),  # already diverging before coaching: not a fair comparison
        ("negative", "positive", "no_clear_change", "redesign"),
        ("no_clear_change", "positive", "no_clear_change", "redesign"),
        ("too_few", "positive", "no_clear_change", "hold"),
        ("missing", "missing", "missing", "hold"),
    ],
)
def test_default_rule_table(tmp_path, behavior, outcome, fairness, expected):
    d = decision.decide(findings(behavior, outcome, fairness), cfg(tmp_path))
    assert d["recommendation"] == expected
    assert d["label"] == decision.LABELS[expected] and d["rule"].startswith(d["because"])
    assert {"recommendation", "rule", "reasons"} <= set(d)
    assert d["links"]["behavior"]["verdict"] == behavior


def test_no_effect_is_never_expand_under_any_verdicts(tmp_path):
    c = cfg(tmp_path)
    states = ["positive", "negative", "no_clear_change", "too_few", "missing"]
    for b, o, fair in itertools.product(states, states, states):
        d = decision.decide(findings(b, o, fair), c)
        if d["recommendation"] == "expand":
            assert (b, o) == ("positive", "positive"), (b, o, fair)


def test_continue_says_when_the_outcome_can_be_read(tmp_path):
    f = findings("positive", "too_few", observable_from="2027Q1")
    f["estimates"]["win_rate_change_per_point::all"] = verdict.make(
        "win_rate_change_per_point::all", value=None, ci_low=None, ci_high=None, n=2, n_unit="coached reps",
        unit="fraction", policy=POLICY, observable_from="2027Q1")
    d = decision.decide(f, cfg(tmp_path))
    assert d["recommendation"] == "continue" and "2027Q1" in d["next"]


def test_hold_says_what_to_collect_with_the_cadence(tmp_path):
    d = decision.decide(findings("too_few", "missing"), cfg(tmp_path), per_quarter={"coached reps": 2.0})
    assert d["recommendation"] == "hold"
    assert any("at least 5 coached reps (now 3): about 1 more quarter" in t for t in d["to_know"])
    assert decision.decide(findings("missing", "missing"), cfg(tmp_path))["next"].startswith("Collect a coaching log")


def test_reasons_name_each_link_with_its_state_and_interval(tmp_path):
    d = decision.decide(findings("positive", "no_clear_change"), cfg(tmp_path))
    assert d["reasons"][0] == "Behavior change: Established — +1.0 points (95% CI +0.5 points to +1.5 points; 14 coached reps)."
    assert d["reasons"][1].startswith("Win-rate link: Not visible yet — ")
    chips = decision.chips(d, findings("positive", "no_clear_change"), cfg(tmp_path))
    assert [c["word"] for c in chips] == ["Established", "Passed", "Not visible yet"] and all(c["colour"] for c in chips)


def test_a_user_can_replace_the_rule(tmp_path):
    rules = {"rules": [{"recommendation": "continue", "when": {"behavior": ["no_clear_change"]},
                        "because": "We give coaching two quarters before judging it"}],
             "otherwise": {"recommendation": "hold", "because": "Wait"}}
    c = cfg(tmp_path, rules)
    d = decision.decide(findings("no_clear_change", "missing"), c)
    assert d["recommendation"] == "continue" and d["because"] == "We give coaching two quarters before judging it"
    assert decision.decide(findings("positive", "positive"), c)["recommendation"] == "hold"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"rules": [{"recommendation": "expand", "when": {"behavior": ["positive"]}, "because": "x"}]},
         "must require behavior: \\[positive\\] and outcome: \\[positive\\]"),
        ({"rules": [{"recommendation": "expand", "when": {"behavior": ["positive", "no_clear_change"],
                                                          "outcome": ["positive"]}, "because": "x"}]},
         "so that a team with no measured effect is never told to expand"),
        ({"otherwise": {"recommendation": "expand", "because": "x"}}, "decision.otherwise: an `expand` rule must require"),
        ({"rules": [{"recommendation": "expand", "when": {"behavior": ["positive"], "outcome": ["positive"]},
                     "because": "x"}]}, "must have `confirmed: true`"),
        ({"rules": [{"recommendation": "hold", "when": {"mood": ["positive"]}, "because": "x"}]}, "unknown link"),
        ({"rules": [{"recommendation": "grow", "when": {}, "because": "x"}]}, "recommendation"),
    ],
)
def test_params_guard_the_rule(tmp_path, over, message):
    with pytest.raises(WorkbookError, match=message):
        cfg(tmp_path, over)


def test_expand_needs_confirmed_links_not_early_signals(tmp_path):
    """Clear at 95% but not at the confirmation level: more spend never rests on an early signal."""
    f = findings("positive", "positive")
    f["estimates"]["behavior_change::all"] = verdict.make(
        "behavior_change::all", value=1.0, ci_low=0.1, ci_high=1.9, n=14, n_unit="coached reps", unit="points",
        policy=POLICY)
    assert f["estimates"]["behavior_change::all"]["verdict"] == "positive"
    assert not verdict.confirmed(f["estimates"]["behavior_change::all"], POLICY)
    d = decision.decide(f, cfg(tmp_path))
    assert d["recommendation"] == "continue" and "confirm" in d["because"], d
    assert decision.decide(findings("positive", "positive"), cfg(tmp_path))["recommendation"] == "expand"
    expand_rule = next(r for r in cfg(tmp_path).decision.rules if r.recommendation == "expand")
    assert "(confirmed)" in decision.rule_text(expand_rule)


def test_confirmation_is_a_field_of_any_rule(tmp_path):
    """``confirmed: true`` is read from the rule, whatever it recommends: a custom ``continue`` rule that
    asks for it does not match on an early signal, and the next rule decides."""
    rules = {"rules": [
        {"recommendation": "continue", "when": {"behavior": ["positive"]}, "because": "confirmed rise", "confirmed": True},
        {"recommendation": "hold", "when": {"behavior": ["positive"]}, "because": "early rise"},
    ]}
    early = findings("positive", "positive")
    early["estimates"]["behavior_change::all"] = verdict.make(
        "behavior_change::all", value=1.0, ci_low=0.1, ci_high=1.9, n=14, n_unit="coached reps", unit="points",
        policy=POLICY)
    c = cfg(tmp_path, rules)
    assert decision.decide(early, c)["because"] == "early rise"
    assert decision.decide(findings("positive", "positive"), c)["because"] == "confirmed rise"
    assert "(confirmed)" in decision.rule_text(c.decision.rules[0])
    assert "(confirmed)" not in decision.rule_text(c.decision.rules[1])
