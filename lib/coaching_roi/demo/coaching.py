"""Step that makes the coaching_sessions table (one episode on one behavior per coached rep)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi.config import quarter_bounds
from coaching_roi.demo.constants import DAY, FORMATS, OBSERVABLES, POST_WEEKS, PRE_WEEKS
from coaching_roi.demo.primitives import _dates, _fmt_date, _rng, _weekday_shift


def make_coaching_sessions(st: SimpleNamespace) -> None:
    """The coaching_sessions table: one staggered episode on ONE behavior per coached rep."""
    active_end, beh_keys, beh_w, coached_aes = st.active_end, st.beh_keys, st.beh_w, st.coached_aes
    coached_sdrs, comp_keys, data_start, eff = st.coached_sdrs, st.comp_keys, st.data_start, st.eff
    labels, managers, n_ae, nb, quarters = st.labels, st.managers, st.n_ae, st.nb, st.quarters
    rep_ids, rub, say, seed, size, span = st.rep_ids, st.rub, st.say, st.seed, st.size, st.span
    weak_sdr = st.weak_sdr
    say("coaching_sessions")
    r = _rng(seed, 3)
    comp_sorted = sorted(comp_keys, key=lambda k: (-beh_w[beh_keys.index(k)], beh_keys.index(k)))
    coach_beh = comp_sorted[:2]
    if "next_steps_specificity" in beh_keys and "next_steps_specificity" not in coach_beh:
        coach_beh.append("next_steps_specificity")
    for k in comp_sorted[2:]:
        if len(coach_beh) >= 3:
            break
        coach_beh.append(k)
    n_ep = len(coached_aes)
    ep_beh_idx = np.array([beh_keys.index(coach_beh[j % len(coach_beh)]) for j in range(n_ep)], dtype=int)
    ep_beh_idx = ep_beh_idx[r.permutation(n_ep)] if n_ep else ep_beh_idx
    # staggered starts: round robin over quarters, evenly spaced inside each quarter's window
    lo_day, hi_day = PRE_WEEKS * 7 + 3, span - (POST_WEEKS + 1) * 7 - 2
    per_q: list[list[int]] = [[] for _ in range(size.n_quarters)]
    for j in range(n_ep):
        per_q[j % size.n_quarters].append(j)
    ep_start = np.zeros(n_ep)
    for qi, js in enumerate(per_q):
        qa = max(int((quarter_bounds(quarters[qi])[0] - data_start) / DAY), lo_day)
        qb = min(int((quarter_bounds(quarters[qi])[1] - data_start) / DAY) - 1, hi_day)
        if qb < qa:
            qa, qb = min(qa, hi_day), hi_day
        for m, j in enumerate(js):
            ep_start[j] = qa + (m + 0.5) * (qb - qa) / len(js) + r.uniform(-3, 3)
    ep_start = _weekday_shift(np.clip(np.round(ep_start), lo_day, hi_day).astype(int), data_start)
    ep_start = ep_start[r.permutation(n_ep)] if n_ep else ep_start
    n_land = int(round(eff.share_coaching_lands * n_ep))
    lands = np.zeros(n_ep, bool)
    lands[r.permutation(n_ep)[:n_land]] = True
    gain_pts = np.where(lands, eff.coaching_gain_points, 0.0)
    ramp_days = eff.coaching_ramp_weeks * 7.0
    # per-AE arrays (-1: not coached)
    ae_ep = np.full(n_ae, -1)
    ae_ep[coached_aes] = np.arange(n_ep)

    def gain(rep: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(behavior index or -1, gain in points) of each (rep, day)."""
        e = np.where(rep < n_ae, ae_ep[np.minimum(rep, n_ae - 1)], -1)
        has = e >= 0
        ee = np.where(has, e, 0)
        g = np.where(has, gain_pts[ee] * np.clip((day - ep_start[ee]) / ramp_days, 0, 1), 0.0) \
            if n_ep else np.zeros(np.shape(day))
        return np.where(has, ep_beh_idx[ee] if n_ep else 0, -1), g

    # sessions
    # second keys of multi-behavior sessions come from a small pool of behaviors nobody is coached on
    pool = [k for k in beh_keys if k not in coach_beh and k not in comp_keys] or \
        [k for k in beh_keys if k not in coach_beh]
    others = sorted({pool[-1], pool[len(pool) // 2]}, key=beh_keys.index) if pool else []
    sess_rows: list[dict[str, Any]] = []
    phases = {b["key"]: b["phase"] for b in rub["behaviors"]}
    programs = {b: f"{phases[b].capitalize()} coaching" for b in beh_keys}

    def add_episode(rep: int, beh: str, first: int, n_sess: int, coach: str, prog: str) -> None:
        days = [first]
        d = first
        for _ in range(n_sess - 1):
            d = d + 7 + int(r.integers(-1, 3)) + (7 if r.random() < 0.12 else 0)
            days.append(max(int(_weekday_shift(np.array([d]), data_start)[0]), days[-1] + 3))
        for d in days:
            if d >= min(span, active_end[rep]):
                continue
            b = beh
            if r.random() < 0.08 and others:
                b = f"{beh};{others[int(r.integers(len(others)))]}"
            obs = None if r.random() < 0.10 else OBSERVABLES.get(
                beh, f"Practise '{labels[beh]}' on every call and log one example a week")
            fmt = FORMATS[int(r.integers(len(FORMATS)))]
            sess_rows.append({
                "rep_id": rep_ids[rep], "coach_id": coach, "day": d, "behavior": b,
                "observable": obs, "format": fmt,
                "duration_min": int(r.choice([20, 30, 30, 45, 60])), "program": prog,
            })

    for j, rep in enumerate(coached_aes):
        b = beh_keys[ep_beh_idx[j]]
        add_episode(int(rep), b, int(ep_start[j]), int(r.integers(6, 9)), managers[rep], programs[b])
    sdr_first = []
    for m, rep in enumerate(coached_sdrs):
        b = comp_keys[0] if rep == weak_sdr else beh_keys[m % max(1, min(2, nb))]
        first = int(_weekday_shift(np.array([int(span * r.uniform(0.45, 0.8))]), data_start)[0])
        first = min(first, int(active_end[rep]) - 30)
        sdr_first.append((int(rep), b, first))
        add_episode(int(rep), b, first, int(r.integers(4, 7)), managers[rep], "SDR call coaching")
    sessions = pd.DataFrame(sess_rows, columns=["rep_id", "coach_id", "day", "behavior", "observable",
                                                "format", "duration_min", "program"])
    sessions = sessions.sort_values(["day", "rep_id"], kind="stable").reset_index(drop=True)
    sessions.insert(0, "session_id", [f"S{i + 1:04d}" for i in range(len(sessions))])
    sessions["session_date"] = _fmt_date(_dates(data_start, sessions["day"].to_numpy()))

    vars(st).update(
        coach_beh=coach_beh, ep_beh_idx=ep_beh_idx, ep_start=ep_start, gain=gain, gain_pts=gain_pts,
        lands=lands, n_ep=n_ep, ramp_days=ramp_days, sdr_first=sdr_first, sessions=sessions,
    )
