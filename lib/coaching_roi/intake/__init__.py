"""Data intake: read each table, map vendor exports, normalise, validate, account for rows.

The flow for every canonical table (one module per step):

1. **Locate** the source (``cfg.sources[table]``): a file in ``data_dir`` or a SQL query. A table
   whose default file (``<table>.csv``, or ``.parquet``/``.xlsx``/``.json``) is not there is
   *absent*: later analyses say what they cannot compute (:data:`ABSENT_IMPACT`, :mod:`.absent`).
2. **Read** it as it is (:mod:`.readers`: CSV with the ``csv`` module so every record keeps its
   source line number; Excel, Parquet, JSON through pandas; :mod:`.sql` through SQLAlchemy).
   Whole-file problems raise :class:`~coaching_roi.errors.WorkbookError` with one message naming
   file, problem and fix.
3. **Map**: the preset (:mod:`.presets`, one module per vendor: ``canonical``, ``maven_crm``,
   ``salesforce_report``, ``hubspot_deals``, ``gong_scorecards``) puts vendor columns and values
   onto the canonical ones, then the user's ``mapping`` from params (:mod:`.mapping`: drop_columns,
   renames, value_maps, date_format) is applied. Wide ``call_scores`` (one column per behavior) are
   melted to long. :mod:`.load` runs steps 1-3 for one table.
4. **Normalise** to canonical dtypes (:mod:`.normalise`, :mod:`coaching_roi.schemas`); an
   unparseable cell rejects its row ("call_date '31/02/2026' is not a date").
5. **Validate** lazily with pandera (every failure at once), then across tables (rep and call
   references, session on or after hire): :mod:`.validation`. Every failing row goes to
   ``rejects/<table>.csv`` with its source line, the reasons and its original values
   (:mod:`.accounting`). Rows read = accepted + rejected, exactly.

:func:`run_intake` (:mod:`.run`) is the orchestrator; :class:`IntakeResult` (:mod:`.result`) what it
returns; :mod:`.quality`, :mod:`.checklist` and :mod:`.findings_summary` report on it.

Row accounting unit: one canonical record. For a long file that is one line; for a *wide*
``call_scores`` file it is one non-blank behavior cell (a call × behavior score), all sharing the
line of their row; for Gong JSON it is one answer.
"""

from coaching_roi.intake.absent import ABSENT_IMPACT
from coaching_roi.intake.cells import rep_id_from_name, rep_id_from_name_one
from coaching_roi.intake.checklist import (
    MIN_CLOSED_DEALS_PER_REP,
    OPEN_DEAL_ONLY_CHECKS,
    coverage,
    infrastructure_checklist,
)
from coaching_roi.intake.findings_summary import summary
from coaching_roi.intake.loaded import Progress
from coaching_roi.intake.quality import date_ranges, quality_report, rejects_by_reason
from coaching_roi.intake.result import IntakeResult
from coaching_roi.intake.run import run_intake, write_outputs

__all__ = [
    "ABSENT_IMPACT",
    "MIN_CLOSED_DEALS_PER_REP",
    "OPEN_DEAL_ONLY_CHECKS",
    "IntakeResult",
    "Progress",
    "coverage",
    "date_ranges",
    "infrastructure_checklist",
    "quality_report",
    "rejects_by_reason",
    "rep_id_from_name",
    "rep_id_from_name_one",
    "run_intake",
    "summary",
    "write_outputs",
]
