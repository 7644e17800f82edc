"""Live code on the static site (issue 30): a Sphinx extension that makes notebook pages live-able.

Every page built from a notebook in chapters/, exercises/ or solutions/ gets:

* the page's code cells as JSON (``<script type="application/json" id="relubook-live-data">``):
  each cell's source, tags, whether the page shows it (cells tagged ``remove-cell`` are not on the
  page: they run first, as the page's setup), and how long it took when the book was built (from
  the notebook's execution metadata), so that a slow cell says so before it runs;
* the small script ``_static/bundled/live/live.js`` (browser/live/index.js), which adds the "Make
  this page live" button; the Python runtime (``_static/pyodide/``, about 56 MB) is fetched only
  when the reader clicks it.

When ``tools/live_runtime.py`` could not fetch the runtime (``_assets/pyodide/UNAVAILABLE.json``),
the build says so loudly in its log (not as a Sphinx warning: the book still builds with -W) and
every such page says that live code is not available in this build.

Loaded from _config.yml (``sphinx.local_extensions``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

LIVE_FOLDERS = ("chapters/", "exercises/", "solutions/")
SCRIPT = "bundled/live/live.js"
RUNTIME = Path(__file__).resolve().parent.parent / "_assets" / "pyodide"

logger = None
STATUS: dict = {}  # runtime_status() of this build, set when the builder starts


def _seconds(cell: dict) -> float | None:
    """How long a cell took when the notebook was last executed (its execution metadata)."""
    times = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(times["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(times["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError, AttributeError):
        return None
    return round((end - start).total_seconds(), 3)


def page_cells(notebook: dict) -> list[dict]:
    """The notebook's code cells as a live page needs them, in order."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        tags = list(cell.get("metadata", {}).get("tags", []))
        cells.append({"index": index, "source": "".join(source) if isinstance(source, list) else source,
                      "tags": tags, "shown": "remove-cell" not in tags, "seconds": _seconds(cell)})
    return cells


def runtime_status() -> dict:
    """What the build has of the runtime: {"ok": True, "mb": ...} or {"ok": False, "reason": ...}."""
    unavailable = RUNTIME / "UNAVAILABLE.json"
    manifest = RUNTIME / "manifest.json"
    if unavailable.is_file():
        return {"ok": False, "reason": json.loads(unavailable.read_text()).get("reason", "unknown")}
    if not manifest.is_file():
        return {"ok": False, "reason": "the runtime was not assembled (run `make live-runtime`)"}
    meta = json.loads(manifest.read_text())
    start = meta["bytes"]["core"] + meta["bytes"]["start"] + meta["bytes"]["wheels"]
    return {"ok": True, "start_mb": round(start / 1e6, 1), "total_mb": round(meta["total_bytes"] / 1e6, 1),
            "pyodide": meta["pyodide"], "python": meta["python"], "credits": meta["credits"]}


def add_live_data(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if doctree is None or not pagename.startswith(LIVE_FOLDERS):
        return
    source = Path(app.env.doc2path(pagename))
    if source.suffix != ".ipynb":
        return
    cells = page_cells(json.loads(source.read_text()))
    if not any(cell["shown"] for cell in cells):
        return
    data = {"page": pagename, "exercise": pagename.startswith("exercises/"), "cells": cells,
            "runtime": STATUS}
    text = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    context["body"] = context.get("body", "") + (
        f'<script type="application/json" id="relubook-live-data">{text}</script>')
    app.add_js_file(SCRIPT, defer="defer")


def announce(app: Any) -> None:
    status = runtime_status()
    STATUS.clear()
    STATUS.update(status)
    if status["ok"]:
        logger.info("live code: runtime Pyodide %s in _static/pyodide/ (%s MB)", status["pyodide"], status["total_mb"])
        return
    line = "!" * 78
    logger.info(line)
    logger.info("!! LIVE CODE IS DISABLED IN THIS BUILD: %s", status["reason"])
    logger.info("!! The pages say so. Fetch the runtime with `make live-runtime`, then build again.")
    logger.info(line)


def setup(app: Any) -> dict:
    global logger
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    app.connect("builder-inited", announce)
    app.connect("html-page-context", add_live_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
