"""The static site works offline, in a real browser, for every reader (issue 8).

Each page is opened once in Debian's chromium with every request outside 127.0.0.1 aborted
(see conftest.py); the tests below read what happened.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitekit import (
    ARTIFACTS,
    CHAPTERS,
    PAGES,
    ROOT,
    SITE,
    WIDGET_PAGES,
    WIDGET_STATE,
    WIDGET_VIEW,
    offline_context,
    parse_page,
    resolve,
)

# Tags whose URL attribute makes the browser fetch something as the page loads (links in <a> don't).
FETCHING = {
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
    ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("embed", "src"),
    ("object", "data"), ("input", "src"), ("track", "src"),
}
LINK_RELS_NOT_FETCHED = {"canonical", "alternate", "author", "license", "search", "help",
                         "index", "next", "prev", "top", "up", "first", "last", "me"}


def test_site_was_built():
    assert (SITE / "intro.html").exists(), f"no site in {SITE}: run `make book`"
    assert CHAPTERS, "no chapter pages in the site"


@pytest.mark.parametrize("page", PAGES)
def test_no_external_scripts_styles_or_images(page):
    """The acceptance grep, done properly: nothing the page loads comes from another host."""
    offenders = []
    for tag, attrs in parse_page(page).tags:
        for attr, value in attrs.items():
            fetched = (tag, attr) in FETCHING or (
                tag == "link" and attr == "href"
                and not set(attrs.get("rel", "").lower().split()) <= LINK_RELS_NOT_FETCHED)
            if fetched and re.match(r"\s*(https?:)?//", value):
                offenders.append(f"<{tag} {attr}={value!r}>")
    assert not offenders, f"{page} loads from outside the site: {offenders}"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(visit, page):
    v = visit(page)
    assert not v.blocked_requests, f"{page} asked for other hosts: {v.blocked_requests}"
    assert not v.failed_requests, f"{page}: failed requests {v.failed_requests}"
    assert not v.console_errors, f"{page}: console errors {v.console_errors}"


@pytest.mark.parametrize("page", PAGES)
def test_images_load_and_have_alt_text(visit, page):
    v = visit(page)
    broken = [img["src"] for img in v.images if not img["loaded"]]
    no_alt = [img["src"] for img in v.images if not img["alt"]]
    assert not broken, f"{page}: images that did not load: {broken}"
    assert not no_alt, f"{page}: images without alt text: {no_alt}"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_rendered(visit, page):
    v = visit(page)
    m = v.math
    if m.get("math_spans", 0) == 0 and m["wait"] == "no math":
        return
    assert m["wait"] == "typeset", f"{page}: {m['wait']}"
    assert m["containers"] > 0, f"{page}: {m['math_spans']} math elements, no MathJax output"
    assert m["errors"] == 0, f"{page}: {m['errors']} MathJax errors"
    assert not m["raw"], f"{page}: math left as TeX source: {m['raw'][:5]}"


def _sources_with_widgets() -> list[str]:
    """Notebooks in the book whose stored outputs display a live widget."""
    found = []
    for folder in ("chapters", "exercises", "solutions"):
        for nb in sorted((ROOT / folder).glob("*.ipynb")):
            if WIDGET_VIEW in nb.read_text(errors="replace"):
                found.append(f"{folder}/{nb.stem}.html")
    return found


def test_pages_with_widgets_carry_their_state():
    """A chapter that shows a live widget embeds its state, so the static page can render it."""
    expected = [p for p in _sources_with_widgets() if (SITE / p).exists()]
    missing = [p for p in expected if p not in WIDGET_PAGES]
    assert not missing, f"widgets shown in the notebook but no widget state on the page: {missing}"
    if any(p.startswith("chapters/") for p in expected):
        assert any(p.startswith("chapters/") for p in WIDGET_PAGES), "no chapter embeds widgets"


@pytest.mark.parametrize("page", WIDGET_PAGES or [pytest.param(None, marks=pytest.mark.skip(
    reason="no page embeds widget state yet"))])
def test_embedded_widgets_render_as_controls(visit, page):
    v = visit(page)
    w = v.widgets
    assert w["views"] > 0, f"{page}: widget state but no widget views"
    assert w["rendered"] == w["views"], (
        f"{page}: {w['rendered']} of {w['views']} widgets rendered as controls "
        f"({w.get('timeout', '')}); console: {v.console_errors}")
    assert w["controls"] > 0


def _stored_outputs(page: str) -> tuple[int, int]:
    """(outputs, images among them) that the page's Output widgets hold in its widget state."""
    text = (SITE / page).read_text(errors="replace")
    blocks = re.findall(rf'<script type="{re.escape(WIDGET_STATE)}">(.*?)</script>', text, re.S)
    outputs = images = 0
    for block in blocks:
        for model in json.loads(block)["state"].values():
            if model["model_name"] != "OutputModel":
                continue
            for out in model["state"].get("outputs", []):
                data = out.get("data", {})
                if out.get("output_type") in ("stream", "error") or data:
                    outputs += 1
                images += "image/png" in data or "<img" in "".join(data.get("text/html", ""))
    return outputs, images


