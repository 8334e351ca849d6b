"""What changed since an earlier run: the quarter file's ``compare_to`` and findings' ``compared_to``.

* :func:`check_run_folder` — an earlier run folder must be one this workbook wrote (``manifest.json``
  and ``findings.json`` of the expected shape); anything else is one clear :class:`WorkbookError`.
* :func:`compare` — every estimate present in either run, with its value and verdict before and
  after and one sentence saying what changed (``status``: new, gone, changed, same).

Verdicts are read as stored in each run's findings; nothing is re-decided here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coaching_roi import estimate_ids as ids
from coaching_roi import verdict as vd
from coaching_roi.decision import link_state
from coaching_roi.errors import WorkbookError

STATUS_WORDS = {"new": "new this run", "gone": "no longer estimated", "changed": "verdict changed", "same": "same verdict"}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_run_folder(path: str | Path, *, where: str = "compare_to") -> Path:
    """Return ``path`` when it is a run folder written by this workbook; raise :class:`WorkbookError` otherwise.

    A run folder holds ``manifest.json`` (with the run's quarter, parameters and the workbook's
    package version) and ``findings.json`` (with an ``estimates`` mapping).
    """
    p = Path(path)
    fix = "Fix: point compare_to at an earlier run's output folder, e.g. outputs/2026Q2."
    if not p.is_dir():
        raise WorkbookError(f"Invalid params in {where}: folder not found: {p}. {fix}")
    manifest, found = _read_json(p / "manifest.json"), _read_json(p / "findings.json")
    if manifest is None or found is None:
        missing = [n for n, v in (("manifest.json", manifest), ("findings.json", found)) if v is None]
        raise WorkbookError(
            f"Invalid params in {where}: {p} is not a run folder of this workbook ({' and '.join(missing)} "
            f"missing or unreadable). {fix}")
    ok = (isinstance(manifest, dict) and {"run", "quarter", "parameters"} <= set(manifest)
          and "coaching-roi" in (manifest.get("packages") or {})
          and isinstance(found, dict) and isinstance(found.get("estimates"), dict))
    if not ok:
        raise WorkbookError(
            f"Invalid params in {where}: {p} holds a manifest.json or findings.json this workbook did not write. {fix}")
    return p


def load_run(path: str | Path) -> tuple[dict, dict]:
    """The earlier run's findings and manifest (the folder is checked first)."""
    p = check_run_folder(path)
    return _read_json(p / "findings.json"), _read_json(p / "manifest.json")


def _state_word(est: Mapping[str, Any] | None, policy: vd.Policy, estimate_id: str) -> str:
    return link_state(est, policy, estimate_id).word  # a check (the pre-trend) reads Passed / Failed


def change_reading(estimate_id: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                   *, policy: vd.Policy, labels: Mapping[str, str] | None = None) -> str:
    """One sentence: the estimate's label, its state before → after and its value before → after."""
    what = ids.label(estimate_id, labels)
    if before is None and after is None:
        return f"{what}: in neither run."
    if before is None:
        assert after is not None
        return f"{what}: new this run — {_state_word(after, policy, estimate_id).lower()}, {vd.value_text(estimate_id, after)}."
    if after is None:
        return f"{what}: no longer estimated (was {_state_word(before, policy, estimate_id).lower()}, " \
               f"{vd.value_text(estimate_id, before)})."
    sb, sa = _state_word(before, policy, estimate_id), _state_word(after, policy, estimate_id)
    vals = f"{vd.value_text(estimate_id, before)} → {vd.value_text(estimate_id, after)}"
    if sb == sa:
        return f"{what}: still {sa.lower()} ({vals})."
    return f"{what}: {sb.lower()} → {sa.lower()} ({vals})."


def _status(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    if before is None:
        return "new"
    if after is None:
        return "gone"
    return "same" if before.get("verdict") == after.get("verdict") else "changed"


def compare(now: Mapping[str, Any], before: Mapping[str, Any], *, run: str, policy: vd.Policy,
            labels: Mapping[str, str] | None = None) -> dict:
    """``compared_to`` for findings.json: ``{"run", "quarter", "changes": [...]}``.

    One change per estimate ID present in either run (this run's order first, then the gone ones):
    ``{"id", "label", "before", "after", "verdict_before", "verdict_after", "state_before", "state_after",
    "status", "reading"}``;
    ``before``/``after`` are the stored values (None when absent), ``status`` is new, gone, changed
    or same.
    """
    e_now: Mapping[str, Any] = now.get("estimates") or {}
    e_before: Mapping[str, Any] = before.get("estimates") or {}
    order = list(e_now) + [k for k in e_before if k not in e_now]
    changes = []
    for k in order:
        a, b = e_now.get(k), e_before.get(k)
        changes.append({
            "id": k, "label": ids.label(k, labels),
            "before": None if b is None else b.get("value"), "after": None if a is None else a.get("value"),
            "verdict_before": None if b is None else b.get("verdict"),
            "verdict_after": None if a is None else a.get("verdict"),
            "state_before": None if b is None else _state_word(b, policy, k),
            "state_after": None if a is None else _state_word(a, policy, k),
            "status": _status(b, a),
            "reading": change_reading(k, b, a, policy=policy, labels=labels),
        })
    return {"run": run, "quarter": before.get("quarter"), "changes": changes}


def summary(compared: Mapping[str, Any] | None) -> str:
    """'Since 2026Q2: 3 verdicts changed, 2 new estimates, 1 no longer estimated.' (empty when nothing to say)."""
    if not compared:
        return ""
    counts = {s: 0 for s in STATUS_WORDS}
    for c in compared.get("changes") or []:
        counts[c["status"]] = counts.get(c["status"], 0) + 1
    parts = []
    if counts["changed"]:
        parts.append(f"{counts['changed']} verdict{'s' if counts['changed'] != 1 else ''} changed")
    if counts["new"]:
        parts.append(f"{counts['new']} new estimate{'s' if counts['new'] != 1 else ''}")
    if counts["gone"]:
        parts.append(f"{counts['gone']} no longer estimated")
    if not parts:
        parts.append("no verdict changed")
    since = compared.get("quarter") or compared.get("run")
    return f"Since {since}: " + ", ".join(parts) + "."


def ordered_for_display(compared: Mapping[str, Any]) -> list[dict]:
    """Changes in reading order: changed verdicts first, then new, gone, and the unchanged."""
    rank = {"changed": 0, "new": 1, "gone": 2, "same": 3}
    return sorted(compared.get("changes") or [], key=lambda c: rank.get(c["status"], 9))
