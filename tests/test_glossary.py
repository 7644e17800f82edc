"""The glossary (issue 28): every term defined once, and linked where each chapter first uses it.

``tools/glossary.py`` holds how each term is written (FORMS) and finds each term's first use in a
chapter's prose; ``python tools/glossary.py link`` writes the missing links.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("glossary_tool", ROOT / "tools" / "glossary.py")
glossary = importlib.util.module_from_spec(_spec)
sys.modules["glossary_tool"] = glossary
_spec.loader.exec_module(glossary)
TERMS = glossary.glossary_terms()


def test_every_term_is_defined_once_with_a_form():
    assert len(TERMS) == len(set(TERMS)) >= 40
    assert set(TERMS) == set(glossary.FORMS)
    assert TERMS == sorted(TERMS, key=str.lower), "glossary.md lists its terms in alphabetical order"


@pytest.mark.parametrize("path", glossary.CHAPTERS, ids=lambda p: p.name)
def test_each_terms_first_use_is_a_glossary_link(path):
    missing = glossary.unlinked(nbformat.read(path, as_version=4), TERMS)
    assert not missing, f"{path.name}: first use not linked (run `python tools/glossary.py link`): {missing}"


@pytest.mark.parametrize("path", glossary.CHAPTERS, ids=lambda p: p.name)
def test_every_glossary_link_names_a_term(path):
    anchors = {glossary.anchor(t) for t in TERMS}
    nb = nbformat.read(path, as_version=4)
    targets = {m.group(1) for c in nb.cells if c.cell_type == "markdown"
               for m in re.finditer(r"glossary\.md#([\w-]+)\)", c.source)}
    assert targets <= anchors, sorted(targets - anchors)


def test_the_check_can_fail_and_the_linker_fixes_it(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\n## Dead units\n\nA dead unit never recovers. `dead unit` in code."),
        nbformat.v4.new_markdown_cell("Another dead unit, and $\\text{dead unit}$ in math."),
    ]
    assert glossary.unlinked(nb, TERMS) == ["dead unit"]
    folder = tmp_path / "chapters"
    folder.mkdir()
    path = folder / "x.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(glossary, "ROOT", tmp_path)
    assert glossary.link_notebook(path, TERMS) == 1
    linked = nbformat.read(path, as_version=4)
    assert "A [dead unit](../glossary.md#term-dead-unit) never recovers." in linked.cells[0].source
    assert "## Dead units" in linked.cells[0].source and linked.cells[1].source == nb.cells[1].source
    assert glossary.unlinked(linked, TERMS) == []


def test_a_term_inside_a_link_over_two_lines_is_not_prose():
    """A citation's title that runs over a line break is link text, not a first use (the linker once
    put a glossary link inside chapter 2's Bertoin et al. title)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "As [Bertoin et al., *Numerical influence of ReLU'(0) on\nbackpropagation*](../bibliography.md#cite-b) show, "
        "a formula $x +\\ y$ too.\n\nLater, backpropagation in prose.")]
    uses = glossary.first_uses(nb, ["backpropagation"])
    assert uses["backpropagation"][1] == 3, uses  # the line of the prose, not the link's second line (1)
