"""After the sections: merging their findings, the summary tables and the notebook's findings status."""

from __future__ import annotations

from typing import Any

import pandas as pd

from coaching_roi.estimate_ids import label as estimate_label
from coaching_roi.estimate_ids import shown_unit
from coaching_roi.stats import fmt_interval, fmt_value

from .common import Findings, Table


# -------------------------------------------------------------------------------------- summary
def collect(*sections: Any) -> tuple[Findings, dict[str, str]]:
    """Merge the sections' ``estimates`` and ``not_computed`` in notebook order (later keys win)."""
    estimates: Findings = {}
    not_computed: dict[str, str] = {}
    for s in sections:
        estimates.update(s.estimates)
        not_computed.update(s.not_computed)
    return estimates, not_computed


def _as_dict(e: Any) -> dict:
    return e if isinstance(e, dict) else e.model_dump()


def summary_tables(estimates: Findings, not_computed: dict[str, str]) -> tuple[Table | None, Table | None]:
    """The estimates written to findings.json (gaps and per-point slopes shown in pp), and what was not computed."""
    rows = []
    for k, e in estimates.items():
        e = _as_dict(e)
        shown = shown_unit(k, e["unit"])
        rows.append({"estimate": estimate_label(k), "value": fmt_value(e["value"], shown, signed=True),
                     "interval": fmt_interval(e["ci_low"], e["ci_high"], shown), "n": f"{e['n']:,} {e['n_unit']}",
                     "verdict": e["verdict"].replace("_", " "), "reading": e["reading"]})
    est_table = Table(pd.DataFrame(rows), "Estimates written to findings.json") if rows else None
    nc_table = (Table(pd.DataFrame([{"not computed": k, "why": v} for k, v in not_computed.items()]), "Not computed, and why")
                if not_computed else None)
    return est_table, nc_table


def findings_status(estimates: Findings, not_computed: dict[str, str]) -> str:
    """``"ok"`` when anything was estimated (more than *too few to tell*), else ``"skipped: <section>: <why>; ..."``."""
    if any(e.get("verdict") != "too_few" for e in estimates.values()):
        return "ok"
    return "skipped: " + "; ".join(f"{k}: {v}" for k, v in not_computed.items())
