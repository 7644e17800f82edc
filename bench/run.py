"""`make bench`: measured performance of the code the book teaches and of the book itself.

Writes ``bench/report.md`` and ``bench/report.json`` and prints a summary table.
Every timing is a median over repeats measured side by side in one run (these
machines are noisy), and is reported as a ratio where a ratio is what matters.
Nothing here is asserted: a goal that is missed is reported as missed.

Usage: ``python bench/run.py [--quick] [--skip-book]``.
"""

from __future__ import annotations

import os

# One BLAS thread: the two-thread measurements below use Python threads explicitly.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

from relubook import activations as act  # noqa: E402

N = 10_000_000
REPEATS = 9


def median_time(fn, repeats: int = REPEATS, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def interleaved(fns: dict, repeats: int = REPEATS) -> dict:
    """Median time of each function, measured round-robin so that drift hits all alike."""
    for fn in fns.values():
        fn()
    samples = {k: [] for k in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in samples.items()}


# ----------------------------------------------------------------------------- 1. speed ladder
def scalar_relu(v):
    if v > 0:
        return v
    else:
        return 0


def relu_ladder(n: int = N) -> dict:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n).astype(np.float32)
    y = np.empty_like(x)
    half = n // 2
    pool = ThreadPoolExecutor(2)

    def two_threads(kernel):
        def run():
            list(pool.map(kernel, [slice(0, half), slice(half, n)]))
        return run

    def max_part(s):
        np.maximum(x[s], 0, out=y[s])

    def copy_part(s):
        np.copyto(y[s], x[s])

    forms = {
        "np.maximum(x, 0)": lambda: np.maximum(x, 0),
        "np.maximum(x, 0, out=y)": lambda: np.maximum(x, 0, out=y),
        "x * (x > 0)": lambda: x * (x > 0),
        "np.clip(x, 0, None)": lambda: np.clip(x, 0, None),
        "np.where(x > 0, x, 0)": lambda: np.where(x > 0, x, 0),
        "relubook.activations.relu(x)": lambda: act.relu(x),
        "copy (floor, 1 thread)": lambda: np.copyto(y, x),
        "np.maximum, 2 threads (out=y)": two_threads(max_part),
        "copy (floor, 2 threads)": two_threads(copy_part),
    }
    times = interleaved(forms)
    # Pure-Python forms on slices, scaled to n elements.
    small = x[:100_000].tolist()
    t_loop = median_time(lambda: [scalar_relu(v) for v in small], repeats=3) * (n / len(small))
    medium = x[:1_000_000].tolist()
    t_comp = median_time(lambda: [v if v > 0 else 0.0 for v in medium], repeats=3) * (n / len(medium))
    times = {"scalar loop (if/else), scaled from 1e5": t_loop,
             "list comprehension, scaled from 1e6": t_comp, **times}
    pool.shutdown()
    floor1 = times["copy (floor, 1 thread)"]
    bytes_moved = 2 * x.nbytes  # read every element once and write it once
    rows = []
    for name, t in times.items():
        rows.append({"form": name, "seconds": t, "ns_per_element": t / n * 1e9,
                     "GB_per_s": bytes_moved / t / 1e9, "vs_copy": t / floor1})
    tiny = np.array([-1.0, 0.5, 2.0])
    t_tiny = median_time(lambda: [act.relu(tiny) for _ in range(1000)], repeats=7) / 1000
    t_tiny_np = median_time(lambda: [np.maximum(tiny, 0) for _ in range(1000)], repeats=7) / 1000
    ratio = times["relubook.activations.relu(x)"] / times["np.maximum(x, 0)"]
    ratio2 = times["np.maximum, 2 threads (out=y)"] / times["copy (floor, 2 threads)"]
    goals = [
        goal("relubook relu vs np.maximum (1e7 float32)", ratio, 1.10, "×"),
        goal("relubook relu on a 3-element array", t_tiny * 1e6, 5.0, "µs"),
    ]  # np.maximum on two threads against the two-thread copy is in the table (ratio2), not a goal of issue 19
    return {"n": n, "dtype": "float32", "rows": rows, "tiny_relu_us": t_tiny * 1e6, "two_thread_max_vs_copy": ratio2,
            "tiny_np_maximum_us": t_tiny_np * 1e6, "goals": goals}


def goal(name: str, value: float, limit: float, unit: str, higher_is_better: bool = False) -> dict:
    met = value >= limit if higher_is_better else value <= limit
    return {"goal": name, "value": value, "limit": limit, "unit": unit,
            "direction": "≥" if higher_is_better else "≤", "met": bool(met)}


# ----------------------------------------------------------------------------- 2. activation cost
PIECEWISE = ["leaky_relu", "prelu", "relu6", "squared_relu"]
SMOOTH = ["elu", "selu", "celu", "silu", "softplus", "mish", "sigmoid", "tanh"]
GELUS = ["gelu", "gelu_tanh"]
COST_N = 1_000_000
COST_ROUNDS = 11
COST_NUMBER = 3
TORCH_ENV = "RELUBOOK_TORCH_PYTHON"
#: Where `make bench` looks for an interpreter with PyTorch when RELUBOOK_TORCH_PYTHON is not set.
TORCH_CANDIDATES = [ROOT / ".bench-torch" / "bin" / "python", Path("/tmp/torchenv/bin/python")]
NO_TORCH = "not measured (no PyTorch here)"


