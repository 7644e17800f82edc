// The live page's Python: Pyodide in a Web Worker, so that the page never freezes while a cell runs.
// Every file comes from the site itself (_static/pyodide/, written by tools/live_runtime.py and
// checked there against browser/live/runtime.lock.json); nothing is fetched from anywhere else.
//
// Messages in:  {type: "init", indexURL} | {type: "run", id, code} |
//               {type: "widget-info", id, model} | {type: "widget-set", id, model, changes}
// Messages out: {type: "status", text} | {type: "ready", seconds, timings} | {type: "output", id, output} |
//               {type: "done", id, result} | {type: "failed", error}
import KERNEL from "./kernel.py";

let pyodide = null;
let kernel = null;
let later = null; // scipy and scikit-learn, loaded while the first cells run
let current = null; // id of the request whose outputs are being produced
let queue = Promise.resolve();

const post = (message) => self.postMessage(message);
// Cells that import these wait for the second group of packages; relubook imports SciPy and
// scikit-learn only where it uses them, so its cells run at once, and a cell that reaches one of
// them before it has arrived runs again when it has (its first, failed outputs are cleared).
const NEEDS_LATER = /\b(scipy|sklearn|joblib)\b/;
const LATER_MODULES = new Set(["scipy", "sklearn", "joblib", "threadpoolctl"]);
let laterDone = false;

async function init({ indexURL }) {
  const t0 = performance.now();
  const timings = {};
  const manifest = await (await fetch(new URL("manifest.json", indexURL))).json();
  post({ type: "status", text: `Starting Python ${manifest.python} (Pyodide ${manifest.pyodide})…` });
  self.importScripts(new URL("pyodide.js", indexURL).href);
  pyodide = await self.loadPyodide({ indexURL, fullStdLib: false });
  timings.core = performance.now() - t0;
  const cacheDir = await mountCache(manifest);
  post({ type: "status", text: "Loading NumPy, matplotlib and IPython…" });
  const quiet = { messageCallback: () => {}, errorCallback: (text) => post({ type: "log", text }) };
  await Promise.all([pyodide.loadPackage(manifest.load.start, quiet),
    unpackBytecode(manifest, cacheDir, "start", indexURL)]);
  await pyodide.loadPackage(manifest.wheels.map((w) => new URL(w, indexURL).href), quiet);
  timings.packages = performance.now() - t0;
  later = Promise.all([pyodide.loadPackage(manifest.load.later, quiet),
    unpackBytecode(manifest, cacheDir, "later", indexURL)]).then(() => {
    timings.later = performance.now() - t0;
    laterDone = true;
  });
  pyodide.FS.writeFile("/home/pyodide/relubook_live_kernel.py", KERNEL);
  pyodide.runPython("import relubook_live_kernel"); // a failure here comes with its Python traceback
  kernel = pyodide.pyimport("relubook_live_kernel");
  kernel.emit = (text) => post({ type: "output", id: current, output: JSON.parse(text) });
  timings.kernel = performance.now() - t0;
  later.then(() => persistCache());
  post({ type: "ready", seconds: (performance.now() - t0) / 1000, timings });
}

// A warm start: the bytecode Python compiles and matplotlib's font list are kept in the browser
// (IndexedDB), so that the next visit imports IPython and matplotlib without compiling them again.
const CACHE = "/home/pyodide/.relubook-cache";
let cacheMounted = false;

async function mountCache(manifest) {
  const dir = `${CACHE}-${manifest.pyodide}`;
  pyodide.FS.mkdirTree(dir);
  try {
    pyodide.FS.mount(pyodide.FS.filesystems.IDBFS, {}, dir);
    await new Promise((resolve, reject) => pyodide.FS.syncfs(true, (err) => (err ? reject(err) : resolve())));
    cacheMounted = true;
  } catch (err) {
    post({ type: "log", text: `no warm-start cache: ${err}` }); // private windows may have no IndexedDB
  }
  pyodide.runPython(`import os, sys\nos.environ["MPLCONFIGDIR"] = "${dir}/mpl"\nsys.pycache_prefix = "${dir}/pyc"\n`
    + "sys.dont_write_bytecode = False");
  return dir;
}

// The bytecode tools/live_runtime.py compiled at build time (and matplotlib's font list), unpacked
// into the cache once; a stamp names the runtime it belongs to.
async function unpackBytecode(manifest, dir, group, indexURL) {
  const name = manifest.pycache && manifest.pycache[group];
  if (!name) return;
  const stamp = `${dir}/${name}-${manifest.pycache_lock.slice(0, 16)}`;
  if (pyodide.FS.analyzePath(stamp).exists) return;
  const response = await fetch(new URL(name, indexURL));
  if (!response.ok) return;
  pyodide.FS.writeFile("/tmp/pycache.zip", new Uint8Array(await response.arrayBuffer()));
  pyodide.runPython(`import zipfile\nzipfile.ZipFile("/tmp/pycache.zip").extractall("${dir}")`);
  pyodide.FS.unlink("/tmp/pycache.zip");
  pyodide.FS.writeFile(stamp, "");
}

let syncing = null;
let syncAgain = false;

function persistCache() { // one IndexedDB write at a time; a request during one is done after it
  if (!cacheMounted) return Promise.resolve();
  if (syncing) {
    syncAgain = true;
    return syncing;
  }
  syncing = new Promise((resolve) => pyodide.FS.syncfs(false, () => resolve())).then(() => {
    syncing = null;
    if (syncAgain) {
      syncAgain = false;
      return persistCache();
    }
    return undefined;
  });
  return syncing;
}

async function handle(message) {
  const { type, id } = message;
  try {
    if (type === "init") return await init(message);
    if (!kernel) throw new Error("Python has not started");
    current = id;
    if (type === "run") {
      if (NEEDS_LATER.test(message.code)) {
        post({ type: "status", id, text: "Loading SciPy and scikit-learn…" });
        await later;
      }
      post({ type: "started", id });
      let result = JSON.parse(kernel.run_cell(message.code));
      if (!result.ok && !laterDone && result.missing && LATER_MODULES.has(result.missing.split(".")[0])) {
        post({ type: "status", id, text: "Loading SciPy and scikit-learn…" });
        await later;
        post({ type: "output", id, output: { output_type: "clear" } });
        result = JSON.parse(kernel.run_cell(message.code));
      }
      post({ type: "done", id, result });
      return await persistCache(); // only new files are written (bytecode of modules imported for the first time)
    }
    if (type === "widget-info") return post({ type: "done", id, result: JSON.parse(kernel.widget_info(message.model)) });
    if (type === "widget-set") {
      return post({ type: "done", id, result: JSON.parse(kernel.widget_set(message.model, JSON.stringify(message.changes))) });
    }
    throw new Error(`unknown message ${type}`);
  } catch (err) {
    const error = err && err.message ? `${err.name || "Error"}: ${err.message}` : String(err);
    if (type === "init") return post({ type: "failed", error });
    return post({ type: "done", id, result: { ok: false, error } });
  } finally {
    current = null;
  }
}

self.onmessage = (event) => {
  queue = queue.then(() => handle(event.data));
};
