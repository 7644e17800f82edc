"""Checkers for chapter 2, the derivative of ReLU and backpropagation."""

from __future__ import annotations

import numpy as np

from .. import activations, propagation
from ._core import CHECK_SEED, Case, check_function, fmt, report, standard_cases

__all__ = ["backward_signal_factor", "central_difference_prediction", "he_std", "relu_backward_from_output",
           "relu_grad", "relu_layer_backward", "sigmoid_vanishing_depth", "signal_50_layers", "signal_doubling",
           "two_layer_gradient", "two_layer_net", "vanishing_depth_prediction"]

_CONVENTIONS = {0.0: "0, the convention of the dedicated ReLU operations (torch.relu, TensorFlow's Relu, "
                     "jax.nn.relu) and of d2l",
                1.0: "1, the right-hand slope (what torch.clamp(x, min=0) gives)",
                0.5: "0.5, the average of both one-sided slopes (what torch.maximum and jnp.maximum give at a tie)"}


def _compare_relu_grad(args, expected, got):
    got_dtype = np.asarray(got).dtype
    if got_dtype == np.bool_:
        return (f"you returned the boolean mask {fmt(got)}: the right pattern, but not yet a number "
                "(-mask raises a TypeError and mask + mask is still True). Turn it into the input's "
                "floating dtype: (x > 0).astype(x.dtype)")
    want = np.asarray(args[0]).dtype if isinstance(args[0], np.ndarray) else np.dtype(np.float64)
    if got_dtype != want and (isinstance(args[0], np.ndarray) or got_dtype.kind != "f"):
        why = {"i": "integers: -grad and grad / 2 then behave differently from the floats of the network",
               "u": "unsigned integers: -grad wraps around to huge numbers",
               "f": "another floating dtype: float16 keeps only about 3 significant digits, and float64 "
                    "doubles the memory of a float32 network"}.get(got_dtype.kind, "not a floating dtype")
        return (f"the values may be right, but for {want} input you returned {got_dtype}, {why}. The task asks "
                "for the input's floating dtype: (x > 0).astype(x.dtype)")
    x = np.asarray(args[0], dtype=np.float64)
    g = np.asarray(got, dtype=np.float64).reshape(x.shape)
    at0 = x == 0
    away = ~at0
    if not np.array_equal(g[away], np.asarray(expected, dtype=np.float64).reshape(x.shape)[away]):
        bad = np.argwhere(away & (g != np.asarray(expected, dtype=np.float64).reshape(x.shape)))[0]
        i = tuple(int(k) for k in bad)
        return (f"at x = {fmt(x[i])} the derivative is {fmt(np.asarray(expected).reshape(x.shape)[i])}, "
                f"got {fmt(g[i])}")
    if at0.any():
        vals = g[at0]
        if np.isnan(vals).any() or (vals < 0).any() or (vals > 1).any():
            return f"at x = 0 any value in [0, 1] is a valid subgradient, got {fmt(vals[0])}"
    return None


def _diagnose_relu_grad(args, expected, got) -> str | None:
    if np.asarray(got).dtype.kind not in "fb":
        return "(x > 0).astype(x.dtype) gives 0.0 and 1.0 in the input's dtype; np.asarray(x) first for a number."
    if isinstance(args[0], np.ndarray) and np.asarray(got).dtype != args[0].dtype:
        return "(x > 0).astype(x.dtype) keeps the input's dtype; .astype(float) always gives float64."
    x = np.asarray(args[0], dtype=float)
    g = np.asarray(got, dtype=float)
    if g.shape == x.shape and np.allclose(g, np.maximum(0, x)):
        return "that is ReLU itself; its derivative is 1 where x > 0 and 0 where x < 0."
    if g.shape == x.shape and np.allclose(g, (x < 0).astype(float)):
        return "the slope is 1 on the positive side and 0 on the negative side, not the other way round."
    return None


#: The body the hint suggests, line by line; np.asarray makes it work for a single number too
#: (``-2.0 > 0`` is a Python bool, which has no ``.astype``). A test runs exactly these lines.
RELU_GRAD_HINT_CODE = ("x = np.asarray(x)", "return (x > 0).astype(x.dtype)")
_RELU_GRAD_DTYPE_HINT = ("hint: keep the input's dtype: (x > 0).astype(x.dtype) does, "
                         ".astype(float) always gives float64.")


def _dtype_note(fn, *args_after_x, keep: str = RELU_GRAD_HINT_CODE[1].removeprefix("return ")) -> str:
    """A note when ``fn`` returns another dtype than float32 for float32 inputs (the values were right).

    The note states what NumPy really does with that dtype next to float32 (``np.result_type``):
    float64 or int64 promote a float32 network's arrays to float64; float16 does not promote
    (float16 x float32 is float32) but has rounded the values to about 3 significant digits.
    """
    try:
        x = np.array([-1.5, 0.0, 2.0], dtype=np.float32)
        got = np.asarray(fn(x.copy(), *(np.asarray(a, dtype=np.float32) for a in args_after_x)))
    except Exception:  # the function passed every case; be safe anyway
        return ""
    if got.dtype == np.float32:
        return ""
    mixed = np.result_type(got.dtype, np.float32)
    if mixed == np.float32:
        effect = (f"{got.dtype} times float32 stays float32, so nothing spreads, but a gradient stored in "
                  f"{got.dtype} has lost digits (float16 keeps about 3)")
    else:
        effect = (f"{got.dtype} times float32 gives {mixed}, so in a float32 network it promotes what it "
                  f"touches to {mixed}, which doubles the memory")
    return (f"\n   Note: for float32 input your function returns {got.dtype}. The values are right, but "
            f"{effect}: {keep} keeps the input's dtype.")


#: Positive and negative numbers closer to 0 than any threshold a learner might slip in
#: (``x > 1e-6``, ``x > -1e-9``): the smallest normal and subnormal float64 and float32 numbers among them.
TINY = (1e-7, -1e-7, 1e-12, 1e-300, -1e-300, 5e-324, -5e-324)
TINY32 = (1e-7, -1e-7, 1e-30, -1e-30, 1e-45, -1e-45)


def _tiny_cases() -> list[Case]:
    return [Case((np.array(TINY),), "numbers within 1e-6 of 0, down to the smallest float64"),
            Case((np.array(TINY32, dtype=np.float32),), "float32 numbers within 1e-6 of 0")]


