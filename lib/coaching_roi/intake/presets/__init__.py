"""Vendor presets: each puts one vendor's export columns and values onto the canonical ones.

One module per vendor; :data:`_PRESETS` maps a preset name to its function and :data:`_PRESET_TABLES`
says which tables a vendor preset can map.
"""

from __future__ import annotations

from collections.abc import Callable

from coaching_roi.intake.loaded import _Loaded
from coaching_roi.intake.presets.canonical import _preset_canonical
from coaching_roi.intake.presets.gong import _preset_gong
from coaching_roi.intake.presets.hubspot import _preset_hubspot
from coaching_roi.intake.presets.maven import _preset_maven
from coaching_roi.intake.presets.salesforce import _preset_salesforce

_PRESET_TABLES = {
    "maven_crm": ("opportunities", "reps"),
    "salesforce_report": ("opportunities",),
    "hubspot_deals": ("opportunities",),
    "gong_scorecards": ("call_scores",),
}


_PRESETS: dict[str, Callable[[_Loaded], _Loaded]] = {
    "canonical": _preset_canonical,
    "maven_crm": _preset_maven,
    "salesforce_report": _preset_salesforce,
    "hubspot_deals": _preset_hubspot,
    "gong_scorecards": _preset_gong,
}
