"""The site on a phone and for a teacher, and widgets that tell the truth (issue 29).

In Debian's chromium, offline (every request outside 127.0.0.1 aborted), at 390x844 (a phone) and
1366x768 (a laptop), in the light and the dark theme:

* the chapter list and the page's contents open and close, and every chapter is two taps away;
* no code cell or text output needs sideways scrolling at 390 px (code wraps, deliberately);
* every figure is shown at a scale that keeps the book's smallest figure text (9 pt at 96 dpi,
  ``relubook.plotting``) at 9 CSS px or more at 390 px (measured: the image's size on screen over
  its pixels); a wider figure scrolls sideways inside its own box;
* "Back to top" covers no text;
* on every slider of every widget, one key press moves exactly one step of the site's grid, and
  n presses one way then n the other return to the first picture;
* every widget's "Copy a link to this setting" round-trips (copy, open, same picture); a link may
  use the labels on screen and the typographic minus; a link that cannot be followed is answered by
  a message; a change of the fragment on the open page is applied; on an exercise page a link asks
  before it shows a setting.

Screenshots of every chapter at both sizes, light and dark, go to tests/artifacts/site/ (look at them).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from framekit import manifests
from sitekit import ARTIFACTS, CHAPTERS, PAGES, SITE, offline_context

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SIZES = {"phone": PHONE, "laptop": LAPTOP}
SCHEMES = ["light", "dark"]
MIN_TEXT_PX = 9.0


def smallest_figure_text_pt() -> float:
    """The smallest font size (pt) the book's figures use: the style's sizes and every explicit size in
    relubook's and the notebooks' code (``fontsize=``, ``labelsize=``, ``title_fontsize=``)."""
    import json as _json

    from sitekit import ROOT

    sizes = [9.0]  # relubook.plotting.use_style: legend 9, font 10, labels 10, titles 11
    pattern = re.compile(r"\b(?:fontsize|labelsize|title_fontsize)\s*=\s*(\d+(?:\.\d+)?)\b")
    sources = [p.read_text() for p in (ROOT / "relubook").rglob("*.py")]
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        sources += ["".join(c["source"]) for c in _json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    for text in sources:
        sizes += [float(v) for v in pattern.findall(text)]
    return min(sizes)


#: The smallest text of any figure, in pixels of its PNG (the book draws at 96 dpi).
SMALLEST_FIGURE_TEXT_PX = smallest_figure_text_pt() * 96 / 72
FRAME_PAGES = [p for p in PAGES if "relubook-frames-id-" in (SITE / p).read_text(errors="replace")]
CHAPTER_FRAME_PAGES = [p for p in FRAME_PAGES if p.startswith("chapters/")]
EXERCISE_FRAME_PAGES = [p for p in FRAME_PAGES if p.startswith("exercises/")]
CELL_PAGES = [p for p in PAGES if p.split("/")[0] in ("chapters", "exercises", "solutions")]
NONE = [pytest.param(None, marks=pytest.mark.skip("not in this build"))]

WAIT_FRAMES = "() => window.relubookFrames && window.relubookFrames.ready === true"


def open_page(browser, base_url, page, *, size="phone", scheme="light", fragment="", permissions=None):
    """(context, tab, blocked requests, console errors) for ``page`` opened offline."""
    blocked: list[str] = []
    errors: list[str] = []
    context = offline_context(browser, base_url, blocked, color_scheme=scheme)
    if permissions:
        context.grant_permissions(permissions, origin=base_url.rstrip("/"))
    tab = context.new_page()
    tab.set_viewport_size(SIZES[size])
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    tab.goto(base_url + page + fragment, wait_until="load")
    if page in FRAME_PAGES:
        tab.wait_for_function(WAIT_FRAMES, timeout=30_000)
    return context, tab, blocked, errors


def visible(tab, selector: str):
    """The visible elements matching ``selector``."""
    loc = tab.locator(selector)
    return [loc.nth(i) for i in range(loc.count()) if loc.nth(i).is_visible()]


# ---------------------------------------------------------------- the menu and the contents
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", list(SIZES))
def test_menu_and_contents_open_and_close(browser, base_url, size, scheme):
    page = CHAPTERS[0]
    context, tab, blocked, errors = open_page(browser, base_url, page, size=size, scheme=scheme)
    try:
        toggles = visible(tab, ".primary-toggle")
        assert toggles, f"{size}: no visible button opens the chapter list"
        toggles[0].click()
        tab.wait_for_timeout(300)
        dialog_open = tab.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
        if size == "phone":
            assert dialog_open, "at 390 px the menu button does not open the chapter list"
            links = tab.evaluate("""() => Array.from(document.querySelectorAll(
                '#pst-primary-sidebar-modal nav a[href]')).filter(a => a.getClientRects().length)
                .map(a => a.textContent.trim())""")
            assert len(links) >= len(CHAPTERS), f"the open chapter list shows {links}"
            tab.screenshot(path=str(ARTIFACTS / f"menu-open-{size}-{scheme}.png"))
            tab.locator("#pst-primary-sidebar-modal .relubook-dialog-close").click()
            tab.wait_for_timeout(200)
            assert not tab.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
        else:  # a wide screen: the button hides the sidebar, and shows it again
            # (the first click above already toggled it: from shown to hidden)
            assert not dialog_open
            assert not tab.locator("#pst-primary-sidebar").is_visible(), "the sidebar button does not hide it"
            toggles[0].click()
            tab.wait_for_timeout(300)
            assert tab.locator("#pst-primary-sidebar").is_visible(), "the sidebar button does not show it again"
        # no tooltip left over the toolbar after the tap
        tab.wait_for_timeout(800)
        tips = tab.evaluate("() => Array.from(document.querySelectorAll('.tooltip.show')).map(t => t.textContent)")
        assert not tips, f"a tooltip stays over the toolbar after the tap: {tips}"

        toggles = visible(tab, ".secondary-toggle")
        if size == "phone":
            assert toggles, "at 390 px no visible button opens the page's contents"
        if toggles:
            toggles[0].click()
            tab.wait_for_timeout(300)
            if tab.evaluate("() => document.getElementById('pst-secondary-sidebar-modal').open"):
                entries = visible(tab, "#pst-secondary-sidebar-modal a[href^='#']")
                assert len(entries) >= 2, "the contents dialog lists no section of the page"
                target = entries[1].get_attribute("href")
                entries[1].click()  # a tap on a section closes the dialog and goes there
                tab.wait_for_timeout(300)
                assert not tab.evaluate("() => document.getElementById('pst-secondary-sidebar-modal').open")
                assert tab.evaluate("() => location.hash") == target
            else:
                assert size == "laptop", "the contents button does nothing at 390 px"
        assert not errors, errors
        assert not blocked, blocked
    finally:
        context.close()


def test_every_chapter_is_two_taps_away_on_a_phone(browser, base_url):
    context, tab, blocked, errors = open_page(browser, base_url, "intro.html", size="phone")
    try:
        for chapter in CHAPTERS:
            visible(tab, ".primary-toggle")[0].click()  # tap 1
            link = tab.locator(f"#pst-primary-sidebar-modal a[href$='{chapter.split('/')[-1]}']").first
            link.click()  # tap 2
            tab.wait_for_load_state("load")
            assert tab.url.split("#")[0].endswith(chapter), f"two taps did not reach {chapter} ({tab.url})"
            tab.go_back(wait_until="load")
        assert not blocked, blocked
    finally:
        context.close()


# ---------------------------------------------------------------- code, figures, back to top
READ_SIDEWAYS = """
() => Array.from(document.querySelectorAll('div.cell_input pre, div.cell_output pre, div.highlight pre'))
  .filter(pre => pre.getClientRects().length)
  .map(pre => ({scroll: pre.scrollWidth, client: pre.clientWidth, ws: getComputedStyle(pre).whiteSpace,
                text: pre.textContent.slice(0, 60)}))
