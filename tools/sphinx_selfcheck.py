"""Self-check questions in the prose (issue 28): checked at build time, answerable on every door.

A question is written in the chapter's markdown in one MyST form that every renderer of the book
reads (Jupyter Book's Sphinx, jupyterlab-myst in JupyterLab): an admonition of class ``selfcheck``
whose options are dropdowns, each opening on its explanation::

    ::::{admonition} What does ReLU return at $x = -3$?
    :class: selfcheck

    :::{dropdown} $-3$
    **Not quite.** That is the identity: ReLU keeps a negative input only in ...
    :::

    :::{dropdown} $0$
    **Right.** Every negative input is sent to zero ...
    :::
    ::::

* A choice option's explanation starts with **Right.** or **Not quite.** (exactly one **Right.**,
  at least two options, every explanation says *why*).
* A numeric question has a single dropdown titled ``Answer`` whose explanation starts with
  ``**Answer:** <number>`` and may give a tolerance as ``(± <tolerance>)``; the number usually
  comes from ``{eval}``.
* ``:class: selfcheck predict`` asks for a prediction before the next code cell: the site hides that
  cell's output until the reader answers (or asks to see it anyway).
* ``:class: selfcheck review`` is a spaced-review question about an earlier chapter; its right
  explanation links where the answer is taught.

This extension

* checks every question when the book is built (a malformed one is a warning, so ``-W`` fails);
* numbers them per page ("Self-check 3"), and gives each a stable id (its page and number) under
  which the reader's answer is kept in the browser;
* adds ``_static/bundled/selfcheck/selfcheck.js`` and its stylesheet (browser/selfcheck/) to the
  pages that hold questions: the script turns each question into radio buttons or a number field,
  shows the chosen option's explanation in an ``aria-live`` region, remembers answers in
  ``localStorage`` and offers "clear my answers";
* fills the ``{selfcheck-answers}`` directive (the back-matter page ``selfcheck_answers.md``) with
  every question's answer and explanation, page by page, for the PDF and for readers who print.

Loaded from _config.yml (``sphinx.local_extensions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

SCRIPT = "bundled/selfcheck/selfcheck.js"
STYLE = "bundled/selfcheck/selfcheck.css"
CLASS = "selfcheck"
RIGHT = re.compile(r"^\s*Right\b")
WRONG = re.compile(r"^\s*Not quite\b")
ANSWER_TITLE = "Answer"
ANSWER = re.compile(r"^\s*Answer:\s*(?P<value>[-−+]?\s*[\d.]+(?:[eE][-−+]?\d+)?)(?:\s*%)?")
TOLERANCE = re.compile(r"\(\s*±\s*(?P<tol>[\d.]+(?:[eE][-−+]?\d+)?)\s*%?\s*\)")
MIN_EXPLANATION = 25  # characters after the verdict: an explanation, not a bare "Wrong."


@dataclass
class Question:
    """One self-check question as the build found it."""

    docname: str
    number: int
    kind: str  # "choice" or "numeric"
    title: str
    options: list[tuple[str, bool, str]] = field(default_factory=list)  # (option, right, explanation)
    predict: bool = False
    review: bool = False
    answer: list = field(default_factory=list)  # the right option's title and explanation, as nodes
    title_nodes: list = field(default_factory=list)  # the question, as nodes (math kept)

    @property
    def label(self) -> str:
        return "Prediction" if self.predict else "Review" if self.review else "Self-check"

    @property
    def qid(self) -> str:
        return f"{self.docname}#selfcheck-{self.number}"


def _is_dropdown(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("design_component") == "dropdown"


def _dropdown_parts(node: nodes.container) -> tuple[str, list[nodes.Node]]:
    if node.children and isinstance(node[0], nodes.rubric):
        return node[0].astext().strip(), list(node.children[1:])
    return "", list(node.children)


def _first_strong(body: list[nodes.Node]) -> str:
    for child in body:
        if isinstance(child, nodes.paragraph):
            for sub in child.children:
                if isinstance(sub, nodes.strong):
                    return sub.astext()
                if sub.astext().strip():
                    return ""
    return ""


def _text(body: list[nodes.Node]) -> str:
    return " ".join(child.astext() for child in body).strip()


def parse_question(admonition: nodes.Element, docname: str, number: int) -> tuple[Question, list[str]]:
    """A :class:`Question` from a ``selfcheck`` admonition, and the problems found in it."""
    classes = set(admonition.get("classes", []))
    title_node = next((c for c in admonition.children if isinstance(c, nodes.title)), None)
    title = title_node.astext().strip() if title_node is not None else ""
    dropdowns = [c for c in admonition.findall(_is_dropdown)]
    problems = []
    if not title or title.lower() in {"self-check", "selfcheck"}:
        problems.append("its title must ask the question")
    q = Question(docname, number, "choice", title, predict="predict" in classes, review="review" in classes)
    if title_node is not None:
        q.title_nodes = [t.deepcopy() for t in title_node.children]
    if len(dropdowns) == 1 and _dropdown_parts(dropdowns[0])[0] == ANSWER_TITLE:
        q.kind = "numeric"
        _, body = _dropdown_parts(dropdowns[0])
        text = _text(body)
        match = ANSWER.match(text)
        if not match:
            problems.append("a numeric question's explanation must start with **Answer:** <number>")
        elif len(text) - match.end() < MIN_EXPLANATION:
            problems.append("a numeric answer must explain how it is found")
        q.options.append((ANSWER_TITLE, True, text))
        q.answer = [b.deepcopy() for b in body]
        return q, problems
    if len(dropdowns) < 2:
        problems.append(f"a choice question needs at least two options (dropdowns), found {len(dropdowns)}")
    for dropdown in dropdowns:
        option, body = _dropdown_parts(dropdown)
        verdict = _first_strong(body)
        text = _text(body)
        if not option:
            problems.append("every option (dropdown) needs a title")
        if RIGHT.match(verdict):
            right = True
        elif WRONG.match(verdict):
            right = False
        else:
            problems.append(f"option {option!r}: its explanation must start with **Right.** or **Not quite.**")
            right = False
        if len(text) - len(verdict) < MIN_EXPLANATION:
            problems.append(f"option {option!r}: the explanation must say why (found {text!r})")
        q.options.append((option, right, text))
        if right:
            title_nodes = dropdown[0].children if dropdown.children and isinstance(dropdown[0], nodes.rubric) else []
            lead = nodes.paragraph("", "", nodes.emphasis("", "Answer: "), *[t.deepcopy() for t in title_nodes])
            q.answer = [lead, *[b.deepcopy() for b in body]]
    rights = sum(right for _, right, _ in q.options)
    if dropdowns and rights != 1:
        problems.append(f"exactly one option must be **Right.**, found {rights}")
    if q.review and not any(right and "hapter" in text for _, right, text in q.options) and not any(
        isinstance(n, (nodes.reference, addnodes.pending_xref)) for n in admonition.findall(nodes.Element)
    ):
        problems.append("a review question must link where its answer is taught")
    return q, problems


def _doctree_read(app: Any, doctree: nodes.document) -> None:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    env = app.env
    docname = env.docname
    store = env.selfcheck_questions = getattr(env, "selfcheck_questions", {})
    store.pop(docname, None)
    found = []
    for number, admonition in enumerate(
        (n for n in doctree.findall(nodes.admonition) if CLASS in n.get("classes", [])), start=1
    ):
        _drop_repeated_kind(admonition)
        question, problems = parse_question(admonition, docname, number)
        for problem in problems:
            logger.warning("self-check %d (%r): %s", number, question.title[:60], problem,
                           location=admonition, type="selfcheck", subtype="malformed")
        admonition["ids"].append(f"selfcheck-{number}")
        title = next((c for c in admonition.children if isinstance(c, nodes.title)), None)
        if title is not None:
            title.insert(0, nodes.Text(f"{question.label} {number}. "))
        admonition["classes"].append(f"selfcheck-{question.kind}")
        found.append(question)
    if found:
        store[docname] = found


REPEATED_KIND = re.compile(r"^\s*(Review|Predict(ion)?)\s*:\s*")


def _drop_repeated_kind(admonition: nodes.admonition) -> None:
    """"Review: ..." and "Predict: ..." titles say their kind for JupyterLab's readers; on the site the
    label ("Review 1.", "Prediction 7.") says it, so the word is not said twice."""
    title = next((c for c in admonition.children if isinstance(c, nodes.title)), None)
    first = title.children[0] if title is not None and title.children else None
    if isinstance(first, nodes.Text) and REPEATED_KIND.match(first.astext()):
        rest = REPEATED_KIND.sub("", first.astext(), count=1)
        title.replace(first, nodes.Text(rest[:1].upper() + rest[1:]))


def _env_merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    env.selfcheck_questions = getattr(env, "selfcheck_questions", {})
    env.selfcheck_questions.update(getattr(other, "selfcheck_questions", {}))


def _env_purge(app: Any, env: Any, docname: str) -> None:
    getattr(env, "selfcheck_questions", {}).pop(docname, None)


class selfcheck_answers(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the answers appendix, filled when the doctree is resolved."""