def relu_grad(fn, *, quiet: bool = False):
    """Check a learner's ``relu_grad(x)``; any value in [0, 1] is accepted at exactly 0.

    The function must work on arrays of any shape and on a single number, and return the input's
    floating dtype (float32 for float32 arrays, float64 for float64 arrays and Python floats), as
    the task asks: a boolean, integer, float16 or float64-for-float32 answer fails with the reason.
    Inputs within 1e-6 of 0 (down to subnormal numbers) catch thresholds such as ``x > 1e-6``.
    The report says which convention the learner chose at 0.
    """
    cases = standard_cases() + _tiny_cases() + [Case((np.zeros(4),), "a vector of zeros (the kink)")]
    result = check_function(
        "relu_grad", fn, activations.relu_grad, cases, compare=_compare_relu_grad,
        diagnose=_diagnose_relu_grad, require_dtype=False,
        hint=("the derivative is 1 where x > 0 and 0 where x < 0, for an array or a single number: "
              f"{RELU_GRAD_HINT_CODE[0]}, then {RELU_GRAD_HINT_CODE[1]}."),
        quiet=True,
    )
    if result.passed:
        try:
            at0 = float(np.asarray(fn(np.zeros(1)), dtype=float).reshape(-1)[0])
            convention = _CONVENTIONS.get(at0, f"{at0:g}, a valid subgradient")
        except Exception:  # the learner's function passed every case above; be safe anyway
            at0, convention = float("nan"), "unknown"
        result.details["value_at_zero"] = at0
        note = _dtype_note(fn)
        result.details["keeps_dtype"] = not note
        result.message += f"\n   At x = 0 you chose {convention}."
        if convention.startswith("1,"):
            result.message += (" As with x >= 0: every value in [0, 1] is a subgradient at the kink, so 1 is "
                               "as correct as 0; the dedicated ReLU operations pick 0.")
        result.message += note
    if not quiet:
        print(result.message)
    return result


# ----------------------------------------------------------------------------
# relu_layer_backward(x, grad_out)
# ----------------------------------------------------------------------------
def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(CHECK_SEED + 2)
    cases = [
        Case((np.array([0.8, -1.0, 3.2]), np.array([0.5, 2.0, -1.5])), "the worked example"),
        Case((np.array([-2.0, 1.0, -0.5, 4.0]), np.ones(4)), "an upstream gradient of ones"),
        Case((2.0, 3.0), "single numbers, x > 0"),
        Case((-2.0, 3.0), "single numbers, x < 0"),
        Case((np.array([-1.0, 0.0, 0.0, 2.0]), np.array([1.0, 2.0, -3.0, 4.0])), "x containing exact zeros"),
        Case((np.array(TINY), np.linspace(1.0, 2.0, len(TINY))), "x within 1e-6 of 0, down to the smallest float64"),
        Case((np.array(TINY32, dtype=np.float32), np.linspace(1.0, 2.0, len(TINY32)).astype(np.float32)),
             "float32 x within 1e-6 of 0"),
    ]
    for shape in ((6,), (3, 4), (2, 3, 4)):
        for dtype in (np.float64, np.float32):
            x = (rng.standard_normal(shape) * 2).astype(dtype)
            g = rng.standard_normal(shape).astype(dtype)
            cases.append(Case((x, g), f"random {np.dtype(dtype).name} arrays of shape {shape}"))
    return cases


def _reference_backward(x, grad_out):
    x = np.asarray(x)
    g = np.asarray(grad_out)
    out = g * (x > 0)
    return out.astype(g.dtype) if out.ndim else float(out)


def _compare_backward(args, expected, got):
    x = np.asarray(args[0], dtype=np.float64)
    g_out = np.asarray(args[1], dtype=np.float64)
    g = np.asarray(got, dtype=np.float64).reshape(x.shape)
    e = np.asarray(expected, dtype=np.float64).reshape(x.shape)
    tol = 1e-5 * (1 + np.abs(e))
    away = x != 0
    bad = away & ~(np.abs(g - e) <= tol)
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        return (f"expected: {fmt(expected)}\n   got:      {fmt(got)}\n"
                f"   first wrong value at x = {fmt(x[i])}, grad_out = {fmt(g_out[i])}: "
                f"expected {fmt(e[i])}, got {fmt(g[i])}")
    at0 = ~away
    if at0.any():
        # a subgradient c in [0, 1] at the kink gives grad_in = c * grad_out there
        lo = np.minimum(0, g_out[at0]) - 1e-9
        hi = np.maximum(0, g_out[at0]) + 1e-9
        v = g[at0]
        if np.isnan(v).any() or (v < lo).any() or (v > hi).any():
            return (f"at x = 0 the gradient may be c * grad_out for any c in [0, 1] (a subgradient), "
                    f"but with grad_out = {fmt(g_out[at0])} you returned {fmt(v)}")
    return None


