"""Step that makes the sdr_activity table."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from coaching_roi.demo.constants import SDR_STAGES
from coaching_roi.demo.primitives import _business_days, _dates, _fmt_date, _rng, _round


def make_sdr_activity(st: SimpleNamespace) -> None:
    """The sdr_activity table: a daily binomial funnel per SDR around the benchmarks."""
    active_end, bench, data_start, eff, hire = st.active_end, st.bench, st.data_start, st.eff, st.hire
    n_ae, n_rep, rep_ids, say, seed, span = st.n_ae, st.n_rep, st.rep_ids, st.say, st.seed, st.span
    weak_sdr = st.weak_sdr
    say("sdr_activity")
    r = _rng(seed, 7)
    hist_bdays = _business_days(data_start, span)
    sdr_rates: dict[str, dict[str, float]] = {}
    frames = []
    for i in range(n_ae, n_rep):
        rates = {s: min(bench[s] * r.uniform(1.0, 1.12), 0.95) for s in SDR_STAGES}
        if i == weak_sdr and eff.sdr_weak_stage:
            rates[eff.sdr_weak_stage] = bench[eff.sdr_weak_stage] * eff.sdr_weak_factor
        sdr_rates[rep_ids[i]] = {k: _round(v) for k, v in rates.items()}
        d = hist_bdays[(hist_bdays >= hire[i]) & (hist_bdays < active_end[i])]
        d = d[r.random(len(d)) >= 0.04]                   # PTO and sick days: no row
        n = len(d)
        dials = np.clip(np.round(r.normal(60, 7, n)), 30, 95).astype(np.int64)
        con = r.binomial(dials, rates["connect_rate"])
        conv = r.binomial(con, rates["conversation_rate"])
        booked = r.binomial(conv, rates["meeting_rate"])
        held = r.binomial(booked, rates["show_rate"])
        sqls = r.binomial(held, rates["sql_rate"])
        emails = np.clip(np.round(r.normal(30, 5, n)), 5, 60).astype(np.int64)
        replies = r.binomial(emails, rates["email_reply_rate"])
        frames.append(pd.DataFrame({
            "rep_id": rep_ids[i], "day": d, "dials": dials, "connects": con, "conversations": conv,
            "meetings_booked": booked, "meetings_held": held, "sqls": sqls, "emails_sent": emails,
            "email_replies": replies,
        }))
    sdr = pd.concat(frames, ignore_index=True).sort_values(["rep_id", "day"], kind="stable")
    sdr.insert(1, "date", _fmt_date(_dates(data_start, sdr["day"].to_numpy())))
    sdr = sdr.reset_index(drop=True)
    pto = {rid: set(hist_bdays[(hist_bdays >= hire[i]) & (hist_bdays < active_end[i])].tolist())
           - set(sdr.loc[sdr["rep_id"] == rid, "day"].tolist()) for i, rid in enumerate(rep_ids) if i >= n_ae}

    vars(st).update(
        pto=pto, sdr=sdr, sdr_rates=sdr_rates,
    )
