"""Live pages (issue 30), offline in Debian's chromium: one click, and the page's Python runs here.

* A chapter page: nothing of the runtime is fetched before the click; after it, every cell runs in
  the browser (setup cells first), figures come out as PNG, an edited cell runs the new code, an
  error shows its traceback; zero requests leave the site.
* A widget with precomputed frames becomes live: a control set to a value that is *not* on the
  frame grid keeps that value, and the picture is the one the widget's own update function draws.
* An exercise page: the model answer from the solution passes the book's checker in the page, a
  wrong answer gets the checker's hint; answers are kept in localStorage across a reload, with a
  reset.
"""

from __future__ import annotations

import json
import os

import pytest
from livekit import notebook_of, open_live
from sitekit import SITE

CHAPTER = "chapters/01_definition.html"
EXERCISE = "exercises/01_definition.html"


def _needs(page: str) -> None:
    if not (SITE / page).is_file():
        pytest.fail(f"{page} is not built")
    if 'id="relubook-live-data"' not in (SITE / page).read_text(errors="replace"):
        pytest.fail(f"{page} has no live-code data: is tools/sphinx_live.py in _config.yml?")
    if not (SITE / "_static" / "pyodide" / "manifest.json").is_file():
        pytest.fail("the site has no runtime in _static/pyodide/ (make live-runtime)")


@pytest.fixture(scope="module")
def chapter(browser, base_url, site_dir):
    _needs(CHAPTER)
    live = open_live(browser, base_url, CHAPTER)
    yield live
    live.close()


@pytest.fixture(scope="module")
def chapter_run(chapter):
    """The chapter made live and every cell run once."""
    info = chapter.start()
    cells = chapter.cells()
    runs = chapter.run_up_to(len(cells) - 1)
    return {"info": info, "cells": cells, "runs": runs}


def test_first_visit_fetches_none_of_the_runtime(chapter):
    assert chapter.tab.locator(".relubook-live-button").is_visible()
    assert chapter.tab.locator(".relubook-live-button").inner_text() == "Make this page live"
    assert not chapter.runtime_files(), chapter.runtime_files()
    assert not any("live-worker" in f for f in chapter.local_files)


def test_every_cell_of_a_chapter_runs_in_the_browser_offline(chapter, chapter_run):
    info, cells, runs = chapter_run["info"], chapter_run["cells"], chapter_run["runs"]
    assert info["state"] == "ready", info
    print(f"live start {info['seconds']:.1f} s, timings {info['timings']}")
    by_index = {c["index"]: c for c in cells}
    failed = [(r["index"], r["outputs"][-1:] if r["outputs"] else r.get("error")) for r in runs
              if not r["ok"] and "raises-exception" not in by_index[r["index"]]["tags"]]
    assert not failed, f"cells that raised in the browser: {failed}"
    ran = {r["index"] for r in runs} | {c["index"] for c in cells if c["ran"]}
    assert ran == set(by_index), f"cells never run: {sorted(set(by_index) - ran)}"
    assert not chapter.blocked, f"requests left the site: {chapter.blocked}"
    files = chapter.runtime_files()
    assert "_static/pyodide/pyodide.asm.wasm" in files and any("numpy" in f for f in files), files
    assert chapter.tab.locator(".relubook-live-output img").count() >= 1, "no figure came out as an image"
    assert not chapter.console_errors, chapter.console_errors


def test_an_edited_cell_runs_the_new_code_and_errors_show_a_traceback(chapter, chapter_run):
    cells = chapter_run["cells"]
    position = next(i for i, c in enumerate(cells) if c["shown"] and "import numpy" in c["source"])
    chapter.type_into(position, "print(np.maximum(0, np.array([-1.5, 2.5])))")
    runs = chapter.run_up_to(position)
    assert runs[-1]["ok"], runs
    assert "[0.  2.5]" in chapter.output_text(position)
    chapter.type_into(position, "1 / 0")
    runs = chapter.run_up_to(position)
    assert not runs[-1]["ok"]
    text = chapter.output_text(position)
    assert "ZeroDivisionError" in text and "Traceback" in text, text


OFF_GRID = """
async () => {
  const players = (window.relubookFrames || {}).players || [];
  const player = players.find((p) => p.liveStates);
  if (!player) return {error: `no live widget among ${players.length}`};
  const manifest = await player.manifest();
  for (let i = 0; i < player.controls.length; i++) {
    const state = player.liveStates[i];
    if ('index' in state || typeof state.value !== 'number' || !state.step) continue;
    const keys = manifest.controls[i].keys;
    const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
    // a value on the control's own step, inside its range, that no precomputed frame has
    for (let k = 1; k < 2000; k++) {
      const value = Number((state.min + k * state.step).toFixed(10));
      if (value >= state.max) break;
      if (keys.some((key) => near(key, value))) continue;
      const before = player.el.querySelector('.widget-output img');
      const oldSrc = before ? before.src : '';
      const count = relubookLive.widgetUpdates.length;
      player.controls[i].set('value', value);
      for (let t = 0; t < 1200 && relubookLive.widgetUpdates.length === count; t++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const img = player.el.querySelector('.widget-output img');
      return {widget: player.name, control: i, value, keys, shown: player.controls[i].get('value'),
              changed: !!img && img.src !== oldSrc, data: !!img && img.src.startsWith('data:image/png'),
              updates: relubookLive.widgetUpdates.slice(count), caption: player.caption && player.caption.textContent};
    }
  }
  return {error: `no numeric control of ${player.name} has a value off its grid`};
}
"""


