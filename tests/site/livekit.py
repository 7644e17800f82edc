"""Helpers for the live-page tests (issue 30): open a page offline, make it live, run its cells.

A live page runs its code in Pyodide in a Web Worker, from the site's own _static/pyodide/. The
page exposes ``window.relubookLive`` (browser/live/index.js): ``state`` ("idle", "starting",
"ready", "failed"), ``timings``, ``cellRuns`` (one entry per cell run, with its text outputs),
``widgetUpdates``, ``page`` (the cells, ``runUpTo(i)``) and ``start()``.
"""

from __future__ import annotations

import configparser
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import ROOT, offline_context, site_path

START_TIMEOUT_MS = 300_000  # a cold start on a loaded 2-core machine: up to a minute; leave room
RUN_TIMEOUT_MS = 900_000


@dataclass
class LiveTab:
    """A page opened in its own fresh browser context (empty cache), every outside request blocked."""

    page: str
    context: object
    tab: object
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    local_files: list[str] = field(default_factory=list)

    def start(self) -> dict:
        started = time.perf_counter()
        self.tab.click(".relubook-live-button")
        self.tab.wait_for_function("['ready', 'failed'].includes(window.relubookLive.state)",
                                   timeout=START_TIMEOUT_MS)
        info = self.tab.evaluate("() => ({state: relubookLive.state, timings: relubookLive.timings, "
                                 "errors: relubookLive.errors, status: document.querySelector('.relubook-live-status')"
                                 ".textContent})")
        info["seconds"] = time.perf_counter() - started
        return info

    def settle(self) -> dict:
        """Wait until the background loading is done and the warm-start caches are written (before a reload)."""
        return self.tab.evaluate("() => relubookLive.page.python.request({type: 'settled'})")

    def cells(self) -> list[dict]:
        return self.tab.evaluate("() => relubookLive.page.cells.map((c, i) => ({i, index: c.index, shown: c.shown, "
                                 "tags: c.tags, source: c.source, ran: c.ran}))")

    def run_up_to(self, position: int) -> list[dict]:
        """Run the page's cells up to ``position`` (in the page's list); the runs recorded since."""
        before = self.tab.evaluate("() => relubookLive.cellRuns.length")
        self.tab.evaluate(f"() => relubookLive.page.runUpTo({position})")
        return self.tab.evaluate(f"() => relubookLive.cellRuns.slice({before})")

    def type_into(self, position: int, code: str) -> None:
        editor = self.tab.locator(".relubook-live-editor").nth(self.shown_rank(position))
        editor.fill(code)

    def shown_rank(self, position: int) -> int:
        cells = self.cells()
        return sum(1 for c in cells[:position] if c["shown"])

    def output_text(self, position: int) -> str:
        return self.tab.evaluate(f"() => (relubookLive.page.cells[{position}].output || {{}}).innerText || ''")

    def runtime_files(self) -> list[str]:
        return [f for f in self.local_files if f.startswith("_static/pyodide/")]

    def close(self) -> None:
        self.context.close()


def open_live(browser, base_url: str, page: str, *, storage_state: dict | None = None) -> LiveTab:
    blocked: list[str] = []
    kwargs = {"storage_state": storage_state} if storage_state else {}
    context = offline_context(browser, base_url, blocked, **kwargs)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    tab = context.new_page()
    live = LiveTab(page, context, tab, blocked)
    tab.on("console", lambda m: live.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: live.console_errors.append(f"uncaught: {e}"))

    def on_response(response):
        path = site_path(response.url, base_url)
        if path is not None:
            live.local_files.append(path)

    context.on("response", on_response)  # the worker's requests too
    tab.goto(base_url + page, wait_until="load")
    tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'", timeout=30_000)
    return live


# ------------------------------------------------------------------ comparing outputs as nbval does
def _sanitizers() -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


SANITIZERS = _sanitizers()


def sanitize(text: str) -> str:
    for pattern, replace in SANITIZERS:
        text = pattern.sub(replace, text)
    return text


def stored_text(cell: dict) -> str:
    """A stored cell's text outputs as nbval compares them: streams and text/plain results."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append("".join(out["text"]))
        elif out["output_type"] in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and not any(m.startswith("image/") or m == "text/html" or "widget" in m
                                                for m in data):
                parts.append("".join(data["text/plain"]))
    return sanitize("".join(parts))


def live_text(outputs: list[dict]) -> str:
    parts = []
    for out in outputs:
        if out["output_type"] == "stream":
            parts.append("".join(out.get("text") or ""))
        elif out["output_type"] in ("execute_result", "display_data"):
            mimes = out.get("mimes") or []
            if out.get("plain") is not None and not any(m.startswith("image/") or m == "text/html" or "widget" in m
                                                        for m in mimes):
                parts.append("".join(out["plain"]))
    return sanitize("".join(parts))


def numbers_close(a: str, b: str) -> bool:
    """Equal texts, or texts whose numbers differ by at most one unit in their last printed digit
    (arithmetic in wasm, with another NumPy and no OpenBLAS kernel choice, may round differently)."""
    if a == b:
        return True
    number = re.compile(r"-?\d+\.(\d+)(?:e[-+]?\d+)?")
    if number.sub("#", a) != number.sub("#", b):
        return False
    for x, y in zip(number.finditer(a), number.finditer(b), strict=True):
        unit = 10.0 ** -max(len(x.group(1)), len(y.group(1)))
        exponent = re.search(r"e([-+]?\d+)$", x.group(0))
        if exponent:
            unit *= 10.0 ** int(exponent.group(1))
        if abs(float(x.group(0)) - float(y.group(0))) > 1.01 * unit:
            return False
    return True


def notebook_of(page: str) -> Path:
    return ROOT / Path(page).with_suffix(".ipynb")
