"""The notebook door (issue 29, point 21): in JupyterLab a notebook opens on the chapter, not on install
plumbing, and each figure's caption is visible next to it.

The Colab setup cell is generated (tools/nb.py) collapsed (``metadata.jupyter.source_hidden``, which
JupyterLab honours) with a first line that says what it is; each figure's MyST caption, which lives in
the cell's metadata where JupyterLab does not show it, gets a markdown cell under the figure (tagged
``figure-caption`` and ``remove-cell``: the site prints the caption itself). ``python tools/nb.py
setup-cell`` writes both into every notebook.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("relubook_tools_nb_door", ROOT / "tools" / "nb.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)
NOTEBOOKS = nbtools.all_notebooks()


def test_setup_cell_is_collapsed_with_a_first_line_that_says_what_it_is():
    cell = nbtools.make_setup_cell("https://github.com/a/b")
    assert cell.metadata["jupyter"]["source_hidden"] is True
    first = cell.source.splitlines()[0]
    assert first.startswith("# ") and "Colab" in first and "nothing" in first, first
    assert len(first) <= 110, "the collapsed cell shows one line"


def test_an_existing_setup_cell_gets_collapsed():
    nb = nbformat.v4.new_notebook()
    old = nbformat.v4.new_code_cell(nbtools.setup_cell_source("https://github.com/a/b"))
    old.metadata["tags"] = [nbtools.SETUP_TAG, "remove-cell"]
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), old]
    assert nbtools.ensure_setup_cell(nb, "https://github.com/a/b") is True
    assert nb.cells[1].metadata["jupyter"]["source_hidden"] is True
    assert nbtools.ensure_setup_cell(nb, "https://github.com/a/b") is False  # idempotent


def _figure_cell(caption: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("fig")
    cell.metadata["mystnb"] = {"figure": {"caption": caption, "name": "fig-x"}}
    return cell


def test_caption_cells_follow_their_figures():
    nb = nbformat.v4.new_notebook()
    fig = _figure_cell("ReLU bends the line.")
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), fig, nbformat.v4.new_code_cell("x = 1")]
    assert nbtools.ensure_caption_cells(nb) is True
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown", "code"]
    caption = nb.cells[2]
    assert "ReLU bends the line." in caption.source
    assert caption.metadata["tags"] == [nbtools.CAPTION_TAG, "remove-cell"]
    assert nbtools.ensure_caption_cells(nb) is False  # idempotent
    fig.metadata["mystnb"]["figure"]["caption"] = "A new caption."
    assert nbtools.ensure_caption_cells(nb) is True and "A new caption." in nb.cells[2].source
    del fig.metadata["mystnb"]
    assert nbtools.ensure_caption_cells(nb) is True
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"], "a stale caption cell stays"
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_notebook_opens_on_its_chapter_with_captions_shown(path):
    nb = nbformat.read(path, as_version=4)
    setup = [c for c in nb.cells if nbtools.SETUP_TAG in c.metadata.get("tags", [])]
    assert setup and setup[0].metadata.get("jupyter", {}).get("source_hidden") is True, (
        f"{path.name}: the setup cell is not collapsed; run `python tools/nb.py setup-cell`")
    for i, cell in enumerate(nb.cells):
        caption = nbtools.figure_caption(cell)
        if caption is None:
            continue
        nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        assert nxt is not None and nbtools.CAPTION_TAG in nxt.metadata.get("tags", []) and \
            nxt.source == nbtools.caption_cell_source(caption), (
            f"{path.name}: the figure captioned {caption[:50]!r} has no caption cell under it; "
            "run `python tools/nb.py setup-cell`")
