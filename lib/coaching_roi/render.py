"""Rendering for leadership: notebooks to HTML without code, the run's index page, the manifest.

Everything renders in-process (no ``jupyter nbconvert`` subprocess) and nothing rendered loads
from the network: the notebook template drops require.js, MathJax, mermaid and widget scripts.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
import subprocess
import threading
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from coaching_roi import compare, decision, estimate_ids, verdict
from coaching_roi import findings as findings_mod
from coaching_roi.config import Config
from coaching_roi.paths import PROJECT_ROOT
from coaching_roi.reuse import sha256_file
from coaching_roi.safety import atomic_write_text

if TYPE_CHECKING:
    import nbformat
    from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"

KEY_PACKAGES = (
    "coaching-roi", "pandas", "numpy", "scipy", "pyarrow", "pandera", "pydantic", "matplotlib",
    "seaborn", "scikit-learn", "statsmodels", "lifelines", "papermill", "nbconvert", "nbclient",
    "ipykernel", "python-pptx", "playwright",
)

NOTEBOOK_TITLES = {
    "01_data_intake": "Data intake and data quality",
    "02_behavioral_scoring": "Behavioral scoring",
    "03_cohort_comparison": "Cohort comparison: the evidence chain",
    "04_coaching_plan": "SDR funnel and coaching plan",
    "05_qbr_slides": "QBR deck (notebook)",
}


_EXPORTER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """The HTML exporter, built once per process (building it loads templates: ~0.5 s); use under the lock."""
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="offline_report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exp


def prepare_exporter() -> None:
    """Build the exporter now (e.g. in a thread while the first notebook runs), not when it is first needed;
    then load what the index page needs at the end of the run (the verdict rule's quantiles)."""
    with _EXPORTER_LOCK:
        _exporter()
    import coaching_roi.quantiles  # noqa: F401 - scipy.special: ~0.2 s the run's last step no longer waits for


def notebook_to_html(nb: nbformat.NotebookNode | str | Path, out_path: Path, *, title: str) -> Path:
    """Render an executed notebook to a self-contained HTML page without code cells."""
    import nbformat

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    nb = nbformat.from_dict(nb)  # a copy: the caller's notebook stays as executed
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)  # live widget state needs a kernel/CDN; never in a report
    # Cells tagged `remove` (e.g. the parameters cell's echo) stay out of the report.
    nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]
    with _EXPORTER_LOCK:
        body, _ = _exporter().from_notebook_node(nb, resources={"cr_title": title})
    out_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_path, body)
    return out_path


# ------------------------------------------------------------------------------------ manifest


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def code_version() -> dict[str, Any]:
    """Git commit of the project (and whether the tree had uncommitted changes)."""
    def _git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = _git("rev-parse", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "dirty": bool(dirty) if dirty is not None else None}


def input_files(cfg: Config) -> dict[str, dict[str, Any]]:
    """SHA-256 and size of every input file the sources point at (absent ones marked)."""
    out: dict[str, dict[str, Any]] = {}
    for table, src in cfg.sources.items():
        if src.format == "sql":
            out[table] = {"sql": True, "query_sha256": hashlib.sha256((src.query or "").encode()).hexdigest()}
            continue
        p = cfg.source_path(table)
        if p is not None and p.exists():
            out[table] = {"path": str(p), "sha256": sha256_file(p), "bytes": p.stat().st_size}
        else:
            out[table] = {"path": str(p), "absent": True}
    return out


def write_manifest(
    run_dir: Path,
    cfg: Config,
    *,
    params_file: Path | None,
    notebooks: list[dict[str, Any]],
    started: datetime,
    status: str,
    extra: dict[str, Any] | None = None,
) -> Path:
    manifest = {
        "run": cfg.name,
        "quarter": cfg.quarter,
        "status": status,
        "started_utc": started.astimezone(UTC).isoformat(timespec="seconds"),
        "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "params_file": str(params_file) if params_file else None,
        "params_file_sha256": sha256_file(params_file) if params_file and params_file.exists() else None,
        "parameters": json.loads(cfg.model_dump_json()),
        "inputs": input_files(cfg),
        "notebooks": notebooks,
        "packages": package_versions(),
        "python": platform.python_version(),
        "code": code_version(),
        **(extra or {}),
    }
    path = run_dir / "manifest.json"
    atomic_write_text(path, json.dumps(manifest, indent=2, default=str))
    return path


