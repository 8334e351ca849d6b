"""Loading params: read the YAML files, merge the quarter file's overrides over the defaults, validate
every key and report every problem at once (:func:`build` for notebooks, :func:`load` for the runner).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coaching_roi import paramcheck, safety
from coaching_roi.calendar import quarter_dates
from coaching_roi.config.run_config import Config
from coaching_roi.config.sources import TABLES, QuarterFile, Source
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT, resolve_path


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
    first_day, last_day = quarter_dates(qf.quarter)
    try:
        cfg = Config(
            quarter=qf.quarter,
            quarter_start=first_day,
            quarter_end=last_day,
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
