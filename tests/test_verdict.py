"""The one verdict rule, the minimum detectable effect, chain states and the readings built on them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coaching_roi import estimate_ids, verdict
from coaching_roi.findings import Estimate

P = verdict.Policy()


def make(eid="x", value=1.0, lo=0.5, hi=1.5, n=30, n_unit="reps", unit="points", **kw):
    return verdict.make(eid, value=value, ci_low=lo, ci_high=hi, n=n, n_unit=n_unit, unit=unit, policy=P, **kw)


# ------------------------------------------------------------------------------------ decide
@pytest.mark.parametrize(
    ("value", "lo", "hi", "n", "ref", "expected"),
    [
        (0.2, 0.1, 0.5, 30, 0.0, "positive"),
        (-0.2, -0.5, -0.1, 30, 0.0, "negative"),
        (0.2, -0.1, 0.5, 30, 0.0, "no_clear_change"),
        (0.2, 0.0, 0.5, 30, 0.0, "no_clear_change"),  # touching the reference is not clear of it
        (0.2, 0.1, 0.5, 4, 0.0, "too_few"),  # below min_n["reps"] = 5
        (0.2, 0.1, 0.5, 5, 0.0, "positive"),
        (0.2, None, 0.5, 30, 0.0, "too_few"),  # no interval
        (None, None, None, 30, 0.0, "too_few"),
        (float("nan"), 0.1, 0.5, 30, 0.0, "too_few"),
        (0.61, 0.58, 0.64, 900, 0.5, "positive"),  # an AUC against a coin flip
        (0.52, 0.45, 0.59, 900, 0.5, "no_clear_change"),
        (0.106, 0.103, 0.109, 900, 0.10, "positive"),  # a rate against its benchmark
    ],
)
def test_decide(value, lo, hi, n, ref, expected):
    assert verdict.decide(value, lo, hi, n, "reps", policy=P, reference=ref) == expected


def test_min_n_is_per_unit_and_comes_from_params():
    strict = verdict.Policy(min_n={"deals": 100})
    assert verdict.decide(0.2, 0.1, 0.3, 99, "deals", policy=strict) == "too_few"
    assert verdict.decide(0.2, 0.1, 0.3, 100, "deals", policy=strict) == "positive"
    assert verdict.decide(0.2, 0.1, 0.3, 29, "deals", policy=P) == "too_few"  # default 30 deals


def test_policy_from_config_reads_verdicts_section():
    from coaching_roi import config

    cfg = config.build(quarter="2026Q3", data_dir=".", check_paths=False,
                       overrides={"verdicts": {"min_n": {"coached reps": 8}}, "analysis": {"confidence_level": 0.9}})
    pol = verdict.Policy.from_config(cfg)
    assert pol.min_for("coached reps") == 8 and pol.min_for("deals") == 30 and pol.level == 0.9


def test_unknown_unit_in_params_is_an_error_naming_it():
    from coaching_roi import config
    from coaching_roi.errors import WorkbookError

    with pytest.raises(WorkbookError, match="widgets"):
        config.build(quarter="2026Q3", data_dir=".", check_paths=False, overrides={"verdicts": {"min_n": {"widgets": 3}}})


@given(
    value=st.floats(-1e6, 1e6),
    half=st.floats(0, 1e6),
    skew=st.floats(0, 1),
    n=st.integers(0, 10_000),
    ref=st.floats(-10, 10),
    unit=st.sampled_from(estimate_ids.N_UNITS),
)
def test_decide_properties(value, half, skew, n, ref, unit):
    lo, hi = value - half * skew, value + half * (1 - skew)
    v = verdict.decide(value, lo, hi, n, unit, policy=P, reference=ref)
    assert v in verdict.VERDICTS
    if n < P.min_for(unit):
        assert v == "too_few"
    elif v == "positive":
        assert lo > ref
    elif v == "negative":
        assert hi < ref
    else:
        assert lo <= ref <= hi
    # a verdict never flips sign when the interval moves away from the reference
    if v == "positive":
        assert verdict.decide(value + 1, lo + 1, hi + 1, n, unit, policy=P, reference=ref) == "positive"


# ------------------------------------------------------------------------------------ mde
def test_mde_is_2p8_standard_errors_for_a_normal_interval():
    # 95% interval +-1.96 => se = 1; mde at 80% power = 1.96 + 0.84 = 2.80
    assert verdict.mde(-1.96, 1.96, level=0.95, power=0.8) == pytest.approx(2.8016, abs=1e-3)


def test_mde_with_t_degrees_of_freedom_uses_t_quantiles():
    from scipy import stats

    crit, q = stats.t.ppf(0.975, 5), stats.t.ppf(0.8, 5)
    # a t interval of half-width 1 implies se = 1 / crit
    assert verdict.mde(-1, 1, level=0.95, power=0.8, df=5) == pytest.approx((crit + q) / crit)
    assert verdict.mde(None, 1, level=0.95) is None


def test_mde_scales_with_root_n():
    assert verdict.mde_at(2.0, 12, 48) == pytest.approx(1.0)
    assert verdict.mde_at(None, 12, 48) is None


def test_make_sets_mde_only_where_nothing_is_clear():
    assert "mde" not in make(value=1.0, lo=0.5, hi=1.5)
    unclear = make(value=0.2, lo=-0.4, hi=0.8)
    assert unclear["verdict"] == "no_clear_change" and unclear["mde"] == pytest.approx(
        verdict.mde(-0.4, 0.8, level=0.95, power=0.8))
    few = make(value=None, lo=None, hi=None, n=2)
    assert few["verdict"] == "too_few" and few["mde"] is None


# ------------------------------------------------------------------------------------ states
def test_states_have_a_word_and_a_colour():
    pos = make("behavior_change::all", n=30, n_unit="coached reps")
    assert verdict.state(pos, P, "behavior_change::all").word == "Established"
    early = make("behavior_change::all", n=6, n_unit="coached reps")
    assert verdict.state(early, P, "behavior_change::all").word == "Early signal"
    assert verdict.state(make(value=0.1, lo=-1, hi=1), P, "behavior_change::all").word == "Not visible yet"
    assert verdict.state(make(n=2), P, "behavior_change::all").word == "Too few to tell"
    assert verdict.state(make(value=-1, lo=-2, hi=-0.5), P, "behavior_change::all").word == "Moved the wrong way"
    assert verdict.state(None, P).word == "Not measured"
    assert len({s.colour for s in verdict.STATES.values()}) == len(verdict.STATES)


# ------------------------------------------------------------------------------------ readings
def test_positive_reading_states_direction_interval_and_n():
    e = make("quartile_win_rate_gap", 0.18, 0.12, 0.24, n=30, n_unit="AEs", unit="fraction")
    assert e["reading"] == ("Top-quartile reps won 18 pp more of their closed deals than bottom-quartile reps "
                            "(95% CI +12 pp to +24 pp, n = 30 AEs).")


def test_negative_reading_states_the_other_direction():
    e = make("quartile_win_rate_gap", -0.15, -0.25, -0.05, n_unit="AEs", unit="fraction")
    assert e["reading"].startswith("Bottom-quartile reps won 15 pp more")


def test_unclear_reading_claims_nothing_and_gives_the_mde():
    e = make("behavior_change::quantified_impact", 0.4, -0.3, 1.1, n=12, n_unit="coached reps",
             labels={"quantified_impact": "Quantifies impact"})
    r = e["reading"]
    assert r.startswith("No clear change in coached reps' scores on “Quantifies impact” relative to comparison reps: +0.4 points")
    assert "an effect smaller than 1.0 points cannot be told from noise (80% power)" in r
    assert not any(w in r for w in ("rose", "won more"))


def test_too_few_reading_says_how_many_units_would_be_enough():
    e = make("ramp_weeks_saved::quota_80", 5.0, 2.0, 8.0, n=3, n_unit="new hires", unit="weeks")
    assert e["reading"].startswith("Too few new hires to tell")
    assert "at least 6 needed" in e["reading"] and "sooner" not in e["reading"]


def test_too_few_without_a_number_says_why():
    e = make("win_rate_change_per_point::all", None, None, None, n=0, n_unit="coached reps", unit="fraction",
             why="not yet observable: 2026Q4 has no closed deals yet", lag_quarters=1)
    assert "cannot be told yet: not yet observable: 2026Q4 has no closed deals yet." in e["reading"]


def test_lag_and_level_wording():
    e = make("win_rate_change_per_point::all", 0.04, 0.01, 0.07, n_unit="coached reps", unit="fraction", lag_quarters=1)
    assert "4 pp more of their deals per point gained 1 quarter later" in e["reading"]
    auc = make("behavior_auc", 0.68, 0.62, 0.74, n=400, n_unit="deals", unit="auc", reference=0.5)
    assert auc["reading"].startswith("Call scores predict wins better than chance: AUC 0.68 (95% CI 0.62 to 0.74")
    rate = make("funnel_team_connect_rate", 0.08, 0.07, 0.09, n=5000, n_unit="dials", unit="fraction", reference=0.10)
    assert rate["verdict"] == "negative" and "below the 10% benchmark" in rate["reading"] and "+" not in rate["reading"]


def test_pretrend_reads_fair_or_not():
    fair = make("event_study_pretrend::digs_deeper", 0.05, -0.2, 0.3)
    unfair = make("event_study_pretrend::digs_deeper", 0.5, 0.2, 0.8)
    assert "looks fair" in fair["reading"] and "cannot be told from noise" not in fair["reading"]
    assert "may not be fair" in unfair["reading"]
    assert verdict.state(unfair, P, "event_study_pretrend::digs_deeper").key == "wrong_way"


def test_unknown_ids_still_get_a_reading_and_a_label():
    e = make("something_new", 1.0, 0.5, 1.5)
    assert "95% CI" in e["reading"]
    assert estimate_ids.label("something_new") == "Something new"


def test_every_reading_respects_the_configured_level():
    pol = verdict.Policy(level=0.9)
    e = verdict.make("quartile_win_rate_gap", value=0.1, ci_low=0.02, ci_high=0.2, n=30, n_unit="AEs",
                     unit="fraction", policy=pol)
    assert "90% CI" in e["reading"] and "95%" not in e["reading"]


def test_made_estimates_pass_the_findings_contract_and_recheck():
    for e in (make(), make(value=None, lo=None, hi=None), make(value=0.1, lo=-1, hi=1)):
        Estimate.model_validate(e)
        assert verdict.recheck("x", e, P) == e["verdict"]
    with pytest.raises(ValueError, match="n_unit"):
        make(n_unit="widgets")


def test_titles_follow_the_verdict():
    assert verdict.title("deal_cycle_pct_faster::b", make("deal_cycle_pct_faster::b", 0.2, 0.1, 0.3, n=900,
                         n_unit="deals", unit="fraction"), policy=P) == "Deals whose discovery call was strong on b closed 20% faster"
    unclear = make("deal_cycle_pct_faster::b", 0.02, -0.03, 0.06, n=900, n_unit="deals", unit="fraction")
    assert verdict.title("deal_cycle_pct_faster::b", unclear, policy=P) == "No clear deal-cycle difference between deals strong and weak on b"
    few = make("ramp_weeks_saved::first_win", 5, 1, 9, n=3, n_unit="new hires", unit="weeks")
    assert verdict.title("ramp_weeks_saved::first_win", few, policy=P).startswith("Too few new hires")
    assert math.isfinite(P.level)


def test_confirmation_level_separates_established_from_early_signals():
    # 95% CI +0.6 to +1.8 (se ~0.31): clear at 95%, and still clear at 99.9% (1.2 - 3.29 x 0.31 > 0)
    strong = make("behavior_change::all", 1.2, 0.6, 1.8, n=30, n_unit="coached reps")
    # 95% CI +0.1 to +2.3 (se ~0.56): clear at 95%, not at 99.9%
    weak = make("behavior_change::all", 1.2, 0.1, 2.3, n=30, n_unit="coached reps")
    assert strong["verdict"] == weak["verdict"] == "positive"
    assert verdict.confirmed(strong, P) and not verdict.confirmed(weak, P)
    assert verdict.state(strong, P, "behavior_change::all").key == "established"
    assert verdict.state(weak, P, "behavior_change::all").key == "early_signal"
    assert weak["reading"].startswith("Early signal")
    # t quantiles when the estimate carries its degrees of freedom: the same interval confirms less easily
    with_df = make("behavior_change::all", 1.2, 0.6, 1.8, n=30, n_unit="coached reps", df=4)
    assert not verdict.confirmed(with_df, P)
    assert not verdict.confirmed(make(value=0.1, lo=-1, hi=1), P)
    # a negative estimate confirms on its upper side
    assert verdict.confirmed(make(value=-1.2, lo=-1.8, hi=-0.6), P)


# ------------------------------------------------------------- rows that are not findings estimates
def test_side_is_the_comparison_inside_decide():
    pol = verdict.Policy()
    for lo, hi, ref in [(0.1, 0.3, 0.0), (-0.3, -0.1, 0.0), (-0.1, 0.1, 0.0), (0.52, 0.7, 0.5), (0.1, 0.2, 0.25)]:
        assert verdict.side(lo, hi, reference=ref) == verdict.decide(0.0, lo, hi, 1000, "deals", policy=pol, reference=ref)
    assert verdict.side(float("nan"), 1.0) == "too_few" and verdict.side(None, None) == "too_few"
    got = verdict.sides([0.1, -0.3, -0.1, float("nan")], [0.3, -0.1, 0.1, 1.0], reference=[0.0, 0.0, 0.0, 0.0])
    assert list(got) == ["positive", "negative", "no_clear_change", "too_few"]
    assert list(verdict.sides([0.21, 0.05], [0.4, 0.19], reference=[0.2, 0.2])) == ["positive", "negative"]


def test_level_text_and_row_phrases_follow_the_level():
    assert verdict.level_text(0.9) == "90%" and verdict.level_text(0.95) == verdict.Policy().level_text == "95%"
    assert verdict.row_phrase("movement", "negative", value="-3 pp", ci="90% CI -5 pp to -1 pp") == (
        "declined -3 pp (90% CI -5 pp to -1 pp)")
    for kind, words in verdict.ROW_PHRASINGS.items():
        assert "no_clear_change" in words, kind
