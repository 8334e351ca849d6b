"""The findings contract: machine-readable results every notebook adds to.

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

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from coaching_roi.safety import atomic_write_text

Unit = Literal["fraction", "points", "days", "weeks", "usd", "ratio", "auc"]


class Estimate(BaseModel):
    """One number shown to a person: value, interval, n (and what it counts), unit, verdict, reading.

    Build estimates with :func:`coaching_roi.verdict.make`, the only place a verdict is decided.
    ``mde`` (minimum detectable effect) is present when the verdict is neither positive nor negative.
    """

    model_config = ConfigDict(extra="allow")

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    n_unit: str
    unit: Unit
    verdict: Literal["positive", "negative", "no_clear_change", "too_few"]
    reference: float = 0.0
    reading: str

    @field_validator("n_unit")
    @classmethod
    def _n_unit(cls, v: str) -> str:
        from coaching_roi.estimate_ids import N_UNITS

        if v not in N_UNITS:
            raise ValueError(f"n_unit {v!r} is not one of {', '.join(N_UNITS)}")
        return v

    @model_validator(mode="after")
    def _mde_where_unclear(self) -> Estimate:
        if self.verdict in ("no_clear_change", "too_few") and "mde" not in (self.model_extra or {}):
            raise ValueError("an estimate that is no_clear_change or too_few carries `mde` (None when not computable)")
        return self

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
    headline_ids: list[str] | None = None,
    top: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict:
    """Record one notebook's estimates and status, then rebuild ``findings.json``.

    ``status`` is ``"ok"`` or ``"skipped: <why>"``. ``headline_ids`` names the estimates the headline
    rests on; ``top`` adds top-level keys (e.g. ``confidence_level``, ``decision``). Returns the
    merged findings.
    """
    run_dir = Path(run_dir)
    checked = {k: Estimate.model_validate(v).model_dump() for k, v in (estimates or {}).items()}
    part = {"quarter": quarter, "notebook": notebook, "status": status, "estimates": checked}
    if headline is not None:
        part["headline"] = headline
        part["headline_ids"] = list(headline_ids or [])
    if top:
        part["top"] = top
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
        merged: dict[str, Any] = {"quarter": quarter, "estimates": {}, "headline": None, "headline_ids": [],
                                  "status": {}, "extra": {}}
        for p in sorted(parts_dir.glob("*.json")):
            part = json.loads(p.read_text(encoding="utf-8"))
            merged["quarter"] = merged["quarter"] or part.get("quarter")
            merged["estimates"].update(part.get("estimates", {}))
            merged["status"][part["notebook"]] = part.get("status", "ok")
            if part.get("headline"):
                merged["headline"] = part["headline"]
                merged["headline_ids"] = part.get("headline_ids", [])
            merged.update(part.get("top") or {})
            if part.get("extra"):
                merged["extra"][part["notebook"]] = part["extra"]
        _atomic_write(run_dir / "findings.json", json.dumps(merged, indent=2))
        fcntl.flock(lock, fcntl.LOCK_UN)
    return merged


def load(run_dir: str | Path) -> dict:
    """Read ``findings.json`` (empty skeleton when no notebook has written yet)."""
    path = Path(run_dir) / "findings.json"
    if not path.exists():
        return {"quarter": None, "estimates": {}, "headline": None, "headline_ids": [], "status": {}, "extra": {}}
    return json.loads(path.read_text(encoding="utf-8"))
