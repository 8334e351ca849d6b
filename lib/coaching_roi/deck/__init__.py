"""The QBR deck: a model built from findings and the run's artifacts, rendered to HTML slides, PDF, PPTX.

Modules by concern:

* :mod:`.model` — :class:`Slide`, :class:`Deck`, :class:`DeckInputs`, :func:`load_deck_inputs`, pseudonymisation.
* :mod:`.chain` — the evidence chain of slide 1 (four panels, a state per link from stored verdicts);
  the figure is :func:`coaching_roi.plots.deck.plot_chain`.
* :mod:`.slides_main` — title slide, slide 1 (the chain), slide 2 (coached reps and the decision).
* :mod:`.slides_backup` — the backup slides on the evidence (quartiles, links, what would settle them,
  ramp, deal cycle, money); :mod:`.slides_appendix` — changes since the last QBR, funnel, methods, quality.
* :mod:`.build` — :func:`build_deck`, :func:`print_ahead`, :func:`render_all`, :func:`show_slide`.
* :mod:`.html`, :mod:`.pdf`, :mod:`.pptx` — the three renderings (:func:`render_html`,
  :func:`render_pdf` with :func:`find_chromium`, :func:`render_pptx`).
"""

from coaching_roi.deck.build import (
    SLIDE_RC,
    build_deck,
    print_ahead,
    render_all,
    show_slide,
    start_printer,
    timed_render_all,
)
from coaching_roi.deck.html import TEMPLATES, render_html
from coaching_roi.deck.model import (
    Deck,
    DeckInputs,
    Slide,
    fig_png,
    input_status,
    load_deck_inputs,
    name_replacements,
    pseudonymize_inputs,
    scrub_deck,
    summary_table,
)
from coaching_roi.deck.pdf import (
    BROWSER_ARGS,
    BROWSER_PATHS,
    PDF_HELP,
    SLIDE_H_IN,
    SLIDE_W_IN,
    find_chromium,
    render_pdf,
)
from coaching_roi.deck.pptx import render_pptx

load_inputs = load_deck_inputs  # notebook 05 calls deck.load_inputs

__all__ = [
    "BROWSER_ARGS", "BROWSER_PATHS", "PDF_HELP", "SLIDE_H_IN", "SLIDE_RC", "SLIDE_W_IN", "TEMPLATES", "Deck", "DeckInputs",
    "Slide", "build_deck", "fig_png", "find_chromium", "input_status", "load_deck_inputs", "load_inputs", "name_replacements",
    "print_ahead", "pseudonymize_inputs", "render_all", "render_html", "render_pdf", "render_pptx", "scrub_deck", "show_slide",
    "start_printer", "summary_table", "timed_render_all",
]
