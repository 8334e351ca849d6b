"""What it would take to know: for an estimate that is not clear yet, the numbers that would settle it.

* :func:`cadence` — how many units the data add per quarter, measured in the inputs: coached reps
  (reps whose first coaching episode started), new hires (AE hire dates) and closed deals, averaged
  over the last four quarters ending with the analysed one (from the first quarter with any).
* :func:`assess` — for a ``no_clear_change`` or ``too_few`` estimate: the minimum detectable effect
  now (``mde``, stored by :func:`coaching_roi.verdict.make`), with one more quarter at that cadence
  (:func:`coaching_roi.verdict.mde_at`: the MDE shrinks as 1/√n), how many units the verdict needs
  (params ``verdicts.min_n``) and how many quarters that takes, and one sentence saying so.

Nothing here invents a number: every figure is the stored estimate's, a count in the data, or the
MDE formula applied to them. Where a figure cannot be computed the sentence says what is missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coaching_roi import verdict as vd
from coaching_roi.config import Config, quarter_bounds, quarter_label

if TYPE_CHECKING:
    import pandas as pd

WINDOW_QUARTERS = 4


def _window(cfg_quarter: str, first: pd.Timestamp | None) -> list[str]:
    import pandas as pd  # here: the runner imports this module (for the index) without loading pandas

    qs = [quarter_label(cfg_quarter, -k) for k in range(WINDOW_QUARTERS - 1, -1, -1)]
    if first is None or pd.isna(first):
        return qs
    return [q for q in qs if quarter_bounds(q)[1] > first] or [cfg_quarter]


def _per_quarter(dates: pd.Series, quarter: str) -> float | None:
    """Mean count per quarter of ``dates`` over the window (None when there are no dates at all)."""
    import pandas as pd

    d = pd.to_datetime(dates).dropna()
    if d.empty:
        return None
    qs = _window(quarter, d.min())
    start, end = quarter_bounds(qs[0])[0], quarter_bounds(qs[-1])[1]
    return float(((d >= start) & (d < end)).sum() / len(qs))


def cadence(cfg: Config, *, sessions: pd.DataFrame | None, reps: pd.DataFrame | None,
            opportunities: pd.DataFrame | None) -> dict[str, float]:
    """Units added per quarter, by what ``n`` counts (``"coached reps"``, ``"new hires"``, ``"deals"``).

    A unit is absent when its table is absent. Coached reps use the same episode rule as layer 2
    (``analysis.min_episode_sessions`` sessions on a behavior); a rep counts in the quarter of their
    first episode.
    """
    out: dict[str, float] = {}
    if sessions is not None and len(sessions):
        from coaching_roi.effects import coaching_episodes

        ep = coaching_episodes(sessions, None, min_sessions=cfg.analysis.min_episode_sessions)
        if len(ep):
            first = ep.groupby("rep_id", observed=True)["first_session_date"].min()
            v = _per_quarter(first, cfg.quarter)
            if v is not None:
                out["coached reps"] = v
    if reps is not None and "hire_date" in reps.columns:
        ae = reps.loc[reps["role"].astype(str) == "AE"] if "role" in reps.columns else reps
        v = _per_quarter(ae["hire_date"], cfg.quarter)
        if v is not None:
            out["new hires"] = v
    if opportunities is not None and {"close_date", "status"} <= set(opportunities.columns):
        closed = opportunities.loc[opportunities["status"].astype(str).isin(["won", "lost"])]
        v = _per_quarter(closed["close_date"], cfg.quarter)
        if v is not None:
            out["deals"] = v
    return out


def _fmt_rate(x: float) -> str:
    return f"{x:.0f}" if x >= 10 or float(x).is_integer() else f"{x:.1f}"


def assess(estimate_id: str, est: Mapping[str, Any] | None, *, policy: vd.Policy,
           per_quarter: Mapping[str, float] | None = None) -> dict | None:
    """What would settle an unclear estimate (None when its verdict is clear or it is missing).

    Returns ``{"id", "verdict", "n", "n_unit", "min_n", "mde", "per_quarter", "n_next", "mde_next",
    "quarters_to_min", "observable_from", "sentence"}`` (absent figures are None).
    """
    if not est or est.get("verdict") not in ("no_clear_change", "too_few"):
        return None
    n, unit = int(est.get("n") or 0), str(est.get("n_unit", "reps"))
    need = policy.min_for(unit)
    m = est.get("mde")
    m = float(m) if m is not None and math.isfinite(float(m)) else None
    rate = (per_quarter or {}).get(unit)
    add = int(round(rate)) if rate is not None else None
    obs = est.get("observable_from") or (est.get("target_quarter") if est.get("value") is None else None)
    out: dict[str, Any] = {"id": estimate_id, "verdict": est["verdict"], "n": n, "n_unit": unit, "min_n": need,
                           "mde": m, "per_quarter": rate, "n_next": None, "mde_next": None, "quarters_to_min": None,
                           "observable_from": obs}

    def shown(x: float) -> str:
        return vd.value_text(estimate_id, est, x, signed=False, difference=True)

    cad = f" (the data added {_fmt_rate(rate)} {unit} a quarter recently)" if rate is not None else ""
    if est["verdict"] == "too_few" and n < need:
        if add:
            out["quarters_to_min"] = math.ceil((need - n) / add)
            when = f"about {out['quarters_to_min']} more quarter{'s' if out['quarters_to_min'] != 1 else ''} at this cadence{cad}"
        elif rate is not None:
            when = f"more {unit} than recent quarters added{cad}"
        else:
            when = f"more {unit}"
        s = f"A verdict needs at least {need} {unit} (now {n}): {when}."
        if m is not None:
            out["n_next"], out["mde_next"] = need, vd.mde_at(m, n, need)
            s += f" With {need}, a change below {shown(out['mde_next'])} still could not be told from noise."
    elif m is not None:
        s = f"With {n:,} {unit} a change below {shown(m)} cannot be told from noise"
        if add:
            out["n_next"] = n + add
            out["mde_next"] = vd.mde_at(m, n, n + add)
            if shown(out["mde_next"]) == shown(m):
                s += (f"; another quarter at this cadence ({n + add:,} {unit}) would barely sharpen it "
                      f"(still about {shown(out['mde_next'])}).")
            else:
                s += f"; another quarter at this cadence ({n + add:,} {unit}) would detect {shown(out['mde_next'])}."
        elif rate is not None:
            s += f"; at the recent cadence{cad} another quarter would not add enough {unit} to sharpen it."
        else:
            s += "."
    elif obs:
        s = f"Not observable yet: it can first be read in {obs}, when those deals have closed."
    else:
        s = f"No interval could be computed; it needs more {unit} (now {n:,}, at least {need})."
    if obs and "observable" not in s:
        s += f" It can first be read in {obs}."
    out["sentence"] = s
    return out
