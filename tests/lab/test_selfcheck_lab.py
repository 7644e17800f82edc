"""Self-check questions (issue 28) answered in JupyterLab, the way a learner does there.

In JupyterLab (jupyterlab-myst, none of the site's JavaScript) a question is an admonition of class
``selfcheck`` whose options are dropdowns: the learner answers by opening an option and reading its
explanation. For each chapter, the notebook is opened fresh in one real JupyterLab (nothing run) and
the first question of every kind the chapter has (choice, predict, review, numeric) is answered:

* before any click, every option's explanation is hidden;
* opening each wrong option shows its own **Not quite.** explanation (the source's words), and the
  options not opened yet stay hidden; opening the right option then shows its **Right.** explanation;
* a numeric question's single "Answer" dropdown shows ``Answer: <number> (± <tolerance>)`` with the
  number stored for its ``{eval}`` (or typed in the source) and the source's tolerance;
* the question is rendered MyST: an admonition carrying its classes, math typeset, no ``:::``,
  ``{role}``, ``**`` or ``:class:`` left as text; a review question's right explanation links an
  earlier chapter; a prediction stands right before the code cell whose result it predicts.

Screenshots of each answered question: ``tests/artifacts/lab-selfcheck-<chapter>-<kind>.png`` (light)
and ``lab-selfcheck-dark-<chapter>.png`` (JupyterLab Dark, where the explanation's contrast is checked).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from .conftest import ARTIFACTS, ROOT, start_lab
from .labpage import screenshot

CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
KINDS = ("choice", "predict", "review", "numeric")

ADMONITION = re.compile(r"^::::\{admonition\}[ \t]*(?P<title>.*)$", re.MULTILINE)
CLASSES = re.compile(r"^:class:[ \t]*(?P<classes>.*)$", re.MULTILINE)
DROPDOWN = re.compile(r"^:::\{dropdown\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*?)\n:::[ \t]*$", re.MULTILINE | re.DOTALL)
VERDICT = re.compile(r"^\s*\*\*(?P<verdict>Right\.|Not quite\.|Answer:)\*\*")
SOURCE_ANSWER = re.compile(r"\*\*Answer:\*\*\s*(?:\{eval\}`(?P<expr>[^`]+)`|(?P<number>[-−+]?[\d.]+(?:[eE][-−+]?\d+)?))"
                           r"\s*%?\s*\(\s*±\s*(?P<tol>[\d.]+(?:[eE][-−+]?\d+)?)\s*%?\s*\)")
SHOWN_ANSWER = re.compile(r"^\s*Answer:\s*(?P<number>[-−+]?\s*[\d.]+(?:[eE][-−+]?\d+)?)\s*%?\s*"
                          r"\(\s*±\s*(?P<tol>[\d.]+(?:[eE][-−+]?\d+)?)\s*%?\s*\)")
# MyST a learner must never see as text (math, code and editors are left out of the text read).
RAW = {
    "directive fence": re.compile(r":{3,}|`{3,}"),
    "role": re.compile(r"\{[A-Za-z][\w:+-]*\}"),
    "bold markers": re.compile(r"\*\*"),
    "directive option": re.compile(r":class:"),
    "math dollars": re.compile(r"\$[^$\s][^$]*\$"),
}
# A run of plain words in the source (no math, roles, links or markup): it must read the same on the page.
PLAIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 ,;]{14,}[A-Za-z0-9]")
MARKUP = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\{[\w:+-]+\}`[^`]*`|`[^`]*`|\[[^\]]*\]\([^)]*\)|\*\*[^*]*\*\*|<[^>]+>",
                    re.DOTALL)
REVIEW_LINK = re.compile(r"\]\((?:\.\./chapters/|\./)?(?P<target>\d\d_[\w-]+\.ipynb)(?:#[^)]*)?\)")
MIN_CONTRAST = 4.5  # WCAG AA for body text


@dataclass
class Option:
    title: str
    verdict: str  # "Right.", "Not quite." or "Answer:"
    body: str  # the explanation, verdict included


@dataclass
class Question:
    """A self-check question as the notebook's source writes it."""

    cell: int  # index of its cell in the notebook
    title: str
    classes: list[str]
    notebook: str = ""  # the chapter's file name
    options: list[Option] = field(default_factory=list)
    expected_number: str | None = None  # numeric: the number the learner should see
    expected_tol: str | None = None

    @property
    def review_target(self) -> str | None:
        """The earlier chapter (file name) that the right explanation links, or None."""
        for o in self.options:
            m = REVIEW_LINK.search(o.body) if o.verdict == "Right." else None
            if m:
                return m.group("target")
        return None

    @property
    def numeric(self) -> bool:
        return len(self.options) == 1 and self.options[0].title.strip() == "Answer"

    @property
    def kind(self) -> str:
        for k in ("predict", "review"):
            if k in self.classes:
                return k
        return "numeric" if self.numeric else "choice"


