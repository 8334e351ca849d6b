"""Pieces every notebook-03 section uses: the display :class:`Table`, the KM panel, making an estimate, the inputs table, saving artifacts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from coaching_roi import artifacts, verdict
from coaching_roi.config import Config
from coaching_roi.stats import Interval, fmt_interval, fmt_value

Findings = dict[str, Any]


def _make(cfg: Config, estimate_id: str, iv: Interval, *, unit: str, n_unit: str, **kw: Any) -> dict:
    """A findings estimate from an interval, through the one verdict rule."""
    return verdict.make(estimate_id, value=iv.value, ci_low=iv.ci_low, ci_high=iv.ci_high, n=iv.n, n_unit=n_unit,
                        unit=unit, policy=verdict.Policy.from_config(cfg), labels=cfg.rubric.labels, **kw)


@dataclass(frozen=True)
class Table:
    """A display-ready frame with its caption (``nbsupport.show_table(t.df, caption=t.caption, ...)``)."""

    df: pd.DataFrame
    caption: str
    precision: int = 2


@dataclass(frozen=True)
class KMPanel:
    """One Kaplan–Meier panel: tidy curves and medians (``survival.km_curves`` / ``km_table``) and a title."""

    curves: pd.DataFrame
    medians: pd.DataFrame
    title: str
    order: list[str]


def _missing(**tables: pd.DataFrame | None) -> list[str]:
    return [k for k, v in tables.items() if v is None]


def _fractions(s: pd.Series) -> pd.Series:
    return s.map(lambda v: fmt_value(v, "fraction"))


def _intervals(lo: pd.Series, hi: pd.Series, unit: str) -> list[str]:
    return [fmt_interval(a, b, unit) for a, b in zip(lo, hi, strict=True)]


# ------------------------------------------------------------------------------------------ inputs
def inputs_table(cfg: Config, inputs: dict[str, pd.DataFrame | None]) -> Table:
    """Rows and presence of each input (display name -> frame or None) for the quarter."""
    start, end = cfg.quarter_bounds()
    df = pd.DataFrame([{"input": k, "rows": (len(v) if v is not None else 0), "status": ("present" if v is not None else "absent")}
                       for k, v in inputs.items()])
    return Table(df, f"Inputs for {cfg.quarter} ({start:%d %b %Y} to {end - pd.Timedelta(days=1):%d %b %Y})")


def save_artifacts(cfg: Config, frames: dict[str, pd.DataFrame], names: Iterable[str] = ()) -> None:
    """Write a section's artifacts (name -> frame) for the QBR deck (notebook 05), checked and atomic.

    Each of ``names`` the section did not compute is written empty, so no stale table of an earlier
    run stays behind (see :func:`coaching_roi.artifacts.write_all`).
    """
    artifacts.write_all(cfg, frames, names)
