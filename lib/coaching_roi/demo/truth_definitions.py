"""Plain-language definitions of every planted value, written into ``truth.json``."""

from __future__ import annotations

from coaching_roi.demo.constants import BURN_IN_DAYS


def _definitions(ramp_post: float) -> dict[str, str]:
    return {
        "behavior_change": (
            "Expected difference-in-differences effect (points) of a coaching episode on the targeted "
            "behavior's manager score, averaged over ALL coached episodes (landing or not): "
            "share_coaching_lands x coaching_gain_points x mean ramp fraction over event weeks 0..8, "
            f"= share x gain x {ramp_post:.4f}. Event week k = floor((call time - first session date) / 7 "
            "days); pre window weeks -4..-1; ramp fraction = min(days since first session / "
            "(7 x coaching_ramp_weeks), 1); weeks weighted equally. behavior_change_realized uses the "
            "episodes' actual lands flags. Behaviors that appear only as the second key of a "
            "multi-behavior session ('a;b') get 0: those mentions carry no effect. 'all' (the pooled "
            "estimate) is the same expectation over every coached episode; its realized value uses all "
            "episodes' lands flags."
        ),
        "behavior_change_by_event_week": "Expected effect (points) in each event week -4..8 (0 before week 0).",
        "event_study_pretrend": "No pre-trend is planted: the true mean lead is 0 for every coached behavior.",
        "quartile_win_rate_gap": (
            "Top-minus-bottom quartile expected win rate (fraction) in the end quarter: AEs with a "
            "discovery call and a closed deal that quarter, quartiles (pd.qcut of ranks) of each rep's "
            "mean LATENT composite over their discovery calls in the quarter; win rate = mean model win "
            "probability of the deals closed (won or lost) in the quarter, pooled within quartile. "
            "The observed composite is noisier, so an analysis on scores is slightly attenuated."
        ),
        "win_rate_change_per_point": (
            "Slope dp/dx at the base rate p0 (base_win_rate = mean model win probability of closed deals): "
            "win_logit_per_point x p0 x (1 - p0) x the behavior's composite weight; fraction of win rate "
            "per point of that behavior's score. Coaching gains reach the win probability lag_quarters "
            "later: a deal closing in quarter Q uses the rep's composite coaching gain averaged over "
            "quarter Q - lag_quarters. Behaviors outside the composite have 0. Baseline skill (and "
            "new-hire learning) acts without lag. 'all' (the pooled estimate) averages the slopes of the "
            "coached episodes' behaviors, one per episode. 0 everywhere when outcomes_follow_behaviors is "
            "false (scenario no_outcome_link) or without effects."
        ),
        "cycle_change_per_point": (
            "Days SHORTER deal cycle per point of a behavior's score (positive = faster, as the estimate "
            "cycle_change_per_point reads it): minus the derivative of a deal's expected days created -> "
            "close with respect to a shift of the rep's latent score on that behavior at the discovery "
            "call, through the manager-score noise (sd 0.6), rounding to 0.1 and clipping, the 'high' "
            "step at the behavior's median manager score and the other cycle behavior's step at its own "
            "probability; expected base cycle max(round(45 x lognormal(0, 0.5) x multiplier), 3) by "
            "quadrature. Averaged over the coached AEs' discovery calls in the history (their simulated "
            "latents, any coaching gain included). Only decision_process_mapping and "
            "next_steps_specificity move the cycle; other behaviors have 0. 'all' averages the slopes of "
            "the coached episodes' behaviors, one per episode (as win_rate_change_per_point). Computed "
            "without random draws, so the data are unchanged. 0 everywhere in no_outcome_link and "
            "no_effect."
        ),
        "realized_value_usd": (
            "Not in truth.json: it depends on the team's deal economics, which the analysis measures "
            "from the data. The calibration study's planted realized value is "
            "money.realized.realized_value evaluated at behavior_change['all'], "
            "win_rate_change_per_point['all'] and cycle_change_per_point['all'], with the number of "
            "coached reps and the deal economics the estimate used (stored on the estimate)."
        ),
        "scenario": (
            "planted: every effect above; no_effect: all zeroed; no_outcome_link: coaching lifts the coached "
            "behaviors as planted, but behaviors move neither win probability nor deal cycle "
            "(win_logit_per_point = cycle_faster_high_* = 0; ramp and SDR effects stay planted)."
        ),
        "deal_cycle_pct_faster": (
            "1 - median(cycle | high) / median(cycle | low), days created -> close. High = the deal's "
            "discovery-call manager score on the behavior >= the median of that behavior's manager scores "
            "over all discovery calls in the history (ties count high; medians in "
            "deal_cycle_split_medians). Holds within won and within lost (same base cycle distribution, "
            "median 45 days) and pooled; the two behaviors are independent so they do not confound. "
            "Deals whose close would fall after the history end are open (censored)."
        ),
        "ramp_weeks_saved": (
            "structured_sprint hires run the standard ramp curve (no deals for 7 weeks, productivity "
            "rising linearly to 1 over the next 14 weeks, win-logit penalty 1.5 x (1 - productivity), "
            "skill gap 1 point decaying with tau 6 weeks) shifted ramp_weeks_saved weeks earlier, so "
            "the time from hire to first won deal and to the first calendar month with won ARR >= 80% "
            "of monthly_quota is shifted by that many weeks in distribution (medians differ by it)."
        ),
        "six_month_attainment_gap": (
            "Expected won ARR closed in the first 182 days after hire / (6 x monthly_quota), "
            "structured_sprint minus standard, for a hire of average skill (Monte Carlo of the model)."
        ),
        "sdr_weak_stage": (
            "The SDR whose one weak stage is planted at sdr_weak_factor x benchmark; every other stage "
            "of every SDR is drawn at 1.00-1.12 x benchmark (sdr_stage_rates holds all true rates)."
        ),
        "injected_errors": (
            "Extra bad rows added (never changing clean rows): {table: {reason: count}}; "
            "injected_error_rows lists their keys. row_counts include them."
        ),
        "opportunities": (
            f"Deals are created from {BURN_IN_DAYS} days before the history (no calls before it); deals "
            "that closed before the history are omitted. Win/loss is Bernoulli(model probability)."
        ),
    }
