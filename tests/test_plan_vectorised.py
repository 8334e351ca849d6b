"""Notebook 04's vectorised steps against the plain per-rep implementations they replaced (kept here as
references): the same frames, bit for bit, on small synthetic teams with ties, zero counts, missing
benchmarks and reps without data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coaching_roi import funnel as fn
from coaching_roi import plan
from coaching_roi.funnel.rates import _add_gap_columns, _bench_dict, _stage_row

BENCH = {"connect_rate": 0.10, "conversation_rate": 0.75, "meeting_rate": 0.20, "show_rate": 0.80,
         "sql_rate": 0.55}  # no email benchmark: its gap is NaN
SKILLS = {k: f"skill for {k}" for k in fn.STAGE_KEYS}


def _team(seed: int, n_reps: int = 40) -> pd.DataFrame:
    """Counts per rep: some with nothing, some tiny, some large; rep ids not in sorted order."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_reps):
        dials = int(rng.choice([0, 3, 40, 400, 3000]))
        c = [dials]
        for p in (0.1, 0.75, 0.2, 0.8, 0.55):
            c.append(int(rng.binomial(c[-1], min(1.0, p * rng.uniform(0.3, 1.3)) if i % 3 else p)))
        emails = int(rng.choice([0, 50, 500]))
        c += [emails, int(rng.binomial(emails, 0.08))]
        rows.append({"rep_id": f"S{(i * 7919) % 1000:03d}", **dict(zip(fn.COUNT_COLUMNS, c, strict=True))})
    out = pd.DataFrame(rows)
    out["rep_id"] = out["rep_id"].astype("string")
    return out


def _stage_rates_reference(counts, benchmarks, *, level=0.95, min_volume=30):
    bench = _bench_dict(benchmarks)
    rows = []
    for _, r in counts.iterrows():
        for s in fn.STAGES:
            k, n = int(r[s.numerator]), int(r[s.denominator])
            rows.append({"rep_id": r["rep_id"], **_stage_row(s, k, n, level, bench)})
    out = pd.DataFrame(rows, columns=["rep_id", "stage", "label", "k", "n", "rate", "ci_low", "ci_high", "benchmark"])
    out["level"] = level
    return _add_gap_columns(out, min_volume)


def _diagnose_reference(rates, stage_skills):
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
        row = {"rep_id": rep_id, "status": status, "stage": pick["stage"],
               "skill": stage_skills.get(pick["stage"], pick["stage"]), "rate": pick["rate"], "ci_low": pick["ci_low"],
               "ci_high": pick["ci_high"], "n": int(pick["n"]), "benchmark": pick["benchmark"], "rel_gap": pick["rel_gap"],
               "n_gaps": len(gaps), "level": pick.get("level", 0.95)}
        row["evidence"] = fn.evidence_line(row)
        out.append(row)
    return pd.DataFrame(out, columns=fn.DIAGNOSIS_COLUMNS)


def _rate_change_reference(rates_now, rates_before, *, level=0.95, min_volume=30):
    cols = ["rep_id", "stage", "k", "n", "rate"]
    m = rates_now[cols].merge(rates_before[cols], on=["rep_id", "stage"], how="left", suffixes=("_now", "_before"))
    m[["k_before", "n_before"]] = m[["k_before", "n_before"]].fillna(0).astype("int64")
    res = [fn.diff_proportions_interval(int(a), int(b), int(c), int(d), level)
           for a, b, c, d in zip(m["k_now"], m["n_now"], m["k_before"], m["n_before"], strict=True)]
    m["change"] = [r[0] for r in res]
    m["ci_low"] = [r[1] for r in res]
    m["ci_high"] = [r[2] for r in res]
    m["enough_volume"] = (m["n_now"] >= min_volume) & (m["n_before"] >= min_volume)
    return m[["rep_id", "stage", "rate_before", "n_before", "rate_now", "n_now", "change", "ci_low", "ci_high", "enough_volume"]]


