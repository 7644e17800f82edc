"""Notebook maintenance for the book: one source for exercises, one setup cell, stored outputs.

Usage (from the project root, inside the venv)::

    python tools/nb.py exercises            # solutions/*.ipynb -> exercises/*.ipynb, then execute them
    python tools/nb.py exercises --no-run   # generate only
    python tools/nb.py setup-cell           # (re)write the Colab setup cell of every notebook
    python tools/nb.py execute NB [NB ...]  # execute notebooks in place, storing outputs, widget state
                                            # and the results of the prose's {eval} roles

Exercise generation
-------------------
In a solution notebook, answer code sits between ``# BEGIN SOLUTION`` and
``# END SOLUTION``. Inside a function body the block becomes a stub that
returns ``None`` (so the checker reports "not implemented yet"); at the top
level the marker must say what the learner starts from, for example
``# BEGIN SOLUTION stub: predictions = None`` (several statements are
separated by ``;``). Cells tagged ``solution-only`` are dropped from the
exercise notebook. Cells tagged ``exercise-only`` (with ``remove-cell``, so
the solutions page hides them) are shown in the exercise notebook only. In the
first heading "solutions" becomes "exercises".
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("chapters", "exercises", "solutions")
BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?:\s+stub:\s*(?P<stub>.*))?\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
SETUP_TAG = "colab-setup"


# ----------------------------------------------------------------------------
# The setup cell (Colab)
# ----------------------------------------------------------------------------
def repository_url() -> str:
    """The repository named in _config.yml (the one setting launch buttons follow)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


def setup_cell_source(url: str | None = None) -> str:
    """The identical first code cell of every notebook."""
    url = url or repository_url()
    return (
        "# Setup: on Colab this installs the book's helper package; locally and on Binder it does nothing.\n"
        "try:\n"
        "    import relubook\n"
        "except ModuleNotFoundError:\n"
        "    import subprocess\n"
        "    import sys\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "git+{url}"], check=True)\n'
    )


def make_setup_cell(url: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(setup_cell_source(url))
    cell.metadata["tags"] = [SETUP_TAG, "remove-cell"]
    cell.execution_count = 1
    return cell


def ensure_setup_cell(nb: nbformat.NotebookNode, url: str | None = None) -> bool:
    """Put the setup cell first among the code cells; return True when the notebook changed."""
    wanted = setup_cell_source(url)
    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            if cell.source != wanted:
                cell.source = wanted
                return True
            return False
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(index, make_setup_cell(url))
    return True


def all_notebooks() -> list[Path]:
    return sorted(p for f in FOLDERS for p in (ROOT / f).glob("*.ipynb"))


# ----------------------------------------------------------------------------
# Exercises from solutions
# ----------------------------------------------------------------------------
class MarkerError(ValueError):
    """A solution block that cannot be turned into a stub."""


def stub_source(source: str, where: str = "") -> str:
    """Replace every marked solution block of a cell's source by a runnable stub."""
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            if END.match(lines[i]):
                raise MarkerError(f"{where}: '# END SOLUTION' without a matching BEGIN")
            out.append(lines[i])
            i += 1
            continue
        indent, stub = m.group("indent"), m.group("stub")
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            if BEGIN.match(lines[j]):
                raise MarkerError(f"{where}: nested '# BEGIN SOLUTION'")
            j += 1
        if j == len(lines):
            raise MarkerError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'")
        if stub is not None:
            out.append(f"{indent}# YOUR CODE HERE")
            out.extend(f"{indent}{part.strip()}" for part in stub.split(";"))
        elif indent:
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}return None")
        else:
            raise MarkerError(f"{where}: a top-level solution block needs '# BEGIN SOLUTION stub: <code>'")
        i = j + 1
    return "\n".join(out)


