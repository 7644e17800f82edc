"""Widgets of chapter 1: the neuron explorer and a function built from hinges.

What the widgets compute lives in :mod:`relubook.hinges`; this module only draws one
setting into an axes (the pure update functions that :func:`relubook.widgets.live`
and :func:`relubook.widgets.static_twin` call). Every figure names its setting in its
title, so a precomputed frame always says what it shows.

Typical use in a notebook::

    from relubook.widgets import definition as wd
    wd.update_neuron(1.0, -0.5)                       # one setting
    wd.update_neuron(-2.0, 1.0, target=(-2.0, 1.0))   # the exercise, matched
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import plotting
from ..hinges import (
    NEURON_X,
    fit_hinges,
    hinge_grid,
    hinge_knots,
    hinge_location,
    neuron_matched,
    neuron_output,
)

__all__ = ["MATCHED_TEXT", "hinges_title", "neuron_title", "update_hinges", "update_neuron"]

_NEURON_YLIM = (-0.5, 6.5)
#: The words the neuron explorer shows, in its title and inside the axes, once the target is matched.
MATCHED_TEXT = "matched!"


def _setting(value: float) -> str:
    """A slider value as the slider shows it (two decimals), without a negative zero."""
    return f"{round(float(value), 2) + 0.0:.2f}"


def neuron_title(w: float, b: float, target: tuple[float, float] | None = None) -> str:
    """The widget's readout: the setting, where the hinge is, and (with a target) whether it is matched.

    ``neuron_title(2, -1)`` is ``"w = 2.00, b = -1.00: hinge at x = 0.50"``.
    """
    hinge = hinge_location(w, b)
    text = f"w = {_setting(w)}, b = {_setting(b)}: "
    if hinge is None:
        text += f"flat at relu(b) = {max(0.0, float(b)):g}, no hinge"
    else:
        text += f"hinge at x = {_setting(hinge)}"
    if target is not None:
        text += f" · {MATCHED_TEXT}" if neuron_matched(w, b, target) else " · not matched yet"
    return text


def update_neuron(w: float, b: float, *, target: tuple[float, float] | None = None,
                  ax: Axes | None = None) -> Figure:
    """Draw the neuron ``relu(w * x + b)`` and mark its hinge at ``x = -b / w``.

    Parameters
    ----------
    w, b : float
        Weight and bias. With ``w == 0`` the output is the constant ``relu(b)``
        and there is no hinge; the title says so.
    target : (float, float), optional
        ``(w, b)`` of a target neuron, drawn as a dashed line. When the neuron is
        within :data:`relubook.hinges.NEURON_TOL` of it, the title says "matched!" and a
        green "matched!" badge is drawn inside the axes, so the figure itself shows it.
    ax : Axes, optional
        Draw here; by default a new figure is created.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if ax is None:
        fig, ax = plotting.subplots()
    else:
        fig = ax.figure
    plotting.zero_lines(ax)
    if target is not None:
        ax.plot(NEURON_X, neuron_output(*target), color=plotting.OKABE_ITO["orange"], linestyle="--",
                linewidth=2.5, label="target")
    ax.plot(NEURON_X, neuron_output(w, b), color=plotting.RELU_COLOR, linestyle="-",
            label="relu(w·x + b)")
    hinge = hinge_location(w, b)
    if hinge is not None and NEURON_X[0] <= hinge <= NEURON_X[-1]:
        ax.axvline(hinge, color=plotting.RELU_COLOR, linestyle=":", linewidth=1.2)
        ax.plot([hinge], [0.0], marker="o", markersize=7, color=plotting.RELU_COLOR, linestyle="none")
    if target is not None and neuron_matched(w, b, target):
        ax.text(0.97, 0.93, f"✓ {MATCHED_TEXT}", transform=ax.transAxes, ha="right", va="top", fontsize=12,
                fontweight="bold", color="white",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": plotting.OKABE_ITO["green"], "edgecolor": "none"})
    ax.set_xlim(NEURON_X[0], NEURON_X[-1])
    ax.set_ylim(*_NEURON_YLIM)
    plotting.label_axes(ax, "$x$", "relu($wx + b$)", neuron_title(w, b, target))
    # the legend sits outside the axes: inside, some setting's line would always run under it
    plotting.legend_if_several(ax, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def hinges_title(k: int, target: Callable = np.sin) -> str:
    """The hinge widget's readout: the number of hinges and the fit's RMS error."""
    return f"k = {k} hinges: RMS error {fit_hinges(k, target)[1]:.3f}"


def update_hinges(k: int, *, target: Callable = np.sin, ax: Axes | None = None) -> Figure:
    """Draw ``target`` (dashed) and its least-squares fit by ``k`` ReLU hinges (solid blue).

    The hinge positions are marked by triangles on the x axis; the title gives ``k`` and the RMS error.
    """
    if ax is None:
        fig, ax = plotting.subplots()
    else:
        fig = ax.figure
    x = hinge_grid()
    curve, _ = fit_hinges(k, target)
    ax.plot(x, target(x), color="0.2", linestyle="--", linewidth=1.5, label="target")
    ax.plot(x, curve, color=plotting.RELU_COLOR, linestyle="-", label="ReLU fit")
    knots = hinge_knots(k)
    ax.plot(knots, np.full_like(knots, -1.3), marker="^", linestyle="none", markersize=5,
            color=plotting.RELU_COLOR)
    ax.set_ylim(-1.45, 1.45)
    plotting.label_axes(ax, "$x$", "$y$", hinges_title(k, target))
    # upper left is empty for sin on [-pi, pi] and for every fit of it (both are negative there)
    plotting.legend_if_several(ax, loc="upper left")
    return fig


#: Settings that `make bench` cycles through to time each update (30 updates per widget).
BENCH_SETTINGS = {
    "update_neuron": [{"w": float(w), "b": float(b)} for w in np.linspace(-3, 3, 6) for b in np.linspace(-3, 3, 5)],
    "update_hinges": [{"k": k} for k in range(1, 33)],
}