def _stored_value(metadata: dict, expr: str) -> str | None:
    for item in metadata.get("user_expressions", []):
        if item.get("expression") == expr:
            text = item.get("result", {}).get("data", {}).get("text/plain")
            return text.strip().strip("'\"") if isinstance(text, str) else None
    return None


def questions_in(nb, notebook: str = "") -> list[Question]:
    """Every self-check question of a notebook, with its options, from the markdown source."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        head, classes = ADMONITION.search(cell.source), CLASSES.search(cell.source)
        if not head or not classes or "selfcheck" not in classes.group("classes").split():
            continue
        q = Question(index, head.group("title").strip(), classes.group("classes").split(), notebook)
        for m in DROPDOWN.finditer(cell.source):
            v = VERDICT.match(m.group("body"))
            q.options.append(Option(m.group("title").strip(), v.group("verdict") if v else "", m.group("body").strip()))
        if q.numeric:
            a = SOURCE_ANSWER.search(q.options[0].body)
            if a:
                q.expected_number = (_stored_value(cell.metadata, a.group("expr")) if a.group("expr")
                                     else a.group("number"))
                q.expected_tol = a.group("tol")
        found.append(q)
    return found


def first_of_each_kind(questions: list[Question]) -> dict[str, Question]:
    chosen: dict[str, Question] = {}
    for q in questions:
        chosen.setdefault(q.kind, q)
    return {k: chosen[k] for k in KINDS if k in chosen}


def plain_run(markdown: str) -> str:
    """The longest run of plain words in ``markdown`` (what must read the same on the page), or ''."""
    text = MARKUP.sub("|", markdown)
    runs = PLAIN_RUN.findall(text)
    return max(runs, key=len).strip() if runs else ""


def squash(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(" ", ""))


def problems_in(q: Question, seen: dict, where: str) -> list[str]:
    """What is wrong with a question as the learner saw it in JupyterLab (``seen``, from READ_JS and clicks)."""
    if not seen.get("found"):
        return [f"{where}: no rendered selfcheck admonition in cell {q.cell + 1} (is the MyST rendered?)"]
    out = []
    missing = [c for c in q.classes if c not in seen["classes"]]
    if missing:
        out.append(f"{where}: the admonition lacks the class(es) {missing} (has {seen['classes']})")
    for kind, pattern in RAW.items():
        for m in pattern.finditer(seen["text"]):
            context = seen["text"][max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            out.append(f"{where}: raw {kind} {m.group(0)!r} visible: …{context}…")
    title_words = plain_run(q.title)
    if title_words and squash(title_words) not in squash(seen["header"]):
        out.append(f"{where}: the title does not read {title_words!r} (shows {seen['header'][:120]!r})")
    source_math = len(re.findall(r"\$[^$]+\$", re.sub(r"\$\$.*?\$\$", "", q.title, flags=re.DOTALL)))
    if seen["header_math"] < source_math:
        out.append(f"{where}: {source_math} formula(s) in the title, {seen['header_math']} typeset")
    if seen["dropdowns"] != len(q.options):
        out.append(f"{where}: {len(q.options)} option(s) in the source, {seen['dropdowns']} dropdown(s) rendered")
        return out
    if any(seen["hidden_before"][i] is False for i in range(len(q.options))):
        shown = [i + 1 for i, hidden in enumerate(seen["hidden_before"]) if not hidden]
        out.append(f"{where}: option(s) {shown} show their explanation before the learner opens them")
    for click in seen["clicks"]:
        i = click["option"]
        opt = q.options[i]
        label = f"{where}, option {i + 1} ({opt.title[:40]!r})"
        if not click["visible"]:
            out.append(f"{label}: opening it does not show its explanation")
            continue
        body = squash(click["body"])
        if opt.verdict != "Answer:" and not body.startswith(opt.verdict):
            out.append(f"{label}: the explanation should start {opt.verdict!r}, shows {body[:60]!r}")
        words = plain_run(VERDICT.sub("", opt.body))
        if words and squash(words) not in body:
            out.append(f"{label}: the explanation does not read {words!r} (shows {body[:120]!r})")
        opt_words = plain_run(opt.title)
        if opt_words and squash(opt_words) not in squash(click["summary"]):
            out.append(f"{label}: the option does not read {opt_words!r} (shows {click['summary'][:80]!r})")
        if click["later_shown"]:
            out.append(f"{label}: opening it also shows option(s) {click['later_shown']} not opened yet")
        if opt.verdict == "Right." and q.kind == "review" and not click["links"]:
            out.append(f"{label}: a review question's right explanation must link where it is taught; no link")
    if q.kind == "review":
        target = q.review_target
        if target is None:
            out.append(f"{where}: the right explanation links no chapter notebook (NN_name.ipynb)")
        else:
            if q.notebook and target >= q.notebook:
                out.append(f"{where}: a review question links {target}, not a chapter before {q.notebook}")
            if seen.get("review_opened") != target:
                out.append(f"{where}: clicking the link to {target} in JupyterLab opens "
                           f"{seen.get('review_opened')!r}, not that notebook")
    clicked = {c["option"] for c in seen["clicks"]}
    if q.numeric:
        click = next((c for c in seen["clicks"] if c["option"] == 0 and c["visible"]), None)
        if click is not None:
            m = SHOWN_ANSWER.match(squash(click["body"]))
            if not m:
                out.append(f"{where}: the answer should read 'Answer: <number> (± <tolerance>)', shows "
                           f"{squash(click['body'])[:80]!r}")
            elif q.expected_number is None:
                out.append(f"{where}: the source gives no number (or no stored {{eval}} value) to compare with")
            else:
                try:
                    same = _number(m.group("number")) == _number(q.expected_number)
                except ValueError:
                    same = False
                if not same:
                    out.append(f"{where}: the answer shows {m.group('number')!r}, the notebook stores "
                               f"{q.expected_number!r}")
                if q.expected_tol is not None and _number(m.group("tol")) != _number(q.expected_tol):
                    out.append(f"{where}: the tolerance shows {m.group('tol')!r}, the source {q.expected_tol!r}")
    else:
        rights = [i for i, o in enumerate(q.options) if o.verdict == "Right."]
        wrongs = [i for i, o in enumerate(q.options) if o.verdict == "Not quite."]
        if len(rights) != 1 or not wrongs:
            out.append(f"{where}: {len(rights)} right and {len(wrongs)} wrong option(s) in the source")
        if not set(rights + wrongs) <= clicked:
            out.append(f"{where}: option(s) {sorted(set(rights + wrongs) - clicked)} were not answered")
    if q.kind == "predict" and seen["next_cell"] != "code":
        out.append(f"{where}: a prediction must stand right before a code cell (next: {seen['next_cell']})")
    return out


# What the learner sees of one question: classes, title, its text without math, code or editors,
# the dropdowns, which explanations are visible, and the kind of the next cell.
READ_JS = r"""(cell) => {
  const aside = cell.querySelector('.myst aside.selfcheck, .myst .selfcheck');
  if (!aside) return {found: false};
  const clone = aside.cloneNode(true);
  clone.querySelectorAll('code, pre, .katex, .katex-display, mjx-container, .cm-editor').forEach(e => e.remove());
  const header = aside.querySelector('.myst-admonition-header') || aside.firstElementChild;
  const next = cell.nextElementSibling;
  return {
    found: true,
    classes: Array.from(aside.classList),
    text: clone.textContent,
    header: header ? header.innerText : '',
    header_math: header ? header.querySelectorAll('.katex').length : 0,
    dropdowns: aside.querySelectorAll('details').length,
    next_cell: !next ? null : next.classList.contains('jp-CodeCell') ? 'code'
             : next.classList.contains('jp-MarkdownCell') ? 'markdown' : 'other',
  };
}"""

# Contrast (WCAG) of an element's text on the background it is painted on.
CONTRAST_JS = r"""(el) => {
  const rgba = s => (s.match(/[\d.]+/g) || []).map(Number);
  const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  const fg = rgba(getComputedStyle(el).color);
  let bg = null;
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return {ratio: (a + 0.05) / (b + 0.05), fg: getComputedStyle(el).color, bg: 'rgb(' + bg.slice(0, 3).join(',') + ')'};
}"""


def _wait_rendered(page, cells: int, chosen: list[int], timeout: float = 120) -> None:
    """Wait until the page holds every cell and the chosen cells' questions are rendered and still."""
    deadline, last, steady = time.monotonic() + timeout, None, 0
    js = """([chosen]) => { const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell');
      return [cells.length, chosen.map(i => { const q = cells[i] && cells[i].querySelector('.myst .selfcheck');
        return q ? [q.querySelectorAll('details').length, q.querySelectorAll('.katex').length, q.textContent.length]
                 : null; })]; }"""
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=timeout * 1000)
    while time.monotonic() < deadline:
        now = page.evaluate(js, [chosen])
        done = now[0] == cells and all(q is not None for q in now[1])
        steady = steady + 1 if done and now == last else 0
        if steady >= 2:
            return
        last = now
        time.sleep(0.4)
    raise AssertionError(f"JupyterLab did not render the questions within {timeout} s (seen {last}: "
                         f"want {cells} cells, the questions of cells {[i + 1 for i in chosen]})")


