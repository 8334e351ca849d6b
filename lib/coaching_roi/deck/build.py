"""Building the deck from its inputs, rendering it three ways, and showing it in notebook 05.

* :func:`build_deck` — title slide, slide 1 (the evidence chain), slide 2 (coached reps and the
  decision), then the backup slides; the decision, the changes since ``compare_to`` and what would
  settle each unclear estimate ride along on the :class:`Deck` for findings.json.
* :func:`render_all` — HTML, PPTX and (when a Chromium is found) PDF into ``cfg.run_dir``; never
  fails for want of a browser. :func:`print_ahead` starts the PDF as soon as the deck is built.
* :func:`show_slide` — one slide in the notebook, every string escaped.

The modules it needs only on first use (the verdict rule's quantiles, pandas' table styler, python-pptx)
are loaded ahead of notebook 05 by its warm kernel (``coaching_roi.warmkernel.PRELOAD``).
"""

from __future__ import annotations

import html
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import matplotlib.pyplot as plt

from coaching_roi import compare, decision, settle, story, textsafe
from coaching_roi import verdict as vd
from coaching_roi.config import Config
from coaching_roi.deck import chain as chain_mod
from coaching_roi.deck import layout
from coaching_roi.deck import slides_appendix as appendix
from coaching_roi.deck import slides_backup as backup
from coaching_roi.deck import slides_main as main
from coaching_roi.deck.html import render_html
from coaching_roi.deck.model import Deck, DeckInputs, PendingPng, Slide, pseudonymize_inputs, scrub_deck
from coaching_roi.deck.pdf import PDF_HELP, Printer, find_chromium, render_pdf
from coaching_roi.deck.pptx import render_pptx
from coaching_roi.paths import PROJECT_ROOT
from coaching_roi.safety import atomic_write, atomic_write_text

SLIDE_RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "xtick.labelsize": 12,
            "ytick.labelsize": 12,
            "text.parse_math": False}  # labels hold data (names, amounts): '$' is a dollar sign, never math


def build_deck(cfg: Config, inputs: DeckInputs, *, pseudonymize: bool | None = None) -> Deck:
    """Build the deck model (figures included) from the findings and the artifacts."""
    with plt.rc_context(SLIDE_RC):
        return _build_deck(cfg, inputs, pseudonymize=pseudonymize)


