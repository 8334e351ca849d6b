"""Notebook 03's money section (8): realized value, ramp value and upside apart; ROI from realized value only.

:func:`money_section` returns a :class:`MoneySection`:
the economic inputs, the money table, the figure title (phrased from a verdict) and one reading per
line. Findings: ``realized_value_usd`` (coached reps), ``ramp_value_usd`` (new hires),
``upside_value_usd`` (AEs; a potential, never a return) and ``roi_pct`` (coached reps; extras
``benefit_cost_ratio``, ``isolation_factor``, ``confidence_discount``, ``program_cost_usd``).
ROI is claimed only when realized value is clearly positive, confirmed at ``verdicts.confirm_level``,
and params hold a program cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi import bootstrap, money, story, verdict
from coaching_roi.config import Config
from coaching_roi.money import realized as rv
from coaching_roi.stats import Interval, fmt_interval, fmt_value

from .common import Table, _make

# the deal economics realized value is computed with (rv.DealEconomics fields), stored on its estimate
REALIZED_ECONOMICS = ("won_arr_per_deal", "closed_deals_per_rep_year", "win_rate", "cycle_days")
NO_COST = "no program cost is set in the params file (the program cost in its economics section)"


@dataclass(frozen=True)
class MoneySection:
    """Section 8: ``inputs_table`` (or ``sentences`` saying why nothing), then the money ``table``, the
    figure (``result.table()`` titled ``title``) and ``readings`` (realized, ramp, upside, ROI, headcount)."""

    result: money.MoneyResult | None = None
    sentences: tuple[str, ...] = ()
    inputs_table: Any = None
    table: Any = None
    title: str = ""
    readings: tuple[str, ...] = ()
    estimates: dict[str, Any] = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def _pooled_change(estimates: dict[str, dict]) -> dict | None:
    """``behavior_change::all``, or the only per-behavior estimate when one behavior was coached."""
    if "behavior_change::all" in estimates:
        return estimates["behavior_change::all"]
    per = [v for k, v in estimates.items() if k.startswith("behavior_change::")]
    return per[0] if len(per) == 1 else None


def realized(cfg: Config, opportunities: pd.DataFrame, behavior_estimates: dict, link_estimates: dict,
             link_points: pd.DataFrame | None, inp: Any) -> tuple[Interval, str, str | None, dict]:
    """Realized value per year with its joint-bootstrap interval, its basis, why not (None when computed),
    and the inputs it was computed from (``n_coached`` and the deal ``economics``; empty when not computed),
    which the estimate carries as extras so a reader can recompute it at other values of Δs, b_w, b_c."""
    bc = _pooled_change(behavior_estimates)
    win = link_estimates.get("win_rate_change_per_point::all")
    cyc = link_estimates.get("cycle_change_per_point::all")
    nan = money.NAN_IV
    if bc is None or bc.get("value") is None:
        return nan, "not computed", "no measured behavior change of coached reps (layer 2)", {}
    n = int(bc["n"])
    if win is None or win.get("value") is None or link_points is None:
        why = (win or {}).get("reading", "no outcome link (layer 3)")
        return Interval(float("nan"), float("nan"), float("nan"), n), "not computed", (
            "the win-rate link of behavior change is not measured yet (" + why.rstrip(".") + ")"), {}
    A = cfg.analysis
    _, end = cfg.quarter_bounds()
    econ = rv.deal_economics(opportunities, as_of=end, rep_ids=set(inp.reps.loc[inp.reps["role"] == "AE", "rep_id"])
                             if inp.reps is not None and "role" in inp.reps else None)
    if not all(np.isfinite([econ.won_arr_per_deal, econ.closed_deals_per_rep_year, econ.win_rate, econ.cycle_days])):
        return (Interval(float("nan"), float("nan"), float("nan"), n), "not computed",
                "no closed deals in the last 12 months", {})
    win_in = rv.link_inputs(link_points, "win_rate", win)
    cyc_in = rv.link_inputs(link_points, "cycle", cyc) if cyc is not None and cyc.get("value") is not None else None
    weekly = inp.weekly[inp.weekly["week"] < end]
    own, comp = rv.did_contributions(weekly, inp.episodes, pre_weeks=A.event_window_pre_weeks,
                                     post_weeks=A.event_window_post_weeks, episodes_to=end)
    d = rv.joint_draws((float(bc["value"]), float(bc["ci_low"]), float(bc["ci_high"])), own, comp, win_in, cyc_in,
                       n_boot=A.n_bootstrap, seed=A.seed, level=A.confidence_level)
    b_c = cyc_in.value if cyc_in is not None else 0.0
    value = rv.realized_value(float(bc["value"]), win_in.value, b_c, n, econ)
    draws = rv.realized_value(d["delta_s"], d["b_win"], d["b_cycle"], n, econ)
    lo, hi = bootstrap.percentile(draws, A.confidence_level).bounds
    cyc_txt = (f"{b_c:+.1f} days shorter cycle per point" if cyc_in is not None
               else "no deal-cycle link yet (counted as 0)")
    basis = (f"{n} coached reps × {float(bc['value']):+.1f} points × ({win_in.value * 100:+.1f} pp win rate and "
             f"{cyc_txt}) on {econ.closed_deals_per_rep_year:.0f} closed deals a rep a year, "
             f"{fmt_value(econ.won_arr_per_deal, 'usd')} ARR per won deal, {econ.win_rate:.0%} win rate, "
             f"{econ.cycle_days:.0f}-day cycle ({econ.source})")
    used = {"n_coached": n, "economics": {k: float(getattr(econ, k)) for k in REALIZED_ECONOMICS}}
    return Interval(value, min(lo, value), max(hi, value), n), basis, None, used


def _why_not(iv: Interval, basis: str) -> str | None:
    """Why a money line has no value (its basis says ``not computed: …``), or None when it has one."""
    return basis.removeprefix("not computed: ") if pd.isna(iv.value) else None


def _roi_estimate(cfg: Config, mres: money.MoneyResult, realized_est: dict) -> dict:
    """ROI from realized value only; not claimed (too_few, with what it would take) unless realized value is
    positive and confirmed."""
    policy = verdict.Policy.from_config(cfg)
    iso, conf, cost = mres.isolation_factor, mres.confidence_discount, mres.program_cost
    extra = dict(isolation_factor=iso, confidence_discount=conf, program_cost_usd=cost, benefit_cost_ratio=None)
    n = int(realized_est.get("n") or 0)
    if not cost:
        return verdict.make("roi_pct", value=None, ci_low=None, ci_high=None, n=n, n_unit="coached reps",
                            unit="fraction", policy=policy, why=NO_COST, **extra)
    if realized_est["verdict"] != "positive" or not verdict.confirmed(realized_est, policy):
        # A return on cost is claimed only from an established realized value (clear, and confirmed at
        # verdicts.confirm_level), as the headline is.
        status = ("an early signal, not confirmed yet" if realized_est["verdict"] == "positive"
                  else "not a finding")
        need = cost / max(iso * conf, 1e-9)
        m = realized_est.get("mde")
        if realized_est.get("value") is None:
            why = ("its benefit, the value of the behavior change coaching produced, is not measured yet; break-even "
                   f"needs {fmt_value(need, 'usd')} a year of it")
        else:
            why = (f"its benefit, the value of the behavior change coaching produced, reads "
                   f"{fmt_value(realized_est['value'], 'usd')} a year "
                   f"({verdict.interval_text('realized_value_usd', realized_est, policy)}), which is {status}; "
                   + (f"with {n} coached reps a value below {fmt_value(m, 'usd')} a year cannot be told from noise, "
                      if m is not None else "")
                   + f"and break-even needs {fmt_value(need, 'usd')} a year (program cost {fmt_value(cost, 'usd')} "
                   f"at {iso:.0%} isolation × {conf:.0%} confidence)")
        return verdict.make("roi_pct", value=None, ci_low=None, ci_high=None, n=n, n_unit="coached reps",
                            unit="fraction", policy=policy, why=why, **extra)
    extra["benefit_cost_ratio"] = mres.bcr.value
    extra["benefit_cost_ratio_ci"] = [mres.bcr.ci_low, mres.bcr.ci_high]
    note = (f"Realized value only (not ramp value, not upside), {iso:.0%} of it credited to coaching (isolation factor) "
            f"at {conf:.0%} confidence, against a program cost of {fmt_value(cost, 'usd')}; benefit-cost ratio "
            f"{fmt_value(mres.bcr.value, 'ratio')} ({fmt_interval(mres.bcr.ci_low, mres.bcr.ci_high, 'ratio')}).")
    return _make(cfg, "roi_pct", mres.roi, unit="fraction", n_unit="coached reps", note=note, **extra)


def money_section(reps: pd.DataFrame | None, opportunities: pd.DataFrame | None, cfg: Config, *, ramp_section: Any,
                  cycle_section: Any, behavior_section: Any = None, outcome_section: Any = None,
                  inp: Any = None) -> MoneySection:
    """Section 8: realized value (coached reps' measured change × outcome links), ramp value, upside,
    ROI from realized value, and the headcount argument. Weeks saved to the quota threshold come from
    ``ramp_section``; % faster (upside) from the first of ``analysis.deal_cycle_behaviors`` with an estimate."""

    if reps is None or opportunities is None:
        return MoneySection(sentences=("Money cannot be computed without the reps and opportunities tables.",),
                            not_computed={"money": "needs reps and opportunities"})
    A, E = cfg.analysis, cfg.economics
    _, end = cfg.quarter_bounds()
    labels = cfg.rubric.labels
    cycle_iv = cycle_section.intervals
    sample = ramp_section.sample
    m_inputs = money.resolve_inputs(E, reps, opportunities, as_of=end, ramp_months=A.ramp_attainment_months)
    cycle_b = next((b for b in A.deal_cycle_behaviors if b in cycle_iv and pd.notna(cycle_iv[b].value)), None)
    have_links = behavior_section is not None and outcome_section is not None and inp is not None and not inp.missing
    real_iv, real_basis, real_why, real_used = (money.NAN_IV, "not computed",
                                                "no coaching log, scored calls or outcome link to measure change on", {})
    if have_links:
        real_iv, real_basis, real_why, real_used = realized(
            cfg, opportunities, behavior_section.estimates, outcome_section.estimates,
            outcome_section.result.points if outcome_section.result is not None else None, inp)
    mres = money.compute(weeks_saved=ramp_section.weeks_saved.get("quota_80"),
                         pct_faster=cycle_iv.get(cycle_b) if cycle_b else None, realized=real_iv,
                         inputs=m_inputs, program_cost=E.program_cost_usd, isolation_factor=E.isolation_factor,
                         confidence_discount=E.confidence_discount, role_cost=E.enablement_role_cost_usd,
                         realized_basis=real_basis)
    cost_txt = fmt_value(E.program_cost_usd, "usd") if E.program_cost_usd else "none (no ROI)"
    inputs_table = Table(pd.DataFrame([
        {"input": "Monthly ARR of a ramped rep", "value": fmt_value(m_inputs.monthly_arr_ramped_rep, "usd"), "source": m_inputs.monthly_arr_source},
        {"input": "New hires per year", "value": f"{m_inputs.new_hires_per_year:.0f}", "source": m_inputs.new_hires_source},
        {"input": "AE count", "value": f"{m_inputs.ae_count:.0f}", "source": m_inputs.ae_count_source},
        {"input": "Program cost", "value": cost_txt, "source": "params (economics.program_cost_usd)"},
        {"input": "Isolation factor", "value": f"{E.isolation_factor:.0%}", "source": "params (economics.isolation_factor)"},
        {"input": "Confidence discount", "value": f"{E.confidence_discount:.0%}", "source": "params (economics.confidence_discount)"},
        {"input": "Deal-cycle behavior used for the upside", "value": labels.get(cycle_b, cycle_b) if cycle_b else "none",
         "source": "first of analysis.deal_cycle_behaviors with an estimate (chosen before seeing results)"},
    ]), "Economic inputs")
    mt = mres.table()
    table = Table(mt.assign(value=[fmt_value(v, u) for v, u in zip(mt["value"], mt["unit"], strict=True)],
                            interval=[fmt_interval(a, b, u) for a, b, u in zip(mt["ci_low"], mt["ci_high"], mt["unit"], strict=True)])
                  [["item", "value", "interval", "basis"]],
                  "Money per year: realized value (measured change), ramp value, upside (potential) — kept apart")
    small_ramp = bool(len(sample) and sample["program"].value_counts().min() < A.min_reps_per_group and pd.notna(mres.ramp.value))
    estimates: dict[str, Any] = {}
    real_est = _make(cfg, "realized_value_usd", mres.realized, unit="usd", n_unit="coached reps", basis=real_basis,
                     why=real_why, note="Coached reps only: their measured behavior change × the measured outcome links.",
                     **real_used)
    # Every money estimate is in findings, also when nothing could be measured: then it is ``too_few``
    # with no value, and its reading says why (never a number built from a default).
    estimates["realized_value_usd"] = real_est
    ramp_est = _make(cfg, "ramp_value_usd", mres.ramp, unit="usd", n_unit="new hires", small_sample=small_ramp,
                     basis=mres.ramp_basis, why=_why_not(mres.ramp, mres.ramp_basis))
    up_est = _make(cfg, "upside_value_usd", mres.upside, unit="usd", n_unit="AEs", basis=mres.upside_basis,
                   why=_why_not(mres.upside, mres.upside_basis),
                   note="It rests on a team-wide association between discovery-call behavior and deal cycle, not on a change coaching made.")
    estimates["ramp_value_usd"], estimates["upside_value_usd"] = ramp_est, up_est
    roi_est = _roi_estimate(cfg, mres, real_est)
    estimates["roi_pct"] = roi_est
    policy = verdict.Policy.from_config(cfg)
    title = verdict.title("roi_pct" if roi_est["verdict"] != "too_few" else "realized_value_usd",
                          roi_est if roi_est["verdict"] != "too_few" else real_est, policy=policy)
    readings = [real_est["reading"], ramp_est["reading"], up_est["reading"], roi_est["reading"]]
    head = story.headcount_sentence(ramp_est, role_cost=mres.role_cost)
    readings.append("Headcount argument: " + (head or (
        f"not made — the ramp value does not clearly cover one {fmt_value(mres.role_cost, 'usd')} enablement role "
        f"({verdict.state(ramp_est, policy, 'ramp_value_usd').word.lower()}).")))
    return MoneySection(result=mres, inputs_table=inputs_table, table=table, title=title, readings=tuple(readings),
                        estimates=estimates)
