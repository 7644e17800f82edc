"""Checkers for the exercises of the dying-ReLU chapter.

``dead_fraction(fn)``
    the learner's ``dead_fraction(activations)``: fraction of dead units, whose output
    (column) is the same on every sample (row).
``unit_is_dead(fn)``
    the learner's ``unit_is_dead(w, b, X, grad_out)`` returning ``(dead, grad_w, grad_b)``.
``is_born_dead(fn)``
    the learner's ``is_born_dead(weights)``: is a bias-free ReLU network with one input
    constant on the whole interval [-1, 1]?
``smallest_killing_lr(lr)``
    a learning rate read off the *kill a network* widget (snapped to the slider's grid).
``first_step_norms(fn)``
    the learner's measurement of the first step's size per seed (exercise 6, a designed test).
``dormant_mask(fn)``
    the learner's ``dormant_mask(activations, tau)``: Sokar et al.'s dormancy test per unit.
``weight_decay_more_dead(count)``
    the learner's count of seeds, among the runs at lr 2 that diverge neither with nor without weight
    decay 0.001, in which more units end dead with the decay than without (exercise 8).
``fix_dying_network(config)``
    a config dict that differs from the failing one in exactly one setting, keeps a
    ReLU-family activation, and trains: over the chapter's 20 seeds no run diverges, the
    median accuracy is at least 0.95 and the median dead fraction below 10 %.

The checkers that train use :mod:`relubook.dying` (never the widgets) and decide on statistics over
the chapter's 20 seeds. Most margins are wide, but two are thin: in ``smallest_killing_lr`` the median
dead fraction one slider step below the answer (1.778) is exactly 0.500 (16 of 32 units), refused only
because the test is a strict ``>``; in ``fix_dying_network`` the model answer (He initialisation) passes
at a median 7.8 % dead against the 10 % bar, less than one unit in the median seeds. Both statistics are
the same under every OpenBLAS kernel tested (``tests/test_checks_dying_kernels.py``), so the verdicts are too.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping

import numpy as np

from .. import dying as _dying
from ._core import CHECK_SEED, Case, fmt, report

__all__ = ["dead_fraction", "dormant_mask", "first_step_norms", "fix_dying_network", "is_born_dead",
           "smallest_killing_lr", "unit_is_dead", "weight_decay_more_dead"]

#: Median training accuracy (over the chapter's seeds) a fixed network must reach in ``fix_dying_network``.
FIX_MIN_ACCURACY = 0.95
#: Median dead fraction a fixed network must stay below in ``fix_dying_network``.
FIX_MAX_DEAD = 0.1
#: ``smallest_killing_lr`` reads an answer within this relative distance of a rate of the slider's
#: grid as that rate: the slider's readout rounds to three significant digits (at most 0.5 % off),
#: and neighbouring rates of the grid are 12 % apart, so the reading is never ambiguous.
LR_SNAP_TOLERANCE = 0.01
#: ``smallest_killing_lr`` accepts the reference rate and up to this many slider steps above it.
LR_TOLERANCE_STEPS = 1


# ---------------------------------------------------------------------------- shared runner
def _call(fn: Callable, args: tuple) -> tuple[object, Exception | None, list]:
    """Call ``fn(*copies)``; return (result, exception, runtime warnings); never raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(all="warn", under="ignore"):
                got = fn(*args)
        except Exception as exc:  # the learner's code may raise anything
            return None, exc, []
    return got, None, [w for w in caught if issubclass(w.category, RuntimeWarning)]


def _run(name: str, fn, cases: list[Case], arg_names: tuple[str, ...],
         judge: Callable[[tuple, object], str | None], hint: str, quiet: bool, summary: str):
    if not callable(fn):
        return report(name, False, [f"expected a function, got {fmt(fn)}.",
                                    f"Pass the function itself: checks.{name}({name}), without ()."],
                      quiet=quiet)
    for case in cases:
        copies = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
        where = "input: " + ", ".join(f"{n} = {fmt(a, 60)}" for n, a in zip(arg_names, case.args, strict=True))
        where += f"  ({case.description})"
        got, exc, runtime = _call(fn, copies)
        if exc is not None:
            return report(name, False, [where, f"your function raised {type(exc).__name__}: {exc}",
                                        f"hint: {case.hint or hint}"], quiet=quiet)
        if got is None:
            return report(name, False, [f"Write the body of {name}, then run the cell again "
                                        "(it returned None)."], todo=True, quiet=quiet)
        changed = [n for n, a, c in zip(arg_names, case.args, copies, strict=True)
                   if isinstance(a, np.ndarray) and not np.array_equal(a, c, equal_nan=True)]
        if changed:
            return report(name, False, [where, f"your function changed its input {changed[0]} in place.",
                                        "hint: compute a new array instead of assigning into the input."],
                          quiet=quiet)
        if runtime:
            return report(name, False, [where, f"NumPy warned: {runtime[0].message}", f"hint: {hint}"],
                          quiet=quiet)
        try:
            complaint = judge(case.args, got)
        except Exception as error:  # garbage that cannot even be compared
            complaint = f"could not read your result {fmt(got)} ({type(error).__name__}: {error})"
        if complaint:
            return report(name, False, [where, complaint, f"hint: {case.hint or hint}"], quiet=quiet)
    return report(name, True, [f"{len(cases)} cases.", summary], quiet=quiet)


def _as_number(got) -> float | None:
    """A Python/NumPy real number or a 0-d/1-element array as float, else None."""
    if isinstance(got, (bool, np.bool_)):
        return None
    try:
        if isinstance(got, numbers.Real):
            return float(got)
        if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
            return float(got.reshape(-1)[0])
    except (OverflowError, TypeError, ValueError):  # an int beyond float range, a broken __float__
        return float("inf") if isinstance(got, numbers.Integral) else None
    return None


# ---------------------------------------------------------------------------- dead_fraction
def _reference_dead_fraction(a: np.ndarray) -> float:
    a = np.asarray(a)
    return float(np.mean(np.all(a == a[:1], axis=0)))


VARIANCE_HINT = ("a constant column can have a tiny non-zero variance, because its mean is rounded "
                 "(np.var([0.1] * 3) is about 1.9e-34, not 0), so `np.var(a, axis=0) == 0` or `std == 0` misses "
                 "dead units: compare the values themselves, np.all(a == a[0], axis=0) or np.ptp(a, axis=0) == 0.")


