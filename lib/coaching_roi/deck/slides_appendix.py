"""The appendix slides: what changed since the last QBR, the SDR funnel, methods and data quality.

Sentences come from stored verdicts and readings (:mod:`coaching_roi.story`, :mod:`coaching_roi.compare`,
:mod:`coaching_roi.decision`); a missing input becomes a slide that says what is missing and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coaching_roi import compare, decision, story
from coaching_roi import estimate_ids as ids
from coaching_roi.config import Config
from coaching_roi.deck.model import DeckInputs, Slide, lead_rest, summary_table
from coaching_roi.stats import fmt_value


# --------------------------------------------------------------------------- since the last QBR
def changes_slide(compared: Mapping[str, Any], cfg: Config) -> Slide:
    since = compared.get("quarter") or compared.get("run")
    rows = compare.ordered_for_display(compared)
    s = Slide(key="changes", kicker="Backup · Since the last QBR", appendix=True,
              title=f"What changed since {since}", lead=compare.summary(compared))
    s.table_columns = ["Estimate", f"Then ({since})", f"Now ({cfg.quarter})", "What changed"]
    for c in rows[:10]:
        s.table_rows.append([c["label"], c.get("state_before") or "–", c.get("state_after") or "–",
                             compare.STATUS_WORDS[c["status"]]])
    if len(rows) > 10:
        s.bullets.append(f"{len(rows) - 10} more (most unchanged) on the index page and in findings.json.")
    s.notes = " ".join([s.title + ".", s.lead, *[c["reading"] for c in rows if c["status"] != "same"]])
    return s


# ----------------------------------------------------------------------------------- SDR funnel
def funnel_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    f = inputs.findings
    s = Slide(key="funnel", kicker="Backup · SDR funnel", appendix=True, title="SDR funnel summary")
    status = (f.get("status") or {}).get("04_coaching_plan")
    extra = (f.get("extra") or {}).get("04_coaching_plan") or {}
    summary = extra.get("funnel_summary", extra.get("funnel")) if isinstance(extra, dict) else None
    funnel_est = {k: e for k, e in (f.get("estimates") or {}).items() if k.startswith("funnel")}
    has_funnel = summary is not None or any(k.startswith("funnel_team_") for k in funnel_est) or bool(
        isinstance(extra, dict) and extra.get("team_rates"))
    if status is None or str(status).startswith("skipped") or not has_funnel:
        s.title = "SDR funnel: not available this quarter"
        absent = ((f.get("extra") or {}).get("01_data_intake") or {}).get("absent") or {}
        why = (f"no SDR activity in the inputs: {story.plain(str(absent['sdr_activity']))}" if "sdr_activity" in absent
               else story.missing_reason(f, "04_coaching_plan"))
        s.missing = f"The SDR funnel could not be measured ({why})."
        s.bullets = [str(e["reading"]) for k, e in sorted(funnel_est.items()) if e.get("reading")][:3]
        s.notes = " ".join([s.title + ".", s.missing, *s.bullets])
        return s
    rates = extra.get("team_rates") if isinstance(extra, dict) else None
    if summary is None and isinstance(rates, list) and rates:
        s.table_columns = ["Stage", "Team rate", f"{cfg.analysis.confidence_level * 100:g}% CI", "Benchmark", "n"]
        for r in rates[:8]:
            rate, lo, hi, bm = (r.get(k) for k in ("rate", "ci_low", "ci_high", "benchmark"))
            s.table_rows.append([
                str(r.get("label") or ids.sub_label(r.get("stage"))),
                fmt_value(rate, "fraction") if rate is not None else "–",
                f"{lo * 100:.0f}–{hi * 100:.0f}%" if lo is not None and hi is not None else "–",
                fmt_value(bm, "fraction") if bm is not None else "–",
                f"{int(r.get('n') or 0):,}",
            ])
    if isinstance(summary, dict) and isinstance(summary.get("headline"), str):
        s.title = summary["headline"]
    if summary is not None:
        s.table_columns, s.table_rows = summary_table(
            {k: v for k, v in summary.items() if k != "headline"} if isinstance(summary, dict) else summary)
    for k, e in sorted(funnel_est.items()):
        if e.get("reading") and not k.startswith("funnel_team_"):  # team rates are in the table
            s.bullets.append(str(e["reading"]))
    s.bullets = s.bullets[:5]
    if s.table_rows and s.title == "SDR funnel summary":
        s.title = "SDR funnel: team conversion by stage against benchmark"
    if not s.bullets:
        s.bullets = ["Stage conversion per SDR vs benchmark; the coaching plan names one skill per rep."]
    return lead_rest(s)


# -------------------------------------------------------------------------------------- methods
def methods_slide(inputs: DeckInputs, cfg: Config, caveats: list[str]) -> Slide:
    a = cfg.analysis
    lvl = f"{a.confidence_level * 100:g}%"
    s = Slide(key="methods", kicker="Backup · Methods, decision rule and caveats", appendix=True,
              title="How the numbers were made, and what they cannot say")
    rules = "; ".join(decision.rule_condition(r) for r in cfg.decision.rules)
    s.bullets = [
        f"Behavior change: the coached behavior's weekly score {a.event_window_pre_weeks} weeks before to "
        f"{a.event_window_post_weeks} weeks after the first session, against reps not (yet) coached on it over the same "
        "weeks (stacked difference-in-differences, rep-clustered intervals; pre-period leads check fairness).",
        f"Win-rate link: rep-level change in win rate per point of score gained, {', '.join(str(x) for x in a.lag_quarters)} "
        f"quarter(s) later once those deals have closed; never extrapolated. Quartiles: AEs ranked by composite "
        f"discovery score, gap interval by bootstrap over reps ({a.n_bootstrap:,} resamples, {lvl}).",
        f"Reading rule: a finding needs its whole {lvl} interval on one side of zero and enough units (params); "
        "otherwise it reads no clear change, with the smallest effect the data could detect, or too few to tell.",
        "Decision rule (params, first match wins): " + rules
        + f"; otherwise {decision.LABELS[cfg.decision.otherwise.recommendation]}. Expand always needs a positive "
        "behavior change and a positive win-rate link.",
    ]
    s.lead = "Caveats: " + " ".join(caveats[:2]) if caveats else ""
    s.bullets += caveats[2:]
    s.notes = " ".join([s.title + ".", s.lead, *s.bullets])
    return s


# --------------------------------------------------------------------------------- data quality
NOTEBOOK_NAMES = {"01_data_intake": "Data intake", "02_behavioral_scoring": "Behavioral scoring",
                  "03_cohort_comparison": "Cohort comparison", "04_coaching_plan": "Coaching plan"}
TABLE_NAMES = {"reps": "Reps", "calls": "Calls", "call_scores": "Call scores", "coaching_sessions": "Coaching log",
               "opportunities": "Opportunities", "sdr_activity": "SDR activity"}


def quality_slide(inputs: DeckInputs, cfg: Config) -> Slide:
    f = inputs.findings
    s = Slide(key="quality", kicker="Backup · Data quality", appendix=True, title="Data quality behind these numbers")
    extra = (f.get("extra") or {}).get("01_data_intake")
    status = f.get("status") or {}
    if extra is None:
        s.missing = f"The data-quality summary is missing ({story.missing_reason(f, '01_data_intake')})."
    elif isinstance(extra, dict) and isinstance(extra.get("accounting"), list) and extra["accounting"]:
        s.table_columns = ["Table", "Source", "Rows read", "Accepted", "Rejected"]
        for r in extra["accounting"][:8]:
            s.table_rows.append([TABLE_NAMES.get(str(r.get("table")), story.plain(str(r.get("table")))),
                                 str(r.get("source") or "–"), f"{int(r.get('rows_read') or 0):,}",
                                 f"{int(r.get('rows_accepted') or 0):,}", f"{int(r.get('rows_rejected') or 0):,}"])
        if all(k in extra for k in ("rows_read", "rows_accepted", "rows_rejected")):
            s.lead = (f"{int(extra['rows_read']):,} rows read = {int(extra['rows_accepted']):,} accepted + "
                      f"{int(extra['rows_rejected']):,} rejected; every rejected row is listed in the rejects folder with its reason.")
        absent = extra.get("absent")
        if isinstance(absent, dict) and absent:
            s.bullets.append("Absent tables: " + "; ".join(
                f"{TABLE_NAMES.get(k, story.plain(k))} ({story.plain(str(v))})" for k, v in absent.items()) + ".")
        for rec in (extra.get("checklist") or [])[:4]:
            if isinstance(rec, dict) and rec.get("item"):
                s.bullets.append(f"{rec['item']}: {rec.get('answer', '')} — {story.plain(str(rec.get('figure', '')))}.")
    else:
        s.table_columns, s.table_rows = summary_table(extra)
    runs = [f"{NOTEBOOK_NAMES[nb]} {'ok' if status.get(nb) == 'ok' else story.plain(str(status.get(nb) or 'has not run'))}"
            for nb in NOTEBOOK_NAMES]
    s.bullets.append("Notebooks: " + "; ".join(runs) + ".")
    if not s.lead:
        s.lead = "Row counts, rejects and coverage per table from intake; each notebook's run status below."
    s.notes = " ".join([s.title + ".", s.lead, *s.bullets])
    return s

