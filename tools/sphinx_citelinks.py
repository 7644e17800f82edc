"""Citations written as plain markdown links, resolved by Sphinx like any cross-reference.

The notebooks cite as ``[Glorot et al. (2011)](../bibliography.md#cite-glorot2011 "title")``
(``tools/nb.py portable-myst`` writes that form from ``{cite:t}``/``{cite:p}``), because
jupyterlab-myst cannot read ``references.bib``. This extension makes the site honour those links:

- every bibliography entry gets the id ``cite-<key>`` (sphinxcontrib-bibtex's ``bibtex_cite_id``);
- those ids are registered as link targets of the bibliography page, so MyST resolves
  ``bibliography.md#cite-<key>`` to the entry and still warns (``-n``) about a key with no entry.
"""

from __future__ import annotations

import re
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


def setup(app):
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("doctree-read", _doctree_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