@pytest.mark.parametrize("page", WIDGET_PAGES or [pytest.param(None, marks=pytest.mark.skip(
    reason="no page embeds widget state yet"))])
def test_output_widgets_show_their_stored_outputs(visit, page):
    """The book's widget manager draws each Output widget's stored figure, as the notebook showed it."""
    outputs, images = _stored_outputs(page)
    w = visit(page).widgets
    assert outputs > 0, f"{page}: no Output widget holds an output (nothing to check)"
    assert w["outputs"] == outputs, f"{page}: {w['outputs']} of {outputs} stored outputs shown"
    assert w["output_images"] == images, f"{page}: {w['output_images']} of {images} output figures loaded"


@pytest.mark.parametrize("page", CHAPTERS)
def test_theme_icons_draw_from_the_webfont(visit, page):
    """The theme's icons (launch, repository, download, full screen, dark mode, Play buttons) still
    show with the theme's 1.5 MB icon script left out: each gets a glyph from Font Awesome's font."""
    v = visit(page)
    icons = v.icons
    assert not any(f.endswith("fontawesome.js") for f in v.local_files), "the icon script is loaded"
    assert icons["visible"] >= 4, f"{page}: only {icons['visible']} visible icons: {icons}"
    assert not icons["blank"], f"{page}: icons without a glyph: {icons['blank']}"
    assert any("Font Awesome 6 Free" in f for f in icons["loaded_faces"]), icons


def test_internal_links_resolve():
    """Crawl from the front page: every link inside the site names a file and an anchor that exist."""
    start = ["index.html", "intro.html"]  # index.html only redirects (meta refresh) to intro.html
    seen, queue, broken = set(start), list(start), []
    while queue:
        page = queue.pop()
        for tag, attrs in parse_page(page).tags:
            href = attrs.get("href") if tag in ("a", "link", "area") else None
            if href is None and tag in ("img", "script", "source"):
                href = attrs.get("src")
            if not href:
                continue
            target, fragment = resolve(page, href)
            if target is None:
                continue
            if target == ".." or not (SITE / target).is_file():
                broken.append(f"{page}: {href}")
                continue
            if target.endswith(".html"):
                if fragment and fragment not in parse_page(target).ids:
                    broken.append(f"{page}: {href} (no anchor #{fragment})")
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    assert not broken, f"{len(broken)} broken internal links: {broken[:20]}"
    unreachable = [p for p in PAGES if p.split("/")[0] in ("chapters", "exercises", "solutions")
                   and p not in seen]
    assert not unreachable, f"pages no link leads to: {unreachable}"


def test_search_finds_dying(browser, base_url, site_dir):
    blocked: list[str] = []
    context = offline_context(browser, base_url, blocked)
    tab = context.new_page()
    tab.goto(base_url + "search.html?q=dying", wait_until="load")
    tab.wait_for_function(
        "() => { const s = document.querySelector('#search-results');"
        " return s && (s.querySelector('li') || /found|did not match/i.test(s.textContent)); }",
        timeout=20_000)
    hits = tab.locator("#search-results li").all_inner_texts()
    context.close()
    assert not blocked, blocked
    assert hits, "searching for 'dying' found nothing"


def test_dark_mode_toggles(browser, base_url, site_dir):
    blocked: list[str] = []
    context = offline_context(browser, base_url, blocked)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    page = CHAPTERS[0] if CHAPTERS else "intro.html"
    tab.goto(base_url + page, wait_until="load")
    background = ("() => { const c = getComputedStyle(document.body).backgroundColor"
                  ".match(/\\d+(\\.\\d+)?/g).map(Number); return (c[0] + c[1] + c[2]) / 3; }")
    seen = {}
    button = tab.locator(".theme-switch-button").first
    for _ in range(4):
        button.click()
        tab.wait_for_timeout(200)
        mode = tab.evaluate("() => document.documentElement.dataset.theme")
        seen[mode] = tab.evaluate(background)
        if mode == "dark":
            tab.screenshot(path=str(ARTIFACTS / f"{Path(page).stem}-dark.png"))
    context.close()
    assert {"light", "dark"} <= set(seen), f"theme modes reached: {seen}"
    assert seen["dark"] < 80 < seen["light"], f"page background brightness by mode: {seen}"
    assert not errors and not blocked, (errors, blocked)


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations_in_book_content(visit, page):
    v = visit(page)
    assert v.axe, "axe-core did not run (node_modules/axe-core missing: run `make assets`)"
    assert not v.axe["own"], f"{page}: {v.axe['own']}"



@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations_in_the_theme_either(visit, page):
    """The theme's own parts pass too. Its one offender, the search button whose aria-label ("Search")
    hid its visible text ("Search Ctrl+K"), is replaced by _templates/search-button-field.html."""
    v = visit(page)
    assert v.axe, "axe-core did not run (node_modules/axe-core missing: run `make assets`)"
    assert not v.axe["theme"], f"{page}: {v.axe['theme']}"
