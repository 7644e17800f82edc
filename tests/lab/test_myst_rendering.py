"""The notebooks' MyST renders in JupyterLab (jupyterlab-myst) as it does on the site.

Every notebook of chapters/, exercises/ and solutions/ is opened fresh in a real JupyterLab with
notebook windowing off (every cell is in the page) and nothing run. In the rendered markdown
(code, math and the hidden editors left out) no raw MyST may be visible: no ``{role}``, no
directive fence, no ``(eq-…)`` label, no ``$$``, no link showing a bare path, no citation
jupyterlab-myst could not find. Every admonition of the source renders as an admonition, every
labelled equation shows a number, every ``{eq}`` reference shows that number, and every
``{eval}`` shows its stored value, not its expression.

The notebooks render this way once ``tools/nb.py portable-myst`` has rewritten what jupyterlab-myst
cannot read. ``RELUBOOK_MYST_ROOT=/path/to/a/converted/copy`` runs the test on a copy of the book.

A second test opens the first chapter the way ``make lab`` does (with only the settings the book
installs, jupyter-config/) and checks that JupyterLab asks nothing: no news prompt, no dialog.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import ARTIFACTS, ROOT, start_lab
from .labpage import screenshot

BOOK = Path(os.environ.get("RELUBOOK_MYST_ROOT", ROOT)).resolve()
NOTEBOOKS = sorted(p for folder in ("chapters", "exercises", "solutions") for p in (BOOK / folder).glob("*.ipynb"))

_spec = importlib.util.spec_from_file_location("nbtools_myst", ROOT / "tools" / "nb.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)

RAW = {
    "role": re.compile(r"\{[A-Za-z][\w:+-]*\}"),
    "directive fence": re.compile(r"`{3,}|:{3,}"),
    "equation label": re.compile(r"\(eq-[\w-]+\)"),
    "display-math dollars": re.compile(r"\$\$"),
}

# Per rendered markdown cell: its visible prose (without code, math, editors), admonitions,
# numbered equations, equation references, links that show a path, unresolved citations, inline code.
RENDERED_JS = r"""(nb) => Array.from(nb.querySelectorAll('.jp-MarkdownCell')).map(cell => {
  const out = cell.querySelector('.myst');
  if (!out) return null;
  const clone = out.cloneNode(true);
  clone.querySelectorAll('code, pre, .katex, .katex-display, mjx-container, .cm-editor').forEach(e => e.remove());
  return {
    text: clone.innerText,
    admonitions: out.querySelectorAll('aside.myst-admonition, details.myst-admonition').length,
    equations: Array.from(out.querySelectorAll('[id]')).filter(e => e.querySelector('.katex-display'))
      .map(e => [e.id, (e.innerText.match(/\((\d+)\)\s*$/) || [null, null])[1]]),
    eqrefs: Array.from(out.querySelectorAll('a[href^="#"]'))
      .map(a => [a.getAttribute('href').slice(1), a.textContent.trim()]),
    pathLinks: Array.from(out.querySelectorAll('a')).map(a => a.innerText.trim())
      .filter(t => /^[.\w-]*\/[\w./-]*$/.test(t)),
    missingCites: out.querySelectorAll('[title="Citation Not Found"]').length,
    code: Array.from(out.querySelectorAll('code')).map(c => c.innerText.trim()),
  };
})"""


def expected(cell_source: str) -> dict:
    admonitions = [m for m in nbtools.DIRECTIVE.finditer(cell_source) if m.group("name") in nbtools.ADMONITIONS]
    return {
        "admonitions": len(admonitions),
        "labels": [m.group("label") for m in nbtools.EQ_LABEL.finditer(cell_source)],
        "eqrefs": [m.group("body").strip() for m in nbtools.ANY_ROLE.finditer(cell_source) if m.group("name") == "eq"],
        "evals": nbtools.eval_expressions(cell_source),
    }


def problems_in(rendered: dict | None, source: str, where: str) -> list[str]:
    want = expected(source)
    if rendered is None:
        return [f"{where}: not rendered by jupyterlab-myst"]
    found = []
    for kind, pattern in RAW.items():
        for m in pattern.finditer(rendered["text"]):
            context = rendered["text"][max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            found.append(f"{where}: raw {kind} {m.group(0)!r} visible: …{context}…")
    found += [f"{where}: a link shows the path {t!r}" for t in rendered["pathLinks"]]
    if rendered["missingCites"]:
        found.append(f"{where}: {rendered['missingCites']} citation(s) jupyterlab-myst cannot find")
    if rendered["admonitions"] != want["admonitions"]:
        found.append(f"{where}: {want['admonitions']} admonition(s) in the source, {rendered['admonitions']} rendered")
    numbers = dict(rendered["equations"])
    for label in want["labels"]:
        if not numbers.get(label):
            found.append(f"{where}: equation ({label}) shows no number (rendered: {rendered['equations']})")
    refs = dict(rendered["eqrefs"])
    for label in want["eqrefs"]:
        if not re.fullmatch(r"\(\d+\)", refs.get(label, "")):
            found.append(f"{where}: {{eq}}`{label}` does not show an equation number (shows {refs.get(label)!r})")
    shown_as_code = [e for e in want["evals"] if e in rendered["code"]]
    if shown_as_code:
        found.append(f"{where}: {{eval}} shows the expression, not its value: {shown_as_code}")
    return found


def test_problems_are_found_in_unconverted_markup():
    """The checker itself: raw MyST text, a missing admonition and an unnumbered equation are reported."""
    src = ":::{note}\nx\n:::\n\n$$ y $$ (eq-a)\n\nSee {eq}`eq-a` and {eval}`acc_text`."
    bad = {"text": "{cite:t} glorot2011 ```{note} (eq-a)", "admonitions": 0, "equations": [["eq-a", None]],
           "eqrefs": [["eq-a", "eq-a"]], "pathLinks": ["../chapters/04_dying_relu"], "missingCites": 1,
           "code": ["acc_text"]}
    found = "\n".join(problems_in(bad, src, "nb"))
    for piece in ["raw role", "raw directive fence", "raw equation label", "shows the path", "cannot find",
                  "1 admonition(s) in the source, 0 rendered", "(eq-a) shows no number",
                  "does not show an equation number", "shows the expression"]:
        assert piece in found, piece
    good = {"text": "See (1) and 0.935.", "admonitions": 1, "equations": [["eq-a", "1"]],
            "eqrefs": [["eq-a", "(1)"]], "pathLinks": [], "missingCites": 0, "code": []}
    assert problems_in(good, src, "nb") == []


def _render(browser, url: str, markdown_cells: int, shot: Path, timeout: float = 120):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, timeout=timeout * 1000)
        notebook = page.locator(".jp-NotebookPanel .jp-Notebook").first
        notebook.locator(".jp-Cell").first.wait_for(timeout=timeout * 1000)
        deadline, last, steady = time.monotonic() + timeout, None, 0
        while time.monotonic() < deadline:  # until every markdown cell is rendered and the page is still
            rendered = notebook.evaluate(RENDERED_JS)
            done = len(rendered) == markdown_cells and all(r is not None for r in rendered)
            steady = steady + 1 if done and rendered == last else 0
            if steady >= 3:
                break
            last = rendered
            time.sleep(0.5)
        screenshot(page, shot)
        return notebook.evaluate(RENDERED_JS)
    finally:
        context.close()


@pytest.fixture(scope="module")
def myst_lab():
    with start_lab(BOOK, name="lab-myst") as lab:
        yield lab


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_raw_myst_in_jupyterlab(browser, myst_lab, path):
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "markdown"]
    rel = path.relative_to(BOOK).as_posix()
    rendered = browser.run(_render, myst_lab.notebook_url(rel), len(sources),
                           ARTIFACTS / f"lab-myst-{path.parent.name}-{path.stem}.png")
    assert len(rendered) == len(sources), f"{rel}: {len(sources)} markdown cells, {len(rendered)} in the page"
    found = [p for k, (r, s) in enumerate(zip(rendered, sources, strict=True))
             for p in problems_in(r, s, f"{rel} markdown cell {k + 1}")]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found[:40])


def _first_open(browser, url: str, shot: Path, settle: float = 8):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, timeout=120_000)
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator").first
            if status.count() and status.get_attribute("data-status") == "idle":
                break
            time.sleep(0.25)
        time.sleep(settle)  # the news question comes a few seconds after start
        screenshot(page, shot)
        return {
            "kernel": page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator").first
            .get_attribute("data-status"),
            "toasts": page.locator(".Toastify__toast").all_inner_texts(),
            "dialogs": page.locator(".jp-Dialog").all_inner_texts(),
            "widget_errors": page.get_by_text(re.compile("Error displaying widget|model not found")).count(),
        }
    finally:
        context.close()


def test_make_lab_opens_the_first_chapter_without_questions(browser):
    """With only the book's own settings: no news prompt, no dialog, a ready kernel, no widget error."""
    with start_lab(BOOK, name="lab-first-open", book_settings_only=True) as lab:
        seen = browser.run(_first_open, lab.notebook_url("chapters/01_definition.ipynb"),
                           ARTIFACTS / "lab-first-open.png")
    assert not [t for t in seen["toasts"] if re.search(r"news|update", t, re.IGNORECASE)], seen["toasts"]
    assert not seen["dialogs"], seen["dialogs"]
    assert seen["kernel"] == "idle", f"the kernel is not ready: {seen['kernel']}"
    assert seen["widget_errors"] == 0, "a widget shows an error on first open"
