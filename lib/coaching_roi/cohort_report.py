"""Notebook 03's sections as functions: each takes the loaded inputs and ``cfg`` and returns one small
frozen dataclass with what the section shows and what it records.

Every section result carries

* the tidy frames its figure needs (the figure itself is drawn by :mod:`coaching_roi.plots.cohorts` or
  :mod:`coaching_roi.plots.effects` in the notebook);
* display-ready :class:`Table` objects (values formatted for a person, with their caption);
* the sentences the notebook says, in the order it says them;
* ``estimates`` (findings.json entries, SPEC §9 IDs) and ``not_computed`` (id -> why not).

Sections, in notebook order: :func:`quartile_win_rate`, :func:`layer1_activity`,
:func:`behavior_change`, :func:`outcome_link`, :func:`example_reps`, :func:`ramp`, :func:`deal_cycle`,
:func:`money_section`; then :func:`collect` merges their findings and :func:`summary_tables` /
:func:`findings_status` describe them. Nothing here draws, shows or writes except
:func:`save_artifacts`.

How the notebook calls a section::

    q = cohort_report.quartile_win_rate(rep_quarter_composite, opps, reps, cfg)
    if q.title is not None:                      # enough scored reps for a figure
        fig, ax = plt.subplots(figsize=(10, 5))
        cplots.plot_quartile_win_rate(q.rep_quarter, q.quartiles, title=q.title, ax=ax)
        plt.show()
    for s in q.sentences:
        nbsupport.say(s)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coaching_roi import cohorts, effects, survival, verdict
from coaching_roi.config import Config
from coaching_roi.estimate_ids import label as estimate_label
from coaching_roi.estimate_ids import shown_unit
from coaching_roi.stats import Interval, fmt_interval, fmt_value

Findings = dict[str, Any]

from coaching_roi.money_report import MoneySection, money_section  # noqa: E402,F401 - section 8, re-exported
from coaching_roi.outcome_report import OutcomeLinkSection, outcome_link  # noqa: E402,F401 - section 4, re-exported


def _make(cfg: Config, estimate_id: str, iv: Interval, *, unit: str, n_unit: str, **kw: Any) -> dict:
    """A findings estimate from an interval, through the one verdict rule."""
    return verdict.make(estimate_id, value=iv.value, ci_low=iv.ci_low, ci_high=iv.ci_high, n=iv.n, n_unit=n_unit,
                        unit=unit, policy=verdict.Policy.from_config(cfg), labels=cfg.rubric.labels, **kw)


@dataclass(frozen=True)
class Table:
    """A display-ready frame with its caption (``nbsupport.show_table(t.df, caption=t.caption, ...)``)."""

    df: pd.DataFrame
    caption: str
    precision: int = 2


@dataclass(frozen=True)
class KMPanel:
    """One Kaplan–Meier panel: tidy curves and medians (``survival.km_curves`` / ``km_table``) and a title."""

    curves: pd.DataFrame
    medians: pd.DataFrame
    title: str
    order: list[str]


def _missing(**tables: pd.DataFrame | None) -> list[str]:
    return [k for k, v in tables.items() if v is None]


def _fractions(s: pd.Series) -> pd.Series:
    return s.map(lambda v: fmt_value(v, "fraction"))


def _intervals(lo: pd.Series, hi: pd.Series, unit: str) -> list[str]:
    return [fmt_interval(a, b, unit) for a, b in zip(lo, hi, strict=True)]


# ------------------------------------------------------------------------------------------ inputs
def inputs_table(cfg: Config, inputs: dict[str, pd.DataFrame | None]) -> Table:
    """Rows and presence of each input (display name -> frame or None) for the quarter."""
    start, end = cfg.quarter_bounds()
    df = pd.DataFrame([{"input": k, "rows": (len(v) if v is not None else 0), "status": ("present" if v is not None else "absent")}
                       for k, v in inputs.items()])
    return Table(df, f"Inputs for {cfg.quarter} ({start:%d %b %Y} to {end - pd.Timedelta(days=1):%d %b %Y})")


def save_artifacts(cfg: Config, frames: dict[str, pd.DataFrame]) -> None:
    """Write a section's artifacts (name -> frame) as Parquet for the QBR deck (notebook 05)."""
    for name, df in frames.items():
        df.to_parquet(cfg.artifact(name), index=False)


