"""Steps that compute the planted truth (``truth.json``): behavior change, win-rate slopes and gap,
ramp attainment, episodes; :func:`write_truth` assembles and writes it."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi.demo.constants import (
    AE_MONTHLY_QUOTA,
    AMOUNT_MEDIAN,
    AMOUNT_SIGMA,
    CYCLE_MEDIAN_DAYS,
    CYCLE_SIGMA,
    NEWHIRE_LEARN_TAU_W,
    NEWHIRE_SKILL_GAP,
    POST_WEEKS,
    PRE_WEEKS,
    RAMP_DELAY_W,
    RAMP_LEN_W,
    RAMP_WIN_PENALTY,
    SKILL_SD,
)
from coaching_roi.demo.options import _EFFECT_SIZES, Effects
from coaching_roi.demo.primitives import _expit, _logit, _ramp_fraction_mean, _rng, _round
from coaching_roi.demo.truth_definitions import _definitions
from coaching_roi.estimate_ids import POOLED
from coaching_roi.safety import atomic_write_text


def truth_behavior_change(st: SimpleNamespace) -> None:
    """Planted behavior change per coached behavior (expected and realized) and by event week."""
    beh_keys, coach_beh, eff, ep_beh_idx = st.beh_keys, st.coach_beh, st.eff, st.ep_beh_idx
    gain_pts, n_ep, ramp_days, say, sessions = st.gain_pts, st.n_ep, st.ramp_days, st.say, st.sessions
    say("truth")
    # expected DiD among coached episodes: share_lands * gain * mean ramp fraction over weeks 0..8
    ramp_post = _ramp_fraction_mean(0.0, (POST_WEEKS + 1) * 7.0, ramp_days)
    by_week = {str(k): (0.0 if k < 0 else _ramp_fraction_mean(7.0 * k, 7.0 * (k + 1), ramp_days))
               for k in range(-PRE_WEEKS, POST_WEEKS + 1)}
    behavior_change: dict[str, float] = {}
    behavior_change_realized: dict[str, float] = {}
    event_by_week: dict[str, dict[str, float]] = {}
    secondary = sorted({b.split(";")[1] for b in sessions["behavior"] if ";" in str(b)})
    for b in coach_beh:
        sel = ep_beh_idx == beh_keys.index(b)
        if not sel.any():
            continue
        behavior_change[b] = _round(eff.share_coaching_lands * eff.coaching_gain_points * ramp_post)
        behavior_change_realized[b] = _round(gain_pts[sel].mean() * ramp_post)
        event_by_week[b] = {k: _round(eff.share_coaching_lands * eff.coaching_gain_points * v)
                            for k, v in by_week.items()}
    for b in secondary:
        behavior_change.setdefault(b, 0.0)
        behavior_change_realized.setdefault(b, 0.0)
    if n_ep:  # the pooled estimate (behavior_change::all): every coached episode, whatever its behavior
        behavior_change[POOLED] = _round(eff.share_coaching_lands * eff.coaching_gain_points * ramp_post)
        behavior_change_realized[POOLED] = _round(gain_pts.mean() * ramp_post)

    vars(st).update(
        behavior_change=behavior_change, behavior_change_realized=behavior_change_realized,
        event_by_week=event_by_week, ramp_post=ramp_post,
    )


def truth_win_rates(st: SimpleNamespace) -> None:
    """Planted quartile win-rate gap and win-rate change per point of each behavior."""
    beh_keys, behavior_change, close_day, comp_w = st.beh_keys, st.behavior_change, st.close_day, st.comp_w
    disc_day, eff, ep_beh_idx, in_hist, is_open = st.disc_day, st.eff, st.ep_beh_idx, st.in_hist, st.is_open
    keep, latent_comp_disc, n_ep, o_rep, p_win = st.keep, st.latent_comp_disc, st.n_ep, st.o_rep, st.p_win
    q_index, qidx_close, size = st.q_index, st.qidx_close, st.size
    # quartile gap: AEs with discovery calls and closed deals in the end quarter, quartiles of
    # their mean latent composite over their discovery calls that quarter; win rate = mean p_win of
    # their deals closed that quarter (won + lost), pooled by quartile
    qe = size.n_quarters - 1
    d_in_q = in_hist & (q_index(disc_day) == qe) & keep
    closed_q = ~is_open & (qidx_close == qe) & keep
    rep_comp = pd.Series(latent_comp_disc[d_in_q]).groupby(o_rep[d_in_q]).mean()
    deals = pd.DataFrame({"rep": o_rep[closed_q], "p": p_win[closed_q]})
    deals = deals[deals["rep"].isin(rep_comp.index)]
    rep_comp = rep_comp[rep_comp.index.isin(deals["rep"].unique())]
    gap = None
    if len(rep_comp) >= 4:
        quart = pd.qcut(rep_comp.rank(method="first"), 4, labels=False)
        deals["quartile"] = deals["rep"].map(quart)
        wr = deals.groupby("quartile", observed=True)["p"].mean()
        gap = _round(wr.loc[3] - wr.loc[0])
    closed_all = ~is_open & keep & (close_day >= 0)
    base_rate = float(p_win[closed_all].mean()) if closed_all.any() else eff.base_win_rate
    slope_comp = eff.win_logit_per_point * base_rate * (1 - base_rate)
    per_point = {b: _round(slope_comp * comp_w[beh_keys.index(b)]) for b in behavior_change if b != POOLED}
    if n_ep:  # pooled slope: the per-point slope of each coached episode's behavior, averaged over episodes
        per_point[POOLED] = _round(float(np.mean([slope_comp * comp_w[k] for k in ep_beh_idx])))

    vars(st).update(
        base_rate=base_rate, gap=gap, per_point=per_point, slope_comp=slope_comp,
    )


def truth_ramp_and_episodes(st: SimpleNamespace) -> None:
    """Planted six-month attainment, and the coached episodes and new hires as listed in truth."""
    beh_keys, coached_aes, comp_w, data_start = st.beh_keys, st.coached_aes, st.comp_w, st.data_start
    eff, end, ep_beh_idx, ep_start, gain_pts = st.eff, st.end, st.ep_beh_idx, st.ep_start, st.gain_pts
    hire, lands, mu_b, nh_pos, program, rate = st.hire, st.lands, st.mu_b, st.nh_pos, st.program, st.rate
    rep_ids, sdr_first, seed = st.rep_ids, st.sdr_first, st.seed
    # ramp: six-month attainment expected from the model (Monte Carlo on its own stream)
    six = _six_month_attainment(eff, comp_w, mu_b, rate, _rng(seed, 9))

    episodes = []
    for j, rep in enumerate(coached_aes):
        episodes.append({
            "rep_id": rep_ids[rep], "behavior": beh_keys[ep_beh_idx[j]],
            "first_session_date": str((data_start + pd.Timedelta(days=int(ep_start[j]))).date()),
            "lands": bool(lands[j]), "gain_points": _round(gain_pts[j]),
        })
    episodes.sort(key=lambda e: (e["first_session_date"], e["rep_id"]))
    sdr_eps = [{"rep_id": rep_ids[rep], "behavior": b,
                "first_session_date": str((data_start + pd.Timedelta(days=f)).date())}
               for rep, b, f in sdr_first]
    new_hires = [{"rep_id": rep_ids[p], "onboarding_program": program[p],
                  "hire_date": str((data_start + pd.Timedelta(days=int(hire[p]))).date()),
                  "left": bool(not np.isnan(end[p]))} for p in nh_pos]

    vars(st).update(
        episodes=episodes, new_hires=new_hires, sdr_eps=sdr_eps, six=six,
    )


def _six_month_attainment(eff: Effects, comp_w: np.ndarray, mu_b: np.ndarray, rate_per_bday: float,
                          rng: np.random.Generator, n: int = 200_000) -> dict[str, Any]:
    """Expected won ARR closed in the first 182 days after hire / (6 x monthly quota), per program.

    Monte Carlo over the model for new hires of the skill distribution (deal creation, cycle with the
    high/low mixture at 50/50 per behavior, win probability with learning and ramp penalty). Both
    programs use the same draws, so the gap is exactly 0 without a ramp effect.
    """
    horizon = 182.0
    u = rng.uniform(0, horizon, n)                                 # creation day since hire
    skill_c = rng.normal(0, SKILL_SD, (n, len(mu_b))) @ comp_w      # composite deviation from ref
    mult = np.where(rng.random(n) < 0.5, 1 - eff.cycle_faster_high_dpm, 1.0) * \
        np.where(rng.random(n) < 0.5, 1 - eff.cycle_faster_high_nss, 1.0)
    cyc = np.maximum(np.round(CYCLE_MEDIAN_DAYS * np.exp(rng.normal(0, CYCLE_SIGMA, n)) * mult), 3)
    amount = AMOUNT_MEDIAN * np.exp(rng.normal(0, AMOUNT_SIGMA, n))
    close = u + cyc
    out: dict[str, float] = {}
    for prog, shift in (("standard", 0.0), ("structured_sprint", eff.ramp_weeks_saved)):
        pr = np.clip((u / 7.0 + shift - RAMP_DELAY_W) / RAMP_LEN_W, 0, 1)
        learn_c = -NEWHIRE_SKILL_GAP * np.exp(-np.maximum(close / 7.0 + shift, 0) / NEWHIRE_LEARN_TAU_W)
        p = _expit(_logit(eff.base_win_rate) + eff.win_logit_per_point * (skill_c + learn_c)
                   - RAMP_WIN_PENALTY * (1 - pr))
        # E[won ARR] = integral over creation time of rate(u) * E[p * amount * 1(close < horizon)]
        won_arr = rate_per_bday * 5 / 7 * horizon * float(np.mean(pr * p * amount * (close < horizon)))
        out[prog] = _round(won_arr / (6 * AE_MONTHLY_QUOTA), 4)
    return {"by_program": out, "gap": _round(out["structured_sprint"] - out["standard"], 4)}


def write_truth(st: SimpleNamespace) -> None:
    """Assemble ``truth.json`` (every planted value) and write it."""
    ai_noise_sd, base_rate, beh_keys = st.ai_noise_sd, st.base_rate, st.beh_keys
    behavior_change, behavior_change_realized = st.behavior_change, st.behavior_change_realized
    bench, coach_beh, comp_idx, comp_w, data_end = st.bench, st.coach_beh, st.comp_idx, st.comp_w, st.data_end
    data_start, double_scored_share, eff = st.data_start, st.double_scored_share, st.eff
    end_quarter, episodes, event_by_week, gap = st.end_quarter, st.episodes, st.event_by_week, st.gap
    injected, injected_keys, k_dpm, k_nss = st.injected, st.injected_keys, st.k_dpm, st.k_nss
    medians, new_hires, no_effect, out = st.medians, st.new_hires, st.no_effect, st.out
    outcomes_follow_behaviors, per_point, quarters = st.outcomes_follow_behaviors, st.per_point, st.quarters
    ramp_post, rep_ids, say, sdr_eps, sdr_rates = st.ramp_post, st.rep_ids, st.say, st.sdr_eps, st.sdr_rates
    seed, six, size, slope_comp, tables = st.seed, st.six, st.size, st.slope_comp, st.tables
    weak_sdr = st.weak_sdr
    is_none = bool(no_effect or all(getattr(eff, f.name) == getattr(Effects.none(), f.name)
                                    for f in fields(Effects) if f.name in _EFFECT_SIZES))
    scenario = "no_effect" if is_none else ("planted" if outcomes_follow_behaviors else "no_outcome_link")
    truth: dict[str, Any] = {
        "seed": int(seed),
        "end_quarter": end_quarter,
        "quarters": quarters,
        "history": {"start": str(data_start.date()), "end": str((data_end - pd.Timedelta(days=1)).date())},
        "scenario": scenario,
        "outcomes_follow_behaviors": bool(outcomes_follow_behaviors and not is_none),
        "no_effect": is_none,
        "size": asdict(size),
        "effects": {k: (_round(v) if isinstance(v, float) else v) for k, v in asdict(eff).items()},
        "ai_noise_sd": _round(ai_noise_sd),
        "double_scored_share": _round(double_scored_share),
        "quartile_win_rate_gap": gap,
        "behavior_change": behavior_change,
        "behavior_change_realized": behavior_change_realized,
        "behavior_change_by_event_week": event_by_week,
        "event_study_pretrend": {b: 0.0 for b in behavior_change},
        "coached_behaviors": [b for b in coach_beh if b in event_by_week],
        "coached_episodes": episodes,
        "sdr_coached_episodes": sdr_eps,
        "deal_cycle_pct_faster": {
            **({"decision_process_mapping": _round(eff.cycle_faster_high_dpm)} if k_dpm is not None else {}),
            **({"next_steps_specificity": _round(eff.cycle_faster_high_nss)} if k_nss is not None else {}),
        },
        "deal_cycle_split_medians": {k: _round(v) for k, v in medians.items()},
        "ramp_weeks_saved": {"first_win": _round(eff.ramp_weeks_saved), "quota_80": _round(eff.ramp_weeks_saved)},
        "six_month_attainment_gap": six["gap"],
        "six_month_attainment": six["by_program"],
        "new_hires": new_hires,
        "lag_quarters": int(eff.lag_quarters),
        "base_win_rate": _round(base_rate),
        "win_rate_change_per_point": per_point,
        "win_rate_change_per_composite_point": _round(slope_comp),
        "cycle_change_per_point": st.cycle_per_point,
        "composite_weights": {beh_keys[i]: _round(comp_w[i]) for i in comp_idx},
        "sdr_weak_stage": ({"rep_id": rep_ids[weak_sdr], "stage": eff.sdr_weak_stage,
                            "rate": _round(bench[eff.sdr_weak_stage] * eff.sdr_weak_factor),
                            "benchmark": _round(bench[eff.sdr_weak_stage])}
                           if weak_sdr is not None and eff.sdr_weak_stage else None),
        "sdr_stage_rates": sdr_rates,
        "injected_errors": injected,
        "injected_error_rows": injected_keys,
        "row_counts": {name: int(len(df)) for name, df in tables.items()},
        "definitions": _definitions(ramp_post),
    }
    atomic_write_text(out / "truth.json", json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    say("done")
    st.truth = truth