def _answer(page, q: Question) -> dict:
    """Open the question's options the way a learner does (wrong ones first, then the right one)."""
    cell = page.locator(".jp-NotebookPanel .jp-Notebook").first.locator(".jp-Cell").nth(q.cell)
    cell.scroll_into_view_if_needed()
    seen = cell.evaluate(READ_JS)
    if not seen.get("found"):
        return seen
    aside = cell.locator(".myst .selfcheck").first
    dropdowns = aside.locator("details")
    bodies = [dropdowns.nth(i).locator(":scope > :not(summary)").first for i in range(dropdowns.count())]
    seen["hidden_before"] = [not b.is_visible() for b in bodies]
    order = ([i for i, o in enumerate(q.options) if o.verdict != "Right."]
             + [i for i, o in enumerate(q.options) if o.verdict == "Right."])
    seen["clicks"] = []
    opened: set[int] = set()
    for i in order:
        if i >= dropdowns.count():
            continue
        summary = dropdowns.nth(i).locator(":scope > summary")
        summary.scroll_into_view_if_needed()
        summary.click()
        try:
            bodies[i].wait_for(state="visible", timeout=3000)
        except Exception:  # noqa: BLE001 - reported below as "does not show its explanation"
            pass
        opened.add(i)
        seen["clicks"].append({
            "option": i,
            "summary": summary.inner_text(),
            "visible": bodies[i].is_visible(),
            "body": bodies[i].inner_text() if bodies[i].is_visible() else "",
            "later_shown": [j + 1 for j in range(len(bodies)) if j not in opened and bodies[j].is_visible()],
            "links": bodies[i].locator("a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))"),
        })
    return seen