# ------------------------------------------------------------------------------- 1 · cohort win rate
@dataclass(frozen=True)
class QuartileSection:
    """Section 1: win rate by composite-score quartile and the top-minus-bottom gap.

    ``title`` is set only when a figure can be drawn; ``sentences`` follow the figure; ``table`` and
    ``notes`` come next; ``artifacts`` are ``03_rep_quarter`` and ``03_quartiles``.
    """

    rep_quarter: pd.DataFrame | None = None
    quartiles: pd.DataFrame | None = None
    gap: Interval | None = None
    small: bool = False
    title: str | None = None
    sentences: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()
    artifacts: dict[str, pd.DataFrame] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def quartile_table(quartiles: pd.DataFrame) -> pd.DataFrame:
    """Format the quartile summary for display (labels, score range, win rate and interval as %)."""
    return quartiles.assign(
        quartile=quartiles["quartile"].map(cohorts.QUARTILE_LABELS),
        score_range=[f"{a:.1f}–{b:.1f}" for a, b in zip(quartiles["score_min"], quartiles["score_max"], strict=True)],
        win_rate=_fractions(quartiles["win_rate"]),
        interval=_intervals(quartiles["ci_low"], quartiles["ci_high"], "fraction"),
    )[["quartile", "score_range", "n_reps", "n_deals", "won", "lost", "win_rate", "interval"]]


def quartile_win_rate(
    composite: pd.DataFrame | None, opportunities: pd.DataFrame | None, reps: pd.DataFrame | None, cfg: Config
) -> QuartileSection:
    """Section 1: quartiles of the composite discovery score, their win rates and the gap (rep bootstrap)."""
    A = cfg.analysis
    start, end = cfg.quarter_bounds()
    missing = _missing(**{"02_rep_quarter_composite": composite, "opportunities": opportunities, "reps": reps})
    if missing:
        return QuartileSection(
            sentences=(f"The cohort win rate cannot be computed: {', '.join(missing)} is absent, so there is no score "
                       "per rep or no closed deal to compare. No number is shown rather than a made-up one.",),
            not_computed={"quartile_win_rate_gap": f"needs {', '.join(missing)}"},
        )
    rq = cohorts.rep_quarter_table(composite, opportunities, reps, quarter=cfg.quarter, start=start, end=end)
    quartiles = cohorts.quartile_summary(rq, n_boot=A.n_bootstrap, seed=A.seed, level=A.confidence_level)
    gap = cohorts.quartile_gap(rq, n_boot=A.n_bootstrap, seed=A.seed, level=A.confidence_level)
    small = bool(len(quartiles) == 0 or quartiles["n_reps"].min() < A.min_reps_per_group)
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    title = None
    if len(rq) and rq["quartile"].notna().sum() >= 4:
        est = _make(cfg, "quartile_win_rate_gap", gap, unit="fraction", n_unit="AEs", small_sample=small,
                    note="Scores predict wins here: an association, not proof that coaching caused it.")
        estimates["quartile_win_rate_gap"] = est
        title = verdict.title("quartile_win_rate_gap", est, policy=verdict.Policy.from_config(cfg))
        sentences = (est["reading"],)
    else:
        not_computed["quartile_win_rate_gap"] = "fewer than 4 scored AEs with closed deals this quarter"
        sentences = ("Fewer than four scored AEs closed deals this quarter, so quartiles cannot be formed.",)
    notes = []
    n_out = int(rq["quartile"].isna().sum())
    if n_out:
        notes.append(f"{n_out} scored AE(s) closed no deal this quarter and are not placed in a quartile.")
    if (quartiles["n_reps"] < A.min_reps_per_group).any():
        notes.append(f"Small sample warning: at least one quartile has fewer than {A.min_reps_per_group} reps; "
                     "read the quartile win rates as indicative.")
    return QuartileSection(
        rep_quarter=rq, quartiles=quartiles, gap=gap, small=small, title=title, sentences=sentences,
        table=Table(quartile_table(quartiles), "Win rate by composite-score quartile (interval: reps resampled within the quartile)"),
        notes=tuple(notes),
        artifacts={"03_rep_quarter": rq.drop(columns=["n_deals"]), "03_quartiles": quartiles.drop(columns=["ci_method"])},
        estimates=estimates, not_computed=not_computed,
    )


