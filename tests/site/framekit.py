"""Driving the static site's precomputed widgets in the browser (issue 16), for tests and ``make bench``.

A widget that ``live()`` made during ``make book`` shows frames precomputed by its own update
function (relubook/widgets/frames.py); the book's widget manager swaps them as a control moves
(browser/widgets/frames.js) and records every swap's latency in ``window.relubookFrames``.

:func:`exercise_page` opens one page with every request outside 127.0.0.1 blocked, moves every
control of every such widget and back, and returns what it saw. :func:`measure` does it for
every page of a built site and summarises, per widget, the frames, their bytes, the build time
and the swap latency (median, p95): that is what ``make bench`` reports (bench/run.py calls
``measure()``; see its docstring).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

WAIT_READY = """
() => window.relubookFrames && window.relubookFrames.ready === true
"""

# Everything a test asks about a widget: its frame id and name, its controls (kind, readout),
# and the picture it shows (frame index, the frame's own labels, alt text, caption).
READ_PLAYERS = """
() => window.relubookFrames.players.map((p, n) => {
  const img = p.el.querySelector('.widget-output img');
  const panel = p.el.children[0];
  const controls = Array.from(panel ? panel.children : []).map(el => {
    const select = el.querySelector('select');
    const readout = el.querySelector('.widget-readout');
    const handle = el.querySelector('.noUi-handle');
    const play = el.querySelector('.widget-play');
    return {
      kind: select ? 'dropdown' : handle ? 'slider' : play ? 'play' : 'other',
      readout: select ? select.options[select.selectedIndex].text
                      : readout ? readout.textContent.trim() : null,
      options: select ? select.options.length : 0,
      selected: select ? select.selectedIndex : -1,
      disabled: !!(el.querySelector('[disabled]') || (handle && handle.closest('[disabled]'))),
      at_max: handle ? handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax') : false,
      at_min: handle ? handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemin') : false,
    };
  });
  return {
    n, id: p.id, name: p.name, controls,
    frame: img ? img.dataset.frame : null,
    labels: img && img.dataset.labels ? JSON.parse(img.dataset.labels) : null,
    setting: img ? img.dataset.setting : null,
    alt: img ? img.alt : null,
    loaded: img ? img.complete && img.naturalWidth > 0 : false,
    caption: p.caption.textContent,
    live: p.caption.getAttribute('aria-live'),
  };
})
"""


@dataclass
class PageRun:
    """What moving every control of one page's widgets did."""

    page: str
    players: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)  # one per control moved: what changed
    problems: list[str] = field(default_factory=list)
    swaps: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _player(tab, n: int) -> dict:
    return tab.evaluate(READ_PLAYERS)[n]


def _control(tab, n: int, i: int):
    return tab.locator(".relubook-frames").nth(n).locator(":scope > div").first.locator(":scope > *").nth(i)


def _wait_frame(tab, n: int, predicate: str, timeout: float = 10_000) -> None:
    tab.wait_for_function(
        f"""() => {{ const p = window.relubookFrames.players[{n}];
                    const img = p.el.querySelector('.widget-output img');
                    const f = img ? img.dataset.frame : null; return {predicate}; }}""",
        timeout=timeout)


def _check_agrees(state: dict, where: str) -> list[str]:
    """The frame's own setting equals every control's readout; alt text and caption name it."""
    out = []
    labels = state["labels"] or []
    for i, control in enumerate(state["controls"]):
        if control["readout"] is None:
            continue
        if i >= len(labels) or labels[i] != control["readout"]:
            out.append(f"{where}: control {i} reads {control['readout']!r}, the frame shows "
                       f"{labels[i] if i < len(labels) else None!r}")
    if not state["setting"] or not (state["alt"] or "").startswith(state["setting"]):
        out.append(f"{where}: alt text {state['alt']!r} does not name the setting {state['setting']!r}")
    if state["caption"] != f"Showing {state['setting']}":
        out.append(f"{where}: caption {state['caption']!r} for setting {state['setting']!r}")
    if not state["loaded"]:
        out.append(f"{where}: the frame did not load")
    return out


def _move(tab, n: int, i: int, control: dict, back: bool, before: dict) -> None:
    """Move control i of player n one step (or back), by keyboard or by choosing an option."""
    loc = _control(tab, n, i)
    if control["kind"] == "slider":
        handle = loc.locator(".noUi-handle").first
        handle.focus()
        forward = "ArrowLeft" if before["at_max"] else "ArrowRight"  # the way it first moved
        key = {"ArrowLeft": "ArrowRight", "ArrowRight": "ArrowLeft"}[forward] if back else forward
        handle.press(key)
    elif control["kind"] == "dropdown":
        select = loc.locator("select").first
        target = before["selected"] if back else (control["selected"] + 1) % control["options"]
        select.select_option(index=target)
    elif control["kind"] == "play":
        buttons = loc.locator("button")
        buttons.nth(1 if back else 0).click()  # play, then stop (back to the start)


