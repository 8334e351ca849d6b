"""The params model: load defaults + a quarter file, validate every key, resolve paths and dates.

A run is described by two YAML files:

* ``params/defaults.yaml`` — rubric, analysis settings, benchmarks, funnel, economics, report.
* ``params/<name>.yaml`` — what changes per quarter: ``quarter``, ``data_dir``, ``sources`` and
  ``overrides`` (any defaults section, merged key by key).

Notebooks receive the quarter file's keys as papermill parameters and call :func:`build`; the
runner calls :func:`load` on the file once, writes the result to the run folder and its notebooks read
it (:mod:`.resolved`). All end in the same validated :class:`Config`.

Package map: :mod:`.sources` (tables, sources, the quarter file), :mod:`.rubric`, :mod:`.sections`
(the defaults sections), :mod:`.run_config` (:class:`Config`), :mod:`.loading` (read, merge, validate); quarter labels and bounds come from
:mod:`coaching_roi.calendar`.
"""

from coaching_roi.calendar import QUARTER_RE, quarter_bounds, quarter_label
from coaching_roi.config.loading import build, load, load_defaults, read_quarter_file
from coaching_roi.config.rubric import Behavior, Rubric
from coaching_roi.config.run_config import Config
from coaching_roi.config.sections import (
    LINK_VERDICTS,
    RECOMMENDATIONS,
    Analysis,
    Benchmarks,
    Decision,
    DecisionRule,
    Economics,
    Funnel,
    LinkVerdict,
    Report,
    Verdicts,
)
from coaching_roi.config.sources import FORMATS, PRESETS, TABLES, Mapping, QuarterFile, Source

__all__ = [
    "TABLES",
    "PRESETS",
    "FORMATS",
    "QUARTER_RE",
    "Behavior",
    "Rubric",
    "Analysis",
    "Verdicts",
    "Benchmarks",
    "Funnel",
    "Economics",
    "Report",
    "RECOMMENDATIONS",
    "LINK_VERDICTS",
    "LinkVerdict",
    "DecisionRule",
    "Decision",
    "Mapping",
    "Source",
    "QuarterFile",
    "Config",
    "quarter_bounds",
    "quarter_label",
    "load_defaults",
    "build",
    "read_quarter_file",
    "load",
]
