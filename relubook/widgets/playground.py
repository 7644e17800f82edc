"""The playground widget: train a small network on a 2-D data set and watch it learn.

The training itself (data sets, seeded networks, full-batch steps in chunks, the slider's
learning-rate grid) lives in :mod:`relubook.plane_classifier`; this module only draws a state:
the decision boundary, the loss and the fraction of dead units. Its names are re-exported here
for the notebooks that import them from the widget module.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .. import plotting
from ..plane_classifier import (
    ACTIVATIONS,
    CHUNK,
    DATASETS,
    LR_GRID,
    MAX_STEPS,
    PlaygroundState,
    make_playground,
    playground_accuracy,
    playground_step,
    snap_lr,
    state_at,
)

__all__ = [
    "ACTIVATIONS",
    "CHUNK",
    "DATASETS",
    "LR_GRID",
    "MAX_STEPS",
    "PlaygroundState",
    "make_playground",
    "playground_accuracy",
    "playground_step",
    "snap_lr",
    "state_at",
    "update_playground",
]

_GRID = 60
_LIMIT = 1.6
_state_at = state_at  # the old private name, kept for callers of the widget module


def _draw_boundary(ax, state: PlaygroundState) -> None:
    xs = np.linspace(-_LIMIT, _LIMIT, _GRID)
    xx, yy = np.meshgrid(xs, xs)
    proba = state.model.predict_proba(np.column_stack([xx.ravel(), yy.ravel()])).reshape(_GRID, _GRID)
    cmap = ListedColormap([plotting.OKABE_ITO["orange"], "#f7f7f7", plotting.OKABE_ITO["sky"]])
    ax.imshow(proba, origin="lower", extent=(-_LIMIT, _LIMIT, -_LIMIT, _LIMIT), cmap=cmap, vmin=0, vmax=1,
              alpha=0.45, interpolation="bilinear", aspect="equal")
    ax.contour(xs, xs, proba, levels=[0.5], colors="black", linewidths=1.2)
    for label, marker, colour in ((0, "o", "orange"), (1, "^", "blue")):
        pts = state.X[state.y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=9, marker=marker, color=plotting.OKABE_ITO[colour],
                   edgecolors="none", label=f"class {label}")
    ax.set_xlim(-_LIMIT, _LIMIT)
    ax.set_ylim(-_LIMIT, _LIMIT)
    ax.grid(False)
    plotting.label_axes(ax, "$x_1$", "$x_2$")


def update_playground(dataset: str = "moons", activation: str = "relu", width: int = 8, depth: int = 2,
                      lr: float = 0.3, *, steps: int = 500, ax=None) -> Figure:
    """Draw the playground after ``steps`` full-batch updates.

    Parameters
    ----------
    dataset, activation, width, depth, lr
        See :func:`make_playground`.
    steps : int
        Training steps, 0..:data:`MAX_STEPS`.
    ax : matplotlib Axes, optional
        Draw only the decision boundary into ``ax`` (for the static twin), with the
        training accuracy written in its corner. Otherwise make a figure with three
        panels: boundary, training loss, and dead units, with a one-line readout as title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an int in 0..{MAX_STEPS}, got {steps!r}")
    state = state_at(dataset, activation, width, depth, lr, int(steps))
    readout = (f"step {state.step}: accuracy {state.accuracy[-1]:.3f}, loss {state.loss[-1]:.3f}, "
               f"dead units {state.dead[-1]:.0%}" + (" (diverged: lower the learning rate)"
                                                       if state.diverged else ""))
    if ax is not None:
        _draw_boundary(ax, state)
        ax.text(0.03, 0.03, f"acc {state.accuracy[-1]:.2f}", transform=ax.transAxes, fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        return ax.figure
    fig, axes = plotting.subplots(1, 3, size=(3.0, 2.8))
    _draw_boundary(axes[0], state)
    color, style = plotting.color_for(activation), plotting.linestyle_for(activation)
    axes[1].plot(state.steps, state.loss, color=color, linestyle=style, marker="o", markersize=3)
    plotting.label_axes(axes[1], "step", "training loss")
    axes[1].set_ylim(bottom=0)
    axes[2].plot(state.steps, np.asarray(state.dead) * 100, color=color, linestyle=style, marker="s",
                 markersize=3)
    plotting.label_axes(axes[2], "step", "dead hidden units (%)")
    axes[2].set_ylim(-2, 102)
    for a in axes[1:]:
        a.set_xlim(0, max(steps, 1))
    fig.suptitle(f"{dataset}, {activation}, {depth} x {width} units, lr {lr:g} | {readout}", fontsize=9)
    return fig


#: What `make bench` times: the live case, where each update trains one more chunk of the same
#: network (from the cache) and redraws.
BENCH_SETTINGS = {
    "update_playground": [{"dataset": "spiral", "activation": "relu", "width": 8, "depth": 2, "lr": 0.3,
                           "steps": CHUNK * (i + 1)} for i in range(30)],
}
#: Widgets that train a network on each change (goal: at most 1 s per update).
TRAINING_WIDGETS = ("update_playground",)
