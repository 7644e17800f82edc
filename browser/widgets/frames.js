// Precomputed frames for the static site: a widget made by relubook's `live()` during `make book`
// carries the CSS classes relubook-frames, relubook-frames-id-<id> and relubook-frames-name-<name>;
// its frames (one PNG per setting of its grid, drawn by the widget's own update function) and
// their manifest sit in _static/frames/<id>/ (relubook/widgets/frames.py writes them,
// tools/sphinx_offline.py copies them into the site). Moving a control fetches the manifest (once,
// on the widget's first use: a first visit loads none of it), finds the frame of the new setting,
// decodes it, and swaps the picture; a caption under it names the setting (aria-live, so screen
// readers hear it), the image's alt text names it too, and the page's URL fragment becomes
// `#<name>:<key>=<value>,...`, a link that opens that setting.
//
// For a reader and a teacher (issue 29):
// * under the controls, a note says which values the site's controls take (the grid drawn at
//   build time), since the code above the widget may set finer steps than the site shows;
// * one key press (arrows, Page Up/Down, Home/End) on a slider moves it exactly one grid step
//   (Page: a tenth of the grid), from any position, so n presses one way and n back return;
// * "Copy a link to this setting" under every widget copies `page#<name>:<key>=<value>,...`;
// * a link may name a control by its key or by the label on screen, a value with "-" or the
//   typographic minus U+2212 (as the readouts write it), a dropdown by its value or its label;
//   what a link cannot set (an unknown widget or control, a value off the grid) is said in a
//   message beside the widget, with what is shown instead; a change of the fragment on the open
//   page (a same-page link, an edited address) is applied at once;
// * on an exercise page a link does not set the widget by itself (it could show the answer): the
//   message offers a button that shows the linked setting.

const SCRIPT_URL = document.currentScript && document.currentScript.src;
const FRAMES_URL = SCRIPT_URL ? new URL("../../frames/", SCRIPT_URL).href : new URL("_static/frames/", document.baseURI).href;
const CLASS_ID = "relubook-frames-id-";
const CLASS_NAME = "relubook-frames-name-";

// What the browser tests and `make bench` read: the players and every swap's latency.
const registry = (window.relubookFrames = window.relubookFrames || { players: [], swaps: [], ready: false });

let lastInput = { time: 0, target: null };
for (const type of ["keydown", "pointerdown", "input", "change"]) {
  document.addEventListener(type, (event) => {
    if (event.target && event.target.closest && event.target.closest(".relubook-frames")) {
      lastInput = { time: performance.now(), target: event.target };
    }
  }, true);
}

function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

function unwrap(model) {
  // live() shows a Play control as HBox(Label, Play): the control is the second child.
  if (model.get("_model_name") === "HBoxModel") {
    const children = model.get("children") || [];
    return children[children.length - 1];
  }
  return model;
}

