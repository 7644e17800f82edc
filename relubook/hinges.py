"""One-input ReLU units as hinges, and functions built from sums of hinges (chapter 1).

A neuron with one input computes ``relu(w * x + b)``: a straight line bent once, at
``x = -b / w``, its *hinge*. A sum ``c + sum_j a_j * relu(x - t_j)`` is a
piecewise-linear function whose slope changes by ``a_j`` at each ``t_j``. This module
computes those objects; the widgets of :mod:`relubook.widgets.definition` draw them and
the checkers of :mod:`relubook.checks.definition` use them.

Typical use::

    from relubook import hinges
    hinges.hinge_location(2.0, -1.0)          # 0.5
    curve, error = hinges.fit_hinges(8)       # sin x fitted by 8 hinges
    hinges.hinge_sum([(1, -1), (-2, 0), (1, 1)], x)   # the hat function
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._args import check_int

__all__ = [
    "HINGE_INTERVAL",
    "NEURON_TARGET",
    "NEURON_TOL",
    "NEURON_X",
    "fit_hinges",
    "hat",
    "hinge_grid",
    "hinge_knots",
    "hinge_location",
    "hinge_sum",
    "kinks_and_slopes",
    "neuron_gap",
    "neuron_matched",
    "neuron_output",
    "convergence_order",
    "random_smooth_target",
]

# ----------------------------------------------------------------------------
# One neuron
# ----------------------------------------------------------------------------
#: Inputs on which the neuron explorer draws (and compares with the target).
NEURON_X = np.linspace(-3.0, 3.0, 601)
#: The target of the widget exercise: the neuron ``relu(w * x + b)`` with these ``(w, b)``.
NEURON_TARGET = (-2.0, 1.0)
#: Largest gap between a neuron and the target on :data:`NEURON_X` that counts as "matched".
NEURON_TOL = 0.1


def _as_number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def neuron_output(w: float, b: float, x=None) -> np.ndarray:
    """The output ``relu(w * x + b)`` of a one-input neuron (on :data:`NEURON_X` by default).

    Raises
    ------
    TypeError
        If ``w`` or ``b`` is not a real number.
    ValueError
        If ``w`` or ``b`` is not finite.
    """
    w, b = _as_number(w, "w"), _as_number(b, "b")
    xs = NEURON_X if x is None else np.asarray(x, dtype=float)
    return np.maximum(0.0, w * xs + b)


def hinge_location(w: float, b: float) -> float | None:
    """Where ``w * x + b`` crosses 0, ``-b / w``; ``None`` when ``w == 0`` (no hinge)."""
    w, b = _as_number(w, "w"), _as_number(b, "b")
    if w == 0:
        return None
    return -b / w + 0.0  # + 0.0 turns -0.0 into 0.0


def neuron_gap(w: float, b: float, target: tuple[float, float] = NEURON_TARGET) -> float:
    """Largest distance between the neuron ``(w, b)`` and the ``target`` neuron on :data:`NEURON_X`."""
    return float(np.max(np.abs(neuron_output(w, b) - neuron_output(*target))))


def neuron_matched(w: float, b: float, target: tuple[float, float] = NEURON_TARGET,
                   tol: float = NEURON_TOL) -> bool:
    """True when the neuron ``(w, b)`` is within ``tol`` of ``target`` everywhere on :data:`NEURON_X`."""
    return neuron_gap(w, b, target) <= tol


# ----------------------------------------------------------------------------
# Sums of hinges
# ----------------------------------------------------------------------------
#: The interval on which the hinge widget fits its target.
HINGE_INTERVAL = (-np.pi, np.pi)


def hinge_grid(n_points: int = 401, interval: tuple[float, float] = HINGE_INTERVAL) -> np.ndarray:
    """Evenly spaced inputs on ``interval`` where the fit is made and measured."""
    return np.linspace(interval[0], interval[1], n_points)


def hinge_knots(k: int, interval: tuple[float, float] = HINGE_INTERVAL) -> np.ndarray:
    """Fixed hinge positions of ``k`` units: the midpoints of ``k`` equal cells of ``interval``.

    Raises
    ------
    ValueError
        If ``k`` is not a positive integer.
    """
    check_int(k, "k", 1)
    left, right = interval
    return left + (right - left) * (np.arange(int(k)) + 0.5) / int(k)


def fit_hinges(k: int, target: Callable = np.sin, *, n_points: int = 401,
               interval: tuple[float, float] = HINGE_INTERVAL, linear: bool = False) -> tuple[np.ndarray, float]:
    """Least-squares fit of ``target`` by a constant plus ``k`` ReLU hinges at fixed positions.

    The model is ``c + sum_j a_j * relu(x - t_j)`` with the knots ``t_j`` of
    :func:`hinge_knots`: a one-hidden-layer ReLU network whose hidden weights are
    fixed (``w = 1``, ``b = -t_j``) and whose output weights ``a_j`` and bias ``c`` are
    fitted by linear least squares.

    Parameters
    ----------
    k : int
        Number of ReLU units (hinges), at least 1.
    target : callable
        The function to approximate, applied to the grid of :func:`hinge_grid`.
    n_points : int
        Number of grid points.
    interval : (float, float)
        Where to fit.
    linear : bool
        Add one linear term ``d * x`` to the model. Without it the model is flat left of its
        first hinge, which limits how fast the error falls (see :func:`convergence_order`).

    Returns
    -------
    curve : ndarray
        The fitted function on ``hinge_grid(n_points, interval)``.
    error : float
        Root-mean-square error of the fit on that grid.
    """
    x = hinge_grid(n_points, interval)
    knots = hinge_knots(k, interval)
    y = np.asarray(target(x), dtype=float)
    if not isinstance(linear, (bool, np.bool_)):
        raise TypeError(f"linear must be True or False, got {type(linear).__name__}")
    columns = [np.ones_like(x), *([x] if linear else [])]
    design = np.column_stack([*columns, np.maximum(0.0, x[:, None] - knots[None, :])])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    curve = design @ coef
    error = float(np.sqrt(np.mean((curve - y) ** 2)))
    return curve, error


def convergence_order(k: int, target: Callable = np.sin, *, linear: bool = False, n_points: int = 401,
                      interval: tuple[float, float] = HINGE_INTERVAL) -> float:
    """The observed order ``p`` of the hinge fit between ``k`` and ``2k`` hinges: error ``~ k**-p``.

    ``p = log2(error(k) / error(2k))`` with the errors of :func:`fit_hinges`. A piecewise-linear
    fit of a smooth function has error ``~ k**-2``; the model without a linear term is flat left
    of its first hinge, which adds an error ``~ k**-1.5`` when the target's slope there is not 0.
    """
    check_int(k, "k", 1)
    coarse = fit_hinges(k, target, n_points=n_points, interval=interval, linear=linear)[1]
    fine = fit_hinges(2 * int(k), target, n_points=n_points, interval=interval, linear=linear)[1]
    return float(np.log2(coarse / fine))


def random_smooth_target(seed: int, modes: int = 3) -> Callable[[np.ndarray], np.ndarray]:
    """A random smooth function on ``[-pi, pi]``: ``sum_m (a_m cos(m x) + b_m sin(m x)) / m``, ``m = 1..modes``.

    The coefficients are standard normal draws from ``np.random.default_rng(seed)``; the ``1/m``
    keeps the higher modes small, as in a smooth curve.

    Raises
    ------
    TypeError, ValueError
        If ``seed`` or ``modes`` is not a non-negative (``modes``: positive) integer.
    """
    check_int(seed, "seed", 0)
    check_int(modes, "modes", 1)
    rng = np.random.default_rng(int(seed))
    a, b = rng.standard_normal(int(modes)), rng.standard_normal(int(modes))
    m = np.arange(1, int(modes) + 1)

    def target(x):
        xs = np.asarray(x, dtype=float)[..., None]
        return np.sum((a * np.cos(m * xs) + b * np.sin(m * xs)) / m, axis=-1)

    return target


def _as_hinges(hinges) -> np.ndarray:
    """``hinges`` as a float array of shape ``(n, 2)``: one ``(a, t)`` row per hinge."""
    if isinstance(hinges, (str, bytes)):
        raise TypeError("hinges must be a list of (a, t) pairs, not text")
    try:
        arr = np.asarray(hinges, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("hinges must be a list of (a, t) pairs of numbers") from None
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"hinges must be a list of (a, t) pairs, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("every a and t in hinges must be finite")
    return arr


def hinge_sum(hinges: Sequence[tuple[float, float]], x, c: float = 0.0) -> np.ndarray:
    """``c + sum_j a_j * relu(x - t_j)`` for ``hinges = [(a_1, t_1), (a_2, t_2), ...]``.

    Each term is zero left of its hinge ``t_j`` and adds slope ``a_j`` right of it.

    Raises
    ------
    TypeError
        If ``hinges`` is not a list of pairs of numbers.
    ValueError
        If a pair has the wrong length or a value is not finite.
    """
    arr = _as_hinges(hinges)
    xs = np.asarray(x, dtype=float)
    out = np.full(xs.shape, float(c))
    for a, t in arr:
        out = out + a * np.maximum(0.0, xs - t)
    return out


def hat(x) -> np.ndarray:
    """The hat (triangle) function: ``1 - |x|`` on ``[-1, 1]`` and 0 elsewhere."""
    return np.maximum(0.0, 1.0 - np.abs(np.asarray(x, dtype=float)))


def kinks_and_slopes(hinges: Sequence[tuple[float, float]], *, left_slope: float = 0.0):
    """Where ``sum_j a_j * relu(x - t_j)`` bends, and its slope on each piece.

    Hinges at the same place are merged and hinges whose weights cancel there (up to
    rounding) are dropped (no bend). The slope left of every hinge is ``left_slope``.

    Returns
    -------
    kinks : list of float
        The bends, in increasing order.
    slopes : list of float
        ``len(kinks) + 1`` slopes, from the leftmost piece to the rightmost.
    """
    arr = _as_hinges(hinges)
    kinks, slopes = [], [float(left_slope)]
    # weights that cancel up to rounding (0.1 + 0.2 - 0.3) make no bend
    tiny = 1e-12 * max(1.0, float(np.abs(arr[:, 0]).max())) if len(arr) else 0.0
    for t in np.unique(arr[:, 1]) if len(arr) else []:
        change = float(arr[arr[:, 1] == t, 0].sum())
        if abs(change) > tiny:
            kinks.append(float(t))
            slopes.append(slopes[-1] + change)
    return kinks, slopes
