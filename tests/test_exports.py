"""Spreadsheet exports: CSVs that Excel opens with accents intact (UTF-8 with BOM), formula-safe CSV and
Excel, and the coaching plan as one sheet per manager."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from coaching_roi import exports


def plan_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "rep_id": ["AE1", "AE2", "AE3", "SDR1"],
        "rep_name": ["Zoë Müller", "=HYPERLINK(\"http://x\",\"y\")", "José Núñez", "@SUM(A1)"],
        "manager_id": pd.array(["M01", "M01", "M/02", None], dtype="string"),
        "tier_value": [1.2, -0.5, 0.8, None],
        "observable": ["+ask one question", "Name the signer", "-", "Dial"],
    })


def test_csv_is_utf8_with_bom_and_formula_safe(tmp_path):
    path = exports.safe_csv(plan_frame(), tmp_path / "coaching_plan.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the byte-order mark as UTF-8
    text = raw.decode("utf-8-sig")
    assert "Zoë Müller" in text and "José Núñez" in text
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+ask" in text
    back = pd.read_csv(path)
    assert list(back.columns)[0] == "rep_id" and back.loc[1, "tier_value"] == -0.5


def test_plan_workbook_has_one_sheet_per_manager_and_runs_no_formula(tmp_path):
    path = exports.plan_workbook(plan_frame(), tmp_path / "coaching_plan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["All reps", "Manager M 02", "Manager M01", "No manager"]  # "/" is not allowed in a sheet name
    m1 = wb["Manager M01"]
    assert [c.value for c in m1[1]] == ["Rep ID", "Rep", "Manager", "Tier value", "Observable to commit to"]
    assert m1.max_row == 3  # header + two reps
    link = m1["B3"]
    assert link.value == '=HYPERLINK("http://x","y")' and link.data_type == "s"  # text, not a formula
    assert wb["No manager"]["B2"].data_type == "s" and wb["No manager"]["B2"].value == "@SUM(A1)"
    assert wb["All reps"]["D3"].value == -0.5 and wb["All reps"]["B2"].value == "Zoë Müller"
    assert wb["All reps"].freeze_panes == "A2"


@pytest.mark.parametrize(("name", "expected"), [("M/02", "M 02"), ("x" * 40, "x" * 31), ("[a]:b*?", "a  b")])
def test_sheet_titles_are_valid(name, expected):
    assert exports.sheet_title(name, set()) == expected


def test_sheet_titles_are_unique():
    used: set[str] = set()
    assert [exports.sheet_title("M", used) for _ in range(3)] == ["M", "M (2)", "M (3)"]


def test_workbook_drops_control_characters_a_sheet_cannot_hold(tmp_path):
    df = pd.DataFrame({"rep_name": ["Bell\x07 ESC\x1b[31m red"], "manager_id": ["M\x01gr"]})
    path = exports.safe_xlsx({"M\x01gr": df}, tmp_path / "p.xlsx")
    wb = load_workbook(path)
    ws = wb[wb.sheetnames[0]]
    assert wb.sheetnames == ["Mgr"] and ws["A2"].value == "Bell ESC[31m red"
