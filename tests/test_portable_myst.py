"""tools/nb.py portable-myst: markdown that renders the same on the site and in JupyterLab.

Unit tests on small books made in tmp_path, a run over copies of the real notebooks (markdown changed
only where needed, code and outputs untouched, a second run changes nothing), and the check that the
book's notebooks are portable (it fails until ``tools/nb.py portable-myst`` has been run on them).
"""

from __future__ import annotations

import copy
import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("nbtools_portable", ROOT / "tools" / "nb.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)

BIB = """@inproceedings{glorot2011, author = {Glorot, Xavier and Bordes, Antoine and Bengio, Yoshua},
  title = {Deep Sparse Rectifier Neural Networks}, year = {2011}}
@inproceedings{nair2010, author = {Nair, Vinod and Hinton, Geoffrey E.},
  title = {Rectified Linear Units}, year = {2010}}
@article{fukushima1969, author = {Fukushima, Kunihiko}, title = {Visual {Feature} Extraction}, year = {1969}}
@misc{nodate, author = {Karpathy, Andrej}, title = {Notes "quoted"}}
"""


@pytest.fixture
def book(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (tmp_path / "references.bib").write_text(BIB)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "report.md").write_text("# Benchmark report\n")
    for name, title in [("01_a", "What is a ReLU?"), ("04_b", "Why does a unit die?")]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\ntext")]
        nbformat.write(nb, tmp_path / "chapters" / f"{name}.ipynb")
    return tmp_path


def convert(book: Path, source: str) -> str:
    return nbtools.portable_markdown(source, book / "chapters" / "01_a.ipynb")


def test_narrative_citation_becomes_a_link_to_the_bibliography_entry(book):
    out = convert(book, "As {cite:t}`glorot2011` showed.")
    assert out == ('As [Glorot et al. (2011)](../bibliography.md#cite-glorot2011 '
                   '"Deep Sparse Rectifier Neural Networks") showed.')


def test_parenthetical_citations_list_every_key(book):
    out = convert(book, "Known {cite:p}`nair2010, fukushima1969`.")
    assert out == ('Known ([Nair and Hinton, 2010](../bibliography.md#cite-nair2010 "Rectified Linear Units"); '
                   '[Fukushima, 1969](../bibliography.md#cite-fukushima1969 "Visual Feature Extraction")).')


def test_citation_without_year_and_with_quotes_in_the_title(book):
    out = convert(book, "{cite:t}`nodate`")
    assert out == "[Karpathy (n.d.)](../bibliography.md#cite-nodate \"Notes 'quoted'\")"


def test_unknown_citation_key_is_an_error(book):
    with pytest.raises(nbtools.PortabilityError, match="nosuchkey"):
        convert(book, "{cite:p}`nosuchkey`")


def test_doc_links_get_the_file_suffix_and_the_title(book):
    out = convert(book, "See {doc}`../chapters/04_b` and the {doc}`benchmark report <../bench/report>`.")
    assert out == "See [Why does a unit die?](04_b.ipynb) and the [benchmark report](../bench/report.md)."
    with pytest.raises(nbtools.PortabilityError, match="no notebook or page"):
        convert(book, "{doc}`../chapters/99_missing`")


def test_backtick_admonitions_become_colon_fences_with_their_body(book):
    src = "Before.\n\n````{note} A short history\nText with `code`.\n\n```python\nx = 1\n```\n````\n\nAfter."
    out = convert(book, src)
    assert out == ("Before.\n\n:::{note} A short history\nText with `code`.\n\n```python\nx = 1\n```\n:::\n\n"
                   "After.")
    nested = convert(book, "```{tip}\n:::{note}\ninner\n:::\n```")
    assert nested == "::::{tip}\n:::{note}\ninner\n:::\n::::"
    assert convert(book, "```python\nx = 1\n```") == "```python\nx = 1\n```"  # code stays code


def test_what_both_renderers_handle_is_left_alone(book):
    src = ("$$ y = \\max(0, x) $$ (eq-relu)\n\nBy {eq}`eq-relu`, {eval}`acc_text`.\n\n:::{warning}\nx\n:::")
    assert convert(book, src) == src


def test_conversion_is_idempotent(book):
    src = "{cite:t}`glorot2011`, {doc}`../chapters/04_b`\n\n```{note}\nx\n```"
    once = convert(book, src)
    assert convert(book, once) == once


def test_check_lists_what_jupyterlab_cannot_render():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("{cite:t}`a` {numref}`fig-x` {eq}`eq-elsewhere`\n\n```{note}\nx\n```\n"
                                              "\n```{figure} x.png\n```"),
                nbformat.v4.new_markdown_cell("$$ x $$ (eq-here)\n\n{eq}`eq-here` {eval}`v`\n\n:::{tip}\nx\n:::"),
                nbformat.v4.new_code_cell("{cite:t}`not-markdown`")]
    problems = "\n".join(nbtools.portability_problems(nb, "nb"))
    for piece in ["role {cite:t}`a`", "role {numref}`fig-x`", "{eq}`eq-elsewhere` names no equation",
                  "directive ```{note}", "directive ```{figure}"]:
        assert piece in problems, piece
    assert "cell 1" not in problems and "not-markdown" not in problems