"""


@pytest.mark.parametrize("page", CELL_PAGES or NONE)
def test_no_code_cell_scrolls_sideways_at_390(browser, base_url, page):
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone")
    try:
        cells = tab.evaluate(READ_SIDEWAYS)
        assert cells, f"{page}: no code cell found"
        wide = [c for c in cells if c["scroll"] > c["client"] + 1]
        assert not wide, f"{page}: {len(wide)} of {len(cells)} code blocks scroll sideways: {wide[:3]}"
        assert all(c["ws"] == "pre-wrap" for c in cells), "code wraps by the book's rule (white-space: pre-wrap)"
        page_width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"] + 1, f"{page}: the page itself is {page_width} px wide"
    finally:
        context.close()


READ_FIGURES = """
() => Array.from(document.querySelectorAll('article.bd-article img'))
  .filter(img => img.getClientRects().length && img.naturalWidth > 200)
  .map(img => { const r = img.getBoundingClientRect();
                const box = img.closest('.relubook-figure-scroll');
                return {src: (img.getAttribute('src') || '').slice(0, 60), natural: img.naturalWidth,
                        shown: r.width, scale: r.width / img.naturalWidth,
                        scrolls: !!box && box.scrollWidth > box.clientWidth + 1}; })
"""


@pytest.mark.parametrize("page", CHAPTERS or NONE)
def test_figure_text_is_at_least_9px_at_390(browser, base_url, page):
    """Measured: each figure's size on screen over its pixels, times the smallest text it carries."""
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone")
    try:
        tab.wait_for_timeout(300)
        figures = tab.evaluate(READ_FIGURES)
        assert figures, f"{page}: no figure"
        small = [f for f in figures if f["scale"] * SMALLEST_FIGURE_TEXT_PX < MIN_TEXT_PX - 0.05]
        assert not small, (f"{page}: {len(small)} of {len(figures)} figures draw their smallest text below "
                           f"{MIN_TEXT_PX} px: {small[:3]}")
        page_width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= PHONE["width"] + 1, f"{page}: a figure widens the page to {page_width} px"
        for scheme in SCHEMES:
            tab.emulate_media(color_scheme=scheme)
            tab.wait_for_timeout(200)
            stem = page.split("/")[-1][:-5]
            tab.evaluate("() => window.scrollTo(0, 0)")
            tab.screenshot(path=str(ARTIFACTS / f"phone-{scheme}-{stem}.png"))
            if tab.evaluate("() => { const w = document.querySelector('.relubook-frames');"
                            " if (w) { w.scrollIntoView(); window.scrollBy(0, -60); } return !!w; }"):
                tab.wait_for_timeout(200)
                tab.screenshot(path=str(ARTIFACTS / f"phone-{scheme}-{stem}-widget.png"))
    finally:
        context.close()


