"""Checkers for chapter 1, the definition of ReLU."""

from __future__ import annotations

import sys
import time

import numpy as np

from .. import activations
from ..hinges import NEURON_TARGET, NEURON_TOL, hat, hinge_location, hinge_sum, kinks_and_slopes, neuron_gap
from ..hinges import convergence_order as hinge_convergence_order
from ._core import Case, check_function, fmt, report, standard_cases

__all__ = ["HAT_HINGES", "KINK_HINGES", "PREDICTION_INPUTS", "PROPERTY_CLAIMS", "TINY_INPUTS", "hat_from_hinges",
           "hinge_order_prediction", "max_from_relu", "neuron_target", "predict_kinks", "relu", "relu_identity",
           "relu_predictions", "relu_properties"]

#: The inputs of the "predict before you run" exercise, in order.
PREDICTION_INPUTS = (3.0, -1.0, 0.0, -0.25, 1.5, -100.0, 0.001)


#: Numbers within a hair of 0 on both sides (down to the smallest subnormal): a threshold that is not
#: exactly 0, such as ``x * (x > -1e-9)`` or ``x * (x > 1e-12)``, gets one of them wrong.
TINY_INPUTS = (-1e-9 / 2, -1e-12, -1e-300, -5e-324, 5e-324, 1e-300, 1e-12, 1e-9 / 2)


def _diagnose_tiny(x: np.ndarray, g: np.ndarray) -> str | None:
    if x.ndim != 1 or x.size < 2 or not np.all(np.abs(x) < 1e-8):
        return None
    through = (x < 0) & (g != 0)
    lost = (x > 0) & (g != x)
    if through.any():
        v = float(x[through][0])
        return (f"a tiny negative input, x = {v!r}, came back as {float(g[through][0])!r}, not 0: your threshold is "
                "below 0 (like x > -1e-9). ReLU's threshold is exactly 0: every negative number, however tiny, "
                "gives 0.")
    if lost.any():
        v = float(x[lost][0])
        return (f"a tiny positive input, x = {v!r}, came back as {float(g[lost][0])!r}: your threshold is above 0 "
                "(like x > 1e-12), or the value was rounded. ReLU passes every positive number through unchanged.")
    return None