def _follow_review_link(page, q: Question, timeout: float = 60) -> str | None:
    """Click the link to the earlier chapter in the (opened) right explanation; the notebook tab it opens."""
    target = q.review_target
    right = next((i for i, o in enumerate(q.options) if o.verdict == "Right."), None)
    if target is None or right is None:
        return None
    cell = page.locator(".jp-NotebookPanel .jp-Notebook").first.locator(".jp-Cell").nth(q.cell)
    link = cell.locator(".myst .selfcheck details").nth(right).locator(f'a[href*="{target}"]').first
    if not link.count() or not link.is_visible():
        return None
    link.click()
    current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if current.count() and current.first.inner_text().strip() == target:
            return target
        time.sleep(0.25)
    return current.first.inner_text().strip() if current.count() else None


def _answer_chapter(browser, url: str, nb, chosen: dict[str, Question], stem: str) -> dict[str, dict]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, timeout=120_000)
        _wait_rendered(page, len(nb.cells), [q.cell for q in chosen.values()])
        cells = page.locator(".jp-NotebookPanel .jp-Notebook").first.locator(".jp-Cell").count()
        if cells != len(nb.cells):
            raise AssertionError(f"{stem}: {len(nb.cells)} cells in the notebook, {cells} in the page")
        seen = {}
        for kind, q in chosen.items():
            seen[kind] = _answer(page, q)
            aside = page.locator(".jp-NotebookPanel .jp-Notebook").first.locator(".jp-Cell").nth(
                q.cell).locator(".myst .selfcheck").first
            if aside.count():
                try:
                    aside.screenshot(path=str(ARTIFACTS / f"lab-selfcheck-{stem}-{kind}.png"), timeout=15_000)
                except Exception as exc:  # noqa: BLE001 - a screenshot never hides the real result
                    print(f"screenshot of {stem} {kind} failed: {exc}")
        if "review" in chosen and seen["review"].get("found"):  # last: it opens another notebook
            seen["review"]["review_opened"] = _follow_review_link(page, chosen["review"])
        return seen
    except BaseException:
        screenshot(page, ARTIFACTS / f"lab-selfcheck-{stem}-failed.png")
        raise
    finally:
        context.close()


