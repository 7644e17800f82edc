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
let current = null; // id of the request whose outputs are being produced
let queue = Promise.resolve();
let busy = 0; // requests (cells, widget moves) received and not yet answered: they go before background loading
let waiting = 0; // ... unless the one at the head waits for a stage that is still loading

const post = (message) => self.postMessage(message);

// The runtime arrives in three stages, so that the first cell runs as soon as it can:
// 1. "first", awaited before the page is ready: the core, NumPy, IPython (and what it needs), relubook;
// 2. "plots", in the background at once: matplotlib and its packages, ipywidgets and comm;
// 3. "later", in the background after that: SciPy and scikit-learn.
// Background packages are installed one at a time, and only while no cell is waiting, so a cell
// never waits behind more than one package. A cell that imports a module of a stage still loading
// waits for that stage; a cell that reaches one indirectly (through relubook) before it arrived
// stops with ModuleNotFoundError and runs again once it has (its first, failed outputs are cleared).
const FIRST = ["numpy", "ipython"]; // their dependencies come with them (upstream's lock)
const STAGES = {
  plots: { label: "matplotlib and ipywidgets",
    needs: /\b(matplotlib|pyplot|plt|pylab|mpl_toolkits|PIL|ipywidgets|threadpoolctl)\b|\brelubook\s*\.\s*\w|\bfrom\s+relubook\s+import\b/,
    modules: ["matplotlib", "mpl_toolkits", "pylab", "PIL", "fontTools", "contourpy", "kiwisolver", "cycler",
      "dateutil", "pytz", "pyparsing", "packaging", "matplotlib_pyodide", "threadpoolctl", "ipywidgets", "comm"] },
  later: { label: "SciPy and scikit-learn", needs: /\b(scipy|sklearn|joblib)\b/,
    modules: ["scipy", "sklearn", "joblib", "threadpoolctl"] },
};
const UNCOUNTED = new Set(["init", "marks", "settled"]); // requests that do not hold back the background loading
const loaded = {}; // stage name -> promise, resolved when the stage is in

// Start-up phases, for `make bench` (bench/live.py) and the tests: wall-clock times (ms since the
// epoch, comparable with the page's) at the end of each phase; the page turns them into durations.
const marks = {};
const mark = (name) => { marks[name] = performance.timeOrigin + performance.now(); };

// When each runtime file finished arriving (the worker's own fetches: core, packages, bytecode).
function arrivals() {
  const out = {};
  for (const entry of performance.getEntriesByType("resource")) {
    const name = entry.name.split("/").pop().split("?")[0];
    out[name] = { end: performance.timeOrigin + entry.responseEnd, bytes: entry.transferSize,
      cached: entry.transferSize === 0 && entry.decodedBodySize > 0 };
  }
  return out;
}

const quiet = { messageCallback: () => {}, errorCallback: (text) => post({ type: "log", text }) };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Background work (a package install, writing the cache) holds the worker for up to a second and
// cannot be interrupted: it starts only after the reader has left Python alone for QUIET_MS, so
// that it does not fall between a reader's slider moves or cells run one after another.
const QUIET_MS = 1500;
let lastRequest = 0; // when a counted request (a cell, a widget move) last arrived or ended

async function whenIdle() {
  while (waiting === 0 && (busy > 0 || performance.now() - lastRequest < QUIET_MS)) await sleep(50);
}

/** Install packages one at a time (each with its dependencies), each only while no cell waits. */
async function loadInBackground(names) {
  for (const name of names) {
    await whenIdle();
    await pyodide.loadPackage([name], quiet);
  }
}

