"""Is a randomly initialised deep, narrow ReLU network "born dead"?

Setting
-------
A fully connected network with one input ``x``, ``depth`` hidden ReLU layers of
``width`` units each and one linear output unit. At initialisation the weights are
drawn independently from ``N(0, 2 / fan_in)`` (He initialisation) and every bias is 0,
unless ``init="rai"`` (see :func:`init_layers`). The input domain is an interval,
``[-1, 1]`` by default, represented by an evenly spaced grid of points that includes
both ends.

A network is **born dead** when its output is the same at every point of the input
domain: then its gradient with respect to the input is zero and so is the gradient
that reaches every hidden weight, whatever the loss. A hidden representation that is
constant over the domain stays constant in every later layer, so the network
truncated after ``d`` hidden layers is born dead exactly when the ``d``-th hidden
layer is constant over the grid (the random output layer maps a non-constant
representation to a non-constant output with probability 1). One forward pass
through ``max_depth`` layers therefore estimates the probability for every depth
``1, ..., max_depth`` at once (the estimates at different depths share their nets).

The single-point bound
----------------------
Fix one input ``x != 0``. With zero biases and weights from a distribution symmetric
about 0, each unit of a layer whose input vector is not zero has a pre-activation
that is ``<= 0`` with probability 1/2, independently of the other units of the
layer; so the whole layer outputs the zero vector with probability ``2**-N_l``, and
from then on the network outputs 0 at ``x``. Hence the probability that the point
``x`` is *collapsed* (some hidden layer is all zero there) is exactly

    ``1 - prod_l (1 - 2**-N_l)``  (product over the hidden layers).

With zero biases the network is positively homogeneous, ``f(c x) = c f(x)`` for
``c > 0``, so on an interval around 0 it is constant (= 0) exactly when both
``x = 1`` and ``x = -1`` are collapsed. Being born dead therefore implies that the
single point ``x = 1`` is collapsed, and the formula above is an **upper bound** on
the probability of being born dead in this setting (zero biases, symmetric weights,
one input, an interval containing 0). It tends to 1 as the depth grows for a fixed
width, which is the trend proved by Lu, Shin, Su & Karniadakis (2020) that a deep
ReLU network dies in probability as its depth goes to infinity.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ._args import check_int
from .network import RAI_SIGMA

__all__ = [
    "INITS",
    "WIDGET_NETS",
    "WIDGET_SEED",
    "born_dead_curve",
    "born_dead_probability",
    "born_dead_table",
    "init_layers",
    "network_outputs",
    "single_point_bound",
    "shown_networks",
    "single_point_bound_curve",
    "wilson_interval",
]

#: Initialisations understood by this module.
INITS: tuple[str, ...] = ("he", "rai")


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _check_interval(interval: Sequence[float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in interval)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"interval must be two finite numbers lo < hi, got {interval!r}")
    return lo, hi


def init_layers(fan_in: int, fan_out: int, n_nets: int, *, init: str = "he",
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw one layer's weights and biases for ``n_nets`` independent networks.

    Parameters
    ----------
    fan_in, fan_out : int
        Layer input and output widths.
    n_nets : int
        Number of independent networks.
    init : {"he", "rai"}
        ``"he"``: weights ``N(0, 2 / fan_in)``, biases 0. ``"rai"``: the randomized
        asymmetric initialisation of Lu et al. (2020) as in :class:`relubook.network.MLP`:
        each unit's ``fan_in`` weights and bias are drawn from ``N(0, 0.6007**2 / fan_in)``
        and one of these ``fan_in + 1`` numbers, chosen uniformly, is redrawn from
        ``Beta(2, 1)``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : numpy.ndarray
        Shape ``(n_nets, fan_in, fan_out)``.
    b : numpy.ndarray
        Shape ``(n_nets, fan_out)``.
    """
    if init == "he":
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(n_nets, fan_in, fan_out))
        return W, np.zeros((n_nets, fan_out))
    if init == "rai":
        V = rng.normal(0.0, RAI_SIGMA / np.sqrt(fan_in), size=(n_nets, fan_in + 1, fan_out))
        rows = rng.integers(0, fan_in + 1, size=(n_nets, fan_out))
        nets, cols = np.meshgrid(np.arange(n_nets), np.arange(fan_out), indexing="ij")
        V[nets, rows, cols] = rng.beta(2.0, 1.0, size=(n_nets, fan_out))
        return V[:, :-1, :], V[:, -1, :]
    raise ValueError(f"init must be one of {INITS}, got {init!r}")


