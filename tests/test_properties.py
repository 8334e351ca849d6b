"""Property tests (hypothesis) where inputs vary: intake's row accounting on tables with injected
defects, and the one verdict rule."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching_roi import config, intake
from coaching_roi import verdict as vd

REPS = """rep_id,rep_name,role,team,manager_id,hire_date,end_date,onboarding_program,monthly_quota
AE1,Ann,AE,East,M1,2025-01-06,,standard,50000
AE2,Bob,AE,East,M1,2025-02-03,,structured_sprint,50000
"""
OPP_HEADER = "opportunity_id,rep_id,created_date,close_date,status,amount,account,segment\n"

# One opportunity line per kind: clean, or with one injected defect (each must be rejected with a reason).
CLEAN = "{id},AE1,2026-06-01,2026-07-20,won,12000,Acme,SMB"
DEFECTS = {
    "bad_date": "{id},AE1,2026-13-45,2026-07-20,won,12000,Acme,SMB",
    "unknown_rep": "{id},NOBODY,2026-06-01,2026-07-20,lost,5000,Acme,SMB",
    "bad_status": "{id},AE2,2026-06-01,2026-07-20,maybe,5000,Acme,SMB",
    "negative_amount": "{id},AE2,2026-06-01,2026-07-20,won,-5,Acme,SMB",
    "blank_id": ",AE2,2026-06-01,2026-07-20,won,100,Acme,SMB",
    "close_before_create": "{id},AE1,2026-07-20,2026-06-01,won,12000,Acme,SMB",
    "formula_text": "{id},AE2,2026-06-01,,open,,=HYPERLINK(\"x\"),SMB",  # accepted: text is data, escaped on output
}
KINDS = ["clean", *DEFECTS]


def _run(lines: list[str]) -> intake.IntakeResult:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        (data / "reps.csv").write_text(REPS, encoding="utf-8")
        (data / "opportunities.csv").write_text(OPP_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        cfg = config.build(quarter="2026Q3", name="p", data_dir=str(data), run_dir=str(Path(tmp) / "run"))
        return intake.run_intake(cfg, write=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(KINDS), min_size=1, max_size=12))
def test_intake_accounts_for_every_row_with_injected_defects(kinds):
    lines = [(CLEAN if k == "clean" else DEFECTS[k]).format(id=f"O{i}") for i, k in enumerate(kinds)]
    res = _run(lines)
    acc = res.accounting.set_index("table").loc["opportunities"]
    assert acc["rows_read"] == len(lines)  # every data line is one record
    assert acc["rows_read"] == acc["rows_accepted"] + acc["rows_rejected"]
    assert acc["rows_accepted"] == len(res.tables["opportunities"])
    rejects = res.rejects["opportunities"]
    assert acc["rows_rejected"] == len(rejects)
    expected_rejected = sum(k not in ("clean", "formula_text") for k in kinds)
    assert acc["rows_rejected"] == expected_rejected, (kinds, rejects)
    if len(rejects):
        reasons = rejects.filter(like="reason").astype("string")
        assert not reasons.empty and reasons.notna().all(axis=None) and (reasons.map(len) > 0).all(axis=None)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=finite, a=finite, b=finite, n=st.integers(0, 500), ref=st.sampled_from([0.0, 0.5, -2.0]),
       unit=st.sampled_from(["reps", "deals", "new hires", "coached reps", "calls"]))
def test_verdict_follows_the_interval_and_the_minimum_n(value, a, b, n, ref, unit):
    lo, hi = min(a, b), max(a, b)
    policy = vd.Policy()
    v = vd.decide(value, lo, hi, n, unit, policy=policy, reference=ref)
    if n < policy.min_for(unit):
        assert v == "too_few"
    elif lo > ref:
        assert v == "positive"
    elif hi < ref:
        assert v == "negative"
    else:
        assert v == "no_clear_change"
    # a missing bound is never a finding
    assert vd.decide(value, None, hi, n, unit, policy=policy, reference=ref) == "too_few"
    assert vd.decide(value, lo, math.nan, n, unit, policy=policy, reference=ref) == "too_few"


@settings(max_examples=300, deadline=None)
@given(value=st.floats(0.01, 100), half=st.floats(0.001, 100), n=st.integers(30, 500),
       df=st.one_of(st.none(), st.floats(2, 200)))
def test_confirmed_is_stricter_than_clear_and_symmetric(value, half, n, df):
    policy = vd.Policy()
    up = vd.make("behavior_change::all", value=value, ci_low=value - half, ci_high=value + half, n=n,
                 n_unit="coached reps", unit="points", policy=policy, df=df)
    down = vd.make("behavior_change::all", value=-value, ci_low=-value - half, ci_high=-value + half, n=n,
                   n_unit="coached reps", unit="points", policy=policy, df=df)
    assert vd.confirmed(up, policy) == vd.confirmed(down, policy)
    if vd.confirmed(up, policy):
        assert up["verdict"] == "positive" and down["verdict"] == "negative"
    # a narrower interval around the same value never loses confirmation
    narrow = vd.make("behavior_change::all", value=value, ci_low=value - half / 2, ci_high=value + half / 2, n=n,
                     n_unit="coached reps", unit="points", policy=policy, df=df)
    assert vd.confirmed(narrow, policy) or not vd.confirmed(up, policy)


def test_property_data_is_real_input():
    """Guard: the clean line alone is accepted (so the defect cases above are what make rows fail)."""
    res = _run([CLEAN.format(id="O1")])
    assert len(res.tables["opportunities"]) == 1 and len(res.rejects["opportunities"]) == 0
    assert isinstance(res.tables["opportunities"], pd.DataFrame)