# --------------------------------------------------------------------------------------- index
INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{{ title }} — {{ quarter }}</title>
<style>
 body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733; max-width: 1080px;
        margin: 0 auto; padding: 24px; line-height: 1.45; }
 h1 { color: #1f4e79; margin-bottom: 4px; } h2 { color: #1f4e79; margin-top: 32px; border-bottom: 1px solid #d5dbe1; }
 .headline { font-size: 1.25em; background: #eef4fa; border-left: 4px solid #1f4e79; padding: 12px 16px; }
 table { border-collapse: collapse; width: 100%; font-size: 14px; }
 th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e9ee; vertical-align: top; }
 th { background: #f6f8fa; } td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
 .ok { color: #1e7d32; } .skip { color: #9a6700; } .fail { color: #b42318; }
 .muted { color: #5b6773; font-size: 13px; } a { color: #2e86c1; }
 h3 { color: #33475b; margin: 22px 0 6px; } details { margin-top: 22px; } summary { cursor: pointer; }
 ul.links li { margin: 4px 0; }
 .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
</style></head><body>
<h1>{{ title }}</h1>
<div class="muted">{% if company %}{{ company }} · {% endif %}quarter {{ quarter }} · run “{{ run }}” · generated {{ generated }}</div>
{% if headline %}<p class="headline">{{ headline }}</p>{% endif %}
{% if decision %}
<h2>Decision: {{ decision.label }}</h2>
<p>{{ decision.rule }}</p>
<ul>{% for r in decision.reasons %}<li>{{ r }}</li>{% endfor %}</ul>
<p><strong>Next:</strong> {{ decision.next }}</p>
{% for t in decision.to_know %}<p class="muted">To know: {{ t }}</p>{% endfor %}
{% endif %}

<h2>Reports</h2>
<ul class="links">
{% for nb in notebooks %}
 <li>{% if nb.html %}<a href="{{ nb.html }}">{{ nb.title }}</a>{% else %}{{ nb.title }}{% endif %}
   — <span class="{{ nb.css }}">{{ nb.status }}</span>
   {% if nb.ipynb %}<span class="muted">(<a href="{{ nb.ipynb }}">executed notebook</a>{% if nb.reused %}, reused: its inputs did not change since the last run{% elif nb.seconds is not none %}, {{ '%.1f'|format(nb.seconds) }} s{% endif %})</span>{% endif %}</li>
{% endfor %}
</ul>
{% if deck %}
<h2>QBR deck</h2>
<ul class="links">
{% for label, target in deck %}<li>{% if target.link %}<a href="{{ target.link }}">{{ label }}</a>{% else %}{{ label }}: <span class="skip">{{ target.text }}</span>{% endif %}</li>{% endfor %}
</ul>
{% endif %}
{% if extras %}
<h2>Files</h2>
<ul class="links">{% for label, link in extras %}<li><a href="{{ link }}">{{ label }}</a></li>{% endfor %}</ul>
{% endif %}

{% if compared %}
<h2>What changed since {{ compared.quarter or compared.run }}</h2>
<p class="muted">Compared with the run in {{ compared.run }}: every estimate in either run, verdict before and after.</p>
<table><tr><th>Estimate</th><th>Before</th><th>Now</th><th>Change</th><th>Reading</th></tr>
{% for c in compared_rows %}<tr><td title="{{ c.id }}">{{ c.label }}</td><td>{{ c.before }}</td><td>{{ c.after }}</td>
<td>{{ c.status }}</td><td>{{ c.reading }}</td></tr>{% endfor %}
</table>
{% endif %}

<h2>Headline numbers</h2>
<p class="muted">Every number with its {{ level_text }} interval and the n behind it; the reading never claims more than the interval allows.</p>
{% for g in groups %}
{% if g.detail %}<details><summary><strong>{{ g.title }}</strong> ({{ g.rows|length }})</summary>{% else %}<h3>{{ g.title }}</h3>{% endif %}
<table><tr><th>Estimate</th><th>State</th><th>Value</th><th>{{ level_text }} interval</th><th>n</th><th>Reading</th></tr>
{% for e in g.rows %}<tr><td title="{{ e.id }}">{{ e.label }}</td><td><span class="swatch" style="background: {{ e.colour }}"></span>{{ e.state }}</td>
<td class="num">{{ e.value }}</td><td class="num">{{ e.interval }}</td><td class="num">{{ e.n }}</td><td>{{ e.reading }}</td></tr>{% endfor %}
</table>
{% if g.detail %}</details>{% endif %}
{% else %}<p class="muted">No estimates yet: the analysis notebooks have not written findings.</p>{% endfor %}

<h2>Data quality</h2>
{% if accounting %}
<table><tr><th>Table</th><th>Rows read</th><th>Accepted</th><th>Rejected</th><th>Rejects file</th></tr>
{% for r in accounting %}<tr><td>{{ r.label }}</td><td class="num">{{ r.rows_read }}</td><td class="num">{{ r.rows_accepted }}</td>
<td class="num">{{ r.rows_rejected }}</td><td>{% if r.rejects %}<a href="{{ r.rejects }}">{{ r.rejects }}</a>{% endif %}</td></tr>{% endfor %}
</table>
{% else %}<p class="muted">Data intake has not reported yet.</p>{% endif %}
{% for line in quality_lines %}<p>{{ line }}</p>{% endfor %}

<p class="muted">Run manifest (parameters, input file hashes, package versions, code version):
<a href="manifest.json">manifest.json</a> · machine-readable results: <a href="findings.json">findings.json</a>
(hover an estimate's name for its ID there)</p>
</body></html>
"""


# Sections of the index page, in reading order: (title, predicate on the estimate ID).
ESTIMATE_GROUPS: tuple[tuple[str, object], ...] = (
    ("The evidence chain", lambda k: k.split("::")[0] in {"quartile_win_rate_gap", "behavior_auc", "win_rate_change_per_point",
                                                          "cycle_change_per_point"}
     or k in {"behavior_change::all", "event_study_pretrend::all"}),
    ("Ramp and deal cycle", lambda k: k.startswith(("ramp_weeks_saved", "six_month_attainment", "deal_cycle_pct_faster"))),
    ("Money", lambda k: k in {"realized_value_usd", "ramp_value_usd", "upside_value_usd", "roi_pct"}),
    ("SDR funnel", lambda k: k.startswith("funnel_")),
)
TABLE_LABELS = {"reps": "Reps", "calls": "Calls", "call_scores": "Call scores", "coaching_sessions": "Coaching log",
                "opportunities": "Opportunities", "sdr_activity": "SDR activity"}


def estimate_label(key: str, behavior_labels: dict[str, str] | None = None) -> str:
    """A person's name for a findings estimate ID (the one table: :func:`coaching_roi.estimate_ids.label`)."""
    return estimate_ids.label(key, behavior_labels)


def _estimate_rows(estimates: dict[str, dict], behavior_labels: dict[str, str] | None = None,
                   level: float = 0.95) -> list[dict[str, str]]:
    policy = verdict.Policy(level=level)
    rows = []
    for key, e in estimates.items():
        st = decision.link_state(e, policy, key)  # a check (the pre-trend) reads Passed / Failed
        rows.append(
            {
                "id": key,
                "label": estimate_label(key, behavior_labels),
                "state": st.word,
                "colour": st.colour,
                "value": verdict.value_text(key, e),
                "interval": verdict.interval_text(key, e, policy).removeprefix(f"{policy.level_text} CI "),
                "n": f"{int(e.get('n') or 0):,} {e.get('n_unit', '')}".strip(),
                "reading": e.get("reading", ""),
            }
        )
    return rows


def group_estimates(estimates: dict[str, dict], behavior_labels: dict[str, str] | None = None,
                    level: float = 0.95) -> list[dict]:
    """Split estimates into the index page's sections; per-behavior detail and the rest go last."""
    left = dict(estimates)
    groups = []
    for title, wanted in ESTIMATE_GROUPS:
        picked = {k: v for k, v in left.items() if wanted(k)}
        for k in picked:
            left.pop(k)
        if picked:
            groups.append({"title": title, "rows": _estimate_rows(picked, behavior_labels, level), "detail": False})
    if left:
        groups.append({"title": "Per behavior and other detail", "rows": _estimate_rows(left, behavior_labels, level),
                       "detail": True})
    return groups


def _compared_rows(compared: dict | None) -> list[dict[str, str]]:
    if not compared:
        return []
    return [{"id": c["id"], "label": c["label"], "before": c.get("state_before") or "–",
             "after": c.get("state_after") or "–", "status": compare.STATUS_WORDS.get(c["status"], c["status"]),
             "reading": c["reading"]} for c in compare.ordered_for_display(compared)]


def write_index(run_dir: Path, cfg: Config, notebook_runs: list[dict[str, Any]]) -> Path:
    """Write ``index.html``: links, headline numbers from findings.json, data-quality status."""
    found = findings_mod.load(run_dir)
    status = found.get("status", {})
    nbs = []
    for r in notebook_runs:
        stem = r["notebook"]
        st = r.get("status") or status.get(stem, "not run")
        if r.get("status") == "ok" and stem in status:
            st = status[stem]
        css = "ok" if st == "ok" else ("fail" if st.startswith("failed") else "skip")
        nbs.append(
            {
                "title": NOTEBOOK_TITLES.get(stem, stem),
                "html": r.get("html"),
                "ipynb": r.get("ipynb"),
                "status": st,
                "css": css,
                "seconds": r.get("seconds"),
                "reused": r.get("action") == "reused",
            }
        )
    deck = []
    deck_info = found.get("extra", {}).get("05_qbr_slides", {}).get("deck", {})
    for label, key in (("Slides (HTML)", "html"), ("Slides (PDF)", "pdf"), ("Slides (PowerPoint)", "pptx")):
        if key in deck_info:
            v = str(deck_info[key])
            deck.append((label, {"link": v} if (run_dir / v).exists() else {"link": None, "text": v}))
    extras = []
    for label, name in (("Coaching plan (CSV, one focus per rep)", "coaching_plan.csv"),
                        ("Coaching plan (Excel, one sheet per manager)", "coaching_plan.xlsx")):
        if (run_dir / name).exists():
            extras.append((label, name))
    dq = found.get("extra", {}).get("01_data_intake", {})
    accounting = []
    for row in dq.get("accounting", []):
        rej = f"rejects/{row['table']}.csv"
        accounting.append({**row, "label": TABLE_LABELS.get(row["table"], str(row["table"]).replace("_", " ")),
                           "rejects": rej if (run_dir / rej).exists() else None})
    quality_lines = [str(x) for x in dq.get("summary_lines", [])]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    level = float(found.get("confidence_level") or cfg.analysis.confidence_level)
    page = env.from_string(INDEX_TEMPLATE).render(
        title=cfg.report.title,
        company=cfg.report.company,
        level_text=f"{level * 100:g}%",
        decision=found.get("decision"),
        compared=found.get("compared_to"),
        compared_rows=_compared_rows(found.get("compared_to")),
        quarter=cfg.quarter,
        run=cfg.name,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        headline=found.get("headline"),
        notebooks=nbs,
        deck=deck,
        extras=extras,
        groups=group_estimates(found.get("estimates", {}), cfg.rubric.labels, level),
        accounting=accounting,
        quality_lines=quality_lines,
    )
    path = run_dir / "index.html"
    atomic_write_text(path, page)
    return path


def escape(text: str) -> str:
    """HTML-escape user text (names, observables) for hand-built HTML."""
    return html.escape(str(text), quote=True)
