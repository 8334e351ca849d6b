"""Step that injects known bad rows into the generated tables (listed in truth)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from coaching_roi.demo.primitives import _dates, _fmt_date, _rng, _weekday_shift


def inject_bad_rows(st: SimpleNamespace) -> None:
    """Add known bad rows (never changing clean rows) when ``inject_errors`` is set."""
    beh_keys, c_rep, call_ids, calls, coached_aes = st.beh_keys, st.c_rep, st.call_ids, st.calls, st.coached_aes
    data_start, idx, inject_errors, managers = st.data_start, st.idx, st.inject_errors, st.managers
    missing, n_ep, n_sdr, opps, pto, rep_ids = st.missing, st.n_ep, st.n_sdr, st.opps, st.pto, st.rep_ids
    say, scores, sdr, sdr_ids, seed, sessions = st.say, st.scores, st.sdr, st.sdr_ids, st.seed, st.sessions
    span = st.span
    injected: dict[str, dict[str, int]] = {}
    injected_keys: list[dict[str, Any]] = []
    if inject_errors:
        say("inject_errors")
        r = _rng(seed, 8)

        def note(table: str, reason: str, **key: Any) -> None:
            injected.setdefault(table, {})
            injected[table][reason] = injected[table].get(reason, 0) + 1
            injected_keys.append({"table": table, "reason": reason, **key})

        # call_scores: out-of-scale scores, placed on (call, behavior) slots that are missing
        mi, mb = np.nonzero(missing)
        extra_scores = []
        for val in (14.0, -1.0):
            if len(mi) == 0:
                break
            j = int(r.integers(len(mi)))
            extra_scores.append({"call_id": call_ids[mi[j]], "behavior": beh_keys[mb[j]], "score": val,
                                 "scorer": "manager", "scorer_id": managers[c_rep[idx][mi[j]]]})
            note("call_scores", "score_out_of_range", call_id=call_ids[mi[j]], behavior=beh_keys[mb[j]])
            mi, mb = np.delete(mi, j), np.delete(mb, j)
        if extra_scores:
            scores = pd.concat([scores, pd.DataFrame(extra_scores)], ignore_index=True)
        # calls: unknown rep, duplicated call_id
        j = int(r.integers(len(calls)))
        bad = calls.iloc[[j]].copy()
        bad["call_id"] = f"C{len(calls) + 1:06d}"
        bad["rep_id"] = "AE999"
        bad["opportunity_id"] = None
        note("calls", "unknown_rep_id", call_id=bad["call_id"].iloc[0])
        j2 = int(r.integers(len(calls)))
        dup = calls.iloc[[j2]].copy()
        note("calls", "duplicate_call_id", call_id=dup["call_id"].iloc[0])
        calls = pd.concat([calls, dup, bad], ignore_index=True)
        # opportunities: close before created, negative amount
        base_n = len(opps)
        o1 = opps[opps["status"] != "open"].iloc[[int(r.integers((opps["status"] != "open").sum()))]].copy()
        created = pd.to_datetime(o1["created_date"].iloc[0])
        o1["opportunity_id"] = f"OPP-{base_n + 1:05d}"
        o1["close_date"] = (created - pd.Timedelta(days=12)).strftime("%Y-%m-%d")
        note("opportunities", "close_before_created", opportunity_id=o1["opportunity_id"].iloc[0])
        o2 = opps.iloc[[int(r.integers(base_n))]].copy()
        o2["opportunity_id"] = f"OPP-{base_n + 2:05d}"
        o2["amount"] = -int(o2["amount"].iloc[0])
        note("opportunities", "negative_amount", opportunity_id=o2["opportunity_id"].iloc[0])
        opps = pd.concat([opps, o1, o2], ignore_index=True)
        # sdr_activity: connects > dials on a day the SDR otherwise has no row (a PTO day)
        rid = sdr_ids[int(r.integers(n_sdr))]
        free = sorted(pto.get(rid, set()))
        if free:
            d = free[int(r.integers(len(free)))]
            row = {"rep_id": rid, "day": d, "date": _fmt_date(_dates(data_start, np.array([d]))).iloc[0],
                   "dials": 12, "connects": 40, "conversations": 9, "meetings_booked": 2,
                   "meetings_held": 1, "sqls": 1, "emails_sent": 30, "email_replies": 2}
            sdr = pd.concat([sdr, pd.DataFrame([row])], ignore_index=True)
            note("sdr_activity", "connects_gt_dials", rep_id=rid, date=row["date"])
        # coaching_sessions: behavior not in the rubric
        s_rep = rep_ids[int(coached_aes[0])] if n_ep else rep_ids[0]
        s_day = int(_weekday_shift(np.array([span - 20]), data_start)[0])
        srow = {"session_id": f"S{len(sessions) + 1:04d}", "rep_id": s_rep,
                "coach_id": managers[rep_ids.index(s_rep)], "day": s_day,
                "behavior": "rapport_building", "observable": "Small talk for five minutes",
                "format": "one_on_one", "duration_min": 30, "program": None,
                "session_date": _fmt_date(_dates(data_start, np.array([s_day]))).iloc[0]}
        sessions = pd.concat([sessions, pd.DataFrame([srow])], ignore_index=True)
        note("coaching_sessions", "unknown_behavior", session_id=srow["session_id"])

    vars(st).update(
        calls=calls, injected=injected, injected_keys=injected_keys, opps=opps, scores=scores, sdr=sdr,
        sessions=sessions,
    )
