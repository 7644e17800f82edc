"""Widgets of chapter 3: the variant explorer and Softplus → ReLU.

Both follow the book's widget pattern: a pure computation (numbers the tests
check), a pure update function ``update_xxx(..., *, ax=None) -> Figure``, a
live control built with :func:`relubook.widgets.live` and a static twin.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .. import activations, plotting
from ..tables import mean_on_standard_normal
from ._core import live

__all__ = [
    "SOFTPLUS_BETAS",
    "X_HALF_WIDTH",
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

#: Half-width of the x range the explorer draws: 4, but 8 for ReLU6 so that its cap at 6 shows.
X_HALF_WIDTH = {"relu6": 8.0}
_DEFAULT_HALF_WIDTH = 4.0


def x_half_width(name: str) -> float:
    """Half-width of the x range :func:`update_variant` draws for ``name`` (wide enough for every kink)."""
    return X_HALF_WIDTH.get(name, _DEFAULT_HALF_WIDTH)


def _axes(ax):
    if ax is None:
        fig, ax = plotting.subplots()
        return fig, ax
    return ax.figure, ax


def _fmt3(v: float) -> str:
    """Three decimals without a negative zero."""
    return f"{round(v, 3) + 0.0:.3f}"


def first_param(name: str) -> tuple[str, tuple[float, float], float] | None:
    """``(parameter name, (low, high), default)`` of an activation's first parameter, or None."""
    act = activations.get(name)
    if not act.params:
        return None
    key = next(iter(act.params))
    low, high = act.param_ranges.get(key, (act.params[key], act.params[key]))
    return key, (float(low), float(high)), float(act.params[key])


def _params_for(name: str, param: float | None) -> dict:
    """The activation's parameters with its first one set to ``param`` (clipped to its slider range)."""
    act = activations.get(name)
    info = first_param(name)
    if info is None or param is None:
        return dict(act.params)
    key, (low, high), _ = info
    value = min(max(float(param), low), high)
    if key == "alpha" and name == "celu" and value == 0:  # CELU divides by alpha
        value = low if low > 0 else 1e-3
    return {**act.params, key: value}


def variant_summary(name: str, param: float | None = None) -> dict:
    """The numbers the variant explorer shows for one setting.

    Returns
    -------
    dict
        ``params`` (the parameters used), ``f0``, ``df0``, ``df_m3`` (value at
        0, slope at 0 and at -3) and ``mean_normal`` (mean output on standard
        normal input).
    """
    act = activations.get(name)
    params = _params_for(name, param)
    return {
        "params": params,
        "f0": float(act.forward(0.0, **params)) + 0.0,
        "df0": float(act.grad(0.0, **params)) + 0.0,
        "df_m3": float(act.grad(-3.0, **params)) + 0.0,
        "mean_normal": mean_on_standard_normal(name, **params),
    }


def variant_title(name: str, param: float | None = None, *, summary: dict | None = None) -> str:
    """The explorer's title: the activation, its parameters and its mean output on N(0, 1)."""
    act = activations.get(name)
    summary = variant_summary(name, param) if summary is None else summary
    setting = ", ".join(f"{k} = {v:.2f}" for k, v in summary["params"].items())
    head = act.label + (f" ({setting})" if setting else "")
    return f"{head}\nmean on N(0,1): {_fmt3(summary['mean_normal'])}"


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
        Draw ``x`` on ``[-x_max, x_max]``; default :func:`x_half_width` (4, or
        8 for ReLU6). The y range is ``[-2, 4]``, or ``[-2, 7]`` when
        ``x_max > 4`` so that ReLU6's cap at 6 is visible.
    ax : matplotlib Axes, optional
        Draw here; default a new figure.

    Returns
    -------
    Figure
        The title (:func:`variant_title`) reads back the parameter and the mean
        output on N(0, 1). ``f`` is drawn in the activation's own colour and
        line style, ``f'`` as a dark dotted line with dots, ReLU as a thin grey
        line; a legend is added when the axes is alone in its figure (not in
        the small multiples of the static twin).
    """
    act = activations.get(name)
    summary = variant_summary(name, param)
    params = summary["params"]
    half = x_half_width(name) if x_max is None else float(x_max)
    xs = np.linspace(-half, half, 801)
    fig, ax = _axes(ax)
    if name != "relu":
        plotting.plot_activation(ax, "relu", xs, faint=True, label="ReLU (reference)")
    plotting.plot_activation(ax, name, xs, label=f"{act.label} f", **params)
    ax.plot(xs, act.grad(xs, **params), color="0.15", linestyle=":", linewidth=1.5, marker=".",
            markevery=50, markersize=5, label=f"{act.label} f′")
    plotting.zero_lines(ax)
    ax.set_xlim(-half, half)
    ax.set_ylim(-2.0, 7.0 if half > _DEFAULT_HALF_WIDTH else 4.0)
    plotting.label_axes(ax, "$x$", "$f(x)$, $f'(x)$", variant_title(name, param, summary=summary))
    if len(fig.axes) == 1:  # the static twin explains the line styles in its caption instead
        plotting.legend_if_several(ax, loc="upper left")
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


def softplus_gap(beta: float, x: np.ndarray | None = None) -> dict:
    """The largest gap between Softplus with sharpness ``beta`` and ReLU.

    Returns
    -------
    dict
        ``measured`` (max of ``softplus_beta(x) - relu(x)`` on the grid, which
        contains 0), ``theory`` (``log(2) / beta``) and ``at`` (where it occurs).
    """
    xs = np.linspace(-6.0, 6.0, 1201) if x is None else np.asarray(x, dtype=float)
    gap = activations.softplus(xs, beta=beta) - activations.relu(xs)
    i = int(np.argmax(gap))
    return {"measured": float(gap[i]), "theory": math.log(2.0) / beta, "at": float(xs[i]) + 0.0}


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
