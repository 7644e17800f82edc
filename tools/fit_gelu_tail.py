"""Fit the float32 normal tail that relubook.activations uses for the exact GELU and its derivative.

With ``a = |x|`` and ``w = a / (a + C)``, ``relubook.activations`` writes the upper tail of the
normal distribution times ``a`` as ``a Phi(-a) = w exp(Q(w) - a**2 / 2)``, where ``Q`` is a
polynomial of degree 5. This script finds ``C`` and ``Q`` (minimax over ``0 <= a <= 13.3``, where
float32's ``gelu(-a)`` is a normal number, by Lawson's iteration of weighted least squares) from
``scipy.special.log_ndtr`` and checks the fit against mpmath at the worst points. It prints the
constants to paste into ``_TAIL_C`` and ``_TAIL_Q``.

Usage: ``python tools/fit_gelu_tail.py``
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy import special

A_MAX = 13.3  # beyond, float32's gelu(-a) = -a Phi(-a) is subnormal (below 1.2e-38)
DEGREE = 5


def target(a: np.ndarray, c: float) -> np.ndarray:
    """``Q(w) = log((a + C) Phi(-a)) + a**2 / 2``, what the polynomial must match."""
    return special.log_ndtr(-a) + np.log(a + c) + a * a / 2


def lawson(c: float, degree: int = DEGREE, iterations: int = 300) -> tuple[float, np.ndarray]:
    """Minimax coefficients of ``Q`` (lowest first) for this ``C``, and their largest error."""
    a = np.linspace(0.0, A_MAX, 30_001)
    w = a / (a + c)
    f = target(a, c)
    v = np.vander(w, degree + 1, increasing=True)
    weight = np.ones_like(w)
    for _ in range(iterations):
        root = np.sqrt(weight)
        coefs, *_ = np.linalg.lstsq(v * root[:, None], f * root, rcond=None)
        err = np.abs(v @ coefs - f)
        weight = weight * err
        weight /= weight.sum()
    return float(np.max(np.abs(v @ coefs - f))), coefs


def main() -> None:
    err, c = min((lawson(c, iterations=150)[0], c) for c in np.round(np.linspace(2.7, 3.1, 41), 3))
    err, coefs = lawson(float(c))
    print(f"C = {float(c)!r}, largest error of Q (relative error of the tail) {err:.3g}")
    print("_TAIL_Q = [" + ", ".join(repr(float(q)) for q in coefs) + "]")
    mpmath.mp.dps = 30
    worst = 0.0
    for a in np.linspace(0, A_MAX, 2001):
        w = a / (a + c)
        q = sum(float(k) * w**i for i, k in enumerate(coefs))
        exact = mpmath.ncdf(-mpmath.mpf(a))
        approx = mpmath.exp(q - mpmath.mpf(a) ** 2 / 2) / (a + c)
        worst = max(worst, float(abs(approx / exact - 1)))
    print(f"checked against mpmath at 2001 points: largest relative error {worst:.3g} (float64 evaluation)")
    assert math.isclose(worst, err, rel_tol=0.5), "the fit and the mpmath check disagree"


if __name__ == "__main__":
    main()
