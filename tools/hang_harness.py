"""Hang harness (issue 24): runs the widget cells that draw frames many times under load and counts stalls.

Usage (from the project root, inside the venv)::

    python tools/hang_harness.py --runs 50            # with the fix (tools/kernel_poll.py)
    python tools/hang_harness.py --runs 50 --no-fix   # jupyter_client as it is: the rate before the fix
    python tools/hang_harness.py --mode build --runs 10 [--no-fix]   # one-page jupyter-book builds instead

``--mode cells`` (the default) starts one kernel with myst-nb's own inline client and executes a notebook
(default ``chapters/01_definition.ipynb``) cell by cell, one event-loop run per cell, as ``make book``
does; then it executes the notebook's widget cells (those that call ``live(``) again and again, each run
with an empty frame store, so every run draws the widgets' frames. Two busy loops load the two cores
(``--load``). Every ``get_msg`` of the client's asyncio channels is watched: a **stall** is a call that
returned a message only when its timeout ran out (the kernel had sent it long before: the message's own
``date`` says when), the signature of the missed ZMQ wake-up; a **hung run** is a run with a stall of
at least half the cell timeout (``--timeout``, 30 s by default). With the fix, a missed wake-up costs at
most one 0.5 s slice; the harness counts those too ("absorbed").

``--mode build`` builds a one-page book holding ``--notebook`` (default ``exercises/04_dying_relu.ipynb``)
``--runs`` times, as ``shared/tools/hang-repro`` did; a hung build is one whose "Executed notebook in X
seconds" is at least 90 % of the timeout.

The summary line: ``hang-harness: <fix|no-fix> <mode>: H hung runs of N (rate R), ...``; ``--json FILE``
also writes every run's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import kernel_poll  # noqa: E402


# ----------------------------------------------------------------------------- load
def start_load(n: int) -> list[subprocess.Popen]:
    """``n`` busy loops (one per core of the 2-core build machine), ended by :func:`stop_load`."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop_load(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.kill()
        proc.wait()


# ----------------------------------------------------------------------------- the watch on get_msg
class Watch:
    """Wraps ``AsyncZMQSocketChannel.get_msg`` (the fixed one or jupyter_client's) and records stalls."""

    def __init__(self):
        self.stalls: list[dict] = []
        self.calls = 0

    def install(self) -> None:
        from jupyter_client.channels import AsyncZMQSocketChannel

        inner = AsyncZMQSocketChannel.get_msg
        watch = self

        async def get_msg(channel, timeout=None):
            watch.calls += 1
            start = time.monotonic()
            msg = await inner(channel, timeout=timeout)
            waited = time.monotonic() - start
            if timeout and waited >= 0.95 * timeout and waited >= 0.5:
                sent = msg["header"].get("date")
                age = (datetime.now(UTC) - sent).total_seconds() if isinstance(sent, datetime) else None
                if age is None or age >= 0.5 * waited:  # it was there long before: a missed wake-up
                    watch.stalls.append({"seconds": round(waited, 2), "timeout": timeout,
                                         "msg_type": msg["msg_type"], "age": None if age is None else round(age, 2)})
            return msg

        AsyncZMQSocketChannel.get_msg = get_msg


# ----------------------------------------------------------------------------- build mode's watch
#: Build mode: the file each build's stalls are written to (the harness loads this module into the
#: build as a Sphinx extension after tools/kernel_poll.py, so the watch sees the client's get_msg).
STALLS_ENV = "HANG_HARNESS_STALLS"


def setup(app):
    """Sphinx extension (build mode): watch the build's get_msg, write its stalls to ``$HANG_HARNESS_STALLS``."""
    watch = Watch()
    watch.install()
    absorbed = kernel_poll.ABSORBED

    def write(app, exception):
        path = os.environ.get(STALLS_ENV)
        if path:
            Path(path).write_text(json.dumps({"stalls": watch.stalls, "calls": watch.calls,
                                              "absorbed": kernel_poll.ABSORBED - absorbed}))

    app.connect("build-finished", write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ----------------------------------------------------------------------------- cells mode
def _widget_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "live(" in c.source]


