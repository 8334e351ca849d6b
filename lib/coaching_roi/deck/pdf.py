"""Printing the HTML deck to PDF with a system Chromium (Chrome, Edge) through Playwright.

:func:`find_chromium` looks in ``$COACHING_ROI_CHROMIUM``, then PATH, then common install paths;
:func:`render_pdf` prints one slide per 16:9 page with no network access.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
