"""Printing the HTML deck to PDF with a system Chromium (Chrome, Edge) through Playwright.

:func:`find_chromium` looks in ``$COACHING_ROI_CHROMIUM``, then PATH, then common install paths;
:func:`render_pdf` prints one slide per 16:9 page with no network access; a :class:`Printer` starts the
browser ahead of time (notebook 05 starts one before it builds the deck, so Chromium's start-up overlaps
that work, and it opens the page the deck will be printed in while it waits) and prints the same way.
Playwright is imported with this module (in notebook 05's kernel, started ahead of the notebook), not
in the printer's thread, where its import would hold the GIL while the deck is being built.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import weakref
from concurrent.futures import Future
from pathlib import Path

from playwright.sync_api import sync_playwright

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
    """Print the HTML deck to PDF with a real Chromium: one slide per page, 16:9 — a :class:`Printer`
    started for this one deck (its own thread: Playwright's sync API refuses to run inside the
    asyncio loop where a Jupyter kernel executes notebook cells)."""
    printer = Printer(executable)
    try:
        printer.print(html_path, pdf_path)
    finally:
        printer.close()


def _new_page(browser):
    """A fresh page of ``browser`` that loads file and data URLs only (every other request is refused)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    return page


def _print_page(browser, html_path: str | Path, pdf_path: str | Path, *, page=None) -> None:
    """One deck to PDF in a fresh page of ``browser`` (or ``page``, one from :func:`_new_page` not used
    yet): file and data URLs only, print media, 16:9 pages. The page is closed afterwards."""
    page = page if page is not None else _new_page(browser)
    try:
        page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.pdf(path=str(pdf_path), width=f"{SLIDE_W_IN}in", height=f"{SLIDE_H_IN}in", print_background=True,
                 prefer_css_page_size=True, margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    finally:
        page.close()


class Printer:
    """A Chromium started now, in a thread of its own (Playwright's sync API must stay in one thread and
    cannot run inside the kernel's asyncio loop), that prints decks on request: :meth:`print` waits for
    the PDF; :meth:`print_ahead` starts one and :meth:`take_ahead` collects it; :meth:`close` ends the browser. A browser that fails to start fails each print with that
    error. Left idle for ``idle_s`` seconds, it closes itself (a notebook stopped half-way leaves no
    browser behind)."""

    def __init__(self, executable: str, *, idle_s: float = 600.0) -> None:
        self.executable = executable
        self._jobs: queue.Queue = queue.Queue()
        self._idle_s = idle_s
        self._ahead: tuple[str, Path, Future] | None = None  # html, its folder, its PDF's future
        self._thread = threading.Thread(target=self._serve, name="deck-pdf-printer", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        error: BaseException | None = None
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=self.executable, args=BROWSER_ARGS)
                try:
                    self._loop(browser, None, page=_new_page(browser))
                finally:
                    browser.close()
                return
        except BaseException as exc:  # noqa: BLE001 - reported to every print request instead
            error = exc
        self._loop(None, error)

    def _loop(self, browser, error: BaseException | None, *, page=None) -> None:
        """Serve print jobs; ``page`` is a page opened ahead of the first job (opening one costs a
        renderer process start, about a quarter of a second, which then overlaps the deck's build)."""
        while True:
            try:
                job = self._jobs.get(timeout=self._idle_s)
            except queue.Empty:
                return
            if job is None:
                return
            html_path, pdf_path, done = job
            try:
                if error is not None:
                    raise error
                ready, page = page, None
                _print_page(browser, html_path, pdf_path, page=ready)
                done.set_result(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                done.set_exception(exc)

    @property
    def alive(self) -> bool:
        """False once the printer closed (asked to, or idle too long)."""
        return self._thread.is_alive()

    def _submit(self, html_path: str | Path, pdf_path: str | Path) -> Future:
        if not self._thread.is_alive():
            raise RuntimeError("the PDF printer has stopped (idle too long or closed); start a new one")
        done: Future = Future()
        self._jobs.put((html_path, pdf_path, done))
        return done

    def print(self, html_path: str | Path, pdf_path: str | Path, *, timeout: float = 300.0) -> None:
        """Print ``html_path`` to ``pdf_path`` (raises what the browser raised)."""
        self._submit(html_path, pdf_path).result(timeout=timeout)

    def print_ahead(self, html: str) -> None:
        """Start printing the deck ``html`` now, in a folder of its own, while the caller goes on;
        :meth:`take_ahead` hands the PDF over (a later call replaces an earlier one)."""
        self._drop_ahead()
        folder = Path(tempfile.mkdtemp(prefix="qbr-deck-"))
        weakref.finalize(self, shutil.rmtree, folder, True)  # gone at exit even if never taken or dropped
        (folder / "qbr_deck.html").write_text(html, encoding="utf-8")
        self._ahead = (html, folder, self._submit(folder / "qbr_deck.html", folder / "qbr_deck.pdf"))

    def take_ahead(self, html: str, pdf_path: str | Path, *, timeout: float = 300.0) -> bool:
        """When the deck printed ahead is exactly ``html``: wait for its PDF, move it to ``pdf_path`` and
        return True (raises what the browser raised). Otherwise False: the caller prints ``html`` itself."""
        if self._ahead is None or self._ahead[0] != html:
            self._drop_ahead()
            return False
        _, folder, done = self._ahead
        try:
            done.result(timeout=timeout)
            shutil.move(folder / "qbr_deck.pdf", pdf_path)
        finally:
            self._drop_ahead()
        return True

    def _drop_ahead(self) -> None:
        if self._ahead is not None:
            _, folder, done = self._ahead
            self._ahead = None
            if not done.done() and self._thread.is_alive():  # the browser may still write there: wait for it
                try:
                    done.result(timeout=15)
                except Exception:  # noqa: BLE001 - the print was not wanted any more
                    pass
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """End the browser (waits a few seconds for it) and remove what was printed ahead and not taken."""
        self._jobs.put(None)
        self._thread.join(timeout=15)
        self._drop_ahead()