def _dead_fraction_cases() -> list[Case]:
    rng = np.random.default_rng(CHECK_SEED)
    cases = [Case((np.array([[0.0, 1.3, 0.75, 0.0], [0.0, 0.0, 0.75, 0.0], [0.0, 0.0, 0.75, 0.7]]),),
                  "the chapter's worked example: 3 samples, 4 units, unit 0 (always 0) and unit 2 (always 0.75) dead")]
    a = np.zeros((5, 4))
    a[3, 1] = 0.7
    a[:, 2] = rng.uniform(0.1, 2.0, 5)
    cases.append(Case((a,), "unit 1 is zero on every sample but one (alive); units 0 and 3 are dead",
                      "a unit is dead only if it is zero on EVERY sample: use np.all, not np.any."))
    b = np.zeros((6, 5))
    b[:, 1] = 0.75
    b[:, 3] = rng.uniform(0.1, 2.0, 6)
    cases.append(Case((b,), "unit 1 outputs 0.75 on every sample: dead too (its output does not depend on the "
                      "input); units 0, 2 and 4 are zero everywhere",
                      "dead means the same output on every sample, not only 0: compare each column with its "
                      "first row, np.all(a == a[0], axis=0)."))
    p = rng.uniform(0.2, 1.0, (4, 3))
    p[:, 0] = 2.0
    cases.append(Case((p,), "4 samples, 3 units; unit 0 outputs 2.0 everywhere (dead), the others vary",
                      "a constant positive output is dead as well: it passes on nothing that depends on the input."))
    cases.append(Case((np.zeros((6, 3)),), "every unit dead"))
    cases.append(Case((rng.uniform(0.5, 2.0, (4, 7)),), "no unit dead"))
    z = rng.standard_normal((50, 8)) + np.array([0, -10, 0, -10, 1, -10, 0.5, 0])
    cases.append(Case((np.maximum(z, 0.0),), "ReLU outputs of 50 samples × 8 units, three units dead"))
    c = np.maximum(rng.standard_normal((30, 5)) - np.array([0, 9, 0, 0, 9]), 0.0).astype(np.float32)
    c[:, 3] = 0.0
    c[7, 3] = np.float32(1e-12)
    cases.append(Case((c,), "float32 ReLU outputs; unit 3 has one tiny positive value 1e-12 (alive)",
                      "dead means exactly the same output on every sample: compare with ==, not with a tolerance."))
    cases.append(Case((np.array([[0.0], [0.0], [0.0], [0.25]]),), "one unit, alive on the last sample only"))
    d = rng.uniform(0.2, 1.0, (7, 4))
    d[:, 1], d[:, 3] = 0.7, 0.1  # constant columns whose computed variance is not 0 (the mean is rounded)
    cases.append(Case((d,), "7 samples, 4 units; unit 1 outputs 0.7 and unit 3 outputs 0.1 everywhere (dead)",
                      "both constant units are dead: compare each column's values with its first row."))
    return cases


def _judge_dead_fraction(args, got) -> str | None:
    a = np.asarray(args[0])
    expected = _reference_dead_fraction(a)
    if isinstance(got, (list, tuple)) or (isinstance(got, np.ndarray) and got.size > 1):
        return (f"expected one number (a fraction), got {fmt(got)}. "
                "Did you return the per-unit booleans? Take their mean.")
    value = _as_number(got)
    if value is None:
        return f"expected one number (a fraction in [0, 1]), got {fmt(got)} ({type(got).__name__})."
    # a float32 mean of booleans is exact to about 1e-7 relative: accept what a correct float32 answer gives
    rtol = 1e-6 if a.dtype == np.float32 or (isinstance(got, np.generic) and got.dtype == np.float32) else 1e-9
    if np.isclose(value, expected, rtol=rtol, atol=1e-12):
        return None
    lines = f"expected: {expected:.6g}\n   got:      {value:.6g}"
    n_dead = float(np.sum(np.all(a == 0, axis=0)))
    if expected > 0 and np.isclose(value, 100 * expected, rtol=1e-6):
        return f"{lines}\n   you returned a percentage; return the fraction (between 0 and 1), without the factor 100."
    n_const = float(np.sum(np.all(a == a[:1], axis=0)))
    # name the arithmetic only when it gives this number: dead units / samples, or all-zero units / samples
    if a.shape[0] != a.shape[1] and n_const > 0 and np.isclose(value, n_const / a.shape[0], rtol=1e-6):
        return (f"{lines}\n   {value:g} is what you get if you divide the number of dead units ({n_const:g}) by the "
                f"number of samples ({a.shape[0]}); divide by the number of units ({a.shape[1]}, the columns).")
    if a.shape[0] != a.shape[1] and n_dead > 0 and np.isclose(value, n_dead / a.shape[0], rtol=1e-6):
        return (f"{lines}\n   {value:g} is what you get if you divide the number of units that are 0 on every "
                f"sample ({n_dead:g}) by the number of samples ({a.shape[0]}): divide by the number of units "
                f"({a.shape[1]}, the columns), and count a unit that outputs the same positive number on every "
                "sample as dead too.")
    with np.errstate(all="ignore"):
        by_variance = float(np.mean(np.var(a, axis=0) == 0))
        by_mean = float(np.mean(np.all(a == a.mean(axis=0), axis=0)))
    # on a constant column the two slips agree (a rounded mean is what leaves a non-zero variance): name both
    if by_variance != expected and np.isclose(value, by_variance, rtol=1e-6, atol=1e-12):
        return (f"{lines}\n   you tested the variance, or compared each column with its mean (the two give the same "
                f"number here): {VARIANCE_HINT} The mean itself is rounded too (np.mean([0.7] * 7) is not exactly "
                "0.7), so a constant column can differ from its own mean.")
    if by_mean != expected and np.isclose(value, by_mean, rtol=1e-6, atol=1e-12):
        return (f"{lines}\n   you compared each column with its mean: the mean of a constant column is rounded "
                "(np.mean([0.7] * 7) is not exactly 0.7), so a constant column can differ from its own mean; "
                "compare each column with its first row instead, np.all(a == a[0], axis=0).")
    mistakes = [
        (float(np.mean(np.all(a == 0, axis=1))), "you counted samples (rows) that are all zero; "
         "deadness belongs to a unit, a column: reduce over axis=0 (the samples)."),
        (float(np.mean(np.any(a == 0, axis=0))), "you counted units that are zero on SOME sample; "
         "a dead unit is zero on EVERY sample (np.all, not np.any)."),
        (float(np.mean(a == 0)), "you counted zero entries, not units: first ask, per column, whether "
         "all its entries are zero, then average over the columns."),
        (float(np.sum(np.all(a == 0, axis=0))), "you returned a count of dead units, not a fraction; "
         "divide by the number of units to get a fraction."),
        *([(n_const, "you returned a count of dead units, not a fraction: divide by the number of units "
                     f"({a.shape[1]}, the columns).")] if n_const != n_dead else []),
        (float(np.mean(np.all(a < 0, axis=0))), "a ReLU output is never negative, so `< 0` finds nothing: "
         "a dead unit's output is the same on every sample (compare each column with its first row)."),
    ]
    zero_only = float(np.mean(np.all(a == 0, axis=0)))
    if zero_only != expected and np.isclose(value, zero_only, rtol=1e-9, atol=1e-12):
        return (f"{lines}\n   you counted the units that are 0 on every sample; a unit that outputs the same "
                "positive number on every sample is dead too (its output carries nothing about the input).")
    matching = [text for value_wrong, text in mistakes if np.isclose(value, value_wrong, rtol=1e-9, atol=1e-12)]
    if len(matching) == 1:
        return f"{lines}\n   {matching[0]}"
    if matching:  # on this input several mistakes give the same number: name them all
        return f"{lines}\n   one of these mistakes gives this number here:\n   - " + "\n   - ".join(matching)
    return lines


