"""Plots of the dying-ReLU chapter (experiments in :mod:`relubook.dying` and :mod:`relubook.born_dead`).

Imports go one way: experiments -> this module -> :mod:`relubook.widgets.dying`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import born_dead, plotting
from .diagnostics import DeadUnitsReport

__all__ = [
    "born_dead_heatmap",
    "plot_bias_drift",
    "plot_continual",
    "plot_born_dead_curves",
    "plot_dead_curves",
    "plot_decision_boundary",
    "plot_preactivation_histograms",
    "plot_remedy_grid",
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
    """Dead fraction over training per learning rate: median over seeds (line) and range (band), over the
    seeds still training (a diverged seed is NaN from its divergence on, :func:`relubook.dying.dead_curves`).

    ``curves`` has shape ``(len(lrs), n_records, n_seeds)`` (:func:`relubook.dying.dead_curves`).
    """
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 3 or curves.shape[0] != len(lrs) or curves.shape[1] != len(steps):
        raise ValueError(f"curves must have shape (len(lrs), len(steps), n_seeds), got {curves.shape}")
    if ax is None:
        _, ax = plotting.subplots()
    for i, (lr, curve) in enumerate(zip(lrs, curves, strict=True)):
        color = plotting.OKABE_ITO[plotting._CYCLE[i % len(plotting._CYCLE)]]
        with warnings.catch_warnings():  # a record where every seed has diverged is NaN: nothing is drawn there
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi, med = np.nanmin(curve, axis=1), np.nanmax(curve, axis=1), np.nanmedian(curve, axis=1)
        ax.fill_between(steps, lo, hi, color=color, alpha=0.15, linewidth=0)
        ax.plot(steps, med, color=color,
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


def plot_remedy_grid(grid, *, split: int = 10) -> Figure:
    """Small multiples, one panel per remedy, against the learning rate: the seeds that train in each of
    two seed sets (the first ``split`` seeds, circles and a solid line; the rest, squares and a dashed
    line; left axis) and, over the runs that did not diverge, the median dead % at the end (triangles,
    dotted) and the median of each run's largest dead % over the last half of training (diamonds,
    dash-dot; right axis).

    ``grid`` is :func:`relubook.dying.remedy_grid`'s result (name -> lr -> SeedRuns).
    """
    names = list(grid)
    ncols = 3
    nrows = -(-len(names) // ncols)
    fig, axes = plotting.subplots(nrows, ncols, size=(2.3, 1.9), sharex=True, sharey=True, squeeze=False)
    blue, orange = plotting.OKABE_ITO["blue"], plotting.OKABE_ITO["vermillion"]
    for ax, name in zip(axes.flat, names, strict=False):
        by_lr = grid[name]
        lrs = np.array(list(by_lr))
        runs = list(by_lr.values())
        set_a = [int(r.trains[:split].sum()) for r in runs]
        set_b = [int(r.trains[split:].sum()) for r in runs]
        n_a, n_b = min(split, runs[0].n_seeds), max(0, runs[0].n_seeds - split)
        ax.plot(lrs, set_a, color=blue, marker="o", linestyle="-", label=f"trains, seeds 1-{n_a} of set A")
        ax.plot(lrs, set_b, color=blue, marker="s", linestyle="--", mfc="white", label="trains, set B")
        right = ax.twinx()
        end = [100 * float(np.median(r.dead_fraction[~r.diverged])) if (~r.diverged).any() else np.nan for r in runs]
        late = [100 * float(np.median(r.dead_late[~r.diverged])) if (~r.diverged).any() else np.nan for r in runs]
        right.plot(lrs, end, color=orange, marker="^", linestyle=":", label="dead % at the end")
        right.plot(lrs, late, color=orange, marker="D", linestyle="-.", mfc="white", label="dead %, last half (max)")
        right.set_ylim(-5, 105)
        ax.set_ylim(-0.5, max(n_a, n_b) + 0.5)
        ax.set_xscale("log", base=2)
        ax.set_xticks(lrs, [f"{v:g}" for v in lrs])
        ax.minorticks_off()
        ax.set_title(name, fontsize=8)
        if ax not in axes[:, 0]:
            ax.tick_params(labelleft=False)
        if ax in axes[:, -1]:
            right.set_ylabel("dead %")
        else:
            right.tick_params(labelright=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    axes[nrows // 2, 0].set_ylabel(f"seeds that train (of {split})")
    for ax in axes[-1]:
        ax.set_xlabel("learning rate")
    handles = axes.flat[0].get_legend_handles_labels()
    twin = [a for a in fig.axes if a not in axes.flat][0].get_legend_handles_labels()
    labels = ["trains: seeds 0-9", "trains: seeds 10-19", "median dead % at the end",
              "median largest dead %, last half"]
    fig.legend(handles[0] + twin[0], labels, loc="outside lower center", ncol=2, frameon=False)
    return fig


def plot_continual(plain, reset, *, axes=None) -> Figure:
    """A stream of tasks (:func:`relubook.dying.continual_runs`): accuracy at the end of each task (left)
    and the fraction of dormant units (right), median over seeds (line) and range (band), without and
    with the recycling of dormant units after each task."""
    if axes is None:
        fig, axes = plotting.subplots(1, 2, size=(3.3, 2.8))
    fig = axes[0].figure
    tasks = np.arange(1, plain.accuracy.shape[0] + 1)
    for runs, name, color, style, marker in ((plain, "no reset", plotting.RELU_COLOR, "-", "o"),
                                             (reset, "dormant units reset", plotting.OKABE_ITO["vermillion"],
                                              "--", "s")):
        for ax, values in zip(axes, (runs.accuracy, runs.dormant), strict=True):
            ax.fill_between(tasks, values.min(axis=1), values.max(axis=1), color=color, alpha=0.2, linewidth=0)
            ax.plot(tasks, np.median(values, axis=1), color=color, linestyle=style, marker=marker, markevery=4,
                    label=name)
    plotting.label_axes(axes[0], "task", "training accuracy at its end")
    plotting.label_axes(axes[1], "task", "dormant fraction")
    axes[0].set_ylim(0.45, 1.02)
    axes[1].set_ylim(0, 0.75)
    axes[0].legend(loc="lower left")
    return fig