def run_cells(notebook: Path, runs: int, timeout: int, fix: bool, out: list[dict], quiet: bool) -> None:
    import nbformat
    from myst_nb.core.execute.inline import ModifiedNotebookClient
    from nbclient.exceptions import CellTimeoutError

    if fix:
        kernel_poll.install()
    else:
        kernel_poll.uninstall()
    watch = Watch()
    watch.install()

    nb = nbformat.read(notebook, as_version=4)
    widgets = _widget_cells(nb)
    if not widgets:
        raise SystemExit(f"{notebook}: no widget cell (a cell calling live()) to run")
    store = Path(tempfile.mkdtemp(prefix="hang-harness-frames-"))
    os.environ["RELUBOOK_FRAMES_DIR"] = str(store / "setup")
    client = ModifiedNotebookClient(nb, timeout=timeout, allow_errors=False, record_timing=False,
                                    resources={"metadata": {"path": str(notebook.parent)}})
    client.reset_execution_trackers()
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    try:
        count = 0

        def execute(index: int, cell) -> float:
            nonlocal count
            start = time.monotonic()
            client.execute_cell(cell, index, execution_count=count + 1)
            count += 1
            return time.monotonic() - start

        client.timeout = max(timeout, kernel_poll.cell_timeout())
        for i, cell in enumerate(nb.cells):  # the notebook once, as the build runs it (the book's limit)
            if cell.cell_type == "code":
                execute(i, cell)
        setup_stalls = list(watch.stalls)
        client.timeout = timeout
        for run in range(1, runs + 1):
            watch.stalls.clear()
            before = kernel_poll.ABSORBED
            env = nbformat.v4.new_code_cell(f"import os; os.environ['RELUBOOK_FRAMES_DIR'] = {str(store / str(run))!r}")
            execute(-1, env)
            seconds, timed_out = 0.0, False
            for i in widgets:
                start = time.monotonic()
                try:
                    execute(i, nb.cells[i])
                except CellTimeoutError:  # with the fix: a cell that really ran past the limit (a slow run)
                    timed_out = True
                seconds += time.monotonic() - start
            worst = max((s["seconds"] for s in watch.stalls), default=0.0)
            row = {"run": run, "seconds": round(seconds, 2), "stalls": list(watch.stalls), "timed_out": timed_out,
                   "hung": worst >= 0.5 * timeout, "absorbed": kernel_poll.ABSORBED - before}
            out.append(row)
            shutil.rmtree(store / str(run), ignore_errors=True)
            if not quiet:
                print(f"run {run}: widget cells {seconds:.1f} s, stalls {[s['seconds'] for s in row['stalls']]}"
                      f"{', absorbed ' + str(row['absorbed']) if fix else ''}{'  HUNG' if row['hung'] else ''}"
                      f"{'  TIMED OUT' if timed_out else ''}",
                      flush=True)
        if setup_stalls and not quiet:
            print(f"setup (whole notebook once): stalls {[s['seconds'] for s in setup_stalls]}")
    finally:
        client._cleanup_kernel()
        shutil.rmtree(store, ignore_errors=True)


