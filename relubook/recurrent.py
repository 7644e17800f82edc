"""Recurrent networks of rectified units: how far back a gradient reaches.

A simple recurrent network updates its state with ``h_t = f(h_{t-1} W + x_t U + b)``. Training
it by backpropagation through time multiplies the gradient, once per step, by
``diag(f'(z_t)) W^T``. Le, Jaitly & Hinton (2015) proposed the IRNN: ReLU units with ``W``
initialised to the identity and ``b = 0``, so that an active unit passes its gradient back
unchanged. :func:`gradient_through_time` measures this at initialisation on inputs of the
adding problem (:func:`adding_problem`), for any activation and initialisation of ``W``.
"""

from __future__ import annotations

import numpy as np

from . import activations as _activations
from ._args import check_int

__all__ = ["adding_problem", "gradient_through_time"]

INITS = ("identity", "random", "he")


def adding_problem(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of the adding problem: add the two marked numbers of a long sequence.

    Parameters
    ----------
    n : int
        Number of sequences, >= 1.
    steps : int
        Sequence length, >= 2.
    rng : numpy.random.Generator

    Returns
    -------
    X : numpy.ndarray
        Shape ``(n, steps, 2)``: channel 0 holds uniform numbers in [0, 1], channel 1 marks
        two positions with 1 (one in each half of the sequence).
    y : numpy.ndarray
        Shape ``(n,)``: the sum of the two marked numbers.
    """
    check_int(n, "n", 1)
    check_int(steps, "steps", 2)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    values = rng.uniform(0.0, 1.0, size=(n, steps))
    half = steps // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, steps, size=n)
    marks = np.zeros((n, steps))
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    return np.stack([values, marks], axis=-1), values[rows, first] + values[rows, second]


def gradient_through_time(activation: str, init: str, steps: int, seed: int, *, hidden: int = 32,
                          n: int = 16) -> np.ndarray:
    """How much of a gradient at the last step reaches each earlier step, at initialisation.

    The network reads ``n`` sequences of the adding problem. A gradient ``g_T`` of unit norm per
    sequence is set on the last state and sent back, ``g_{t-1} = (g_t * f'(z_t)) W^T``.

    Parameters
    ----------
    activation : str
        Registry name, e.g. ``"relu"`` or ``"tanh"``.
    init : {"identity", "random", "he"}
        ``W`` is the identity (the IRNN's choice); normal with standard deviation
        ``1 / sqrt(hidden)`` ("random": Glorot's scale for a square matrix, spectral radius about 1,
        half of He's variance); or normal with He's standard deviation ``sqrt(2 / hidden)`` ("he").
    steps : int
        Sequence length.
    seed : int
        Seeds the input weights ``U`` (normal, std 0.5), ``W`` and the sequences.
    hidden, n : int
        State size and number of sequences.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps + 1,)``: entry ``k`` is the median over the sequences of ``|g_{T-k}|``
        (entry 0 is 1).
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    act = _activations.get(activation)
    rng = np.random.default_rng(seed)
    X, _ = adding_problem(n, steps, rng)
    U = rng.normal(0.0, 0.5, size=(2, hidden))
    if init == "identity":
        W = np.eye(hidden)
    else:
        W = rng.normal(0.0, np.sqrt((2.0 if init == "he" else 1.0) / hidden), size=(hidden, hidden))
    h = np.zeros((n, hidden))
    zs = []
    for t in range(steps):
        z = h @ W + X[:, t] @ U
        zs.append(z)
        h = act.forward(z, **act.params)
    g = np.ones((n, hidden)) / np.sqrt(hidden)
    norms = [1.0]
    for z in reversed(zs):
        g = (g * act.grad(z, **act.params)) @ W.T
        norms.append(float(np.median(np.linalg.norm(g, axis=1))))
    return np.array(norms)
