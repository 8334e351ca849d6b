"""Stand-in notebooks for runner tests: the workbook's parameters cell, its setup line, and a writer."""

from __future__ import annotations

from pathlib import Path

import nbformat

PARAMS_CELL = """quarter: str = "2026Q3"
name: str = "demo"
data_dir: str = "data/demo"
sources: dict = {}
overrides: dict = {}
run_dir: str = ""
interactive: bool = True
validated: bool = False"""

SETUP = """from coaching_roi import nbsupport, findings
cfg = nbsupport.setup(quarter=quarter, name=name, data_dir=data_dir, sources=sources, overrides=overrides, run_dir=run_dir,
                      validated=validated)
"""


def make_nb(path: Path | str, body: str, *, markdown: str = "# A stand-in notebook", after: str | None = None) -> None:
    """Write a notebook: a title, the tagged parameters cell, then ``body`` as one code cell. With ``after``,
    ``body``'s cell is tagged ``artifacts-written`` (the runner's signal) and ``after`` follows as a cell."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMS_CELL)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), params, nbformat.v4.new_code_cell(body)]
    if after is not None:
        nb.cells[-1].metadata["tags"] = ["artifacts-written"]
        nb.cells.append(nbformat.v4.new_code_cell(after))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
