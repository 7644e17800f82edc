"""Widgets of the dying-ReLU chapter: *kill a network* and *born dead*.

Only the widgets live here. The experiments they show are in :mod:`relubook.dying`
(training the chapter's network over seeds) and :mod:`relubook.born_dead` (networks at
initialisation); the plots in :mod:`relubook.dying_plots`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import born_dead, dying, plotting
from .._args import check_int
from ..dying_plots import plot_decision_boundary

__all__ = ["kill_grid", "representative_seed", "update_born_dead", "update_kill"]


def _check_lr(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr < 0:
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
    return float(lr)


def representative_seed(runs: dying.SeedRuns) -> int | None:
    """Index of the seed the picture shows: among the runs that did not diverge, the one whose dead
    fraction is closest to their median (the smallest such seed); None when every run diverged.

    The title reports medians over the seeds, so the picture shows a seed that is typical of them,
    never a diverged one (whose picture would contradict the title).
    """
    ok = np.flatnonzero(~runs.diverged)
    if ok.size == 0:
        return None
    dead = runs.dead_fraction[ok]
    return int(ok[np.argmin(np.abs(dead - np.median(dead)))])


def _kill_title(runs: dying.SeedRuns) -> str:
    """Two short lines: the medians over the seeds that did not diverge, and the diverged count."""
    ok = ~runs.diverged
    n = runs.n_seeds
    if not ok.any():
        return f"all {n} seeds diverged"
    line = (f"dead {100 * np.median(runs.dead_fraction[ok]):.0f} %, accuracy {np.median(runs.accuracy[ok]):.2f} "
            f"(medians of {int(ok.sum())} seeds)")
    return line + f"\n{int(runs.diverged.sum())} of {n} diverged"


LOSS_CEILING = 1e3  # the loss axis' top: a larger loss has diverged (log loss of a 2-class net starts near 0.7)
#: Font size (points) of every text in the kill widget: the figure is KILL_WIDTH inches wide, so on a
#: 390 px phone (about 360 px of figure) one point is 360 / (72 * KILL_WIDTH) CSS px: 10 pt is 9.4 px.
KILL_FONT = 10
KILL_WIDTH = 5.3


def _boundary(ax: Axes, runs: dying.SeedRuns, X, y, *, resolution: int = 80) -> None:
    k = representative_seed(runs)
    if k is None:
        ax.text(0.5, 0.5, "every seed\ndiverged", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    plot_decision_boundary(ax, partial(runs.predict_proba, k=k), X, y, resolution=resolution)
    ax.text(0.02, 0.98, f"seed {runs.seeds[k]}", transform=ax.transAxes, ha="left", va="top",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8, "edgecolor": "none"})


def update_kill(lr: float, bias: float = 0.0, activation: str = "relu", *, ax=None):
    """The *kill a network* widget: train the chapter's network for its 20 seeds and show what died.

    Parameters
    ----------
    lr : float
        Learning rate.
    bias : float
        Initial value of every bias.
    activation : str
        Hidden activation.
    ax : None, Axes or sequence of three Axes
        ``None``: a new figure, built to be read on a phone (every text at least 9 CSS px at
        390 px): the setting and the medians over the seeds as the figure's title, then the
        decision boundary of a typical seed (:func:`representative_seed`, never a diverged one),
        the loss of every seed, and the dead units per layer over training (median over seeds).
        One Axes: only the decision boundary and the title (for small multiples). Three Axes:
        the three panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lr = _check_lr(lr)
    runs = dying.train_seeds({"lr": lr, "bias_init": float(bias), "activation": activation})
    X, y = dying.moons_data()
    setting = f"lr {lr:.3g}, bias {float(bias):g}, {activation}"
    if isinstance(ax, Axes):
        _boundary(ax, runs, X, y)
        ax.set_title(setting + "\n" + _kill_title(runs), fontsize=8)
        return ax.figure
    with plt.rc_context({"font.size": KILL_FONT, "axes.titlesize": KILL_FONT, "axes.labelsize": KILL_FONT,
                         "xtick.labelsize": KILL_FONT, "ytick.labelsize": KILL_FONT,
                         "legend.fontsize": KILL_FONT}):
        if ax is None:
            fig = plt.figure(figsize=(KILL_WIDTH, 6.4), layout="constrained")
            grid = fig.add_gridspec(2, 2, height_ratios=[1.15, 1])
            axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
            fig.suptitle(setting + "\n" + _kill_title(runs), fontsize=KILL_FONT + 1)
        else:
            axes = list(ax)
            if len(axes) != 3:
                raise ValueError(f"ax must be None, one Axes or three Axes, got {len(axes)}")
            fig = axes[0].figure
            axes[0].set_title(_kill_title(runs), fontsize=8)
        _boundary(axes[0], runs, X, y)
        # A diverged seed's loss overflows: its curve stops, and a median beyond the axis is drawn at
        # its top edge (a log axis cannot place inf or 1e300).
        loss = np.where(np.isfinite(runs.loss) & (runs.loss < LOSS_CEILING), runs.loss, np.nan)
        axes[1].plot(runs.steps, loss, color=plotting.RELU_COLOR, linewidth=0.6, alpha=0.35)
        median = np.nanmedian(np.where(np.isnan(loss), np.inf, loss), axis=1)
        axes[1].plot(runs.steps, np.minimum(median, LOSS_CEILING), color="0.1", linewidth=1.5, label="median")
        axes[1].set_yscale("log")
        shown = loss[np.isfinite(loss) & (loss > 0)]
        low = max(float(shown.min()) if shown.size else 1e-3, LOSS_CEILING * 1e-12)
        axes[1].set_ylim(10 ** np.floor(np.log10(low)), LOSS_CEILING)
        plotting.label_axes(axes[1], "step", "training loss", f"loss, {runs.n_seeds} seeds")
        dead = np.median(runs.dead_units, axis=1)
        for i in range(len(dying.HIDDEN)):
            axes[2].plot(runs.steps, dead[:, i], linestyle=["-", "--"][i % 2], marker=plotting.marker_for(i),
                         markevery=max(1, len(runs.steps) // 6), label=f"layer {i + 1}")
        axes[2].set_ylim(-0.5, max(dying.HIDDEN) + 0.5)
        plotting.label_axes(axes[2], "step", f"dead units (of {dying.HIDDEN[0]})",
                            "dead units per layer, median over seeds")
        plotting.legend_if_several(axes[2])
    return fig


def kill_grid(lrs: Sequence[float], biases: Sequence[float], activation: str = "relu") -> Figure:
    """Static twin of *kill a network*: a typical seed's decision boundary over learning rate × initial bias.

    Rows are biases, columns learning rates; each panel shows a typical seed
    (:func:`representative_seed`) and its title the setting, the median dead % over the chapter's
    seeds that did not diverge, and how many diverged.
    """
    fig, axes = plotting.subplots(len(biases), len(lrs), size=(2.3, 2.2), squeeze=False,
                                  sharex=True, sharey=True)
    X, y = dying.moons_data()
    for i, bias in enumerate(biases):
        for j, lr in enumerate(lrs):
            ax = axes[i, j]
            runs = dying.train_seeds({"lr": float(lr), "bias_init": float(bias), "activation": activation})
            _boundary(ax, runs, X, y, resolution=50)
            ok = ~runs.diverged
            dead = f"{100 * np.median(runs.dead_fraction[ok]):.0f} %" if ok.any() else "—"
            div = f", {int(runs.diverged.sum())} div." if runs.diverged.any() else ""
            ax.set_title(f"lr {lr:.3g}, bias {bias:g}\ndead {dead} (median){div}", fontsize=8)
            if i < len(biases) - 1:
                ax.set_xlabel("")
            if j > 0:
                ax.set_ylabel("")
    return fig


def update_born_dead(depth: int, width: int, *, ax: Axes | None = None, n_seeds: int = 6,
                     n_nets: int = born_dead.WIDGET_NETS, init: str = "he") -> Figure:
    """The *born dead* widget: outputs of a few fresh networks over [-1, 1], and P(born dead).

    Each network's output is divided by its own largest absolute output over the interval, so
    every live network spans the same axes whatever its scale, and a dead network (constant,
    0 without biases) is the flat line at 0.

    The ``n_seeds`` networks drawn are seeded by the setting; the probability is estimated from
    ``n_nets`` networks (:func:`relubook.born_dead.born_dead_probability`), so the same setting
    always gives the same picture and title.
    """
    depth, width = check_int(depth, "depth"), check_int(width, "width")
    n_nets = check_int(n_nets, "n_nets")
    x, out = born_dead.shown_networks(depth, width, n_shown=n_seeds, init=init)
    p = born_dead.born_dead_probability(depth, width, n_nets=n_nets, init=init)
    if ax is None:
        _, ax = plotting.subplots()
    largest = np.max(np.abs(out), axis=1, keepdims=True)  # per network
    scaled = np.divide(out, largest, out=np.zeros_like(out), where=largest > 0)
    for k in range(scaled.shape[0]):
        ax.plot(x, scaled[k], linestyle=plotting._LINESTYLES[k % len(plotting._LINESTYLES)], linewidth=1.4)
    ax.set_ylim(-1.1, 1.1)
    n_dead = int(np.sum(np.ptp(out, axis=1) == 0))
    ax.text(0.02, 0.04, f"{n_dead} of {out.shape[0]} shown are flat (dead)", transform=ax.transAxes, fontsize=9)
    plotting.label_axes(ax, "input $x$", "output / its own largest |output|")
    ax.set_title(f"depth {depth}, width {width}: P(born dead) ≈ {p:.2f}", fontsize=9)
    return ax.figure


#: Settings that `make bench` cycles through to time each update; distinct learning rates, so the
#: memoised training in `relubook.dying.train_seeds` is measured, not its cache.
BENCH_SETTINGS = {
    "update_kill": [{"lr": float(lr), "bias": b}
                    for lr, b in zip(dying.LR_GRID[::-1], [0.0, -0.5, -1.0] * 16, strict=False)],
    "update_born_dead": [{"depth": d, "width": w} for d in (2, 5, 10, 20, 30, 50) for w in (2, 3, 4, 6, 10)],
}
#: Widgets that train a network on each change (goal: at most 1 s per update).
TRAINING_WIDGETS = ("update_kill",)
