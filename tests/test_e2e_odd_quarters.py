"""Odd quarters finish: each case is a whole run of the five notebooks on the small demo team with
one table bent out of shape. Every notebook ends ``ok`` or ``skipped: <why>``, no cell fails, and the
deck says what it could not show and why.

Cases run independently (xdist spreads them over workers); the bootstrap is shortened because
these runs test that nothing breaks, not the numbers.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
import yaml

from coaching_roi import demo, pipeline

pytestmark = [pytest.mark.notebook]

Q = "2026Q3"
QS, QE = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-10-01")


def _read(d: Path, t: str) -> pd.DataFrame:
    return pd.read_csv(d / f"{t}.csv", dtype=str, keep_default_na=False)


def _write(d: Path, t: str, df: pd.DataFrame) -> None:
    df.to_csv(d / f"{t}.csv", index=False)


def every_deal_open(d: Path) -> None:
    o = _read(d, "opportunities")
    o["status"], o["close_date"] = "open", ""
    _write(d, "opportunities", o)


def no_deal_closed_this_quarter(d: Path) -> None:
    o = _read(d, "opportunities")
    closed = pd.to_datetime(o["close_date"], errors="coerce")
    in_q = (closed >= QS) & (closed < QE)
    o.loc[in_q, "status"], o.loc[in_q, "close_date"] = "open", ""
    _write(d, "opportunities", o)


def one_ae(d: Path) -> None:
    reps = _read(d, "reps")
    aes = reps.loc[reps["role"] == "AE", "rep_id"].tolist()
    gone = set(aes[1:])
    _write(d, "reps", reps[~reps["rep_id"].isin(gone)])
    for t in ("opportunities", "coaching_sessions"):
        x = _read(d, t)
        _write(d, t, x[~x["rep_id"].isin(gone)])
    calls = _read(d, "calls")
    gone_calls = set(calls.loc[calls["rep_id"].isin(gone), "call_id"])
    _write(d, "calls", calls[~calls["rep_id"].isin(gone)])
    scores = _read(d, "call_scores")
    _write(d, "call_scores", scores[~scores["call_id"].isin(gone_calls)])


def no_coaching_sessions(d: Path) -> None:
    _write(d, "coaching_sessions", _read(d, "coaching_sessions").iloc[:0])  # the header, no rows


def no_sdr_activity(d: Path) -> None:
    (d / "sdr_activity.csv").unlink()


def one_onboarding_program(d: Path) -> None:
    reps = _read(d, "reps")
    reps.loc[reps["onboarding_program"] != "", "onboarding_program"] = "standard"
    _write(d, "reps", reps)


def no_scored_calls_this_quarter(d: Path) -> None:
    calls = _read(d, "calls")
    when = pd.to_datetime(calls["call_date"])
    in_q = (when >= QS) & (when < QE)
    gone = set(calls.loc[in_q, "call_id"])
    _write(d, "calls", calls[~in_q])
    scores = _read(d, "call_scores")
    _write(d, "call_scores", scores[~scores["call_id"].isin(gone)])


def quarter_without_any_data(d: Path) -> None:
    """Nothing to change in the data: the run asks for a quarter after the data end (see QUARTER)."""


def rep_without_deals(d: Path) -> None:
    reps = _read(d, "reps")
    ghost = reps[(reps["role"] == "AE") & (reps["end_date"] == "")].iloc[[0]].copy()  # an active AE
    ghost["rep_id"], ghost["rep_name"] = "AE999", "Dana Nodeals"
    _write(d, "reps", pd.concat([reps, ghost]))


NOT_AVAILABLE = "Scores and win rates: not available this quarter"
# case -> (how the data is bent, what the deck must say it could not show and why)
CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "every_deal_open": (every_deal_open, [NOT_AVAILABLE, "fewer than 4 scored AEs with closed deals"]),
    "no_deal_closed_this_quarter": (no_deal_closed_this_quarter, [NOT_AVAILABLE, "closed deals"]),
    "one_ae": (one_ae, [NOT_AVAILABLE]),
    "no_coaching_sessions": (no_coaching_sessions, ["No coaching log", "Collect a coaching log"]),
    "no_sdr_activity": (no_sdr_activity, ["SDR funnel: not available this quarter", "no SDR activity in the inputs"]),
    "one_onboarding_program": (one_onboarding_program, ["Ramp time: not measured", "Ramp could not be measured"]),
    "no_scored_calls_this_quarter": (no_scored_calls_this_quarter, [NOT_AVAILABLE, "fewer than"]),
    "quarter_without_any_data": (quarter_without_any_data, [NOT_AVAILABLE, "Ramp time: not measured"]),
    "rep_without_deals": (rep_without_deals, []),  # nothing is missing: the rep still gets a plan
}
QUARTER = {"quarter_without_any_data": "2027Q2"}


@pytest.fixture(scope="session")
def odd_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("odd_base") / "data"
    demo.generate(base, seed=11, size=demo.DemoSize.small(), inject_errors=False)
    return base


def _deck_text(run_dir: Path) -> str:
    html = (run_dir / "qbr_deck.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("case", list(CASES))
def test_odd_quarter_finishes_with_a_deck_that_says_what_is_missing(odd_base, tmp_path, case):
    bend, needles = CASES[case]
    data = tmp_path / "data"
    shutil.copytree(odd_base, data)
    bend(data)
    params = tmp_path / f"{case}.yaml"
    params.write_text(yaml.safe_dump({
        "quarter": QUARTER.get(case, Q), "name": case, "data_dir": str(data),
        "overrides": {"analysis": {"n_bootstrap": 200}, "report": {"pdf": False}},
    }), encoding="utf-8")
    res = pipeline.run(params, outputs_root=tmp_path / "outputs", progress=lambda s: None)

    found = json.loads((res.run_dir / "findings.json").read_text(encoding="utf-8"))
    assert set(found["status"]) == {r.notebook for r in res.notebooks}
    for nb, status in found["status"].items():
        assert status == "ok" or re.match(r"skipped: \S", status), (nb, status)
    for nb in res.notebooks:
        executed = json.loads((res.run_dir / nb.ipynb).read_text(encoding="utf-8"))
        for cell in executed["cells"]:
            for out in cell.get("outputs", []):
                assert out.get("output_type") != "error", (nb.notebook, out.get("ename"), out.get("evalue"))
                assert "Traceback" not in "".join(out.get("text", "")), nb.notebook
    text = _deck_text(res.run_dir)
    for needle in needles:
        assert needle in text, (case, needle)
    assert (res.run_dir / "qbr_deck.pptx").exists()
    if case == "rep_without_deals":
        plan = pd.read_csv(res.run_dir / "coaching_plan.csv", dtype=str)
        assert (plan["rep_id"] == "AE999").sum() == 1
