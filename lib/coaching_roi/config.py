"""The params model: load defaults + a quarter file, validate every key, resolve paths and dates.

A run is described by two YAML files:

* ``params/defaults.yaml`` — rubric, analysis settings, benchmarks, funnel, economics, report.
* ``params/<name>.yaml`` — what changes per quarter: ``quarter``, ``data_dir``, ``sources`` and
  ``overrides`` (any defaults section, merged key by key).

Notebooks receive the quarter file's keys as papermill parameters and call :func:`build`; the
runner calls :func:`load` on the file. Both end in the same validated :class:`Config`.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coaching_roi import paramcheck, safety
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT, resolve_path

TABLES: tuple[str, ...] = (
    "reps",
    "calls",
    "call_scores",
    "coaching_sessions",
    "opportunities",
    "sdr_activity",
)
PRESETS = ("canonical", "salesforce_report", "hubspot_deals", "gong_scorecards", "maven_crm")
FORMATS = ("csv", "excel", "parquet", "json", "sql")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------- rubric
class Behavior(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    phase: str
    weight: float = Field(default=1.0, gt=0)


class Rubric(_Strict):
    scale_min: float = 0
    scale_max: float = 10
    behaviors: tuple[Behavior, ...]
    composite_behaviors: tuple[str, ...]
    discovery_call_types: tuple[str, ...] = ("discovery",)

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        if self.scale_max <= self.scale_min:
            raise ValueError("rubric.scale_max must be greater than rubric.scale_min")
        keys = [b.key for b in self.behaviors]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"rubric.behaviors has duplicate keys: {', '.join(dupes)}")
        unknown = [k for k in self.composite_behaviors if k not in keys]
        if unknown:
            raise ValueError(
                f"rubric.composite_behaviors names behaviors not in the rubric: {', '.join(unknown)}"
            )
        if not self.composite_behaviors:
            raise ValueError("rubric.composite_behaviors must name at least one behavior")
        return self

    @property
    def keys(self) -> list[str]:
        return [b.key for b in self.behaviors]

    @property
    def weights(self) -> dict[str, float]:
        return {b.key: b.weight for b in self.behaviors}

    @property
    def phases(self) -> dict[str, str]:
        return {b.key: b.phase for b in self.behaviors}

    @property
    def labels(self) -> dict[str, str]:
        return {b.key: b.label for b in self.behaviors}

    def frame(self) -> pd.DataFrame:
        """Return the rubric as a tidy frame (key, label, phase, weight, in_composite)."""
        return pd.DataFrame(
            [
                {**b.model_dump(), "in_composite": b.key in self.composite_behaviors}
                for b in self.behaviors
            ]
        )


# ------------------------------------------------------------------------------------- sections
class Analysis(_Strict):
    seed: int = 20260701
    n_bootstrap: int = Field(default=2000, ge=100)
    confidence_level: float = Field(default=0.95, gt=0.5, lt=1)
    min_calls_per_cell: int = Field(default=3, ge=1)
    min_closed_deals_for_model: int = Field(default=60, ge=10)
    min_reps_per_group: int = Field(default=5, ge=1)
    event_window_pre_weeks: int = Field(default=4, ge=1)
    event_window_post_weeks: int = Field(default=8, ge=1)
    min_episode_sessions: int = Field(default=2, ge=1)  # sessions on a behavior that make a coaching episode
    lag_quarters: tuple[int, ...] = (1, 2)
    deal_cycle_behaviors: tuple[str, ...] = ("decision_process_mapping", "next_steps_specificity")
    ramp_quota_threshold: float = Field(default=0.8, gt=0, le=2)
    ramp_attainment_months: int = Field(default=6, ge=1)
    # notebook 03 ramp: new hires = hired within this many months before the quarter end
    ramp_cohort_months: int = Field(default=12, ge=1)
    # notebook 03 ramp: the onboarding program compared (treated) and its baseline (control)
    ramp_treated_program: str = "structured_sprint"
    ramp_control_program: str = "standard"
    # notebook 02: share of the composite's weight a discovery call must have scored to get a composite
    min_composite_coverage: float = Field(default=0.6, gt=0, le=1)


class Verdicts(_Strict):
    """What :mod:`coaching_roi.verdict` needs besides an estimate's interval."""

    power: float = Field(default=0.80, gt=0.5, lt=1)
    # a clear estimate reads "established" (and may be stated in the headline) only when it also holds at
    # this stricter level; otherwise it is an early signal
    confirm_level: float = Field(default=0.999, gt=0.5, lt=1)
    # below this many units (per unit of n) an estimate is too_few, whatever its interval
    min_n: dict[str, int] = {}
    # a clear estimate on fewer units than this reads as an early signal, not established
    established_n: dict[str, int] = {}

    @field_validator("min_n", "established_n")
    @classmethod
    def _units(cls, v: dict[str, int]) -> dict[str, int]:
        from coaching_roi.estimate_ids import N_UNITS

        unknown = [k for k in v if k not in N_UNITS]
        if unknown:
            raise ValueError(f"unknown unit(s) {', '.join(map(repr, unknown))} (known: {', '.join(N_UNITS)})")
        bad = [k for k, n in v.items() if int(n) < 1]
        if bad:
            raise ValueError(f"minimums must be at least 1 (check {', '.join(bad)})")
        return v