def _run_label(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _build_deck(cfg: Config, inputs: DeckInputs, *, pseudonymize: bool | None = None) -> Deck:
    pseudo = cfg.report.pseudonymize if pseudonymize is None else pseudonymize
    repl: dict[str, str] = {}
    if pseudo:
        inputs, repl = pseudonymize_inputs(inputs)
    f = inputs.findings
    policy = vd.Policy.from_config(cfg)
    per_quarter = settle.cadence(cfg, sessions=inputs.sessions, reps=inputs.reps, opportunities=inputs.opportunities)
    hl = story.headline_with_ids(f, quarter=cfg.quarter, labels=cfg.rubric.labels, policy=vd.Policy.from_config(cfg))
    dec = decision.decide(f, cfg, per_quarter=per_quarter)
    chain = chain_mod.build_chain(f, cfg, sessions=inputs.sessions, per_quarter=per_quarter)
    compared = (compare.compare(f, inputs.earlier, run=_run_label(cfg.compare_to), policy=policy, labels=cfg.rubric.labels)
                if inputs.earlier is not None else None)
    eco = cfg.economics
    caveats = story.caveats(f, quarter=cfg.quarter, labels=cfg.rubric.labels, isolation_factor=eco.isolation_factor,
                            confidence_discount=eco.confidence_discount)
    to_know = backup.settle_rows(f, cfg, per_quarter)
    slides = [
        main.title_slide(cfg, hl.text, dec, compared, pseudo=pseudo),
        main.chain_slide(inputs, cfg, chain, caveats=caveats, dec=dec),
        main.reps_decision_slide(inputs, cfg, dec),
        backup.quartiles_slide(inputs, cfg),
        backup.evidence_slide(inputs, cfg),
        backup.settle_slide(to_know, cfg),
        backup.ramp_slide(inputs, cfg),
        backup.cycle_slide(inputs, cfg),
        backup.money_slide(inputs, cfg),
        *([appendix.changes_slide(compared, cfg)] if compared else []),
        appendix.funnel_slide(inputs, cfg),
        appendix.methods_slide(inputs, cfg, caveats),
        appendix.quality_slide(inputs, cfg),
    ]
    for sl in slides:  # the figures' PNGs were encoded in the background while later slides were built
        if isinstance(sl.figure, PendingPng):
            sl.figure = sl.figure.result()
    slides = [layout.fit_backup(sl) for sl in slides]
    deck = Deck(
        title=cfg.report.title,
        company=cfg.report.company,
        quarter=cfg.quarter,
        headline=hl.text,
        headline_ids=list(hl.ids),
        slides=slides,
        pseudonymized=pseudo,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        decision=dec,
        compared_to=compared,
        to_know=[{k: a[k] for k in ("id", "label", "verdict", "n", "n_unit", "min_n", "mde", "per_quarter", "n_next",
                                     "mde_next", "quarters_to_min", "observable_from", "sentence")} for a in to_know],
    )
    if repl:
        deck = scrub_deck(deck, repl)
    return deck


# ------------------------------------------------------------------------------------- all three
def start_printer(cfg: Config) -> Printer | None:
    """Start Chromium now, in the background, for the PDF :func:`render_all` prints later (None when the
    PDF is off in params or no browser is found: :func:`render_all` then says why)."""
    exe = find_chromium() if cfg.report.pdf else None
    return Printer(exe) if exe is not None else None


def print_ahead(cfg: Config, deck: Deck, printer: Printer | None) -> None:
    """Have ``printer`` print the deck's PDF now, while the notebook goes on showing the slides;
    :func:`render_all` uses that PDF when the deck's HTML is still the same (else it prints again).
    Does nothing without a printer or with the PDF off; a failure shows when :func:`render_all` prints."""
    if printer is None or not cfg.report.pdf or not printer.alive:
        return
    try:
        printer.print_ahead(render_html(deck))
    except Exception:  # noqa: BLE001 - render_all prints the PDF itself (and says why when that fails)
        return


def render_all(cfg: Config, deck: Deck, *, printer: Printer | None = None) -> dict[str, str]:
    """Write qbr_deck.html, .pdf and .pptx into ``cfg.run_dir``; return what was written.

    The PDF is ``"skipped: <why and how to get it>"`` when no browser is found or printing fails;
    the run never fails for it. ``printer`` (:func:`start_printer`) prints with a browser started
    earlier, and is closed here.
    """
    try:
        return _render_all(cfg, deck, printer)
    finally:
        if printer is not None:
            printer.close()


def _render_all(cfg: Config, deck: Deck, printer: Printer | None) -> dict[str, str]:
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    html_path = run_dir / "qbr_deck.html"
    html_text = render_html(deck)
    atomic_write_text(html_path, html_text)
    out["html"] = html_path.name
    pptx_path = run_dir / "qbr_deck.pptx"
    # The PPTX is built in a thread while Chromium prints the PDF (a separate process): they overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pptx_done = pool.submit(render_pptx, deck, pptx_path)
        out["pptx"] = pptx_path.name
        out["pdf"] = _pdf(cfg, run_dir, html_path, printer, html_text)
        pptx_done.result()
    return {k: out[k] for k in ("html", "pptx", "pdf")}


def _pdf(cfg: Config, run_dir: Path, html_path: Path, printer: Printer | None, html_text: str) -> str:
    """Print the deck to qbr_deck.pdf (or take the PDF :func:`print_ahead` started, when it printed this
    same HTML): its file name, or ``"skipped: …"`` with why and what to do."""
    if not cfg.report.pdf:
        return "skipped: turned off in params (report.pdf: false)"
    exe = printer.executable if printer is not None else find_chromium()
    if exe is None:
        return f"skipped: {PDF_HELP}"
    pdf_path = run_dir / "qbr_deck.pdf"
    try:
        if printer is not None and printer.alive:  # one left idle too long (a notebook paused) has closed
            atomic_write(pdf_path, lambda tmp: printer.take_ahead(html_text, tmp) or printer.print(html_path, tmp))
        else:
            atomic_write(pdf_path, lambda tmp: render_pdf(html_path, tmp, executable=exe))
        return pdf_path.name
    except Exception as exc:  # noqa: BLE001 - a broken browser must not fail the quarterly run
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"skipped: printing with {exe} failed ({html.escape(msg[:200])}); check that this browser starts "
            "(`<browser> --headless --version`) or point COACHING_ROI_CHROMIUM at another one, then re-run notebook 05"
        )


def timed_render_all(cfg: Config, deck: Deck, *, printer: Printer | None = None) -> tuple[dict[str, str], float]:
    """:func:`render_all` plus its wall time in seconds (the notebook reports it)."""
    t0 = time.perf_counter()
    out = render_all(cfg, deck, printer=printer)
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- notebook display
def show_slide(slide: Slide) -> None:
    """Show one slide in the notebook: title, figure, reading, cards, decision, table and bullets (escaped)."""
    import pandas as pd
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
    for line in slide.footer:
        say(line)
    for c in slide.cards:
        say(f"{c['name']} ({c['behavior']}): {c['intervention']} {c['score']}. {c['win_rate']}.")
    if slide.decision:
        d = slide.decision
        say(f"Decision: {d['label']}. {d['because']}.")
        say(" · ".join(f"{c['link']}: {c['word']}" for c in d["chips"]))
        say(f"Next: {d['next']}")
    if slide.table_rows:
        cols = [f"{c} ({i + 1})" if slide.table_columns.count(c) > 1 else c for i, c in enumerate(slide.table_columns)]
        show_table(pd.DataFrame(slide.table_rows, columns=cols or None))
    for b in slide.bullets:
        say("• " + b)
