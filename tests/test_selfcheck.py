"""The self-check questions' build checks (tools/sphinx_selfcheck.py, issue 28): a malformed question
is named with what is wrong, so that ``-W`` fails the build; well-formed ones pass.

The questions' front end is tested in a browser by tests/site/test_selfcheck_page.py.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("sphinx_selfcheck", ROOT / "tools" / "sphinx_selfcheck.py")
selfcheck = importlib.util.module_from_spec(_spec)
sys.modules["sphinx_selfcheck"] = selfcheck  # its dataclass looks its module up there
_spec.loader.exec_module(selfcheck)

WHY = "because the reason is explained here in a full sentence."


def option(title: str, verdict: str | None, text: str = WHY) -> nodes.container:
    box = nodes.container(design_component="dropdown")
    box += nodes.rubric(title, title)
    para = nodes.paragraph()
    if verdict:
        para += nodes.strong(verdict, verdict)
    para += nodes.Text(" " + text)
    box += para
    return box


def question(title: str, *options: nodes.container, classes=("selfcheck",)) -> nodes.admonition:
    adm = nodes.admonition(classes=list(classes))
    adm += nodes.title(title, title)
    for o in options:
        adm += o
    return adm


def problems(adm) -> list[str]:
    return selfcheck.parse_question(adm, "chapters/x", 1)[1]


def test_a_well_formed_choice_and_numeric_question_pass():
    q, found = selfcheck.parse_question(
        question("What is ReLU(-3)?", option("-3", "Not quite."), option("0", "Right."), option("3", "Not quite.")),
        "chapters/x", 1)
    assert found == [] and q.kind == "choice" and [r for _, r, _ in q.options] == [False, True, False]
    q, found = selfcheck.parse_question(
        question("How many?", option("Answer", "Answer:", "0.5 (± 0.01), " + WHY)), "chapters/x", 2)
    assert found == [] and q.kind == "numeric" and q.qid == "chapters/x#selfcheck-2"


@pytest.mark.parametrize(("adm", "expected"), [
    (question("Self-check", option("a", "Right."), option("b", "Not quite.")), "title must ask"),
    (question("Q?", option("a", "Right.")), "at least two options"),
    (question("Q?", option("a", "Right."), option("b", "Right.")), "exactly one option"),
    (question("Q?", option("a", "Not quite."), option("b", "Not quite.")), "exactly one option"),
    (question("Q?", option("a", "Right."), option("b", None)), "must start with **Right.** or **Not quite.**"),
    (question("Q?", option("a", "Right."), option("b", "Not quite.", "No.")), "must say why"),
    (question("Q?", option("Answer", "Answer:", "about half")), "must start with **Answer:** <number>"),
    (question("Q?", option("Answer", "Answer:", "0.5")), "must explain how"),
    (question("Q?", option("a", "Right."), option("b", "Not quite."), classes=("selfcheck", "review")),
     "must link where its answer is taught"),
])
def test_malformed_questions_are_named(adm, expected):
    assert any(expected in p for p in problems(adm)), problems(adm)


# ---------------------------------------------------------------- the chapters' questions (issue 28)
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
QUESTION = re.compile(r"^(?P<fence>:{4,})\{admonition\}[^\n]*\n:class:(?P<classes>[^\n]*)\n"
                      r"(?P<body>.*?)^(?P=fence)\s*$", re.S | re.M)
OPTION = re.compile(r"^(?P<fence>:{3})\{dropdown\}(?P<title>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$", re.S | re.M)


def chapter_questions(path: Path) -> list[dict]:
    """Each self-check question of a chapter: its section (## heading), kinds, options' bodies."""
    import nbformat

    found, section = [], "(opening)"
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        headings = [(m.start(), m.group(1)) for m in re.finditer(r"^## (.+)$", cell.source, re.M)]
        for q in QUESTION.finditer(cell.source):
            section_here = next((h for at, h in reversed(headings) if at < q.start()), section)
            classes = q.group("classes").split()
            if "selfcheck" in classes:
                found.append({"section": section_here, "classes": classes,
                              "options": [o.group("body").strip() for o in OPTION.finditer(q.group("body"))]})
        if headings:
            section = headings[-1][1]
    return found


def test_question_reader_finds_sections_kinds_and_options(tmp_path):
    sample = ("## One\n\n::::{admonition} Q?\n:class: selfcheck predict\n\n:::{dropdown} a\n**Right.** x\n:::\n\n"
              ":::{dropdown} b\n**Not quite.** y\n:::\n::::\n")
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(sample)])
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert chapter_questions(path) == [{"section": "One", "classes": ["selfcheck", "predict"],
                                        "options": ["**Right.** x", "**Not quite.** y"]}]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_has_its_questions(path):
    """Issue 28: >= 10 questions, >= 2 in every section, >= 3 predict-then-observe, 3 review questions
    (chapters 2-5), and every option has an explanation of its own."""
    questions = chapter_questions(path)
    assert len(questions) >= 10, f"{path.name}: {len(questions)} self-check questions"
    import nbformat

    sections = [m.group(1) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
                for m in re.finditer(r"^## (.+)$", c.source, re.M)]
    per_section = {s: sum(q["section"] == s for q in questions) for s in sections}
    thin = {s: n for s, n in per_section.items() if n < 2}
    assert not thin, f"{path.name}: sections with fewer than 2 questions: {thin}"
    assert sum("predict" in q["classes"] for q in questions) >= 3, f"{path.name}: fewer than 3 predict prompts"
    if not path.name.startswith("01_"):
        assert sum("review" in q["classes"] for q in questions) >= 3, f"{path.name}: fewer than 3 review questions"
    for q in questions:
        bodies = q["options"]
        assert all(len(b) > 20 for b in bodies), f"{path.name} ({q['section']}): an option without explanation"
        assert len(set(bodies)) == len(bodies), f"{path.name} ({q['section']}): two options share an explanation"
