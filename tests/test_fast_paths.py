"""Faster implementations against the plain ones they replaced, on small synthetic data: the same
numbers bit for bit (the workbook's artifacts and findings must not move when a loop is vectorised)."""

from __future__ import annotations

import numpy as np
import pytest

from coaching_roi import bootstrap
from coaching_roi.effects import did


def _demean_reference(x: np.ndarray, groups: list[np.ndarray], *, tol: float = 1e-11, max_iter: int = 5000) -> np.ndarray:
    """:func:`did._demean` as the plain loop it replaced over columns with ``np.bincount`` (the tests compare the two bit for bit)."""
    x = np.array(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    counts = [np.bincount(g) for g in groups]
    for _ in range(max_iter):
        biggest = 0.0
        for g, c in zip(groups, counts, strict=True):
            for j in range(x.shape[1]):
                means = np.bincount(g, weights=x[:, j], minlength=len(c)) / np.maximum(c, 1)
                step = means[g]
                x[:, j] -= step
                biggest = max(biggest, float(np.max(np.abs(step))) if len(step) else 0.0)
        if biggest < tol:
            break
    return x


def _unbalanced_panel(rng: np.random.Generator, n: int, n_units: int, n_weeks: int, k: int):
    unit = rng.integers(0, n_units, n)
    week = rng.integers(0, n_weeks, n)
    x = rng.normal(size=(n, k)) + unit[:, None] * 0.3 - week[:, None] * 0.1
    x[:, 1] = (rng.random(n) < 0.2).astype(float)  # a 0/1 dummy column, as in the event-study design
    return x, [np.unique(unit, return_inverse=True)[1], np.unique(week, return_inverse=True)[1]]


@pytest.mark.parametrize("seed", [0, 1])
def test_demean_equals_plain_bincount_loop_bit_for_bit(seed):
    x, groups = _unbalanced_panel(np.random.default_rng(seed), 5_000, 300, 40, 5)
    ref = _demean_reference(x, groups)
    fast = did._demean(x, groups)
    assert fast.tobytes() == ref.tobytes()
    # in place on a C-ordered matrix (how fit_stacked calls it) and on one column
    z = x.copy()
    assert did._demean(z, groups, overwrite=True, block=777) is z and z.tobytes() == ref.tobytes()
    assert did._demean(x[:, 0], groups).tobytes() == _demean_reference(x[:, 0], groups).tobytes()
    # the stopping rule is the same: each stops after the same sweep (looser tolerance, fewer sweeps)
    assert did._demean(x, groups, tol=1e-3).tobytes() == _demean_reference(x, groups, tol=1e-3).tobytes()


def test_demean_nan_column_stops_like_the_plain_loop():
    x, groups = _unbalanced_panel(np.random.default_rng(3), 800, 50, 12, 3)
    x[5, 2] = np.nan
    assert np.array_equal(did._demean(x, groups), _demean_reference(x, groups), equal_nan=True)


def _resampled_sums_flat(x, n_boot, rng, max_cells):
    """The former resampled_sums: every count of a block from one flat bincount."""
    n = x.shape[0]
    out = []
    for idx in bootstrap.resample_blocks(n, n_boot, rng, max_cells):
        k = idx.shape[0]
        idx += (np.arange(k, dtype=idx.dtype) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=k * n).reshape(k, n)
        out.append(counts.astype(float) @ x)
    return np.vstack(out)


def test_resampled_sums_equal_flat_bincount_bit_for_bit():
    x = np.random.default_rng(5).normal(size=(301, 11))
    fast = bootstrap.resampled_sums(x, 97, np.random.default_rng(6), max_cells=301 * 10)
    ref = _resampled_sums_flat(x, 97, np.random.default_rng(6), max_cells=301 * 10)
    assert fast.tobytes() == ref.tobytes()


def test_scorer_column_cleans_each_name_once_like_the_plain_string_chain():
    import pandas as pd

    from coaching_roi.scoring import composite

    raw = pd.Series([" Manager", "AI ", None, "", "peer", "ai", "MANAGER", None, "  "] * 7, dtype="str")
    frame = pd.DataFrame({"call_id": [f"c{i}" for i in range(len(raw))], "scorer": raw})
    frame.index = range(100, 100 + len(raw))
    plain = frame["scorer"].astype("string").str.strip().str.lower().fillna("unrecorded").replace("", "unrecorded")
    got = composite._scorer_column(frame)
    pd.testing.assert_series_equal(got, plain, check_names=False)
    assert got.dtype == plain.dtype
    assert (composite._scorer_column(frame[["call_id"]]) == "unrecorded").all()


def test_rep_period_counts_rows_only_where_they_are_calls():
    import pandas as pd

    from coaching_roi import scoring

    rng = np.random.default_rng(8)
    n_calls = 400
    calls = pd.DataFrame({"call_id": [f"c{i}" for i in range(n_calls)], "rep_id": [f"r{i % 9}" for i in range(n_calls)],
                          "call_date": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 200, n_calls), unit="D"),
                          "call_type": "discovery"})
    scores = pd.DataFrame({"call_id": np.repeat(calls["call_id"], 3), "behavior": ["a", "b", "c"] * n_calls,
                           "score": rng.integers(1, 6, 3 * n_calls).astype(float), "scorer": "manager"})
    scored = scoring.scored_calls(calls, scoring.primary_scores(scores))
    for period in ("week", "quarter"):
        fast = scoring.rep_period_behavior(scored, period, one_row_per_call=True)
        pd.testing.assert_frame_equal(fast, scoring.rep_period_behavior(scored, period))


