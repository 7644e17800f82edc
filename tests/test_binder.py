"""Binder readiness: requirements.txt and runtime.txt alone give a working JupyterLab for the book.

repo2docker (what mybinder.org runs) sees ``runtime.txt`` and ``requirements.txt`` at the top level,
installs that Python, then ``pip install -r requirements.txt`` from the repository folder. The slow
test does the same in a fresh virtual environment (pip's download/wheel cache is reused, so after
``make install`` it needs no network), imports every module any notebook imports, and checks that the
ipywidgets JupyterLab extension is installed and enabled, with no ``postBuild`` step.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("chapters", "exercises", "solutions")
# Files that would make repo2docker ignore requirements.txt / runtime.txt or run extra build steps.
OVERRIDES = ("environment.yml", "Pipfile", "Pipfile.lock", "setup.py", "postBuild", "start", "apt.txt",
             "install.R", "Project.toml", "default.nix", "Dockerfile")


def notebooks() -> list[Path]:
    return sorted(p for folder in NOTEBOOK_FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


COLAB_ONLY = "google.colab"


def import_statements() -> dict[str, list[str]]:
    """Every import statement in the notebooks' code cells (as source) -> the notebooks using it."""
    found: dict[str, list[str]] = {}
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            # IPython syntax (magics, shell escapes) is not Python: drop those lines before parsing.
            source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                with warnings.catch_warnings():  # e.g. an invalid escape in a string: not an import problem
                    warnings.simplefilter("ignore")
                    tree = ast.parse(source)
            except SyntaxError as exc:
                raise AssertionError(f"{path.relative_to(ROOT)}: a code cell does not parse: {exc}") from exc
            for node in ast.walk(tree):
                if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                    if COLAB_ONLY in ast.unparse(node):  # the setup cell imports it on Colab only
                        continue
                    found.setdefault(ast.unparse(node), []).append(path.relative_to(ROOT).as_posix())
    return found


def test_notebooks_import_something():
    statements = import_statements()
    assert any("relubook" in s for s in statements), "no notebook imports relubook"


def test_runtime_txt_pins_python_311():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


def test_nothing_overrides_requirements_txt():
    assert (ROOT / "requirements.txt").is_file()
    for folder in (ROOT / "binder", ROOT / ".binder"):
        assert not folder.exists(), f"{folder.name}/ would make repo2docker ignore the top-level files"
    present = [name for name in OVERRIDES if (ROOT / name).exists()]
    assert not present, f"repo2docker would use or run {present}; the book builds from requirements.txt alone"


def test_requirements_are_pinned_and_install_the_book():
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert "-e ." in lines, "requirements.txt must install the book's package (-e .)"
    assert "./jupyter-config" in lines, "requirements.txt must install the book's JupyterLab settings"
    local = ("-e .", "./jupyter-config")
    loose = [ln for ln in lines if ln not in local and not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^\s;]+", ln)]
    assert not loose, f"unpinned or unusual lines in requirements.txt: {loose}"
    names = {re.split(r"[=\[]", ln)[0].lower().replace("_", "-") for ln in lines if ln not in local}
    assert {"jupyterlab", "jupyterlab-myst", "ipywidgets", "ipykernel"} <= names


def _clean_env(venv: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "CONDA", "PIP_REQUIRE_VIRTUALENV"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "mpl"), MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(cmd, env, timeout, cwd=ROOT) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def binder_venv(tmp_path_factory):
    """A fresh venv with exactly `pip install -r requirements.txt`, run from the repository (as repo2docker)."""
    base = tmp_path_factory.mktemp("binder")
    venv, home = base / "venv", base / "home"
    python = shutil.which("python3.11") or sys.executable
    start = time.monotonic()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    env = _clean_env(venv, home)
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], env, timeout=2400)
    print(f"binder venv installed in {time.monotonic() - start:.0f} s")
    yield venv, env
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_fresh_venv_is_python_311(binder_venv):
    venv, env = binder_venv
    out = _run([venv / "bin" / "python", "-c", "import sys; print(*sys.version_info[:2], sep='.')"], env, 60)
    assert out.stdout.strip() == "3.11"


@pytest.mark.slow
def test_fresh_venv_imports_everything_the_notebooks_import(binder_venv, tmp_path):
    venv, env = binder_venv
    statements = import_statements()
    script = tmp_path / "imports.py"
    script.write_text(
        "import sys, traceback\n"
        f"statements = {sorted(statements)!r}\n"
        "failed = []\n"
        "for s in statements:\n"
        "    try:\n"
        "        exec(s, {})\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{s}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    # From a neutral folder: the import must come from the installed package, not the working directory.
    result = subprocess.run([venv / "bin" / "python", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=600)
    failures = [ln for ln in result.stdout.splitlines() if ln.strip()]
    report = "\n".join(f"{ln}  (in {', '.join(sorted(set(statements[ln.split(':')[0]])))})"
                       if ln.split(":")[0] in statements else ln for ln in failures)
    assert result.returncode == 0, f"imports failing in a fresh Binder-like venv:\n{report}\n{result.stderr[-2000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("extension", ["@jupyter-widgets/jupyterlab-manager", "jupyterlab-myst"])
def test_fresh_venv_has_the_lab_extension(binder_venv, extension):
    venv, env = binder_venv
    result = _run([venv / "bin" / "jupyter", "labextension", "list"], env, timeout=300)
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # no colours
    line = next((ln for ln in text.splitlines() if re.search(rf"\s{re.escape(extension)}\s", ln)), None)
    assert line is not None, f"{extension} is not installed:\n{text}"
    assert re.search(r"\benabled\b", line) and "OK" in line, f"{extension} is not enabled and OK: {line}"
    assert str(venv) in text, f"the extension does not come from the fresh venv:\n{text}"


@pytest.mark.slow
def test_fresh_venv_lab_has_no_news_prompt_and_no_update_check(binder_venv):
    """The book's settings (./jupyter-config) land where every `jupyter lab` of the environment reads them."""
    import json

    venv, env = binder_venv
    config = venv / "etc" / "jupyter" / "jupyter_lab_config.json"
    assert config.is_file(), f"{config} is missing: requirements.txt did not install ./jupyter-config"
    lab = json.loads(config.read_text())["LabApp"]
    assert "news_url" in lab and lab["news_url"] is None, f"LabApp.news_url is not None: {lab}"
    assert lab.get("check_for_updates_class") == "jupyterlab.NeverCheckForUpdate", lab
    # JupyterLab asks "official Jupyter news?" whenever fetchNews is "none": the book's default says no.
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "relubook.json"
    assert overrides.is_file(), f"{overrides} is missing"
    notification = json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}, notification
