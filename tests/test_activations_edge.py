"""Every activation and derivative against high-precision references on an edge grid.

The grid holds ±0, subnormals of every float type, the kinks (0, 6, the softplus
threshold 20, with their neighbours), the tails (±10 ... ±40), ±1e4, ±3e38,
±1e300, ±inf and NaN. References are the exact formulas (PyTorch's convention at
the kinks) evaluated with mpmath at 40 digits when it is installed, otherwise
with the math module in forms that neither overflow nor cancel (both agree to
about 1e-15, far below the tolerances). Tolerances, relative to the exact
value: 1e-9 in float64, 2e-5 in float32, 4e-3 in float16; a result whose exact
value lies in the subnormal range may be off by the dtype's smallest normal
number, and the derivatives that cross zero are held to the size of their
cancelling terms (see ``TERM_SIZE``). Floating-point errors raise (``np.errstate``) and warnings are errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from relubook import activations as act

try:  # mpmath is pinned in requirements.txt; the math fallback keeps the test meaningful without it
    import mpmath

    mpmath.mp.dps = 40
    M = mpmath
    HUGE = mpmath.mpf(10) ** 400  # stands for +inf: the limits come out of the formulas
except ImportError:  # pragma: no cover - exercised only where mpmath is missing
    mpmath = None
    M = math
    HUGE = 1e300

RTOL = {np.float64: 1e-9, np.float32: 2e-5, np.float16: 4e-3}
SELU_L, SELU_A = act.SELU_SCALE, act.SELU_ALPHA

_SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2e-308, -2.2e-308, 1e-310, -1e-310,  # float64 subnormals
            1.4e-45, -1.4e-45, 1e-40, -1e-40, 1.2e-38, -1.2e-38,  # float32 subnormals and smallest normal
            6e-8, -6e-8, 3e-5, -3e-5,  # float16 subnormals
            1e-12, -1e-12, 1e-3, -1e-3,
            6.0, np.nextafter(6.0, 0), np.nextafter(6.0, 7), 5.999, 6.001,  # ReLU6's kink
            20.0, np.nextafter(20.0, 0), np.nextafter(20.0, 21), 19.99, 20.01,  # softplus threshold
            1e4, -1e4, 3e38, -3e38, 1e300, -1e300, np.inf, -np.inf, np.nan]
GRID = np.concatenate([_SPECIAL, np.linspace(-40.0, 40.0, 321)])  # step 0.25: bulk and tails


def _m(x: float):
    """The float as a reference number (±inf become ±HUGE)."""
    if math.isinf(x):
        return HUGE if x > 0 else -HUGE
    return M.mpf(x) if mpmath else x


def _exp_neg(a):
    """exp(-a) for a >= 0 (never overflows)."""
    return M.exp(-a)


def _sigmoid(x):
    e = _exp_neg(abs(x))
    return (1 if x >= 0 else e) / (1 + e)


def _sigmoid_prime(x):
    e = _exp_neg(abs(x))
    return e / (1 + e) ** 2


def _softplus(x):
    return max(x, 0) + M.log1p(_exp_neg(abs(x)))


def _phi_cdf(x):
    if abs(x) > 1e4:  # beyond any float's resolution (and mpmath's erfc of a huge number overflows)
        return 1 if x > 0 else 0
    return M.erfc(-x / M.sqrt(2)) / 2


def _normal_density(x):
    return 0 if abs(x) > 1e4 else _exp_neg(x * x / 2) / M.sqrt(2 * M.pi)


def _sech2(s):
    e = _exp_neg(2 * abs(s))
    return 4 * e / (1 + e) ** 2


C = 0.044715
K = math.sqrt(2 / math.pi)


def _gelu_tanh_v(x):
    if abs(x) > 1e100:  # v is a huge number of the sign of x: sigmoid(v) is 0 or 1
        return x
    return 2 * K * (x + C * x * x * x)


REFERENCES = {
    "relu": (lambda x: max(x, 0), lambda x: 1 if x > 0 else 0),
    "leaky_relu": (lambda x: x if x > 0 else 0.01 * x, lambda x: 1 if x > 0 else 0.01),
    "prelu": (lambda x: x if x > 0 else 0.25 * x, lambda x: 1 if x > 0 else 0.25),
    "elu": (lambda x: x if x > 0 else M.expm1(x), lambda x: 1 if x > 0 else M.exp(x)),
    "selu": (lambda x: SELU_L * (x if x > 0 else SELU_A * M.expm1(x)),
             lambda x: SELU_L * (1 if x > 0 else SELU_A * M.exp(x))),
    "celu": (lambda x: max(x, 0) + min(0, M.expm1(x)), lambda x: 1 if x > 0 else M.exp(x)),
    "gelu": (lambda x: x * _phi_cdf(x),
             lambda x: _phi_cdf(x) + x * _normal_density(x)),
    "gelu_tanh": (lambda x: x * _sigmoid(_gelu_tanh_v(x)),
                  lambda x: _sigmoid(_gelu_tanh_v(x)) + (
                      0 if abs(x) > 1e100 else
                      x * _sigmoid_prime(_gelu_tanh_v(x)) * 2 * K * (1 + 3 * C * x * x))),
    "silu": (lambda x: x * _sigmoid(x), lambda x: _sigmoid(x) + x * _sigmoid_prime(x)),
    "mish": (lambda x: x * M.tanh(_softplus(x)),
             lambda x: M.tanh(_softplus(x)) + x * _sech2(_softplus(x)) * _sigmoid(x)),
    "softplus": (lambda x: x if x > 20 else _softplus(x), lambda x: 1 if x > 20 else _sigmoid(x)),
    "relu6": (lambda x: min(max(x, 0), 6), lambda x: 1 if 0 < x < 6 else 0),
    "squared_relu": (lambda x: max(x, 0) * max(x, 0), lambda x: 2 * max(x, 0)),
    "sigmoid": (_sigmoid, _sigmoid_prime),
    "tanh": (M.tanh, lambda x: _sech2(x)),
}
CASES = [(name, grad) for name in REFERENCES for grad in (False, True)]

# The derivatives of GELU, SiLU and Mish cross zero (at their minimum): there the exact value is a
# difference of two terms that cancel, and no float evaluation, NumPy's or PyTorch's, holds a relative
# error near the root. Their tolerance is relative to the size of the cancelling terms instead.
TERM_SIZE = {
    "gelu": lambda x: _phi_cdf(x) + abs(x * _normal_density(x)),
    "gelu_tanh": lambda x: _sigmoid(_gelu_tanh_v(x)) + (
        0 if abs(x) > 1e100 else abs(x * _sigmoid_prime(_gelu_tanh_v(x)) * 2 * K * (1 + 3 * C * x * x))),
    "silu": lambda x: _sigmoid(x) + abs(x * _sigmoid_prime(x)),
    "mish": lambda x: M.tanh(_softplus(x)) + abs(x * _sech2(_softplus(x)) * _sigmoid(x)),
}


def _call(name: str, x: np.ndarray, grad: bool):
    if name == "gelu_tanh":
        return (act.gelu_grad if grad else act.gelu)(x, approximate="tanh")
    a = act.get(name)
    return (a.grad if grad else a.forward)(x, **a.params)


def _reference(name: str, grad: bool, x: np.ndarray, *, scale: bool = False) -> np.ndarray:
    """The exact values at ``x`` (or, with ``scale``, the size the error is measured against)."""
    fn = REFERENCES[name][1 if grad else 0]
    if scale:
        fn = TERM_SIZE[name] if grad and name in TERM_SIZE else (lambda v, fn=fn: abs(fn(v)))
    out = np.empty(x.size)
    for i, v in enumerate(x.astype(np.float64)):
        if math.isnan(v):
            out[i] = np.nan
            continue
        r = fn(_m(float(v)))
        out[i] = float(r) if abs(r) < 1e308 else math.copysign(math.inf, r)
    return out


def test_every_registered_activation_has_a_reference():
    assert set(act.names()) <= set(REFERENCES)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize(("name", "grad"), CASES)
def test_matches_high_precision_reference_on_edge_grid(name, grad, dtype):
    with np.errstate(over="ignore"):
        x = GRID.astype(dtype)  # beyond the dtype's range the grid holds ±inf
    before = x.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = _call(name, x, grad)
    assert got.dtype == dtype and got.shape == x.shape
    np.testing.assert_array_equal(x, before)  # the input is never modified
    ref = _reference(name, grad, x)
    size = _reference(name, grad, x, scale=True)
    got64 = got.astype(np.float64)
    assert np.array_equal(np.isnan(got64), np.isnan(ref)), f"NaN where the reference has none: {x[np.isnan(got64)]}"
    info = np.finfo(dtype)
    big = np.abs(ref) > float(info.max)  # the exact value overflows the dtype: inf expected
    assert np.array_equal(got64[big], ref[big] * np.inf), f"{x[big]} should give ±inf"
    ok = ~np.isnan(ref) & ~big
    err = np.abs(got64[ok] - ref[ok])
    limit = RTOL[dtype] * size[ok] + float(info.tiny)
    bad = err > limit
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = err / np.abs(ref[ok])
    assert not bad.any(), (
        f"{name}{' grad' if grad else ''} in {np.dtype(dtype).name}: at x = {x[ok][bad][:5]} got {got64[ok][bad][:5]}, "
        f"exact {ref[ok][bad][:5]} (relative error {rel[bad][:5]})")


@pytest.mark.parametrize(("name", "grad"), CASES)
def test_float32_relative_error_on_a_dense_grid(name, grad):
    """Between the edge points too: 1501 points on [-15, 15], where float32 results are normal numbers."""
    x = np.linspace(-15, 15, 1501).astype(np.float32)
    got = _call(name, x, grad).astype(np.float64)
    ref = _reference(name, grad, x)
    size = _reference(name, grad, x, scale=True)
    np.testing.assert_array_less(np.abs(got - ref), 2e-5 * size + 1e-38)


def test_reference_is_high_precision():
    # guards the references themselves: known values to 15 digits
    assert float(REFERENCES["gelu"][0](_m(-1.0))) == pytest.approx(-0.15865525393145707, rel=1e-15)
    assert float(REFERENCES["sigmoid"][1](_m(40.0))) == pytest.approx(4.248354255291589e-18, rel=1e-14)
    assert float(REFERENCES["mish"][0](_m(-1.0))) == pytest.approx(-0.30340146137410895, rel=1e-14)


@pytest.mark.parametrize(("name", "grad"), CASES)
@pytest.mark.parametrize("x", [-2.0, 0.0, 3.0, np.float32(-0.5), np.float16(7.0)])
def test_scalars_in_give_scalars_out(name, grad, x):
    out = _call(name, x, grad)
    assert np.ndim(out) == 0 and isinstance(out, np.floating)
    assert out.dtype == (np.asarray(x).dtype if isinstance(x, np.floating) else np.float64)
    np.testing.assert_allclose(float(out), float(_call(name, np.array([x]), grad)[0]), rtol=0, atol=0)


@pytest.mark.parametrize(("name", "grad"), CASES)
def test_blocks_views_and_layouts_give_the_same_values(name, grad):
    """Large arrays run block by block: the result must not depend on blocks, strides or memory order."""
    rng = np.random.default_rng(1)
    big = (rng.standard_normal(2 * act._BLOCK + 12_345) * 4).astype(np.float32)
    whole = _call(name, big, grad)
    pieces = np.concatenate([_call(name, big[i:i + 1000], grad) for i in range(0, big.size, 1000)])
    np.testing.assert_array_equal(whole, pieces)
    strided = big[::3]
    np.testing.assert_array_equal(_call(name, strided, grad), whole[::3])
    grid = big[:6000].reshape(60, 100)
    for layout in (grid.T, np.asfortranarray(grid), grid[:, ::2]):
        out = _call(name, layout, grad)
        assert out.shape == layout.shape and not np.shares_memory(out, big)
        np.testing.assert_array_equal(out, _call(name, np.ascontiguousarray(layout), grad))
    assert _call(name, np.zeros((0, 3), np.float32), grad).shape == (0, 3)
