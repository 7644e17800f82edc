"""Widgets of chapter 2: the slope detective and gradient flow through a deep network.

Each widget is a pure update function that draws one setting (:func:`update_slope`,
:func:`update_gradient_flow`), following :mod:`relubook.widgets._core`. The
gradient-flow experiment (the network, its seed, :func:`~relubook.propagation.gradient_flow`
and :func:`~relubook.propagation.vanishing_depth`) lives in :mod:`relubook.propagation`;
the names are re-exported here for the notebooks' convenience.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import activations, plotting
from ..propagation import (
    FLOW_ACTIVATIONS,
    FLOW_MAX_DEPTH,
    FLOW_SAMPLES,
    FLOW_SEED,
    FLOW_WIDTH,
    gradient_flow,
    vanishing_depth,
)

__all__ = [
    "FLOW_ACTIVATIONS",
    "FLOW_MAX_DEPTH",
    "FLOW_SAMPLES",
    "FLOW_SEED",
    "FLOW_WIDTH",
    "flow_text",
    "flow_title",
    "gradient_flow",
    "slope_readout",
    "slope_text",
    "update_gradient_flow",
    "update_slope",
    "vanishing_depth",
]



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
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 2.5)
    plotting.label_axes(ax, "$x$", "relu$(x)$", title=slope_text(x0))  # the readout, once: the title
    plotting.legend_if_several(ax, loc="upper left")
    return fig


# ----------------------------------------------------------------------------
# Gradient flow (the experiment itself lives in relubook.propagation)
# ----------------------------------------------------------------------------
def flow_text(activation: str, depth: int, init_scale: float = 1.0) -> str:
    """The widget's readout: the first layer's back-propagated gradient norm over the last layer's."""
    return _flow_text(activation, gradient_flow(activation, depth, init_scale), init_scale)


def _flow_text(activation: str, norms: np.ndarray, init_scale: float = 1.0, sep: str = ": ") -> str:
    return (f"{activation}, depth {len(norms)}, init scale {float(init_scale):g}{sep}"
            f"first/last = {norms[0] / norms[-1]:.1e}")


def flow_title(activation: str, depth: int, init_scale: float = 1.0) -> str:
    """The figure's title: the setting on one line, the ratio first/last on the next."""
    return _flow_text(activation, gradient_flow(activation, depth, init_scale), init_scale, sep="\n")


#: The y limits the gradient-flow plot snaps to (whole decades, eight at a time), so that it keeps
#: its limits, and its layout, while the curve stays inside them.
_LOW_LADDER = tuple(10.0 ** -e for e in range(7, 200, 8))     # 1e-7, 1e-15, 1e-23, ...
_HIGH_LADDER = tuple(10.0 ** e for e in range(1, 200, 8))     # 1e1, 1e9, 1e17, ...


def _decade_limits(values: np.ndarray) -> tuple[float, float]:
    """Limits from the ladders around ``values``, always including the 1e-6 line (at least 1e-7 to 10)."""
    v = values[np.isfinite(values) & (values > 0)]
    low = next((b for b in _LOW_LADDER if b <= v.min()), _LOW_LADDER[-1]) if v.size else _LOW_LADDER[0]
    high = next((t for t in _HIGH_LADDER if t >= v.max()), _HIGH_LADDER[-1]) if v.size else _HIGH_LADDER[0]
    return float(low), float(high)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(value: float, _pos: int | None = None) -> str:
    """``10⁻¹⁵`` as plain text: laid out much faster than mathtext's ``$10^{-15}$``."""
    return "10" + str(int(round(np.log10(value)))).translate(_SUPERSCRIPT)


def _decade_ticks(low: float, high: float) -> list[float]:
    """At most about six whole decades between ``low`` and ``high``, always including 1."""
    lo, hi = int(round(np.log10(low))), int(round(np.log10(high)))
    step = max(1, -(-(hi - lo) // 5))   # ceil: a 40-decade range gets a tick every 8 decades
    return [10.0 ** e for e in range(0, lo - 1, -step)][::-1] + [10.0 ** e for e in range(step, hi + 1, step)]


def update_gradient_flow(activation: str, depth: int, init_scale: float = 1.0, *,
                         ax: Axes | None = None) -> Figure:
    """Plot each layer's back-propagated gradient norm ``||dL/dz_l||`` relative to the last layer's (log scale)."""
    norms = gradient_flow(activation, int(depth), init_scale)
    rel = norms / norms[-1]
    fig, ax = _ax(ax)
    layers = np.arange(1, len(norms) + 1)
    ax.semilogy(layers, rel, color=plotting.color_for(activation), linestyle=plotting.linestyle_for(activation),
                marker="o", markersize=3, label=activations.get(activation).label)
    ax.axhline(1e-6, color="0.4", linewidth=0.8, linestyle=":")
    low, high = _decade_limits(rel)
    ax.set_ylim(low, high)  # whole decades: the layout changes only when the curve leaves them
    # few tick labels in plain text and no minor ticks: a change of limits re-lays out the figure,
    # and laying out dozens of mathtext labels was most of its cost
    ax.yaxis.set_major_locator(FixedLocator(_decade_ticks(low, high)))
    ax.yaxis.set_major_formatter(FuncFormatter(_decade_label))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlim(0.5, max(len(norms), FLOW_MAX_DEPTH) + 0.5)  # one x axis for every depth
    # label the line where the curve is not: on the right, unless a deep curve reaches the right edge
    right = len(norms) < 0.8 * FLOW_MAX_DEPTH
    ax.text(FLOW_MAX_DEPTH + 0.5 if right else 1.0, 1e-6, "10⁻⁶ " if right else " 10⁻⁶",
            ha="right" if right else "left", va="bottom", fontsize=8, color="0.3")
    plotting.label_axes(ax, "layer (1 = next to the input)", r"$\|\partial L/\partial z_l\|$ / last layer's",
                        title=_flow_text(activation, norms, init_scale, sep="\n"))
    return fig


#: Settings that `make bench` cycles through to time each update.
BENCH_SETTINGS = {
    "update_slope": [{"x0": float(x)} for x in np.linspace(-3, 3, 30)],
    "update_gradient_flow": [{"activation": a, "depth": d, "init_scale": 1.0}
                             for a in ("sigmoid", "tanh", "relu", "leaky_relu") for d in (5, 10, 20, 30, 40, 50)],
}