def _forward_grad(name: str):
    """(forward, derivative) of a cost row; ``gelu_tanh`` is GELU with ``approximate="tanh"``."""
    if name == "gelu_tanh":
        return (lambda x: act.gelu(x, approximate="tanh")), (lambda x: act.gelu_grad(x, approximate="tanh"))
    a = act.get(name)
    return (lambda x: a.forward(x, **a.params)), (lambda x: a.grad(x, **a.params))


def find_torch_python() -> tuple[str | None, str]:
    """An interpreter that imports torch: ``$RELUBOOK_TORCH_PYTHON``, else a known bench venv.

    Returns ``(path, torch version)`` or ``(None, reason)``.
    """
    given = os.environ.get(TORCH_ENV)
    candidates = [Path(given)] if given else TORCH_CANDIDATES
    for path in candidates:
        if not path.exists():
            continue
        try:
            run = subprocess.run([str(path), "-c", "import torch; print(torch.__version__)"],
                                 capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"{path}: {exc}"
        if run.returncode == 0:
            return str(path), run.stdout.strip()
    where = given if given else ", ".join(str(p) for p in TORCH_CANDIDATES)
    if given:
        return None, f"{TORCH_ENV}={given} does not import torch"
    made, why = make_torch_env()
    if made:
        return find_torch_python()
    return None, f"no interpreter with torch (looked at {where}); {why}"


#: The PyTorch the report compares with, installed (CPU build) into the throwaway TORCH_CANDIDATES[0].
TORCH_PIN = "2.13.0"
TORCH_INSTALL_SECONDS = 300


def make_torch_env() -> tuple[bool, str]:
    """Create ``.bench-torch`` (git-ignored, never in requirements.txt) with PyTorch's CPU build.

    Tries pip's configured indexes and wheel folders (``torch==2.13.0+cpu``), then PyTorch's CPU
    index. Returns ``(made, reason)``; the bench then reports the PyTorch goals as not measured,
    with the reason, when no attempt worked within its time.
    """
    if os.environ.get("RELUBOOK_BENCH_NO_TORCH_INSTALL"):
        return False, "RELUBOOK_BENCH_NO_TORCH_INSTALL is set"
    venv = TORCH_CANDIDATES[0].parent.parent
    deadline = time.monotonic() + TORCH_INSTALL_SECONDS
    try:
        if not TORCH_CANDIDATES[0].exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        pip = [str(TORCH_CANDIDATES[0]), "-m", "pip", "install", "--only-binary", ":all:", "--quiet"]
        attempts = [[f"torch=={TORCH_PIN}+cpu"],
                    [f"torch=={TORCH_PIN}", "--index-url", "https://download.pytorch.org/whl/cpu"]]
        errors = []
        for args in attempts:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            print(f"[bench] installing PyTorch for the comparison: pip install {' '.join(args)}", flush=True)
            run = subprocess.run(pip + args, capture_output=True, text=True, timeout=left)
            if run.returncode == 0:
                return True, "installed"
            errors.append((run.stderr or run.stdout).strip().splitlines()[-1:] or ["failed"])
        return False, "installing torch's CPU build failed: " + "; ".join(e[0] for e in errors)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"installing torch failed: {type(exc).__name__}: {exc}"


class TorchPeer:
    """bench/torch_kernels.py in its own interpreter, timed one round at a time on request."""

    def __init__(self, python: str, x: np.ndarray, number: int):
        self.file = tempfile.NamedTemporaryFile(prefix="relubook-bench-", suffix=".f32", delete=False)
        self.file.write(x.astype(np.float32).tobytes())
        self.file.close()
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen([python, str(ROOT / "bench" / "torch_kernels.py"), self.file.name,
                                      str(x.size), str(number)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        self.info = json.loads(self.proc.stdout.readline())

    def round(self) -> dict:
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        finally:
            os.unlink(self.file.name)


def activation_costs(n: int = COST_N, rounds: int = COST_ROUNDS, number: int = COST_NUMBER) -> dict:
    """Every activation and derivative against the one-thread copy floor and, when available, PyTorch.

    Measured as :func:`relubook.tables.cost_rows` measures chapter 3's table (the same input: standard
    normal times 3, float32; interleaved rounds, ``number`` calls per timing, best of the rounds), with a
    PyTorch round run in its own interpreter right before each NumPy round.
    """
    x = (np.random.default_rng(0).standard_normal(n) * 3).astype(np.float32)
    out = np.empty_like(x)
    names = [*act.names(), "gelu_tanh"]
    fns = {"copy": lambda: np.copyto(out, x)}
    for name in names:
        f, g = _forward_grad(name)
        fns[(name, "forward")] = lambda f=f: f(x)
        fns[(name, "grad")] = lambda g=g: g(x)
    python, torch_version = find_torch_python()
    peer = None
    if python:
        try:
            peer = TorchPeer(python, x, number)
        except (OSError, ValueError) as exc:
            python, torch_version = None, f"PyTorch did not start: {exc}"
    for fn in fns.values():
        fn()
    samples = {k: [] for k in fns}
    torch_samples: dict[str, list] = {}
    try:
        for _ in range(rounds):
            if peer:
                for name, pair in peer.round().items():
                    torch_samples.setdefault(name, []).append(pair)
            for key, fn in fns.items():
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                samples[key].append((time.perf_counter() - t0) / number)
    finally:
        if peer:
            peer.close()
    best = {k: min(v) for k, v in samples.items()}
    copy = best["copy"]
    torch_best = {name: (min(p[0] for p in pairs), min(p[1] for p in pairs)) for name, pairs in torch_samples.items()}
    rows = []
    for name in names:
        f, g = best[(name, "forward")], best[(name, "grad")]
        row = {"activation": name, "forward_ms": f * 1e3, "grad_ms": g * 1e3,
               "forward_vs_copy": f / copy, "grad_vs_copy": g / copy,
               "forward_vs_relu": f / best[("relu", "forward")], "grad_vs_relu": g / best[("relu", "grad")]}
        if name in torch_best:
            tf, tfb = torch_best[name]
            row.update({"torch_forward_ms": tf * 1e3, "torch_forward_backward_ms": tfb * 1e3,
                        "forward_vs_torch": f / tf, "both_vs_torch": (f + g) / tfb})
        rows.append(row)
    by_name = {r["activation"]: r for r in rows}
    goals = []
    for name in PIECEWISE:
        r = by_name[name]
        goals.append(goal(f"{name} forward vs 1-thread copy", r["forward_vs_copy"], 2.5, "×"))
        goals.append(goal(f"{name} derivative vs 1-thread copy", r["grad_vs_copy"], 2.5, "×"))
    for names_, limit in ((SMOOTH, 4.0), (GELUS, 8.0)):
        for name in names_:
            r = by_name[name]
            label = "gelu (tanh)" if name == "gelu_tanh" else name
            if "forward_vs_torch" in r:
                goals.append(goal(f"{label} forward vs PyTorch", r["forward_vs_torch"], limit, "×"))
                goals.append(goal(f"{label} forward + derivative vs PyTorch forward + backward",
                                  r["both_vs_torch"], limit, "×"))
            else:
                goals.append({"goal": f"{label} vs PyTorch (forward; forward + derivative)", "met": None,
                              "text": NO_TORCH, "target": f"≤ {limit:g} ×"})
    return {"n": n, "dtype": "float32", "rounds": rounds, "number": number, "copy_ms": copy * 1e3, "rows": rows,
            "torch": ({"python": python, "version": torch_version, "copy_ms": min(p[0] for p in torch_samples["copy"])
                       * 1e3} if torch_samples else {"python": None, "reason": torch_version}),
            "goals": goals}


# ----------------------------------------------------------------------------- 2b. scaling
SCALING_SIZES = [1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000,
                 30_000_000, 100_000_000]
SCALING_SMOOTH = "gelu"


def _cache_bytes() -> dict:
    """Data cache sizes of CPU 0 by level, from sysfs (empty where it is not readable)."""
    sizes = {}
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            kind = (index / "type").read_text().strip()
            level = int((index / "level").read_text())
            size = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        if kind == "Instruction":
            continue
        factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(size[-1], 1)
        sizes[level] = int(size.rstrip("KMG")) * factor
    return sizes


def scaling(sizes=SCALING_SIZES, budget: float = 0.05, rounds: int = 5) -> dict:
    """Time per element of ReLU, one smooth activation and the copy floor, from 10^3 to 10^8 float32 elements."""
    rng = np.random.default_rng(2)
    smooth = act.get(SCALING_SMOOTH)
    rows = []
    for n in sizes:
        x = rng.standard_normal(n, dtype=np.float32)
        x *= 3
        y = np.empty_like(x)
        fns = {"copy": lambda x=x, y=y: np.copyto(y, x), "relu": lambda x=x: act.relu(x),
               "relu_ready": lambda x=x, y=y: np.maximum(x, 0, out=y),
               SCALING_SMOOTH: lambda x=x: smooth.forward(x, **smooth.params)}
        t0 = time.perf_counter()
        for fn in fns.values():
            fn()
        first = time.perf_counter() - t0
        number = max(1, int(budget / max(first, 1e-7)))  # about `budget` seconds per round for the three
        r = rounds if n < 30_000_000 else 3
        best = {k: math.inf for k in fns}
        for _ in range(r):
            for key, fn in fns.items():
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                best[key] = min(best[key], (time.perf_counter() - t0) / number)
        rows.append({"n": n, **{f"{k}_ns_per_element": v / n * 1e9 for k, v in best.items()}})
        del fns, x, y  # free the big arrays before the next size
    figure = ROOT / "bench" / "scaling.png"
    caches = _cache_bytes()
    _plot_scaling(rows, caches, figure)
    return {"rows": rows, "smooth": SCALING_SMOOTH, "caches": caches, "figure": figure.name,
            "goals": [{"goal": "scaling figure, 10³ to 10⁸ elements, beside the copy floor", "met": figure.exists(),
                       "text": f"bench/{figure.name}", "target": "drawn"}]}


def _plot_scaling(rows: list, caches: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from relubook import plotting

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(8.6, 3.8), dpi=100)
    n = [r["n"] for r in rows]
    for key, label, color, style in (
            ("copy", "copy floor (1 thread)", "0.45", ":"),
            ("relu", "ReLU (relubook,\nnew output array)", plotting.color_for("relu"), "-"),
            ("relu_ready", "ReLU into a ready array\n(np.maximum, out=)", plotting.color_for("relu"), "-."),
            (SCALING_SMOOTH, "GELU", plotting.color_for(SCALING_SMOOTH), "--")):
        ax.plot(n, [r[f"{key}_ns_per_element"] for r in rows], style, color=color, marker="o", markersize=3,
                label=label)
    for level in (2, 3):
        if level in caches:  # input and output of 4 bytes each fill the cache at this size
            edge = caches[level] / 8
            if n[0] < edge < n[-1]:
                ax.axvline(edge, color="0.7", linewidth=0.8)
                ax.text(edge, 0.98, f" L{level} full", transform=ax.get_xaxis_transform(), va="top",
                        fontsize=8, color="0.4")
    ax.set_xscale("log")
    ax.set_yscale("log")
    edges = [caches[level] / 8 for level in (2, 3) if level in caches and n[0] < caches[level] / 8 < n[-1]]
    last = edges[-1] if edges else None
    regions = [(math.sqrt(n[0] * 1e4), "call\noverhead"), (math.sqrt(1e4 * (last or n[-1])), "in cache")]
    if last:
        regions.append((math.sqrt(last * n[-1]), "memory\nbandwidth"))
    for where, text in regions:
        ax.text(where, 0.6, text, transform=ax.get_xaxis_transform(), ha="center", va="center", fontsize=8,
                color="0.35")
    ax.set_xlabel("array size (float32 elements)")
    ax.set_ylabel("time per element (ns)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.savefig(path)
    plt.close(fig)


# ----------------------------------------------------------------------------- 2c. goals checked on the code
def activation_tests() -> dict:
    """The activation tests, warnings as errors (values, dtypes, NaN/inf, immutability, edge grid)."""
    files = ["tests/test_activations.py", "tests/test_activations_edge.py"]
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-W", "error", *files],
                         cwd=ROOT, capture_output=True, text=True)
    last = (run.stdout.strip().splitlines() or ["(no output)"])[-1]
    return {"seconds": time.perf_counter() - t0, "summary": last,
            "goals": [{"goal": "activation tests incl. the edge grid against mpmath (warnings as errors)",
                       "met": run.returncode == 0, "text": last, "target": "pass"}]}


def chapter3_cost_lesson() -> dict:
    """What chapter 3's cost cells use and say (goal 4 of issue 19 belongs to the chapter; reported here)."""
    import nbformat

    nb = nbformat.read(ROOT / "chapters" / "03_variants.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    same_way = "cost_rows" in code or "relative_cost" in code
    floor = "cost_rows" in code and "copy" in prose
    explained = "memory-bound" in prose and "compute-bound" in prose and "fused" in prose
    checks = [
        ("chapter 3: every cost row measured the same way (tables.cost_rows / relative_cost)", same_way,
         "uses relubook.tables" if same_way else "does not use relubook.tables' timing"),
        ("chapter 3: each activation beside the copy floor", floor,
         "cost_rows with the copy floor" if floor else "no copy-floor column in the chapter yet"),
        ("chapter 3: prose on memory- vs compute-bound and fused kernels", explained,
         "present" if explained else "the words memory-bound, compute-bound and fused are not all in the prose"),
    ]
    return {"goals": [{"goal": g, "met": ok, "text": text, "target": "yes"} for g, ok, text in checks]}


# ----------------------------------------------------------------------------- 3. widgets
def widget_timings(n_updates: int = 30) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from relubook import plotting
    from relubook.widgets import Redraw

    plotting.use_style()  # the notebooks' style (constrained layout included), so the times are the readers'
    rows, missing = [], []
    folder = ROOT / "relubook" / "widgets"
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module(f"relubook.widgets.{path.stem}")
        settings = getattr(module, "BENCH_SETTINGS", {})
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if not fname.startswith("update_") or fn.__module__ != module.__name__:
                continue
            if fname not in settings:
                missing.append(f"{path.stem}.{fname}")
                continue
            cycle = settings[fname]
            run = Redraw(fn)  # exactly what live() runs on each change: the figure is reused when it can be
            times, png_times = [], []
            for i in range(n_updates):
                t0 = time.perf_counter()
                result = run(**cycle[i % len(cycle)])
                run.draw(result)
                figs = [r for r in (result if isinstance(result, tuple) else (result,)) if hasattr(r, "canvas")]
                t1 = time.perf_counter()
                for fig in figs:  # what show_result adds: the canvas encoded as the PNG the reader sees
                    buffer = io.BytesIO()
                    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buffer, format="png")
                times.append(t1 - t0)
                png_times.append(time.perf_counter() - t0)
                if not run.reusing:
                    plt.close("all")
            plt.close("all")
            trains = getattr(module, "TRAINING_WIDGETS", ())
            med = statistics.median(times)
            p95 = float(np.percentile(times, 95))
            limit_med, limit_p95 = (1.0, 1.0) if fname in trains else (0.050, 0.100)
            rows.append({"widget": f"{path.stem}.{fname}", "median_ms": med * 1e3, "p95_ms": p95 * 1e3,
                         "median_png_ms": statistics.median(png_times) * 1e3, "reuses_figure": run.reusing,
                         "trains": fname in trains, "goal_median_ms": limit_med * 1e3,
                         "goal_p95_ms": limit_p95 * 1e3, "met": med <= limit_med and p95 <= limit_p95})
    return {"updates": n_updates, "rows": rows, "not_benchmarked": missing}


# ----------------------------------------------------------------------------- 4. trainer
def trainer_speed(steps: int = 3000) -> dict:
    from relubook import datasets, network

    rng = np.random.default_rng(0)
    X, y = datasets.moons(200, rng=rng)

    def run():
        model = network.MLP([2, 16, 16, 1], "relu", rng=np.random.default_rng(1))
        network.train(model, X, y, lr=0.1, steps=steps, record_every=steps)

    t = median_time(run, repeats=5)
    sps = steps / t
    return {"network": "2-16-16-1 ReLU, full batch of 200 moons points, record every step off",
            "steps_per_second": sps, "goals": [goal("SGD steps per second (1 core)", sps, 1000, "steps/s", True)]}


# ----------------------------------------------------------------------------- 5. the book
def _cell_seconds(nb) -> float:
    """Time spent running the cells (from nbclient's timing metadata): the wall time minus kernel start."""
    from datetime import datetime

    total = 0.0
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            total += (datetime.fromisoformat(end.replace("Z", "+00:00"))
                      - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    return total


def _kernel_poll():
    """tools/kernel_poll.py: the book's per-cell limit and the fix for missed kernel replies (issue 24)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kernel_poll", ROOT / "tools" / "kernel_poll.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_times() -> dict:
    import nbformat
    from nbclient import NotebookClient

    kernel_poll = _kernel_poll()
    kernel_poll.install()
    rows = []
    for folder in ("chapters", "exercises", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            # stopped at once when done: a graceful shutdown now and then waits 3.5 s for the kernel
            # process to exit (2 of 20 empty notebooks here), time no reader spends
            client = NotebookClient(nb, timeout=kernel_poll.cell_timeout(), kernel_name="python3", record_timing=True,
                                    shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
            t0 = time.perf_counter()
            client.execute()
            wall = time.perf_counter() - t0
            rows.append({"notebook": f"{folder}/{path.name}", "seconds": wall, "cell_seconds": _cell_seconds(nb)})
    total = sum(r["seconds"] for r in rows)
    worst = max(rows, key=lambda r: r["seconds"]) if rows else {"notebook": "-", "seconds": 0.0}
    return {"rows": rows, "total_seconds": total, "total_cell_seconds": sum(r["cell_seconds"] for r in rows),
            "goals": [
        goal("all notebooks together", total, 60, "s"),
        goal(f"slowest notebook ({worst['notebook']})", worst["seconds"], 15, "s"),
    ]}


def book_build() -> dict:
    jb = Path(sys.executable).with_name("jupyter-book")
    out = Path(tempfile.mkdtemp(prefix="relubook-bench-"))
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    # as `make book` builds it: every widget's frames drawn for the static site, from an empty frame store
    env = {**os.environ, "RELUBOOK_FRAMES_DIR": str(out / "frames")}
    t0 = time.perf_counter()
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env)
    t_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env)
    t_warm = time.perf_counter() - t0
    html = out / "_build" / "html"
    pages = []
    for page in html.rglob("*.html"):
        own = page.stat().st_size
        images = page.parent / "_images"
        text = page.read_text(errors="replace")
        if images.exists():
            own += sum(p.stat().st_size for p in images.iterdir() if p.name in text)
        pages.append((own, str(page.relative_to(html))))
    largest = max(pages) if pages else (0, "-")
    site = sum(p.stat().st_size for p in html.rglob("*") if p.is_file()) if html.exists() else 0
    frames = static_widget_rows(html) if cold.returncode == 0 else []
    shutil.rmtree(out, ignore_errors=True)
    ok = cold.returncode == 0 and warm.returncode == 0
    if not ok:  # a failed build makes the timings meaningless: say why, loudly
        for name, run in (("cold", cold), ("rebuild", warm)):
            if run.returncode:
                print(f"[bench] {name} build FAILED (exit {run.returncode}); last lines:\n"
                      + "\n".join((run.stdout + run.stderr).splitlines()[-25:]), file=sys.stderr)
    goals = [{"goal": "book builds with -W -n (cold and cached)", "value": float(ok), "unit": "",
              "text": "yes" if ok else "FAILED", "target": "builds", "met": ok},
             goal("cached rebuild / cold build", t_warm / t_cold, 0.20, "×"),
             goal("cold build with every widget's frames", t_cold / 60, 10, "min"),
             goal("whole site", site / 1e6, 150, "MB")]
    goals[1]["met"] = goals[1]["met"] and ok
    p95s = [row["swap_p95_ms"] for row in frames if row.get("swap_p95_ms") is not None]
    if p95s:
        goals.append(goal("static-site frame swap, p95 of the slowest widget", float(max(p95s)), 100, "ms"))
    return {"cold_seconds": t_cold, "rebuild_seconds": t_warm, "cold_ok": cold.returncode == 0,
            "rebuild_ok": warm.returncode == 0, "largest_page": largest[1], "largest_page_MB": largest[0] / 1e6,
            "site_MB": site / 1e6, "frames": frames,
            "goals": goals}


def static_widget_rows(html: Path) -> list[dict]:
    """Per widget of the built site: frames, bytes, build seconds, swap latency in Chromium (tests/site/framekit)."""
    sys.path.insert(0, str(ROOT / "tests" / "site"))
    try:
        import framekit

        return framekit.measure(html)
    except Exception as exc:  # no chromium here: the build's numbers stand without the browser's
        print(f"[bench] frame swaps not measured: {type(exc).__name__}: {exc}", file=sys.stderr)
        return []


# ----------------------------------------------------------------------------- report
def _status(goals: list) -> tuple[str, list]:
    """(overall status, the goals that are not met) of a group of goal rows."""
    if not goals:
        return "not measured", []
    if any(g["met"] is None for g in goals):
        return "not measured", [g for g in goals if g["met"] is None]
    missed = [g for g in goals if not g["met"]]
    return ("met" if not missed else "**MISSED**"), missed


def _measured(g: dict) -> str:
    return g.get("text") or f"{g['value']:.3g} {g['unit']}"


def issue19_lines(results: dict) -> list[str]:
    """Issue 19's six goals, each met or missed with the reason, from this run's goal rows."""
    costs = results.get("costs", {}).get("goals", [])
    ladder = results.get("ladder", {}).get("goals", [])
    out = ["## Issue 19, goal by goal", ""]

    def item(number: str, title: str, goals: list, reason_missed: str, owner: str = "") -> None:
        status, missed = _status(goals)
        text = f"{number}. **{title}**: {status}"
        if owner:
            text += f" ({owner})"
        if missed:
            text += ". Not met: " + "; ".join(f"{g['goal']} {_measured(g)}" for g in missed)
            text += f". {reason_missed}"
        else:
            text += "."
        out.append(text)

    item("1", "piecewise-linear activations within 2.5× the one-thread copy floor",
         [g for g in costs if "copy" in g["goal"]],
         "They make two passes (the product, then a max, or a comparison and a conversion) where the copy "
         "makes one; on a loaded machine the ratio moves by about 0.3 from run to run.")
    item("2", "smooth activations within 4× PyTorch, GELU within 8×",
         [g for g in costs if "PyTorch" in g["goal"]],
         "NumPy makes one pass through the cache per operation (exact GELU's fitted tail takes about 20), "
         "PyTorch one fused pass; a loaded machine moves these ratios by a quarter from run to run.")
    tests = results.get("activation_tests", {}).get("goals", [])
    item("3", "nothing else gets worse (values, dtypes, NaN/±inf, immutability, no warnings, edge-grid accuracy; "
              "relu ≤ 1.1× np.maximum and < 5 µs on 3 elements)",
         tests + [g for g in ladder if "relubook relu" in g["goal"]],
         "See the failing test's output (`pytest tests/test_activations*.py`).")
    item("4", "the cost lesson in chapter 3 told right", results.get("chapter3", {}).get("goals", []),
         "Chapter 3's notebook still has to take its table from `relubook.tables.cost_rows` and explain it.",
         owner="chapter 3's notebook; reported here")
    widgets = results.get("widgets", {}).get("rows", [])
    wgoals = [{"goal": f"widget {r['widget']}", "met": r["met"],
               "text": f"median {r['median_ms']:.0f} / p95 {r['p95_ms']:.0f} ms"} for r in widgets]
    nb = results.get("notebooks", {}).get("goals", [])
    item("5", "widgets (pure update median ≤ 50 ms, p95 ≤ 100 ms; training ≤ 1 s) and all notebooks ≤ 60 s",
         wgoals + nb, "Sections 4 and 6 give every widget's and notebook's time; on a loaded machine they "
         "grow with the load (a run beside a build took four times as long).")
    out.append("   The whole `make test` under 30 minutes on 2 cores is not measured by `make bench` "
               "(it would take the bench's whole budget): time `make test` itself.")
    item("6", "scaling from 10³ to 10⁸ elements shown beside the copy floor",
         results.get("scaling", {}).get("goals", []), "The figure was not drawn (see the bench's output).")
    return out + [""]


def fmt_goal(g: dict) -> str:
    mark = "not measured" if g["met"] is None else "met" if g["met"] else "**MISSED**"
    measured = g.get("text") or f"{g['value']:.3g} {g['unit']}"
    target = g.get("target") or f"{g['direction']} {g['limit']:g} {g['unit']}"
    return f"| {g['goal']} | {measured} | {target} | {mark} |"


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(report: str, readme: Path = ROOT / "README.md") -> None:
    """Put this run's machine line, issue 19's goals and the goal table between README's bench markers."""
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        return
    head = report.split("## 1.")[0]
    head = head.replace("# Benchmark report\n\n", "").replace("## Issue 19, goal by goal", "**Issue 19, goal by goal**")
    head = head.replace("## Goals", "**Goals**")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    link = "The whole report: [bench/report.md](bench/report.md)."
    readme.write_text(f"{before}{README_START}\n{head.strip()}\n\n{link}\n{README_END}{after}")


def write_report(results: dict) -> str:
    lines = ["# Benchmark report", "",
             f"Machine: {results['machine']}. Generated by `make bench` ({results['date']}).",
             "Medians over repeats, measured side by side in one run; ratios are what to compare.", ""]
    goals = [g for section in results.values() if isinstance(section, dict) for g in section.get("goals", [])]
    goals += [{"goal": f"widget {r['widget']} (median / p95)", "value": r["median_ms"], "unit": "ms",
               "direction": "≤", "limit": r["goal_median_ms"], "met": r["met"],
               "text": f"{r['median_ms']:.0f} / {r['p95_ms']:.0f} ms",
               "target": f"≤ {r['goal_median_ms']:.0f} / {r['goal_p95_ms']:.0f} ms"}
              for r in results.get("widgets", {}).get("rows", [])]
    lines += issue19_lines(results)
    lines += ["## Goals", "", "| goal | measured | target | status |", "|---|---|---|---|"]
    lines += [fmt_goal(g) for g in goals]
    lad = results["ladder"]
    lines += ["", f"## 1. ReLU speed ladder ({lad['n']:,} {lad['dtype']} elements)", "",
              "| form | ns/element | GB/s | × copy |", "|---|---:|---:|---:|"]
    lines += [f"| {r['form']} | {r['ns_per_element']:.3f} | {r['GB_per_s']:.2f} | {r['vs_copy']:.2f} |"
              for r in lad["rows"]]
    lines += ["", f"On a 3-element array `relubook.activations.relu` takes {lad['tiny_relu_us']:.2f} µs "
              f"(plain `np.maximum`: {lad['tiny_np_maximum_us']:.2f} µs); the difference is input checking.", "",
              "ReLU reads 4 bytes and writes 4 bytes per float32 element and does one comparison: its arithmetic "
              "intensity is about 1/8 operation per byte, so it runs at the speed of memory, as the copy does. "
              "It cannot beat a copy, and on large arrays every vectorised form lands close to it. The smooth "
              "activations below do tens of operations per element (exponentials, error functions) on the same "
              "bytes: they are compute-bound, which is why they cost several times more.", ""]
    cost = results["costs"]
    torch = cost["torch"]
    has_torch = bool(torch.get("python"))
    lines += [f"## 2. Each activation against the copy floor and PyTorch ({cost['n']:,} {cost['dtype']} elements, "
              "one thread)", "",
              f"Best of {cost['rounds']} interleaved rounds of {cost['number']} calls, the way "
              "`relubook.tables.cost_rows` measures chapter 3's table. *× copy* is the time over the one-thread "
              f"copy floor (`np.copyto`, {cost['copy_ms']:.3f} ms here). "
              + (f"PyTorch {torch['version']} (CPU, one thread, its copy floor {torch['copy_ms']:.3f} ms) ran in its "
                 f"own interpreter ({torch['python']}), one PyTorch round right before each NumPy round, so that "
                 "both saw the same load. For a derivative, relubook's forward plus derivative is set against "
                 "PyTorch's forward plus autograd backward (what a training step pays)."
                 if has_torch else f"PyTorch: {NO_TORCH}; {torch.get('reason', '')}. Set `{TORCH_ENV}` to an "
                 "interpreter with torch (never in requirements.txt) to compare."), "",
              "| activation | forward ms | × copy | × ReLU | × PyTorch | derivative ms | × copy | "
              "fwd + deriv × PyTorch fwd + bwd |", "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def ratio(r, key):
        return f"{r[key]:.1f}" if key in r else "–"

    lines += [f"| {'gelu (tanh)' if r['activation'] == 'gelu_tanh' else r['activation']} | {r['forward_ms']:.3f} | "
              f"{r['forward_vs_copy']:.1f} | {r['forward_vs_relu']:.1f} | {ratio(r, 'forward_vs_torch')} | "
              f"{r['grad_ms']:.3f} | {r['grad_vs_copy']:.1f} | {ratio(r, 'both_vs_torch')} |" for r in cost["rows"]]
    lines += ["", "The piecewise-linear functions make one or two passes over memory and stay near the copy floor. "
              "The smooth ones are compute-bound: an exponential, a division, a fitted polynomial for GELU's "
              "error function, each a pass of its own through NumPy (in blocks that stay in the cache). A fused "
              "kernel, as PyTorch's, does all of it in one pass while the element sits in a register, which "
              "brings every activation close to the memory's speed on large arrays."]
    sc = results.get("scaling")
    if sc:
        caches = ", ".join(f"L{k} {v / 2**20:g} MiB" for k, v in sorted(sc["caches"].items())) or "unknown"
        lines += ["", "## 3. Time per element against array size", "",
                  "```{figure} " + sc["figure"],
                  ":alt: Log-log plot of time per element in nanoseconds against array size from one thousand to "
                  "one hundred million float32 elements, for the copy floor, ReLU with a new and with a ready output "
                  "array, and GELU. All start high at small sizes and fall; ReLU then runs close to the copy floor, "
                  "GELU stays many times above it.",
                  ":name: bench-scaling", "",
                  f"Time per element of ReLU, GELU and the one-thread copy floor (best of rounds). Below about 10⁴ "
                  f"elements the fixed cost of a call dominates; while input and output fit in the caches "
                  f"({caches}; vertical lines where they are full) ReLU runs at the cache's speed; beyond, it runs "
                  f"at the memory's bandwidth, as the copy does. Into a ready array (dash-dotted) it stays on the "
                  f"copy floor; relubook's ReLU also pays for its new output array, whose pages the operating "
                  f"system hands out one by one on large sizes. GELU is compute-bound at every size.",
                  "```", "",
                  "| elements | copy ns/elt | ReLU ns/elt | ReLU into ready array ns/elt | GELU ns/elt | "
                  "ReLU × copy | GELU × copy |", "|---:|---:|---:|---:|---:|---:|---:|"]
        smooth_key = sc["smooth"] + "_ns_per_element"
        lines += [f"| {r['n']:,} | {r['copy_ns_per_element']:.3f} | {r['relu_ns_per_element']:.3f} | "
                  f"{r['relu_ready_ns_per_element']:.3f} | {r[smooth_key]:.3f} | "
                  f"{r['relu_ns_per_element'] / r['copy_ns_per_element']:.2f} | "
                  f"{r[smooth_key] / r['copy_ns_per_element']:.1f} |" for r in sc["rows"]]
    wid = results.get("widgets")
    if wid:
        lines += ["", f"## 4. Widget updates (compute + draw to an Agg canvas, {wid['updates']} updates)", "",
                  "Each update runs the way `live()` runs it (`relubook.widgets.Redraw`): a widget whose figure "
                  "is a single axes draws into the same figure again, lays it out again only when its "
                  "limits or labels change, and draws only its own artists over a kept background of ticks "
                  "and labels (blitting). The last column adds the PNG encoding that puts the picture "
                  "in front of the reader (not part of the goal).", "",
                  "| widget | figure reused | median ms | p95 ms | goal (median / p95) | status | median with PNG ms |",
                  "|---|---|---:|---:|---|---|---:|"]
        lines += [f"| {r['widget']} | {'yes' if r['reuses_figure'] else 'no'} | {r['median_ms']:.1f} | "
                  f"{r['p95_ms']:.1f} | ≤ {r['goal_median_ms']:.0f} / {r['goal_p95_ms']:.0f} ms | "
                  f"{'met' if r['met'] else '**MISSED**'} | {r['median_png_ms']:.1f} |"
                  for r in wid["rows"]]
        if wid["not_benchmarked"]:
            lines += ["", "Not benchmarked (no `BENCH_SETTINGS` in their module): "
                      + ", ".join(wid["not_benchmarked"])]
    tr = results["trainer"]
    lines += ["", "## 5. Training playground", "", f"{tr['network']}: **{tr['steps_per_second']:,.0f} steps/s**."]
    if "notebooks" in results:
        nb = results["notebooks"]
        lines += ["", "## 6. The book", "",
                  "Each notebook is run in a fresh kernel, one after another. *Wall* is what a reader waits "
                  "for after Restart & Run All, kernel start included (the kernel is then stopped at once, not "
                  "gracefully), and is what the goals apply to; "
                  "*cells* is the part spent running the notebook's own code.", "",
                  "| notebook | wall s | cells s |", "|---|---:|---:|"]
        lines += [f"| {r['notebook']} | {r['seconds']:.1f} | {r['cell_seconds']:.1f} |" for r in nb["rows"]]
        lines += [f"| **total** | **{nb['total_seconds']:.1f}** | **{nb['total_cell_seconds']:.1f}** |"]
    if "build" in results:
        b = results["build"]
        lines += ["", f"Cold `jupyter-book build`: {b['cold_seconds']:.1f} s (ok: {b['cold_ok']}); "
                  f"rebuild with nothing changed: {b['rebuild_seconds']:.1f} s (ok: {b['rebuild_ok']}). "
                  f"Largest page: {b['largest_page']} ({b['largest_page_MB']:.2f} MB with its images); "
                  f"whole site {b['site_MB']:.1f} MB."]
        if b.get("frames"):
            lines += ["", "### The static site's widgets", "",
                      "Every widget's frames are drawn by its own update function during the cold build above; "
                      "Chromium, served the built site on 127.0.0.1, moves every control and times each swap "
                      "from the key press to the new picture (`tests/site/framekit.py`).", "",
                      "| page | widget | frames | kB | build s | swaps | median ms | p95 ms |",
                      "|---|---|---:|---:|---:|---:|---:|---:|"]
            for r in b["frames"]:
                cells = [r["page"], r["widget"], r["frames"], f"{r['bytes'] / 1e3:.0f}",
                         "-" if r.get("build_seconds") is None else f"{r['build_seconds']:.1f}", r["swaps"],
                         r.get("swap_median_ms", "-"), r.get("swap_p95_ms", "-")]
                lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += results.get("live", {}).get("lines", [])  # bench/live.py (issue 30)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller arrays, no book build")
    parser.add_argument("--skip-book", action="store_true", help="skip notebook execution and the book build")
    parser.add_argument("--only", nargs="+", metavar="STEP",
                        help="re-run only these steps (e.g. live) and keep the others' figures from bench/report.json")
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                          f"NumPy {np.__version__}",
               "date": time.strftime("%Y-%m-%d")}
    steps = [("ladder", lambda: relu_ladder(1_000_000 if args.quick else N)),
             ("costs", activation_costs),
             ("scaling", lambda: scaling(SCALING_SIZES[:7] if args.quick else SCALING_SIZES)),
             ("activation_tests", activation_tests), ("chapter3", chapter3_cost_lesson),
             ("widgets", widget_timings), ("trainer", trainer_speed)]
    if not (args.quick or args.skip_book):
        steps += [("notebooks", notebook_times), ("build", book_build)]
        steps += [("live", importlib.import_module("live").measure)]  # bench/live.py: live pages in the browser
    if args.only:
        if not any(key == "live" for key, _ in steps):  # (--quick, --skip-book)
            steps += [("notebooks", notebook_times), ("build", book_build),
                      ("live", lambda: importlib.import_module("live").measure())]
        known = {key for key, _ in steps}
        unknown = sorted(set(args.only) - known)
        if unknown:
            parser.error(f"--only: unknown step(s) {unknown}; the steps are {sorted(known)}")
        kept = json.loads((ROOT / "bench" / "report.json").read_text())
        results = {**kept, **{k: v for k, v in results.items() if k in ("machine", "date")}}
        steps = [(key, fn) for key, fn in steps if key in args.only]
    for key, fn in steps:
        t0 = time.perf_counter()
        print(f"[bench] {key} …", flush=True)
        results[key] = fn()
        print(f"[bench] {key} done in {time.perf_counter() - t0:.1f} s", flush=True)
    report = write_report(results)
    out = ROOT / "bench"
    (out / "report.md").write_text(report)
    (out / "report.json").write_text(json.dumps(results, indent=2, default=float))
    update_readme(report)
    print()
    print(report.split("## 1.")[0])
    print(f"Full report: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
