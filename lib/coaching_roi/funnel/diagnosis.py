"""Each SDR's weakest stage, diagnosed only beyond noise (Bonferroni over the stages), with one
line of evidence."""

from __future__ import annotations

import numpy as np
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
    # The stages a rep's focus is picked from: its gaps if any, else the stages with enough volume, else
    # any with data. Each set holds the next (a gap has enough volume; enough volume has data), so a
    # row's class is the first set it is in, and a rep picks among the rows of its lowest class: the
    # lowest (rel_gap, stage), as one sort of all rows (not one sort per rep).
    has_data = (rates["rate"].notna() & (rates["n"] > 0)).to_numpy()
    enough = (rates["enough_volume"] & rates["rate"].notna()).to_numpy()
    cls = np.where(rates["below_benchmark"].to_numpy(dtype=bool), 0, np.where(enough, 1, np.where(has_data, 2, 3)))
    d = rates.assign(_cls=cls, _gap=rates["below_benchmark"].to_numpy(dtype=bool).astype(np.int64))
    n_gaps = d.groupby("rep_id", observed=True, sort=True)["_gap"].sum()
    d = d[d["_cls"] == d.groupby("rep_id", observed=True, sort=False)["_cls"].transform("min")]
    picks = d[d["_cls"] < 3].sort_values(["rep_id", "rel_gap", "stage"]).drop_duplicates("rep_id").set_index("rep_id")
    status_of = {0: "gap", 1: "on benchmark", 2: "low volume"}
    for rep_id in n_gaps.index:
        if rep_id not in picks.index:
            out.append({"rep_id": rep_id, "status": "no data", "n_gaps": 0, "evidence": "No SDR activity logged in the period."})
            continue
        pick, status = picks.loc[rep_id], status_of[int(picks.at[rep_id, "_cls"])]
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
            "n_gaps": int(n_gaps[rep_id]),
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
