"""Notebook maintenance for the book: one source for exercises, one setup cell, stored outputs.

Usage (from the project root, inside the venv)::

    python tools/nb.py exercises            # solutions/*.ipynb -> exercises/*.ipynb, then execute them
    python tools/nb.py exercises --no-run   # generate only
    python tools/nb.py setup-cell           # (re)write the Colab setup cell of every notebook (collapsed
                                            # in JupyterLab) and the caption cell under every figure
    python tools/nb.py execute NB [NB ...]  # execute notebooks in place, storing outputs, widget state
                                            # and the results of the prose's {eval} roles
    python tools/nb.py portable-myst [NB ...]  # markdown that JupyterLab renders too (citations and
                                               # {doc} as links, colon-fenced admonitions); --check lists

Exercise generation
-------------------
In a solution notebook, answer code sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``. Inside a function body the block becomes a stub that
returns ``None`` (so the checker reports "not implemented yet"); at the top
level the marker must say what the learner starts from, for example
``# BEGIN SOLUTION stub: predictions = None`` (several statements are
separated by ``;``). Cells tagged ``solution-only`` are dropped from the
exercise notebook. Cells tagged ``exercise-only`` (with ``remove-cell``, so
the solutions page hides them) are shown in the exercise notebook only. In the
first heading "solutions" becomes "exercises".
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("chapters", "exercises", "solutions")
BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?:\s+stub:\s*(?P<stub>.*))?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
SETUP_TAG = "colab-setup"
#: The setup cell's first line: JupyterLab shows it on the collapsed cell (``source_hidden``).
SETUP_FIRST_LINE = "# Setup: on Colab this installs the book's helper package; locally and on Binder it does nothing."
#: The tag of the markdown cell that shows a figure's caption under it in JupyterLab.
CAPTION_TAG = "figure-caption"


# ----------------------------------------------------------------------------
# The setup cell (Colab)
# ----------------------------------------------------------------------------
def repository_url() -> str:
    """The repository named in _config.yml (the one setting launch buttons follow)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


def setup_cell_source(url: str | None = None) -> str:
    """The identical first code cell of every notebook.

    On Colab (no ``relubook``) it pip-installs the book's package from the repository. pip's default
    strategy keeps every installed package that meets relubook's lower bounds, so Colab's own numpy,
    matplotlib and ipywidgets stay. Colab draws ipywidgets 7 itself; for ipywidgets 8 the cell turns
    on Colab's custom widget manager. Locally, on Binder and on a JupyterHub it does nothing.
    """
    url = url or repository_url()
    return (
        f"{SETUP_FIRST_LINE}\n"
        "try:\n"
        "    import relubook\n"
        "except ModuleNotFoundError:\n"
        "    import importlib\n"
        "    import subprocess\n"
        "    import sys\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "git+{url}"], check=True)\n'
        "    importlib.invalidate_caches()\n"
        "try:  # Colab draws ipywidgets 7 itself; ipywidgets 8 needs its custom widget manager\n"
        "    import ipywidgets\n"
        "    from google.colab import output\n"
        "\n"
        '    if int(ipywidgets.__version__.split(".")[0]) >= 8:\n'
        "        output.enable_custom_widget_manager()\n"
        "except ImportError:\n"
        "    pass\n"
    )


