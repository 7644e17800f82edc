"""The book's one plot style: a colour-blind-safe palette, labelled axes, one size.

Colours come from the Okabe–Ito palette, and every activation also has its own
line style, so no meaning is carried by colour alone. ReLU is always blue.

Typical use in a notebook::

    from relubook import plotting
    plotting.use_style()
    fig, ax = plotting.subplots()
    plotting.plot_activation(ax, "relu")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import activations

__all__ = [
    "OKABE_ITO",
    "RELU_COLOR",
    "color_for",
    "label_axes",
    "legend_if_several",
    "linestyle_for",
    "marker_for",
    "plot_activation",
    "subplots",
    "use_style",
    "zero_lines",
]

#: The Okabe–Ito palette (Okabe & Ito, 2008), safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
RELU_COLOR = OKABE_ITO["blue"]
_CYCLE = ["blue", "orange", "green", "vermillion", "purple", "sky", "black", "yellow"]
_LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1))]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

#: A fixed colour and line style per activation, so a function looks the same in every chapter.
_ACTIVATION_STYLE: dict[str, tuple[str, object]] = {
    "relu": ("blue", "-"),
    "leaky_relu": ("orange", "--"),
    "prelu": ("orange", "-."),
    "elu": ("green", "--"),
    "selu": ("green", "-."),
    "celu": ("green", ":"),
    "gelu": ("vermillion", "--"),
    "silu": ("purple", "--"),
    "mish": ("sky", ":"),  # not purple: SiLU has it, and the two are drawn side by side
    "softplus": ("sky", "--"),
    "relu6": ("blue", ":"),
    "squared_relu": ("black", "-."),
    "sigmoid": ("black", "--"),
    "tanh": ("sky", "-."),
}

FIGSIZE = (6.0, 3.6)
DPI = 96


def use_style() -> None:
    """Apply the book's Matplotlib style (call once at the top of a notebook)."""
    mpl.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.constrained_layout.use": True,
            "axes.prop_cycle": mpl.cycler(color=[OKABE_ITO[c] for c in _CYCLE]),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.titley": 1.0,  # a fixed title position: no search for overlapping ticks on each draw
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "lines.linewidth": 2.0,
            "font.size": 10,
            "image.cmap": "cividis",
        }
    )


def color_for(name: str) -> str:
    """The fixed colour of an activation (or of any name, by a stable hash)."""
    if name in _ACTIVATION_STYLE:
        return OKABE_ITO[_ACTIVATION_STYLE[name][0]]
    return OKABE_ITO[_CYCLE[sum(map(ord, name)) % len(_CYCLE)]]


def linestyle_for(name: str):
    """The fixed line style of an activation, the non-colour cue beside :func:`color_for`."""
    if name in _ACTIVATION_STYLE:
        return _ACTIVATION_STYLE[name][1]
    return _LINESTYLES[sum(map(ord, name)) % len(_LINESTYLES)]


def marker_for(index: int) -> str:
    """A marker for the ``index``-th series of a plot (shapes as well as colours)."""
    return _MARKERS[index % len(_MARKERS)]


def subplots(nrows: int = 1, ncols: int = 1, *, size: tuple[float, float] | None = None,
             **kwargs) -> tuple[Figure, Axes | np.ndarray]:
    """Create a figure in the book's size; ``size`` is the size of one panel in inches."""
    if size is None:
        size = (FIGSIZE[0] / max(1, min(ncols, 2)), FIGSIZE[1]) if ncols > 1 else FIGSIZE
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), **kwargs)
    return fig, axes


def label_axes(ax: Axes, xlabel: str = "$x$", ylabel: str = "$f(x)$", title: str | None = None) -> Axes:
    """Label both axes (and optionally title) of ``ax``; returns ``ax``."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_activation(ax: Axes, name: str, x: Sequence[float] | np.ndarray | None = None, *,
                    derivative: bool = False, label: str | None = None, faint: bool = False,
                    **params) -> Axes:
    """Draw an activation from the registry (or its derivative) in its fixed style.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw.
    name : str
        Registry name, e.g. ``"relu"``.
    x : array_like, optional
        Grid of inputs; default 401 points on [-4, 4].
    derivative : bool
        Draw ``f'`` instead of ``f``.
    label : str, optional
        Legend label; default the registry's display label (with a prime for ``f'``).
    faint : bool
        Draw as a thin, light reference line.
    **params
        Parameters of the activation (``alpha=...``); default the registry's.
    """
    act = activations.get(name)
    xs = np.linspace(-4, 4, 401) if x is None else np.asarray(x, dtype=float)
    kw = {**act.params, **params}
    ys = act.grad(xs, **kw) if derivative else act.forward(xs, **kw)
    if label is None:
        label = act.label + ("′" if derivative else "")
    style = {"color": color_for(name), "linestyle": linestyle_for(name) if not derivative else ":"}
    if faint:
        style.update(color="0.6", linewidth=1.2, linestyle="-", zorder=0)
    ax.plot(xs, ys, label=label, **style)
    return ax


def zero_lines(ax: Axes) -> Axes:
    """Draw thin x = 0 and y = 0 reference lines."""
    ax.axhline(0, color="0.4", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.4", linewidth=0.8, zorder=0)
    return ax


def legend_if_several(ax: Axes, **kwargs) -> None:
    """Add a legend only when the axes hold several labelled lines (the book's rule)."""
    handles, labels = ax.get_legend_handles_labels()
    labelled: Iterable[str] = [lab for lab in labels if not lab.startswith("_")]
    if len(list(labelled)) > 1:
        ax.legend(**kwargs)