def _diagnose_relu(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    g = np.asarray(got, dtype=float)
    if g.shape != x.shape:
        return None
    tiny = _diagnose_tiny(x, g)
    if tiny:
        return tiny
    if np.allclose(g, x):
        return "you returned the input unchanged: negative inputs must become 0."
    if np.allclose(g, np.abs(x)):
        return "that is |x|: negative inputs must become 0, not change sign."
    if np.allclose(g, np.minimum(0, x)):
        return "that is min(0, x): ReLU keeps the positive part, max(0, x)."
    if np.allclose(g, (x > 0).astype(float)):
        return "that is the step function (the derivative of ReLU), not ReLU itself."
    if np.asarray(got).dtype.kind in "iub" and np.asarray(args[0]).dtype.kind == "f":
        return (f"your output has the integer dtype {np.asarray(got).dtype}, so fractions were cut off "
                "(0.5 becomes 0). The int 0 of max(0, v) or of a scalar `return 0` can set the dtype (np.vectorize "
                "takes it from the first output); np.maximum(0, x) keeps the input's float dtype.")
    negative = x < 0
    if negative.any() and np.array_equal(g[~negative], np.asarray(expected, dtype=float)[~negative]):
        slopes = g[negative] / x[negative]
        if np.allclose(slopes, slopes[0]) and 1e-4 <= slopes[0] < 1:
            return (f"that is a leaky ReLU with slope {slopes[0]:g} for negative inputs; plain ReLU sends every "
                    "negative input to exactly 0.")
    if isinstance(got, np.ndarray) and isinstance(args[0], np.ndarray) and got.dtype.kind == "f" \
            and np.asarray(args[0]).dtype.kind == "f" and got.dtype.itemsize < args[0].dtype.itemsize:
        return (f"your output is {got.dtype} for a {args[0].dtype} input, which rounds the values: "
                "keep the input's dtype (np.maximum(0, x) does).")
    if np.allclose(g, np.asarray(expected, dtype=float), rtol=1e-5, atol=1e-5):
        return ("close, but ReLU is exact: every negative input gives exactly 0 (a true zero) and every "
                "positive one gives x itself. A floor such as np.maximum(1e-9, x), or any rounding, is a "
                "different function; use np.maximum(0, x).")
    return None


_SCALAR_HINT = ("a single number must work too: np.maximum(0, x) handles numbers and arrays alike, while "
                "array-only code (x.clip(0), x[x < 0] = 0, x.copy()) fails on a Python float.")


def _relu_compare(notes: list[str]):
    """Exact comparison (ReLU's outputs are exact in every dtype); a widened dtype becomes a note."""

    def compare(args, expected, got) -> str | None:
        x0 = args[0]
        e = np.asarray(expected, dtype=np.float64)
        try:
            g = np.asarray(got, dtype=np.float64).reshape(e.shape)
        except (TypeError, ValueError):
            return f"expected: {fmt(expected)}\n   got:      {fmt(got)}"
        same = (g == e) | (np.isnan(g) & np.isnan(e))
        if not same.all():
            i = tuple(int(k) for k in np.argwhere(~same)[0]) if e.ndim else ()
            xi = np.asarray(x0)[i] if e.ndim else x0
            at = f" at index {i}" if e.ndim else ""
            return (f"expected: {fmt(expected)}\n   got:      {fmt(got)}\n"
                    f"   first wrong value{at} (x = {fmt(xi)}): expected {fmt(e[i] if e.ndim else e)}, "
                    f"got {fmt(g[i] if e.ndim else g)}")
        if isinstance(x0, np.ndarray) and x0.dtype.kind == "f" and isinstance(got, np.ndarray) \
                and got.dtype != x0.dtype and not notes:
            notes.append(f"note: for a {x0.dtype} input your function returned {got.dtype}. The values are "
                         f"right, but a network in {x0.dtype} would quietly switch to {got.dtype} "
                         "(more memory, slower); np.maximum(0, x) keeps the input's dtype.")
        return None

    return compare


def _python_steps(fn, x) -> int:
    """How many Python-level steps (calls, generator resumptions and lines) ``fn(x)`` runs.

    A vectorised function runs the same handful of steps for 10 numbers as for 1,000; a loop in
    Python (``for``, a comprehension, a generator, ``map`` with a lambda, ``np.vectorize``) runs
    at least one step per element.
    """
    steps = 0

    def local(frame, event, arg):
        nonlocal steps
        if event == "line":
            steps += 1
        return local

    def tracer(frame, event, arg):
        nonlocal steps
        steps += 1
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn(x)
    finally:
        sys.settrace(previous)
    return steps


#: Sizes of the two arrays whose step counts are compared (:func:`_python_steps`).
LOOP_SIZES = (10, 1000)
#: Size of the timed array, and how many times slower than ``np.maximum`` (and at least how many
#: seconds) counts as an element-by-element loop. Vectorised forms measured 0.5x-40x ``np.maximum``
#: (``np.piecewise`` is the slowest); a loop in C over NumPy scalars (``map(max, ...)``) about 350x.
TIMED_SIZE, SLOWER_FACTOR, SLOWER_SECONDS = 1_000_000, 100.0, 0.05


def _loop_complaint(fn) -> str | None:
    """A sentence when ``fn`` loops over the elements in Python, else None (never raises)."""
    rng = np.random.default_rng(0)
    try:
        small, large = (_python_steps(fn, rng.standard_normal(n)) for n in LOOP_SIZES)
        if large - small >= (LOOP_SIZES[1] - LOOP_SIZES[0]) // 2:
            return (f"your function runs Python code once per element: {small} Python steps for "
                    f"{LOOP_SIZES[0]} numbers, {large} for {LOOP_SIZES[1]:,}. That is a loop (a for loop, a "
                    "comprehension, map with a lambda, or np.vectorize, which is a loop too). Exercise 1 asks for one "
                    "element-wise NumPy operation, which works on the whole array in compiled code.")
        x = rng.standard_normal(TIMED_SIZE)
        reference = min(_seconds(lambda: np.maximum(0, x)) for _ in range(3))
        took = _seconds(lambda: fn(x))
        if took > SLOWER_SECONDS and took > SLOWER_FACTOR * reference:
            took = min(took, *(_seconds(lambda: fn(x)) for _ in range(2)))
            if took > SLOWER_SECONDS and took > SLOWER_FACTOR * reference:
                return (f"on {TIMED_SIZE:,} numbers your function took {1e3 * took:.0f} ms, np.maximum(0, x) "
                        f"{1e3 * reference:.1f} ms: {took / reference:.0f} times slower (more than "
                        f"{SLOWER_FACTOR:.0f} times counts as a loop). It goes through the elements one at a time "
                        "(map or a similar loop); use one element-wise NumPy operation.")
    except Exception:  # the values were already checked; a failure here is not the learner's
        return None
    return None


def _seconds(call) -> float:
    """CPU seconds one ``call()`` takes (CPU time, not wall time: a busy machine that makes the call wait for a
    processor does not count against it, and a long call is not penalised for being interrupted more often)."""
    start = time.process_time()
    call()
    return time.process_time() - start


def _relu_cases() -> list[Case]:
    cases = []
    for c in standard_cases():
        cases.append(Case(c.args, c.description, _SCALAR_HINT) if not isinstance(c.args[0], np.ndarray) else c)
        if c.description.startswith("edge values"):
            cases.append(Case((np.array(TINY_INPUTS),), "tiny numbers on both sides of 0"))
    cases.append(Case((np.array(-1.5),), "a 0-d array (the result of a reduction such as x.sum())"))
    cases.append(Case((np.array(2.5, dtype=np.float32),), "a 0-d float32 array"))
    return cases


def relu(fn, *, quiet: bool = False):
    """Check a learner's ``relu(x)``: ``max(0, x)`` element-wise, arrays in, arrays out, no loop.

    ReLU's outputs are exact (0 or ``x`` itself), so the values must match exactly, also for
    tiny numbers on both sides of 0 (:data:`TINY_INPUTS`); a near miss such as
    ``np.maximum(1e-9, x)`` or ``x * (x > -1e-9)`` fails. A correct result in a wider dtype
    (float64 for a float32 input) passes, with a note on keeping the input's dtype.

    The exercise forbids loops over the elements, and the checker tests it by behaviour: a
    function whose number of Python steps grows with the array's size (from 10 to 1,000
    numbers) loops in Python; one that is more than :data:`SLOWER_FACTOR` times slower than
    ``np.maximum`` on :data:`TIMED_SIZE` numbers loops in compiled code over Python objects.

    Parameters
    ----------
    fn : callable
        The learner's function.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    notes: list[str] = []
    result = check_function(
        "relu", fn, activations.relu, _relu_cases(), compare=_relu_compare(notes), diagnose=_diagnose_relu,
        require_dtype=False, hint="ReLU is max(0, x), applied to every element: try np.maximum(0, x).",
        quiet=True,
    )
    if result.passed:
        complaint = _loop_complaint(fn)
        if complaint:
            result = report("relu", False, [
                "the values are right on every case, but:", complaint,
                "hint: np.maximum(0, x), np.where(x > 0, x, 0) or x * (x > 0) work on every element at once."],
                quiet=True)
    if result.passed and notes:
        result.message += "\n" + "\n".join(f"   {n}" for n in notes)
        result.details["dtype_note"] = notes[0]
    if not quiet:
        print(result.message)
    return result


# ----------------------------------------------------------------------------
# Predict the outputs
# ----------------------------------------------------------------------------
def relu_predictions(predictions, *, quiet: bool = False):
    """Check the learner's predicted ReLU outputs for :data:`PREDICTION_INPUTS`.

    Parameters
    ----------
    predictions : list of float
        One predicted output per input, in the same order.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "relu_predictions"
    inputs = np.array(PREDICTION_INPUTS)
    expected = np.maximum(0.0, inputs)
    shown_inputs, shown_expected = fmt(list(PREDICTION_INPUTS)), fmt(expected.tolist())
    try:
        if predictions is None or predictions is Ellipsis:
            return report(name, False, ["Write your list of predictions, then run the cell again."],
                          todo=True, quiet=quiet)
        if callable(predictions):
            return report(name, False, ["this exercise wants a list of numbers, not a function.",
                                        "hint: write predictions = [...], one number per input."],
                          quiet=quiet)
        if isinstance(predictions, (str, bytes)):
            return report(name, False, [f"got the text {fmt(predictions)}; write a list of numbers.",
                                        "hint: predictions = [1.0, 2.0, ...] (no quotes)."], quiet=quiet)
        if isinstance(predictions, (list, tuple)) and any(isinstance(v, (str, bytes)) for v in predictions):
            return report(name, False, [f"some predictions are text: {fmt(predictions)}; write numbers.",
                                        "hint: predictions = [1.0, 2.0, ...] (no quotes)."], quiet=quiet)
        try:
            got = np.asarray(predictions, dtype=float)
        except (TypeError, ValueError):
            return report(name, False, [f"could not read {fmt(predictions)} as a list of numbers.",
                                        "hint: every entry must be a number such as 0 or 1.5."], quiet=quiet)
        if got.ndim > 1:
            return report(name, False, [f"expected a flat list of {inputs.size} numbers, got shape {got.shape} "
                                        f"from {fmt(predictions)}.",
                                        "hint: one pair of brackets: predictions = [a, b, c, ...]."], quiet=quiet)
        if got.ndim != 1 or got.size != inputs.size:
            return report(name, False, [f"expected {inputs.size} predictions (one per input), got "
                                        f"{got.size if got.ndim else 'a single number'}.",
                                        f"inputs: {shown_inputs}",
                                        "hint: keep the order of the inputs, one output each."], quiet=quiet)
        if not np.all(np.isfinite(got)):
            i = int(np.argmin(np.isfinite(got)))
            return report(name, False, [f"the prediction for x = {inputs[i]:g} (position {i}) is "
                                        f"{fmt(np.asarray(predictions, dtype=object)[i])}, not a number.",
                                        f"hint: write a number for every input; ReLU is defined everywhere, "
                                        f"also at x = {inputs[i]:g}."], quiet=quiet)
        ok = np.isclose(got, expected, rtol=1e-6, atol=1e-9)
        if ok.all():
            _MISSES.pop(name, None)
            return report(name, True, [f"inputs:  {shown_inputs}", f"outputs: {shown_expected}",
                                       "Negative inputs become 0; zero and positive inputs pass unchanged."],
                          quiet=quiet)
        i = int(np.argmin(ok))
        x, e, g = inputs[i], expected[i], got[i]
        if np.allclose(got, np.abs(inputs)):
            tip = "those are absolute values: ReLU does not flip the sign of a negative input, it outputs 0."
        elif np.allclose(got, inputs):
            tip = "that is the input itself: ReLU changes every negative input to 0."
        elif np.allclose(got, np.minimum(0.0, inputs)):
            tip = "that keeps the negative part: ReLU keeps the positive part, max(0, x)."
        elif np.allclose(got, (inputs > 0).astype(float)):
            tip = "those are 0/1 answers (a step): ReLU passes a positive input through at its full size."
        elif x < 0:
            tip = "for a negative input, max(0, x) is 0, however close to 0 or far below it x is."
        else:
            tip = "for x >= 0, max(0, x) is x itself."
        wrong = int((~ok).sum())
        if _missed(name) == 1:
            return report(name, False, [f"{wrong} of {inputs.size} predictions are off; the first is for x = "
                                        f"{float(x)!r} (position {i}): you wrote {float(g)!r}.", f"hint: {tip}",
                                        _AGAIN], quiet=quiet)
        return report(name, False, [f"the prediction for x = {float(x)!r} (position {i}) is wrong: "
                                    f"expected {float(e)!r}, got {float(g)!r}.", f"hint: {tip}"], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your predictions ({type(exc).__name__}: {exc})."],
                      quiet=quiet)


# ----------------------------------------------------------------------------
# x = relu(x) - relu(-x)
# ----------------------------------------------------------------------------
class _SpyReLU:
    """A correct ReLU that records the arrays it is called with."""

    def __init__(self) -> None:
        self.calls: list[np.ndarray] = []

    def __call__(self, x):
        arr = np.array(x, copy=True)
        self.calls.append(arr)
        return activations.relu(x)

    def __repr__(self) -> str:
        return "relu"


def _identity_cases() -> list[Case]:
    cases = []
    for case in standard_cases():
        cases.append(Case((case.args[0], _SpyReLU()), case.description))
    return cases


def _pieces(call: np.ndarray, shape: tuple):
    """The arrays of ``shape`` that one call of the spy's relu worked on.

    The call's own input, or, when several arrays went through relu at once,
    each slice of a stack (``np.stack([x, -x])``, along any axis) or each block
    of a concatenation (``np.concatenate([x, -x])``, along any axis).
    """
    if call.shape == shape:
        yield call
    if call.ndim == len(shape) + 1:
        for axis in range(call.ndim):
            moved = np.moveaxis(call, axis, 0)
            if moved.shape[1:] == shape:
                yield from moved
    if call.ndim == len(shape):
        for axis, n in enumerate(shape):
            rest_ok = call.shape[:axis] + call.shape[axis + 1:] == shape[:axis] + shape[axis + 1:]
            if rest_ok and n and call.shape[axis] > n and call.shape[axis] % n == 0:
                yield from np.split(call, call.shape[axis] // n, axis=axis)


def _spy_saw(spy: _SpyReLU, target: np.ndarray) -> bool:
    return any(np.array_equal(piece, target) for call in spy.calls for piece in _pieces(call, target.shape))


def _compare_identity(args, expected, got) -> str | None:
    x, spy = args
    xa = np.asarray(x, dtype=np.float64)
    g = np.asarray(got, dtype=np.float64).reshape(xa.shape)
    if not np.allclose(g, xa, rtol=1e-6, atol=1e-9):
        i = tuple(int(k) for k in np.argwhere(~np.isclose(g, xa, rtol=1e-6, atol=1e-9))[0])
        return (f"reconstruct(x, relu) should give back x.\n   expected: {fmt(x)}\n   got:      {fmt(got)}\n"
                f"   first wrong value at index {i}: expected {fmt(xa[i])}, got {fmt(g[i])}")
    used_pos, used_neg = _spy_saw(spy, xa), _spy_saw(spy, -xa)
    if not (used_pos and used_neg):
        missing = " and ".join(s for s, used in (("relu(x)", used_pos), ("relu(-x)", used_neg)) if not used)
        verb = "were" if " and " in missing else "was"
        return (f"the values are right, but {missing} {verb} never computed with the relu you were given "
                "(it records its inputs; x and -x count whether passed separately or stacked in one array). "
                "Build x from that relu's two outputs rather than returning x or computing ReLU another way.")
    return None


def _diagnose_identity(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=np.float64)
    try:
        g = np.asarray(got, dtype=np.float64).reshape(x.shape)
    except (TypeError, ValueError):
        return None
    if np.allclose(g, np.abs(x)):
        return "relu(x) + relu(-x) is |x|, the other identity; subtract to get x back."
    if np.allclose(g, -x):
        return "the sign is flipped: it is relu(x) - relu(-x), not relu(-x) - relu(x)."
    if np.allclose(g, np.maximum(0, x)):
        return "relu(x) alone loses the negative entries; subtract relu(-x) to bring them back."
    if np.allclose(g, 0):
        return "everything cancelled: the second term is relu(-x), with a minus sign inside."
    return None


def relu_identity(reconstruct, *, quiet: bool = False):
    """Check ``reconstruct(x, relu)``, which must return ``relu(x) - relu(-x)`` (that is, ``x``).

    The checker calls ``reconstruct`` on several arrays, passing as ``relu`` a correct
    ReLU that records its inputs, and verifies that the result equals ``x`` and that
    both ``relu(x)`` and ``relu(-x)`` were computed, in two calls or in one call on
    a stack or concatenation of ``x`` and ``-x``. The output's dtype is not checked
    (the exercise is about the identity): a float32 input may come back as float64.

    Parameters
    ----------
    reconstruct : callable
        The learner's function ``reconstruct(x, relu)``.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    result = check_function(
        "relu_identity", reconstruct, lambda x, relu: np.array(x, copy=True), _identity_cases(),
        arg_names=("x", "relu"), compare=_compare_identity, diagnose=_diagnose_identity, require_dtype=False,
        hint="return relu(x) - relu(-x), using the relu passed as the second argument.",
        summary="x = relu(x) - relu(-x) held on every input.", quiet=True,
    )
    # check_function names the exercise; the learner's function is called reconstruct.
    result.message = (result.message.replace("body of relu_identity", "body of reconstruct")
                      .replace("checks.relu_identity(relu_identity)", "checks.relu_identity(reconstruct)"))
    if not quiet:
        print(result.message)
    return result


# ----------------------------------------------------------------------------
# Widget exercise: match the target neuron
# ----------------------------------------------------------------------------
def neuron_target(w, b, *, quiet: bool = False):
    """Check that the neuron ``relu(w * x + b)`` matches the neuron explorer's target.

    Matched means: within ``NEURON_TOL`` of the target everywhere on the widget's x range.

    Parameters
    ----------
    w, b : float
        The weight and bias chosen with the neuron explorer.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "neuron_target"
    try:
        if w is None or b is None:
            return report(name, False, ["Set w and b with the neuron explorer, then run the cell again."],
                          todo=True, quiet=quiet)
        values = {}
        for label, v in (("w", w), ("b", b)):
            if isinstance(v, np.ndarray) and v.ndim == 0:  # np.float64(...)[()] and friends: a single number
                v = v[()]
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(float(v)):
                return report(name, False, [f"{label} must be a finite number, got {fmt(v)}.",
                                            "hint: read the slider's value, e.g. w = 1.5."], quiet=quiet)
            values[label] = float(v)
        w, b = values["w"], values["b"]
        tw, tb = NEURON_TARGET
        with np.errstate(over="ignore", invalid="ignore"):  # a huge w or b is just far away
            gap = neuron_gap(w, b)
        if gap <= NEURON_TOL:
            return report(name, True, [f"relu({w:g}·x + {b:g}) matches the target (largest gap {gap:.3f}).",
                                       f"Its hinge is at x = -b/w = {hinge_location(w, b):.2f}."],
                          details={"gap": gap}, quiet=quiet)
        lines = [f"relu({w:g}·x + {b:g}) is up to {gap:.2f} away from the target "
                 f"(at most {NEURON_TOL:g} counts as matched)."]
        hinge, target_hinge = hinge_location(w, b), hinge_location(tw, tb)
        if w == 0:
            tip = "with w = 0 the output is flat; the target slopes, so w must not be 0."
        elif np.sign(w) != np.sign(tw):
            tip = ("the target rises towards the left (it is zero on the right), so w must be negative."
                   if tw < 0 else "the target rises towards the right, so w must be positive.")
        elif abs(hinge - target_hinge) > 0.05:
            tip = (f"your hinge is at x = {hinge:.2f}, the target's is at x = {target_hinge:.2f}; "
                   "the hinge sits at x = -b/w, so change b.")
        else:
            tip = f"the hinge is in the right place; now match the steepness: your slope is |w| = {abs(w):g}."
        lines.append(f"hint: {tip}")
        return report(name, False, lines, details={"gap": gap}, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check w and b ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Build a hat from hinges
# ----------------------------------------------------------------------------
#: The hat as a sum of hinges ``a * relu(x - t)``: one answer (the checker accepts any sum equal to it).
HAT_HINGES = ((1.0, -1.0), (-2.0, 0.0), (1.0, 1.0))


def _read_hinges(hinges, name: str):
    """``(array of (a, t) rows, None)`` or ``(None, complaint lines)`` for a learner's list of pairs."""
    example = "hint: write a list of (a, t) pairs, e.g. [(1, -1), (2, 0.5)], meaning 1·relu(x + 1) + 2·relu(x - 0.5)."
    if callable(hinges):
        return None, ["this exercise wants a list of (a, t) pairs, not a function.", example]
    if isinstance(hinges, (str, bytes)):
        return None, [f"got the text {fmt(hinges)}; write the pairs as numbers, without quotes.", example]
    if isinstance(hinges, dict):
        return None, [f"got a dict {fmt(hinges)}; write a list of (a, t) pairs.", example]
    try:
        arr = np.asarray(hinges, dtype=float)
    except (TypeError, ValueError):
        return None, [f"could not read {fmt(hinges)} as a list of (a, t) pairs of numbers.", example]
    if arr.ndim == 1 and arr.size == 2:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        return None, [f"{name} should be a list of (a, t) pairs; got shape {arr.shape} from {fmt(hinges)}.",
                      example]
    if not np.all(np.isfinite(arr)):
        return None, [f"every a and t must be a finite number; got {fmt(hinges)}.", example]
    return arr, None


def _pieces_text(kinks) -> list[str]:
    """Names of the pieces between kinks: ``x < -1``, ``-1 < x < 0``, ..., ``x > 1``."""
    if not kinks:
        return ["everywhere"]
    names = [f"x < {kinks[0]:g}"]
    names += [f"{a:g} < x < {b:g}" for a, b in zip(kinks, kinks[1:], strict=False)]
    names.append(f"x > {kinks[-1]:g}")
    return names


def _first_slope_change(arr: np.ndarray, want_kinks: list, want_slopes: list, got_kinks: list,
                        reveal: bool = True) -> str:
    """A hint at the leftmost bend where the learner's slope change differs from the hat's.

    Both sums are 0 far to the left, so the first kink (of either) where the two slope
    changes differ is where the learner's weights go wrong. Without ``reveal`` the hint
    names the place and the slopes but not the change needed there (a first miss).
    """
    def change(kinks_slopes, t):
        kinks, slopes = kinks_slopes
        return slopes[kinks.index(t) + 1] - slopes[kinks.index(t)] if t in kinks else 0.0

    want, got = (want_kinks, want_slopes), kinks_and_slopes(arr)
    for t in sorted({*want_kinks, *got_kinks}):
        need, have = change(want, t), change(got, t)
        if abs(need - have) > 1e-9:
            if abs(need) <= 1e-9:
                return (f"the hat does not bend at x = {t:g}, but your hinges there change the slope by {have:g}; "
                        "their weights at that t must cancel (or drop them).")
            left = want_slopes[want_kinks.index(t)]
            right = want_slopes[want_kinks.index(t) + 1]
            by = f", by {need:+g}" if reveal else ""
            if abs(have) <= 1e-9:
                return (f"at x = {t:g} the hat's slope changes from {left:g} to {right:g}{by}, but your "
                        "sum does not bend there" + (f": add a hinge ({need:g}, {t:g})." if reveal else "."))
            return (f"at x = {t:g} the hat's slope changes from {left:g} to {right:g}{by}; your weights "
                    f"there add up to {have:+g}. A hinge's weight is the change of slope at its t.")
    return "a hinge a·relu(x - t) bends at x = t and adds a to the slope there; read the hat's bends and slopes."


def hat_from_hinges(hinges, *, quiet: bool = False):
    """Check a list of hinges ``[(a, t), ...]`` whose sum ``sum a * relu(x - t)`` must be the hat.

    The hat is ``1 - |x|`` on ``[-1, 1]`` and 0 elsewhere. Two piecewise-linear
    functions are equal when they agree at every kink of both and one step beyond
    the outermost kinks, which is what is compared, so any correct sum passes (in
    any order, with repeated or cancelling hinges).

    Parameters
    ----------
    hinges : list of (float, float)
        Pairs ``(a, t)``: weight and hinge position of ``a * relu(x - t)``.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "hat_from_hinges"
    try:
        if hinges is None or hinges is Ellipsis:
            return report(name, False, ["Write your list of (a, t) pairs, then run the cell again."],
                          todo=True, quiet=quiet)
        arr, trouble = _read_hinges(hinges, "hinges")
        if trouble:
            return report(name, False, trouble, quiet=quiet)
        want_kinks, want_slopes = kinks_and_slopes(HAT_HINGES)
        got_kinks, got_slopes = kinks_and_slopes(arr)
        points = sorted({*want_kinks, *got_kinks})
        xs = np.array([points[0] - 1.0, *points, points[-1] + 1.0, *(np.array(points) + 0.5)])
        xs = np.unique(xs)
        expected, got = hat(xs), hinge_sum(arr, xs)
        ok = np.isclose(got, expected, rtol=1e-9, atol=1e-9)
        if ok.all():
            _MISSES.pop(name, None)
            return report(name, True, [
                f"the sum of your {len(arr)} hinge{'s' if len(arr) != 1 else ''} is the hat: 0 left of -1, "
                "up with slope 1 to the peak 1 at x = 0, down with slope -1 to 0 at x = 1, then 0.",
                "Each hinge a·relu(x - t) adds a to the slope at x = t: +1 at -1, -2 at 0, +1 at 1."],
                quiet=quiet)
        i = int(np.argmin(ok))
        lines = [f"at x = {xs[i]:g} the hat is {expected[i]:g} but your sum gives {got[i]:g}."]
        if got_kinks != want_kinks:
            lines.append(f"your sum bends at x = {fmt(got_kinks)}; the hat bends at x = {fmt(want_kinks)}.")
        swapped = arr[:, ::-1]
        if np.allclose(got, -expected):
            tip = "your hat points down: every weight has the wrong sign (it should start by going up, +1 at x = -1)."
        elif np.allclose(hinge_sum(swapped, xs), expected, rtol=1e-9, atol=1e-9):
            tip = ("your pairs are (t, a); the exercise writes them (a, t), weight first: "
                   f"{fmt([tuple(float(v) for v in row) for row in swapped])}.")
        else:
            first_miss = _missed(name) == 1
            tip = _first_slope_change(arr, want_kinks, want_slopes, got_kinks, reveal=not first_miss)
            lines.append(f"hint: {tip}")
            if first_miss:
                lines.append(_AGAIN)
            return report(name, False, lines, quiet=quiet)
        lines.append(f"hint: {tip}")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your hinges ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Predict the kinks and slopes
# ----------------------------------------------------------------------------
#: The function of the prediction exercise, relu(2x + 2) - 3 relu(x) + relu(x - 2), as (a, t) hinges.
KINK_HINGES = ((2.0, -1.0), (-3.0, 0.0), (1.0, 2.0))


def _read_numbers(values, name: str):
    if isinstance(values, (str, bytes)) or callable(values) or isinstance(values, dict):
        return None, f"{name} should be a list of numbers, got {fmt(values)}."
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None, f"could not read {name} = {fmt(values)} as a list of numbers."
    if arr.ndim != 1:
        return None, f"{name} should be a flat list of numbers, got {fmt(values)}."
    if not np.all(np.isfinite(arr)):
        return None, f"every entry of {name} must be a finite number, got {fmt(values)}."
    return arr, None


def predict_kinks(kinks, slopes, *, quiet: bool = False):
    """Check predicted kinks and slopes of ``f(x) = relu(2x + 2) - 3 relu(x) + relu(x - 2)``.

    Parameters
    ----------
    kinks : list of float
        Where ``f`` bends (any order; they are sorted).
    slopes : list of float
        The slope of ``f`` on each piece, from left to right (one more than the kinks).
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "predict_kinks"
    try:
        if kinks is None or slopes is None or kinks is Ellipsis or slopes is Ellipsis:
            return report(name, False, ["Write your predicted kinks and slopes, then run the cell again."],
                          todo=True, quiet=quiet)
        want_kinks, want_slopes = kinks_and_slopes(KINK_HINGES)
        k, trouble = _read_numbers(kinks, "kinks")
        if trouble is None:
            s, trouble = _read_numbers(slopes, "slopes")
        if trouble:
            return report(name, False, [trouble, "hint: for example kinks = [1, 2] and slopes = [0, 1, 0]."],
                          quiet=quiet)
        k = np.sort(k)
        lines: list[str] = []
        if len(k) != len(want_kinks) or not np.allclose(k, want_kinks, atol=1e-9):
            lines.append(f"f bends at {len(want_kinks)} places; you predicted {fmt(k.tolist())}.")
            if len(k) == len(want_kinks) and np.allclose(np.sort(-k), want_kinks):
                tip = ("relu(u) bends where u = 0: relu(x - 2) bends at x = 2 and relu(2x + 2) at x = -1, "
                       "so every sign is flipped.")
            elif len(k) == len(want_kinks) and np.allclose(k, [-2.0, 0.0, 2.0]):
                tip = "relu(2x + 2) bends where 2x + 2 = 0, that is at x = -1, not at -2."
            else:
                tip = "each term relu(w·x + b) bends where w·x + b = 0, at x = -b/w."
            lines.append(f"hint: {tip}")
            if _missed(name) == 1:
                lines.append(_AGAIN)
            else:
                lines.append(f"the answer: f bends at x = {fmt(want_kinks)}, where 2x + 2, x and x - 2 are 0.")
            return report(name, False, lines, quiet=quiet)
        if len(s) != len(want_slopes):
            if np.allclose(s, [2.0, -3.0, 1.0]) if len(s) == 3 else False:
                return report(name, False, [
                    f"the kinks are right, but slopes = {fmt(s.tolist())} are the terms' weights.",
                    "hint: a weight is how much the slope changes at a kink; f has one slope per piece "
                    f"({len(want_slopes)} pieces), the running sum of the changes, starting at 0 on the left."],
                    quiet=quiet)
            return report(name, False, [
                f"the kinks are right. With {len(want_kinks)} kinks, f has {len(want_slopes)} pieces, so slopes needs "
                f"{len(want_slopes)} numbers (got {len(s)}).",
                "hint: give the slope left of the first kink too (there every term is 0)."], quiet=quiet)
        if np.allclose(s, want_slopes, atol=1e-9):
            _MISSES.pop(name, None)
            pieces = _pieces_text(want_kinks)
            read = "; ".join(f"{p}: {v:g}" for p, v in zip(pieces, want_slopes, strict=True))
            return report(name, True, [f"kinks at {fmt(want_kinks)}, slopes {read}.",
                                       "Each term adds its slope change at its kink: +2 (the 2 inside relu(2x + 2)), "
                                       "then -3, then +1; the slopes are the running sums."], quiet=quiet)
        i = int(np.argmax(~np.isclose(s, want_slopes, atol=1e-9)))
        if np.allclose(s[::-1], want_slopes, atol=1e-9):
            lines.append(f"the kinks are right and so are the slopes, but listed from right to left: "
                         f"{fmt(s.tolist())}.")
            lines.append("hint: give the slopes from left to right, starting on x < -1.")
            return report(name, False, lines, quiet=quiet)
        pieces = _pieces_text(want_kinks)
        first_miss = _missed(name) == 1
        if first_miss:
            lines.append(f"the kinks are right, but on {pieces[i]} the slope is not {s[i]:g}.")
        else:
            lines.append(f"the kinks are right, but on {pieces[i]} the slope is {want_slopes[i]:g}, "
                         f"you wrote {s[i]:g}.")
        changes = [2.0, -3.0, 1.0]
        if np.allclose(s[1:], changes) or np.allclose(s[:3], changes):
            tip = ("those are the slope changes (each term's weight), not the slopes: the slope on a piece is the "
                   "sum of the changes of all the kinks to its left.")
        elif np.allclose(s, [0.0, 1.0, -2.0, -1.0]):
            tip = "relu(2x + 2) = 2·relu(x + 1): it adds slope 2, not 1, right of x = -1."
        elif s[0] != 0:
            tip = "left of every kink each relu term is 0, so f is flat there: slope 0."
        else:
            tip = "add the terms that are on (non-zero) on that piece; each relu(w·x + b) contributes slope w there."
        lines.append(f"hint: {tip}")
        if first_miss:
            lines.append(_AGAIN)
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your prediction ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Which properties hold exactly?
# ----------------------------------------------------------------------------
#: The claims of the properties exercise, labelled (a)-(f), with the right verdict and why.
PROPERTY_CLAIMS = (
    ("relu(3x) = 3·relu(x)", True,
     "positive homogeneity: scaling by a number a >= 0 passes through max(0, ·), max(0, 3x) = 3·max(0, x)."),
    ("relu(-x) = -relu(x)", False,
     "try x = 2: relu(-2) = 0 but -relu(2) = -2. relu is never negative and -relu(x) is never positive, "
     "so they agree only at x = 0."),
    ("relu(x + y) = relu(x) + relu(y)", False,
     "try x = 1, y = -1: relu(0) = 0 but relu(1) + relu(-1) = 1. ReLU is not additive, not linear; "
     "that is why stacking layers with it in between does not collapse."),
    ("relu(relu(x)) = relu(x)", True,
     "relu(x) is never negative, and relu leaves a number >= 0 unchanged (idempotence)."),
    ("relu(x)·relu(-x) = 0", True,
     "for every x one of x and -x is <= 0, so one of the two factors is exactly 0."),
    ("relu(x) - relu(-x) = x", True,
     "for x > 0 it is x - 0, for x < 0 it is 0 - (-x) = x, and at 0 it is 0."),
)


def _read_verdicts(holds):
    """``(list of bool, None)`` or ``(None, complaint lines)`` for the learner's verdicts."""
    n = len(PROPERTY_CLAIMS)
    example = f"hint: write holds = [True, False, ...], one True or False per claim, {n} in all, in the order (a)-(f)."
    letters = "abcdef"[:n]
    if isinstance(holds, dict):
        keys = {str(k).strip("() ").lower(): v for k, v in holds.items()}
        if set(keys) != set(letters):
            return None, [f"a dict needs exactly the keys {', '.join(letters)}; got {fmt(list(holds))}.", example]
        holds = [keys[k] for k in letters]
    if isinstance(holds, (str, bytes)) or callable(holds) or not hasattr(holds, "__len__"):
        return None, [f"expected a list of {n} True/False verdicts, got {fmt(holds)}.", example]
    holds = list(np.asarray(holds, dtype=object).ravel()) if isinstance(holds, np.ndarray) else list(holds)
    if len(holds) != n:
        return None, [f"expected {n} verdicts, one per claim (a)-(f), got {len(holds)}.", example]
    for i, v in enumerate(holds):
        if not isinstance(v, (bool, np.bool_)):
            word = " (text, in quotes)" if isinstance(v, str) else ""
            return None, [f"the verdict for ({letters[i]}) is {fmt(v)}{word}; write True or False.", example]
    return [bool(v) for v in holds], None


def _max0(v: float) -> float:
    return max(0.0, v)


#: Both sides of each claim (a)-(f), as functions of ``x`` (and ``y`` for (c)).
PROPERTY_SIDES = (
    lambda x, y: (_max0(3 * x), 3 * _max0(x)),
    lambda x, y: (_max0(-x), -_max0(x)),
    lambda x, y: (_max0(x + y), _max0(x) + _max0(y)),
    lambda x, y: (_max0(_max0(x)), _max0(x)),
    lambda x, y: (_max0(x) * _max0(-x), 0.0),
    lambda x, y: (_max0(x) - _max0(-x), x),
)
#: The claims that take two inputs (their counterexample is a pair ``(x, y)``).
TWO_INPUTS = frozenset("c")

_CE_EXAMPLE = ('hint: counterexamples = {letter: input, ...}: a number x, or a pair (x, y) for (c); the form is '
               '{"a": -1.0, "c": (0.5, 2.0)} (these two inputs break nothing).')
_AGAIN = "Look again and run the cell once more; if it is still not right, the report will give the answer."
_MISSES: dict[str, int] = {}


def _missed(name: str) -> int:
    """Count one more wrong answer to exercise ``name``; return how many so far."""
    _MISSES[name] = _MISSES.get(name, 0) + 1
    return _MISSES[name]


def reset_attempts() -> None:
    """Forget every earlier wrong answer (checkers give a hint first, the answer after a second miss)."""
    _MISSES.clear()


def _read_counterexamples(counterexamples):
    """``({letter: (x, y)}, None)`` or ``(None, complaint lines)``."""
    example = _CE_EXAMPLE
    if counterexamples is None or counterexamples is Ellipsis:
        return {}, None
    if not isinstance(counterexamples, dict):
        return None, [f"counterexamples should be a dict from letter to input, got {fmt(counterexamples)}.", example]
    out = {}
    for key, value in counterexamples.items():
        letter = str(key).strip("() ").lower()
        if letter not in "abcdef" or len(letter) != 1:
            return None, [f"{fmt(key)} is not one of the letters a-f.", example]
        if isinstance(value, (str, bytes)) or callable(value):
            return None, [f"the counterexample for ({letter}) is {fmt(value)}; write a number.", example]
        try:
            numbers = np.atleast_1d(np.asarray(value, dtype=float))
        except (TypeError, ValueError):
            return None, [f"could not read the counterexample for ({letter}), {fmt(value)}, as numbers.", example]
        need = 2 if letter in TWO_INPUTS else 1
        if numbers.ndim != 1 or numbers.size != need:
            what = "a pair (x, y)" if need == 2 else "one number x"
            return None, [f"the counterexample for ({letter}) should be {what}, got {fmt(value)}.", example]
        if not np.all(np.isfinite(numbers)):
            return None, [f"the counterexample for ({letter}), {fmt(value)}, must be finite: the claims are about "
                          "real numbers, and inf or nan break any arithmetic.", example]
        out[letter] = (float(numbers[0]), float(numbers[-1]) if need == 2 else 0.0)
    return out, None


def _breaks(letter: str, xy: tuple[float, float]) -> tuple[bool, float, float]:
    left, right = PROPERTY_SIDES["abcdef".index(letter)](*xy)
    return abs(left - right) > 1e-9 * (1 + abs(left) + abs(right)), left, right


def _inputs_text(letter: str, xy) -> str:
    return f"x = {xy[0]:g}, y = {xy[1]:g}" if letter in TWO_INPUTS else f"x = {xy[0]:g}"


def relu_properties(holds, counterexamples=None, *, quiet: bool = False):
    """Check verdicts on which identities hold for every real ``x`` (and ``y``), and the counterexamples.

    Every claim marked False needs a counterexample, which is evaluated: it must really
    break the claim. A first miss gets a hint (how many verdicts are right, what the
    learner's own counterexamples give); from the second miss on, the report names the
    wrong verdicts and why (:func:`reset_attempts` forgets earlier misses).

    Parameters
    ----------
    holds : list of bool, or dict
        One verdict per claim of :data:`PROPERTY_CLAIMS`, in order (a)-(f); a dict
        keyed by the letters is accepted too.
    counterexamples : dict
        For each claim marked False, an input that breaks it: ``{"b": 2.0, "c": (1.0, -1.0)}``
        (a number ``x``, or a pair ``(x, y)`` for (c)).
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "relu_properties"
    try:
        if holds is None or holds is Ellipsis:
            return report(name, False, ["Write your verdicts, then run the cell again."], todo=True, quiet=quiet)
        verdicts, trouble = _read_verdicts(holds)
        if trouble:
            return report(name, False, trouble, quiet=quiet)
        found, trouble = _read_counterexamples(counterexamples)
        if trouble:
            return report(name, False, trouble, quiet=quiet)
        letters, n = "abcdef", len(PROPERTY_CLAIMS)
        marked_false = [letters[i] for i, v in enumerate(verdicts) if not v]
        if marked_false and not found:
            return report(name, False, [
                f"you marked {', '.join(f'({c})' for c in marked_false)} as failing; give an input that breaks each.",
                _CE_EXAMPLE],
                todo=counterexamples is None, quiet=quiet)
        wrong = [i for i, (v, (_, truth, _)) in enumerate(zip(verdicts, PROPERTY_CLAIMS, strict=True)) if v != truth]
        problems, checked = [], []
        for letter in marked_false:
            claim_text = PROPERTY_CLAIMS[letters.index(letter)][0]
            if letter not in found:
                problems.append(f"({letter}) {claim_text}: you marked it as failing but gave no counterexample.")
                continue
            broken, left, right = _breaks(letter, found[letter])
            if broken:
                checked.append(f"({letter}) at {_inputs_text(letter, found[letter])}: {left + 0.0:g} ≠ {right + 0.0:g}")
            else:
                problems.append(f"({letter}) {claim_text}: at {_inputs_text(letter, found[letter])} both sides are "
                                f"{left + 0.0:g}, so this input does not break it. Try other inputs, or ask "
                                f"whether any input can.")
        for letter, xy in found.items():
            if verdicts[letters.index(letter)] and _breaks(letter, xy)[0]:
                problems.append(f"({letter}): you marked it as holding, but your own input "
                                f"{_inputs_text(letter, xy)} breaks it.")
        if not wrong and not problems:
            _MISSES.pop(name, None)
            return report(name, True, [
                f"all {n} verdicts are right, and every counterexample breaks its claim: " + "; ".join(checked) + ".",
                "The two that fail are the ones that ask ReLU to be linear: it commutes with scaling by a >= 0, not "
                "with a sign flip and not with addition."], quiet=quiet)
        misses = _missed(name)
        lines = [f"{n - len(wrong)} of {n} verdicts are right.", *problems]
        if misses == 1:
            said_holds = [i for i in wrong if verdicts[i]]
            if said_holds and not any(f"({letters[i]})" in p for i in said_holds for p in problems):
                lines.append("hint: at least one claim you marked True fails for some inputs. Try each of them on "
                             "paper with a positive x, a negative x and 0 (and, with two inputs, x and y of opposite "
                             "signs).")
            lines.append(_AGAIN)
            return report(name, False, lines, quiet=quiet)
        for letter in marked_false:  # a right verdict whose counterexample does not break the claim
            i = letters.index(letter)
            claim_text, truth, why = PROPERTY_CLAIMS[i]
            if not truth and i not in wrong and any(p.startswith(f"({letter})") for p in problems):
                lines.append(f"({letter}) {claim_text} does fail, but not at your input. {why[0].upper()}{why[1:]}")
        for i in wrong:
            claim_text, truth, why = PROPERTY_CLAIMS[i]
            said = "holds" if verdicts[i] else "fails"
            actual = "holds for every input" if truth else "fails for some inputs"
            lines.append(f"({letters[i]}) {claim_text}: you said it {said}, but it {actual}. {why[0].upper()}{why[1:]}")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your verdicts ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Predict the convergence order of the hinge fit for cos x
# ----------------------------------------------------------------------------
#: The target and hinge count of the order-prediction exercise: cos x on [-pi, pi], from 16 to 32 hinges.
ORDER_TARGET, ORDER_K = "cos", 16


def hinge_order_prediction(order, *, quiet: bool = False):
    """Check a predicted order ``p`` (error ``~ k**-p``) of the hinge fit of ``cos x``, from 16 to 32 hinges.

    The model is the chapter's ``c + sum_j a_j relu(x - t_j)``, flat left of its first hinge. For
    ``cos x`` that costs nothing, since its slope at ``-pi`` is 0, so the order is that of a
    piecewise-linear fit, 2 (measured: :func:`relubook.hinges.convergence_order`). A prediction
    within 0.25 of the measured order passes. A first miss gets a hint, the second the answer.

    Parameters
    ----------
    order : float
        The predicted order ``p``.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "hinge_order_prediction"
    try:
        if order is None or order is Ellipsis:
            return report(name, False, ["Write your predicted order, then run the cell again."], todo=True,
                          quiet=quiet)
        if isinstance(order, (bool, np.bool_, str, bytes)) or not isinstance(order, (int, float, np.integer,
                                                                                    np.floating)):
            return report(name, False, [f"expected one number p (the error falls like k^-p), got {fmt(order)}.",
                                        "hint: for example order = 1.0."], quiet=quiet)
        p = float(order)
        if not np.isfinite(p):
            return report(name, False, [f"the order must be a finite number, got {p}."], quiet=quiet)
        measured = hinge_convergence_order(ORDER_K, np.cos)
        if abs(p - measured) <= 0.25:
            _MISSES.pop(name, None)
            return report(name, True, [
                f"measured from {ORDER_K} to {2 * ORDER_K} hinges: p = {measured:.2f}, the k^-2 of a "
                "piecewise-linear fit.",
                "cos x is flat at -pi (its slope there, sin(pi), is 0), so the model's flat piece left of its first "
                "hinge costs nothing; sin x falls there with slope -1, which is what cost it half an order."],
                quiet=quiet)
        lines = [f"a prediction of p = {p:g} is not what the fit does."]
        if abs(p - 1.5) <= 0.25:
            tip = ("1.5 is what sin x gives. The flat piece costs an error proportional to the target's slope at "
                   "-pi: what is the slope of cos x there?")
        elif p <= 0:
            tip = "with more hinges the fit gets better, so the error falls: p is positive."
        elif p > 2.25:
            tip = ("a straight segment misses a curve by about f''·h²/8, so a piecewise-linear fit cannot do better "
                   "than h² (that is k^-2) for a curve that bends.")
        else:
            tip = "compare the two error sources of the chapter's derivation: the flat piece and all the other pieces."
        lines.append(f"hint: {tip}")
        if _missed(name) == 1:
            lines.append(_AGAIN)
        else:
            lines.append(f"the answer: p = {measured:.2f}, about 2, because cos x has slope 0 at -pi.")
        return report(name, False, lines, quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your prediction ({type(exc).__name__}: {exc})."], quiet=quiet)


# ----------------------------------------------------------------------------
# Design: the larger of two numbers from ReLU
# ----------------------------------------------------------------------------
class _CountingReLU:
    """A correct ReLU that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        return activations.relu(x)

    def __repr__(self) -> str:
        return "relu"


def _max_cases() -> list[tuple]:
    rng = np.random.default_rng(20_240_601)
    a, b = 3 * rng.standard_normal(50), 3 * rng.standard_normal(50)
    return [(np.array([2.0, -1.0, 0.5, -3.0, 4.0]), np.array([1.0, 2.0, 0.5, -4.0, -4.0]), "worked pairs"),
            (1.5, -2.0, "two single numbers"), (-7.0, -3.0, "two negative numbers"),
            (a, b, "50 random pairs"), (np.array([1e-300, -1e300]), np.array([-1e-300, 1e300]), "extreme pairs")]


def max_from_relu(larger, *, quiet: bool = False):
    """Check ``larger(a, b, relu)``, which must return ``max(a, b)`` built from the ``relu`` it is given.

    The identity is ``max(a, b) = b + relu(a - b)`` (or any equivalent form, e.g.
    ``(a + b + relu(a - b) + relu(b - a)) / 2``). Values are compared with a relative tolerance of
    1e-12, since ``b + (a - b)`` can differ from ``a`` in the last bit. The ``relu`` passed in counts
    its calls: a function that never calls it did not build the maximum from ReLU (one that calls it
    and still returns ``np.maximum(a, b)`` is not detected).

    Parameters
    ----------
    larger : callable
        The learner's ``larger(a, b, relu)``.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "max_from_relu"
    try:
        if not callable(larger):
            return report(name, False, [f"expected a function larger(a, b, relu), got {fmt(larger)}.",
                                        "hint: pass the function itself: checks.max_from_relu(larger)."], quiet=quiet)
        for a, b, what in _max_cases():
            spy = _CountingReLU()
            where = f"input: a = {fmt(a, 50)}, b = {fmt(b, 50)}  ({what})"
            try:
                with np.errstate(all="ignore"):
                    got = larger(a.copy() if isinstance(a, np.ndarray) else a,
                                 b.copy() if isinstance(b, np.ndarray) else b, spy)
            except Exception as exc:
                return report(name, False, [where, f"your function raised {type(exc).__name__}: {exc}",
                                            "hint: use only +, - and the relu you are given; they work on numbers "
                                            "and arrays alike."], quiet=quiet)
            if got is None:
                return report(name, False, ["Write the body of larger, then run the cell again (it returned None)."],
                              todo=True, quiet=quiet)
            expected = np.maximum(a, b)
            try:
                g = np.asarray(got, dtype=float).reshape(np.shape(expected))
            except (TypeError, ValueError):
                return report(name, False, [where, f"expected {fmt(expected)}, got {fmt(got)}.",
                                            "hint: return one value per pair, of the same shape as a and b."],
                              quiet=quiet)
            close = np.isclose(g, expected, rtol=1e-12, atol=0.0)
            if not close.all():
                i = tuple(int(k) for k in np.argwhere(~close)[0]) if np.ndim(expected) else ()
                ai, bi = np.asarray(a)[i], np.asarray(b)[i]
                gi = g[i]
                if np.allclose(g, np.minimum(a, b), rtol=1e-12, atol=0.0):
                    tip = "that is the smaller one: relu(a - b) is what a exceeds b by, so add it to b, not subtract."
                elif np.allclose(g, np.maximum(np.subtract(a, b), 0.0), rtol=1e-12, atol=0.0):
                    tip = "relu(a - b) alone is how much a exceeds b (0 if it does not); start from b and add it."
                elif np.allclose(g, np.abs(np.subtract(a, b)), rtol=1e-12, atol=0.0):
                    tip = "that is |a - b|, the distance; the maximum is b plus how much a exceeds b."
                else:
                    tip = ("when a <= b the answer is b, when a > b it is b plus the amount a - b: which ReLU gives "
                           "that amount?")
                return report(name, False, [where, f"at a = {float(ai):g}, b = {float(bi):g}: expected "
                                            f"{float(expected[i] if np.ndim(expected) else expected):g}, got "
                                            f"{float(gi):g}.", f"hint: {tip}"], quiet=quiet)
            if spy.calls == 0:
                return report(name, False, [where, "the values are right, but the relu you were given was never "
                                            "called.", "hint: build the maximum from relu, +, and -, without max "
                                            "or np.maximum: that is the point of the exercise."], quiet=quiet)
        return report(name, True, [
            "max(a, b) built from ReLU held on every case: single numbers, arrays, extreme values.",
            "max(a, b) = b + relu(a - b): ReLU measures how far a is above b. With b = 0 it is relu itself, and a "
            "network layer can therefore compute the larger of two of its inputs exactly."], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not check your function ({type(exc).__name__}: {exc})."], quiet=quiet)
