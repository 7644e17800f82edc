"""PyTorch's CPU kernels for the activations of relubook, timed in lock-step with bench/run.py.

This script runs in a separate interpreter that has PyTorch (the book never
depends on it, and it is never in requirements.txt). It needs only the
standard library and torch. bench/run.py starts it and drives it over stdin:

* ``python bench/torch_kernels.py INPUT N NUMBER`` reads ``N`` float32 numbers
  (raw bytes) from the file ``INPUT``, sets one thread, warms every kernel up
  and prints one JSON line: ``{"torch": version, "threads": 1, "n": N}``.
* Each line ``round`` on stdin times every kernel once (``NUMBER`` calls, mean
  per call): the forward pass without autograd, and the forward pass plus the
  autograd backward pass; the copy floor too. It answers with one JSON line
  ``{name: [forward_s, forward_backward_s]}``.
* ``quit`` ends it.

bench/run.py alternates a PyTorch round with a NumPy round, so that both see
the same machine load, and keeps the best of the rounds on each side.
"""

from __future__ import annotations

import json
import sys
import time

import torch
import torch.nn.functional as F

FORWARD = {
    "relu": lambda x: torch.relu(x),
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "prelu": lambda x: F.prelu(x, torch.tensor([0.25])),
    "elu": lambda x: F.elu(x, 1.0),
    "selu": lambda x: F.selu(x),
    "celu": lambda x: F.celu(x, 1.0),
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": lambda x: F.silu(x),
    "mish": lambda x: F.mish(x),
    "softplus": lambda x: F.softplus(x, 1.0, 20.0),
    "relu6": lambda x: F.relu6(x),
    "squared_relu": lambda x: torch.square(torch.relu(x)),
    "sigmoid": lambda x: torch.sigmoid(x),
    "tanh": lambda x: torch.tanh(x),
}


def main() -> int:
    path, n, number = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(1)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    x = torch.frombuffer(data, dtype=torch.float32)[:n].clone()
    if x.numel() != n:
        raise SystemExit(f"expected {n} float32 values in {path}, got {x.numel()}")
    xg = x.clone().requires_grad_(True)
    ones = torch.ones_like(x)
    y = torch.empty_like(x)

    def forward(fn):
        def run():
            with torch.no_grad():
                fn(x)
        return run

    def forward_backward(fn):
        def run():
            torch.autograd.grad(fn(xg), xg, ones)
        return run

    kernels = {"copy": (lambda: y.copy_(x), lambda: y.copy_(x))}
    kernels.update({name: (forward(fn), forward_backward(fn)) for name, fn in FORWARD.items()})
    for f, b in kernels.values():
        f()
        b()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "n": n}), flush=True)
    for line in sys.stdin:
        if line.strip() != "round":
            break
        result = {}
        for name, pair in kernels.items():
            times = []
            for fn in pair:
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                times.append((time.perf_counter() - t0) / number)
            result[name] = times
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
