"""The deal-cycle bootstrap in batches: % faster for many rep resamples at once.

A resample is how often each rep is drawn (``counts``, one row per resample). Per resample the
statistic needs (1) the weighted median score, (2) which deals score at or above it ("high") and
(3) the Kaplan–Meier curve of each group: deaths and numbers at risk at every event day. All of these
are integer sums of the counts, so they are computed for a batch of resamples as products of the
counts with fixed 0/1 matrices (deals x event days, deals x reps): the same integers as the
per-resample path (:meth:`deal_cycle._Counted.of_group_counts`), hence the same curves and medians
bit for bit (the tests compare them), without a pass over every deal per resample.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


class PctFasterDraws:
    """1 − KM median(high) / KM median(low) of deals resampled by rep, a batch of resamples at a time.

    ``codes`` is each deal's rep (0..G-1). :meth:`draws` takes ``counts`` (resamples x reps)."""

    def __init__(self, days: np.ndarray, closed: np.ndarray, score: np.ndarray, codes: np.ndarray, n_groups: int,
                 *, chunk: int = 256) -> None:
        n = len(days)
        self.n, self.n_groups, self.chunk = n, n_groups, chunk
        self.by_score = np.argsort(score, kind="stable")
        self.score_sorted = score[self.by_score]
        self.codes = codes[self.by_score]  # every per-deal array below is in score order
        d, e = days[self.by_score], closed[self.by_score]
        self.times = np.unique(days[closed])  # the event days, ascending
        n_t = len(self.times)
        self.event_at = np.where(e, np.searchsorted(self.times, d), -1)  # a closed deal's event day
        self.risk_to = np.searchsorted(self.times, d, side="right") - 1  # at risk at event days 0..risk_to
        # weighted median: cumulative deals per rep at the end of each chunk of deals (score order)
        chunk_of = np.arange(n) // chunk
        n_chunks = int(chunk_of[-1]) + 1 if n else 0
        per_chunk = np.bincount(chunk_of * n_groups + self.codes, minlength=n_chunks * n_groups)
        self.prefix = np.cumsum(per_chunk.reshape(n_chunks, n_groups), axis=0).astype(float)
        self.sizes = np.bincount(self.codes, minlength=n_groups).astype(float)
        # all deals: deaths and at-risk counts per event day and rep
        self.deaths_all = self._scatter(np.arange(n), self.event_at, n_t, self.codes, n_groups)
        self.risk_all = self._at_risk(self._scatter(np.arange(n), self.risk_to, n_t, self.codes, n_groups))

    @staticmethod
    def _scatter(rows: np.ndarray, to: np.ndarray, n_t: int, cols: np.ndarray, n_cols: int):
        """Dense (event days x ``n_cols``) count of ``rows`` at day ``to`` (skipping -1) in column ``cols``."""
        ok = to[rows] >= 0
        out = np.zeros((n_t, n_cols))
        np.add.at(out, (to[rows][ok], cols[ok]), 1.0)
        return out

    @staticmethod
    def _at_risk(by_last_day: np.ndarray) -> np.ndarray:
        """At risk at day t = deals whose last at-risk day is t or later (a reversed cumulative sum)."""
        return np.cumsum(by_last_day[::-1], axis=0)[::-1]

    def _positions(self, counts: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Per resample, ``np.searchsorted(cumsum(w in score order), target, side="right")``."""
        ends = counts @ self.prefix.T  # (B, chunks): cumulative count at each chunk's end
        out = np.empty(len(counts), dtype=np.int64)
        for b, (row, t) in enumerate(zip(counts, targets, strict=True)):
            j = int(np.searchsorted(ends[b], t, side="right"))
            base = ends[b, j - 1] if j > 0 else 0.0
            lo = j * self.chunk
            local = base + np.cumsum(row[self.codes[lo:lo + self.chunk]])
            out[b] = lo + int(np.searchsorted(local, t, side="right"))
        return out

    def draws(self, counts: np.ndarray, *, batch: int = 64) -> np.ndarray:
        """The statistic of each resample (rows of ``counts``); nan where the split or a median fails."""
        out = np.full(len(counts), np.nan)
        for s in range(0, len(counts), batch):
            out[s:s + batch] = self._batch(np.asarray(counts[s:s + batch], dtype=float))
        return out

    def _batch(self, c: np.ndarray) -> np.ndarray:
        total = c @ self.sizes  # exact integers
        t_lo, t_hi = (total - 1) // 2, total // 2
        at_lo, at_hi = self._positions(c, t_lo), self._positions(c, t_hi)
        out = np.full(len(c), np.nan)
        lo, hi = self.score_sorted[at_lo], self.score_sorted[at_hi]
        thr = np.where(total % 2 == 0, (lo + hi) / 2, hi)  # np.mean of the two middle scores, as the plain path
        first_high = np.searchsorted(self.score_sorted, thr, side="left")  # high = score order from here on
        start = int(first_high.min())
        rows = np.arange(start, self.n)
        w = c[:, self.codes[rows]] * (rows[None, :] >= first_high[:, None])  # (B, candidate deals) high weights
        n_t = len(self.times)
        ev, rk = self.event_at[rows], self.risk_to[rows]
        ok_e, ok_r = ev >= 0, rk >= 0
        to_day_e = sparse.csr_array((np.ones(int(ok_e.sum())), (ev[ok_e], np.flatnonzero(ok_e))), shape=(n_t, len(rows)))
        to_day_r = sparse.csr_array((np.ones(int(ok_r.sum())), (rk[ok_r], np.flatnonzero(ok_r))), shape=(n_t, len(rows)))
        deaths_hi = to_day_e @ w.T  # (event days, B)
        risk_hi = self._at_risk(to_day_r @ w.T)
        deaths_lo = self.deaths_all @ c.T - deaths_hi
        risk_lo = self.risk_all @ c.T - risk_hi
        n_hi = w.sum(axis=1)
        mh, ml = self._medians(deaths_hi, risk_hi), self._medians(deaths_lo, risk_lo)
        ok = (n_hi > 0) & (n_hi != total) & np.isfinite(mh) & np.isfinite(ml) & (ml > 0)
        out[ok] = 1 - mh[ok] / ml[ok]
        return out

    def _medians(self, deaths: np.ndarray, at_risk: np.ndarray) -> np.ndarray:
        """``km._interpolated_median`` of each column's curve (event days x resamples); inf without an event
        or when the curve stays above 0.5.

        A day without a death in a column multiplies its curve by an exact 1.0, so the curve at the days
        with deaths, the first of them at or below 0.5 and the one before it (the interpolation's
        ends) are those of the curve over that column's death days alone, bit for bit."""
        n_t, n_b = deaths.shape
        has = deaths > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            surv = np.cumprod(np.where(has, 1 - deaths / at_risk, 1.0), axis=0)
        hit = has & (surv <= 0.5 + 1e-9)
        out = np.full(n_b, np.inf)
        cols = np.flatnonzero(hit.any(axis=0))
        if not len(cols):
            return out
        k = hit[:, cols].argmax(axis=0)  # the first death day at or below 0.5
        last_has = np.maximum.accumulate(np.where(has, np.arange(n_t)[:, None], -1), axis=0)
        prev = np.where(k > 0, last_has[np.maximum(k - 1, 0), cols], -1)  # the death day before it
        t_prev = np.where(prev >= 0, self.times[np.maximum(prev, 0)], 0.0)
        s_prev = np.where(prev >= 0, surv[np.maximum(prev, 0), cols], 1.0)
        out[cols] = t_prev + (s_prev - 0.5) / (s_prev - surv[k, cols]) * (self.times[k] - t_prev)
        return out
