"""Incremental re-runs by content: when a notebook's outputs from the last complete run can be reused.

A notebook's *inputs* are named components, each with a SHA-256: the notebook file, the workbook's
code (every file under ``lib/coaching_roi``), the key package versions, each section of the resolved
parameters it reads, the input files it reads (notebook 01), and every artifact its upstream
notebooks wrote in this run. The runner records these and the notebook's *outputs* (file → SHA-256)
in ``manifest.json``. On the next run a notebook whose components all match the previous record,
and whose recorded outputs are still there unchanged, is not executed: its outputs are copied from
the previous run folder. Otherwise it runs, and the manifest says which component changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from coaching_roi.config import Config

PACKAGE_DIR = Path(__file__).parent
FORMAT = 1  # bump when the recorded components change meaning: older manifests are then never reused

ALL = "*"
# Which keys of the params ``report:`` section each notebook reads (tests/test_reuse.py checks this
# table against the notebooks). A notebook not listed reads all of them; "*" means all.
REPORT_KEYS_READ: dict[str, tuple[str, ...]] = {
    "01_data_intake": (),
    "02_behavioral_scoring": ("max_figure_rows",),
    "03_cohort_comparison": ("max_figure_rows",),
    "04_coaching_plan": ("max_figure_rows",),
    "05_qbr_slides": (ALL,),
}
READS_INPUT_FILES = ("01_data_intake",)  # notebooks that read the input tables (the rest read artifacts)
READS_COMPARE_TO = ("05_qbr_slides",)

# Files of a run folder the runner itself writes (never a notebook's output).
RUNNER_FILES = frozenset({"index.html", "manifest.json", "findings.json", "findings/.lock", ".coaching-roi-run"})
# Outputs whose names do not start with their notebook's number.
OWNED_BY_NAME = {"coaching_plan.": "04_", "qbr_deck.": "05_", "rejects/": "01_"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _json_hash(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, default=str).encode())


@lru_cache(maxsize=1)
def code_hash() -> str:
    """One hash over every file of the package (sources, templates), by relative path and content."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            h.update(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            h.update(sha256_file(p).encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def packages_hash() -> str:
    from coaching_roi.render import package_versions

    return _json_hash({"python": platform.python_version(), **package_versions()})


def params_components(cfg: Config, notebook: str) -> dict[str, str]:
    """``params:<section>`` → hash, for each section of the resolved parameters ``notebook`` reads."""
    dump = json.loads(cfg.model_dump_json())
    dump.pop("run_dir", None)
    if notebook not in READS_COMPARE_TO:
        dump.pop("compare_to", None)
    wanted = REPORT_KEYS_READ.get(notebook, (ALL,))
    if ALL not in wanted:
        dump["report"] = {k: v for k, v in dump.get("report", {}).items() if k in wanted}
        if not dump["report"]:
            dump.pop("report")
    return {f"params:{k}": _json_hash(v) for k, v in dump.items()}


def input_components(cfg: Config) -> tuple[dict[str, str], str | None]:
    """``input:<table>`` → hash of each input file; plus why reuse is impossible (a SQL source), or None."""
    out: dict[str, str] = {}
    never = None
    for table, src in sorted(cfg.sources.items()):
        if src.format == "sql":
            out[f"input:{table}"] = "sql"
            never = f"{table} comes from a SQL query, whose result cannot be checked without running it"
            continue
        p = cfg.source_path(table)
        out[f"input:{table}"] = sha256_file(p) if p is not None and p.is_file() else "absent"
    return out, never


def page_files(stem: str) -> set[str]:
    """The executed notebook and its HTML page (they hold timings: no later notebook reads them)."""
    return {f"{stem}.ipynb", f"{stem}.html"}


def artifact_outputs(outputs: dict[str, str]) -> dict[str, str]:
    """The artifacts among a notebook's outputs (files under ``data/``): what later notebooks read."""
    return {rel: digest for rel, digest in outputs.items() if rel.startswith("data/")}


def components(cfg: Config, notebook: str, notebook_path: Path, upstream: dict[str, dict[str, str]],
               compare_to: Path | None) -> tuple[dict[str, str], str | None]:
    """Every input component of ``notebook`` and why it can never be reused (or None)."""
    comp = {"notebook": sha256_file(notebook_path), "code": code_hash(), "packages": packages_hash()}
    comp |= params_components(cfg, notebook)
    never = None
    if notebook in READS_INPUT_FILES or notebook not in REPORT_KEYS_READ:
        inputs, never = input_components(cfg)
        comp |= inputs
    for dep, outputs in sorted(upstream.items()):
        for rel, digest in sorted(outputs.items()):
            if rel not in page_files(dep):
                comp[f"upstream:{rel}"] = digest
    if notebook in READS_COMPARE_TO and compare_to is not None:
        f = Path(compare_to) / "findings.json"
        comp["compare_to"] = sha256_file(f) if f.is_file() else "absent"
    return comp, never


