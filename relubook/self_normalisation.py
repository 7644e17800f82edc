"""SELU's self-normalisation: how the mean and variance of activations move from layer to layer.

Klambauer et al. (2017) choose SELU's constants so that, with weights of mean 0
and variance ``1 / fan_in`` (LeCun normal), mean 0 and variance 1 are a fixed
point of the map from one layer's activation moments to the next one's, and
that fixed point attracts. This module measures it in a random dense network
(:func:`layer_moments`) and computes it from the map itself
(:func:`variance_map`, :func:`iterate_variance_map`).

The map, for weights of mean 0 whose squared column sums are about 1 (what
LeCun-normal weights give): a layer whose input has second moment ``nu``
(variance plus squared mean) gives pre-activations that are, over units and
samples, about ``N(0, nu)``. The input's mean enters only through ``nu``: the
zero-mean weights turn it into a spread of the units' means. The next layer's
second moment is then ``E[f(z)^2]``, and its mean and variance are those of
``f(z)``.

Chapter 2's machinery applied to every variant (:func:`gaussian_moments`, :func:`matched_std`,
:func:`backward_gain`, :func:`gradient_flow`, :func:`predicted_ratio`, :func:`forward_slope`): with weights
of variance ``sigma^2``, a layer keeps the mean square of its pre-activations at 1 when
``sigma^2 fan_in E[f(z)^2] = 1`` (the *matched* initialisation: He's ``2 / fan_in`` for ReLU,
``2 / ((1 + alpha^2) fan_in)`` for Leaky ReLU and PReLU, LeCun's ``1 / fan_in`` for SELU), and then
multiplies the mean square of the back-propagated gradient by
``sigma^2 fan_in E[f'(z)^2] = E[f'(z)^2] / E[f(z)^2]``, the *backward gain*.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from . import activations
from ._args import check_int

__all__ = ["backward_gain", "forward_slope", "gaussian_moments", "gradient_flow", "iterate_variance_map",
           "layer_moments", "lecun_normal_weights", "map_slope_at_fixed_point", "matched_std",
           "predicted_ratio", "variance_map"]


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator or an integer seed, got {type(rng).__name__}")


def lecun_normal_weights(width: int, depth: int, rng) -> list[np.ndarray]:
    """``depth`` square weight matrices drawn from N(0, 1 / width) (LeCun normal).

    Parameters
    ----------
    width, depth : int
        Units per layer and number of layers (positive).
    rng : numpy Generator or int
        The random generator, or a seed.
    """
    for name, v in (("width", width), ("depth", depth)):
        check_int(v, name, 1)
    gen = _rng(rng)
    return [gen.normal(0.0, 1.0 / math.sqrt(width), (width, width)) for _ in range(depth)]


def layer_moments(name: str, h0: np.ndarray, weights: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of every layer's output in the network ``h_l = f(h_{l-1} @ W_l)``.

    Parameters
    ----------
    name : str
        Registry name of the activation ``f`` (default parameters).
    h0 : ndarray, shape (samples, width)
        The input.
    weights : sequence of ndarray
        One matrix per layer.

    Returns
    -------
    means, variances : ndarray
        One value per layer, over all samples and units.
    """
    act = activations.get(name)
    h = np.asarray(h0, dtype=np.float64)
    if h.ndim != 2:
        raise ValueError(f"h0 must be a 2-D array (samples, width), got shape {h.shape}")
    if len(weights) == 0:
        raise ValueError("weights must hold at least one matrix")
    means, variances = [], []
    for w in weights:
        h = act.forward(h @ w, **act.params)
        means.append(h.mean())
        variances.append(h.var())
    return np.array(means), np.array(variances)


