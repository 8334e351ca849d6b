"""Seeded demo data: a realistic B2B SaaS sales team with KNOWN planted effects.

:func:`generate` writes the six canonical tables of SPEC §2 as CSV plus ``truth.json`` (every
planted value, keyed like the findings estimate IDs of SPEC §9). The same seed gives
byte-identical files: nothing depends on the wall clock, rows are sorted and floats have a fixed
format. Every random component draws from its own seeded stream, so ``inject_errors`` only adds
rows and never changes the clean data.

The generative model (what the analysis should recover)
-------------------------------------------------------
* Time: ``size.n_quarters`` quarters ending in ``end_quarter``. Opportunities also start up to
  120 days earlier (a CRM has history), so the first quarter already has deals closing; calls and
  SDR activity exist only inside the history window.
* Skill: each AE has an independent latent skill per rubric behavior (N(mu_b, 1.1)). New hires
  start ``NEWHIRE_SKILL_GAP`` points lower on every behavior and learn with a 6-week time constant.
  A call's performance = latent + N(0, 1.0); the manager scores it + N(0, 0.6); the AI scorer
  (on ``double_scored_share`` of calls) scores the same performance + N(0, ai_noise_sd). Scores are
  rounded to one decimal and clipped to the rubric scale; ~3% of manager behavior scores are missing.
* Coaching: ``size.n_coached_aes`` tenured AEs get one episode each on ONE behavior (the two
  highest-weight composite behaviors and ``next_steps_specificity``, round robin). A landing episode
  raises that behavior's latent by ``gain * min(t / ramp_days, 1)`` (t = days since the first
  session); a non-landing episode does nothing. No pre-trend is planted.
* Win: logit p = logit(base_win_rate) + win_logit_per_point * (composite_base(close) - ref)
  + win_logit_per_point * composite_gain(quarter of close - lag_quarters) - ramp_penalty * (1 - prod)
  where composite_base is the latent weighted mean of the composite behaviors (incl. new-hire
  learning) and composite_gain is the coaching gain of the composite averaged over a calendar
  quarter. So a behavior gain shows in scores at once but in win probability ``lag_quarters`` later.
* Cycle: days = LogNormal(median 45, sigma 0.5), same for won and lost, multiplied by
  (1 - cycle_faster_high_dpm) if the discovery call's manager score on decision_process_mapping is
  at or above that behavior's median discovery-call score, and likewise for next_steps_specificity.
* Ramp: new hires' productivity (deal volume) = clip((tenure_w - 7) / 14, 0, 1), win logit penalty
  ``ramp_penalty * (1 - productivity)``; structured_sprint hires run the same curve shifted
  ``ramp_weeks_saved`` weeks earlier (their effective tenure starts at ramp_weeks_saved).
* SDRs: daily binomial funnel around the benchmarks (each stage at 1.00-1.12 x benchmark); one
  planted SDR has ``meeting_rate`` at ``sdr_weak_factor`` x benchmark and every other stage normal.

Three scenarios (``truth["scenario"]``): ``planted`` (the effects above), ``no_effect`` (every effect
zeroed) and ``no_outcome_link`` (``outcomes_follow_behaviors=False``): coaching still lifts the
coached behaviors, but behaviors move neither win probability nor deal cycle (``win_logit_per_point``
and ``cycle_faster_*`` are 0; ramp and the SDR funnel stay planted, they do not run through behaviors).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi.config import QUARTER_RE, load_defaults, quarter_bounds, quarter_label
from coaching_roi.errors import WorkbookError
from coaching_roi.estimate_ids import POOLED

__all__ = ["DemoSize", "Effects", "generate", "CANONICAL_COLUMNS"]

CANONICAL_COLUMNS: dict[str, list[str]] = {
    "reps": [
        "rep_id", "rep_name", "role", "team", "manager_id", "hire_date", "end_date",
        "onboarding_program", "monthly_quota",
    ],
    "calls": ["call_id", "rep_id", "call_date", "call_type", "opportunity_id", "duration_s"],
    "call_scores": ["call_id", "behavior", "score", "scorer", "scorer_id"],
    "coaching_sessions": [
        "session_id", "rep_id", "coach_id", "session_date", "behavior", "observable", "format",
        "duration_min", "program",
    ],
    "opportunities": [
        "opportunity_id", "rep_id", "created_date", "close_date", "status", "amount", "account",
        "segment",
    ],
    "sdr_activity": [
        "rep_id", "date", "dials", "connects", "conversations", "meetings_booked", "meetings_held",
        "sqls", "emails_sent", "email_replies",
    ],
}

# ----------------------------------------------------------------------------- model constants
BURN_IN_DAYS = 120            # opportunities are created from this many days before the history
SKILL_SD = 1.1                # between-rep SD of latent skill per behavior
CALL_NOISE_SD = 1.0           # call-to-call performance noise
MANAGER_NOISE_SD = 0.6        # manager scoring noise around the call's performance
MISSING_SCORE_SHARE = 0.03
NEWHIRE_SKILL_GAP = 1.0       # points below tenured level at hire (decays, tau 6 weeks)
NEWHIRE_LEARN_TAU_W = 6.0
RAMP_DELAY_W = 7.0            # weeks before a standard hire creates opportunities
RAMP_LEN_W = 14.0             # weeks from first opportunity to full productivity
RAMP_WIN_PENALTY = 1.5        # logit penalty at zero productivity
CYCLE_MEDIAN_DAYS = 45.0
CYCLE_SIGMA = 0.5
AMOUNT_MEDIAN = 25_000.0
AMOUNT_SIGMA = 0.6
AE_MONTHLY_QUOTA = 50_000
DAYS_PER_QUARTER = 91.3125
POST_WEEKS = 8                # event window used by the analysis (weeks 0..8 after first session)
PRE_WEEKS = 4

FIRST_NAMES = [
    "Aisha", "Ben", "Carmen", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Keira",
    "Luis", "Maya", "Nikhil", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tomás", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zoë", "Aaron", "Bianca", "Connor", "Dana", "Emeka", "Fiona", "Gabe",
    "Hannah", "Ivan", "Julia", "Kwame", "Lena", "Marco", "Nora", "Omar", "Paula", "Raj", "Sofia",
]
LAST_NAMES = [
    "O'Brien", "Okafor", "Nguyen", "García", "Schmidt", "Patel", "Kowalski", "Andersson", "Rossi",
    "Tanaka", "Haddad", "Murphy", "Silva", "Cohen", "Dubois", "Kim", "Larsen", "Mendes", "Novak",
    "Osei", "Petrov", "Quintero", "Reyes", "Sato", "Turner", "Usman", "Vargas", "Walsh", "Yilmaz",
    "Zhang", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Gupta", "Hughes", "Ito", "Jensen",
]
ACCOUNT_A = [
    "Northwind", "Bluepeak", "Cedar", "Ironclad", "Lumen", "Harbor", "Summit", "Vertex", "Pioneer",
    "Keystone", "Brightline", "Redwood", "Silverline", "Granite", "Orbit", "Meridian", "Atlas",
    "Juniper", "Falcon", "Cobalt",
]
ACCOUNT_B = [
    "Logistics", "Health", "Analytics", "Foods", "Robotics", "Bank", "Insurance", "Energy",
    "Retail", "Labs", "Media", "Systems", "Freight", "Legal", "Software", "Clinics",
]
OBSERVABLES = {
    "permission_to_continue": "Ask 'Is now still a good time for two minutes?' before any pitch",
    "clear_reason_for_call": "State why I'm calling in one sentence within the first 30 seconds",
    "open_questions": "Open every discovery call with three 'how' or 'what' questions, no yes/no ones",
    "active_listening": "Pause two seconds before replying and play the buyer's point back in their words",
    "digs_deeper": "Ask 'what else?' after the first answer on every discovery call",
    "quantified_impact": "Get a number (hours, dollars or headcount) for the problem on every discovery call",
    "decision_process_mapping": "Ask 'Who else signs off, and what happens after you say yes?' on every discovery call",
    "value_tied_to_problem": "Restate the buyer's problem in their words before showing the matching feature",
    "relevant_proof": "Share one customer story from the buyer's industry on every demo",
    "acknowledges_concern": "Say 'That's a fair concern' before answering any objection",
    "probes_objection": "Ask 'What's behind that?' before responding to an objection",
    "next_steps_specificity": "End every call with a calendar invite for a specific date and time, sent live",
    "clear_ask": "Ask directly for the next commitment before the last five minutes of the call",
}
FORMATS = ["call_review", "role_play", "one_on_one", "call_review", "call_review", "other"]
TEAMS = ["Enterprise", "Mid-Market East", "Mid-Market West", "Commercial", "Strategic"]
SDR_STAGES = ["connect_rate", "conversation_rate", "meeting_rate", "show_rate", "sql_rate", "email_reply_rate"]
DAY = np.timedelta64(1, "D")
_EFFECT_SIZES = ("win_logit_per_point", "coaching_gain_points", "share_coaching_lands", "cycle_faster_high_dpm",
                 "cycle_faster_high_nss", "ramp_weeks_saved", "sdr_weak_stage")


# ------------------------------------------------------------------------------------ options
@dataclass(frozen=True)
class DemoSize:
    """How big the generated team is. ``DemoSize()`` is the demo; ``DemoSize.small()`` is for tests."""

    n_aes: int = 30
    n_sdrs: int = 12
    n_quarters: int = 4
    n_new_hires: int = 8              # AEs hired during the first two quarters (half structured_sprint)
    calls_per_week: float = 4.0       # scored calls per AE per week at full ramp
    opps_per_month: float = 7.0       # new opportunities per AE per month at full ramp
    n_managers: int = 4               # managers (= coaches); the last one manages the SDRs
    n_coached_aes: int = 12           # AEs with a coaching episode on one behavior
    n_coached_sdrs: int = 3
    n_left_aes: int = 2               # tenured AEs who left during the history
    n_left_new_hires: int = 1         # new hires (standard program) who left before the end
    n_left_sdrs: int = 1

    @classmethod
    def small(cls) -> DemoSize:
        """A small team for fast notebook tests (still has every feature)."""
        return cls(n_aes=14, n_sdrs=5, n_quarters=4, n_new_hires=4, n_managers=3, n_coached_aes=6,
                   n_coached_sdrs=2, n_left_aes=1, n_left_new_hires=0, n_left_sdrs=1)

    def __post_init__(self) -> None:
        if self.n_quarters < 2:
            raise WorkbookError("DemoSize.n_quarters must be at least 2.")
        if self.n_managers < 2:
            raise WorkbookError("DemoSize.n_managers must be at least 2 (AE managers + an SDR manager).")
        tenured = self.n_aes - self.n_new_hires
        if tenured < self.n_coached_aes + self.n_left_aes + 1:
            raise WorkbookError("DemoSize: too few tenured AEs for the coached and leaving reps requested.")
        if self.n_sdrs < self.n_coached_sdrs + 1 + self.n_left_sdrs:
            raise WorkbookError("DemoSize: too few SDRs for the coached and leaving SDRs requested.")


@dataclass(frozen=True)
class Effects:
    """Every planted effect size. ``Effects.none()`` zeroes them all."""

    win_logit_per_point: float = 0.8      # win log-odds per point of latent composite discovery skill
    coaching_gain_points: float = 2.0     # gain of the coached behavior's score for landing episodes
    coaching_ramp_weeks: float = 4.0      # the gain ramps in linearly over this many weeks
    share_coaching_lands: float = 0.75    # share of episodes that move the behavior at all
    cycle_faster_high_dpm: float = 0.20   # high decision_process_mapping -> cycle x (1 - this)
    cycle_faster_high_nss: float = 0.20   # high next_steps_specificity -> cycle x (1 - this)
    ramp_weeks_saved: float = 5.0         # structured_sprint runs the ramp curve this much earlier
    lag_quarters: int = 1                 # coaching gains reach win probability this many quarters later
    sdr_weak_stage: str | None = "meeting_rate"  # the one weak stage of the planted SDR (None: no such SDR)
    sdr_weak_factor: float = 0.5          # that stage's rate as a multiple of the benchmark
    base_win_rate: float = 0.27           # win probability of a ramped rep at the reference composite

    @classmethod
    def none(cls) -> Effects:
        """No planted effect at all (win probability independent of skill, no gains, no ramp gap)."""
        return cls(win_logit_per_point=0.0, coaching_gain_points=0.0, share_coaching_lands=0.0,
                   cycle_faster_high_dpm=0.0, cycle_faster_high_nss=0.0, ramp_weeks_saved=0.0,
                   sdr_weak_stage=None, sdr_weak_factor=1.0)

    def without_outcome_link(self) -> Effects:
        """The same effects, except that behaviors move neither win probability nor deal cycle."""
        return replace(self, win_logit_per_point=0.0, cycle_faster_high_dpm=0.0, cycle_faster_high_nss=0.0)

    def __post_init__(self) -> None:
        if not 0 <= self.share_coaching_lands <= 1:
            raise WorkbookError("Effects.share_coaching_lands must be within 0..1.")
        for name in ("cycle_faster_high_dpm", "cycle_faster_high_nss"):
            if not 0 <= getattr(self, name) < 1:
                raise WorkbookError(f"Effects.{name} must be within [0, 1).")
        if not 0 <= self.ramp_weeks_saved < RAMP_DELAY_W:
            raise WorkbookError(f"Effects.ramp_weeks_saved must be within [0, {RAMP_DELAY_W:g}).")
        if self.lag_quarters < 0:
            raise WorkbookError("Effects.lag_quarters must be >= 0.")
        if self.sdr_weak_stage is not None and self.sdr_weak_stage not in SDR_STAGES:
            raise WorkbookError(f"Effects.sdr_weak_stage must be one of {', '.join(SDR_STAGES)} or None.")
        if not 0 < self.base_win_rate < 1:
            raise WorkbookError("Effects.base_win_rate must be within (0, 1).")
        if self.coaching_ramp_weeks <= 0:
            raise WorkbookError("Effects.coaching_ramp_weeks must be > 0.")


# ------------------------------------------------------------------------------------ helpers
def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), stream]))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _weekday_shift(days: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    """Move day offsets (from ``start``) that fall on a weekend to the next Monday."""
    dow = (start.day_of_week + days) % 7
    return days + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def _business_days(start: pd.Timestamp, n_days: int) -> np.ndarray:
    d = np.arange(n_days)
    return d[((start.day_of_week + d) % 7) < 5]


def _dates(start: pd.Timestamp, days: np.ndarray) -> pd.Series:
    """Day offsets (float or int, NaN allowed) -> datetime64 Series."""
    days = np.asarray(days, dtype=float)
    return pd.Series(start + pd.to_timedelta(days, unit="D"))


def _fmt_date(s: pd.Series) -> pd.Series:
    out = s.dt.strftime("%Y-%m-%d")
    return out.where(s.notna(), None)


def _work_minute(r: np.random.Generator, n: int) -> np.ndarray:
    """Minutes after midnight of a call start: 08:00-17:30 in 5-minute steps."""
    return (480 + 5 * r.integers(0, 115, n)).astype(float)


def _ramp_fraction_mean(t0: float, t1: float, ramp_days: float, n: int = 2000) -> float:
    """Mean of min(t / ramp_days, 1) over t uniform in [t0, t1) (t in days)."""
    t = t0 + (np.arange(n) + 0.5) * (t1 - t0) / n
    return float(np.clip(t / ramp_days, 0.0, 1.0).mean())


def _round(x: float, nd: int = 6) -> float:
    return float(round(float(x), nd))


# ---------------------------------------------------------------------------------- generator
def generate(
    out_dir: str | Path,
    *,
    seed: int = 7,
    end_quarter: str = "2026Q3",
    size: DemoSize = DemoSize(),
    effects: Effects | None = None,
    no_effect: bool = False,
    outcomes_follow_behaviors: bool = True,
    inject_errors: bool = True,
    ai_noise_sd: float = 1.2,
    double_scored_share: float = 0.25,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write canonical CSVs + truth.json into out_dir; return the truth dict.

    ``outcomes_follow_behaviors=False`` keeps coaching's lift on the coached behaviors but cuts the
    link from behaviors to outcomes: win probability and deal cycle no longer depend on scores.
    """
    if not QUARTER_RE.match(str(end_quarter)):
        raise WorkbookError(f"end_quarter must look like 2026Q3, got {end_quarter!r}.")
    if not 0 <= double_scored_share <= 1:
        raise WorkbookError("double_scored_share must be within 0..1.")
    if ai_noise_sd < 0:
        raise WorkbookError("ai_noise_sd must be >= 0.")
    eff = Effects.none() if no_effect else (effects or Effects())
    # lag stays what was asked for even without effects (it is a timing, not a size)
    if no_effect and effects is not None:
        eff = Effects(**{**asdict(Effects.none()), "lag_quarters": effects.lag_quarters})
    if not outcomes_follow_behaviors:
        eff = eff.without_outcome_link()
    say = progress or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    defaults = load_defaults()
    rub = defaults["rubric"]
    beh_keys: list[str] = [b["key"] for b in rub["behaviors"]]
    beh_w = np.array([float(b.get("weight", 1.0)) for b in rub["behaviors"]])
    labels = {b["key"]: b["label"] for b in rub["behaviors"]}
    comp_keys = list(rub["composite_behaviors"])
    comp_idx = np.array([beh_keys.index(k) for k in comp_keys])
    comp_w = np.zeros(len(beh_keys))
    comp_w[comp_idx] = beh_w[comp_idx]
    comp_w = comp_w / comp_w.sum()                       # composite = comp_w @ behavior scores
    scale_min, scale_max = float(rub.get("scale_min", 0)), float(rub.get("scale_max", 10))
    disc_types = list(rub.get("discovery_call_types", ["discovery"]))
    disc_type = disc_types[0] if disc_types else "discovery"
    bench = {k: float(defaults["benchmarks"][k]) for k in SDR_STAGES}
    nb = len(beh_keys)
    k_dpm = beh_keys.index("decision_process_mapping") if "decision_process_mapping" in beh_keys else None
    k_nss = beh_keys.index("next_steps_specificity") if "next_steps_specificity" in beh_keys else None

    quarters = [quarter_label(end_quarter, -i) for i in range(size.n_quarters - 1, -1, -1)]
    data_start = quarter_bounds(quarters[0])[0]
    data_end = quarter_bounds(end_quarter)[1]            # exclusive
    span = int((data_end - data_start) / DAY)            # days in the history
    burn = -BURN_IN_DAYS
    # quarter index of any day offset (0 = first history quarter; negative = burn-in quarters)
    q_starts = np.array([int((quarter_bounds(quarters[0], o)[0] - data_start) / DAY)
                         for o in range(-3, size.n_quarters + 1)])

    def q_index(days: np.ndarray) -> np.ndarray:
        return np.searchsorted(q_starts, np.floor(days), side="right") - 1 - 3

    # ================================================================================== reps
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

    # ======================================================================== skills & ramp
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

    # ============================================================================= coaching
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

    # ========================================================================= opportunities
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

    # ================================================================================= calls
    say("calls")
    r = _rng(seed, 5)
    lam_extra = max(size.calls_per_week * 52 / 12 / size.opps_per_month - 1.0, 0.0)
    life_end = np.where(is_open, span, close_day).astype(float)
    life = np.maximum(life_end - disc_day, 1.0)
    life_f = np.clip(life / CYCLE_MEDIAN_DAYS, 0.3, 2.0)
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
    perf_e = skill[o_rep[e_opp]] + learn(o_rep[e_opp], e_day)[:, None] + r.normal(0, CALL_NOISE_SD, (ne, nb))
    gbe, gge = gain(o_rep[e_opp], e_day)
    ie = np.nonzero(gbe >= 0)[0]
    perf_e[ie, gbe[ie]] += gge[ie]
    perf[n_opp:] = perf_e
    mgr = np.empty((n_c, nb))
    mgr[:n_opp] = mgr_disc
    mgr[n_opp:] = np.clip(np.round(perf_e + r.normal(0, MANAGER_NOISE_SD, (ne, nb)), 1), scale_min, scale_max)
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

    # ========================================================================== call scores
    say("call_scores")
    r = _rng(seed, 6)
    nck = len(idx)
    m_sc = mgr[idx]
    missing = r.random((nck, nb)) < MISSING_SCORE_SHARE
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

    # ========================================================================= SDR activity
    say("sdr_activity")
    r = _rng(seed, 7)
    hist_bdays = _business_days(data_start, span)
    sdr_rates: dict[str, dict[str, float]] = {}
    frames = []
    for i in range(n_ae, n_rep):
        rates = {s: min(bench[s] * r.uniform(1.0, 1.12), 0.95) for s in SDR_STAGES}
        if i == weak_sdr and eff.sdr_weak_stage:
            rates[eff.sdr_weak_stage] = bench[eff.sdr_weak_stage] * eff.sdr_weak_factor
        sdr_rates[rep_ids[i]] = {k: _round(v) for k, v in rates.items()}
        d = hist_bdays[(hist_bdays >= hire[i]) & (hist_bdays < active_end[i])]
        d = d[r.random(len(d)) >= 0.04]                   # PTO and sick days: no row
        n = len(d)
        dials = np.clip(np.round(r.normal(60, 7, n)), 30, 95).astype(np.int64)
        con = r.binomial(dials, rates["connect_rate"])
        conv = r.binomial(con, rates["conversation_rate"])
        booked = r.binomial(conv, rates["meeting_rate"])
        held = r.binomial(booked, rates["show_rate"])
        sqls = r.binomial(held, rates["sql_rate"])
        emails = np.clip(np.round(r.normal(30, 5, n)), 5, 60).astype(np.int64)
        replies = r.binomial(emails, rates["email_reply_rate"])
        frames.append(pd.DataFrame({
            "rep_id": rep_ids[i], "day": d, "dials": dials, "connects": con, "conversations": conv,
            "meetings_booked": booked, "meetings_held": held, "sqls": sqls, "emails_sent": emails,
            "email_replies": replies,
        }))
    sdr = pd.concat(frames, ignore_index=True).sort_values(["rep_id", "day"], kind="stable")
    sdr.insert(1, "date", _fmt_date(_dates(data_start, sdr["day"].to_numpy())))
    sdr = sdr.reset_index(drop=True)
    pto = {rid: set(hist_bdays[(hist_bdays >= hire[i]) & (hist_bdays < active_end[i])].tolist())
           - set(sdr.loc[sdr["rep_id"] == rid, "day"].tolist()) for i, rid in enumerate(rep_ids) if i >= n_ae}

    # ========================================================================== bad rows
    injected: dict[str, dict[str, int]] = {}
    injected_keys: list[dict[str, Any]] = []
    if inject_errors:
        say("inject_errors")
        r = _rng(seed, 8)

        def note(table: str, reason: str, **key: Any) -> None:
            injected.setdefault(table, {})
            injected[table][reason] = injected[table].get(reason, 0) + 1
            injected_keys.append({"table": table, "reason": reason, **key})

        # call_scores: out-of-scale scores, placed on (call, behavior) slots that are missing
        mi, mb = np.nonzero(missing)
        extra_scores = []
        for val in (14.0, -1.0):
            if len(mi) == 0:
                break
            j = int(r.integers(len(mi)))
            extra_scores.append({"call_id": call_ids[mi[j]], "behavior": beh_keys[mb[j]], "score": val,
                                 "scorer": "manager", "scorer_id": managers[c_rep[idx][mi[j]]]})
            note("call_scores", "score_out_of_range", call_id=call_ids[mi[j]], behavior=beh_keys[mb[j]])
            mi, mb = np.delete(mi, j), np.delete(mb, j)
        if extra_scores:
            scores = pd.concat([scores, pd.DataFrame(extra_scores)], ignore_index=True)
        # calls: unknown rep, duplicated call_id
        j = int(r.integers(len(calls)))
        bad = calls.iloc[[j]].copy()
        bad["call_id"] = f"C{len(calls) + 1:06d}"
        bad["rep_id"] = "AE999"
        bad["opportunity_id"] = None
        note("calls", "unknown_rep_id", call_id=bad["call_id"].iloc[0])
        j2 = int(r.integers(len(calls)))
        dup = calls.iloc[[j2]].copy()
        note("calls", "duplicate_call_id", call_id=dup["call_id"].iloc[0])
        calls = pd.concat([calls, dup, bad], ignore_index=True)
        # opportunities: close before created, negative amount
        base_n = len(opps)
        o1 = opps[opps["status"] != "open"].iloc[[int(r.integers((opps["status"] != "open").sum()))]].copy()
        created = pd.to_datetime(o1["created_date"].iloc[0])
        o1["opportunity_id"] = f"OPP-{base_n + 1:05d}"
        o1["close_date"] = (created - pd.Timedelta(days=12)).strftime("%Y-%m-%d")
        note("opportunities", "close_before_created", opportunity_id=o1["opportunity_id"].iloc[0])
        o2 = opps.iloc[[int(r.integers(base_n))]].copy()
        o2["opportunity_id"] = f"OPP-{base_n + 2:05d}"
        o2["amount"] = -int(o2["amount"].iloc[0])
        note("opportunities", "negative_amount", opportunity_id=o2["opportunity_id"].iloc[0])
        opps = pd.concat([opps, o1, o2], ignore_index=True)
        # sdr_activity: connects > dials on a day the SDR otherwise has no row (a PTO day)
        rid = sdr_ids[int(r.integers(n_sdr))]
        free = sorted(pto.get(rid, set()))
        if free:
            d = free[int(r.integers(len(free)))]
            row = {"rep_id": rid, "day": d, "date": _fmt_date(_dates(data_start, np.array([d]))).iloc[0],
                   "dials": 12, "connects": 40, "conversations": 9, "meetings_booked": 2,
                   "meetings_held": 1, "sqls": 1, "emails_sent": 30, "email_replies": 2}
            sdr = pd.concat([sdr, pd.DataFrame([row])], ignore_index=True)
            note("sdr_activity", "connects_gt_dials", rep_id=rid, date=row["date"])
        # coaching_sessions: behavior not in the rubric
        s_rep = rep_ids[int(coached_aes[0])] if n_ep else rep_ids[0]
        s_day = int(_weekday_shift(np.array([span - 20]), data_start)[0])
        srow = {"session_id": f"S{len(sessions) + 1:04d}", "rep_id": s_rep,
                "coach_id": managers[rep_ids.index(s_rep)], "day": s_day,
                "behavior": "rapport_building", "observable": "Small talk for five minutes",
                "format": "one_on_one", "duration_min": 30, "program": None,
                "session_date": _fmt_date(_dates(data_start, np.array([s_day]))).iloc[0]}
        sessions = pd.concat([sessions, pd.DataFrame([srow])], ignore_index=True)
        note("coaching_sessions", "unknown_behavior", session_id=srow["session_id"])

    # ========================================================================== write CSVs
    say("write")
    tables = {
        "reps": reps,
        "calls": calls,
        "call_scores": scores,
        "coaching_sessions": sessions,
        "opportunities": opps,
        "sdr_activity": sdr,
    }
    for name, df in tables.items():
        df = df[CANONICAL_COLUMNS[name]]
        df.to_csv(out / f"{name}.csv", index=False, float_format="%.1f", lineterminator="\n",
                  encoding="utf-8")

    # ================================================================================= truth
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
    (out / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say("done")
    return truth


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


def _definitions(ramp_post: float) -> dict[str, str]:
    return {
        "behavior_change": (
            "Expected difference-in-differences effect (points) of a coaching episode on the targeted "
            "behavior's manager score, averaged over ALL coached episodes (landing or not): "
            "share_coaching_lands x coaching_gain_points x mean ramp fraction over event weeks 0..8, "
            f"= share x gain x {ramp_post:.4f}. Event week k = floor((call time - first session date) / 7 "
            "days); pre window weeks -4..-1; ramp fraction = min(days since first session / "
            "(7 x coaching_ramp_weeks), 1); weeks weighted equally. behavior_change_realized uses the "
            "episodes' actual lands flags. Behaviors that appear only as the second key of a "
            "multi-behavior session ('a;b') get 0: those mentions carry no effect. 'all' (the pooled "
            "estimate) is the same expectation over every coached episode; its realized value uses all "
            "episodes' lands flags."
        ),
        "behavior_change_by_event_week": "Expected effect (points) in each event week -4..8 (0 before week 0).",
        "event_study_pretrend": "No pre-trend is planted: the true mean lead is 0 for every coached behavior.",
        "quartile_win_rate_gap": (
            "Top-minus-bottom quartile expected win rate (fraction) in the end quarter: AEs with a "
            "discovery call and a closed deal that quarter, quartiles (pd.qcut of ranks) of each rep's "
            "mean LATENT composite over their discovery calls in the quarter; win rate = mean model win "
            "probability of the deals closed (won or lost) in the quarter, pooled within quartile. "
            "The observed composite is noisier, so an analysis on scores is slightly attenuated."
        ),
        "win_rate_change_per_point": (
            "Slope dp/dx at the base rate p0 (base_win_rate = mean model win probability of closed deals): "
            "win_logit_per_point x p0 x (1 - p0) x the behavior's composite weight; fraction of win rate "
            "per point of that behavior's score. Coaching gains reach the win probability lag_quarters "
            "later: a deal closing in quarter Q uses the rep's composite coaching gain averaged over "
            "quarter Q - lag_quarters. Behaviors outside the composite have 0. Baseline skill (and "
            "new-hire learning) acts without lag. 'all' (the pooled estimate) averages the slopes of the "
            "coached episodes' behaviors, one per episode. 0 everywhere when outcomes_follow_behaviors is "
            "false (scenario no_outcome_link) or without effects."
        ),
        "scenario": (
            "planted: every effect above; no_effect: all zeroed; no_outcome_link: coaching lifts the coached "
            "behaviors as planted, but behaviors move neither win probability nor deal cycle "
            "(win_logit_per_point = cycle_faster_high_* = 0; ramp and SDR effects stay planted)."
        ),
        "deal_cycle_pct_faster": (
            "1 - median(cycle | high) / median(cycle | low), days created -> close. High = the deal's "
            "discovery-call manager score on the behavior >= the median of that behavior's manager scores "
            "over all discovery calls in the history (ties count high; medians in "
            "deal_cycle_split_medians). Holds within won and within lost (same base cycle distribution, "
            "median 45 days) and pooled; the two behaviors are independent so they do not confound. "
            "Deals whose close would fall after the history end are open (censored)."
        ),
        "ramp_weeks_saved": (
            "structured_sprint hires run the standard ramp curve (no deals for 7 weeks, productivity "
            "rising linearly to 1 over the next 14 weeks, win-logit penalty 1.5 x (1 - productivity), "
            "skill gap 1 point decaying with tau 6 weeks) shifted ramp_weeks_saved weeks earlier, so "
            "the time from hire to first won deal and to the first calendar month with won ARR >= 80% "
            "of monthly_quota is shifted by that many weeks in distribution (medians differ by it)."
        ),
        "six_month_attainment_gap": (
            "Expected won ARR closed in the first 182 days after hire / (6 x monthly_quota), "
            "structured_sprint minus standard, for a hire of average skill (Monte Carlo of the model)."
        ),
        "sdr_weak_stage": (
            "The SDR whose one weak stage is planted at sdr_weak_factor x benchmark; every other stage "
            "of every SDR is drawn at 1.00-1.12 x benchmark (sdr_stage_rates holds all true rates)."
        ),
        "injected_errors": (
            "Extra bad rows added (never changing clean rows): {table: {reason: count}}; "
            "injected_error_rows lists their keys. row_counts include them."
        ),
        "opportunities": (
            f"Deals are created from {BURN_IN_DAYS} days before the history (no calls before it); deals "
            "that closed before the history are omitted. Win/loss is Bernoulli(model probability)."
        ),
    }