@pytest.mark.parametrize("page", CHAPTERS or NONE)
def test_laptop_screenshots_and_no_sideways_page(browser, base_url, page):
    for scheme in SCHEMES:
        context, tab, blocked, errors = open_page(browser, base_url, page, size="laptop", scheme=scheme)
        try:
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            assert width <= LAPTOP["width"] + 1, f"{page}: the page is {width} px wide"
            tab.evaluate("() => { const w = document.querySelector('.relubook-frames'); if (w) w.scrollIntoView(); }")
            tab.wait_for_timeout(200)
            tab.screenshot(path=str(ARTIFACTS / f"laptop-{scheme}-{page.split('/')[-1][:-5]}.png"))
            assert not errors, errors
        finally:
            context.close()


READ_BACK_TO_TOP = """
() => {
  const btn = document.getElementById('pst-back-to-top');
  if (!btn || !btn.getClientRects().length || getComputedStyle(btn).display === 'none') return {shown: false};
  const b = btn.getBoundingClientRect();
  const covered = [];
  const walker = document.createTreeWalker(document.querySelector('article.bd-article'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.right > b.left && r.left < b.right && r.bottom > b.top && r.top < b.bottom)
        covered.push(n.textContent.trim().slice(0, 40));
    }
  }
  return {shown: true, covered};
}
"""


