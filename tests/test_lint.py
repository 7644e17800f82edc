"""The code is ruff clean (style is part of the product)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.fail("ruff is not installed: it is pinned in requirements.txt")
    paths = ["relubook", "tests", "tools", "bench", "chapters", "exercises", "solutions"]
    done = subprocess.run([ruff, "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
