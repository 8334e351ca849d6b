"""Seeded demo data: a realistic B2B SaaS sales team with KNOWN planted effects.

:func:`generate` writes the six canonical tables as CSV plus ``truth.json`` (every planted value,
keyed like the findings estimate IDs). The same seed gives byte-identical files: nothing depends
on the wall clock, rows are sorted and floats have a fixed format. Every random component draws
from its own seeded stream, so ``inject_errors`` only adds rows and never changes the clean data.

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

Package map: :mod:`.options` (DemoSize, Effects), :mod:`.constants` (model constants, word lists),
:mod:`.run` (the orchestrator: one step per table), :mod:`.start`, :mod:`.reps`, :mod:`.coaching`,
:mod:`.opportunities`, :mod:`.calls`, :mod:`.sdr`, :mod:`.bad_rows` (the steps), :mod:`.truth` and
:mod:`.truth_definitions` (the planted values and what they mean).
"""

from coaching_roi.demo.constants import CANONICAL_COLUMNS
from coaching_roi.demo.options import DemoSize, Effects
from coaching_roi.demo.run import generate

__all__ = ["DemoSize", "Effects", "generate", "CANONICAL_COLUMNS"]
