"""First step of a generation run: resolve the options, read rubric and benchmarks, lay out the quarters.

Every step function takes the run's shared state ``st`` (a :class:`~types.SimpleNamespace`), reads
the names it needs from it and stores the names later steps need."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from coaching_roi.config import QUARTER_RE, load_defaults, quarter_bounds, quarter_label
from coaching_roi.demo.constants import BURN_IN_DAYS, DAY, SDR_STAGES
from coaching_roi.demo.options import Effects
from coaching_roi.errors import WorkbookError


def resolve_options(st: SimpleNamespace) -> None:
    """Resolve the options, read the rubric and benchmarks, lay out the quarters of the history."""
    ai_noise_sd, double_scored_share, effects = st.ai_noise_sd, st.double_scored_share, st.effects
    end_quarter, no_effect, out_dir = st.end_quarter, st.no_effect, st.out_dir
    outcomes_follow_behaviors, progress, size = st.outcomes_follow_behaviors, st.progress, st.size
    if not QUARTER_RE.match(str(end_quarter)):
        raise WorkbookError(f"end_quarter must look like 2026Q3, got {end_quarter!r}.")
    if not 0 <= double_scored_share <= 1:
        raise WorkbookError("double_scored_share must be within 0..1.")
    if ai_noise_sd < 0:
        raise WorkbookError("ai_noise_sd must be >= 0.")
    eff = Effects.none() if no_effect else (effects or Effects())
    # lag stays what was asked for even without effects (it is a timing, not a size)
    if no_effect and effects is not None:
        eff = Effects(**{**asdict(Effects.none()), "lag_quarters": effects.lag_quarters})
    if not outcomes_follow_behaviors:
        eff = eff.without_outcome_link()
    say = progress or (lambda _msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    defaults = load_defaults()
    rub = defaults["rubric"]
    beh_keys: list[str] = [b["key"] for b in rub["behaviors"]]
    beh_w = np.array([float(b.get("weight", 1.0)) for b in rub["behaviors"]])
    labels = {b["key"]: b["label"] for b in rub["behaviors"]}
    comp_keys = list(rub["composite_behaviors"])
    comp_idx = np.array([beh_keys.index(k) for k in comp_keys])
    comp_w = np.zeros(len(beh_keys))
    comp_w[comp_idx] = beh_w[comp_idx]
    comp_w = comp_w / comp_w.sum()                       # composite = comp_w @ behavior scores
    scale_min, scale_max = float(rub.get("scale_min", 0)), float(rub.get("scale_max", 10))
    disc_types = list(rub.get("discovery_call_types", ["discovery"]))
    disc_type = disc_types[0] if disc_types else "discovery"
    bench = {k: float(defaults["benchmarks"][k]) for k in SDR_STAGES}
    nb = len(beh_keys)
    k_dpm = beh_keys.index("decision_process_mapping") if "decision_process_mapping" in beh_keys else None
    k_nss = beh_keys.index("next_steps_specificity") if "next_steps_specificity" in beh_keys else None

    quarters = [quarter_label(end_quarter, -i) for i in range(size.n_quarters - 1, -1, -1)]
    data_start = quarter_bounds(quarters[0])[0]
    data_end = quarter_bounds(end_quarter)[1]            # exclusive
    span = int((data_end - data_start) / DAY)            # days in the history
    burn = -BURN_IN_DAYS
    # quarter index of any day offset (0 = first history quarter; negative = burn-in quarters)
    q_starts = np.array([int((quarter_bounds(quarters[0], o)[0] - data_start) / DAY)
                         for o in range(-3, size.n_quarters + 1)])

    def q_index(days: np.ndarray) -> np.ndarray:
        return np.searchsorted(q_starts, np.floor(days), side="right") - 1 - 3

    vars(st).update(
        beh_keys=beh_keys, beh_w=beh_w, bench=bench, burn=burn, comp_idx=comp_idx, comp_keys=comp_keys,
        comp_w=comp_w, data_end=data_end, data_start=data_start, disc_type=disc_type, eff=eff, k_dpm=k_dpm,
        k_nss=k_nss, labels=labels, nb=nb, out=out, q_index=q_index, q_starts=q_starts, quarters=quarters,
        rub=rub, say=say, scale_max=scale_max, scale_min=scale_min, span=span,
    )
