"""The calibration study's table: per team size and estimate, coverage of the planted value, the share of
positive verdicts (claims) per scenario and the share ``too_few``, from the rows
:func:`coaching_roi.calibration.analyse_team` returns; :func:`markdown_table` prints it (docs/METHODS.md).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from coaching_roi import estimate_ids as ids
from coaching_roi.calibration import EACH, EACH_BEHAVIOR, HEADLINE_IDS, SCENARIOS, entry_for


def _share(mask: pd.Series) -> tuple[float, int, int]:
    k, n = int(mask.sum()), int(len(mask))
    return (k / n if n else float("nan")), k, n




def family(estimate_id: str) -> str:
    """The row an estimate is summarised in: ``behavior_change::each behavior`` for every per-behavior one."""
    base, sub = ids.parse(estimate_id)
    return ids.make(base, EACH) if base in EACH_BEHAVIOR and sub not in (None, ids.POOLED) else estimate_id


def summarise(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (n_aes, estimate): teams, coverage and claim share per scenario, too_few share, targets met.

    Claim shares are over the teams where the estimate exists (a ``too_few`` estimate makes no claim);
    coverage is over the teams where it has an interval and a planted value. Per-behavior estimates
    of :data:`EACH_BEHAVIOR` are pooled into one row (units: team x behavior).
    """
    if "reference" not in rows:  # rows of an older run
        rows = rows.assign(reference=[0.5 if e == "behavior_auc" else 0.0 for e in rows["estimate"]])
    rows = rows.assign(estimate=rows["estimate"].map(family),
                       above=pd.to_numeric(rows["ci_low"], errors="coerce") > rows["reference"].fillna(0.0))
    out = []
    for (n_aes, eid), g in rows.groupby(["n_aes", "estimate"], sort=True):
        entry = entry_for(eid) if eid not in HEADLINE_IDS else None
        rec: dict[str, Any] = {"n_aes": int(n_aes), "estimate": eid}
        for sc in SCENARIOS:
            s = g[g["scenario"] == sc]
            rec[f"{sc}_teams"] = int(len(s))
            rec[f"{sc}_claim"], rec[f"{sc}_claim_k"], _ = _share(s["claim"].astype(bool))
            rec[f"{sc}_above"], rec[f"{sc}_above_k"], _ = _share(s["above"].astype(bool))
            cov = s["covered"].dropna().astype(bool)
            rec[f"{sc}_coverage"], rec[f"{sc}_coverage_k"], rec[f"{sc}_coverage_n"] = _share(cov)
            rec[f"{sc}_truth"] = float(s["truth"].dropna().mean()) if s["truth"].notna().any() else float("nan")
            rec[f"{sc}_too_few"] = _share(s["verdict"] == "too_few")[0] if eid not in HEADLINE_IDS else float("nan")
        fp_sc = entry.fp_scenarios if entry is not None else ("no_effect",)
        fp_target = entry.fp_target if entry is not None else 0.0
        fps = [rec[f"{sc}_claim"] for sc in fp_sc if rec[f"{sc}_teams"]]
        rec["fp_worst"] = max(fps) if fps else float("nan")
        rec["fp_ok"] = (bool(rec["fp_worst"] <= fp_target + 1e-12) if (fp_target is not None and fps) else None)
        cov_t = entry.coverage_target if entry is not None else None
        rec["coverage_ok"] = (bool(rec["planted_coverage"] >= cov_t) if (cov_t is not None and rec["planted_coverage_n"]) else None)
        out.append(rec)
    return pd.DataFrame(out)


def _pct(x: float, k: int | None = None, n: int | None = None) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    pct = f"{100 * x:.1f}" if 0 < x < 0.1 else f"{100 * x:.0f}"
    return f"{pct}%" + (f" ({k}/{n})" if k is not None and n is not None else "")


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def markdown_table(summary: pd.DataFrame) -> str:
    """The study's table: one row per size and estimate (claims = positive verdicts; the fairness
    check counts flags either way; "interval above ref." = the interval alone lies above the reference,
    whatever the minimum-n rule says; coverage of the planted value by the interval)."""
    head = ("| AEs | estimate | planted: coverage | planted: power | no effect: claims | no effect: interval "
            "above ref. | no effect: coverage | lift, no outcome link: claims | too few (planted) |\n"
            "|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in summary.itertuples(index=False):
        d = r._asdict()
        cov = _pct(d["planted_coverage"], d["planted_coverage_k"], d["planted_coverage_n"]) + _mark(d["coverage_ok"])
        ne = _pct(d["no_effect_claim"], d["no_effect_claim_k"], d["no_effect_teams"])
        nl = _pct(d["no_outcome_link_claim"], d["no_outcome_link_claim_k"], d["no_outcome_link_teams"])
        entry = entry_for(d["estimate"]) if d["estimate"] not in HEADLINE_IDS else None
        fp_sc = entry.fp_scenarios if entry is not None else ("no_effect",)
        target = entry.fp_target if entry is not None else 0.0
        if target is not None and "no_effect" in fp_sc and d["no_effect_teams"]:
            ne += _mark(d["no_effect_claim"] <= target + 1e-12)
        if target is not None and "no_outcome_link" in fp_sc and d["no_outcome_link_teams"]:
            nl += _mark(d["no_outcome_link_claim"] <= target + 1e-12)
        lines.append(
            f"| {d['n_aes']} | `{d['estimate']}` | {cov} | {_pct(d['planted_claim'])} | {ne} | "
            f"{'–' if entry is None else _pct(d['no_effect_above'], d['no_effect_above_k'], d['no_effect_teams'])} | "
            f"{_pct(d['no_effect_coverage'], d['no_effect_coverage_k'], d['no_effect_coverage_n'])} | {nl} | "
            f"{_pct(d['planted_too_few'])} |")
    return "\n".join(lines)
