"""The offline site zip of ``make dist`` works from disk: unzip it, open index.html in Chromium, no server.

Runs after the site is built (``make test`` runs the browser tests after ``make book-fresh``; the site
is ``_build/html`` or ``RELUBOOK_SITE_DIR``). The zip is made by tools/make_dist.py exactly as ``make
dist`` makes it, unpacked into a temporary folder and opened as ``file://…/index.html`` with every
request that is not a local file aborted (offline). On the landing page and every chapter: the page
loads, MathJax renders its math, every image is drawn, no script error, nothing asked of the network,
and a chapter with widgets shows their controls. Where the page carries precomputed widget frames,
moving a slider must change what the widget shows, from disk (``file://`` allows script and image
loads but no ``fetch``/XHR in Chromium).
"""

from __future__ import annotations

import importlib.util
import os
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import ARTIFACTS, ROOT
from .labpage import screenshot

SITE = Path(os.environ.get("RELUBOOK_SITE_DIR", ROOT / "_build" / "html")).resolve()
_spec = importlib.util.spec_from_file_location("make_dist_site", ROOT / "tools" / "make_dist.py")
make_dist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_dist)


def chapter_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] + ".html" for part in toc["parts"] if part.get("numbered") for c in part["chapters"]]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    if not (SITE / "index.html").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no built site at {SITE}: run `make book` first")
        pytest.skip(f"no built site at {SITE} (run `make book`)")
    base = tmp_path_factory.mktemp("dist-site")
    path = make_dist.site_zip(SITE, base, "relu-textbook-offline")
    with zipfile.ZipFile(path) as zf:
        tops = {n.split("/")[0] for n in zf.namelist()}
        assert tops == {"relu-textbook-offline"}, f"the zip does not unpack into one folder: {sorted(tops)[:5]}"
        zf.extractall(base / "unzipped")
    return base / "unzipped" / "relu-textbook-offline"


PAGE_STATE_JS = """() => ({
  math_source: Array.from(document.querySelectorAll('.math')).filter(e => !e.querySelector('mjx-container')
               && /\\\\[a-zA-Z]+|\\$/.test(e.textContent)).length,
  mjx: document.querySelectorAll('mjx-container').length,
  has_math: document.querySelectorAll('.math').length,
  broken_images: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
  widgets: document.querySelectorAll('.relubook-widget').length,
  controls: document.querySelectorAll('.relubook-widget .widget-slider, .relubook-widget .widget-dropdown,'
            + ' .relubook-widget .widget-toggle-buttons').length,
  framed: document.querySelectorAll('.relubook-frames').length,
})"""


def _visit(browser, root: Path, pages: list[str], shots: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (outside.append(route.request.url), route.abort()))
    results = {}
    try:
        for rel in pages:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.goto((root / rel).as_uri(), wait_until="load", timeout=60_000)
            if rel == "index.html":  # the book's index.html sends the reader on to the landing page
                page.wait_for_url("**/intro.html", timeout=30_000)
                page.wait_for_load_state("load")
            deadline, state = time.monotonic() + 30, None
            while time.monotonic() < deadline:  # MathJax and the widget manager render after load
                state = page.evaluate(PAGE_STATE_JS)
                if state["math_source"] == 0 and (not state["widgets"] or state["controls"]):
                    break
                time.sleep(0.5)
            state["title"] = page.title()
            state["errors"] = list(errors)
            state["reacted"] = None
            if state["framed"]:
                widget = page.locator(".relubook-frames").first
                widget.scroll_into_view_if_needed()
                before = widget.inner_html()
                handle = widget.locator(".noUi-handle, input[type=range]").first
                if handle.count():
                    handle.focus()
                    handle.press("ArrowRight")
                    end = time.monotonic() + 10
                    while time.monotonic() < end and widget.inner_html() == before:
                        time.sleep(0.25)
                    state["reacted"] = widget.inner_html() != before
            screenshot(page, shots.with_name(f"{shots.name}-{rel.replace('/', '-')}.png"))
            results[rel] = state
            page.close()
    finally:
        context.close()
    return results, outside


def test_site_zip_opens_from_disk_offline(browser, unpacked):
    pages = ["index.html", *chapter_pages()]
    results, outside = browser.run(_visit, unpacked, pages, ARTIFACTS / "dist-site")
    assert not outside, f"the offline site asked the network for {outside[:5]}"
    problems = []
    for rel, state in results.items():
        if not state["title"] or "404" in state["title"]:
            problems.append(f"{rel}: did not open ({state['title']!r})")
        if state["has_math"] and (state["math_source"] or not state["mjx"]):
            problems.append(f"{rel}: math not rendered by MathJax ({state['math_source']} formulas left as TeX)")
        if state["broken_images"]:
            problems.append(f"{rel}: images not drawn: {state['broken_images'][:3]}")
        if state["errors"]:
            problems.append(f"{rel}: script errors: {state['errors'][:3]}")
        if state["widgets"] and not state["controls"]:
            problems.append(f"{rel}: {state['widgets']} widget(s) without controls")
        if state["reacted"] is False:
            problems.append(f"{rel}: moving a slider did not change the widget from disk (frames need fetch?)")
    print({rel: {k: v for k, v in s.items() if k not in ("errors", "broken_images")} for rel, s in results.items()})
    assert not problems, "\n".join(problems)
    chapters_with_widgets = [rel for rel, s in results.items() if s["widgets"]]
    assert chapters_with_widgets, "no chapter page of the offline site shows a widget"
