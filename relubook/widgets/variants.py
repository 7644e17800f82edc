"""Widgets of chapter 3: the variant explorer and Softplus → ReLU.

Only what makes the widgets lives here: the pure update functions
``update_xxx(..., *, ax=None) -> Figure``, the live controls built with
:func:`relubook.widgets.live`, and the legend of the explorer's static twin.
The numbers they show are computed in :mod:`relubook.activation_summary`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import activations, plotting
from ..activation_summary import first_param, softplus_gap, variant_summary, variant_title
from ._core import live

__all__ = [
    "SOFTPLUS_BETAS",
    "X_HALF_WIDTH",
    "Y_RANGE",
    "explorer_legend",
    "first_param",
    "softplus_gap",
    "update_softplus",
    "update_variant",
    "variant_explorer",
    "variant_summary",
    "variant_title",
    "x_half_width",
]

#: The settings of the Softplus static twin.
SOFTPLUS_BETAS = [0.5, 1.0, 2.0, 5.0, 20.0]

#: Half-width of the x range the explorer draws, the same for every activation: wide enough for
#: ReLU6's cap at 6. One frame for all means a change of activation redraws only the curves
#: (blitting), never the axes and their layout.
X_HALF_WIDTH = 7.0
#: The y range of the explorer, the same for every activation (ReLU6's cap at 6 is inside it).
Y_RANGE = (-2.5, 7.0)

_F_STYLE = {"color": "0.15", "linestyle": ":", "linewidth": 1.5, "marker": ".", "markevery": 50,
            "markersize": 5}


def x_half_width(name: str | None = None) -> float:
    """Half-width of the x range :func:`update_variant` draws (the same for every activation)."""
    if name is not None:
        activations.get(name)  # a wrong name is an error here too
    return X_HALF_WIDTH


def _axes(ax):
    if ax is None:
        fig, ax = plotting.subplots()
        return fig, ax
    return ax.figure, ax


def update_variant(name: str, param: float | None = None, *, x_max: float | None = None,
                   ax=None) -> Figure:
    """Draw an activation ``f`` and its derivative ``f'``, with ReLU as a faint reference.

    Parameters
    ----------
    name : str
        Registry name (the dropdown).
    param : float, optional
        Value of the activation's first parameter (α or β); ignored when it has
        none, clipped to the registry's slider range otherwise.
    x_max : float, optional
        Draw ``x`` on ``[-x_max, x_max]``; default :data:`X_HALF_WIDTH` for
        every activation, so that the axes never change between settings. The
        y range is :data:`Y_RANGE`.
    ax : matplotlib Axes, optional
        Draw here; default a new figure.

    Returns
    -------
    Figure
        The title (:func:`variant_title`) reads back the parameter and the mean
        output on N(0, 1). ``f`` is drawn in the activation's own colour and
        line style, ``f'`` as a dark dotted line with dots, ReLU as a thin grey
        line; a legend is added when the axes is alone in its figure (the
        static twin gets one legend for all panels, :func:`explorer_legend`).
    """
    act = activations.get(name)
    summary = variant_summary(name, param)
    params = summary["params"]
    half = x_half_width(name) if x_max is None else float(x_max)
    if not half > 0:
        raise ValueError(f"x_max must be positive, got {x_max}")
    xs = np.linspace(-half, half, 801)
    fig, ax = _axes(ax)
    if name != "relu":
        plotting.plot_activation(ax, "relu", xs, faint=True, label="ReLU (reference)")
    plotting.plot_activation(ax, name, xs, label=f"{act.label} f", **params)
    ax.plot(xs, act.grad(xs, **params), label=f"{act.label} f′", **_F_STYLE)
    plotting.zero_lines(ax)
    ax.set_xlim(-half, half)
    ax.set_ylim(*Y_RANGE)
    plotting.label_axes(ax, "$x$", "$f(x)$, $f'(x)$", variant_title(name, param, summary=summary))
    if len(fig.axes) == 1:  # the static twin has one legend for all its panels instead
        plotting.legend_if_several(ax, loc="upper left")
    return fig


def explorer_legend(fig: Figure) -> Figure:
    """One legend for a static twin of :func:`update_variant`: what f, f′ and the grey line are.

    Parameters
    ----------
    fig : Figure
        The static twin's figure.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    handles = [
        Line2D([], [], color="0.35", linestyle="--", linewidth=2,
               label="f, the activation (its own colour and line style)"),
        Line2D([], [], label="f′, its derivative", **_F_STYLE),
        Line2D([], [], color="0.6", linewidth=1.2, label="ReLU, for reference"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


def variant_explorer():
    """The live variant explorer: a dropdown of every registry activation and a parameter slider.

    The slider takes the range of the chosen activation's first parameter
    (and is disabled when it has none).
    """
    import ipywidgets as w

    names = activations.names()
    dropdown = w.Dropdown(options=[(activations.get(n).label, n) for n in names], value="elu",
                          description="activation")
    slider = w.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.01, description="α / β",
                           continuous_update=False, readout_format=".2f")

    def follow(change=None):
        info = first_param(dropdown.value)
        slider.disabled = info is None
        if info is not None:
            _, (low, high), default = info
            slider.min, slider.max = min(low, slider.min), max(high, slider.max)  # widen first
            slider.min, slider.max = low, high
            slider.value = default

    follow()
    dropdown.observe(follow, names="value")
    return live(update_variant, {"name": dropdown, "param": slider})


def update_softplus(beta: float, *, ax=None) -> Figure:
    """Softplus with sharpness ``beta`` against ReLU, the gap shaded; the title gives its size."""
    fig, ax = _axes(ax)
    xs = np.linspace(-3.0, 3.0, 601)
    ys = activations.softplus(xs, beta=beta)
    r = activations.relu(xs)
    gap = softplus_gap(beta)
    plotting.plot_activation(ax, "relu", xs, label="ReLU")
    plotting.plot_activation(ax, "softplus", xs, label=f"Softplus, β = {beta:g}", beta=beta)
    ax.fill_between(xs, r, ys, color=plotting.color_for("softplus"), alpha=0.25, linewidth=0)
    ax.set_ylim(-0.2, 3.0)
    plotting.label_axes(ax, "$x$", "$f(x)$",
                        f"β = {beta:g}: max gap {gap['measured']:.3f} (log 2/β = {gap['theory']:.3f})")
    plotting.legend_if_several(ax, loc="upper left")
    return fig


#: Settings that `make bench` cycles through to time each update.
BENCH_SETTINGS = {
    "update_variant": [{"name": name, "param": None} for name in activations.names()]
    + [{"name": "elu", "param": float(a)} for a in np.linspace(0.1, 2.0, 8)]
    + [{"name": "leaky_relu", "param": float(a)} for a in np.linspace(0.0, 0.5, 8)],
    "update_softplus": [{"beta": float(b)} for b in np.geomspace(0.25, 20, 30)],
}
