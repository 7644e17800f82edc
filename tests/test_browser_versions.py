"""relubook on the browser's versions: its unit tests in a venv with the live pages' packages (issue 30).

A live page runs the book's code in Pyodide 0.27.7 (Python 3.12, NumPy 2.0.2, matplotlib 3.8.4,
SciPy 1.14.1, scikit-learn 1.6.1, IPython 8.23, ...), while the book is built and tested with
requirements.txt's newer versions. This test makes a fresh venv (Python 3.11, as the book) with
exactly the versions browser/live/runtime.lock.json ships to the browser, every one from PyPI
(pip's cache makes later runs quick), and runs relubook's unit tests there against this checkout's
sources (``PYTHONPATH``), with warnings as errors as always (pyproject.toml).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "browser" / "live" / "runtime.lock.json"
# Upstream Pyodide names that are no PyPI distribution (a shared library, a stdlib module, Pyodide's
# own matplotlib backend) or not needed to run relubook's tests.
NOT_ON_PYPI = {"openblas", "sqlite3", "matplotlib-pyodide", "ssl"}
# The unit tests of relubook's modules; tests of the project around it (notebooks, site, venvs) stay out.
PROJECT_TESTS = {"test_binder.py", "test_colab_like.py", "test_dist.py", "test_layout.py", "test_lint.py",
                 "test_notebook_door.py", "test_setup_cell.py", "test_kernel_poll.py", "test_build_times.py",
                 "test_browser_versions.py", "test_live_runtime.py", "test_bench_readme.py", "test_nb_tools.py",
                 "test_portable_myst.py", "test_prose_numbers.py", "test_citation.py"}
EXTRA = ["pytest==9.2.0", "pytest-xdist==3.8.0", "mpmath==1.3.0", "nbformat==5.11.1"]  # test tools


def browser_pins() -> list[str]:
    lock = json.loads(LOCK.read_text())
    pins = [f"{name}=={entry['version']}" for name, entry in sorted(lock["packages"].items())
            if name not in NOT_ON_PYPI]
    pins += [f"{name}=={entry['version']}" for name, entry in sorted(lock["wheels"].items())]
    return pins


def unit_tests() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py")
                  if p.name not in PROJECT_TESTS and "relubook" in p.read_text())


def test_pins_are_the_browsers():
    pins = browser_pins()
    for pin in ("numpy==2.0.2", "matplotlib==3.8.4", "scipy==1.14.1", "scikit-learn==1.6.1", "ipywidgets==8.1.9"):
        assert pin in pins, pins
    assert len(unit_tests()) >= 20, unit_tests()


@pytest.mark.slow
def test_relubook_unit_tests_pass_on_the_browsers_versions(tmp_path):
    venv = tmp_path / "venv"
    python = shutil.which("python3.11") or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONPATH=str(ROOT),
               MPLCONFIGDIR=str(tmp_path / "mpl"), IPYTHONDIR=str(tmp_path / "ipython"))
    bin_python = str(venv / "bin" / "python")
    install = subprocess.run([bin_python, "-m", "pip", "install", "--quiet", "--only-binary=:all:",
                              *browser_pins(), *EXTRA], env=env, capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, f"the browser-versions venv did not install:\n{install.stderr[-3000:]}"
    show = "import numpy, matplotlib; print(numpy.__version__, matplotlib.__version__)"
    versions = subprocess.run([bin_python, "-c", show], env=env, capture_output=True, text=True,
                              check=True).stdout.split()
    assert versions == ["2.0.2", "3.8.4"], versions
    log = tmp_path / "pytest.log"
    with log.open("w") as out:  # a log file, so that a run cut short still shows how far it got
        run = subprocess.run([bin_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                              "-n", "2", "--dist", "loadfile", "--no-header", *unit_tests()], env=env, cwd=ROOT,
                             stdout=out, stderr=subprocess.STDOUT, text=True, timeout=3600)
    assert run.returncode == 0, (
        f"relubook's unit tests fail with NumPy 2.0.2 / matplotlib 3.8.4 (the browser's):\n{log.read_text()[-6000:]}")
