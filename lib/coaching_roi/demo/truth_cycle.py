"""Planted deal-cycle link (``cycle_change_per_point`` in truth.json): days shorter per point of a behavior.

The generator makes a deal's cycle a step function of its discovery call's MANAGER score on
decision_process_mapping / next_steps_specificity (high = score >= that behavior's median, cycle x
(1 - cycle_faster_high_*)); the manager score is the call's latent performance plus manager noise,
rounded to 0.1 and clipped to the scale. The planted link is the derivative of a deal's expected
cycle days with respect to a shift of the rep's latent score on that behavior, taken through that
chain, averaged over the coached AEs' discovery calls in the history (their simulated latents):

    dE[cycle]/dδ_k = φ(z_k) / σ_m × Σ_{h_j} P(h_j) × [g(m_k · m_j(h_j)) − g(m_j(h_j))]

with z_k the call's distance to its "high" threshold in manager-noise SDs, m_k = 1 - cycle_faster_high_k,
the other behavior's flag h_j at its own probability, and g(m) = E[max(round(45 · e^{σZ} · m), 3)]
(quadrature at normal quantiles). The sign follows the estimator: positive = shorter. Pure
arithmetic on the simulated state (no random draws), so the generated data are untouched.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy.stats import norm

from coaching_roi.demo.constants import CYCLE_MEDIAN_DAYS, CYCLE_SIGMA, MANAGER_NOISE_SD
from coaching_roi.demo.primitives import _round
from coaching_roi.estimate_ids import POOLED

_Z = norm.ppf((np.arange(20_000) + 0.5) / 20_000)  # quadrature nodes for the base cycle's lognormal noise


def expected_cycle_days(mult: float) -> float:
    """g(m) = E[max(round(CYCLE_MEDIAN_DAYS · e^{σZ} · m), 3)], the generator's cycle for multiplier ``m``."""
    return float(np.maximum(np.round(CYCLE_MEDIAN_DAYS * np.exp(CYCLE_SIGMA * _Z) * mult), 3).mean())


def p_high(latent: np.ndarray, median: float, *, scale_min: float, scale_max: float) -> np.ndarray:
    """P(clip(round(latent + manager noise, 1)) >= median): the chance a call counts as "high"."""
    if median <= scale_min:
        return np.ones_like(latent, dtype=float)
    if median > scale_max:
        return np.zeros_like(latent, dtype=float)
    threshold = np.ceil(round(median * 10, 6)) / 10 - 0.05  # round(v, 1) >= t  <=>  v >= t - 0.05
    return norm.sf((threshold - np.asarray(latent, float)) / MANAGER_NOISE_SD)


def days_shorter_per_point(latents: dict[int, np.ndarray], medians: dict[int, float],
                           faster: dict[int, float], k: int, *, scale_min: float, scale_max: float) -> float:
    """−dE[cycle days]/dδ_k averaged over calls: ``latents``/``medians``/``faster`` per cycle behavior index."""
    if k not in latents or not faster.get(k) or not len(latents[k]):
        return 0.0
    lat = np.asarray(latents[k], float)
    threshold_sd = (np.ceil(round(medians[k] * 10, 6)) / 10 - 0.05 - lat) / MANAGER_NOISE_SD
    inside = scale_min < medians[k] <= scale_max
    dens = norm.pdf(threshold_sd) / MANAGER_NOISE_SD if inside else np.zeros_like(lat)
    m_k = 1.0 - faster[k]
    others = [j for j in latents if j != k and faster.get(j)]
    # expected cycle difference high-vs-low on k, over the other behaviors' flags at their own probability
    diff = np.full(len(lat), expected_cycle_days(m_k) - expected_cycle_days(1.0))
    for j in others:  # (at most one other: the generator has two cycle behaviors)
        pj = p_high(latents[j], medians[j], scale_min=scale_min, scale_max=scale_max)
        m_j = 1.0 - faster[j]
        diff = (pj * (expected_cycle_days(m_k * m_j) - expected_cycle_days(m_j))
                + (1 - pj) * (expected_cycle_days(m_k) - expected_cycle_days(1.0)))
    return float(-(dens * diff).mean())


def truth_cycle_links(st: SimpleNamespace) -> None:
    """Planted days-shorter-per-point per behavior (0 off the cycle behaviors) and pooled over coached episodes."""
    beh_keys, behavior_change, eff, ep_beh_idx = st.beh_keys, st.behavior_change, st.eff, st.ep_beh_idx
    in_hist, o_rep, perf_disc, coached_aes = st.in_hist, st.o_rep, st.perf_disc, st.coached_aes
    cyc = {k: f for k, f in ((st.k_dpm, eff.cycle_faster_high_dpm), (st.k_nss, eff.cycle_faster_high_nss))
           if k is not None}
    calls = in_hist & np.isin(o_rep, coached_aes)
    if not calls.any():
        calls = in_hist
    latents = {k: perf_disc[calls, k] for k in cyc}
    medians = {k: st.medians[beh_keys[k]] for k in cyc}
    slope = {k: days_shorter_per_point(latents, medians, cyc, k, scale_min=st.scale_min, scale_max=st.scale_max)
             for k in cyc}
    per_point = {b: _round(slope.get(beh_keys.index(b), 0.0)) for b in behavior_change if b != POOLED}
    if st.n_ep:  # pooled: the slope of each coached episode's behavior, averaged over episodes (as win rate)
        per_point[POOLED] = _round(float(np.mean([slope.get(int(k), 0.0) for k in ep_beh_idx])))
    st.cycle_per_point = per_point
