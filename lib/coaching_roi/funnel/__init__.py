"""SDR funnel: stage conversion rates per rep and team, benchmark gaps, diagnosis beyond noise.

The funnel: dials → connects → conversations → meetings booked → meetings
held → SQLs, plus the email reply rate. Each stage's rate is ``numerator / denominator`` with a
Wilson interval. A rep's stage counts as a *diagnosed gap* only when its denominator reaches
``cfg.funnel.min_volume`` and the whole interval lies below the benchmark; the weakest stage is the
diagnosed one with the largest relative shortfall, and it maps to the skill to coach
(``cfg.funnel.stage_skills``). Everything else is "on benchmark" — noise is not diagnosed.

Rates are fractions; a zero denominator gives NaN ("no data"), never a division error.

The package: :mod:`.stages` (the stage table), :mod:`.counts`, :mod:`.rates`, :mod:`.diagnosis`,
:mod:`.change` (quarter over quarter); :func:`analyse` runs counts → rates → team → diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from coaching_roi.funnel.change import diff_proportions_interval, mean_diff_interval, rate_change
from coaching_roi.funnel.counts import monotonicity_violations, rep_counts, working_days
from coaching_roi.funnel.diagnosis import (
    DIAGNOSIS_COLUMNS,
    diagnose,
    diagnosis_level,
    evidence_line,
    fmt_level,
)
from coaching_roi.funnel.rates import stage_rates, team_rates
from coaching_roi.funnel.stages import (
    CHAIN,
    COUNT_COLUMNS,
    STAGE_KEYS,
    STAGE_LABELS,
    STAGE_SHORT,
    STAGES,
    Stage,
)

__all__ = [
    "CHAIN", "COUNT_COLUMNS", "DIAGNOSIS_COLUMNS", "STAGES", "STAGE_KEYS", "STAGE_LABELS", "STAGE_SHORT",
    "FunnelResult", "Stage", "analyse", "diagnose", "diagnosis_level", "diff_proportions_interval",
    "evidence_line", "fmt_level", "mean_diff_interval", "monotonicity_violations", "rate_change", "rep_counts",
    "stage_rates", "team_rates", "working_days",
]


# ------------------------------------------------------------------------------------- the summary
@dataclass(frozen=True)
class FunnelResult:
    """Everything notebook 04 shows about the SDR funnel for one quarter."""

    counts: pd.DataFrame  # one row per SDR with summed counts
    rates: pd.DataFrame  # per (rep, stage), from stage_rates
    team: pd.DataFrame  # per stage, from team_rates
    diagnosis: pd.DataFrame  # per rep, from diagnose
    violations: pd.DataFrame  # monotonicity problems (normally empty: intake rejects them)


def analyse(
    sdr_activity: pd.DataFrame,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    benchmarks: dict[str, float] | object,
    stage_skills: dict[str, str],
    min_volume: int,
    level: float = 0.95,
    sdr_ids: list[str] | None = None,
    adjust_for_stages: bool = True,
) -> FunnelResult:
    """Run counts → rates → team → diagnosis for ``[start, end)``.

    ``sdr_ids``: the SDRs to include (e.g. active SDRs from ``reps``); reps without activity get a
    zero row and the diagnosis "no data". ``adjust_for_stages``: a rep's six stages are six
    chances to find a "gap" by luck, so the per-rep intervals use the Bonferroni level
    ``1 − (1 − level) / 6`` (≈ 99%); the team rates keep ``level``.
    """
    counts = rep_counts(sdr_activity, start, end)
    if sdr_ids is not None:
        ids = pd.DataFrame({"rep_id": pd.array(sorted(set(map(str, sdr_ids))), dtype="string")})
        counts = ids.merge(counts, on="rep_id", how="left")
        for c in (*COUNT_COLUMNS, "n_rows"):
            counts[c] = counts[c].fillna(0).astype("int64")
    rates = stage_rates(counts, benchmarks, level=diagnosis_level(level, adjust_for_stages), min_volume=min_volume)
    team = team_rates(counts, benchmarks, level=level)
    diag = diagnose(rates, stage_skills)
    return FunnelResult(counts, rates, team, diag, monotonicity_violations(counts))