def born_dead_curve(width: int, max_depth: int, *, n_nets: int = 2000, rng: np.random.Generator,
                    init: str = "he", n_points: int = 9,
                    interval: Sequence[float] = (-1.0, 1.0)) -> np.ndarray:
    """Monte Carlo probability of being born dead for depths ``1 .. max_depth``.

    Parameters
    ----------
    width : int
        Units per hidden layer.
    max_depth : int
        Largest number of hidden layers.
    n_nets : int
        Number of random networks (the standard error is at most ``0.5 / sqrt(n_nets)``).
    rng : numpy.random.Generator
        Source of randomness.
    init : {"he", "rai"}
        Initialisation (see :func:`init_layers`).
    n_points : int
        Grid points on the interval, at least 2 (ends included).
    interval : (float, float)
        The input domain.

    Returns
    -------
    numpy.ndarray
        Shape ``(max_depth,)``; entry ``d - 1`` is the fraction of the ``n_nets``
        networks whose ``d``-th hidden layer is constant over the grid: every unit's range over
        the grid is at most ``1e-12 * (1 + its largest value)``. Exact equality would let BLAS
        rounding decide (identical rows may be rounded differently); with zero biases a dead
        layer is exactly zero, so the tolerance matters only for "rai", whose surviving deep
        networks vary less and less with depth.
    """
    width = check_int(width, "width")
    max_depth = check_int(max_depth, "max_depth")
    n_nets = check_int(n_nets, "n_nets")
    n_points = check_int(n_points, "n_points", 2)
    rng = _check_rng(rng)
    lo, hi = _check_interval(interval)
    x = np.linspace(lo, hi, n_points)
    # a[net, point, unit]; nets that are already dead are dropped (deadness is absorbing)
    a = np.broadcast_to(x[None, :, None], (n_nets, n_points, 1)).copy()
    alive = n_nets
    dead_counts = np.zeros(max_depth, dtype=np.int64)
    fan_in = 1
    for d in range(max_depth):
        if alive:
            W, b = init_layers(fan_in, width, alive, init=init, rng=rng)
            a = np.maximum(np.matmul(a, W) + b[:, None, :], 0.0)
            # constant over the grid, up to rounding: BLAS may round identical rows differently, by an ulp
            top = a.max(axis=1)
            constant = np.all(top - a.min(axis=1) <= 1e-12 * (1.0 + np.abs(top)), axis=1)
            a = a[~constant]
            alive = a.shape[0]
            fan_in = width
        dead_counts[d] = n_nets - alive
    return dead_counts / n_nets


def born_dead_table(widths: Sequence[int], max_depth: int, *, n_nets: int = 2000,
                    rng: np.random.Generator, init: str = "he", n_points: int = 9,
                    interval: Sequence[float] = (-1.0, 1.0)) -> np.ndarray:
    """:func:`born_dead_curve` for several widths.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(widths), max_depth)``: row ``i`` is the curve for ``widths[i]``.
    """
    return np.stack([born_dead_curve(w, max_depth, n_nets=n_nets, rng=rng, init=init,
                                     n_points=n_points, interval=interval) for w in widths])


def single_point_bound(layer_widths: Sequence[int]) -> float:
    """``1 - prod_l (1 - 2**-N_l)``: the probability that one input point is collapsed.

    Exact for a single input ``x != 0``, zero biases and symmetric weights; an upper
    bound on the probability of being born dead on an interval containing 0 in that
    setting (see the module docstring).

    Parameters
    ----------
    layer_widths : sequence of int
        The widths ``N_1, ..., N_L`` of the hidden layers.

    Returns
    -------
    float
    """
    widths = [check_int(w, "layer width") for w in layer_widths]
    return float(1.0 - np.prod([1.0 - 2.0 ** -w for w in widths]))


