"""Activation functions of the ReLU family and their derivatives.

Every function takes an array-like ``x`` and returns an array of the same
shape and floating dtype (integers become ``float64``; a scalar in gives a
NumPy scalar out). The definitions follow PyTorch's, including the value
chosen for the derivative at a kink (``relu_grad(0) == 0``).

All functions are numerically stable for every finite input: exponentials
are taken of clipped arguments, ``expm1``/``log1p``/``logaddexp`` replace
their naive forms, and products that would give ``0 * inf`` are formed from
clipped factors. NaN in gives NaN out, and ``+-inf`` give the mathematical
limits.

The module-level :data:`REGISTRY` maps a name to an :class:`Activation`
record (forward, derivative, LaTeX formula, output range, defaults); the
book draws every table, plot and widget from it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Activation",
    "REGISTRY",
    "SELU_ALPHA",
    "SELU_SCALE",
    "celu",
    "celu_grad",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "get",
    "leaky_relu",
    "leaky_relu_grad",
    "mish",
    "mish_grad",
    "names",
    "prelu",
    "prelu_grad",
    "prelu_grad_alpha",
    "relu",
    "relu6",
    "relu6_grad",
    "relu_grad",
    "selu",
    "selu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "softplus",
    "softplus_grad",
    "squared_relu",
    "squared_relu_grad",
    "tanh",
    "tanh_grad",
]

#: SELU constants of Klambauer et al. (2017), to the digits PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_COEF = 0.044715


# ----------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------
def _as_float_array(x, name: str = "x") -> tuple[np.ndarray, bool]:
    """Return ``(array, was_scalar)`` with a floating dtype, or raise TypeError."""
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of real numbers, got {type(x).__name__}")
    else:
        try:
            arr = np.asarray(x)
        except (ValueError, TypeError) as exc:  # ragged lists and the like
            raise TypeError(f"{name} must be a number or an array of real numbers ({exc})") from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr, arr.ndim == 0
    if kind in "iu":
        return arr.astype(np.float64), arr.ndim == 0
    if kind == "c":
        raise TypeError(f"{name} must be real; got complex dtype {arr.dtype} (ReLU is defined on real numbers)")
    if kind == "b":
        raise TypeError(f"{name} must hold numbers, got a boolean array (did you pass a mask such as x > 0?)")
    raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")


def _finish(out: np.ndarray, dtype: np.dtype, scalar: bool):
    """Cast back to the input dtype and unwrap 0-d results."""
    if out.dtype != dtype:
        out = out.astype(dtype)
    return out[()] if scalar else out


def _work(arr: np.ndarray) -> np.ndarray:
    """Compute smooth functions in at least float32 (SciPy has no float16 loops)."""
    return arr.astype(np.float32) if arr.dtype == np.float16 else arr


def _param(value, name: str, *, positive: bool = False, nonzero: bool = False) -> float:
    """Validate a scalar real parameter such as ``alpha`` or ``beta``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if nonzero and value == 0:
        raise ValueError(f"{name} must be non-zero, got {value}")
    return value


