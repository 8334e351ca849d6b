"""The ``salesforce_report`` preset: a Salesforce Opportunity report exported as CSV (footer trimmed)."""

from __future__ import annotations

import pandas as pd

from coaching_roi.intake.cells import (
    _as_text,
    rep_id_from_name,
)
from coaching_roi.intake.loaded import _Loaded
from coaching_roi.intake.presets.common import _need, _opt, _stage_status


def _trim_salesforce_footer(header: list[str], records: list[list[str]], lines: list[int]) -> tuple[
    list[list[str]], list[int], int
]:
    """Cut the trailing 'Grand Totals' block (and the legal footer below it) of a Salesforce export."""
    cut = None
    for i, rec in enumerate(records):
        first = next((c.strip() for c in rec if c.strip()), "")
        if first.lower().startswith("grand total"):
            cut = i
            break
    if cut is None:
        # Footer without a totals line: trailing records whose only non-blank cell is the first one
        # (e.g. "Copyright (c) 2000-2026 salesforce.com, inc.") after the data.
        i = len(records)
        while i > 0 and sum(1 for c in records[i - 1] if c.strip()) <= 1 and len(header) > 2:
            i -= 1
        cut = i if i < len(records) else None
    if cut is None:
        return records, lines, 0
    return records[:cut], lines[:cut], len(records) - cut


def _preset_salesforce(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    ld.name_keyed = True
    ld.date_formats = ("ISO8601", "%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M")
    _need(raw, ["Opportunity Owner", "Stage", "Created Date"], ld.label, "salesforce_report",
          ld.table, "a Salesforce Opportunity report exported as CSV")
    status = _stage_status(raw["Stage"])
    close = _opt(raw, "Close Date")
    ld.frame = pd.DataFrame({
        "opportunity_id": _opt(raw, "Opportunity ID", "Opportunity ID (18)", "Opportunity Id"),
        "rep_id": rep_id_from_name(raw["Opportunity Owner"]),
        "created_date": raw["Created Date"],
        # On open deals Salesforce's Close Date is the *expected* close: not a close date.
        "close_date": close.where(status != "open"),
        "status": status.fillna(_as_text(raw["Stage"])),
        "amount": _opt(raw, "Amount", "Amount (converted)", "Total Amount"),
        "account": _opt(raw, "Account Name"),
        "segment": _opt(raw, "Segment", "Type"),
    })
    return ld
