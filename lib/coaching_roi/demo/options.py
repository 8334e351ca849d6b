"""The demo's options: team size (:class:`DemoSize`) and planted effect sizes (:class:`Effects`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from coaching_roi.demo.constants import RAMP_DELAY_W, SDR_STAGES
from coaching_roi.errors import WorkbookError

_EFFECT_SIZES = ("win_logit_per_point", "coaching_gain_points", "share_coaching_lands", "cycle_faster_high_dpm",
                 "cycle_faster_high_nss", "ramp_weeks_saved", "sdr_weak_stage")


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
