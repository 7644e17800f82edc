"""In-browser figures of the live pages (issue 30), for `make bench` (bench/run.py calls measure()).

On the built site (``_build/html``, or ``RELU_SITE_DIR``) served on 127.0.0.1 to Debian's
chromium with every outside request blocked:

* cold (empty cache): bytes fetched and seconds from the click on "Make this page live" to the
  first NumPy result, then to the first matplotlib figure;
* warm (same browser, the runtime in its HTTP cache and the bytecode cache in IndexedDB): the same
  first NumPy result again;
* every chapter's cells run in the browser, against the native run time the notebook stored
  (``metadata.execution``) when the book was last executed;
* widget updates on a live page: each live widget's first numeric control moved through settings
  off its frame grid, median and p95 from the move to the new picture.

Goals (issue 30): first NumPy result <= 10 s cold and <= 3 s warm; non-training widget update
p95 <= 300 ms. Usage: ``python bench/live.py`` prints the report lines and writes bench/live.json.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("RELU_SITE_DIR", ROOT / "_build" / "html")).resolve()
sys.path.insert(0, str(ROOT / "tests" / "site"))

FIRST_PAGE = "chapters/01_definition.html"
NUMPY_CELL = "import numpy as np\nnp.maximum(0, np.array([-1., 2.]))"
FIGURE_CELL = "import matplotlib.pyplot as plt\nplt.plot([-1, 0, 1], [0, 0, 1])\nplt.show()"
WIDGET_MOVES = 12

RUN_CODE = """
async (code) => {
  const t0 = performance.now();
  const outputs = [];
  const result = await relubookLive.page.python.request({type: 'run', code}, {onOutput: (o) => outputs.push(o)});
  const kinds = outputs.map((o) => Object.keys(o.data || {}).join(',') || o.output_type);
  return {ms: performance.now() - t0, ok: result.ok, kinds, end: performance.timeOrigin + performance.now()};
}
"""

MOVE_WIDGETS = """
async (moves) => {
  const rows = [];
  for (const player of (window.relubookFrames || {}).players || []) {
    if (!player.liveStates) continue;
    const manifest = await player.manifest();
    const i = player.liveStates.findIndex((s) => !('index' in s) && typeof s.value === 'number' && s.step);
    if (i < 0) continue;
    const s = player.liveStates[i];
    const keys = manifest.controls[i].keys;
    // settings off the frame grid first; a live page draws every setting in Python, so where the
    // grid holds every step of the slider (hinges, slope, ...) the moves go to grid settings
    const offGrid = [];
    const onGrid = [];
    for (let k = 1; s.min + k * s.step < s.max; k++) {
      const at = s.min + k * s.step; // a log slider's min, max and step are exponents of its base
      const v = Number(('base' in s ? s.base ** at : at).toPrecision(10));
      if (Math.abs(v - s.value) <= 1e-9 * Math.max(1, Math.abs(v))) continue;
      (keys.some((key) => Math.abs(key - v) <= 1e-9 * Math.max(1, Math.abs(v))) ? onGrid : offGrid).push(v);
    }
    const values = [...offGrid, ...onGrid].slice(0, moves);
    const before = relubookLive.widgetUpdates.length;
    for (const v of values) {
      const count = relubookLive.widgetUpdates.length;
      player.controls[i].set('value', v);
      for (let t = 0; t < 1200 && relubookLive.widgetUpdates.length === count; t++) {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const updates = relubookLive.widgetUpdates.slice(before);
    rows.push({widget: player.name, ms: updates.map((u) => u.ms), python_ms: updates.map((u) => u.python_ms),
               off_grid: Math.min(offGrid.length, moves)});
  }
  return rows;
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _bytes(live, since: int) -> int:
    files = set(live.local_files[since:])
    return sum((SITE / f).stat().st_size for f in files if (SITE / f).is_file())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _chapter_run(live, page: str) -> dict:
    from livekit import notebook_of

    info = live.start()
    cells = live.cells()
    runs = live.run_up_to(len(cells) - 1)
    widgets = live.tab.evaluate(MOVE_WIDGETS, WIDGET_MOVES)
    from sphinx_live import page_cells

    cells_info = page_cells(json.loads(notebook_of(page).read_text()))
    native = {c["index"]: c["seconds"] for c in cells_info}
    # a cell tagged raises-exception shows an error on purpose (chapter 1's scalar `if` on an array)
    expected = {c["index"] for c in cells_info if "raises-exception" in c["tags"]}
    rows = [{"index": r["index"], "browser_s": r["seconds"], "native_s": native.get(r["index"]),
             "ok": r["ok"] or r["index"] in expected} for r in runs]
    return {"start_s": info["seconds"], "rows": rows, "widgets": widgets,
            "failed": [row["index"] for row in rows if not row["ok"]]}


def measure(site: Path = SITE, start_only: bool = False) -> dict:
    """Every figure above, or {"skipped": reason} when there is no built site or no chromium."""
    if not (site / FIRST_PAGE).is_file() or not (site / "_static" / "pyodide" / "manifest.json").is_file():
        return {"skipped": f"no built site with live code in {site} (make book)", "goals": []}
    sys.path.insert(0, str(ROOT / "tools"))
    from livekit import open_live
    from playwright.sync_api import sync_playwright
    from sitekit import CHROMIUM, CHROMIUM_FLAGS

    server, base = _serve(site)
    out: dict = {"site": str(site), "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        return _measure(site, base, out, open_live, sync_playwright, CHROMIUM, CHROMIUM_FLAGS, start_only)
    except Exception as exc:  # no chromium, a page that does not start: say so in the report
        print(f"[bench] live pages not measured: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"skipped": f"{type(exc).__name__}: {exc}", "goals": [], **out}
    finally:
        server.shutdown()


PHASES = """
async () => {
  const m = relubookLive.marks || {};
  const later = await relubookLive.page.python.request({type: 'marks'});
  return {marks: {...(later && later.marks), ...m}, arrivals: (later && later.arrivals) || {},
          startup: (later && later.startup) || {}};
}
"""


def phases(recorded: dict, first_result_at: float) -> list[dict]:
    """The start-up's phases in the order they ended: name, ms after the click, ms since the previous one.

    ``recorded`` holds the page's and the worker's marks (epoch ms, browser/live/worker.js) and when
    each runtime file finished arriving; ``first_result_at`` is the epoch ms of the first NumPy result.
    """
    marks = dict(recorded["marks"])
    click = marks.pop("click")
    marks["first_result"] = first_result_at
    rows, previous = [], 0.0
    for name, at in sorted(marks.items(), key=lambda kv: kv[1]):
        rows.append({"phase": name, "at_ms": at - click, "ms": at - click - previous})
        previous = at - click
    arrivals = recorded.get("arrivals", {})
    for name in ("pyodide.asm.wasm", "python_stdlib.zip", "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"):
        if name in arrivals:
            rows.append({"phase": f"arrived: {name}" + (" (HTTP cache)" if arrivals[name]["cached"] else ""),
                         "at_ms": arrivals[name]["end"] - click, "ms": None})
    return rows


def _start(live, out: dict, key: str) -> tuple[int, float]:
    """Click, run the first NumPy cell; record the time, the phases and the bytes under ``key``."""
    before = len(live.local_files)
    t0 = time.perf_counter()
    info = live.start()
    first = live.tab.evaluate(RUN_CODE, NUMPY_CELL)
    out[f"{key}_first_result_s"] = time.perf_counter() - t0
    out[f"{key}_first_result_MB"] = _bytes(live, before) / 1e6
    out[f"{key}_ready"] = info
    out[f"{key}_first_check"] = first
    out[f"{key}_first_end"] = first["end"]
    recorded = live.tab.evaluate(PHASES)
    out[f"{key}_phases"] = phases(recorded, first["end"])
    out[f"{key}_startup"] = recorded.get("startup", {})
    out[f"{key}_load"] = os.getloadavg()[0]
    return before, t0


def _reader_browser(pw, chromium: str, flags: list[str], base: str, profile: str):
    """A browser as a reader has one: a profile on disk (HTTP cache and compiled-wasm cache kept between visits).

    The tests block outside requests by routing every request through Playwright, which turns the
    browser's HTTP cache off, so a "warm" start there fetches everything again. Here nothing is routed:
    every host but 127.0.0.1 resolves to nowhere, and any request for one is recorded as blocked.
    """
    from livekit import LiveTab
    from sitekit import site_path

    context = pw.chromium.launch_persistent_context(
        profile, executable_path=chromium, headless=True, viewport={"width": 1280, "height": 900},
        args=[*flags, "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
    context.set_default_timeout(900_000)
    tab = context.pages[0] if context.pages else context.new_page()
    live = LiveTab(FIRST_PAGE, context, tab)

    def on_request(request):
        host = urlsplit(request.url).hostname
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and host != "127.0.0.1":
            live.blocked.append(request.url)

    def on_response(response):
        path = site_path(response.url, base)
        if path is not None:
            live.local_files.append(path)

    context.on("request", on_request)
    context.on("response", on_response)
    tab.on("pageerror", lambda e: live.console_errors.append(f"uncaught: {e}"))
    return live


def _visit(live, url: str) -> None:
    live.tab.goto(url, wait_until="load")
    live.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'", timeout=30_000)


def _measure(site, base, out, open_live, sync_playwright, chromium, flags, start_only=False) -> dict:
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=flags)
        live = _reader_browser(pw, chromium, flags, base, profile)
        _visit(live, base + FIRST_PAGE)
        before, t0 = _start(live, out, "cold")
        fig = live.tab.evaluate(RUN_CODE, FIGURE_CELL)
        out["cold_first_figure_s"] = time.perf_counter() - t0
        out["cold_first_figure_MB"] = _bytes(live, before) / 1e6
        out["first_checks"] = {"numpy": out["cold_first_check"], "figure": fig}
        # warm: a new page in the same browser context (HTTP cache, IndexedDB: bytecode, memory snapshot),
        # once the first page's background loading is done and its caches are written
        live.settle()
        out["cold_phases"] = phases(live.tab.evaluate(PHASES), out["cold_first_end"])  # with the background
        live.tab.goto(base + "intro.html", wait_until="load")  # the reader goes elsewhere, and comes back
        _visit(live, base + FIRST_PAGE)
        _start(live, out, "warm")
        out["blocked"] = list(live.blocked)
        live.close()
        if start_only:
            browser.close()
            return summarise(out)
        live = open_live(browser, base, FIRST_PAGE)
        chapters = {}
        for page in sorted(p.relative_to(site).as_posix() for p in (site / "chapters").glob("*.html")):
            live.tab.goto(base + page, wait_until="load")
            live.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'")
            chapters[page] = _chapter_run(live, page)
        out["chapters"] = chapters
        live.close()
        browser.close()
    return summarise(out)


def training_widgets() -> set[str]:
    """The update functions that train networks, as their modules list them (``TRAINING_WIDGETS``).

    The native widget bench (bench/run.py) gives these the training goal; the live goal (p95 <= 300 ms)
    is for the others.
    """
    import pkgutil

    import relubook.widgets as package

    names = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"relubook.widgets.{info.name}")
        names.update(getattr(module, "TRAINING_WIDGETS", ()))
    return names


def summarise(out: dict) -> dict:
    """Goal rows (bench/run.py's format) and the report's lines."""
    goal = _goal
    trains = training_widgets()
    updates = [ms for ch in out.get("chapters", {}).values() for w in ch["widgets"]
               if f"update_{w['widget']}" not in trains for ms in w["ms"]]
    goals = [goal("live: first NumPy result, cold", out["cold_first_result_s"], 10, "s"),
             goal("live: first NumPy result, warm", out["warm_first_result_s"], 3, "s")]
    if updates:
        goals.append(goal("live: widget update p95 (non-training)", _percentile(updates, 0.95), 300, "ms"))
    lines = ["", "## Live pages: Python in the browser (issue 30)", "",
             f"Cold start on {FIRST_PAGE}: first NumPy result after {out['cold_first_result_s']:.1f} s and "
             f"{out['cold_first_result_MB']:.1f} MB; first figure after {out['cold_first_figure_s']:.1f} s and "
             f"{out['cold_first_figure_MB']:.1f} MB; warm (cached) first result {out['warm_first_result_s']:.1f} s "
             f"(load average {out.get('cold_load', float('nan')):.1f} and {out.get('warm_load', float('nan')):.1f}; "
             f"warm start from the memory snapshot: {out.get('warm_startup', {}).get('from_snapshot', '?')}). "
             "Warm: the same browser profile (HTTP cache, compiled-wasm cache, IndexedDB) on a later visit.",
             "", "Where the time goes, from the click (ms; the worker's and the page's marks):", "",
             "| phase | cold: ends at | cold: takes | warm: ends at | warm: takes |", "|---|---:|---:|---:|---:|"]
    cold = {r["phase"]: r for r in out.get("cold_phases", [])}
    warm = {r["phase"]: r for r in out.get("warm_phases", [])}
    def cell(row, key):
        return "-" if row is None or row[key] is None else f"{row[key]:.0f}"

    for name in list(cold) + [n for n in warm if n not in cold]:
        c, w = cold.get(name), warm.get(name)
        lines.append(f"| {name} | {cell(c, 'at_ms')} | {cell(c, 'ms')} | {cell(w, 'at_ms')} | {cell(w, 'ms')} |")
    lines += ["", "| chapter | cells | failed | browser s | native s | × native "
              "| widget updates median / p95 ms (training widgets included) |",
              "|---|---:|---:|---:|---:|---:|---|"]
    for page, ch in out.get("chapters", {}).items():
        timed = [r for r in ch["rows"] if r["native_s"]]
        b = sum(r["browser_s"] for r in timed)
        n = sum(r["native_s"] for r in timed)
        ms = [m for w in ch["widgets"] for m in w["ms"]]
        wtext = f"{statistics.median(ms):.0f} / {_percentile(ms, 0.95):.0f}" if ms else "-"
        lines.append(f"| {page} | {len(ch['rows'])} | {len(ch['failed'])} | {b:.1f} | {n:.1f} | "
                     f"{(b / n if n else float('nan')):.1f} | {wtext} |")
    lines += ["", "Each widget on a live page: its first numeric control moved to settings off the frame grid (or, "
              "where the grid holds every step, to grid settings, also drawn in Python once live); the time runs "
              "from the move to the new picture on the page, Python's own share beside it.", "",
              "| widget | chapter | moves (off the grid) | median ms | p95 ms | max ms | Python median ms |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for page, ch in out.get("chapters", {}).items():
        for w in ch["widgets"]:
            if not w["ms"]:
                continue
            kind = " (trains)" if f"update_{w['widget']}" in trains else ""
            python = statistics.median(w["python_ms"]) if w.get("python_ms") else float("nan")
            lines.append(f"| {w['widget']}{kind} | {page.split('/')[-1]} | {len(w['ms'])} ({w.get('off_grid', '?')}) "
                         f"| {statistics.median(w['ms']):.0f} | {_percentile(w['ms'], 0.95):.0f} | {max(w['ms']):.0f} "
                         f"| {python:.0f} |")
    lines += ["", "Native times are those the notebooks stored when they were last executed (another load on "
              "the machine); browser times are this run's, on Debian's chromium with 2 cores shared"
              + (f" (bench/live.py, {out['measured']})." if out.get("measured") else ".")]
    out["goals"] = goals
    out["lines"] = lines
    return out


def _goal(name: str, value: float, limit: float, unit: str) -> dict:
    return {"goal": name, "value": value, "limit": limit, "unit": unit, "direction": "≤", "met": bool(value <= limit)}


if __name__ == "__main__":
    start_only = "--start" in sys.argv[1:]  # only the cold and warm start (quick), not the chapters
    result = measure(start_only=start_only)
    if not start_only:
        (ROOT / "bench" / "live.json").write_text(json.dumps(result, indent=1, default=float))
    print("\n".join(result.get("lines", [result.get("skipped", "")])))
