"""The pandera schema of each table for a given rubric, and :func:`validate`, which runs it lazily and
returns one reject reason per failing row and check.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pandas as pd
import pandera.pandas as pa

from coaching_roi.schemas.reasons import (
    Formatter,
    _fmt_allowed,
    _fmt_amount_missing,
    _fmt_behavior,
    _fmt_blank,
    _fmt_close_before_created,
    _fmt_closed_without_date,
    _fmt_duplicate,
    _fmt_end_before_hire,
    _fmt_funnel,
    _fmt_negative,
    _fmt_scale,
)
from coaching_roi.schemas.tables import (
    ALLOWED,
    BEHAVIOR_SEPARATOR,
    DTYPES,
    FUNNEL_STEPS,
    KEYS,
    NON_NEGATIVE,
    TABLE_COLUMNS,
    Col,
)

if TYPE_CHECKING:
    from coaching_roi.config import Rubric


def _load_pandera_checks_without_hypothesis() -> None:
    """Load pandera's built-in pandas checks now, with ``hypothesis`` hidden. pandera loads them on the first
    validation, and with them its data-synthesis strategies, which import ``hypothesis`` when it is installed
    (a test dependency here): 0.3–1 s of CPU in notebook 01 for something validation never uses. A process
    that has loaded either already is left as it is."""
    if "hypothesis" in sys.modules or "pandera.strategies.base_strategies" in sys.modules:
        return
    sys.modules["hypothesis"] = None  # type: ignore[assignment] - an import of it now raises ImportError
    try:
        import pandera.backends.pandas.builtin_checks  # noqa: F401
    finally:
        del sys.modules["hypothesis"]


_load_pandera_checks_without_hypothesis()


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
