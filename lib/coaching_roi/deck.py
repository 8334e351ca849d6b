"""The QBR deck: a model built from findings and 03's artifacts, rendered to HTML slides, PDF, PPTX.

* :func:`load_inputs` reads ``findings.json`` and the Parquet artifacts of notebook 03 (absent ones
  are ``None``).
* :func:`build_deck` turns them into a :class:`Deck` (title slide, two main slides, a backup
  appendix); every sentence comes from :mod:`coaching_roi.story`; a missing input becomes a slide
  that says what is missing and why.
* :func:`render_html` writes one self-contained file (inline CSS/JS, base64 PNG figures; no network);
  :func:`render_pdf` prints it with a system Chromium through Playwright (one slide per page);
  :func:`render_pptx` writes editable titles, pictures and speaker notes with python-pptx.
* :func:`render_all` does all three into ``cfg.run_dir`` and never fails for want of a browser.
"""

from __future__ import annotations

import base64
import html
import io
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from coaching_roi import findings as findings_mod  # noqa: E402
from coaching_roi import story, textsafe  # noqa: E402
from coaching_roi.config import Config  # noqa: E402
from coaching_roi.plots import deck as deck_plots  # noqa: E402
from coaching_roi.stats import fmt_value  # noqa: E402

TEMPLATES = Path(__file__).parent / "templates"
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
BROWSER_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
    "/opt/microsoft/msedge/msedge",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
PDF_HELP = (
    "no Chromium found: install one (Debian/Ubuntu: `apt-get install chromium`; macOS/Windows: Google "
    "Chrome or Edge) or set COACHING_ROI_CHROMIUM to the browser's path, then re-run notebook 05"
)


# ------------------------------------------------------------------------------------ the model
@dataclass
class Slide:
    """One slide. ``title`` states the finding; ``lead`` is the one-line reading under it."""

    key: str
    title: str
    kicker: str = ""
    lead: str = ""
    bullets: list[str] = field(default_factory=list)
    figure: bytes | None = None  # PNG
    figure_alt: str = ""
    cards: list[dict[str, str]] = field(default_factory=list)  # slide 2: name, behavior, lines
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    missing: str = ""  # what this slide cannot show, and why
    notes: str = ""  # speaker notes
    appendix: bool = False

    @property
    def figure_data_uri(self) -> str:
        if not self.figure:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.figure).decode("ascii")

    def texts(self) -> list[str]:
        """Every string a reader can see on this slide (for checks such as pseudonymisation)."""
        out = [self.title, self.kicker, self.lead, self.missing, self.notes, self.figure_alt, *self.bullets]
        out += [v for c in self.cards for v in c.values() if isinstance(v, str)]
        out += [*self.table_columns, *[c for r in self.table_rows for c in r]]
        return [t for t in out if t]


@dataclass
class Deck:
    """The whole deck: title-slide fields plus the slides in order (main first, then appendix)."""

    title: str
    company: str
    quarter: str
    headline: str
    slides: list[Slide]
    pseudonymized: bool = False
    generated: str = ""

    @property
    def n_slides(self) -> int:
        return len(self.slides)

    def titles(self) -> list[str]:
        return [s.title for s in self.slides]

    def texts(self) -> list[str]:
        return [self.title, self.company, self.headline, *[t for s in self.slides for t in s.texts()]]


@dataclass
class DeckInputs:
    """What the deck reads: findings plus notebook 03's artifacts (None when absent)."""

    findings: dict[str, Any]
    rep_quarter: pd.DataFrame | None = None
    quartiles: pd.DataFrame | None = None
    examples: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None  # 01's reps table (real names to scrub when pseudonymising)


