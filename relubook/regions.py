"""Activation patterns and linear regions of small ReLU networks on 2-D inputs.

A ReLU network is piecewise linear. Fix which hidden units are on (``z > 0``) and
which are off: that *activation pattern* turns every ReLU into either the identity
or zero, so the network becomes one affine map. The inputs sharing a pattern satisfy
a list of linear inequalities, so they form one convex polygon: a *linear region*.
Counting the distinct patterns met on a fine grid therefore counts the regions the
grid touches (a lower bound on the true number; tiny regions can slip between grid
points).

Networks are given either as a :class:`relubook.network.MLP` or as plain lists
``weights``, ``biases`` with ``z = a @ W + b`` (hidden layers only are needed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import ListedColormap

from ._args import check_int
from ._blas import one_blas_thread

__all__ = [
    "activation_patterns",
    "count_linear_pieces",
    "count_regions",
    "grid_points",
    "one_layer_bound",
    "pattern_ids",
    "plot_regions",
    "random_relu_network",
    "region_counts",
    "sawtooth",
    "sawtooth_network",
    "pieces_1d",
]


def _hidden_layers(network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(weights, biases)`` of the hidden layers of an MLP or of a ``(weights, biases)`` pair."""
    if hasattr(network, "weights") and hasattr(network, "biases"):
        return list(network.weights[:-1]), list(network.biases[:-1])
    weights, biases = network
    weights = [np.asarray(W, dtype=np.float64) for W in weights]
    biases = [np.asarray(b, dtype=np.float64) for b in biases]
    if len(weights) != len(biases):
        raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} bias vectors")
    return weights, biases


def activation_patterns(network, X: np.ndarray) -> np.ndarray:
    """Which hidden ReLU units are on (``z > 0``) at each input.

    Parameters
    ----------
    network : MLP or (weights, biases)
        An MLP (its last layer, the output, is ignored) or two lists with the hidden
        layers' ``W`` of shape ``(fan_in, fan_out)`` and ``b`` of shape ``(fan_out,)``.
    X : array_like
        Inputs of shape ``(n, fan_in of the first layer)``.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``(n, total hidden units)``, layers side by side.
    """
    weights, biases = _hidden_layers(network)
    a = np.asarray(X, dtype=np.float64)
    on = []
    with one_blas_thread():  # thin matrices: more threads only wait for each other
        for W, b in zip(weights, biases, strict=True):
            z = a @ W + b
            on.append(z > 0)
            a = np.maximum(z, 0.0)
    return np.concatenate(on, axis=1) if on else np.zeros((len(a), 0), dtype=bool)


def pattern_ids(patterns: np.ndarray) -> tuple[np.ndarray, int]:
    """Number the distinct rows of a boolean pattern array.

    Returns
    -------
    ids : numpy.ndarray
        Int array of shape ``(n,)``; equal ids mean equal patterns.
    count : int
        Number of distinct patterns.
    """
    patterns = np.asarray(patterns, dtype=bool)
    if patterns.shape[1] == 0:
        return np.zeros(len(patterns), dtype=np.int64), 1
    packed = np.packbits(patterns, axis=1)
    width = -(-packed.shape[1] // 8) * 8  # whole 64-bit words
    packed = np.ascontiguousarray(np.pad(packed, ((0, 0), (0, width - packed.shape[1]))))
    if width == 8:  # up to 64 units: one integer per pattern, the fast path
        keys = packed.view(np.uint64).reshape(-1)
    else:
        keys = packed.view(np.dtype((np.void, width))).reshape(-1)
    _, ids = np.unique(keys, return_inverse=True)
    ids = ids.reshape(-1)
    return ids.astype(np.int64), int(ids.max()) + 1


def grid_points(xlim: tuple[float, float] = (-2.0, 2.0), ylim: tuple[float, float] | None = None,
                resolution: int = 201) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid: ``xs``, ``ys`` (each ``resolution`` points) and all points, ``(res**2, 2)``.

    The points run along x fastest: point ``i * resolution + j`` is ``(xs[j], ys[i])``.
    """
    ylim = xlim if ylim is None else ylim
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])


def count_regions(network, *, xlim: tuple[float, float] = (-2.0, 2.0),
                  ylim: tuple[float, float] | None = None, resolution: int = 201) -> int:
    """Number of distinct activation patterns on a grid over ``xlim x ylim``.

    The inputs that share a pattern form one convex *activation region* (Hanin & Rolnick's term),
    on which the network is affine, so this counts the activation regions the grid touches. Two
    regions may carry the same affine map (:func:`count_linear_pieces` counts the distinct maps).
    See :func:`activation_patterns` for ``network``.
    """
    _, _, points = grid_points(xlim, ylim, resolution)
    return pattern_ids(activation_patterns(network, points))[1]


def count_linear_pieces(network, X: np.ndarray) -> int:
    """Number of distinct affine maps the last hidden layer computes at the points ``X``.

    Each activation pattern makes the network one affine map ``x -> x A + c``; different patterns
    can give the same map (when every unit of the last hidden layer is off, the map is 0 whatever
    the earlier layers do), so this is at most the number of activation regions. Maps are compared
    after rounding to 9 decimals.

    Parameters
    ----------
    network : MLP or (weights, biases)
        As :func:`activation_patterns`.
    X : array_like
        Inputs of shape ``(n, fan_in of the first layer)``.

    Returns
    -------
    int
    """
    weights, biases = _hidden_layers(network)
    patterns = np.unique(activation_patterns(network, X), axis=0)
    widths = np.cumsum([0] + [W.shape[1] for W in weights])
    maps = []
    for pattern in patterns:
        A, c = np.eye(weights[0].shape[0]), np.zeros(weights[0].shape[0])
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            on = pattern[widths[i]:widths[i + 1]]
            A, c = (A @ W) * on, (c @ W + b) * on
        maps.append(np.round(np.concatenate([A.ravel(), c]), 9) + 0.0)  # + 0.0: -0.0 and 0.0 are one map
    return len(np.unique(np.array(maps), axis=0))


def one_layer_bound(n_units: int, n_inputs: int = 2) -> int:
    """Most regions ``n_units`` lines (hyperplanes) can cut ``R^n_inputs`` into: ``sum_k C(n, k)``, k <= d."""
    return sum(math.comb(n_units, k) for k in range(n_inputs + 1))


def random_relu_network(widths: Sequence[int], rng: np.random.Generator, *, n_inputs: int = 2,
                        bias_std: float = 0.5) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Hidden layers with He-normal weights and normal biases (std ``bias_std``).

    Returns
    -------
    weights, biases : list of numpy.ndarray
        One entry per hidden layer of width ``widths[i]``.
    """
    weights, biases = [], []
    fan_in = n_inputs
    for width in widths:
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, width)))
        biases.append(rng.normal(0.0, bias_std, size=width))
        fan_in = width
    return weights, biases


