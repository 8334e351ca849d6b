"""Notebooks run by hand (papermill CLI, JupyterLab) never touch a quarterly run's folder.

Without a ``run_dir`` a notebook works in ``<outputs>/_scratch/<name>/<notebook>/``. The folder is
emptied and seeded with a copy of the artifacts (``data/``, ``findings/``, ``findings.json``) of the
last complete run of that name, so a later notebook has the earlier ones' results to read; every
write goes to the scratch folder. Symbolic links in the source are not copied.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from coaching_roi import safety
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT

SEEDED = ("data", "findings", "findings.json")


def _no_links(src: str, names: list[str]) -> set[str]:
    return {n for n in names if os.path.islink(os.path.join(src, n))}


def prepare(name: str, notebook: str, *, root: Path | None = None) -> tuple[Path, Path | None]:
    """Empty (or create) the scratch folder of ``notebook`` and seed it; return (folder, seeded from)."""
    root = root or safety.outputs_root()
    folder = safety.scratch_dir(name, notebook, root=root)
    for p in (root / safety.SCRATCH, folder.parent, folder):
        if p.is_symlink():
            raise WorkbookError(f"{p} is a symbolic link; the workbook never writes through one. Fix: remove it.")
    _lock(folder, name, notebook)
    if folder.exists():
        if not safety.is_workbook_dir(folder):
            raise WorkbookError(
                f"{folder} exists but was not made by the workbook, so it is left alone. Fix: move it away."
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    safety.write_marker(folder, name)
    source = root / name
    if not safety.is_workbook_dir(source):
        return folder, None
    for item in SEEDED:
        src = source / item
        if src.is_symlink() or not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, folder / item, ignore=_no_links)
        else:
            shutil.copy2(src, folder / item)
    return folder, source


_HELD: dict[Path, object] = {}


def _lock(folder: Path, name: str, notebook: str) -> None:
    """Hold a lock on the scratch folder for as long as this kernel lives (re-running the cell reuses it):
    two hand runs of one notebook never empty each other's folder."""
    from coaching_roi import runlock

    if folder in _HELD:
        return
    try:
        _HELD[folder] = runlock.RunLock(folder, progress=lambda s: None, what=f"hand run of {notebook}").acquire()
    except WorkbookError:
        raise WorkbookError(
            f"Another hand run of {notebook} for '{name}' is using {folder} (another JupyterLab kernel or "
            "papermill). Fix: let it finish or shut its kernel down, or pass run_dir to work elsewhere."
        ) from None


def _shown(p: Path) -> str:
    try:
        return str(p.relative_to(PROJECT_ROOT)) + "/"
    except ValueError:
        return str(p) + "/"


def notice(name: str, folder: Path, seeded_from: Path | None) -> str:
    """The first thing a hand-run notebook says: where it writes and what it read."""
    where = f"Hand run (no `run_dir` given): this notebook writes only to `{_shown(folder)}`"
    if seeded_from is not None:
        what = (f"; it works on a copy of the results of the last complete run '{name}' "
                f"(`{_shown(seeded_from)}`), which it never changes.")
    else:
        what = (f"; no complete run named '{name}' exists yet, so notebooks after 01 have no earlier "
                "results to read (run `make demo` or `coaching-roi run params/<name>.yaml` first).")
    return where + what + f" The quarterly run is `coaching-roi run params/{name}.yaml`."
