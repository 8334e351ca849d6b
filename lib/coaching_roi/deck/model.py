"""The deck's data model and its inputs: slides, the deck, what it reads, pseudonymisation.

* :class:`Slide` / :class:`Deck` — what every renderer (HTML, PPTX, notebook) draws.
* :func:`load_deck_inputs` — findings plus the artifacts the deck reads (absent ones are ``None``).
* :func:`pseudonymize_inputs` / :func:`scrub_deck` — rep names replaced by stable aliases.
* :func:`summary_table`, :func:`fig_png` (:func:`fig_png_later`: encoded in a background thread),
  :func:`lead_rest` — small helpers the slide builders share.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from coaching_roi import (
    artifacts,  # noqa: E402
    story,  # noqa: E402
)
from coaching_roi import findings as findings_mod  # noqa: E402
from coaching_roi.config import Config  # noqa: E402


@dataclass
class Slide:
    """One slide. ``title`` states the finding; ``lead`` is the one-line reading under it."""

    key: str
    title: str
    kicker: str = ""
    lead: str = ""
    bullets: list[str] = field(default_factory=list)
    figure: bytes | None = None  # PNG (a PendingPng while the deck is being built)
    figure_alt: str = ""
    cards: list[dict[str, str]] = field(default_factory=list)  # slide 2: name, behavior, intervention, score, win_rate
    decision: dict[str, Any] | None = None  # slide 2: label, recommendation, because, chips, next
    footer: list[str] = field(default_factory=list)  # main slides: lines under the figure
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    table_widths: list[float] = field(default_factory=list)  # column widths as fractions (set by deck.layout)
    missing: str = ""  # what this slide cannot show, and why
    notes: str = ""  # speaker notes
    appendix: bool = False

    @property
    def figure_data_uri(self) -> str:
        if not self.figure:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.figure).decode("ascii")

    def texts(self) -> list[str]:
        """Every string a reader can see on this slide or hear in its notes."""
        out = [self.title, self.kicker, self.lead, self.missing, self.notes, self.figure_alt, *self.bullets, *self.footer]
        out += [v for c in self.cards for v in c.values() if isinstance(v, str)]
        if self.decision:
            d = self.decision
            out += [d.get("label", ""), d.get("because", ""), d.get("next", ""), d.get("settle", ""),
                    *[f"{c['link']}: {c['word']}" for c in d.get("chips", [])]]
        out += [*self.table_columns, *[c for r in self.table_rows for c in r]]
        return [t for t in out if t]


@dataclass
class Deck:
    """The whole deck: title-slide fields plus the slides in order (main first, then appendix).

    ``decision``, ``compared_to`` and ``to_know`` are what notebook 05 writes to findings.
    """

    title: str
    company: str | None
    quarter: str
    headline: str
    slides: list[Slide]
    headline_ids: list[str] = field(default_factory=list)
    pseudonymized: bool = False
    generated: str = ""
    decision: dict[str, Any] = field(default_factory=dict)
    compared_to: dict[str, Any] | None = None
    to_know: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_slides(self) -> int:
        return len(self.slides)

    @property
    def meta_line(self) -> str:
        """'Demo Co · 2026Q3' (no company when none is set)."""
        return " · ".join(x for x in (self.company, f"QBR {self.quarter}") if x)

    def titles(self) -> list[str]:
        return [s.title for s in self.slides]

    def texts(self) -> list[str]:
        return [self.title, self.company or "", self.headline, *[t for s in self.slides for t in s.texts()]]


@dataclass
class DeckInputs:
    """What the deck reads: findings, notebook 03's artifacts and 01's tables (None when absent)."""

    findings: dict[str, Any]
    rep_quarter: pd.DataFrame | None = None
    quartiles: pd.DataFrame | None = None
    examples: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None  # 01's reps table (real names to scrub when pseudonymising; hires)
    sessions: pd.DataFrame | None = None  # 01's coaching log (layer 1 counts, coached reps per quarter)
    opportunities: pd.DataFrame | None = None  # 01's deals (closed deals per quarter)
    earlier: dict[str, Any] | None = None  # findings of the run in ``compare_to``


def _read_parquet(path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        return None


def _table(cfg: Config, name: str) -> pd.DataFrame | None:
    try:
        from coaching_roi import artifacts

        return artifacts.read_table(cfg, name)
    except Exception:  # noqa: BLE001 - an unreadable/absent table only means fewer counts
        return _read_parquet(cfg.artifact(f"01_{name}"))


def load_deck_inputs(cfg: Config) -> DeckInputs:
    """Read findings, 03's artifacts and 01's tables from ``cfg.run_dir`` (absent ones become None)."""
    earlier = None
    if cfg.compare_to is not None:
        from coaching_roi import compare

        earlier, _ = compare.load_run(cfg.compare_to)
    return DeckInputs(
        findings=findings_mod.load(cfg.run_dir),
        rep_quarter=artifacts.read(cfg, "03_rep_quarter", missing_ok=True),
        quartiles=artifacts.read(cfg, "03_quartiles", missing_ok=True),
        examples=artifacts.read(cfg, "03_example_reps", missing_ok=True),
        reps=_table(cfg, "reps"),
        sessions=_table(cfg, "coaching_sessions"),
        opportunities=_table(cfg, "opportunities"),
        earlier=earlier,
    )


def input_status(inputs: DeckInputs) -> pd.DataFrame:
    """Which inputs the deck found, and for absent ones what the deck cannot show and why."""
    f = inputs.findings
    rows = []
    for nb, label in (("01_data_intake", "Data intake"), ("02_behavioral_scoring", "Behavioral scoring"),
                      ("03_cohort_comparison", "Cohort comparison"), ("04_coaching_plan", "Coaching plan")):
        st = (f.get("status") or {}).get(nb)
        rows.append({"input": f"Findings of notebook {nb[:2]} ({label.lower()})", "present": st is not None,
                     "note": story.plain(st) if st is not None else story.missing_reason(f, nb)})
    for name, df, use in (
        ("Reps by score quartile (notebook 03)", inputs.rep_quarter, "the score distribution (backup)"),
        ("Quartile win rates (notebook 03)", inputs.quartiles, "the quartile win rates (backup)"),
        ("Example reps (notebook 03)", inputs.examples, "slide 2's rep examples"),
        ("Coaching log (notebook 01)", inputs.sessions, "slide 1's coaching activity"),
    ):
        rows.append({"input": name, "present": df is not None,
                     "note": f"{len(df)} rows for {use}" if df is not None else f"absent: {use} cannot be shown"})
    return pd.DataFrame(rows)


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
    rep_ids = set()
    for df in (inputs.reps, inputs.rep_quarter, inputs.examples):
        if df is not None and "rep_id" in df.columns:
            rep_ids |= {str(x) for x in df["rep_id"].dropna()}
    by_id = story.alias_map(rep_ids)

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
        replace(inputs, findings=_walk(inputs.findings), rep_quarter=_frame(inputs.rep_quarter),
                examples=_frame(inputs.examples), reps=_frame(inputs.reps),
                earlier=_walk(inputs.earlier) if inputs.earlier is not None else None),
        repl,
    )


def scrub_deck(deck: Deck, repl: Mapping[str, str]) -> Deck:
    """Replace real names in every string of the deck (a last guard after pseudonymising inputs)."""

    def _s(t: str) -> str:
        return story.scrub(t, repl)

    def _d(obj: Any) -> Any:
        if isinstance(obj, str):
            return _s(obj)
        if isinstance(obj, dict):
            return {k: _d(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [_d(v) for v in obj]
        return obj

    slides = [
        replace(
            sl,
            title=_s(sl.title), kicker=_s(sl.kicker), lead=_s(sl.lead), missing=_s(sl.missing),
            notes=_s(sl.notes), figure_alt=_s(sl.figure_alt), bullets=[_s(b) for b in sl.bullets],
            footer=[_s(b) for b in sl.footer], cards=[_d(c) for c in sl.cards],
            decision=_d(sl.decision) if sl.decision else sl.decision,
            table_columns=[_s(c) for c in sl.table_columns],
            table_rows=[[_s(c) for c in r] for r in sl.table_rows],
        )
        for sl in deck.slides
    ]
    return replace(deck, headline=_s(deck.headline), slides=slides)


# ------------------------------------------------------------------------------------ helpers
class _PixelSink:
    """What ``savefig(format="raw")`` writes to: the renderer's RGBA buffer (rows × columns × 4), kept."""

    shape: tuple[int, ...] = ()
    data: bytes = b""

    def write(self, buf) -> None:
        view = memoryview(buf)
        self.shape, self.data = view.shape, view.tobytes()

    def seek(self, *_a) -> int:  # matplotlib takes an object with write and seek for a file
        return 0