def region_counts(widths: Sequence[int], depths: Sequence[int], *, seeds: Sequence[int] = (0, 1, 2),
                  resolution: int = 161, xlim: tuple[float, float] = (-2.0, 2.0)) -> np.ndarray:
    """Mean region count of random networks for each (depth, width) on a grid.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(depths), len(widths))``: entry ``[i, j]`` averages
        :func:`count_regions` over ``seeds`` for ``depths[i]`` hidden layers of width
        ``widths[j]``.
    """
    _, _, points = grid_points(xlim, None, resolution)
    counts = np.zeros((len(depths), len(widths)))
    for i, depth in enumerate(depths):
        for j, width in enumerate(widths):
            total = 0
            for seed in seeds:
                net = random_relu_network([width] * depth, np.random.default_rng(seed))
                total += pattern_ids(activation_patterns(net, points))[1]
            counts[i, j] = total / len(seeds)
    return counts


def plot_regions(ax, network, *, xlim: tuple[float, float] = (-2.0, 2.0), resolution: int = 301,
                 seed: int = 0) -> int:
    """Colour the plane by activation pattern and draw the region borders in black.

    Colours are shuffled so that neighbouring regions rarely look alike; the black borders
    carry the same information without colour. Returns the number of regions drawn.
    """
    xs, ys, points = grid_points(xlim, None, resolution)
    ids, count = pattern_ids(activation_patterns(network, points))
    shuffle = np.random.default_rng(seed).permutation(count)
    image = shuffle[ids].reshape(resolution, resolution)
    ax.imshow(image, origin="lower", extent=(*xlim, *xlim), cmap="cividis", interpolation="nearest",
              aspect="equal", alpha=0.85)
    grid = ids.reshape(resolution, resolution)
    border = np.zeros_like(grid, dtype=bool)
    border[:, 1:] |= grid[:, 1:] != grid[:, :-1]
    border[1:, :] |= grid[1:, :] != grid[:-1, :]
    ax.imshow(np.ma.masked_where(~border, border.astype(float)), origin="lower", extent=(*xlim, *xlim),
              cmap=ListedColormap(["black"]), interpolation="nearest", aspect="equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    return count


def sawtooth_network(k: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Telgarsky's construction: ``k`` hidden layers of 2 ReLU units whose output has ``2**k`` pieces.

    The triangle map ``t(x) = 2 max(0, x) - 4 max(0, x - 1/2)`` folds ``[0, 1]`` onto itself
    (up from 0 to 1, then down to 0). Each hidden layer computes the two ReLUs of ``t`` applied
    to the previous layer's ``t``; composing it ``k`` times doubles the number of linear pieces
    every time, with only ``2 k`` units in all.

    Parameters
    ----------
    k : int
        Number of hidden layers, >= 1.

    Returns
    -------
    weights, biases : list of numpy.ndarray
        Hidden layers for a 1-D input (``z = a @ W + b``), usable by :func:`activation_patterns`.
        The output is ``a_k @ [2, -4]``; :func:`sawtooth` evaluates it.
    """
    check_int(k, "k", 1)
    first = np.array([[1.0, 1.0]])
    fold = np.array([[2.0, 2.0], [-4.0, -4.0]])  # t(x) of the previous layer, fed to both units
    bias = np.array([0.0, -0.5])
    return [first] + [fold] * (int(k) - 1), [bias] * int(k)


def sawtooth(x: np.ndarray, k: int) -> np.ndarray:
    """The output of :func:`sawtooth_network` ``(k)``: the triangle map composed ``k`` times."""
    weights, biases = sawtooth_network(k)
    a = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    for W, b in zip(weights, biases, strict=True):
        a = np.maximum(a @ W + b, 0.0)
    return a @ np.array([2.0, -4.0])


def pieces_1d(network, x: np.ndarray) -> int:
    """Linear pieces a network with a 1-D input has along the sorted points ``x``.

    Counts the changes of activation pattern between neighbouring points, plus one. On an
    interval every pattern is one piece (an interval), so with points fine enough to put one
    inside every piece this is the exact count.
    """
    x = np.sort(np.asarray(x, dtype=np.float64).reshape(-1))
    if x.size == 0:
        raise ValueError("x must hold at least one point")
    patterns = activation_patterns(network, x[:, None])
    return 1 + int(np.any(patterns[1:] != patterns[:-1], axis=1).sum())
