// "Make this page live" (issue 30): the page's code cells become editable and runnable, in a Python
// that runs in the reader's browser (Pyodide in a Web Worker: worker.js), from the site's own files.
//
// tools/sphinx_live.py puts the page's code cells into <script id="relubook-live-data"> and adds
// this script (a few kB) to every notebook page; the runtime (_static/pyodide/) is fetched only
// when the reader clicks, and the browser caches it after that. Cells share one namespace; the
// page's setup cells (not shown on the page) run first; running a cell first runs the cells above
// it that have not run yet. On exercise pages every answer is kept in the browser's localStorage
// (reset per cell or for the page). Widgets with precomputed frames (browser/widgets/frames.js)
// become live: the controls take any value, and the widget's own update function draws it.
//
// What tests and `make bench` read: window.relubookLive (state, timings, widget updates); the
// page also gets a `relubook:live` event on document at each step (detail.state).
import STYLE from "./live.css";

const SCRIPT_URL = document.currentScript ? document.currentScript.src : "";
const RUNTIME_URL = SCRIPT_URL ? new URL("../../pyodide/", SCRIPT_URL).href : "";
const WORKER_URL = SCRIPT_URL ? new URL("live-worker.js", SCRIPT_URL).href : "";
const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";
const BROWSER_SLOWDOWN = 3; // measured: the book's code runs about 3x slower in Pyodide than natively
const SLOW_SECONDS = 10;

const api = (window.relubookLive = window.relubookLive || {
  state: "idle", timings: {}, cellRuns: [], widgetUpdates: [], errors: [],
});

function emit(state, extra = {}) {
  api.state = state;
  document.dispatchEvent(new CustomEvent("relubook:live", { detail: { state, ...extra } }));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const text = (v) => (Array.isArray(v) ? v.join("") : String(v == null ? "" : v));

// ------------------------------------------------------------------ the worker
class Python {
  constructor() {
    this.worker = new Worker(WORKER_URL);
    this.pending = new Map();
    this.nextId = 1;
    this.onStatus = () => {};
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        const m = event.data;
        if (m.type === "ready") resolve(m);
        else if (m.type === "failed") reject(new Error(m.error));
        else if (m.type === "status") (this.pending.get(m.id) || this).onStatus(m.text);
        else if (m.type === "log") console.info("python:", m.text);
        else if (m.type === "output" || m.type === "started") {
          const p = this.pending.get(m.id);
          if (p && m.type === "output") p.onOutput(m.output);
          if (p && m.type === "started") p.onStarted();
        } else if (m.type === "done") {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (p) p.resolve(m.result);
        }
      };
      this.worker.onerror = (event) => reject(new Error(event.message || "the Python worker failed"));
    });
    this.worker.postMessage({ type: "init", indexURL: RUNTIME_URL });
  }

  request(message, { onOutput = () => {}, onStatus = () => {}, onStarted = () => {} } = {}) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onOutput, onStatus, onStarted });
      this.worker.postMessage({ ...message, id });
    });
  }
}

