// The book's ipywidgets manager for the static site: renders the widget state myst-nb embeds in a
// page (ipywidgets 8 controls and Output widgets) with no kernel and no CDN.
//
// It replaces @jupyter-widgets/html-manager's 3.6 MB embed-amd.js (plus require.js): that bundle
// also carries the ipywidgets 7 controls and JupyterLab's whole rendermime stack, which this book
// never uses. Here only @jupyter-widgets/base, base-manager and controls (the same npm packages,
// pinned in package-lock.json) are bundled, by esbuild (browser/build.js), and the
// Output widget shows the book's stored outputs (HTML, images, text) itself. The render loop
// follows html-manager's libembed.renderWidgets.
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";
import { typesetMath } from "./page-setup.js";
import { attachFrames } from "./frames.js";

const STATE = "application/vnd.jupyter.widget-state+json";
const VIEW = "application/vnd.jupyter.widget-view+json";
const OUTPUT_MODULE = "@jupyter-widgets/output";

// ---------------------------------------------------------------- Output widget
export class OutputModel extends base.DOMWidgetModel {
  defaults() {
    return {
      ...super.defaults(),
      _model_name: "OutputModel",
      _model_module: OUTPUT_MODULE,
      _model_module_version: "1.0.0",
      _view_name: "OutputView",
      _view_module: OUTPUT_MODULE,
      _view_module_version: "1.0.0",
      msg_id: "",
      outputs: [],
    };
  }
}

// The richest representation first, as Jupyter does.
const MIME_ORDER = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/latex", "text/plain"];

function text(value) {
  return Array.isArray(value) ? value.join("") : String(value == null ? "" : value);
}

/** One stored output as a DOM node, or null when it has nothing this page can show. */
export function renderOutput(output) {
  const node = document.createElement("div");
  node.className = "jp-OutputArea-output";
  if (output.output_type === "stream") {
    const pre = document.createElement("pre");
    pre.textContent = text(output.text);
    node.dataset.mimeType = `application/vnd.jupyter.${output.name === "stderr" ? "stderr" : "stdout"}`;
    node.appendChild(pre);
    return node;
  }
  if (output.output_type === "error") {
    const pre = document.createElement("pre");
    pre.textContent = `${output.ename}: ${output.evalue}`;
    node.dataset.mimeType = "application/vnd.jupyter.stderr";
    node.appendChild(pre);
    return node;
  }
  const data = output.data || {};
  const mime = MIME_ORDER.find((m) => m in data);
  if (!mime) return null;
  node.dataset.mimeType = mime;
  const value = text(data[mime]);
  if (mime === "text/html" || mime === "image/svg+xml") {
    // The book's own stored output (written by relubook's widgets at build time), not user input.
    node.classList.add("jp-RenderedHTMLCommon", "jp-RenderedHTML");
    node.innerHTML = value;
  } else if (mime.startsWith("image/")) {
    const img = document.createElement("img");
    img.src = `data:${mime};base64,${value.trim()}`;
    img.alt = text(data["text/plain"]) || "figure";
    node.appendChild(img);
  } else {
    const pre = document.createElement("pre");
    pre.textContent = value;
    node.appendChild(pre);
  }
  return node;
}

export class OutputView extends base.DOMWidgetView {
  render() {
    this.el.classList.add("jupyter-widgets", "widget-output", "jp-OutputArea");
    this.listenTo(this.model, "change:outputs", this.renderOutputs);
    this.renderOutputs();
    this.update();
  }

  renderOutputs() {
    this.el.replaceChildren();
    for (const output of this.model.get("outputs") || []) {
      const node = renderOutput(output);
      if (!node) continue;
      const child = document.createElement("div");
      child.className = "jp-OutputArea-child";
      child.appendChild(node);
      this.el.appendChild(child);
    }
    typesetMath(this.el);
  }
}

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
  [OUTPUT_MODULE]: { OutputModel, OutputView },
};

// ---------------------------------------------------------------- the manager
export class BookWidgetManager extends ManagerBase {
  constructor() {
    super();
    this._views = new Set();
    window.addEventListener("resize", () => {
      this._views.forEach((view) =>
        MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize));
    });
  }

  async display_view(view, el) {
    const v = await view;
    Widget.attach(v.luminoWidget, el);
    this._views.add(v);
    v.once("remove", () => this._views.delete(v));
  }

  loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module && module[className]) return Promise.resolve(module[className]);
    return Promise.reject(new Error(
      `this site's widget manager has no ${className} in ${moduleName}@${moduleVersion} ` +
      "(it bundles the ipywidgets 8 base, controls and output widgets only)"));
  }

  _get_comm_info() {
    return Promise.resolve({});
  }

  _create_comm() {
    return Promise.resolve({ on_close() {}, on_msg() {}, close() {} });
  }
}

// ---------------------------------------------------------------- rendering a page
async function renderManager(root, state, displayed) {
  const manager = new BookWidgetManager();
  const models = await manager.set_state(state);
  const tags = root.querySelectorAll(`script[type="${VIEW}"]`);
  await Promise.all(Array.from(tags).map(async (tag) => {
    const { model_id: id } = JSON.parse(tag.textContent);
    const model = models.find((m) => m.model_id === id);
    if (model === undefined || tag.parentElement === null) return;
    const prev = tag.previousElementSibling;
    if (prev && prev.tagName === "IMG" && prev.classList.contains("jupyter-widget")) prev.remove();
    const area = document.createElement("div");
    area.className = "widget-subarea";
    tag.parentElement.insertBefore(area, tag);
    const view = await manager.create_view(model);
    await manager.display_view(view, area);
    displayed.push({ model, view });
  }));
}

/** Render every widget whose state the page embeds (html-manager's renderWidgets, kernel-free). */
// Then wire the widgets that carry precomputed frames (frames.js).
export async function renderWidgets(root = document.documentElement) {
  const states = root.querySelectorAll(`script[type="${STATE}"]`);
  const displayed = [];
  await Promise.all(Array.from(states).map((tag) => renderManager(root, JSON.parse(tag.textContent), displayed)));
  await attachFrames(displayed);
}

// The stylesheet sits beside this script (the build writes both): add it once, then render.
const here = document.currentScript && document.currentScript.src;
if (here && !document.querySelector("link[data-relubook-widgets]")) {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("widgets.css", here).href;
  link.dataset.relubookWidgets = "";
  document.head.appendChild(link);
}
if (!window._jupyter_widget_embedder) {
  window._jupyter_widget_embedder = true;
  const start = () => renderWidgets().catch((err) => console.error("widgets failed to render", err));
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
}
