"""The transformer's feed-forward block with ReLU, GELU or SwiGLU, in NumPy.

Every transformer layer applies the same two-layer network to each token (Vaswani et al.,
2017): ``FFN(x) = max(0, x W1) W2`` (biases left out, as in Shazeer 2020). GELU replaces the
``max``; SwiGLU (Shazeer, 2020) multiplies a SiLU of one projection by a second, linear one,
``(silu(x W) * (x V)) W2``, and shrinks the hidden width to two thirds so that the three
matrices hold as many parameters as the two of the ReLU block. :func:`ffn_forward` runs a
block, :func:`ffn_cost` counts its parameters and multiply-adds per token.

:func:`train_ffn_classifier` trains a block (as a one-hidden-layer classifier on the digits) and
measures how often its hidden values are non-zero after training (:func:`active_fraction`);
:func:`skip_zero_rows` is the product ``h W2`` for one token that reads only the rows of ``W2`` whose
unit is non-zero: the saving activation sparsity offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import activations as _activations
from ._args import check_int

__all__ = ["KINDS", "FFN", "FFNRun", "active_fraction", "ffn_cost", "ffn_forward", "make_ffn", "skip_zero_rows",
           "swiglu_width", "train_ffn_classifier"]

KINDS = ("relu", "gelu", "swiglu")


@dataclass
class FFN:
    """Weights of one feed-forward block: ``W1`` (d_model, d_ff), ``W2`` (d_ff, d_model), ``V`` for SwiGLU."""

    kind: str
    W1: np.ndarray
    W2: np.ndarray
    V: np.ndarray | None = None

    @property
    def d_model(self) -> int:
        return self.W1.shape[0]

    @property
    def d_ff(self) -> int:
        return self.W1.shape[1]


def swiglu_width(d_ff: int) -> int:
    """Hidden width of a SwiGLU block with the parameters of a two-matrix block of width ``d_ff``.

    Parameters
    ----------
    d_ff : int
        Hidden width of the ReLU (or GELU) block, >= 1.

    Returns
    -------
    int
        ``round(2 * d_ff / 3)``: three matrices of this width hold the parameters of two of width
        ``d_ff`` most nearly.

    Raises
    ------
    ValueError
        If ``d_ff`` is not a positive int.
    """
    check_int(d_ff, "d_ff", 1)
    return int(round(2 * int(d_ff) / 3))


def make_ffn(kind: str, d_model: int, d_ff: int, rng: np.random.Generator) -> FFN:
    """A block with normal weights (std ``1 / sqrt(fan_in)``).

    For ``kind="swiglu"``, ``d_ff`` is the width of the ReLU block it replaces; the block's own
    width is :func:`swiglu_width` of it.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    for name, v in (("d_model", d_model), ("d_ff", d_ff)):
        check_int(v, name, 1)
    width = swiglu_width(d_ff) if kind == "swiglu" else d_ff
    W1 = rng.normal(0.0, 1 / np.sqrt(d_model), size=(d_model, width))
    V = rng.normal(0.0, 1 / np.sqrt(d_model), size=(d_model, width)) if kind == "swiglu" else None
    W2 = rng.normal(0.0, 1 / np.sqrt(width), size=(width, d_model))
    return FFN(kind, W1, W2, V)