def exercise_from_solution(sol: nbformat.NotebookNode, name: str = "") -> nbformat.NotebookNode:
    """The learner's notebook for a solution notebook (sources only, no outputs)."""
    nb = copy.deepcopy(sol)
    cells = []
    for k, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "solution-only" in tags:
            continue
        if "exercise-only" in tags:
            cell.metadata["tags"] = [t for t in tags if t not in ("exercise-only", "remove-cell")]
        if cell.cell_type == "code":
            cell.source = stub_source(cell.source, f"{name} cell {k}")
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            first, _, rest = cell.source.partition("\n")
            first = re.sub(r"\s*[—-]+\s*[Ss]olutions?\s*$", "", first)
            first = re.sub(r"\b[Ss]olutions\b", "exercises", first)
            cell.source = first + ("\n" + rest if rest else "")
            break
    nb.metadata.pop("widgets", None)
    return nb


def generate_exercises(run: bool = True, only: list[Path] | None = None) -> list[Path]:
    """Write exercises/X.ipynb for every solutions/X.ipynb (or only those named)."""
    written = []
    sources = [Path(p).resolve() for p in only] if only else sorted((ROOT / "solutions").glob("*.ipynb"))
    for sol_path in sources:
        sol = nbformat.read(sol_path, as_version=4)
        ex = exercise_from_solution(sol, sol_path.name)
        ex_path = ROOT / "exercises" / sol_path.name
        nbformat.write(ex, ex_path)
        written.append(ex_path)
        print(f"wrote {ex_path.relative_to(ROOT)}")
    if run:
        execute(written)
    return written


# ----------------------------------------------------------------------------
# Execution with stored outputs
# ----------------------------------------------------------------------------
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def eval_expressions(source: str) -> list[str]:
    """The expressions of a markdown cell's ``{eval}`` roles, in order, each once."""
    return list(dict.fromkeys(EVAL_ROLE.findall(source)))


class ExpressionError(RuntimeError):
    """An ``{eval}`` expression of a markdown cell that the kernel could not evaluate."""


def _store_user_expressions(client, path: Path):
    """An nbclient ``on_cell_start`` hook: evaluate each markdown cell's ``{eval}`` roles.

    The results go into the cell's ``user_expressions`` metadata, in jupyterlab-myst's format,
    evaluated where the cell stands (after the code cells above it), as myst-nb's inline
    execution does on the site. JupyterLab then shows the numbers before anything is run.
    """

    async def hook(cell, cell_index):
        if cell.cell_type != "markdown":
            return
        expressions = eval_expressions(cell.source)
        if not expressions:
            cell.metadata.pop("user_expressions", None)
            return
        msg_id = client.kc.execute("", silent=True, store_history=False,
                                   user_expressions={e: e for e in expressions})
        reply = await client.async_wait_for_reply(msg_id)
        results = reply["content"]["user_expressions"]
        stored = []
        for expr in expressions:
            result = dict(results[expr])
            if result.get("status") != "ok":
                raise ExpressionError(f"{path.name}, cell {cell_index}: {{eval}}`{expr}` failed: "
                                      f"{result.get('ename')}: {result.get('evalue')}")
            stored.append({"expression": expr, "result": result})
        cell.metadata["user_expressions"] = stored

    return hook


def execute(paths: list[Path], timeout: int = 300) -> None:
    """Execute notebooks in place (working directory: the notebook's folder).

    Stores outputs, widget state, and the results of the markdown cells' ``{eval}`` roles.
    """
    from nbclient import NotebookClient

    for path in paths:
        path = Path(path).resolve()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}},
                                store_widget_state=True, allow_errors=False)
        client.on_cell_start = _store_user_expressions(client, path)
        client.execute()
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("exercises", help="generate exercises/ from solutions/")
    ex.add_argument("--no-run", action="store_true", help="do not execute the generated notebooks")
    ex.add_argument("solutions", nargs="*", type=Path, help="only these solution notebooks")
    sub.add_parser("setup-cell", help="write the Colab setup cell into every notebook")
    run = sub.add_parser("execute", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "exercises":
        generate_exercises(run=not args.no_run, only=args.solutions)
    elif args.cmd == "setup-cell":
        for path in all_notebooks():
            nb = nbformat.read(path, as_version=4)
            if ensure_setup_cell(nb):
                nbformat.write(nb, path)
                print(f"updated {path.relative_to(ROOT)}")
    else:
        execute(args.paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
