"""The activation race of chapter 5: how fast each activation trains, over seeds and depth.

:func:`race` runs :func:`relubook.conv.epochs_to_error` (a dense network on the digits, the
best of a learning-rate grid) for several activations and seeds, and says whether any best rate
sits on the edge of the grid (then the grid is too narrow and the race unfair).
:func:`gradient_ratio` measures what depth does before any training: how much of the loss
gradient reaches the first layer of a deep network, relative to its last hidden layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._args import check_int
from .conv import FAIR_INITS, Digits, RaceResult, epochs_to_error, make_mlp

__all__ = ["FAIR_INITS", "INIT_LABELS", "RaceSummary", "gradient_ratio", "race"]

#: How the chapter names each initialisation.
INIT_LABELS = {"he": "He", "xavier": "Glorot", "xavier4": "4 × Glorot"}


@dataclass
class RaceSummary:
    """One activation's race over seeds.

    Attributes
    ----------
    activation : str
        Registry name.
    runs : list of RaceResult
        One per seed.
    epochs : numpy.ndarray
        Epochs to the target per seed (NaN where the target was not reached).
    best_lrs : list of float or None
        Best rate per seed.
    on_edge : bool
        Some seed's best rate is the smallest or the largest of the grid.
    """

    activation: str
    runs: list[RaceResult]
    epochs: np.ndarray
    best_lrs: list
    on_edge: bool

    @property
    def mean(self) -> float:
        """Mean epochs over the seeds that reached the target."""
        done = self.epochs[~np.isnan(self.epochs)]
        return float(done.mean()) if done.size else float("nan")


def race(data: Digits, activations: Sequence[str], *, lrs: Sequence[float], seeds: Sequence[int],
         target_error: float = 0.05, max_epochs: int = 8,
         hidden: tuple[int, ...] = (32,), inits: dict[str, str] | None = None) -> dict[str, RaceSummary]:
    """Epochs to ``target_error`` for each activation and seed, best over the same grid ``lrs``.

    Parameters
    ----------
    data : Digits
        From :func:`relubook.conv.load_digits_split`.
    activations : sequence of str
        Registry names.
    lrs : sequence of float
        The learning rates every activation tries (sorted here).
    seeds : sequence of int
        Seeds of the initial weights and the batch order, the same for every activation.
    target_error, max_epochs, hidden
        As in :func:`relubook.conv.epochs_to_error`.
    inits : dict of str to str, optional
        Initialisation per activation; default :data:`FAIR_INITS` (He for ReLU, Glorot for tanh,
        4 x Glorot for sigmoid), and He for any activation not in it.

    Returns
    -------
    dict of str to RaceSummary

    Raises
    ------
    ValueError
        If ``lrs`` or ``seeds`` is empty.
    """
    grid = tuple(sorted(float(lr) for lr in lrs))
    if not grid or not seeds:
        raise ValueError("lrs and seeds must each hold at least one value")
    inits = FAIR_INITS if inits is None else inits
    out = {}
    for name in activations:
        runs = [epochs_to_error(data, name, lrs=grid, target_error=target_error, max_epochs=max_epochs,
                                hidden=hidden, seed=int(seed), init=inits.get(name, "he")) for seed in seeds]
        epochs = np.array([np.nan if r.epochs is None else r.epochs for r in runs])
        best = [r.best_lr for r in runs]
        on_edge = any(lr in (grid[0], grid[-1]) for lr in best if lr is not None)
        out[name] = RaceSummary(name, runs, epochs, best, on_edge)
    return out


def gradient_ratio(activation: str, depth: int, seed: int, *, data: Digits, width: int = 32,
                   init: str = "he", n: int = 256) -> float:
    """RMS of the first layer's weight gradient over that of the last hidden layer, at initialisation.

    A value near 1 means the gradient reaches the first layer intact; a value far below 1 means
    the early layers barely learn (vanishing gradients).

    Parameters
    ----------
    activation : str
        Registry name.
    depth : int
        Hidden layers of ``width`` units, at least 1.
    seed : int
        Seed of the weights.
    data : Digits
        The first ``n`` training digits, flattened, and their labels are used.
    width, init, n
        Width, weight initialisation (as :func:`relubook.conv.make_mlp`, e.g. ``"xavier4"``) and
        batch size.

    Returns
    -------
    float
    """
    check_int(depth, "depth", 1)
    X = np.asarray(data.X_train[:n]).reshape(n, -1)
    y = np.asarray(data.y_train[:n])
    model = make_mlp([X.shape[1], *[int(width)] * int(depth), 10], activation, np.random.default_rng(seed), init)
    _, grads_W, _ = model.loss_and_grads(X, y)
    rms = [float(np.sqrt(np.mean(g**2))) for g in grads_W[:-1]]
    return rms[0] / rms[-1]
