"""Fixtures for the browser tests: the built site served on 127.0.0.1, Debian's chromium, visits.

Every test here reads the site a reader gets from `make book` (``_build/html``; the environment
variable ``RELU_SITE_DIR`` points elsewhere). One browser serves the whole run; each page is opened
once, in a fresh browser context (empty cache: a reader's first visit) in which any request that
leaves 127.0.0.1 is aborted and recorded, and everything the tests ask about it is recorded then
(``visit(page)``). Figures (axe-core, page weight) are printed at the end of the run; screenshots
and report.json go to tests/artifacts/site/.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from pathlib import Path

import pytest
from sitekit import (
    ARTIFACTS,
    AXE_JS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    READ_ICONS,
    READ_IMAGES,
    READ_MATH,
    READ_WIDGETS,
    REPORT,
    RUN_AXE,
    SITE,
    WAIT_FOR_MATH,
    WAIT_FOR_WIDGETS,
    WIDGET_STATE,
    Visit,
    classify_axe,
    offline_context,
    site_path,
)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (SITE / "intro.html").exists():
        pytest.fail(f"no built site in {SITE}: run `make book` first (make test does)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install -y chromium (.ci/run does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def visit(browser, base_url, site_dir):
    """visit(page) -> Visit: the page opened once on a first visit; the result is cached."""
    cache: dict[str, Visit] = {}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _visit(page: str) -> Visit:
        if page in cache:
            return cache[page]
        start = time.perf_counter()
        v = Visit(page)
        context = offline_context(browser, base_url, v.blocked_requests)
        tab = context.new_page()
        tab.on("console", lambda m: v.console_errors.append(f"{m.text} @ {m.location.get('url', '')}")
               if m.type == "error" else None)
        tab.on("pageerror", lambda e: v.console_errors.append(f"uncaught: {e}"))
        tab.on("requestfailed", lambda r: v.failed_requests.append(f"{r.url} ({r.failure})"))

        def on_response(r):
            if r.status >= 400:
                v.failed_requests.append(f"{r.url} (HTTP {r.status})")
            elif (path := site_path(r.url, base_url)) is not None:
                v.local_files.append(path)

        tab.on("response", on_response)
        pending: dict[int, str] = {}  # requests not finished yet: named if the network never goes idle
        tab.on("request", lambda r: pending.__setitem__(id(r), r.url))
        tab.on("requestfinished", lambda r: pending.pop(id(r), None))
        tab.on("requestfailed", lambda r: pending.pop(id(r), None))
        tab.goto(base_url + page, wait_until="load")
        v.math["wait"] = tab.evaluate(WAIT_FOR_MATH)
        if v.math["wait"] == "typeset":
            tab.evaluate("() => MathJax.typesetPromise ? MathJax.typesetPromise() : null")
        if WIDGET_STATE in (site_dir / page).read_text(errors="replace"):
            try:
                tab.wait_for_function(WAIT_FOR_WIDGETS, timeout=20_000,
                )
            except Exception as exc:  # the assertion in the test says what is missing
                v.widgets["timeout"] = str(exc).splitlines()[0]
        try:
            tab.wait_for_load_state("networkidle", timeout=30_000)
        except Exception as exc:
            context.close()
            raise AssertionError(f"{page}: the network never went idle in 30 s; still open: "
                                 f"{sorted(set(pending.values()))[:10]}") from exc
        v.math.update(tab.evaluate(READ_MATH))
        v.images = tab.evaluate(READ_IMAGES)
        v.widgets.update(tab.evaluate(READ_WIDGETS))
        v.icons = tab.evaluate(READ_ICONS)
        if AXE_JS.exists():
            tab.add_script_tag(path=str(AXE_JS))
            v.axe = classify_axe(tab.evaluate(RUN_AXE))
            REPORT["axe"][page] = v.axe
        if page.startswith("chapters/"):
            tab.screenshot(path=str(ARTIFACTS / (Path(page).stem + ".png")), full_page=True)
        context.close()
        v.seconds = time.perf_counter() - start
        REPORT["timing"][page] = v.seconds
        cache[page] = v
        return v

    return _visit


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tr = terminalreporter
    if REPORT["weight"]:
        tr.section("site: page weight (uncompressed)")
        for line in REPORT["weight"].get("lines", []):
            tr.write_line(line)
    if REPORT["axe"]:
        tr.section("site: axe-core serious/critical violations")
        own = sum(len(r["own"]) for r in REPORT["axe"].values())
        theme = sum(len(r["theme"]) for r in REPORT["axe"].values())
        tr.write_line(f"{len(REPORT['axe'])} pages checked: {own} in the book's content, "
                      f"{theme} in the theme around it (both must be 0)")
        seen: dict[str, int] = {}
        for r in REPORT["axe"].values():
            for entry in r["theme"]:
                key = re.sub(r"\): .*", ")", entry)
                seen[key] = seen.get(key, 0) + 1
        for key, n in sorted(seen.items(), key=lambda kv: -kv[1]):
            tr.write_line(f"  theme: {key} on {n} element(s)")
        for page, r in sorted(REPORT["axe"].items()):
            for entry in r["own"]:
                tr.write_line(f"  OWN {page}: {entry}")
    if REPORT["timing"]:
        total = sum(REPORT["timing"].values())
        tr.write_line(f"site: {len(REPORT['timing'])} pages opened in {total:.1f} s")
    if REPORT["axe"] or REPORT["weight"]:
        (ARTIFACTS).mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "report.json").write_text(json.dumps(REPORT, indent=1, default=str))
