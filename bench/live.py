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
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("RELU_SITE_DIR", ROOT / "_build" / "html")).resolve()
sys.path.insert(0, str(ROOT / "tests" / "site"))

FIRST_PAGE = "chapters/01_definition.html"
NUMPY_CELL = "import numpy as np\nnp.maximum(0, np.array([-1., 2.]))"
FIGURE_CELL = "import matplotlib.pyplot as plt\nplt.plot([-1, 0, 1], [0, 0, 1])\nplt.show()"
TRAINING_WORDS = ("train", "playground", "race", "dying", "lr")
WIDGET_MOVES = 12

RUN_CODE = """
async (code) => {
  const t0 = performance.now();
  const outputs = [];
  const result = await relubookLive.page.python.request({type: 'run', code}, {onOutput: (o) => outputs.push(o)});
  const kinds = outputs.map((o) => Object.keys(o.data || {}).join(',') || o.output_type);
  return {ms: performance.now() - t0, ok: result.ok, kinds};
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
    const values = [];
    for (let k = 1; values.length < moves && s.min + k * s.step < s.max; k++) {
      const v = Number((s.min + k * s.step).toFixed(10));
      if (!keys.some((key) => Math.abs(key - v) <= 1e-9 * Math.max(1, Math.abs(v)))) values.push(v);
    }
    const before = relubookLive.widgetUpdates.length;
    for (const v of values) {
      const count = relubookLive.widgetUpdates.length;
      player.controls[i].set('value', v);
      for (let t = 0; t < 1200 && relubookLive.widgetUpdates.length === count; t++) {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    rows.push({widget: player.name, ms: relubookLive.widgetUpdates.slice(before).map((u) => u.ms)});
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


def measure(site: Path = SITE) -> dict:
    """Every figure above, or {"skipped": reason} when there is no built site or no chromium."""
    if not (site / FIRST_PAGE).is_file() or not (site / "_static" / "pyodide" / "manifest.json").is_file():
        return {"skipped": f"no built site with live code in {site} (make book)", "goals": []}
    sys.path.insert(0, str(ROOT / "tools"))
    from livekit import open_live
    from playwright.sync_api import sync_playwright
    from sitekit import CHROMIUM, CHROMIUM_FLAGS

    server, base = _serve(site)
    out: dict = {"site": str(site)}
    try:
        return _measure(site, base, out, open_live, sync_playwright, CHROMIUM, CHROMIUM_FLAGS)
    except Exception as exc:  # no chromium, a page that does not start: say so in the report
        print(f"[bench] live pages not measured: {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"skipped": f"{type(exc).__name__}: {exc}", "goals": [], **out}
    finally:
        server.shutdown()


def _measure(site, base, out, open_live, sync_playwright, chromium, flags) -> dict:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=flags)
        live = open_live(browser, base, FIRST_PAGE)
        before = len(live.local_files)
        t0 = time.perf_counter()
        info = live.start()
        first = live.tab.evaluate(RUN_CODE, NUMPY_CELL)
        out["cold_first_result_s"] = time.perf_counter() - t0
        out["cold_first_result_MB"] = _bytes(live, before) / 1e6
        out["cold_ready"] = info
        fig = live.tab.evaluate(RUN_CODE, FIGURE_CELL)
        out["cold_first_figure_s"] = time.perf_counter() - t0
        out["cold_first_figure_MB"] = _bytes(live, before) / 1e6
        out["first_checks"] = {"numpy": first, "figure": fig}
        # warm: a new page in the same browser context (HTTP cache, IndexedDB bytecode cache)
        live.tab.reload(wait_until="load")
        live.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'")
        t0 = time.perf_counter()
        live.start()
        live.tab.evaluate(RUN_CODE, NUMPY_CELL)
        out["warm_first_result_s"] = time.perf_counter() - t0
        chapters = {}
        for page in sorted(p.relative_to(site).as_posix() for p in (site / "chapters").glob("*.html")):
            live.tab.goto(base + page, wait_until="load")
            live.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'")
            chapters[page] = _chapter_run(live, page)
        out["chapters"] = chapters
        live.close()
        browser.close()
    return summarise(out)


def summarise(out: dict) -> dict:
    """Goal rows (bench/run.py's format) and the report's lines."""
    goal = _goal
    updates = [ms for ch in out.get("chapters", {}).values() for w in ch["widgets"]
               if not any(word in w["widget"].lower() for word in TRAINING_WORDS) for ms in w["ms"]]
    goals = [goal("live: first NumPy result, cold", out["cold_first_result_s"], 10, "s"),
             goal("live: first NumPy result, warm", out["warm_first_result_s"], 3, "s")]
    if updates:
        goals.append(goal("live: widget update p95 (non-training)", _percentile(updates, 0.95), 300, "ms"))
    lines = ["", "## Live pages: Python in the browser (issue 30)", "",
             f"Cold start on {FIRST_PAGE}: first NumPy result after {out['cold_first_result_s']:.1f} s and "
             f"{out['cold_first_result_MB']:.1f} MB; first figure after {out['cold_first_figure_s']:.1f} s and "
             f"{out['cold_first_figure_MB']:.1f} MB; warm (cached) first result {out['warm_first_result_s']:.1f} s.",
             "", "| chapter | cells | failed | browser s | native s | × native | widget updates median / p95 ms |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for page, ch in out.get("chapters", {}).items():
        timed = [r for r in ch["rows"] if r["native_s"]]
        b = sum(r["browser_s"] for r in timed)
        n = sum(r["native_s"] for r in timed)
        ms = [m for w in ch["widgets"] for m in w["ms"]]
        wtext = f"{statistics.median(ms):.0f} / {_percentile(ms, 0.95):.0f}" if ms else "-"
        lines.append(f"| {page} | {len(ch['rows'])} | {len(ch['failed'])} | {b:.1f} | {n:.1f} | "
                     f"{(b / n if n else float('nan')):.1f} | {wtext} |")
    lines += ["", "Native times are those the notebooks stored when they were last executed (another load on "
              "the machine); browser times are this run's, on Debian's chromium with 2 cores shared."]
    out["goals"] = goals
    out["lines"] = lines
    return out


def _goal(name: str, value: float, limit: float, unit: str) -> dict:
    return {"goal": name, "value": value, "limit": limit, "unit": unit, "direction": "≤", "met": bool(value <= limit)}


if __name__ == "__main__":
    result = measure()
    (ROOT / "bench" / "live.json").write_text(json.dumps(result, indent=1, default=float))
    print("\n".join(result.get("lines", [result.get("skipped", "")])))