# -------------------------------------------------------------------------- 2 · layer 1: activity
@dataclass(frozen=True)
class ActivitySection:
    """Section 2 (layer 1): coaching activity this quarter.

    ``sentences`` and ``overview_table`` open the section. When the quarter has sessions
    (``has_sessions``) two figures follow — sessions per behavior and cadence per rep, each with
    its title and reading — then ``rep_table`` and ``coach_table``; otherwise ``closing`` is said.
    """

    sessions_q: pd.DataFrame | None = None
    by_rep: pd.DataFrame | None = None
    by_coach: pd.DataFrame | None = None
    by_behavior: pd.DataFrame | None = None
    overview: pd.DataFrame | None = None
    sentences: tuple[str, ...] = ()
    overview_table: Table | None = None
    behavior_title: str = ""
    behavior_reading: str = ""
    cadence_title: str = ""
    cadence_reading: str = ""
    rep_table: Table | None = None
    coach_table: Table | None = None
    closing: tuple[str, ...] = ()
    not_computed: dict[str, str] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)

    @property
    def has_sessions(self) -> bool:
        return self.sessions_q is not None and len(self.sessions_q) > 0


def layer1_activity(sessions: pd.DataFrame | None, reps: pd.DataFrame | None, cfg: Config) -> ActivitySection:
    """Section 2: sessions per rep, coach and behavior; cadence, longest gap; one-behavior and observable shares."""
    if sessions is None:
        return ActivitySection(
            sentences=("No coaching log (coaching_sessions) was provided: coaching activity cannot be described, and the "
                       "behavioral-change and outcome layers below have nothing to test. Fix: export the coaching log with "
                       "the behavior targeted and the observable committed to.",),
            not_computed={"layer1_activity": "no coaching_sessions table"},
        )
    start, end = cfg.quarter_bounds()
    labels = cfg.rubric.labels
    sq = cohorts.sessions_in_quarter(sessions, start, end)
    act_rep = cohorts.activity_by_rep(sq, reps if reps is not None else pd.DataFrame({"rep_id": [], "rep_name": []}), start, end)
    act_coach = cohorts.activity_by_coach(sq)
    act_beh = cohorts.activity_by_behavior(sq, labels)
    overview = cohorts.activity_overview(sq, level=cfg.analysis.confidence_level)
    n_aes = int((reps["role"] == "AE").sum()) if reps is not None else None
    base = {"sessions_q": sq, "by_rep": act_rep, "by_coach": act_coach, "by_behavior": act_beh, "overview": overview,
            "sentences": (cohorts.activity_sentence(overview, act_rep, n_aes),)}
    if not len(sq):
        return ActivitySection(**base, closing=("The coaching log has no session dated in this quarter.",))
    overview_table = Table(
        overview.assign(share=_fractions(overview["share"]), interval=_intervals(overview["ci_low"], overview["ci_high"], "fraction"))
        [["measure", "k", "n", "share", "interval"]],
        "Quality of the coaching log this quarter (n = sessions; Wilson intervals treat sessions as independent)")
    top_b = act_beh.iloc[0]
    med_gap = act_rep["longest_gap_weeks"].median()
    show_rep = act_rep.assign(cadence=_fractions(act_rep["cadence"]),
                              main_behavior=act_rep["main_behavior"].map(lambda k: labels.get(k, k)),
                              share_single_behavior=_fractions(act_rep["share_single_behavior"]),
                              share_with_observable=_fractions(act_rep["share_with_observable"]))
    return ActivitySection(
        **base,
        overview_table=overview_table,
        behavior_title=f"Most coaching went to '{top_b['behavior_label']}' ({int(top_b['n_sessions'])} of {len(sq)} sessions)",
        behavior_reading=("Reading: each bar counts the sessions that targeted a behavior; the grey part is sessions that also "
                          f"targeted something else ({(~sq['single_behavior']).sum()} of {len(sq)} sessions split their focus)."),
        cadence_title=f"Coached reps had a session in a median {act_rep['cadence'].median():.0%} of the quarter's weeks",
        cadence_reading=("Reading: further right = more regular coaching; bigger dot = more sessions. "
                         + (f"The median longest gap between two sessions of the same rep was {med_gap:.1f} weeks."
                            if pd.notna(med_gap) else "")),
        rep_table=Table(show_rep[["rep_name", "n_sessions", "cadence", "longest_gap_weeks", "main_behavior",
                                  "share_single_behavior", "share_with_observable"]],
                        "Coaching per rep this quarter (longest gap in weeks between two sessions)", precision=1),
        coach_table=Table(act_coach.assign(share_single_behavior=_fractions(act_coach["share_single_behavior"]),
                                           share_with_observable=_fractions(act_coach["share_with_observable"])),
                          "Coaching per coach this quarter"),
    )