class Benchmarks(_Strict):
    connect_rate: float = Field(default=0.10, gt=0, le=1)
    conversation_rate: float = Field(default=0.75, gt=0, le=1)
    meeting_rate: float = Field(default=0.20, gt=0, le=1)
    show_rate: float = Field(default=0.80, gt=0, le=1)
    sql_rate: float = Field(default=0.55, gt=0, le=1)
    email_reply_rate: float = Field(default=0.08, gt=0, le=1)


class Funnel(_Strict):
    stage_skills: dict[str, str]
    min_volume: int = Field(default=30, ge=1)
    top_tier_quantile: float = Field(default=0.75, gt=0, lt=1)
    under_tier_quantile: float = Field(default=0.25, gt=0, lt=1)
    watch_window_days: tuple[int, int] = (30, 60)
    # Suggested observable per funnel stage or rubric behavior key (plan.observable_for falls back
    # to a generic sentence built from the behavior label for keys not listed).
    observables: dict[str, str] = {}


class Economics(_Strict):
    program_cost_usd: float | None = Field(default=None, gt=0)
    enablement_role_cost_usd: float = Field(default=160_000, gt=0)
    isolation_factor: float = Field(default=0.5, ge=0, le=1)
    confidence_discount: float = Field(default=0.8, ge=0, le=1)
    monthly_arr_ramped_rep_usd: float | None = Field(default=None, gt=0)
    new_hires_per_year: int | None = Field(default=None, ge=0)
    ae_count: int | None = Field(default=None, ge=1)


class Report(_Strict):
    title: str = "Coaching ROI"
    # The company named on the title slide and the index page; None -> only the quarter is named.
    company: str | None = None
    pseudonymize: bool = False
    pdf: bool = True  # False: skip printing the deck to PDF (no browser needed)
    currency: str = "USD"
    # Figures with one row per rep (score heatmap, SDR gap heatmap) draw at most this many rows;
    # every rep stays in the tables, the plan and the Parquet artifacts.
    max_figure_rows: int = Field(default=40, ge=4, le=500)


# ------------------------------------------------------------------------------------- decision
RECOMMENDATIONS: tuple[str, ...] = ("expand", "continue", "hold", "redesign")
LINK_VERDICTS: tuple[str, ...] = ("positive", "negative", "no_clear_change", "too_few", "missing")
LinkVerdict = Literal["positive", "negative", "no_clear_change", "too_few", "missing"]


class DecisionRule(_Strict):
    """One row of the decision table: when every named link has one of the listed verdicts, recommend."""

    recommendation: Literal["expand", "continue", "hold", "redesign"]
    when: dict[str, tuple[LinkVerdict, ...]] = {}
    because: str  # the rule in a reader's words (shown on slide 2 and the index page)


