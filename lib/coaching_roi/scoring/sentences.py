"""Notebook 02's readings: the sentences that go with its tables and figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import verdict
from coaching_roi.stats import fmt_value

from .aggregates import Trend
from .coached import CohortPanel
from .composite import composite_counts
from .periods import in_window
from .win_model import NO_SCORES


# ------------------------------------------------------------------------------------ sentences
def describe_distribution(summary: pd.DataFrame, *, scale_max: float) -> tuple[str, str]:
    """Title and reading for the score-distribution figure."""
    s = summary.dropna(subset=["mean"])
    if s.empty:
        return "No scored calls this quarter", "There are no scored calls in the quarter to show."
    lo, hi = s.loc[s["mean"].idxmin()], s.loc[s["mean"].idxmax()]
    title = f"Weakest: {lo['label']} ({lo['mean']:.1f}); strongest: {hi['label']} ({hi['mean']:.1f})"
    apart = verdict.side(hi["ci_low"], hi["ci_high"], reference=lo["ci_high"])  # strongest wholly above weakest?
    reading = (f"Across {int(s['n_calls'].max())} scored calls this quarter, team means range from "
               f"{lo['mean']:.1f} to {hi['mean']:.1f} on a 0–{scale_max:g} scale. ")
    reading += verdict.row_phrase("behavior_spread", "positive" if apart == "positive" else "no_clear_change",
                                  value=str(lo["label"]))
    return title, reading


def describe_heatmap(means: pd.DataFrame, counts: pd.DataFrame, labels: dict[str, str], *, min_calls: int) -> tuple[str, str]:
    """Title and reading for the team heatmap: where reps differ most."""
    m = means.where(counts >= min_calls)
    if m.notna().sum().sum() == 0:
        return ("Too few calls per rep to compare reps this quarter",
                f"Every rep × behavior cell has fewer than {min_calls} calls; no cell is reliable.")
    spread = (m.max() - m.min()).dropna()
    b = spread.idxmax()
    n_grey = int((counts < min_calls).sum().sum())
    title = f"Reps differ most on {labels.get(b, b)} (rep means {m[b].min():.1f} to {m[b].max():.1f})"
    reading = (f"Each cell is a rep's mean score this quarter; reps are sorted by their average. "
               f"{n_grey} of {counts.size} cells have fewer than {min_calls} calls and are greyed (×): "
               "read them as 'not enough calls', not as a low score.")
    return title, reading


def describe_trends(trends: list[Trend], *, level: float = 0.95) -> tuple[str, str]:
    """Title and reading for the weekly phase trends (change across the quarter, rep-clustered CI)."""
    ok = [t for t in trends if np.isfinite(t.change)]
    if not ok:
        return "Too few calls to read a weekly trend", "There are too few scored calls in the quarter for a trend."
    side = {id(t): verdict.side(t.ci_low, t.ci_high) for t in ok}
    up = [t for t in ok if side[id(t)] == "positive"]
    down = [t for t in ok if side[id(t)] == "negative"]
    if up or down:
        parts = [f"{t.phase} {'rose' if t.change > 0 else 'fell'} {abs(t.change):.1f} points" for t in up + down]
        title = "Over the quarter, " + "; ".join(parts)
    else:
        title = "No phase score moved clearly over the quarter"
    reading = "\n".join(
        f"- **{t.phase.capitalize()}**: {fmt_value(round(t.change, 1) + 0.0, 'points', signed=True)} "
        f"({verdict.level_text(level)} CI {t.ci_low:+.1f} to {t.ci_high:+.1f}; {t.n_calls} calls, {t.n_reps} reps)"
        + verdict.row_phrase("change_row", side[id(t)])
        for t in ok
    )
    return title, reading

# ------------------------------------------------------------------------------------ notebook 02 steps
# What notebook 02 shows around the statistics above: its tables in display form and its sentences.


def rep_label_map(reps: pd.DataFrame | None) -> dict[str, str]:
    """Map each ``rep_id`` to the rep's name (the id where the name is missing); empty without a reps table."""
    if reps is None:
        return {}
    return dict(zip(reps["rep_id"], reps["rep_name"].fillna(reps["rep_id"]), strict=True))


