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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import activations
from ._args import check_int

__all__ = ["iterate_variance_map", "layer_moments", "lecun_normal_weights", "map_slope_at_fixed_point",
           "variance_map"]


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