def _keep_nan(out: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """Write NaN into ``out`` wherever ``arr`` is NaN (for piecewise-constant results)."""
    if arr.size and np.isnan(np.max(arr)):  # max propagates NaN: one fast reduction finds any
        out[np.isnan(arr)] = np.nan
    return out


# ----------------------------------------------------------------------------
# Fast, branch-free evaluation
# ----------------------------------------------------------------------------
# ``np.where(c, a, b)`` evaluates both sides and then selects with a branch per
# element, which on random signs is mispredicted half the time (about 10 ns per
# element). The forms below select with ``np.maximum``/``np.minimum`` or with
# exact 0/1 factors instead, and the smooth functions run block by block so
# that their intermediate arrays stay in the CPU's cache. They give the same
# values as the naive formulas, to rounding (tests/test_activations_edge.py).

#: Elements per block of the smooth functions (256 KiB of float32 per temporary).
_BLOCK = 65_536


def _blockwise(kernel: Callable, w: np.ndarray, n_scratch: int) -> np.ndarray:
    """Apply ``kernel(x_block, out_block, *scratch)`` to contiguous blocks of ``w``.

    The kernel writes its result into ``out_block`` with ``out=`` ufuncs and may
    use the ``n_scratch`` scratch arrays; it never writes into ``x_block`` (a
    view of the caller's input). Returns an array of ``w``'s shape and dtype.
    """
    src = np.ascontiguousarray(w).reshape(-1)
    out = np.empty(w.shape, dtype=w.dtype)
    flat = out.reshape(-1)
    n = src.size
    m = min(n, _BLOCK)
    scratch = [np.empty(m, dtype=w.dtype) for _ in range(n_scratch)]
    with np.errstate(over="ignore", under="ignore"):  # tails that over/underflow in unused factors
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            k = stop - start
            kernel(src[start:stop], flat[start:stop], *(s[:k] for s in scratch))
    return out


def _step_into(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = 1`` where ``x > 0``, ``0`` where ``x <= 0``, NaN where ``x`` is NaN."""
    np.clip(x, 0, 1, out=out)  # (0, 1] for x > 0; NaN stays NaN
    return np.ceil(out, out=out)


def _sigmoid_into(x: np.ndarray, out: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``out = sigmoid(x)``, accurate in both tails (also where it is subnormal); ``e`` is scratch.

    With ``e = exp(-|x|)``: ``1 / (1 + e)`` for ``x > 0`` and ``e / (1 + e)``
    otherwise, the numerator selected exactly by ``max(e, x > 0)`` (``e <= 1``).
    """
    np.abs(x, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # NaN stays NaN
    np.greater(x, 0, out=out, casting="unsafe")
    np.maximum(out, e, out=out)
    e += 1
    out /= e
    return out


# ----------------------------------------------------------------------------
# ReLU and its piecewise-linear relatives
# ----------------------------------------------------------------------------
def relu(x):
    """Rectified linear unit, ``max(0, x)``.

    Parameters
    ----------
    x : array_like
        Real input; floating dtypes are preserved.

    Returns
    -------
    ndarray or scalar
        ``x`` where ``x > 0``, else ``0``; NaN stays NaN.
    """
    arr, scalar = _as_float_array(x)
    return _finish(np.maximum(arr, 0), arr.dtype, scalar)


def relu_grad(x):
    """Derivative of :func:`relu`: 1 for ``x > 0``, 0 for ``x <= 0`` (0 at the kink, as PyTorch)."""
    arr, scalar = _as_float_array(x)
    out = (arr > 0).astype(arr.dtype)  # np.heaviside is about 30 times slower
    return _finish(_keep_nan(out, arr), arr.dtype, scalar)


def leaky_relu(x, alpha: float = 0.01):
    """Leaky ReLU: ``x`` for ``x > 0``, ``alpha * x`` otherwise.

    Parameters
    ----------
    x : array_like
        Real input.
    alpha : float, default 0.01
        Slope of the negative side.

    Notes
    -----
    For ``0 <= alpha <= 1`` this is ``max(alpha * x, x)`` (and
    ``min(alpha * x, x)`` for ``alpha > 1``), two passes over memory with no
    per-element branch.
    """
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha")
    if alpha < 0:
        return _finish(np.where(arr > 0, arr, arr * alpha), arr.dtype, scalar)
    with np.errstate(over="ignore", invalid="ignore"):  # alpha > 1 overflows only where it is not chosen
        out = np.asarray(arr * alpha)  # an array even for 0-d input, so that out= works
        (np.maximum if alpha <= 1 else np.minimum)(out, arr, out=out)
    return _finish(out, arr.dtype, scalar)


def leaky_relu_grad(x, alpha: float = 0.01):
    """Derivative of :func:`leaky_relu`: 1 for ``x > 0``, ``alpha`` for ``x <= 0``."""
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha")
    if 0 <= alpha <= 1:
        return _finish(_blockwise(_unit_step_max_kernel(alpha), arr, 0), arr.dtype, scalar)
    out = np.where(arr > 0, 1.0, alpha).astype(arr.dtype)
    return _finish(_keep_nan(out, arr), arr.dtype, scalar)


def _unit_step_max_kernel(alpha: float):
    """``out = clip(x * big * big, alpha, 1)``: 1 for ``x > 0``, ``alpha`` otherwise (``0 <= alpha <= 1``).

    ``big`` is the dtype's largest power of two, so that twice scaled even the smallest subnormal
    reaches 1 and every negative number -inf; zeros stay zero and NaN stays NaN. Three passes of
    the cheapest kind (two multiplications by a constant and a clip), with no comparison.
    """
    def kernel(x, out):
        big = 2.0 ** (np.finfo(x.dtype).maxexp - 1)
        np.multiply(x, big, out=out)
        out *= big
        np.clip(out, alpha, 1.0, out=out)
    return kernel


def _prelu_alpha(alpha, dtype) -> np.ndarray:
    if isinstance(alpha, (str, bytes)) or alpha is None or isinstance(alpha, bool):
        raise TypeError(f"alpha must be a real number or array, got {type(alpha).__name__}")
    a, _ = _as_float_array(alpha, "alpha")
    if not np.all(np.isfinite(a)):
        raise ValueError("alpha must be finite")
    return a.astype(dtype)


def _unit_slopes(a: np.ndarray) -> bool:
    return bool(np.all((a >= 0) & (a <= 1)))


def prelu(x, alpha):
    """Parametric ReLU (He et al., 2015): ``x`` for ``x > 0``, ``alpha * x`` otherwise.

    Parameters
    ----------
    x : array_like
        Real input.
    alpha : float or array_like
        The learned slope; an array must broadcast against ``x`` (for
        example one slope per channel along the last axis).
    """
    arr, scalar = _as_float_array(x)
    a = _prelu_alpha(alpha, arr.dtype)
    if not _unit_slopes(a):
        return _finish(np.where(arr > 0, arr, a * arr), arr.dtype, scalar)
    out = np.asarray(a * arr)
    return _finish(np.maximum(out, arr, out=out), arr.dtype, scalar)


def prelu_grad(x, alpha):
    """Derivative of :func:`prelu` with respect to ``x``: 1 for ``x > 0``, ``alpha`` otherwise."""
    arr, scalar = _as_float_array(x)
    a = _prelu_alpha(alpha, arr.dtype)
    if _unit_slopes(a) and a.ndim == 0:
        return _finish(_blockwise(_unit_step_max_kernel(a[()]), arr, 0), arr.dtype, scalar)
    if _unit_slopes(a):  # sign(x) is 1, 0, -1 or NaN: max(sign, alpha) is the derivative
        return _finish(np.maximum(np.sign(arr), a), arr.dtype, scalar)
    out = np.where(arr > 0, np.ones_like(arr), a * np.ones_like(arr))
    return _finish(_keep_nan(out, arr), arr.dtype, scalar)


def prelu_grad_alpha(x, alpha):
    """Derivative of :func:`prelu` with respect to ``alpha``: 0 for ``x > 0``, ``x`` otherwise.

    The result has the broadcast shape of ``x`` and ``alpha``; sum it over the
    axes that share one ``alpha`` to get the gradient of a shared slope.
    """
    arr, scalar = _as_float_array(x)
    a = _prelu_alpha(alpha, arr.dtype)
    return _finish(np.minimum(arr, np.zeros_like(a)), arr.dtype, scalar)


def relu6(x):
    """ReLU capped at six, ``min(max(0, x), 6)`` (Krizhevsky, 2010; MobileNetV2)."""
    arr, scalar = _as_float_array(x)
    return _finish(np.clip(arr, 0, 6), arr.dtype, scalar)


def relu6_grad(x):
    """Derivative of :func:`relu6`: 1 on ``0 < x < 6``, 0 elsewhere (0 at both kinks, as PyTorch)."""
    arr, scalar = _as_float_array(x)
    size = min(arr.size, _BLOCK)
    above, below = np.empty(size, dtype=bool), np.empty(size, dtype=bool)

    def kernel(x, out):  # boolean passes of one block (a quarter of the bytes), then one conversion
        k = x.size
        np.greater(x, 0, out=above[:k])
        np.less(x, 6, out=below[:k])
        np.logical_and(above[:k], below[:k], out=above[:k])
        np.copyto(out, above[:k])
        _keep_nan(out, x)

    return _finish(_blockwise(kernel, arr, 0), arr.dtype, scalar)


def squared_relu(x):
    """Squared ReLU, ``max(0, x) ** 2`` (So et al., 2021, Primer).

    Inputs beyond ``sqrt(max float)`` give ``inf``, the correctly rounded value.
    """
    arr, scalar = _as_float_array(x)
    out = np.asarray(np.maximum(arr, 0))
    with np.errstate(over="ignore"):
        np.square(out, out=out)
    return _finish(out, arr.dtype, scalar)


def squared_relu_grad(x):
    """Derivative of :func:`squared_relu`: ``2 * max(0, x)``."""
    arr, scalar = _as_float_array(x)
    out = np.asarray(np.maximum(arr, 0))
    with np.errstate(over="ignore"):
        np.add(out, out, out=out)
    return _finish(out, arr.dtype, scalar)


# ----------------------------------------------------------------------------
# Exponential family: ELU, SELU, CELU
# ----------------------------------------------------------------------------
def _elu_kernel(alpha: float, scale: float):
    def kernel(x, out, a):  # scale * (max(x, 0) + alpha * expm1(min(x, 0)))
        np.minimum(x, 0, out=a)
        np.expm1(a, out=a)
        a *= alpha
        np.maximum(x, 0, out=out)
        out += a
        if scale != 1.0:
            out *= scale
    return kernel


def _elu_grad_kernel(alpha: float, scale: float):
    def kernel(x, out, a, b):  # scale * (1 for x > 0, alpha * exp(x) otherwise)
        np.minimum(x, 0, out=out)
        np.exp(out, out=out)
        out *= alpha
        if 0 <= alpha <= 1:  # sign(x) is 1, 0, -1 or NaN, and alpha * exp(x) <= 1 for x <= 0
            np.maximum(out, np.sign(x, out=a), out=out)
        else:  # exact select with a 0/1 factor h: g * (1 - h) + h
            _step_into(x, a)
            np.subtract(1, a, out=b)
            out *= b
            out += a
        if scale != 1.0:
            out *= scale
    return kernel


def elu(x, alpha: float = 1.0):
    """Exponential linear unit (Clevert et al., 2015).

    ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise; saturates at ``-alpha``.
    """
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha")
    return _finish(_blockwise(_elu_kernel(alpha, 1.0), _work(arr), 1), arr.dtype, scalar)


def elu_grad(x, alpha: float = 1.0):
    """Derivative of :func:`elu`: 1 for ``x > 0``, ``alpha * exp(x)`` for ``x <= 0``."""
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha")
    return _finish(_blockwise(_elu_grad_kernel(alpha, 1.0), _work(arr), 2), arr.dtype, scalar)


def selu(x):
    """Scaled ELU (Klambauer et al., 2017): ``SELU_SCALE * elu(x, SELU_ALPHA)``."""
    arr, scalar = _as_float_array(x)
    return _finish(_blockwise(_elu_kernel(SELU_ALPHA, SELU_SCALE), _work(arr), 1), arr.dtype, scalar)


def selu_grad(x):
    """Derivative of :func:`selu`: ``scale`` for ``x > 0``, ``scale * alpha * exp(x)`` otherwise."""
    arr, scalar = _as_float_array(x)
    return _finish(_blockwise(_elu_grad_kernel(SELU_ALPHA, SELU_SCALE), _work(arr), 2), arr.dtype, scalar)


def celu(x, alpha: float = 1.0):
    """Continuously differentiable ELU (Barron, 2017): ``max(0,x) + min(0, alpha*(exp(x/alpha)-1))``."""
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha", nonzero=True)
    w = _work(arr)
    if alpha < 0:
        with np.errstate(over="ignore"):
            neg = alpha * np.expm1(np.minimum(w / alpha, 0))
        return _finish(np.where(w > 0, w, neg), arr.dtype, scalar)

    def kernel(x, out, a):  # max(x, 0) + alpha * expm1(min(x, 0) / alpha)
        np.minimum(x, 0, out=a)
        a /= alpha  # may overflow to -inf for a tiny alpha: expm1(-inf) = -1 is the limit
        np.expm1(a, out=a)
        a *= alpha
        np.maximum(x, 0, out=out)
        out += a

    return _finish(_blockwise(kernel, w, 1), arr.dtype, scalar)


def celu_grad(x, alpha: float = 1.0):
    """Derivative of :func:`celu`: 1 for ``x > 0``, ``exp(x / alpha)`` for ``x <= 0``."""
    arr, scalar = _as_float_array(x)
    alpha = _param(alpha, "alpha", nonzero=True)
    w = _work(arr)
    if alpha < 0:
        with np.errstate(over="ignore"):
            neg = np.exp(np.minimum(w / alpha, 0))
        out = np.where(w > 0, 1.0, neg).astype(w.dtype)
        return _finish(_keep_nan(out, w), arr.dtype, scalar)

    def kernel(x, out):  # exp(min(x, 0) / alpha) is 1 for x > 0
        np.minimum(x, 0, out=out)
        out /= alpha
        np.exp(out, out=out)

    return _finish(_blockwise(kernel, w, 0), arr.dtype, scalar)


# ----------------------------------------------------------------------------
# Smooth gates: GELU, SiLU, Mish, Softplus, sigmoid, tanh
# ----------------------------------------------------------------------------
def _check_approximate(approximate: str) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


# The upper tail of the normal distribution in float32, in the form NumPy evaluates fastest (one
# pass through the cache per ufunc, so every pass saved counts): with a = |x| and w = a / (a + C),
#     a Phi(-a) = w exp(Q(w) - a**2 / 2)      and      Phi(-a) = (1 - w) exp(Q(w) - a**2 / 2) / C,
# Q of degree 5, fitted (minimax by Lawson's iteration, tools/fit_gelu_tail.py) to a relative
# error below 6.1e-6 for a <= 13.3, where float32's gelu(-a) is still a normal number; float32
# arithmetic adds about as much again in the far tail (the exponent is near -88 there).
# Float64 keeps scipy.special.ndtr: correctly rounded, but one element at a time.
_TAIL_C = 2.87
_TAIL_Q = [0.3611709405479983, -1.290600547316573, -0.2813781710669997, 0.09965616034012088,
           0.4225617350476005, -0.23179055583757305]
# Both exponentials are taken base 2 (NumPy's float32 exp2 is about twice as fast as its exp):
# Q and a**2 / 2 are scaled by log2(e), for free in the constants.
_LOG2E = 1.0 / math.log(2.0)
_TAIL_Q2 = [q * _LOG2E for q in _TAIL_Q]
_TAIL_Q2_TWICE_OVER_C = [_TAIL_Q2[0] + math.log2(2 / _TAIL_C), *_TAIL_Q2[1:]]  # 2 exp(Q) / C
_HALF_LOG2E = 0.5 * _LOG2E
_GELU_CLIP = 40.0  # beyond, Phi(-|x|) underflows in float32; a clipped +-inf keeps w finite


def _tail_exponent_into(x, a, w, out, coefs) -> np.ndarray:
    """``a = min(|x|, 40)``, ``w = a / (a + C)`` and ``out = Q(w)`` (``coefs``: Q's, lowest first)."""
    np.abs(x, out=a)
    np.minimum(a, _GELU_CLIP, out=a)
    np.add(a, _TAIL_C, out=w)
    np.divide(a, w, out=w)
    np.multiply(w, coefs[-1], out=out)  # Horner
    out += coefs[-2]
    for c in coefs[-3::-1]:
        out *= w
        out += c
    return out


def _gelu_kernel(x, out, a, w, g):
    """``gelu(x) = max(x, 0) - a Phi(-a)`` with ``a = |x|``: no cancellation on either side."""
    _tail_exponent_into(x, a, w, out, _TAIL_Q2)
    np.square(a, out=g)
    g *= _HALF_LOG2E
    out -= g
    np.exp2(out, out=out)
    out *= w  # a Phi(-a)
    np.maximum(x, 0, out=g)
    np.subtract(g, out, out=out)


def _gelu_grad_kernel(x, out, a, w, g):
    """``Phi(x) + x phi(x) = H + (2 H - 1) D``, ``D = a phi(a) - Phi(-a)``, ``H = 1`` where ``x > 0`` else 0.

    ``D = exp(-a**2 / 2) (a / sqrt(2 pi) - (1 - w) exp(Q(w)) / C)``: a product, so neither tail
    cancels. Where ``x <= 0`` (and at both zeros, where ``D = -1/2``) the result is ``-D``
    exactly; ``H`` from a comparison is cheaper than ``copysign``.
    """
    _tail_exponent_into(x, a, w, out, _TAIL_Q2_TWICE_OVER_C)
    np.exp2(out, out=out)
    np.subtract(1.0, w, out=g)
    out *= g  # 2 Phi(-a) exp(a**2 / 2)
    np.multiply(a, 2 * _INV_SQRT_2PI, out=g)
    g -= out
    np.square(a, out=out)
    out *= -_HALF_LOG2E
    np.exp2(out, out=out)
    g *= out  # 2 D
    np.greater(x, 0, out=out, casting="unsafe")  # H
    np.subtract(out, 0.5, out=a)
    a *= g  # (2 H - 1) D
    out += a


_GELU_TANH_CLIP = 25.0  # sigmoid(2 y) underflows beyond, even in float64
_TWO_SQRT_2_OVER_PI = 2.0 * _SQRT_2_OVER_PI


def _gelu_tanh_inner(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``t = 2 y = 2 sqrt(2/pi) (a + 0.044715 a**3)``."""
    np.multiply(a, a, out=t)
    t *= _GELU_TANH_COEF
    t += 1
    t *= a
    t *= _TWO_SQRT_2_OVER_PI
    return t


def _gelu_tanh_kernel(x, out, a, t, g):
    """``0.5 x (1 + tanh(y)) = x * sigmoid(2 y)``."""
    np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP, out=a)
    _gelu_tanh_inner(a, t)
    _sigmoid_into(t, out, g)
    np.maximum(x, -_GELU_TANH_CLIP, out=a)
    out *= a


def _gelu_tanh_grad_kernel(x, out, a, t, g):
    """``sigmoid(2y) + x sigmoid'(2y) (2y)'``, which is ``0.5 (1 + tanh y) + 0.5 x (1 - tanh(y)**2) y'``."""
    np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP, out=a)
    np.multiply(a, a, out=g)  # (2y)' = 2 sqrt(2/pi) (1 + 3 * 0.044715 a**2)
    g *= 3 * _GELU_TANH_COEF
    g += 1
    g *= _TWO_SQRT_2_OVER_PI
    g *= a
    _gelu_tanh_inner(a, t)
    _sigmoid_grad_into(t, a, out)
    g *= a
    _sigmoid_into(t, out, a)
    out += g


def _ndtr(x: np.ndarray) -> np.ndarray:
    """``scipy.special.ndtr``, imported on first use (scipy.special takes a tenth of a second to load)."""
    from scipy import special

    return special.ndtr(x)


def gelu(x, approximate: str = "none"):
    """Gaussian error linear unit (Hendrycks & Gimpel, 2016), ``x * Phi(x)``.

    Parameters
    ----------
    x : array_like
        Real input.
    approximate : {"none", "tanh"}
        ``"tanh"`` gives ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Notes
    -----
    In float32 and float16, ``Phi`` is not taken from
    :func:`scipy.special.ndtr` (which runs one element at a time) but from a
    fitted formula of NumPy ufuncs (see ``_TAIL_Q``), accurate to about
    ``1.5e-5`` relative where the result is a normal float32, tails included;
    float64 keeps ``ndtr``. The tanh form is evaluated as
    ``x * sigmoid(2 y)``, which equals ``0.5 x (1 + tanh(y))`` without its
    cancellation for negative ``x``.
    """
    arr, scalar = _as_float_array(x)
    _check_approximate(approximate)
    w = _work(arr)
    if approximate == "none" and w.dtype.itemsize > 4:
        xc = np.maximum(w, -60)  # Phi(-60) == 0: avoids -inf * 0
        return _finish(xc * _ndtr(xc), arr.dtype, scalar)
    kernel = _gelu_kernel if approximate == "none" else _gelu_tanh_kernel
    return _finish(_blockwise(kernel, w, 3), arr.dtype, scalar)


def gelu_grad(x, approximate: str = "none"):
    """Derivative of :func:`gelu`: ``Phi(x) + x * phi(x)`` (or that of the tanh form)."""
    arr, scalar = _as_float_array(x)
    _check_approximate(approximate)
    w = _work(arr)
    if approximate == "none" and w.dtype.itemsize > 4:
        xc = np.clip(w, -60, 60)
        return _finish(_ndtr(w) + xc * _INV_SQRT_2PI * np.exp(-0.5 * xc * xc), arr.dtype, scalar)
    kernel = _gelu_grad_kernel if approximate == "none" else _gelu_tanh_grad_kernel
    return _finish(_blockwise(kernel, w, 3), arr.dtype, scalar)


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, stable for large ``|x|``.

    Evaluated as written: where ``exp(-x)`` overflows the result is 0, which is
    the exact value rounded except that values below the smallest normal number
    (``x < -88.7`` in float32, where the exact value is already below it) are
    flushed to 0, as PyTorch does.
    """
    arr, scalar = _as_float_array(x)

    def kernel(x, out):
        np.negative(x, out=out)
        np.exp(out, out=out)  # inf for very negative x: 1 / (1 + inf) == 0
        out += 1
        np.reciprocal(out, out=out)

    return _finish(_blockwise(kernel, _work(arr), 0), arr.dtype, scalar)


def _sigmoid_grad_into(x, out, q):
    """``out = sigmoid'(x) = e / (1 + e)**2`` with ``e = exp(-|x|)`` (no cancellation in the tails)."""
    np.abs(x, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.add(out, 1, out=q)
    out /= q
    out /= q
    return out


def sigmoid_grad(x):
    """Derivative of :func:`sigmoid`: ``s * (1 - s)``, computed as ``e / (1 + e)**2`` with ``e = exp(-|x|)``."""
    arr, scalar = _as_float_array(x)
    return _finish(_blockwise(_sigmoid_grad_into, _work(arr), 1), arr.dtype, scalar)


def tanh(x):
    """Hyperbolic tangent."""
    arr, scalar = _as_float_array(x)
    return _finish(np.tanh(arr), arr.dtype, scalar)


def tanh_grad(x):
    """Derivative of :func:`tanh`: ``1 - tanh(x)**2``, computed as ``4 sigmoid'(2x)`` (accurate in the tails)."""
    arr, scalar = _as_float_array(x)

    def kernel(x, out, q):
        np.add(x, x, out=q)
        _sigmoid_grad_into(q, out, q)
        out *= 4

    return _finish(_blockwise(kernel, _work(arr), 1), arr.dtype, scalar)


def silu(x):
    """Sigmoid linear unit (SiLU, Swish with beta = 1): ``x * sigmoid(x)``."""
    arr, scalar = _as_float_array(x)

    def kernel(x, out, e, c):  # with e = exp(-|x|): x / (1 + e) for x > 0, x e / (1 + e) otherwise
        np.maximum(x, -800, out=c)  # sigmoid(-800) == 0: avoids -inf * 0
        np.abs(c, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
        with np.errstate(invalid="ignore"):  # inf * 0 at x = +inf, replaced just below
            np.multiply(c, e, out=out)
        np.fmax(out, c, out=out)  # x e <= x for x > 0 and >= x otherwise; fmax turns inf * 0 at +inf into inf
        e += 1
        out /= e

    return _finish(_blockwise(kernel, _work(arr), 2), arr.dtype, scalar)


def silu_grad(x):
    """Derivative of :func:`silu`: ``s * (1 + x * (1 - s))`` with ``s = sigmoid(x)``.

    Notes
    -----
    Computed as ``s + x * sigmoid'(x) = (m q + x e) / q**2`` with ``e = exp(-|x|)``,
    ``q = 1 + e`` and ``m = max(e, x > 0)`` (see ``_sigmoid_into``): one exponential,
    and neither tail cancels.
    """
    arr, scalar = _as_float_array(x)

    def kernel(x, out, q, e, c):
        np.abs(x, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)
        np.greater(x, 0, out=out, casting="unsafe")
        np.maximum(out, e, out=out)  # m
        np.add(e, 1, out=q)
        out *= q
        np.clip(x, -800, 800, out=c)  # e == 0 beyond: avoids inf * 0
        e *= c
        out += e
        q *= q
        out /= q

    return _finish(_blockwise(kernel, _work(arr), 3), arr.dtype, scalar)


def softplus(x, beta: float = 1.0, threshold: float = 20.0):
    """Softplus ``log(1 + exp(beta x)) / beta`` (Dugas et al., 2001), a smooth ReLU.

    As in PyTorch, it returns ``x`` itself where ``beta * x > threshold``.

    Parameters
    ----------
    x : array_like
        Real input.
    beta : float, default 1.0
        Sharpness (> 0); softplus approaches ReLU as ``beta`` grows, with the
        largest gap ``log(2) / beta`` at ``x = 0``.
    threshold : float, default 20.0
        Above ``beta * x > threshold`` the function is the identity.

    Notes
    -----
    Evaluated as ``max(x, 0) + log1p(exp(-beta |x|)) / beta``, which never
    overflows; the second term is dropped above the threshold.
    """
    arr, scalar = _as_float_array(x)
    beta = _param(beta, "beta", positive=True)
    threshold = _param(threshold, "threshold")
    hi = threshold / beta
    w = _work(arr)
    if threshold < 0:  # the identity then also covers negative x: the plain form
        z = beta * np.clip(w, -1000.0 / beta, hi)
        return _finish(np.where(w > hi, w, np.log1p(np.exp(z)) / beta), arr.dtype, scalar)

    def kernel(x, out, a, m):
        np.abs(x, out=a)
        a *= -beta
        np.exp(a, out=a)
        np.log1p(a, out=a)
        a /= beta
        np.less_equal(x, hi, out=m, casting="unsafe")  # 1 below the threshold, 0 above
        a *= m
        np.maximum(x, 0, out=out)
        out += a

    return _finish(_blockwise(kernel, w, 2), arr.dtype, scalar)


def softplus_grad(x, beta: float = 1.0, threshold: float = 20.0):
    """Derivative of :func:`softplus`: ``sigmoid(beta x)``, and 1 above the threshold."""
    arr, scalar = _as_float_array(x)
    beta = _param(beta, "beta", positive=True)
    threshold = _param(threshold, "threshold")
    hi = threshold / beta

    def kernel(x, out, z, e):
        np.multiply(x, beta, out=z)
        _sigmoid_into(z, out, e)
        np.greater(x, hi, out=e, casting="unsafe")  # sigmoid <= 1, so max(s, 1) = 1 above the threshold
        np.maximum(out, e, out=out)

    return _finish(_blockwise(kernel, _work(arr), 2), arr.dtype, scalar)


def _mish_ratio_into(x, e, n, d):
    """``e = exp(min(x, 20))``, ``n = e (e + 2)``, ``d = n + 2``: then ``tanh(softplus(x)) = n / d``."""
    np.minimum(x, 20, out=e)  # tanh(softplus(20)) == 1 to double precision
    np.exp(e, out=e)
    np.add(e, 2, out=n)
    n *= e
    np.add(n, 2, out=d)


def mish(x):
    """Mish (Misra, 2019): ``x * tanh(softplus(x))``.

    Notes
    -----
    With ``e = exp(x)``, ``tanh(softplus(x)) = n / (n + 2)`` where
    ``n = e (e + 2)``: one exponential, no logarithm, no cancellation.
    """
    arr, scalar = _as_float_array(x)

    def kernel(x, out, e, n):
        _mish_ratio_into(x, e, n, out)
        np.divide(n, out, out=out)
        np.maximum(x, -800, out=e)  # tanh(softplus(-800)) == 0: avoids -inf * 0
        out *= e

    return _finish(_blockwise(kernel, _work(arr), 2), arr.dtype, scalar)


def mish_grad(x):
    """Derivative of :func:`mish`: ``tanh(sp) + x * (1 - tanh(sp)^2) * sigmoid(x)``.

    Notes
    -----
    In the terms of :func:`mish` it is ``(n (n + 2) + 4 x e (1 + e)) / (n + 2)**2``,
    with ``x`` clipped to ``[-800, 20]`` (beyond, the derivative is 0 or 1 to double precision).
    """
    arr, scalar = _as_float_array(x)

    def kernel(x, out, e, n, d):
        _mish_ratio_into(x, e, n, d)
        n *= d
        np.clip(x, -800, 20, out=out)
        out *= e
        e += 1
        out *= e
        out *= 4
        out += n
        d *= d
        out /= d

    return _finish(_blockwise(kernel, _work(arr), 3), arr.dtype, scalar)


# ----------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Activation:
    """One activation function with everything the book shows about it.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"leaky_relu"``.
    label : str
        Display name, e.g. ``"Leaky ReLU"``.
    forward, grad : callable
        ``f(x, **params)`` and ``f'(x, **params)``.
    latex : str
        The formula, for MyST/MathJax.
    output_range : tuple of float
        ``(min, max)`` of the output for the default parameters (the
        infimum for saturating functions; a numerically found minimum for
        GELU, SiLU and Mish).
    params : dict
        Default keyword parameters (empty when there are none).
    param_ranges : dict
        For each parameter, ``(low, high)`` for sliders.
    smooth : bool
        Continuously differentiable everywhere, for the default parameters
        (ELU is, at ``alpha = 1`` only; squared ReLU is, though not twice).
    monotonic : bool
        Non-decreasing everywhere.
    cite : str
        Key in ``references.bib`` of the paper that introduced or named it.
    use : str
        Where it is typically used.
    """

    name: str
    label: str
    forward: Callable
    grad: Callable
    latex: str
    output_range: tuple
    params: dict = field(default_factory=dict)
    param_ranges: dict = field(default_factory=dict)
    smooth: bool = False
    monotonic: bool = True
    cite: str = ""
    use: str = ""

    def __call__(self, x, **params):
        return self.forward(x, **params)


_INF = math.inf

REGISTRY: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "relu", "ReLU", relu, relu_grad, r"\max(0, x)", (0.0, _INF),
            cite="nair2010", use="default for CNNs and MLPs",
        ),
        Activation(
            "leaky_relu", "Leaky ReLU", leaky_relu, leaky_relu_grad,
            r"\begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}", (-_INF, _INF),
            params={"alpha": 0.01}, param_ranges={"alpha": (0.0, 0.5)},
            cite="maas2013", use="GANs, when units die",
        ),
        Activation(
            "prelu", "PReLU", prelu, prelu_grad,
            r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}", (-_INF, _INF),
            params={"alpha": 0.25}, param_ranges={"alpha": (0.0, 0.5)},
            cite="he2015", use="image classification (learned slope)",
        ),
        Activation(
            "elu", "ELU", elu, elu_grad,
            r"\begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}", (-1.0, _INF),
            params={"alpha": 1.0}, param_ranges={"alpha": (0.1, 2.0)}, smooth=True,
            cite="clevert2015", use="faster convergence, mean nearer zero",
        ),
        Activation(
            "selu", "SELU", selu, selu_grad,
            r"\lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}",
            (-SELU_SCALE * SELU_ALPHA, _INF),
            cite="klambauer2017", use="self-normalising MLPs",
        ),
        Activation(
            "celu", "CELU", celu, celu_grad,
            r"\max(0, x) + \min\!\left(0, \alpha (e^{x/\alpha} - 1)\right)", (-1.0, _INF),
            params={"alpha": 1.0}, param_ranges={"alpha": (0.1, 2.0)}, smooth=True,
            cite="barron2017", use="ELU with a continuous derivative for any alpha",
        ),
        Activation(
            "gelu", "GELU", gelu, gelu_grad, r"x \, \Phi(x)", (-0.16997120747990363, _INF),
            smooth=True, monotonic=False, cite="hendrycks2016", use="transformers (BERT, GPT)",
        ),
        Activation(
            "silu", "SiLU / Swish", silu, silu_grad, r"x \, \sigma(x)", (-0.2784645427610738, _INF),
            smooth=True, monotonic=False, cite="elfwing2018", use="EfficientNet, LLaMA (in SwiGLU)",
        ),
        Activation(
            "mish", "Mish", mish, mish_grad, r"x \tanh(\ln(1 + e^{x}))", (-0.30884341301725043, _INF),
            smooth=True, monotonic=False, cite="misra2019", use="object detection (YOLOv4)",
        ),
        Activation(
            "softplus", "Softplus", softplus, softplus_grad,
            r"\tfrac{1}{\beta} \ln(1 + e^{\beta x})", (0.0, _INF),
            params={"beta": 1.0}, param_ranges={"beta": (0.25, 20.0)}, smooth=True,
            cite="dugas2001", use="positive outputs (variances, rates)",
        ),
        Activation(
            "relu6", "ReLU6", relu6, relu6_grad, r"\min(\max(0, x), 6)", (0.0, 6.0),
            cite="sandler2018", use="mobile and quantised networks (MobileNetV2)",
        ),
        Activation(
            "squared_relu", "Squared ReLU", squared_relu, squared_relu_grad, r"\max(0, x)^2",
            (0.0, _INF), smooth=True, cite="so2021", use="transformer feed-forward layers (Primer)",
        ),
        Activation(
            "sigmoid", "Sigmoid", sigmoid, sigmoid_grad, r"\frac{1}{1 + e^{-x}}", (0.0, 1.0),
            smooth=True, cite="goodfellow2016", use="gates, binary outputs",
        ),
        Activation(
            "tanh", "tanh", tanh, tanh_grad, r"\tanh(x)", (-1.0, 1.0),
            smooth=True, cite="goodfellow2016", use="RNNs, bounded outputs",
        ),
    ]
}


def names() -> list[str]:
    """Names of every activation in the registry, in the book's order."""
    return list(REGISTRY)


def get(name: str) -> Activation:
    """Look up an activation by name.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not in the registry; the message lists the valid names.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(REGISTRY)}") from None
