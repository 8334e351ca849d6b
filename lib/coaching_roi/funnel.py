"""SDR funnel: stage conversion rates per rep and team, benchmark gaps, diagnosis beyond noise.

The funnel (SPEC §8, seed 002): dials → connects → conversations → meetings booked → meetings
held → SQLs, plus the email reply rate. Each stage's rate is ``numerator / denominator`` with a
Wilson interval. A rep's stage counts as a *diagnosed gap* only when its denominator reaches
``cfg.funnel.min_volume`` and the whole interval lies below the benchmark; the weakest stage is the
diagnosed one with the largest relative shortfall, and it maps to the skill to coach
(``cfg.funnel.stage_skills``). Everything else is "on benchmark" — noise is not diagnosed.

Rates are fractions; a zero denominator gives NaN ("no data"), never a division error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from coaching_roi.stats import wilson_interval

COUNT_COLUMNS: tuple[str, ...] = (
    "dials",
    "connects",
    "conversations",
    "meetings_booked",
    "meetings_held",
    "sqls",
    "emails_sent",
    "email_replies",
)


@dataclass(frozen=True)
class Stage:
    """One conversion step: ``numerator / denominator`` (benchmark key = ``key``)."""

    key: str
    numerator: str
    denominator: str
    label: str


STAGES: tuple[Stage, ...] = (
    Stage("connect_rate", "connects", "dials", "Connects / dials"),
    Stage("conversation_rate", "conversations", "connects", "Conversations / connects"),
    Stage("meeting_rate", "meetings_booked", "conversations", "Meetings booked / conversations"),
    Stage("show_rate", "meetings_held", "meetings_booked", "Meetings held / booked"),
    Stage("sql_rate", "sqls", "meetings_held", "SQLs / meetings held"),
    Stage("email_reply_rate", "email_replies", "emails_sent", "Email replies / emails sent"),
)
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
STAGE_LABELS: dict[str, str] = {s.key: s.label for s in STAGES}
STAGE_SHORT: dict[str, str] = {
    "connect_rate": "connect",
    "conversation_rate": "conversation",
    "meeting_rate": "meeting",
    "show_rate": "show",
    "sql_rate": "SQL",
    "email_reply_rate": "email reply",
}
# The call funnel's monotone chain (each count at most the one before it).
CHAIN: tuple[str, ...] = ("dials", "connects", "conversations", "meetings_booked", "meetings_held", "sqls")


# ------------------------------------------------------------------------------------------ counts
def rep_counts(
    sdr_activity: pd.DataFrame,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Sum a canonical ``sdr_activity`` table per rep over ``[start, end)``.

    Returns one row per rep_id with every count column (int64; missing optional email columns are
    0) and ``n_rows`` (activity rows summed) and ``first_date`` / ``last_date``.
    """
    df = sdr_activity
    if start is not None or end is not None:
        d = pd.to_datetime(df["date"])
        keep = pd.Series(True, index=df.index)
        if start is not None:
            keep &= d >= pd.Timestamp(start)
        if end is not None:
            keep &= d < pd.Timestamp(end)
        df = df.loc[keep]
    df = df.copy()
    for c in COUNT_COLUMNS:
        if c not in df.columns:
            df[c] = 0
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype("int64")
    df["rep_id"] = df["rep_id"].astype("string")
    g = df.groupby("rep_id", observed=True, sort=True)
    out = g[list(COUNT_COLUMNS)].sum()
    out["n_rows"] = g.size()
    out["first_date"] = g["date"].min()
    out["last_date"] = g["date"].max()
    return out.reset_index()


def monotonicity_violations(counts: pd.DataFrame) -> pd.DataFrame:
    """Return the rows where a later funnel count exceeds an earlier one (or replies > emails).

    One row per (rep_id, check) with the two counts; empty when the funnel is consistent.
    """
    checks = [(CHAIN[i + 1], CHAIN[i]) for i in range(len(CHAIN) - 1)] + [("email_replies", "emails_sent")]
    rows = []
    for later, earlier in checks:
        if later not in counts.columns or earlier not in counts.columns:
            continue
        bad = counts[later] > counts[earlier]
        for _, r in counts.loc[bad].iterrows():
            rows.append(
                {
                    "rep_id": r.get("rep_id"),
                    "check": f"{later} <= {earlier}",
                    "later": int(r[later]),
                    "earlier": int(r[earlier]),
                }
            )
    return pd.DataFrame(rows, columns=["rep_id", "check", "later", "earlier"])


# ------------------------------------------------------------------------------------------- rates
def _rate_rows(k: int, n: int, level: float) -> tuple[float, float, float]:
    if n <= 0:
        return (float("nan"), float("nan"), float("nan"))
    lo, hi = wilson_interval(int(k), int(n), level)
    return (k / n, lo, hi)


