"""A kernel's replies are heard when they arrive: jupyter_client's asyncio channels poll in short slices.

Issue 24. ``make book`` sometimes stalled for exactly ``nb_execution_timeout`` at a cell that had
finished: the kernel had sent its ``execute_reply``, but ``await socket.poll(timeout)`` in
``jupyter_client.channels.AsyncZMQSocketChannel.get_msg`` was never woken up. A ``zmq.asyncio``
socket is woken through its ZMQ_FD, an edge-triggered descriptor that a ``getsockopt(EVENTS)`` or a
send on the same socket drains; when that edge is lost, pyzmq's poll sleeps until its own timeout
and then, looking once more, finds the message (zeromq/pyzmq#1558, #2173; the latest pyzmq 27.3.0,
jupyter_client 8.10.0, nbclient 0.11.0 and myst-nb 1.4.0 all have it). nbclient then goes on as if
nothing had happened: no error, a build ten minutes longer.

:func:`install` replaces ``AsyncZMQSocketChannel.get_msg`` by one that polls in slices of at most
:data:`SLICE` seconds up to the same deadline. A missed wake-up then costs at most one slice: the
poll that ends a slice asks libzmq directly (``zmq_poll`` with no wait), which sees the message.
The blocking channels (``ZMQSocketChannel``: nbval's client, jupyter_client's blocking client)
call ``zmq_poll`` themselves and never had the problem.

Where it is installed, every client of the book's notebooks:

* the site build: a Sphinx extension (``_config.yml``, ``sphinx.local_extensions``), which also
  logs each cell that takes more than :data:`SLOW_CELL` seconds and turns a cell that runs past
  ``nb_execution_timeout`` into an error naming the notebook and the cell;
* ``tools/nb.py execute`` and ``bench/run.py`` call :func:`install`;
* pytest: ``-p tools.kernel_poll`` (the Makefile) also installs it in nbval's runs.

``RELUBOOK_POLL_FIX=0`` leaves jupyter_client as it is (``tools/hang_harness.py --no-fix``
measures the hang rate without the fix).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from queue import Empty

#: Longest single wait of a poll (seconds): the most a missed wake-up can cost.
SLICE = 0.5
#: Environment variable that turns the fix off ("0") for the hang harness's comparison.
ENV = "RELUBOOK_POLL_FIX"
#: Polls that ran to the end of their slice and found a message sent at least half a slice before:
#: missed wake-ups the slices absorbed (tools/hang_harness.py reports them).
ABSORBED = 0
#: A cell that runs longer than this (seconds) is named in the build's log with its time.
SLOW_CELL = 10.0


def cell_timeout(config: Path | None = None) -> int:
    """Seconds one cell may run: ``nb_execution_timeout`` in ``_config.yml``, the one place it is set.

    ``make book`` (myst-nb), ``tools/nb.py execute``, ``bench/run.py`` and nbval
    (``--nbval-cell-timeout``, the Makefile and ``tools/nbval_kernels.py``) all use it.
    """
    import yaml

    path = config or Path(__file__).resolve().parent.parent / "_config.yml"
    value = yaml.safe_load(path.read_text())["sphinx"]["config"]["nb_execution_timeout"]
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"nb_execution_timeout in {path} must be a positive integer, got {value!r}")
    return value


def enabled() -> bool:
    """Whether the fix is wanted (``RELUBOOK_POLL_FIX`` is not "0")."""
    return os.environ.get(ENV, "1").strip() != "0"


async def sliced_get_msg(self, timeout: float | None = None) -> dict:
    """``AsyncZMQSocketChannel.get_msg``, polling at most :data:`SLICE` seconds at a time.

    Same contract as the original: the next message, or :class:`queue.Empty` once ``timeout``
    seconds (None: no limit) have passed without one.
    """
    global ABSORBED
    deadline = None if timeout is None else time.monotonic() + max(0.0, float(timeout))
    while True:
        step = SLICE if deadline is None else min(SLICE, max(0.0, deadline - time.monotonic()))
        start = time.monotonic()
        if await self.socket.poll(int(step * 1000)):
            late = step >= SLICE / 2 and time.monotonic() - start >= 0.95 * step
            msg = await self._recv()
            if late and _age(msg) >= step / 2:
                ABSORBED += 1  # woken by the slice's end, the message sent well before: a missed wake-up
            return msg
        if deadline is not None and time.monotonic() >= deadline:
            raise Empty


def _age(msg: dict) -> float:
    """Seconds since the kernel sent ``msg`` (its header's date), 0 when unknown."""
    from datetime import UTC, datetime

    sent = msg.get("header", {}).get("date")
    return (datetime.now(UTC) - sent).total_seconds() if isinstance(sent, datetime) else 0.0


def install() -> bool:
    """Make jupyter_client's asyncio channels poll in slices; True when the fix is in place.

    Idempotent. Does nothing (and returns False) when ``RELUBOOK_POLL_FIX=0``.
    """
    from jupyter_client.channels import AsyncZMQSocketChannel

    if not enabled():
        return False
    if AsyncZMQSocketChannel.get_msg is not sliced_get_msg:
        AsyncZMQSocketChannel._relubook_original_get_msg = AsyncZMQSocketChannel.get_msg
        AsyncZMQSocketChannel.get_msg = sliced_get_msg
    return True


def uninstall() -> None:
    """Put jupyter_client's own ``get_msg`` back (tests)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    original = AsyncZMQSocketChannel.__dict__.get("_relubook_original_get_msg")
    if original is not None:
        AsyncZMQSocketChannel.get_msg = original


# ----------------------------------------------------------------------------- myst-nb (the site build)
def _first_line(client, index: int) -> str:
    try:
        line = client.notebook.cells[index].source.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - the source is a courtesy
        return ""
    return f" ({line[:60]!r})"


def _watch_inline_cells() -> None:
    """Log slow cells and name the notebook and cell of one that runs past ``nb_execution_timeout``."""
    from myst_nb.core.execute.base import ExecutionError
    from myst_nb.core.execute.inline import NotebookClientInline
    from nbclient.exceptions import CellTimeoutError

    if getattr(NotebookClientInline.code_cell_outputs, "_relubook_watched", False):
        return
    original = NotebookClientInline.code_cell_outputs

    def code_cell_outputs(self, cell_index: int):
        first = self._last_cell_executed + 1
        start = time.perf_counter()
        try:
            return original(self, cell_index)
        except ExecutionError as exc:
            if isinstance(exc.__cause__, CellTimeoutError):
                index = self._last_cell_executed
                raise ExecutionError(
                    f"{self.path}: cell {index}{_first_line(self, index)} (counted from 0, markdown cells too) "
                    f"did not finish within "
                    f"nb_execution_timeout = {self.nb_config.execution_timeout} s (_config.yml): a stalled "
                    f"or far too slow cell (issue 24)") from exc.__cause__
            raise
        finally:
            seconds = time.perf_counter() - start
            if seconds >= SLOW_CELL and cell_index >= first:
                cells = f"cell {cell_index}" if cell_index == first else f"cells {first}-{cell_index}"
                self.logger.info(f"{cells} executed in {seconds:.1f} seconds")

    code_cell_outputs._relubook_watched = True
    NotebookClientInline.code_cell_outputs = code_cell_outputs


def setup(app):
    """Sphinx extension: the fix, slow cells in the log, timeouts that name their cell."""
    install()
    _watch_inline_cells()
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ----------------------------------------------------------------------------- pytest (-p tools.kernel_poll)
def pytest_configure(config):
    """pytest plugin: the fix for every notebook client a test starts."""
    install()
