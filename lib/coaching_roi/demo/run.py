"""The demo generator's orchestrator: :func:`generate` runs one step function per generated table
(:mod:`.reps`, :mod:`.coaching`, :mod:`.opportunities`, :mod:`.calls`, :mod:`.sdr`), injects bad
rows (:mod:`.bad_rows`), writes the CSVs and the planted truth (:mod:`.truth`)."""


from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from coaching_roi.demo.bad_rows import inject_bad_rows
from coaching_roi.demo.calls import make_call_scores, make_calls
from coaching_roi.demo.coaching import make_coaching_sessions
from coaching_roi.demo.constants import CANONICAL_COLUMNS
from coaching_roi.demo.opportunities import make_opportunities
from coaching_roi.demo.options import DemoSize, Effects
from coaching_roi.demo.reps import make_reps, make_skills_and_ramp
from coaching_roi.demo.sdr import make_sdr_activity
from coaching_roi.demo.start import resolve_options
from coaching_roi.demo.truth import (
    truth_behavior_change,
    truth_ramp_and_episodes,
    truth_win_rates,
    write_truth,
)
from coaching_roi.demo.truth_cycle import truth_cycle_links
from coaching_roi.safety import atomic_csv


def write_tables(st: SimpleNamespace) -> None:
    """Write the six canonical tables as CSV."""
    calls, opps, out, reps, say, scores, sdr = st.calls, st.opps, st.out, st.reps, st.say, st.scores, st.sdr
    sessions = st.sessions
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
        atomic_csv(df, out / f"{name}.csv", index=False, float_format="%.1f", lineterminator="\n")

    vars(st).update(
        tables=tables,
    )


STEPS: tuple[Callable[[SimpleNamespace], None], ...] = (
    resolve_options,
    make_reps,
    make_skills_and_ramp,
    make_coaching_sessions,
    make_opportunities,
    make_calls,
    make_call_scores,
    make_sdr_activity,
    inject_bad_rows,
    write_tables,
    truth_behavior_change,
    truth_win_rates,
    truth_cycle_links,
    truth_ramp_and_episodes,
    write_truth,
)
"""The generation steps in order; each reads the shared state and adds what later steps need.
Every step that draws random numbers uses its own seeded stream, so steps never disturb each other."""


def generate(
    out_dir: str | Path,
    *,
    seed: int = 7,
    end_quarter: str = "2026Q3",
    size: DemoSize = DemoSize(),  # noqa: B008 (a frozen dataclass: safe as a default)
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
    st = SimpleNamespace(
        out_dir=out_dir, seed=seed, end_quarter=end_quarter, size=size, effects=effects, no_effect=no_effect,
        outcomes_follow_behaviors=outcomes_follow_behaviors, inject_errors=inject_errors,
        ai_noise_sd=ai_noise_sd, double_scored_share=double_scored_share, progress=progress,
    )
    for step in STEPS:
        step(st)
    return st.truth
