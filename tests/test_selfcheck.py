"""The self-check questions' build checks (tools/sphinx_selfcheck.py, issue 28): a malformed question
is named with what is wrong, so that ``-W`` fails the build; well-formed ones pass.

The questions' front end is tested in a browser by tests/site/test_selfcheck_page.py.
"""

from __future__ import annotations

import importlib.util
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
