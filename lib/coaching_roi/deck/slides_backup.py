"""The backup slides on the evidence: score quartiles and wins, the evidence behind each link, what
would settle the unclear ones, ramp, deal cycle and money (the appendix slides are in
:mod:`.slides_appendix`).

Titles and sentences come from stored verdicts (:func:`coaching_roi.verdict.title` and the stored
readings); labels from the rubric and :func:`coaching_roi.estimate_ids.label`; a missing input
becomes a slide that says what is missing and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from coaching_roi import estimate_ids as ids
from coaching_roi import settle, story
from coaching_roi import verdict as vd
from coaching_roi.config import Config
from coaching_roi.deck.model import (
    DeckInputs,
    PendingPng,
    Slide,
    est,
    fig_png_later,
    interval_frame,
    lead_rest,
)
from coaching_roi.plots import deck as deck_plots
from coaching_roi.stats import fmt_value

SKIP_SETTLE = ("event_study_pretrend", "funnel_")  # checks and funnel levels are not links to settle


def _policy(cfg: Config) -> vd.Policy:
    return vd.Policy.from_config(cfg)


def _title(eid: str, e: Mapping[str, Any] | None, cfg: Config, *, missing: str) -> str:
    return missing if e is None else vd.title(eid, e, policy=_policy(cfg), labels=cfg.rubric.labels)


def _intervals_figure(frame: pd.DataFrame, *, xlabel: str, scale: float = 1.0,
                      ref_line: tuple[float, str] | None = None) -> PendingPng:
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.8 * len(frame)))
    deck_plots.plot_intervals(frame, xlabel=xlabel, scale=scale, ref_line=ref_line, ax=ax)
    return fig_png_later(fig)


# ---------------------------------------------------------------------------- scores and wins
def quartiles_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    f = inputs.findings
    gap = est(f, "quartile_win_rate_gap")
    v = story.classify(gap)
    level = f"{cfg.analysis.confidence_level * 100:g}%"
    if v == "positive":
        title = ("Reps who score higher on discovery calls win more: the top quartile wins "
                 f"{story.value_text('quartile_win_rate_gap', gap)} more of its deals")
    elif v == "negative":
        title = "Higher discovery-call scores did not go with higher win rates this quarter"
    elif v == "missing":
        title = "Scores and win rates: not available this quarter"
    else:
        title = _title("quartile_win_rate_gap", gap, cfg, missing="")
    s = Slide(key="quartiles", kicker="Backup · Scores predict wins", title=title, appendix=True,
              lead=story.gap_sentence(f))
    rq, qs = inputs.rep_quarter, inputs.quartiles
    no_quartile = rq is not None and ("quartile" not in rq.columns or rq["quartile"].notna().sum() == 0)
    if rq is None or qs is None or rq.empty or qs.empty or no_quartile:
        s.missing = ("The score distribution and quartile win rates are missing "
                     f"({story.reason_for(f, 'quartile_win_rate_gap')}). Scored discovery calls and closed deals are needed.")
        s.notes = " ".join([s.title + ".", s.lead, s.missing])
        return s
    fig, ax = plt.subplots(figsize=(12, 4.3))
    deck_plots.plot_score_distribution_winrate(rq, qs, ax=ax, score_range=None, level_text=level)
    s.figure = fig_png_later(fig)
    n_reps = int(rq["rep_id"].nunique()) if "rep_id" in rq.columns else len(rq)
    s.figure_alt = (f"Histogram of {n_reps} reps' composite discovery scores, coloured by quartile, with each "
                    f"quartile's win rate and {level} interval.")
    s.bullets = [f"Bars: how many of the {n_reps} reps sit at each score, coloured by quartile; dots: each quartile's "
                 f"win rate on deals closed this quarter, with its {level} interval."]
    small = qs["n_reps"] < cfg.analysis.min_reps_per_group
    if small.any():
        s.bullets.append(f"{int(small.sum())} quartile(s) hold fewer than {cfg.analysis.min_reps_per_group} reps: their "
                         "win rates are early readings, and the intervals show how far they could be off.")
    rows = qs.sort_values("quartile", ascending=False)
    details = [
        f"{deck_plots.QUARTILE_NAMES.get(int(r.quartile), r.quartile)}: scores {r.score_min:.1f}–{r.score_max:.1f}, "
        f"{int(r.n_reps)} reps, won {int(r.won)} of {int(r.won + r.lost)} closed deals "
        f"({r.win_rate * 100:.0f}%, {level} CI {r.ci_low * 100:.0f}–{r.ci_high * 100:.0f}%)"
        for r in rows.itertuples() if pd.notna(r.win_rate)
    ]
    s.notes = " ".join([s.title + ".", s.lead, *details])
    return s


# ------------------------------------------------------------------------------ evidence chain
L2_TITLES = vd.BEHAVIOR_LAYER_TITLES  # slide title by the layer-2 state


def evidence_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    """Behavior change per coached behavior, the fairness checks, the win-rate link and the win model."""
    f = inputs.findings
    labels = cfg.rubric.labels
    l2 = story.layer2(f, vd.Policy.from_config(cfg))
    changes = story.estimates_with_prefix(f, "behavior_change")
    s = Slide(key="evidence", kicker="Backup · Behavior change and the win-rate link", appendix=True,
              title=L2_TITLES[l2.state])
    if not changes:
        s.missing = f"Behavior change could not be measured ({story.reason_for(f, 'behavior_change::all')})."
    order = sorted(changes, key=lambda b: (b != ids.POOLED, story.classify(changes[b]) != "positive", b))
    frame = interval_frame(f, [(f"behavior_change::{b}", ids.sub_label(b, labels)) for b in order])
    if not frame.empty:
        s.figure = _intervals_figure(
            frame, xlabel=f"Score change vs comparison reps (points, {cfg.analysis.confidence_level * 100:g}% CI)")
        s.figure_alt = "Difference-in-differences effect of coaching on each coached behavior, with intervals."
    # the pooled change leads; then the fairness checks, the win-rate link and the win model; per-behavior last
    pooled = [b for b in order if b == ids.POOLED] or order[:1]
    for b in pooled:
        s.bullets.append(story.sentence(f"behavior_change::{b}", changes[b], findings=f))
    fair = []
    for b, e in sorted(story.estimates_with_prefix(f, "event_study_pretrend").items()):
        if story.classify(e) in ("positive", "negative"):
            s.bullets.append(story.sentence(f"event_study_pretrend::{b}", e, findings=f))
        elif story.classify(e) == "no_clear_change":
            fair.append(ids.sub_label(b, labels))
    if fair:
        s.bullets.append(vd.row_phrase("fairness_passed", "no_clear_change", value=", ".join(fair)))
    links = story.estimates_with_prefix(f, "win_rate_change_per_point")
    for b, e in sorted(links.items()):
        s.bullets.append(story.sentence(f"win_rate_change_per_point::{b}", e, findings=f))
    if not links and changes:
        s.bullets.append(story.sentence("win_rate_change_per_point::all", None, findings=f))
    auc = est(f, "behavior_auc")
    if auc:
        s.bullets.append(story.sentence("behavior_auc", auc, findings=f))
    for b in order:
        if b not in pooled:
            s.bullets.append(story.sentence(f"behavior_change::{b}", changes[b], findings=f))
    return lead_rest(s)


def settle_rows(findings: Mapping[str, Any], cfg: Config, per_quarter: Mapping[str, float] | None) -> list[dict]:
    """:func:`coaching_roi.settle.assess` for every unclear estimate of the chain's layers (labels added)."""
    policy = _policy(cfg)
    out = []
    for k, e in (findings.get("estimates") or {}).items():
        if k.startswith(SKIP_SETTLE):
            continue
        a = settle.assess(k, e, policy=policy, per_quarter=per_quarter)
        if a:
            a["label"] = ids.label(k, cfg.rubric.labels)
            a["state"] = vd.state(e, policy, k).word
            out.append(a)
    return out


