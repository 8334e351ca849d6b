"""The ``hubspot_deals`` preset: a HubSpot deals export."""

from __future__ import annotations

import pandas as pd

from coaching_roi.intake.cells import (
    _as_text,
    rep_id_from_name,
)
from coaching_roi.intake.loaded import _Loaded
from coaching_roi.intake.presets.common import _need, _opt, _stage_status


def _preset_hubspot(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    ld.name_keyed = True
    ld.date_formats = ("ISO8601", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M")
    _need(raw, ["Record ID", "Deal Stage", "Create Date", "Deal owner"], ld.label, "hubspot_deals",
          ld.table, "a HubSpot deals export")
    status = _stage_status(raw["Deal Stage"])
    company = _opt(raw, "Associated Company", "Company name", "Associated Company (Primary)")
    ld.frame = pd.DataFrame({
        "opportunity_id": raw["Record ID"],
        "rep_id": rep_id_from_name(raw["Deal owner"]),
        "created_date": raw["Create Date"],
        "close_date": _opt(raw, "Close Date").where(status != "open"),
        "status": status.fillna(_as_text(raw["Deal Stage"])),
        "amount": _opt(raw, "Amount"),
        "account": _as_text(company).fillna(_as_text(_opt(raw, "Deal Name"))),
        "segment": _opt(raw, "Deal Type"),
    })
    return ld