async function init({ indexURL }) {
  const t0 = performance.now();
  mark("worker");
  const timings = {};
  const manifest = await (await fetch(new URL("manifest.json", indexURL))).json();
  mark("manifest");
  post({ type: "status", text: `Starting Python ${manifest.python} (Pyodide ${manifest.pyodide})…` });
  self.importScripts(new URL("pyodide.js", indexURL).href);
  mark("pyodide_js");
  const cacheRead = readCache(`${CACHE}-${manifest.pyodide}`); // while Python starts
  pyodide = await startPython(indexURL, manifest);
  mark("core");
  timings.core = performance.now() - t0;
  post({ type: "status", text: "Loading NumPy and IPython…" });
  const url = (w) => new URL(w, indexURL).href;
  const ownWheels = manifest.wheels.filter((w) => w.startsWith("relubook/"));
  const otherWheels = manifest.wheels.filter((w) => !w.startsWith("relubook/"));
  // the packages and the bytecode cache (IndexedDB, or the build's archive on a first start) at once
  let cacheDir = null;
  await Promise.all([pyodide.loadPackage(FIRST, quiet).then(() => mark("packages_first")),
    useStdlibBytecode(manifest, indexURL).then(() => mark("pycache_stdlib")),
    mountCache(manifest, cacheRead).then((dir) => {
      cacheDir = dir;
      mark("idb_cache");
      return unpackBytecode(manifest, dir, "start", indexURL);
    }).then(() => mark("pycache_start"))]);
  await pyodide.loadPackage(ownWheels.map(url), quiet);
  mark("relubook");
  timings.packages = performance.now() - t0;
  pyodide.FS.writeFile("/home/pyodide/relubook_live_kernel.py", KERNEL);
  pyodide.runPython("import relubook_live_kernel"); // a failure here comes with its Python traceback
  kernel = pyodide.pyimport("relubook_live_kernel");
  kernel.emit = (text) => post({ type: "output", id: current, output: JSON.parse(text) });
  mark("kernel");
  timings.kernel = performance.now() - t0;
  loaded.plots = (async () => {
    await loadInBackground(manifest.load.start.filter((n) => !(n in pyodide.loadedPackages)));
    await whenIdle();
    await pyodide.loadPackage(otherWheels.map(url), quiet);
    await whenIdle();
    try { // matplotlib's font list, built once here (not in a cell, where it would print a notice) and kept in the cache
      pyodide.runPython("import matplotlib.font_manager");
    } catch (err) {
      post({ type: "log", text: `matplotlib's font list: ${err}` });
    }
    mark("plots");
    timings.plots = performance.now() - t0;
  })();
  loaded.later = loaded.plots.then(async () => {
    await loadInBackground(manifest.load.later);
    await unpackBytecode(manifest, cacheDir, "later", indexURL);
    mark("later");
    timings.later = performance.now() - t0;
  });
  loaded.later.then(() => persistCache(), (err) => post({ type: "log", text: `background loading: ${err}` }));
  post({ type: "ready", seconds: (performance.now() - t0) / 1000, timings, marks, startup, arrivals: arrivals() });
}

// ------------------------------------------------------------------ a warm start from a memory snapshot
// Starting Python itself (the interpreter's own start-up, before any package) takes 1.5-3 s. On the
// first start the worker takes a snapshot of Python's memory right after it started (Pyodide's
// experimental `_makeSnapshot` / `makeMemorySnapshot`, 21 MB) and keeps it in IndexedDB; the next
// start restores it instead (`_loadSnapshot`: about 0.5 s). Only the bare interpreter is kept:
// packages with compiled code (NumPy) cannot be in a snapshot, as their wasm modules live outside
// Python's memory. Pyodide refuses a snapshot of another build; anything that goes wrong with one
// (missing, refused, a restored Python that does not compute) deletes it and starts Python afresh.
const SNAPSHOT_DB = "relubook-live-snapshot";
// read by the tests and bench: from_snapshot "no" | "yes" | "refused: <why>"; snapshot "none" | "made" | "not made: <why>"
const startup = { from_snapshot: "no", snapshot: "none" };
let snapshotSaved = Promise.resolve();

function snapshotStore(mode, action) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(SNAPSHOT_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("snapshots");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction("snapshots", mode);
      const request = action(tx.objectStore("snapshots"));
      tx.oncomplete = () => { db.close(); resolve(request && request.result); };
      tx.onerror = tx.onabort = () => { db.close(); reject(tx.error); };
    };
  });
}

