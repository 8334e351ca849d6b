"""The one calendar: weeks start on Monday, quarters are labelled ``2026Q3``.

* :func:`week_start` / :func:`week_of` — the Monday (midnight) of each date's week (Series / one date).
* :func:`quarter_of` / :func:`quarter_of_date` — the quarter label of each date (Series / one date).
* :func:`quarter_bounds` — [start, end) of a quarter label shifted by whole quarters.
* :func:`quarter_dates` — its first and last day as dates, without pandas (the runner validates params
  without loading pandas, so its kernels start sooner).
* :func:`quarter_label` — the label ``offset`` quarters away (next: +1, previous: -1).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from coaching_roi.errors import WorkbookError

if TYPE_CHECKING:
    import pandas as pd

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


def week_start(dates: pd.Series) -> pd.Series:
    """Return the Monday (midnight) of each date's week."""
    import pandas as pd

    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def week_of(ts: Any) -> pd.Timestamp:
    """The Monday (midnight) of one date's week."""
    import pandas as pd

    return week_start(pd.Series([ts])).iloc[0]


def quarter_of(dates: pd.Series) -> pd.Series:
    """Return the quarter label (``2026Q3``) of each date as a string Series (missing dates stay missing)."""
    import pandas as pd

    d = pd.to_datetime(dates)
    out = d.dt.year.astype("Int64").astype(str) + "Q" + d.dt.quarter.astype("Int64").astype(str)
    return out.where(d.notna()).astype("string")


def quarter_of_date(ts: Any) -> str:
    """The quarter label (e.g. 2026Q3) of one timestamp."""
    import pandas as pd

    t = pd.Timestamp(ts)
    return f"{t.year}Q{t.quarter}"


def quarter_bounds(quarter: str, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return [start, end) of ``quarter`` shifted by ``offset`` quarters."""
    import pandas as pd

    m = QUARTER_RE.match(quarter)
    if not m:
        raise WorkbookError(f"Bad quarter {quarter!r}: write it as YYYYQn, e.g. 2026Q3.")
    p = pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q") + offset
    return p.start_time.normalize(), (p + 1).start_time.normalize()


def quarter_dates(quarter: str) -> tuple[date, date]:
    """First and last day of ``quarter`` (the dates of :func:`quarter_bounds`, without pandas)."""
    m = QUARTER_RE.match(quarter)
    if not m:
        raise WorkbookError(f"Bad quarter {quarter!r}: write it as YYYYQn, e.g. 2026Q3.")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    following = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, following - timedelta(days=1)


def quarter_label(quarter: str, offset: int = 0) -> str:
    """Return the label of the quarter ``offset`` quarters from ``quarter`` (e.g. 2026Q4)."""
    return quarter_of_date(quarter_bounds(quarter, offset)[0])