def test_deal_cycle_statistic_from_rep_counts_equals_expanded_rows():
    import pandas as pd

    from coaching_roi.survival import deal_cycle

    rng = np.random.default_rng(11)
    n = 600
    days = rng.integers(1, 90, n).astype(float)
    closed = rng.random(n) < 0.7
    score = np.round(rng.normal(5, 1.5, n), 1)
    codes = pd.factorize(pd.Series(rng.integers(0, 40, n)))[0]
    stat = deal_cycle._Counted(days, closed, score, codes)
    picks = bootstrap.resample(int(codes.max()) + 1, 60, np.random.default_rng(12))
    by_rows = [deal_cycle._pct_faster(days[r], closed[r], score[r]) for r in bootstrap.iter_cluster_rows(codes, picks)]
    by_counts = [stat.of_group_counts(np.bincount(p, minlength=int(codes.max()) + 1)) for p in picks]
    assert np.array_equal(np.array(by_rows), np.array(by_counts), equal_nan=True)
    # the batch path on the counts of the same draws as the row-expanding bootstrap
    from coaching_roi.survival.deal_cycle_draws import PctFasterDraws

    _, d_rows = bootstrap.cluster_bootstrap(codes, stat, n_boot=150, seed=12, level=0.95)
    counts = bootstrap.resampled_group_counts(codes, 150, 12)
    batched = PctFasterDraws(days, closed, score, codes, int(codes.max()) + 1, chunk=64).draws(counts, batch=16)
    assert np.array_equal(d_rows, batched, equal_nan=True)
    assert np.isfinite(batched).mean() > 0.9



def test_deal_cycle_batch_equals_expanded_rows_on_small_censored_teams():
    """Few deals, mostly open: medians often not reached, splits that leave a group empty; the batch
    path (medians of all resamples at once) gives the row-expanding bootstrap's draws bit for bit."""
    import pandas as pd

    from coaching_roi.survival import deal_cycle
    from coaching_roi.survival.deal_cycle_draws import PctFasterDraws

    rng = np.random.default_rng(21)
    n_nan = 0
    for case, (n, share_closed, n_reps) in enumerate([(12, 0.3, 4), (30, 0.5, 6), (25, 0.9, 3), (40, 0.15, 10)]):
        days = rng.integers(1, 15, n).astype(float)
        closed = rng.random(n) < share_closed
        score = np.round(rng.normal(5, 1.0, n), 0)
        codes = pd.factorize(pd.Series(rng.integers(0, n_reps, n)))[0]
        stat = deal_cycle._Counted(days, closed, score, codes)
        _, d_rows = bootstrap.cluster_bootstrap(codes, stat, n_boot=120, seed=case, level=0.95)
        counts = bootstrap.resampled_group_counts(codes, 120, case)
        batched = PctFasterDraws(days, closed, score, codes, int(codes.max()) + 1, chunk=8).draws(counts, batch=32)
        assert np.array_equal(d_rows, batched, equal_nan=True), case
        n_nan += int(np.isnan(batched).any())
    assert n_nan >= 2

def test_rank_shortcut_only_when_the_pivoted_qr_keeps_every_column():
    from scipy.linalg import qr

    rng = np.random.default_rng(13)
    for scale in (1.0, 1e-3, 1e-5, 1e-7, 1e-9, 0.0):
        X = rng.normal(size=(400, 6))
        X[:, 5] = X[:, 0] + X[:, 1] + scale * rng.normal(size=400)  # nearly (or exactly) collinear at small scale
        _, r, _ = qr(X, mode="economic", pivoting=True)
        diag = np.abs(np.diag(r))
        qr_keeps_all = bool((diag > 1e-8 * diag.max()).all())
        if did._clearly_full_rank(X):
            assert qr_keeps_all, scale
    assert not did._clearly_full_rank(np.column_stack([X[:, 0], X[:, 0]]))