def ffn_forward(block: FFN, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Output ``(tokens, d_model)`` and hidden activations ``(tokens, d_ff)`` of a block."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != block.d_model:
        raise ValueError(f"x must have shape (tokens, {block.d_model}), got {x.shape}")
    z = x @ block.W1
    if block.kind == "relu":
        hidden = np.maximum(z, 0.0)
    elif block.kind == "gelu":
        hidden = _activations.get("gelu").forward(z)
    else:
        hidden = _activations.get("silu").forward(z) * (x @ block.V)
    return hidden @ block.W2, hidden


def ffn_cost(block: FFN) -> dict[str, int]:
    """Parameters and multiply-adds per token of the matrix products (the activation is extra)."""
    matrices = [block.W1, block.W2] + ([block.V] if block.V is not None else [])
    params = int(sum(m.size for m in matrices))
    return {"parameters": params, "multiply-adds per token": params}


#: A GELU value counts as active when its size is above this (GELU is exactly 0 only at 0).
GELU_THRESHOLD = 0.01


def active_fraction(hidden: np.ndarray, kind: str) -> float:
    """Fraction of hidden values that are active: non-zero for ReLU, ``|h| > 0.01`` for GELU.

    Parameters
    ----------
    hidden : array_like
        Hidden values (after the activation).
    kind : {"relu", "gelu"}

    Returns
    -------
    float
    """
    if kind not in ("relu", "gelu"):
        raise ValueError(f"kind must be 'relu' or 'gelu', got {kind!r}")
    h = np.asarray(hidden, dtype=np.float64)
    return float(np.mean(h != 0) if kind == "relu" else np.mean(np.abs(h) > GELU_THRESHOLD))


@dataclass
class FFNRun:
    """A trained block: held-out accuracy, active fraction before and after training, and the model."""

    kind: str
    accuracy: float
    active_init: float
    active: float
    model: object = field(repr=False)


def train_ffn_classifier(data, kind: str, *, seed: int, d_ff: int = 256, epochs: int = 4, lr: float = 0.1,
                         batch_size: int = 32) -> FFNRun:
    """Train ``max(0, x W1 + b1) W2 + b2`` (or GELU) on the digits and measure its hidden sparsity.

    The block is :class:`relubook.network.MLP` with one hidden layer of ``d_ff`` units (He
    initialisation), 64 pixel inputs and 10 logits, trained by mini-batch SGD. The active fraction
    (:func:`active_fraction`) is measured on the held-out images, before and after training.

    Parameters
    ----------
    data : relubook.conv.Digits
        From :func:`relubook.conv.load_digits_split`.
    kind : {"relu", "gelu"}
    seed : int
        Seeds the weights (``seed``) and the batch order (``seed + 1``).
    d_ff, epochs, lr, batch_size
        Hidden width, epochs, learning rate, mini-batch size.

    Returns
    -------
    FFNRun
    """
    from ._blas import one_blas_thread
    from .network import MLP, train

    if kind not in ("relu", "gelu"):
        raise ValueError(f"kind must be 'relu' or 'gelu', got {kind!r}")
    check_int(seed, "seed", 0)
    check_int(d_ff, "d_ff", 1)
    check_int(epochs, "epochs", 1)
    X = np.asarray(data.X_train).reshape(len(data.y_train), -1)
    X_test = np.asarray(data.X_test).reshape(len(data.y_test), -1)
    model = MLP([X.shape[1], int(d_ff), 10], kind, rng=np.random.default_rng(seed), init="he")

    def active() -> float:
        z = model.hidden_preactivations(X_test)[0]
        return active_fraction(model.activation.forward(z), kind)

    with one_blas_thread():  # small matrices: one thread is fastest
        before = active()
        train(model, X, data.y_train, lr=lr, steps=int(epochs) * (len(X) // batch_size), batch_size=batch_size,
              rng=np.random.default_rng(seed + 1), record_every=10**9)
        return FFNRun(kind, model.accuracy(X_test, data.y_test), before, active(), model)


def skip_zero_rows(h: np.ndarray, W2: np.ndarray) -> np.ndarray:
    """``h @ W2`` for one token, reading only the rows of ``W2`` whose unit is non-zero.

    Parameters
    ----------
    h : numpy.ndarray
        Hidden values of one token, shape ``(d_ff,)``.
    W2 : numpy.ndarray
        Shape ``(d_ff, d_model)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(d_model,)``: equal to ``h @ W2`` up to rounding.
    """
    h = np.asarray(h)
    if h.ndim != 1 or W2.ndim != 2 or W2.shape[0] != h.shape[0]:
        raise ValueError(f"h must have shape (d_ff,) and W2 (d_ff, d_model), got {h.shape} and {W2.shape}")
    on = np.flatnonzero(h)
    return h[on] @ W2[on]
