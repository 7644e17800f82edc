"""Widgets of chapter 2: the slope detective and gradient flow through a deep network.

Each widget is a pure computation (:func:`slope_readout`, :func:`gradient_flow`)
and an update function that draws it (:func:`update_slope`,
:func:`update_gradient_flow`), following :mod:`relubook.widgets._core`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import activations, plotting, propagation

__all__ = [
    "FLOW_ACTIVATIONS",
    "FLOW_MAX_DEPTH",
    "FLOW_SAMPLES",
    "FLOW_SEED",
    "FLOW_WIDTH",
    "flow_text",
    "gradient_flow",
    "slope_readout",
    "slope_text",
    "update_gradient_flow",
    "update_slope",
    "vanishing_depth",
]

#: The gradient-flow widget's fixed setting: every depth uses the same seed,
#: so the widget (and the exercise checker) always shows the same networks.
FLOW_SEED = 2
FLOW_WIDTH = 64
FLOW_SAMPLES = 32
FLOW_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
#: The deepest network of the widget's slider; the x axis always runs to it.
FLOW_MAX_DEPTH = 50
_FLOW_YLIM = (1e-32, 1e4)


def _ax(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plotting.subplots()
        return fig, ax
    return ax.figure, ax


# ----------------------------------------------------------------------------
# Slope detective
# ----------------------------------------------------------------------------
def slope_readout(x0: float) -> dict:
    """ReLU at ``x0``: value, both one-sided slopes and the derivative if it exists.

    Returns
    -------
    dict
        ``f`` (relu(x0)), ``left`` and ``right`` (the one-sided derivatives),
        ``differentiable`` (whether they agree) and ``slope`` (their common
        value, or None at the kink).
    """
    x0 = float(x0)
    if not np.isfinite(x0):
        raise ValueError(f"x0 must be finite, got {x0}")
    left = 1.0 if x0 > 0 else 0.0
    right = 1.0 if x0 >= 0 else 0.0
    same = left == right
    return {"x0": x0, "f": max(x0, 0.0), "left": left, "right": right,
            "differentiable": same, "slope": left if same else None}


def slope_text(x0: float) -> str:
    """The widget's readout, e.g. ``"f'(0.5) = 1"`` or both one-sided slopes at 0."""
    r = slope_readout(x0)
    if r["differentiable"]:
        return f"f'({r['x0']:g}) = {r['slope']:g}"
    return f"at x = 0: left slope {r['left']:g}, right slope {r['right']:g}"


def update_slope(x0: float, *, ax: Axes | None = None) -> Figure:
    """Draw ReLU, the point ``(x0, relu(x0))`` and its tangent (both one-sided lines at 0)."""
    r = slope_readout(x0)
    fig, ax = _ax(ax)
    xs = np.linspace(-2, 2, 201)
    ax.plot(xs, activations.relu(xs), color=plotting.RELU_COLOR, label="ReLU")
    seg = np.linspace(r["x0"] - 1.0, r["x0"] + 1.0, 3)
    if r["differentiable"]:
        ax.plot(seg, r["f"] + r["slope"] * (seg - r["x0"]), color=plotting.OKABE_ITO["orange"],
                linestyle="--", label=f"tangent, slope {r['slope']:g}")
    else:
        for c in (0.25, 0.5, 0.75):  # a few subgradients: every slope in [0, 1] touches from below
            ax.plot(seg, c * seg, color="0.6", linewidth=1.0, linestyle=":", zorder=1)
        ax.plot(seg, r["left"] * seg, color=plotting.OKABE_ITO["orange"], linestyle="--",
                label=f"left slope {r['left']:g}")
        ax.plot(seg, r["right"] * seg, color=plotting.OKABE_ITO["vermillion"], linestyle="-.",
                label=f"right slope {r['right']:g}")
    ax.plot([r["x0"]], [r["f"]], marker="o", color="black", linestyle="none", zorder=3)
    ax.text(0.03, 0.95, slope_text(x0), transform=ax.transAxes, va="top", fontsize=9)
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 2.5)
    plotting.label_axes(ax, "$x$", "relu$(x)$", title=slope_text(x0))
    plotting.legend_if_several(ax, loc="upper left", bbox_to_anchor=(0.0, 0.88), fontsize=7)
    return fig


