"""The glossary's links (issue 28): every chapter links a term to glossary.md where it first uses it.

``glossary.md`` defines the book's terms (Sphinx's ``glossary`` directive). :data:`FORMS` says how
each term is written in the prose. In each chapter notebook, the first use of a term in the prose
(outside headings, math, code, links and directive lines) must be a link
``[dead units](../glossary.md#term-dead-unit)``, which reads the same on the site and in JupyterLab.

Usage (from the project root, inside the venv)::

    python tools/glossary.py check        # list every term whose first use is not linked (exit 1)
    python tools/glossary.py link         # write those links into the chapter notebooks

Loaded by Sphinx too (``sphinx.local_extensions`` in _config.yml): it registers the glossary's
``term-…`` anchors as link targets of ``glossary.md``, so MyST resolves the links and ``-n`` still
flags a link to a term that does not exist.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils.nodes import make_id

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossary.md"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

# How each term appears in the prose (a regex, matched as whole words; case-insensitive unless the
# term is an acronym, written in capitals).
FORMS = {
    "activation function": r"activation functions?",
    "activation region": r"activation regions?",
    "Adam": r"Adam",
    "affine map": r"affine (?:maps?|functions?)",
    "almost everywhere": r"almost everywhere",
    "backpropagation": r"backpropagation",
    "batch normalisation": r"batch normali[sz]ation",
    "born dead": r"born dead",
    "chain rule": r"chain rule",
    "condition number": r"condition numbers?",
    "continuously differentiable": r"continuously differentiable",
    "convex function": r"convex(?: functions?)?",
    "dead unit": r"dead units?",
    "diverged run": r"diverged runs?",
    "dormant unit": r"dormant(?: units?)?",
    "eigenvalue": r"eigenvalues?",
    "ELU": r"ELU",
    "exploding gradient": r"exploding gradients?",
    "float16": r"float16",
    "GELU": r"GELU",
    "Glorot initialisation": r"Glorot(?:'s)? (?:initiali[sz]ation|variance|weights)",
    "hard-swish": r"hard-swish",
    "He initialisation": r"He(?:'s)? initiali[sz]ation",
    "held-out seed": r"held-out seeds?",
    "hinge": r"hinges?",
    "Leaky ReLU": r"Leaky ReLU",
    "learning rate": r"learning rates?",
    "LeCun initialisation": r"LeCun(?:'s)? (?:initiali[sz]ation|variance|weights)",
    "Lipschitz": r"(?:1-)?Lipschitz",
    "loss of plasticity": r"loss of plasticity",
    "Maxout": r"Maxout",
    "mean square": r"mean squares?",
    "Mish": r"Mish",
    "OpenBLAS kernel": r"OpenBLAS kernels?",
    "piecewise linear": r"piecewise[- ]linear",
    "pre-activation": r"pre-activations?",
    "PReLU": r"PReLU",
    "ReDo": r"ReDo",
    "registered claim": r"registered claims?",
    "residual connection": r"residual connections?",
    "SELU": r"SELU",
    "SiLU": r"SiLU",
    "softplus": r"softplus",
    "sparsity": r"sparsity",
    "subgradient": r"subgradients?",
    "ulp": r"ulps?",
    "vanishing gradient": r"vanishing gradients?",
    "Wilson interval": r"Wilson intervals?",
}

# What is not prose in a markdown line (masked before terms are looked for; order matters).
NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$"),
    re.compile(r"\{[\w:-]+\}`[^`]*`"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"!?\[[^\]]*\]\([^)]*\)"),
    re.compile(r"<[^>\n]+>"),
    re.compile(r"https?://\S+"),
]
SKIP_LINE = re.compile(r"^\s*(?:#|:{3,}|`{3,}|~{3,}|:[\w-]+:|\|)")


def glossary_terms(path: Path = GLOSSARY) -> list[str]:
    """The terms ``glossary.md`` defines (the unindented lines inside its glossary directive)."""
    text = path.read_text(encoding="utf-8")
    body = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    if body is None:
        raise ValueError(f"{path}: no {{glossary}} directive")
    return [line.strip() for line in body.group(1).splitlines() if line.strip() and not line.startswith(" ")]


def anchor(term: str) -> str:
    """The id Sphinx gives a glossary term (``term-dead-unit``)."""
    return make_id(f"term-{term}")


def _pattern(term: str) -> re.Pattern:
    form = FORMS[term]
    flags = 0 if term.isupper() or term in {"Adam", "Mish", "Maxout", "ReDo", "PReLU", "SiLU"} else re.I
    return re.compile(rf"(?<![\w-]){form}(?![\w-])", flags)


def _masked(text: str) -> str:
    """``text`` with everything that is not prose blanked out, line breaks kept (a link's text or a
    formula may run over several lines)."""
    for pattern in NOT_PROSE:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def _prose_lines(source: str):
    """(line index, masked line) of a markdown cell's prose lines, outside code and math blocks."""
    fence = None
    math = False
    masked = _masked(source).split("\n")
    for i, line in enumerate(source.split("\n")):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if re.match(r"^(`{3,}|~{3,})", stripped) and "{" not in stripped:
            fence = stripped[:3]
            continue
        if stripped.startswith("$$"):
            if not (stripped.endswith("$$") and len(stripped) > 2):
                math = not math
            continue
        if math or SKIP_LINE.match(line):
            continue
        yield i, masked[i]


