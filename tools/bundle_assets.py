"""Copy the browser assets the site serves itself from node_modules into _assets/bundled/.

The static site must work offline, so nothing a page needs may come from a CDN. npm (pinned in
package.json, locked in package-lock.json, installed by ``make assets`` with ``npm ci``) provides:

* MathJax 3 (``mathjax``): ``mathjax_path`` in _config.yml points at ``bundled/mathjax/startup.js``,
  and ``mathjax3_config.loader`` loads only the components the book needs: TeX input with its
  extensions, HTML-CSS output and assistive MathML. The combined ``tex-mml-chtml.js`` would add the
  right-click menu (0.4 MB of the page's first visit, issue 29's 4 MB budget). Fonts and the TeX
  extensions that ``autoload`` loads on demand are copied beside it.
* the book's own ipywidgets manager (``browser/widgets/``, built by ``browser/build.js``): esbuild bundles it with the
  ipywidgets 8 packages it imports (``@jupyter-widgets/base``, ``base-manager``, ``controls``)
  into ``bundled/widgets/widgets.js`` and ``widgets.css``. myst-nb adds the script (setting
  ``nb_ipywidgets_js``) only to pages whose notebook holds widget state; the script adds the
  stylesheet beside it. It replaces ``@jupyter-widgets/html-manager``'s ``embed-amd.js`` and
  require.js (3.7 MB, which alone broke the 4 MB first-visit budget): see
  browser/widgets/index.js.

_config.yml lists ``_assets`` in ``html_static_path``, so this folder's contents land in the site's
``_static/`` (as ``_static/bundled/``; the theme owns ``_static/vendor/``). Sphinx adds to a page
only the scripts its settings name; but Jupyter Book adds *every* ``.js``/``.css`` below every
static path to every page as soon as a folder called ``_static`` exists at the book's root, so the
book keeps no ``_static/`` folder of its own (the page-weight test would catch the megabytes that
would add to each page).

axe-core is not shipped: the browser tests inject it from node_modules.
Source maps (``*.map``) are never copied, and ``sourceMappingURL`` comments are dropped.

Usage: ``python tools/bundle_assets.py`` (from the repository root, after ``npm ci``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
DEST = ROOT / "_assets" / "bundled"
BROWSER = ROOT / "browser"

# (npm package, path inside it, destination below DEST, file-name patterns to skip)
MATHJAX_PARTS = [
    "startup.js",  # the loader Sphinx loads; _config.yml (mathjax3_config.loader) names the components
    "core.js",  # loaded by startup.js before the components below
    "input",  # TeX input (tex-base) and the TeX extensions the book loads or autoload loads on demand
    "output/chtml.js",  # HTML-CSS output
    "output/chtml",  # its font data and fonts (woff-v2) loaded on demand
    "a11y",  # assistive MathML (what screen readers read), loaded on every page
]
SOURCE_MAP_COMMENT = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")


def installed_version(package: str) -> str:
    meta = json.loads((NODE_MODULES / package / "package.json").read_text())
    return meta["version"]


def check_pins() -> dict[str, str]:
    """Every package pinned in package.json is installed at exactly that version."""
    meta = json.loads((ROOT / "package.json").read_text())
    wanted = {**meta["dependencies"], **meta.get("devDependencies", {})}
    found = {}
    for package, version in wanted.items():
        if not (NODE_MODULES / package / "package.json").exists():
            sys.exit(f"bundle_assets: {package} is not installed; run `make assets` (npm ci)")
        found[package] = installed_version(package)
        if found[package] != version:
            sys.exit(
                f"bundle_assets: {package} is {found[package]} in node_modules but package.json "
                f"pins {version}; run `make assets` (npm ci)"
            )
    return found


def copy_file(src: Path, dst: Path) -> int:
    if src.suffix == ".map":
        return 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    data = src.read_bytes()
    if src.suffix == ".js":
        data = SOURCE_MAP_COMMENT.sub(b"\n", data)
    dst.write_bytes(data)
    return len(data)


def copy_tree(src: Path, dst: Path) -> int:
    if src.is_file():
        return copy_file(src, dst)
    return sum(copy_file(f, dst / f.relative_to(src)) for f in sorted(src.rglob("*")) if f.is_file())


def build_widget_manager(dest: Path) -> int:
    """Bundle browser/ with esbuild (pinned in package.json) into ``dest``."""
    node = shutil.which("node")
    if node is None:
        sys.exit("bundle_assets: the widget manager is built with Node.js (Debian: apt-get install nodejs npm)")
    run = subprocess.run(
        [node, str(BROWSER / "build.js"), str(dest)], cwd=ROOT, capture_output=True, text=True
    )
    if run.returncode != 0:
        sys.exit(f"bundle_assets: building the widget manager failed:\n{run.stdout}{run.stderr}")
    print(run.stdout, end="")
    for f in list(dest.rglob("*.map")):
        f.unlink()
    return sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())


def main() -> None:
    versions = check_pins()
    if DEST.exists():
        shutil.rmtree(DEST)
    total = 0
    mathjax = NODE_MODULES / "mathjax" / "es5"
    for part in MATHJAX_PARTS:
        total += copy_tree(mathjax / part, DEST / "mathjax" / part)
    total += build_widget_manager(DEST / "widgets")
    for licence in [
        NODE_MODULES / "mathjax" / "LICENSE",
        NODE_MODULES / "@jupyter-widgets" / "controls" / "LICENSE",
    ]:
        if licence.exists():
            copy_file(licence, DEST / "licenses" / f"{licence.parent.name}-LICENSE.txt")
    (DEST / "VERSIONS.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
    maps = list(DEST.rglob("*.map"))
    assert not maps, maps
    print(f"bundle_assets: {total / 1e6:.1f} MB into {DEST.relative_to(ROOT)}/ ({versions})")


if __name__ == "__main__":
    main()