def _copy_book(dest: Path) -> Path:
    for name in ("_toc.yml", "references.bib", "bibliography.md"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("chapters", "exercises", "solutions", "bench"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("*.json", "*.py"))
    return dest


def test_real_notebooks_convert_markdown_only_and_once(tmp_path):
    book = _copy_book(tmp_path)
    paths = sorted(p for f in ("chapters", "exercises", "solutions") for p in (book / f).glob("*.ipynb"))
    before = {p: nbformat.read(p, as_version=4) for p in paths}
    nbtools.make_portable(paths)
    for path in paths:
        after = nbformat.read(path, as_version=4)
        assert nbtools.portability_problems(after, path.name) == [], path.name
        old = before[path]
        assert len(after.cells) == len(old.cells)
        for a, b in zip(old.cells, after.cells, strict=True):
            if a.cell_type != "markdown":
                assert a == b, f"{path.name}: a code cell or its outputs changed"
            else:
                assert a.metadata == b.metadata
        assert after.metadata == old.metadata
    snapshot = {p: p.read_bytes() for p in paths}
    assert nbtools.make_portable(paths) == []
    assert {p: p.read_bytes() for p in paths} == snapshot, "a second run changed a notebook"


def test_exercises_generated_from_converted_solutions_are_portable(tmp_path):
    book = _copy_book(tmp_path)
    solutions = sorted((book / "solutions").glob("*.ipynb"))
    nbtools.make_portable(solutions)
    for path in solutions:
        exercise = nbtools.exercise_from_solution(copy.deepcopy(nbformat.read(path, as_version=4)), path.name)
        assert nbtools.portability_problems(exercise, path.name) == []


@pytest.mark.parametrize("path", nbtools.all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_book_notebooks_are_portable(path):
    """Fails until `.venv/bin/python tools/nb.py portable-myst` has rewritten the notebook."""
    problems = nbtools.portability_problems(nbformat.read(path, as_version=4), path.name)
    assert not problems, "run `.venv/bin/python tools/nb.py portable-myst`:\n" + "\n".join(problems)


def _chapter_with_figures(book: Path) -> Path:
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n  - caption: Chapters\n    numbered: true\n"
                                   "    chapters:\n      - file: chapters/01_a\n      - file: chapters/04_b\n")
    nb = nbformat.read(book / "chapters" / "04_b.ipynb", as_version=4)
    fig = {"mystnb": {"figure": {"caption": "c", "name": "fig-one"}}}
    nb.cells += [nbformat.v4.new_code_cell("1", metadata=fig),
                 nbformat.v4.new_code_cell("2", metadata={"mystnb": {"figure": {"caption": "no name"}}}),
                 nbformat.v4.new_code_cell("3", metadata={"mystnb": {"figure": {"caption": "c", "name": "fig-two"}}}),
                 nbformat.v4.new_markdown_cell("See {numref}`fig-two` and {numref}`Figure %s <fig-one>`.")]
    path = book / "chapters" / "04_b.ipynb"
    nbformat.write(nb, path)
    return path


def test_figure_references_get_the_site_number(book):
    path = _chapter_with_figures(book)
    assert nbtools.figure_numbers(nbformat.read(path, as_version=4), path) == {"fig-one": "2.1", "fig-two": "2.3"}
    assert nbtools.make_portable([path]) == [path]
    text = nbformat.read(path, as_version=4).cells[-1].source
    assert text == "See [Fig. 2.3](#fig-two) and [Figure 2.1](#fig-one)."
    assert nbtools.make_portable([path]) == []  # idempotent


def test_figure_links_are_renumbered_when_figures_move(book):
    path = _chapter_with_figures(book)
    nbtools.make_portable([path])
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("0", metadata={"mystnb": {"figure": {"caption": "new"}}}))
    nbformat.write(nb, path)
    nbtools.make_portable([path])
    assert nbformat.read(path, as_version=4).cells[-1].source == "See [Fig. 2.4](#fig-two) and [Figure 2.2](#fig-one)."


def test_numref_to_an_unknown_figure_is_an_error(book):
    path = _chapter_with_figures(book)
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "{numref}`fig-nowhere`"
    nbformat.write(nb, path)
    with pytest.raises(nbtools.PortabilityError, match="fig-nowhere"):
        nbtools.make_portable([path])


def test_numref_outside_the_numbered_chapters_says_where_the_figure_is(book):
    path = _chapter_with_figures(book)
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n  - caption: Solutions\n    chapters:\n"
                                   "      - file: chapters/04_b\n")
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("Below: {numref}`fig-one`."))
    nbformat.write(nb, path)
    nbtools.make_portable([path])
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].source == "Below: [the figure below](#fig-one)."
    assert nb.cells[-1].source == "See [the figure above](#fig-two) and [the figure above](#fig-one)."


def test_a_key_with_an_underscore_links_to_the_id_the_site_writes():
    # docutils turns "cite-cs231n_nn2" into the id "cite-cs231n-nn2"; the link must use the latter
    assert nbtools.cite_anchor("cs231n_nn2") == "cite-cs231n-nn2"
    assert nbtools.cite_anchor("glorot2011") == "cite-glorot2011"