class SelfcheckAnswers(Directive):
    """``{selfcheck-answers}``: every question's answer and explanation, page by page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [selfcheck_answers("")]


def _page_order(app: Any) -> list[str]:
    env = app.env
    order = []
    master = app.config.root_doc
    seen = set()

    def walk(doc: str) -> None:
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(master)
    return order


def _resolved_answer(app: Any, doctree: nodes.document, docname: str, q: Question) -> list[nodes.Node]:
    """A question's answer for the appendix: its title and right explanation, links as plain text.

    The explanations were copied before references were resolved, and their links are relative to
    the question's page (or point within it: ``#fig-…``, an equation); in the appendix they would
    lead nowhere, so each keeps its text and loses its link (the appendix says which page asks).
    """
    from sphinx.util.docutils import new_document

    holder = new_document(doctree["source"], doctree.settings)
    item = nodes.list_item()
    head = nodes.paragraph()
    head += nodes.strong("", f"{q.label} {q.number}. ")
    head += [t.deepcopy() for t in q.title_nodes] or [nodes.Text(q.title)]
    item += head
    for node in q.answer:
        item += node.deepcopy()
    holder += item
    app.env.apply_post_transforms(holder, docname)
    # Links in an explanation are relative to the question's page (or within it): in the appendix
    # they would point nowhere, so they keep their text and lose the link.
    for ref in list(holder.findall(lambda n: isinstance(n, (nodes.reference, addnodes.pending_xref)))):
        ref.replace_self(nodes.inline("", "", *[child.deepcopy() for child in ref.children]))
    return list(holder.children)


def _doctree_resolved(app: Any, doctree: nodes.document, docname: str) -> None:
    questions = getattr(app.env, "selfcheck_questions", {})
    for placeholder in list(doctree.findall(selfcheck_answers)):
        content: list[nodes.Node] = []
        for doc in _page_order(app):
            if doc not in questions:
                continue
            section = nodes.section(ids=[f"answers-{nodes.make_id(doc)}"])
            section += nodes.title("", app.env.titles[doc].astext() if doc in app.env.titles else doc)
            listing = nodes.bullet_list(classes=["selfcheck-answer-list"])  # each entry says its number
            for q in questions[doc]:
                listing += _resolved_answer(app, doctree, docname, q)
            section += listing
            content.append(section)
        if not content:
            content = [nodes.paragraph("", "This build holds no self-check questions.")]
        placeholder.replace_self(content)


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """The appendix page is rebuilt whenever a page with questions is (its answers may have changed)."""
    if not (added | changed | removed):
        return []
    return sorted(getattr(env, "selfcheck_answer_pages", set()))


def _note_answer_page(app: Any, doctree: nodes.document) -> None:
    pages = app.env.selfcheck_answer_pages = getattr(app.env, "selfcheck_answer_pages", set())
    pages.discard(app.env.docname)
    if any(True for _ in doctree.findall(selfcheck_answers)):
        pages.add(app.env.docname)


def _html_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    questions = getattr(app.env, "selfcheck_questions", {})
    if doctree is not None and pagename in questions:
        app.add_js_file(SCRIPT, defer="defer")
        app.add_css_file(STYLE)


def setup(app: Any) -> dict:
    app.add_node(selfcheck_answers, html=(lambda self, node: None, lambda self, node: None))
    app.add_directive("selfcheck-answers", SelfcheckAnswers)
    app.connect("doctree-read", _doctree_read)
    app.connect("doctree-read", _note_answer_page)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-merge-info", _env_merge)
    app.connect("env-purge-doc", _env_purge)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _html_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1", "env_version": 1}
