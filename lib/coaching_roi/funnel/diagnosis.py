"""Each SDR's weakest stage, diagnosed only beyond noise (Bonferroni over the stages), with one
line of evidence."""

from __future__ import annotations

import pandas as pd

from coaching_roi.funnel.stages import STAGE_SHORT, STAGES

# --------------------------------------------------------------------------------------- diagnosis
DIAGNOSIS_COLUMNS = [
    "rep_id",
    "status",
    "stage",
    "skill",
    "rate",
    "ci_low",
    "ci_high",
    "n",
    "benchmark",
    "rel_gap",
    "n_gaps",
    "level",
    "evidence",
]


def diagnose(rates: pd.DataFrame, stage_skills: dict[str, str]) -> pd.DataFrame:
    """Diagnose each rep's weakest stage, beyond noise; one row per rep.

    ``rates`` comes from :func:`stage_rates`. ``status`` is:

    * ``"gap"`` — at least one stage has enough volume and its interval entirely below benchmark;
      ``stage`` is the one with the largest relative shortfall among those (remediation);
    * ``"on benchmark"`` — no such stage; ``stage`` is the relatively weakest stage with enough
      volume (a development focus, not remediation);
    * ``"low volume"`` — no stage reaches the minimum volume; ``stage`` is the weakest point
      estimate among stages with any data, stated as low-volume;
    * ``"no data"`` — the rep has no activity in the period.
    """
    out = []
    for rep_id, g in rates.groupby("rep_id", observed=True, sort=True):
        gaps = g[g["below_benchmark"]]
        enough = g[g["enough_volume"] & g["rate"].notna()]
        anyd = g[g["rate"].notna() & (g["n"] > 0)]
        if len(gaps):
            pick, status = gaps.sort_values(["rel_gap", "stage"]).iloc[0], "gap"
        elif len(enough):
            pick, status = enough.sort_values(["rel_gap", "stage"]).iloc[0], "on benchmark"
        elif len(anyd):
            pick, status = anyd.sort_values(["rel_gap", "stage"]).iloc[0], "low volume"
        else:
            out.append({"rep_id": rep_id, "status": "no data", "n_gaps": 0, "evidence": "No SDR activity logged in the period."})
            continue
        row = {
            "rep_id": rep_id,
            "status": status,
            "stage": pick["stage"],
            "skill": stage_skills.get(pick["stage"], pick["stage"]),
            "rate": pick["rate"],
            "ci_low": pick["ci_low"],
            "ci_high": pick["ci_high"],
            "n": int(pick["n"]),
            "benchmark": pick["benchmark"],
            "rel_gap": pick["rel_gap"],
            "n_gaps": len(gaps),
            "level": pick.get("level", 0.95),
        }
        row["evidence"] = evidence_line(row)
        out.append(row)
    return pd.DataFrame(out, columns=DIAGNOSIS_COLUMNS)


def evidence_line(row: dict | pd.Series) -> str:
    """One line of evidence for a funnel focus, e.g. 'meeting rate 9% (<level> CI 6%–14%, n=180) vs benchmark 20%'."""
    stage = row["stage"]
    short = STAGE_SHORT.get(stage, stage)
    rate, lo, hi, n, b = row["rate"], row["ci_low"], row["ci_high"], int(row["n"]), row["benchmark"]
    lvl = row.get("level", 0.95)
    base = f"{short} rate {rate:.0%} ({fmt_level(lvl)} CI {lo:.0%}–{hi:.0%}, n={n}) vs benchmark {b:.0%}"
    status = row["status"]
    if status == "gap":
        return base + ": below benchmark beyond noise."
    if status == "on benchmark":
        return base + ": not clearly below benchmark; relatively weakest stage (development)."
    return base + ": too little volume to diagnose (under the minimum); treat as a hypothesis."


def fmt_level(level: float) -> str:
    """Show an interval level: 0.95 → '95%', 0.9917 → '99%', 0.9962 → '99.6%'."""
    s = f"{level:.0%}"
    return f"{level:.1%}" if s == "100%" else s


def diagnosis_level(level: float, adjust: bool = True, n_tests: int = len(STAGES)) -> float:
    """Per-test interval level: Bonferroni over ``n_tests`` when ``adjust`` (e.g. 0.95 → 0.9917 for 6)."""
    return 1 - (1 - level) / n_tests if adjust and n_tests > 1 else level
