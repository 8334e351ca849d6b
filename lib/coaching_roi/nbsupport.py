"""What every notebook does first and the few display helpers they share.

Notebooks stay thin: ``cfg = nbsupport.setup(...)`` validates the papermill parameters, applies the
plot style, keeps BLAS to one thread and makes a :class:`WorkbookError` print as one line instead of a
traceback.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import pandas as pd

from coaching_roi import config, handrun, safety, textsafe
from coaching_roi.config import resolved
from coaching_roi.errors import WorkbookError


def one_blas_thread() -> None:
    """Run BLAS/LAPACK on one thread in this process.

    A notebook's linear algebra is many small products and decompositions (per-cluster SVDs, model
    fits, bootstrap sums), and the runner executes two notebooks at once: extra BLAS threads then
    only compete for the same cores and spin. Measured on 2 busy cores at 300 AEs: notebook 02's
    scorer-agreement cell 7.1 -> 3.7 s of CPU, the win model 3.5 -> 2.8 s, with the same results.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _install_error_printer() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside IPython
        return
    ip = get_ipython()
    if ip is None:
        return

    def _handler(shell, etype, evalue, tb, tb_offset=None):  # noqa: ARG001
        # One line instead of a traceback; the cell still fails, so papermill stops and the
        # runner reports this message with the notebook and cell.
        stb = [f"\x1b[31mWorkbookError\x1b[0m: {evalue}"]
        shell._showtraceback(etype, evalue, stb)
        return stb

    ip.set_custom_exc((WorkbookError,), _handler)


def setup(
    *,
    quarter: str,
    name: str,
    data_dir: str,
    sources: dict | None = None,
    overrides: dict | None = None,
    run_dir: str | Path = "",
    compare_to: str = "",
    notebook: str = "",
    validated: bool = False,
) -> config.Config:
    """Validate the notebook's parameters into a Config, prepare the run folder and plot style.

    ``compare_to`` (an earlier run folder) is checked here too; only notebook 05 uses it.
    ``validated=True`` (set by the quarterly runner, with ``run_dir``): the params the runner validated
    once for the run are read from ``run_dir`` (:mod:`coaching_roi.config.resolved`) instead of
    validating the parameters again.
    The quarterly runner always passes ``run_dir``. Without one (a notebook run by hand with the
    papermill CLI or in JupyterLab) the notebook works in a scratch folder of its own,
    ``outputs/_scratch/<name>/<notebook>/``, seeded with a copy of the artifacts of the last complete
    run of that name: it reads them, and never writes into that run's folder.
    """
    _install_error_printer()
    one_blas_thread()
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.width", 160)
    if "matplotlib" in sys.modules:  # a notebook that draws has imported it; one that does not (01) never pays for it
        from coaching_roi.plots import set_style

        set_style()
    if validated and run_dir:  # under the runner: the params it validated once for the whole run
        cfg = resolved.read_resolved(Path(run_dir), quarter=quarter, name=name)
    else:
        cfg = config.build(quarter=quarter, name=name, data_dir=data_dir, sources=sources, overrides=overrides,
                           run_dir=run_dir or None, compare_to=compare_to or None)
    if run_dir:
        _check_run_dir(cfg.run_dir)
    else:
        folder, seeded_from = handrun.prepare(cfg.name, notebook or "notebook")
        cfg = cfg.model_copy(update={"run_dir": folder})
        say(handrun.notice(cfg.name, folder, seeded_from))
    cfg.artifacts_dir.mkdir(parents=True, exist_ok=True)
    return cfg


def _check_run_dir(run_dir: Path) -> None:
    """An explicit ``run_dir`` must be new, empty or a folder the workbook made, and never a link."""
    if run_dir.is_symlink():
        raise WorkbookError(f"run_dir {run_dir} is a symbolic link; the workbook never writes through one.")
    if run_dir.exists() and not run_dir.is_dir():
        raise WorkbookError(f"run_dir {run_dir} exists and is not a folder. Fix: pass a folder for run_dir.")
    if run_dir.is_dir() and any(run_dir.iterdir()) and not safety.is_workbook_dir(run_dir):
        raise WorkbookError(
            f"run_dir {run_dir} is a folder the workbook did not make (it holds other files and no run "
            f"marker or manifest), so nothing is written there. Fix: pass a new or empty folder, or leave "
            "run_dir empty to work in a scratch folder."
        )


def say(text: str) -> None:
    """Show a generated sentence. Nothing in it is read as Markdown or HTML: names and free text are
    data, shown as text (only `code` spans of the workbook's own sentences are styled)."""
    from IPython.display import display

    display({"text/html": textsafe.html_paragraph(text), "text/plain": textsafe.plain(text)}, raw=True)


def _styled(df: pd.DataFrame, *, caption: str | None, precision: int, all_left: bool):
    """Escaped, index-free Styler: text columns (or all, for sentence tables) left-aligned, numbers right."""
    text_cols = list(df.columns) if all_left else [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    sty = df.style.hide(axis="index").format(precision=precision, escape="html", na_rep="–")
    sty = sty.format_index(escape="html", axis=1)  # column names can be data too
    if text_cols:
        sty = sty.set_properties(subset=text_cols, **{"text-align": "left", "vertical-align": "top"})
    sty = sty.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    if caption:
        sty = sty.set_caption(html.escape(caption))
    return sty


def show_table(df: pd.DataFrame, *, caption: str | None = None, precision: int = 2) -> None:
    """Show a frame without its index, values HTML-escaped (rep names, observables are user text)."""
    from IPython.display import display

    display(_styled(df, caption=caption, precision=precision, all_left=False))


def show_text_table(df: pd.DataFrame, *, caption: str | None = None, precision: int = 2) -> None:
    """Like :func:`show_table`, but every column left-aligned: for tables whose cells are sentences."""
    from IPython.display import display

    display(_styled(df, caption=caption, precision=precision, all_left=True))