# ----------------------------------------------------------------------------- build mode
def run_builds(notebook: Path, runs: int, timeout: int, fix: bool, out: list[dict], quiet: bool,
               frames: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="hang-harness-book-"))
    try:
        rel = Path(_shown(notebook))
        (work / rel.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, work / rel)
        (work / "_toc.yml").write_text(f"format: jb-book\nroot: {rel.with_suffix('').as_posix()}\n")
        extensions = f"\n  local_extensions: {{kernel_poll: {ROOT / 'tools'}, hang_harness: {ROOT / 'tools'}}}"
        (work / "_config.yml").write_text(
            "title: hang-harness\nonly_build_toc_files: true\n"
            f"execute: {{execute_notebooks: inline, timeout: {timeout}, allow_errors: false}}\n"
            f"sphinx:{extensions}\n"
            f"  config: {{nb_execution_timeout: {timeout}, nb_execution_raise_on_error: true}}\n"
            "parse: {myst_enable_extensions: [amsmath, colon_fence, dollarmath]}\n")
        jb = Path(sys.executable).with_name("jupyter-book")
        stalls_file = work / "stalls.json"
        env = {**os.environ, "RELUBOOK_FRAMES_DIR": str(frames), kernel_poll.ENV: "1" if fix else "0",
               STALLS_ENV: str(stalls_file)}
        for run in range(1, runs + 1):
            shutil.rmtree(work / "_build", ignore_errors=True)
            start = time.monotonic()
            done = subprocess.run([str(jb), "build", str(work)], capture_output=True, text=True, env=env,
                                  timeout=timeout * 4 + 120)
            wall = time.monotonic() - start
            times = [float(t) for t in __import__("re").findall(r"Executed notebook in ([\d.]+) seconds", done.stdout)]
            executed = times[-1] if times else None
            watched = json.loads(stalls_file.read_text()) if stalls_file.exists() else {}
            stalls_file.unlink(missing_ok=True)
            stalls = watched.get("stalls", [])
            row = {"run": run, "seconds": executed, "wall": round(wall, 1), "ok": done.returncode == 0,
                   "stalls": stalls, "absorbed": watched.get("absorbed", 0),
                   # the watch's stalls when it reported; else, as the repro did, the notebook's time
                   "hung": max((x["seconds"] for x in stalls), default=0) >= 0.5 * timeout if watched
                   else executed is not None and executed >= 0.9 * timeout}
            out.append(row)
            if not quiet:
                print(f"run {run}: executed in {executed} s (build {wall:.0f} s, exit {done.returncode}), "
                      f"stalls {[(x['seconds'], x['msg_type'], x['age']) for x in stalls]}"
                      f"{', absorbed ' + str(row['absorbed']) if fix else ''}{'  HUNG' if row['hung'] else ''}",
                      flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _shown(notebook: Path) -> str:
    """The notebook's path from the project's root (its name when it lies elsewhere)."""
    try:
        return notebook.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return notebook.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--mode", choices=["cells", "build"], default="cells")
    parser.add_argument("--notebook", type=Path, help="default: chapters/01_definition.ipynb (cells), "
                                                      "exercises/04_dying_relu.ipynb (build)")
    parser.add_argument("--timeout", type=int, default=30, help="a widget cell's limit in seconds (default 30)")
    parser.add_argument("--load", type=int, default=2, help="busy loops while it runs (default 2)")
    parser.add_argument("--no-fix", action="store_true", help="leave jupyter_client's get_msg as it is")
    parser.add_argument("--frames", type=Path, default=ROOT / "_build" / "frames",
                        help="build mode: the frame store (cached frames, as the repro used)")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.timeout < 2:
        parser.error("--runs must be >= 1 and --timeout >= 2")
    fix = not args.no_fix
    notebook = (args.notebook or ROOT / ("chapters/01_definition.ipynb" if args.mode == "cells"
                                         else "exercises/04_dying_relu.ipynb")).resolve()
    rows: list[dict] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped harness still ends its busy loops
    load = start_load(args.load)
    start = time.monotonic()
    try:
        if args.mode == "cells":
            run_cells(notebook, args.runs, args.timeout, fix, rows, args.quiet)
        else:
            run_builds(notebook, args.runs, args.timeout, fix, rows, args.quiet, args.frames)
    finally:
        stop_load(load)
    hung = sum(r["hung"] for r in rows)
    label = "fix" if fix else "no-fix"
    absorbed = sum(r.get("absorbed", 0) for r in rows)
    extra = f", {absorbed} missed wake-ups absorbed by the fix" if fix else ""
    print(f"hang-harness: {label} {args.mode} ({_shown(notebook)}, timeout {args.timeout} s, "
          f"{args.load} busy loops): {hung} hung runs of {len(rows)} (rate {hung / max(1, len(rows)):.2f}){extra}; "
          f"{time.monotonic() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"fix": fix, "mode": args.mode, "notebook": _shown(notebook),
                                         "timeout": args.timeout, "load": args.load, "runs": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
