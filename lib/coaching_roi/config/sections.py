"""The analysis settings sections of params: analysis, verdicts, benchmarks, funnel, economics, report,
and the decision rules (recommendation per outcome-link verdict).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from coaching_roi.config.strict import _Strict


class Analysis(_Strict):
    seed: int = 20260701
    n_bootstrap: int = Field(default=2000, ge=100)
    confidence_level: float = Field(default=0.95, gt=0.5, lt=1)
    min_calls_per_cell: int = Field(default=3, ge=1)
    min_closed_deals_for_model: int = Field(default=60, ge=10)
    min_reps_per_group: int = Field(default=5, ge=1)
    event_window_pre_weeks: int = Field(default=4, ge=1)
    event_window_post_weeks: int = Field(default=8, ge=1)
    min_episode_sessions: int = Field(default=2, ge=1)  # sessions on a behavior that make a coaching episode
    lag_quarters: tuple[int, ...] = (1, 2)
    deal_cycle_behaviors: tuple[str, ...] = ("decision_process_mapping", "next_steps_specificity")
    ramp_quota_threshold: float = Field(default=0.8, gt=0, le=2)
    ramp_attainment_months: int = Field(default=6, ge=1)
    # notebook 03 ramp: new hires = hired within this many months before the quarter end
    ramp_cohort_months: int = Field(default=12, ge=1)
    # notebook 03 ramp: the onboarding program compared (treated) and its baseline (control)
    ramp_treated_program: str = "structured_sprint"
    ramp_control_program: str = "standard"
    # notebook 02: share of the composite's weight a discovery call must have scored to get a composite
    min_composite_coverage: float = Field(default=0.6, gt=0, le=1)


class Verdicts(_Strict):
    """What :mod:`coaching_roi.verdict` needs besides an estimate's interval."""

    power: float = Field(default=0.80, gt=0.5, lt=1)
    # a clear estimate reads "established" (and may be stated in the headline) only when it also holds at
    # this stricter level; otherwise it is an early signal
    confirm_level: float = Field(default=0.999, gt=0.5, lt=1)
    # below this many units (per unit of n) an estimate is too_few, whatever its interval
    min_n: dict[str, int] = {}
    # a clear estimate on fewer units than this reads as an early signal, not established
    established_n: dict[str, int] = {}

    @field_validator("min_n", "established_n")
    @classmethod
    def _units(cls, v: dict[str, int]) -> dict[str, int]:
        from coaching_roi.estimate_ids import N_UNITS

        unknown = [k for k in v if k not in N_UNITS]
        if unknown:
            raise ValueError(f"unknown unit(s) {', '.join(map(repr, unknown))} (known: {', '.join(N_UNITS)})")
        bad = [k for k, n in v.items() if int(n) < 1]
        if bad:
            raise ValueError(f"minimums must be at least 1 (check {', '.join(bad)})")
        return v


class Benchmarks(_Strict):
    connect_rate: float = Field(default=0.10, gt=0, le=1)
    conversation_rate: float = Field(default=0.75, gt=0, le=1)
    meeting_rate: float = Field(default=0.20, gt=0, le=1)
    show_rate: float = Field(default=0.80, gt=0, le=1)
    sql_rate: float = Field(default=0.55, gt=0, le=1)
    email_reply_rate: float = Field(default=0.08, gt=0, le=1)


class Funnel(_Strict):
    stage_skills: dict[str, str]
    min_volume: int = Field(default=30, ge=1)
    top_tier_quantile: float = Field(default=0.75, gt=0, lt=1)
    under_tier_quantile: float = Field(default=0.25, gt=0, lt=1)
    watch_window_days: tuple[int, int] = (30, 60)
    # Suggested observable per funnel stage or rubric behavior key (plan.observable_for falls back
    # to a generic sentence built from the behavior label for keys not listed).
    observables: dict[str, str] = {}


class Economics(_Strict):
    program_cost_usd: float | None = Field(default=None, gt=0)
    enablement_role_cost_usd: float = Field(default=160_000, gt=0)
    isolation_factor: float = Field(default=0.5, ge=0, le=1)
    confidence_discount: float = Field(default=0.8, ge=0, le=1)
    monthly_arr_ramped_rep_usd: float | None = Field(default=None, gt=0)
    new_hires_per_year: int | None = Field(default=None, ge=0)
    ae_count: int | None = Field(default=None, ge=1)


class Report(_Strict):
    title: str = "Coaching ROI"
    # The company named on the title slide and the index page; None -> only the quarter is named.
    company: str | None = None
    pseudonymize: bool = False
    pdf: bool = True  # False: skip printing the deck to PDF (no browser needed)
    currency: str = "USD"
    # Figures with one row per rep (score heatmap, SDR gap heatmap) draw at most this many rows;
    # every rep stays in the tables, the plan and the Parquet artifacts.
    max_figure_rows: int = Field(default=40, ge=4, le=500)


RECOMMENDATIONS: tuple[str, ...] = ("expand", "continue", "hold", "redesign")


LINK_VERDICTS: tuple[str, ...] = ("positive", "negative", "no_clear_change", "too_few", "missing")


LinkVerdict = Literal["positive", "negative", "no_clear_change", "too_few", "missing"]


class DecisionRule(_Strict):
    """One row of the decision table: when every named link has one of the listed verdicts, recommend."""

    recommendation: Literal["expand", "continue", "hold", "redesign"]
    when: dict[str, tuple[LinkVerdict, ...]] = {}
    because: str  # the rule in a reader's words (shown on slide 2 and the index page)
    # True: each link the rule needs clear (positive/negative) must also hold at verdicts.confirm_level
    confirmed: bool = False


class Decision(_Strict):
    """The decision rule (:mod:`coaching_roi.decision`): links of the chain, then rules read top to bottom."""

    links: dict[str, str]  # link name -> the estimate ID whose stored verdict speaks for it
    rules: tuple[DecisionRule, ...]
    otherwise: DecisionRule

    @model_validator(mode="after")
    def _check(self) -> Decision:
        for need in ("behavior", "outcome"):
            if need not in self.links:
                raise ValueError(f"decision.links must name the `{need}` link (the estimate ID that speaks for it)")
        for i, rule in enumerate((*self.rules, self.otherwise)):
            where = f"decision.rules[{i}]" if i < len(self.rules) else "decision.otherwise"
            unknown = [k for k in rule.when if k not in self.links]
            if unknown:
                raise ValueError(f"{where}.when names unknown link(s) {', '.join(unknown)} (links: {', '.join(self.links)})")
            if rule.recommendation == "expand" and not all(
                    tuple(rule.when.get(k, ())) == ("positive",) for k in ("behavior", "outcome")):
                raise ValueError(f"{where}: an `expand` rule must require behavior: [positive] and outcome: [positive], "
                                 "so that a team with no measured effect is never told to expand")
            if rule.recommendation == "expand" and not rule.confirmed:
                raise ValueError(f"{where}: an `expand` rule must have `confirmed: true` (its links must hold at "
                                 "verdicts.confirm_level), so that no early signal is taken for a reason to spend more")
        if self.otherwise.when:
            raise ValueError("decision.otherwise applies when no rule matched: it takes no `when`")
        if self.otherwise.recommendation == "expand":
            raise ValueError("decision.otherwise cannot be `expand`")
        return self
