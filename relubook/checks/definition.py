"""Checkers for chapter 1, the definition of ReLU."""

from __future__ import annotations

import numpy as np

from .. import activations
from ..widgets.definition import NEURON_TARGET, NEURON_TOL, hinge_location, neuron_gap
from ._core import Case, check_function, fmt, report, standard_cases

__all__ = ["PREDICTION_INPUTS", "neuron_target", "relu", "relu_identity", "relu_predictions"]

#: The inputs of the "predict before you run" exercise, in order.
PREDICTION_INPUTS = (3.0, -1.0, 0.0, -0.25, 1.5, -100.0, 0.001)


def _diagnose_relu(args, expected, got) -> str | None:
    x = np.asarray(args[0], dtype=float)
    g = np.asarray(got, dtype=float)
    if g.shape != x.shape:
        return None
    if np.allclose(g, x):
        return "you returned the input unchanged: negative inputs must become 0."
    if np.allclose(g, np.abs(x)):
        return "that is |x|: negative inputs must become 0, not change sign."
    if np.allclose(g, np.minimum(0, x)):
        return "that is min(0, x): ReLU keeps the positive part, max(0, x)."
    if np.allclose(g, (x > 0).astype(float)):
        return "that is the step function (the derivative of ReLU), not ReLU itself."
    return None


def relu(fn, *, quiet: bool = False):
    """Check a learner's ``relu(x)``: ``max(0, x)`` element-wise, arrays in, arrays out.

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
    return check_function(
        "relu", fn, activations.relu, standard_cases(), diagnose=_diagnose_relu,
        hint="ReLU is max(0, x), applied to every element: try np.maximum(0, x).", quiet=quiet,
    )


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
        try:
            got = np.asarray(predictions, dtype=float)
        except (TypeError, ValueError):
            return report(name, False, [f"could not read {fmt(predictions)} as a list of numbers.",
                                        "hint: every entry must be a number such as 0 or 1.5."], quiet=quiet)
        if got.ndim != 1 or got.size != inputs.size:
            return report(name, False, [f"expected {inputs.size} predictions (one per input), got "
                                        f"{got.size if got.ndim else 'a single number'}.",
                                        f"inputs: {shown_inputs}",
                                        "hint: keep the order of the inputs, one output each."], quiet=quiet)
        ok = np.isclose(got, expected, rtol=1e-9, atol=1e-12)
        if ok.all():
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
        return report(name, False, [f"the prediction for x = {x:g} (position {i}) is wrong: "
                                    f"expected {e:g}, got {g:g}.", f"hint: {tip}"], quiet=quiet)
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
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(float(v)):
                return report(name, False, [f"{label} must be a finite number, got {fmt(v)}.",
                                            "hint: read the slider's value, e.g. w = 1.5."], quiet=quiet)
            values[label] = float(v)
        w, b = values["w"], values["b"]
        tw, tb = NEURON_TARGET
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
