"""Signal and gradient propagation through a deep MLP at initialisation.

The network is a stack of ``depth`` square fully connected layers of ``width``
units, without biases (biases start at zero in the usual initialisations):
``z_l = h_{l-1} @ W_l`` and ``h_l = f(z_l)``, with ``h_0 = x`` drawn from a
standard normal distribution. Weights are drawn from a zero-mean normal
distribution whose standard deviation is set by ``init``:

``"he"``
    ``sqrt(2 / fan_in)`` (He et al., 2015), for ReLU; ``sqrt(2 / ((1 + alpha**2) fan_in))``
    for leaky ReLU and PReLU, as derived in the same paper.
``"glorot"`` (also ``"xavier"``)
    ``sqrt(2 / (fan_in + fan_out))``, the "normalised" initialisation of
    Glorot & Bengio (2010), a compromise between the forward and the backward
    condition for symmetric, near-linear units.
``"lecun"``
    ``sqrt(1 / fan_in)`` (LeCun et al., 1998, "LeCun normal"). In the square
    layers of this module ``fan_out = fan_in``, so it is the same number as
    Glorot's; the names differ, and so do the values in any non-square layer.
``"default"``
    ``"he"`` for the ReLU family (relu, leaky_relu, prelu, relu6), ``"glorot"``
    for every other activation.
a number, a callable or a sequence
    A fixed standard deviation; a function ``fan_in -> std``; or one standard
    deviation per layer.

Every function takes the random generator (or an integer seed) explicitly, so
the same call gives the same numbers.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np

from . import activations
from ._args import check_int

__all__ = [
    "FLOW_ACTIVATIONS",
    "FLOW_MAX_DEPTH",
    "FLOW_SAMPLES",
    "FLOW_SEED",
    "FLOW_WIDTH",
    "INIT_NAMES",
    "RELU_FAMILY",
    "gradient_flow",
    "gradient_norms_over_seeds",
    "vanishing_depth",
    "activation_rms",
    "activation_stds",
    "gradient_norms",
    "init_std",
    "layer_stds",
    "numerical_gradient",
    "per_layer_factor",
]

#: Activations whose "default" initialisation is He's.
RELU_FAMILY = ("relu", "leaky_relu", "prelu", "relu6")


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator or an integer seed, got {type(rng).__name__}")


INIT_NAMES = ("he", "glorot", "xavier", "lecun", "default")


def init_std(init: str | float, fan_in: int, activation: str = "relu", scale: float = 1.0,
             fan_out: int | None = None) -> float:
    """Standard deviation of a layer's weights for a named initialisation.

    Parameters
    ----------
    init : {"he", "glorot", "xavier", "lecun", "default"} or float
        The scheme (see the module docstring) or a fixed standard deviation.
    fan_in : int
        Number of inputs of the layer.
    activation : str
        Registry name of the activation (decides "default", and alpha for "he").
    scale : float
        Multiplies the result (``scale = 1`` is the scheme itself).
    fan_out : int, optional
        Number of outputs of the layer, used by "glorot" only; ``fan_in`` if
        omitted (a square layer).

    Returns
    -------
    float

    Examples
    --------
    >>> round(init_std("he", 64), 4), round(init_std("lecun", 64), 4), round(init_std("glorot", 64, fan_out=192), 4)
    (0.1768, 0.125, 0.0884)
    """
    fan_in = check_int(fan_in, "fan_in")
    fan_out = fan_in if fan_out is None else check_int(fan_out, "fan_out")
    act = activations.get(activation)
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        return float(init) * scale
    if init == "default":
        init = "he" if activation in RELU_FAMILY else "glorot"
    if init == "he":
        alpha = float(act.params.get("alpha", 0.0)) if activation != "relu6" else 0.0
        return scale * math.sqrt(2.0 / ((1.0 + alpha * alpha) * fan_in))
    if init in ("glorot", "xavier"):
        return scale * math.sqrt(2.0 / (fan_in + fan_out))
    if init == "lecun":
        return scale * math.sqrt(1.0 / fan_in)
    raise ValueError(f"init must be one of {', '.join(map(repr, INIT_NAMES))}, a number, a function or a list; "
                     f"got {init!r}")


def layer_stds(init, depth: int, width: int, activation: str = "relu", scale: float = 1.0) -> np.ndarray:
    """The weight standard deviation of every layer, as an array of length ``depth``.

    ``init`` may be a scheme name, a number, a function ``fan_in -> std`` or a
    sequence of ``depth`` numbers. Raises ``ValueError`` unless every standard
    deviation is a finite number >= 0.
    """
    depth = check_int(depth, "depth")
    width = check_int(width, "width")
    if callable(init):
        stds = np.array([float(init(width)) for _ in range(depth)]) * scale
    elif isinstance(init, (str, numbers.Real)):
        stds = np.full(depth, init_std(init, width, activation, scale))
    elif isinstance(init, Sequence | np.ndarray):
        stds = np.asarray(init, dtype=float).reshape(-1) * scale
        if stds.size != depth:
            raise ValueError(f"expected {depth} standard deviations, one per layer, got {stds.size}")
    else:
        raise TypeError(f"init must be a name, a number, a function or a list, got {type(init).__name__}")
    if not np.all(np.isfinite(stds)) or np.any(stds < 0):
        raise ValueError("every weight standard deviation must be a finite number >= 0")
    return stds


def _forward(depth, width, activation, init, rng, n_samples, scale):
    rng = _rng(rng)
    n_samples = check_int(n_samples, "n_samples")
    act = activations.get(activation)
    stds = layer_stds(init, depth, width, activation, scale)
    h = rng.standard_normal((n_samples, width))
    hs, zs, ws = [h], [], []
    for std in stds:
        w = rng.standard_normal((width, width)) * std
        z = h @ w
        h = act.forward(z)
        ws.append(w)
        zs.append(z)
        hs.append(h)
    return act, rng, hs, zs, ws


def _pooled_second_moments(depth, width, activation, init, rng, n_samples, scale, n_networks,
                           centred: bool) -> np.ndarray:
    """Per-layer variance (``centred``) or mean square of the activations, averaged over networks."""
    rng = _rng(rng)
    n_networks = check_int(n_networks, "n_networks")
    moments = np.zeros(check_int(depth, "depth") + 1)
    for _ in range(n_networks):
        _, _, hs, _, _ = _forward(depth, width, activation, init, rng, n_samples, scale)
        moments += np.array([h.var() if centred else np.mean(np.square(h)) for h in hs])
    return moments / n_networks


def activation_stds(depth: int, width: int, activation: str = "relu", init="default",
                    rng: np.random.Generator | int = 0, n_samples: int = 256, *,
                    scale: float = 1.0, n_networks: int = 1) -> np.ndarray:
    """Standard deviation of the input and of every layer's output, at initialisation.

    This is the spread around the mean. A ReLU layer's outputs are never
    negative, so their mean is positive and their standard deviation is
    smaller than their root mean square (about ``sqrt(1 - 1/pi) = 0.83``
    times it); He initialisation keeps the root mean square, see
    :func:`activation_rms`.

    Parameters
    ----------
    depth, width : int
        Number of layers and units per layer.
    activation : str
        Registry name, e.g. ``"relu"``.
    init : str, float, callable or sequence
        Weight initialisation (see the module docstring).
    rng : Generator or int
        Source of the input batch and of the weights.
    n_samples : int
        Batch size.
    scale : float
        Multiplies every weight standard deviation.
    n_networks : int
        Number of independently drawn networks (each with its own input
        batch); their variances are averaged. One narrow network fluctuates
        from layer to layer by a random factor of relative size about
        ``sqrt(depth / width)``; averaging several shows the expected trend.

    Returns
    -------
    ndarray of shape (depth + 1,)
        Entry 0 is the standard deviation of the input, entry ``l`` that of
        ``h_l`` (over every sample, unit and network).
    """
    return np.sqrt(_pooled_second_moments(depth, width, activation, init, rng, n_samples, scale,
                                          n_networks, centred=True))


def activation_rms(depth: int, width: int, activation: str = "relu", init="default",
                   rng: np.random.Generator | int = 0, n_samples: int = 256, *,
                   scale: float = 1.0, n_networks: int = 1) -> np.ndarray:
    """Root mean square ``sqrt(mean(h**2))`` of the input and of every layer's output, at initialisation.

    This is the quantity He et al.'s derivation keeps: with weight variance
    ``2 / fan_in`` a ReLU layer's expected mean square ``E[h_l**2]`` equals
    that of its input ``E[h_{l-1}**2]``. Unlike :func:`activation_stds` it
    does not subtract the mean, which is positive after a ReLU.

    Parameters
    ----------
    depth, width, activation, init, rng, n_samples, scale, n_networks
        As in :func:`activation_stds`; with several networks the mean squares
        are averaged before the square root is taken. The same arguments
        (and seed) draw the same networks in both functions.

    Returns
    -------
    ndarray of shape (depth + 1,)
        Entry 0 is the RMS of the input, entry ``l`` that of ``h_l`` (over
        every sample, unit and network).
    """
    return np.sqrt(_pooled_second_moments(depth, width, activation, init, rng, n_samples, scale,
                                          n_networks, centred=False))


def gradient_norms(depth: int, width: int, activation: str = "relu", init="default",
                   rng: np.random.Generator | int = 0, n_samples: int = 64, *, scale: float = 1.0,
                   wrt: str = "weights", readout: str = "linear") -> np.ndarray:
    """Norm of the gradient that reaches every layer, at initialisation.

    By default the loss is a random linear read-out of the last layer,
    ``L = mean over samples of g . h_depth`` with ``g`` standard normal, so
    that the gradient arriving at the top has the same size whatever the
    activation and the weight scale. With ``readout="squared"`` it is the squared error
    ``L = mean over samples of ||h_depth - t||^2 / 2`` against a standard-normal target ``t``
    (drawn where ``g`` would be), whose gradient ``h_depth - t`` depends on the network's output.
    The gradient is then propagated back with the chain rule:
    ``dL/dz_l = dL/dh_l * f'(z_l)``, ``dL/dW_l = h_{l-1}^T dL/dz_l`` and
    ``dL/dh_{l-1} = dL/dz_l W_l^T``.

    Parameters
    ----------
    depth, width, activation, init, rng, n_samples, scale
        As in :func:`activation_stds`.
    wrt : {"weights", "preactivations"}
        Report the Frobenius norm of ``dL/dW_l`` (what gradient descent uses)
        or of ``dL/dz_l``.
    readout : {"linear", "squared"}
        The loss on the last layer (see above).

    Returns
    -------
    ndarray of shape (depth,)
        Entry ``l - 1`` belongs to layer ``l``: entry 0 is the first layer
        (next to the input), entry -1 the last.
    """
    if wrt not in ("weights", "preactivations"):
        raise ValueError(f"wrt must be 'weights' or 'preactivations', got {wrt!r}")
    if readout not in ("linear", "squared"):
        raise ValueError(f"readout must be 'linear' or 'squared', got {readout!r}")
    act, rng, hs, zs, ws = _forward(depth, width, activation, init, rng, n_samples, scale)
    top = rng.standard_normal(hs[-1].shape)          # the read-out g, or the target t
    grad_h = (top if readout == "linear" else hs[-1] - top) / hs[-1].shape[0]
    norms = np.empty(len(ws))
    for layer in range(len(ws) - 1, -1, -1):
        grad_z = grad_h * act.grad(zs[layer])
        if wrt == "weights":
            norms[layer] = np.linalg.norm(hs[layer].T @ grad_z)
        else:
            norms[layer] = np.linalg.norm(grad_z)
        grad_h = grad_z @ ws[layer].T
    return norms


def per_layer_factor(values: Sequence[float] | np.ndarray) -> float:
    """Geometric-mean growth factor per step of a positive sequence.

    ``(values[-1] / values[0]) ** (1 / (len(values) - 1))``: 1 means the
    quantity is kept, 0.5 that it halves at every layer.
    """
    v = np.asarray(values, dtype=float).reshape(-1)
    if v.size < 2 or np.any(v <= 0):
        raise ValueError("need at least two positive values")
    return float(np.exp(np.log(v[-1] / v[0]) / (v.size - 1)))


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    """Central finite-difference gradient of a scalar function of an array.

    ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every element ``i``; ``x``
    itself is not modified (the function sees perturbed copies).

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a number.
    x : array_like
        The point (converted to float64).
    h : float
        Step size.

    Returns
    -------
    ndarray shaped like ``x``
    """
    base = np.array(x, dtype=np.float64)
    grad = np.empty_like(base)
    flat = grad.reshape(-1)
    for i in range(base.size):
        plus, minus = base.copy(), base.copy()
        plus.reshape(-1)[i] += h
        minus.reshape(-1)[i] -= h
        flat[i] = (float(f(plus)) - float(f(minus))) / (2 * h)
    return grad


def gradient_norms_over_seeds(depth: int, width: int, activation: str = "relu", init="default",
                              seeds: Sequence[int] = range(10), n_samples: int = 64, *, scale: float = 1.0,
                              wrt: str = "preactivations", readout: str = "linear") -> np.ndarray:
    """:func:`gradient_norms` for several independently drawn networks, one per seed.

    Parameters
    ----------
    depth, width, activation, init, n_samples, scale, wrt, readout
        As in :func:`gradient_norms` (here ``wrt`` defaults to the back-propagated
        signal ``dL/dz_l``).
    seeds : sequence of int
        One network (weights, input batch and read-out) per seed.

    Returns
    -------
    ndarray of shape (len(seeds), depth)
        Row ``i`` is the network drawn with ``seeds[i]``.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    return np.array([gradient_norms(depth, width, activation, init, int(s), n_samples, scale=scale, wrt=wrt,
                                    readout=readout) for s in seeds])