def exercise_page(browser, base_url: str, page: str, offline_context, fragment: str = "") -> PageRun:
    """Open ``page`` offline, move every control of every precomputed widget, and move it back."""
    run = PageRun(page)
    context = offline_context(browser, base_url, run.blocked)
    tab = context.new_page()
    tab.on("console", lambda m: run.console_errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: run.console_errors.append(f"uncaught: {e}"))
    tab.goto(base_url + page + fragment, wait_until="load")
    try:
        tab.wait_for_function(WAIT_READY, timeout=30_000)
    except Exception as exc:  # noqa: BLE001 - reported as a problem
        run.problems.append(f"{page}: the widget manager never finished ({str(exc).splitlines()[0]})")
        context.close()
        return run
    run.players = tab.evaluate(READ_PLAYERS)
    for player in run.players:  # before any move: the stored widget state agrees with the stored picture
        run.problems += _check_agrees(player, f"{page} {player['name']}, as {'opened' if fragment else 'loaded'}")
    if fragment:
        context.close()
        return run
    for player in run.players:
        n = player["n"]
        first = _player(tab, n)
        if first["labels"] is None:
            run.problems.append(f"{page} {player['name']}: the first picture names no setting")
        for i, control in enumerate(first["controls"]):
            where = f"{page} {player['name']} control {i} ({control['kind']})"
            if control["kind"] == "other" or control["disabled"]:
                continue
            if control["kind"] == "dropdown" and control["options"] < 2:
                continue
            before = _player(tab, n)
            try:
                _move(tab, n, i, before["controls"][i], False, before["controls"][i])
                _wait_frame(tab, n, f"f !== {json.dumps(before['frame'])}")
            except Exception as exc:  # noqa: BLE001
                run.problems.append(f"{where}: moving it did not change the picture ({str(exc).splitlines()[0]})")
                continue
            if control["kind"] == "play":
                tab.wait_for_timeout(50)
            moved = _player(tab, n)
            run.problems += _check_agrees(moved, f"{where}, moved")
            try:
                _move(tab, n, i, moved["controls"][i], True, before["controls"][i])
                _wait_frame(tab, n, f"f === {json.dumps(before['frame'])}")
            except Exception as exc:  # noqa: BLE001
                run.problems.append(f"{where}: moving it back did not restore frame {before['frame']} "
                                    f"({str(exc).splitlines()[0]})")
                continue
            back = _player(tab, n)
            run.problems += _check_agrees(back, f"{where}, back")
            run.moves.append({"widget": player["name"], "control": i, "kind": control["kind"],
                              "from": before["frame"], "to": moved["frame"], "back": back["frame"]})
    tab.wait_for_timeout(100)
    run.swaps = tab.evaluate("() => window.relubookFrames.swaps")
    context.close()
    return run


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def manifests(site: Path) -> dict[str, dict]:
    """Every frame manifest the site serves, by frame id."""
    root = Path(site) / "_static" / "frames"
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(root.glob("*/manifest.json"))}


def measure(site: Path | str | None = None, pages: list[str] | None = None) -> list[dict]:
    """Per widget of the built site: frames, bytes, frame-build seconds, swap latency (median, p95).

    Serves ``site`` (default ``_build/html``) on 127.0.0.1, opens each page with widgets in Debian's
    chromium with every other host blocked, moves every control and back (as the browser test
    does), and returns one row per widget and page. For ``make bench`` (bench/run.py)::

        sys.path.insert(0, "tests/site"); import framekit; rows = framekit.measure()
    """
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright
    from sitekit import CHROMIUM, CHROMIUM_FLAGS, SITE, WIDGET_STATE, offline_context, site_pages

    site = Path(site or SITE)
    if pages is None:
        pages = [p for p in site_pages() if WIDGET_STATE in (site / p).read_text(errors="replace")]
    by_id = manifests(site)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            for page in pages:
                start = time.perf_counter()
                run = exercise_page(browser, base_url, page, offline_context)
                for player in run.players:
                    m = by_id.get(player["id"], {})
                    ms = [s["ms"] for s in run.swaps if s["id"] == player["id"]]
                    rows.append({
                        "page": page, "widget": player["name"], "id": player["id"],
                        "frames": len(m.get("frames", [])), "bytes": m.get("bytes", 0),
                        "build_seconds": m.get("seconds"), "swaps": len(ms),
                        "swap_median_ms": round(statistics.median(ms), 1) if ms else None,
                        "swap_p95_ms": round(percentile(ms, 0.95), 1) if ms else None,
                        "problems": [p for p in run.problems if player["name"] in p],
                        "browser_seconds": round(time.perf_counter() - start, 1),
                    })
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows
