"""The ``gong_scorecards`` preset: Gong answered scorecards (JSON) -> one call_scores record per answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi.errors import WorkbookError
from coaching_roi.intake.cells import (
    _as_text,
    _reasons,
)
from coaching_roi.intake.loaded import _Loaded
from coaching_roi.intake.presets.common import _opt


def _flatten_gong(obj: Any, path: Path) -> pd.DataFrame:
    """Gong's answered scorecards (``/v2/stats/activity/scorecards``) -> one record per answer."""
    if isinstance(obj, dict):
        cards = obj.get("answeredScorecards")
    elif isinstance(obj, list):  # several pages saved as a list of responses, or the cards themselves
        cards = []
        for item in obj:
            cards.extend(item.get("answeredScorecards", [item]) if isinstance(item, dict) else [])
    else:
        cards = None
    if not isinstance(cards, list):
        raise WorkbookError(
            f"{path.name}: no 'answeredScorecards' list found. Fix: save the JSON response of Gong's "
            "/v2/stats/activity/scorecards endpoint (one or more pages) as it is."
        )
    card_keys = ("answeredScorecardId", "scorecardId", "scorecardName", "callId", "callStartTime",
                 "reviewedUserId", "reviewerUserId", "reviewTime")
    rows = []
    for card in cards:
        base = {k: card.get(k) for k in card_keys}
        for ans in card.get("answers") or []:
            rows.append({**base, **{k: ans.get(k) for k in
                                    ("questionId", "questionText", "isOverall", "score", "notApplicable", "answerText")}})
    if not rows:
        raise WorkbookError(
            f"{path.name}: the scorecards hold no answers. Fix: export a date range with answered scorecards."
        )
    df = pd.DataFrame.from_records(rows)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: v if v is None or isinstance(v, str | bool | float) else str(v))
    return df


def _preset_gong(ld: _Loaded) -> _Loaded:
    raw = ld.raw
    question = _as_text(raw["questionId"]) if "questionId" in raw.columns else _as_text(_opt(raw, "questionText"))
    ld.frame = pd.DataFrame({
        "call_id": raw["callId"],
        # Gong questions are ids: map them onto rubric keys with mapping.value_maps.behavior.
        "behavior": question,
        "score": raw["score"],
        "scorer": "manager",  # answered scorecards are filled in by a reviewer (a person)
        "scorer_id": raw["reviewerUserId"] if "reviewerUserId" in raw.columns else np.nan,
    })
    na = raw["notApplicable"].fillna(False).astype(bool) if "notApplicable" in raw.columns else None
    if na is not None and na.any():
        ld.pre.append(_reasons(raw.index[na], "gong_not_applicable",
                               "answer marked not applicable in Gong: no score"))
    if "isOverall" in raw.columns:
        overall = raw["isOverall"].fillna(False).astype(bool)
        if overall.any():
            ld.pre.append(_reasons(raw.index[overall], "gong_overall",
                                   "Gong overall score question, not a rubric behavior"))
    ld.notes.append(
        f"{ld.label}: Gong question ids become behaviors through sources.call_scores.mapping.value_maps.behavior "
        "({question id: rubric key}); unmapped questions are rejected."
    )
    return ld
