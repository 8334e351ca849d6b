"""The calibration study's machinery: planted teams in, verdict rates and interval coverage out.

One team = :func:`analyse_team`: the demo generator writes a team with known truth, then the SAME
functions the notebooks call run on it in-process (01's ``intake.run_intake``, 02's
``scoring.score_tables`` and win model, 03's ``cohort_report`` sections) with a ``Config`` from
``config.build``; every estimate is the section's own ``.estimates`` entry (built by
``verdict.make``), and the headline is ``story.headline_with_ids`` on the assembled findings.

* :data:`SCENARIOS` — ``planted`` (the demo's effects), ``no_effect`` (all zeroed) and
  ``no_outcome_link`` (coaching lifts behaviors, behaviors do not move win rate or deal cycle).
* :data:`SIZES` — teams of 12, 30 and 60 AEs (``demo.DemoSize``).
* :data:`SECTIONS` — section name -> function(team context) -> estimates dict.
* :data:`ESTIMATES` — the registry: one :class:`Entry` per estimate (ID or ``base::*``): its
  section, how its planted value is found (``coaching_roi.calibration_truth``), and what counts as a claim. Adding an
  estimate to the study is one entry here (plus a section when it comes from a new one).
* The table (per size and estimate: coverage, claims per scenario, share ``too_few``) is made by
  :mod:`coaching_roi.calibration_table` from the rows :func:`analyse_team` returns.

``benchmarks/calibration.py`` runs the study on both cores; ``tests/test_calibration.py`` keeps a
few seeded bounds. Nothing here is imported by the notebooks.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pandas as pd

from coaching_roi import (
    artifacts,
    cohort_report,
    config,
    demo,
    effects,
    intake,
    scoring,
    story,
    verdict,
)
from coaching_roi import estimate_ids as ids
from coaching_roi.calibration_truth import TruthFn, realized_value_truth, truth_at

# ------------------------------------------------------------------------------------ scenarios
SCENARIOS: dict[str, dict[str, Any]] = {
    "planted": {},
    "no_effect": {"no_effect": True},
    "no_outcome_link": {"outcomes_follow_behaviors": False},
}
SCENARIO_LABELS = {"planted": "planted effects", "no_effect": "no effect",
                   "no_outcome_link": "lift, no outcome link"}


def size_for(n_aes: int) -> demo.DemoSize:
    """A team of ``n_aes`` AEs with SDRs, new hires, coached reps and managers scaled as in the demo (30)."""
    if n_aes == 30:
        return demo.DemoSize()
    if n_aes == demo.DemoSize.small().n_aes:
        return demo.DemoSize.small()  # the tests' small team
    k = n_aes / 30
    return demo.DemoSize(
        n_aes=n_aes, n_sdrs=max(4, round(12 * k)), n_new_hires=max(4, round(8 * k)),
        n_coached_aes=max(6, round(12 * k)), n_coached_sdrs=max(1, round(3 * k)),
        n_managers=max(3, round(4 * k)), n_left_aes=max(1, round(2 * k)),
    )


SIZES: dict[int, demo.DemoSize] = {n: size_for(n) for n in (12, 30, 60)}


# ------------------------------------------------------------------------------------ one team
@dataclass
class Team:
    """One generated team being analysed: its config, truth and the sections already run."""

    cfg: config.Config
    truth: dict
    tables: dict[str, pd.DataFrame | None]
    scores: scoring.ScoreTables | None
    options: dict[str, Any] = field(default_factory=dict)  # e.g. win_repeats (fewer CV repeats)
    done: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Any:
        """The result of section ``name`` (run once, on first use)."""
        if name not in self.done:
            self.done[name] = SECTIONS[name].run(self)
        return self.done[name]


@dataclass(frozen=True)
class Section:
    """A notebook section: how to run it on a team, and how to read its findings estimates."""

    run: Callable[[Team], Any]
    estimates: Callable[[Any], dict[str, dict]] = lambda r: dict(r.estimates)


def _win_model(team: Team, *, n_repeats: int | None = None) -> dict[str, dict]:
    """Notebook 02's win model cell: ``behavior_auc`` (absent when the model is skipped)."""
    cfg, A = team.cfg, team.cfg.analysis
    _, end = cfg.quarter_bounds()
    frame, features, why = scoring.win_model_inputs(
        team.tables["opportunities"], team.scores.opportunity_scores if team.scores is not None else None,
        behaviors=cfg.rubric.keys, end=end, min_deals=A.min_closed_deals_for_model)
    if why:
        return {}
    kw = {"n_repeats": n_repeats} if n_repeats else {}
    win = scoring.fit_win_model(frame, features, seed=A.seed, level=A.confidence_level, **kw)
    return {"behavior_auc": scoring.auc_estimate(win, policy=verdict.Policy.from_config(cfg))}


