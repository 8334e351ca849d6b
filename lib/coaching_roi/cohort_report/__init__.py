"""Notebook 03's sections as functions: each takes the loaded inputs and ``cfg`` and returns one small
frozen dataclass with what the section shows and what it records.

Every section result carries

* the tidy frames its figure needs (the figure itself is drawn by :mod:`coaching_roi.plots.cohorts` or
  :mod:`coaching_roi.plots.effects` in the notebook);
* display-ready :class:`Table` objects (values formatted for a person, with their caption);
* the sentences the notebook says, in the order it says them;
* ``estimates`` (findings.json entries, ids from :mod:`coaching_roi.estimate_ids`) and
  ``not_computed`` (id -> why not).

Sections, in notebook order (one module each: ``quartile_section`` … ``deal_cycle_section``, ``link_section``, ``money_report``): :func:`quartile_win_rate`, :func:`layer1_activity`,
:func:`behavior_change_section`, :func:`outcome_link_section`, :func:`example_reps_section`,
:func:`ramp`, :func:`deal_cycle`, :func:`money_section`; then :func:`collect` merges their findings and
:func:`summary_tables` / :func:`findings_status` describe them (``summary``). Shared pieces are in
``common``. Nothing here draws, shows or writes except :func:`save_artifacts`.
``behavior_change``, ``outcome_link`` and ``example_reps`` are the former names of the three
``*_section`` functions (kept for notebook 03 and the calibration study).

How the notebook calls a section::

    q = cohort_report.quartile_win_rate(rep_quarter_composite, opps, reps, cfg)
    if q.title is not None:                      # enough scored reps for a figure
        fig, ax = plt.subplots(figsize=(10, 5))
        cplots.plot_quartile_win_rate(q.rep_quarter, q.quartiles, title=q.title, ax=ax)
        plt.show()
    for s in q.sentences:
        nbsupport.say(s)
"""

from .activity_section import (
    ActivitySection,
    cadence_figure,
    layer1_activity,
)
from .behavior_section import (
    BehaviorChangeSection,
    EventPanel,
    behavior_change_section,
)
from .common import (
    Findings,
    KMPanel,
    Table,
    inputs_table,
    save_artifacts,
)
from .deal_cycle_section import (
    DealCycleSection,
    deal_cycle,
    deal_cycle_table,
    deal_cycle_work,
)
from .examples_section import (
    EXAMPLE_COLUMNS,
    ExampleRepsSection,
    example_reps_section,
)
from .link_section import (
    OUTCOME_NAMES,
    OutcomeLinkSection,
    outcome_link_section,
)
from .money_report import (
    NO_COST,
    MoneySection,
    _roi_estimate,
    money_section,
    realized,
)
from .quartile_section import (
    QuartileSection,
    quartile_table,
    quartile_win_rate,
)
from .ramp_section import (
    MILESTONES,
    RampSection,
    ramp,
)
from .summary import (
    collect,
    findings_status,
    summary_tables,
)

# former names of the sections (notebook 03, the calibration study)
behavior_change = behavior_change_section
outcome_link = outcome_link_section
example_reps = example_reps_section

__all__ = [
    "behavior_change",
    "outcome_link",
    "example_reps",
    "Findings",
    "Table",
    "KMPanel",
    "inputs_table",
    "save_artifacts",
    "QuartileSection",
    "quartile_table",
    "quartile_win_rate",
    "ActivitySection",
    "layer1_activity",
    "cadence_figure",
    "deal_cycle_work",
    "EventPanel",
    "BehaviorChangeSection",
    "behavior_change_section",
    "EXAMPLE_COLUMNS",
    "ExampleRepsSection",
    "example_reps_section",
    "MILESTONES",
    "RampSection",
    "ramp",
    "DealCycleSection",
    "deal_cycle_table",
    "deal_cycle",
    "collect",
    "summary_tables",
    "findings_status",
    "OutcomeLinkSection",
    "OUTCOME_NAMES",
    "outcome_link_section",
    "NO_COST",
    "MoneySection",
    "realized",
    "money_section",
    "_roi_estimate",
]