def make_setup_cell(url: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(setup_cell_source(url))
    cell.metadata["tags"] = [SETUP_TAG, "remove-cell"]
    # JupyterLab (and Binder, a JupyterHub) opens the cell collapsed, showing its first line: a
    # learner's first sight is the chapter, not install plumbing (the site removes the cell)
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.execution_count = 1
    return cell


def ensure_setup_cell(nb: nbformat.NotebookNode, url: str | None = None) -> bool:
    """Put the setup cell first among the code cells, collapsed; return True when the notebook changed."""
    wanted = setup_cell_source(url)
    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            changed = False
            if cell.source != wanted:
                cell.source, changed = wanted, True
            jupyter = cell.metadata.setdefault("jupyter", {})
            if jupyter.get("source_hidden") is not True:
                jupyter["source_hidden"], changed = True, True
            return changed
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(index, make_setup_cell(url))
    return True


def figure_caption(cell: nbformat.NotebookNode) -> str | None:
    """The MyST caption a code cell gives its figure (``metadata.mystnb.figure.caption``), if any."""
    if cell.cell_type != "code":
        return None
    figure = (cell.metadata.get("mystnb") or {}).get("figure") or {}
    caption = figure.get("caption")
    return caption.strip() if isinstance(caption, str) and caption.strip() else None


def caption_cell_source(caption: str) -> str:
    return f"*Figure: {caption}*"


def ensure_caption_cells(nb: nbformat.NotebookNode) -> bool:
    """Under every cell with a figure caption, a markdown cell that shows it (JupyterLab shows no cell metadata).

    The caption cell is tagged ``figure-caption`` and ``remove-cell``: the site already prints the
    caption under the figure (myst-nb), so it keeps it out of the page. Caption cells whose figure
    has gone are removed. Returns True when the notebook changed.
    """
    cells, changed = [], False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and CAPTION_TAG in cell.metadata.get("tags", []):
            if i == 0 or figure_caption(nb.cells[i - 1]) is None:
                changed = True  # its figure's cell is gone or lost its caption: dropped
            else:
                cells.append(cell)  # (its text was brought up to date with its figure's cell)
            continue
        cells.append(cell)
        caption = figure_caption(cell)
        if caption is None:
            continue
        wanted = caption_cell_source(caption)
        following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        if (following is not None and following.cell_type == "markdown"
                and CAPTION_TAG in following.metadata.get("tags", [])):
            if following.source != wanted:
                following.source, changed = wanted, True
            continue
        new = nbformat.v4.new_markdown_cell(wanted)
        new.metadata["tags"] = [CAPTION_TAG, "remove-cell"]
        new.pop("id", None)
        cells.append(new)
        changed = True
    if changed:
        for cell in cells:  # keep the ids nbformat 4.5 wants, unique
            if "id" not in cell and nb.nbformat_minor >= 5:
                cell["id"] = nbformat.v4.new_markdown_cell().id
        nb.cells = cells
    return changed


def all_notebooks() -> list[Path]:
    return sorted(p for f in FOLDERS for p in (ROOT / f).glob("*.ipynb"))


# ----------------------------------------------------------------------------
# Exercises from solutions
# ----------------------------------------------------------------------------
class MarkerError(ValueError):
    """A solution block that cannot be turned into a stub."""


def stub_source(source: str, where: str = "") -> str:
    """Replace every marked solution block of a cell's source by a runnable stub."""
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if END.match(lines[i]):
                raise MarkerError(f"{where}: '# END SOLUTION' without a matching BEGIN")
            out.append(lines[i])
            i += 1
            continue
        indent, stub = m.group("indent"), m.group("stub")
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            if BEGIN.match(lines[j]):
                raise MarkerError(f"{where}: nested '# BEGIN SOLUTION'")
            j += 1
        if j == len(lines):
            raise MarkerError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'")
        if stub is not None:
            out.append(f"{indent}# YOUR CODE HERE")
            out.extend(f"{indent}{part.strip()}" for part in stub.split(";"))
        elif indent:
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}return None")
        else:
            raise MarkerError(f"{where}: a top-level solution block needs '# BEGIN SOLUTION stub: <code>'")
        i = j + 1
    return "\n".join(out)


