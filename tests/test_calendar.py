"""The one calendar: Monday weeks and 2026Q3 quarter labels."""

import pandas as pd
import pytest

from coaching_roi import calendar
from coaching_roi.errors import WorkbookError


def test_week_start_is_monday_midnight():
    d = pd.Series(pd.to_datetime(["2026-07-05 23:00", "2026-07-06 09:00", "2026-07-12 00:00"]))  # Sun, Mon, Sun
    assert [str(x.date()) for x in calendar.week_start(d)] == ["2026-06-29", "2026-07-06", "2026-07-06"]
    assert calendar.week_of("2026-07-08 15:30") == pd.Timestamp("2026-07-06")


def test_quarter_labels_bounds_and_shifts():
    assert calendar.quarter_of_date("2026-09-30 23:59") == "2026Q3"
    q = calendar.quarter_of(pd.Series(pd.to_datetime(["2026-07-01", None, "2026-10-01"])))
    assert q.iloc[0] == "2026Q3" and pd.isna(q.iloc[1]) and q.iloc[2] == "2026Q4"
    assert calendar.quarter_bounds("2026Q4", 1) == (pd.Timestamp("2027-01-01"), pd.Timestamp("2027-04-01"))
    assert calendar.quarter_label("2026Q1", -1) == "2025Q4"
    assert calendar.quarter_label("2026Q4", 1) == "2027Q1"
    with pytest.raises(WorkbookError, match="YYYYQn"):
        calendar.quarter_bounds("2026-Q3")


def test_quarter_dates_are_the_days_of_quarter_bounds_without_pandas():
    import subprocess
    import sys

    from coaching_roi.calendar import quarter_bounds, quarter_dates

    for year in (1999, 2024, 2026, 2100):
        for q in range(1, 5):
            start, end = quarter_bounds(f"{year}Q{q}")
            assert quarter_dates(f"{year}Q{q}") == (start.date(), (end - pd.Timedelta(days=1)).date())
    with pytest.raises(WorkbookError, match="YYYYQn"):
        quarter_dates("2026Q5")
    # The runner validates params without loading pandas (its kernels start about 0.3 s sooner).
    code = "import sys; from coaching_roi import config, pipeline; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