# ------------------------------------------------------------------ 3-5 · layers 2-3, example reps
@dataclass(frozen=True)
class EventPanel:
    """One event-study figure: the behavior, its title and the reading of its pre-trend (if estimated)."""

    behavior: str
    title: str
    pretrend_reading: str | None


@dataclass(frozen=True)
class BehaviorChangeSection:
    """Section 3 (layer 2): ``table`` then ``sentences`` (or only the missing-input sentence), then one
    event-study figure per ``panels`` entry, drawn from ``result.event_study``."""

    result: effects.BehaviorChangeResult | None = None
    table: Table | None = None
    sentences: tuple[str, ...] = ()
    panels: tuple[EventPanel, ...] = ()
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def behavior_change(inp: effects.EffectInputs, cfg: Config) -> BehaviorChangeSection:
    """Section 3: stacked DiD per coached behavior (:func:`coaching_roi.effects.behavior_change`)."""
    if inp.missing:
        return BehaviorChangeSection(sentences=(inp.missing_sentence(),),
                                     not_computed={"layers_2_3": inp.missing_sentence()})
    labels = cfg.rubric.labels
    bc = effects.behavior_change(inp.weekly, inp.episodes, cfg=cfg)
    est = bc.estimates(labels=labels)
    t = bc.table
    show = t.assign(
        behavior=t["behavior"].map(lambda k: labels.get(k, k)),
        effect=[fmt_value(v, "points", signed=True) for v in t["estimate"]],
        interval=_intervals(t["ci_low"], t["ci_high"], "points"),
        pre_trend=[fmt_value(v, "points", signed=True) for v in t["pretrend"]],
    )[["behavior", "effect", "interval", "n_reps", "n_episodes", "n_controls", "pre_trend", "status"]]
    in_study = set(bc.event_study["behavior"])
    panels = []
    for b in t["behavior"]:
        if b != "all" and b in in_study:
            pre = est.get(f"event_study_pretrend::{b}")
            panels.append(EventPanel(b, bc.title(b, labels=labels), pre["reading"] if pre is not None else None))
    return BehaviorChangeSection(
        result=bc,
        table=Table(show, "Coaching effect on the coached behavior's score (DiD, rep-clustered intervals)"),
        sentences=tuple(e["reading"] for k, e in est.items() if k.startswith("behavior_change::")),
        panels=tuple(panels),
        estimates=dict(est),
    )


# Section 4 (layer 3) lives in coaching_roi.outcome_report (OutcomeLinkSection, outcome_link), re-exported above.


EXAMPLE_COLUMNS = ["rep_id", "rep_name", "behavior", "behavior_label", "observable", "n_sessions", "first_session_date",
                   "before_score", "after_score", "win_rate_before", "win_rate_after", "n_deals_before", "n_deals_after",
                   "sentence"]


@dataclass(frozen=True)
class ExampleRepsSection:
    """Section 5: ``sentences`` (the rule, then one per example rep or why there is none); when
    ``result`` has reps, their trajectories figure and ``reading``; ``artifacts``: ``03_example_reps``."""

    result: effects.ExampleReps | None = None
    sentences: tuple[str, ...] = ()
    reading: str | None = None
    artifacts: dict[str, pd.DataFrame] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)

    @property
    def has_examples(self) -> bool:
        return self.result is not None and len(self.result.table) > 0


def example_reps(inp: effects.EffectInputs, cfg: Config) -> ExampleRepsSection:
    """Section 5: the example reps picked by the stated rule (:func:`coaching_roi.effects.example_reps`)."""
    if inp.missing:
        return ExampleRepsSection()
    ex = effects.example_reps(inp, cfg=cfg)
    if not len(ex.table):
        return ExampleRepsSection(result=ex, sentences=(
            "Rule: " + ex.rule, "No coached episode meets the rule yet (too few weeks of scores after the first session)."))
    return ExampleRepsSection(
        result=ex,
        sentences=("Rule: " + ex.rule, *ex.table["sentence"]),
        reading=("Reading: each line is the rep's weekly score on the coached behavior around the first session (week 0); "
                 "the grey line is the team's not-coached reps on the same weeks."),
        artifacts={"03_example_reps": ex.table[EXAMPLE_COLUMNS]},
    )


