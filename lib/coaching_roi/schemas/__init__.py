"""Pandera schemas of the six canonical tables and the reject reasons of their checks.

The canonical form of each table is declared once, in :data:`TABLE_COLUMNS` (name, kind, required)
and :data:`KEYS` (unique key). :func:`table_schema` builds the pandera schema of a table for a given
rubric (the score range and the behavior keys come from ``cfg.rubric``; nothing here names a
behavior). Every custom check carries a name; :func:`describe_failures` turns pandera's lazy
``failure_cases`` into one human-readable reason per failing row and check, so intake can reject
rows instead of files.

Kinds and their pandas dtypes (see docs/CONTRACTS.md):

* ``string``   -> pandas 3 default string dtype ``str`` (missing = NaN)
* ``datetime`` -> ``datetime64[us]`` (tz-naive; tz-aware inputs are converted to UTC first)
* ``float``    -> ``float64`` (scores, amounts, quotas, durations)
* ``int``      -> ``int64`` (funnel counts; required, so never missing)

Package map: :mod:`.tables` (the declarations), :mod:`.checks` (pandera schemas, :func:`validate`),
:mod:`.reasons` (the reject-reason texts). The pandera part (:mod:`.checks`) is imported on first use
of :func:`validate`, :func:`table_schema` or :func:`all_schemas`: readers of the canonical tables
(notebooks 02-05) need only the declarations, and pandera costs a fifth of a second to import.
"""

from coaching_roi.schemas.reasons import Formatter
from coaching_roi.schemas.tables import (
    ALLOWED,
    BEHAVIOR_SEPARATOR,
    DATE_COLUMN,
    DATETIME_DTYPE,
    DTYPES,
    FUNNEL_STEPS,
    KEYS,
    NON_NEGATIVE,
    STRING_DTYPE,
    TABLE_COLUMNS,
    Col,
    Kind,
    columns,
    empty_frame,
    kinds,
    required_columns,
)

__all__ = [
    "ALLOWED",
    "BEHAVIOR_SEPARATOR",
    "DATE_COLUMN",
    "DATETIME_DTYPE",
    "DTYPES",
    "FUNNEL_STEPS",
    "KEYS",
    "NON_NEGATIVE",
    "STRING_DTYPE",
    "TABLE_COLUMNS",
    "Col",
    "Kind",
    "columns",
    "empty_frame",
    "kinds",
    "required_columns",
    "Formatter",
    "all_schemas",
    "table_schema",
    "validate",
]


_CHECKS = ("all_schemas", "table_schema", "validate")


def __getattr__(name: str):
    """The pandera names of :mod:`.checks`, imported on first use."""
    if name in _CHECKS:
        from coaching_roi.schemas import checks

        return getattr(checks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