def _encode_png(data: bytes, shape: tuple[int, ...], dpi: float) -> bytes:
    """The PNG matplotlib's Agg canvas writes for these pixels (what ``print_png`` does after drawing)."""
    import matplotlib.image

    buf = io.BytesIO()
    matplotlib.image.imsave(buf, memoryview(data).cast("B", shape), format="png", origin="upper", dpi=dpi)
    return buf.getvalue()


_ENCODER: list[ThreadPoolExecutor] = []


class PendingPng:
    """A figure already drawn whose PNG is being encoded in a background thread: :meth:`result` gives the
    bytes (the same as ``savefig(format="png")``); ``height_px`` is its height in pixels, known at once."""

    def __init__(self, future: Future, height_px: int) -> None:
        self._future, self.height_px = future, height_px

    def result(self) -> bytes:
        return self._future.result()


def fig_png_later(fig: plt.Figure, *, dpi: int = 150, tight: bool = True) -> PendingPng:
    """Draw a figure and close it now; encode its PNG in a background thread.

    The encoding (zlib) releases the GIL, so it runs on another core while the next figure is drawn.
    The pixels are those of ``savefig(format="png")`` with the same arguments, and so are the bytes
    (tests/test_deck.py compares them)."""
    sink = _PixelSink()
    fig.savefig(sink, format="raw", dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white")
    plt.close(fig)
    if not _ENCODER:
        _ENCODER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="deck-png"))
    return PendingPng(_ENCODER[0].submit(_encode_png, sink.data, sink.shape, dpi), sink.shape[0])


