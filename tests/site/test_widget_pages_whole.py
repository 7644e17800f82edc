"""Widget pages are whole: every widget cell's output on the built site holds its widget and first frame (issue 24).

A cell that hung or timed out while the book was built would leave its page without the widget (or
with a widget whose state or picture is missing), and the build used to go on silently. Read from
the built HTML, no browser: for each page built from a notebook,

* every code cell whose stored output shows a widget (``tools/nb.py execute`` stores them) shows one
  on the page too: the page has at least as many widget views as the notebook has widget cells;
* every widget view names a model of the page's stored widget state, and every model a view or box
  names is in that state (no dangling reference);
* every live widget (a box tagged ``relubook-frames-id-<id>``) holds, in its Output widget's stored
  outputs, its first frame: a PNG ``<img>`` whose bytes are those of the frame it names in
  ``_static/frames/<id>/manifest.json``, with that frame's alt text.
"""

from __future__ import annotations

import base64
import html
import json
import re

import nbformat
import pytest
from sitekit import PAGES, ROOT, SITE, WIDGET_STATE, WIDGET_VIEW

SCRIPT = re.compile(r'<script type="(?P<type>application/vnd\.jupyter\.widget-(?:state|view)\+json)">'
                    r"(?P<body>.*?)</script>", re.DOTALL)
IMG = re.compile(r'<img src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)" alt="(?P<alt>[^"]*)" '
                 r'class="relubook-widget-figure" data-frame="(?P<frame>\d+)"')


def _notebook(page: str):
    path = ROOT / page.removesuffix(".html")
    path = path.with_suffix(".ipynb")
    return path if path.exists() else None


NOTEBOOK_PAGES = [p for p in PAGES if _notebook(p)]


