"""Pandera schemas of the six canonical tables (SPEC §2) and the reject reasons of their checks.

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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

if TYPE_CHECKING:
    from coaching_roi.config import Rubric

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


TABLE_COLUMNS: dict[str, tuple[Col, ...]] = {
    "reps": (
        Col("rep_id", "string"),
        Col("rep_name", "string"),
        Col("role", "string"),
        Col("team", "string", False),
        Col("manager_id", "string", False),
        Col("hire_date", "datetime", False),
        Col("end_date", "datetime", False),
        Col("onboarding_program", "string", False),
        Col("monthly_quota", "float", False),
    ),
    "calls": (
        Col("call_id", "string"),
        Col("rep_id", "string"),
        Col("call_date", "datetime"),
        Col("call_type", "string"),
        Col("opportunity_id", "string", False),
        Col("duration_s", "float", False),
    ),
    "call_scores": (
        Col("call_id", "string"),
        Col("behavior", "string"),
        Col("score", "float"),
        Col("scorer", "string", False),
        Col("scorer_id", "string", False),
    ),
    "coaching_sessions": (
        Col("session_id", "string"),
        Col("rep_id", "string"),
        Col("coach_id", "string"),
        Col("session_date", "datetime"),
        Col("behavior", "string"),
        Col("observable", "string", False),
        Col("format", "string", False),
        Col("duration_min", "float", False),
        Col("program", "string", False),
    ),
    "opportunities": (
        Col("opportunity_id", "string"),
        Col("rep_id", "string"),
        Col("created_date", "datetime"),
        Col("close_date", "datetime", False),
        Col("status", "string"),
        Col("amount", "float"),
        Col("account", "string", False),
        Col("segment", "string", False),
    ),
    "sdr_activity": (
        Col("rep_id", "string"),
        Col("date", "datetime"),
        Col("dials", "int"),
        Col("connects", "int"),
        Col("conversations", "int"),
        Col("meetings_booked", "int"),
        Col("meetings_held", "int"),
        Col("sqls", "int"),
        Col("emails_sent", "float", False),
        Col("email_replies", "float", False),
    ),
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


def _num(v: object) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)


# ------------------------------------------------------------------------------- reason texts
# Each formatter takes the failing rows (all canonical columns) and returns one reason per row.
Formatter = Callable[[pd.DataFrame, "Rubric"], pd.Series]


def _fmt_scale(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    lo, hi = _num(rubric.scale_min), _num(rubric.scale_max)
    return rows["score"].map(lambda v: f"score {float(v):.1f} outside the rubric scale {lo}–{hi}")


def _fmt_behavior(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    keys = set(rubric.keys)

    def one(v: object) -> str:
        parts = [p.strip() for p in str(v).split(BEHAVIOR_SEPARATOR)]
        bad = [p for p in parts if p not in keys]
        if parts and all(p == "" for p in parts):
            return "behavior is blank"
        shown = ", ".join(repr(b) for b in bad[:3]) or repr(str(v))
        return f"behavior {shown} is not a rubric key (see rubric.behaviors in params)"

    return rows["behavior"].map(one)


def _fmt_close_before_created(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return (
        "close_date " + rows["close_date"].dt.strftime("%Y-%m-%d")
        + " is before created_date " + rows["created_date"].dt.strftime("%Y-%m-%d")
    )


def _fmt_end_before_hire(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return (
        "end_date " + rows["end_date"].dt.strftime("%Y-%m-%d")
        + " is before hire_date " + rows["hire_date"].dt.strftime("%Y-%m-%d")
    )


def _fmt_closed_without_date(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return rows["status"].map(
        lambda s: f"{s} deal has no close_date (a closed deal needs one to count in a quarter)"
    )


def _fmt_amount_missing(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
    return rows["status"].map(lambda s: f"{s} deal has no amount (only open deals may leave it blank)")


def _fmt_negative(col: str) -> Formatter:
    return lambda rows, rubric: rows[col].map(lambda v: f"{col} {_num(v)} is negative (must be >= 0)")


def _fmt_allowed(table: str, col: str) -> Formatter:
    allowed = ", ".join(ALLOWED[(table, col)])
    return lambda rows, rubric: rows[col].map(lambda v: f"{col} {str(v)!r} is not one of: {allowed}")


def _fmt_funnel(later: str, earlier: str) -> Formatter:
    return lambda rows, rubric: (
        later + " " + rows[later].map(_num) + " > " + earlier + " " + rows[earlier].map(_num)
        + " (a funnel stage cannot exceed the stage before it)"
    )


def _fmt_blank(col: str) -> Formatter:
    return lambda rows, rubric: pd.Series(f"{col} is blank (required)", index=rows.index)


def _fmt_duplicate(table: str) -> Formatter:
    key = KEYS[table]

    def fmt(rows: pd.DataFrame, rubric: Rubric) -> pd.Series:
        shown = rows[list(key)].astype(object).where(rows[list(key)].notna(), "")
        label = shown.astype(str).agg(" / ".join, axis=1) if len(key) > 1 else shown[key[0]].astype(str)
        return (
            "duplicate " + " + ".join(key) + " " + label.map(repr)
            + " (an earlier row has the same key; the first is kept, later ones rejected)"
        )

    return fmt


# ------------------------------------------------------------------------------------ schemas
def _nonneg(col: str) -> pa.Check:
    return pa.Check(lambda s: s >= 0, name=f"non_negative:{col}")


def _col(table: str, c: Col, rubric: Rubric, intake: bool) -> pa.Column:
    checks: list[pa.Check] = []
    if c.name in NON_NEGATIVE.get(table, ()):
        checks.append(_nonneg(c.name))
    if (table, c.name) in ALLOWED:
        allowed = list(ALLOWED[(table, c.name)])
        checks.append(pa.Check(lambda s, a=allowed: s.isin(a), name=f"allowed:{c.name}"))
    if c.name == "score":
        lo, hi = float(rubric.scale_min), float(rubric.scale_max)
        checks.append(pa.Check(lambda s: (s >= lo) & (s <= hi), name="score_scale"))
    if c.name == "behavior":
        keys = list(rubric.keys)
        if table == "coaching_sessions":
            # One key, or several joined by ';' (the "several skills at once" pattern layer 1 measures).
            def many(s: pd.Series, keys: list[str] = keys) -> pd.Series:
                parts = s.str.split(BEHAVIOR_SEPARATOR).explode().str.strip()
                return parts.isin(keys).groupby(level=0).all().reindex(s.index, fill_value=False)

            checks.append(pa.Check(many, name="behavior_in_rubric"))
        else:
            checks.append(pa.Check(lambda s, k=keys: s.isin(k), name="behavior_in_rubric"))
    unique = len(KEYS[table]) == 1 and KEYS[table][0] == c.name
    dtype = "Int64" if (intake and c.kind == "int") else DTYPES[c.kind]
    return pa.Column(
        dtype,
        checks=checks,
        nullable=not c.required or (table, c.name) == ("opportunities", "amount"),
        unique=unique,
        report_duplicates="exclude_first",
        required=True,
    )


def _frame_checks(table: str) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if table == "opportunities":
        checks.append(
            pa.Check(
                lambda df: df["close_date"].isna() | df["created_date"].isna() | (df["close_date"] >= df["created_date"]),
                name="close_before_created",
            )
        )
        checks.append(
            pa.Check(
                lambda df: (df["status"] == "open") | ~df["status"].isin(["won", "lost"]) | df["close_date"].notna(),
                name="closed_without_date",
            )
        )
        # Amount may be blank only while a deal is open (some CRMs, e.g. the Maven sample, only
        # record the value at close).
        checks.append(
            pa.Check(
                lambda df: df["amount"].notna() | (df["status"] == "open") | ~df["status"].isin(["won", "lost"]),
                name="amount_missing",
            )
        )
    if table == "reps":
        checks.append(
            pa.Check(
                lambda df: df["end_date"].isna() | df["hire_date"].isna() | (df["end_date"] >= df["hire_date"]),
                name="end_before_hire",
            )
        )
    if table == "sdr_activity":
        for later, earlier in FUNNEL_STEPS:
            checks.append(
                pa.Check(
                    lambda df, a=later, b=earlier: df[a].isna() | df[b].isna() | (df[a] <= df[b]),
                    name=f"funnel:{later}<={earlier}",
                )
            )
    return checks


def table_schema(table: str, rubric: Rubric, *, intake: bool = False) -> pa.DataFrameSchema:
    """Build the pandera schema of canonical ``table`` for ``rubric`` (score scale, behavior keys).

    Checks ignore missing values (pandera's default); missing required values fail ``not_nullable``.
    ``intake=True`` declares the funnel counts as nullable ``Int64`` so a blank count is reported
    per row during intake; the artifact schema (default) wants ``int64``.
    """
    cols = {c.name: _col(table, c, rubric, intake) for c in TABLE_COLUMNS[table]}
    key = KEYS[table]
    return pa.DataFrameSchema(
        cols,
        checks=_frame_checks(table),
        unique=list(key) if len(key) > 1 else None,
        report_duplicates="exclude_first",
        strict=False,
        coerce=False,
        name=table,
    )


def all_schemas(rubric: Rubric) -> dict[str, pa.DataFrameSchema]:
    """Return {table: schema} for every canonical table."""
    return {t: table_schema(t, rubric) for t in TABLE_COLUMNS}


def _formatter(table: str, check: str, column: str | None) -> tuple[str, Formatter]:
    """Map a pandera check name (and column) to (reason code, formatter)."""
    if check == "not_nullable" and column:
        return f"blank:{column}", _fmt_blank(column)
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "duplicate_key", _fmt_duplicate(table)
    if check == "score_scale":
        return "score_scale", _fmt_scale
    if check == "behavior_in_rubric":
        return "behavior_not_in_rubric", _fmt_behavior
    if check.startswith("non_negative:"):
        col = check.split(":", 1)[1]
        return check, _fmt_negative(col)
    if check.startswith("allowed:"):
        col = check.split(":", 1)[1]
        return check, _fmt_allowed(table, col)
    if check.startswith("funnel:"):
        later, earlier = check.split(":", 1)[1].split("<=")
        return check, _fmt_funnel(later, earlier)
    fixed = {
        "close_before_created": _fmt_close_before_created,
        "closed_without_date": _fmt_closed_without_date,
        "amount_missing": _fmt_amount_missing,
        "end_before_hire": _fmt_end_before_hire,
    }
    if check in fixed:
        return check, fixed[check]
    return check, lambda rows, rubric: pd.Series(
        f"failed check {check}" + (f" on {column}" if column else ""), index=rows.index
    )


def validate(table: str, df: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Validate a typed canonical frame lazily; return one row per (failing row, check).

    ``df`` has every canonical column in its dtype (funnel counts as nullable ``Int64``) and a
    unique index.

    Returns a frame with columns ``row`` (index label of ``df``), ``check`` (a stable reason code,
    e.g. ``score_scale``, ``duplicate_key``, ``blank:rep_id``) and ``reason`` (human-readable,
    e.g. "score 14.0 outside the rubric scale 0–10"). Empty when every row passes.

    Raises ``RuntimeError`` on a schema-level failure (a wrong dtype or a missing column): intake
    normalises types and checks columns first, so that is a bug, not a data problem.
    """
    schema = table_schema(table, rubric, intake=True)
    out_cols = ["row", "check", "reason"]
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in out_cols})
    whole = fc[fc["index"].isna()]
    if len(whole):
        raise RuntimeError(f"{table}: schema-level failure (a bug in intake): {whole.to_dict('records')}")
    fc = fc.assign(row=fc["index"]).copy()
    frame_level = fc["schema_context"] == "DataFrameSchema"
    fc.loc[frame_level & (fc["check"] != "multiple_fields_uniqueness"), "column"] = None
    fc = fc.drop_duplicates(["row", "check", "column"])
    parts = []
    for (check, column), grp in fc.groupby(["check", fc["column"].fillna("")], observed=True, sort=False):
        code, fmt = _formatter(table, check, column or None)
        rows_idx = pd.Index(grp["row"].unique())
        rows = df.loc[rows_idx]
        reasons = fmt(rows, rubric)
        parts.append(pd.DataFrame({"row": rows_idx, "check": code, "reason": reasons.to_numpy()}))
    return pd.concat(parts, ignore_index=True).drop_duplicates(["row", "check"])