@pytest.fixture(scope="module")
def selfcheck_lab():
    with start_lab(ROOT, name="lab-selfcheck") as lab:
        yield lab


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_learner_answers_each_kind_of_question(browser, selfcheck_lab, path):
    nb = nbformat.read(path, as_version=4)
    chosen = first_of_each_kind(questions_in(nb, path.name))
    assert "choice" in chosen, f"{path.name}: no self-check question found"
    rel = path.relative_to(ROOT).as_posix()
    seen = browser.run(_answer_chapter, selfcheck_lab.notebook_url(rel), nb, chosen, path.stem)
    found = [p for kind, q in chosen.items()
             for p in problems_in(q, seen[kind], f"{rel} {kind} question (cell {q.cell + 1}: {q.title[:50]!r})")]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found[:30])


def _dark_answer(browser, url: str, q: Question, shot: Path) -> list[dict]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(url, timeout=120_000)
        page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=60_000)
        cell = page.locator(".jp-NotebookPanel .jp-Notebook").first.locator(".jp-Cell").nth(q.cell)
        aside = cell.locator(".myst .selfcheck").first
        aside.wait_for(timeout=120_000)
        aside.scroll_into_view_if_needed()
        details = aside.locator("details")
        wrong = next(i for i, o in enumerate(q.options) if o.verdict == "Not quite.")
        right = next(i for i, o in enumerate(q.options) if o.verdict == "Right.")
        for i in (wrong, right):
            details.nth(i).locator(":scope > summary").click()
        time.sleep(0.5)
        parts = {
            "title": aside.locator(".myst-admonition-header-text").first,
            "option": details.nth(right).locator(":scope > summary span").first,
            "wrong explanation": details.nth(wrong).locator(":scope > :not(summary) p").first,
            "right explanation": details.nth(right).locator(":scope > :not(summary) p").first,
        }
        out = []
        for name, loc in parts.items():
            if loc.count():
                out.append({"part": name, **loc.evaluate(CONTRAST_JS)})
            else:
                out.append({"part": name, "ratio": 0, "fg": "missing", "bg": "missing"})
        aside.screenshot(path=str(shot), timeout=15_000)
        return out
    finally:
        context.close()


def test_an_answered_question_reads_in_jupyterlab_dark(browser, selfcheck_lab):
    """JupyterLab Dark: the title, an option and both explanations keep a readable contrast (WCAG AA)."""
    settings = (selfcheck_lab.home / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
                / "themes.jupyterlab-settings")
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"theme": "JupyterLab Dark"}))
    try:
        path = CHAPTERS[0]
        nb = nbformat.read(path, as_version=4)
        q = first_of_each_kind(questions_in(nb))["choice"]
        seen = browser.run(_dark_answer, selfcheck_lab.notebook_url(path.relative_to(ROOT).as_posix()), q,
                           ARTIFACTS / f"lab-selfcheck-dark-{path.stem}.png")
    finally:
        settings.unlink(missing_ok=True)
    faint = [s for s in seen if s["ratio"] < MIN_CONTRAST]
    assert not faint, f"{path.name} in JupyterLab Dark: text below {MIN_CONTRAST}:1 contrast: {faint}"


def _sample() -> tuple[Question, dict]:
    src = ("::::{admonition} What does ReLU return at $x = -3$?\n:class: selfcheck review\n\n"
           ":::{dropdown} The input itself\n**Not quite.** That is the identity map, which keeps every input.\n:::\n\n"
           ":::{dropdown} Zero\n**Right.** Every negative input is sent to zero, see "
           "[Chapter 1](01_definition.ipynb).\n:::\n::::")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(src)])
    good = {"found": True, "classes": ["myst-admonition", "selfcheck", "review"],
            "review_opened": "01_definition.ipynb",
            "text": "What does ReLU return at ? The input itself Not quite. That is the identity map, which keeps "
                    "every input. Zero Right. Every negative input is sent to zero, see Chapter 1.",
            "header": "What does ReLU return at x = -3?", "header_math": 1, "dropdowns": 2,
            "hidden_before": [True, True], "next_cell": "markdown",
            "clicks": [{"option": 0, "summary": "The input itself", "visible": True, "later_shown": [], "links": [],
                        "body": "Not quite. That is the identity map, which keeps every input."},
                       {"option": 1, "summary": "Zero", "visible": True, "later_shown": [], "links": ["01.ipynb"],
                        "body": "Right. Every negative input is sent to zero, see Chapter 1."}]}
    return questions_in(nb, "02_derivative.ipynb")[0], good


