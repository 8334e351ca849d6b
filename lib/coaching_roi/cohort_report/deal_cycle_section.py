"""Section 7: deal cycle by discovery behavior — % faster for high-scoring deals, open deals censored."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import survival, verdict
from coaching_roi.config import Config
from coaching_roi.stats import Interval

from .common import Findings, KMPanel, Table, _make, _missing


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


def deal_cycle_work(opportunities: pd.DataFrame | None, cfg: Config) -> int:
    """How much :func:`deal_cycle` resamples (deals x bootstrap resamples x behaviors): what
    :func:`coaching_roi.background.submit` weighs to run it in a second process."""
    n = 0 if opportunities is None else len(opportunities)
    return n * cfg.analysis.n_bootstrap * len(cfg.analysis.deal_cycle_behaviors)


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
