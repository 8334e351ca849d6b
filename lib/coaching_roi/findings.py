"""The findings contract (SPEC §9): machine-readable results every notebook adds to.

Each notebook writes its own part (``findings/<notebook>.json``) and the merged
``findings.json`` is rebuilt from all parts under a file lock, so notebooks running in
parallel never overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from coaching_roi.safety import atomic_write_text

Unit = Literal["fraction", "points", "days", "weeks", "usd", "ratio", "auc"]


class Estimate(BaseModel):
    """One number shown to a person: value, interval, n, unit and a plain-English reading."""

    model_config = ConfigDict(extra="allow")

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    unit: Unit
    reading: str

    @field_validator("value", "ci_low", "ci_high", mode="before")
    @classmethod
    def _finite(cls, v: Any) -> float | None:
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else None


def _atomic_write(path: Path, text: str) -> None:
    atomic_write_text(path, text)  # temp file + rename, permissions from the umask (not mkstemp's 0600)


def write_part(
    run_dir: str | Path,
    notebook: str,
    *,
    quarter: str,
    estimates: dict[str, Estimate | dict] | None = None,
    status: str = "ok",
    headline: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict:
    """Record one notebook's estimates and status, then rebuild ``findings.json``.

    ``status`` is ``"ok"`` or ``"skipped: <why>"``. Returns the merged findings.
    """
    run_dir = Path(run_dir)
    checked = {k: Estimate.model_validate(v).model_dump() for k, v in (estimates or {}).items()}
    part = {"quarter": quarter, "notebook": notebook, "status": status, "estimates": checked}
    if headline is not None:
        part["headline"] = headline
    if extra:
        part["extra"] = extra
    _atomic_write(run_dir / "findings" / f"{notebook}.json", json.dumps(part, indent=2))
    return rebuild(run_dir, quarter=quarter)


def rebuild(run_dir: str | Path, *, quarter: str | None = None) -> dict:
    """Merge every part into ``findings.json`` (parts in notebook order; later wins)."""
    run_dir = Path(run_dir)
    parts_dir = run_dir / "findings"
    parts_dir.mkdir(parents=True, exist_ok=True)
    with open(parts_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        merged: dict[str, Any] = {"quarter": quarter, "estimates": {}, "headline": None, "status": {}, "extra": {}}
        for p in sorted(parts_dir.glob("*.json")):
            part = json.loads(p.read_text(encoding="utf-8"))
            merged["quarter"] = merged["quarter"] or part.get("quarter")
            merged["estimates"].update(part.get("estimates", {}))
            merged["status"][part["notebook"]] = part.get("status", "ok")
            if part.get("headline"):
                merged["headline"] = part["headline"]
            if part.get("extra"):
                merged["extra"][part["notebook"]] = part["extra"]
        _atomic_write(run_dir / "findings.json", json.dumps(merged, indent=2))
        fcntl.flock(lock, fcntl.LOCK_UN)
    return merged


def load(run_dir: str | Path) -> dict:
    """Read ``findings.json`` (empty skeleton when no notebook has written yet)."""
    path = Path(run_dir) / "findings.json"
    if not path.exists():
        return {"quarter": None, "estimates": {}, "headline": None, "status": {}, "extra": {}}
    return json.loads(path.read_text(encoding="utf-8"))
