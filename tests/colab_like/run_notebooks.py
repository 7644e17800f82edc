"""Run inside the Colab-like venv (see tests/test_colab_like.py): setup cells, then every notebook.

Usage: python run_notebooks.py REPO OUT.json NB [NB ...] [--run NB ...]

1. The setup cell runs in a fresh interpreter with ``relubook`` not installed, where it must
   pip-install it from ``REPO`` (the cell's ``git+<url>`` points there) without upgrading any package
   already present; then every notebook's setup cell runs with it installed, where it does nothing.
   A fake ``google.colab.output`` records whether a cell enabled Colab's custom widget manager.
2. The notebooks after ``--run`` run top to bottom in a kernel of this venv (so every widget's update
   function and ``live()`` run with this ipywidgets); cells tagged ``raises-exception`` may raise.

Writes a JSON report; the test reads it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAKE_COLAB = '''
import sys, types
calls = []
google = types.ModuleType("google"); colab = types.ModuleType("google.colab")
output = types.ModuleType("google.colab.output")
output.enable_custom_widget_manager = lambda: calls.append("enable_custom_widget_manager")
google.colab = colab; colab.output = output
sys.modules.update({"google": google, "google.colab": colab, "google.colab.output": output})
'''


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("numpy", "scipy", "matplotlib", "ipywidgets", "scikit-learn", "pillow", "relubook"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def run_setup_cell(source: str, repo: str) -> dict:
    source = re.sub(r"git\+\S+?(?=\")", repo, source)  # install from the checkout, not from GitHub
    script = FAKE_COLAB + "\n" + source + "\nimport relubook, json\nprint('CALLS=' + json.dumps(calls))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    calls = re.findall(r"^CALLS=(.*)$", result.stdout, re.MULTILINE)
    return {"returncode": result.returncode, "stderr": result.stderr[-3000:],
            "calls": json.loads(calls[-1]) if calls else None}


def main(repo: str, out: str, notebooks: list[str], run: list[str]) -> None:
    import nbformat
    from nbclient import NotebookClient

    report: dict = {"before": versions(), "setup": {}, "notebooks": {}}
    cells = {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        cells[path] = next(c.source for c in nb.cells if "colab-setup" in c.metadata.get("tags", []))
    # With relubook missing: the cell installs it (once is enough: the cells are identical).
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "relubook"], capture_output=True)
    first = notebooks[0]
    report["setup"]["install"] = run_setup_cell(cells[first], repo)
    report["after_install"] = versions()
    for path in notebooks:  # installed: every notebook's cell does nothing and fails nothing
        report["setup"][path] = run_setup_cell(cells[path], repo)
    for path in run:
        nb = nbformat.read(path, as_version=4)
        start = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                                    resources={"metadata": {"path": str(Path(path).parent)}})
            os.environ["MPLCONFIGDIR"] = tmp
            try:
                client.execute()
                error = None
            except Exception as exc:  # report, do not stop: every notebook gets its turn
                error = f"{type(exc).__name__}: {str(exc)[-3000:]}"
        lives = sum(len(re.findall(r"\blive\(", c.source)) for c in nb.cells if c.cell_type == "code")
        widget_views = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                           if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))
        report["notebooks"][path] = {"error": error, "seconds": round(time.monotonic() - start, 1),
                                     "live_calls": lives, "widget_views": widget_views}
        print(f"{path}: {report['notebooks'][path]['seconds']} s, {'ok' if error is None else 'FAILED'}",
              file=sys.stderr, flush=True)
    Path(out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    args = sys.argv[3:]
    split = args.index("--run") if "--run" in args else len(args)
    main(sys.argv[1], sys.argv[2], args[:split], args[split + 1:])
