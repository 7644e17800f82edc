"""The Colab setup cell: identical in every notebook, generated from _config.yml, inert locally.

The cell is the first code cell of every notebook (tag ``colab-setup``). On Colab
``import relubook`` fails and the cell pip-installs the book's package from the
repository ``_config.yml`` names; locally and on Binder it does nothing.
"""

from __future__ import annotations

import builtins
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("relubook_tools_nb", ROOT / "tools" / "nb.py")
nbtools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbtools)

NOTEBOOKS = nbtools.all_notebooks()


def config_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def setup_cells(path: Path) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if nbtools.SETUP_TAG in c.metadata.get("tags", [])]


def run_cell(source: str, *, relubook_importable: bool, monkeypatch) -> list[list[str]]:
    """Execute the cell's source; return the argument lists subprocess.run was called with."""
    calls: list[list[str]] = []

    def fake_run(args, *a, **kw):
        calls.append(list(args))
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    if not relubook_importable:
        real_import = builtins.__import__

        def failing_import(name, *a, **kw):
            if name == "relubook" or name.startswith("relubook."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return real_import(name, *a, **kw)

        monkeypatch.setattr(builtins, "__import__", failing_import)
    exec(compile(source, "<setup cell>", "exec"), {"__name__": "__main__"})
    return calls


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in chapters/, exercises/ or solutions/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_notebook_has_the_generated_setup_cell_first(path):
    cells = setup_cells(path)
    assert len(cells) == 1, f"{path.name}: expected exactly one cell tagged {nbtools.SETUP_TAG!r}, found {len(cells)}"
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert nbtools.SETUP_TAG in first_code.metadata.get("tags", []), (
        f"{path.name}: the setup cell is not the first code cell"
    )
    assert cells[0].source == nbtools.setup_cell_source(config_url()), (
        f"{path.name}: the setup cell differs from tools/nb.py's setup_cell_source(); "
        "run `python tools/nb.py setup-cell`"
    )


def test_setup_cells_are_identical_across_notebooks():
    sources = {setup_cells(p)[0].source for p in NOTEBOOKS if setup_cells(p)}
    assert len(sources) == 1, f"{len(sources)} different setup cells across notebooks"


def test_generated_cell_follows_the_config_url():
    url = config_url()
    assert nbtools.repository_url() == url
    cell = nbtools.setup_cell_source()
    assert f"git+{url}" in cell
    other = nbtools.setup_cell_source("https://github.com/someone-else/fork-of-the-book")
    assert other != cell
    assert "git+https://github.com/someone-else/fork-of-the-book" in other
    assert url not in other


def test_cell_does_nothing_when_relubook_imports(monkeypatch):
    calls = run_cell(nbtools.setup_cell_source(), relubook_importable=True, monkeypatch=monkeypatch)
    assert calls == []


def test_cell_installs_quietly_from_the_repository_on_colab(monkeypatch):
    url = config_url()
    calls = run_cell(nbtools.setup_cell_source(), relubook_importable=False, monkeypatch=monkeypatch)
    assert len(calls) == 1, calls
    cmd = calls[0]
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"], cmd
    assert "--quiet" in cmd, cmd
    assert f"git+{url}" in cmd, cmd
    # Only the book's package is named: pip keeps what Colab already has when it satisfies the lower bounds.
    assert [a for a in cmd[4:] if not a.startswith("-")] == [f"git+{url}"], cmd


def test_notebook_cell_runs_the_colab_path_too(monkeypatch):
    """The cell stored in a notebook (not only the generator) takes the Colab path."""
    source = setup_cells(NOTEBOOKS[0])[0].source
    calls = run_cell(source, relubook_importable=False, monkeypatch=monkeypatch)
    assert calls and f"git+{config_url()}" in calls[0]


def _fake_colab(monkeypatch, ipywidgets_version: str) -> list[str]:
    """A stand-in for ``google.colab.output`` and an ipywidgets of the given version; returns the calls."""
    import types

    calls: list[str] = []
    google, colab, output = (types.ModuleType(n) for n in ("google", "google.colab", "google.colab.output"))
    output.enable_custom_widget_manager = lambda: calls.append("enable_custom_widget_manager")
    google.colab, colab.output = colab, output
    fake_widgets = types.ModuleType("ipywidgets")
    fake_widgets.__version__ = ipywidgets_version
    for name, module in {"google": google, "google.colab": colab, "google.colab.output": output,
                         "ipywidgets": fake_widgets}.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


@pytest.mark.parametrize(("version", "enabled"), [("8.1.9", True), ("7.7.1", False)])
def test_cell_enables_colabs_widget_manager_only_for_ipywidgets_8(monkeypatch, version, enabled):
    calls = _fake_colab(monkeypatch, version)
    run_cell(nbtools.setup_cell_source(), relubook_importable=True, monkeypatch=monkeypatch)
    assert calls == (["enable_custom_widget_manager"] if enabled else []), (version, calls)


def test_cell_refreshes_import_caches_after_installing(monkeypatch):
    """A package pip installs into a running kernel is importable at once (Python caches directory listings)."""
    import importlib

    refreshed = []
    monkeypatch.setattr(importlib, "invalidate_caches", lambda: refreshed.append(True))
    run_cell(nbtools.setup_cell_source(), relubook_importable=False, monkeypatch=monkeypatch)
    assert refreshed == [True]