def test_a_widget_computes_a_setting_off_the_frame_grid(chapter, chapter_run):
    result = chapter.tab.evaluate(OFF_GRID)
    assert "error" not in result, result
    assert result["updates"], f"the widget's update function was not called: {result}"
    assert abs(result["shown"] - result["value"]) < 1e-9, f"the control snapped back to the grid: {result}"
    assert result["changed"] and result["data"], f"the picture did not change to a computed one: {result}"
    assert result["caption"].startswith("Live"), result
    print(f"off-grid widget {result['widget']}: control {result['control']} = {result['value']} "
          f"in {result['updates'][0]['ms']:.0f} ms")


MOVE_AND_BACK = """
async () => {
  const player = ((window.relubookFrames || {}).players || []).find((p) => p.liveStates);
  const i = player.liveStates.findIndex((s) => !('index' in s) && typeof s.value === 'number' && s.step);
  const s = player.liveStates[i];
  const now = player.controls[i].get('value');
  const [first, second] = [1, 2, 3].map((k) => Number((s.min + k * s.step).toFixed(10)))
    .filter((v) => Math.abs(v - now) > 1e-9);  // two settings, neither the one shown
  const wait = async (count) => {
    for (let t = 0; t < 1200 && relubookLive.widgetUpdates.length === count; t++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000)); // an update drawn twice would show by now
  };
  let count = relubookLive.widgetUpdates.length;
  player.controls[i].set('value', first);
  player.controls[i].set('value', second); // while Python draws the first: drawn after it
  await wait(count);
  const twoMoves = relubookLive.widgetUpdates.slice(count);
  count = relubookLive.widgetUpdates.length;
  player.controls[i].set('value', first);
  player.controls[i].set('value', second); // and back, while Python draws the first move
  player.controls[i].set('value', first);
  await wait(count);
  return {twoMoves, back: relubookLive.widgetUpdates.slice(count), shown: player.controls[i].get('value'), first,
          img: (player.el.querySelector('.widget-output img') || {}).src || ''};
}
"""


def test_a_quick_move_is_drawn_once_and_a_move_back_to_the_drawn_setting_not_again(chapter, chapter_run):
    """A reader's moves while Python draws: the last setting is drawn after the current one, once.

    Each update's time counts from the reader's move, so the wait behind the earlier update is in it.
    """
    result = chapter.tab.evaluate(MOVE_AND_BACK)
    two = result["twoMoves"]
    assert len(two) == 2, f"two moves, the second while the first was drawn, must draw twice: {two}"
    assert two[1]["waited_ms"] > 0 and two[1]["ms"] >= two[1]["python_ms"] + two[1]["waited_ms"] - 1, two
    back = result["back"]
    assert len(back) == 1, f"moving away and back while Python draws must draw only once: {back}"
    assert abs(result["shown"] - result["first"]) < 1e-9 and result["img"].startswith("data:image/png"), result


# ------------------------------------------------------------------ exercises
# Each exercise page's first checked task: a wrong answer the checker must reject with its hint.
WRONG = {
    "01_definition": ("relu", "def relu(x):\n    return x\n\n\nchecks.relu(relu)\n"),
    "02_derivative": ("relu_grad", "def relu_grad(x):\n    return np.ones_like(x)\n\n\nchecks.relu_grad(relu_grad)\n"),
    "03_variants": ("leaky_relu", "def leaky_relu(x, alpha=0.01):\n    return np.maximum(0, x)\n\n\n"
                                  "checks.leaky_relu(leaky_relu)\n"),
    "04_dying_relu": ("dead_fraction", "def dead_fraction(activations):\n    return 0.5\n\n\n"
                                       "checks.dead_fraction(dead_fraction)\n"),
    "05_applications": ("xor_weights", "W1 = np.zeros((2, 2))\nb1 = np.zeros(2)\nw2 = np.zeros(2)\nb2 = 0.0\n"
                                       "checks.xor_weights(W1, b1, w2, b2)\n"),
}
EVERY_PAGE = os.environ.get("RELU_LIVE_NBVAL") == "1"  # make test-browser: every exercise page


