"""Steps that make the calls and call_scores tables."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from coaching_roi.demo import constants as const
from coaching_roi.demo.primitives import _rng, _weekday_shift, _work_minute


def make_calls(st: SimpleNamespace) -> None:
    """The calls table: each deal's discovery call plus follow-ups over its life."""
    active_end, close_day, data_start, disc_day = st.active_end, st.close_day, st.data_start, st.disc_day
    disc_type, gain, is_open, keep, learn = st.disc_type, st.gain, st.is_open, st.keep, st.learn
    mgr_disc, n_opp, nb, o_rep, opp_id = st.mgr_disc, st.n_opp, st.nb, st.o_rep, st.opp_id
    perf_disc, rep_ids, say, scale_max, scale_min = st.perf_disc, st.rep_ids, st.say, st.scale_max, st.scale_min
    seed, size, skill, span = st.seed, st.size, st.skill, st.span
    say("calls")
    r = _rng(seed, 5)
    lam_extra = max(size.calls_per_week * 52 / 12 / size.opps_per_month - 1.0, 0.0)
    life_end = np.where(is_open, span, close_day).astype(float)
    life = np.maximum(life_end - disc_day, 1.0)
    life_f = np.clip(life / const.CYCLE_MEDIAN_DAYS, 0.3, 2.0)
    n_extra = r.poisson(lam_extra * life_f / life_f.mean()) if n_opp else np.zeros(0, int)
    e_opp = np.repeat(np.arange(n_opp), n_extra)
    e_rank = np.concatenate([np.arange(k) for k in n_extra]) if len(n_extra) else np.zeros(0, int)
    u = r.random(len(e_opp))
    # order positions within each opportunity so ranks follow time
    frac = np.zeros(len(e_opp))
    if len(e_opp):
        srt = np.lexsort((u, e_opp))
        frac[srt] = u[srt]
        frac = (e_rank + frac) / np.maximum(n_extra[e_opp], 1)   # stratified, increasing with rank
    e_day = np.floor(disc_day[e_opp] + 1 + frac * (life[e_opp] - 1))
    e_day = _weekday_shift(e_day.astype(int), data_start) + _work_minute(r, len(e_opp)) / 1440.0
    last = e_rank == n_extra[e_opp] - 1
    e_type = np.where(e_rank == 0, "demo",
                      np.where(last & ~is_open[e_opp] & (n_extra[e_opp] >= 3), "negotiation", "follow_up"))
    c_rep = np.concatenate([o_rep, o_rep[e_opp]])
    c_day = np.concatenate([disc_day, e_day])
    c_opp = np.concatenate([np.arange(n_opp), e_opp])
    c_type = np.concatenate([np.full(n_opp, disc_type, dtype=object), e_type.astype(object)])
    c_keep = (c_day >= 0) & (c_day < np.minimum(span, active_end[c_rep])) & keep[c_opp]
    n_c = len(c_rep)
    perf = np.empty((n_c, nb))
    perf[:n_opp] = perf_disc
    ne = len(e_opp)
    perf_e = skill[o_rep[e_opp]] + learn(o_rep[e_opp], e_day)[:, None] + r.normal(0, const.CALL_NOISE_SD, (ne, nb))
    gbe, gge = gain(o_rep[e_opp], e_day)
    ie = np.nonzero(gbe >= 0)[0]
    perf_e[ie, gbe[ie]] += gge[ie]
    perf[n_opp:] = perf_e
    mgr = np.empty((n_c, nb))
    mgr[:n_opp] = mgr_disc
    mgr[n_opp:] = np.clip(np.round(perf_e + r.normal(0, const.MANAGER_NOISE_SD, (ne, nb)), 1), scale_min, scale_max)
    dur = np.where(c_type == disc_type, r.normal(38, 8, n_c), r.normal(30, 10, n_c))
    dur = (np.clip(dur, 8, 75) * 60).round().astype(np.int64)
    idx = np.nonzero(c_keep)[0]
    idx = idx[np.lexsort((c_rep[idx], c_day[idx]))]
    call_ids = np.array([f"C{i + 1:06d}" for i in range(len(idx))], dtype=object)
    c_minutes = np.round(c_day[idx] * 1440).astype(np.int64)
    calls = pd.DataFrame({
        "call_id": call_ids,
        "rep_id": np.array(rep_ids)[c_rep[idx]],
        "call_date": pd.Series(data_start + pd.to_timedelta(c_minutes, unit="min")).dt.strftime("%Y-%m-%d %H:%M"),
        "call_type": c_type[idx].astype(str),
        "opportunity_id": opp_id[c_opp[idx]],
        "duration_s": dur[idx],
    })

    vars(st).update(
        c_rep=c_rep, call_ids=call_ids, calls=calls, idx=idx, mgr=mgr, perf=perf,
    )


def make_call_scores(st: SimpleNamespace) -> None:
    """The call_scores table: manager scores (a few missing) and AI scores on double-scored calls."""
    ai_noise_sd, beh_keys, c_rep, call_ids = st.ai_noise_sd, st.beh_keys, st.c_rep, st.call_ids
    double_scored_share, idx, managers, mgr, nb = st.double_scored_share, st.idx, st.managers, st.mgr, st.nb
    perf, say, scale_max, scale_min, seed = st.perf, st.say, st.scale_max, st.scale_min, st.seed
    say("call_scores")
    r = _rng(seed, 6)
    nck = len(idx)
    m_sc = mgr[idx]
    missing = r.random((nck, nb)) < const.MISSING_SCORE_SHARE
    ai_calls = r.random(nck) < double_scored_share
    ai_sc = np.clip(np.round(perf[idx] + r.normal(0, ai_noise_sd, (nck, nb)), 1), scale_min, scale_max)
    ci, bi = np.nonzero(~missing)
    mgr_scores = pd.DataFrame({
        "call_id": call_ids[ci], "behavior": np.array(beh_keys, dtype=object)[bi], "score": m_sc[ci, bi],
        "scorer": "manager", "scorer_id": np.array(managers, dtype=object)[c_rep[idx][ci]],
        "_c": ci, "_s": 0, "_b": bi,
    })
    ca = np.nonzero(ai_calls)[0]
    cai, bai = np.repeat(ca, nb), np.tile(np.arange(nb), len(ca))
    ai_scores = pd.DataFrame({
        "call_id": call_ids[cai], "behavior": np.array(beh_keys, dtype=object)[bai],
        "score": ai_sc[cai, bai], "scorer": "ai", "scorer_id": "ai_call_scorer",
        "_c": cai, "_s": 1, "_b": bai,
    })
    scores = pd.concat([mgr_scores, ai_scores], ignore_index=True)
    scores = scores.sort_values(["_c", "_s", "_b"], kind="stable").drop(columns=["_c", "_s", "_b"])
    scores = scores.reset_index(drop=True)

    vars(st).update(
        missing=missing, scores=scores,
    )