def _diagnose_backward(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    g_out = np.asarray(args[1], dtype=float)
    try:
        g = np.asarray(got, dtype=float).reshape(x.shape)
    except (TypeError, ValueError):
        return None
    if np.allclose(g, g_out):
        return ("you returned grad_out unchanged: where x < 0 the ReLU was flat, so no gradient "
                "passes there. Multiply by the mask (x > 0).")
    if np.allclose(g, (x > 0).astype(float)):
        return "that is only the mask (x > 0), the local derivative; the chain rule multiplies it by grad_out."
    if np.allclose(g, -(g_out * (x > 0))) and np.any(g_out * (x > 0) != 0):
        return ("the sign is flipped: grad_out already is dL/d(output), so the chain rule multiplies it by "
                "the mask with no minus sign (the minus belongs to the gradient-descent step, later).")
    if np.allclose(g, g_out * (x < 0)):
        return "the mask is reversed: the gradient flows where x > 0 (the slope is 1 there), not where x < 0."
    if np.allclose(g, g_out * np.maximum(0, x)):
        return ("you multiplied by relu(x), the forward value; the chain rule needs the derivative "
                "of ReLU, which is the mask (x > 0).")
    if np.allclose(g, x * (g_out > 0)):
        return "the two arguments look swapped: the mask comes from x, the values from grad_out."
    return None


def relu_layer_backward(fn, *, quiet: bool = False):
    """Check a learner's ``relu_layer_backward(x, grad_out)``.

    The answer is ``grad_out * (x > 0)``: the upstream gradient passes where the
    layer's input was positive and is blocked where it was negative. At an input
    that is exactly 0 any ``c * grad_out`` with ``c`` in [0, 1] is accepted (a
    subgradient choice), so ``x >= 0`` passes too. The function must not modify
    ``grad_out`` or ``x`` and must keep their shape. The values are what is checked: a
    float64 answer for float32 inputs (the chapter's ``grad_out * (x > 0).astype(float)``)
    passes, with a note on keeping the dtype.
    """
    name = "relu_layer_backward"
    if callable(fn):
        mutated = _which_argument_mutated(fn)
        if mutated is not None:
            case, arg = mutated
            where = f"input: x = {fmt(case.args[0], 60)}, grad_out = {fmt(case.args[1], 60)}  ({case.description})"
            if arg == "grad_out":
                lines = [where, "your function changed grad_out in place (for example grad_out[x <= 0] = 0).",
                         "hint: grad_out belongs to the layer above, which may still need it: return a new "
                         "array, grad_out * (x > 0), instead of writing into grad_out."]
            else:
                lines = [where, "your function changed x in place.",
                         "hint: x is the layer's saved input, which other gradients still need: compute the "
                         "mask (x > 0) without writing into x."]
            return report(name, False, lines, quiet=quiet)
    result = check_function(
        name, fn, _reference_backward, _backward_cases(), arg_names=("x", "grad_out"),
        compare=_compare_backward, diagnose=_diagnose_backward, require_dtype=False,
        hint="the gradient that leaves the layer is grad_out * (x > 0).", quiet=True,
    )
    if result.passed:
        note = _dtype_note(fn, [1.0, 2.0, -3.0], keep="grad_out * (x > 0)")
        result.details["keeps_dtype"] = not note
        result.message += note
    if not quiet:
        print(result.message)
    return result


def _which_argument_mutated(fn) -> tuple[Case, str] | None:
    """The first case and argument (``"grad_out"`` or ``"x"``) that ``fn`` modifies in place, if any."""
    for case in _backward_cases():
        x, g = (a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
        try:
            with np.errstate(all="ignore"):
                fn(x, g)
        except Exception:  # reported by check_function with its usual message
            return None
        for arg, before, after in (("grad_out", case.args[1], g), ("x", case.args[0], x)):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                return case, arg
    return None


# ----------------------------------------------------------------------------
# relu_backward_from_output(h, grad_out): the backward pass from the saved output
# ----------------------------------------------------------------------------
def _from_output_cases() -> list[Case]:
    cases = []
    for case in _backward_cases():
        x, g = case.args
        h = np.maximum(0, x) if isinstance(x, np.ndarray) else max(float(x), 0.0)
        cases.append(Case((h, g), case.description.replace("x ", "h ").replace("x,", "h,")))
    rng = np.random.default_rng(CHECK_SEED + 3)
    x = rng.standard_normal(12)
    cases.append(Case((np.maximum(0, x), rng.standard_normal(12) + 3.0),
                      "a layer with several inactive units (h = 0) and positive upstream gradients"))
    return cases


def _reference_from_output(h, grad_out):
    h = np.asarray(h)
    g = np.asarray(grad_out)
    out = g * (h > 0)
    return out.astype(g.dtype) if out.ndim else float(out)


def _compare_from_output(args, expected, got):
    h = np.asarray(args[0], dtype=np.float64)
    g_out = np.asarray(args[1], dtype=np.float64)
    g = np.asarray(got, dtype=np.float64).reshape(h.shape)
    e = np.asarray(expected, dtype=np.float64).reshape(h.shape)
    bad = ~(np.abs(g - e) <= 1e-5 * (1 + np.abs(e)))
    if bad.any():
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        return (f"expected: {fmt(expected)}\n   got:      {fmt(got)}\n"
                f"   first wrong value at h = {fmt(h[i])}, grad_out = {fmt(g_out[i])}: expected {fmt(e[i])}, "
                f"got {fmt(g[i])}")
    return None


def _diagnose_from_output(args, expected, got) -> str | None:
    h = np.asarray(args[0], dtype=float)
    g_out = np.asarray(args[1], dtype=float)
    try:
        g = np.asarray(got, dtype=float).reshape(h.shape)
    except (TypeError, ValueError):
        return None
    if np.allclose(g, g_out * (h >= 0)):
        return ("every output of a ReLU is >= 0, so (h >= 0) lets the gradient through every unit, the inactive "
                "ones too. At h = 0 you cannot tell whether x was 0 or negative, and for a negative x the "
                "derivative is 0: only h > 0 is safe.")
    if np.allclose(g, g_out):
        return "you returned grad_out unchanged: units whose output is 0 were inactive and pass no gradient."
    if np.allclose(g, g_out * h):
        return ("you multiplied by the output h, a value; the chain rule needs the derivative, which the output "
                "tells you through where it is positive.")
    if np.allclose(g, (h > 0).astype(float)):
        return "that is only the mask, the local derivative; the chain rule multiplies it by grad_out."
    if np.allclose(g, -(g_out * (h > 0))) and np.any(g_out * (h > 0) != 0):
        return "the sign is flipped: grad_out already is dL/dh, so multiply it by the mask with no minus sign."
    return None


def relu_backward_from_output(fn, *, quiet: bool = False):
    """Check ``relu_backward_from_output(h, grad_out)``: the backward pass from the saved output ``h = relu(x)``.

    The answer is ``grad_out * (h > 0)``: ``h > 0`` exactly where ``x > 0``. At ``h = 0`` the input
    may have been 0 or negative, so the only value right for both is 0: ``h >= 0`` (which passes every
    unit, since every ``h`` is at least 0) fails with that reason. Cases include layers with inactive
    units, tiny positive outputs and float32 arrays; the function must not modify its arguments.
    PyTorch's rule for ``relu`` is written this way, from its result.
    """
    result = check_function(
        "relu_backward_from_output", fn, _reference_from_output, _from_output_cases(), arg_names=("h", "grad_out"),
        compare=_compare_from_output, diagnose=_diagnose_from_output, require_dtype=False,
        hint="the output h = relu(x) is positive exactly where x is; where h is 0 the unit passed nothing.",
        quiet=True,
    )
    if result.passed:
        note = _dtype_note(fn, [1.0, 2.0, -3.0], keep="grad_out * (h > 0)")
        result.details["keeps_dtype"] = not note
        result.message += ("\n   Saving the output instead of the input is what PyTorch's relu does; it is also why "
                           "its value at 0 has to be 0." + note)
    if not quiet:
        print(result.message)
    return result


# ----------------------------------------------------------------------------
# he_std(fan_in)
# ----------------------------------------------------------------------------
_FAN_INS = (64, 1, 2, 3, 16, 100, 256, 784, 4096)  # 64 first: every usual mistake differs there


def _diagnose_he(args, expected, got) -> str | None:
    n = float(args[0])
    try:
        g = float(np.asarray(got, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None
    guesses = [
        (np.sqrt(1 / n), "that is sqrt(1 / fan_in), LeCun's value (for a square layer also Glorot and Bengio's "
                         "sqrt(2 / (fan_in + fan_out))), which keeps the variance of near-linear units such as "
                         "tanh; a ReLU passes only about half its inputs, which halves the mean square, so He "
                         "doubles the variance: sqrt(2 / fan_in)."),
        (2 / n, "that is the variance 2 / fan_in; the standard deviation is its square root."),
        (np.sqrt(2) / n, "you divided by fan_in instead of sqrt(fan_in): std = sqrt(2 / fan_in)."),
        (np.sqrt(2 / (3 * n)), "that looks like Glorot and Bengio's sqrt(2 / (fan_in + fan_out)) with a fan-out of "
                                   "2 fan_in; He uses fan_in only: sqrt(2 / fan_in)."),
        (1 / np.sqrt(2 * n), "that is sqrt(1 / (2 fan_in)): the 2 belongs in the numerator, sqrt(2 / fan_in)."),
        (np.sqrt(n / 2), "the fraction is upside down: sqrt(2 / fan_in)."),
    ]
    for value, text in guesses:
        if np.isclose(g, value, rtol=1e-6) and not np.isclose(value, float(expected), rtol=1e-6):
            return text
    return None


def _compare_he(args, expected, got):
    if isinstance(got, (str, bytes)):
        return f"expected a number, got the text {got!r}"
    try:
        g = float(np.asarray(got, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return f"expected one number, got {fmt(got)}"
    # rtol 1e-6: a float32 answer (7 digits) passes, 0.1 % too much or too little does not
    if not np.isclose(g, expected, rtol=1e-6, atol=0):
        return f"expected sqrt(2 / {args[0]}) = {expected:.7g}, got {g:.7g}"
    return None


def he_std(fn, *, quiet: bool = False):
    """Check a learner's ``he_std(fan_in)``: the standard deviation ``sqrt(2 / fan_in)`` of He et al. (2015).

    Several fan-ins are tried, from 1 to 4096, so that formulas that agree at one
    value (``sqrt(2/n)`` and ``2/n`` at ``n = 2``) are told apart. Only positive
    integer fan-ins are passed; what the function does for 0 is not checked.
    """
    cases = [Case((n,), f"fan_in = {n}") for n in _FAN_INS]
    return check_function(
        "he_std", fn, lambda n: float(np.sqrt(2.0 / n)), cases, arg_names=("fan_in",),
        compare=_compare_he, diagnose=_diagnose_he,
        hint="He et al. (2015) draw weights with standard deviation sqrt(2 / fan_in).",
        quiet=quiet,
    )


# ----------------------------------------------------------------------------
# Keep the signal alive through 50 layers
# ----------------------------------------------------------------------------
SIGNAL_DEPTH = 50
SIGNAL_WIDTH = 256
SIGNAL_SAMPLES = 32
SIGNAL_NETWORKS = 8
# The window is set by He's derivation, not by one seeded run: a ReLU layer multiplies the expected
# mean square by fan_in * std**2 / 2, so the expected RMS after layer l is the product of
# std_k / sqrt(2 / fan_in) over k <= l. The answer passes when that product stays within a factor 2
# of 1 (SIGNAL_BAND) at every layer: for one std for all 50 layers, within 2 ** (1/50) = 1.4 % of He's
# on either side, symmetric in ratio. A measured run (8 networks of width 256, the RMS
# sqrt(mean(h**2)), which is what He keeps) is reported beside it; its own noise (He's ratios
# 0.78-1.16 at CHECK_SEED) would make a window on the measurement lopsided.
SIGNAL_BAND = (0.5, 2.0)


def expected_rms_ratios(stds) -> np.ndarray:
    """The expected RMS of layers 1..L over the input's, for ReLU layers with weight stds ``stds``."""
    he = np.sqrt(2.0 / SIGNAL_WIDTH)
    return np.exp(np.cumsum(np.log(np.asarray(stds, dtype=float) / he)))


def _measured_ratios(stds) -> np.ndarray:
    """RMS of layers 1..50 over the input's, pooled over 8 seeded networks of width 256."""
    measured = propagation.activation_rms(SIGNAL_DEPTH, SIGNAL_WIDTH, "relu", stds, CHECK_SEED, SIGNAL_SAMPLES,
                                          n_networks=SIGNAL_NETWORKS)
    return measured[1:] / measured[0]


def signal_50_layers(init_std, *, quiet: bool = False, measure: bool = True):
    """Check an initialisation that keeps a 50-layer ReLU network's activation RMS within a factor 2 of the input's.

    Parameters
    ----------
    init_std : callable or sequence
        A function ``fan_in -> std`` (for example the learner's ``he_std``), or
        50 standard deviations, one per layer.

    The verdict uses He's derivation: the expected RMS after layer ``l`` is the product of
    ``std_k / sqrt(2 / fan_in)`` over the first ``l`` layers, and it must stay within
    :data:`SIGNAL_BAND` at every layer (a window symmetric in ratio, about 1.4 % either side of He's
    std for one std throughout). The report also runs the network (width 256, no biases, 8 networks of
    32 standard-normal inputs with a fixed seed, :func:`relubook.propagation.activation_rms`) and
    gives the measured ratios (``measure=False`` skips that run; the verdict does not depend on it).
    """
    name = "signal_50_layers"
    if init_std is None or init_std is Ellipsis:
        return report(name, False, ["Pass a function fan_in -> std (such as your he_std) or 50 numbers."],
                      todo=True, quiet=quiet)
    try:
        if callable(init_std):
            values = [init_std(SIGNAL_WIDTH)]
            if values[0] is None:
                return report(name, False, ["your function returned None: write its body first."],
                              todo=True, quiet=quiet)
            if isinstance(values[0], (str, bytes)) or np.size(values[0]) != 1:
                return report(name, False, [f"for fan_in = {SIGNAL_WIDTH} your function returned {fmt(values[0])};"
                                            " expected one positive number."], quiet=quiet)
        stds = propagation.layer_stds(init_std, SIGNAL_DEPTH, SIGNAL_WIDTH)
    except Exception as exc:
        return report(name, False, [f"could not build the network's standard deviations: "
                                    f"{type(exc).__name__}: {exc}",
                                    f"hint: pass a function of fan_in, or a list of {SIGNAL_DEPTH} "
                                    "positive numbers."], quiet=quiet)
    if np.any(stds <= 0):
        return report(name, False, [f"every standard deviation must be positive; layer "
                                    f"{int(np.argmax(stds <= 0)) + 1} has {fmt(stds[stds <= 0][0])}."],
                      quiet=quiet)
    with np.errstate(all="ignore"):
        expected = expected_rms_ratios(stds)
        ratio = _measured_ratios(stds) if measure else np.full(SIGNAL_DEPTH, np.nan)
    low, high = SIGNAL_BAND
    inside = np.isfinite(expected) & (expected >= low) & (expected <= high)
    summary = (f"measured activation RMS / input RMS (8 networks): from {ratio.min():.3g} to {ratio.max():.3g} "
               f"over the 50 layers." if np.isfinite(ratio).all() else "")
    details = {"ratios": ratio, "expected": expected}
    if inside.all():
        span = (f"{expected.min():.3g} at every layer" if f"{expected.min():.3g}" == f"{expected.max():.3g}"
                else f"between {expected.min():.3g} and {expected.max():.3g}")
        return report(name, True, [f"expected RMS / input RMS from He's derivation: {span}.", summary,
                                   f"weights drawn with std {stds[0]:.4f} at fan_in = {SIGNAL_WIDTH}."],
                      details=details, quiet=quiet)
    layer = int(np.argmin(inside)) + 1
    value = expected[layer - 1]
    direction = "shrunk" if value < low else "grown"
    if not np.isfinite(value):
        direction = "overflowed"
    shown = f"{value:.3g}"
    if np.isfinite(value) and float(shown) in SIGNAL_BAND:  # 2.004 must not read as "2"
        shown = f"{value:.4g}"
    lines = [f"by layer {layer} the expected RMS has {direction}: {shown} times the input's "
             f"(allowed: {low:g} to {high:g}).", summary]
    factor = float(np.exp(np.mean(np.log(stds)))) / np.sqrt(2.0 / SIGNAL_WIDTH)  # how far from He's std
    if direction == "shrunk":
        lines.append(f"hint: your weights are {factor:.3g} times He's std; each ReLU layer multiplies the "
                     "RMS by about sqrt(fan_in / 2) times the weight std, so aim for sqrt(2 / fan_in).")
    else:
        lines.append(f"hint: your weights are {factor:.3g} times He's std; the positive side of ReLU is "
                     "unbounded, so slightly too large weights compound layer after layer.")
    return report(name, False, lines, details=details, quiet=quiet)


# ----------------------------------------------------------------------------
# Design: an initialisation that doubles the RMS over 50 layers
# ----------------------------------------------------------------------------
#: The target of :func:`signal_doubling`: the RMS after 50 layers is twice the input's, within
#: 2 ** +-DOUBLING_TOLERANCE (about 3.5 %), and never below the input's on the way.
DOUBLING_TARGET, DOUBLING_TOLERANCE = 2.0, 0.05


def _stds_from(init_std, name: str, quiet: bool):
    """(stds, None) from a function of fan_in or a list of 50 numbers, or (None, failing Result)."""
    if init_std is None or init_std is Ellipsis:
        return None, report(name, False, ["Pass a function fan_in -> std, or 50 numbers."], todo=True, quiet=quiet)
    try:
        if callable(init_std):
            value = init_std(SIGNAL_WIDTH)
            if value is None:
                return None, report(name, False, ["your function returned None: write its body first."],
                                    todo=True, quiet=quiet)
            if isinstance(value, (str, bytes)) or np.size(value) != 1:
                return None, report(name, False, [f"for fan_in = {SIGNAL_WIDTH} your function returned "
                                                  f"{fmt(value)}; expected one positive number."], quiet=quiet)
        stds = propagation.layer_stds(init_std, SIGNAL_DEPTH, SIGNAL_WIDTH)
    except Exception as exc:
        return None, report(name, False, [f"could not build the network's standard deviations: "
                                          f"{type(exc).__name__}: {exc}",
                                          f"hint: pass a function of fan_in, or a list of {SIGNAL_DEPTH} "
                                          "positive numbers."], quiet=quiet)
    if np.any(stds <= 0):
        return None, report(name, False, [f"every standard deviation must be positive; layer "
                                          f"{int(np.argmax(stds <= 0)) + 1} has {fmt(stds[stds <= 0][0])}."],
                            quiet=quiet)
    return stds, None


def signal_doubling(init_std, *, quiet: bool = False, measure: bool = True):
    """Check a design: weight stds that make a 50-layer ReLU network's RMS grow to twice the input's.

    Parameters
    ----------
    init_std : callable or sequence
        A function ``fan_in -> std`` or 50 standard deviations, one per layer (width 256).

    The verdict uses He's derivation (:func:`expected_rms_ratios`): the expected RMS after layer 50
    must be 2 within a factor ``2 ** 0.05`` either way, and never below the input's. One std for
    all layers passes near ``2 ** (1/50) * sqrt(2 / fan_in)``. The report also gives the ratio
    measured on 8 seeded networks, which scatters around the expected one (``measure=False`` skips
    that run; the verdict does not depend on it).
    """
    name = "signal_doubling"
    try:
        stds, failed = _stds_from(init_std, name, quiet)
        if failed is not None:
            return failed
        with np.errstate(all="ignore"):
            expected = expected_rms_ratios(stds)
            ratio = _measured_ratios(stds) if measure else np.full(SIGNAL_DEPTH, np.nan)
        end = float(expected[-1])
        measured_line = (f"measured on 8 networks: {ratio[-1]:.3g} at layer 50 (single runs scatter around the "
                         "expected value)." if np.isfinite(ratio[-1]) else "")
        details = {"expected": expected, "ratios": ratio}
        ok_end = np.isfinite(end) and abs(np.log2(end / DOUBLING_TARGET)) <= DOUBLING_TOLERANCE
        dips = np.flatnonzero(expected < 1 - 1e-9)
        if ok_end and dips.size == 0:
            return report(name, True, [f"expected RMS at layer 50: {end:.3g} times the input's, from He's derivation; "
                                       "never below it on the way.", measured_line],
                          details=details, quiet=quiet)
        f = float(np.exp(np.mean(np.log(stds)))) / np.sqrt(2.0 / SIGNAL_WIDTH)   # std over He's, on average
        lines = [f"expected RMS at layer 50: {end:.3g} times the input's (wanted: {DOUBLING_TARGET:g})."
                 if np.isfinite(end) else "the expected RMS overflows before layer 50.", measured_line]
        if ok_end:
            lines.append(f"but at layer {int(dips[0]) + 1} it is below the input's ({expected[dips[0]]:.3g}): "
                         "the task asks for a signal that grows, not one that dips and recovers.")
            return report(name, False, lines, details=details, quiet=quiet)
        guesses = [(1.0, "that is He's std, which keeps the RMS: each layer must multiply it by a little more than 1."),
                   (2 ** (1 / 100), "the RMS is proportional to the weights' std, not to their variance: you made "
                                    "the variance 2 ** (1/50) times He's, so the std grows by only 2 ** (1/100) per "
                                    "layer."),
                   (2 ** (1 / 25), "you made the std's factor 2 ** (1/25): that doubles the mean square per 25 layers, "
                                   "so the RMS ends 4 times larger."),
                   (2.0, "doubling the std doubles the RMS at every layer, 2 ** 50 in all: the factor 2 is spread "
                         "over the 50 layers."),
                   (np.sqrt(2.0), "that is the std of 4/fan_in: the RMS grows by sqrt(2) per layer.")]
        hint = next((text for value, text in guesses if abs(f - value) < 1e-3 * value),
                    f"your weights are on average {f:.4g} times He's std, and each layer multiplies the expected RMS "
                    "by that factor: which factor, applied 50 times, gives 2?")
        lines.append(f"hint: {hint}")
        return report(name, False, lines, details=details, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)


# ----------------------------------------------------------------------------
# The hand-computed gradient of a two-layer network
# ----------------------------------------------------------------------------
def two_layer_net() -> dict:
    """The exercise's network ``y = w2 . relu(W1 @ x + b1) + b2`` and point ``x`` (fresh copies)."""
    return {
        "x": np.array([1.0, -2.0]),
        "W1": np.array([[0.5, -1.0], [-1.5, 0.5], [2.0, 1.0]]),
        "b1": np.array([0.5, 1.0, 1.0]),
        "w2": np.array([1.0, -2.0, 0.5]),
        "b2": 0.25,
    }


def _two_layer_output(x, W1, b1, w2, b2) -> float:
    return float(w2 @ np.maximum(0, W1 @ x + b1) + b2)


def _two_layer_fd(h: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    p = two_layer_net()
    gx = propagation.numerical_gradient(lambda x: _two_layer_output(x, p["W1"], p["b1"], p["w2"], p["b2"]),
                                        p["x"], h)
    gw = propagation.numerical_gradient(lambda w: _two_layer_output(p["x"], w, p["b1"], p["w2"], p["b2"]),
                                        p["W1"], h)
    return gx, gw


def _diagnose_two_layer(what: str, got: np.ndarray) -> str:
    p = two_layer_net()
    z = p["W1"] @ p["x"] + p["b1"]
    mask = (z > 0).astype(float)
    if what == "grad_x":
        guesses = [
            (p["W1"].T @ p["w2"], "you left out the ReLU: a unit with z < 0 passes no gradient, so multiply "
                                  "w2 by the mask (z > 0) before going through W1."),
            (p["W1"].T @ (p["w2"] * np.maximum(0, z)), "you multiplied by relu(z); the chain rule needs its "
                                                       "derivative, the mask (z > 0)."),
            (p["W1"].T @ (p["w2"] * (z < 0)), "the mask is reversed: gradient flows through units with z > 0."),
            (-(p["W1"].T @ (p["w2"] * mask)), "the sign is flipped."),
        ]
    else:
        gw = np.outer(p["w2"] * mask, p["x"])
        guesses = [
            (np.outer(p["w2"], p["x"]), "you left out the ReLU: the row of a unit with z < 0 must be 0."),
            (np.outer(p["w2"] * np.maximum(0, z), p["x"]), "you multiplied by relu(z) instead of the mask (z > 0)."),
            (np.outer(p["w2"] * (z < 0), p["x"]), "the mask is reversed: rows of units with z > 0 are non-zero."),
            (-gw, "the sign is flipped."),
        ]
    for value, text in guesses:
        if value.shape == got.shape and np.allclose(got, value, atol=1e-6):
            return text
    return ("use the chain rule: dy/dz = w2 * (z > 0); then dy/dx = W1.T @ dy/dz and "
            "dy/dW1 = np.outer(dy/dz, x).")


def two_layer_gradient(grad_x, grad_W1, *, quiet: bool = False):
    """Check a hand-computed gradient of the exercise's network against central finite differences.

    Parameters
    ----------
    grad_x : array_like, shape (2,)
        ``dy/dx`` at the point ``x`` of :func:`two_layer_net`.
    grad_W1 : array_like, shape (3, 2)
        ``dy/dW1`` (same shape as ``W1``).

    A first wrong answer gets the relative error and a hint; the finite differences themselves (the
    answer) are shown after a second miss.
    """
    name = "two_layer_gradient"
    try:
        if grad_x is None or grad_W1 is None:
            return report(name, False, ["Fill in grad_x and grad_W1, then run the cell again."], todo=True,
                          quiet=quiet)
        fd_x, fd_w = _two_layer_fd()
        lines = []
        ok = True
        for what, got, ref in (("grad_x", grad_x, fd_x), ("grad_W1", grad_W1, fd_w)):
            try:
                g = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return report(name, False, [f"{what} should hold numbers, got {fmt(got)}."], quiet=quiet)
            if g.shape != ref.shape:
                hint = " (transposed?)" if g.shape == ref.shape[::-1] else ""
                return report(name, False, [f"{what} has shape {g.shape}, expected {ref.shape}{hint}.",
                                            "hint: a gradient has the shape of what it differentiates by."],
                              quiet=quiet)
            err = float(np.linalg.norm(g - ref) / max(np.linalg.norm(g) + np.linalg.norm(ref), 1e-12))
            if not (np.isfinite(err) and err < 1e-6):
                ok = False
                _MISSES[name] = _MISSES.get(name, 0) + 1
                lines.append(f"{what} does not match the finite differences (relative error {err:.1e}).")
                if _MISSES[name] >= 2:  # the values after a second miss: on the first they would be the answer
                    lines += [f"finite differences: {fmt(np.round(ref, 6))}", f"yours:              {fmt(g)}"]
                lines.append(f"hint: {_diagnose_two_layer(what, g)}")
                if _MISSES[name] == 1:
                    lines.append("Work it through once more and run the cell again; if it is still not right, the "
                                 "report will show the finite differences.")
                break
            lines.append(f"{what} matches central finite differences (relative error {err:.1e}).")
        if ok:
            _MISSES.pop(name, None)
        return report(name, ok, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)


# ----------------------------------------------------------------------------
# Widget exercise: the depth at which sigmoid's gradient vanishes
# ----------------------------------------------------------------------------
def _one_number(value):
    """A 0-d NumPy array (what ``np.sqrt(np.array(0.5))`` or ``np.argmax`` can give) as its scalar."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return value[()]
    return value


def sigmoid_vanishing_depth(depth, *, quiet: bool = False):
    """Check the depth read off the gradient-flow widget (sigmoid, init scale 1).

    The reference is the smallest depth at which the widget's network shows a
    first-layer gradient norm ``||dL/dz_1||`` below 1e-6 times the last layer's
    (:func:`relubook.propagation.vanishing_depth`, with the widget's own seed and
    setting). The seeded network makes it one exact integer, so only that integer
    passes; a near miss is told what the widget shows at its depth.
    """
    name = "sigmoid_vanishing_depth"
    try:
        if depth is None or depth is Ellipsis:
            return report(name, False, ["Move the depth slider, read the first/last ratio, and fill in the "
                                        "depth."], todo=True, quiet=quiet)
        depth = _one_number(depth)
        if isinstance(depth, bool) or not isinstance(depth, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected a number of layers, got {fmt(depth)}."], quiet=quiet)
        target = propagation.vanishing_depth("sigmoid", 1e-6)
        d = float(depth)
        if not np.isfinite(d) or d != round(d):
            return report(name, False, [f"{fmt(depth)} is not a whole number of layers.",
                                        "hint: a depth counts layers; give the smallest whole depth at which "
                                        "the ratio is below 1e-6."], details={"reference": target}, quiet=quiet)
        d = int(round(d))

        def ratio(k: int) -> float:
            norms = propagation.gradient_flow("sigmoid", k)
            return float(norms[0] / norms[-1])

        if d == target:
            return report(name, True, [f"{d} layers: first/last = {ratio(d):.1e}, below 1e-6 for the first time "
                                       f"(depth {d - 1} still shows {ratio(d - 1):.1e}).",
                                       "sigmoid' is at most 0.25, so with Glorot's weights each backward step "
                                       "multiplies the gradient's mean square by at most 1/16 on average (its norm "
                                       "by about 1/4): single steps scatter around that, some above 0.25, but over "
                                       "the d - 1 steps the product follows 0.25 ** (d - 1): 0.25 ** 10 = 9.5e-07."],
                          details={"reference": target}, quiet=quiet)
        if d < 2 or d > propagation.FLOW_MAX_DEPTH:
            return report(name, False, [f"{d} is not a depth the widget offers (2 to {propagation.FLOW_MAX_DEPTH} "
                                        "layers).", "hint: start from your prediction, 0.25 ** (depth - 1) < 1e-6, "
                                        "and move the slider around it."],
                          details={"reference": target}, quiet=quiet)
        lines = [f"at depth {d} the widget shows first/last = {ratio(d):.1e}."]
        if d < target:
            lines.append("hint: that is still above 1e-6; add layers until the ratio drops below it.")
        else:
            lines.append(f"hint: that is below 1e-6, but so is depth {d - 1} ({ratio(d - 1):.1e}): the task asks "
                         "for the smallest depth; go back one layer at a time until the ratio is above 1e-6.")
        return report(name, False, lines, details={"reference": target}, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)


# ----------------------------------------------------------------------------
# Predict before computing: the backward factor of a ReLU layer, the vanishing depth
# ----------------------------------------------------------------------------
#: The measurement behind :func:`backward_signal_factor`: 30 ReLU layers of width 64 with
#: weight variance 1/fan_in (LeCun's, and Glorot's in a square layer), median over 10 networks.
FACTOR_SETTING = {"depth": 30, "width": 64, "seeds": range(10)}


def _measured_backward_factor() -> float:
    norms = propagation.gradient_norms_over_seeds(FACTOR_SETTING["depth"], FACTOR_SETTING["width"], "relu", "lecun",
                                                  FACTOR_SETTING["seeds"])
    return propagation.per_layer_factor(np.median(norms, axis=0)[::-1])


def backward_signal_factor(factor, *, quiet: bool = False):
    """Check a predicted per-layer factor of the back-propagated gradient's norm (ReLU, Var(w) = 1/fan_in).

    The derivation gives ``E[(dL/dz_{l-1})^2] = E[relu'(z)^2] * fan_out * Var(w) * E[(dL/dz_l)^2]``
    ``= 1/2 * E[(dL/dz_l)^2]``, so the norm is multiplied by ``sqrt(1/2) = 0.7071`` per layer.
    Answers within 0.01 of it pass (0.7 does, 0.69 and 0.72 do not; the measured factor over
    10 networks is about 0.70);
    typical slips (the mean square's 1/2, sigmoid's 1/4, He's 1) are named.
    """
    name = "backward_signal_factor"
    try:
        if factor is None or factor is Ellipsis:
            return report(name, False, ["Derive the factor first, then write it as a number, e.g. "
                                        "factor = np.sqrt(...)."], todo=True, quiet=quiet)
        factor = _one_number(factor)
        if isinstance(factor, bool) or not isinstance(factor, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected one number, got {fmt(factor)}."], quiet=quiet)
        f = float(factor)
        exact = float(np.sqrt(0.5))
        measured = _measured_backward_factor()
        if np.isfinite(f) and abs(f - exact) <= 0.01:
            lines = [f"your prediction: {f:.4g}; the derivation: sqrt(1/2) = {exact:.4f}; measured over 10 networks "
                     f"of 30 layers: {measured:.2f}."]
            return report(name, True, lines + ["Half the units pass no gradient, which halves the mean square; "
                                               "the norm is its square root. He's factor 2 pays that back."],
                          details={"measured": measured}, quiet=quiet)
        slips = [(0.5, "0.5 is the factor on the mean square E[(dL/dz)^2]; the norm is its square root."),
                 (0.25, "1/4 is sigmoid's largest slope; a ReLU's slope is 1 or 0, and what matters is how "
                        "often it is 0."),
                 (1.0, "1 is what He's weights give (Var(w) = 2/fan_in); with 1/fan_in the mask's zeros are "
                       "not paid back."),
                 (2.0, "the mask removes mean square, it does not add any: the factor is below 1.")]
        hint = next((text for value, text in slips if np.isfinite(f) and abs(f - value) < 1e-3),
                    "multiply three things: E[relu'(z)^2] = P(z > 0) = 1/2, fan_out * Var(w) = 1, and take the "
                    "square root to go from mean square to norm.")
        return report(name, False, [f"your prediction: {f:.4g}; that is not what 30 ReLU layers with "
                                    "Var(w) = 1/fan_in do to the gradient.", f"hint: {hint}"],
                      details={"measured": measured}, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)


def vanishing_depth_prediction(predicted, *, quiet: bool = False):
    """Check the predicted smallest depth ``d`` with ``0.25 ** (d - 1) < 1e-6`` (sigmoid's bound, d - 1 steps).

    The answer is 11 (``0.25 ** 10 = 9.5e-07``). Off-by-one answers are told why: a depth-d
    network has d - 1 backward steps between its last layer and its first.
    """
    name = "vanishing_depth_prediction"
    try:
        if predicted is None or predicted is Ellipsis:
            return report(name, False, ["Write your prediction as a whole number of layers."], todo=True,
                          quiet=quiet)
        predicted = _one_number(predicted)
        if isinstance(predicted, bool) or not isinstance(predicted, (int, float, np.integer, np.floating)):
            return report(name, False, [f"expected a number of layers, got {fmt(predicted)}."], quiet=quiet)
        target = next(d for d in range(2, 100) if 0.25 ** (d - 1) < 1e-6)
        d = float(predicted)
        if not np.isfinite(d) or d != round(d):
            return report(name, False, [f"{fmt(predicted)} is not a whole number of layers.",
                                        "hint: 0.25 ** (d - 1) < 1e-6 gives d - 1 > 6 / log10(4) = 9.97; round "
                                        "up to a whole number of steps."], quiet=quiet)
        d = int(round(d))
        if d == target:
            return report(name, True, [f"{d}: 0.25 ** {d - 1} = {0.25 ** (d - 1):.1e} is the first power below "
                                       f"1e-6 ({d - 2} steps give {0.25 ** (d - 2):.1e}).",
                                       "Now check it against the widget below."], quiet=quiet)
        if d == target - 1:
            hint = (f"0.25 ** {d} < 1e-6 counts {d} steps, but a network of depth {d} has only {d - 1} backward "
                    "steps between its last layer and its first.")
        elif d < target:
            hint = f"0.25 ** {max(d - 1, 0)} = {0.25 ** max(d - 1, 0):.1e} is still above 1e-6: more layers."
        else:
            hint = (f"{d - 1} steps give {0.25 ** (d - 1):.1e}, below 1e-6, but so do {d - 2}: the smallest depth "
                    "is asked.")
        return report(name, False, [f"your prediction: {d} layer{'s' if d != 1 else ''}.", f"hint: {hint}"],
                      quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)


#: The setting of :func:`central_difference_prediction`: ReLU at x = 0.01, one step inside the
#: distance to the kink and one across it.
KINK_X, SMALL_STEP, LARGE_STEP = 0.01, 0.005, 0.05


def _central_relu(h: float) -> float:
    return (max(KINK_X + h, 0.0) - max(KINK_X - h, 0.0)) / (2 * h)


#: Wrong answers so far, per exercise (reset by a pass): the first miss gets a hint, a second the answer.
_MISSES: dict[str, int] = {}


def central_difference_prediction(small_step, large_step, *, quiet: bool = False):
    """Check predicted central differences of ReLU at ``x = 0.01`` for ``h = 0.005`` and ``h = 0.05``.

    With ``h = 0.005`` both points lie right of the kink and the estimate is the slope 1;
    with ``h = 0.05`` the left point, ``-0.04``, lies on the flat side and the estimate is
    ``(0.06 - 0) / 0.1 = 0.6``. The first wrong answer gets a hint that names the typical slip
    (0.5, the value *at* the kink; 1 for the large step, as if both points were on the line) without
    the number; a second wrong answer in the same session gets the worked answer.
    """
    name = "central_difference_prediction"
    try:
        values = {"small_step": _one_number(small_step), "large_step": _one_number(large_step)}
        if any(v is None or v is Ellipsis for v in values.values()):
            return report(name, False, ["Work out both numbers on paper, then fill in small_step and large_step."],
                          todo=True, quiet=quiet)
        for what, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                return report(name, False, [f"{what} should be one number, got {fmt(v)}."], quiet=quiet)
        for what, h in (("small_step", SMALL_STEP), ("large_step", LARGE_STEP)):
            got = float(values[what])
            expected = _central_relu(h)
            if np.isfinite(got) and abs(got - expected) <= 1e-6:
                continue
            _MISSES[name] = _MISSES.get(name, 0) + 1
            left, right = KINK_X - h, KINK_X + h
            where = f"{what}: central_diff(relu, {KINK_X:g}, h={h:g}), your prediction {got:g}."
            if h == SMALL_STEP:
                hint = ("where do x - h and x + h lie, left or right of the kink at 0? On the right, ReLU is the "
                        "line y = x: what is the slope of a straight line between two of its points?")
                if abs(got - 0.5) < 1e-6:
                    hint = ("0.5 is what a step centred on the kink gives; here x = 0.01, and the step is smaller "
                            "than that distance. " + hint[0].upper() + hint[1:])
                answer = (f"both points, {left:g} and {right:g}, lie right of the kink, so the estimate is "
                          f"({right:g} - {left:g}) / {2 * h:g} = {expected:.3g}.")
            else:
                hint = ("where do x - h and x + h lie, left or right of the kink at 0? A point on the flat side "
                        "has relu = 0, a point on the right has relu = x: evaluate it at both points.")
                if abs(got - 1.0) < 1e-6:
                    hint = ("1 would need both points on the line y = x, but this h is larger than the distance "
                            "to the kink. " + hint[0].upper() + hint[1:])
                elif abs(got - 0.5) < 1e-6:
                    hint = ("the step is not centred on the kink, so it does not give the average 1/2. "
                            + hint[0].upper() + hint[1:])
                answer = (f"the left point x - h = {left:g} lies on the flat side, where relu is 0, and the right "
                          f"point x + h = {right:g} on the line: (relu({right:g}) - relu({left:g})) / {2 * h:g} = "
                          f"{expected:.3g}.")
            lines = [where, "That is not what the formula returns."]
            if _MISSES[name] >= 2:
                lines.append(f"the answer, worked out: {answer}")
            else:
                lines.append(f"hint: {hint}")
            return report(name, False, lines, details={"misses": _MISSES[name]}, quiet=quiet)
        _MISSES.pop(name, None)
        return report(name, True, [
            f"h = {SMALL_STEP:g}: {_central_relu(SMALL_STEP):.3g}, the exact slope (both points right of the kink); "
            f"h = {LARGE_STEP:g}: {_central_relu(LARGE_STEP):.3g}, wrong by {1 - _central_relu(LARGE_STEP):.2g}.",
            f"A gradient check is only trustworthy when h is smaller than the distance to the nearest kink "
            f"(here {KINK_X:g}).",
        ], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your answer: {type(exc).__name__}: {exc}"], quiet=quiet)