async function startPython(indexURL, manifest) {
  const sha = manifest.sha256 || {};
  const key = [manifest.pyodide, (sha["pyodide.asm.wasm"] || "").slice(0, 16), (sha["python_stdlib.zip"] || "").slice(0, 16)].join(":");
  let snapshot = null;
  try {
    snapshot = typeof indexedDB === "undefined" ? null : await snapshotStore("readonly", (store) => store.get(key));
  } catch (err) {
    startup.from_snapshot = `refused: unreadable: ${err}`;
  }
  if (snapshot) {
    try {
      const py = await self.loadPyodide({ indexURL, fullStdLib: false, _loadSnapshot: snapshot });
      if (py.runPython("sum(range(10)) * len('relu')") !== 180) throw new Error("the restored Python computes wrongly");
      startup.from_snapshot = "yes";
      return py;
    } catch (err) {
      startup.from_snapshot = `refused: ${err}`;
      post({ type: "log", text: `memory snapshot not used (${err}); starting Python afresh` });
      await snapshotStore("readwrite", (store) => store.clear()).catch(() => {});
    }
  }
  if (typeof indexedDB === "undefined") return self.loadPyodide({ indexURL, fullStdLib: false });
  const py = await self.loadPyodide({ indexURL, fullStdLib: false, _makeSnapshot: true });
  try {
    const bytes = py.makeMemorySnapshot();
    snapshotSaved = snapshotStore("readwrite", (store) => { store.clear(); return store.put(bytes, key); })
      .then(() => { startup.snapshot = "made"; mark("snapshot_saved"); })
      .catch((err) => { startup.snapshot = `not made: ${err}`; });
  } catch (err) {
    startup.snapshot = `not made: ${err}`;
  }
  return py;
}

/** The stages a cell needs before it runs (by what it names), and the one whose module it missed. */
function stagesFor(code) {
  return Object.keys(STAGES).filter((name) => STAGES[name].needs.test(code));
}

function stageOf(module) {
  const top = (module || "").split(".")[0];
  return Object.keys(STAGES).find((name) => STAGES[name].modules.includes(top));
}

async function waitFor(stages, id) {
  for (const name of stages) {
    if (!loaded[name]) continue;
    let done = false;
    loaded[name].then(() => { done = true; }, () => { done = true; });
    await Promise.resolve();
    if (done) continue;
    post({ type: "status", id, text: `Loading ${STAGES[name].label}…` });
    waiting += 1; // the background loading goes on while this cell waits for it
    try {
      await loaded[name];
    } finally {
      waiting -= 1;
    }
  }
}

// A warm start: the bytecode Python compiles and matplotlib's font list are kept in the browser
// (IndexedDB), so that the next visit imports IPython and matplotlib without compiling them again.
const CACHE = "/home/pyodide/.relubook-cache";
let cacheMounted = false;

// The cache's IndexedDB database (IDBFS's own: named by the mount point, store FILE_DATA), read in
// one request while Python starts; IDBFS's populate reads it a file at a time, on a busy thread.
function readCache(name) {
  return new Promise((resolve) => {
    let open;
    try {
      open = indexedDB.open(name, 21); // IDBFS.DB_VERSION
    } catch (err) {
      resolve(null);
      return;
    }
    open.onupgradeneeded = () => open.transaction.abort(); // no cache yet: IDBFS makes the database
    open.onerror = (event) => { event.preventDefault(); resolve(null); };
    open.onsuccess = () => {
      const db = open.result;
      try {
        const store = db.transaction("FILE_DATA", "readonly").objectStore("FILE_DATA");
        const keys = store.getAllKeys();
        const values = store.getAll();
        values.onsuccess = () => { db.close(); resolve({ keys: keys.result, values: values.result }); };
        values.onerror = () => { db.close(); resolve(null); };
      } catch (err) {
        db.close();
        resolve(null);
      }
    };
  });
}