# ----------------------------------------------------------------------------------------- 6 · ramp
MILESTONES = ("first_win", "quota_80")


@dataclass(frozen=True)
class RampSection:
    """Section 6: new hires by onboarding program.

    ``sentences`` describe the cohort (or why there is none). When ``sample`` has rows: the KM
    ``panels`` (one per milestone), ``milestone_sentences``, ``medians_table``, then
    ``attainment_table`` and ``attainment_sentence``. ``weeks_saved`` feeds :func:`money_section`.
    """

    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    sentences: tuple[str, ...] = ()
    small: bool = True
    weeks_saved: dict[str, Interval] = field(default_factory=dict)
    panels: tuple[KMPanel, ...] = ()
    milestone_sentences: tuple[str, ...] = ()
    medians_table: Table | None = None
    attainment: Interval | None = None
    attainment_table: Table | None = None
    attainment_sentence: str = ""
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def _km_title(cfg: Config, estimate_id: str, est: dict, milestone_label: str) -> str:
    if est["value"] is None:
        return f"Time to {milestone_label} by onboarding program: medians not reached yet"
    return verdict.title(estimate_id, est, policy=verdict.Policy.from_config(cfg))


def _fmt_median(v: float) -> str:
    return fmt_value(v, "weeks") if pd.notna(v) and v != float("inf") else "not reached"


def _fmt_median_interval(lo: float, hi: float) -> str:
    return fmt_interval(lo, hi, "weeks") if hi != float("inf") else f"{fmt_value(lo, 'weeks')} to not reached"


def ramp(reps: pd.DataFrame | None, opportunities: pd.DataFrame | None, cfg: Config) -> RampSection:
    """Section 6: weeks saved to the first win and to the first month at the quota threshold
    (Kaplan–Meier, censored), and the 6-month quota attainment gap, structured vs standard program."""
    A = cfg.analysis
    level, min_reps = A.confidence_level, A.min_reps_per_group
    _, end = cfg.quarter_bounds()
    treated, control = A.ramp_treated_program, A.ramp_control_program
    if (reps is None or opportunities is None or not {"hire_date", "onboarding_program"} <= set(reps.columns)
            or reps["onboarding_program"].isna().all()):
        return RampSection(
            sentences=("Ramp cannot be computed: it needs hire dates and onboarding programs in the reps table and the "
                       "opportunities table. Fix: add hire_date and onboarding_program to the reps export.",),
            not_computed={"ramp": "needs reps.hire_date and reps.onboarding_program, and opportunities"},
        )
    hired_from = survival.ramp_cohort_start(end, opportunities, A.ramp_cohort_months)
    sample = survival.ramp_milestones(reps, opportunities, as_of=end, threshold=A.ramp_quota_threshold,
                                      attainment_months=A.ramp_attainment_months, hired_from=hired_from)
    sample = sample.loc[sample["program"].isin([treated, control])] if len(sample) else sample
    counts = sample["program"].value_counts() if len(sample) else pd.Series(dtype=int)
    cohort = (f"New hires since {hired_from:%d %b %Y}: {int(counts.get(treated, 0))} in {treated}, "
              f"{int(counts.get(control, 0))} in {control}; {int(sample['left'].sum()) if len(sample) else 0} left "
              "before the quarter end (censored at their end date).")
    if counts.get(treated, 0) < 2 or counts.get(control, 0) < 2:
        return RampSection(
            sentences=(cohort, "Ramp comparison skipped: it needs at least two new hires in each program."),
            not_computed={"ramp": f"fewer than 2 new hires in {treated} or {control}"},
        )

    small = bool(sample["program"].value_counts().min() < min_reps)
    labels = {"first_win": "first won deal", "quota_80": f"first month at {A.ramp_quota_threshold:.0%} of quota"}
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    weeks: dict[str, Interval] = {}
    panels, texts, medians = [], [], []
    for m in MILESTONES:
        mlabel = labels[m]
        d = sample.loc[sample[f"weeks_to_{m}"].notna()]
        iv = survival.weeks_saved(d, m, treated=treated, control=control, n_boot=A.n_bootstrap, seed=A.seed, level=level)
        weeks[m] = iv
        med = survival.km_table(d, f"weeks_to_{m}", m, "program", level=level)
        lr = survival.logrank(d, f"weeks_to_{m}", m, "program", treated, control)
        note = f"Log-rank test p = {lr.p_value:.2f}." if pd.notna(lr.p_value) else None
        est = _make(cfg, f"ramp_weeks_saved::{m}", iv, unit="weeks", n_unit="new hires", small_sample=small, note=note,
                    treated_program=treated, control_program=control)
        txt = est["reading"]
        if pd.notna(iv.value):
            estimates[f"ramp_weeks_saved::{m}"] = est
        else:
            not_computed[f"ramp_weeks_saved::{m}"] = "a program's median is not reached yet (fewer than half its hires got there)"
        panels.append(KMPanel(survival.km_curves(d, f"weeks_to_{m}", m, "program", level=level), med,
                              _km_title(cfg, f"ramp_weeks_saved::{m}", est, mlabel), [treated, control]))
        texts.append(f"{mlabel.capitalize()}: " + txt)
        medians.append(med.assign(milestone=mlabel))
    med_all = pd.concat(medians, ignore_index=True)
    medians_table = Table(
        med_all.assign(median=[_fmt_median(v) for v in med_all["median"]],
                       interval=[_fmt_median_interval(a, b) for a, b in zip(med_all["median_ci_low"], med_all["median_ci_high"], strict=True)])
        [["milestone", "program", "n", "n_events", "n_censored", "median", "interval"]],
        "Kaplan–Meier medians (weeks since hire) with their intervals; censored = not there yet or left")

    att = survival.attainment_gap(sample, treated=treated, control=control, level=level)
    att_tab = survival.attainment_table(sample)
    small_att = bool(att_tab["n_observed"].min() < min_reps) if len(att_tab) else True
    months = A.ramp_attainment_months
    att_est = _make(cfg, "six_month_attainment_gap", att, unit="fraction", n_unit="new hires", small_sample=small_att,
                    treated_program=treated, control_program=control, months=months)
    att_txt = att_est["reading"]
    if pd.notna(att.value):
        estimates["six_month_attainment_gap"] = att_est
    return RampSection(
        sample=sample, sentences=(cohort,), small=small, weeks_saved=weeks, panels=tuple(panels),
        milestone_sentences=tuple(texts), medians_table=medians_table, attainment=att,
        attainment_table=Table(att_tab.assign(**{c: _fractions(att_tab[c]) for c in ["mean", "median", "share_at_quota"]}),
                               f"{months}-month quota attainment by program (hires followed that long; n_not_yet = hired too recently or left)"),
        attainment_sentence=att_txt + " (Welch interval: one value per hire.)",
        estimates=estimates, not_computed=not_computed,
    )