def settle_slide(rows: list[dict], cfg: Config) -> Slide:
    s = Slide(key="settle", kicker="Backup · What it would take to know", appendix=True,
              title="What would settle the links that are not clear yet")
    if not rows:
        s.lead = ("No estimate is waiting on more of the same data: each is either clear or not measured, and slide 1 "
                  "and the backup slides say what every missing one needs.")
        s.notes = s.lead
        return s
    s.lead = (f"From each estimate's minimum detectable effect ({_policy(cfg).power:.0%} power) and the pace at which "
              "the data add reps, new hires and deals; no number here is assumed.")
    s.table_columns = ["Estimate", "State", "What would settle it"]
    s.table_rows = [[r["label"], r["state"], r["sentence"]] for r in rows]
    s.notes = " ".join([s.title + ".", s.lead, *[f"{r['label']}: {r['sentence']}" for r in rows]])
    return s


# ----------------------------------------------------------------------------------------- ramp
def ramp_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    f = inputs.findings
    s = Slide(key="ramp", kicker="Backup · Ramp of new hires", appendix=True, title="")
    first, q80 = est(f, "ramp_weeks_saved::first_win"), est(f, "ramp_weeks_saved::quota_80")
    key, best = next(((k, e) for k, e in (("ramp_weeks_saved::quota_80", q80), ("ramp_weeks_saved::first_win", first))
                      if story.classify(e) == "positive"), ("ramp_weeks_saved::quota_80", q80 or first))
    if best is None:
        s.title = "Ramp time: not measured this quarter"
    elif story.classify(best) == "positive":
        early = "Early signal: s" if vd.state(best, _policy(cfg), key).key == "early_signal" else "S"
        s.title = f"{early}tructured onboarding ramps new hires {story.value_text(key, best)} faster"
    elif "too_few" in (story.classify(first), story.classify(q80)):
        s.title = "Too few new hires to judge ramp time between onboarding programs yet"
    else:
        s.title = "No clear ramp-time difference between onboarding programs yet"
    frame = interval_frame(f, [("ramp_weeks_saved::first_win", "Weeks saved to first win"),
                               ("ramp_weeks_saved::quota_80", "Weeks saved to 80% of quota")])
    if frame.empty:
        s.missing = (f"Ramp could not be measured ({story.reason_for(f, 'ramp_weeks_saved::quota_80')}); it needs hire "
                     "dates, onboarding programs and monthly quotas.")
    else:
        s.figure = _intervals_figure(frame, xlabel=f"Weeks saved by the structured program (median difference, "
                                                   f"{cfg.analysis.confidence_level * 100:g}% CI)")
        s.figure_alt = "Weeks saved by the structured onboarding program, with intervals."
    for k in ("ramp_weeks_saved::quota_80", "ramp_weeks_saved::first_win", "six_month_attainment_gap", "ramp_value_usd"):
        if est(f, k) is not None:
            s.bullets.append(story.sentence(k, est(f, k), findings=f))
    hc = story.headcount_sentence(est(f, "ramp_value_usd"), role_cost=cfg.economics.enablement_role_cost_usd)
    if hc:
        s.bullets.append(hc)
    return lead_rest(s)