async function mountCache(manifest, cacheRead) {
  const dir = `${CACHE}-${manifest.pyodide}`;
  pyodide.FS.mkdirTree(dir);
  try {
    const IDBFS = pyodide.FS.filesystems.IDBFS;
    pyodide.FS.mount(IDBFS, {}, dir);
    const read = await cacheRead;
    let copied = !!(read && read.keys.length === read.values.length && read.keys.length);
    if (copied) { // what IDBFS's populate does with each entry (in key order: a folder before its files)
      read.keys.forEach((path, i) => IDBFS.storeLocalEntry(path, read.values[i], (err) => { if (err) copied = false; }));
    }
    if (!copied) await new Promise((resolve, reject) => pyodide.FS.syncfs(true, (err) => (err ? reject(err) : resolve())));
    startup.cache = copied ? "read at once" : "IDBFS";
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

let persistTimer = null;

function schedulePersist() {
  if (!cacheMounted || !loaded.later) return;
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => loaded.later.then(whenIdle).then(persistCache), 3000);
}

// The standard library's bytecode: Pyodide's python_stdlib.zip holds sources, so zipimport would
// compile every module IPython & co. import, at every start (about 0.5 s). tools/live_runtime.py
// compiled them at build time into a zip of sourceless .pyc files, put in front of it on sys.path
// (and in front of the packages already imported from it, such as `logging`).
const STDLIB_PYC = "/home/pyodide/.relubook-stdlib-pyc.zip";

async function useStdlibBytecode(manifest, indexURL) {
  const name = manifest.pycache && manifest.pycache.stdlib;
  if (!name) return;
  try {
    const response = await fetch(new URL(name, indexURL));
    if (!response.ok) return;
    pyodide.FS.writeFile(STDLIB_PYC, new Uint8Array(await response.arrayBuffer()));
    pyodide.runPython(`
import sys
_zip, _stdlib = ${JSON.stringify(STDLIB_PYC)}, "/lib/python312.zip/"
sys.path.insert(0, _zip)
for _module in list(sys.modules.values()):
    _path = getattr(_module, "__path__", None)
    if isinstance(_path, list) and _path and str(_path[0]).startswith(_stdlib):
        _path.insert(0, _zip + "/" + str(_path[0])[len(_stdlib):])
del _zip, _stdlib, _module, _path
`);
  } catch (err) {
    post({ type: "log", text: `no bytecode for the standard library (${err}): Python compiles what it imports` });
  }
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
  const started = performance.now();
  try {
    if (type === "init") return await init(message);
    if (type === "marks") return post({ type: "done", id, result: { marks, startup, arrivals: arrivals() } });
    if (type === "settled") { // the background loading and the caches written (tests, bench: before a reload)
      await Promise.all([loaded.later, snapshotSaved]);
      await persistCache();
      return post({ type: "done", id, result: { marks, startup } });
    }
    if (!kernel) throw new Error("Python has not started");
    if (type === "run") {
      // the page's setup cells run with what is there (they only import, and try what may be missing)
      if (!message.setup) await waitFor(stagesFor(message.code), id);
      current = id;
      post({ type: "started", id });
      let result = JSON.parse(kernel.run_cell(message.code));
      const stage = !result.ok && result.missing ? stageOf(result.missing) : null;
      if (stage && loaded[stage]) {
        await waitFor(stage === "later" ? ["plots", "later"] : ["plots"], id);
        current = id;
        post({ type: "output", id, output: { output_type: "clear" } });
        result = JSON.parse(kernel.run_cell(message.code));
      }
      post({ type: "done", id, result });
      return schedulePersist(); // bytecode of modules imported for the first time, written when nothing else runs
    }
    current = id;
    if (type === "widget-info") return post({ type: "done", id, result: JSON.parse(kernel.widget_info(message.model)) });
    if (type === "widget-set") {
      const result = JSON.parse(kernel.widget_set(message.model, JSON.stringify(message.changes)));
      if (result && message.received != null) result.queued_ms = started - message.received; // waited behind other work
      return post({ type: "done", id, result });
    }
    throw new Error(`unknown message ${type}`);
  } catch (err) {
    const error = err && err.message ? `${err.name || "Error"}: ${err.message}` : String(err);
    if (type === "init") return post({ type: "failed", error });
    return post({ type: "done", id, result: { ok: false, error } });
  } finally {
    current = null;
    if (!UNCOUNTED.has(type)) {
      busy -= 1;
      lastRequest = performance.now();
    }
  }
}

self.onmessage = (event) => {
  event.data.received = performance.now();
  if (!UNCOUNTED.has(event.data.type)) {
    busy += 1;
    lastRequest = event.data.received;
  }
  queue = queue.then(() => handle(event.data));
};
