"""The transformer's feed-forward block with ReLU, GELU or SwiGLU, in NumPy.

Every transformer layer applies the same two-layer network to each token (Vaswani et al.,
2017): ``FFN(x) = max(0, x W1) W2`` (biases left out, as in Shazeer 2020). GELU replaces the
``max``; SwiGLU (Shazeer, 2020) multiplies a SiLU of one projection by a second, linear one,
``(silu(x W) * (x V)) W2``, and shrinks the hidden width to two thirds so that the three
matrices hold as many parameters as the two of the ReLU block. :func:`ffn_forward` runs a
block, :func:`ffn_cost` counts its parameters and multiply-adds per token.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import activations as _activations
from ._args import check_int

__all__ = ["KINDS", "FFN", "ffn_cost", "ffn_forward", "make_ffn", "swiglu_width"]

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