@pytest.mark.parametrize("size", list(SIZES))
def test_back_to_top_covers_no_text(browser, base_url, size):
    page = CHAPTERS[0]
    context, tab, blocked, errors = open_page(browser, base_url, page, size=size)
    try:
        height = tab.evaluate("() => document.documentElement.scrollHeight")
        hits = []
        for y in range(1200, height, max(1500, height // 12)):
            tab.evaluate(f"() => window.scrollTo(0, {y})")
            tab.wait_for_timeout(150)
            seen = tab.evaluate(READ_BACK_TO_TOP)
            if seen["shown"]:
                hits += seen["covered"]
        assert not hits, f"{size}: 'Back to top' covers text: {hits[:5]}"
    finally:
        context.close()


# ---------------------------------------------------------------- keyboard steps
def _slider_state(tab, n: int, i: int) -> dict:
    return tab.evaluate(f"""() => {{
      const p = window.relubookFrames.players[{n}];
      const el = p.el.children[0].children[{i}];
      const handle = el.querySelector('.noUi-handle');
      const img = p.el.querySelector('.widget-output img');
      const readout = el.querySelector('.widget-readout');
      return {{value: p.controls[{i}].get('value'), frame: img ? img.dataset.frame : null,
               readout: readout ? readout.textContent.trim() : null,
               labels: img && img.dataset.labels ? JSON.parse(img.dataset.labels) : null,
               handle: !!handle, disabled: !!(el.querySelector('[disabled]'))}};
    }}""")


@pytest.mark.parametrize("page", FRAME_PAGES or NONE)
def test_every_slider_steps_one_grid_value_per_key_press(browser, base_url, page):
    """n presses of -> then n of <- return to the first picture; each press moves one grid step."""
    served = manifests(SITE)
    context, tab, blocked, errors = open_page(browser, base_url, page, size="laptop")
    problems, sliders = [], 0
    try:
        players = tab.evaluate("() => window.relubookFrames.players.map(p => ({id: p.id, name: p.name, "
                               "n: p.controls.length}))")
        for n, player in enumerate(players):
            manifest = served[player["id"]]
            for i, spec in enumerate(manifest["controls"]):
                start = _slider_state(tab, n, i)
                if not start["handle"] or start["disabled"] or spec["kind"] != "value":
                    continue
                sliders += 1
                keys = spec["keys"]
                at = min(range(len(keys)), key=lambda k: abs(keys[k] - start["value"]))
                up = len(keys) - 1 - at
                forward, back, presses = ("ArrowRight", "ArrowLeft", min(5, up)) if up else \
                    ("ArrowLeft", "ArrowRight", min(5, at))
                if presses == 0:
                    continue
                handle = tab.locator(".relubook-frames").nth(n).locator(":scope > div").first \
                    .locator(":scope > *").nth(i).locator(".noUi-handle").first
                handle.focus()
                where = f"{page} {player['name']} {spec['key']}"
                sign = 1 if forward == "ArrowRight" else -1
                for key, direction in ((forward, sign), (back, -sign)):
                    for _ in range(presses):
                        handle.press(key)
                        at += direction
                        want = spec["labels"][at]
                        try:
                            tab.wait_for_function(
                                f"""() => {{ const p = window.relubookFrames.players[{n}];
                                   const img = p.el.querySelector('.widget-output img');
                                   return img && img.dataset.labels
                                     && JSON.parse(img.dataset.labels)[{i}] === {json.dumps(want)}; }}""",
                                timeout=5000)
                        except Exception:  # noqa: BLE001 - reported below
                            state = _slider_state(tab, n, i)
                            problems.append(f"{where}: after {key} expected {want}, readout {state['readout']}, "
                                            f"picture {state['labels']}")
                            break
                end = _slider_state(tab, n, i)
                if end["frame"] != start["frame"]:
                    problems.append(f"{where}: {presses} x {forward} then {presses} x {back} show frame "
                                    f"{end['frame']}, not the first picture {start['frame']}")
                if end["readout"] != start["readout"]:
                    problems.append(f"{where}: readout {end['readout']} after the round trip, was {start['readout']}")
        assert sliders, f"{page}: no slider was pressed"
        assert not problems, "\n".join(problems)
        assert not errors, errors
    finally:
        context.close()


# ---------------------------------------------------------------- links to a setting
def _shown(tab, name: str) -> dict:
    return tab.evaluate(f"""() => {{ const p = window.relubookFrames.players.find(p => p.name === {json.dumps(name)});
      const img = p.el.querySelector('.widget-output img');
      const msg = p.el.querySelector('.relubook-link-message');
      return {{frame: img.dataset.frame, setting: img.dataset.setting,
               message: msg && !msg.hidden ? msg.textContent : '',
               link: p.el.querySelector('.relubook-setting-link a').href}}; }}""")


def _other_frame(manifest: dict) -> dict:
    """A frame far from the first: every control moved if the grid has one, else as many as can move
    (a control with a single value on the site's grid, as in exercise 5's playground, cannot)."""
    first = manifest["frames"][0]

    def moved(f: dict) -> int:
        return sum(a != b for a, b in zip(f["keys"], first["keys"], strict=True))

    return max(reversed(manifest["frames"]), key=moved)


@pytest.mark.parametrize("page", FRAME_PAGES or NONE)
def test_copy_link_round_trips(browser, base_url, page):
    """Move each widget, copy its link, open the link in a fresh tab: the same picture."""
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone",
                                              permissions=["clipboard-read", "clipboard-write"])
    try:
        names = tab.evaluate("() => window.relubookFrames.players.map(p => p.name)")
        buttons = tab.locator(".relubook-copy-link")
        assert buttons.count() == len(names), f"{page}: {buttons.count()} copy-link controls for {len(names)} widgets"
        for n, name in enumerate(names):
            widget = tab.locator(".relubook-frames").nth(n)
            handle = widget.locator(".noUi-handle").first
            select = widget.locator("select").first
            if handle.count() and not widget.locator(".noUi-handle[disabled]").count():
                handle.focus()
                handle.press("End")
            elif select.count():
                select.select_option(index=select.locator("option").count() - 1)
            tab.wait_for_timeout(400)
            before = _shown(tab, name)
            widget.locator(".relubook-copy-link").click()
            tab.wait_for_function(f"() => document.querySelectorAll('.relubook-copy-status')[{n}].textContent !== ''")
            copied = tab.evaluate("() => navigator.clipboard.readText()")
            assert copied == before["link"], (copied, before["link"])
            assert re.search(rf"#{name}:", copied), copied
            other, tab2, _, errors2 = open_page(browser, base_url, page, size="laptop",
                                                 fragment=copied[copied.index("#"):])
            try:
                tab2.wait_for_timeout(300)
                after = _shown(tab2, name)
                if page.startswith("exercises/"):
                    tab2.locator(".relubook-link-message button").first.click()
                    tab2.wait_for_timeout(500)
                    after = _shown(tab2, name)
                assert after["setting"] == before["setting"], f"{page} {name}: {copied} opens {after}, not {before}"
                assert not after["message"], after["message"]
                assert not errors2, errors2
            finally:
                other.close()
        assert not errors, errors
    finally:
        context.close()


def _by_labels(manifest: dict, frame: dict) -> str:
    """A link written as a reader copies it from the screen: control labels, readouts with U+2212."""
    pairs = []
    for spec, label in zip(manifest["controls"], frame["labels"], strict=True):
        pairs.append(f"{quote(spec['description'])}={quote(label)}")
    return f"#{manifest['name']}:{','.join(pairs)}"


@pytest.mark.parametrize("page", CHAPTER_FRAME_PAGES or NONE)
def test_links_accept_labels_and_typographic_minus(browser, base_url, page):
    served = manifests(SITE)
    text = (SITE / page).read_text(errors="replace")
    for frame_id, manifest in served.items():
        if f"relubook-frames-id-{frame_id}" not in text:
            continue
        frame = _other_frame(manifest)
        fragment = _by_labels(manifest, frame)
        context, tab, blocked, errors = open_page(browser, base_url, page, size="phone", fragment=fragment)
        try:
            shown = _shown(tab, manifest["name"])
            assert shown["setting"] == frame["setting"], f"{page}: {fragment} shows {shown['setting']}"
            assert not shown["message"], shown["message"]
        finally:
            context.close()


def test_bad_links_are_answered_and_hash_changes_apply(browser, base_url):
    page = next((p for p in CHAPTER_FRAME_PAGES if "neuron" in (SITE / p).read_text(errors="replace")),
                CHAPTER_FRAME_PAGES[0] if CHAPTER_FRAME_PAGES else None)
    if page is None:
        pytest.skip("no widget page")
    served = manifests(SITE)
    text = (SITE / page).read_text(errors="replace")
    manifest = next(m for fid, m in served.items() if f"relubook-frames-id-{fid}" in text)
    name, spec = manifest["name"], manifest["controls"][0]
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone")
    try:
        first = _shown(tab, name)
        # an unknown control: the message names it and the widget's controls; the first picture stays
        tab.evaluate(f"() => {{ location.hash = '#{name}:nosuchcontrol=1'; }}")
        tab.wait_for_timeout(500)
        seen = _shown(tab, name)
        assert "nosuchcontrol" in seen["message"] and spec["key"] in seen["message"], seen
        assert seen["frame"] == first["frame"]
        # a value that is not a number (or not an option)
        tab.evaluate(f"() => {{ location.hash = '#{name}:{spec['key']}=banana'; }}")
        tab.wait_for_timeout(500)
        assert "banana" in _shown(tab, name)["message"]
        # an unknown widget: a message at the top of the page
        tab.evaluate("() => { location.hash = '#nosuchwidget:x=1'; }")
        tab.wait_for_timeout(500)
        page_msg = tab.evaluate("() => (document.querySelector('.relubook-page-link-message') || {}).textContent")
        assert page_msg and "nosuchwidget" in page_msg and name in page_msg, page_msg
        # a same-page change of the fragment to a real setting applies it, with no reload
        frame = _other_frame(manifest)
        marker = tab.evaluate("() => { window.__noReload = 1; return 1; }")
        fragment = _by_labels(manifest, frame)
        tab.evaluate(f"() => {{ location.hash = {json.dumps(fragment)}; }}")
        tab.wait_for_function(f"""() => {{
            const p = window.relubookFrames.players.find(p => p.name === {json.dumps(name)});
            return p.el.querySelector('.widget-output img').dataset.setting === {json.dumps(frame['setting'])}; }}""",
                              timeout=10_000)
        assert tab.evaluate("() => window.__noReload") == marker
        # the earlier link's message goes once the good link's frame is shown (a few ms after its picture)
        tab.wait_for_function(f"""() => {{
            const p = window.relubookFrames.players.find(p => p.name === {json.dumps(name)});
            const msg = p.el.querySelector('.relubook-link-message');
            return !msg || msg.hidden || !msg.textContent; }}""", timeout=5_000)
        assert not _shown(tab, name)["message"]
        # off the grid: the nearest value is shown and the message says so
        if spec["kind"] == "value" and len(spec["keys"]) > 1:
            between = (spec["keys"][0] + spec["keys"][1]) / 2 + 1e-3 * abs(spec["keys"][1] - spec["keys"][0])
            tab.evaluate(f"() => {{ location.hash = '#{name}:{spec['key']}={between!r}'; }}")
            tab.wait_for_timeout(600)
            assert "nearest" in _shown(tab, name)["message"]
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("page", EXERCISE_FRAME_PAGES or NONE)
def test_exercise_links_ask_before_showing_a_setting(browser, base_url, page):
    """A link must not give an exercise's answer away: the widget starts where the exercise starts."""
    served = manifests(SITE)
    text = (SITE / page).read_text(errors="replace")
    manifest = next(m for fid, m in served.items() if f"relubook-frames-id-{fid}" in text)
    frame = _other_frame(manifest)
    fragment = _by_labels(manifest, frame)
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone")
    first = _shown(tab, manifest["name"])
    context.close()
    context, tab, blocked, errors = open_page(browser, base_url, page, size="phone", fragment=fragment)
    try:
        tab.wait_for_timeout(300)
        shown = _shown(tab, manifest["name"])
        assert shown["frame"] == first["frame"], "a link set an exercise's widget by itself"
        assert "exercise" in shown["message"], shown["message"]
        tab.locator(".relubook-link-message button").first.click()
        tab.wait_for_timeout(600)
        assert _shown(tab, manifest["name"])["setting"] == frame["setting"]
    finally:
        context.close()


def test_grid_note_under_every_widget_names_its_values(browser, base_url):
    """The site's grid is said on the page, from the controls' own range (point 7)."""
    served = manifests(SITE)
    for page in CHAPTER_FRAME_PAGES:
        context, tab, blocked, errors = open_page(browser, base_url, page, size="laptop")
        try:
            notes = tab.evaluate("""() => window.relubookFrames.players.map(p => ({id: p.id,
                note: (p.el.querySelector('.relubook-frames-grid') || {}).textContent || ''}))""")
            for entry in notes:
                manifest = served[entry["id"]]
                for spec in manifest["controls"]:
                    if len(spec["keys"]) < 2:
                        continue
                    if spec["kind"] == "index" and len(spec["keys"]) > 8:
                        assert f"{len(spec['keys'])} options" in entry["note"], (page, spec["key"], entry["note"])
                        continue
                    first = spec["labels"][0].rstrip("0").rstrip(".").replace("−", "")
                    assert first in entry["note"].replace("−", ""), (page, spec["key"], entry["note"])
                    if spec["kind"] == "value" and len(spec["keys"]) > 6 and "log" not in entry["note"]:
                        assert f"({len(spec['keys'])} values)" in entry["note"], (page, spec["key"], entry["note"])
        finally:
            context.close()


PLAY_PAGES = [p for p in FRAME_PAGES if "widget-play" in (SITE / p).read_text(errors="replace")
              or '"PlayModel"' in (SITE / p).read_text(errors="replace")]


@pytest.mark.parametrize("page", PLAY_PAGES or NONE)
def test_play_runs_at_a_visible_pace_and_starts_again_at_the_end(browser, base_url, page):
    """Play shows each frame of the training for a moment, and Play pressed at the end starts again (point 9)."""
    context, tab, blocked, errors = open_page(browser, base_url, page, size="laptop")
    try:
        found = tab.evaluate("""() => window.relubookFrames.players.map((p, n) => [n,
            p.controls.findIndex(c => c.get('_model_name') === 'PlayModel')]).filter(x => x[1] >= 0)""")
        assert found, f"{page}: no Play control"
        for n, i in found:
            play = tab.locator(".relubook-frames").nth(n).locator(".widget-play button")
            read = f"""() => {{ const c = window.relubookFrames.players[{n}].controls[{i}];
                return {{value: c.get('value'), min: c.get('min'), max: c.get('max'), step: c.get('step'),
                         playing: c.get('playing'), interval: c.get('interval')}}; }}"""
            start = tab.evaluate(read)
            positions = round((start["max"] - start["min"]) / start["step"])
            t0 = tab.evaluate("() => performance.now()")
            play.nth(0).click()
            tab.wait_for_function(f"() => ({read})().value === ({read})().max", timeout=60_000)
            seconds = (tab.evaluate("() => performance.now()") - t0) / 1000
            assert seconds >= min(2.0, 0.3 * positions), f"{page}: Play ran {positions} steps in {seconds:.2f} s"
            tab.wait_for_function(f"() => !({read})().playing", timeout=5_000)
            play.nth(0).click()  # Play at the end: the run starts again
            tab.wait_for_function(f"() => ({read})().value < ({read})().max", timeout=5_000)
            tab.wait_for_timeout(200)
            assert tab.evaluate(read)["playing"], f"{page}: Play at the end did not start again"
            play.nth(1).click()  # stop
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("page", CHAPTER_FRAME_PAGES or NONE)
def test_a_printed_page_shows_figures_not_controls(browser, base_url, page):
    """Printing a page (the download menu's 'This page (print)'): wrapped code, each widget's picture
    without its dead controls, no empty widget box; the menu also offers the whole book's PDF (point 19)."""
    context, tab, blocked, errors = open_page(browser, base_url, page, size="laptop")
    try:
        menu = tab.evaluate("""() => Array.from(document.querySelectorAll('.dropdown-download-buttons li'))
            .map(li => [li.textContent.trim(), (li.querySelector('a') || {}).href || ''])""")
        names = [name for name, _ in menu]
        assert "This page (print)" in names and "Whole book (PDF)" in names, menu
        book = next(href for name, href in menu if name == "Whole book (PDF)")
        assert book.endswith("/releases/latest") and book.startswith("https://github.com/"), book
        tab.emulate_media(media="print")
        seen = tab.evaluate("""() => ({
          controls: Array.from(document.querySelectorAll('.relubook-frames > :first-child'))
            .filter(el => el.getClientRects().length).length,
          pictures: Array.from(document.querySelectorAll('.relubook-frames .widget-output img'))
            .filter(el => el.getClientRects().length).length,
          widgets: document.querySelectorAll('.relubook-frames').length,
          code: Array.from(document.querySelectorAll('div.cell_input pre'))
            .filter(pre => getComputedStyle(pre).whiteSpace !== 'pre-wrap').length,
          empty: Array.from(document.querySelectorAll('div.cell_output'))
            .filter(o => o.querySelector('.widget-subarea') && o.getClientRects().length
                         && !o.querySelector('img') && !(o.innerText || '').trim()).length,
        })""")
        assert seen["controls"] == 0, f"{page}: {seen['controls']} widgets print their controls"
        assert seen["pictures"] == seen["widgets"], f"{page}: {seen}"
        assert seen["code"] == 0 and seen["empty"] == 0, seen
    finally:
        context.close()
