"""The checkers that train give the same verdict under every OpenBLAS kernel (issue 15, item 4).

Each kernel runs in a fresh process with ``OPENBLAS_CORETYPE`` set (OpenBLAS reads it when
NumPy loads); a kernel the CPU cannot run is skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ("SkylakeX", "Haswell", "Sandybridge")

CODE = r"""
import json
from relubook import checks, dying
F = dying.FAILING_CONFIG
out = {
    "fix_he": checks.fix_dying_network({**F, "init": "he"}, quiet=True).passed,
    "fix_leaky": checks.fix_dying_network({**F, "activation": "leaky_relu"}, quiet=True).passed,
    "fix_adam": checks.fix_dying_network({**F, "optimizer": "adam", "lr": 0.01}, quiet=True).passed,
    "lr_ok": checks.smallest_killing_lr(2.0, quiet=True).passed,
    "lr_below": checks.smallest_killing_lr(1.78, quiet=True).passed,
    "decay_ok": checks.weight_decay_more_dead(17, quiet=True).passed,
    "decay_ties": checks.weight_decay_more_dead(19, quiet=True).passed,
}
print(json.dumps(out))
"""


def _cpu_flags() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def _runnable(kernel: str) -> bool:
    flags = _cpu_flags()
    need = {"SkylakeX": "avx512f", "Haswell": "avx2", "Sandybridge": "avx"}[kernel]
    return f" {need}" in flags


@pytest.mark.parametrize("kernel", KERNELS)
def test_training_checkers_give_the_same_verdict_under_every_kernel(kernel):
    if not _runnable(kernel):
        pytest.skip(f"this CPU cannot run OpenBLAS's {kernel} kernel")
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
    proc = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, cwd=ROOT,
                          check=True, timeout=600)
    verdicts = json.loads(proc.stdout.strip().splitlines()[-1])
    # a correct and a wrong answer for each checker
    assert verdicts == {"fix_he": True, "fix_leaky": False, "fix_adam": True, "lr_ok": True, "lr_below": False,
                        "decay_ok": True, "decay_ties": False}, kernel