# ----------------------------------------------------------------------------------- 7 · deal cycle
@dataclass(frozen=True)
class DealCycleSection:
    """Section 7: ``sentences`` (one per behavior, or why nothing), then — when ``panels`` is not
    empty — one KM panel per behavior (None where the behavior has no scored deal), ``reading`` and
    ``table``. ``intervals`` (behavior -> % faster) feed :func:`money_section`."""

    intervals: dict[str, Interval] = field(default_factory=dict)
    sentences: tuple[str, ...] = ()
    panels: tuple[KMPanel | None, ...] = ()
    reading: str = ""
    table: Table | None = None
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def deal_cycle_table(by_outcome: pd.DataFrame) -> pd.DataFrame:
    """Widen ``survival.deal_cycle_by_outcome`` rows (plus behavior, threshold) to one row per score group."""
    wide = by_outcome.pivot_table(index=["behavior", "threshold", "group"], columns="status",
                                  values=["n_deals", "median_days"], observed=True)
    wide.columns = [f"{st}: {'deals' if v == 'n_deals' else 'median days'}" for v, st in wide.columns]
    order = [c for st in ["won", "lost", "open"] for c in (f"{st}: deals", f"{st}: median days") if c in wide.columns]
    counts = [c for c in order if c.endswith("deals")]
    wide[counts] = wide[counts].fillna(0).astype(int)
    return wide[order].reset_index()


