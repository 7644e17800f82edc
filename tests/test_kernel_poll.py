"""tools/kernel_poll.py: a kernel's reply is heard when it arrives, even when a wake-up is missed (issue 24)."""

from __future__ import annotations

import asyncio
import importlib.util
import time
from pathlib import Path
from queue import Empty

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel, ZMQSocketChannel
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("kernel_poll", ROOT / "tools" / "kernel_poll.py")
kernel_poll = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kernel_poll)


class MissesFirstWakeUp:
    """A zmq.asyncio socket whose first poll misses its wake-up, as pyzmq's did in the hangs of issue 24:

    it sleeps until its own timeout and only then looks (``zmq_poll`` with no wait), finding the
    message that was there all along. Every later poll is the socket's own.
    """

    def __init__(self, socket):
        self._socket, self.missed = socket, False

    def poll(self, timeout=None, flags=zmq.POLLIN):
        if not self.missed and timeout:
            self.missed = True

            async def late():
                await asyncio.sleep(timeout / 1000)
                return await self._socket.poll(0, flags)

            return asyncio.ensure_future(late())
        return self._socket.poll(timeout, flags)

    def __getattr__(self, name):
        return getattr(self._socket, name)


async def _reply_waiting(get_msg, timeout: float, send: bool = True) -> tuple[float, object]:
    """Seconds ``get_msg`` took to return a reply already on the socket (or the exception it raised)."""
    ctx = zmq.asyncio.Context()
    session = Session(key=b"")
    server, client = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    try:
        port = server.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        if send:
            session.send(server, "execute_reply", {"status": "ok"})
            while not await client.poll(0):  # the reply has reached the client's socket
                await asyncio.sleep(0.01)
        channel = AsyncZMQSocketChannel(client, session)
        channel.socket = MissesFirstWakeUp(client)
        start = time.monotonic()
        try:
            result = await get_msg(channel, timeout=timeout)
        except Empty as exc:
            result = exc
        return time.monotonic() - start, result
    finally:
        server.close(linger=0)
        client.close(linger=0)
        ctx.term()


def test_a_reply_whose_wake_up_was_missed_is_heard_within_a_slice():
    seconds, msg = asyncio.run(_reply_waiting(kernel_poll.sliced_get_msg, timeout=3.0))
    assert msg["msg_type"] == "execute_reply" and msg["content"] == {"status": "ok"}
    assert seconds < kernel_poll.SLICE + 0.4, f"the reply took {seconds:.2f} s"


def test_without_the_fix_the_same_miss_costs_the_whole_timeout():
    """What the build saw: jupyter_client's own get_msg returns the reply only at its timeout."""
    original = AsyncZMQSocketChannel.__dict__.get("_relubook_original_get_msg", AsyncZMQSocketChannel.get_msg)
    assert original is not kernel_poll.sliced_get_msg
    seconds, msg = asyncio.run(_reply_waiting(original, timeout=2.0))
    assert msg["msg_type"] == "execute_reply"
    assert seconds >= 1.9


def test_no_reply_still_raises_empty_at_the_deadline():
    seconds, result = asyncio.run(_reply_waiting(kernel_poll.sliced_get_msg, timeout=1.2, send=False))
    assert isinstance(result, Empty)
    assert 1.15 <= seconds < 1.9


def test_install_patches_the_asyncio_channel_once_and_can_be_turned_off(monkeypatch):
    try:
        monkeypatch.setenv(kernel_poll.ENV, "0")
        kernel_poll.uninstall()
        assert kernel_poll.install() is False
        assert AsyncZMQSocketChannel.get_msg is not kernel_poll.sliced_get_msg
        monkeypatch.setenv(kernel_poll.ENV, "1")
        assert kernel_poll.install() is True and kernel_poll.install() is True
        assert AsyncZMQSocketChannel.get_msg is kernel_poll.sliced_get_msg
        kernel_poll.uninstall()
        assert AsyncZMQSocketChannel.get_msg is not kernel_poll.sliced_get_msg
    finally:
        kernel_poll.uninstall()


def test_nbvals_client_polls_with_zmq_poll_itself():
    """nbval's kernel client uses the blocking channels (zmq_poll), which never had the missed wake-up."""
    from jupyter_client.manager import KernelManager

    client = KernelManager(kernel_name="python3").client()
    assert client.shell_channel_class is ZMQSocketChannel
    assert client.iopub_channel_class is ZMQSocketChannel


@pytest.mark.parametrize("path", ["Makefile", "_config.yml", "tools/nb.py", "bench/run.py"])
def test_every_client_of_the_notebooks_installs_the_fix(path):
    text = (ROOT / path).read_text()
    assert {"Makefile": "-p tools.kernel_poll", "_config.yml": "kernel_poll: tools/"}.get(path, "kernel_poll") in text


@pytest.mark.slow
def test_a_cell_past_the_limit_fails_the_build_naming_notebook_and_cell(tmp_path):
    """A one-page book whose cell sleeps past nb_execution_timeout: the build fails and says where."""
    import subprocess
    import sys

    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Sleepy"), nbformat.v4.new_code_cell("import time"),
                nbformat.v4.new_code_cell("time.sleep(2 * 60)  # far past the limit")]
    nbformat.write(nb, tmp_path / "sleepy.ipynb")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: sleepy\n")
    (tmp_path / "_config.yml").write_text(
        "title: sleepy\nonly_build_toc_files: true\n"
        "execute: {execute_notebooks: inline, timeout: 5}\n"
        f"sphinx:\n  local_extensions: {{kernel_poll: {ROOT / 'tools'}}}\n"
        "  config: {nb_execution_timeout: 5, nb_execution_raise_on_error: true}\n")
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jb), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, timeout=300)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert "sleepy.ipynb: cell 2 ('time.sleep(2 * 60)  # far past the limit')" in log
    assert "did not finish within nb_execution_timeout = 5 s" in log


def test_one_cell_limit_everywhere():
    """jupyter-book's execute: timeout, myst-nb's nb_execution_timeout and what the tools read agree."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    limit = kernel_poll.cell_timeout()
    assert config["execute"]["timeout"] == config["sphinx"]["config"]["nb_execution_timeout"] == limit
    assert 60 <= limit < 600  # the 600 s of issue 24 was a ten-minute silent stall
    assert "--nbval-cell-timeout=$(CELL_TIMEOUT)" in (ROOT / "Makefile").read_text()
    assert "cell_timeout()" in (ROOT / "tools" / "nbval_kernels.py").read_text()