def test_the_checker_finds_what_a_learner_would_see_wrong():
    """The checker itself: a well-read question passes; raw MyST, an explanation shown too early or not at
    all, a wrong verdict, another option's text, a missing link and a wrong number are each reported."""
    q, good = _sample()
    assert q.kind == "review" and [o.verdict for o in q.options] == ["Not quite.", "Right."]
    assert problems_in(q, good, "nb") == []
    bad = json.loads(json.dumps(good))
    bad["text"] += " :::{dropdown} Zero **Right.**"
    bad["classes"] = ["myst-admonition", "selfcheck"]
    bad["header_math"] = 0
    bad["hidden_before"] = [False, True]
    bad["clicks"][0]["later_shown"] = [2]
    bad["clicks"][0]["body"] = "Right. Every negative input is sent to zero."
    bad["clicks"][1].update(visible=False, body="")
    found = "\n".join(problems_in(q, bad, "nb"))
    for piece in ["raw directive fence", "raw role", "raw bold markers", "lacks the class(es) ['review']",
                  "1 formula(s) in the title, 0 typeset", "show their explanation before",
                  "also shows option(s) [2]", "should start 'Not quite.'", "does not read 'That is the identity",
                  "option 2 ('Zero'): opening it does not show"]:
        assert piece in found, (piece, found)
    unlinked = json.loads(json.dumps(good))
    unlinked["clicks"][1]["links"] = []
    assert any("must link where it is taught" in p for p in problems_in(q, unlinked, "nb"))
    assert q.review_target == "01_definition.ipynb"
    found = "\n".join(problems_in(q, {**good, "review_opened": "02_derivative.ipynb"}, "nb"))
    assert "clicking the link to 01_definition.ipynb in JupyterLab opens '02_derivative.ipynb'" in found
    q.notebook = "01_definition.ipynb"
    assert "not a chapter before 01_definition.ipynb" in "\n".join(problems_in(q, good, "nb"))
    q.notebook = "02_derivative.ipynb"
    assert "no rendered selfcheck" in problems_in(q, {"found": False}, "nb")[0]
    assert "1 dropdown(s) rendered" in "\n".join(problems_in(q, {**good, "dropdowns": 1}, "nb"))


def test_the_checker_reads_a_numeric_answer_against_the_stored_value():
    src = ("::::{admonition} What gradient reaches the input?\n:class: selfcheck predict\n\n:::{dropdown} Answer\n"
           "**Answer:** {eval}`passed_text` (± 0.01). The mask is 1, so the gradient arrives unchanged.\n:::\n::::")
    cell = nbformat.v4.new_markdown_cell(src)
    cell.metadata["user_expressions"] = [{"expression": "passed_text",
                                          "result": {"data": {"text/plain": "'-1.5'"}, "status": "ok"}}]
    nb = nbformat.v4.new_notebook(cells=[cell])
    q = questions_in(nb)[0]
    assert q.numeric and q.kind == "predict" and (q.expected_number, q.expected_tol) == ("-1.5", "0.01")

    def seen(body: str, next_cell: str = "code") -> dict:
        return {"found": True, "classes": ["selfcheck", "predict"], "text": "What gradient reaches the input? " + body,
                "header": "What gradient reaches the input?", "header_math": 0, "dropdowns": 1,
                "hidden_before": [True], "next_cell": next_cell,
                "clicks": [{"option": 0, "summary": "Answer", "visible": True, "later_shown": [], "links": [],
                            "body": body}]}

    right = "Answer: −1.5 (± 0.01). The mask is 1, so the gradient arrives unchanged."
    assert problems_in(q, seen(right), "nb") == []
    assert "shows '1.5', the notebook stores '-1.5'" in "\n".join(
        problems_in(q, seen(right.replace("−1.5", "1.5")), "nb"))
    assert "tolerance shows '0.1'" in "\n".join(problems_in(q, seen(right.replace("0.01", "0.1")), "nb"))
    assert "should read 'Answer: <number>" in "\n".join(
        problems_in(q, seen("Answer: {eval}`passed_text`. The mask is 1, so the gradient arrives unchanged."), "nb"))
    assert "right before a code cell" in "\n".join(problems_in(q, seen(right, "markdown"), "nb"))
