"""Unit and recovery tests of coaching_roi.funnel (hand numbers, then seeded simulations)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coaching_roi import funnel as fn

BENCH = {
    "connect_rate": 0.10,
    "conversation_rate": 0.75,
    "meeting_rate": 0.20,
    "show_rate": 0.80,
    "sql_rate": 0.55,
    "email_reply_rate": 0.08,
}
SKILLS = {k: f"skill for {k}" for k in BENCH}


def _counts(**reps: tuple[int, ...]) -> pd.DataFrame:
    rows = [dict(zip(("rep_id", *fn.COUNT_COLUMNS), (rid, *vals), strict=True)) for rid, vals in reps.items()]
    return pd.DataFrame(rows)


def _activity(rep_id: str, vals: tuple[int, ...], date: str = "2026-07-06") -> dict:
    return {"rep_id": rep_id, "date": pd.Timestamp(date), **dict(zip(fn.COUNT_COLUMNS, vals, strict=True))}


def test_rates_on_hand_numbers():
    counts = _counts(a=(100, 12, 10, 2, 2, 1, 50, 2))
    r = fn.stage_rates(counts, BENCH, min_volume=5).set_index("stage")
    assert r.loc["connect_rate", "rate"] == pytest.approx(0.12)
    assert r.loc["conversation_rate", "rate"] == pytest.approx(10 / 12)
    assert r.loc["meeting_rate", "rate"] == pytest.approx(0.2)
    assert r.loc["show_rate", "rate"] == pytest.approx(1.0)
    assert r.loc["sql_rate", "rate"] == pytest.approx(0.5)
    assert r.loc["email_reply_rate", "rate"] == pytest.approx(0.04)
    assert (r["ci_low"] <= r["rate"]).all() and (r["rate"] <= r["ci_high"]).all()
    assert r.loc["meeting_rate", "rel_gap"] == pytest.approx(0.0)
    # n=2 booked meetings is below min_volume: never a gap
    assert not r.loc["show_rate", "enough_volume"]


def test_zero_dials_gives_nan_not_crash():
    counts = _counts(z=(0, 0, 0, 0, 0, 0, 0, 0))
    r = fn.stage_rates(counts, BENCH)
    assert r["rate"].isna().all() and r["ci_low"].isna().all()
    assert not r["below_benchmark"].any()
    d = fn.diagnose(r, SKILLS)
    assert d.loc[0, "status"] == "no data"
    t = fn.team_rates(counts, BENCH)
    assert t["rate"].isna().all()


def test_rep_counts_filters_dates_and_sums():
    act = pd.DataFrame(
        [
            _activity("a", (10, 1, 1, 0, 0, 0, 5, 0), "2026-06-30"),  # previous quarter
            _activity("a", (10, 2, 1, 1, 1, 1, 5, 1), "2026-07-01"),
            _activity("a", (20, 3, 2, 1, 0, 0, 5, 0), "2026-09-30"),
            _activity("b", (5, 0, 0, 0, 0, 0, 0, 0), "2026-10-01"),  # next quarter
        ]
    )
    c = fn.rep_counts(act, pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01"))
    assert list(c["rep_id"]) == ["a"]
    assert c.loc[0, "dials"] == 30 and c.loc[0, "connects"] == 5 and c.loc[0, "n_rows"] == 2


def test_monotonicity_violations_flagged():
    counts = _counts(ok=(100, 10, 8, 2, 2, 1, 10, 1), bad=(10, 12, 5, 6, 2, 1, 5, 7))
    v = fn.monotonicity_violations(counts)
    assert set(v["rep_id"]) == {"bad"}
    assert set(v["check"]) == {"connects <= dials", "meetings_booked <= conversations", "email_replies <= emails_sent"}


def test_diagnosis_finds_the_only_weak_stage():
    # Every stage at benchmark except meetings booked / conversations (8% vs 20%, n=750).
    counts = _counts(weak=(10_000, 1_000, 750, 60, 48, 26, 1_000, 80))
    r = fn.stage_rates(counts, BENCH, min_volume=30)
    assert r.loc[r["below_benchmark"], "stage"].tolist() == ["meeting_rate"]
    d = fn.diagnose(r, SKILLS).iloc[0]
    assert d["status"] == "gap" and d["stage"] == "meeting_rate" and d["skill"] == "skill for meeting_rate"
    assert d["n"] == 750 and "below benchmark beyond noise" in d["evidence"]


def test_weakest_is_largest_relative_shortfall():
    # connect 6% (−40%) and email 2% (−75%), both clearly below: email is the weakest.
    counts = _counts(two=(5_000, 300, 225, 45, 36, 20, 2_000, 40))
    d = fn.diagnose(fn.stage_rates(counts, BENCH), SKILLS).iloc[0]
    assert d["stage"] == "email_reply_rate" and d["n_gaps"] == 2


def test_low_volume_is_not_diagnosed():
    # A terrible meeting rate (0/20) on 20 conversations: below min_volume=30, so no diagnosis.
    counts = _counts(small=(200, 25, 20, 0, 0, 0, 10, 0))
    r = fn.stage_rates(counts, BENCH, min_volume=30)
    assert not r["below_benchmark"].any()
    d = fn.diagnose(r, SKILLS).iloc[0]
    assert d["status"] in {"on benchmark", "low volume"}
    assert d["status"] != "gap"


def test_noise_is_not_diagnosed():
    # 15% meeting rate on 40 conversations: interval covers 20%, so "on benchmark".
    counts = _counts(noisy=(400, 40, 40, 6, 5, 3, 100, 8))
    r = fn.stage_rates(counts, BENCH, min_volume=30)
    m = r.set_index("stage").loc["meeting_rate"]
    assert m["ci_high"] > 0.2 and not m["below_benchmark"]
    assert fn.diagnose(r, SKILLS).iloc[0]["status"] == "on benchmark"


def test_analyse_adds_sdrs_without_activity():
    act = pd.DataFrame([_activity("a", (100, 10, 8, 2, 2, 1, 50, 4))])
    res = fn.analyse(
        act,
        start=pd.Timestamp("2026-07-01"),
        end=pd.Timestamp("2026-10-01"),
        benchmarks=BENCH,
        stage_skills=SKILLS,
        min_volume=5,
        sdr_ids=["a", "b"],
    )
    assert list(res.diagnosis["rep_id"]) == ["a", "b"]
    assert res.diagnosis.set_index("rep_id").loc["b", "status"] == "no data"
    assert res.violations.empty


def test_diff_proportions_interval_known_case():
    # Newcombe (1998), method 10, examples (a) and (b): 56/70 vs 48/80 and 9/10 vs 3/10
    d, lo, hi = fn.diff_proportions_interval(56, 70, 48, 80)
    assert d == pytest.approx(0.2) and lo == pytest.approx(0.0524, abs=1e-4) and hi == pytest.approx(0.3339, abs=1e-4)
    d, lo, hi = fn.diff_proportions_interval(9, 10, 3, 10)
    assert lo == pytest.approx(0.1705, abs=1e-4) and hi == pytest.approx(0.8090, abs=1e-4)
    assert np.isnan(fn.diff_proportions_interval(1, 0, 1, 5)[0])


def test_working_days():
    assert fn.working_days(pd.Timestamp("2026-07-06"), pd.Timestamp("2026-07-13")) == 5
    assert fn.working_days(pd.Timestamp("2026-07-13"), pd.Timestamp("2026-07-06")) == 0


# ---------------------------------------------------------------------------- recovery (seeded)
def _simulate(rng: np.random.Generator, n_reps: int, weak: dict[str, tuple[str, float]], dials: int = 2500) -> pd.DataFrame:
    rows = []
    for i in range(n_reps):
        rid = f"s{i:02d}"
        p = dict(BENCH)
        if rid in weak:
            stage, rate = weak[rid]
            p[stage] = rate
        d = dials
        c = rng.binomial(d, p["connect_rate"])
        v = rng.binomial(c, p["conversation_rate"])
        m = rng.binomial(v, p["meeting_rate"])
        h = rng.binomial(m, p["show_rate"])
        s = rng.binomial(h, p["sql_rate"])
        e = 1200
        rows.append((rid, d, c, v, m, h, s, e, rng.binomial(e, p["email_reply_rate"])))
    return pd.DataFrame(rows, columns=["rep_id", *fn.COUNT_COLUMNS])


@pytest.mark.parametrize("stage,rate", [("conversation_rate", 0.55), ("meeting_rate", 0.10), ("email_reply_rate", 0.04)])
def test_recovery_planted_weak_stage(stage, rate):
    found, false_gaps, tests = 0, 0, 0
    seeds = range(20)
    for seed in seeds:
        rng = np.random.default_rng(seed)
        counts = _simulate(rng, 12, {"s03": (stage, rate)})
        r = fn.stage_rates(counts, BENCH, min_volume=30)
        d = fn.diagnose(r, SKILLS).set_index("rep_id")
        found += d.loc["s03", "stage"] == stage and d.loc["s03", "status"] == "gap"
        others = r[(r["rep_id"] != "s03") & r["enough_volume"]]
        false_gaps += int(others["below_benchmark"].sum())
        tests += len(others)
    assert found >= 18  # the planted stage is found in (almost) every seed
    assert false_gaps / tests < 0.05  # one-sided 2.5% nominal per stage


def test_no_effect_means_few_diagnoses():
    n_diag, n_reps = 0, 0
    for seed in range(20):
        counts = _simulate(np.random.default_rng(100 + seed), 12, {})
        d = fn.diagnose(fn.stage_rates(counts, BENCH, min_volume=30), SKILLS)
        n_diag += int((d["status"] == "gap").sum())
        n_reps += len(d)
    # 6 one-sided 2.5% tests per rep: about 14% of reps flagged by chance at most
    assert n_diag / n_reps < 0.2


def test_team_rate_wilson_coverage():
    covered = 0
    for seed in range(200):
        counts = _simulate(np.random.default_rng(1000 + seed), 12, {}, dials=300)
        t = fn.team_rates(counts, BENCH).set_index("stage").loc["meeting_rate"]
        covered += t["ci_low"] <= 0.20 <= t["ci_high"]
    assert 0.90 <= covered / 200 <= 0.99


def test_rep_funnel_widget_redraws_for_each_sdr():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coaching_roi.plots.funnel import rep_funnel_widget

    act = pd.DataFrame([_activity("a", (100, 10, 8, 2, 2, 1, 50, 4)), _activity("b", (120, 14, 10, 3, 3, 2, 40, 3))])
    res = fn.analyse(act, start=pd.Timestamp("2026-07-01"), end=pd.Timestamp("2026-10-01"), benchmarks=BENCH,
                     stage_skills=SKILLS, min_volume=5, sdr_ids=["a", "b"])
    box = rep_funnel_widget(res.rates, res.team, res.diagnosis, names={"a": "Ann", "b": "Bo"})
    dd = box.children[0]
    assert [o[0] for o in dd.options] == ["Ann", "Bo"]
    dd.value = "b"  # redraws without error
    plt.close("all")


def test_grid_keeps_every_sdr_when_few_and_gaps_first_when_many():
    from coaching_roi.plots.funnel import grid_reps

    diag = pd.DataFrame({"rep_id": ["a", "b", "c", "d"], "status": ["on benchmark", "gap", "on benchmark", "low volume"]})
    rates = pd.DataFrame({"rep_id": ["a", "b", "c", "d"], "rel_gap": [-0.3, -0.1, 0.2, -0.5]})
    assert grid_reps(diag, rates, max_panels=10) == ["a", "b", "c", "d"]
    assert grid_reps(diag, rates, max_panels=2) == ["b", "d"]


def test_gap_heatmap_draws_only_the_reps_asked_for():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coaching_roi.plots.funnel import grid_reps, plot_gap_heatmap

    act = pd.DataFrame([_activity(r, (100 + 10 * i, 10, 8, 2, 2, 1, 50, 4)) for i, r in enumerate("abcde")])
    res = fn.analyse(act, start=pd.Timestamp("2026-07-01"), end=pd.Timestamp("2026-10-01"), benchmarks=BENCH,
                     stage_skills=SKILLS, min_volume=5, sdr_ids=list("abcde"))
    shown = grid_reps(res.diagnosis, res.rates, max_panels=3)
    ax = plot_gap_heatmap(res.rates, reps=shown, names={"a": "Ann"})
    assert len(ax.get_yticklabels()) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == [{"a": "Ann"}.get(r, r) for r in shown]
    assert len(plot_gap_heatmap(res.rates, ax=plt.figure().gca()).get_yticklabels()) == 5
    plt.close("all")