def _solution_and_exercise_cells(stem: str, name: str) -> tuple[str, int, str]:
    """The model answer of the cell that calls checks.<name>(...), and that cell's position."""
    solution = json.loads(notebook_of(f"solutions/{stem}.html").read_text())
    exercise = json.loads(notebook_of(f"exercises/{stem}.html").read_text())
    call = f"checks.{name}("
    model = next("".join(c["source"]) for c in solution["cells"] if c["cell_type"] == "code"
                 and call in "".join(c["source"]))
    code_cells = [c for c in exercise["cells"] if c["cell_type"] == "code"]
    position = next(i for i, c in enumerate(code_cells) if call in "".join(c["source"]))
    return model, position, "".join(code_cells[position]["source"])


@pytest.fixture(scope="module")
def exercise(browser, base_url, site_dir):
    _needs(EXERCISE)
    live = open_live(browser, base_url, EXERCISE)
    info = live.start()
    assert info["state"] == "ready", info
    yield live
    live.close()


@pytest.mark.parametrize("stem", list(WRONG))
def test_the_checker_runs_in_the_page(request, browser, base_url, site_dir, stem):
    page = f"exercises/{stem}.html"
    if page == EXERCISE:
        live, own = request.getfixturevalue("exercise"), False
    elif EVERY_PAGE:
        _needs(page)
        live, own = open_live(browser, base_url, page), True
        assert live.start()["state"] == "ready"
    else:
        pytest.skip("the other exercise pages are checked by make test-browser")
    try:
        name, wrong = WRONG[stem]
        model, position, _ = _solution_and_exercise_cells(stem, name)
        live.type_into(position, model)
        live.run_up_to(position)
        assert f"{name}: passed" in live.output_text(position), live.output_text(position)
        live.type_into(position, wrong)
        live.run_up_to(position)
        text = live.output_text(position)
        assert f"{name}: not yet" in text and len(text.splitlines()) >= 2, text  # the report and its hint
        assert not live.blocked, live.blocked
    finally:
        if own:
            live.close()


def test_answers_are_kept_on_the_device_with_a_reset(exercise):
    _, position, original = _solution_and_exercise_cells("01_definition", "relu")
    answer = "def relu(x):\n    return x * (x > 0)\n\n\nchecks.relu(relu)\n"
    exercise.type_into(position, answer)
    settled = exercise.settle()  # the first start's background loading done, its memory snapshot saved
    assert settled["startup"]["snapshot"] == "made", settled["startup"]
    exercise.tab.reload(wait_until="load")
    exercise.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'", timeout=30_000)
    assert "1 saved answer" in exercise.tab.locator(".relubook-live-bar").inner_text()
    info = exercise.start()  # a warm start: the runtime comes from the browser's cache
    assert info["state"] == "ready", info
    print(f"warm live start {info['seconds']:.1f} s")
    rank = exercise.shown_rank(position)
    editor = exercise.tab.locator(".relubook-live-editor").nth(rank)
    assert editor.input_value() == answer
    exercise.tab.locator(".relubook-live-reset").nth(rank).click()
    assert editor.input_value() == original
    stored = exercise.tab.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('relubook-live:'))")
    assert stored == [], stored


DAMAGE_SNAPSHOT = """
async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('relubook-live-snapshot', 1);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction('snapshots', 'readwrite');
  const store = tx.objectStore('snapshots');
  const keys = await new Promise((resolve) => { const r = store.getAllKeys(); r.onsuccess = () => resolve(r.result); });
  for (const key of keys) {
    const bytes = await new Promise((resolve) => { const r = store.get(key); r.onsuccess = () => resolve(r.result); });
    const damaged = new Uint8Array(bytes);
    damaged.fill(0, 0, 4);  // its magic number
    store.put(damaged, key);
  }
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
  return keys;
}
"""


def test_a_warm_start_restores_python_from_its_snapshot_and_refuses_a_damaged_one(exercise):
    """The warm start above restored Python from the memory snapshot the first start made; a damaged
    snapshot is refused (and deleted), Python starts afresh, and the page's cells run as before."""
    model, position, _ = _solution_and_exercise_cells("01_definition", "relu")
    startup = exercise.tab.evaluate("() => relubookLive.startup")
    assert startup["from_snapshot"] == "yes" and startup["cache"] == "read at once", startup
    exercise.type_into(position, model)
    exercise.run_up_to(position)
    assert "relu: passed" in exercise.output_text(position), exercise.output_text(position)
    exercise.settle()
    assert exercise.tab.evaluate(DAMAGE_SNAPSHOT), "no snapshot was kept"
    exercise.tab.reload(wait_until="load")
    exercise.tab.wait_for_function("window.relubookLive && relubookLive.state === 'idle'", timeout=30_000)
    info = exercise.start()
    assert info["state"] == "ready", info
    assert exercise.tab.evaluate("() => relubookLive.startup.from_snapshot").startswith("refused"), info
    exercise.run_up_to(position)
    assert "relu: passed" in exercise.output_text(position), exercise.output_text(position)
    assert exercise.settle()["startup"]["snapshot"] == "made"  # a new snapshot replaces the damaged one
    assert not exercise.blocked, exercise.blocked
