"""Where things are: the project root and path resolution relative to it."""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("COACHING_ROI_ROOT")
    if env:
        return Path(env).resolve()
    # Editable install (src layout): lib/coaching_roi/paths.py -> project root two levels up.
    here = Path(__file__).resolve().parents[2]
    if (here / "params" / "defaults.yaml").exists():
        return here
    # Installed elsewhere: look upward from the working directory.
    cwd = Path.cwd().resolve()
    for cand in (cwd, *cwd.parents):
        if (cand / "params" / "defaults.yaml").exists():
            return cand
    return here


PROJECT_ROOT: Path = _find_root()


def resolve_path(path: str | os.PathLike | None, base: Path | None = None) -> Path:
    """Resolve ``path``: absolute stays, relative is read from ``base`` (default: project root)."""
    if path is None or str(path) == "":
        raise ValueError("empty path")
    p = Path(os.path.expanduser(str(path)))
    if p.is_absolute():
        return p
    return ((base or PROJECT_ROOT) / p).resolve()
