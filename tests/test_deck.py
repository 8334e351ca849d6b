"""The QBR deck: model, HTML (offline), PPTX, PDF and browser checks, on hand-built findings and frames.

Builders at the top make findings (every estimate through ``verdict.make``, with the estimate IDs of
the evidence chain: behavior change, the win-rate and deal-cycle links, realized value) and the
artifacts the deck reads; browser tests skip with a reason when no Chromium is found.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from deckcheck import chromium_layout_problems, html_visible_text, internal_names, pptx_overflows, pptx_texts

from coaching_roi import config, deck, estimate_ids, findings, story, verdict
from coaching_roi.deck import build as deck_build
from coaching_roi.deck import pdf as deck_pdf

REAL_NAMES = ["Avery Quinn", "Blake Moreno", "Casey Lindqvist", "Dana Okafor", "Emery Tran", "Finley Shaw"]

N_UNIT = {"quartile_win_rate_gap": "AEs", "behavior_change": "coached reps", "event_study_pretrend": "coached reps",
          "win_rate_change_per_point": "coached reps", "cycle_change_per_point": "coached reps",
          "ramp_weeks_saved": "new hires", "six_month_attainment_gap": "new hires", "deal_cycle_pct_faster": "deals",
          "ramp_value_usd": "new hires", "realized_value_usd": "coached reps", "upside_value_usd": "AEs",
          "roi_pct": "coached reps", "behavior_auc": "deals", "cycle_value_usd": "deals",
          "funnel_sessions_focused_share": "sessions"}
REFERENCE = {"behavior_auc": 0.5, "funnel_sessions_focused_share": 0.5}


def est(value, lo, hi, n, unit, **extra):
    """Raw numbers of an estimate; :func:`made` turns them into what a notebook writes (verdict, reading)."""
    return {"value": value, "ci_low": lo, "ci_high": hi, "n": n, "unit": unit, **extra}


def made(estimates: dict) -> dict:
    out = {}
    for k, raw in estimates.items():
        raw = dict(raw)
        nums = {x: raw.pop(x) for x in ("value", "ci_low", "ci_high", "n", "unit")}
        n_unit = raw.pop("n_unit", N_UNIT[estimate_ids.base_of(k)])
        out[k] = verdict.make(k, **nums, n_unit=n_unit, policy=verdict.Policy(),
                              reference=REFERENCE.get(k, 0.0), **raw)
    return out


def findings_effect(raw: bool = False) -> dict:
    """A quarter where coaching moved behavior and the win-rate link is positive (after its lag)."""
    f = {
        "quarter": "2026Q3",
        "estimates": {
            "quartile_win_rate_gap": est(0.20, 0.12, 0.28, 30, "fraction"),
            "behavior_change::all": est(1.2, 0.6, 1.8, 14, "points", n_control_reps=28),
            "behavior_change::quantified_impact": est(1.9, 1.2, 2.6, 12, "points"),
            "behavior_change::next_steps_specificity": est(0.3, -0.4, 1.0, 9, "points"),
            "event_study_pretrend::all": est(0.02, -0.2, 0.25, 14, "points"),
            "event_study_pretrend::quantified_impact": est(0.05, -0.2, 0.3, 12, "points"),
            "win_rate_change_per_point::all": est(0.04, 0.025, 0.055, 14, "fraction", lag_quarters=1,
                                                  target_quarter="2026Q4"),
            "cycle_change_per_point::all": est(2.0, 0.5, 3.5, 14, "days", lag_quarters=1),
            "ramp_weeks_saved::first_win": est(3.0, 1.0, 5.5, 14, "weeks"),
            "ramp_weeks_saved::quota_80": est(5.0, 2.0, 8.0, 14, "weeks"),
            "six_month_attainment_gap": est(0.12, -0.05, 0.30, 14, "fraction"),
            "deal_cycle_pct_faster::decision_process_mapping": est(0.18, 0.08, 0.27, 400, "fraction"),
            "deal_cycle_pct_faster::next_steps_specificity": est(0.05, -0.04, 0.13, 400, "fraction"),
            "ramp_value_usd": est(600_000, 250_000, 950_000, 8, "usd"),
            "realized_value_usd": est(400_000, 280_000, 520_000, 14, "usd"),
            "upside_value_usd": est(1_500_000, 800_000, 2_200_000, 30, "usd"),
            "roi_pct": est(0.6, 0.35, 0.85, 14, "fraction", benefit_cost_ratio=1.6, isolation_factor=0.5,
                           confidence_discount=0.8, program_cost_usd=200_000),
            "behavior_auc": est(0.66, 0.61, 0.71, 500, "auc"),
            "funnel_sessions_focused_share": est(0.82, 0.64, 0.92, 28, "fraction"),
        },
        "headline": None,
        "status": {"01_data_intake": "ok", "02_behavioral_scoring": "ok", "03_cohort_comparison": "ok",
                   "04_coaching_plan": "ok"},
        "extra": {
            "01_data_intake": {"accounting": [{"table": "call_scores", "source": "call_scores.csv", "rows_read": 5000,
                                               "rows_accepted": 4990, "rows_rejected": 10}],
                               "rows_read": 5000, "rows_accepted": 4990, "rows_rejected": 10},
            "04_coaching_plan": {"funnel_summary": {"headline": "Connect rate is the weakest SDR stage", "n_sdrs": 12,
                                                    "team_connect_rate": 0.08}},
        },
    }
    if not raw:
        f["estimates"] = made(f["estimates"])
    return f


def findings_no_effect() -> dict:
    """Nothing moved: behavior unclear on enough coached reps, the lagged link not observable yet, no money."""
    f = findings_effect(raw=True)
    e = f["estimates"]
    e["quartile_win_rate_gap"] = est(0.02, -0.09, 0.12, 30, "fraction")
    e["behavior_change::all"] = est(0.1, -0.4, 0.6, 14, "points", n_control_reps=28)
    e["behavior_change::quantified_impact"] = est(0.1, -0.5, 0.7, 12, "points")
    e["behavior_change::next_steps_specificity"] = est(-0.2, -0.9, 0.5, 9, "points")
    e["win_rate_change_per_point::all"] = est(None, None, None, 3, "fraction", lag_quarters=1,
                                              target_quarter="2026Q4", observable_from="2027Q1",
                                              why="not yet observable: 2026Q4 has no closed deals yet")
    e["cycle_change_per_point::all"] = est(-0.5, -3.0, 2.0, 14, "days", lag_quarters=1)
    for k in ("ramp_weeks_saved::first_win", "ramp_weeks_saved::quota_80"):
        e[k] = est(0.4, -2.0, 2.5, 14, "weeks")
    e["deal_cycle_pct_faster::decision_process_mapping"] = est(0.01, -0.08, 0.09, 400, "fraction")
    e["ramp_value_usd"] = est(40_000, -150_000, 220_000, 8, "usd")
    e["realized_value_usd"] = est(None, None, None, 14, "usd", why="the behavior change is not clear")
    e["upside_value_usd"] = est(300_000, -200_000, 800_000, 30, "usd")
    e["roi_pct"] = est(None, None, None, 14, "fraction", why="realized value is not clear")
    e["behavior_auc"] = est(0.51, 0.46, 0.56, 500, "auc")
    f["estimates"] = made(e)
    return f


def findings_behavior_only() -> dict:
    """Behavior moved, the win-rate link is not visible yet (the demo's situation)."""
    f = findings_effect(raw=True)
    f["estimates"]["win_rate_change_per_point::all"] = est(-0.05, -0.2, 0.1, 8, "fraction", lag_quarters=1)
    f["estimates"] = made(f["estimates"])
    return f


def findings_main_today() -> dict:
    """Findings as main writes them before the layer-3 work lands: a team-wide ROI and a cycle value,
    no realized value, no cycle link."""
    f = findings_effect(raw=True)
    e = f["estimates"]
    for k in ("realized_value_usd", "upside_value_usd", "cycle_change_per_point::all"):
        del e[k]
    e["cycle_value_usd"] = est(2_400_000, 1_300_000, 2_900_000, 1997, "usd")
    e["roi_pct"] = est(4.79, 2.6, 6.6, 1997, "fraction", n_unit="deals")
    f["estimates"] = made(e)
    return f


def findings_empty(reason: str = "no call_scores table in the inputs") -> dict:
    return {"quarter": "2026Q3", "estimates": {}, "headline": None,
            "status": {"01_data_intake": "ok", "03_cohort_comparison": f"skipped: {reason}"},
            "extra": {"03_cohort_comparison": {"not_computed": {"layers_2_3": "No coaching log (coaching_sessions): "
                                                                "nothing says who was coached on what and when."}}}}


def rep_quarter(n: int = 24, seed: int = 1, effect: float = 0.04) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = rng.normal(5.5, 1.2, n).clip(0, 10)
    n_deals = rng.integers(6, 14, n)
    p = (0.3 + effect * (score - 5.5)).clip(0.05, 0.95)
    won = rng.binomial(n_deals, p)
    names = [REAL_NAMES[i] if i < len(REAL_NAMES) else f"Rep Person {i}" for i in range(n)]
    df = pd.DataFrame({"rep_id": [f"AE{i:03d}" for i in range(n)], "rep_name": names, "composite_mean": score,
                       "n_calls": rng.integers(5, 20, n), "won": won, "lost": n_deals - won})
    df["win_rate"] = df["won"] / (df["won"] + df["lost"])
    df["quartile"] = pd.qcut(df["composite_mean"].rank(method="first"), 4, labels=False).astype(int) + 1
    df["rep_id"] = df["rep_id"].astype("string")
    df["rep_name"] = df["rep_name"].astype("string")
    return df


def quartiles(rq: pd.DataFrame) -> pd.DataFrame:
    from coaching_roi.stats import wilson_interval

    g = rq.groupby("quartile", observed=True).agg(
        n_reps=("rep_id", "nunique"), won=("won", "sum"), lost=("lost", "sum"),
        score_min=("composite_mean", "min"), score_max=("composite_mean", "max")).reset_index()
    g["n_deals"] = g["won"] + g["lost"]
    g["win_rate"] = g["won"] / g["n_deals"]
    ci = [wilson_interval(int(w), int(n)) for w, n in zip(g["won"], g["n_deals"], strict=True)]
    g["ci_low"] = [c[0] for c in ci]
    g["ci_high"] = [c[1] for c in ci]
    return g


def examples(rq: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, (b, obs) in enumerate([
        ("quantified_impact", "Ask for the cost of the problem in dollars on every discovery call"),
        ("decision_process_mapping", "Name every signer and the approval steps before the demo"),
        ("next_steps_specificity", None),
    ]):
        r = rq.iloc[i]
        rows.append({"rep_id": r["rep_id"], "rep_name": r["rep_name"], "behavior": b,
                     "behavior_label": b.replace("_", " ").capitalize(), "observable": obs, "n_sessions": 6 - i,
                     "first_session_date": pd.Timestamp("2026-07-06") + pd.Timedelta(weeks=i),
                     "before_score": 3.2 + i, "after_score": 6.8 + i * 0.5, "win_rate_before": 0.25,
                     "win_rate_after": [0.4, 0.3, 0.2][i], "n_deals_before": 8, "n_deals_after": 5 * (i + 1),
                     "sentence": f"{r['rep_name']} worked on {b}."})
    df = pd.DataFrame(rows)
    df["observable"] = df["observable"].astype("string")
    return df


def sessions(n_reps: int = 12, per_quarter: int = 4) -> pd.DataFrame:
    """A coaching log: ``per_quarter`` reps start an episode each quarter (two sessions each)."""
    rows = []
    for i in range(n_reps):
        start = pd.Timestamp("2026-09-15") - pd.DateOffset(months=3 * (i // per_quarter))
        for k in range(2):
            rows.append({"session_id": f"S{i}-{k}", "rep_id": f"AE{i:03d}", "coach_id": "M1",
                         "session_date": start + pd.Timedelta(days=7 * k), "behavior": "quantified_impact",
                         "observable": "Ask for the cost of the problem"})
    return pd.DataFrame(rows)


def write_run(run_dir: Path, f: dict, rq: pd.DataFrame, *, with_artifacts: bool = True) -> None:
    """Write hand-built findings (as notebook parts) and 03's artifacts into a run folder."""
    run_dir = Path(run_dir)
    (run_dir / "data").mkdir(parents=True, exist_ok=True)
    est_by_nb: dict[str, dict] = {}
    for k, v in f["estimates"].items():
        nb = story.SOURCE_NOTEBOOK.get(k.split("::")[0], "03_cohort_comparison")
        est_by_nb.setdefault(nb, {})[k] = v
    for nb, st in f["status"].items():
        findings.write_part(run_dir, nb, quarter=f["quarter"], estimates=est_by_nb.get(nb, {}), status=st,
                            extra=f["extra"].get(nb))
    if with_artifacts:
        rq.to_parquet(run_dir / "data" / "03_rep_quarter.parquet")
        quartiles(rq).to_parquet(run_dir / "data" / "03_quartiles.parquet")
        examples(rq).to_parquet(run_dir / "data" / "03_example_reps.parquet")


def write_earlier_run(folder: Path, f: dict, quarter: str = "2026Q2") -> Path:
    """A folder that looks like an earlier run of this workbook (manifest.json + findings.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"run": "earlier", "quarter": quarter, "parameters": {},
                                                      "packages": {"coaching-roi": "0.1.0"}}), encoding="utf-8")
    (folder / "findings.json").write_text(json.dumps({**f, "quarter": quarter}), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------------ fixtures
def make_cfg(tmp: Path, compare_to: str | None = None, **report) -> config.Config:
    over = {"report": report} if report else {}
    return config.build(quarter="2026Q3", data_dir=str(tmp), run_dir=str(tmp / "run"), overrides=over,
                        check_paths=False, compare_to=compare_to)


def inputs_for(f: dict, rq: pd.DataFrame | None, **kw) -> deck.DeckInputs:
    if rq is None:
        return deck.DeckInputs(findings=f, **kw)
    return deck.DeckInputs(findings=f, rep_quarter=rq, quartiles=quartiles(rq), examples=examples(rq),
                           sessions=kw.pop("sessions", sessions()), **kw)


@pytest.fixture(scope="module")
def tmp_mod(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("deck")


@pytest.fixture(scope="module")
def effect_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "effect", company="Acme Analytics")
    return cfg, deck.build_deck(cfg, inputs_for(findings_effect(), rep_quarter()))


@pytest.fixture(scope="module")
def null_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "null")
    return cfg, deck.build_deck(cfg, inputs_for(findings_no_effect(), rep_quarter(effect=0.0)))


@pytest.fixture(scope="module")
def empty_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "empty")
    return cfg, deck.build_deck(cfg, inputs_for(findings_empty(), None))


@pytest.fixture(scope="module")
def pseudo_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "pseudo", pseudonymize=True)
    f = findings_effect()
    f["extra"]["04_coaching_plan"]["funnel_summary"]["most_improved"] = "Avery Quinn"
    d = deck.build_deck(cfg, inputs_for(f, rep_quarter()))
    return cfg, d, deck.render_all(cfg, d)


@pytest.fixture(scope="module")
def rendered(effect_deck):
    cfg, d = effect_deck
    return cfg, d, deck.render_all(cfg, d)


@pytest.fixture(scope="module")
def rendered_null(null_deck):
    cfg, d = null_deck
    return cfg, d, deck.render_all(cfg, d)


def chromium_or_skip() -> str:
    exe = deck.find_chromium()
    if exe is None:
        pytest.skip("no Chromium found (install `chromium` or set COACHING_ROI_CHROMIUM) — browser checks skipped")
    return exe


POSITIVE = re.compile(r"\b(rose|win more|won more|faster|sooner|returned|moved .* up|established|expand)\b", re.I)


def _slide(d: deck.Deck, key: str) -> deck.Slide:
    return next(s for s in d.slides if s.key == key)


# ------------------------------------------------------------------------------------ the model
def test_deck_has_title_two_main_slides_and_the_backup(effect_deck):
    _, d = effect_deck
    keys = [s.key for s in d.slides]
    assert keys == ["title", "chain", "examples", "quartiles", "evidence", "settle", "ramp", "cycle", "money",
                    "funnel", "methods", "quality"]
    assert [s.appendix for s in d.slides[:3]] == [False, False, False]
    assert all(s.appendix for s in d.slides[3:])
    assert d.slides[1].figure and d.slides[3].figure  # the chain; the quartile chart is the first backup
    assert d.slides[0].lead == d.headline


def test_slide1_is_the_chain_with_a_state_word_per_link(effect_deck):
    cfg, d = effect_deck
    s = _slide(d, "chain")
    alt = s.figure_alt
    for panel in ("Coaching activity", "Behavior change vs comparison reps", "Outcomes", "Realized money"):
        assert panel in alt
    assert "8 sessions, 4 reps this quarter" in alt  # the coaching log's count this quarter
    assert ("Score on the coached behaviors: Established — +1.2 points — 95% CI +0.6 points to +1.8 points · "
            "14 coached reps · vs 28 comparison reps") in alt
    assert "Win rate per point gained: Established — +4 pp — 95% CI +2 pp to +6 pp · 14 coached reps · 1 quarter later" in alt
    assert "Realized value a year: Established — +$400K" in alt and "Return on cost: Established — +60%" in alt
    assert "Fairness check passed" in alt
    assert s.title == "Coaching moved behavior; reps whose behavior moved won more"
    assert any(line.startswith("Supporting evidence (backup): top-quartile reps won 20 pp more") for line in s.footer)
    assert "caused" in s.notes  # caveats are in the speaker notes


def test_effect_deck_recommends_expand_by_the_rule(effect_deck):
    _, d = effect_deck
    assert d.decision["recommendation"] == "expand" and d.decision["rule_index"] == 0
    box = _slide(d, "examples").decision
    assert box["label"] == "Expand"
    assert {c["link"]: c["word"] for c in box["chips"]} == {
        "Behavior change": "Established", "Fairness check": "Passed", "Win-rate link": "Established"}


def test_slide2_cards_carry_wilson_intervals_and_deal_counts(effect_deck):
    _, d = effect_deck
    s = _slide(d, "examples")
    assert 2 <= len(s.cards) <= 3
    c = s.cards[0]
    assert c["behavior"] == "Quantifies the business impact"  # the rubric's label
    assert c["intervention"].startswith("6 sessions from 06 Jul; committed to: “Ask for the cost")
    assert c["score"] == "Score 3.2 → 6.8 of 10 (+3.6) on the coached behavior"
    assert c["win_rate"] == "Win rate 25% of 8 deals (95% CI 7–59%) → 40% of 5 deals (12–77%)"
    assert s.title == "Coached reps: what they worked on, and what moved"


def test_slide2_calls_win_rates_single_cases_when_the_team_link_is_not_visible(tmp_path):
    cfg = make_cfg(tmp_path)
    d = deck.build_deck(cfg, inputs_for(findings_behavior_only(), rep_quarter()))
    s = _slide(d, "examples")
    assert s.title == "Coached reps: behavior moved; win rates are single cases"
    assert "not evidence" in s.lead and not POSITIVE.search(s.lead)
    assert d.decision["recommendation"] == "continue"
    assert "read the win-rate link again in 2026Q4" in d.decision["next"]
    chain = _slide(d, "chain")
    assert chain.title == "Coaching moved call behavior; its effect on wins is not visible yet"
    assert chain.footer[0].startswith("What would settle the win-rate link: With 8 coached reps a change below")
    # the headline, slide 1 and slide 2 read the same verdicts
    assert "win rates have not moved yet" in d.headline


def test_no_effect_deck_makes_no_positive_claim_and_never_expands(null_deck):
    _, d = null_deck
    assert not POSITIVE.search(d.headline), d.headline
    for s in d.slides[:3]:
        for t in (s.title, s.lead, *s.footer):
            assert not POSITIVE.search(t), (s.key, t)
    assert d.decision["recommendation"] == "redesign"
    assert _slide(d, "examples").decision["label"] == "Redesign the coaching"
    assert _slide(d, "chain").title.startswith("Coaching has not clearly moved call behavior yet")
    assert _slide(d, "examples").title == "Coached reps: individual cases, not a team-wide result"
    assert "Win rate per point gained: Too few to tell — readable from 2027Q1 · 3 coached reps" in _slide(d, "chain").figure_alt
    assert "Not measurable yet" in _slide(d, "chain").figure_alt


def test_what_would_settle_comes_from_the_stored_mde(null_deck):
    _, d = null_deck
    f = findings_no_effect()
    bc = f["estimates"]["behavior_change::all"]
    row = next(r for r in d.to_know if r["id"] == "behavior_change::all")
    assert row["mde"] == pytest.approx(bc["mde"])
    assert row["per_quarter"] == pytest.approx(4.0)  # 4 reps start coaching every quarter in the log
    assert row["n_next"] == 18 and row["mde_next"] == pytest.approx(verdict.mde_at(bc["mde"], 14, 18))
    shown = verdict.value_text("behavior_change::all", bc, bc["mde"], signed=False, difference=True)
    assert f"With 14 coached reps a change below {shown} cannot be told from noise" in row["sentence"]
    settle = _slide(d, "settle")
    assert settle.table_columns == ["Estimate", "State", "What would settle it"]
    assert any(r[0] == "Score change after coaching: all coached behaviors" for r in settle.table_rows)


def test_missing_inputs_give_slides_that_say_why(empty_deck):
    cfg, d = empty_deck
    assert d.headline.startswith("Not enough data")
    assert d.decision["recommendation"] == "hold"
    assert "coaching log" in d.decision["next"]
    chain = _slide(d, "chain")
    assert "Not measured" in chain.figure_alt and "No coaching log" in chain.figure_alt
    assert chain.footer and chain.footer[0].startswith("What it would take to measure the chain:")
    ex = _slide(d, "examples")
    assert ex.missing and not ex.cards and ex.decision["label"] == "Hold and collect"
    q = _slide(d, "quartiles")
    assert "no call scores table" in q.missing and q.figure is None
    assert "notebook 04 has not run" in _slide(d, "funnel").missing
    out = deck.render_all(cfg, d)  # renders without crashing, every slide present
    assert (cfg.run_dir / out["html"]).exists() and (cfg.run_dir / out["pptx"]).exists()


def test_money_never_headlines_a_team_wide_roi(tmp_path):
    """Findings as main writes them today: a team-wide ROI, no realized value. The deck shows no return."""
    cfg = make_cfg(tmp_path)
    d = deck.build_deck(cfg, inputs_for(findings_main_today(), rep_quarter()))
    money = _slide(d, "money")
    assert money.title == "Realized money is not measurable yet"
    assert "479%" not in " ".join(money.texts())
    assert any("No return on the program's cost is shown" in b for b in money.bullets)
    assert "Realized value a year: Not measured" in _slide(d, "chain").figure_alt


def test_money_with_realized_value_shows_roi_and_the_upside_as_a_potential(effect_deck):
    _, d = effect_deck
    money = _slide(d, "money")
    text = " ".join([money.title, money.lead, *money.bullets])
    assert money.title.startswith("The behavior change coaching produced is worth $400K")
    assert "returned 60% on its cost" in text and "a potential, not a return" in text
    assert "program cost $200K" in text and "50% of the benefit" in text


def test_company_is_named_only_when_set(effect_deck, null_deck):
    _, with_company = effect_deck
    _, without = null_deck
    assert with_company.slides[0].kicker == "Acme Analytics · QBR 2026Q3"
    assert without.slides[0].kicker == "QBR 2026Q3" and without.company is None
    assert not any("Demo Co" in t for t in without.texts())


def test_changes_since_the_last_qbr(tmp_path):
    earlier = write_earlier_run(tmp_path / "outputs" / "q2", findings_no_effect())
    cfg = make_cfg(tmp_path, compare_to=str(earlier))
    f = findings_effect()
    d = deck.build_deck(cfg, inputs_for(f, rep_quarter(), earlier=json.loads((earlier / "findings.json").read_text())))
    keys = [s.key for s in d.slides]
    assert keys.index("changes") == keys.index("money") + 1
    c = d.compared_to
    assert c["quarter"] == "2026Q2" and {x["id"] for x in c["changes"]} == set(f["estimates"])
    bc = next(x for x in c["changes"] if x["id"] == "behavior_change::all")
    assert (bc["verdict_before"], bc["verdict_after"], bc["status"]) == ("no_clear_change", "positive", "changed")
    assert "Since 2026Q2:" in " ".join(d.slides[0].bullets)
    slide = _slide(d, "changes")
    assert slide.title == "What changed since 2026Q2" and slide.table_rows[0][3] == "verdict changed"


def test_input_status_lists_absent_inputs():
    st = deck.input_status(inputs_for(findings_empty(), None))
    assert not st.loc[st["input"].str.startswith("Example reps"), "present"].item()
    assert "notebook 02 has not run" in st.loc[st["input"].str.contains("notebook 02"), "note"].item()


@pytest.mark.parametrize(
    ("obj", "cols", "first"),
    [
        ({"a_b": 1.5, "c": "x"}, ["Item", "Value"], ["A b", "1.5"]),
        ([{"t": "reps", "n": 3}], ["T", "N"], ["reps", "3"]),
        ({"reps": {"rows": 4}}, ["", "Rows"], ["Reps", "4"]),
        (None, [], None),
    ],
)
def test_summary_table_shapes(obj, cols, first):
    c, rows = deck.summary_table(obj)
    assert c == cols
    assert (rows[0] if rows else None) == first


# ------------------------------------------------------------------------------------ HTML / PPTX
def test_html_is_self_contained_and_escapes_names(tmp_path):
    cfg = make_cfg(tmp_path)
    rq = rep_quarter()
    rq.loc[0, "rep_name"] = "<script>alert(1)</script> Evil"
    d = deck.build_deck(cfg, inputs_for(findings_effect(), rq))
    text = deck.render_html(d)
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "<link" not in text and not re.search(r"<script[^>]+src", text)
    assert text.count("<section") == d.n_slides
    assert text.count("data:image/png;base64,") >= 2


def test_pptx_slide_count_titles_and_notes(rendered):
    from pptx import Presentation

    cfg, d, out = rendered
    prs = Presentation(str(cfg.run_dir / out["pptx"]))
    assert len(prs.slides) == d.n_slides
    assert [s.shapes.title.text for s in prs.slides] == d.titles()
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text for s in prs.slides)
    chain_notes = prs.slides[1].notes_slide.notes_text_frame.text
    assert "Reps were not randomly assigned" in chain_notes  # the caveats travel with slide 1
    pics = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert pics >= 2


@pytest.mark.parametrize("which", ["rendered", "rendered_null"])
def test_pptx_text_frames_fit_their_shapes(which, request):
    cfg, _, out = request.getfixturevalue(which)
    assert pptx_overflows(cfg.run_dir / out["pptx"]) == []


@pytest.mark.parametrize("which", ["rendered", "rendered_null"])
def test_pptx_chain_figure_keeps_its_native_size(which, request):
    """The chain figure is drawn at slide size with 14 pt text: the PPTX must not shrink it."""
    import io

    from PIL import Image
    from pptx import Presentation

    cfg, d, out = request.getfixturevalue(which)
    pic = next(sh for sh in Presentation(str(cfg.run_dir / out["pptx"])).slides[1].shapes if sh.shape_type == 13)
    with Image.open(io.BytesIO(d.slides[1].figure)) as im:
        natural_in = im.size[0] / 150
    assert int(pic.width) / 914400 >= natural_in * 0.98


def test_pptx_fit_check_catches_an_overflowing_frame(tmp_path):
    """The fit check itself must be able to fail."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    tb = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(0.4))
    tb.text_frame.word_wrap = True
    tb.text_frame.text = "A sentence far too long to fit a two-inch box on one line at eighteen points"
    tb.text_frame.paragraphs[0].font.size = Pt(18)
    prs.save(str(tmp_path / "x.pptx"))
    assert any("needs" in p for p in pptx_overflows(tmp_path / "x.pptx"))


@pytest.mark.parametrize("which", ["rendered", "rendered_null"])
def test_no_internal_names_in_html_or_pptx(which, request):
    cfg, _, out = request.getfixturevalue(which)
    html_names = [n for t in html_visible_text((cfg.run_dir / out["html"]).read_text(encoding="utf-8"))
                  for n in internal_names(t)]
    pptx_names = [n for t in pptx_texts(cfg.run_dir / out["pptx"]) for n in internal_names(t)]
    assert html_names == [] and pptx_names == []


def test_internal_name_check_can_fail():
    assert internal_names("see behavior_change::all") == ["behavior_change", "::"]
    assert internal_names("Read call_scores.csv and sales_pipeline.csv") == []
    assert internal_names("quota 80 and quota_80") == ["quota_80"]


def test_pseudonymised_deck_contains_no_real_name(pseudo_deck):
    cfg, d, out = pseudo_deck
    html_text = (cfg.run_dir / out["html"]).read_text(encoding="utf-8")
    with zipfile.ZipFile(cfg.run_dir / out["pptx"]) as z:
        pptx_text = " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    everything = " ".join(d.texts())
    for name in REAL_NAMES + ["Rep Person 7"]:
        for blob in (html_text, pptx_text, everything):
            assert name not in blob
    alias0 = story.alias("AE000")
    assert alias0 in html_text and any(c["name"] == alias0 for c in _slide(d, "examples").cards)
    assert "aliases" in " ".join(d.slides[0].bullets)


def test_find_chromium_env_and_absence(monkeypatch, tmp_path):
    fake = tmp_path / "mybrowser"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("COACHING_ROI_CHROMIUM", str(fake))
    assert deck.find_chromium() == str(fake)
    monkeypatch.delenv("COACHING_ROI_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(deck_pdf, "BROWSER_PATHS", ())
    assert deck.find_chromium() is None


def test_render_all_without_browser_skips_pdf_with_instructions(monkeypatch, empty_deck, tmp_path):
    _, d = empty_deck
    cfg = make_cfg(tmp_path)
    monkeypatch.setattr(deck_build, "find_chromium", lambda: None)
    out = deck.render_all(cfg, d)
    assert out["pdf"].startswith("skipped:") and "apt-get install chromium" in out["pdf"]
    assert out["html"] == "qbr_deck.html" and out["pptx"] == "qbr_deck.pptx"
    assert not (cfg.run_dir / "qbr_deck.pdf").exists()


def test_render_all_survives_a_broken_browser(monkeypatch, empty_deck, tmp_path):
    _, d = empty_deck
    cfg = make_cfg(tmp_path)
    monkeypatch.setattr(deck_build, "find_chromium", lambda: str(tmp_path / "not-a-browser"))
    out = deck.render_all(cfg, d)
    assert out["pdf"].startswith("skipped: printing with")


def test_load_deck_inputs_reads_a_run_folder(tmp_path):
    run = tmp_path / "run"
    write_run(run, findings_effect(), rep_quarter())
    cfg = make_cfg(tmp_path)
    inp = deck.load_deck_inputs(cfg)
    assert inp.rep_quarter is not None and len(inp.examples) == 3
    assert "quartile_win_rate_gap" in inp.findings["estimates"]
    assert inp.findings["status"]["04_coaching_plan"] == "ok"
    assert inp.sessions is None and inp.earlier is None  # no intake tables in this folder, no compare_to


# ------------------------------------------------------------------------------------ browser
@pytest.mark.browser
def test_pdf_has_one_page_per_slide(rendered):
    from pypdf import PdfReader

    chromium_or_skip()
    cfg, d, out = rendered
    assert out["pdf"] == "qbr_deck.pdf", out["pdf"]
    reader = PdfReader(str(cfg.run_dir / "qbr_deck.pdf"))
    assert len(reader.pages) == d.n_slides
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["rendered", "rendered_null"])
def test_every_slide_fits_in_chromium(which, request):
    exe = chromium_or_skip()
    cfg, _, out = request.getfixturevalue(which)
    assert chromium_layout_problems(cfg.run_dir / out["html"], exe) == []


@pytest.mark.browser
def test_layout_check_catches_an_overflowing_slide(rendered, tmp_path):
    """The browser check itself must be able to fail: a slide stuffed with text overflows."""
    exe = chromium_or_skip()
    cfg, d, _ = rendered
    from dataclasses import replace

    stuffed = replace(d, slides=[replace(d.slides[4], bullets=["A long bullet that repeats itself. " * 12] * 12)])
    path = tmp_path / "stuffed.html"
    path.write_text(deck.render_html(stuffed), encoding="utf-8")
    assert chromium_layout_problems(path, exe)


@pytest.mark.browser
def test_html_deck_works_offline_in_chromium(rendered, tmp_path):
    from playwright.sync_api import sync_playwright

    exe = chromium_or_skip()
    cfg, d, _ = rendered
    failed, errors, blocked = [], [], []

    def _route(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=deck.BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.route("**/*", _route)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((cfg.run_dir / "qbr_deck.html").as_uri(), wait_until="load")
        head = page.locator("#headline")
        assert head.is_visible() and head.inner_text() == d.headline
        shot = tmp_path / "qbr_deck_slide1.png"
        page.screenshot(path=str(shot))
        page.keyboard.press("ArrowRight")
        assert page.locator("#slide-2").is_visible() and not head.is_visible()
        assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        browser.close()
    print(f"screenshot: {shot}")
    assert not blocked and not failed and not errors, (blocked, failed, errors)


def test_plot_style_is_seaborns_theme_without_importing_seaborn():
    """plots.set_style sets seaborn's whitegrid/notebook theme by plain rcParams (so notebooks that draw
    no seaborn plot never import it): the result equals seaborn's own set_theme plus the workbook's
    settings, except the default colormap (seaborn's is registered only when seaborn is imported, and
    every workbook figure names its colormap)."""
    import subprocess
    import sys

    code = """
import sys, matplotlib as mpl
from coaching_roi import plots
plots.set_style()
assert "seaborn" not in sys.modules, "set_style imported seaborn"
ours = dict(mpl.rcParams)
import seaborn as sns
mpl.rcdefaults()
sns.set_theme(style="whitegrid", context="notebook", palette=plots.PALETTE)
mpl.rcParams.update(plots.WORKBOOK_RC)
theirs = dict(mpl.rcParams)
diff = sorted(k for k in theirs if k != "image.cmap" and str(theirs[k]) != str(ours[k]))
assert not diff, diff
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]


def test_a_printer_started_early_prints_the_same_deck_and_reports_a_broken_browser(empty_deck, tmp_path):
    """deck.start_printer starts Chromium before the deck is built; render_all prints with it (a real PDF
    of one page per slide) and closes it. A browser that cannot start fails the PDF, not the run."""
    from pypdf import PdfReader

    from coaching_roi.deck.pdf import Printer

    exe = chromium_or_skip()
    _, d = empty_deck
    cfg = make_cfg(tmp_path / "ok")
    printer = deck.start_printer(cfg)
    assert printer is not None and printer.executable == exe
    out = deck.render_all(cfg, d, printer=printer)
    assert out["pdf"] == "qbr_deck.pdf", out
    assert len(PdfReader(cfg.run_dir / "qbr_deck.pdf").pages) == d.n_slides
    assert not printer.alive  # closed by render_all
    out = deck.render_all(make_cfg(tmp_path / "after"), d, printer=printer)  # a closed printer: a cold browser prints
    assert out["pdf"] == "qbr_deck.pdf", out
    broken = Printer(str(tmp_path / "not-a-browser"))
    out = deck.render_all(make_cfg(tmp_path / "broken"), d, printer=broken)
    assert out["pdf"].startswith(f"skipped: printing with {tmp_path / 'not-a-browser'} failed"), out
    assert deck.start_printer(make_cfg(tmp_path / "off", pdf=False)) is None


def test_a_deck_printed_ahead_is_the_pdf_render_all_writes_unless_the_deck_changed(empty_deck, tmp_path, monkeypatch):
    """deck.print_ahead starts the PDF right after the build; render_all takes that PDF when the deck's HTML
    is unchanged, and prints again when it changed. Nothing printed ahead is left behind."""
    import tempfile
    from dataclasses import replace

    from pypdf import PdfReader

    chromium_or_skip()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    _, d = empty_deck
    for changed in (False, True):
        cfg = make_cfg(tmp_path / f"run-{changed}")
        printer = deck.start_printer(cfg)
        deck.print_ahead(cfg, d, printer)
        ahead_html = printer._ahead[0]
        taken = []
        take = printer.take_ahead
        monkeypatch.setattr(printer, "take_ahead",
                            lambda html, path, taken=taken, take=take, **k: taken.append(take(html, path, **k)) or taken[-1])
        shown = d if not changed else replace(d, slides=[replace(d.slides[0], title=d.slides[0].title + " (changed)"),
                                                         *d.slides[1:]])
        out = deck.render_all(cfg, shown, printer=printer)
        assert out["pdf"] == "qbr_deck.pdf", out
        assert taken == [not changed]
        assert (ahead_html == deck.render_html(shown)) is (not changed)
        pdf = PdfReader(cfg.run_dir / "qbr_deck.pdf")
        assert len(pdf.pages) == d.n_slides
        assert ("(changed)" in pdf.pages[0].extract_text()) is changed
        assert not list((tmp_path / "tmp").iterdir())  # the folder printed ahead is gone
    assert deck.print_ahead(make_cfg(tmp_path / "off", pdf=False), d, None) is None  # no printer: nothing to do