# ------------------------------------------------------------------------------------ deal cycle
def cycle_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    f = inputs.findings
    labels = cfg.rubric.labels
    s = Slide(key="cycle", kicker="Backup · Deal cycle", appendix=True, title="")
    link = est(f, "cycle_change_per_point::all")
    cyc = story.estimates_with_prefix(f, "deal_cycle_pct_faster")
    pos = [b for b, e in cyc.items() if story.classify(e) == "positive"]
    if story.classify(link) in ("positive", "negative"):
        s.title = _title("cycle_change_per_point::all", link, cfg, missing="")
    elif pos:
        s.title = (f"Deals strong on “{ids.sub_label(pos[0], labels)}” close "
                   f"{story.value_text('deal_cycle_pct_faster::' + pos[0], cyc[pos[0]])} faster (an association)")
    elif cyc or link:
        s.title = "No clear deal-cycle difference between high and low scorers"
    else:
        s.title = "Deal cycle: not measured this quarter"
    frame = interval_frame(f, [(f"deal_cycle_pct_faster::{b}", ids.sub_label(b, labels)) for b in sorted(cyc)])
    if frame.empty:
        s.missing = f"Deal cycle by behavior could not be measured ({story.reason_for(f, 'deal_cycle_pct_faster')})."
    else:
        s.figure = _intervals_figure(frame, scale=100, xlabel=f"% faster close, high vs low scorers "
                                                              f"({cfg.analysis.confidence_level * 100:g}% CI)")
        s.figure_alt = "Percent faster deal cycle for deals scored high vs low, with intervals."
    s.bullets.append(story.sentence("cycle_change_per_point::all", link, findings=f))
    for b in sorted(cyc):
        s.bullets.append(story.sentence(f"deal_cycle_pct_faster::{b}", cyc[b], findings=f))
    return lead_rest(s)


# ----------------------------------------------------------------------------------------- money
def money_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    """Realized value first; ROI only from realized value; ramp value; the upside as a potential, never a return."""
    f = inputs.findings
    eco = cfg.economics
    s = Slide(key="money", kicker="Backup · Money", appendix=True, title="")
    realized, roi = est(f, "realized_value_usd"), est(f, "roi_pct")
    s.title = _title("realized_value_usd", realized, cfg, missing="Realized money is not measurable yet")
    if realized is None:
        s.missing = (f"The realized value of coaching could not be computed ({story.reason_for(f, 'realized_value_usd')}); "
                     "it needs a clear behavior change and a measured outcome link.")
    else:
        s.bullets.append(story.sentence("realized_value_usd", realized, findings=f))
    if roi is not None and realized is not None:
        s.bullets.append(story.sentence("roi_pct", roi, findings=f))
    elif roi is not None:
        s.bullets.append("No return on the program's cost is shown: it is computed from realized value only, which is "
                         "not measured yet.")
    for k in ("ramp_value_usd", "upside_value_usd"):
        if est(f, k) is not None:
            s.bullets.append(story.sentence(k, est(f, k), findings=f))
    cost = (roi or {}).get("program_cost_usd", eco.program_cost_usd)
    iso = (roi or {}).get("isolation_factor", eco.isolation_factor)
    conf = (roi or {}).get("confidence_discount", eco.confidence_discount)
    cost_txt = fmt_value(cost, "usd") if cost else "not set"
    s.bullets.append(f"Assumptions (params, not measurements): program cost {cost_txt}; "
                     f"{iso * 100:.0f}% of the benefit attributed to coaching; {conf * 100:.0f}% confidence in that share.")
    frame = interval_frame(f, [("realized_value_usd", "Realized value"), ("ramp_value_usd", "Faster ramp"),
                               ("upside_value_usd", "Upside (a potential)")])
    if not frame.empty:
        s.figure = _intervals_figure(frame, scale=1e-3, xlabel="Annual ARR value, $K (interval)",
                                     ref_line=(cost / 1e3, f"program cost {cost_txt}") if cost else None)
        s.figure_alt = "Annual value of realized behavior change, faster ramp and the upside potential, with the program cost."
    if s.missing:
        s.notes = " ".join([s.title + ".", s.missing, *s.bullets])
        return s
    return lead_rest(s)