def _inputs(team: Team) -> effects.Inputs:
    return team.section("_inputs")


SECTIONS: dict[str, Section] = {
    # notebook 02
    "win_model": Section(lambda t: _win_model(t, n_repeats=t.options.get("win_repeats")), lambda r: r),
    # notebook 03, in notebook order
    "quartile": Section(lambda t: cohort_report.quartile_win_rate(
        artifacts.read(t.cfg, "02_rep_quarter_composite"), t.tables["opportunities"], t.tables["reps"], t.cfg)),
    "_inputs": Section(lambda t: effects.load_inputs(t.cfg), lambda r: {}),
    "behavior_change": Section(lambda t: cohort_report.behavior_change(_inputs(t), t.cfg)),
    "outcome_link": Section(lambda t: cohort_report.outcome_link(_inputs(t), t.cfg)),
    "ramp": Section(lambda t: cohort_report.ramp(t.tables["reps"], t.tables["opportunities"], t.cfg)),
    "deal_cycle": Section(lambda t: cohort_report.deal_cycle(
        t.tables["opportunities"], artifacts.read(t.cfg, "02_opportunity_discovery_scores"), t.cfg)),
    "money": Section(lambda t: cohort_report.money_section(
        t.tables["reps"], t.tables["opportunities"], t.cfg, ramp_section=t.section("ramp"),
        cycle_section=t.section("deal_cycle"), behavior_section=t.section("behavior_change"),
        outcome_section=t.section("outcome_link"), inp=_inputs(t))),
}

# the sections the headline rests on (story.headline_with_ids reads layers 2-3 and the quartile gap)
HEADLINE_SECTIONS = ("quartile", "behavior_change", "outcome_link")


# -------------------------------------------------------------------------------- the registry
@dataclass(frozen=True)
class Entry:
    """One estimate of the study.

    ``pattern`` is an estimate ID or ``base::*``; ``truth(truth_json, sub, estimate)`` gives its planted
    value (from truth.json, and from the estimate's own conditioning inputs where the truth depends on
    data, as realized value's on the deal economics; None: no coverage is measured, e.g. an AUC); ``claim`` is the set of verdicts that count as a
    claim (``positive``, or both directions for the fairness check, which flags either way);
    ``fp_target`` / ``coverage_target`` are the targets the study reports against (None: reported only).
    """

    pattern: str
    section: str
    truth: TruthFn | None = None
    claim: tuple[str, ...] = ("positive",)
    fp_target: float | None = 0.05
    coverage_target: float | None = 0.90
    fp_scenarios: tuple[str, ...] = ("no_effect",)


