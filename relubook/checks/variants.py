"""Checkers for the exercises of chapter 3, the variants of ReLU.

* :func:`leaky_relu`, :func:`leaky_relu_grad` test the default slope *and*
  other slopes, including ``alpha = 2`` where ``max(alpha * x, x)`` is wrong;
* :func:`elu` includes ``-1e4`` and ``+1e4`` (the naive ``np.exp(x)`` overflows
  on the positive side, and a RuntimeWarning fails the case);
* :func:`silu` includes ``|x|`` up to ``1e4``;
* :func:`prelu_grad_alpha` checks the derivative of PReLU with respect to its
  slope (derived on paper first: ``min(0, x)``);
* :func:`prelu_slope_grad` checks the gradient of a PReLU layer's slopes, one per channel (designed:
  the sum over the batch of ``grad_out * min(0, x)``);
* :func:`quiz_nonzero_gradient` takes a set of registry names;
* :func:`elu_zero_mean_alpha` takes the α found with the variant explorer;
* :func:`maxout_pieces` takes the ``(w, b)`` pieces of a Maxout unit that
  should be ReLU, Leaky ReLU or ``|x|`` (derived, not computed);
* :func:`selu_fixed_point` takes a *prediction* of the mean and variance after
  30 SELU layers, made before running the network;
* :func:`matched_init` takes ``n sigma^2`` of Leaky ReLU's matched initialisation (derived);
* :func:`gradient_flow_prediction` takes a predicted gradient ratio over 30 Softplus layers.

The function checkers judge the values (also where ``exp`` overflows, and at NaN and ±inf, which
every task states); a RuntimeWarning from a branch that is thrown away is reported as a note.

A correct float64 result for a float32 input passes, with a note on keeping
the dtype; a narrower dtype fails with a hint that fits the function checked.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable

import numpy as np

from .. import activations
from ..tables import mean_on_standard_normal
from ._core import CHECK_SEED, Case, check_function, fmt, report, standard_cases
from .definition import _AGAIN, _missed

__all__ = [
    "FLOW_EXERCISE",
    "MATCHED_ALPHA",
    "SELU_EXERCISE",
    "elu",
    "elu_zero_mean_alpha",
    "flow_exercise_ratios",
    "gradient_flow_prediction",
    "leaky_relu",
    "leaky_relu_grad",
    "matched_init",
    "MAXOUT_EXACT_CLAIMS",
    "maxout_exact",
    "maxout_pieces",
    "maxout_unit",
    "prelu_grad_alpha",
    "prelu_slope_grad",
    "quiz_nonzero_gradient",
    "selu_fixed_point",
    "selu_exercise_moments",
    "silu",
]

#: |f'(-3)| above this counts as a non-zero gradient in the quiz (GELU's -0.012 and tanh's 0.0099 count).
NONZERO_GRAD_TOL = 1e-3
#: The ELU alpha of the widget exercise is accepted within this distance of the exact answer
#: (a change of 0.05 in alpha moves the mean output by about 0.012).
ELU_ALPHA_TOL = 0.05

_ALPHAS = (0.2, 0.5, 2.0)  # non-default slopes; 2.0 > 1 separates max(alpha*x, x) from leaky ReLU


def _with_alphas(extra_hint: str = "") -> list[Case]:
    """Standard cases with the default slope, then every case of a few arrays with other slopes."""
    cases = standard_cases()
    rng = np.random.default_rng(CHECK_SEED + 3)
    probe = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0])
    for alpha in _ALPHAS:
        cases.append(Case((probe.copy(), alpha), f"alpha = {alpha:g} (not the default)", extra_hint))
        x32 = (rng.standard_normal((3, 5)) * 3).astype(np.float32)
        cases.append(Case((x32, alpha), f"a random float32 array with alpha = {alpha:g}", extra_hint))
    return cases


_INT_X = np.array([-3, -1, 0, 2, 5])
_SPECIAL_X = np.array([np.nan, -np.inf, np.inf, -2.0, 0.5])


def _int_case(alpha: float | None, what: str) -> Case:
    """An integer array (with ``alpha`` unless None): ``.astype(x.dtype)`` would truncate the negative side."""
    args = (_INT_X.copy(),) if alpha is None else (_INT_X.copy(), alpha)
    return Case(args, "an integer array" + ("" if alpha is None else f" with alpha = {alpha:g}"),
                f"for integer x the result is not an integer ({what}): return float64 then, not x.dtype "
                "(a copy that keeps float32 and turns integers into float64: "
                "np.array(x, dtype=np.result_type(x, 1.0))).")


def _special_case(hint: str) -> Case:
    """NaN and ±inf: NaN must stay NaN (not become 0), +inf stays +inf."""
    return Case((_SPECIAL_X.copy(),), "NaN, -inf and +inf among ordinary numbers", hint)


def _int_truncated(args, got) -> str | None:
    """The hint for an integer input answered in an integer dtype (the ``.astype(x.dtype)`` mistake)."""
    x_in = np.asarray(args[0])
    if x_in.dtype.kind in "iub" and isinstance(got, np.ndarray) and got.dtype.kind in "iub":
        return (f"the input is an integer array and your output is {got.dtype} too, so the values were "
                "truncated to integers (for example by .astype(x.dtype)). Keep the dtype only for floating "
                "x; for integer x return float64 (np.result_type(x, 1.0) is that dtype).")
    return None


def _same(got, ref) -> bool:
    try:
        g = np.asarray(got, dtype=float)
        r = np.asarray(ref, dtype=float)
        return g.shape == r.shape and bool(np.allclose(g, r, rtol=1e-5, atol=1e-7, equal_nan=True))
    except (TypeError, ValueError):
        return False


def _alpha_of(args, default: float) -> float:
    return float(args[1]) if len(args) > 1 else default


class _DtypeNotes:
    """Collects, over one checker run, the cases where a float input came back in a wider float dtype.

    A float64 result for a float32 input is *correct*, so it passes; the report
    then adds one note on keeping the dtype. A narrower dtype (float16 for a
    float32 input) loses digits and fails with a hint that fits the function.
    """

    def __init__(self, keep_hint: str):
        self.keep_hint = keep_hint
        self.widened: list[str] = []

    def dtype_complaint(self, args, got) -> str | None:
        x = args[0]
        if not (isinstance(x, np.ndarray) and x.ndim > 0 and x.dtype.kind == "f" and isinstance(got, np.ndarray)):
            return None
        if got.dtype == x.dtype:
            return None
        if got.dtype.kind == "f" and got.dtype.itemsize > x.dtype.itemsize:
            self.widened.append(f"{x.dtype} in, {got.dtype} out")
            return None
        return (f"the input was {x.dtype} but your output is {got.dtype}, which cannot hold every "
                f"{x.dtype} value: {self.keep_hint}")

    def compare(self, inner=None):
        """A ``compare`` for :func:`check_function`: the dtype rule above, then the values."""

        def _compare(args, expected, got):
            complaint = self.dtype_complaint(args, got)
            if complaint:
                return complaint
            if inner is not None:
                return inner(args, expected, got)
            return _values_differ(args, expected, got)

        return _compare

    def finish(self, result, *, quiet: bool):
        """Print ``result`` (with the dtype note when it passed with a wider dtype) and return it."""
        if result.passed and self.widened:
            note = (f"   note: for a {self.widened[0].split()[0]} input your function returns "
                    f"{self.widened[0].split()[-2]}. The values are right; keeping the input's dtype "
                    f"halves the memory and the time: {self.keep_hint}")
            result.message = result.message + "\n" + note
            result.details["widened_dtype"] = self.widened[0]
        if not quiet:
            print(result.message)
        return result


class _WarningNote:
    """Runs the learner's function under NumPy's warnings, remembers the first RuntimeWarning, and lets the
    values decide: a warning from a branch that ``np.where`` throws away is wasted work, not a wrong answer."""

    def __init__(self, advice: str):
        self.advice = advice
        self.first: tuple[tuple, str] | None = None

    def wrap(self, fn):
        if not callable(fn):
            return fn

        def run(*args):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with np.errstate(all="warn", under="ignore"):
                    out = fn(*args)
            runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
            if runtime and self.first is None:
                self.first = (args, str(runtime[0].message))
            return out

        return run

    def finish(self, result):
        if result.passed and self.first is not None:
            args, message = self.first
            result.message += (f"\n   note: NumPy warned ({message}) for x = {fmt(args[0], 50)}. Your values are "
                               f"right, but the overflow was computed and thrown away: {self.advice}")
            result.details["warning"] = message
        return result


def _values_differ(args, expected, got) -> str | None:
    """The default comparison of :func:`check_function`, in float64, tolerances loosened for float32/16."""
    x0 = args[0]
    dtype = np.asarray(x0).dtype if isinstance(x0, np.ndarray) else np.dtype(np.float64)
    loose = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}.get(dtype, 0.0)
    g = np.asarray(got, dtype=np.float64).reshape(np.shape(expected))
    e = np.asarray(expected, dtype=np.float64)
    ok = np.isclose(g, e, rtol=max(1e-6, loose), atol=max(1e-9, loose), equal_nan=True)
    if ok.all():
        return None
    if e.ndim:
        i = tuple(int(k) for k in np.argwhere(~ok)[0])
        return (f"expected: {fmt(expected)}\n   got:      {fmt(got)}\n   first wrong value at index {i} "
                f"(x = {fmt(np.asarray(x0)[i])}): expected {fmt(e[i])}, got {fmt(g[i])}")
    return f"expected: {fmt(expected)}\n   got:      {fmt(got)}"


def _int_as_float(inner):
    """A ``compare`` that first requires a floating result for an integer input (the task's rule)."""

    def _compare(args, expected, got):
        x_in = np.asarray(args[0])
        if x_in.dtype.kind in "iub" and isinstance(got, np.ndarray) and got.dtype.kind not in "fc":
            return (f"the input is an integer array and your output is {got.dtype}; the task asks for float64 "
                    "for integer x")
        return inner(args, expected, got)

    return _compare


_MAX_FORM_HINT = ("max(alpha * x, x) equals leaky ReLU only when alpha <= 1: for alpha = 2 it picks 2x "
                  "on the positive side (2x > x there) and x on the negative side. Use the piecewise "
                  "form np.where(x > 0, x, alpha * x), which is right for every alpha.")


_INF_TIMES_ZERO = ("at x = ±inf your function gives NaN where the answer is {want}: multiplying by a 0/1 mask, "
                   "as in x * (x > 0), computes inf * 0 = nan in the branch that should vanish. The task asks "
                   "for ±inf too; select instead of multiplying: np.where(x > 0, ...).")


def _inf_times_zero(args, expected, got) -> str | None:
    """The hint for a gate idiom (``x * (x > 0)``) that turns ±inf into NaN."""
    x = np.asarray(args[0], dtype=float)
    try:
        g = np.asarray(got, dtype=float).reshape(x.shape)
    except (TypeError, ValueError):
        return None
    e = np.asarray(expected, dtype=float).reshape(x.shape)
    bad = np.isinf(x) & np.isnan(g) & ~np.isnan(e)
    if bad.any():
        return _INF_TIMES_ZERO.format(want=fmt(e[bad][0]))
    return None


def _diagnose_leaky(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    alpha = _alpha_of(args, 0.01)
    truncated = _int_truncated(args, got)
    if truncated:
        return truncated
    inf_nan = _inf_times_zero(args, expected, got)
    if inf_nan:
        return inf_nan
    if np.isnan(x).any() and isinstance(got, np.ndarray) and got.shape == x.shape and not np.isnan(
            np.asarray(got, dtype=float)[np.isnan(x)]).all():
        return ("a NaN input must give NaN (the value is unknown); np.where(x > 0, x, alpha * x) keeps it, "
                "np.nan_to_num or a mask that sets it to 0 does not.")
    if _same(got, np.maximum(alpha * x, x)):
        return _MAX_FORM_HINT
    if alpha != 0.01 and _same(got, np.where(x > 0, x, 0.01 * x)):
        return "your function ignores alpha and always uses 0.01: use the alpha it receives."
    if _same(got, np.maximum(0, x)):
        return "that is plain ReLU: negative inputs must be multiplied by alpha, not set to 0."
    if _same(got, np.where(x > 0, alpha * x, x)):
        return "the two sides are swapped: x itself where x > 0, alpha * x where x <= 0."
    if _same(got, np.where(x > 0, x, -alpha * x)):
        return "wrong sign on the negative side: it is alpha * x (negative for x < 0), not -alpha * x."
    if _same(got, np.where(x > 0, 1.0, alpha)):
        return "that is the derivative (1 or alpha); leaky_relu returns the value x or alpha * x."
    if _same(got, x):
        return "you returned the input unchanged: scale the negative side by alpha."
    return None


_LEAKY_KEEP = ("np.where(x > 0, x, alpha * x) keeps a float32 x in float32 (alpha is a Python float, "
               "which does not widen the array).")


def leaky_relu(fn, *, quiet: bool = False):
    """Check ``leaky_relu(x, alpha=0.01)``: ``x`` for ``x > 0``, ``alpha * x`` otherwise.

    The default slope is tested by calling ``fn(x)``; other slopes (0.2, 0.5
    and 2) by ``fn(x, alpha)``. A float64 result for a float32 input passes
    with a note.
    """
    notes = _DtypeNotes(_LEAKY_KEEP)
    cases = _with_alphas() + [_int_case(0.2, "alpha * x = -0.6 at x = -3"),
                              _special_case("NaN stays NaN and ±inf stays ±inf: np.where(x > 0, x, alpha * x).")]
    warned = _WarningNote("np.where(x > 0, x, alpha * x) selects without computing anything to throw away.")
    result = check_function(
        "leaky_relu", warned.wrap(fn), activations.leaky_relu, cases, arg_names=("x", "alpha"),
        compare=notes.compare(), diagnose=_diagnose_leaky, require_dtype=False, warn_is_failure=False,
        hint="leaky ReLU keeps x where x > 0 and gives alpha * x elsewhere: "
             "np.where(x > 0, x, alpha * x). Give alpha a default: def leaky_relu(x, alpha=0.01).",
        summary="Slopes tested: 0.01 (default), 0.2, 0.5 and 2; integer input, NaN and ±inf too.", quiet=True,
    )
    return notes.finish(warned.finish(result), quiet=quiet)


def _compare_leaky_grad(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=np.float64)
    alpha = _alpha_of(args, 0.01)
    g = np.asarray(got, dtype=np.float64).reshape(x.shape)
    e = np.asarray(expected, dtype=np.float64).reshape(x.shape)
    away = x != 0
    bad = away & ~np.isclose(g, e, rtol=1e-6, atol=1e-9)
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        return f"at x = {fmt(x[i])} (alpha = {alpha:g}) the derivative is {fmt(e[i])}, got {fmt(g[i])}"
    at0 = ~away
    if at0.any():
        lo, hi = min(alpha, 1.0), max(alpha, 1.0)
        vals = g[at0]
        if np.isnan(vals).any() or (vals < lo - 1e-9).any() or (vals > hi + 1e-9).any():
            return (f"at x = 0 any value between alpha = {alpha:g} and 1 is a valid subgradient, "
                    f"got {fmt(vals[0])}")
    return None


def _diagnose_leaky_grad(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    alpha = _alpha_of(args, 0.01)
    x_in = np.asarray(args[0])
    if (x_in.dtype.kind in "iub" and isinstance(got, np.ndarray) and got.dtype.kind in "iub"
            and _same(got, np.where(x > 0, 1, np.trunc(alpha)))):
        return (f"the input is an integer array and your output is {got.dtype}: casting to x.dtype "
                f"truncates alpha = {alpha:g} to {np.trunc(alpha):g}. Return float64 for integer x: "
                "dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64.")
    if _same(got, np.where(x > 0, x, alpha * x)):
        return "that is leaky ReLU itself; its derivative is 1 where x > 0 and alpha where x <= 0."
    if alpha != 0.01 and _same(got, np.where(x > 0, 1.0, 0.01)):
        return "your function ignores alpha and always uses 0.01: use the alpha it receives."
    if _same(got, (x > 0).astype(float)):
        return "that is the ReLU derivative: the negative side has slope alpha, not 0."
    if _same(got, np.where(x > 0, alpha, 1.0)):
        return "the two sides are swapped: the slope is 1 where x > 0 and alpha where x <= 0."
    if _same(got, np.where(x > 0, 1.0, -alpha)):
        return "wrong sign: the slope on the negative side is +alpha."
    return None


_LEAKY_GRAD_KEEP = ("np.where(x > 0, 1.0, alpha).astype(dtype) with dtype = x.dtype for a floating x "
                    "(and float64 for an integer x).")


def leaky_relu_grad(fn, *, quiet: bool = False):
    """Check ``leaky_relu_grad(x, alpha=0.01)``: 1 for ``x > 0``, ``alpha`` otherwise.

    At exactly 0 any value between ``alpha`` and 1 is accepted (a
    subgradient); PyTorch uses ``alpha``. Other slopes are tested too, and an
    integer array, whose result must not be truncated to integers. A float64
    result for a float32 input passes with a note.
    """
    cases = _with_alphas() + [
        Case((np.zeros(3), 0.3), "zeros with alpha = 0.3 (the kink)"),
        Case((np.array([-3, -1, 0, 2, 5]), 0.2), "an integer array with alpha = 0.2",
             "for integer x the slope alpha is not an integer: return float64 then, "
             "not x.dtype (which would truncate alpha to 0)."),
    ]
    notes = _DtypeNotes(_LEAKY_GRAD_KEEP)
    result = check_function(
        "leaky_relu_grad", fn, activations.leaky_relu_grad, cases, arg_names=("x", "alpha"),
        compare=notes.compare(_compare_leaky_grad), diagnose=_diagnose_leaky_grad, require_dtype=False,
        hint="the slope is 1 where x > 0 and alpha elsewhere: x = np.asarray(x), then "
             "np.where(x > 0, 1.0, alpha).astype(dtype), with dtype = x.dtype for floating x and "
             "np.float64 otherwise (and give alpha a default of 0.01).",
        summary="Slopes tested: 0.01 (default), 0.2, 0.5 and 2, on float and integer arrays; "
                "any value in [alpha, 1] is accepted at 0.",
        quiet=True,
    )
    return notes.finish(result, quiet=quiet)


_OVERFLOW_HINT = ("np.exp(x) overflows for large positive x even though np.where then throws that branch "
                  "away: both branches are computed for every element. Clip first: "
                  "alpha * np.expm1(np.minimum(x, 0)) (expm1 is also more accurate than exp(x) - 1 near 0).")


def _diagnose_elu(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    alpha = _alpha_of(args, 1.0)
    neg = np.minimum(x, 0)
    truncated = _int_truncated(args, got)
    if truncated:
        return truncated
    try:
        g = np.asarray(got, dtype=float).reshape(x.shape)
        e = np.asarray(expected, dtype=float).reshape(x.shape)
        if (np.isnan(g) & ~np.isnan(e) & np.isfinite(x)).any():
            return ("exp(x) overflows to inf for large x, and multiplying it by a 0/1 mask gives inf * 0 = nan. "
                    "Select instead of multiplying, with the exponent clipped: "
                    "np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).")
    except (TypeError, ValueError):
        pass
    inf_nan = _inf_times_zero(args, expected, got)
    if inf_nan:
        return inf_nan
    with np.errstate(all="ignore"):
        if alpha != 1.0 and _same(got, np.where(x > 0, x, np.expm1(neg))):
            return "your function ignores alpha: the negative side is alpha * (exp(x) - 1)."
        if _same(got, np.maximum(0, x)):
            return "that is plain ReLU: for x <= 0 ELU is alpha * (exp(x) - 1), which saturates at -alpha."
        if _same(got, np.where(x > 0, x, alpha * np.exp(neg))):
            return "you forgot the - 1: alpha * (exp(x) - 1) is 0 at x = 0, so the two sides meet."
        if _same(got, np.where(x > 0, x, -alpha * np.expm1(neg))):
            return "wrong sign: alpha * (exp(x) - 1) is negative for x < 0."
        if _same(got, np.where(x > 0, 1.0, alpha * np.exp(neg))):
            return "that is the derivative of ELU, not ELU itself."
    return None


def _elu_cases() -> list[Case]:
    cases = standard_cases()
    for case in cases:
        if "edge" in case.description:
            case.hint = _OVERFLOW_HINT
    rng = np.random.default_rng(CHECK_SEED + 5)
    cases += [
        Case((np.array([-1e4, -1000.0, -800.0, -50.0]),), "large negative inputs", _OVERFLOW_HINT),
        Case((np.array([50.0, 709.0, 710.0, 1000.0, 1e4]),), "large positive inputs (exp overflows from 710 on)",
             _OVERFLOW_HINT),
        Case((np.array([-100.0, -3.0, 0.0, 89.0, 100.0], dtype=np.float32),),
             "float32 inputs beyond exp's float32 range (it overflows from 89 on)", _OVERFLOW_HINT),
        Case((np.array([-3.0, -1.0, -0.1, 0.0, 2.0]), 0.5), "alpha = 0.5 (not the default)"),
        Case((np.array([-1e4, -3.0, 0.0, 1e4]), 2.0), "alpha = 2 with large inputs", _OVERFLOW_HINT),
        Case(((rng.standard_normal((4, 3)) * 4).astype(np.float32), 1.5), "a float32 array with alpha = 1.5"),
        _int_case(None, "exp(-3) - 1 = -0.95 at x = -3"),
        _special_case("NaN stays NaN, -inf gives -alpha and +inf stays +inf: "
                      "np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))."),
    ]
    return cases


_ELU_KEEP = ("np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))) keeps a float32 x in float32 "
             "(np.expm1 and np.minimum keep the dtype; a Python float alpha does not widen it).")


def elu(fn, *, quiet: bool = False):
    """Check ``elu(x, alpha=1.0)``, including inputs of ±1e4 that must not overflow.

    A float64 result for a float32 input passes with a note.
    """
    notes = _DtypeNotes(_ELU_KEEP)
    warned = _WarningNote("np.where computes both branches for every element, so clip the exponent first, "
                          "alpha * np.expm1(np.minimum(x, 0)).")
    result = check_function(
        "elu", warned.wrap(fn), activations.elu, _elu_cases(), arg_names=("x", "alpha"), diagnose=_diagnose_elu,
        compare=notes.compare(), require_dtype=False, warn_is_failure=False,
        hint="ELU is x where x > 0 and alpha * (exp(x) - 1) elsewhere: "
             "np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).",
        summary="Values checked where exp overflows (x = ±1e4 in float64, ±100 in float32), integer input, "
                "NaN and ±inf.", quiet=True,
    )
    return notes.finish(warned.finish(result), quiet=quiet)


_SILU_HINT = ("the textbook sigmoid np.exp(x) / (1 + np.exp(x)) is inf / inf = nan from x = 710 on, and "
              "1 / (1 + np.exp(-x)) gives the right value but warns about an overflow for x <= -710. "
              "Use a stable sigmoid: scipy.special.expit(x), 0.5 * (1 + np.tanh(x / 2)), or "
              "e = np.exp(-np.abs(x)) and np.where(x >= 0, 1 / (1 + e), e / (1 + e)).")


def _diagnose_silu(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    truncated = _int_truncated(args, got)
    if truncated:
        return truncated
    with np.errstate(all="ignore"):
        s = 0.5 * (1 + np.tanh(0.5 * x))
        if _same(got, s):
            return "that is the sigmoid alone: SiLU multiplies it by x, x * sigmoid(x)."
        if _same(got, x * (1 - s)):
            return "that is x * sigmoid(-x): the gate is sigmoid(x), which is near 1 for large positive x."
        if _same(got, x * np.tanh(x)):
            return "that is x * tanh(x): SiLU uses the logistic sigmoid 1 / (1 + exp(-x))."
        if _same(got, np.maximum(0, x)):
            return "that is ReLU: SiLU is the smooth x * sigmoid(x), slightly negative for x < 0."
        if _same(got, s * (1 + x * (1 - s))):
            return "that is the derivative of SiLU, not SiLU itself."
    return None


_SILU_KEEP = "x * scipy.special.expit(x) keeps a float32 x in float32."


def silu(fn, *, quiet: bool = False):
    """Check ``silu(x) = x * sigmoid(x)``, stable (no warning, no NaN) for ``|x|`` up to 1e4.

    A float64 result for a float32 input passes with a note.
    """
    cases = standard_cases()
    for case in cases:
        if "edge" in case.description:
            case.hint = _SILU_HINT
    cases += [
        Case((np.array([-1e4, -1000.0, -710.0, -50.0]),), "large negative inputs", _SILU_HINT),
        Case((np.array([50.0, 709.0, 710.0, 1000.0, 1e4]),), "large positive inputs (x * exp(x) overflows from 709 on)",
             _SILU_HINT),
        Case((np.array([-100.0, -90.0, 0.0, 89.0, 100.0], dtype=np.float32),),
             "float32 inputs beyond exp's float32 range (it overflows from 89 on)", _SILU_HINT),
        _int_case(None, "SiLU(-1) = -0.269"),
        Case((np.array([np.nan, np.inf, -2.0, 0.5]),), "NaN and +inf among ordinary numbers",
             "NaN stays NaN and +inf stays +inf: x * scipy.special.expit(x)."),
    ]
    notes = _DtypeNotes(_SILU_KEEP)
    warned = _WarningNote("a sigmoid that never overflows, such as scipy.special.expit(x), does no wasted work.")
    result = check_function(
        "silu", warned.wrap(fn), activations.silu, cases, diagnose=_diagnose_silu, compare=notes.compare(),
        require_dtype=False, warn_is_failure=False,
        hint="SiLU is x * sigmoid(x); scipy.special.expit(x) is a stable sigmoid.",
        summary="Values checked where exp overflows (|x| up to 1e4 in float64, 100 in float32), NaN and +inf.",
        quiet=True,
    )
    return notes.finish(warned.finish(result), quiet=quiet)


def _prelu_slope_cases() -> list[Case]:
    """Every standard input with the slope a = 0.25 (PReLU's usual start), then other slopes."""
    cases = [Case((*c.args, 0.25), c.description + " with a = 0.25", c.hint) for c in standard_cases()]
    probe = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0])
    cases += [Case((probe.copy(), a), f"a = {a:g}") for a in (-1.0, 0.1)]
    cases.append(Case((_INT_X.copy(), 0.25), "an integer array with a = 0.25",
                      "for integer x return float64, as the task asks: the gradient of the float parameter a "
                      "is a float (np.result_type(x, 1.0) is that dtype)."))
    cases.append(Case((_SPECIAL_X.copy(), 0.25), "NaN, -inf and +inf with a = 0.25",
                      "NaN stays NaN, -inf gives -inf and +inf gives 0: np.minimum(x, 0)."))
    return cases


def _diagnose_prelu_slope(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    a = float(args[1])
    x_in = np.asarray(args[0])
    if x_in.dtype.kind in "iub" and isinstance(got, np.ndarray) and got.dtype.kind in "iub":
        return ("np.minimum of an integer array stays an integer array; convert x first: "
                "x = np.asarray(x, dtype=np.result_type(x, 1.0)) keeps float32 and turns integers into float64.")
    inf_nan = _inf_times_zero(args, expected, got)
    if inf_nan:
        return inf_nan
    if _same(got, np.where(x > 0, 1.0, a)):
        return "that is the derivative with respect to x (1 or a); here the variable is the slope a."
    if _same(got, np.where(x > 0, x, a * x)):
        return "that is PReLU itself; differentiate a * x with respect to a, which gives x."
    if _same(got, np.minimum(0.0, a * x)) or _same(got, a * np.minimum(0.0, x)):
        return "that is the negative branch a * x; its derivative with respect to a is x, without the a."
    if _same(got, (x <= 0).astype(float)) or _same(got, (x < 0).astype(float)):
        return "d(a * x)/da is x, not 1: the slope multiplies x, so x is what the gradient of a carries."
    if _same(got, np.maximum(0.0, x)):
        return "wrong side: the positive branch x does not contain a (derivative 0); the negative one gives x."
    return None


def prelu_grad_alpha(fn, *, quiet: bool = False):
    """Check ``prelu_grad_alpha(x, a)``: the derivative of PReLU with respect to its slope ``a``.

    It is 0 for ``x > 0`` and ``x`` for ``x <= 0``, that is ``min(0, x)``; it
    does not depend on ``a``. A float64 result for a float32 input passes with
    a note.
    """
    notes = _DtypeNotes("np.minimum(x, 0) keeps a float32 x in float32.")
    warned = _WarningNote("np.minimum(x, 0) computes nothing to throw away.")
    result = check_function(
        "prelu_grad_alpha", warned.wrap(fn), activations.prelu_grad_alpha, _prelu_slope_cases(), arg_names=("x", "a"),
        compare=notes.compare(_int_as_float(_values_differ)), diagnose=_diagnose_prelu_slope, require_dtype=False,
        warn_is_failure=False,
        hint="for x > 0 PReLU is x (no a in it), for x <= 0 it is a * x, whose derivative in a is x: "
             "np.minimum(x, 0).",
        summary="Slopes a = 0.25, -1 and 0.1; float and integer input, NaN and ±inf.", quiet=True,
    )
    return notes.finish(warned.finish(result), quiet=quiet)


# ----------------------------------------------------------------------------
# Quiz and widget exercise
# ----------------------------------------------------------------------------
def nonzero_gradient_truth(tol: float = NONZERO_GRAD_TOL) -> dict[str, float]:
    """Registry activations with ``|f'(-3)| > tol`` at their default parameters, with ``f'(-3)``."""
    out = {}
    for name in activations.names():
        act = activations.get(name)
        g = float(act.grad(-3.0, **act.params))
        if abs(g) > tol:
            out[name] = g
    return out


_ALIASES = {"swish": "silu", "silu_swish": "silu", "leaky": "leaky_relu", "leakyrelu": "leaky_relu",
            "relu_6": "relu6", "squaredrelu": "squared_relu", "relu2": "squared_relu", "logistic": "sigmoid"}


def _normalise(label: str) -> str:
    key = str(label).strip().lower()
    for ch in " -/":
        key = key.replace(ch, "_")
    while "__" in key:
        key = key.replace("__", "_")
    key = key.strip("_")
    by_label = {}
    for n in activations.names():
        lab = activations.get(n).label.lower()
        for ch in " -/":
            lab = lab.replace(ch, "_")
        while "__" in lab:
            lab = lab.replace("__", "_")
        by_label[lab] = n
    return _ALIASES.get(key, by_label.get(key, key))


def quiz_nonzero_gradient(answer_set, *, quiet: bool = False):
    """Check the set of registry activations whose gradient at ``x = -3`` is not zero.

    ``answer_set`` is a set (or list) of registry names such as ``"elu"``;
    display labels such as ``"Leaky ReLU"`` are accepted too. The truth is
    computed from the registry: ``|f'(-3)| > NONZERO_GRAD_TOL`` (``1e-3``) at
    the default parameters. A first wrong answer gets the counts and a hint, a second one the
    names (:func:`relubook.checks.definition.reset_attempts` forgets earlier misses).
    """
    name = "quiz_nonzero_gradient"
    try:
        if answer_set is None or answer_set is Ellipsis:
            return report(name, False, ["Fill in the set of names, then run the cell again."], todo=True,
                          quiet=quiet)
        if isinstance(answer_set, (str, bytes)) or not isinstance(answer_set, Iterable):
            return report(name, False, [f"expected a set of names such as {{'elu', 'gelu'}}, got {fmt(answer_set)}.",
                                        "hint: put the names in braces: {'leaky_relu', 'elu'}."], quiet=quiet)
        given = {}
        for item in answer_set:
            if not isinstance(item, str):
                return report(name, False, [f"{fmt(item)} is not a name; use strings such as 'elu'."],
                              quiet=quiet)
            given[_normalise(item)] = item
        unknown = [given[k] for k in given if k not in activations.REGISTRY]
        if unknown:
            return report(name, False, [f"not in the registry: {', '.join(map(repr, sorted(unknown)))}.",
                                        f"hint: the names are {', '.join(activations.names())}."], quiet=quiet)
        truth = nonzero_gradient_truth()
        chosen = set(given)
        missing = sorted(set(truth) - chosen, key=activations.names().index)
        extra = sorted(chosen - set(truth), key=activations.names().index)
        if not missing and not extra:
            return report(name, True, [f"all {len(truth)} found; the zero-gradient ones are "
                                       f"{', '.join(n for n in activations.names() if n not in truth)}."],
                          quiet=quiet)
        if _missed(name) == 1:  # a hint first; the lists would give the whole answer away
            counts = [f"{len(missing)} missing"] if missing else []
            counts += [f"{len(extra)} that should not be there"] if extra else []
            if missing:
                hint = ("hint: for each activation left out, look at its formula for x < 0: is it a constant there? "
                        "A derivative that is small but above 1e-3 still counts: check the functions whose slope "
                        "at -3 is only about 0.01.")
            else:
                hint = ("hint: an activation that is flat on its whole negative side has derivative exactly 0 at "
                        "-3; which of yours are?")
            return report(name, False, [f"your set has {' and '.join(counts)}.", hint, _AGAIN], quiet=quiet)
        lines = []
        if missing:
            lines.append("missing: " + ", ".join(missing))
            n = missing[0]
            lines.append(f"hint: {activations.get(n).label}'s derivative at -3 is {truth[n]:.4f}, "
                         "small but not zero (a gradient still flows).")
        if extra:
            n = extra[0]
            g = float(activations.get(n).grad(-3.0, **activations.get(n).params)) + 0.0
            lines.append("not non-zero: " + ", ".join(extra))
            lines.append(f"hint: {activations.get(n).label}'s derivative at -3 is {g:.4f}: "
                         "flat on the whole negative side.")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not read your answer ({type(exc).__name__}: {exc})."], quiet=quiet)


def _elu_zero_mean_reference() -> float:
    """The ELU alpha with zero mean output on N(0, 1), by root finding on the quadrature mean."""
    from scipy import optimize  # here, not at import: scipy.optimize takes a tenth of a second to load

    return float(optimize.brentq(lambda a: mean_on_standard_normal("elu", alpha=a), 0.5, 3.0, xtol=1e-12))


def elu_zero_mean_alpha(alpha, *, tol: float = ELU_ALPHA_TOL, quiet: bool = False):
    """Check the ELU ``alpha`` whose mean output on standard normal input is zero.

    The mean output is ``1/sqrt(2 pi) + alpha * (exp(1/2) Phi(-1) - 1/2)``,
    linear and decreasing in alpha, so there is exactly one answer; it is
    accepted within ``tol`` (default ``ELU_ALPHA_TOL``, 0.05, for an answer read
    off the explorer; the derivation exercise passes ``tol=1e-6``).
    """
    name = "elu_zero_mean_alpha"
    try:
        if alpha is None or alpha is Ellipsis:
            return report(name, False, ["Set alpha to the value you found with the explorer, then run "
                                        "the cell again."], todo=True, quiet=quiet)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected a number, got {fmt(alpha)}."], quiet=quiet)
        a = float(alpha)
        if not math.isfinite(a) or a <= 0:
            return report(name, False, [f"alpha = {fmt(alpha)}: ELU's alpha must be a positive number."],
                          quiet=quiet)
        target = _elu_zero_mean_reference()
        mean = mean_on_standard_normal("elu", alpha=a)
        if abs(a - target) <= tol:
            shown_mean = "0 (to 1e-12)" if abs(mean) < 1e-12 else f"{mean:+.2e}"
            lines = [f"alpha = {a:.10g} gives a mean output of {shown_mean} on N(0, 1)."]
            if abs(a - activations.SELU_ALPHA) <= 1e-6:
                lines.append(f"It is SELU's alpha, {activations.SELU_ALPHA:.10f}: SELU is a scaled ELU, and the "
                             "scale lambda does not move the zero of the mean.")
            return report(name, True, lines, details={"target": target}, quiet=quiet)
        if abs(a - target) <= ELU_ALPHA_TOL:
            return report(name, False, [
                f"alpha = {a:.6g} gives a mean output of {mean:+.2e}: close, as a slider finds it, but not exact.",
                "hint: the mean is 1/sqrt(2 pi) + alpha * (exp(1/2) * Phi(-1) - 1/2), a straight line in alpha; "
                "set it to 0 and solve (Phi is scipy.special.ndtr).",
            ], quiet=quiet)
        direction = "larger" if a < target else "smaller"
        return report(name, False, [
            f"alpha = {a:.3f} gives a mean output of {mean:+.4f}, not close enough to 0.",
            f"hint: try a {direction} alpha; a larger alpha pulls the negative side further down.",
        ], quiet=quiet)
    except Exception as exc:
        return report(name, False, [f"could not check alpha ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Derive, then check: Maxout and SELU's fixed point
# ----------------------------------------------------------------------------
_MAXOUT_TARGETS = {
    "relu": ("ReLU", lambda x: np.maximum(0.0, x)),
    "leaky_relu": ("Leaky ReLU with alpha = 0.01", lambda x: np.where(x > 0, x, 0.01 * x)),
    "abs": ("|x|", np.abs),
}
#: [-5, 5] finely, then far out on both sides: an extra piece such as (-1, -10) is invisible on
#: [-5, 5] but takes over for x < -10.
_MAXOUT_GRID = np.concatenate([-np.logspace(8, 0.7, 30), np.linspace(-5.0, 5.0, 1001), np.logspace(0.7, 8, 30)])


def maxout_unit(pieces, x) -> np.ndarray:
    """A one-input Maxout unit: ``max_k (w_k * x + b_k)`` over the ``(w_k, b_k)`` in ``pieces``."""
    ws = np.array([float(w) for w, _ in pieces])[:, None]
    bs = np.array([float(b) for _, b in pieces])[:, None]
    with np.errstate(over="ignore", invalid="ignore"):  # huge slopes give inf, which simply fails the check
        return np.max(ws * np.asarray(x, dtype=float)[None, :] + bs, axis=0)


def _read_pieces(pieces) -> list[tuple[float, float]] | str:
    """The learner's pieces as (w, b) floats, or a sentence saying what is wrong with them."""
    if isinstance(pieces, (str, bytes, dict)) or not isinstance(pieces, Iterable):
        return f"expected a list of (w, b) pairs such as [(1.0, 0.0), (0.0, 0.0)], got {fmt(pieces)}."
    out = []
    for item in pieces:
        if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
            return f"{fmt(item)} is not a (w, b) pair; write each piece as (w, b)."
        pair = list(item)
        if len(pair) != 2:
            return f"{fmt(item)} has {len(pair)} numbers; each piece is a pair (w, b)."
        try:
            w, b = float(pair[0]), float(pair[1])
        except (TypeError, ValueError):
            return f"{fmt(item)} does not hold two numbers."
        if not (math.isfinite(w) and math.isfinite(b)):
            return f"{fmt(item)} is not finite."
        out.append((w, b))
    if len(out) < 2:
        return "a Maxout unit takes the maximum of at least two pieces; give two (w, b) pairs."
    return out


def maxout_pieces(pieces, target: str = "relu", *, quiet: bool = False):
    """Check the ``(w, b)`` pieces of a one-input Maxout unit that should equal ``target``.

    Parameters
    ----------
    pieces : list of (w, b)
        The affine pieces; the unit computes ``max_k (w_k * x + b_k)``.
    target : {"relu", "leaky_relu", "abs"}
        The function to represent (Leaky ReLU with ``alpha = 0.01``; ``"abs"`` is ``|x|``).

    The unit is compared with the target on 1001 points of [-5, 5] and on
    points out to ±1e8 (an extra piece can win far from 0); it must match to
    1e-12 (relative beyond |x| = 1), so a slope of 0.011 instead of 0.01 fails.
    """
    name = f"maxout_pieces ({target})"
    try:
        if target not in _MAXOUT_TARGETS:
            return report(name, False, [f"target must be one of {sorted(_MAXOUT_TARGETS)}, got {fmt(target)}."],
                          quiet=quiet)
        if pieces is None or pieces is Ellipsis:
            return report(name, False, ["Fill in the list of (w, b) pairs, then run the cell again."],
                          todo=True, quiet=quiet)
        read = _read_pieces(pieces)
        if isinstance(read, str):
            return report(name, False, [read], quiet=quiet)
        label, f = _MAXOUT_TARGETS[target]
        got = maxout_unit(read, _MAXOUT_GRID)
        want = f(_MAXOUT_GRID)
        with np.errstate(invalid="ignore"):
            bad = ~(np.abs(got - want) <= 1e-12 * np.maximum(1.0, np.abs(_MAXOUT_GRID)))
        if not bad.any():
            return report(name, True, [f"max over {fmt(read)} equals {label} (checked on [-5, 5] and out to ±1e8).",
                                       "Each piece is one straight line of the function; the max picks the "
                                       "upper one, which is why only convex piecewise-linear functions "
                                       "can be built this way."], quiet=quiet)
        # the first wrong point inside [-5, 5] if there is one, else the one nearest to it
        inside = bad & (np.abs(_MAXOUT_GRID) <= 5.0)
        if not inside.any():
            far = np.flatnonzero(bad)
            i = int(far[np.argmin(np.abs(_MAXOUT_GRID[far]))])
            x = _MAXOUT_GRID[i]
            return report(name, False, [
                f"your unit equals {label} on [-5, 5], but at x = {x:.4g} it gives {got[i]:.6g} where "
                f"{label} gives {want[i]:.6g}.",
                "hint: a piece that is below the others near 0 can still win far away; for the target, no "
                "line may be steeper than slope 1 on the right or flatter than the left slope on the left."],
                quiet=quiet)
        i = int(np.argmax(inside))
        x = _MAXOUT_GRID[i]
        lines = [f"at x = {x:g} your unit gives {got[i]:.6g}, {label} gives {want[i]:.6g}."]
        slopes = sorted(w for w, _ in read)
        if any(abs(b) > 0 for _, b in read):
            lines.append("hint: both lines of the target pass through the origin, so every b is 0.")
        elif target == "leaky_relu" and slopes[-1] == 1.0 and slopes[0] != 0.01:
            lines.append(f"hint: the slopes are 1 on the right and alpha = 0.01 on the left; your smaller slope "
                         f"is {slopes[0]:g}.")
        elif target == "abs" and slopes[-1] == 1.0 and slopes[0] != -1.0:
            lines.append(f"hint: |x| is the line -x on the left and x on the right; your smaller slope is "
                         f"{slopes[0]:g}, not -1.")
        elif target == "relu" and 1.0 in slopes:
            lines.append("hint: on the negative side ReLU is the flat line 0: a piece with w = 0 and b = 0.")
        else:
            lines.append("hint: write down the straight lines the target is made of (slope and intercept "
                         "on each side of the kink); each one is a piece (w, b).")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your pieces ({type(exc).__name__}: {exc})."], quiet=quiet)


#: Exercise 7's closing question: can one Maxout unit (any number of pieces) be exactly this function?
#: (function, verdict, why).
MAXOUT_EXACT_CLAIMS = (
    ("Leaky ReLU with alpha = 2", False,
     "its slope falls from 2 to 1 at 0: it bends downwards (concave), and a maximum of lines only bends upwards."),
    ("max(2x, x)", True, "it is the larger of the lines 2x and x: pieces (2, 0) and (1, 0)."),
    ("ReLU6", False, "its slope falls from 1 to 0 at x = 6, a downward bend no maximum of lines can make."),
    ("squared ReLU", False, "it is convex but curved for x > 0: finitely many lines only approximate it."),
    ("|x - 1| + 2", True, "it is max(x + 1, 3 - x): two lines."),
)


def maxout_exact(verdicts, *, quiet: bool = False):
    """Check the verdicts on :data:`MAXOUT_EXACT_CLAIMS`: which functions one Maxout unit represents exactly.

    ``verdicts`` is a list of five booleans in the order of the claims. A first wrong answer gets the number
    of right verdicts and a hint, a second one the wrong verdicts and why
    (:func:`relubook.checks.definition.reset_attempts` forgets earlier misses).
    """
    name = "maxout_exact"
    try:
        n = len(MAXOUT_EXACT_CLAIMS)
        if verdicts is None or verdicts is Ellipsis:
            return report(name, False, ["Write your verdicts, then run the cell again."], todo=True, quiet=quiet)
        if isinstance(verdicts, (str, bytes, dict)) or not isinstance(verdicts, Iterable):
            return report(name, False, [f"expected a list of {n} True/False verdicts, got {fmt(verdicts)}."],
                          quiet=quiet)
        given = list(verdicts)
        if len(given) != n or not all(isinstance(v, (bool, np.bool_)) for v in given):
            return report(name, False, [f"expected {n} verdicts, each True or False, in the order (a)-(e); got "
                                        f"{fmt(verdicts)}."], quiet=quiet)
        wrong = [i for i, (v, (_, truth, _)) in enumerate(zip(given, MAXOUT_EXACT_CLAIMS, strict=True))
                 if bool(v) != truth]
        if not wrong:
            return report(name, True, [f"all {n} verdicts are right."] + [
                f"({'abcde'[i]}) {what}: {'yes' if truth else 'no'}, {why}"
                for i, (what, truth, why) in enumerate(MAXOUT_EXACT_CLAIMS)], quiet=quiet)
        if _missed(name) == 1:
            return report(name, False, [f"{n - len(wrong)} of {n} verdicts are right.",
                                        "hint: a maximum of lines is convex (its slope can only grow from left to "
                                        "right) and piecewise linear. Check both for each function, and for a "
                                        "'yes' name the lines.", _AGAIN], quiet=quiet)
        return report(name, False, [f"{n - len(wrong)} of {n} verdicts are right."] + [
            f"({'abcde'[i]}) {MAXOUT_EXACT_CLAIMS[i][0]}: {'yes' if MAXOUT_EXACT_CLAIMS[i][1] else 'no'}, "
            f"{MAXOUT_EXACT_CLAIMS[i][2]}" for i in wrong], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not read your verdicts ({type(exc).__name__}: {exc})."], quiet=quiet)


#: The SELU prediction exercise: a network of this shape, started at this input variance.
SELU_EXERCISE = {"width": 200, "depth": 30, "samples": 500, "input_variance": 4.0, "seed": 7}
#: A predicted mean within this distance of the measured one, and variance within this
#: relative distance, is accepted.
SELU_MEAN_TOL = 0.1
SELU_VARIANCE_TOL = 0.15


def selu_exercise_moments() -> tuple[float, float]:
    """The mean and variance after the last layer of the SELU exercise's network (seeded)."""
    from ..self_normalisation import layer_moments, lecun_normal_weights

    cfg = SELU_EXERCISE
    rng = np.random.default_rng(cfg["seed"])
    h0 = math.sqrt(cfg["input_variance"]) * rng.standard_normal((cfg["samples"], cfg["width"]))
    means, variances = layer_moments("selu", h0, lecun_normal_weights(cfg["width"], cfg["depth"], rng))
    return float(means[-1]), float(variances[-1])


def selu_fixed_point(mean, variance, *, quiet: bool = False):
    """Check a prediction of the mean and variance after 30 SELU layers started at variance 4.

    The prediction is compared with the seeded run of :func:`selu_exercise_moments`
    (mean within ``SELU_MEAN_TOL``, variance within ``SELU_VARIANCE_TOL`` relative). A first wrong
    prediction gets a hint, a second one the measured run.
    """
    name = "selu_fixed_point"
    try:
        if mean is None or variance is None or mean is Ellipsis or variance is Ellipsis:
            return report(name, False, ["Write your predicted mean and variance, then run the cell again."],
                          todo=True, quiet=quiet)
        for label, v in (("mean", mean), ("variance", variance)):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                return report(name, False, [f"{label} should be a number, got {fmt(v)}."], quiet=quiet)
        m, v = float(mean), float(variance)
        if not (math.isfinite(m) and math.isfinite(v)) or v < 0:
            return report(name, False, [f"mean = {fmt(mean)}, variance = {fmt(variance)}: a variance is a "
                                        "finite number >= 0."], quiet=quiet)
        true_m, true_v = selu_exercise_moments()
        measured = f"the network gives mean {true_m:+.3f} and variance {true_v:.3f} after 30 layers"
        if abs(m - true_m) <= SELU_MEAN_TOL and abs(v - true_v) <= SELU_VARIANCE_TOL * true_v:
            return report(name, True, [f"you predicted ({m:g}, {v:g}); {measured}.",
                                       "The input's variance of 4 is forgotten: (0, 1) attracts, and each layer "
                                       "shrinks the distance to it by a constant factor below 1."], quiet=quiet)
        if _missed(name) == 1:  # a hint first; the measured run would give the answer away
            if abs(v - SELU_EXERCISE["input_variance"]) < 0.5:
                hint = ("hint: the variance does not stay at 4. SELU's two constants were chosen so that one mean "
                        "and one variance map to themselves, and the chapter showed that this state attracts.")
            elif abs(m - true_m) > SELU_MEAN_TOL and abs(v - true_v) <= SELU_VARIANCE_TOL * true_v:
                hint = ("hint: the variance is right; now the mean: what do zero-mean weights and SELU's constants "
                        "do to it?")
            else:
                hint = ("hint: which mean and variance do SELU's constants make a fixed point, and how much of a "
                        "deviation from it is left after 30 layers that each shrink it by a constant factor?")
            return report(name, False, [f"you predicted mean {m:g} and variance {v:g}; that is not where the network "
                                        "ends.", hint, _AGAIN], quiet=quiet)
        lines = [f"you predicted mean {m:g} and variance {v:g}; {measured}."]
        if abs(v - SELU_EXERCISE["input_variance"]) < 0.5:
            lines.append("hint: the variance does not stay at 4. SELU's constants make (0, 1) a fixed point "
                         "that attracts: larger variances shrink, smaller ones grow, layer after layer.")
        elif abs(m - true_m) > SELU_MEAN_TOL and abs(v - true_v) <= SELU_VARIANCE_TOL * true_v:
            lines.append("hint: the variance is right; the mean is pulled to 0 as well: zero-mean weights "
                         "average the input's mean away, and SELU's constants make 0 the mean of its output.")
        elif v > 2 * true_v or v < 0.5 * true_v:
            lines.append("hint: with LeCun-normal weights the fixed point of SELU is mean 0 and variance 1; "
                         "30 layers bring the network close to it.")
        else:
            lines.append("hint: the fixed point is (0, 1), and a variance error shrinks by a constant factor "
                         "per layer; after 30 layers little of it is left.")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:
        return report(name, False, [f"could not check your prediction ({type(exc).__name__}: {exc})."],
                      quiet=quiet)


# ----------------------------------------------------------------------------
# Chapter 2's machinery for the variants: matched initialisation, gradient flow
# ----------------------------------------------------------------------------
#: The matched-initialisation exercise: Leaky ReLU with this slope.
MATCHED_ALPHA = 0.2
#: Relative tolerance of :func:`matched_init`: the exercise is worked on paper, so 2 / 1.04 written as 1.923 or
#: 1.92 is right; 1.93 (a wrong rounding) and 1.9 are not.
MATCHED_TOL = 2e-3


def matched_init(n_sigma2, *, alpha: float = MATCHED_ALPHA, quiet: bool = False):
    """Check ``n * sigma^2`` of the matched initialisation of Leaky ReLU with slope ``alpha``.

    The answer is ``1 / E[f(z)^2] = 2 / (1 + alpha^2)`` (He et al., 2015), accepted
    to a relative :data:`MATCHED_TOL` (a value worked out on paper and rounded to three decimals
    passes); the usual near misses (ReLU's 2, ``2 / (1 + alpha)``, ``1 / (1 + alpha^2)``) get their
    own hint.
    """
    name = "matched_init"
    try:
        if n_sigma2 is None or n_sigma2 is Ellipsis:
            return report(name, False, ["Write your value of n * sigma^2, then run the cell again."], todo=True,
                          quiet=quiet)
        if isinstance(n_sigma2, bool) or not isinstance(n_sigma2, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected a number, got {fmt(n_sigma2)}."], quiet=quiet)
        v = float(n_sigma2)
        want = 2.0 / (1.0 + alpha**2)
        if math.isfinite(v) and abs(v - want) <= MATCHED_TOL * want:
            exact = "=" if abs(v - want) <= 1e-9 * want else f"≈ {want:.6g} ="
            return report(name, True, [f"n * sigma^2 = {v:.6g} {exact} 2 / (1 + alpha^2) for alpha = {alpha:g}: "
                                       "E[f(z)^2] = (1 + alpha^2) / 2, and E[f'(z)^2] is the same, so the "
                                       "backward gain is exactly 1."], quiet=quiet)
        lines = [f"you gave n * sigma^2 = {fmt(n_sigma2)}; the matched value for alpha = {alpha:g} differs."]
        if math.isfinite(v) and abs(v - 2.0) < 1e-9:
            lines.append("hint: 2 is ReLU's (He's) value. Leaky ReLU's negative side adds alpha^2 * E[z^2; z < 0] "
                         "to E[f(z)^2].")
        elif math.isfinite(v) and abs(v - 2.0 / (1.0 + alpha)) < 1e-6:
            lines.append("hint: the slope enters squared: on the negative side f(z)^2 = alpha^2 z^2.")
        elif math.isfinite(v) and abs(v - 1.0 / (1.0 + alpha**2)) < 1e-6:
            lines.append("hint: E[z^2; z > 0] = 1/2, not 1: each side of 0 holds half of E[z^2] = 1.")
        else:
            lines.append("hint: sigma^2 = 1 / (n E[f(z)^2]); compute E[f(z)^2] for z ~ N(0, 1) side by side: "
                         "E[z^2; z > 0] = 1/2.")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your value ({type(exc).__name__}: {exc})."], quiet=quiet)


#: The gradient-flow prediction exercise: chapter 3's network (30 layers of width 64, 10 seeds).
FLOW_EXERCISE = {"name": "softplus", "depth": 30, "width": 64, "seeds": tuple(range(10))}


def flow_exercise_ratios() -> np.ndarray:
    """The measured gradient ratios (first / last layer) of the prediction exercise's networks."""
    from ..self_normalisation import gradient_flow

    cfg = FLOW_EXERCISE
    return gradient_flow(cfg["name"], cfg["depth"], cfg["width"], cfg["seeds"])["ratio"]


def gradient_flow_prediction(predicted_ratio, *, quiet: bool = False):
    """Check a prediction of Softplus's gradient ratio over 30 layers, made from the backward gain.

    Accepted when it is within a factor 3 of the median measured ratio (the one-layer prediction,
    ``sqrt(chi) ** 29``, is); a ratio above 1e-3 (no vanishing) fails with a hint on chi. The
    measured ratios are shown after a second miss, not the first.
    """
    name = "gradient_flow_prediction"
    try:
        if predicted_ratio is None or predicted_ratio is Ellipsis:
            return report(name, False, ["Write your predicted ratio, then run the cell again."], todo=True,
                          quiet=quiet)
        if isinstance(predicted_ratio, bool) or not isinstance(predicted_ratio, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected a number, got {fmt(predicted_ratio)}."], quiet=quiet)
        p = float(predicted_ratio)
        if not (math.isfinite(p) and p > 0):
            return report(name, False, [f"{fmt(predicted_ratio)}: a ratio of gradient sizes is a positive number."],
                          quiet=quiet)
        measured = flow_exercise_ratios()
        med = float(np.median(measured))
        where = (f"the {len(measured)} networks give a median ratio of {med:.2g} "
                 f"(from {measured.min():.2g} to {measured.max():.2g})")
        if abs(math.log(p / med)) <= math.log(3.0):
            return report(name, True, [f"you predicted {p:.2g}; {where}.",
                                       "One layer multiplies the gradient's mean square by chi = E[f'^2] / E[f^2] "
                                       "(about 0.32 for Softplus), so its size by sqrt(chi), 29 times."],
                          quiet=quiet)
        first = _missed(name) == 1  # a hint first; the measured median would give the answer away
        lines = ([f"you predicted {p:.2g}; the networks give a ratio more than a factor 3 away from it."] if first
                 else [f"you predicted {p:.2g}; {where}."])
        if p > 1e-3:
            lines.append("hint: compute chi = E[f'(z)^2] / E[f(z)^2] for Softplus (sn.gaussian_moments). It is well "
                         "below 1: Softplus's large mean fills E[f^2] with a constant that carries no gradient.")
        else:
            lines.append("hint: chi multiplies the mean *square*; the size of the gradient changes by sqrt(chi) per "
                         "layer, over the 29 steps between layer 30 and layer 1.")
        if first:
            lines.append(_AGAIN)
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your prediction ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Design: the gradient of a PReLU layer's slopes, one per channel
# ----------------------------------------------------------------------------
def _prelu_layer(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, a * x)


def _slope_grad_reference(x, a, grad_out) -> np.ndarray:
    return np.sum(np.asarray(grad_out) * np.minimum(np.asarray(x, dtype=float), 0), axis=0)


def _slope_cases() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(CHECK_SEED + 11)
    cases = [("a batch of 4 examples with 3 channels", rng.standard_normal((4, 3)), np.array([0.25, 0.1, -0.5]),
              rng.standard_normal((4, 3)))]
    x = rng.standard_normal((6, 2))
    x[:, 1] = np.abs(x[:, 1])  # channel 1 never negative: its slope gets no gradient
    cases.append(("6 examples, 2 channels, the second never negative", x, np.array([0.25, 0.25]),
                  rng.standard_normal((6, 2))))
    cases.append(("one example, 5 channels (a batch of 1)", rng.standard_normal((1, 5)), np.full(5, 0.2),
                  rng.standard_normal((1, 5))))
    cases.append(("32 examples, 4 channels", 2 * rng.standard_normal((32, 4)), np.array([0.25, 1.5, 0.0, -1.0]),
                  rng.standard_normal((32, 4))))
    return cases


def prelu_slope_grad(fn, *, quiet: bool = False):
    """Check ``prelu_slope_grad(x, a, grad_out)``: ``dL/da`` for a PReLU layer with one slope per channel.

    ``x`` and ``grad_out`` have shape ``(batch, channels)``, ``a`` shape ``(channels,)``; the answer is
    ``sum over the batch of grad_out * min(0, x)``, shape ``(channels,)``. It is compared with that formula
    and with a central finite difference of ``L = sum(grad_out * prelu(x, a))``. A function that changes
    ``x``, ``a`` or ``grad_out`` in place fails: a layer's backward pass still needs them.
    """
    name = "prelu_slope_grad"
    try:
        if not callable(fn):
            return report(name, False, [f"expected a function, got {fmt(fn)}.",
                                        "Pass the function itself: checks.prelu_slope_grad(prelu_slope_grad)."],
                          quiet=quiet)
        for what, x, a, g in _slope_cases():
            want = _slope_grad_reference(x, a, g)
            h = 1e-6
            fd = np.array([(np.sum(g * _prelu_layer(x, a + h * e)) - np.sum(g * _prelu_layer(x, a - h * e))) / (2 * h)
                           for e in np.eye(a.size)])
            assert np.allclose(fd, want, atol=1e-6)  # the reference is the derivative of the layer's loss
            where = f"input: {what}; x.shape = {x.shape}, a = {fmt(a)}"
            given = {"x": x.copy(), "a": a.copy(), "grad_out": g.copy()}
            try:
                with np.errstate(all="ignore"):
                    got = fn(given["x"], given["a"], given["grad_out"])
            except Exception as exc:
                return report(name, False, [where, f"your function raised {type(exc).__name__}: {exc}",
                                            "hint: work on whole arrays: grad_out * np.minimum(x, 0), then sum "
                                            "over the batch axis."], quiet=quiet)
            if got is None:
                return report(name, False, ["Write the body of prelu_slope_grad, then run the cell again "
                                            "(it returned None)."], todo=True, quiet=quiet)
            changed = [k for k, v in given.items() if not np.array_equal(v, {"x": x, "a": a, "grad_out": g}[k])]
            if changed:
                return report(name, False, [where, f"your function changed its argument {changed[0]} in place "
                                            "(an operation such as grad_out *= ... or x[x > 0] = 0).",
                                            "hint: the layer's backward pass still needs x and grad_out for the "
                                            "gradient with respect to x; compute grad_out * np.minimum(x, 0) as a "
                                            "new array."], quiet=quiet)
            try:
                arr = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return report(name, False, [where, f"expected an array of shape {a.shape}, got {fmt(got)}."],
                              quiet=quiet)
            terms = g * np.minimum(x, 0)
            if arr.shape != a.shape:
                hint = ("one slope per channel gets one number: a[c] is used by every example of channel c, and "
                        "the loss adds up all those uses, so sum over the batch axis (axis=0).")
                if arr.shape == x.shape:
                    hint = ("that is one number per example and channel, the gradient of each use of a[c]. a[c] is "
                            "shared by the whole batch: its gradient is the sum over the batch axis (axis=0).")
                elif arr.shape == (x.shape[0],):
                    hint = ("you summed over the channels; the slopes belong to channels, so sum over the batch "
                            "(axis=0).")
                return report(name, False, [where, f"expected shape {a.shape} (one number per channel), got "
                                            f"{arr.shape}.", f"hint: {hint}"], quiet=quiet)
            if np.allclose(arr, want, rtol=1e-6, atol=1e-9):
                continue
            lines = [where, f"expected: {fmt(want)}", f"got:      {fmt(arr)}"]
            if np.allclose(arr, terms.mean(axis=0), rtol=1e-6, atol=1e-9):
                lines.append("hint: a mean, not a sum: the loss adds up every use of a[c], so its gradient adds "
                             "them up too (a mean would also change with the batch size).")
            elif np.allclose(arr, (a * terms).sum(axis=0), rtol=1e-6, atol=1e-9):
                lines.append("hint: d(a x)/da is x, without the a.")
            elif np.allclose(arr, np.minimum(x, 0).sum(axis=0), rtol=1e-6, atol=1e-9):
                lines.append("hint: the chain rule multiplies by grad_out, the gradient arriving from above.")
            elif np.allclose(arr, (g * x).sum(axis=0), rtol=1e-6, atol=1e-9):
                lines.append("hint: only the negative side contains a; where x > 0 the slope gets nothing: "
                             "np.minimum(x, 0), not x.")
            elif np.allclose(arr, (g * np.where(x > 0, 1.0, a)).sum(axis=0), rtol=1e-6, atol=1e-9):
                lines.append("hint: that is the derivative with respect to x (1 or a); the variable here is a.")
            else:
                lines.append("hint: for each channel c, add up grad_out[i, c] * min(0, x[i, c]) over the examples i.")
            return report(name, False, lines, quiet=quiet)
        return report(name, True, [f"all {len(_slope_cases())} batches, checked against the formula and a finite "
                                   "difference of the layer's loss.",
                                   "A shared parameter's gradient is the sum of the gradients of all its uses; a "
                                   "channel whose inputs are never negative gets none, so its slope never moves."],
                      quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)