def stage_rates(
    counts: pd.DataFrame,
    benchmarks: dict[str, float] | object,
    *,
    level: float = 0.95,
    min_volume: int = 30,
) -> pd.DataFrame:
    """Tidy stage rates per rep: one row per (rep_id, stage) with Wilson interval and benchmark gap.

    Columns: rep_id, stage, label, k, n, rate, ci_low, ci_high, benchmark, rel_gap
    (rate / benchmark − 1), enough_volume (n ≥ min_volume), below_benchmark (enough volume and the
    whole interval under the benchmark), above_benchmark (enough volume, interval above).
    A zero denominator gives NaN rate and interval.
    """
    bench = _bench_dict(benchmarks)
    rows = []
    for _, r in counts.iterrows():
        for s in STAGES:
            k, n = int(r[s.numerator]), int(r[s.denominator])
            rate, lo, hi = _rate_rows(k, n, level)
            b = bench.get(s.key, float("nan"))
            rows.append(
                {
                    "rep_id": r["rep_id"],
                    "stage": s.key,
                    "label": s.label,
                    "k": k,
                    "n": n,
                    "rate": rate,
                    "ci_low": lo,
                    "ci_high": hi,
                    "benchmark": b,
                }
            )
    out = pd.DataFrame(
        rows, columns=["rep_id", "stage", "label", "k", "n", "rate", "ci_low", "ci_high", "benchmark"]
    )
    out["level"] = level
    return _add_gap_columns(out, min_volume)


def _add_gap_columns(out: pd.DataFrame, min_volume: int) -> pd.DataFrame:
    out = out.copy()
    out["rel_gap"] = out["rate"] / out["benchmark"] - 1
    out["enough_volume"] = out["n"] >= min_volume
    out["below_benchmark"] = out["enough_volume"] & (out["ci_high"] < out["benchmark"])
    out["above_benchmark"] = out["enough_volume"] & (out["ci_low"] > out["benchmark"])
    return out