def single_point_bound_curve(width: int, max_depth: int) -> np.ndarray:
    """:func:`single_point_bound` for ``depth = 1 .. max_depth`` layers of equal ``width``."""
    width = check_int(width, "width")
    depths = np.arange(1, check_int(max_depth, "max_depth") + 1)
    return 1.0 - (1.0 - 2.0 ** -width) ** depths


def network_outputs(depth: int, width: int, *, n_nets: int, rng: np.random.Generator,
                    init: str = "he", n_points: int = 101,
                    interval: Sequence[float] = (-1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """Outputs of ``n_nets`` freshly initialised networks over the input interval.

    The output layer is linear with one unit, weights ``N(0, 2 / width)`` for "he"
    (``init_layers`` for "rai").

    Returns
    -------
    x : numpy.ndarray
        The grid, shape ``(n_points,)``.
    outputs : numpy.ndarray
        Shape ``(n_nets, n_points)``.
    """
    depth = check_int(depth, "depth")
    width = check_int(width, "width")
    n_nets = check_int(n_nets, "n_nets")
    rng = _check_rng(rng)
    lo, hi = _check_interval(interval)
    x = np.linspace(lo, hi, check_int(n_points, "n_points", 2))
    a = np.broadcast_to(x[None, :, None], (n_nets, x.size, 1)).copy()
    fan_in = 1
    for _ in range(depth):
        W, b = init_layers(fan_in, width, n_nets, init=init, rng=rng)
        a = np.maximum(np.matmul(a, W) + b[:, None, :], 0.0)
        fan_in = width
    W, b = init_layers(fan_in, 1, n_nets, init=init, rng=rng)
    return x, (np.matmul(a, W) + b[:, None, :])[:, :, 0]


# ---------------------------------------------------------------------------- the widget's estimates
#: Seed of the widget's probability estimates (the same setting always gives the same number).
WIDGET_SEED = 12345
#: Depth to which one estimate is computed at a time (the widget's slider goes to 50).
WIDGET_DEPTHS = 50
#: Widths the widget's slider offers (each width's curve is computed when the slider first reaches it).
WIDGET_WIDTHS = tuple(range(2, 11))
#: Networks per estimate in the widget (standard error at most 0.5 / sqrt(2000) = 0.011).
WIDGET_NETS = 2000


@lru_cache(maxsize=64)
def _cached_curve(width: int, max_depth: int, n_nets: int, init: str) -> np.ndarray:
    curve = born_dead_curve(width, max_depth, n_nets=n_nets, rng=np.random.default_rng(WIDGET_SEED),
                            init=init, n_points=9)
    curve.flags.writeable = False
    return curve


def born_dead_probability(depth: int, width: int, *, n_nets: int = WIDGET_NETS, init: str = "he") -> float:
    """P(born dead) at ``depth`` from one cached curve per width (seed :data:`WIDGET_SEED`).

    The curve draws its layers in order from one seeded generator, so its entry at a depth
    does not depend on how deep the curve goes: one curve to depth 50 answers every depth
    of the slider, with exactly the number a curve stopped at that depth would give.
    """
    depth, width = check_int(depth, "depth"), check_int(width, "width")
    n_nets = check_int(n_nets, "n_nets")
    # one curve per width, computed when the slider first reaches that width (each curve has its own
    # seeded generator, so it does not depend on which widths were computed before it)
    curve = _cached_curve(width, max(depth, WIDGET_DEPTHS), n_nets, init)
    return float(curve[depth - 1])


@lru_cache(maxsize=512)
def _cached_outputs(depth: int, width: int, n_shown: int, init: str) -> tuple[np.ndarray, np.ndarray]:
    x, out = network_outputs(depth, width, n_nets=n_shown, rng=np.random.default_rng([WIDGET_SEED, depth, width]),
                             init=init)
    out.flags.writeable = False
    return x, out


def shown_networks(depth: int, width: int, *, n_shown: int = 6, init: str = "he") -> tuple[np.ndarray, np.ndarray]:
    """Outputs over [-1, 1] of the ``n_shown`` networks the widget draws (seeded by the setting; cached)."""
    depth, width = check_int(depth, "depth"), check_int(width, "width")
    return _cached_outputs(depth, width, check_int(n_shown, "n_shown"), init)


def wilson_interval(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (95 % by default) for a fraction ``p`` observed in ``n`` trials."""
    n = check_int(n, "n")
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
