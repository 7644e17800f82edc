"""Citations written as plain markdown links, resolved by Sphinx like any cross-reference.

The notebooks cite as ``[Glorot et al. (2011)](../bibliography.md#cite-glorot2011 "title")``
(``tools/nb.py portable-myst`` writes that form from ``{cite:t}``/``{cite:p}``), because
jupyterlab-myst cannot read ``references.bib``. This extension makes the site honour those links:

- every bibliography entry gets the id ``cite-<key>`` (sphinxcontrib-bibtex's ``bibtex_cite_id``);
- those ids are registered as link targets of the bibliography page, so MyST resolves
  ``bibliography.md#cite-<key>`` to the entry and still warns (``-n``) about a key with no entry.

The bibliography reads as the text cites (issue 29, point 20):

- the pybtex style ``authoryear`` (registered here; ``bibliography.md`` asks for it) labels each
  entry as the chapters cite it, "Glorot et al., 2011", and sorts the list by author and year;
- every citation link in the book gets an anchor (``citeref-<key>-<n>``), and each entry of the
  bibliography ends with "Cited in:" and a back-link to every place that cites it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils.nodes import make_id

CITE_ID = "cite-{key}"
BIBLIOGRAPHY_DOC = "bibliography"
ENTRY = re.compile(r"^\s*@\s*(?!comment|string|preamble)\w+\s*[{(]\s*([^,\s]+)\s*,", re.IGNORECASE | re.MULTILINE)


def bib_keys(paths: list[Path]) -> list[str]:
    """The entry keys of BibTeX files, in file order."""
    return [key for path in paths for key in ENTRY.findall(Path(path).read_text(encoding="utf-8"))]


def _config_inited(app, config) -> None:
    config.bibtex_cite_id = CITE_ID


def _doctree_read(app, doctree) -> None:
    env = app.env
    if env.docname != BIBLIOGRAPHY_DOC:
        return
    srcdir = Path(app.srcdir)
    keys = bib_keys([srcdir / f for f in app.config.bibtex_bibfiles])
    slugs = env.metadata[env.docname].setdefault("myst_slugs", {})
    for key in keys:
        anchor = make_id(CITE_ID.format(key=key))  # the id docutils writes (underscores become hyphens)
        slugs.setdefault(anchor, (0, anchor, key))


# ---------------------------------------------------------------- author-year labels
def author_year_label(entry) -> str:
    """"Glorot et al., 2011", "Glorot and Bengio, 2010", "Nair and Hinton, 2010": as the chapters cite."""
    return f"{_nb_tools().entry_authors(entry)}, {entry.fields.get('year', 'n.d.')}"


def _nb_tools():
    """tools/nb.py, which writes the notebooks' citation links with the same author names."""
    import importlib.util

    if "relubook_nb_tools" not in sys.modules:
        spec = importlib.util.spec_from_file_location("relubook_nb_tools", Path(__file__).with_name("nb.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["relubook_nb_tools"] = module
        spec.loader.exec_module(module)
    return sys.modules["relubook_nb_tools"]


def _register_pybtex_styles() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting import BaseSortingStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = [author_year_label(e) for e in sorted_entries]
            seen: dict[str, int] = {}
            for label in labels:  # two papers of the same authors and year: 2011a, 2011b
                if labels.count(label) > 1:
                    seen[label] = seen.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
                else:
                    yield label

    class AuthorYearSorting(BaseSortingStyle):
        def sorting_key(self, entry):
            return (author_year_label(entry).lower(), entry.fields.get("title", "").lower())

    class AuthorYearStyle(PlainStyle):
        default_label_style = "authoryear"
        default_sorting_style = "authoryear"

    for kind, plugin in (("labels", AuthorYearLabels), ("sorting", AuthorYearSorting), ("formatting", AuthorYearStyle)):
        try:
            register_plugin(f"pybtex.style.{kind}", "authoryear", plugin)
        except Exception:  # noqa: BLE001 - already registered (a second build in one process)
            pass


# ---------------------------------------------------------------- back-links
CITE_HREF = re.compile(r"bibliography(?:\.md|\.html)?#cite-([A-Za-z0-9_-]+)")


def _cited_key(node) -> str | None:
    for attr in ("refuri", "reftarget", "refid", "reftargetid"):
        value = node.get(attr) if hasattr(node, "get") else None
        if isinstance(value, str):
            m = CITE_HREF.search(value) or (re.fullmatch(r"cite-([A-Za-z0-9_-]+)", value) if attr != "refuri" else None)
            if m:
                return m.group(1)
    return None


def _collect_citations(app, doctree) -> None:
    """Give every citation link of the document an anchor, and remember it for the back-links."""
    from docutils import nodes
    from sphinx import addnodes

    env = app.env
    if env.docname == BIBLIOGRAPHY_DOC:
        return
    store = env.__dict__.setdefault("relubook_citations", {})
    found = []
    for node in list(doctree.findall(lambda n: isinstance(n, (addnodes.pending_xref, nodes.reference)))):
        key = _cited_key(node)
        if key is None:
            continue
        anchor = f"citeref-{make_id(key)}-{len(found) + 1}"
        wrapper = nodes.inline(ids=[anchor], classes=["relubook-citeref"])
        node.replace_self(wrapper)
        wrapper += node
        found.append((key, anchor))
    store[env.docname] = found


def _purge(app, env, docname) -> None:
    env.__dict__.setdefault("relubook_citations", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    mine = env.__dict__.setdefault("relubook_citations", {})
    theirs = other.__dict__.get("relubook_citations", {})
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def citing_places(env) -> dict[str, list[tuple[str, str]]]:
    """key -> [(docname, anchor), ...] in the order of the table of contents."""
    order = {name: i for i, name in enumerate(_toc_order(env))}
    out: dict[str, list[tuple[str, str]]] = {}
    store = env.__dict__.get("relubook_citations", {})
    for docname in sorted(store, key=lambda d: (order.get(d, len(order)), d)):
        for key, anchor in store[docname]:
            out.setdefault(key, []).append((docname, anchor))
    return out


def _toc_order(env) -> list[str]:
    seen: list[str] = []

    def walk(doc):
        if doc in seen:
            return
        seen.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return seen


def _add_backlinks(app, doctree, docname) -> None:
    if docname != BIBLIOGRAPHY_DOC:
        return
    from docutils import nodes

    places = citing_places(app.env)
    for citation in doctree.findall(nodes.citation):
        ids = [i for i in citation.get("ids", []) if i.startswith("cite-")]
        if not ids:
            continue
        key = next((k for k in places if make_id(CITE_ID.format(key=k)) == ids[0]), None)
        where = places.get(key, []) if key else []
        para = nodes.paragraph(classes=["relubook-cited-in"])
        if not where:
            para += nodes.Text("Not cited in the text (listed for further reading).")
        else:
            para += nodes.Text("Cited in: ")
            by_doc: dict[str, list[str]] = {}
            for doc, anchor in where:
                by_doc.setdefault(doc, []).append(anchor)
            for n, (doc, anchors) in enumerate(by_doc.items()):
                if n:
                    para += nodes.Text("; ")
                title = app.env.titles.get(doc)
                para += nodes.Text(f"{title.astext() if title is not None else doc} ")
                for m, anchor in enumerate(anchors):
                    uri = app.builder.get_relative_uri(docname, doc) + "#" + anchor
                    label = "\u2191" if len(anchors) == 1 else f"\u2191{m + 1}"
                    ref = nodes.reference("", label, refuri=uri, classes=["relubook-backlink"])
                    ref["reftitle"] = f"back to the citation in {title.astext() if title is not None else doc}"
                    para += ref
                    if m + 1 < len(anchors):
                        para += nodes.Text(" ")
        citation += para


def setup(app):
    _register_pybtex_styles()
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("doctree-read", _doctree_read)
    app.connect("doctree-read", _collect_citations)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _add_backlinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
