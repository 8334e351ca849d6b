"""The params the quarterly runner validated, handed to its notebooks (validated once per run).

The runner resolves and validates the quarter file once (:func:`coaching_roi.config.load`) and writes
the result into the run folder as ``params.resolved.json`` (:func:`write_resolved`); each notebook it
runs receives ``validated=True`` and reads that file (:func:`read_resolved`) instead of resolving the
quarter file again. A notebook run by hand (``validated=False``) validates its own parameters.
The file leaves out ``run_dir`` (the notebook's own parameter), so it is the same for the same params.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from coaching_roi.config.run_config import Config
from coaching_roi.errors import WorkbookError
from coaching_roi.safety import atomic_write_text

RESOLVED_FILE = "params.resolved.json"


def write_resolved(cfg: Config, folder: Path) -> Path:
    """Write ``cfg`` (without ``run_dir``) to ``folder``/params.resolved.json, atomically."""
    return atomic_write_text(Path(folder) / RESOLVED_FILE, cfg.model_dump_json(indent=1, exclude={"run_dir"}) + "\n")


def read_resolved(run_dir: Path, *, quarter: str, name: str) -> Config:
    """The Config the runner validated for ``run_dir``; ``quarter`` and ``name`` (the notebook's own
    parameters) must match it, so a notebook never runs on another run's params."""
    path = Path(run_dir) / RESOLVED_FILE
    if path.is_symlink() or not path.is_file():
        raise WorkbookError(
            f"validated=True, but {path} is missing: only the quarterly runner (coaching-roi run) writes it. "
            "Fix: run the notebook with validated=False (its parameters are then validated here)."
        )
    try:
        cfg = Config.model_validate({**json.loads(path.read_text(encoding="utf-8")), "run_dir": Path(run_dir)})
    except (ValueError, ValidationError) as exc:
        raise WorkbookError(f"{path} is not a params file the runner wrote ({type(exc).__name__}). "
                            "Fix: re-run the quarter with coaching-roi run.") from exc
    if (cfg.quarter, cfg.name) != (quarter, name):
        raise WorkbookError(
            f"{path} holds the params of run {cfg.name!r} ({cfg.quarter}), but this notebook was given "
            f"name={name!r}, quarter={quarter!r}. Fix: run it with validated=False, or through coaching-roi run."
        )
    return cfg
