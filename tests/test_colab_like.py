"""The book on a Colab-like Python: ipywidgets 7.7.1 and the oldest versions relubook's lower bounds allow.

Colab ships its own numpy, scipy, matplotlib and ipywidgets 7.7.x and cannot install JupyterLab
extensions. The setup cell must install ``relubook`` next to them without upgrading any, and every
notebook, widgets included, must run there. A fresh venv gets exactly the lower bounds of
pyproject.toml (ipywidgets at Colab's 7.7.1) from PyPI (pip's cache makes later runs quick); then
tests/colab_like/run_notebooks.py runs every setup cell (installing from this checkout) and the
chapter notebooks in a kernel of that venv (IPython and ipykernel as old as Colab's).
``RELUBOOK_COLAB_ROOT`` points it at a copy of the book.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("RELUBOOK_COLAB_ROOT", ROOT)).resolve()
NOTEBOOKS = sorted(p for f in ("chapters", "exercises", "solutions") for p in (BOOK / f).glob("*.ipynb"))
# Run top to bottom: the chapters (every chapter widget's update function and live()); with
# RELUBOOK_COLAB_ALL=1 also the solutions (an exercise is its solution with stubs). Every setup cell runs.
# Old numpy is slower: the chapters take 3-4 minutes there on a busy 2-core machine.
RUN = [p for p in NOTEBOOKS if p.parent.name == "chapters"
       or (os.environ.get("RELUBOOK_COLAB_ALL") == "1" and p.parent.name == "solutions")]
COLAB_IPYWIDGETS = "7.7.1"
# Colab's kernel: an IPython and ipykernel of its own age (matplotlib 3.7 predates IPython 9, which
# removed an API its inline backend calls).
COLAB_KERNEL = ["ipython==7.34.0", "ipykernel==6.17.1"]
KEPT = ("numpy", "scipy", "matplotlib", "ipywidgets")  # what the setup cell must not upgrade


def lower_bound_pins() -> list[str]:
    """``name==bound`` for every ``name>=bound`` dependency of relubook (ipywidgets: Colab's 7.7.1)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = []
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", dep.strip())
        assert m, f"relubook's dependency {dep!r} is not a plain lower bound"
        name, bound = m.groups()
        pins.append(f"{name}=={COLAB_IPYWIDGETS if name == 'ipywidgets' else bound}")
    return pins


def test_lower_bounds_allow_colab_ipywidgets_7():
    pins = lower_bound_pins()
    assert "ipywidgets==7.7.1" in pins
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "ipywidgets>=7.7" in deps, deps


@pytest.fixture(scope="module")
def colab_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("colab")
    venv = base / "venv"
    python = shutil.which("python3.11") or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_DATA_DIR=str(base / "jupyter-data"), JUPYTER_CONFIG_DIR=str(base / "jupyter-config"),
               IPYTHONDIR=str(base / "ipython"), MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    result = subprocess.run(pip + lower_bound_pins() + COLAB_KERNEL + ["nbclient", "nbformat"], env=env,
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, f"the Colab-like venv did not install:\n{result.stderr[-3000:]}"
    out = base / "report.json"
    result = subprocess.run([str(venv / "bin" / "python"), str(ROOT / "tests" / "colab_like" / "run_notebooks.py"),
                             str(BOOK), str(out), *map(str, NOTEBOOKS), "--run", *map(str, RUN)], env=env, cwd=base,
                            capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, f"run_notebooks.py failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    yield json.loads(out.read_text())
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_setup_cell_installs_relubook_without_upgrading_colab_packages(colab_report):
    install = colab_report["setup"]["install"]
    assert install["returncode"] == 0, f"the setup cell failed to install relubook:\n{install['stderr']}"
    before, after = colab_report["before"], colab_report["after_install"]
    assert after["relubook"], "relubook is not installed after the setup cell"
    changed = {k: (before[k], after[k]) for k in KEPT if before[k] != after[k]}
    assert not changed, f"the setup cell changed Colab's packages: {changed}"
    assert after["ipywidgets"] == COLAB_IPYWIDGETS
    # ipywidgets 7: Colab's own widget renderer, no custom widget manager
    assert install["calls"] == [], install["calls"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_setup_cell_does_nothing_once_installed(colab_report, path):
    setup = colab_report["setup"][str(path)]
    assert setup["returncode"] == 0 and setup["calls"] == [], f"setup cell of {path.name}: {setup}"


@pytest.mark.slow
@pytest.mark.parametrize("path", RUN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_with_ipywidgets_7(colab_report, path):
    run = colab_report["notebooks"][str(path)]
    assert run["error"] is None, f"{path.name} fails on the Colab-like venv:\n{run['error']}"
    if run["live_calls"]:
        assert run["widget_views"] >= 1, f"{path.name} calls live() but shows no widget"
