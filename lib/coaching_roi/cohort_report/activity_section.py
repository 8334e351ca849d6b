"""Section 2 (layer 1): coaching activity by rep, coach and behavior, and how focused it was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coaching_roi import cohorts
from coaching_roi.config import Config
from coaching_roi.figure_rows import both_ends, rows_and_title

from .common import Findings, Table, _fractions, _intervals


# -------------------------------------------------------------------------- 2 · layer 1: activity
@dataclass(frozen=True)
class ActivitySection:
    """Section 2 (layer 1): coaching activity this quarter.

    ``sentences`` and ``overview_table`` open the section. When the quarter has sessions
    (``has_sessions``) two figures follow — sessions per behavior and cadence per rep (at most
    ``report.max_figure_rows`` reps: :func:`cadence_figure`), each with its title and reading — then
    ``rep_table`` (every coached rep) and ``coach_table``; otherwise ``closing`` is said.
    """

    sessions_q: pd.DataFrame | None = None
    by_rep: pd.DataFrame | None = None
    by_coach: pd.DataFrame | None = None
    by_behavior: pd.DataFrame | None = None
    overview: pd.DataFrame | None = None
    sentences: tuple[str, ...] = ()
    overview_table: Table | None = None
    behavior_title: str = ""
    behavior_reading: str = ""
    cadence_title: str = ""
    cadence_reading: str = ""
    rep_table: Table | None = None
    coach_table: Table | None = None
    closing: tuple[str, ...] = ()
    not_computed: dict[str, str] = field(default_factory=dict)
    estimates: Findings = field(default_factory=dict)

    @property
    def has_sessions(self) -> bool:
        return self.sessions_q is not None and len(self.sessions_q) > 0


def layer1_activity(sessions: pd.DataFrame | None, reps: pd.DataFrame | None, cfg: Config) -> ActivitySection:
    """Section 2: sessions per rep, coach and behavior; cadence, longest gap; one-behavior and observable shares."""
    if sessions is None:
        return ActivitySection(
            sentences=("No coaching log (coaching_sessions) was provided: coaching activity cannot be described, and the "
                       "behavioral-change and outcome layers below have nothing to test. Fix: export the coaching log with "
                       "the behavior targeted and the observable committed to.",),
            not_computed={"layer1_activity": "no coaching_sessions table"},
        )
    start, end = cfg.quarter_bounds()
    labels = cfg.rubric.labels
    sq = cohorts.sessions_in_quarter(sessions, start, end)
    act_rep = cohorts.activity_by_rep(sq, reps if reps is not None else pd.DataFrame({"rep_id": [], "rep_name": []}), start, end)
    act_coach = cohorts.activity_by_coach(sq)
    act_beh = cohorts.activity_by_behavior(sq, labels)
    overview = cohorts.activity_overview(sq, level=cfg.analysis.confidence_level)
    n_aes = int((reps["role"] == "AE").sum()) if reps is not None else None
    base = {"sessions_q": sq, "by_rep": act_rep, "by_coach": act_coach, "by_behavior": act_beh, "overview": overview,
            "sentences": (cohorts.activity_sentence(overview, act_rep, n_aes),)}
    if not len(sq):
        return ActivitySection(**base, closing=("The coaching log has no session dated in this quarter.",))
    overview_table = Table(
        overview.assign(share=_fractions(overview["share"]), interval=_intervals(overview["ci_low"], overview["ci_high"], "fraction"))
        [["measure", "k", "n", "share", "interval"]],
        "Quality of the coaching log this quarter (n = sessions; Wilson intervals treat sessions as independent)")
    top_b = act_beh.iloc[0]
    med_gap = act_rep["longest_gap_weeks"].median()
    show_rep = act_rep.assign(cadence=_fractions(act_rep["cadence"]),
                              main_behavior=act_rep["main_behavior"].map(lambda k: labels.get(k, k)),
                              share_single_behavior=_fractions(act_rep["share_single_behavior"]),
                              share_with_observable=_fractions(act_rep["share_with_observable"]))
    return ActivitySection(
        **base,
        overview_table=overview_table,
        behavior_title=f"Most coaching went to '{top_b['behavior_label']}' ({int(top_b['n_sessions'])} of {len(sq)} sessions)",
        behavior_reading=("Reading: each bar counts the sessions that targeted a behavior; the grey part is sessions that also "
                          f"targeted something else ({(~sq['single_behavior']).sum()} of {len(sq)} sessions split their focus)."),
        cadence_title=f"Coached reps had a session in a median {act_rep['cadence'].median():.0%} of the quarter's weeks",
        cadence_reading=("Reading: further right = more regular coaching; bigger dot = more sessions. "
                         + (f"The median longest gap between two sessions of the same rep was {med_gap:.1f} weeks."
                            if pd.notna(med_gap) else "")),
        rep_table=Table(show_rep[["rep_name", "n_sessions", "cadence", "longest_gap_weeks", "main_behavior",
                                  "share_single_behavior", "share_with_observable"]],
                        "Coaching per rep this quarter (longest gap in weeks between two sessions)", precision=1),
        coach_table=Table(act_coach.assign(share_single_behavior=_fractions(act_coach["share_single_behavior"]),
                                           share_with_observable=_fractions(act_coach["share_with_observable"])),
                          "Coaching per coach this quarter"),
    )


CADENCE_ORDER = ["cadence", "n_sessions", "rep_id"]  # least regular first; ties by sessions, then rep id


def cadence_figure(section: ActivitySection, max_rows: int) -> tuple[pd.DataFrame, str]:
    """The reps the cadence figure draws (:func:`cadence_extremes`) and its title, which says which reps
    it shows when it cannot show them all (``max_rows``: the notebook's ``report.max_figure_rows``)."""
    return rows_and_title(section.by_rep, CADENCE_ORDER, max_rows, section.cadence_title, low="least",
                       high="most regular", noun="coached reps", where="rep is in the table below")


def cadence_extremes(by_rep: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The coached reps the cadence figure draws: all of them when they fit in ``max_rows``, else the least
    regular half and the most regular half (by cadence, then sessions, then rep id). A figure with a row for
    each of hundreds of reps is neither readable nor quick."""
    return both_ends(by_rep, CADENCE_ORDER, max_rows)