# ----------------------------------------------------------------------------
# The gradient-flow experiment of chapter 2 (its widget draws these numbers)
# ----------------------------------------------------------------------------
#: The gradient-flow experiment's fixed setting: every depth uses the same seed,
#: so the widget and the exercise checker always see the same networks.
FLOW_SEED = 2
FLOW_WIDTH = 64
FLOW_SAMPLES = 32
FLOW_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
#: The deepest network of the widget's slider.
FLOW_MAX_DEPTH = 50


def gradient_flow(activation: str, depth: int, init_scale: float = 1.0, wrt: str = "preactivations") -> np.ndarray:
    """Per-layer gradient norms of chapter 2's gradient-flow network (first layer first).

    A ``depth``-layer bias-free MLP of width :data:`FLOW_WIDTH` on
    :data:`FLOW_SAMPLES` standard-normal inputs, initialised with ``init_scale``
    times the recommended standard deviation (He for ReLU and leaky ReLU,
    Glorot for sigmoid and tanh), seeded with :data:`FLOW_SEED`; see
    :func:`gradient_norms`. By default the norms are those of the
    back-propagated signal ``dL/dz_l``; ``wrt="weights"`` gives ``dL/dW_l``.
    """
    if activation not in FLOW_ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(FLOW_ACTIVATIONS)}, got {activation!r}")
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or not 1 <= depth <= 200:
        raise ValueError(f"depth must be an integer from 1 to 200, got {depth!r}")
    if isinstance(init_scale, bool) or not isinstance(init_scale, numbers.Real):
        raise TypeError(f"init_scale must be a number, got {type(init_scale).__name__}")
    scale = float(init_scale)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"init_scale must be a positive number, got {init_scale!r}")
    return gradient_norms(int(depth), FLOW_WIDTH, activation, "default", FLOW_SEED, FLOW_SAMPLES,
                          scale=scale, wrt=wrt)


def vanishing_depth(activation: str = "sigmoid", threshold: float = 1e-6, init_scale: float = 1.0,
                    max_depth: int = 60) -> int | None:
    """Smallest depth whose :func:`gradient_flow` ratio first/last is below ``threshold`` (None if none)."""
    for depth in range(2, check_int(max_depth, "max_depth") + 1):
        norms = gradient_flow(activation, depth, init_scale)
        if norms[0] / norms[-1] < threshold:
            return depth
    return None
