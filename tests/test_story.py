"""Every rule of coaching_roi.story, on hand-built findings with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from coaching_roi import story, verdict

POLICY = verdict.Policy()
UNITS = {"fraction", "points", "weeks", "usd", "auc"}


def est(value, lo, hi, n=30, unit="points", n_unit="reps", key="x", **extra):
    """An estimate as a notebook writes it (verdict and reading decided by coaching_roi.verdict)."""
    return verdict.make(key, value=value, ci_low=lo, ci_high=hi, n=n, n_unit=n_unit, unit=unit, policy=POLICY, **extra)


def F(status=None, **estimates) -> dict:
    """Findings with estimates given as keyword args ('__' stands for '::')."""
    return {
        "quarter": "2026Q3",
        "estimates": {k.replace("__", "::"): v for k, v in estimates.items()},
        "status": status if status is not None else {"03_cohort_comparison": "ok"},
        "extra": {},
    }


# ------------------------------------------------------------------------------------ classify
@pytest.mark.parametrize(
    ("e", "expected"),
    [
        (None, "missing"),
        ({"value": 1.0}, "missing"),  # no stored verdict: not an estimate of this workbook
        (est(None, None, None), "too_few"),
        (est(1.0, 0.5, 1.5, n=3), "too_few"),
        (est(0.2, -0.1, 0.5), "no_clear_change"),
        (est(0.2, 0.1, 0.5), "positive"),
        (est(-0.2, -0.5, -0.1), "negative"),
    ],
)
def test_classify_reads_the_stored_verdict(e, expected):
    assert story.classify(e) == expected


def test_sentence_is_the_stored_reading_or_why_it_is_missing():
    e = est(0.18, 0.05, 0.30, unit="fraction", key="quartile_win_rate_gap")
    assert story.sentence("quartile_win_rate_gap", e) == e["reading"]
    f = F(status={"03_cohort_comparison": "skipped: no coaching_sessions table"})
    s = story.sentence("behavior_change::quantified_impact", None, findings=f)
    assert "could not be computed" in s and "no coaching log table" in s  # the reason in a reader's words
    assert "notebook 02 has not run" in story.sentence("behavior_auc", None, findings=F(status={}))
    assert "_" not in story.sentence("behavior_auc", None, findings=F(status={})).split("(")[0]


# ------------------------------------------------------------------------------------ layers
def test_layer2_moved_averages_the_behaviors_that_rose():
    f = F(behavior_change__a=est(2.0, 1.0, 3.0), behavior_change__b=est(4.0, 3.0, 5.0),
          behavior_change__c=est(0.1, -1, 1))
    l2 = story.layer2(f)
    assert l2.state == "moved" and l2.behaviors == ("a", "b") and l2.mean_value == pytest.approx(3.0)


def test_layer2_unfair_when_the_pretrend_flags_the_only_rise():
    f = F(behavior_change__a=est(2.0, 1.0, 3.0), event_study_pretrend__a=est(0.6, 0.3, 0.9))
    assert story.layer2(f).state == "unfair"


def test_layer2_fell_not_moved_small_missing():
    assert story.layer2(F(behavior_change__a=est(-2.0, -3.0, -1.0))).state == "fell"
    assert story.layer2(F(behavior_change__a=est(0.2, -0.5, 0.9))).state == "not_moved"
    assert story.layer2(F(behavior_change__a=est(3.0, 2.0, 4.0, n=3))).state == "too_few"
    assert story.layer2(F()).state == "missing"
    assert story.layer2(F(behavior_change__a=est(None, None, None))).state == "too_few"


def test_layer3_states():
    assert story.layer3(F(win_rate_change_per_point__a=est(0.03, 0.02, 0.04, unit="fraction"))).state == "moved"
    assert story.layer3(F(win_rate_change_per_point__a=est(0.03, 0.01, 0.05, unit="fraction"))).state == "not_moved"  # not confirmed
    assert story.layer3(F(win_rate_change_per_point__a=est(-0.03, -0.04, -0.02, unit="fraction"))).state == "fell"
    assert story.layer3(F(win_rate_change_per_point__a=est(0.01, -0.02, 0.04, unit="fraction"))).state == "not_moved"
    assert story.layer3(F()).state == "not_observable"
    assert story.layer3(F(win_rate_change_per_point__a=est(None, None, None))).state == "not_observable"
    assert story.layer3(F(win_rate_change_per_point__a=est(0.03, 0.01, 0.05, n=3, unit="fraction"))).state == "not_observable"
    # restricted to the behaviors that moved
    f = F(win_rate_change_per_point__other=est(0.03, 0.01, 0.05, unit="fraction"))
    assert story.layer3(f, ["a"]).state == "not_observable"


# ------------------------------------------------------------------------------------ headline
GAP_POS = est(0.2, 0.12, 0.28, unit="fraction", key="quartile_win_rate_gap")
GAP_ZERO = est(0.02, -0.08, 0.12, unit="fraction", key="quartile_win_rate_gap")


def test_headline_full_chain():
    f = F(behavior_change__quantified_impact=est(2.0, 1.0, 3.0),
          win_rate_change_per_point__quantified_impact=est(0.04, 0.025, 0.055, unit="fraction"))
    hl = story.headline_with_ids(f, quarter="2026Q3")
    assert "quantified impact" in hl.text and "2.0 points" in hl.text and "won more" in hl.text
    assert hl.ids == ("behavior_change::quantified_impact", "win_rate_change_per_point::quantified_impact")


def test_headline_scores_rose_win_rates_not_yet_when_layer3_flat():
    f = F(behavior_change__quantified_impact=est(4.0, 2.5, 5.5),
          win_rate_change_per_point__quantified_impact=est(0.01, -0.02, 0.04, unit="fraction"))
    hl = story.headline_with_ids(f, quarter="2026Q3")
    assert "rose 4.0 points on average" in hl.text
    assert "win rates have not moved yet" in hl.text and "watching the cohort through 2026Q4" in hl.text
    # the unclear link is named in the IDs but its number is not stated
    assert "win_rate_change_per_point::quantified_impact" in hl.ids and "1 pp" not in hl.text


def test_headline_scores_rose_win_rates_not_yet_when_layer3_not_observable():
    f = F(behavior_change__a=est(2.0, 1.0, 3.0), behavior_change__b=est(3.0, 2.0, 4.0),
          behavior_change__c=est(3.0, 2.0, 4.0))
    h = story.headline(f, quarter="2026Q4")
    assert "the coached behaviors" in h and "watching the cohort through 2027Q1" in h


def test_headline_two_behaviors_are_named():
    f = F(behavior_change__a_b=est(2.0, 1.0, 3.0), behavior_change__c=est(3.0, 2.0, 4.0))
    assert "Scores on a b and c rose" in story.headline(f, quarter="2026Q3")


def test_headline_unfair_comparison_makes_no_claim():
    f = F(behavior_change__a=est(2.0, 1.0, 3.0), event_study_pretrend__a=est(0.6, 0.3, 0.9))
    h = story.headline(f, quarter="2026Q3")
    assert "already improving" in h and "not yet claiming" in h


def test_headline_fell():
    h = story.headline(F(behavior_change__a=est(-2.0, -3.0, -1.0)), quarter="2026Q3")
    assert "fell 2.0 points" in h


def test_headline_too_few():
    h = story.headline(F(behavior_change__a=est(3.0, 2.0, 4.0, n=3)), quarter="2026Q3")
    assert h.startswith("Too few coached reps (at most 3)")


def test_headline_not_moved_with_and_without_the_gap():
    base = {"behavior_change__a": est(0.2, -0.5, 0.9)}
    h1 = story.headline(F(**base, quartile_win_rate_gap=GAP_POS), quarter="2026Q3")
    h2 = story.headline(F(**base, quartile_win_rate_gap=GAP_ZERO), quarter="2026Q3")
    assert "not clearly moved" in h1 and "no revenue claim" in h1 and "higher-scoring reps still win more" in h1
    assert "not clearly moved" in h2 and "higher-scoring" not in h2


def test_headline_without_layer2_falls_back_on_the_gap():
    assert story.headline(F(quartile_win_rate_gap=GAP_POS), quarter="2026Q3").startswith("Higher-scoring reps win more")
    neg = est(-0.2, -0.3, -0.1, unit="fraction")
    assert "did not go with higher win rates" in story.headline(F(quartile_win_rate_gap=neg), quarter="2026Q3")
    h = story.headline(F(quartile_win_rate_gap=GAP_ZERO), quarter="2026Q3")
    assert h.startswith("No clear win-rate difference")


def test_headline_with_nothing():
    assert story.headline(F(), quarter="2026Q3").startswith("Not enough data")


@pytest.mark.parametrize("seed", range(5))
def test_headline_claims_nothing_when_every_interval_covers_zero(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    ests = {}
    for k in ("quartile_win_rate_gap", "behavior_change::a", "behavior_change::b",
              "win_rate_change_per_point::a", "ramp_weeks_saved::quota_80"):
        v = float(rng.normal(0, 0.5))
        ests[k] = est(v, v - 1.0, v + 1.0, unit="fraction" if "rate" in k or "gap" in k else "points")
    f = {"estimates": ests, "status": {}, "extra": {}}
    h = story.headline(f, quarter="2026Q3")
    assert not any(w in h.lower() for w in ("rose", "won more", "win more", "faster", "returned", "coaching moved"))


# ------------------------------------------------------------------------------------ gap & caveats
def test_gap_sentence_is_the_stored_reading():
    assert story.gap_sentence(F(quartile_win_rate_gap=GAP_POS)) == GAP_POS["reading"]
    assert "could not be computed" in story.gap_sentence(F())


def test_caveats_cover_pretrend_small_n_lag_correlation_and_roi():
    f = F(quartile_win_rate_gap=GAP_POS, behavior_change__a=est(2.0, 1.0, 3.0),
          event_study_pretrend__b=est(0.5, 0.2, 0.8),
          ramp_weeks_saved__quota_80=est(5, 2, 8, n=3, unit="weeks", n_unit="new hires"),
          roi_pct=est(1.5, 0.5, 2.5, unit="fraction"))
    cav = story.caveats(f, quarter="2026Q3", isolation_factor=0.5, confidence_discount=0.8)
    text = " ".join(cav)
    assert "Pre-trend check fails for b" in text
    assert "Too few to tell yet: Ramp weeks saved to the first month at 80% of quota" in text
    assert "not observable yet" in text and "2026Q4" in text
    assert "predict wins, not that coaching caused" in text
    assert "50%" in text and "80% confidence" in text
    assert cav[-1].startswith("Reps were not randomly assigned")


def test_caveats_minimal():
    cav = story.caveats(F(), quarter="2026Q3")
    assert not any("not observable yet" in c for c in cav)  # no behavior change measured: no lag to wait for
    assert not any("ROI" in c for c in cav)
    moved = F(behavior_change__a=est(2.0, 1.0, 3.0))
    assert any("not observable yet" in c for c in story.caveats(moved, quarter="2026Q3"))


# ------------------------------------------------------------------------------------ headcount
def test_headcount_sentence_only_when_the_low_end_covers_a_role():
    assert "2.0× the $160K" in story.headcount_sentence(est(500_000, 320_000, 700_000, unit="usd"), role_cost=160_000)
    assert story.headcount_sentence(est(500_000, 100_000, 700_000, unit="usd"), role_cost=160_000) is None
    assert story.headcount_sentence(est(500_000, -10_000, 700_000, unit="usd"), role_cost=160_000) is None
    assert story.headcount_sentence(None, role_cost=160_000) is None


# ------------------------------------------------------------------------------------ example reps
ROW = {"behavior": "quantified_impact", "behavior_label": "Quantifies the business impact",
       "observable": "Ask for the cost of the problem in dollars", "n_sessions": 6,
       "first_session_date": pd.Timestamp("2026-07-06"), "before_score": 3.0, "after_score": 7.0,
       "win_rate_before": 0.25, "win_rate_after": 0.4, "n_deals_before": 8, "n_deals_after": 10}


def test_intervention_sentence_from_the_coaching_log():
    s = story.intervention_sentence(ROW)
    assert s == "Coached on quantified impact in 6 sessions from 06 Jul; committed to: “Ask for the cost of the problem in dollars”."


def test_intervention_sentence_without_observable_or_date():
    s = story.intervention_sentence({**ROW, "observable": None, "first_session_date": None, "n_sessions": 1})
    assert s == "Coached on quantified impact in 1 session; no observable was recorded."
    assert "no observable" in story.intervention_sentence({**ROW, "observable": pd.NA})


def test_movement_sentence_branches():
    s = story.movement_sentence(ROW)
    # Wilson intervals at the confidence level, with the deal counts behind each win rate
    assert s == "Score 3.0 → 7.0 of 10 (+4.0). Win rate 25% of 8 deals (95% CI 7–59%) → 40% of 10 deals (17–69%)."
    assert "90% CI" in story.movement_sentence(ROW, level=0.9)
    few = story.movement_sentence({**ROW, "n_deals_after": 2, "win_rate_after": 0.5})
    assert "by chance" in few and "50% of 2 deals" in few
    none_after = story.movement_sentence({**ROW, "win_rate_after": float("nan"), "n_deals_after": 0})
    assert "no deals closed since coaching yet" in none_after


def test_intervention_sentence_with_rubric_labels_or_without_the_behavior():
    labels = {"quantified_impact": "Quantifies the business impact"}
    assert story.intervention_sentence(ROW, labels=labels).startswith("Coached on “Quantifies the business impact” in 6")
    assert story.intervention_sentence(ROW, labels=labels, with_behavior=False).startswith("6 sessions from 06 Jul;")


# ------------------------------------------------------------------------------------ plain words
@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("needs 02_rep_quarter_composite", "needs notebook 02's rep scores"),
        ("no coaching_sessions table", "no coaching log table"),
        ("needs reps.hire_date and reps.onboarding_program", "needs hire date (rep list) and onboarding program (rep list)"),
        ("No coaching log (coaching_sessions): nothing", "No coaching log: nothing"),
        ("see ramp_weeks_saved::quota_80", "see ramp weeks saved to the first month at 80% of quota"),
        ("read from sales_pipeline.csv", "read from sales_pipeline.csv"),  # the user's own file name stays
    ],
)
def test_plain_replaces_internal_names_in_reasons(raw, plain):
    assert story.plain(raw) == plain


def test_short_reason_is_the_first_clause():
    f = F(status={"03_cohort_comparison": "skipped: no coaching log"})
    f["extra"] = {"03_cohort_comparison": {"not_computed": {"layers_2_3": "No coaching log (coaching_sessions): who "
                                                             "was coached on what is unknown. More."}}}
    assert story.short_reason(f, "behavior_change::all") == "No coaching log"
    assert story.short_reason(F(status={}), "behavior_auc") == "Notebook 02 has not run for this quarter"


# ------------------------------------------------------------------------------------ main slides
def test_chain_title_and_examples_framing_follow_the_layer_verdicts():
    moved = est(1.0, 0.5, 1.5, n=12, n_unit="coached reps", key="behavior_change::all")
    win = est(0.04, 0.025, 0.055, n=12, n_unit="coached reps", unit="fraction", key="win_rate_change_per_point::all")
    flat = est(0.0, -0.05, 0.05, n=12, n_unit="coached reps", unit="fraction", key="win_rate_change_per_point::all")
    both = F(behavior_change__all=moved, win_rate_change_per_point__all=win)
    only = F(behavior_change__all=moved, win_rate_change_per_point__all=flat)
    none = F(behavior_change__all=est(0.1, -0.4, 0.6, n=12, n_unit="coached reps", key="behavior_change::all"))
    assert story.chain_title(both) == "Coaching moved behavior; reps whose behavior moved won more"
    assert story.chain_title(only) == "Coaching moved call behavior; its effect on wins is not visible yet"
    assert story.chain_title(none).startswith("Coaching has not clearly moved call behavior yet")
    assert story.chain_title(F()).startswith("The evidence chain cannot be measured yet")
    assert "examples of it" in story.examples_framing(both, 3)[1]
    title, lead = story.examples_framing(only, 2)
    assert title.endswith("win rates are single cases") and "not evidence" in lead and lead.startswith("2 reps")
    assert story.examples_framing(none, 3)[0] == "Coached reps: individual cases, not a team-wide result"


# ------------------------------------------------------------------------------------ pseudonyms
def test_aliases_are_stable_unique_and_scrub_whole_names():
    a = story.alias_map([f"AE{i:03d}" for i in range(300)])
    assert len(set(a.values())) == 300
    assert story.alias("AE001") == story.alias("AE001") and story.alias("AE001").startswith("Rep ")
    repl = {"Ann Lee": "Rep KXT", "Ann": "Rep QQQ"}
    assert story.scrub("Ann Lee met Ann; Annabel stays.", repl) == "Rep KXT met Rep QQQ; Annabel stays."
    assert story.scrub("", repl) == ""


def test_small_sample_flag_makes_a_clear_result_an_early_signal():
    # 8 hires in all but 4 per program: the notebook flags it; the verdict stays positive, the words say early.
    e = est(4.4, 4.3, 8.4, n=8, unit="weeks", n_unit="new hires", key="ramp_weeks_saved::quota_80", small_sample=True)
    assert story.classify(e) == "positive"
    assert e["reading"].startswith("Early signal (n = 8 new hires, in small groups)")


def test_policy_of_rebuilds_the_whole_policy_a_run_used():
    """A custom ``verdicts.established_n`` (and power, minimum n) reaches every reader of findings.json:
    the story reads the policy the run wrote, not defaults."""
    from coaching_roi import verdict as vd

    custom = vd.Policy(level=0.9, power=0.9, confirm_level=0.99, min_n={"coached reps": 3},
                       established_n={"coached reps": 40})
    back = story.policy_of(custom.to_findings())
    assert back == vd.Policy(level=0.9, power=0.9, confirm_level=0.99, min_n={**vd.DEFAULT_MIN_N, "coached reps": 3},
                             established_n={**vd.DEFAULT_ESTABLISHED_N, "coached reps": 40})
    assert back.established_for("coached reps") == 40
    est = vd.make("behavior_change::all", value=2.0, ci_low=1.5, ci_high=2.5, n=20, n_unit="coached reps",
                  unit="points", policy=custom)
    assert vd.state(est, back, "behavior_change::all").key != "established"  # 20 < 40 coached reps
    assert vd.state(est, vd.Policy(level=0.9, confirm_level=0.99), "behavior_change::all").key == "established"
    old = story.policy_of({"confidence_level": 0.9, "confirm_level": 0.99})  # a file written before verdict_policy
    assert (old.level, old.confirm_level, old.power) == (0.9, 0.99, vd.Policy.power)