def widget_cells(nb) -> list[int]:
    """Indices of the code cells whose stored outputs show a widget."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))]


def page_widgets(text: str) -> tuple[dict, list[str]]:
    """(the page's widget state: model id -> model, the model ids of its widget views in page order)."""
    state, views = {}, []
    for m in SCRIPT.finditer(text):
        body = json.loads(m["body"])  # a script's text is not HTML-escaped
        if m["type"] == WIDGET_STATE:
            state.update(body.get("state", {}))
        else:
            views.append(body["model_id"])
    return state, views


def _refs(value) -> list[str]:
    """Model ids a widget's state names ("IPY_MODEL_<id>"), at any depth."""
    if isinstance(value, str):
        return [value[len("IPY_MODEL_"):]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def reachable(state: dict, model_id: str) -> list[str]:
    """``model_id`` and every model of ``state`` it names, directly or through others."""
    seen, todo = [], [model_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in state:
            continue
        seen.append(current)
        todo += _refs(state[current]["state"])
    return seen


def first_frame_problems(state: dict, model_id: str, page: str) -> list[str]:
    """What is missing from a live widget (box ``model_id``) for its first frame to show."""
    box = state[model_id]["state"]
    classes = box.get("_dom_classes", [])
    frame_id = next((c[len("relubook-frames-id-"):] for c in classes if c.startswith("relubook-frames-id-")), None)
    if frame_id is None:
        return []
    outputs = [state[r]["state"] for r in _refs(box.get("children", [])) if r in state
               and state[r].get("model_name") == "OutputModel"]
    htmls = [o.get("data", {}).get("text/html", "") for out in outputs for o in out.get("outputs", [])]
    htmls = ["".join(h) if isinstance(h, list) else h for h in htmls]
    found = [m for h in htmls for m in IMG.finditer(h)]
    if not found:
        return [f"{page}: widget {frame_id} has no first frame in its output"]
    manifest_path = SITE / "_static" / "frames" / frame_id / "manifest.json"
    if not manifest_path.exists():
        return [f"{page}: widget {frame_id}: no _static/frames/{frame_id}/manifest.json"]
    manifest = json.loads(manifest_path.read_text())
    img = found[0]
    frame = manifest["frames"][int(img["frame"])]
    problems = []
    if base64.b64decode(img["data"]) != (manifest_path.parent / frame["file"]).read_bytes():
        problems.append(f"{page}: widget {frame_id}: the first frame's picture is not frame {img['frame']}")
    if html.unescape(img["alt"]) != frame["alt"]:
        problems.append(f"{page}: widget {frame_id}: the first frame's alt text is not frame {img['frame']}'s")
    return problems


def test_the_site_has_notebook_pages_with_widgets():
    assert NOTEBOOK_PAGES, f"no notebook page in {SITE}: build the site first (make book)"
    assert any(widget_cells(nbformat.read(_notebook(p), as_version=4)) for p in NOTEBOOK_PAGES)


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_every_widget_cell_has_its_widget_state_and_first_frame(page):
    nb = nbformat.read(_notebook(page), as_version=4)
    expected = widget_cells(nb)
    state, views = page_widgets((SITE / page).read_text(errors="replace"))
    problems = []
    if len(views) < len(expected):
        problems.append(f"{page}: {len(views)} widget views for {len(expected)} widget cells "
                        f"(cells {expected} of {_notebook(page).name}): a cell left no widget")
    for model_id in views:
        if model_id not in state:
            problems.append(f"{page}: widget view {model_id} has no stored state")
            continue
        dangling = [r for r in _refs(state[model_id]["state"]) if r not in state]
        if dangling:
            problems.append(f"{page}: widget {model_id} names models with no stored state: {dangling[:3]}")
        for inner in reachable(state, model_id):  # the live widget may sit inside another box
            problems += first_frame_problems(state, inner, page)
    frames_widgets = [m for v in views for m in reachable(state, v)
                      if any(c.startswith("relubook-frames-id-") for c in state[m]["state"].get("_dom_classes", []))]
    if expected and not frames_widgets and any("live(" in nb.cells[i].source for i in expected):
        problems.append(f"{page}: no widget with precomputed frames (built without RELUBOOK_FRAMES_DIR?)")
    assert not problems, "\n".join(problems)


def _page(box_classes, outputs, view="box") -> str:
    state = {"version_major": 2, "version_minor": 0, "state": {
        "box": {"model_name": "VBoxModel", "state": {"_dom_classes": box_classes,
                                                     "children": ["IPY_MODEL_panel", "IPY_MODEL_out"]}},
        "panel": {"model_name": "VBoxModel", "state": {"children": []}},
        "out": {"model_name": "OutputModel", "state": {"outputs": outputs}}}}
    return (f'<script type="{WIDGET_STATE}">{json.dumps(state)}</script>'
            f'<script type="{WIDGET_VIEW}">{json.dumps({"model_id": view})}</script>')


def test_a_widget_without_its_first_frame_is_caught(tmp_path, monkeypatch):
    """The checks fail on what a stalled cell leaves: no picture, a wrong picture, a view with no state."""
    import sys

    module = sys.modules[__name__]
    frames = tmp_path / "_static" / "frames" / "w-1"
    frames.mkdir(parents=True)
    (frames / "0000.png").write_bytes(b"first")
    (frames / "manifest.json").write_text(json.dumps({"frames": [{"file": "0000.png", "alt": "a = 1"}]}))
    monkeypatch.setattr(module, "SITE", tmp_path)
    tagged = ["relubook-widget", "relubook-frames", "relubook-frames-id-w-1"]
    img = (f'<img src="data:image/png;base64,{base64.b64encode(b"first").decode()}" alt="a = 1" '
           'class="relubook-widget-figure" data-frame="0" data-setting="a = 1"/>')
    whole = [{"output_type": "display_data", "data": {"text/html": img}}]
    state, views = page_widgets(_page(tagged, whole))
    assert views == ["box"] and first_frame_problems(state, "box", "p.html") == []
    state, _ = page_widgets(_page(tagged, []))
    assert "no first frame" in first_frame_problems(state, "box", "p.html")[0]
    wrong = [{"output_type": "display_data", "data": {"text/html": img.replace(
        base64.b64encode(b"first").decode(), base64.b64encode(b"other").decode())}}]
    state, _ = page_widgets(_page(tagged, wrong))
    assert "is not frame 0" in first_frame_problems(state, "box", "p.html")[0]
    state, views = page_widgets(_page(tagged, whole, view="gone"))
    assert "gone" not in state