def fig_png(fig: plt.Figure, *, dpi: int = 150, tight: bool = True) -> bytes:
    """Encode a figure as PNG bytes and close it."""
    return fig_png_later(fig, dpi=dpi, tight=tight).result()


def est(findings: Mapping[str, Any], key: str) -> dict | None:
    return (findings.get("estimates") or {}).get(key)


def interval_frame(findings: Mapping[str, Any], keys: list[tuple[str, str]]) -> pd.DataFrame:
    """Rows ``label, value, ci_low, ci_high, n, n_unit, verdict`` (the stored one) for the estimates that exist."""
    rows = []
    for key, label in keys:
        e = est(findings, key)
        if e and e.get("value") is not None:
            rows.append({"label": label, "value": e.get("value"), "ci_low": e.get("ci_low"),
                         "ci_high": e.get("ci_high"), "n": int(e.get("n") or 0), "n_unit": e.get("n_unit", ""),
                         "verdict": e.get("verdict", "too_few")})
    return pd.DataFrame(rows, columns=["label", "value", "ci_low", "ci_high", "n", "n_unit", "verdict"]).astype(
        {"value": float, "ci_low": float, "ci_high": float}
    )


def fmt_cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if v != v:  # nan
            return "–"
        if 0 < abs(v) < 1 and not float(v).is_integer():
            return f"{v:.2f}"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt_cell(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    if isinstance(v, dict):
        return "; ".join(f"{pretty(k)}: {fmt_cell(x)}" for k, x in list(v.items())[:6])
    return story.plain(str(v))


def pretty(key: str) -> str:
    """A column or item name as a reader's words ('rows_read' -> 'Rows read')."""
    return story.plain(str(key)).replace("_", " ").strip().capitalize()


def summary_table(obj: Any, *, max_rows: int = 12) -> tuple[list[str], list[list[str]]]:
    """Turn a notebook's ``extra`` summary (dict or list of records) into a small table."""
    if obj is None:
        return [], []
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        cols = list(dict.fromkeys(k for x in obj for k in x))[:7]
        return [pretty(c) for c in cols], [[fmt_cell(x.get(c)) for c in cols] for x in obj[:max_rows]]
    if isinstance(obj, dict):
        if obj and all(isinstance(v, dict) for v in obj.values()):
            cols = list(dict.fromkeys(k for v in obj.values() for k in v))[:6]
            return [""] + [pretty(c) for c in cols], [
                [pretty(k)] + [fmt_cell(v.get(c)) for c in cols] for k, v in list(obj.items())[:max_rows]
            ]
        rows = []
        for k, v in obj.items():
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                continue  # nested record lists are too big for a slide
            rows.append([pretty(k), fmt_cell(v)])
        return ["Item", "Value"], rows[:max_rows]
    return ["Value"], [[fmt_cell(obj)]]


def lead_rest(s: Slide) -> Slide:
    """Make the slide's first bullet its lead, and its notes the title, lead, missing note and bullets."""
    s.lead = s.bullets[0] if s.bullets else s.lead
    s.bullets = s.bullets[1:]
    s.notes = " ".join(x for x in [s.title + ".", s.lead, s.missing, *s.bullets] if x)
    return s
