"""The title slide and the two main slides: the evidence chain (slide 1), coached reps and the decision (slide 2).

Every sentence comes from stored verdicts through :mod:`coaching_roi.story`, :mod:`coaching_roi.verdict`,
:mod:`coaching_roi.settle` and :mod:`coaching_roi.decision`; both main slides read the same layer
verdicts as the headline, so they cannot contradict it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from coaching_roi import compare, decision, story
from coaching_roi import verdict as vd
from coaching_roi.config import Config
from coaching_roi.deck import layout
from coaching_roi.deck.chain import Chain
from coaching_roi.deck.model import DeckInputs, Slide, est, fig_png_later
from coaching_roi.plots import deck as deck_plots

BODY_PX, NAME_PX = layout.MAIN_PX, 21
CARDS_SHARE = 2 / 3  # slide 2: cards column vs the decision box (flex 2 : 1, 20 px gap)
CARD_PAD_V, CARD_PAD_H, CARD_GAP, PARA_GAP = 20, 32, 10, 4
FOOTER_GAP = 8


def _lines_px(text: str, width_px: float, size_px: float, *, bold: bool = False) -> float:
    return layout.text_px(text, width_px, size_px, bold=bold)


# ------------------------------------------------------------------------------------- title
def title_slide(cfg: Config, headline: str, dec: Mapping[str, Any], compared: Mapping[str, Any] | None,
                *, pseudo: bool) -> Slide:
    kicker = " · ".join(x for x in (cfg.report.company, f"QBR {cfg.quarter}") if x)
    bullets = [
        "1 · The evidence chain: coaching → behavior → outcomes → money",
        f"2 · Coached reps, and the decision: {dec.get('label', 'not made')}",
        "Backup: the evidence behind each link, and how it was measured",
    ]
    since = compare.summary(compared)
    if since:
        bullets.append(since)
    if pseudo:
        bullets.append("Rep names are replaced by stable aliases for wide distribution.")
    return Slide(key="title", kicker=kicker, title=f"{cfg.report.title} — {cfg.quarter}", lead=headline,
                 bullets=bullets, notes=" ".join([headline, *bullets[3:]]))


# ----------------------------------------------------------------------------- slide 1: chain
def _support_line(findings: Mapping[str, Any], policy: vd.Policy) -> str:
    gap = est(findings, "quartile_win_rate_gap")
    v = story.classify(gap)
    if v == "missing":
        return ""
    assert gap is not None
    if v in ("positive", "negative"):
        claim = vd.title("quartile_win_rate_gap", gap, policy=policy)
        return (f"Supporting evidence (backup): {claim[:1].lower() + claim[1:]} "
                f"({vd.interval_text('quartile_win_rate_gap', gap, policy)}, {vd.n_text(gap['n'], gap['n_unit'])}): "
                "scores go with wins, which is not proof that coaching caused them.")
    return f"Supporting evidence (backup): {vd.title('quartile_win_rate_gap', gap, policy=policy).lower()} this quarter."


def chain_slide(inputs: DeckInputs, cfg: Config, chain: Chain, *, caveats: list[str],
                dec: Mapping[str, Any] | None = None) -> Slide:
    f = inputs.findings
    policy = vd.Policy.from_config(cfg)
    s = Slide(key="chain", kicker="1 · The evidence chain", title=story.chain_title(f, policy))
    s.figure = fig_png_later(deck_plots.plot_chain(chain), tight=False)  # its exact size: slide points
    s.figure_alt = "The evidence chain, left to right. " + " ".join(t.rstrip(".") + "." for t in chain.texts())
    order = {cfg.decision.links.get("outcome"): 0, cfg.decision.links.get("behavior"): 1}
    unclear = sorted(chain.to_know, key=lambda a: order.get(a["id"], 2))
    if unclear:
        a = unclear[0]
        s.footer.append(f"What would settle the {story.chain_link_name(a['id'])}: {a['sentence']}")
    elif dec and dec.get("links", {}).get("behavior", {}).get("verdict") == "missing":
        s.footer.append(f"What it would take to measure the chain: {dec['next'][:1].lower()}{dec['next'][1:]}")
    support = _support_line(f, policy)
    if support:
        s.footer.append(support)
    fig_px = deck_plots.css_height_px(s.figure.height_px)
    while s.footer and layout.header_px(s) + fig_px + sum(
            layout.text_px(x, layout.CONTENT_W, layout.MAIN_PX) + FOOTER_GAP for x in s.footer) > layout.CONTENT_H - 4:
        s.footer.pop()  # the supporting line goes first; the notes keep every line
    s.notes = " ".join([s.title + ".", *chain.texts(), *[f"{a['label']}: {a['sentence']}" for a in unclear], *caveats])
    return s


# --------------------------------------------------------------------- slide 2: reps, decision
def rep_card(row: Mapping[str, Any], name: str, cfg: Config) -> dict[str, str]:
    labels = cfg.rubric.labels
    b = row.get("behavior")
    return {
        "name": name,
        "behavior": labels.get(b, story.plain(str(b))) if b else str(row.get("behavior_label") or ""),
        "intervention": story.intervention_sentence(row, labels=labels, with_behavior=False),
        "score": story.score_text(row, scale_max=cfg.rubric.scale_max) + " on the coached behavior",
        "win_rate": story.win_rate_text(row, level=cfg.analysis.confidence_level),
    }


def card_height_px(card: Mapping[str, str], width_px: float) -> float:
    inner = width_px - CARD_PAD_H
    h = CARD_PAD_V + _lines_px(f"{card['name']} · {card['behavior']}", inner, NAME_PX, bold=True)
    for k in ("intervention", "score", "win_rate"):
        h += PARA_GAP + _lines_px(card[k], inner, BODY_PX)
    return h


def cards_that_fit(cards: list[dict[str, str]], title: str, lead: str) -> int:
    """How many of ``cards`` (2 or 3) fit under ``title`` and ``lead`` at the main slides' type size."""
    used = layout.header_px(Slide(key="examples", kicker="2", title=title, lead=lead))
    width = (layout.CONTENT_W - 20) * CARDS_SHARE
    room = layout.CONTENT_H - used - 8
    k = len(cards)
    while k > 1 and sum(card_height_px(c, width) for c in cards[:k]) + CARD_GAP * (k - 1) > room:
        k -= 1
    return k


