"""Step that makes the opportunities table (and the discovery-call scores deals depend on)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from coaching_roi.demo.constants import (
    ACCOUNT_A,
    ACCOUNT_B,
    AMOUNT_MEDIAN,
    AMOUNT_SIGMA,
    CALL_NOISE_SD,
    CYCLE_MEDIAN_DAYS,
    CYCLE_SIGMA,
    MANAGER_NOISE_SD,
    RAMP_WIN_PENALTY,
)
from coaching_roi.demo.primitives import (
    _business_days,
    _dates,
    _expit,
    _fmt_date,
    _logit,
    _rng,
    _weekday_shift,
    _work_minute,
)


def make_opportunities(st: SimpleNamespace) -> None:
    """The opportunities table: creation, discovery-call scores, cycle, win probability at close."""
    active_end, beh_keys, burn, comp_ref, comp_w = st.active_end, st.beh_keys, st.burn, st.comp_ref, st.comp_w
    data_start, eff, gain, hire, k_dpm, k_nss = st.data_start, st.eff, st.gain, st.hire, st.k_dpm, st.k_nss
    learn, n_ae, nb, prod, q_index, q_starts = st.learn, st.n_ae, st.nb, st.prod, st.q_index, st.q_starts
    rep_ids, say, scale_max, scale_min, seed = st.rep_ids, st.say, st.scale_max, st.scale_min, st.seed
    size, skill, span = st.size, st.skill, st.span
    say("opportunities")
    r = _rng(seed, 4)
    bdays = _business_days(data_start + pd.Timedelta(days=burn), span - burn) + burn
    rate = size.opps_per_month * 12 / 260
    ae_arr = np.arange(n_ae)
    R, D = np.meshgrid(ae_arr, bdays, indexing="ij")
    act = (D >= hire[R]) & (D < active_end[R])
    lam = rate * prod(R, D.astype(float)) * act
    cnt = r.poisson(lam)
    o_rep = np.repeat(R.ravel(), cnt.ravel())
    o_day = np.repeat(D.ravel(), cnt.ravel())
    n_opp = len(o_rep)
    o_amount = np.round(AMOUNT_MEDIAN * np.exp(r.normal(0, AMOUNT_SIGMA, n_opp)) / 100) * 100
    o_amount = np.maximum(o_amount, 1000)
    # discovery call: same day to 4 business days after creation, during work hours
    disc_day = _weekday_shift(o_day + r.integers(0, 5, n_opp), data_start).astype(float)
    disc_day = disc_day + _work_minute(r, n_opp) / 1440.0
    # discovery-call latent and scores (all behaviors)
    perf_disc = (skill[o_rep] + learn(o_rep, disc_day)[:, None]
                 + r.normal(0, CALL_NOISE_SD, (n_opp, nb)))
    gb, gg = gain(o_rep, disc_day)
    rows_g = np.nonzero(gb >= 0)[0]
    perf_disc[rows_g, gb[rows_g]] += gg[rows_g]
    mgr_disc = np.clip(np.round(perf_disc + r.normal(0, MANAGER_NOISE_SD, (n_opp, nb)), 1), scale_min, scale_max)
    in_hist = (disc_day >= 0) & (disc_day < np.minimum(span, active_end[o_rep]))
    latent_comp_disc = (skill[o_rep] + learn(o_rep, disc_day)[:, None]) @ comp_w
    latent_comp_disc = latent_comp_disc + np.where(gb >= 0, comp_w[np.maximum(gb, 0)] * gg, 0.0)

    # cycle: "high" = manager score on the discovery call >= median of that behavior's discovery-call
    # scores in the history (ties high)
    mult = np.ones(n_opp)
    medians: dict[str, float] = {}
    for k, f in ((k_dpm, eff.cycle_faster_high_dpm), (k_nss, eff.cycle_faster_high_nss)):
        if k is None:
            continue
        med = float(np.median(mgr_disc[in_hist, k])) if in_hist.any() else 5.0
        medians[beh_keys[k]] = med
        mult *= np.where(mgr_disc[:, k] >= med, 1.0 - f, 1.0)
    cycle = np.maximum(np.round(CYCLE_MEDIAN_DAYS * np.exp(r.normal(0, CYCLE_SIGMA, n_opp)) * mult), 3)
    close_day = o_day + cycle
    is_open = close_day >= span
    # win probability at close
    qidx_close = q_index(close_day.astype(float))
    lagged_q = qidx_close - eff.lag_quarters
    # quarter-mean composite gain per (rep, quarter)
    qg = np.zeros((n_ae, size.n_quarters + 1))
    grid = np.arange(0, span) + 0.5
    for qi in range(size.n_quarters):
        a, b_ = q_starts[qi + 3], q_starts[qi + 4]
        days_q = grid[(grid >= a) & (grid < b_)]
        RR, DD = np.meshgrid(ae_arr, days_q, indexing="ij")
        gbq, ggq = gain(RR.ravel(), DD.ravel())
        cg = np.where(gbq >= 0, comp_w[np.maximum(gbq, 0)] * ggq, 0.0).reshape(RR.shape)
        qg[:, qi] = cg.mean(axis=1)
    lag_gain = np.where((lagged_q >= 0) & (lagged_q < size.n_quarters),
                        qg[o_rep, np.clip(lagged_q, 0, size.n_quarters - 1)], 0.0)
    comp_base_close = skill[o_rep] @ comp_w + learn(o_rep, close_day.astype(float))
    logit = (_logit(eff.base_win_rate) + eff.win_logit_per_point * (comp_base_close - comp_ref + lag_gain)
             - RAMP_WIN_PENALTY * (1 - prod(o_rep, o_day.astype(float))))
    p_win = _expit(logit)
    won = r.random(n_opp) < p_win
    status = np.where(is_open, "open", np.where(won, "won", "lost"))
    keep = close_day >= 0                                 # drop deals closed before the history
    seg = np.where(o_amount >= 45_000, "Enterprise", np.where(o_amount >= 15_000, "Mid-Market", "SMB"))
    acct = np.array([f"{ACCOUNT_A[a]} {ACCOUNT_B[b]}" for a, b in
                     zip(r.integers(0, len(ACCOUNT_A), n_opp), r.integers(0, len(ACCOUNT_B), n_opp),
                         strict=True)])
    opp_order = np.lexsort((o_rep, o_day))
    opp_order = opp_order[keep[opp_order]]
    opp_id = np.full(n_opp, "", dtype=object)
    opp_id[opp_order] = [f"OPP-{i + 1:05d}" for i in range(len(opp_order))]
    opps = pd.DataFrame({
        "opportunity_id": opp_id[opp_order],
        "rep_id": np.array(rep_ids)[o_rep[opp_order]],
        "created_date": _fmt_date(_dates(data_start, o_day[opp_order])),
        "close_date": _fmt_date(_dates(data_start, np.where(is_open, np.nan, close_day)[opp_order])),
        "status": status[opp_order],
        "amount": o_amount[opp_order].astype(np.int64),
        "account": acct[opp_order],
        "segment": seg[opp_order],
    })

    vars(st).update(
        close_day=close_day, disc_day=disc_day, in_hist=in_hist, is_open=is_open, keep=keep,
        latent_comp_disc=latent_comp_disc, medians=medians, mgr_disc=mgr_disc, n_opp=n_opp, o_rep=o_rep,
        opp_id=opp_id, opps=opps, p_win=p_win, perf_disc=perf_disc, qidx_close=qidx_close, rate=rate,
    )