class Decision(_Strict):
    """The decision rule (:mod:`coaching_roi.decision`): links of the chain, then rules read top to bottom."""

    links: dict[str, str]  # link name -> the estimate ID whose stored verdict speaks for it
    rules: tuple[DecisionRule, ...]
    otherwise: DecisionRule

    @model_validator(mode="after")
    def _check(self) -> Decision:
        for need in ("behavior", "outcome"):
            if need not in self.links:
                raise ValueError(f"decision.links must name the `{need}` link (the estimate ID that speaks for it)")
        for i, rule in enumerate((*self.rules, self.otherwise)):
            where = f"decision.rules[{i}]" if i < len(self.rules) else "decision.otherwise"
            unknown = [k for k in rule.when if k not in self.links]
            if unknown:
                raise ValueError(f"{where}.when names unknown link(s) {', '.join(unknown)} (links: {', '.join(self.links)})")
            if rule.recommendation == "expand" and not all(
                    tuple(rule.when.get(k, ())) == ("positive",) for k in ("behavior", "outcome")):
                raise ValueError(f"{where}: an `expand` rule must require behavior: [positive] and outcome: [positive], "
                                 "so that a team with no measured effect is never told to expand")
        if self.otherwise.when:
            raise ValueError("decision.otherwise applies when no rule matched: it takes no `when`")
        if self.otherwise.recommendation == "expand":
            raise ValueError("decision.otherwise cannot be `expand`")
        return self


# -------------------------------------------------------------------------------------- sources
class Mapping(_Strict):
    """A user-written mapping of a vendor export onto a canonical table, without code."""

    renames: dict[str, str] = {}
    value_maps: dict[str, dict[str, str]] = {}
    date_format: str | tuple[str, ...] | None = None  # one strftime layout, or several tried in order
    drop_columns: tuple[str, ...] = ()


class Source(_Strict):
    """Where one canonical table comes from."""

    path: str | None = None
    format: Literal["csv", "excel", "parquet", "json", "sql"] | None = None
    preset: Literal["canonical", "salesforce_report", "hubspot_deals", "gong_scorecards", "maven_crm"] = (
        "canonical"
    )
    mapping: Mapping | None = None
    # SQL sources: the query and the name of the environment variable holding the SQLAlchemy URL.
    # Credentials never go in params: papermill writes parameters into every output notebook.
    query: str | None = None
    url_env: str | None = None
    sheet: str | int | None = None
    # Text files: "auto" reads UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1252;
    # or a Python codec name, used strictly (e.g. utf-16, cp1252, latin-1, mac-roman).
    encoding: str = "auto"
    # Decimal mark of amounts and scores: "auto" (detected per column), "." or "," (1.234,56).
    decimal: Literal["auto", ".", ","] = "auto"

    @model_validator(mode="after")
    def _check(self) -> Source:
        if self.format == "sql" and not (self.query and self.url_env):
            raise ValueError("a sql source needs both `query` and `url_env`")
        return self