function close(a, b) {
  if (typeof a === "number" && typeof b === "number") {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const MINUS = "\u2212";
const IS_EXERCISE = /\/exercises\/[^/]*$/.test(window.location.pathname);

function clean(x) {
  return Number(Number(x).toPrecision(12));
}

/** A number as the book writes it: up to four significant digits, a typographic minus. */
export function formatNumber(x) {
  const text = String(Number(Number(x).toPrecision(4)));
  return text.startsWith("-") ? MINUS + text.slice(1) : text;
}

/** A control's name as a link may spell it: case, spaces, "_", "-", "$" and TeX backslashes ignored. */
export function normalName(text) {
  return String(text == null ? "" : text).toLowerCase()
    .replace(/\\([a-z]+)/g, "$1").replace(/[\s_${}\\\-:]+/g, "");
}

/** The site's grid of one control, read from its model (the build snapped min, max and step to it). */
export function gridOf(model) {
  if (!model) return null;
  const labels = model.get("_options_labels");
  if (Array.isArray(labels)) return { kind: "index", n: labels.length, labels };
  if (typeof model.get("value") === "boolean") return { kind: "bool", n: 2, labels: ["False", "True"] };
  const min = model.get("min");
  const max = model.get("max");
  const step = model.get("step");
  if (typeof min !== "number" || typeof max !== "number" || !step) return null;
  const base = model.get("_model_name") === "FloatLogSliderModel" ? model.get("base") : null;
  const n = Math.floor((max - min) / step + 1e-9) + 1;
  const at = (i) => clean(base ? base ** (min + i * step) : min + i * step);
  const index = (value) => {
    const x = base ? Math.log(value) / Math.log(base) : value;
    return Math.min(n - 1, Math.max(0, Math.round((x - min) / step)));
  };
  return { kind: "value", n, at, index, base, min, max, step };
}

/** "w: −3 to 3 in steps of 0.5 (13 values)" and the like, for the note under the controls. */
export function describeGrid(label, grid) {
  if (!grid) return "";
  if (grid.kind === "index" || grid.kind === "bool") {
    return grid.n <= 8 ? `${label}: ${grid.labels.join(", ")}` : `${label}: ${grid.n} options`;
  }
  if (grid.n === 1) return `${label}: ${formatNumber(grid.at(0))} only`;
  const values = Array.from({ length: grid.n }, (_, i) => grid.at(i));
  if (grid.n <= 6) return `${label}: ${values.map(formatNumber).join(", ")}`;
  const ends = `${formatNumber(values[0])} to ${formatNumber(values[grid.n - 1])}`;
  if (grid.base) {
    return `${label}: ${ends}, ${grid.n} values evenly spaced on a log scale (\u00d7${formatNumber(grid.base ** grid.step)} a step)`;
  }
  return `${label}: ${ends} in steps of ${formatNumber(grid.step)} (${grid.n} values)`;
}

function descriptionOf(model) {
  const text = String(model.get("description") || "").replace(/\$([^$]*)\$/g, "$1").replace(/\\/g, "").trim();
  return text;
}

export class FramePlayer {
  constructor(model, view) {
    this.model = model;
    this.view = view;
    const classes = model.get("_dom_classes") || [];
    this.id = (classes.find((c) => c.startsWith(CLASS_ID)) || "").slice(CLASS_ID.length);
    this.name = (classes.find((c) => c.startsWith(CLASS_NAME)) || "").slice(CLASS_NAME.length);
    const [panel, output] = model.get("children");
    this.output = output;
    this.controls = (panel.get("children") || []).map(unwrap);
    this.base = new URL(`${this.id}/`, FRAMES_URL).href;
    this.seq = 0;
    this.applying = false;
    this.pending = null;
    this.manifestPromise = null;
    this.current = null;
    this.el = view.el;
    this.el.dataset.framesId = this.id;
    this.el.dataset.framesName = this.name;
    const img = this.image();
    this.caption = document.createElement("p");
    this.caption.className = "relubook-frame-setting";
    this.caption.setAttribute("aria-live", "polite");
    this.caption.textContent = img && img.dataset.setting ? `Showing ${img.dataset.setting}` : "";
    this.el.appendChild(this.caption);
    this.controls.forEach((control, i) => {
      this.listenOn(control, i);
    });
    this.addGridNote();
    this.addShareControl();
    this.message = null;
    this.el.addEventListener("keydown", (event) => this.onKey(event), true);
    this.fixPlay();
    // On the widget's first use (pointer over it, or keyboard focus in it): fetch the manifest and
    // the neighbours of the picture shown, so that the first swap does not wait for the network.
    const warm = () => this.manifest().then((m) => {
      const found = this.find(m);
      if (found) this.prefetch(m, found.index);
    }).catch(() => {});
    this.el.addEventListener("pointerenter", warm, { once: true });
    this.el.addEventListener("focusin", warm, { once: true });
  }

  /** The controls' panel element (the box's first child), and control i's element in it. */
  panelEl() {
    return this.el.children[0];
  }

  /** Under the controls: the values they take on this site (issue 29, point 7). */
  addGridNote() {
    const note = document.createElement("p");
    note.className = "relubook-frames-grid";
    this.gridNote = note;
    const panel = this.panelEl();
    if (panel && !this.el.classList.contains("widget-hbox")) panel.after(note);
    else this.el.appendChild(note);
    this.updateGridNote();
    // a control whose range follows another (the variant explorer's parameter): the note follows too
    for (const control of this.controls) {
      control.on("change:min change:max change:step change:_options_labels", () => this.updateGridNote());
    }
  }

  updateGridNote() {
    const parts = this.controls.map((control) => describeGrid(descriptionOf(control) || "value", gridOf(control)))
      .filter(Boolean);
    this.gridNote.hidden = !parts.length;
    this.gridNote.textContent = "On this page the controls step through the settings drawn when the book was "
      + `built (the notebook takes any value): ${parts.join("; ")}.`;
  }

  /** "Copy a link to this setting", and the link itself (issue 29, point 12). */
  addShareControl() {
    const row = document.createElement("div");
    row.className = "relubook-setting-link";
    const link = document.createElement("a");
    link.textContent = "Link to this setting";
    link.href = `#${this.name}:`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "relubook-copy-link";
    button.textContent = "Copy a link to this setting";
    const status = document.createElement("span");
    status.className = "relubook-copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", () => this.copyLink().catch((err) => {
      status.textContent = `Could not copy (${err.message || err}): the link is ${link.href}`;
    }));
    row.append(button, " ", link, " ", status);
    this.shareRow = { row, link, button, status };
    this.el.appendChild(row);
    // from the controls themselves: a first visit fetches no manifest (the page-weight budget)
    const url = new URL(window.location.href);
    url.hash = this.fragmentFromControls();
    link.href = url.href;
  }

  /** The fragment of the controls' setting, read from the controls: their labels, dropdowns by option. */
  fragmentFromControls() {
    const pairs = this.controls.map((control, i) => {
      const labels = control.get("_options_labels");
      const value = Array.isArray(labels) ? labels[control.get("index")] : control.get("value");
      const key = descriptionOf(control) || `control${i}`;
      return `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === "number" ? clean(value) : value)}`;
    });
    return `${this.name}:${pairs.join(",")}`;
  }

  /** The fragment of ``frame``'s setting: `name:key=value,...` (dropdowns by value). */
  fragmentFor(manifest, frame) {
    const pairs = manifest.controls.map((spec, i) => {
      const at = spec.keys.findIndex((k) => close(k, frame.keys[i]));
      const value = spec.values && at >= 0 ? spec.values[at] : frame.keys[i];
      return `${spec.key}=${encodeURIComponent(value)}`;
    });
    return `${this.name}:${pairs.join(",")}`;
  }

  linkFor(manifest, frame) {
    const url = new URL(window.location.href);
    url.hash = this.fragmentFor(manifest, frame);
    return url.href;
  }

  async copyLink() {
    const manifest = await this.manifest();
    const found = this.find(manifest);
    if (!found) throw new Error("no frame for this setting");
    const href = this.linkFor(manifest, found.frame);
    this.shareRow.link.href = href;
    try {
      await navigator.clipboard.writeText(href);
      this.shareRow.status.textContent = `Copied: ${href}`;
    } catch (err) {
      // no clipboard (a page opened from disk, a browser that refuses): the link is there to copy
      this.shareRow.status.textContent = `Copy this link: ${href}`;
    }
    return href;
  }

  /** One key press on a slider = one step of the site's grid, each way, from any position (point 10). */
  onKey(event) {
    const moves = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10,
      Home: -Infinity, End: Infinity };
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    const handle = event.target.closest && event.target.closest(".noUi-handle");
    const panel = this.panelEl();
    if (!handle || !panel || !panel.contains(handle)) return;
    const i = Array.from(panel.children).findIndex((child) => child.contains(handle));
    const control = this.controls[i];
    const grid = gridOf(control);
    if (!grid || grid.kind !== "value" || control.get("disabled")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    let delta = moves[event.key];
    if (Math.abs(delta) === 10) delta = Math.sign(delta) * Math.max(1, Math.round(grid.n / 10));
    const at = grid.index(control.get("value"));
    const next = Math.min(grid.n - 1, Math.max(0, Number.isFinite(delta) ? at + delta : (delta > 0 ? grid.n - 1 : 0)));
    if (next === at && close(control.get("value"), grid.at(at))) return;
    control.set("value", grid.at(next));
  }

  /** Play on the site: a visible pace, and Play at the end starts again (issue 29, point 9). */
  fixPlay() {
    for (const control of this.controls) {
      if (control.get("_model_name") !== "PlayModel") continue;
      const grid = gridOf(control);
      if (!grid || grid.kind !== "value") continue;
      const last = grid.at(grid.n - 1);
      if (control.get("max") !== last) control.set("max", last);
      // the training's frames at about two a second: the whole run in a few seconds, not a blink
      const pace = Math.max(control.get("interval") || 0, Math.min(600, Math.round(4000 / Math.max(1, grid.n - 1))));
      control.set("interval", pace);
      control.on("change:playing", () => {
        if (control.get("playing") && control.get("value") >= last) {
          this.touched = true;
          control.set("value", grid.at(0));
        }
      });
    }
  }

  /** A message beside the widget: what a link asked for, and what is shown instead. */
  say(text, action) {
    if (!this.message) {
      this.message = document.createElement("div");
      this.message.className = "relubook-link-message";
      this.message.setAttribute("role", "status");
      this.caption.before(this.message);
    }
    this.message.replaceChildren(document.createTextNode(text));
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = action.label;
      button.addEventListener("click", action.run);
      this.message.append(" ", button);
    }
    this.message.hidden = !text;
  }

  listenOn(control, i) {
    const handler = () => this.changed(i);
    control.on("change:value", handler);
    control.on("change:index", handler);
  }

  image() {
    return this.el.querySelector(".widget-output img");
  }

  manifest() {
    if (!this.manifestPromise && window.location.protocol === "file:") {
      // a site opened from disk: fetch() reads no file, a script tag does (manifest.js)
      this.manifestPromise = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.base}manifest.js`;
        script.onload = () => {
          const m = (window.relubookFrameManifests || {})[this.id];
          if (m) resolve(m);
          else reject(new Error(`frames of ${this.name}: manifest.js set nothing`));
        };
        script.onerror = () => reject(new Error(`frames of ${this.name}: no manifest.js`));
        document.head.appendChild(script);
      });
    }
    if (!this.manifestPromise) {
      this.manifestPromise = fetch(`${this.base}manifest.json`).then((r) => {
        if (!r.ok) throw new Error(`frames of ${this.name}: HTTP ${r.status}`);
        return r.json();
      });
    }
    return this.manifestPromise;
  }

  key(i, manifest) {
    const control = this.controls[i];
    return manifest.controls[i].kind === "index" ? control.get("index") : control.get("value");
  }

  /** The frame whose setting is nearest the controls' values, control by control. */
  find(manifest) {
    let candidates = manifest.frames.map((frame, index) => ({ frame, index }));
    manifest.controls.forEach((spec, i) => {
      const want = this.key(i, manifest);
      let best = null;
      let bestDistance = Infinity;
      for (const c of candidates) {
        const k = c.frame.keys[i];
        const d = typeof k === "number" && typeof want === "number"
          ? Math.abs(k - want) / Math.max(1e-12, Math.abs(k)) : (k === want ? 0 : 1);
        if (d < bestDistance) {
          bestDistance = d;
          best = k;
        }
      }
      candidates = candidates.filter((c) => close(c.frame.keys[i], best));
    });
    return candidates[0];
  }

  /** Controls whose range depends on an earlier one (the variant explorer's parameter slider). */
  applyStates(manifest, changed) {
    const states = manifest.states || {};
    for (let j = changed + 1; j < this.controls.length; j++) {
      const entries = states[String(j)];
      if (!entries) continue;
      const prefix = this.controls.slice(0, j).map((_, i) => this.key(i, manifest));
      const entry = entries.find((e) => e.prefix.every((k, i) => close(k, prefix[i])));
      if (!entry) continue;
      const attrs = {};
      for (const name of ["min", "max", "step", "value", "disabled"]) {
        if (name in entry.attrs) attrs[name] = entry.attrs[name];
      }
      this.controls[j].set(attrs);
    }
  }

  changed(i) {
    if (this.applying) return;
    // A slider's view sets its model once as it starts (a log slider's 10 ** exponent): that is no
    // move. Only a reader's key press, click or drag in this widget (or a shared link) starts it.
    if (!this.touched) {
      if (!(lastInput.target && this.el.contains(lastInput.target))) return;
      this.touched = true;
    }
    if (this.message && !this.opening && lastInput.target && this.el.contains(lastInput.target)) this.say("");
    const started = performance.now();
    // latency counts from the key press, click or drag that moved the control (once: a Play
    // control's later ticks count from their own change)
    const fresh = started - lastInput.time < 1000 && this.el.contains(lastInput.target);
    const input = fresh ? lastInput.time : started;
    if (fresh) lastInput = { time: 0, target: null };
    this.pending = { i: this.pending ? Math.min(this.pending.i, i) : i, input, started };
    queueMicrotask(() => {
      const p = this.pending;
      this.pending = null;
      if (p) this.show(p).catch((err) => console.error(`frames of ${this.name}:`, err));
    });
  }

  async show({ i, input, started }) {
    const seq = ++this.seq;
    const manifest = await this.manifest();
    if (seq !== this.seq) return;
    this.applying = true;
    try {
      this.applyStates(manifest, i);
    } finally {
      this.applying = false;
    }
    const found = this.find(manifest);
    if (!found) return;
    const { frame, index } = found;
    // A value typed into a readout may fall between the grid's values: the control snaps to the
    // frame's setting, so that the readout never disagrees with the picture.
    this.applying = true;
    try {
      manifest.controls.forEach((spec, n) => {
        if (!close(this.key(n, manifest), frame.keys[n])) this.controls[n].set(spec.kind === "index" ? "index" : "value", frame.keys[n]);
      });
    } finally {
      this.applying = false;
    }
    const img = new Image();
    img.src = this.base + frame.file;
    await img.decode();
    if (seq !== this.seq) return;
    this.swap(frame, index, img);
    this.share(manifest, frame);
    this.prefetch(manifest, index);
    await nextPaint();
    registry.swaps.push({
      widget: this.name, id: this.id, frame: index,
      ms: performance.now() - input, from_change_ms: performance.now() - started,
    });
  }

  swap(frame, index, img) {
    const old = this.image();
    img.alt = frame.alt;
    img.className = old ? old.className : "relubook-widget-figure";
    img.dataset.frame = String(index);
    img.dataset.setting = frame.setting;
    img.dataset.labels = JSON.stringify(frame.labels);
    const outputs = this.el.querySelector(".widget-output");
    if (old) old.replaceWith(img);
    else if (outputs) outputs.appendChild(img);
    if (outputs) {
      let pre = outputs.querySelector('[data-mime-type="application/vnd.jupyter.stdout"] pre');
      if (frame.text && !pre) {
        const child = document.createElement("div");
        child.className = "jp-OutputArea-child";
        const node = document.createElement("div");
        node.className = "jp-OutputArea-output";
        node.dataset.mimeType = "application/vnd.jupyter.stdout";
        pre = document.createElement("pre");
        node.appendChild(pre);
        child.appendChild(node);
        outputs.appendChild(child);
      }
      if (pre && frame.text) pre.textContent = frame.text;
      else if (pre) pre.closest(".jp-OutputArea-child").remove();
    }
    this.caption.textContent = `Showing ${frame.setting}`;
    this.current = index;
  }

  /** `#name:key=value,...` in the address bar: the link opens this setting. */
  share(manifest, frame) {
    const fragment = this.fragmentFor(manifest, frame);
    if (this.shareRow) this.shareRow.link.href = this.linkFor(manifest, frame);
    try {
      history.replaceState(history.state, "", `#${fragment}`);
    } catch (err) {
      // a file:// page in some browsers: the setting still shows, only the address does not change
    }
  }

  /** The neighbours of the frame shown (one step along each control), fetched while the reader looks. */
  prefetch(manifest, index) {
    const frame = manifest.frames[index];
    manifest.controls.forEach((spec, i) => {
      const at = spec.keys.findIndex((k) => close(k, frame.keys[i]));
      for (const j of [at - 1, at + 1]) {
        if (j < 0 || j >= spec.keys.length) continue;
        const target = frame.keys.map((k, n) => (n === i ? spec.keys[j] : k));
        const other = manifest.frames.find((f) => f.keys.every((k, n) => close(k, target[n])));
        if (other && other.file) new Image().src = this.base + other.file;
      }
    });
  }

  /** Which control of the manifest a link's name means: its key or its label, else a unique prefix. */
  specFor(manifest, name) {
    const want = normalName(name);
    if (!want) return -1;
    const names = manifest.controls.map((spec, i) => [spec.key, spec.description, descriptionOf(this.controls[i])]
      .map(normalName));
    const exact = names.findIndex((list) => list.includes(want));
    if (exact >= 0) return exact;
    const prefix = names.map((list, i) => (list.some((n) => n.startsWith(want)) ? i : -1)).filter((i) => i >= 0);
    return prefix.length === 1 ? prefix[0] : -1;
  }

  /**
   * The controls' setting from a link's `name=value` pairs: for each control the grid value to set,
   * and what the link asked for that cannot be shown as asked.
   */
  resolve(manifest, pairs) {
    const set = {};
    const problems = [];
    for (const [name, raw] of Object.entries(pairs)) {
      const i = this.specFor(manifest, name);
      if (i < 0) {
        const known = manifest.controls.map((spec) => (spec.description && spec.description !== spec.key
          ? `${spec.key} (${descriptionOf(this.controls[manifest.controls.indexOf(spec)]) || spec.description})` : spec.key));
        problems.push(`this widget has no control "${name}" (its controls: ${known.join(", ")})`);
        continue;
      }
      const spec = manifest.controls[i];
      const text = String(raw).replace(/\u2212/g, "-").trim();
      const label = spec.description || spec.key;
      if (spec.kind === "index") {
        const names = (spec.values || []).map(normalName);
        const labels = spec.labels.map(normalName);
        let pick = names.indexOf(normalName(text));
        if (pick < 0) pick = labels.indexOf(normalName(text));
        if (pick < 0) {
          problems.push(`${label} = "${raw}" is not one of its options (${spec.labels.join(", ")})`);
          continue;
        }
        set[i] = spec.keys[pick];
      } else if (spec.keys.length && typeof spec.keys[0] === "boolean") {
        const yes = ["true", "yes", "on", "1"].includes(text.toLowerCase());
        const no = ["false", "no", "off", "0"].includes(text.toLowerCase());
        if (!yes && !no) {
          problems.push(`${label} = "${raw}" is neither true nor false`);
          continue;
        }
        set[i] = yes;
      } else {
        // the values this control takes given the earlier controls' setting (a dependent range:
        // the variant explorer's parameter), read from the frames themselves
        const prefix = manifest.controls.slice(0, i).map((_, j) => (j in set ? set[j] : this.key(j, manifest)));
        const keys = [];
        const labels = [];
        for (const f of manifest.frames) {
          if (!prefix.every((k, j) => close(f.keys[j], k))) continue;
          if (keys.some((k) => close(k, f.keys[i]))) continue;
          keys.push(f.keys[i]);
          labels.push(f.labels[i]);
        }
        if (!keys.length) keys.push(...spec.keys), labels.push(...spec.labels);
        const want = text === "" ? NaN : Number(text);
        if (!Number.isFinite(want)) {
          problems.push(`${label} = "${raw}" is not a number`);
          continue;
        }
        // a value as a readout shows it (rounded: "31.6" for 10 ** 1.5) names that grid value
        const shown = labels.findIndex((l) => Number(String(l).replace(/\u2212/g, "-")) === want);
        if (shown >= 0) {
          set[i] = keys[shown];
          continue;
        }
        const nearest = keys.reduce((a, b) => (Math.abs(b - want) < Math.abs(a - want) ? b : a));
        if (!close(nearest, want)) {
          const at = keys.indexOf(nearest);
          problems.push(`${label} = ${formatNumber(want)} is not among the values drawn for this site `
            + `(${labels[0]} to ${labels[labels.length - 1]}): the nearest, ${labels[at]}, is shown`);
        }
        set[i] = nearest;
      }
    }
    return { set, problems };
  }

  /**
   * Set the controls from a shared link's `key=value` pairs, then show that frame. A link that
   * cannot be followed as written is answered by a message beside the widget. On an exercise page
   * the setting is shown only when the reader asks (``confirmed``): it may be the answer.
   */
  async open(pairs, { confirmed = !IS_EXERCISE, asked = "" } = {}) {
    // Links can follow each other faster than a frame loads: only the newest one speaks.
    const ticket = (this.openTicket = (this.openTicket || 0) + 1);
    const manifest = await this.manifest();
    if (ticket !== this.openTicket) return { problems: [], shown: null, superseded: true };
    const { set, problems } = this.resolve(manifest, pairs);
    if (!confirmed) {
      this.say(`This link sets the widget to ${asked || "another setting"}. On an exercise page that may give `
        + "the answer away, so the widget starts where the exercise starts.", {
        label: "Show the linked setting",
        run: () => this.open(pairs, { confirmed: true, asked }),
      });
      this.el.scrollIntoView({ block: "center" });
      return { problems, shown: null };
    }
    this.touched = true;
    this.opening = true;
    this.applying = true;
    try {
      manifest.controls.forEach((spec, i) => {
        if (!(i in set)) return;
        this.controls[i].set(spec.kind === "index" ? "index" : "value", set[i]);
        this.applyStates(manifest, i);
      });
    } finally {
      this.applying = false;
    }
    try {
      await this.show({ i: this.controls.length, input: performance.now(), started: performance.now() });
    } finally {
      this.opening = false;
    }
    if (ticket !== this.openTicket) return { problems, shown: null, superseded: true };
    const found = this.find(manifest);
    const shown = found ? found.frame.setting : "";
    if (problems.length) {
      this.say(`This link asked for ${asked || "a setting"}, but ${problems.join("; ")}. Showing ${shown}.`);
    } else {
      this.say("");
    }
    this.el.scrollIntoView({ block: "center" });
    return { problems, shown };
  }
}

/** `#name:key=value,...` as {name, pairs, asked}; null when the fragment names no setting. */
export function parseFragment(hash) {
  let text = hash || "";
  try {
    text = decodeURIComponent(text);
  } catch (err) {
    // a stray "%": read it as written
  }
  const m = /^#\s*([A-Za-z0-9_-]+)\s*:(.*)$/.exec(text);
  if (!m) return null;
  const pairs = {};
  for (const part of m[2].split(/[,;&]/)) {
    const eq = part.indexOf("=");
    if (eq > 0) pairs[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const asked = Object.entries(pairs).map(([k, v]) => `${k} = ${v}`).join(", ");
  return { name: m[1], pairs, asked: asked ? `${m[1]}: ${asked}` : m[1] };
}

/** A message at the top of the page for a link that names no widget of this page. */
function sayOnPage(text) {
  let box = document.querySelector(".relubook-page-link-message");
  if (!text) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.className = "relubook-page-link-message relubook-link-message";
    box.setAttribute("role", "status");
    const article = document.querySelector("article.bd-article") || document.body;
    const heading = article.querySelector("h1");
    if (heading) heading.after(box);
    else article.prepend(box);
  }
  box.textContent = text;
  box.scrollIntoView({ block: "center" });
}

/** Apply the setting the URL fragment names (on load, and on every change of the fragment). */
export async function openFragment(hash = window.location.hash) {
  const wanted = parseFragment(hash);
  if (!wanted) return null;
  const player = registry.players.find((p) => normalName(p.name) === normalName(wanted.name));
  if (!player) {
    const names = registry.players.map((p) => p.name);
    sayOnPage(`This page's link asked for ${wanted.asked}, but this page has no widget called "${wanted.name}" `
      + `(its widgets: ${names.join(", ") || "none"}). The widgets show their first settings.`);
    return { problems: [`no widget ${wanted.name}`], shown: null };
  }
  sayOnPage("");
  return player.open(wanted.pairs, { asked: wanted.asked });
}

/** Wire every widget of the page that has frames; then open the setting the URL fragment names. */
export async function attachFrames(displayed) {
  for (const { model, view } of displayed) {
    const classes = model.get("_dom_classes") || [];
    if (!classes.includes("relubook-frames")) continue;
    const player = new FramePlayer(model, view);
    registry.players.push(player);
  }
  await openFragment().catch((err) => console.error("shared setting:", err));
  window.addEventListener("hashchange", () => {
    openFragment().catch((err) => console.error("shared setting:", err));
  });
  registry.openFragment = openFragment;
  registry.ready = true;
}
