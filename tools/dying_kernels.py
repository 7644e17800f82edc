"""Train every seed of chapter 4's experiments under several OpenBLAS kernels and compare.

    .venv/bin/python tools/dying_kernels.py            # SkylakeX, Haswell, Sandybridge
    .venv/bin/python tools/dying_kernels.py --lr-scan  # also the kill-a-network rates

Each kernel runs in its own process (``OPENBLAS_CORETYPE`` is read when NumPy loads).
The script prints, per experiment, how many seeds changed their outcome (dead units,
accuracy, divergence) between kernels, and whether the statistics the chapter prints
(medians, counts) agree. Exit status 1 when a printed statistic differs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

KERNELS = ("SkylakeX", "Haswell", "Sandybridge")
ROOT = Path(__file__).resolve().parents[1]


def _child(lr_scan: bool) -> None:
    import numpy as np

    from relubook import dying

    out = {}
    exps = dying.chapter_experiments()
    exps.update({f"kill grid {lr:g}, bias -1": {**dying.BASE_CONFIG, "lr": lr, "bias_init": -1.0}
                 for lr in (0.5, 2.0, 4.0)})
    exps.update({"ELU lr 2": {**dying.FAILING_CONFIG, "activation": "elu"},
                 "Leaky lr 1": {**dying.BASE_CONFIG, "lr": 1.0, "activation": "leaky_relu"}})
    if lr_scan:
        exps.update({f"scan {lr:.4g}": {**dying.BASE_CONFIG, "lr": float(lr)} for lr in dying.LR_GRID[16:40]})
    for name, cfg in exps.items():
        r = dying.train_seeds(cfg)
        dead, dormant = np.nan_to_num(r.dead_fraction * 32, nan=-1), np.nan_to_num(r.dormant_fraction * 32, nan=-1)
        out[name] = {"dead": np.where(r.diverged, np.nan, dead.round()).tolist(),
                     "acc": np.round(r.accuracy, 6).tolist(), "diverged": r.diverged.tolist(),
                     "dormant": np.where(r.diverged, np.nan, dormant.round()).tolist(),
                     "trains": r.trains.tolist(), "late": np.round(r.dead_late * 32).tolist(),
                     "killed": dying.killed_fraction(cfg["lr"], cfg["bias_init"], cfg["activation"])
                     if name.startswith("scan") else None}
    json.dump(out, sys.stdout)


def main() -> int:
    lr_scan = "--lr-scan" in sys.argv
    results = {}
    for kernel in KERNELS:
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        proc = subprocess.run([sys.executable, __file__, "--child", *(["--lr-scan"] if lr_scan else [])],
                              env=env, capture_output=True, text=True, cwd=ROOT, check=True)
        results[kernel] = json.loads(proc.stdout)
    import numpy as np

    from relubook.dying import SMOOTH_SWAPS as SMOOTH
    from relubook.dying import row_text

    bad = 0
    base = results[KERNELS[0]]
    for name in base:
        runs = {k: results[k][name] for k in KERNELS}
        changed = [i for i in range(len(base[name]["dead"]))
                   if len({json.dumps((runs[k]["dead"][i], runs[k]["acc"][i], runs[k]["diverged"][i]))
                           for k in KERNELS}) > 1]
        stats = {k: {**row_text(np.array(runs[k]["dead"], dtype=float) / 32,
                                np.array(runs[k]["dormant"], dtype=float) / 32,
                                np.array(runs[k]["acc"], dtype=float), np.array(runs[k]["diverged"])),
                     # what the remedies table and the claims print: seeds that train per seed set, dead medians
                     "trains": (sum(runs[k]["trains"][:10]), sum(runs[k]["trains"][10:])),
                     "late": float(np.median(np.array(runs[k]["late"])[~np.array(runs[k]["diverged"])]))
                     if not all(runs[k]["diverged"]) else None}
                 for k in KERNELS}
        if name in SMOOTH or name.startswith("scan"):  # the chapter prints no dormant column for these
            stats = {k: {c: v for c, v in st.items() if c != "dormant"} for k, st in stats.items()}
        if name.startswith("scan"):
            stats = {k: (s, results[k][name]["killed"] > 0.5) for k, s in stats.items()}
        same = len({json.dumps(s, sort_keys=True) for s in stats.values()}) == 1
        bad += not same
        print(f"{name:24s} seeds changed {len(changed):2d} {changed}  printed stats {'same' if same else 'DIFFER'}")
        if not same:
            for k in KERNELS:
                print(f"    {k:12s} {stats[k]}")
    return 1 if bad else 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child("--lr-scan" in sys.argv)
    else:
        sys.exit(main())