def _read_parquet(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        return None


def load_inputs(cfg: Config) -> DeckInputs:
    """Read findings and 03's artifacts from ``cfg.run_dir`` (absent ones become None)."""
    reps = None
    try:
        from coaching_roi import artifacts  # written by notebook 01's engineer

        reps = artifacts.read_table(cfg, "reps")
    except Exception:  # noqa: BLE001 - an unreadable/absent table only means fewer names to scrub
        reps = _read_parquet(cfg.artifact("01_reps"))
    return DeckInputs(
        findings=findings_mod.load(cfg.run_dir),
        rep_quarter=_read_parquet(cfg.artifact("03_rep_quarter")),
        quartiles=_read_parquet(cfg.artifact("03_quartiles")),
        examples=_read_parquet(cfg.artifact("03_example_reps")),
        reps=reps,
    )


# ----------------------------------------------------------------------------- pseudonymisation
def name_replacements(inputs: DeckInputs) -> dict[str, str]:
    """Real rep name -> stable alias, from every frame that carries names."""
    pairs: dict[str, str] = {}
    for df in (inputs.reps, inputs.rep_quarter, inputs.examples):
        if df is None or "rep_id" not in df.columns or "rep_name" not in df.columns:
            continue
        for rid, name in zip(df["rep_id"], df["rep_name"], strict=True):
            if pd.notna(rid) and pd.notna(name) and str(name).strip():
                pairs[str(name).strip()] = str(rid)
    aliases = story.alias_map(pairs.values())
    return {name: aliases[rid] for name, rid in pairs.items()}


def pseudonymize_inputs(inputs: DeckInputs) -> tuple[DeckInputs, dict[str, str]]:
    """Replace rep names by aliases in every frame and every findings string."""
    repl = name_replacements(inputs)
    ids = set()
    for df in (inputs.reps, inputs.rep_quarter, inputs.examples):
        if df is not None and "rep_id" in df.columns:
            ids |= {str(x) for x in df["rep_id"].dropna()}
    by_id = story.alias_map(ids)

    def _frame(df: pd.DataFrame | None) -> pd.DataFrame | None:
        if df is None:
            return None
        out = df.copy()
        if "rep_name" in out.columns and "rep_id" in out.columns:
            out["rep_name"] = [by_id.get(str(r), story.alias(str(r))) for r in out["rep_id"]]
        for c in out.columns:
            if c != "rep_name" and (pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object):
                out[c] = [story.scrub(v, repl) if isinstance(v, str) else v for v in out[c]]
        return out

    def _walk(obj: Any) -> Any:
        if isinstance(obj, str):
            return story.scrub(obj, repl)
        if isinstance(obj, dict):
            return {k: _walk(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [_walk(v) for v in obj]
        return obj

    return (
        DeckInputs(
            findings=_walk(inputs.findings),
            rep_quarter=_frame(inputs.rep_quarter),
            quartiles=inputs.quartiles,
            examples=_frame(inputs.examples),
            reps=_frame(inputs.reps),
        ),
        repl,
    )


# ------------------------------------------------------------------------------------ figures
def fig_png(fig: plt.Figure, *, dpi: int = 150) -> bytes:
    """Encode a figure as PNG bytes and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _est(findings: Mapping[str, Any], key: str) -> dict | None:
    return (findings.get("estimates") or {}).get(key)


def _interval_frame(findings: Mapping[str, Any], keys: list[tuple[str, str]]) -> pd.DataFrame:
    rows = []
    for key, label in keys:
        e = _est(findings, key)
        if e and e.get("value") is not None:
            rows.append({"label": label, "value": e.get("value"), "ci_low": e.get("ci_low"),
                         "ci_high": e.get("ci_high"), "n": int(e.get("n") or 0)})
    return pd.DataFrame(rows, columns=["label", "value", "ci_low", "ci_high", "n"]).astype(
        {"value": float, "ci_low": float, "ci_high": float}
    )


# ------------------------------------------------------------------------------- tables of extras
def _fmt_cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if v != v:  # nan
            return "–"
        if 0 < abs(v) < 1 and not float(v).is_integer():
            return f"{v:.2f}"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt_cell(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt_cell(x)}" for k, x in list(v.items())[:6])
    return str(v)


def _pretty(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def summary_table(obj: Any, *, max_rows: int = 12) -> tuple[list[str], list[list[str]]]:
    """Turn a notebook's ``extra`` summary (dict or list of records) into a small table."""
    if obj is None:
        return [], []
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        cols = list(dict.fromkeys(k for x in obj for k in x))[:7]
        return [_pretty(c) for c in cols], [[_fmt_cell(x.get(c)) for c in cols] for x in obj[:max_rows]]
    if isinstance(obj, dict):
        if obj and all(isinstance(v, dict) for v in obj.values()):
            cols = list(dict.fromkeys(k for v in obj.values() for k in v))[:6]
            return [""] + [_pretty(c) for c in cols], [
                [str(k)] + [_fmt_cell(v.get(c)) for c in cols] for k, v in list(obj.items())[:max_rows]
            ]
        rows = []
        for k, v in obj.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                continue  # nested record lists are too big for a slide
            rows.append([_pretty(k), _fmt_cell(v)])
        return ["Item", "Value"], rows[:max_rows]
    return ["Value"], [[_fmt_cell(obj)]]


# --------------------------------------------------------------------------------- the slides
def _next_quarter(q: str) -> str:
    from coaching_roi.config import quarter_label

    return quarter_label(q, 1)


def _slide_quartiles(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    gap = _est(f, "quartile_win_rate_gap")
    verdict = story.classify(gap, min_n=min_n)
    lead = story.gap_sentence(f, min_n=min_n)
    if verdict == "positive":
        title = (
            "Reps who score higher on discovery calls win more: the top quartile wins "
            f"{story.value_text('quartile_win_rate_gap', gap)} more of its deals"
        )
    elif verdict == "negative":
        title = "Higher discovery-call scores did not go with higher win rates this quarter"
    elif verdict == "missing":
        title = "Score vs win rate: not available this quarter"
    else:
        title = "No clear win-rate difference between score quartiles this quarter"
    s = Slide(key="quartiles", kicker="1 · Behavior predicts outcomes", title=title, lead=lead)
    rq, qs = inputs.rep_quarter, inputs.quartiles
    no_quartile = rq is not None and ("quartile" not in rq.columns or rq["quartile"].notna().sum() == 0)
    if rq is None or qs is None or rq.empty or qs.empty or no_quartile:  # no_quartile: e.g. every deal open
        why = story.reason_for(f, "quartile_win_rate_gap")
        s.missing = (
            "The score distribution and quartile win rates are missing (notebook 03's rep-quarter and "
            f"quartile tables are absent: {why}). Scored discovery calls and closed deals are needed."
        )
    else:
        fig, ax = plt.subplots(figsize=(12, 4.3))
        deck_plots.plot_score_distribution_winrate(
            rq, qs, ax=ax, score_range=None,
        )
        s.figure = fig_png(fig)
        n_reps = int(rq["rep_id"].nunique()) if "rep_id" in rq.columns else len(rq)
        s.figure_alt = (
            f"Histogram of {n_reps} reps' composite discovery scores, coloured by quartile, with each "
            "quartile's win rate and 95% interval."
        )
        rows = qs.sort_values("quartile", ascending=False)
        details = [
            f"{deck_plots.QUARTILE_NAMES.get(int(r.quartile), r.quartile)}: scores {r.score_min:.1f}–{r.score_max:.1f}, "
            f"{int(r.n_reps)} reps, won {int(r.won)} of {int(r.won + r.lost)} closed deals "
            f"({r.win_rate * 100:.0f}%, 95% CI {r.ci_low * 100:.0f}–{r.ci_high * 100:.0f}%)"
            for r in rows.itertuples()
            if pd.notna(r.win_rate)
        ]
        s.bullets = [
            f"Bars: how many of the {n_reps} reps sit at each score, coloured by quartile; dots: each quartile's "
            "win rate on deals closed this quarter, with its 95% interval."
        ]
        if (qs["n_reps"] < min_n).any():
            s.bullets.append(
                f"Some quartiles hold fewer than {min_n} reps: read their win rates as a warning sign, not a finding."
            )
        s.notes = " ".join([lead, *details])
        return s
    s.notes = lead
    return s


def _slide_examples(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    ex = inputs.examples
    s = Slide(key="examples", kicker="2 · Coaching → behavior → outcome, rep by rep", title="")
    if ex is None or ex.empty:
        s.title = "Rep examples: none qualify this quarter"
        s.missing = (
            "No rep met the example rule (one behavior coached, regular sessions, observables recorded, "
            f"scored calls before and after): {story.missing_reason(f, '03_cohort_comparison')}."
        )
        s.lead = "Without a documented coaching episode and scored calls around it, there is no rep-level story to show."
        s.notes = s.lead
        return s
    ex = ex.head(3).reset_index(drop=True)
    deltas = (ex["after_score"] - ex["before_score"]).dropna()
    wr = (ex["win_rate_after"] - ex["win_rate_before"]).dropna()
    if len(deltas) and (deltas > 0).all():
        s.title = f"{len(ex)} coached reps: scores on the coached behavior rose {deltas.min():.1f}–{deltas.max():.1f} points"
    else:
        s.title = f"{len(ex)} coached reps: before and after on the behavior they worked on"
    few = int(pd.concat([ex["n_deals_before"], ex["n_deals_after"]]).min()) if len(ex) else 0
    l2 = story.layer2(f, min_n=min_n)
    if l2.state != "moved":
        # Picking the clearest movers when the team-level change is not clear would be cherry-picking:
        # show them as individual cases and say so.
        s.title = f"{len(ex)} coached reps, before and after — individual cases, not a team-wide result"
        team = (
            "The team-wide score change could not be measured"
            if l2.state == "missing"
            else "Across all coached reps the score change is not clearly different from uncoached reps"
        )
        s.lead = f"{team} (see the evidence chain in the appendix), so these trajectories are examples to learn from, not evidence."
    elif len(wr) and (wr > 0).all() and few >= min_n:
        s.lead = f"All {len(ex)} improved on the coached behavior and won a larger share of deals afterwards — examples, not proof."
    elif len(wr):
        s.lead = (
            "Scores moved on the coached behavior; win rates on a handful of deals per rep are indicative only — "
            "the team-level link is in the appendix."
        )
    else:
        s.lead = "Scores moved on the coached behavior; no deals have closed since coaching to judge win rate yet."
    names = ex["rep_name"].astype(str).tolist() if "rep_name" in ex.columns else [f"Rep {i + 1}" for i in range(len(ex))]
    fig, axes = plt.subplots(1, 2, figsize=(11, 2.9))
    frame = pd.DataFrame(
        {
            "label": names,
            "sb": ex["before_score"].astype(float),
            "sa": ex["after_score"].astype(float),
            "wb": ex["win_rate_before"].astype(float) * 100,
            "wa": ex["win_rate_after"].astype(float) * 100,
        }
    )
    deck_plots.plot_dumbbell(frame, before="sb", after="sa", xlim=(cfg.rubric.scale_min, cfg.rubric.scale_max),
                             xlabel=f"Score on the coached behavior ({cfg.rubric.scale_min:g}–{cfg.rubric.scale_max:g})",
                             title="Coached behavior: before → after", ax=axes[0])
    deck_plots.plot_dumbbell(frame, before="wb", after="wa", xlim=(0, 100), fmt="{:.0f}%",
                             xlabel="Win rate of closed deals (%)", title="Win rate: before → after", ax=axes[1])
    axes[1].set_yticklabels([])
    fig.tight_layout()
    s.figure = fig_png(fig)
    s.figure_alt = "Before/after score on the coached behavior and win rate for each example rep."
    for i, r in ex.iterrows():
        row = r.to_dict()
        s.cards.append(
            {
                "name": names[i],
                "behavior": story._label(row.get("behavior"), None),
                "intervention": story.intervention_sentence(row),
                "movement": story.movement_sentence(row, min_deals=min_n, scale_max=cfg.rubric.scale_max),
            }
        )
    s.notes = " ".join(f"{c['name']}: {c['intervention']} {c['movement']}" for c in s.cards)
    s.bullets = ["Chosen by notebook 03's stated rule (most targeted coaching, clearest movement), not by hand."]
    return s


def _slide_evidence(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    """Appendix: the layer 2 and layer 3 estimates behind the headline."""
    f = inputs.findings
    l2 = story.layer2(f, min_n=min_n)
    changes = story.estimates_with_prefix(f, "behavior_change")
    s = Slide(key="evidence", kicker="Backup · Evidence chain", appendix=True, title="")
    titles = {
        "moved": "Coached behaviors moved more than uncoached reps' did",
        "unfair": "Coached behaviors rose, but they were already rising before coaching",
        "fell": "Coached behaviors fell relative to uncoached reps",
        "small_n": "Too few coached reps to judge behavior change yet",
        "not_moved": "No clear behavior change from coaching yet",
        "missing": "Behavior change: not measured this quarter",
    }
    s.title = titles[l2.state]
    if not changes:
        s.missing = f"Behavior change could not be measured ({story.reason_for(f, 'behavior_change')})."
    order = sorted(changes, key=lambda b: (story.classify(changes[b], min_n=min_n) != "positive", b))
    keys = [(f"behavior_change::{b}", b.replace("_", " ")) for b in order]
    frame = _interval_frame(f, keys)
    if not frame.empty:
        fig, ax = plt.subplots(figsize=(10, 0.9 + 0.75 * len(frame)))
        deck_plots.plot_intervals(frame, xlabel="Score change vs uncoached reps (points, 95% CI)", ax=ax)
        s.figure = fig_png(fig)
        s.figure_alt = "Difference-in-differences effect of coaching on each coached behavior, with 95% intervals."
    for b in order:
        s.bullets.append(story.sentence(f"behavior_change::{b}", changes[b], findings=f, min_n=min_n))
    fair = []
    for b, e in sorted(story.estimates_with_prefix(f, "event_study_pretrend").items()):
        if story.classify(e, min_n=1) in ("positive", "negative"):
            s.bullets.append(story.sentence(f"event_study_pretrend::{b}", e, findings=f, min_n=1))
        else:
            fair.append(story._label(b, None))
    if fair:
        s.bullets.append(f"Pre-coaching trend checks look fair (interval includes zero) for: {', '.join(fair)}.")
    links = story.estimates_with_prefix(f, "win_rate_change_per_point")
    if links:
        for b, e in sorted(links.items()):
            s.bullets.append(story.sentence(f"win_rate_change_per_point::{b}", e, findings=f, min_n=min_n))
    elif changes:
        s.bullets.append(
            f"Win-rate link: not yet observable — deals from coached reps close over the next quarters; "
            f"we re-check in {_next_quarter(cfg.quarter)}."
        )
    auc = _est(f, "behavior_auc")
    if auc:
        s.bullets.append(story.sentence("behavior_auc", auc, findings=f, min_n=min_n))
    s.lead = s.bullets[0] if s.bullets else ""
    s.bullets = s.bullets[1:] if s.bullets else []
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_ramp(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    s = Slide(key="ramp", kicker="Backup · Ramp", appendix=True, title="")
    first, q80 = _est(f, "ramp_weeks_saved::first_win"), _est(f, "ramp_weeks_saved::quota_80")
    att, val = _est(f, "six_month_attainment_gap"), _est(f, "ramp_value_usd")
    vq = story.classify(q80, min_n=min_n)
    vf = story.classify(first, min_n=min_n)
    if vq == "positive" or vf == "positive":
        best = q80 if vq == "positive" else first
        key = "ramp_weeks_saved::quota_80" if vq == "positive" else "ramp_weeks_saved::first_win"
        s.title = f"Structured onboarding ramps new hires {story.value_text(key, best)} faster"
    elif first is None and q80 is None:
        s.title = "Ramp time: not measured this quarter"
    elif "small_n" in (vq, vf):
        s.title = "Too few new hires to judge ramp time between onboarding programs yet"
    else:
        s.title = "No clear ramp-time difference between onboarding programs yet"
    frame = _interval_frame(f, [("ramp_weeks_saved::first_win", "Weeks saved to first win"),
                                ("ramp_weeks_saved::quota_80", "Weeks saved to 80% of quota")])
    if frame.empty:
        s.missing = f"Ramp could not be measured ({story.reason_for(f, 'ramp_weeks_saved')}); it needs hire dates, onboarding programs and monthly quotas."
    else:
        fig, ax = plt.subplots(figsize=(10, 0.9 + 0.8 * len(frame)))
        deck_plots.plot_intervals(frame, xlabel="Weeks saved by the structured program (median difference, 95% CI)", ax=ax)
        s.figure = fig_png(fig)
        s.figure_alt = "Weeks saved by the structured onboarding program, with 95% intervals."
    for key, e in (("ramp_weeks_saved::first_win", first), ("ramp_weeks_saved::quota_80", q80),
                   ("six_month_attainment_gap", att)):
        if e is not None:
            s.bullets.append(story.sentence(key, e, findings=f, min_n=min_n))
    if val is not None:
        s.bullets.append(story.sentence("ramp_value_usd", val, findings=f, min_n=min_n))
        hc = story.headcount_sentence(val, role_cost=cfg.economics.enablement_role_cost_usd, min_n=min_n)
        if hc:
            s.bullets.append(hc)
    s.lead = s.bullets[0] if s.bullets else ""
    s.bullets = s.bullets[1:]
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_cycle(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    s = Slide(key="cycle", kicker="Backup · Deal cycle", appendix=True, title="")
    cyc = story.estimates_with_prefix(f, "deal_cycle_pct_faster")
    pos = [b for b, e in cyc.items() if story.classify(e, min_n=min_n) == "positive"]
    if pos:
        b = pos[0]
        s.title = (
            f"Deals scored high on {b.replace('_', ' ')} close "
            f"{story.value_text('deal_cycle_pct_faster::' + b, cyc[b])} faster"
        )
    elif cyc:
        s.title = "No clear deal-cycle difference between high and low scorers"
    else:
        s.title = "Deal cycle: not measured this quarter"
    frame = _interval_frame(f, [(f"deal_cycle_pct_faster::{b}", b.replace("_", " ")) for b in sorted(cyc)])
    if frame.empty:
        s.missing = f"Deal cycle by behavior could not be measured ({story.reason_for(f, 'deal_cycle_pct_faster')})."
    else:
        fig, ax = plt.subplots(figsize=(10, 0.9 + 0.8 * len(frame)))
        deck_plots.plot_intervals(frame, scale=100, xlabel="% faster close, high vs low scorers (95% CI)", ax=ax)
        s.figure = fig_png(fig)
        s.figure_alt = "Percent faster deal cycle for deals scored high vs low, with 95% intervals."
    for b in sorted(cyc):
        s.bullets.append(story.sentence(f"deal_cycle_pct_faster::{b}", cyc[b], findings=f, min_n=min_n))
    cv = _est(f, "cycle_value_usd")
    if cv is not None:
        s.bullets.append(story.sentence("cycle_value_usd", cv, findings=f, min_n=min_n))
    s.lead = s.bullets[0] if s.bullets else ""
    s.bullets = s.bullets[1:]
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_money(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    eco = cfg.economics
    s = Slide(key="money", kicker="Backup · Money", appendix=True, title="")
    roi = _est(f, "roi_pct")
    v = story.classify(roi, min_n=min_n)
    if v == "positive":
        s.title = f"Coaching returned {story.value_text('roi_pct', roi)} on its cost, after attribution and discount"
    elif v == "missing":
        s.title = "Money: ROI not computed this quarter"
    elif v == "negative":
        s.title = "On attributed benefits, coaching did not pay back its cost this quarter"
    elif v == "small_n":
        s.title = "Too few deals and hires behind the ROI to call it this quarter"
    elif v == "no_interval":
        s.title = f"ROI {story.value_text('roi_pct', roi)} — indicative only, no interval available"
    else:
        s.title = "ROI is not clearly positive yet: its interval includes break-even"
    frame = _interval_frame(f, [("ramp_value_usd", "Ramp acceleration value"), ("cycle_value_usd", "Cycle compression value")])
    if not frame.empty:
        fig, ax = plt.subplots(figsize=(10, 0.9 + 0.8 * len(frame)))
        deck_plots.plot_intervals(frame, scale=1e-3, xlabel="Annual ARR value, $K (95% CI)",
                                  ref_line=(eco.program_cost_usd / 1e3, f"program cost {fmt_value(eco.program_cost_usd, 'usd')}"),
                                  ax=ax)
        s.figure = fig_png(fig)
        s.figure_alt = "Annual value of ramp acceleration and cycle compression, with the program cost marked."
    if roi is not None:
        s.lead = story.sentence("roi_pct", roi, findings=f, min_n=min_n)
    else:
        s.missing = f"ROI could not be computed ({story.reason_for(f, 'roi_pct')})."
    s.bullets = [
        f"Program cost {fmt_value(eco.program_cost_usd, 'usd')}; isolation factor {eco.isolation_factor * 100:.0f}% "
        f"(share of benefit attributed to coaching); confidence discount {eco.confidence_discount * 100:.0f}%.",
        "ROI = (attributed benefits − program cost) / program cost (Phillips method); both factors are params, not measurements.",
    ]
    for key in ("ramp_value_usd", "cycle_value_usd"):
        e = _est(f, key)
        if e is not None:
            s.bullets.append(story.sentence(key, e, findings=f, min_n=min_n))
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_funnel(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    s = Slide(key="funnel", kicker="Backup · SDR funnel", appendix=True, title="SDR funnel summary")
    status = (f.get("status") or {}).get("04_coaching_plan")
    extra = (f.get("extra") or {}).get("04_coaching_plan") or {}
    summary = extra.get("funnel_summary", extra.get("funnel")) if isinstance(extra, dict) else None
    funnel_est = {k: e for k, e in (f.get("estimates") or {}).items() if k.startswith("funnel")}
    if status is None or str(status).startswith("skipped") or (summary is None and not funnel_est):
        s.title = "SDR funnel: not available this quarter"
        s.missing = f"The SDR funnel summary is missing ({story.missing_reason(f, '04_coaching_plan')})."
        s.notes = s.missing
        return s
    rates = extra.get("team_rates") if isinstance(extra, dict) else None
    if summary is None and isinstance(rates, list) and rates:
        s.table_columns = ["Stage", "Team rate", "95% CI", "Benchmark", "n"]
        for r in rates[:8]:
            rate, lo, hi, bm = (r.get(k) for k in ("rate", "ci_low", "ci_high", "benchmark"))
            s.table_rows.append([
                str(r.get("label") or r.get("stage")),
                fmt_value(rate, "fraction") if rate is not None else "–",
                f"{lo * 100:.0f}–{hi * 100:.0f}%" if lo is not None and hi is not None else "–",
                fmt_value(bm, "fraction") if bm is not None else "–",
                f"{int(r.get('n') or 0):,}",
            ])
    if isinstance(summary, dict) and isinstance(summary.get("headline"), str):
        s.title = summary["headline"]
    if summary is not None:
        s.table_columns, s.table_rows = summary_table(
            {k: v for k, v in summary.items() if k != "headline"} if isinstance(summary, dict) else summary
        )
    for k, e in sorted(funnel_est.items()):
        if e.get("reading") and not k.startswith("funnel_team_"):  # team rates are in the table
            s.bullets.append(str(e["reading"]))
    s.bullets = s.bullets[:5]
    if s.table_rows and s.title == "SDR funnel summary":
        s.title = "SDR funnel: team conversion by stage against benchmark"
    s.lead = s.bullets[0] if s.bullets else "Stage conversion per SDR vs benchmark; the coaching plan names one skill per rep."
    s.bullets = s.bullets[1:]
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_methods(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    a = cfg.analysis
    cav = story.caveats(f, quarter=cfg.quarter, min_n=min_n, isolation_factor=cfg.economics.isolation_factor,
                        confidence_discount=cfg.economics.confidence_discount)
    s = Slide(key="methods", kicker="Backup · Methods and caveats", appendix=True,
              title="How the numbers were made, and what they cannot say")
    s.bullets = [
        f"Quartiles: AEs ranked by mean composite discovery score over {cfg.quarter}; win rate = won / (won + lost) "
        f"of deals closed in the quarter; gap interval by bootstrap over reps ({a.n_bootstrap:,} resamples, "
        f"{a.confidence_level * 100:.0f}%).",
        f"Behavior change: coached behavior's weekly score {a.event_window_pre_weeks} weeks before to "
        f"{a.event_window_post_weeks} weeks after the first session, vs reps not coached on it over the same weeks "
        "(difference-in-differences, rep-clustered intervals; pre-period leads check fairness).",
        f"Outcome link: rep-level change in win rate against change in score, also {', '.join(str(x) for x in a.lag_quarters)} "
        "quarter(s) later when those deals have closed.",
        f"Reading rules: an interval that includes zero is 'no clear difference'; fewer than {min_n} units gets a warning.",
    ]
    s.lead = "Caveats: " + " ".join(cav[:2]) if cav else ""
    s.bullets += cav[2:]
    s.notes = " ".join([s.lead, *s.bullets])
    return s


def _slide_quality(inputs: DeckInputs, cfg: Config, min_n: int) -> Slide:
    f = inputs.findings
    s = Slide(key="quality", kicker="Backup · Data quality", appendix=True, title="Data quality behind these numbers")
    extra = (f.get("extra") or {}).get("01_data_intake")
    status = (f.get("status") or {})
    if extra is None:
        s.missing = f"The data-quality summary is missing ({story.missing_reason(f, '01_data_intake')})."
    else:
        summ = extra
        if isinstance(extra, dict):
            for key in ("data_quality", "quality", "summary"):
                if isinstance(extra.get(key), dict):
                    summ = extra[key]
                    break
        if isinstance(summ, dict) and isinstance(summ.get("accounting"), list) and summ["accounting"]:
            s.table_columns, s.table_rows = summary_table(summ["accounting"])
            if all(k in summ for k in ("rows_read", "rows_accepted", "rows_rejected")):
                s.lead = (
                    f"{int(summ['rows_read']):,} rows read = {int(summ['rows_accepted']):,} accepted + "
                    f"{int(summ['rows_rejected']):,} rejected; every rejected row is listed in rejects/ with its reason."
                )
            absent = summ.get("absent")
            if isinstance(absent, dict) and absent:
                s.bullets.append("Absent tables: " + "; ".join(f"{k} ({v})" for k, v in absent.items()) + ".")
            for rec in (summ.get("checklist") or [])[:4]:
                if isinstance(rec, dict):
                    s.bullets.append("Checklist — " + " · ".join(_fmt_cell(v) for v in rec.values() if v is not None))
        else:
            s.table_columns, s.table_rows = summary_table(summ)
        if isinstance(extra, dict) and isinstance(extra.get("headline"), str):
            s.lead = extra["headline"]
    for nb in ("01_data_intake", "02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan"):
        st = status.get(nb)
        s.bullets.append(f"Notebook {nb.replace('_', ' ', 1)}: {st if st else 'has not run'}.")
    if not s.lead:
        s.lead = "Row counts, rejects and coverage per table from intake; each notebook's run status below."
    s.notes = " ".join([s.lead, *s.bullets])
    return s


SLIDE_RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "xtick.labelsize": 12,
            "ytick.labelsize": 12,
            "text.parse_math": False}  # labels hold data (names, amounts): '$' is a dollar sign, never math


def build_deck(cfg: Config, inputs: DeckInputs, *, pseudonymize: bool | None = None) -> Deck:
    """Build the deck model (figures included) from the findings and 03's artifacts."""
    with plt.rc_context(SLIDE_RC):
        return _build_deck(cfg, inputs, pseudonymize=pseudonymize)


def _build_deck(cfg: Config, inputs: DeckInputs, *, pseudonymize: bool | None = None) -> Deck:
    pseudo = cfg.report.pseudonymize if pseudonymize is None else pseudonymize
    repl: dict[str, str] = {}
    if pseudo:
        inputs, repl = pseudonymize_inputs(inputs)
    f = inputs.findings
    min_n = cfg.analysis.min_reps_per_group
    head = story.headline(f, quarter=cfg.quarter, min_n=min_n)
    slides = [
        _slide_quartiles(inputs, cfg, min_n),
        _slide_examples(inputs, cfg, min_n),
        _slide_evidence(inputs, cfg, min_n),
        _slide_ramp(inputs, cfg, min_n),
        _slide_cycle(inputs, cfg, min_n),
        _slide_money(inputs, cfg, min_n),
        _slide_funnel(inputs, cfg, min_n),
        _slide_methods(inputs, cfg, min_n),
        _slide_quality(inputs, cfg, min_n),
    ]
    title_slide = Slide(
        key="title",
        kicker=f"{cfg.report.company} · QBR {cfg.quarter}",
        title=f"{cfg.report.title} — {cfg.quarter}",
        lead=head,
        bullets=[
            "Slide 1: do reps who score higher on calls win more?",
            "Slide 2: three coached reps — what they worked on, and what moved.",
            "Backup: evidence chain, ramp, deal cycle, money, SDR funnel, methods, data quality.",
        ],
        notes=head,
    )
    if pseudo:
        title_slide.bullets.append("Rep names are replaced by stable aliases for wide distribution.")
    deck = Deck(
        title=cfg.report.title,
        company=cfg.report.company,
        quarter=cfg.quarter,
        headline=head,
        slides=[title_slide, *slides],
        pseudonymized=pseudo,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    if repl:
        deck = scrub_deck(deck, repl)
    return deck


def scrub_deck(deck: Deck, repl: Mapping[str, str]) -> Deck:
    """Replace real names in every string of the deck (a last guard after pseudonymising inputs)."""

    def _s(t: str) -> str:
        return story.scrub(t, repl)

    slides = []
    for sl in deck.slides:
        slides.append(
            replace(
                sl,
                title=_s(sl.title), kicker=_s(sl.kicker), lead=_s(sl.lead), missing=_s(sl.missing),
                notes=_s(sl.notes), figure_alt=_s(sl.figure_alt), bullets=[_s(b) for b in sl.bullets],
                cards=[{k: _s(v) if isinstance(v, str) else v for k, v in c.items()} for c in sl.cards],
                table_columns=[_s(c) for c in sl.table_columns],
                table_rows=[[_s(c) for c in r] for r in sl.table_rows],
            )
        )
    return replace(deck, headline=_s(deck.headline), slides=slides)


# ------------------------------------------------------------------------------------- HTML
def render_html(deck: Deck) -> str:
    """Render the deck as one self-contained HTML file (inline CSS/JS, base64 figures)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tpl = env.get_template("qbr_deck.html.j2")
    css = (TEMPLATES / "qbr_deck.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "qbr_deck.js").read_text(encoding="utf-8")
    return tpl.render(deck=deck, css=css, js=js)


# -------------------------------------------------------------------------------------- PDF
def find_chromium() -> str | None:
    """Find a Chromium-family browser: $COACHING_ROI_CHROMIUM, then PATH names, then common paths."""
    env = os.environ.get("COACHING_ROI_CHROMIUM")
    if env:
        p = shutil.which(env) or env
        if Path(p).exists():
            return str(p)
    for name in BROWSER_NAMES:
        p = shutil.which(name)
        if p:
            return p
    for p in BROWSER_PATHS:
        if Path(p).exists():
            return p
    return None


def render_pdf(html_path: str | Path, pdf_path: str | Path, *, executable: str) -> None:
    """Print the HTML deck to PDF with a real Chromium: one slide per page, 16:9.

    Runs in a worker thread: Playwright's sync API refuses to run inside a running asyncio loop,
    which is where a Jupyter kernel executes notebook cells.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print_pdf, html_path, pdf_path, executable).result()


def _print_pdf(html_path: str | Path, pdf_path: str | Path, executable: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(pdf_path), width=f"{SLIDE_W_IN}in", height=f"{SLIDE_H_IN}in", print_background=True,
                     prefer_css_page_size=True, margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
        finally:
            browser.close()


# ------------------------------------------------------------------------------------- PPTX
def render_pptx(deck: Deck, path: str | Path) -> None:
    """Write the deck as PPTX: editable title text, figures as pictures, readings as speaker notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    layout = prs.slide_layouts[5]  # "Title Only": the title is a real, editable placeholder
    navy = RGBColor(0x1F, 0x4E, 0x79)
    grey = RGBColor(0x55, 0x5F, 0x6B)

    def _text(slide, left, top, width, height, paras, *, size=14, color=None, bold=False):
        tb = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        tf = tb.text_frame
        tf.word_wrap = True
        for i, t in enumerate(paras):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.text = textsafe.pptx_text(t)
            para.font.size = Pt(size)
            para.font.bold = bold
            if color is not None:
                para.font.color.rgb = color
            para.space_after = Pt(4)
        return tb

    for sl in deck.slides:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.45), Inches(12.3), Inches(1.0)
        title.text = textsafe.pptx_text(sl.title)
        for para in title.text_frame.paragraphs:
            para.font.size = Pt(30 if sl.key == "title" else 24)
            para.font.bold = True
            para.font.color.rgb = navy
        if sl.kicker:
            _text(slide, 0.5, 0.1, 12.3, 0.4, [sl.kicker], size=12, color=grey)
        top = 1.5
        if sl.key == "title":
            _text(slide, 0.5, 2.0, 12.3, 1.6, [sl.lead], size=26, bold=True)
            _text(slide, 0.5, 4.2, 12.3, 2.5, sl.bullets, size=16, color=grey)
        else:
            if sl.lead:
                _text(slide, 0.5, top, 12.3, 0.8, [sl.lead], size=14)
                top += 0.85
            if sl.missing:
                _text(slide, 0.5, top, 12.3, 0.9, ["Not shown: " + sl.missing], size=14, color=RGBColor(0xA0, 0x40, 0x00))
                top += 0.95
            if sl.figure:
                from PIL import Image

                with Image.open(io.BytesIO(sl.figure)) as im:
                    w_px, h_px = im.size
                room_h = 7.5 - top - (1.7 if (sl.cards or sl.bullets) else 0.3)
                room_w = 12.3
                scale = min(room_w / w_px, room_h / h_px)
                w_in, h_in = w_px * scale, h_px * scale
                slide.shapes.add_picture(io.BytesIO(sl.figure), Inches(0.5 + (room_w - w_in) / 2), Inches(top),
                                         Emu(int(Inches(w_in))), Emu(int(Inches(h_in))))
                top += h_in + 0.1
            if sl.cards:
                w = 12.3 / max(len(sl.cards), 1)
                for i, c in enumerate(sl.cards):
                    _text(slide, 0.5 + i * w, top, w - 0.15, 7.4 - top,
                          [c["name"], c["intervention"], c["movement"]], size=11)
            elif sl.table_rows:
                rows, cols = len(sl.table_rows) + 1, len(sl.table_columns)
                h = min(0.32 * rows, 7.3 - top)
                tbl = slide.shapes.add_table(rows, cols, Inches(0.5), Inches(top), Inches(12.3), Inches(h)).table
                for j, ccol in enumerate(sl.table_columns):
                    tbl.cell(0, j).text = textsafe.pptx_text(ccol)
                for i, r in enumerate(sl.table_rows, start=1):
                    for j, v in enumerate(r):
                        tbl.cell(i, j).text = textsafe.pptx_text(v)
                for row in tbl.rows:
                    for cell in row.cells:
                        for para in cell.text_frame.paragraphs:
                            para.font.size = Pt(11)
                top += h + 0.1
                if sl.bullets and top < 6.8:
                    _text(slide, 0.5, top, 12.3, 7.4 - top, sl.bullets, size=11, color=grey)
            elif sl.bullets:
                _text(slide, 0.5, top, 12.3, 7.4 - top, sl.bullets, size=13 if not sl.figure else 11, color=grey)
        notes = sl.notes or sl.lead
        if notes:
            slide.notes_slide.notes_text_frame.text = textsafe.pptx_text(notes)
    prs.save(str(path))


# ------------------------------------------------------------------------------------- all three
def render_all(cfg: Config, deck: Deck) -> dict[str, str]:
    """Write qbr_deck.html, .pdf and .pptx into ``cfg.run_dir``; return what was written.

    The PDF is ``"skipped: <why and how to get it>"`` when no browser is found or printing fails;
    the run never fails for it.
    """
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    html_path = run_dir / "qbr_deck.html"
    html_path.write_text(render_html(deck), encoding="utf-8")
    out["html"] = html_path.name
    pptx_path = run_dir / "qbr_deck.pptx"
    render_pptx(deck, pptx_path)
    out["pptx"] = pptx_path.name
    exe = find_chromium() if cfg.report.pdf else None
    pdf_path = run_dir / "qbr_deck.pdf"
    if not cfg.report.pdf:
        out["pdf"] = "skipped: turned off in params (report.pdf: false)"
    elif exe is None:
        out["pdf"] = f"skipped: {PDF_HELP}"
    else:
        try:
            render_pdf(html_path, pdf_path, executable=exe)
            out["pdf"] = pdf_path.name
        except Exception as exc:  # noqa: BLE001 - a broken browser must not fail the quarterly run
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            out["pdf"] = (
                f"skipped: printing with {exe} failed ({html.escape(msg[:200])}); check that this browser starts "
                "(`<browser> --headless --version`) or point COACHING_ROI_CHROMIUM at another one, then re-run notebook 05"
            )
    return out


def timed_render_all(cfg: Config, deck: Deck) -> tuple[dict[str, str], float]:
    """:func:`render_all` plus its wall time in seconds (the notebook reports it)."""
    t0 = time.perf_counter()
    out = render_all(cfg, deck)
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- notebook display
def input_status(inputs: DeckInputs) -> pd.DataFrame:
    """Which inputs the deck found, and for absent ones what the deck cannot show and why."""
    f = inputs.findings
    rows = []
    for nb in ("01_data_intake", "02_behavioral_scoring", "03_cohort_comparison", "04_coaching_plan"):
        st = (f.get("status") or {}).get(nb)
        rows.append({"input": f"findings of {nb}", "present": st is not None,
                     "note": st if st is not None else story.missing_reason(f, nb)})
    for name, df, use in (
        ("03_rep_quarter", inputs.rep_quarter, "slide 1 score distribution"),
        ("03_quartiles", inputs.quartiles, "slide 1 quartile win rates"),
        ("03_example_reps", inputs.examples, "slide 2 rep examples"),
    ):
        rows.append({"input": name, "present": df is not None,
                     "note": f"{len(df)} rows for {use}" if df is not None else f"absent: {use} cannot be shown"})
    return pd.DataFrame(rows)


def show_slide(slide: Slide) -> None:
    """Show one slide in the notebook: title, figure, reading, cards, table and bullets (escaped)."""
    from IPython.display import Image, display

    from coaching_roi.nbsupport import say, show_table

    heading = f"{slide.kicker} — {slide.title}" if slide.kicker else slide.title
    display({"text/html": textsafe.html_heading(heading, 4), "text/plain": textsafe.plain(heading)}, raw=True)
    if slide.missing:
        say("Not shown: " + slide.missing)
    if slide.figure:
        display(Image(data=slide.figure, width=900))
    if slide.lead:
        say(slide.lead)
    for c in slide.cards:
        say(f"{c['name']} ({c['behavior']}): {c['intervention']} {c['movement']}")
    if slide.table_rows:
        show_table(pd.DataFrame(slide.table_rows, columns=slide.table_columns or None))
    for b in slide.bullets:
        say("• " + b)