def deal_cycle(opportunities: pd.DataFrame | None, discovery_scores: pd.DataFrame | None, cfg: Config) -> DealCycleSection:
    """Section 7: % faster close of deals high vs low on each ``analysis.deal_cycle_behaviors`` (open deals censored)."""
    missing = _missing(**{"02_opportunity_discovery_scores": discovery_scores, "opportunities": opportunities})
    if missing:
        return DealCycleSection(
            sentences=(f"Deal cycle by behavior cannot be computed: {', '.join(missing)} is absent (no discovery-call score per deal, or no deals).",),
            not_computed={"deal_cycle": f"needs {', '.join(missing)}"},
        )
    A = cfg.analysis
    level, min_reps = A.confidence_level, A.min_reps_per_group
    _, end = cfg.quarter_bounds()
    labels = cfg.rubric.labels
    intervals: dict[str, Interval] = {}
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    sentences, panels, tabs = [], [], []
    for b in A.deal_cycle_behaviors:
        label = labels.get(b, b)
        fr = survival.deal_cycle_frame(opportunities, discovery_scores, b, as_of=end)
        iv = survival.deal_cycle_effect(fr, n_boot=A.n_bootstrap, seed=A.seed, level=level)
        intervals[b] = iv
        n_reps = fr["rep_id"].nunique() if len(fr) else 0
        small = bool(n_reps < 2 * min_reps or len(fr) < 40)
        est = _make(cfg, f"deal_cycle_pct_faster::{b}", iv, unit="fraction", n_unit="deals", small_sample=small,
                    n_reps=int(n_reps),
                    note=f"An association, not proof of cause ({n_reps} reps; the interval resamples reps).")
        txt = est["reading"]
        if pd.notna(iv.value):
            estimates[f"deal_cycle_pct_faster::{b}"] = est
        else:
            not_computed[f"deal_cycle_pct_faster::{b}"] = "too few scored deals or a median not reached"
        if len(fr):
            panels.append(KMPanel(survival.km_curves(fr, "days", "closed", "group", level=level),
                                  survival.km_table(fr, "days", "closed", "group", level=level),
                                  verdict.title(f"deal_cycle_pct_faster::{b}", est, policy=verdict.Policy.from_config(cfg), labels=labels), ["high", "low"]))
            tabs.append(survival.deal_cycle_by_outcome(fr).assign(behavior=label, threshold=float(fr["threshold"].iloc[0])))
        else:
            panels.append(None)
        sentences.append(txt)
    table = None
    if tabs:
        table = Table(deal_cycle_table(pd.concat(tabs, ignore_index=True)),
                      "Deals by score group and outcome: median days created → close (open deals: age so far)", precision=1)
    return DealCycleSection(
        intervals=intervals, sentences=tuple(sentences), panels=tuple(panels),
        reading=("Reading: each curve is the share of deals still open after so many days; the curve that drops faster "
                 "closes sooner. Dotted lines mark the medians."),
        table=table, estimates=estimates, not_computed=not_computed,
    )


# ---------------------------------------------------------------------------------------- 8 · money
# The money section lives in coaching_roi.money_report (MoneySection, money_section), re-exported above.


# -------------------------------------------------------------------------------------- summary
def collect(*sections: Any) -> tuple[Findings, dict[str, str]]:
    """Merge the sections' ``estimates`` and ``not_computed`` in notebook order (later keys win)."""
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    for s in sections:
        estimates.update(s.estimates)
        not_computed.update(s.not_computed)
    return estimates, not_computed


def _as_dict(e: Any) -> dict:
    return e if isinstance(e, dict) else e.model_dump()


def summary_tables(estimates: Findings, not_computed: dict[str, str]) -> tuple[Table | None, Table | None]:
    """The estimates written to findings.json (gaps and per-point slopes shown in pp), and what was not computed."""
    rows = []
    for k, e in estimates.items():
        e = _as_dict(e)
        shown = shown_unit(k, e["unit"])
        rows.append({"estimate": estimate_label(k), "value": fmt_value(e["value"], shown, signed=True),
                     "interval": fmt_interval(e["ci_low"], e["ci_high"], shown), "n": f"{e['n']:,} {e['n_unit']}",
                     "verdict": e["verdict"].replace("_", " "), "reading": e["reading"]})
    est_table = Table(pd.DataFrame(rows), "Estimates written to findings.json") if rows else None
    nc_table = (Table(pd.DataFrame([{"not computed": k, "why": v} for k, v in not_computed.items()]), "Not computed, and why")
                if not_computed else None)
    return est_table, nc_table


def findings_status(estimates: Findings, not_computed: dict[str, str]) -> str:
    """``"ok"`` when anything was estimated, else ``"skipped: <section>: <why>; ..."``."""
    return "ok" if estimates else "skipped: " + "; ".join(f"{k}: {v}" for k, v in not_computed.items())
