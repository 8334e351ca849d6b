"""The ``maven_crm`` preset: Maven Analytics' CRM sample (sales_pipeline.csv, sales_teams.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coaching_roi import schemas
from coaching_roi.intake.cells import (
    _as_text,
    _is_blank,
    _reasons,
    rep_id_from_name,
)
from coaching_roi.intake.loaded import _Loaded
from coaching_roi.intake.presets.common import _need, _opt

_MAVEN_FILES = {"opportunities": "sales_pipeline.csv", "reps": "sales_teams.csv"}


def _preset_maven(ld: _Loaded) -> _Loaded:
    raw, table = ld.raw, ld.table
    ld.name_keyed = True
    if table == "opportunities":
        _need(raw, ["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value"],
              ld.label, "maven_crm", table, "Maven's sales_pipeline.csv")
        stage = _as_text(raw["deal_stage"]).str.lower()
        status = stage.map({"won": "won", "lost": "lost", "engaging": "open", "prospecting": "open"})
        status = status.astype(schemas.STRING_DTYPE).fillna(stage)
        ld.frame = pd.DataFrame({
            "opportunity_id": raw["opportunity_id"],
            "rep_id": rep_id_from_name(raw["sales_agent"]),
            "created_date": raw["engage_date"],  # Maven has no created date: entering Engaging stands in
            "close_date": raw["close_date"],
            "status": status,
            "amount": raw["close_value"],  # blank while open; 0 on every Lost deal (Maven's convention)
            "account": raw["account"] if "account" in raw.columns else np.nan,
        })
        never = (stage == "prospecting") & _is_blank(raw["engage_date"])
        if never.any():
            ld.pre.append(_reasons(
                raw.index[never], "never_engaged:created_date",
                "no created date: Maven 'Prospecting' deal, never engaged (engage_date blank); an open "
                "deal without a start date cannot enter cycle-time or ramp analyses",
            ))
    elif table == "reps":
        _need(raw, ["sales_agent"], ld.label, "maven_crm", table, "Maven's sales_teams.csv")
        ld.frame = pd.DataFrame({
            "rep_id": rep_id_from_name(raw["sales_agent"]),
            "rep_name": _as_text(raw["sales_agent"]),
            "role": "AE",  # every Maven sales agent owns opportunities: account executives
            "team": _opt(raw, "regional_office"),
            "manager_id": rep_id_from_name(_opt(raw, "manager")),
        })
    return ld
