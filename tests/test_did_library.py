"""Our stacked event-window DiD (``effects.behavior_change`` / ``fit_stacked``) against an established
implementation: Callaway & Sant'Anna's group-time ATT in the ``diff-diff`` package.

Planted panels: reps observed weekly, staggered coaching starts in four cohorts, never-coached reps
and later cohorts as not-yet-treated controls, rep and week effects, and an effect that grows with
event time (0.375 points in week 0 up to 1.5 from week 3 on). The common estimand is the average
effect over event weeks 0..8 minus the average of weeks -4..-1 (week -1 = reference): ours by
construction, Callaway–Sant'Anna's as the same contrast of its event-study aggregation (not-yet-
treated controls, universal base period). Truth: mean over weeks 0..8 of the planted path = 1.25.

Tolerance: the two estimators use different control sets (ours: never-coached reps and reps whose
coaching starts after the window; theirs: every not-yet-treated rep at each week), so they agree up
to sampling noise in how controls are weighted: with 0.5-point noise on 96 reps, ``AGREE`` = 0.10
points (about a third of one standard error of either estimate); each must be within ``NEAR`` =
0.25 points (about 2.5 standard errors) of the truth, and their standard errors within 35% of each
other.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from coaching_roi import effects

dd = pytest.importorskip("diff_diff", reason="diff-diff is in the test extra: pip install -e '.[test]'")

N_REPS, N_WEEKS, PRE, POST = 96, 46, 4, 8
COHORTS = (10, 16, 22, 30)  # first coached week of each cohort; every 5th rep is never coached
GAIN = 1.5
AGREE, NEAR, SE_RATIO = 0.10, 0.25, 1.35
MONDAY0 = pd.Timestamp("2025-10-06")


def planted_effect(e: np.ndarray) -> np.ndarray:
    """Effect in event week e: ramps in over 4 weeks to GAIN, 0 before coaching."""
    return np.where(e >= 0, GAIN * np.minimum((e + 1) / 4, 1.0), 0.0)


TRUTH = float(planted_effect(np.arange(0, POST + 1)).mean())  # 1.25


def panel(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first = np.array([COHORTS[i % 5] if i % 5 < 4 else 0 for i in range(N_REPS)])
    rep_fx = rng.normal(0, 1.0, N_REPS)
    week_fx = rng.normal(0, 0.4, N_WEEKS) + 0.02 * np.arange(N_WEEKS)  # common drift: DiD removes it
    unit, t = np.repeat(np.arange(N_REPS), N_WEEKS), np.tile(np.arange(N_WEEKS), N_REPS)
    g = first[unit]
    eff = np.where(g > 0, planted_effect(t - g), 0.0)
    y = 5 + rep_fx[unit] + week_fx[t] + eff + rng.normal(0, 0.5, len(t))
    return pd.DataFrame({"unit": unit, "time": t, "first_treat": g, "y": y})


def ours(df: pd.DataFrame) -> tuple[float, float]:
    """Our estimate and standard error through effects.behavior_change (the notebook's layer-2 call)."""
    weekly = pd.DataFrame({
        "rep_id": "r" + df["unit"].astype(str), "week": MONDAY0 + pd.to_timedelta(7 * df["time"], unit="D"),
        "behavior": "open_questions", "mean_score": df["y"], "n_calls": 4,
    })
    tr = df[df["first_treat"] > 0].drop_duplicates("unit")
    start = MONDAY0 + pd.to_timedelta(7 * tr["first_treat"].to_numpy(), unit="D")
    episodes = pd.DataFrame({"rep_id": "r" + tr["unit"].astype(str).to_numpy(), "behavior": "open_questions",
                             "first_session_date": start + pd.Timedelta(days=1), "episode_week": start,
                             "n_sessions": 6})
    bc = effects.behavior_change(weekly, episodes, pre_weeks=PRE, post_weeks=POST, pooled=False)
    row = bc.table.set_index("behavior").loc["open_questions"]
    assert row["status"] == "ok", row["status"]
    panel_ = effects.stacked_panel(weekly, episodes, "open_questions", pre_weeks=PRE, post_weeks=POST)
    fit = effects.fit_stacked(panel_, pre_weeks=PRE, post_weeks=POST)
    assert fit.did == pytest.approx(float(row["estimate"]))
    return float(row["estimate"]), float(fit.did_se)


def callaway_santanna(df: pd.DataFrame) -> tuple[float, float]:
    """The same contrast from diff-diff's Callaway–Sant'Anna event study (not-yet-treated controls)."""
    cs = dd.CallawaySantAnna(control_group="not_yet_treated", base_period="universal", estimation_method="reg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library's advisory warnings on small cohorts
        es = cs.fit(df, outcome="y", unit="unit", time="time", first_treat="first_treat").aggregate("event_study")
    att = es.to_dataframe().set_index("event_time")["att"]
    w = pd.Series(0.0, index=att.index)
    w.loc[0:POST] = 1.0 / (POST + 1)
    w.loc[-PRE:-2] -= 1.0 / PRE  # week -1 is the reference (0) and counts in the pre mean
    est = float((w * att).sum())
    idx = list(es.vcov_index) if es.vcov_index is not None else list(att.index[~es.to_dataframe()["is_reference"].to_numpy()])
    v = np.asarray(es.vcov)
    wv = w.reindex(idx).fillna(0.0).to_numpy()
    return est, float(np.sqrt(wv @ v @ wv))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stacked_did_agrees_with_callaway_santanna(seed):
    df = panel(seed)
    ours_est, ours_se = ours(df)
    cs_est, cs_se = callaway_santanna(df)
    assert abs(ours_est - cs_est) <= AGREE, f"ours {ours_est:.3f} vs Callaway–Sant'Anna {cs_est:.3f}"
    assert abs(ours_est - TRUTH) <= NEAR and abs(cs_est - TRUTH) <= NEAR, (ours_est, cs_est, TRUTH)
    assert 1 / SE_RATIO <= ours_se / cs_se <= SE_RATIO, f"standard errors: ours {ours_se:.3f}, theirs {cs_se:.3f}"

