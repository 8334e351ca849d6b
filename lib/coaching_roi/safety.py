"""Names, folders and files a run may touch, checked before anything is created, replaced or deleted.

* A **run name** is a slug: letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit,
  at most 64 characters. It becomes a folder name, so nothing else is accepted.
* The **outputs root** is ``<project>/outputs`` (or ``$COACHING_ROI_OUTPUTS``). A run folder lives
  inside it, or is an existing folder the workbook made earlier (it carries :data:`MARKER` or a run
  manifest). Symbolic links are never followed out of a run folder.
* Files are written **atomically** (temporary file + rename) with the permissions the process umask
  gives any new file, never the 0600 of :func:`tempfile.mkstemp`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT

RUN_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
RUN_NAME_RULE = (
    "a run name is 1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
)
MARKER = ".coaching-roi-run"
"""File the runner writes into every folder it creates for a run (staging, scratch)."""
SCRATCH = "_scratch"
"""Folder under the outputs root for notebooks run by hand (never a valid run name: it starts with _)."""


# ------------------------------------------------------------------------------------- names
def run_name_problem(value: object) -> str | None:
    """Return why ``value`` is not a valid run name, or None when it is one."""
    if not isinstance(value, str):
        return f"must be text, got {type(value).__name__} {value!r}"
    if value == "":
        return "must not be empty (" + RUN_NAME_RULE + ")"
    if not RUN_NAME_RE.fullmatch(value):
        shown = value if len(value) <= 70 else value[:67] + "…"
        return f"{shown!r} is not allowed: {RUN_NAME_RULE}"
    return None


def check_run_name(value: object, *, key: str = "name") -> str:
    """Return ``value`` when it is a valid run name; else raise one sentence naming ``key`` and the rule."""
    why = run_name_problem(value)
    if why:
        raise WorkbookError(f"{key}: {why}.")
    return str(value)


# ----------------------------------------------------------------------------------- folders
def outputs_root() -> Path:
    """Where run folders go: ``$COACHING_ROI_OUTPUTS`` or ``<project>/outputs``."""
    env = os.environ.get("COACHING_ROI_OUTPUTS")
    return Path(env).expanduser().absolute() if env else PROJECT_ROOT / "outputs"


def _lexical(path: Path) -> Path:
    """Absolute, with ``..`` and ``.`` removed, without following symbolic links."""
    return Path(os.path.normpath(os.path.abspath(path)))


def is_inside(path: Path, root: Path) -> bool:
    """True when ``path`` (after following links) is ``root`` or below it (after following links)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def is_workbook_dir(path: Path) -> bool:
    """True for a real folder (not a link) that the workbook made: it holds the run marker or a run manifest."""
    if path.is_symlink() or not path.is_dir():
        return False
    if (path / MARKER).is_file() and not (path / MARKER).is_symlink():
        return True
    manifest = path / "manifest.json"
    if manifest.is_file() and not manifest.is_symlink():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and {"run", "quarter", "parameters"} <= set(data)
    return False


def write_marker(folder: Path, name: str) -> None:
    """Mark ``folder`` as made by the workbook for run ``name``."""
    atomic_write_text(folder / MARKER, json.dumps({"made_by": "coaching-roi", "run": name}) + "\n")


def symlinks_in(folder: Path) -> list[Path]:
    """Every symbolic link at or below ``folder`` (links are reported, never followed)."""
    if folder.is_symlink():
        return [folder]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            if p.is_symlink():
                found.append(p)
    return found


def refuse_symlinks(folder: Path, what: str) -> None:
    """Raise when ``folder`` is, or holds, a symbolic link (the run would write through it)."""
    if not folder.exists() and not folder.is_symlink():
        return
    links = symlinks_in(folder)
    if links:
        raise WorkbookError(
            f"{what} {folder} contains a symbolic link ({links[0]}), which the workbook never follows. "
            "Fix: remove the link, or choose another output folder."
        )


def resolve_run_dir(out: str | os.PathLike | None, name: str, *, root: Path | None = None) -> Path:
    """Return the checked final folder of a run: ``<root>/<name>`` or the ``--out`` folder.

    ``--out`` may name a folder inside the outputs root, or an existing folder the workbook made
    (it carries :data:`MARKER` or a run manifest). The folder's own name must be a run name, since
    the runner's staging folders are named after it. A symbolic link is never accepted.
    """
    from coaching_roi.paths import resolve_path

    root = _lexical(root or outputs_root())
    if out is None or str(out) == "":
        check_run_name(name)
        final = root / name
    else:
        final = _lexical(resolve_path(out))
        why = run_name_problem(final.name)
        if why:
            raise WorkbookError(
                f"--out {out}: the folder's name {why}. Fix: pass a folder such as outputs/2026Q3."
            )
        if not is_inside(final.parent, root) and not is_workbook_dir(final):
            raise WorkbookError(
                f"--out {out}: the workbook writes only inside {root} or into a folder an earlier run made "
                f"(one holding {MARKER} or manifest.json); {final} is neither. Fix: pass a folder under "
                f"{root}, or leave --out out."
            )
    if final.is_symlink():
        raise WorkbookError(
            f"{final} is a symbolic link; the workbook never replaces or follows one. Fix: remove the link, "
            "or pass --out with a real folder."
        )
    if final.exists() and not final.is_dir():
        raise WorkbookError(f"{final} exists and is not a folder. Fix: move it away, or pass another --out.")
    return final


def scratch_dir(name: str, notebook: str, *, root: Path | None = None) -> Path:
    """The folder a hand-run notebook writes into: ``<outputs>/_scratch/<name>/<notebook>``."""
    check_run_name(name)
    if not RUN_NAME_RE.fullmatch(notebook or ""):
        raise WorkbookError(f"notebook: {notebook!r} is not a notebook name (e.g. 01_data_intake).")
    return (root or outputs_root()) / SCRATCH / name / notebook


# ------------------------------------------------------------------------------------- files
def _new_file(path: Path) -> tuple[int, Path]:
    """Create a fresh temporary file beside ``path``; the umask decides its permissions."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise OSError(f"could not create a temporary file beside {path}")  # pragma: no cover


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename), with umask permissions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_file(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` atomically with umask permissions (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """THE atomic writer for files a library writes itself (Parquet, PPTX, PDF, CSV …): ``write(tmp)``
    fills a fresh temporary file beside ``path`` (umask permissions), which then replaces ``path``;
    on failure the temporary file is removed and ``path`` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_file(path)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_parquet(df, path: str | os.PathLike, **kwargs) -> Path:
    """Write a frame as Parquet atomically (``index=False`` unless given)."""
    kwargs.setdefault("index", False)
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, **kwargs))


def atomic_csv(df, path: str | os.PathLike, *, encoding: str = "utf-8", **kwargs) -> Path:
    """Write a frame as CSV atomically (``encoding="utf-8-sig"`` adds the byte-order mark Excel needs)."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            df.to_csv(fh, **kwargs)
    return atomic_write(path, write)
