"""The canonical form of the six tables, declared once: columns (name, kind, required) in
:data:`TABLE_COLUMNS`, unique keys, allowed values, funnel steps, non-negative and date columns, and the
pandas dtype of each kind (see docs/CONTRACTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["string", "datetime", "float", "int"]


STRING_DTYPE = pd.StringDtype(na_value=np.nan)


DATETIME_DTYPE = "datetime64[us]"


DTYPES: dict[str, object] = {
    "string": STRING_DTYPE,
    "datetime": DATETIME_DTYPE,
    "float": "float64",
    "int": "int64",
}


@dataclass(frozen=True)
class Col:
    """One canonical column: its name, kind and whether the table must have it."""

    name: str
    kind: Kind
    required: bool = True


def _cols(spec: str) -> tuple[Col, ...]:
    """Columns from a compact spec, one word each: ``name[:kind][?]`` (kind ``string`` unless given;
    ``?`` marks a column the table may lack)."""
    out = []
    for word in spec.split():
        required = not word.endswith("?")
        name, _, kind = word.rstrip("?").partition(":")
        if (kind or "string") not in DTYPES:
            raise ValueError(f"unknown column kind {kind!r} in {word!r}")
        out.append(Col(name, kind or "string", required))  # type: ignore[arg-type]
    return tuple(out)


TABLE_COLUMNS: dict[str, tuple[Col, ...]] = {
    "reps": _cols("rep_id rep_name role team? manager_id? hire_date:datetime? end_date:datetime? "
                  "onboarding_program? monthly_quota:float?"),
    "calls": _cols("call_id rep_id call_date:datetime call_type opportunity_id? duration_s:float?"),
    "call_scores": _cols("call_id behavior score:float scorer? scorer_id?"),
    "coaching_sessions": _cols("session_id rep_id coach_id session_date:datetime behavior observable? format? "
                               "duration_min:float? program?"),
    "opportunities": _cols("opportunity_id rep_id created_date:datetime close_date:datetime? status "
                           "amount:float account? segment?"),
    "sdr_activity": _cols("rep_id date:datetime dials:int connects:int conversations:int "
                          "meetings_booked:int meetings_held:int sqls:int emails_sent:float? "
                          "email_replies:float?"),
}
"""Canonical columns per table. ``emails_sent``/``email_replies`` are optional, hence float (NaN
when a team does not track email); the six required funnel counts are int64."""


KEYS: dict[str, tuple[str, ...]] = {
    "reps": ("rep_id",),
    "calls": ("call_id",),
    # A call may be scored on the same behavior by several scorers (manager and AI, ...).
    "call_scores": ("call_id", "behavior", "scorer", "scorer_id"),
    "coaching_sessions": ("session_id",),
    "opportunities": ("opportunity_id",),
    "sdr_activity": ("rep_id", "date"),
}


ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("reps", "role"): ("AE", "SDR"),
    ("calls", "call_type"): ("discovery", "demo", "negotiation", "cold_call", "follow_up", "other"),
    ("call_scores", "scorer"): ("manager", "ai", "peer", "self"),
    ("coaching_sessions", "format"): ("call_review", "role_play", "one_on_one", "other"),
    ("opportunities", "status"): ("won", "lost", "open"),
}
"""Allowed values of enumerated columns (intake matches them case-insensitively first)."""


FUNNEL_STEPS: tuple[tuple[str, str], ...] = (
    ("connects", "dials"),
    ("conversations", "connects"),
    ("meetings_booked", "conversations"),
    ("meetings_held", "meetings_booked"),
    ("sqls", "meetings_held"),
    ("email_replies", "emails_sent"),
)
"""Funnel monotonicity: each (later, earlier) pair must satisfy later <= earlier."""


NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "reps": ("monthly_quota",),
    "calls": ("duration_s",),
    "coaching_sessions": ("duration_min",),
    "opportunities": ("amount",),
    "sdr_activity": (
        "dials", "connects", "conversations", "meetings_booked", "meetings_held", "sqls",
        "emails_sent", "email_replies",
    ),
}


DATE_COLUMN: dict[str, str | None] = {
    "reps": "hire_date",
    "calls": "call_date",
    "call_scores": None,
    "coaching_sessions": "session_date",
    "opportunities": "created_date",
    "sdr_activity": "date",
}
"""The column that places a row in time (for date ranges in the data-quality report)."""


BEHAVIOR_SEPARATOR = ";"


def columns(table: str) -> list[str]:
    """Return the canonical column names of ``table`` in order."""
    return [c.name for c in TABLE_COLUMNS[table]]


def required_columns(table: str) -> list[str]:
    """Return the columns ``table`` must have."""
    return [c.name for c in TABLE_COLUMNS[table] if c.required]


def kinds(table: str) -> dict[str, Kind]:
    """Return {column: kind} for ``table``."""
    return {c.name: c.kind for c in TABLE_COLUMNS[table]}


def empty_frame(table: str) -> pd.DataFrame:
    """Return a zero-row frame with every canonical column of ``table`` in its dtype."""
    return pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in TABLE_COLUMNS[table]})
