"""Section 1: win rate by discovery-score quartile, the top-minus-bottom gap and its reading."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import cohorts, verdict
from coaching_roi.config import Config
from coaching_roi.stats import Interval

from .common import Findings, Table, _fractions, _intervals, _make, _missing


# ------------------------------------------------------------------------------- 1 · cohort win rate
@dataclass(frozen=True)
class QuartileSection:
    """Section 1: win rate by composite-score quartile and the top-minus-bottom gap.

    ``title`` is set only when a figure can be drawn; ``sentences`` follow the figure; ``table`` and
    ``notes`` come next; ``artifacts`` are ``03_rep_quarter`` and ``03_quartiles``.
    """

    rep_quarter: pd.DataFrame | None = None
    quartiles: pd.DataFrame | None = None
    gap: Interval | None = None
    small: bool = False
    title: str | None = None
    sentences: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()
    artifacts: dict[str, pd.DataFrame] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)
    not_computed: dict[str, str] = field(default_factory=dict)


def quartile_table(quartiles: pd.DataFrame) -> pd.DataFrame:
    """Format the quartile summary for display (labels, score range, win rate and interval as %)."""
    return quartiles.assign(
        quartile=quartiles["quartile"].map(cohorts.QUARTILE_LABELS),
        score_range=[f"{a:.1f}–{b:.1f}" for a, b in zip(quartiles["score_min"], quartiles["score_max"], strict=True)],
        win_rate=_fractions(quartiles["win_rate"]),
        interval=_intervals(quartiles["ci_low"], quartiles["ci_high"], "fraction"),
    )[["quartile", "score_range", "n_reps", "n_deals", "won", "lost", "win_rate", "interval"]]


def quartile_win_rate(
    composite: pd.DataFrame | None, opportunities: pd.DataFrame | None, reps: pd.DataFrame | None, cfg: Config
) -> QuartileSection:
    """Section 1: quartiles of the composite discovery score, their win rates and the gap (rep bootstrap)."""
    A = cfg.analysis
    start, end = cfg.quarter_bounds()
    missing = _missing(**{"02_rep_quarter_composite": composite, "opportunities": opportunities, "reps": reps})
    if missing:
        return QuartileSection(
            sentences=(f"The cohort win rate cannot be computed: {', '.join(missing)} is absent, so there is no score "
                       "per rep or no closed deal to compare. No number is shown rather than a made-up one.",),
            not_computed={"quartile_win_rate_gap": f"needs {', '.join(missing)}"},
        )
    rq = cohorts.rep_quarter_table(composite, opportunities, reps, quarter=cfg.quarter, start=start, end=end)
    quartiles = cohorts.quartile_summary(rq, n_boot=A.n_bootstrap, seed=A.seed, level=A.confidence_level)
    gap = cohorts.quartile_gap(rq, n_boot=A.n_bootstrap, seed=A.seed, level=A.confidence_level)
    small = bool(len(quartiles) == 0 or quartiles["n_reps"].min() < A.min_reps_per_group)
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    title = None
    if len(rq) and rq["quartile"].notna().sum() >= 4:
        est = _make(cfg, "quartile_win_rate_gap", gap, unit="fraction", n_unit="AEs", small_sample=small,
                    note="Scores predict wins here: an association, not proof that coaching caused it.")
        estimates["quartile_win_rate_gap"] = est
        title = verdict.title("quartile_win_rate_gap", est, policy=verdict.Policy.from_config(cfg))
        sentences = (est["reading"],)
    else:
        not_computed["quartile_win_rate_gap"] = "fewer than 4 scored AEs with closed deals this quarter"
        sentences = ("Fewer than four scored AEs closed deals this quarter, so quartiles cannot be formed.",)
    notes = []
    n_out = int(rq["quartile"].isna().sum())
    if n_out:
        notes.append(f"{n_out} scored AE(s) closed no deal this quarter and are not placed in a quartile.")
    if (quartiles["n_reps"] < A.min_reps_per_group).any():
        notes.append(f"Small sample warning: at least one quartile has fewer than {A.min_reps_per_group} reps; "
                     "read the quartile win rates as indicative.")
    return QuartileSection(
        rep_quarter=rq, quartiles=quartiles, gap=gap, small=small, title=title, sentences=sentences,
        table=Table(quartile_table(quartiles), "Win rate by composite-score quartile (interval: reps resampled within the quartile)"),
        notes=tuple(notes),
        artifacts={"03_rep_quarter": rq.drop(columns=["n_deals"]), "03_quartiles": quartiles.drop(columns=["ci_method"])},
        estimates=estimates, not_computed=not_computed,
    )
