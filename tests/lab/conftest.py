"""A real JupyterLab and a real (Debian) Chromium for the end-to-end widget tests.

``start_lab(root)`` runs ``jupyter lab`` from this interpreter on 127.0.0.1, on a
free port, with a random token and throw-away runtime/config/data directories
(so nothing of the user's settings, workspaces or running servers leaks in).
It always shuts the server down, kernels included, and then checks that no
port the server or its kernels listened on is still open.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

# Settings of the throw-away JupyterLab: no news or update checks (no network), every cell in the
# DOM (no virtual scrolling, so the test sees every prompt), no autosave (the book's notebooks must not be
# rewritten by a test run), no extension manager (it asks PyPI).
USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/extensionmanager-extension": True}}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class LabServer:
    root: Path
    port: int
    token: str
    process: subprocess.Popen
    home: Path
    log: Path
    kernel_pids: set[int] = field(default_factory=set)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def notebook_url(self, path: str) -> str:
        """The notebook alone in a fresh, empty workspace (no tabs restored from an earlier page)."""
        workspace = "t" + secrets.token_hex(6)
        return f"{self.base}/lab/workspaces/{workspace}/tree/{path}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET", timeout: float = 10):
        req = urllib.request.Request(self.url(path), method=method, data=b"" if method != "GET" else None)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def kernel_ports(self) -> set[int]:
        """Ports listed in the kernels' connection files (all in our private runtime dir)."""
        ports = set()
        for f in (self.home / "runtime").glob("kernel-*.json"):
            with contextlib.suppress(OSError, ValueError):
                info = json.loads(f.read_text())
                ports |= {v for k, v in info.items() if k.endswith("_port") and isinstance(v, int)}
        return ports

    def record_kernel_pids(self) -> None:
        """Remember the server's child processes (the kernels) so teardown can check they are gone."""
        import psutil

        with contextlib.suppress(psutil.Error):
            self.kernel_pids |= {c.pid for c in psutil.Process(self.process.pid).children(recursive=True)}


def _write_settings(home: Path, news_settings: bool = True) -> None:
    for name, values in USER_SETTINGS.items():
        if not news_settings and name.startswith("@jupyterlab/apputils-extension/notification"):
            continue
        path = home / "config" / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(PAGE_CONFIG))


@contextlib.contextmanager
def start_lab(root: Path, name: str = "lab", startup_timeout: float = 120, book_settings_only: bool = False):
    """Run JupyterLab with ``root`` as its root directory; yield a LabServer; always shut it down.

    ``book_settings_only``: no news or update-check settings of the harness's own, so the page shows
    what a reader's ``make lab`` shows with the settings the book installs (jupyter-config/).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="relubook-lab-"))
    _write_settings(home, news_settings=not book_settings_only)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "JPY_"))}
    env.update(
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "config" / "lab" / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "config" / "lab" / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "mpl"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    port, token = free_port(), secrets.token_hex(24)
    log = ARTIFACTS / f"{name}-server.log"
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False", "--allow-root", "--ServerApp.terminals_enabled=False",
        # Nothing that reaches the network: no news, no update check, no PyPI extension manager.
        *([] if book_settings_only else
          ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]),
        "--LabApp.extension_manager=readonly",
        "--ServerApp.shutdown_no_activity_timeout=1800",  # a leaked server ends by itself
        "--MappingKernelManager.cull_idle_timeout=0",
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",  # no .ipynb_checkpoints in the book
    ]
    with open(log, "wb") as log_file:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(root=root, port=port, token=token, process=process, home=home, log=log)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                tail = log.read_text()[-3000:]
                raise RuntimeError(f"jupyter lab exited with {process.returncode}; see {log}:\n{tail}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                server.api("api/status", timeout=2)
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer within {startup_timeout} s; see {log}")
            time.sleep(0.3)
        yield server
    finally:
        ports = {port} | server.kernel_ports()
        stop_lab(server)
        shutil.rmtree(home, ignore_errors=True)
        still_open = sorted(p for p in ports if port_is_open(p))
        assert not still_open, f"ports still listening after the JupyterLab shutdown: {still_open}"
        alive = _alive(server.kernel_pids)
        assert not alive, f"kernel processes still running after the JupyterLab shutdown: {alive}"


def _alive(pids: set[int]) -> list[int]:
    import psutil

    out = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
    return out


def stop_lab(server: LabServer) -> None:
    """Shut kernels and server down politely, then by signal, then by force; never leave it running."""
    process = server.process
    if process.poll() is None:
        server.record_kernel_pids()
        with contextlib.suppress(Exception):
            for kernel in server.api("api/kernels"):
                server.api(f"api/kernels/{kernel['id']}", method="DELETE", timeout=20)
        with contextlib.suppress(Exception):
            server.api("api/shutdown", method="POST")
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # Kernels run in sessions of their own: end any the server left behind (only ours, by pid).
    import psutil

    for pid in _alive(server.kernel_pids):
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            proc.kill()
            proc.wait(timeout=10)


class BrowserThread:
    """Debian's Chromium under Playwright's sync API, owned by one worker thread.

    Playwright allows one sync instance per thread, and other browser tests in the same pytest run
    (tests/site) keep theirs open for the whole session; so this one lives in a thread of its own.
    ``run(fn, *args)`` calls ``fn(browser, *args)`` in that thread and returns its result (or raises).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relubook-lab-browser")
        self._playwright = self._browser = None
        self._pool.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        # Playwright gives every launch a fresh, empty --user-data-dir of its own.
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                         args=CHROMIUM_FLAGS)

    def _stop(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()

    def run(self, fn, *args, **kwargs):
        return self._pool.submit(fn, self._browser, *args, **kwargs).result()

    def close(self) -> None:
        try:
            self._pool.submit(self._stop).result(timeout=60)
        finally:
            self._pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download), in a thread of its own."""
    if not Path(CHROMIUM).exists():
        message = "Debian chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    thread = BrowserThread()
    try:
        yield thread
    finally:
        thread.close()
