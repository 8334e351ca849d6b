"""Steps that make the team: the reps table, then latent skills and the ramp curves."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from coaching_roi.config import quarter_bounds
from coaching_roi.demo.constants import (
    AE_MONTHLY_QUOTA,
    DAY,
    FIRST_NAMES,
    LAST_NAMES,
    NEWHIRE_LEARN_TAU_W,
    NEWHIRE_SKILL_GAP,
    RAMP_DELAY_W,
    RAMP_LEN_W,
    SKILL_SD,
    TEAMS,
)
from coaching_roi.demo.primitives import _dates, _fmt_date, _rng, _weekday_shift


def make_reps(st: SimpleNamespace) -> None:
    """The reps table: AEs, SDRs and managers; new hires, leavers, who is coached."""
    data_start, eff, quarters, say, seed, size = st.data_start, st.eff, st.quarters, st.say, st.seed, st.size
    span = st.span
    say("reps")
    r = _rng(seed, 1)
    n_ae, n_sdr = size.n_aes, size.n_sdrs
    n_rep = n_ae + n_sdr
    ae_ids = [f"AE{i + 1:03d}" for i in range(n_ae)]
    sdr_ids = [f"SDR{i + 1:02d}" for i in range(n_sdr)]
    rep_ids = ae_ids + sdr_ids
    names: list[str] = []
    combos = r.permutation(len(FIRST_NAMES) * len(LAST_NAMES))
    for c in combos:
        f, l_ = FIRST_NAMES[c // len(LAST_NAMES)], LAST_NAMES[c % len(LAST_NAMES)]
        if any(n.split(" ")[0] == f for n in names) and len(names) < len(FIRST_NAMES):
            continue
        names.append(f"{f} {l_}")
        if len(names) == n_rep:
            break
    base = list(names)
    while len(names) < n_rep:                             # very large teams: reuse names with an initial
        k = len(names) - len(base)
        f, l_ = base[k % len(base)].split(" ", 1)
        names.append(f"{f} {chr(65 + (k // len(base)) % 26)}. {l_}")
    if not any("'" in n for n in names):                 # keep one apostrophe name (O'Brien)
        names[r.integers(n_rep)] = f"{names[0].split(' ')[0]} O'Brien" if n_rep > 1 else "Kate O'Brien"
    n_ae_mgr = size.n_managers - 1
    mgr_ids = [f"M{i + 1:02d}" for i in range(size.n_managers)]
    ae_mgr = [mgr_ids[i % n_ae_mgr] for i in range(n_ae)]
    team_of = {mgr_ids[i]: TEAMS[i % len(TEAMS)] for i in range(n_ae_mgr)}
    team_of[mgr_ids[-1]] = "SDR"
    managers = ae_mgr + [mgr_ids[-1]] * n_sdr

    # AEs: the first n_new_hires (after a shuffle of positions) are new hires
    order = r.permutation(n_ae)
    nh_pos = np.sort(order[: size.n_new_hires])
    is_nh = np.zeros(n_rep, bool)
    is_nh[nh_pos] = True
    hire = np.zeros(n_rep)                               # day offsets from data_start
    end = np.full(n_rep, np.nan)
    program: list[str | None] = [None] * n_rep
    sprint = np.zeros(n_rep, bool)
    half_year = int((quarter_bounds(quarters[0], 2)[0] - data_start) / DAY)
    nh_days = np.linspace(4, half_year - 8, max(size.n_new_hires, 1))[: size.n_new_hires]
    nh_days = np.round(nh_days + r.uniform(-4, 4, size.n_new_hires)).astype(int)
    for j, pos in enumerate(nh_pos):
        hire[pos] = nh_days[j]
        sprint[pos] = j % 4 in (0, 3)                   # S N N S S N N S: balanced over hire dates
        program[pos] = "structured_sprint" if sprint[pos] else "standard"
    tenured = [i for i in range(n_ae) if not is_nh[i]]
    for i in tenured + list(range(n_ae, n_rep)):
        hire[i] = -int(r.integers(200, 2400))
        program[i] = "standard" if hire[i] > -730 else None
    hire = _weekday_shift(hire.astype(int), data_start)
    # who leaves, who is coached (tenured AEs only; disjoint)
    ten_perm = r.permutation(tenured)
    coached_aes = np.sort(ten_perm[: size.n_coached_aes])
    left_aes = np.sort(ten_perm[size.n_coached_aes: size.n_coached_aes + size.n_left_aes])
    for i in left_aes:
        end[i] = int(span * r.uniform(0.3, 0.75))
    std_nh = [p for p in nh_pos if not sprint[p]]
    for p in std_nh[: size.n_left_new_hires]:
        end[p] = min(hire[p] + int(r.integers(140, 170)), span - 10)
    sdr_perm = r.permutation(np.arange(n_ae, n_rep))
    weak_sdr = int(sdr_perm[0]) if eff.sdr_weak_stage else None
    # sdr_perm[0] is the planted weak SDR (when planted) and always among the coached SDRs
    coached_sdrs = np.sort(sdr_perm[: size.n_coached_sdrs])
    left_sdrs = np.sort(sdr_perm[size.n_coached_sdrs + 1: size.n_coached_sdrs + 1 + size.n_left_sdrs])
    for i in left_sdrs:
        end[i] = int(span * r.uniform(0.4, 0.8))
    end = np.where(np.isnan(end), np.nan, _weekday_shift(np.nan_to_num(end).astype(int), data_start))
    quota: list[int | None] = [AE_MONTHLY_QUOTA] * n_ae + [None] * n_sdr
    for i in tenured:
        if hire[i] < -1500:
            quota[i] = 60_000
    reps = pd.DataFrame({
        "rep_id": rep_ids,
        "rep_name": names,
        "role": ["AE"] * n_ae + ["SDR"] * n_sdr,
        "team": [team_of[m] for m in managers],
        "manager_id": managers,
        "hire_date": _fmt_date(_dates(data_start, hire)),
        "end_date": _fmt_date(_dates(data_start, end)),
        "onboarding_program": program,
        "monthly_quota": pd.array(quota, dtype="Int64"),
    })
    active_end = np.where(np.isnan(end), span, end)      # exclusive last day of activity

    vars(st).update(
        active_end=active_end, coached_aes=coached_aes, coached_sdrs=coached_sdrs, end=end, hire=hire,
        is_nh=is_nh, managers=managers, n_ae=n_ae, n_rep=n_rep, n_sdr=n_sdr, nh_pos=nh_pos, program=program,
        rep_ids=rep_ids, reps=reps, sdr_ids=sdr_ids, sprint=sprint, weak_sdr=weak_sdr,
    )


def make_skills_and_ramp(st: SimpleNamespace) -> None:
    """Latent skill per AE and behavior; the ramp (productivity) and new-hire learning curves."""
    comp_w, eff, hire, is_nh, n_ae, nb, seed = st.comp_w, st.eff, st.hire, st.is_nh, st.n_ae, st.nb, st.seed
    sprint = st.sprint
    r = _rng(seed, 2)
    mu_b = 5.2 + r.uniform(-0.8, 0.9, nb)
    skill = mu_b[None, :] + r.normal(0, SKILL_SD, (n_ae, nb))
    comp_ref = float(comp_w @ mu_b)
    shift_w = np.where(sprint[:n_ae], eff.ramp_weeks_saved, 0.0)

    def tenure_w(rep: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (day - hire[rep]) / 7.0 + shift_w[rep]

    def prod(rep: np.ndarray, day: np.ndarray) -> np.ndarray:
        p = np.clip((tenure_w(rep, day) - RAMP_DELAY_W) / RAMP_LEN_W, 0.0, 1.0)
        return np.where(is_nh[rep], p, 1.0)

    def learn(rep: np.ndarray, day: np.ndarray) -> np.ndarray:
        t = np.maximum(tenure_w(rep, day), 0.0)
        return np.where(is_nh[rep], -NEWHIRE_SKILL_GAP * np.exp(-t / NEWHIRE_LEARN_TAU_W), 0.0)

    vars(st).update(
        comp_ref=comp_ref, learn=learn, mu_b=mu_b, prod=prod, skill=skill,
    )
