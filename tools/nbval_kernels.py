"""nbval on every notebook under several OpenBLAS kernels: the book's numbers hold on any CPU.

Usage (from the project root, inside the venv)::

    python tools/nbval_kernels.py                   # the machine's own kernel, then Haswell, Sandybridge, Prescott
    python tools/nbval_kernels.py --kernels Haswell # only these (besides nothing else)
    python tools/nbval_kernels.py --list            # which kernels this CPU can run, and which it skips

OpenBLAS picks a kernel for the CPU it runs on (SkylakeX on a recent x86-64 server, Haswell on
an AVX2 laptop, ...); ``OPENBLAS_CORETYPE`` forces another. Each kernel sums in its own order,
so a result that depends on the last bit of a matrix product shows up here as an nbval failure.
A kernel the CPU cannot run (Haswell needs AVX2, Sandybridge AVX) is skipped with a line that
says so, rather than failing; on a CPU that is not x86-64 only the machine's kernel runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from kernel_poll import cell_timeout  # noqa: E402  (the book's one per-cell limit, issue 24)

FOLDERS = ("chapters", "exercises", "solutions")
# Other kernels, with the CPU flag each needs. Prescott is OpenBLAS's generic SSE3 kernel.
OTHERS = {"Haswell": "avx2", "Sandybridge": "avx", "Prescott": "pni"}  # pni: /proc/cpuinfo's name for SSE3
PROBE = ("import numpy, threadpoolctl, json; print(json.dumps([i.get('architecture') "
         "for i in threadpoolctl.threadpool_info() if i.get('internal_api') == 'openblas']))")


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def kernel_in_use(coretype: str | None) -> str:
    """The kernel OpenBLAS really runs with OPENBLAS_CORETYPE=coretype (None: the machine's own)."""
    env = dict(os.environ)
    if coretype is None:
        env.pop("OPENBLAS_CORETYPE", None)
    else:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    names = json.loads(out.stdout)
    return names[0] if names else "none (NumPy without OpenBLAS)"


def plan(wanted: list[str] | None = None) -> tuple[list[str | None], list[str]]:
    """Kernels to run (None = the machine's own) and lines saying which are skipped and why."""
    runs: list[str | None] = [] if wanted else [None]
    skipped = []
    if platform.machine() not in ("x86_64", "AMD64"):
        return runs or [None], [f"other kernels skipped: {platform.machine()} is not x86-64"]
    flags = cpu_flags()
    own = kernel_in_use(None)
    for name in wanted or list(OTHERS):
        need = OTHERS.get(name)
        if need and need not in flags:
            skipped.append(f"{name} skipped: this CPU has no {'SSE3' if need == 'pni' else need.upper()}")
        elif not wanted and own.lower() == name.lower():
            skipped.append(f"{name} is the machine's own kernel: already run")
        else:
            runs.append(name)
    return runs, skipped


def notebooks() -> list[str]:
    return [str(p.relative_to(ROOT)) for f in FOLDERS for p in sorted((ROOT / f).glob("*.ipynb"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernels", nargs="*",
                        help="OPENBLAS_CORETYPE values (default: own + Haswell, Sandybridge, Prescott)")
    parser.add_argument("--list", action="store_true", help="only say which kernels would run")
    parser.add_argument("--workers", default="2", help="pytest-xdist workers")
    parser.add_argument("paths", nargs="*", help="notebooks (default: every notebook of the book)")
    args = parser.parse_args(argv)
    runs, skipped = plan(args.kernels)
    for line in skipped:
        print(f"nbval-kernels: {line}")
    labels = []
    for k in runs:
        real = kernel_in_use(k)
        labels.append(f"{real} (the machine's own)" if k is None else k if real.lower() == k.lower()
                      else f"{k} (OpenBLAS reports {real})")
    print("nbval-kernels: will run under " + ", ".join(labels))
    if args.list:
        return 0
    failed = []
    for coretype, label in zip(runs, labels, strict=True):
        env = dict(os.environ)
        if coretype is None:
            env.pop("OPENBLAS_CORETYPE", None)
        else:
            env["OPENBLAS_CORETYPE"] = coretype
        cmd = [sys.executable, "-m", "pytest", "-p", "tools.kernel_poll", "-q", "-n", args.workers,
               "--dist", "loadfile", "--nbval", "--nbval-sanitize-with", "tests/sanitize.cfg",
               f"--nbval-cell-timeout={cell_timeout()}", *(args.paths or notebooks())]
        print(f"nbval-kernels: OpenBLAS kernel {label}: {' '.join(cmd[5:8])} ...", flush=True)
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env)
        status = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        print(f"nbval-kernels: OpenBLAS kernel {label}: {status} in {time.perf_counter() - start:.0f} s", flush=True)
        if done.returncode:
            failed.append(label)
    if failed:
        print("nbval-kernels: outputs differ under " + ", ".join(failed))
        return 1
    print(f"nbval-kernels: every notebook reproduces under {len(runs)} OpenBLAS kernels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