def dead_fraction(fn, *, quiet: bool = False):
    """Check a learner's ``dead_fraction(activations)``.

    ``activations`` has shape ``(n_samples, n_units)``; the answer is the fraction of
    dead units: columns whose output is the same on every sample (row), the book's one
    definition (0 everywhere or a positive constant). Any way of testing "constant" is
    accepted if it is exact (``a == a[0]``, ``np.ptp(a, axis=0) == 0``, ``max == min``); counting only
    the columns that are 0 everywhere is refused on the cases with a positive constant, and a test by
    variance or standard deviation (``np.var(a, axis=0) == 0``) on a case whose constant columns have a
    rounding-size variance (0.7 and 0.1 on 7 samples).

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
    return _run("dead_fraction", fn, _dead_fraction_cases(), ("activations",), _judge_dead_fraction,
                "a unit is a column; it is dead if all its rows are equal: np.mean(np.all(a == a[0], axis=0)).",
                quiet, "Deadness is a property of a column: the same output on every row.")


# ---------------------------------------------------------------------------- unit_is_dead
def _reference_unit(w, b, X, grad_out):
    z = X @ w + b
    mask = z > 0
    gz = grad_out * mask
    a = np.maximum(0.0, z)
    return bool(np.all(a == a[0])), X.T @ gz, float(gz.sum())  # dead: the same output on every example


def _unit_cases() -> list[Case]:
    rng = np.random.default_rng(CHECK_SEED + 1)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [-1.0, 0.5], [0.5, -2.0]])
    g = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    cases = [
        Case((np.array([1.0, -1.0]), 0.5, X, g), "a unit active on some samples, inactive on others",
             "the gradient flows only through the samples where z = X @ w + b > 0."),
        Case((np.array([-1.0, -1.0]), -5.0, np.abs(X), g), "a large negative bias on positive data: dead",
             "z = X @ w + b is negative on every sample, so the unit and its gradients are all zero."),
        Case((np.array([1.0, 1.0]), -2.5, X, g), "z > 0 on one sample only (its mean z is negative)",
             "one sample with z > 0 keeps a unit alive, however negative the mean of z is."),
        Case((np.array([1.0, 1.0]), 0.0, np.array([[0.0, 0.0], [-1.0, -2.0], [-0.5, -0.1]]),
              np.array([0.7, -0.3, 0.2])), "z is exactly 0 on the first sample and negative elsewhere",
             "the unit outputs 0 everywhere, so it is dead; like the trainer, take relu'(0) = 0 (mask z > 0)."),
        Case((np.array([0.0, 0.0]), 0.5, X, g), "w = 0 and b = 0.5: the unit outputs 0.5 on every sample",
             "dead means the same output on every sample, not only 0: this unit is stuck at 0.5, so it is dead, "
             "yet z > 0 everywhere and its gradients are not zero (np.all(a == a[0]), with a = np.maximum(0, z))."),
        Case((np.array([0.0, 0.0]), 0.1, X[:3], g[:3]), "w = 0 and b = 0.1 on 3 samples: the unit outputs 0.1 "
             "on every sample (dead), though the computed variance of its output is about 1.9e-34, not 0",
             VARIANCE_HINT),
        Case((np.array([1e-9, 0.0]), 0.5, X, g), "w = [1e-9, 0] and b = 0.5: the output varies, by about 1e-9, "
             "from sample to sample (alive)",
             "dead means exactly the same output on every sample: a unit whose output varies by 1e-9 still "
             "depends on its input, so compare with == (np.all(a == a[0])), not with a tolerance such as "
             "np.allclose."),
        Case((np.array([1.0, 1.0]), 0.0, np.array([[1.0, 2.0]] * 3), np.array([0.2, -0.1, 0.4])),
             "three equal samples (as for a unit above a constant layer), w = [1, 1], b = 0: the unit outputs 3 "
             "on every sample (dead), though w is not 0 and z > 0",
             "decide from the outputs themselves, not from the weights or the sign of z: here w is not 0, yet "
             "every sample gives the same output 3, so the unit is dead (np.all(a == a[0]))."),
    ]
    Xr = rng.standard_normal((20, 3))
    cases.append(Case((rng.standard_normal(3), 0.1, Xr, rng.standard_normal(20)), "a random unit on 20 samples"))
    cases.append(Case((rng.standard_normal(3), -8.0, Xr, rng.standard_normal(20)),
                      "a random unit with bias -8 on the same samples"))
    return cases


def _judge_unit(args, got) -> str | None:
    dead_ref, gw_ref, gb_ref = _reference_unit(*args)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return f"expected a tuple (dead, grad_w, grad_b), got {fmt(got)}."
    dead, gw, gb = got
    if isinstance(dead, (bool, np.bool_)) or (isinstance(dead, numbers.Integral) and dead in (0, 1)):
        dead = bool(dead)
    else:
        return f"dead must be True or False, got {fmt(dead)} ({type(dead).__name__})."
    if dead != dead_ref:
        z = args[2] @ args[0] + args[1]
        text = f"dead: expected {dead_ref}, got {dead} (the pre-activations z are {fmt(z)})"
        a = np.maximum(0.0, z)
        with np.errstate(all="ignore"):
            by_variance = bool(np.var(a) == 0) if dead_ref else None
        if dead_ref and by_variance is False:
            return text + (". That is what a test by variance or standard deviation (np.var(a) == 0) gives: "
                           "it calls this constant unit alive")
        if dead_ref and np.all(z > 0):
            text += (". The output max(0, z) is the same positive number on every sample: by the chapter's one "
                     "definition that unit is dead, though it is not zero.")
        return text
    gw_arr = np.asarray(gw, dtype=float) if not isinstance(gw, (str, bytes)) else None
    if gw_arr is None or gw_arr.shape != gw_ref.shape:
        shape = None if gw_arr is None else gw_arr.shape
        return (f"grad_w must have the shape of w, {gw_ref.shape}; got {shape}. "
                "It is X.T @ (grad_out * mask), one entry per weight.")
    if not np.allclose(gw_arr, gw_ref, rtol=1e-7, atol=1e-10):
        text = f"grad_w: expected {fmt(gw_ref)}, got {fmt(gw_arr)}"
        n = len(args[3])
        if np.any(gw_ref != 0) and np.allclose(gw_arr, -gw_ref, rtol=1e-7, atol=1e-10):
            return text + (". Your gradient has the wrong sign: it is dL/dw = X.T @ (grad_out * mask), "
                           "not the step -lr * dL/dw.")
        unmasked = args[2].T @ args[3]
        if not np.allclose(unmasked, gw_ref) and np.allclose(gw_arr, unmasked, rtol=1e-7, atol=1e-10):
            return text + (". You passed grad_out through every sample; multiply it by the ReLU derivative, "
                           "the mask z > 0, first.")
        if np.any(gw_ref != 0) and np.allclose(gw_arr, gw_ref / n, rtol=1e-7, atol=1e-10):
            return text + (f". You took a mean over the {n} samples; the gradient of the loss is the sum "
                           "(grad_out already carries any 1/n of a mean loss).")
        return text
    gb_value = _as_number(gb)
    if gb_value is None:
        return f"grad_b must be one number (the bias is a single parameter), got {fmt(gb)}; sum over the samples."
    if not np.isclose(gb_value, gb_ref, rtol=1e-7, atol=1e-10):
        text = f"grad_b: expected {gb_ref:.6g}, got {gb_value:.6g}"
        n = len(args[3])
        if gb_ref != 0 and np.isclose(gb_value, -gb_ref, rtol=1e-7):
            return text + ". Wrong sign: grad_b is the sum of grad_out * mask, not its negative."
        if gb_ref != 0 and np.isclose(gb_value, gb_ref / n, rtol=1e-7):
            return text + f". You took a mean over the {n} samples; grad_b is the sum of grad_out * mask."
        return text
    return None


def unit_is_dead(fn, *, quiet: bool = False):
    """Check a learner's ``unit_is_dead(w, b, X, grad_out) -> (dead, grad_w, grad_b)``.

    The unit computes ``a = relu(X @ w + b)`` on the samples ``X`` (shape ``(n, d)``);
    ``grad_out`` (shape ``(n,)``) is the loss gradient with respect to ``a``. ``dead`` is
    True when ``a`` is the same on every sample (the book's one definition: 0 everywhere, or
    a positive constant, which three cases test: such a unit is dead yet still has a gradient; one of them,
    0.1 on 3 samples, has a computed variance of about 1.9e-34, so a test by variance or standard deviation
    is refused with :data:`VARIANCE_HINT`; another has w = [1, 1] on three equal samples, so a test of
    ``w == 0`` is refused; and a unit whose output varies by 1e-9 is alive, so a tolerance is refused);
    ``grad_w`` and ``grad_b`` are the loss gradients with respect to ``w`` and ``b``, with
    relu'(0) = 0 as in the trainer.
    """
    return _run("unit_is_dead", fn, _unit_cases(), ("w", "b", "X", "grad_out"), _judge_unit,
                "z = X @ w + b; mask = z > 0; a = np.maximum(0, z); dead = np.all(a == a[0]); "
                "grad_w = X.T @ (grad_out * mask); grad_b = (grad_out * mask).sum().",
                quiet, "A dead unit gets exactly zero gradient, so gradient descent cannot revive it.")


# ---------------------------------------------------------------------------- is_born_dead
def _reference_born_dead(weights) -> bool:
    h = np.array([[-1.0], [1.0]])  # no biases: positively homogeneous, so both ends decide
    for W in weights:
        h = np.maximum(0.0, h @ W)
    return bool(np.all(h == 0))


def _born_dead_cases() -> list[Case]:
    rng = np.random.default_rng(CHECK_SEED + 2)
    alive = [rng.normal(0, np.sqrt(2 / m), (m, n)) for m, n in ((1, 8), (8, 8), (8, 8))]
    while _reference_born_dead(alive):  # pragma: no cover - the seed gives a live one
        alive = [rng.normal(0, np.sqrt(2 / m), (m, n)) for m, n in ((1, 8), (8, 8), (8, 8))]
    split = [np.array([[1.0, -1.0]]), np.array([[1.0, -0.5], [-1.0, -1.0]]), np.array([[1.0, -1.0], [1.0, -1.0]])]
    return [
        Case(([np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]])],),
             "2 layers computing |x| = relu(x) + relu(-x): the same output at x = -1 and x = 1, yet not constant",
             "equal outputs at the two ends do not make a network constant (|x| is 1 at both ends and 0 at 0); "
             "without biases f(0) = 0, so constant means 0 at x = -1 and at x = 1."),
        Case(([np.array([[-1.0, -2.0]])],), "one layer of 2 units: off for x > 0, on for x < 0",
             "a network that outputs 0 at x = 1 can still vary for x < 0: check x = -1 as well."),
        Case(([np.array([[1.0, 2.0]]), np.array([[1.0], [0.5]])],), "2 layers: off for x < 0, on for x > 0",
             "a network that outputs 0 at x = -1 can still vary for x > 0: check x = 1 as well."),
        Case(([np.array([[1.0, -1.0]]), np.array([[-1.0, -2.0], [-0.5, -1.0]]), np.array([[1.0, 2.0], [3.0, 1.0]])],),
             "3 layers; the second has only negative weights, so it outputs 0 for every x",
             "one layer that outputs 0 everywhere makes every later layer 0 too: follow x through all layers."),
        Case((split,), "3 layers; unit 1 of layers 2 and 3 is dead, the network is not",
             "a dead unit is not a dead network: the whole last layer must be 0 (constant) on the interval."),
        Case((alive,), "a He-initialised 3-layer network of width 8 that is alive"),
        Case(([np.array([[2.0, 1.0]]), np.array([[-1.0], [-1.0]])],), "the last layer (1 unit) is off for every x",
             "only the last hidden layer's output reaches the output layer: is it 0 for every x in [-1, 1]?"),
        Case(([np.array([[1e-4, -1e-4]]), np.array([[1e-4], [1e-4]])],),
             "the |x| network with every weight scaled by 1e-4: its output is 1e-8 at both ends, alive",
             "a tiny output is not zero: compare with == 0 exactly (no tolerance such as np.allclose or "
             "< 1e-3); a live network with small weights gives small outputs."),
    ]


def _judge_born_dead(args, got) -> str | None:
    expected = _reference_born_dead(args[0])
    if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "biu" and got.item() in (0, 1):
        got = bool(got)
    if isinstance(got, numbers.Integral) and not isinstance(got, (bool, np.bool_)) and got in (0, 1):
        got = bool(got)  # 0/1 as unit_is_dead accepts them
    if not isinstance(got, (bool, np.bool_)):
        return f"expected True or False, got {fmt(got)} ({type(got).__name__})."
    if bool(got) != expected:
        return f"expected {expected}, got {bool(got)}."
    return None


def is_born_dead(fn, *, quiet: bool = False):
    """Check a learner's ``is_born_dead(weights) -> bool``.

    ``weights`` is a list of the hidden layers' weight matrices of a ReLU network with one
    input and zero biases (shapes ``(1, N_1)``, ``(N_1, N_2)``, ...). The network is born
    dead when its last hidden layer outputs the same (zero) vector for every ``x`` in
    ``[-1, 1]``; without biases it is positively homogeneous, so ``x = -1`` and ``x = 1``
    decide: the network is constant exactly when both ends give 0 (comparing the two ends with
    each other is not enough: the ``|x|`` network gives 1 at both). Cases: the ``|x|`` network;
    a network alive only for ``x < 0``; one alive only for ``x > 0``; a dead middle layer; one dead unit in
    a live network; a live He-initialised network; a dead last layer; the ``|x|`` network with weights
    scaled by 1e-4 (outputs 1e-8, alive: a tolerance test calls it dead).
    """
    return _run("is_born_dead", fn, _born_dead_cases(), ("weights",), _judge_born_dead,
                "h = np.array([[-1.0], [1.0]]); for W in weights: h = np.maximum(0, h @ W); "
                "dead = np.all(h == 0).",
                quiet, "Without biases, x = -1 and x = 1 decide whether the network is constant on [-1, 1].")


# ---------------------------------------------------------------------------- widget exercise
def snap_to_lr_grid(lr: float, grid=None) -> int | None:
    """Index of the slider rate that ``lr`` stands for, or None if it is no rate of the slider.

    ``lr`` stands for the rate ``grid[k]`` nearest to it (on a log scale) when it lies within
    :data:`LR_SNAP_TOLERANCE` (1 %) of it, which covers every value the slider's readout
    (three significant digits, e.g. ``2`` for ``10**0.3 = 1.995`` and ``2.24`` for
    ``10**0.35 = 2.2387``) can show.

    Parameters
    ----------
    lr : float
        A positive learning rate.
    grid : array of float, optional
        The slider's rates; default :data:`relubook.dying.LR_GRID`.

    Returns
    -------
    int or None
    """
    if grid is None:
        grid = _dying.LR_GRID
    grid = np.asarray(grid, dtype=float)
    k = int(np.argmin(np.abs(np.log(grid) - np.log(lr))))
    return k if abs(lr / grid[k] - 1.0) <= LR_SNAP_TOLERANCE else None


def _slider_rate(value: float, grid_lr: float) -> str:
    """How the checker read the learner's number: ``lr = 2, the slider's 10^0.30 = 1.995``."""
    if value == grid_lr:
        return f"lr = {value:.4g} (the slider's 10^{np.log10(grid_lr):.2f})"
    return f"lr = {value:g}, read as the slider's rate 10^{np.log10(grid_lr):.2f} = {grid_lr:.4g}"


def smallest_killing_lr(lr, *, quiet: bool = False):
    """Check the smallest learning rate at which more than half the units die (kill a network).

    The reference is the smallest rate of the slider's grid (:data:`relubook.dying.LR_GRID`,
    bias 0, ReLU) at which the median dead fraction after training over the chapter's 20
    seeds that did not diverge (:func:`relubook.dying.killed_fraction`, the number the widget's
    title shows) is above one half: :func:`relubook.dying.smallest_killing_lr`, stored as
    :data:`relubook.dying.SMALLEST_KILLING_LR` so that a check trains only the learner's
    rate (the tests verify the stored value).

    The answer is first read as a rate of the slider (:func:`snap_to_lr_grid`: within 1 %,
    so the readout's rounded ``2`` stands for ``10**0.3 = 1.995``); a number that is no rate
    of the slider is rejected. The checker trains at that slider rate, as the widget does,
    and passes the answer when the median dead fraction is above one half and the rate is
    the reference or at most :data:`LR_TOLERANCE_STEPS` (one) slider step above it.
    """
    name = "smallest_killing_lr"
    try:
        if lr is None or lr is Ellipsis:
            return report(name, False, ["Move the slider, then write the learning rate you found."],
                          todo=True, quiet=quiet)
        value = _as_number(lr)
        if value is None or not np.isfinite(value) or value <= 0:
            return report(name, False, [
                f"expected a positive learning rate (one number, such as 0.501), got {fmt(lr)}.",
                "hint: type the number the slider's readout shows, without quotes or brackets.",
            ], quiet=quiet)
        grid = np.asarray(_dying.LR_GRID, dtype=float)
        k = snap_to_lr_grid(value, grid)
        if k is None:
            if value < grid[0] or value > grid[-1]:
                where = f"the slider goes from {grid[0]:.3g} to {grid[-1]:.3g}"
            else:
                above = int(np.searchsorted(grid, value))
                where = f"the slider's rates next to it are {grid[above - 1]:.3g} and {grid[above]:.3g}"
            return report(name, False, [
                f"lr = {value:g} is not a rate of the slider: {where}.",
                "hint: type the number the slider's readout shows where you stopped it (for example 0.501).",
            ], quiet=quiet, details={"value": value})
        reference = _dying.SMALLEST_KILLING_LR
        ref_k = snap_to_lr_grid(reference, grid)
        grid_lr = float(grid[k])
        dead = _dying.killed_fraction(grid_lr)
        seeds = len(_dying.CHAPTER_SEEDS)
        read_as = _slider_rate(value, grid_lr)
        details = {"dead_fraction": dead, "slider_lr": grid_lr, "slider_index": k, "reference": reference}
        if np.isnan(dead):
            return report(name, False, [
                f"at {read_as}, every one of the {seeds} runs diverged (a run diverges when its loss stops being "
                f"finite or a weight or bias grows beyond {_dying.WEIGHT_LIMIT:g} in size), so there is no dead "
                "fraction to read there.",
                "hint: this rate is far too large; step the slider down, one notch at a time, and stop at the last "
                "rate whose title still shows more than 50 % dead.",
            ], quiet=quiet, details=details)
        if not dead > 0.5:
            return report(name, False, [
                f"at {read_as}, training kills a median {100 * dead:.1f} % of the units over the "
                f"{seeds} seeds (the runs that did not diverge), not more than half.",
                "hint: step the slider up from a small rate, one notch at a time, and stop at the first "
                "rate whose title shows more than 50 % dead.",
            ], quiet=quiet, details=details)
        if k > ref_k + LR_TOLERANCE_STEPS:
            return report(name, False, [
                f"at {read_as}, more than half die (a median {100 * dead:.1f} % over {seeds} seeds), but a "
                "smaller rate on the slider already does that.",
                "hint: step the slider down one notch at a time and stop at the last rate above 50 % dead.",
            ], quiet=quiet, details=details)
        return report(name, True, [
            f"at {read_as}, a median {100 * dead:.1f} % of the hidden units are dead after training (over "
            f"the {seeds} seeds, runs that diverged left out, as in the widget's title); the smallest such "
            f"rate on the slider is {reference:.4g} (shown as {reference:.3g}); one step above it is also accepted.",
        ], quiet=quiet, details=details)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


#: the most training steps :func:`fix_dying_network` runs (a larger ``steps`` would hang the kernel)
FIX_MAX_STEPS = 10_000


def fix_dying_network(config, *, quiet: bool = False):
    """Check a config that makes the failing network train by changing exactly one setting.

    The checker compares ``config`` with :data:`relubook.dying.FAILING_CONFIG` (a remedy
    setting of :data:`relubook.dying.REMEDY_DEFAULTS`, such as ``"optimizer"``, may be added:
    that is the one change; switching to Adam together with Adam's own learning rate,
    ``{"optimizer": "adam", "lr": 0.01}``, counts as one change, as in the chapter's table), trains
    the chapter's network for its 20 seeds
    (:func:`relubook.dying.train_seeds`) and requires: exactly one setting changed; a
    ReLU-family activation (:data:`relubook.dying.RELU_FAMILY`: a smooth activation such as
    tanh has no exact zeros, so a dead fraction of 0 would say nothing); no run diverged;
    median training accuracy at least 0.95; median dead fraction below 10 % (dead: the same output on
    every training example, the trainer's test and the chapter's one definition). The failing config itself, unchanged,
    counts as not yet attempted ("not implemented yet"). A ``steps`` above :data:`FIX_MAX_STEPS`
    is refused without training.
    """
    name = "fix_dying_network"
    try:
        failing = _dying.FAILING_CONFIG
        if config is None or config is Ellipsis:
            return report(name, False, ["Copy FAILING_CONFIG, change one setting, and pass the new dict."],
                          todo=True, quiet=quiet)
        if not isinstance(config, Mapping):
            return report(name, False, [f"expected a dict like FAILING_CONFIG, got {fmt(config)}.",
                                        "hint: start from config = dict(dying.FAILING_CONFIG) and change one "
                                        "value, e.g. config['lr'] = ..."], quiet=quiet)
        allowed = set(_dying.CONFIG_KEYS)
        unknown = sorted(set(config) - allowed, key=str)
        if unknown:
            return report(name, False, [f"config has settings the trainer does not know: {unknown}.",
                                        f"hint: use the keys {list(failing)} (or add one of "
                                        f"{list(_dying.REMEDY_DEFAULTS)})."], quiet=quiet)
        missing = sorted(set(failing) - set(config))
        if missing:
            return report(name, False, [f"config lacks {missing}.",
                                        "hint: start from dict(FAILING_CONFIG) and change one value."], quiet=quiet)
        full = {**_dying.REMEDY_DEFAULTS, **failing}
        changed = [k for k in _dying.CONFIG_KEYS if k in config and not _same_setting(config[k], full[k])]
        if not changed:
            return report(name, False, ["config is still FAILING_CONFIG: change one of its settings, "
                                        "then run the cell again."], todo=True, quiet=quiet)
        # Switching the optimiser with the rate it is used at is one change, as in the chapter's table
        # (Adam at its usual scale of rates, e.g. {"optimizer": "adam", "lr": 0.01}).
        if set(changed) == {"optimizer", "lr"} and config.get("optimizer") == "adam":
            changed = ["optimizer"]
        if len(changed) > 1:
            return report(name, False, [f"you changed {len(changed)} settings ({', '.join(changed)}).",
                                        "hint: change exactly one, so you learn which one matters."], quiet=quiet)
        key = changed[0]
        value = config[key]
        number = _as_number(value) if isinstance(value, numbers.Real) else None
        shown_value = f"{number:.6g}" if number is not None else fmt(value)
        if number is not None and not np.isfinite(number):
            return report(name, False, [f"{key} = {fmt(value, 40)} is not a finite number the trainer can use.",
                                        f"hint: give {key} an ordinary number, of the size of FAILING_CONFIG's "
                                        f"({fmt(full[key])})."], quiet=quiet)
        what = f"with {key} = {shown_value}"
        if key == "steps" and number is not None and number > FIX_MAX_STEPS:
            return report(name, False, [
                f"{what}: the checker trains at most {FIX_MAX_STEPS} steps (20 seeds each), so it does not run "
                "this one.",
                f"hint: use steps = {FIX_MAX_STEPS} or fewer; if the units die early, training longer does not "
                "bring them back (a dead unit gets no gradient), so look for the setting that kills them.",
            ], quiet=quiet)
        if key == "activation" and config[key] not in _dying.RELU_FAMILY:
            return report(name, False, [
                f"{what}: the task keeps a ReLU-family activation ({', '.join(_dying.RELU_FAMILY)}).",
                "hint: a smooth activation has no exact zeros, so its dead fraction is 0 whatever happens; "
                "fix the cause instead (which setting made the units die in the chapter?).",
            ], quiet=quiet)
        if key == "init" and isinstance(config[key], numbers.Real) and not isinstance(config[key], bool) \
                and float(config[key]) == 0.0:
            return report(name, False, [
                f"{what}, every weight starts at 0: all units of a layer compute the same thing and get the "
                "same gradient, so they stay identical (a symmetry problem, not dying).",
                "hint: keep random weights, but scale them to the layer (He initialisation) or take smaller steps.",
            ], quiet=quiet)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runs = _dying.train_seeds(dict(config))
        except Exception as exc:
            return report(name, False, [f"training {what} failed: {type(exc).__name__}: {exc}",
                                        f"hint: give {key} a value of the same kind as in FAILING_CONFIG "
                                        f"({fmt(full[key])}); the error above names what the trainer accepts."],
                          quiet=quiet)
        n = runs.n_seeds
        ok = ~runs.diverged
        n_div = int(runs.diverged.sum())
        dead = float(np.median(runs.dead_fraction[ok])) if ok.any() else float("nan")
        acc = float(np.median(runs.accuracy[ok])) if ok.any() else float("nan")
        details = {"changed": key, "diverged": n_div, "dead_fraction": dead, "accuracy": acc}
        if n_div:
            hint = "hint: this change does not remove the real problem, a step too large."
            if key == "activation" and config[key] == "prelu":
                hint = ("hint: PReLU learns its slopes with the same too-large step, so the slopes blow up too; "
                        "fix the step size instead.")
            return report(name, False, [f"{what}, training diverged in {n_div} of {n} seeds (a run diverges "
                                        "when its loss stops being finite or a weight or bias grows beyond "
                                        f"{_dying.WEIGHT_LIMIT:g} in size); the goal is none.", hint],
                          quiet=quiet, details=details)
        if not dead < FIX_MAX_DEAD:
            hint = "hint: which setting made the units die in the chapter?"
            if key == "lr" and isinstance(config[key], numbers.Real) and float(config[key]) < failing["lr"]:
                hint = (f"hint: lr = {float(config[key]):g} is the right setting to change, but still too large: "
                        "lower it further.")
            if key == "optimizer" and config[key] == "adam":
                rate = config.get("lr", failing["lr"])
                if _same_setting(rate, failing["lr"]):
                    hint = ("hint: Adam moves every weight by about lr per step whatever the gradient, so at "
                            f"lr = {float(rate):g} its steps are huge; give Adam its own, much smaller rate in the "
                            "same change (the optimiser with its rate counts as one change).")
                else:
                    hint = ("hint: Adam moves every weight by about lr per step whatever the gradient, so "
                            f"lr = {float(rate):g} is still far above Adam's usual rates (around 0.001 to 0.01); "
                            "lower it further in the same change.")
            return report(name, False, [f"{what}, a median {100 * dead:.1f} % of the hidden units are dead after "
                                        f"training (over {n} seeds); the goal is below 10 %.", hint],
                          quiet=quiet, details=details)
        if not acc >= FIX_MIN_ACCURACY:
            return report(name, False, [f"{what}, only {100 * dead:.1f} % of the units are dead (median), but the "
                                        f"median training accuracy over {n} seeds is {acc:.3f} (< 0.95).",
                                        "hint: a network that does not learn is not fixed."],
                          quiet=quiet, details=details)
        return report(name, True, [f"{what}: over {n} seeds none diverged, median {100 * dead:.1f} % dead, "
                                   f"median training accuracy {acc:.3f}."], quiet=quiet, details=details)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


def _same_setting(a, b) -> bool:
    try:
        if isinstance(a, str) or isinstance(b, str):
            return a == b
        return bool(a == b)
    except Exception:
        return False


# ---------------------------------------------------------------------------- exercise 6: a designed test
def _reference_first_step_norms(bias: float) -> np.ndarray:
    start = _dying.train_seeds({**_dying.FAILING_CONFIG, "bias_init": float(bias), "steps": 0})
    one = _dying.train_seeds({**_dying.FAILING_CONFIG, "bias_init": float(bias), "steps": 1})
    return np.sqrt(sum(np.sum((w1 - w0) ** 2, axis=(1, 2)) for w0, w1 in zip(start.weights, one.weights,
                                                                                strict=True)))


def first_step_norms(fn, *, quiet: bool = False):
    """Check a learner's ``first_step_norms(bias)``: per seed of the chapter, the size of the first step.

    The measurement the exercise designs: train the failing network (lr 2) with every bias starting at
    ``bias`` for 0 and for 1 step (:func:`relubook.dying.train_seeds`), and return, for each of the 20
    seeds, the Euclidean norm of the change of all weight matrices (the biases left out), an array of
    shape ``(20,)``. Checked at ``bias = 0`` and ``bias = -1``; the report then says in how many seeds the
    first step is smaller with bias -1, the prediction of the reading under test.
    """
    name = "first_step_norms"
    try:
        if not callable(fn):
            return report(name, False, [f"expected a function, got {fmt(fn)}.",
                                        "Pass the function itself: checks.first_step_norms(first_step_norms)."],
                          quiet=quiet)
        got = {}
        for bias in (0.0, -1.0):
            value, exc, _ = _call(fn, (bias,))
            if exc is not None:
                return report(name, False, [f"input: bias = {bias:g}", f"your function raised {type(exc).__name__}: "
                                            f"{exc}", "hint: train with dying.train_seeds({**dying.FAILING_CONFIG, "
                                            "'bias_init': bias, 'steps': 0}) and with 'steps': 1."], quiet=quiet)
            if value is None:
                return report(name, False, ["Write the body of first_step_norms, then run the cell again "
                                            "(it returned None)."], todo=True, quiet=quiet)
            expected = _reference_first_step_norms(bias)
            try:
                if isinstance(value, (str, bytes, Mapping)):
                    raise TypeError
                arr = np.asarray(value, dtype=float)
            except Exception:  # noqa: BLE001 - not numbers
                return report(name, False, [f"input: bias = {bias:g}", f"expected an array of {expected.size} numbers "
                                            f"(one norm per seed), got {fmt(value)} ({type(value).__name__}).",
                                            "hint: return the norms as a NumPy array, shape (20,)."], quiet=quiet)
            if arr.shape != expected.shape:
                return report(name, False, [f"input: bias = {bias:g}", f"expected one norm per seed, shape "
                                            f"{expected.shape}; got shape {arr.shape}.",
                                            "hint: sum the squared changes of each seed over its weight matrices "
                                            "(axis=(1, 2)), add the layers, then take the square root."], quiet=quiet)
            if not np.allclose(arr, expected, rtol=1e-6, atol=1e-9):
                lines = [f"input: bias = {bias:g}", f"expected: {fmt(expected)}", f"   got:      {fmt(arr)}"]
                with_bias = np.sqrt(expected ** 2 + sum(
                    np.sum((b1 - b0) ** 2, axis=(1, 2)) for b0, b1 in zip(
                        _dying.train_seeds({**_dying.FAILING_CONFIG, "bias_init": bias, "steps": 0}).biases,
                        _dying.train_seeds({**_dying.FAILING_CONFIG, "bias_init": bias, "steps": 1}).biases,
                        strict=True)))
                if 0.0 in got and np.allclose(arr, got[0.0], rtol=1e-9, atol=0):
                    lines.append(f"   your norms at bias {bias:g} equal those at bias 0: the function ignores its "
                                 "argument; pass \"bias_init\": bias in the config of both runs.")
                elif np.allclose(arr, with_bias, rtol=1e-6):
                    lines.append("   you included the biases; the measurement is the weight matrices only.")
                elif np.allclose(arr, expected ** 2, rtol=1e-6):
                    lines.append("   you returned the squared norm; take the square root.")
                lines.append("hint: the change of weights[i] is one.weights[i] - start.weights[i], shape "
                             "(20, fan_in, fan_out).")
                return report(name, False, lines, quiet=quiet)
            got[bias] = arr
        smaller = int(np.sum(got[-1.0] < got[0.0]))
        return report(name, True, [
            f"the first step is smaller with bias -1 than with bias 0 in {smaller} of {got[0.0].size} seeds "
            f"(median norm {np.median(got[-1.0]):.1f} against {np.median(got[0.0]):.1f}).",
        ], quiet=quiet, details={"smaller": smaller, "median_0": float(np.median(got[0.0])),
                                 "median_m1": float(np.median(got[-1.0]))})
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


# ---------------------------------------------------------------------------- exercise 7: dormant units
def _reference_dormant(a: np.ndarray, tau: float) -> np.ndarray:
    unit = np.mean(np.abs(np.asarray(a, dtype=float)), axis=0)
    layer = unit.mean()
    return (unit / layer if layer > 0 else np.zeros_like(unit)) <= tau


def _dormant_cases() -> list[Case]:
    rng = np.random.default_rng(CHECK_SEED + 7)
    a = np.abs(rng.standard_normal((40, 6)))
    a[:, 1] = 0.0
    a[:, 4] *= 0.01
    b = np.abs(rng.standard_normal((30, 5)))
    b[:, 0] *= 1000.0                     # one huge unit makes every other unit look dormant
    c = np.array([[1.0, 0.1, 0.0], [1.0, 0.1, 0.0]])  # scores 2.727..., 0.2727..., 0
    d = np.array([[2.0, 1.0, 0.1, 0.9], [2.0, 1.0, 0.1, 0.9]])  # unit 2 scores exactly 0.1: dormant (<=)
    e = np.array([[-1.0, 0.5], [-1.0, 1.5]])  # negative outputs count by their size
    return [
        Case((a, 0.1), "40 samples, 6 units; unit 1 is zero everywhere, unit 4 is very quiet"),
        Case((b, 0.1), "one unit a thousand times larger than the others: Sokar et al.'s score divides by the "
                       "layer's mean, so the others are dormant", "divide by the mean over the layer's units, "
                       "as Sokar et al. do (not by the median or the largest)."),
        Case((c, 0.3), "3 units, tau = 0.3"),
        Case((d, 0.1), "unit 2's score is exactly tau = 0.1: dormant", "dormant means score <= tau, not < tau."),
        Case((e, 0.1), "an ELU-like unit at -1: its mean absolute output is 1", "take the absolute value first."),
        Case((np.array([[1.0, 0.5, 0.4], [-1.0, 0.5, 0.6], [1.0, 0.5, 0.4], [-1.0, 0.5, 0.6]]), 0.1),
             "unit 0 changes sign (1, -1, 1, -1): its mean output is 0, but its mean absolute output is 1",
             "take the absolute value of each output first, then the mean: np.abs(a).mean(axis=0), not "
             "np.abs(a.mean(axis=0))."),
        Case((np.array([[2.0, 2.0, 2.0, 2.0, 0.4]] * 2), 0.1),
             "means 2, 2, 2, 2, 0.4: the layer's mean is 1.68, so the small unit scores 0.24 (not dormant)",
             "divide by the layer's mean, score.mean(), not by its sum: the sum is the mean times the number "
             "of units."),
        Case((np.array([[10.0, 1.0, 1.0, 1.0]] * 3), 0.1), "means 10, 1, 1, 1: the layer's mean is 3.25, so the "
             "small units score 0.31 (not dormant)", "divide by the layer's mean, not by its largest unit."),
        Case((np.array([[4.0, 1.0, 0.12], [0.0, 1.0, 0.12], [0.0, 1.0, 0.12], [0.0, 1.0, 0.12]]), 0.15),
             "a spiky unit (4 on one sample) and a steady one with the same mean |output|, 1: unit 2 scores "
             "0.12 / 0.7067 = 0.17, not dormant at tau = 0.15",
             "the score is the mean ABSOLUTE output, np.abs(a).mean(axis=0), not its root mean square or its "
             "spread: a spike counts by its size once, not squared."),
        Case((np.zeros((5, 4)), 0.1), "every unit zero: the scores are all 0, every unit is dormant",
             "when the layer's mean is 0, every score is 0 (and 0 <= tau)."),
    ]


def _judge_dormant(args, got) -> str | None:
    expected = _reference_dormant(*args)
    arr = np.asarray(got)
    if arr.shape != expected.shape:
        return f"expected one True/False per unit, shape {expected.shape}; got shape {arr.shape}."
    if arr.dtype != bool and not (arr.dtype.kind in "iu" and set(np.unique(arr)) <= {0, 1}):
        return f"expected booleans (dormant or not), got {fmt(arr)} of dtype {arr.dtype}."
    if np.array_equal(arr.astype(bool), expected):
        return None
    return f"expected: {fmt(expected)}\n   got:      {fmt(arr.astype(bool))}"


def dormant_mask(fn, *, quiet: bool = False):
    """Check a learner's ``dormant_mask(activations, tau)``: which units are tau-dormant (Sokar et al.).

    A unit's score is its mean absolute output over the samples divided by the mean of that quantity over
    the layer's units (all scores 0 when the layer is all zero); it is dormant when its score is ``<= tau``.
    Returns a boolean array with one entry per unit (column).
    """
    return _run("dormant_mask", fn, _dormant_cases(), ("activations", "tau"), _judge_dormant,
                "score = np.abs(a).mean(axis=0); divide by score.mean() (when it is not 0); "
                "return score <= tau.",
                quiet, "Dormant is Sokar et al.'s score at most tau, the one meaning the chapter uses.")


# ---------------------------------------------------------------------------- exercise 8: weight decay
#: The decay of exercise 8: a tenth of the chapter's.
EXERCISE_DECAY = 0.001


def _decay_counts(decay: float) -> dict[str, int]:
    """Per-seed comparison of the failing network trained with and without ``decay`` (chapter's 20 seeds)."""
    plain = _dying.train_seeds(_dying.FAILING_CONFIG)
    decayed = _dying.train_seeds({**_dying.FAILING_CONFIG, "weight_decay": float(decay)})
    ok = ~plain.diverged & ~decayed.diverged
    a, b = plain.dead_fraction[ok], decayed.dead_fraction[ok]
    first_a, first_b = plain.dead_per_layer[ok, 0], decayed.dead_per_layer[ok, 0]
    return {"more": int(np.sum(b > a)), "at_least": int(np.sum(b >= a)), "fewer": int(np.sum(b < a)),
            "equal": int(np.sum(b == a)), "ok": int(ok.sum()), "first_layer_more": int(np.sum(first_b > first_a)),
            "n": len(plain.seeds)}


def weight_decay_more_dead(count, *, quiet: bool = False):
    """Check exercise 8: in how many seeds does weight decay 0.001 leave more units dead at lr 2?

    The reference trains :data:`relubook.dying.FAILING_CONFIG` with and without
    ``weight_decay = EXERCISE_DECAY`` over the chapter's 20 seeds, keeps the seeds whose runs diverge in
    neither, and counts those whose dead fraction (all hidden units) is strictly higher with the decay.
    Near misses with their own hint: counting ties too (``>=``), giving the number of runs compared,
    counting the seeds with fewer dead units or with as many, counting the first layer only, and the count
    at the chapter's decay 0.01.
    """
    name = "weight_decay_more_dead"
    try:
        if count is None or count is Ellipsis:
            return report(name, False, ["Train the two configs, count the seeds, and pass the count."],
                          todo=True, quiet=quiet)
        value = _as_number(count)
        if value is None or not np.isfinite(value) or value != round(value) or value < 0:
            return report(name, False, [
                f"expected a count of seeds (a whole number such as 12), got {fmt(count)}.",
                "hint: count with int(np.sum(...)) over a boolean array with one entry per seed.",
            ], quiet=quiet)
        value = int(round(value))
        ref = _decay_counts(EXERCISE_DECAY)
        details = {"value": value, **ref}
        compared = f"{ref['ok']} seeds whose runs diverge in neither"
        if value == ref["more"]:
            return report(name, True, [
                f"with weight decay {EXERCISE_DECAY:g} at lr 2, more units end dead than without in {ref['more']} of "
                f"the {compared}, fewer in {ref['fewer']} and as many in {ref['equal']}."],
                quiet=quiet, details=details)
        misses = [
            (ref["at_least"], "this is the count with at least as many dead units (>=): count only the seeds with "
                              "strictly more (>)."),
            (ref["ok"], f"this is the number of seeds compared ({compared}), not the seeds with more dead units."),
            (ref["fewer"], "this is the count of seeds with fewer dead units with the decay: compare decay > none."),
            (ref["equal"], "this is the count of seeds with as many dead units: compare decay > none."),
            (ref["first_layer_more"], "this counts the first layer only: use the dead fraction of all hidden units "
                                      "(runs.dead_fraction)."),
            (_decay_counts(_dying.DECAY)["more"], f"this is the count at the chapter's decay {_dying.DECAY:g}: train "
                                                   f"with weight_decay={EXERCISE_DECAY:g}."),
        ]
        matched = [h for v, h in misses if v == value]
        hint = ("hint: " + (" Or: ".join(matched) if matched else "compare runs.dead_fraction seed by seed, after "
                "leaving out every seed whose run diverged with or without the decay (runs.diverged)."))
        direction = "too high" if value > ref["more"] else "too low"
        return report(name, False, [
            f"you counted {value}; over the {compared}, that is {direction} for the count of seeds with more "
            f"dead units with weight decay {EXERCISE_DECAY:g}.", hint], quiet=quiet, details=details)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)
