"""The book to take away: ``make dist`` writes three files into dist/.

- ``relu-textbook-<version>-site.zip``: the built site (``_build/html``) in one folder; unzip it and
  open ``index.html`` from disk, no server and no internet needed;
- ``relu-textbook-<version>.pdf``: the PDF of ``make pdf`` (``_build/pdf/book.pdf``);
- ``relu-textbook-<version>-notebooks.zip``: the notebooks with the ``relubook`` package,
  ``requirements.txt`` and what it installs, so that ``pip install -r requirements.txt`` inside the
  unzipped folder gives a working JupyterLab for them.

Usage: ``python tools/make_dist.py [--site DIR] [--pdf FILE] [--out DIR] [--only site|pdf|notebooks]``.
The release workflow (.github/workflows/release.yml) attaches the three files to every tag ``v*``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the notebooks zip holds, besides the notebooks: the package, what requirements.txt installs,
# and the pages the notebooks link to (citations go to bibliography.md, terms to glossary.md, chapter 1 to the
# benchmark).
NOTEBOOK_FOLDERS = ("chapters", "exercises", "solutions")
PACKAGE_FILES = ("requirements.txt", "runtime.txt", "pyproject.toml", "README.md", "LICENSE", "CITATION.cff",
                 "STYLE.md", "CONTRIBUTING.md", "references.bib", "bibliography.md", "glossary.md", "errata.md",
                 "bench/report.md", "jupyter-config/pyproject.toml")
PACKAGE_TREES = ("relubook", "jupyter-config")


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _skipped(path: Path) -> bool:
    return any(part in ("__pycache__", ".ipynb_checkpoints", "build") or part.endswith((".egg-info", ".pyc"))
               for part in path.parts)


def _zip_tree(zf: zipfile.ZipFile, src: Path, arcdir: str) -> int:
    count = 0
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and not _skipped(rel):
            zf.write(path, f"{arcdir}/{rel.as_posix()}")
            count += 1
    return count


def site_zip(site: Path, out: Path, name: str) -> Path:
    """Zip a built site into ``out/<name>-site.zip`` with everything under one folder ``<name>/``."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site}/index.html is missing: run `make book` first")
    target = Path(out) / f"{name}-site.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        n = _zip_tree(zf, site, name)
    print(f"wrote {target} ({n} files, {target.stat().st_size / 1e6:.1f} MB)")
    return target


def notebooks_zip(root: Path, out: Path, name: str) -> Path:
    """The notebooks, relubook and requirements.txt under one folder ``<name>-notebooks/``."""
    root, folder = Path(root), f"{name}-notebooks"
    target = Path(out) / f"{folder}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for sub in NOTEBOOK_FOLDERS:
            for nb in sorted((root / sub).glob("*.ipynb")):
                zf.write(nb, f"{folder}/{sub}/{nb.name}")
        for tree in PACKAGE_TREES:
            _zip_tree(zf, root / tree, f"{folder}/{tree}")
        for rel in PACKAGE_FILES:
            if (root / rel).is_file() and f"{folder}/{rel}" not in zf.namelist():
                zf.write(root / rel, f"{folder}/{rel}")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target


def copy_pdf(pdf: Path, out: Path, name: str) -> Path:
    pdf = Path(pdf)
    if not pdf.is_file():
        raise SystemExit(f"{pdf} is missing: run `make pdf` first")
    target = Path(out) / f"{name}.pdf"
    shutil.copyfile(pdf, target)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--pdf", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--only", choices=("site", "pdf", "notebooks"), action="append")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"relu-textbook-{version()}"
    only = set(args.only or ("site", "pdf", "notebooks"))
    if "site" in only:
        site_zip(args.site, args.out, name)
    if "pdf" in only:
        copy_pdf(args.pdf, args.out, name)
    if "notebooks" in only:
        notebooks_zip(ROOT, args.out, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
