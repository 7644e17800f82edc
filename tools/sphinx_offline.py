"""A small Sphinx extension for the offline site (issue 8).

1. No inline script twice on a page.

Sphinx 7.4 copies every script an extension registered after the builder started into each page
a second time, with ``''`` instead of ``None`` as its file name (``prepare_writing``), so two
copies of the same inline ``<script>`` body end up on every page. For sphinx-thebe's
``const THEBE_JS_URL = ...`` the second copy is a console error on every page
("Identifier 'THEBE_JS_URL' has already been declared"); sphinx-togglebutton's selector is
declared twice too. This drops the repeated inline scripts before the page is written.

2. A bibliography screen readers can read: docutils writes the citations as
``<div role="list">`` holding ``role="doc-biblioentry"`` items, which is not a valid list
(axe-core: aria-required-children, critical); each entry becomes a ``listitem``.

3. No source maps shipped. The theme copies ``*.js.map``/``*.css.map`` into ``_static/``; they are
removed when the build finishes, with the ``sourceMappingURL`` comments that point at them.

4. Precomputed widget frames (issue 16). While ``make book`` executes the notebooks, relubook's
``live()`` writes each widget's frames into ``$RELUBOOK_FRAMES_DIR/<id>/``
(relubook/widgets/frames.py); when the build finishes, the folders that the built pages name
(``relubook-frames-id-<id>`` in their widget state) are copied into ``_static/frames/``, where
the book's widget manager fetches them. Folders of widgets no page shows any more are left out.

5. Exercise pages whose tasks call a Python checker (``checks.…``) say so at the top, under the
launch buttons: the widgets work on the page, the checkers need a kernel.

6. The book's page glue on every page (issue 29): ``browser/site/relubook-site.js`` (the
chapter-list and contents buttons, which the theme leaves unwired; close buttons in their dialogs)
and ``relubook-site.css`` (code that wraps instead of scrolling sideways, the back-to-top button,
print styles). The folder is added to the static path, so both land in ``_static/``.

7. Lighter figures (issue 29's 4 MB first visit): when the build finishes, every PNG figure in
``_images/`` is stored with a 256-colour palette (no dithering) if that makes it smaller. A
matplotlib figure has a handful of colours plus their anti-aliased edges: the palette keeps the
lines and fills (a pixel moves by at most a few levels per channel) at about a quarter of the
bytes. The notebooks keep their full-colour outputs.

Loaded from _config.yml (``sphinx.local_extensions``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

logger = None  # sphinx.util.logging, set in setup()

SOURCE_MAP_COMMENT = re.compile(rb"\n?(//# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ \*/)\s*$")


def drop_repeated_inline_scripts(app: Any, pagename: str, templatename: str, context: dict,
                                 doctree: Any) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple] = set()
    kept = []
    for js in scripts:
        filename = getattr(js, "filename", js)
        attributes = getattr(js, "attributes", {})
        if not filename and "body" in attributes:  # an inline script: same body, same script
            key = (attributes.get("body"), tuple(sorted((k, str(v)) for k, v in attributes.items())))
            if key in seen:
                continue
            seen.add(key)
        kept.append(js)
    scripts[:] = kept  # in place: the builder restores its own list after the page is written


def fix_citation_list_roles(app: Any, pagename: str, templatename: str, context: dict,
                            doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def drop_source_maps(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for source_map in static.rglob("*.map"):
        source_map.unlink()
    for asset in [*static.rglob("*.js"), *static.rglob("*.css")]:
        data = asset.read_bytes()
        stripped = SOURCE_MAP_COMMENT.sub(b"\n", data)
        if stripped != data:
            asset.write_bytes(stripped)


FRAMES_ENV = "RELUBOOK_FRAMES_DIR"
FRAME_ID = re.compile(r"relubook-frames-id-([A-Za-z0-9_.-]+?)(?=[\"' ])")


def frame_ids(outdir: Path) -> set[str]:
    """The frame folders the built pages name."""
    ids: set[str] = set()
    for page in outdir.rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        text = page.read_text(errors="replace")
        if "relubook-frames-id-" in text:
            ids.update(FRAME_ID.findall(text))
    return ids


def copy_frames(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = os.environ.get(FRAMES_ENV, "").strip()
    outdir = Path(app.outdir)
    target = outdir / "_static" / "frames"
    ids = frame_ids(outdir)
    if target.exists():
        shutil.rmtree(target)
    if not ids:
        return
    if not source:
        logger.warning("pages show precomputed widgets but %s is not set: no frames copied", FRAMES_ENV)
        return
    for frame_id in sorted(ids):
        folder = Path(source) / frame_id
        if not (folder / "manifest.json").is_file():
            logger.warning("widget frames %s are missing from %s", frame_id, source)
            continue
        shutil.copytree(folder, target / frame_id)


def palette_png(path: Path) -> bool:
    """Store the PNG at ``path`` with a 256-colour palette if that is smaller; True if it was rewritten."""
    import io

    from PIL import Image

    with Image.open(path) as image:
        if image.mode == "P":  # already a palette image (an earlier build)
            return False
        rgba = image.convert("RGBA")
        info = {k: v for k, v in image.info.items() if k in ("dpi",)}
    quantized = rgba.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    quantized.save(buffer, "PNG", optimize=True, **info)
    if buffer.tell() >= path.stat().st_size:
        return False
    path.write_bytes(buffer.getvalue())
    return True


def palette_figures(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for png in sorted((Path(app.outdir) / "_images").glob("*.png")):
        palette_png(png)


CHECKER_CALL = re.compile(r"\bchecks\.[A-Za-z_]+\(")
CHECKER_NOTE = (
    "The widgets on this page work here, in the browser. The tasks that end with a checker call "
    "(``checks.…``) run Python: press \"Make this page live\" to write and check your answers here, "
    "with Python running in your browser (no server, no network), or open the page in JupyterLab, "
    "Binder or Colab from the rocket icon in the toolbar at the top of the page."
)


def note_checker_exercises(app: Any, doctree: Any, docname: str) -> None:
    """Exercise pages that call a checker say at the top how to run it (live page, or a kernel elsewhere)."""
    if not docname.startswith("exercises/"):
        return
    from docutils import nodes

    if not any(CHECKER_CALL.search(block.astext()) for block in doctree.findall(nodes.literal_block)):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    note = nodes.admonition(classes=["note", "relubook-checker-note"])
    note += nodes.title(text="Checking your answers")
    paragraph = nodes.paragraph()
    for i, part in enumerate(CHECKER_NOTE.split("``")):
        paragraph += nodes.literal(text=part) if i % 2 else nodes.Text(part)
    note += paragraph
    title = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.title)), -1)
    section.insert(title + 1, note)


SITE_ASSETS = Path(__file__).resolve().parent.parent / "browser" / "site"


def add_site_assets(app: Any, config: Any) -> None:
    paths = list(config.html_static_path or [])
    if str(SITE_ASSETS) not in paths:
        config.html_static_path = [*paths, str(SITE_ASSETS)]


def setup(app: Any) -> dict:
    global logger
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
    app.connect("html-page-context", fix_citation_list_roles)
    app.connect("build-finished", drop_source_maps)
    app.connect("build-finished", copy_frames)
    app.connect("build-finished", palette_figures)
    app.connect("doctree-resolved", note_checker_exercises)
    app.connect("config-inited", add_site_assets)
    app.add_css_file("relubook-site.css")
    app.add_js_file("relubook-site.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