# ---------------------------------------------------------------------------------- quarter file
class QuarterFile(_Strict):
    """The keys a quarter file may hold (and that papermill injects into every notebook)."""

    quarter: str
    name: str | None = None
    data_dir: str
    sources: dict[str, Source] = {}
    overrides: dict[str, Any] = {}
    # An earlier run folder of this workbook (e.g. outputs/2026Q2): the deck and the index page then
    # say what changed since that run. Relative paths are read from the project root.
    compare_to: str | None = None

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, v: str) -> str:
        if not QUARTER_RE.match(str(v)):
            raise ValueError(f"quarter must look like 2026Q3, got {v!r}")
        return str(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        why = None if v is None else safety.run_name_problem(v)
        if why:
            raise ValueError(f"the run name {why}")
        return v

    @field_validator("sources")
    @classmethod
    def _tables(cls, v: dict[str, Source]) -> dict[str, Source]:
        unknown = [t for t in v if t not in TABLES]
        if unknown:
            raise ValueError(
                f"unknown table(s) in sources: {', '.join(unknown)} (known: {', '.join(TABLES)})"
            )
        return v


class Config(_Strict):
    """Everything a notebook needs, validated and resolved."""

    quarter: str
    quarter_start: date
    quarter_end: date
    name: str
    data_dir: Path
    run_dir: Path
    sources: dict[str, Source]
    rubric: Rubric
    analysis: Analysis
    verdicts: Verdicts = Verdicts()
    benchmarks: Benchmarks
    funnel: Funnel
    economics: Economics
    report: Report
    decision: Decision
    compare_to: Path | None = None

    # ---- paths a notebook uses
    @property
    def artifacts_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def rejects_dir(self) -> Path:
        return self.run_dir / "rejects"

    def artifact(self, name: str) -> Path:
        """Path of a Parquet artifact, e.g. ``artifact("01_opportunities")``."""
        return self.artifacts_dir / f"{name}.parquet"

    def source_path(self, table: str) -> Path | None:
        """Resolve a table's file path (None for SQL sources)."""
        src = self.sources[table]
        if src.format == "sql":
            return None
        return resolve_path(src.path, base=self.data_dir)

    def quarter_bounds(self, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
        """Start (inclusive) and end (exclusive) timestamps of the quarter ``offset`` away."""
        return quarter_bounds(self.quarter, offset)


# ------------------------------------------------------------------------------------ functions
def quarter_bounds(quarter: str, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return [start, end) of ``quarter`` shifted by ``offset`` quarters."""
    m = QUARTER_RE.match(quarter)
    if not m:
        raise WorkbookError(f"Bad quarter {quarter!r}: write it as YYYYQn, e.g. 2026Q3.")
    p = pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q") + offset
    return p.start_time.normalize(), (p + 1).start_time.normalize()


def quarter_label(quarter: str, offset: int = 0) -> str:
    """Return the label of the quarter ``offset`` quarters from ``quarter`` (e.g. 2026Q4)."""
    start, _ = quarter_bounds(quarter, offset)
    p = start.to_period("Q")
    return f"{p.year}Q{p.quarter}"


def _deep_merge(base: dict, over: dict, where: str = "") -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("stage_skills",):
            out[k] = _deep_merge(out[k], v, f"{where}{k}.")
        else:
            out[k] = v
    return out


def _read_yaml(path: Path) -> dict:
    """Read a params file; every way it can be unusable is one sentence naming the file and the fix."""
    if path.is_dir():
        raise WorkbookError(f"Params file {path} is a folder, not a file. Fix: name a .yaml file, e.g. params/demo.yaml.")
    if not path.exists():
        raise WorkbookError(f"Params file not found: {path}. Fix: check the path, e.g. params/demo.yaml.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(
            f"Params file {path} cannot be read ({exc.strerror or type(exc).__name__}). "
            "Fix: check the file's permissions (it must be readable by you)."
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbookError(
            f"Params file {path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}). "
            "Fix: save it as UTF-8 YAML."
        ) from None
    if all(not ln.strip() or ln.strip().startswith("#") for ln in text.splitlines()):
        raise WorkbookError(
            f"Params file {path} is empty. Fix: write at least `quarter:` and `data_dir:` (see params/demo.yaml)."
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WorkbookError(f"Params file {path} is not valid YAML{at}: {what}. Fix: correct the YAML syntax.") from None
    if not isinstance(data, dict):
        raise WorkbookError(
            f"Params file {path} must hold a mapping of keys (quarter: ..., data_dir: ...), not "
            f"{type(data).__name__}. Fix: write one `key: value` per line."
        )
    return data


def load_defaults(path: Path | None = None) -> dict:
    """Read ``params/defaults.yaml`` as a plain dict."""
    return _read_yaml(path or PROJECT_ROOT / "params" / "defaults.yaml")


_PLACEHOLDERS: dict[str, Any] = {"quarter": "2000Q1", "name": None, "data_dir": ".", "sources": {}, "overrides": {},
                                 "compare_to": None}


def _set_in(tree: Any, loc: tuple) -> bool:
    """True when the key path ``loc`` was written in ``tree`` (the quarter file's overrides)."""
    for part in loc:
        if not isinstance(tree, dict) or part not in tree:
            return False
        tree = tree[part]
    return True


def build(
    *,
    quarter: str,
    data_dir: str,
    name: str | None = None,
    sources: dict | None = None,
    overrides: dict | None = None,
    run_dir: str | Path | None = None,
    compare_to: str | None = None,
    defaults_path: Path | None = None,
    where: str = "notebook parameters",
    check_paths: bool = True,
) -> Config:
    """Validate quarter-file values (as papermill injects them) into a :class:`Config`.

    Raises :class:`WorkbookError` listing every problem found (key path, value, what is allowed).
    """
    problems: list[str] = []
    cfg = _collect(
        problems, quarter=quarter, data_dir=data_dir, name=name, sources=sources, overrides=overrides,
        run_dir=run_dir, compare_to=compare_to, defaults_path=defaults_path, check_paths=check_paths,
    )
    paramcheck.raise_all(problems, where)
    assert cfg is not None
    return cfg


def _collect(
    problems: list[str],
    *,
    quarter: Any,
    data_dir: Any,
    name: Any,
    sources: Any,
    overrides: Any,
    run_dir: str | Path | None,
    defaults_path: Path | None,
    check_paths: bool,
    compare_to: Any = None,
    skip: frozenset[str] = frozenset(),
) -> Config | None:
    """Validate everything that can be validated, appending one line per problem to ``problems``.

    A key that is invalid (or in ``skip``: already reported) is replaced by a placeholder so the other
    keys are still checked; the Config is returned only when nothing was wrong.
    """
    raw = {"quarter": quarter, "name": name, "data_dir": data_dir,
           "sources": {} if sources is None else sources, "overrides": {} if overrides is None else overrides,
           "compare_to": compare_to or None}
    bad = set(skip)
    try:
        qf = QuarterFile(**{k: (_PLACEHOLDERS[k] if k in bad else v) for k, v in raw.items()})
    except ValidationError as exc:
        problems.extend(paramcheck.problems(exc, QuarterFile))
        bad |= {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        try:
            qf = QuarterFile(**{k: (_PLACEHOLDERS[k] if k in bad else v) for k, v in raw.items()})
        except ValidationError:  # pragma: no cover - placeholders are valid
            return None

    defaults = load_defaults(defaults_path)
    for k in (k for k in qf.overrides if k not in defaults):
        problems.append(f"overrides.{k}: unknown section (known: {', '.join(defaults)})")
    merged = _deep_merge(defaults, {k: v for k, v in qf.overrides.items() if k in defaults})
    unknown_top = [k for k in merged if k not in ("rubric", "analysis", "verdicts", "benchmarks", "funnel", "economics", "report", "decision")]
    if unknown_top:
        raise WorkbookError(f"Invalid params in defaults: unknown section {unknown_top[0]!r}")

    run_name = qf.name or "run"
    data_path = Path(".")
    if "data_dir" not in bad:
        if not str(qf.data_dir).strip():
            problems.append("data_dir: must name the folder holding your tables (e.g. data/2026Q3), not be empty")
            bad.add("data_dir")
        else:
            data_path = resolve_path(qf.data_dir)
            if check_paths and not data_path.is_dir():
                what = "is not a folder" if data_path.exists() else "folder not found"
                problems.append(
                    f"data_dir: {what}: {data_path}. Fix: point data_dir at the folder holding your tables "
                    "(for the demo run `make demo`, which generates data/demo/)."
                )
    resolved_sources: dict[str, Source] = {}
    for table in TABLES:
        src = qf.sources.get(table)
        explicit = src is not None and src.path is not None
        if src is None:
            src = Source()
        if src.path is None and src.format != "sql":
            src = src.model_copy(update={"path": f"{table}.csv"})
        if check_paths and explicit and src.format != "sql" and "data_dir" not in bad:
            p = resolve_path(src.path, base=data_path)
            if not p.exists():
                problems.append(
                    f"sources.{table}.path: file not found: {p}. "
                    "Fix: correct the path (relative paths are read from data_dir) or remove the entry."
                )
        resolved_sources[table] = src

    compare_dir = None
    if qf.compare_to and "compare_to" not in bad:
        from coaching_roi.compare import check_run_folder

        try:
            compare_dir = check_run_folder(resolve_path(qf.compare_to), where="compare_to")
        except WorkbookError as exc:
            problems.append(str(exc).replace("Invalid params in compare_to: ", "compare_to: "))
    problems.extend(_deal_cycle_problems(merged, qf.overrides))
    start, end = quarter_bounds(qf.quarter)
    try:
        cfg = Config(
            quarter=qf.quarter,
            quarter_start=start.date(),
            quarter_end=(end - pd.Timedelta(days=1)).date(),
            name=run_name,
            data_dir=data_path,
            run_dir=resolve_path(run_dir) if run_dir else safety.outputs_root() / run_name,
            sources=resolved_sources,
            compare_to=compare_dir,
            **merged,
        )
    except ValidationError as exc:
        problems.extend(
            paramcheck.problems(exc, Config, prefix=lambda loc: "overrides." if _set_in(qf.overrides, loc) else "defaults.yaml ")
        )
        return None
    return None if problems else cfg


def _deal_cycle_problems(merged: dict, overrides: dict) -> list[str]:
    """``analysis.deal_cycle_behaviors`` must name rubric behaviors (checked even when other keys are wrong)."""
    try:
        keys = [str(b["key"]) for b in merged["rubric"]["behaviors"]]
        wanted = list(merged["analysis"].get("deal_cycle_behaviors", ()))
    except (KeyError, TypeError, AttributeError):
        return []  # the section itself is malformed: pydantic reports it
    where = "overrides." if _set_in(overrides, ("analysis", "deal_cycle_behaviors")) else "defaults.yaml "
    return [
        f"{where}analysis.deal_cycle_behaviors: {b!r} is not a rubric behavior (rubric keys: {', '.join(keys)})"
        for b in wanted if b not in keys
    ]


def read_quarter_file(path: str | Path) -> dict:
    """Read a quarter file (file-level checks only); return the raw dict, ``name`` filled in from the file name.

    Keys are checked by :func:`load`, which lists every problem at once.
    """
    p = resolve_path(path)
    data = _read_yaml(p)
    data.setdefault("name", p.stem)
    return data


def load(path: str | Path, *, run_dir: str | Path | None = None, check_paths: bool = True) -> Config:
    """Load and validate ``params/<name>.yaml`` merged over the defaults.

    Raises :class:`WorkbookError` listing every problem of the file at once.
    """
    p = resolve_path(path)
    data = _read_yaml(p)
    problems: list[str] = []
    allowed = list(QuarterFile.model_fields)
    for k in (k for k in data if k not in allowed):
        problems.append(
            f"{k}: unknown key (allowed: {', '.join(sorted(allowed))}; defaults sections go under `overrides:`)"
        )
    skip = set()
    for k, example in (("quarter", 'quarter: "2026Q3"'), ("data_dir", "data_dir: data/2026Q3")):
        if k not in data:
            problems.append(f"{k}: required key is missing (e.g. {example})")
            skip.add(k)
    name = data.get("name", p.stem)
    if "name" not in data and safety.run_name_problem(p.stem):
        problems.append(
            f"name: not set, and the file name {p.stem!r} is not a valid run name ({safety.RUN_NAME_RULE}). "
            "Fix: add e.g. `name: 2026Q3` to the file, or rename it."
        )
        skip.add("name")
    cfg = _collect(
        problems, quarter=data.get("quarter"), data_dir=data.get("data_dir"), name=name,
        sources=data.get("sources"), overrides=data.get("overrides"), run_dir=run_dir, defaults_path=None,
        check_paths=check_paths, compare_to=data.get("compare_to"), skip=frozenset(skip),
    )
    paramcheck.raise_all(problems, p.name)
    assert cfg is not None
    return cfg