def surely_runs(cfg: Config, notebook: str, notebook_path: Path, previous: dict[str, Any] | None) -> bool:
    """Whether ``notebook`` will run whatever its data inputs are: there is no earlier record, or its file,
    the workbook's code, the package versions or a params section it reads changed. Cheap (no data file
    is hashed), so the runner can start the notebook's kernel before it decides the rest."""
    if previous is None:
        return True
    before = previous.get("inputs") or {}
    cheap = {"notebook": sha256_file(notebook_path), "code": code_hash(), "packages": packages_hash()}
    cheap |= params_components(cfg, notebook)
    return any(before.get(k) != v for k, v in cheap.items())


def describe(name: str) -> str:
    """A component's name in words."""
    kind, _, what = name.partition(":")
    return {
        "notebook": "the notebook file",
        "code": "the workbook's code (lib/coaching_roi)",
        "packages": "package versions",
        "compare_to": "the compare_to run's findings",
        "params": f"params '{what}'",
        "input": f"input table {what}",
        "upstream": f"upstream artifact {what}",
    }.get(kind, name)


def changes(now: dict[str, str], before: dict[str, str], *, limit: int = 4) -> list[str]:
    """What differs between two component sets, in words (at most ``limit`` items, then a count)."""
    diff = [describe(k) + (" changed" if k in before and k in now else " is new" if k in now else " is gone")
            for k in sorted(set(now) | set(before)) if now.get(k) != before.get(k)]
    if len(diff) > limit:
        diff = [*diff[:limit], f"and {len(diff) - limit} more"]
    return diff


def previous_records(final: Path) -> dict[str, dict[str, Any]]:
    """Per-notebook records of the last complete run in ``final`` (empty when there is none to reuse)."""
    try:
        manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("status") != "ok" or manifest.get("reuse_format") != FORMAT:
        return {}
    return {r["notebook"]: r for r in manifest.get("notebooks", []) if isinstance(r, dict) and r.get("status") == "ok"}


def decide(comp: dict[str, str], never: str | None, previous: dict[str, Any] | None, previous_dir: Path,
           *, force: str | None = None) -> str | None:
    """None when the previous outputs can be reused; otherwise why the notebook must run.

    ``force`` is why every notebook runs this time (``"--force"``), or None."""
    if force:
        return force
    if never:
        return never
    if previous is None:
        return "no earlier complete run of it to reuse"
    changed = changes(comp, previous.get("inputs") or {})
    if changed:
        return "; ".join(changed)
    for rel, digest in (previous.get("outputs") or {}).items():
        src = previous_dir / rel
        if src.is_symlink() or not src.is_file() or sha256_file(src) != digest:
            return f"its earlier output {rel} is missing or was changed since that run"
    return None


def copy_outputs(outputs: dict[str, str], src_dir: Path, dst_dir: Path) -> None:
    """Copy recorded outputs into the staging folder (never over a file this run already wrote)."""
    for rel in outputs:
        dst = dst_dir / rel
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src_dir / rel, dst)


# ----------------------------------------------------------------- which files a notebook wrote
def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """relative path → (inode, size, mtime_ns) of every regular file under ``folder``.

    Notebooks may be writing while the runner looks: a file listed but gone before it is examined (a
    temporary file renamed into place, seen under its final name next time) is left out."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for n in files:
            p = Path(dirpath) / n
            try:
                st = p.lstat()
            except FileNotFoundError:
                continue
            out[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def _owner(rel: str) -> str | None:
    """The notebook number prefix a file's name says it belongs to (``"03_"``), or None."""
    base = rel.removeprefix("data/").removeprefix("findings/")
    for start, owner in OWNED_BY_NAME.items():
        if rel.startswith(start):
            return owner
    if len(base) > 3 and base[:2].isdigit() and base[2] == "_":
        return base[:3]
    return None


def written_by(stem: str, before: dict[str, tuple], after: dict[str, tuple], *, exclude: Iterable[str] = (),
               others: Iterable[str] = ()) -> set[str]:
    """Files new or changed between two snapshots of the run folder that belong to ``stem``.

    A file whose name says it belongs to another notebook that ran at the same time (``others``) is
    left to that notebook; the runner's own files, hidden temporary files and ``exclude`` are skipped.
    """
    skip = set(exclude) | RUNNER_FILES
    other_prefixes = {o[:3] for o in others if o[:3] != stem[:3]}
    return {rel for rel, st in after.items()
            if rel not in skip and not Path(rel).name.startswith(".") and before.get(rel) != st
            and _owner(rel) not in other_prefixes}


def hash_outputs(folder: Path, rels: Iterable[str]) -> dict[str, str]:
    return {rel: sha256_file(folder / rel) for rel in sorted(rels) if (folder / rel).is_file()}