// ------------------------------------------------------------------ outputs
function renderOutput(output, area) {
  const type = output.output_type;
  if (type === "clear") {
    area.replaceChildren();
    return;
  }
  if (type === "stream") {
    const last = area.lastElementChild;
    if (last && last.dataset.stream === output.name) {
      last.firstChild.textContent += output.text;
      return;
    }
    const pre = el("pre", { text: text(output.text) });
    area.append(el("div", { class: `relubook-live-out relubook-live-${output.name}`, "data-stream": output.name }, pre));
    return;
  }
  if (type === "error") {
    const tb = (output.traceback || []).map((line) => text(line).replace(ANSI, "")).join("\n");
    area.append(el("div", { class: "relubook-live-out relubook-live-error" },
      el("pre", { text: tb || `${output.ename}: ${output.evalue}` })));
    return;
  }
  const data = output.data || {};
  if (data[WIDGET_VIEW]) return; // handled by the cell (live widgets)
  const box = el("div", { class: "relubook-live-out" });
  if (data["text/html"]) {
    box.classList.add("jp-RenderedHTMLCommon");
    box.innerHTML = text(data["text/html"]); // the reader's own code's output, in the reader's own browser
  } else if (data["image/png"] || data["image/jpeg"]) {
    const mime = data["image/png"] ? "image/png" : "image/jpeg";
    const plain = text(data["text/plain"]);
    box.append(el("img", { src: `data:${mime};base64,${text(data[mime]).trim()}`,
      alt: plain && !plain.startsWith("<Figure") ? plain : "Figure drawn by this cell" }));
  } else if (data["image/svg+xml"]) {
    box.innerHTML = text(data["image/svg+xml"]);
  } else if (data["text/plain"] !== undefined) {
    box.append(el("pre", { text: text(data["text/plain"]) }));
  } else return;
  area.append(box);
  if (window.MathJax && MathJax.typesetPromise && /\$|\\\(/.test(box.textContent)) MathJax.typesetPromise([box]).catch(() => {});
}

// ------------------------------------------------------------------ live widgets (frames.js players)
function controlChanges(player) {
  return player.controls.map((model, i) => {
    const state = player.liveStates[i] || {};
    return "index" in state ? { i, index: model.get("index") } : { i, value: model.get("value") };
  });
}

function applyStates(player, states, { values = true } = {}) {
  player.liveApplying = true;
  try {
    states.forEach((state, i) => {
      const model = player.controls[i];
      if (!model) return;
      const attrs = {};
      for (const key of ["min", "max", "step", "disabled"]) if (key in state) attrs[key] = state[key];
      model.set(attrs);
      if (!values) return;
      if ("index" in state) model.set("index", state.index);
      else if ("value" in state) model.set("value", state.value);
    });
  } finally {
    player.liveApplying = false;
  }
}

async function bindWidget(page, player, model) {
  const info = await page.python.request({ type: "widget-info", model });
  if (!info || !info.controls || info.controls.length !== player.controls.length) return false;
  player.changed = () => {}; // the precomputed frames step aside: the widget's own function draws now
  player.liveStates = info.controls;
  player.el.classList.add("relubook-live-widget");
  applyStates(player, info.controls); // the controls' own ranges and steps, not the frame grid's
  if (player.caption) player.caption.textContent = "Live: Python in your browser draws every setting.";
  let busy = false;
  let again = false;
  let since = null; // when the reader made the first change not drawn yet
  let drawn = null; // the controls' setting the picture shows
  const update = async () => {
    if (busy) {
      again = true;
      return;
    }
    const changes = controlChanges(player);
    const key = JSON.stringify(changes);
    const movedAt = since;
    since = null;
    if (key === drawn) return; // a control snapped back to the setting already drawn: nothing to draw
    busy = true;
    const started = performance.now();
    const result = await page.python.request({ type: "widget-set", model, changes });
    busy = false;
    if (result && result.outputs) {
      const area = player.el.querySelector(".widget-output") || player.el;
      const fresh = el("div", { class: "relubook-live-widget-output" });
      for (const output of result.outputs) renderOutput(output, fresh);
      const img = fresh.querySelector("img");
      if (img) img.classList.add("relubook-widget-figure");
      area.replaceChildren(...fresh.childNodes);
      player.liveStates = result.controls;
      // Python's values (it may round or clamp), unless the reader moved a control meanwhile:
      // that move is drawn next, and must not be undone
      applyStates(player, result.controls, { values: !again });
      drawn = JSON.stringify(again ? changes : controlChanges(player));
      const now = performance.now();
      // from the reader's move to the new picture on the page, waiting for an earlier update included
      const ms = now - (movedAt == null ? started : movedAt);
      api.widgetUpdates.push({ widget: player.name, ms, python_ms: result.seconds * 1000,
        queued_ms: result.queued_ms, waited_ms: started - (movedAt == null ? started : movedAt) });
      if (player.caption) player.caption.textContent = `Live: drawn in Python in ${Math.round(ms)} ms.`;
      emit("widget-updated", { widget: player.name, ms });
    } else if (result && result.error) {
      api.errors.push(result.error);
    }
    if (again) {
      again = false;
      update();
    }
  };
  player.controls.forEach((control) => {
    control.on("change:value change:index", () => {
      if (player.liveApplying) return;
      if (since == null) since = performance.now();
      update();
    });
  });
  player.liveUpdate = update;
  return true;
}

// ------------------------------------------------------------------ the page
class LivePage {
  constructor(data) {
    this.data = data;
    this.python = null;
    this.cells = data.cells.map((cell) => ({ ...cell, ran: false, node: null, editor: null }));
    this.storagePrefix = `relubook-live:${data.page}:`;
    this.bar = null;
  }

  saved(cell) {
    try {
      return this.data.exercise ? localStorage.getItem(this.storagePrefix + cell.index) : null;
    } catch (err) {
      return null;
    }
  }

  save(cell, value) {
    if (!this.data.exercise) return;
    try {
      if (value === cell.source) localStorage.removeItem(this.storagePrefix + cell.index);
      else localStorage.setItem(this.storagePrefix + cell.index, value);
    } catch (err) {
      // storage full or disabled: the answer stays on the page until it is closed
    }
  }

  savedCount() {
    return this.cells.filter((c) => c.shown && this.saved(c) !== null).length;
  }

  /** The page's shown cells in the DOM, paired with the notebook's cells: by source, else in order. */
  attach() {
    const nodes = Array.from(document.querySelectorAll("article .cell, main .cell")).filter(
      (node, i, all) => all.indexOf(node) === i && !node.parentElement.closest(".cell"));
    const shown = this.cells.filter((c) => c.shown);
    const norm = (s) => s.replace(/\s+/g, " ").trim();
    let next = 0;
    for (const node of nodes) {
      const pre = node.querySelector(".cell_input pre");
      const source = pre ? norm(pre.textContent) : null;
      let at = source === null ? -1 : shown.findIndex((c, i) => i >= next && norm(c.source) === source);
      if (at < 0) at = next < shown.length ? next : -1; // an input the page hides: the next cell
      if (at < 0) break;
      shown[at].node = node;
      next = at + 1;
    }
    const missing = shown.filter((c) => !c.node).length;
    if (missing || nodes.length !== shown.length) {
      console.warn(`live code: ${nodes.length} cells on the page, ${shown.length} in the notebook, ${missing} unpaired`);
    }
  }

  addBar() {
    const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    const heading = article.querySelector("h1");
    const runtime = this.data.runtime || {};
    const status = el("p", { class: "relubook-live-status", role: "status", "aria-live": "polite" });
    const bar = el("section", { class: "relubook-live-bar", "aria-label": "Live code" });
    this.status = status;
    if (window.location.protocol === "file:") {
      bar.append(el("p", {}, "This page's code can run in your browser when the book is served over HTTP: in the ",
        "book's folder run ", el("code", { text: "python3 -m http.server" }), " and open ",
        el("code", { text: "http://localhost:8000/" }), ". (Browsers do not start Python workers from files opened from disk.)"));
    } else if (!runtime.ok) {
      bar.classList.add("relubook-live-unavailable");
      bar.append(el("p", {}, el("strong", { text: "Live code is not available in this build of the book: " }),
        `${runtime.reason || "the Python runtime is missing"}. The page works as it is; to run its code, open it in `
        + "JupyterLab, Binder or Colab (the launch buttons at the top)."));
    } else {
      this.button = el("button", { type: "button", class: "relubook-live-button", onclick: () => (this.python ? this.runUpTo(this.cells.length - 1) : this.start()) },
        "Make this page live");
      const saved = this.savedCount();
      bar.append(el("p", {}, this.button, " ",
        `Edit and run this page's Python in your browser. The first time, about ${runtime.start_mb} MB `
        + `(up to ${runtime.total_mb} MB with SciPy and scikit-learn) are downloaded from this site and cached; `
        + "nothing leaves your device.",
        saved ? ` You have ${saved} saved answer${saved > 1 ? "s" : ""} on this page: they come back when it is live.` : ""));
      bar.append(this.credits(runtime));
    }
    bar.append(status);
    if (heading) heading.after(bar);
    else article.prepend(bar);
    this.bar = bar;
  }

  credits(runtime) {
    const list = el("ul");
    for (const c of runtime.credits || []) list.append(el("li", { text: `${c.name} ${c.version}: ${c.licence} (${c.source})` }));
    return el("details", { class: "relubook-live-credits" },
      el("summary", { text: `Python ${runtime.python} in the browser: Pyodide ${runtime.pyodide} and its packages` }),
      el("p", { text: "Every file below is served by this site and was checked against the sha256 in the book's "
        + "lock file (browser/live/runtime.lock.json) when the book was built." }), list);
  }

  say(message) {
    if (this.status) this.status.textContent = message;
  }

  async start() {
    if (this.python) return;
    const t0 = performance.now();
    const now = () => performance.timeOrigin + performance.now();
    api.marks = { click: now() };
    this.button.disabled = true;
    this.button.textContent = "Starting Python…";
    emit("starting");
    this.makeEditors();
    this.python = new Python();
    this.python.onStatus = (message) => this.say(message);
    try {
      const ready = await this.python.ready;
      api.timings = { ...ready.timings, ready_ms: performance.now() - t0 };
      Object.assign(api.marks, ready.marks, { ready: now() });
      api.arrivals = ready.arrivals;
      api.startup = ready.startup;
    } catch (err) {
      this.say(`Python could not start: ${err.message}. The page still works as a static page.`);
      this.button.textContent = "Live code failed to start";
      api.errors.push(String(err.message));
      emit("failed", { error: err.message });
      return;
    }
    this.say("Running the page's setup…");
    const setupEnd = this.cells.findIndex((c) => c.shown);
    for (const cell of this.cells.slice(0, setupEnd < 0 ? this.cells.length : setupEnd)) await this.run(cell, true);
    api.timings.setup_ms = performance.now() - t0;
    api.marks.setup = now();
    this.button.textContent = "Run all cells";
    this.button.disabled = false;
    if (this.data.exercise) {
      this.bar.querySelector("p").append(" ", el("button", { type: "button", class: "relubook-live-reset-all",
        onclick: () => this.resetAll() }, "Reset all my answers"));
    }
    this.say(`Python is ready (${((performance.now() - t0) / 1000).toFixed(1)} s). Edit any cell and run it `
      + "with its Run button or Shift+Enter.");
    emit("ready", { seconds: (performance.now() - t0) / 1000 });
  }

  makeEditors() {
    this.cells.forEach((cell, n) => {
      const node = cell.node;
      if (!cell.shown || !node) return;
      const input = node.querySelector(".cell_input");
      const saved = this.saved(cell);
      const editor = el("textarea", {
        class: "relubook-live-editor", spellcheck: "false", autocapitalize: "off", autocomplete: "off",
        "aria-label": `Code cell ${n + 1}: edit, then press Shift+Enter or the Run button to run it`,
      });
      editor.value = saved !== null ? saved : cell.source;
      const grow = () => {
        editor.style.height = "auto";
        editor.style.height = `${editor.scrollHeight + 2}px`;
      };
      editor.addEventListener("input", () => {
        grow();
        this.save(cell, editor.value);
      });
      editor.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.shiftKey) {
          event.preventDefault();
          this.runUpTo(this.cells.indexOf(cell));
        } else if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey) {
          // Tab indents; Escape then Tab leaves the editor (keyboard users are not trapped)
          if (editor.dataset.escaped) return;
          event.preventDefault();
          editor.setRangeText("    ", editor.selectionStart, editor.selectionEnd, "end");
          this.save(cell, editor.value);
        } else if (event.key === "Escape") {
          editor.dataset.escaped = "1";
        }
      });
      editor.addEventListener("blur", () => delete editor.dataset.escaped);
      const run = el("button", { type: "button", class: "relubook-live-run", onclick: () => this.runUpTo(this.cells.indexOf(cell)) },
        "Run");
      const reset = el("button", { type: "button", class: "relubook-live-reset", onclick: () => {
        editor.value = cell.source;
        this.save(cell, cell.source);
        grow();
      } }, this.data.exercise ? "Reset answer" : "Reset code");
      const note = el("span", { class: "relubook-live-cell-status", role: "status", "aria-live": "polite" });
      const expected = cell.seconds != null ? cell.seconds * BROWSER_SLOWDOWN : null;
      const tools = el("div", { class: "relubook-live-tools" }, run, " ", reset, " ", note);
      if (expected != null && expected > SLOW_SECONDS) {
        tools.append(el("span", { class: "relubook-live-slow",
          text: ` This cell takes about ${Math.round(expected)} s here (${cell.seconds.toFixed(1)} s natively); the page stays usable meanwhile.` }));
      }
      if (saved !== null) note.textContent = "Your saved answer (kept on this device).";
      const output = el("div", { class: "relubook-live-output", "aria-live": "polite" });
      const highlight = input ? input.querySelector(".highlight") : null;
      if (highlight) highlight.hidden = true;
      if (input) input.append(editor, tools);
      else node.prepend(editor, tools);
      (node.querySelector(".cell_output") || tools).before(output);
      Object.assign(cell, { editor, output, note });
      requestAnimationFrame(grow);
    });
  }

  resetAll() {
    for (const cell of this.cells) {
      if (!cell.editor) continue;
      cell.editor.value = cell.source;
      this.save(cell, cell.source);
      cell.editor.dispatchEvent(new Event("input"));
      if (cell.note) cell.note.textContent = "";
    }
    this.say("Every answer on this page is back to its starting code.");
  }

  async runUpTo(index) {
    if (!this.python || this.running) return;
    this.running = true;
    try {
      for (let i = 0; i <= index; i++) {
        const cell = this.cells[i];
        if (i === index || !cell.ran) {
          const ok = await this.run(cell);
          if (!ok && i < index && !cell.tags.includes("raises-exception")) {
            this.say(`Cell ${i + 1} above stopped with an error; fix it, then run again.`);
            break;
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  async run(cell, setup = false) {
    const code = cell.editor ? cell.editor.value : cell.source;
    const area = cell.output || el("div");
    const started = performance.now();
    let timer = null;
    if (cell.note) {
      cell.note.textContent = "Waiting…";
      timer = setInterval(() => {
        cell.note.textContent = `Running… ${Math.round((performance.now() - started) / 1000)} s`;
      }, 1000);
    }
    area.replaceChildren();
    const widgets = [];
    const outputs = []; // what the tests compare with the stored outputs (text only)
    const result = await this.python.request({ type: "run", code, setup }, {
      onOutput: (output) => {
        if (output.output_type === "clear") { // clear_output(), or a cell run again once SciPy arrived
          outputs.length = 0;
          widgets.length = 0;
        }
        const view = output.data && output.data[WIDGET_VIEW];
        if (view) widgets.push(view.model_id);
        const data = output.data || {};
        outputs.push({ output_type: output.output_type, name: output.name, text: output.text, ename: output.ename,
          evalue: output.evalue, plain: data["text/plain"], mimes: Object.keys(data) });
        renderOutput(output, area);
      },
      onStatus: (message) => { if (cell.note) cell.note.textContent = message; },
      onStarted: () => { if (cell.note) cell.note.textContent = "Running…"; },
    });
    if (timer) clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    cell.ran = true;
    const ok = !!(result && result.ok);
    if (result && result.error) renderOutput({ output_type: "error", traceback: [result.error] }, area);
    const original = cell.node && cell.node.querySelector(".cell_output");
    let bound = 0;
    if (widgets.length && cell.node) {
      const players = ((window.relubookFrames || {}).players || []).filter((p) => cell.node.contains(p.el));
      for (let i = 0; i < Math.min(players.length, widgets.length); i++) {
        if (await bindWidget(this, players[i], widgets[i])) bound++;
      }
    }
    // The stored outputs give way to the new ones; a cell that shows a widget keeps it (live once bound).
    if (original) original.hidden = widgets.length === 0;
    api.cellRuns.push({ index: cell.index, ok, seconds, native: cell.seconds, widgets: widgets.length, bound, outputs,
      error: result && result.error });
    if (cell.note) {
      cell.note.textContent = ok ? `Ran in ${seconds.toFixed(1)} s.` : `Stopped with an error after ${seconds.toFixed(1)} s.`;
    }
    emit("cell-ran", { index: cell.index, ok });
    return ok;
  }
}

function main() {
  const tag = document.getElementById("relubook-live-data");
  if (!tag || api.page) return; // once per page, even if the script is included twice
  if (!document.querySelector("style[data-relubook-live]")) {
    document.head.append(el("style", { "data-relubook-live": "" }, STYLE));
  }
  const page = new LivePage(JSON.parse(tag.textContent));
  page.attach();
  page.addBar();
  api.page = page;
  api.start = () => page.start();
  api.runAll = () => page.runUpTo(page.cells.length - 1);
  emit("idle");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