DECISION_W = (layout.CONTENT_W - 20) / 3 - 42  # the decision box's text width (border 6, padding 36)


def decision_box_px(box: Mapping[str, Any]) -> float:
    """The decision box's height at the main slides' type size (mirrors the CSS)."""
    w, px = DECISION_W, layout.MAIN_PX
    h = 34 + px * layout.LINE + 36 * 1.15 + 10
    h += layout.text_px(box["because"] + ".", w, px) + 10
    h += sum(layout.text_px(f"{c['link']}: {c['word']}", w - 24, px) + 4 for c in box["chips"]) + 10
    h += layout.text_px("Next: " + box["next"], w, px) + 10
    if box.get("settle"):
        h += layout.text_px(box["settle"], w, px) + 10
    return h


def decision_box(dec: Mapping[str, Any], findings: Mapping[str, Any], cfg: Config, *, room_px: float) -> dict[str, Any]:
    """What slide 2's decision box shows; what would settle the decision is added when it fits."""
    box = {"recommendation": dec["recommendation"], "label": dec["label"], "because": dec["because"],
           "chips": decision.chips(dec, findings, cfg), "next": dec["next"], "settle": ""}
    for sentence in dec.get("to_know", [])[:1]:
        trial = {**box, "settle": f"To know: {sentence}"}
        if decision_box_px(trial) <= room_px:
            box = trial
    return box


def reps_decision_slide(inputs: DeckInputs, cfg: Config, dec: Mapping[str, Any]) -> Slide:
    f = inputs.findings
    ex = inputs.examples
    s = Slide(key="examples", kicker="2 · Coached reps, and the decision", title="")
    tail = [f"Decision: {dec['label']}. {dec['rule']}", *dec["reasons"], f"Next: {dec['next']}", *dec.get("to_know", [])]
    if ex is None or ex.empty:
        if story.classify(est(f, "behavior_change::all")) == "missing":
            s.title = "No coached rep to show: coaching could not be measured"
            s.missing = f"{story.short_reason(f, 'behavior_change::all')}, so no coaching episode can be followed."
        else:
            s.title = "No coached rep meets the example rule this quarter"
            s.missing = ("No rep met the example rule (one behavior coached, regular sessions, observables recorded, "
                         "scored calls before and after).")
        s.decision = decision_box(dec, f, cfg, room_px=layout.CONTENT_H - layout.header_px(s) - 8)
        s.notes = " ".join([s.missing, *tail])
        return s
    ex = ex.head(3).reset_index(drop=True)
    names = ex["rep_name"].astype(str).tolist() if "rep_name" in ex.columns else [f"Rep {i + 1}" for i in range(len(ex))]
    cards = [rep_card({k: (None if v is pd.NA else v) for k, v in r.items()}, names[i], cfg)
             for i, r in enumerate(ex.to_dict("records"))]
    s.title, s.lead = story.examples_framing(f, len(cards), vd.Policy.from_config(cfg))
    k = cards_that_fit(cards, s.title, s.lead)
    if k < len(cards):
        s.title, s.lead = story.examples_framing(f, k, vd.Policy.from_config(cfg))
        k = cards_that_fit(cards[:k], s.title, s.lead)
    s.cards = cards[:k]
    s.decision = decision_box(dec, f, cfg, room_px=layout.CONTENT_H - layout.header_px(s) - 8)
    level = f"{cfg.analysis.confidence_level * 100:g}%"
    s.notes = " ".join([
        s.lead, f"Win rates carry {level} Wilson intervals and the number of closed deals behind them.",
        *[f"{c['name']}, coached on {c['behavior']}: {c['intervention']} {c['score']}. {c['win_rate']}." for c in cards],
        *tail,
    ])
    return s
