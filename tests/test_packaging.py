"""pyproject.toml ships every package of relubook (a pip install from git, as Colab's setup cell does,
must hold relubook.claims too)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "relubook").rglob("__init__.py")}
    assert found == listed, f"missing: {sorted(found - listed)}; not packages: {sorted(listed - found)}"
