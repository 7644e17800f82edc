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
        goal("2-thread np.maximum vs 2-thread copy", ratio2, 1.30, "×"),
    ]
    return {"n": n, "dtype": "float32", "rows": rows, "tiny_relu_us": t_tiny * 1e6,
            "tiny_np_maximum_us": t_tiny_np * 1e6, "goals": goals}


def goal(name: str, value: float, limit: float, unit: str, higher_is_better: bool = False) -> dict:
    met = value >= limit if higher_is_better else value <= limit
    return {"goal": name, "value": value, "limit": limit, "unit": unit,
            "direction": "≥" if higher_is_better else "≤", "met": bool(met)}


# ----------------------------------------------------------------------------- 2. activation cost
def activation_costs(n: int = 1_000_000) -> dict:
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    fns = {}
    for name in act.names():
        a = act.get(name)
        kw = dict(a.params)
        fns[(name, "forward")] = (lambda a=a, kw=kw: a.forward(x, **kw))
        fns[(name, "grad")] = (lambda a=a, kw=kw: a.grad(x, **kw))
    times = interleaved(fns, repeats=7)
    base_f, base_g = times[("relu", "forward")], times[("relu", "grad")]
    rows = [{"activation": name, "forward_ms": times[(name, "forward")] * 1e3,
             "grad_ms": times[(name, "grad")] * 1e3,
             "forward_vs_relu": times[(name, "forward")] / base_f,
             "grad_vs_relu": times[(name, "grad")] / base_g} for name in act.names()]
    return {"n": n, "dtype": "float32", "rows": rows}


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


def notebook_times() -> dict:
    import nbformat
    from nbclient import NotebookClient

    rows = []
    for folder in ("chapters", "exercises", "solutions"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                                    resources={"metadata": {"path": str(path.parent)}})
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
    t0 = time.perf_counter()
    cold = subprocess.run(cmd, capture_output=True, text=True)
    t_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = subprocess.run(cmd, capture_output=True, text=True)
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
    shutil.rmtree(out, ignore_errors=True)
    ok = cold.returncode == 0 and warm.returncode == 0
    if not ok:  # a failed build makes the timings meaningless: say why, loudly
        for name, run in (("cold", cold), ("rebuild", warm)):
            if run.returncode:
                print(f"[bench] {name} build FAILED (exit {run.returncode}); last lines:\n"
                      + "\n".join((run.stdout + run.stderr).splitlines()[-25:]), file=sys.stderr)
    goals = [{"goal": "book builds with -W -n (cold and cached)", "value": float(ok), "unit": "",
              "text": "yes" if ok else "FAILED", "target": "builds", "met": ok},
             goal("cached rebuild / cold build", t_warm / t_cold, 0.20, "×")]
    goals[1]["met"] = goals[1]["met"] and ok
    return {"cold_seconds": t_cold, "rebuild_seconds": t_warm, "cold_ok": cold.returncode == 0,
            "rebuild_ok": warm.returncode == 0, "largest_page": largest[1], "largest_page_MB": largest[0] / 1e6,
            "site_MB": site / 1e6, "goals": goals}


# ----------------------------------------------------------------------------- report
def fmt_goal(g: dict) -> str:
    mark = "met" if g["met"] else "**MISSED**"
    measured = g.get("text") or f"{g['value']:.3g} {g['unit']}"
    target = g.get("target") or f"{g['direction']} {g['limit']:g} {g['unit']}"
    return f"| {g['goal']} | {measured} | {target} | {mark} |"


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
    lines += [f"## 2. Cost of each activation relative to ReLU ({cost['n']:,} {cost['dtype']} elements)", "",
              "| activation | forward ms | × ReLU | derivative ms | × ReLU′ |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['activation']} | {r['forward_ms']:.2f} | {r['forward_vs_relu']:.1f} | {r['grad_ms']:.2f} | "
              f"{r['grad_vs_relu']:.1f} |" for r in cost["rows"]]
    wid = results.get("widgets")
    if wid:
        lines += ["", f"## 3. Widget updates (compute + draw to an Agg canvas, {wid['updates']} updates)", "",
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
    lines += ["", "## 4. Training playground", "", f"{tr['network']}: **{tr['steps_per_second']:,.0f} steps/s**."]
    if "notebooks" in results:
        nb = results["notebooks"]
        lines += ["", "## 5. The book", "",
                  "Each notebook is run in a fresh kernel, one after another. *Wall* is what a reader waits "
                  "for after Restart & Run All, kernel start included, and is what the goals apply to; "
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
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller arrays, no book build")
    parser.add_argument("--skip-book", action="store_true", help="skip notebook execution and the book build")
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                          f"NumPy {np.__version__}",
               "date": time.strftime("%Y-%m-%d")}
    steps = [("ladder", lambda: relu_ladder(1_000_000 if args.quick else N)),
             ("costs", activation_costs), ("widgets", widget_timings), ("trainer", trainer_speed)]
    if not (args.quick or args.skip_book):
        steps += [("notebooks", notebook_times), ("build", book_build)]
    for key, fn in steps:
        t0 = time.perf_counter()
        print(f"[bench] {key} …", flush=True)
        results[key] = fn()
        print(f"[bench] {key} done in {time.perf_counter() - t0:.1f} s", flush=True)
    report = write_report(results)
    out = ROOT / "bench"
    (out / "report.md").write_text(report)
    (out / "report.json").write_text(json.dumps(results, indent=2, default=float))
    print()
    print(report.split("## 1.")[0])
    print(f"Full report: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