def missing_scores_reason(calls: pd.DataFrame | None, call_scores: pd.DataFrame | None) -> str | None:
    """Say why behavior scoring cannot run (no calls, no scorecards, nothing scored); None when it can."""
    if calls is None:
        return "no calls table"
    if call_scores is None:
        return "no call_scores table"
    if len(calls) == 0 or len(call_scores) == 0:
        return NO_SCORES
    return None


def describe_inputs(
    quarter: str, start: pd.Timestamp, end: pd.Timestamp, calls: pd.DataFrame | None, call_scores: pd.DataFrame | None
) -> str:
    """Opening sentence of notebook 02: the quarter and the data behind it, or why nothing can be scored."""
    why = missing_scores_reason(calls, call_scores)
    if why:
        return (f"Behavior scoring cannot run for {quarter}: {why}. Without scored calls there is no behavior "
                "measurement, so no composite score, no team views, no win model and no scorer agreement can be shown. "
                "Fix: provide calls.csv and call_scores.csv (a call-review scorecard export) in the data folder.")
    return (f"Quarter {quarter} ({start:%d %b %Y} – {(end - pd.Timedelta(days=1)):%d %b %Y}); "
            f"{len(calls):,} calls and {len(call_scores):,} behavior scores in the data (all quarters).")


def describe_composite_coverage(
    composite: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *, min_coverage: float
) -> str:
    """How many of the quarter's discovery calls got a composite, how many are partial, and why others did not."""
    total = composite_counts(composite)
    cq = composite_counts(composite[in_window(composite["call_date"], start, end)])
    return (
        f"This quarter: {cq.n_discovery_calls:,} discovery calls, {cq.n_with_composite:,} with a composite score "
        f"({cq.n_partial:,} of them partial — some discovery behaviors not scored, averaged over those present). "
        f"Excluded: {cq.n_below_coverage:,} below the {min_coverage:.0%} coverage minimum and "
        f"{cq.n_unscored:,} with no discovery behavior scored. Across all quarters: {total.n_with_composite:,} of "
        f"{total.n_discovery_calls:,} discovery calls have a composite.")


def describe_rep_composites(rep_quarter_comp: pd.DataFrame, quarter: str, *, min_calls: int) -> str:
    """Range of the reps' composite means in ``quarter`` and how many rest on few calls ("" when none)."""
    q = rep_quarter_comp[rep_quarter_comp["quarter"] == quarter]
    if q.empty:
        return ""
    return (f"{len(q)} reps have a composite this quarter; rep means range from {q['composite_mean'].min():.1f} "
            f"to {q['composite_mean'].max():.1f} (median {q['composite_mean'].median():.1f}). "
            f"{int((q['n_calls'] < min_calls).sum())} rep(s) rest on fewer than {min_calls} discovery calls.")


def describe_phase_trends(trends: list[Trend], *, quarter: str, previous: str, level: float = 0.95) -> tuple[str, str]:
    """Title and full reading of the weekly phase-trend figure (what is drawn, then one line per phase)."""
    title, reading = describe_trends(trends, level=level)
    return title, (f"Weekly team mean per phase for {previous} and {quarter} (a call's phase score is the mean of its "
                   f"behaviors in that phase). Change across {quarter} from a straight-line fit through the calls, with "
                   f"{level:.0%} intervals that allow for a rep's calls being alike:\n\n" + reading)


def describe_coached_cohort(panels: list[CohortPanel], behavior_label: str, *, period: str) -> tuple[str, str]:
    """Title and reading of a coached-cohort figure; ``period`` names the window, e.g. ``2026Q2–2026Q3``."""
    n_up = sum(p.clearly_up for p in panels)
    title = f"Coached on {behavior_label}: {n_up} of {len(panels)} reps clearly above their pre-coaching level"
    reading = (f"{len(panels)} rep(s) had coaching sessions on {behavior_label} in {period}. "
               "Before → after compares the rep's call-weighted mean before the first session on this behavior with the mean since. "
               "'Clearly up' means the rep's weekly means after the first session are above those before it beyond "
               "week-to-week noise; a rep's own before/after cannot rule out a team-wide drift (see notebook 03).")
    return title, reading
