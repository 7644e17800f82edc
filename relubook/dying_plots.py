"""Plots of the dying-ReLU chapter (experiments in :mod:`relubook.dying` and :mod:`relubook.born_dead`).

Imports go one way: experiments -> this module -> :mod:`relubook.widgets.dying`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import born_dead, plotting
from .diagnostics import DeadUnitsReport

__all__ = [
    "born_dead_heatmap",
    "plot_bias_drift",
    "plot_born_dead_curves",
    "plot_dead_curves",
    "plot_decision_boundary",
    "plot_preactivation_histograms",
]


def plot_decision_boundary(ax: Axes, model, X: np.ndarray, y: np.ndarray, *, resolution: int = 80) -> Axes:
    """Shade the two predicted classes and draw the data (class 0 circles, class 1 squares).

    ``model`` is anything with ``predict_proba(points)`` returning the probability of class 1
    (an :class:`relubook.network.MLP`, or ``functools.partial(runs.predict_proba, k=...)``).
    """
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    predict = model.predict_proba if hasattr(model, "predict_proba") else model
    with np.errstate(all="ignore"):
        proba = np.nan_to_num(predict(grid), nan=0.5).reshape(gx.shape)
    ax.contourf(gx, gy, proba, levels=[0.0, 0.5, 1.0], colors=[plotting.OKABE_ITO["orange"],
                                                                 plotting.OKABE_ITO["sky"]], alpha=0.35)
    for label, marker, color in ((0, "o", "orange"), (1, "s", "blue")):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=9, marker=marker, color=plotting.OKABE_ITO[color],
                   edgecolors="none", label=f"class {label}")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    plotting.label_axes(ax, "$x_1$", "$x_2$")
    return ax


def plot_dead_curves(steps: np.ndarray, curves: np.ndarray, lrs: Sequence[float], *, ax: Axes | None = None) -> Figure:
    """Dead fraction over training per learning rate: median over seeds (line) and range (band).

    ``curves`` has shape ``(len(lrs), n_records, n_seeds)`` (:func:`relubook.dying.dead_curves`).
    """
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 3 or curves.shape[0] != len(lrs) or curves.shape[1] != len(steps):
        raise ValueError(f"curves must have shape (len(lrs), len(steps), n_seeds), got {curves.shape}")
    if ax is None:
        _, ax = plotting.subplots()
    for i, (lr, curve) in enumerate(zip(lrs, curves, strict=True)):
        color = plotting.OKABE_ITO[plotting._CYCLE[i % len(plotting._CYCLE)]]
        ax.fill_between(steps, np.nanmin(curve, axis=1), np.nanmax(curve, axis=1), color=color, alpha=0.15,
                        linewidth=0)
        ax.plot(steps, np.nanmedian(curve, axis=1), color=color,
                linestyle=plotting._LINESTYLES[i % len(plotting._LINESTYLES)],
                marker=plotting.marker_for(i), markevery=max(1, len(steps) // 8), label=f"lr = {lr:g}")
    ax.axhline(0.5, color="0.4", linewidth=0.8, zorder=0)
    ax.annotate("half the units", xy=(steps[-1], 0.5), xytext=(0, 3), textcoords="offset points",
                ha="right", va="bottom", fontsize=8, color="0.3")
    ax.set_ylim(-0.02, 1.02)
    plotting.label_axes(ax, "training step", "dead fraction of hidden units")
    plotting.legend_if_several(ax, ncols=2)
    return ax.figure


def plot_bias_drift(dead_biases: np.ndarray, live_biases: np.ndarray, *, ax: Axes | None = None) -> Figure:
    """Learned first-layer biases after training: dead units against live units (strip plot)."""
    if ax is None:
        _, ax = plotting.subplots()
    rng = np.random.default_rng(0)  # jitter only
    for k, (values, name, marker) in enumerate(((live_biases, "live units", "o"), (dead_biases, "dead units", "s"))):
        values = np.asarray(values, dtype=float)
        ax.scatter(values, k + rng.uniform(-0.15, 0.15, values.size), s=12, marker=marker,
                   color=plotting.OKABE_ITO[plotting._CYCLE[k]], label=name)
    ax.axvline(0, color="0.3", linewidth=1.0)
    ax.set_yticks([0, 1], ["live", "dead"])
    ax.set_xscale("symlog", linthresh=1.0)
    plotting.label_axes(ax, "first-layer bias after training (all started at 0)", "")
    return ax.figure


def plot_preactivation_histograms(report: DeadUnitsReport, *, axes=None) -> Figure:
    """The practitioner's picture: pre-activations of every hidden layer.

    Left: histogram of all pre-activations ``z`` of each layer on the data. Right: each
    unit's largest pre-activation over the data; a unit left of 0 is dead.
    """
    if axes is None:
        fig, axes = plotting.subplots(1, 2, size=(3.3, 2.9))
    fig = axes[0].figure
    for i, layer in enumerate(report):
        z = layer.preactivations
        color = plotting.OKABE_ITO[plotting._CYCLE[i % len(plotting._CYCLE)]]
        style = {"linestyle": ["-", "--", ":", "-."][i % 4], "color": color}
        axes[0].hist(z.ravel(), bins=40, histtype="step", linewidth=1.6, label=f"layer {layer.layer}", **style)
        axes[1].hist(z.max(axis=0), bins=20, histtype="step", linewidth=1.6,
                     label=f"layer {layer.layer}: {layer.n_dead} dead", **style)
    for ax in axes:
        ax.axvline(0, color="0.3", linewidth=1.0)
    plotting.label_axes(axes[0], "pre-activation $z$", "count", "all $z$ on the data")
    plotting.label_axes(axes[1], "largest $z$ of a unit", "units", "per unit: max over the data")
    plotting.legend_if_several(axes[0])
    plotting.legend_if_several(axes[1])
    return fig


def plot_born_dead_curves(table: np.ndarray, widths: Sequence[int], *, ax: Axes | None = None,
                          show_widths: Sequence[int] | None = None) -> Figure:
    """Monte Carlo born-dead probability vs depth (markers) with the single-point bound (lines).

    Each width has its own colour, marker and line style; its legend entry shows the marker
    on top of the bound line, so a bound is matched to its estimates by shape, not colour alone.
    """
    from matplotlib.legend_handler import HandlerTuple

    if ax is None:
        _, ax = plotting.subplots()
    depths = np.arange(1, table.shape[1] + 1)
    chosen = list(show_widths) if show_widths is not None else list(widths)
    handles, labels = [], []
    for k, w in enumerate(chosen):
        row = table[list(widths).index(w)]
        color = plotting.OKABE_ITO[plotting._CYCLE[k % len(plotting._CYCLE)]]
        (bound,) = ax.plot(depths, born_dead.single_point_bound_curve(w, table.shape[1]), color=color,
                           linewidth=1.2, linestyle=plotting._LINESTYLES[k % len(plotting._LINESTYLES)])
        (points,) = ax.plot(depths, row, linestyle="none", marker=plotting.marker_for(k), markersize=4,
                            color=color)
        handles.append((bound, points))
        labels.append(f"width {w}")
    ax.set_ylim(-0.02, 1.02)
    plotting.label_axes(ax, "depth (hidden layers)", "P(born dead)")
    if handles:
        ax.legend(handles, labels, handler_map={tuple: HandlerTuple(ndivide=1)},
                  loc="center left", bbox_to_anchor=(1.0, 0.5),
                  title="markers: Monte Carlo\nlines: single-point\nbound",
                  title_fontsize=8, handlelength=3.0)
    return ax.figure


def born_dead_heatmap(table: np.ndarray, widths: Sequence[int], *, ax: Axes | None = None) -> Figure:
    """Static twin of *born dead*: probability over depth × width as a heat map."""
    if ax is None:
        _, ax = plotting.subplots()
    depths = np.arange(1, table.shape[1] + 1)
    mesh = ax.pcolormesh(depths, list(widths), table, vmin=0.0, vmax=1.0, shading="nearest")
    ax.figure.colorbar(mesh, ax=ax, label="P(born dead)")
    ax.set_yticks(list(widths))
    plotting.label_axes(ax, "depth (hidden layers)", "width (units per layer)")
    ax.grid(False)
    return ax.figure