def test_stacked_fit_unchanged_on_a_planted_panel():
    """fit_stacked with the shortcut and the code-based panel equals the QR path bit for bit."""
    import pandas as pd

    rng = np.random.default_rng(14)
    weeks = pd.date_range("2026-01-05", periods=30, freq="7D")
    reps = [f"r{i:02d}" for i in range(40)]
    weekly = pd.DataFrame([(r, w, "a", rng.normal(3 + (i % 5) * 0.1), 3) for i, r in enumerate(reps) for w in weeks
                           if rng.random() < 0.85], columns=["rep_id", "week", "behavior", "mean_score", "n_calls"])
    first = {r: weeks[8 + (i % 4) * 3] for i, r in enumerate(reps[:16])}
    episodes = pd.DataFrame({"rep_id": list(first), "behavior": "a", "episode_week": list(first.values()),
                             "first_session_date": list(first.values())})
    panel = did.stacked_panel(weekly, episodes, "a", pre_weeks=4, post_weeks=8)
    fast = did.fit_stacked(panel, pre_weeks=4, post_weeks=8)
    real = did._clearly_full_rank
    try:
        did._clearly_full_rank = lambda X: False  # force the pivoted QR
        slow = did.fit_stacked(panel, pre_weeks=4, post_weeks=8)
    finally:
        did._clearly_full_rank = real
    assert fast.coef.tobytes() == slow.coef.tobytes() and fast.cov.tobytes() == slow.cov.tobytes()
    # the panel's rows are those of the plain set-membership rule
    start = episodes.set_index("rep_id")["episode_week"]
    for g, part in panel.groupby("sub"):
        hi = g + 8 * pd.Timedelta(days=7)
        keep = set(start[start == g].index) | set(start[start > hi].index) | (set(reps) - set(start.index))
        plain = weekly[weekly["rep_id"].isin(keep) & (weekly["week"] >= g - 4 * pd.Timedelta(days=7)) & (weekly["week"] <= hi)]
        assert part["rep_id"].tolist() == plain["rep_id"].tolist()
        assert part["treated"].tolist() == plain["rep_id"].isin(set(start[start == g].index)).tolist()


@pytest.mark.parametrize("with_observable", [True, False])
def test_example_targeting_per_rep_equals_filtering_the_whole_log(with_observable):
    import pandas as pd

    from coaching_roi.effects import examples, explode_session_behaviors

    rng = np.random.default_rng(15)
    n = 300
    sessions = pd.DataFrame({"session_id": [f"s{i}" for i in range(n)], "rep_id": [f"r{i}" for i in rng.integers(0, 12, n)],
                             "session_date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 150, n), unit="D"),
                             "behavior": rng.choice(["a", "b", "a;b", "c"], n)})
    if with_observable:
        sessions["observable"] = rng.choice(["asks for the budget", "", "  ", None], n)
    sess = explode_session_behaviors(sessions)
    by_rep = examples._SessionsByRep(sess)
    end = pd.Timestamp("2026-05-20")
    for rep in [f"r{i}" for i in range(13)]:  # r12 has no session
        for week in pd.date_range("2025-12-29", periods=24, freq="7D"):
            ep = pd.Series({"rep_id": rep, "episode_week": week})
            assert by_rep.targeting(ep, 8, end) == examples._targeting(sess, ep, 8, end)


def _team_week_reference(rep_week):
    """The per-group lambda version of ``scoring.team_week_behavior``'s quartiles (replaced by one vectorised pass)."""
    g = rep_week.groupby(["week", "behavior"], observed=True)["mean_score"]
    return g.agg(rep_p25=lambda x: x.quantile(0.25), rep_p75=lambda x: x.quantile(0.75)).reset_index()


def test_team_week_quartiles_equal_the_per_group_quantiles():
    import pandas as pd

    from coaching_roi import scoring

    rng = np.random.default_rng(3)
    n = 600
    rw = pd.DataFrame({
        "rep_id": rng.choice([f"r{i}" for i in range(17)], n),
        "week": pd.to_datetime("2026-07-06") + pd.to_timedelta(7 * rng.integers(0, 9, n), unit="D"),
        "behavior": pd.Categorical(rng.choice(["b", "a", "c"], n), categories=["c", "a", "b"]),
        "mean_score": rng.normal(5, 1.5, n).round(2),
        "n_calls": rng.integers(1, 6, n),
    })
    got = scoring.team_week_behavior(rw)
    want = _team_week_reference(rw)
    assert len(got) == len(want) > 20
    merged = got.merge(want, on=["week", "behavior"], suffixes=("", "_ref"), validate="one_to_one")
    assert len(merged) == len(got)
    for col in ("rep_p25", "rep_p75"):
        np.testing.assert_allclose(merged[col], merged[f"{col}_ref"], rtol=1e-12, atol=1e-12)


