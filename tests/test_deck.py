"""The QBR deck: model, HTML (offline), PPTX, PDF and browser checks, on hand-built findings and frames.

Builders at the top make findings dicts and notebook 03's artifacts with known content; browser tests
skip with a reason when no Chromium is found.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coaching_roi import config, deck, estimate_ids, findings, story, verdict

REAL_NAMES = ["Avery Quinn", "Blake Moreno", "Casey Lindqvist", "Dana Okafor", "Emery Tran", "Finley Shaw"]


N_UNIT = {"quartile_win_rate_gap": "AEs", "behavior_change": "coached reps", "event_study_pretrend": "coached reps",
          "win_rate_change_per_point": "coached reps", "ramp_weeks_saved": "new hires", "six_month_attainment_gap": "new hires",
          "deal_cycle_pct_faster": "deals", "ramp_value_usd": "new hires", "upside_value_usd": "AEs", "roi_pct": "coached reps",
          "realized_value_usd": "coached reps",
          "behavior_auc": "deals"}


def est(value, lo, hi, n, unit, **extra):
    """Raw numbers of an estimate; :func:`made` turns them into what a notebook writes (verdict, reading)."""
    return {"value": value, "ci_low": lo, "ci_high": hi, "n": n, "unit": unit, **extra}


def made(estimates: dict) -> dict:
    out = {}
    for k, raw in estimates.items():
        raw = dict(raw)
        nums = {x: raw.pop(x) for x in ("value", "ci_low", "ci_high", "n", "unit")}
        out[k] = verdict.make(k, **nums, n_unit=N_UNIT[estimate_ids.base_of(k)], policy=verdict.Policy(),
                              reference=0.5 if k == "behavior_auc" else 0.0, **raw)
    return out


def findings_effect(raw: bool = False) -> dict:
    """A quarter where coaching moved scores and the win-rate link is positive."""
    f = {
        "quarter": "2026Q3",
        "estimates": {
            "quartile_win_rate_gap": est(0.20, 0.08, 0.31, 30, "fraction"),
            "behavior_change::quantified_impact": est(1.9, 1.2, 2.6, 12, "points"),
            "behavior_change::next_steps_specificity": est(0.3, -0.4, 1.0, 9, "points"),
            "event_study_pretrend::quantified_impact": est(0.05, -0.2, 0.3, 12, "points"),
            "win_rate_change_per_point::quantified_impact": est(0.04, 0.01, 0.07, 30, "fraction", lag_quarters=1),
            "ramp_weeks_saved::first_win": est(3.0, 1.0, 5.5, 14, "weeks"),
            "ramp_weeks_saved::quota_80": est(5.0, 2.0, 8.0, 14, "weeks"),
            "six_month_attainment_gap": est(0.12, -0.05, 0.30, 14, "fraction"),
            "deal_cycle_pct_faster::decision_process_mapping": est(0.18, 0.08, 0.27, 400, "fraction"),
            "deal_cycle_pct_faster::next_steps_specificity": est(0.05, -0.04, 0.13, 400, "fraction"),
            "ramp_value_usd": est(600_000, 250_000, 950_000, 8, "usd"),
            "realized_value_usd": est(700_000, 200_000, 1_300_000, 12, "usd"),
            "upside_value_usd": est(900_000, 300_000, 1_400_000, 30, "usd"),
            "roi_pct": est(2.1, 0.6, 3.5, 30, "fraction"),
            "behavior_auc": est(0.66, 0.61, 0.71, 500, "auc"),
        },
        "headline": None,
        "status": {"01_data_intake": "ok", "02_behavioral_scoring": "ok", "03_cohort_comparison": "ok",
                   "04_coaching_plan": "ok"},
        "extra": {
            "01_data_intake": {"tables": {"reps": {"rows_read": 42, "rows_accepted": 42, "rows_rejected": 0},
                                          "calls": {"rows_read": 5000, "rows_accepted": 4990, "rows_rejected": 10}}},
            "04_coaching_plan": {"funnel_summary": {"headline": "Connect rate is the weakest SDR stage", "n_sdrs": 12,
                                                    "team_connect_rate": 0.08}},
        },
    }
    if not raw:
        f["estimates"] = made(f["estimates"])
    return f


def findings_no_effect() -> dict:
    """Nothing moved: every interval covers zero; the lag comparison is not yet observable."""
    f = findings_effect(raw=True)
    e = f["estimates"]
    e["quartile_win_rate_gap"] = est(0.02, -0.09, 0.12, 30, "fraction")
    e["behavior_change::quantified_impact"] = est(0.1, -0.5, 0.7, 12, "points")
    e["behavior_change::next_steps_specificity"] = est(-0.2, -0.9, 0.5, 9, "points")
    del e["win_rate_change_per_point::quantified_impact"]
    for k in ("ramp_weeks_saved::first_win", "ramp_weeks_saved::quota_80"):
        e[k] = est(0.4, -2.0, 2.5, 14, "weeks")
    e["deal_cycle_pct_faster::decision_process_mapping"] = est(0.01, -0.08, 0.09, 400, "fraction")
    e["ramp_value_usd"] = est(40_000, -150_000, 220_000, 8, "usd")
    e["upside_value_usd"] = est(20_000, -300_000, 330_000, 30, "usd")
    e["realized_value_usd"] = est(20_000, -300_000, 330_000, 12, "usd")
    e["roi_pct"] = est(-0.6, -1.5, 0.4, 30, "fraction")
    e["behavior_auc"] = est(0.51, 0.46, 0.56, 500, "auc")
    f["estimates"] = made(e)
    return f


def findings_empty(reason: str = "no call_scores table in the inputs") -> dict:
    return {"quarter": "2026Q3", "estimates": {}, "headline": None,
            "status": {"01_data_intake": "ok", "03_cohort_comparison": f"skipped: {reason}"}, "extra": {}}


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
                     "win_rate_after": 0.40 - 0.05 * i, "n_deals_before": 8, "n_deals_after": 4 + 2 * i,
                     "sentence": f"{r['rep_name']} worked on {b}."})
    df = pd.DataFrame(rows)
    df["observable"] = df["observable"].astype("string")
    return df


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


# ------------------------------------------------------------------------------------ fixtures
def make_cfg(tmp: Path, **report) -> config.Config:
    over = {"report": report} if report else {}
    return config.build(quarter="2026Q3", data_dir=str(tmp), run_dir=str(tmp / "run"), overrides=over,
                        check_paths=False)


def inputs_for(f: dict, rq: pd.DataFrame | None) -> deck.DeckInputs:
    if rq is None:
        return deck.DeckInputs(findings=f)
    return deck.DeckInputs(findings=f, rep_quarter=rq, quartiles=quartiles(rq), examples=examples(rq))


@pytest.fixture(scope="module")
def tmp_mod(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("deck")


@pytest.fixture(scope="module")
def effect_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "effect")
    return cfg, deck.build_deck(cfg, inputs_for(findings_effect(), rep_quarter()))


@pytest.fixture(scope="module")
def null_deck(tmp_mod):
    cfg = make_cfg(tmp_mod / "null")
    return cfg, deck.build_deck(cfg, inputs_for(findings_no_effect(), rep_quarter(effect=0.0)))


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


def chromium_or_skip() -> str:
    exe = deck.find_chromium()
    if exe is None:
        pytest.skip("no Chromium found (install `chromium` or set COACHING_ROI_CHROMIUM) — browser checks skipped")
    return exe


POSITIVE = re.compile(r"\b(rose|win more|won more|faster|sooner|returned|moved .* up)\b", re.I)


# ------------------------------------------------------------------------------------ the model
def test_deck_has_title_two_main_slides_and_the_appendix(effect_deck):
    _, d = effect_deck
    keys = [s.key for s in d.slides]
    assert keys == ["title", "quartiles", "examples", "evidence", "ramp", "cycle", "money", "funnel", "methods", "quality"]
    assert [s.appendix for s in d.slides[:3]] == [False, False, False]
    assert all(s.appendix for s in d.slides[3:])
    assert d.slides[1].figure and d.slides[2].figure
    assert d.slides[0].lead == d.headline


def test_effect_deck_reads_the_effects(effect_deck):
    _, d = effect_deck
    assert "“Quantifies the business impact”" in d.headline and "won more" in d.headline
    s1 = d.slides[1]
    assert "win more" in s1.title and "95% CI +8 pp to +31 pp" in s1.lead
    s2 = d.slides[2]
    assert len(s2.cards) == 3
    assert s2.cards[0]["intervention"].startswith("Coached on quantified impact in 6 sessions")
    assert "no observable was recorded" in s2.cards[2]["intervention"]
    money = next(s for s in d.slides if s.key == "money")
    assert "50%" in " ".join(money.bullets) and "80%" in " ".join(money.bullets)


def test_no_effect_deck_makes_no_positive_claim(null_deck):
    _, d = null_deck
    assert not POSITIVE.search(d.headline), d.headline
    for s in d.slides:
        assert not POSITIVE.search(s.title), s.title
        assert not POSITIVE.search(s.lead), (s.key, s.lead)
    assert "No clear" in d.slides[1].title
    assert "not a team-wide result" in d.slides[2].title


def test_missing_inputs_give_slides_that_say_why(tmp_path):
    cfg = make_cfg(tmp_path)
    d = deck.build_deck(cfg, inputs_for(findings_empty("no call_scores table in the inputs"), None))
    assert d.n_slides == 10
    assert d.headline.startswith("Not enough data")
    assert "no call_scores table" in d.slides[1].missing and d.slides[1].figure is None
    assert d.slides[2].missing and not d.slides[2].cards
    funnel = next(s for s in d.slides if s.key == "funnel")
    assert "notebook 04 has not run" in funnel.missing
    out = deck.render_all(cfg, d)  # renders without crashing, every slide present
    assert (cfg.run_dir / out["html"]).exists() and (cfg.run_dir / out["pptx"]).exists()


def test_input_status_lists_absent_inputs():
    st = deck.input_status(inputs_for(findings_empty(), None))
    assert not st.loc[st["input"] == "03_example_reps", "present"].item()
    assert "notebook 02 has not run" in st.loc[st["input"].str.contains("02_"), "note"].item()


@pytest.mark.parametrize(
    ("obj", "cols", "first"),
    [
        ({"a_b": 1.5, "c": "x"}, ["Item", "Value"], ["A b", "1.5"]),
        ([{"t": "reps", "n": 3}], ["T", "N"], ["reps", "3"]),
        ({"reps": {"rows": 4}}, ["", "Rows"], ["reps", "4"]),
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
    pics = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert pics >= 2


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
    assert alias0 in html_text and any(c["name"] == alias0 for c in d.slides[2].cards)
    assert "aliases" in " ".join(d.slides[0].bullets)


def test_find_chromium_env_and_absence(monkeypatch, tmp_path):
    fake = tmp_path / "mybrowser"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv("COACHING_ROI_CHROMIUM", str(fake))
    assert deck.find_chromium() == str(fake)
    monkeypatch.delenv("COACHING_ROI_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(deck, "BROWSER_PATHS", ())
    assert deck.find_chromium() is None


def test_render_all_without_browser_skips_pdf_with_instructions(monkeypatch, tmp_path):
    cfg = make_cfg(tmp_path)
    d = deck.build_deck(cfg, inputs_for(findings_empty(), None))
    monkeypatch.setattr(deck, "find_chromium", lambda: None)
    out = deck.render_all(cfg, d)
    assert out["pdf"].startswith("skipped:") and "apt-get install chromium" in out["pdf"]
    assert out["html"] == "qbr_deck.html" and out["pptx"] == "qbr_deck.pptx"
    assert not (cfg.run_dir / "qbr_deck.pdf").exists()


def test_render_all_survives_a_broken_browser(monkeypatch, tmp_path):
    cfg = make_cfg(tmp_path)
    d = deck.build_deck(cfg, inputs_for(findings_empty(), None))
    monkeypatch.setattr(deck, "find_chromium", lambda: str(tmp_path / "not-a-browser"))
    out = deck.render_all(cfg, d)
    assert out["pdf"].startswith("skipped: printing with")


def test_load_inputs_reads_a_run_folder(tmp_path):
    run = tmp_path / "run"
    write_run(run, findings_effect(), rep_quarter())
    cfg = make_cfg(tmp_path)
    inp = deck.load_inputs(cfg)
    assert inp.rep_quarter is not None and len(inp.examples) == 3
    assert "quartile_win_rate_gap" in inp.findings["estimates"]
    assert inp.findings["status"]["04_coaching_plan"] == "ok"


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