ESTIMATES: tuple[Entry, ...] = (
    Entry("quartile_win_rate_gap", "quartile", truth_at("quartile_win_rate_gap"),
          fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("behavior_auc", "win_model", None, coverage_target=None, fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("behavior_change::*", "behavior_change", truth_at("behavior_change")),
    Entry("event_study_pretrend::*", "behavior_change", truth_at("event_study_pretrend"),  # share flagged: reported
          claim=("positive", "negative"), fp_target=None, coverage_target=None,
          fp_scenarios=("no_effect", "no_outcome_link", "planted")),
    Entry("win_rate_change_per_point::*", "outcome_link", truth_at("win_rate_change_per_point"),
          fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("deal_cycle_pct_faster::*", "deal_cycle", truth_at("deal_cycle_pct_faster"),
          fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("ramp_weeks_saved::*", "ramp", truth_at("ramp_weeks_saved"), coverage_target=None),
    Entry("cycle_change_per_point::*", "outcome_link", truth_at("cycle_change_per_point"),
          fp_scenarios=("no_effect", "no_outcome_link")),
    # roi_pct has a value only when claimed (never so far): its claims are measured, not its coverage
    Entry("roi_pct", "money", None, coverage_target=None, fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("realized_value_usd", "money", realized_value_truth, fp_scenarios=("no_effect", "no_outcome_link")),
    Entry("upside_value_usd", "money", None, coverage_target=None, fp_scenarios=("no_effect", "no_outcome_link")),
)

HEADLINE_ID = "headline"  # the headline rests on a positive estimate
HEADLINE_ANY_ID = "headline_any_direction"  # ... or on a negative one ("scores fell")
HEADLINE_IDS = (HEADLINE_ID, HEADLINE_ANY_ID)


def entry_for(estimate_id: str) -> Entry | None:
    estimate_id = estimate_id.replace(EACH, "x")
    for e in ESTIMATES:
        if estimate_id == e.pattern or fnmatch(estimate_id, e.pattern):
            return e
    return None


def headline_claims(findings: Mapping[str, Any], hl: story.Headline,
                    verdicts: tuple[str, ...] = ("positive",)) -> bool:
    """True when the headline states a finding: it rests on an estimate with one of ``verdicts``
    (default: a ``positive`` one, i.e. a claim that something rose or pays) by the headline's own rule —
    a rise only when established (:func:`story.is_established`: clear, on enough units and holding at the
    confirmation level), a fall when it holds at the confirmation level (:func:`verdict.confirmed`). An
    early signal ("Not confirmed yet …") is named as such in the headline, never claimed, so it does not
    count. (Until cal@3aebe2c a rise counted when merely confirmed, so an early signal from few coached reps
    whose interval happened to clear the confirmation level counted as a claim although the headline
    said it was not confirmed.)

    The fairness check (``event_study_pretrend``) only qualifies a claim, so it does not count.
    """
    est = findings.get("estimates") or {}
    policy = story.policy_of(findings)

    def states(i: str) -> bool:
        e = est.get(i) or {}
        if e.get("verdict") not in verdicts:
            return False
        return story.is_established(e, policy, i) if e["verdict"] == "positive" else verdict.confirmed(e, policy)

    return any(states(i) for i in hl.ids if ids.base_of(i) != "event_study_pretrend")


# ---------------------------------------------------------------------------------- run a team
STUDY_PROGRAM_COST_USD = 200_000  # as params/demo.yaml


def prepare_team(data_dir: Path, run_dir: Path, truth: dict, *, n_bootstrap: int,
                 overrides: Mapping[str, Any] | None = None) -> Team:
    """01 and 02 as the notebooks run them: intake writes the 01 artifacts, scoring the 02 ones."""
    analysis = {"n_bootstrap": int(n_bootstrap), **dict((overrides or {}).get("analysis", {}))}
    # The demo quarter's program cost, so that ROI is computed (the params default has none: no ROI).
    economics = {"program_cost_usd": STUDY_PROGRAM_COST_USD, **dict((overrides or {}).get("economics", {}))}
    cfg = config.build(quarter=truth["end_quarter"], name="calibration", data_dir=str(data_dir),
                       run_dir=str(run_dir),
                       overrides={**dict(overrides or {}), "analysis": analysis, "economics": economics})
    intake.run_intake(cfg)
    tables = {t: artifacts.read_table(cfg, t) for t in ("reps", "calls", "call_scores", "opportunities")}
    scores = None
    if scoring.missing_scores_reason(tables["calls"], tables["call_scores"]) is None:
        scores = scoring.score_tables(tables["calls"], tables["call_scores"], cfg.rubric,
                                      min_coverage=cfg.analysis.min_composite_coverage)
    artifacts.write_all(cfg, scores.artifacts() if scores is not None else {}, scoring.ARTIFACTS)
    return Team(cfg, truth, tables, scores)


def team_estimates(team: Team, sections: Iterable[str]) -> dict[str, dict]:
    """Every findings estimate of the chosen sections (later sections win, as in ``cohort_report.collect``)."""
    out: dict[str, dict] = {}
    for name in sections:
        out.update(SECTIONS[name].estimates(team.section(name)))
    return out


def estimate_rows(estimates: Mapping[str, dict], truth: dict, *, with_headline: bool, quarter: str,
                  labels: Mapping[str, str] | None = None) -> list[dict]:
    """One row per registered estimate (id, value, interval, verdict, planted truth, covered, claim)."""
    rows = []
    for eid, est in estimates.items():
        entry = entry_for(eid)
        if entry is None:
            continue
        t = entry.truth(truth, ids.sub_of(eid), est) if entry.truth is not None else None
        lo, hi = est.get("ci_low"), est.get("ci_high")
        has_ci = lo is not None and hi is not None and math.isfinite(lo) and math.isfinite(hi)
        rows.append({
            "estimate": eid, "value": est.get("value"), "ci_low": lo, "ci_high": hi, "n": est.get("n"),
            "verdict": est.get("verdict"), "reference": est.get("reference", 0.0), "truth": t,
            "covered": (bool(lo <= t <= hi) if (has_ci and t is not None) else None),
            "claim": est.get("verdict") in entry.claim,
        })
    if with_headline:
        findings = {"estimates": dict(estimates)}
        hl = story.headline_with_ids(findings, quarter=quarter, labels=labels)
        for hid, verdicts in ((HEADLINE_ID, ("positive",)), (HEADLINE_ANY_ID, ("positive", "negative"))):
            rows.append({"estimate": hid, "value": None, "ci_low": None, "ci_high": None, "n": None,
                         "verdict": None, "truth": None, "covered": None,
                         "claim": headline_claims(findings, hl, verdicts), "text": hl.text})
    return rows


def analyse_team(seed: int, scenario: str, n_aes: int, *, n_bootstrap: int = 500,
                 sections: Iterable[str] | None = None, workdir: str | Path | None = None,
                 overrides: Mapping[str, Any] | None = None, win_repeats: int | None = None) -> list[dict]:
    """Generate one team (``seed``, ``scenario``, ``n_aes``), analyse it, return its estimate rows.

    ``sections`` defaults to every section; the headline row is added when the headline's sections
    are all run. ``win_repeats`` sets the win model's repeated-CV count (default: the notebook's).
    The team's files live in a temporary folder removed afterwards.
    """
    chosen = list(sections) if sections is not None else [s for s in SECTIONS if not s.startswith("_")]
    tmp = Path(tempfile.mkdtemp(prefix=f"cal_{scenario}_{n_aes}_{seed}_", dir=workdir))
    try:
        truth = demo.generate(tmp / "data", seed=seed, size=SIZES.get(n_aes) or size_for(n_aes),
                              inject_errors=False, **SCENARIOS[scenario])
        team = prepare_team(tmp / "data", tmp / "run", truth, n_bootstrap=n_bootstrap, overrides=overrides)
        team.options["win_repeats"] = win_repeats
        est = team_estimates(team, chosen)
        rows = estimate_rows(est, truth, with_headline=all(s in chosen for s in HEADLINE_SECTIONS),
                             quarter=team.cfg.quarter, labels=team.cfg.rubric.labels)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [{"seed": seed, "scenario": scenario, "n_aes": n_aes, **r} for r in rows]


# per-behavior estimates of these bases are summarised together (which behaviors get coached varies)
EACH_BEHAVIOR = ("behavior_change", "event_study_pretrend")
EACH = "each behavior"