def _rename_figure_labels(nb: nbformat.NotebookNode) -> None:
    """Give the exercise notebook's named figures labels of their own (``<name>-exercise``).

    Solutions and exercises are both pages of the book: a label copied unchanged would be defined
    twice and the build (-W) would fail. References to the label inside the notebook follow it.
    """
    renamed = {}
    for cell in nb.cells:
        figure = cell.metadata.get("mystnb", {}).get("figure") or cell.metadata.get("myst", {}).get("figure")
        if isinstance(figure, dict) and figure.get("name"):
            old = figure["name"]
            renamed[old] = figure["name"] = f"{old}-exercise"
    if not renamed:
        return
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for old, new in renamed.items():
                cell.source = re.sub(rf"(\{{numref\}}`(?:[^`<]*<)?){re.escape(old)}(>?`)", rf"\g<1>{new}\g<2>",
                                     cell.source)
                cell.source = re.sub(rf"\]\(#{re.escape(old)}\)", f"](#{new})", cell.source)


def exercise_from_solution(sol: nbformat.NotebookNode, name: str = "") -> nbformat.NotebookNode:
    """The learner's notebook for a solution notebook (sources only, no outputs)."""
    nb = copy.deepcopy(sol)
    cells = []
    for k, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "solution-only" in tags:
            continue
        if "exercise-only" in tags:
            cell.metadata["tags"] = [t for t in tags if t not in ("exercise-only", "remove-cell")]
        if cell.cell_type == "code":
            cell.source = stub_source(cell.source, f"{name} cell {k}")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    _rename_figure_labels(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            first, _, rest = cell.source.partition("\n")
            first = re.sub(r"\s*[—-]+\s*[Ss]olutions?\s*$", "", first)
            first = re.sub(r"\b[Ss]olutions\b", "exercises", first)
            cell.source = first + ("\n" + rest if rest else "")
            break
    nb.metadata.pop("widgets", None)
    return nb


def generate_exercises(run: bool = True, only: list[Path] | None = None) -> list[Path]:
    """Write exercises/X.ipynb for every solutions/X.ipynb (or only those named)."""
    written = []
    sources = [Path(p).resolve() for p in only] if only else sorted((ROOT / "solutions").glob("*.ipynb"))
    for sol_path in sources:
        sol = nbformat.read(sol_path, as_version=4)
        ex = exercise_from_solution(sol, sol_path.name)
        ex_path = ROOT / "exercises" / sol_path.name
        nbformat.write(ex, ex_path)
        written.append(ex_path)
        print(f"wrote {ex_path.relative_to(ROOT)}")
    if run:
        execute(written)
    return written


# ----------------------------------------------------------------------------
# Execution with stored outputs
# ----------------------------------------------------------------------------
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def eval_expressions(source: str) -> list[str]:
    """The expressions of a markdown cell's ``{eval}`` roles, in order, each once."""
    return list(dict.fromkeys(EVAL_ROLE.findall(source)))


class ExpressionError(RuntimeError):
    """An ``{eval}`` expression of a markdown cell that the kernel could not evaluate."""


def _store_user_expressions(client, path: Path):
    """An nbclient ``on_cell_start`` hook: evaluate each markdown cell's ``{eval}`` roles.

    The results go into the cell's ``user_expressions`` metadata, in jupyterlab-myst's format,
    evaluated where the cell stands (after the code cells above it), as myst-nb's inline
    execution does on the site. JupyterLab then shows the numbers before anything is run.
    """

    async def hook(cell, cell_index):
        if cell.cell_type != "markdown":
            return
        expressions = eval_expressions(cell.source)
        if not expressions:
            cell.metadata.pop("user_expressions", None)
            return
        msg_id = client.kc.execute("", silent=True, store_history=False,
                                   user_expressions={e: e for e in expressions})
        reply = await client.async_wait_for_reply(msg_id)
        results = reply["content"]["user_expressions"]
        stored = []
        for expr in expressions:
            result = dict(results[expr])
            if result.get("status") != "ok":
                raise ExpressionError(f"{path.name}, cell {cell_index}: {{eval}}`{expr}` failed: "
                                      f"{result.get('ename')}: {result.get('evalue')}")
            stored.append({"expression": expr, "result": result})
        cell.metadata["user_expressions"] = stored

    return hook


def _kernel_poll():
    """tools/kernel_poll.py (the per-cell limit and the fix for missed kernel replies, issue 24)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kernel_poll", Path(__file__).resolve().parent / "kernel_poll.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute(paths: list[Path], timeout: int | None = None) -> None:
    """Execute notebooks in place (working directory: the notebook's folder).

    Stores outputs, widget state, and the results of the markdown cells' ``{eval}`` roles. A cell may
    run ``timeout`` seconds (default: ``nb_execution_timeout`` of ``_config.yml``, as on the site);
    past that nbclient raises ``CellTimeoutError``. Replies are polled in short slices
    (tools/kernel_poll.py), so a missed wake-up cannot stall a cell until its timeout.
    """
    from nbclient import NotebookClient

    kernel_poll = _kernel_poll()
    kernel_poll.install()
    timeout = kernel_poll.cell_timeout() if timeout is None else timeout
    for path in paths:
        path = Path(path).resolve()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}},
                                store_widget_state=True, allow_errors=False)
        client.on_cell_start = _store_user_expressions(client, path)
        client.execute()
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# ----------------------------------------------------------------------------
# Portable MyST: markdown that reads the same on the site, in JupyterLab and on Colab
# ----------------------------------------------------------------------------
# jupyterlab-myst parses each markdown cell with mystmd's parser. It renders admonitions, math,
# ``$$ … $$ (label)`` equation numbers, ``{eq}`` references to an equation of the same notebook and
# ``{eval}`` from the stored ``user_expressions``. It cannot read references.bib (a ``{cite:t}`` shows
# its bare key) and its ``{doc}`` role links to a path without a suffix (shown as the path).
# ``portable-myst`` rewrites those constructs into plain markdown links that Sphinx resolves too.
ADMONITIONS = ("admonition", "attention", "caution", "danger", "error", "hint", "important", "note",
               "seealso", "tip", "warning")
# Directives jupyterlab-myst renders as the site does, besides admonitions: dropdowns (the options of the
# self-check questions, tools/sphinx_selfcheck.py; sphinx-design on the site, a <details> in JupyterLab).
PORTABLE_DIRECTIVES = (*ADMONITIONS, "dropdown")
CITE_ROLE = re.compile(r"\{cite(?::(?P<kind>[tp]))?\}`(?P<keys>[^`]+)`")
DOC_ROLE = re.compile(r"\{doc\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`<>]+))`")
ANY_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:+-]*)\}`(?P<body>[^`]*)`")
DIRECTIVE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w:+-]+)\}(?P<rest>.*)$", re.MULTILINE)
EQ_LABEL = re.compile(r"\$\$\s*\((?P<label>[^)\s]+)\)")
NUMREF_ROLE = re.compile(r"\{numref\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`<>]+))`")
# A figure reference the converter wrote before: its number is recomputed on every run.
FIGURE_LINK = re.compile(r"\[(?P<pre>[^\]\[]*?)(?P<num>\d+(?:\.\d+)*)(?P<post>[^\]\[]*)\]\(#(?P<label>[\w-]+)\)")
# Roles that jupyterlab-myst renders as the site does (``eq`` only within the same notebook).
PORTABLE_ROLES = {"eq", "eval", "math", "sub", "sup", "abbr"}
BIBLIOGRAPHY = "bibliography.md"
CITE_ANCHOR = "cite-{key}"  # the site's ids (tools/sphinx_citelinks.py sets bibtex_cite_id to this)


def cite_anchor(key: str) -> str:
    """The id the site gives a bibliography entry: docutils normalises ids (``cs231n_nn2`` -> ``cite-cs231n-nn2``)."""
    from docutils.nodes import make_id

    return make_id(CITE_ANCHOR.format(key=key))


def book_root(path: Path) -> Path:
    """The book a notebook belongs to: the nearest folder above it with a _toc.yml (else the project)."""
    for parent in Path(path).resolve().parents:
        if (parent / "_toc.yml").exists():
            return parent
    return ROOT


def _plain(text: str) -> str:
    return re.sub(r"[{}]", "", text).strip()


def citation_labels(bib: Path) -> dict[str, tuple[str, str, str]]:
    """``key -> (authors, year, title)`` for every entry of a BibTeX file, as author-year labels show them.

    One author: "Fukushima"; two: "Nair and Hinton"; three or more: "Glorot et al.". No year: "n.d.".
    """
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(bib)).entries.items():
        labels[key] = (entry_authors(entry), _plain(entry.fields.get("year", "n.d.")),
                       _plain(entry.fields.get("title", "")))
    return labels


def entry_authors(entry) -> str:
    """The authors of a pybtex entry as a label names them: "Fukushima", "Nair and Hinton", "Glorot et al."

    The site's bibliography labels (tools/sphinx_citelinks.py) use the same function.
    """
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not last:
        return _plain(entry.fields.get("organization", entry.fields.get("title", entry.key)))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


class PortabilityError(ValueError):
    """A construct the converter cannot rewrite (an unknown citation key or document)."""


def _relative(target: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(target, start)).as_posix()


def _document_title(path: Path) -> str:
    if path.suffix == ".ipynb":
        texts = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]
    else:
        texts = [path.read_text()]
    for text in texts:
        m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
        if m:
            return m.group(1)
    raise PortabilityError(f"{path}: no '# title' heading to name a link to it")


def _cite_link(key: str, text: str, labels: dict, href: str) -> str:
    title = labels[key][2].replace('"', "'")
    anchor = cite_anchor(key)
    return f'[{text}]({href}#{anchor} "{title}")' if title else f"[{text}]({href}#{anchor})"


def _citation(match: re.Match, labels: dict, href: str, where: str) -> str:
    keys = [k.strip() for k in match.group("keys").split(",") if k.strip()]
    unknown = [k for k in keys if k not in labels]
    if unknown:
        raise PortabilityError(f"{where}: citation key(s) {unknown} are not in the bibliography")
    if match.group("kind") == "t":  # Glorot et al. (2011)
        parts = [_cite_link(k, f"{labels[k][0]} ({labels[k][1]})", labels, href) for k in keys]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    parts = [_cite_link(k, f"{labels[k][0]}, {labels[k][1]}", labels, href) for k in keys]  # (Glorot et al., 2011)
    return "(" + "; ".join(parts) + ")"


def _doc_link(match: re.Match, here: Path, book: Path, where: str) -> str:
    target = (match.group("target") or match.group("bare")).strip()
    base = book / target.lstrip("/") if target.startswith("/") else here / target
    found = [base.with_name(base.name + s) for s in ("", ".ipynb", ".md") if base.with_name(base.name + s).is_file()]
    if not found:
        raise PortabilityError(f"{where}: {{doc}} target {target!r} is no notebook or page of the book")
    text = (match.group("text") or "").strip() or _document_title(found[0])
    return f"[{text}]({_relative(found[0], here)})"


def _admonitions_as_colon_fences(source: str) -> str:
    """Backtick-fenced admonitions become colon fences (Colab then renders their body as markdown)."""
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = re.match(r"^(?P<indent> {0,3})(?P<fence>`{3,})\s*\{(?P<name>[\w-]+)\}(?P<rest>.*)$", lines[i])
        if not m or m.group("name") not in ADMONITIONS:
            out.append(lines[i])
            i += 1
            continue
        n = len(m.group("fence"))
        close = re.compile(rf"^ {{0,3}}`{{{n},}}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = lines[i + 1:j]
        inner = [len(x.group(1)) for x in (re.match(r"^ {0,3}(:{3,})", b) for b in body) if x]
        colons = ":" * max([3] + [k + 1 for k in inner])
        out.append(f"{m.group('indent')}{colons}{{{m.group('name')}}}{m.group('rest')}")
        out.extend(body)
        out.append(f"{m.group('indent')}{colons}")
        i = j + 1
    return "\n".join(out)


def _chapter_number(path: Path, book: Path) -> int | None:
    """The chapter's number on the site: its place in a ``numbered: true`` part of _toc.yml."""
    toc = yaml.safe_load((book / "_toc.yml").read_text()) or {}
    doc = Path(path).resolve().relative_to(book).with_suffix("").as_posix()
    for part in toc.get("parts", []):
        if part.get("numbered"):
            files = [c.get("file") for c in part.get("chapters", [])]
            if doc in files:
                return files.index(doc) + 1
    return None


def figure_numbers(nb: nbformat.NotebookNode, path: Path) -> dict[str, str]:
    """``name -> "1.3"``: the number the site gives each named figure of a chapter notebook.

    Sphinx numbers a numbered chapter's captioned figures N.1, N.2, … in page order. The book's figures
    are code cells whose ``mystnb: figure:`` metadata has a caption (``name`` is the reference label).
    A notebook outside the numbered part (exercises, solutions) gets ``"@<cell index>"`` instead: its
    ``{numref}`` becomes "the figure above" or "the figure below".
    """
    chapter = _chapter_number(path, book_root(path))
    numbers, k = {}, 0
    for index, cell in enumerate(nb.cells):
        figure = (cell.metadata.get("mystnb") or {}).get("figure") or {}
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not figure.get("caption") or "remove-output" in tags or "remove-cell" in tags:
            continue
        k += 1
        if figure.get("name"):  # outside the numbered chapters: where it is ("@<cell index>")
            numbers[figure["name"]] = f"{chapter}.{k}" if chapter is not None else f"@{index}"
    return numbers


def _figure_reference(match: re.Match, numbers: dict, where: str, cell_index: int | None = None) -> str:
    label = (match.group("target") or match.group("bare")).strip()
    if label not in numbers:
        raise PortabilityError(f"{where}: {{numref}} to {label!r}, which is no numbered figure of this notebook")
    if numbers[label].startswith("@"):
        above = cell_index is None or int(numbers[label][1:]) < cell_index
        return f"[the figure {'above' if above else 'below'}](#{label})"
    text = (match.group("text") or "").strip() or "Fig. %s"
    text = text.replace("{number}", "%s")
    if "%s" not in text:
        raise PortabilityError(f"{where}: {{numref}} text {text!r} has no %s or {{number}} for the number")
    return f"[{text.replace('%s', numbers[label])}](#{label})"


def _renumber(match: re.Match, numbers: dict) -> str:
    label = match.group("label")
    if label not in numbers or numbers[label].startswith("@"):
        return match.group(0)
    return f"[{match.group('pre')}{numbers[label]}{match.group('post')}](#{label})"


def portable_markdown(source: str, path: Path, labels: dict | None = None, where: str = "",
                      figures: dict[str, str] | None = None, cell_index: int | None = None) -> str:
    """One markdown cell's source with every construct jupyterlab-myst cannot render rewritten.

    - ``{cite:t}`k` `` -> ``[Glorot et al. (2011)](../bibliography.md#cite-k "title")``;
      ``{cite:p}`a,b` `` -> ``([A et al., 2011](…#cite-a "…"); [B, 2015](…#cite-b "…"))``;
    - ``{doc}`text <target>` `` -> ``[text](target.ipynb)`` (without text: the target's first heading);
    - ``{numref}`fig-x` `` -> ``[Fig. 1.3](#fig-x)``, the number the site gives that figure
      (``figures``, from :func:`figure_numbers`); links written so before are renumbered;
    - a backtick-fenced admonition -> the same admonition between colon fences.

    Everything else is left as it is; running it again changes nothing.
    """
    path = Path(path).resolve()
    book, here = book_root(path), path.parent
    where = where or path.name
    bib_href = _relative(book / BIBLIOGRAPHY, here)
    if CITE_ROLE.search(source):
        labels = labels if labels is not None else citation_labels(book / "references.bib")
        source = CITE_ROLE.sub(lambda m: _citation(m, labels, bib_href, where), source)
    source = DOC_ROLE.sub(lambda m: _doc_link(m, here, book, where), source)
    if figures is None and (NUMREF_ROLE.search(source) or FIGURE_LINK.search(source)):
        figures = figure_numbers(nbformat.read(path, as_version=4), path) if path.exists() else {}
    if figures:
        source = FIGURE_LINK.sub(lambda m: _renumber(m, figures), source)
    source = NUMREF_ROLE.sub(lambda m: _figure_reference(m, figures or {}, where, cell_index), source)
    return _admonitions_as_colon_fences(source)


def portability_problems(nb: nbformat.NotebookNode, name: str = "") -> list[str]:
    """What in a notebook's markdown jupyterlab-myst would not render as the site does."""
    labels = {m.group("label") for c in nb.cells if c.cell_type == "markdown" for m in EQ_LABEL.finditer(c.source)}
    problems = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in ANY_ROLE.finditer(cell.source):
            if m.group("name") not in PORTABLE_ROLES:
                problems.append(f"{name} cell {k}: role {m.group(0)}")
            elif m.group("name") == "eq" and m.group("body").strip() not in labels:
                problems.append(f"{name} cell {k}: {m.group(0)} names no equation of this notebook")
        for m in DIRECTIVE.finditer(cell.source):
            if m.group("fence").startswith("`") or m.group("name") not in PORTABLE_DIRECTIVES:
                problems.append(f"{name} cell {k}: directive {m.group(0).strip()}")
    return problems


def make_portable(paths: list[Path]) -> list[Path]:
    """Rewrite the markdown cells of notebooks in place (outputs and code untouched); return those changed."""
    changed = []
    label_cache: dict[Path, dict] = {}
    for path in paths:
        path = Path(path).resolve()
        nb = nbformat.read(path, as_version=4)
        book = book_root(path)
        if book not in label_cache:
            bib = book / "references.bib"
            label_cache[book] = citation_labels(bib) if bib.exists() else {}
        dirty = False
        figures = figure_numbers(nb, path)
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            new = portable_markdown(cell.source, path, label_cache[book], f"{path.name} cell {k}", figures, k)
            if new != cell.source:
                cell.source, dirty = new, True
        if dirty:
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("exercises", help="generate exercises/ from solutions/")
    ex.add_argument("--no-run", action="store_true", help="do not execute the generated notebooks")
    ex.add_argument("solutions", nargs="*", type=Path, help="only these solution notebooks")
    sub.add_parser("setup-cell", help="write the Colab setup cell into every notebook")
    run = sub.add_parser("execute", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    port = sub.add_parser("portable-myst", help="rewrite markdown that jupyterlab-myst cannot render")
    port.add_argument("--check", action="store_true", help="change nothing; list what is not portable, exit 1 if any")
    port.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every notebook of the book)")
    args = parser.parse_args(argv)
    if args.cmd == "portable-myst":
        paths = args.paths or all_notebooks()
        if args.check:
            problems = [p for path in paths for p in
                        portability_problems(nbformat.read(path, as_version=4), Path(path).name)]
            print("\n".join(problems) or f"{len(paths)} notebooks: portable")
            return 1 if problems else 0
        failed = []
        for path in paths:  # one notebook's problem does not stop the others
            try:
                for done in make_portable([path]):
                    print(f"converted {_relative(done, Path.cwd())}")
            except PortabilityError as exc:
                failed.append(str(exc))
        if failed:
            print("not converted:\n" + "\n".join(failed), file=sys.stderr)
        return 1 if failed else 0
    if args.cmd == "exercises":
        generate_exercises(run=not args.no_run, only=args.solutions)
    elif args.cmd == "setup-cell":
        for path in all_notebooks():
            nb = nbformat.read(path, as_version=4)
            if ensure_setup_cell(nb) | ensure_caption_cells(nb):
                nbformat.write(nb, path)
                print(f"updated {path.relative_to(ROOT)}")
    else:
        execute(args.paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