def variance_map(nu: float, name: str = "selu") -> tuple[float, float]:
    """``(E f(z), Var f(z))`` for ``z ~ N(0, nu)``, by quadrature: one step of the moment map.

    Parameters
    ----------
    nu : float
        The variance of the layer's input (positive).
    name : str
        Registry name (default SELU).
    """
    if isinstance(nu, bool) or not isinstance(nu, (int, float, np.integer, np.floating)):
        raise TypeError(f"nu must be a number, got {type(nu).__name__}")
    if not nu > 0:
        raise ValueError(f"nu must be positive, got {nu}")
    act = activations.get(name)
    sd = math.sqrt(float(nu))

    def moment(p: int) -> float:
        def integrand(t: float) -> float:
            return float(act.forward(sd * t, **act.params)) ** p * math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)

        from scipy import integrate  # loaded on first use (a tenth of a second)

        return sum(integrate.quad(integrand, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
                   for lo, hi in [(-40.0, 0.0), (0.0, 40.0)])

    mean = moment(1)
    return mean, moment(2) - mean**2


def iterate_variance_map(nu0: float, depth: int, name: str = "selu") -> np.ndarray:
    """The output variances of layers ``1 .. depth`` that the moment map predicts.

    Parameters
    ----------
    nu0 : float
        Second moment (variance plus squared mean) of the network's input.
    depth : int
        Number of layers.
    name : str
        Registry name (default SELU).
    """
    check_int(depth, "depth", 1)
    out, nu = [], float(nu0)
    for _ in range(depth):
        mean, var = variance_map(nu, name)
        out.append(var)
        nu = var + mean**2  # the next layer's input second moment
    return np.array(out)


def map_slope_at_fixed_point(name: str = "selu", h: float = 1e-5) -> float:
    """``d E[f(z)^2] / d nu`` at ``nu = 1``: the factor by which one layer shrinks a small error of the
    second moment (below 1: the fixed point attracts)."""
    up, down = variance_map(1 + h, name), variance_map(1 - h, name)
    return ((up[1] + up[0] ** 2) - (down[1] + down[0] ** 2)) / (2 * h)


# ----------------------------------------------------------------------------
# Chapter 2's machinery for every variant: moments, matched initialisation, gradient flow
# ----------------------------------------------------------------------------
def _params(name: str, params: Mapping | None) -> dict:
    act = activations.get(name)
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping such as {{'alpha': 0.25}}, got {type(params).__name__}")
    out = {**act.params, **(params or {})}
    unknown = set(out) - set(act.params)
    if unknown:
        raise ValueError(f"params: {sorted(unknown)} are not parameters of {name!r} (it has {sorted(act.params)})")
    return out


def gaussian_moments(name: str, params: Mapping | None = None) -> dict[str, float]:
    """``E f(z)``, ``E f(z)^2`` and ``E f'(z)^2`` for ``z ~ N(0, 1)``, by quadrature.

    Parameters
    ----------
    name : str
        Registry name of the activation.
    params : mapping, optional
        Its parameters (default: the registry's).

    Returns
    -------
    dict
        ``{"mean": E f, "mean_square": E f^2, "grad_square": E f'^2}``.

    Examples
    --------
    >>> m = gaussian_moments("relu")
    >>> round(m["mean_square"], 12), round(m["grad_square"], 12)
    (0.5, 0.5)
    """
    act = activations.get(name)
    p = _params(name, params)

    def expect(g) -> float:
        from scipy import integrate  # loaded on first use

        def integrand(t: float) -> float:
            return g(t) * math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)

        return sum(integrate.quad(integrand, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
                   for lo, hi in [(-40.0, 0.0), (0.0, 40.0)])

    return {"mean": expect(lambda t: float(act.forward(t, **p))),
            "mean_square": expect(lambda t: float(act.forward(t, **p)) ** 2),
            "grad_square": expect(lambda t: float(act.grad(t, **p)) ** 2)}


def matched_std(name: str, fan_in: int, params: Mapping | None = None) -> float:
    """The weight standard deviation ``1 / sqrt(fan_in E[f(z)^2])`` that keeps the mean square at 1.

    For ReLU it is He's ``sqrt(2 / fan_in)``, for Leaky ReLU and PReLU
    ``sqrt(2 / ((1 + alpha^2) fan_in))`` and for SELU LeCun's ``sqrt(1 / fan_in)``.
    """
    fan_in = check_int(fan_in, "fan_in", 1)
    return 1.0 / math.sqrt(fan_in * gaussian_moments(name, params)["mean_square"])


def backward_gain(name: str, params: Mapping | None = None) -> float:
    """``E[f'(z)^2] / E[f(z)^2]``: the factor by which one layer with the matched initialisation
    multiplies the mean square of the back-propagated gradient (1 for ReLU, Leaky ReLU and PReLU)."""
    m = gaussian_moments(name, params)
    return m["grad_square"] / m["mean_square"]


def _gradient_flow(name: str, p: dict, depth: int, width: int, seed: int, n_samples: int,
                   std: float) -> tuple[float, float]:
    act = activations.get(name)
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((n_samples, width))
    zs, ws = [], []
    for layer in range(depth):
        # the input has mean square 1, so the first layer gets 1 / fan_in; every later layer the matched std
        w = rng.standard_normal((width, width)) * (std if layer else 1.0 / math.sqrt(width))
        z = h @ w
        h = act.forward(z, **p)
        zs.append(z)
        ws.append(w)
    grad_h = rng.standard_normal(h.shape) / n_samples  # a random linear read-out of the last layer
    norms = {}
    for layer in range(depth - 1, -1, -1):
        grad_z = grad_h * act.grad(zs[layer], **p)
        if layer in (0, depth - 1):
            norms[layer] = float(np.linalg.norm(grad_z))
        grad_h = grad_z @ ws[layer].T
    return norms[0] / norms[depth - 1], float(np.mean(zs[-1] ** 2))


def gradient_flow(name: str, depth: int, width: int, seeds: Iterable[int], *, n_samples: int = 32,
                  params: Mapping | None = None, std: float | None = None) -> dict[str, np.ndarray]:
    """Gradient flow at initialisation through ``depth`` layers, one network per seed.

    The network is chapter 2's: ``depth`` square dense layers without biases, standard normal
    input, a random linear read-out. The first layer's weights have standard deviation
    ``1 / sqrt(width)`` (its input has mean square 1); every later layer's have ``std``
    (default: :func:`matched_std`).

    Parameters
    ----------
    name : str
        Registry name of the activation.
    depth, width : int
        Number of layers and units per layer.
    seeds : iterable of int
        One network (input, weights and read-out) per seed.
    n_samples : int
        Inputs in the batch.
    params : mapping, optional
        The activation's parameters (default: the registry's).
    std : float, optional
        The weights' standard deviation after the first layer (default: the matched one).

    Returns
    -------
    dict
        ``"ratio"``: ``|dL/dz_1| / |dL/dz_depth|`` per seed (1: the gradient reaches the first layer
        at the size it left the last one); ``"last_mean_square"``: the mean square of the last
        layer's pre-activations per seed (1 if the forward signal kept its size).
    """
    depth = check_int(depth, "depth", 2)
    width = check_int(width, "width", 1)
    n_samples = check_int(n_samples, "n_samples", 1)
    seeds = [check_int(s, "seeds", 0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    p = _params(name, params)
    if std is None:
        std = matched_std(name, width, p)
    elif isinstance(std, bool) or not isinstance(std, (int, float, np.floating)) or not std > 0:
        raise ValueError(f"std must be a positive number, got {std!r}")
    runs = np.array([_gradient_flow(name, p, depth, width, s, n_samples, float(std)) for s in seeds])
    return {"ratio": runs[:, 0], "last_mean_square": runs[:, 1]}


def predicted_ratio(name: str, depth: int, params: Mapping | None = None) -> float:
    """``sqrt(backward_gain) ** (depth - 1)``: the gradient ratio of :func:`gradient_flow` that the
    one-layer argument predicts when every layer's pre-activations keep mean square 1."""
    depth = check_int(depth, "depth", 2)
    return math.sqrt(backward_gain(name, params)) ** (depth - 1)


def forward_slope(name: str, h: float = 1e-5) -> float:
    """With the matched initialisation, ``d q_next / d q`` at ``q = 1``: how one layer changes a small
    error of the pre-activations' mean square ``q`` (below 1: back to 1; 1: kept; above 1: it grows,
    and the fixed point ``q = 1`` is unstable)."""
    def second_moment(nu: float) -> float:
        mean, var = variance_map(nu, name)
        return var + mean**2

    return (second_moment(1 + h) - second_moment(1 - h)) / (2 * h * second_moment(1.0))
