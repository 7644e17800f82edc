// Precomputed frames for the static site: a widget made by relubook's `live()` during `make book`
// carries the CSS classes relubook-frames, relubook-frames-id-<id> and relubook-frames-name-<name>;
// its frames (one PNG per setting of its grid, drawn by the widget's own update function) and
// their manifest sit in _static/frames/<id>/ (relubook/widgets/frames.py writes them,
// tools/sphinx_offline.py copies them into the site). Moving a control fetches the manifest (once,
// on the widget's first use: a first visit loads none of it), finds the frame of the new setting,
// decodes it, and swaps the picture; a caption under it names the setting (aria-live, so screen
// readers hear it), the image's alt text names it too, and the page's URL fragment becomes
// `#<name>:<key>=<value>,...`, a link that opens that setting.

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
    // On the widget's first use (pointer over it, or keyboard focus in it): fetch the manifest and
    // the neighbours of the picture shown, so that the first swap does not wait for the network.
    const warm = () => this.manifest().then((m) => {
      const found = this.find(m);
      if (found) this.prefetch(m, found.index);
    }).catch(() => {});
    this.el.addEventListener("pointerenter", warm, { once: true });
    this.el.addEventListener("focusin", warm, { once: true });
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
    const pairs = manifest.controls.map((spec, i) => `${spec.key}=${encodeURIComponent(spec.values ? spec.values[spec.keys.indexOf(frame.keys[i])] : frame.keys[i])}`);
    try {
      history.replaceState(history.state, "", `#${this.name}:${pairs.join(",")}`);
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

  /** Set the controls from a shared link's `key=value` pairs, then show that frame. */
  async open(pairs) {
    this.touched = true;
    const manifest = await this.manifest();
    this.applying = true;
    try {
      manifest.controls.forEach((spec, i) => {
        if (!(spec.key in pairs)) return;
        const text = pairs[spec.key];
        const control = this.controls[i];
        if (spec.kind === "index") {
          const names = spec.values || spec.labels;
          const at = names.findIndex((v) => String(v) === text);
          const byLabel = spec.labels.findIndex((v) => String(v) === text);
          const pick = at >= 0 ? at : byLabel;
          if (pick >= 0) control.set("index", spec.keys[pick]);
        } else if (spec.keys.length && typeof spec.keys[0] === "boolean") {
          control.set("value", text === "true" || text === "True");
        } else {
          const want = Number(text);
          if (!Number.isFinite(want)) return;
          const nearest = spec.keys.reduce((a, b) => (Math.abs(b - want) < Math.abs(a - want) ? b : a));
          control.set("value", nearest);
        }
        this.applyStates(manifest, i);
      });
    } finally {
      this.applying = false;
    }
    await this.show({ i: this.controls.length, input: performance.now(), started: performance.now() });
    this.el.scrollIntoView({ block: "center" });
  }
}

export function parseFragment(hash) {
  const m = /^#([A-Za-z0-9_-]+):(.*)$/.exec(hash || "");
  if (!m) return null;
  const pairs = {};
  for (const part of m[2].split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) pairs[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
  }
  return { name: m[1], pairs };
}

/** Wire every widget of the page that has frames; then open the setting the URL fragment names. */
export async function attachFrames(displayed) {
  for (const { model, view } of displayed) {
    const classes = model.get("_dom_classes") || [];
    if (!classes.includes("relubook-frames")) continue;
    const player = new FramePlayer(model, view);
    registry.players.push(player);
  }
  const wanted = parseFragment(decodeURIComponent(window.location.hash));
  if (wanted) {
    const player = registry.players.find((p) => p.name === wanted.name);
    if (player) await player.open(wanted.pairs).catch((err) => console.error("shared setting:", err));
  }
  registry.ready = true;
}