def _link_href(nb_path: Path) -> str:
    depth = len(nb_path.resolve().relative_to(ROOT).parts) - 1
    return "../" * depth + "glossary.md"


def first_uses(nb: dict, terms: list[str]) -> dict[str, tuple[int, int, re.Match, str]]:
    """term -> (cell index, line index, match, line) of its first use in the notebook's prose."""
    found: dict = {}
    linked_text = re.compile(r"\[([^\]]*)\]\([^)]*glossary\.md#(term-[\w-]+)\)")
    for c, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown" or "figure-caption" in cell.get("metadata", {}).get("tags", []):
            continue  # a figure's caption cell is a copy of its metadata (tools/nb.py setup-cell)
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        raw_lines = source.split("\n")
        for i, masked in _prose_lines(source):
            raw = raw_lines[i]
            # a glossary link counts as a use of its term, at its place in the text
            for link in linked_text.finditer(raw):
                for term in terms:
                    if term not in found and anchor(term) == link.group(2):
                        found[term] = (c, i, link, "linked")
            for term in terms:
                if term in found:
                    continue
                m = _pattern(term).search(masked)
                if m:
                    found[term] = (c, i, m, "plain")
    return found


def unlinked(nb: dict, terms: list[str]) -> list[str]:
    """The terms whose first use in the notebook is not a glossary link."""
    return [t for t, (_, _, _, kind) in first_uses(nb, terms).items() if kind == "plain"]


def link_notebook(path: Path, terms: list[str]) -> int:
    """Write a glossary link at each term's first use; returns how many were added."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    added = 0
    for _ in range(len(terms)):  # one link at a time: a link changes the positions after it
        uses = first_uses(nb, terms)
        todo = [(t, u) for t, u in uses.items() if u[3] == "plain"]
        if not todo:
            break
        term, (c, i, m, _) = todo[0]
        cell = nb.cells[c]
        lines = cell.source.split("\n")
        line = lines[i]
        text = line[m.start():m.end()]
        lines[i] = f"{line[:m.start()]}[{text}]({_link_href(path)}#{anchor(term)}){line[m.end():]}"
        cell.source = "\n".join(lines)
        added += 1
    if added:
        nbformat.write(nb, path)
    return added


def main(argv: list[str]) -> int:
    terms = glossary_terms()
    missing = sorted(set(terms) ^ set(FORMS))
    if missing:
        print(f"glossary.md and FORMS disagree on: {missing}")
        return 1
    import nbformat

    if argv[1:] == ["link"]:
        for path in CHAPTERS:
            print(f"{path.relative_to(ROOT)}: {link_notebook(path, terms)} links added")
        return 0
    bad = 0
    for path in CHAPTERS:
        for term in unlinked(nbformat.read(path, as_version=4), terms):
            print(f"{path.relative_to(ROOT)}: first use of {term!r} is not linked to the glossary")
            bad += 1
    return 1 if bad else 0


# ------------------------------------------------------------------ Sphinx: the terms' anchors
def _doctree_read(app, doctree) -> None:
    if app.env.docname != "glossary":
        return
    from docutils import nodes

    # Sphinx keeps a term's case in its id (``term-GELU``); the chapters link the lower-case
    # ``term-gelu`` (make_id), which reads the same in JupyterLab. Each term gets both ids.
    for term in doctree.findall(nodes.term):
        for node_id in list(term["ids"]):
            if node_id.startswith("term-") and make_id(node_id) not in term["ids"]:
                term["ids"].append(make_id(node_id))
    slugs = app.env.metadata[app.env.docname].setdefault("myst_slugs", {})
    for term in glossary_terms(Path(app.srcdir) / "glossary.md"):
        slugs.setdefault(anchor(term), (0, anchor(term), term))


def setup(app) -> dict:
    app.connect("doctree-read", _doctree_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


if __name__ == "__main__":
    sys.exit(main(sys.argv))