def test_phase_trend_interval_is_statsmodels_cluster_ols():
    import pandas as pd
    import statsmodels.api as sm

    from coaching_roi import scoring

    rng = np.random.default_rng(11)
    n = 900
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")
    calls = pd.DataFrame({"call_id": [f"c{i}" for i in range(n)], "rep_id": rng.choice([f"r{i}" for i in range(12)], n),
                          "call_date": start + pd.to_timedelta(rng.integers(0, 92, n), unit="D")})
    rows = []
    for beh, slope in (("open", 0.8), ("close", -0.3)):
        x = (calls["call_date"] - start).dt.days / 92
        rows.append(calls.assign(behavior=beh, score=5 + slope * x + rng.normal(0, 1, n)))
    scored = pd.concat(rows, ignore_index=True)
    phases = {"open": "Opening", "close": "Closing"}
    got = {t.phase: t for t in scoring.phase_trends(scored, phases, start, end, level=0.9)}
    for beh, ph in phases.items():
        p = scored[scored["behavior"] == beh]
        x = ((p["call_date"] - start).dt.days / (end - start).days).to_numpy(float)
        fit = sm.OLS(p["score"].to_numpy(float), sm.add_constant(x)).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(p["rep_id"])[0]})
        lo, hi = fit.conf_int(alpha=0.1)[1]
        assert got[ph].n_calls == len(p) and got[ph].n_reps == p["rep_id"].nunique()
        np.testing.assert_allclose([got[ph].change, got[ph].ci_low, got[ph].ci_high], [fit.params[1], lo, hi],
                                   rtol=1e-10, atol=1e-12)


def test_scored_calls_lookup_equals_the_merge():
    """Scores joined to their calls by position (each call once) give the inner merge's frame exactly: rows in
    the scores' order, scores of unknown calls dropped, the same dtypes; duplicate call ids take the merge."""
    import pandas as pd

    from coaching_roi.scoring import composite

    rng = np.random.default_rng(3)
    n_calls = 400
    ids = pd.Series([f"c{i}" for i in range(n_calls)], dtype="string")
    calls = pd.DataFrame({"call_id": ids, "rep_id": pd.Series(rng.choice(["r1", "r2", "r3"], n_calls), dtype="string"),
                          "call_date": pd.Timestamp("2026-07-01") + pd.to_timedelta(rng.integers(0, 90, n_calls), "D"),
                          "call_type": pd.Series(rng.choice(["discovery", "demo"], n_calls), dtype="string"),
                          "opportunity_id": pd.Series([None if i % 7 == 0 else f"o{i % 50}" for i in range(n_calls)],
                                                      dtype="string")}).sample(frac=1, random_state=1)
    picked = list(rng.integers(0, n_calls + 40, 3000))  # some scores name calls that are not in the table
    primary = pd.DataFrame({"call_id": pd.Series([f"c{i}" for i in picked], dtype="string"),
                            "behavior": pd.Series(rng.choice(["a", "b"], len(picked)), dtype="string"),
                            "score": rng.normal(5, 2, len(picked)), "scorer": pd.Series(["manager"] * len(picked), dtype="string")})
    primary.index = primary.index * 3  # not a default index

    def merged(c: pd.DataFrame, scores: pd.DataFrame = primary) -> pd.DataFrame:
        c = c.copy()
        c["call_date"] = pd.to_datetime(c["call_date"])
        c["week"] = composite.week_start(c["call_date"])
        c["quarter"] = composite.quarter_of(c["call_date"])
        return scores.merge(c, on="call_id", how="inner")

    got = composite.scored_calls(calls, primary)
    assert 0 < len(got) < len(primary)
    pd.testing.assert_frame_equal(got, merged(calls), check_exact=True)
    dup = pd.concat([calls, calls.head(5)])
    pd.testing.assert_frame_equal(composite.scored_calls(dup, primary), merged(dup), check_exact=True)
    none = primary.iloc[:0]
    pd.testing.assert_frame_equal(composite.scored_calls(calls, none), merged(calls, none), check_exact=True)
    clash = primary.assign(rep_id=pd.Series("r9", index=primary.index, dtype="string"))  # a column both frames have
    pd.testing.assert_frame_equal(composite.scored_calls(calls, clash), merged(calls, clash), check_exact=True)
