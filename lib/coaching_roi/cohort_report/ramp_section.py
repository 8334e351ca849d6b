"""Section 6: new-hire ramp — Kaplan–Meier milestones, weeks saved, 6-month attainment."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import survival, verdict
from coaching_roi.config import Config
from coaching_roi.stats import Interval, fmt_interval, fmt_value

from .common import Findings, KMPanel, Table, _fractions, _make

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