def team_rates(
    counts: pd.DataFrame,
    benchmarks: dict[str, float] | object,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Pooled team rate per stage (sum of numerators / sum of denominators) with Wilson interval.

    Columns: stage, label, k, n, rate, ci_low, ci_high, benchmark, rel_gap, n_reps (reps with a
    non-zero denominator). The interval treats activities as independent; it describes this
    quarter's pooled rate, not a population of reps.
    """
    bench = _bench_dict(benchmarks)
    rows = []
    for s in STAGES:
        k = int(counts[s.numerator].sum()) if len(counts) else 0
        n = int(counts[s.denominator].sum()) if len(counts) else 0
        rate, lo, hi = _rate_rows(k, n, level)
        rows.append(
            {
                "stage": s.key,
                "label": s.label,
                "k": k,
                "n": n,
                "rate": rate,
                "ci_low": lo,
                "ci_high": hi,
                "benchmark": bench.get(s.key, float("nan")),
                "n_reps": int((counts[s.denominator] > 0).sum()) if len(counts) else 0,
            }
        )
    out = pd.DataFrame(rows)
    out["rel_gap"] = out["rate"] / out["benchmark"] - 1
    return out


def _bench_dict(benchmarks: dict[str, float] | object) -> dict[str, float]:
    if isinstance(benchmarks, dict):
        return {k: float(v) for k, v in benchmarks.items()}
    if hasattr(benchmarks, "model_dump"):
        return {k: float(v) for k, v in benchmarks.model_dump().items()}
    raise TypeError("benchmarks must be a dict or the cfg.benchmarks model")


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
    """One line of evidence for a funnel focus, e.g. 'meeting rate 9% (95% CI 6%–14%, n=180) vs benchmark 20%'."""
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


# ---------------------------------------------------------------------------- quarter-over-quarter
def diff_proportions_interval(k1: int, n1: int, k0: int, n0: int, level: float = 0.95) -> tuple[float, float, float]:
    """Difference p1 − p0 with Newcombe's hybrid score interval (from two Wilson intervals).

    Returns (diff, lo, hi); NaNs when either n is 0.
    """
    if n1 <= 0 or n0 <= 0:
        return (float("nan"), float("nan"), float("nan"))
    p1, p0 = k1 / n1, k0 / n0
    l1, u1 = wilson_interval(k1, n1, level)
    l0, u0 = wilson_interval(k0, n0, level)
    d = p1 - p0
    lo = d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return (d, float(max(-1.0, lo)), float(min(1.0, hi)))


def rate_change(
    rates_now: pd.DataFrame,
    rates_before: pd.DataFrame,
    *,
    level: float = 0.95,
    min_volume: int = 30,
) -> pd.DataFrame:
    """Per (rep, stage) change in rate between two periods with a Newcombe interval.

    Columns: rep_id, stage, rate_before, n_before, rate_now, n_now, change, ci_low, ci_high,
    enough_volume (both denominators ≥ min_volume).
    """
    cols = ["rep_id", "stage", "k", "n", "rate"]
    m = rates_now[cols].merge(rates_before[cols], on=["rep_id", "stage"], how="left", suffixes=("_now", "_before"))
    m[["k_before", "n_before"]] = m[["k_before", "n_before"]].fillna(0).astype("int64")
    res = [
        diff_proportions_interval(int(a), int(b), int(c), int(d), level)
        for a, b, c, d in zip(m["k_now"], m["n_now"], m["k_before"], m["n_before"], strict=True)
    ]
    m["change"] = [r[0] for r in res]
    m["ci_low"] = [r[1] for r in res]
    m["ci_high"] = [r[2] for r in res]
    m["enough_volume"] = (m["n_now"] >= min_volume) & (m["n_before"] >= min_volume)
    return m[
        ["rep_id", "stage", "rate_before", "n_before", "rate_now", "n_now", "change", "ci_low", "ci_high", "enough_volume"]
    ]


def mean_diff_interval(x1: np.ndarray, x0: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Welch difference of means mean(x1) − mean(x0) with its t interval; NaNs when n < 2 in either."""
    x1 = np.asarray(x1, dtype=float)
    x0 = np.asarray(x0, dtype=float)
    x1, x0 = x1[np.isfinite(x1)], x0[np.isfinite(x0)]
    if len(x1) < 2 or len(x0) < 2:
        return (float("nan"), float("nan"), float("nan"))
    d = x1.mean() - x0.mean()
    v1, v0 = x1.var(ddof=1) / len(x1), x0.var(ddof=1) / len(x0)
    se = np.sqrt(v1 + v0)
    if se == 0:
        return (float(d), float(d), float(d))
    dof = (v1 + v0) ** 2 / (v1**2 / (len(x1) - 1) + v0**2 / (len(x0) - 1))
    t = _st.t.ppf(0.5 + level / 2, dof)
    return (float(d), float(d - t * se), float(d + t * se))


# ------------------------------------------------------------------------------------- the summary
@dataclass(frozen=True)
class FunnelResult:
    """Everything notebook 04 shows about the SDR funnel for one quarter."""

    counts: pd.DataFrame  # one row per SDR with summed counts
    rates: pd.DataFrame  # per (rep, stage), from stage_rates
    team: pd.DataFrame  # per stage, from team_rates
    diagnosis: pd.DataFrame  # per rep, from diagnose
    violations: pd.DataFrame  # monotonicity problems (normally empty: intake rejects them)


def analyse(
    sdr_activity: pd.DataFrame,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    benchmarks: dict[str, float] | object,
    stage_skills: dict[str, str],
    min_volume: int,
    level: float = 0.95,
    sdr_ids: list[str] | None = None,
    adjust_for_stages: bool = True,
) -> FunnelResult:
    """Run counts → rates → team → diagnosis for ``[start, end)``.

    ``sdr_ids``: the SDRs to include (e.g. active SDRs from ``reps``); reps without activity get a
    zero row and the diagnosis "no data". ``adjust_for_stages``: a rep's six stages are six
    chances to find a "gap" by luck, so the per-rep intervals use the Bonferroni level
    ``1 − (1 − level) / 6`` (≈ 99%); the team rates keep ``level``.
    """
    counts = rep_counts(sdr_activity, start, end)
    if sdr_ids is not None:
        ids = pd.DataFrame({"rep_id": pd.array(sorted(set(map(str, sdr_ids))), dtype="string")})
        counts = ids.merge(counts, on="rep_id", how="left")
        for c in (*COUNT_COLUMNS, "n_rows"):
            counts[c] = counts[c].fillna(0).astype("int64")
    rates = stage_rates(counts, benchmarks, level=diagnosis_level(level, adjust_for_stages), min_volume=min_volume)
    team = team_rates(counts, benchmarks, level=level)
    diag = diagnose(rates, stage_skills)
    return FunnelResult(counts, rates, team, diag, monotonicity_violations(counts))


def fmt_level(level: float) -> str:
    """Show an interval level: 0.95 → '95%', 0.9917 → '99%', 0.9962 → '99.6%'."""
    s = f"{level:.0%}"
    return f"{level:.1%}" if s == "100%" else s


def diagnosis_level(level: float, adjust: bool = True, n_tests: int = len(STAGES)) -> float:
    """Per-test interval level: Bonferroni over ``n_tests`` when ``adjust`` (e.g. 0.95 → 0.9917 for 6)."""
    return 1 - (1 - level) / n_tests if adjust and n_tests > 1 else level


def working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Business days (Mon–Fri) in ``[start, end)``; 0 when end ≤ start."""
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if e <= s:
        return 0
    return int(np.busday_count(s.date(), e.date()))
