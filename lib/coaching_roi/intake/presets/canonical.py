"""The ``canonical`` preset: columns already canonical; "Rep ID"-style headers read as snake_case."""

from __future__ import annotations

from coaching_roi import schemas
from coaching_roi.intake.cells import (
    _snake,
)
from coaching_roi.intake.loaded import _Loaded


def _preset_canonical(ld: _Loaded) -> _Loaded:
    # Headers such as "Rep ID" or "Call Date" are read as their canonical snake_case names.
    canon = set(schemas.columns(ld.table))
    renames = {c: _snake(c) for c in ld.raw.columns if c not in canon and _snake(c) in canon}
    taken = set(ld.raw.columns)
    renames = {k: v for k, v in renames.items() if v not in taken}
    ld.frame = ld.raw.rename(columns=renames)
    return ld