# ----------------------------------------------------------------------------
# Gradient flow
# ----------------------------------------------------------------------------
def gradient_flow(activation: str, depth: int, init_scale: float = 1.0) -> np.ndarray:
    """Per-layer weight-gradient norms of the widget's network (first layer first).

    A ``depth``-layer MLP of width :data:`FLOW_WIDTH` on :data:`FLOW_SAMPLES`
    standard-normal inputs, initialised with ``init_scale`` times the
    recommended standard deviation (He for ReLU and leaky ReLU, Xavier for
    sigmoid and tanh), seeded with :data:`FLOW_SEED`; see
    :func:`relubook.propagation.gradient_norms`.
    """
    if activation not in FLOW_ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(FLOW_ACTIVATIONS)}, got {activation!r}")
    scale = float(init_scale)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"init_scale must be a positive number, got {init_scale!r}")
    return propagation.gradient_norms(int(depth), FLOW_WIDTH, activation, "default", FLOW_SEED,
                                      FLOW_SAMPLES, scale=scale)


def flow_text(activation: str, depth: int, init_scale: float = 1.0) -> str:
    """The widget's readout: the ratio of the first layer's gradient norm to the last's."""
    return _flow_text(activation, gradient_flow(activation, depth, init_scale))


def _flow_text(activation: str, norms: np.ndarray) -> str:
    return f"{activation}, depth {len(norms)}: first/last = {norms[0] / norms[-1]:.1e}"


def vanishing_depth(activation: str = "sigmoid", threshold: float = 1e-6, init_scale: float = 1.0,
                    max_depth: int = 60) -> int | None:
    """Smallest depth at which the widget shows first/last below ``threshold`` (None if none)."""
    for depth in range(2, max_depth + 1):
        norms = gradient_flow(activation, depth, init_scale)
        if norms[0] / norms[-1] < threshold:
            return depth
    return None


def _decade(value: float, step: int) -> float:
    """The power of ten one decade below (``step=-1``) or above (``+1``) ``value``'s own decade."""
    if not value > 0:
        return _FLOW_YLIM[0] if step < 0 else _FLOW_YLIM[1]
    return 10.0 ** (np.floor(np.log10(value)) + (step if step < 0 else step + 1))


def update_gradient_flow(activation: str, depth: int, init_scale: float = 1.0, *,
                         ax: Axes | None = None) -> Figure:
    """Plot each layer's gradient norm relative to the last layer's, on a log scale."""
    norms = gradient_flow(activation, depth, init_scale)
    rel = norms / norms[-1]
    fig, ax = _ax(ax)
    layers = np.arange(1, len(norms) + 1)
    ax.semilogy(layers, rel, color=plotting.color_for(activation), linestyle=plotting.linestyle_for(activation),
                marker="o", markersize=3, label=activations.get(activation).label)
    ax.axhline(1e-6, color="0.4", linewidth=0.8, linestyle=":")
    # whole decades, so that the limits (and the layout) change only when the curve leaves them
    low = min(_FLOW_YLIM[0], _decade(float(rel.min()), -1))
    high = max(_FLOW_YLIM[1], _decade(float(rel.max()), +1))
    ax.set_ylim(low, high)
    ax.set_xlim(0.5, max(len(norms), FLOW_MAX_DEPTH) + 0.5)  # one x axis for every depth: the curve grows along it
    text = _flow_text(activation, norms)
    ax.text(0.03, 0.05, f"first/last = {rel[0]:.1e}", transform=ax.transAxes, fontsize=9)
    plotting.label_axes(ax, "layer (1 = next to the input)", "gradient norm / last layer's", title=text)
    return fig


#: Settings that `make bench` cycles through to time each update.
BENCH_SETTINGS = {
    "update_slope": [{"x0": float(x)} for x in np.linspace(-3, 3, 30)],
    "update_gradient_flow": [{"activation": a, "depth": d, "init_scale": 1.0}
                             for a in ("sigmoid", "tanh", "relu", "leaky_relu") for d in (5, 10, 20, 30, 40, 50)],
}