@pytest.mark.parametrize("seed, min_volume, level", [(1, 30, 0.95), (2, 5, 0.9), (3, 0, 1 - 0.05 / 6)])
def test_stage_rates_diagnosis_and_change_equal_the_per_rep_versions(seed, min_volume, level):
    now, before = _team(seed), _team(seed + 100).iloc[::2]
    r_now = fn.stage_rates(now, BENCH, level=level, min_volume=min_volume)
    pd.testing.assert_frame_equal(r_now, _stage_rates_reference(now, BENCH, level=level, min_volume=min_volume))
    r_before = fn.stage_rates(before, BENCH, level=level, min_volume=min_volume)
    pd.testing.assert_frame_equal(fn.diagnose(r_now, SKILLS), _diagnose_reference(r_now, SKILLS))
    assert (fn.diagnose(r_now, SKILLS)["status"].value_counts() > 0).sum() >= 3  # the data reach several statuses
    pd.testing.assert_frame_equal(fn.rate_change(r_now, r_before, level=level, min_volume=min_volume),
                                  _rate_change_reference(r_now, r_before, level=level, min_volume=min_volume))


def test_empty_counts_give_the_same_empty_frames():
    empty = _team(4).iloc[:0]
    r = fn.stage_rates(empty, BENCH)
    pd.testing.assert_frame_equal(r, _stage_rates_reference(empty, BENCH))
    pd.testing.assert_frame_equal(fn.diagnose(r, SKILLS), _diagnose_reference(r, SKILLS))


def _behavior_change_reference(call_level, *, now, before, min_calls, level=0.95):
    date = call_level["call_date"]
    period = np.select([(date >= now[0]) & (date < now[1]), (date >= before[0]) & (date < before[1])], [1, 2], default=0)
    cl = call_level[period > 0]
    period, score = period[period > 0], cl["score"].to_numpy()
    rows = []
    for (rid, b), idx in cl.groupby(["rep_id", "behavior"], observed=True, sort=True).indices.items():
        p, x = period[idx], score[idx]
        x1, x0 = x[p == 1], x[p == 2]
        if len(x1) < min_calls or len(x0) < min_calls:
            continue
        d, lo, hi = fn.mean_diff_interval(x1, x0, level)
        rows.append({"rep_id": rid, "behavior": b, "mean_before": x0.mean(), "n_before": len(x0), "mean_now": x1.mean(),
                     "n_now": len(x1), "change": d, "ci_low": lo, "ci_high": hi})
    cols = ["rep_id", "behavior", "mean_before", "n_before", "mean_now", "n_now", "change", "ci_low", "ci_high"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["rep_id", "behavior"], ignore_index=True) if len(out) else out


@pytest.mark.parametrize("min_calls", [1, 3])
def test_behavior_score_change_equals_the_per_group_version(min_calls):
    rng = np.random.default_rng(9)
    n = 3000
    cl = pd.DataFrame({
        "call_id": [f"C{i}" for i in range(n)],
        "rep_id": pd.array(rng.choice([f"AE{i}" for i in range(25)], n), dtype="string"),
        "call_date": pd.Timestamp("2026-04-01") + pd.to_timedelta(rng.integers(0, 182, n), unit="D"),
        "behavior": rng.choice(["a", "b", "c"], n),
        "score": np.round(rng.normal(6, 1.5, n), 1),
    })
    cl.loc[rng.random(n) < 0.05, "score"] = 5.0  # ties, and some groups with zero spread
    kw = dict(now=(pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")),
              before=(pd.Timestamp("2026-04-01"), pd.Timestamp("2026-07-01")), min_calls=min_calls, level=0.95)
    got = plan.behavior_score_change(cl, **kw)
    assert len(got) > 20
    pd.testing.assert_frame_equal(got, _behavior_change_reference(cl, **kw))
