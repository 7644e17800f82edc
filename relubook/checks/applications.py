"""Checkers for the exercises of the applications chapter.

``xor_weights(W1, b1, w2, b2)``
    a two-unit ReLU network ``np.maximum(0, x @ W1 + b1) @ w2 + b2`` that computes XOR
    on the four corners of the unit square.
``count_regions(n)``
    the number of activation regions (distinct on/off patterns of the five hidden units) of
    :data:`TINY_NETWORK` met on the grid ``np.linspace(-2, 2, 201)`` squared; the number of distinct
    affine maps, which is smaller, is refused with an explanation.
``cnn_activation_swap(name, accuracy, change)``
    the held-out accuracy of the chapter's CNN trained with another activation; the
    checker trains the same model again (seeded, about a second) and compares.
``skip_zero_rows(fn)``
    a function ``fn(h, W2)`` that computes ``h @ W2`` for one token while reading only the rows of
    ``W2`` whose unit is non-zero; whole-matrix operations and copies of ``W2`` are refused.
``playground_spiral(config)``
    a playground configuration of ReLU (or leaky ReLU) units reaching 95 % accuracy on the
    spiral with at most 32 hidden units; the checker trains it (deterministic, full-batch),
    then again with a rounding-sized nudge and on two fresh spirals, so that luck does not pass.
"""

from __future__ import annotations

import functools
import linecache
import numbers
import re
import sys
from collections.abc import Mapping

import numpy as np

from .. import activations, regions
from ._core import fmt, report

__all__ = ["cnn_activation_swap", "count_regions", "playground_spiral", "skip_zero_rows", "xor_weights"]

#: The four XOR inputs and their targets.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])
#: How far a corner's output may be from its XOR value: hand-chosen weights hit 0 and 1 exactly, so only
#: rounding is forgiven (an output of 0.05 where XOR is 0 is a near miss, not XOR).
XOR_TOL = 1e-6

#: The network of the region-counting exercise: two hidden ReLU layers (3 then 2 units).
TINY_NETWORK: dict[str, np.ndarray] = {
    "W1": np.array([[1.0, -1.0, 0.5], [1.0, 1.0, -1.0]]),
    "b1": np.array([0.0, 0.5, -0.5]),
    "W2": np.array([[1.0, -1.0], [-1.0, 0.5], [1.0, 1.0]]),
    "b2": np.array([-1.0, -0.5]),
}
for _array in TINY_NETWORK.values():
    _array.flags.writeable = False
#: The grid of the exercise: ``np.linspace(*GRID_LIMITS, GRID_POINTS)`` along each axis.
GRID_LIMITS = (-2.0, 2.0)
GRID_POINTS = 201

#: Limits of the spiral exercise.
SPIRAL_MIN_ACCURACY = 0.95
SPIRAL_MAX_UNITS = 32
SPIRAL_KEYS = ("activation", "width", "depth", "lr", "steps")
#: Seeds of the fresh spirals (data and weights) a passing setting must also fit: a setting that passes
#: the playground's spiral only by luck is chaotic, and its verdict would depend on the CPU.
SPIRAL_FRESH_SEEDS = (1, 2)
#: Relative nudge of the learning rate with which each passing run is repeated: it changes every step by
#: about a rounding error, so a chaotic setting shows itself on every CPU, not only on some.
SPIRAL_NUDGE = 1e-9
#: The activations the spiral exercise asks for: ReLU and its piecewise-linear leaky variant.
SPIRAL_ACTIVATIONS = ("relu", "leaky_relu")


def _as_number(value) -> float | None:
    """A real number from an int/float/NumPy scalar or 0-d array, else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, np.ndarray) and value.shape in ((), (1,)) and value.dtype.kind in "iuf":
            return float(value.reshape(-1)[0])
    except (OverflowError, TypeError, ValueError):  # an int beyond float range, a broken __float__
        return float("inf") if isinstance(value, numbers.Integral) else None
    return None


# ---------------------------------------------------------------------------- XOR by hand
def _xor_outputs(W1, b1, w2, b2) -> np.ndarray:
    hidden = np.maximum(0.0, XOR_INPUTS @ W1 + b1)
    return hidden @ w2 + b2


def xor_weights(W1, b1, w2, b2, *, quiet: bool = False):
    """Check hand-chosen weights of ``np.maximum(0, x @ W1 + b1) @ w2 + b2`` on XOR.

    Parameters
    ----------
    W1 : array_like, shape (2, 2)
        Input-to-hidden weights: column ``j`` feeds hidden unit ``j``.
    b1 : array_like, shape (2,)
        Hidden biases.
    w2 : array_like, shape (2,)
        Hidden-to-output weights.
    b2 : float
        Output bias.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
        Passes when every corner's output is its XOR value (0 or 1), up to rounding
        (:data:`XOR_TOL`); an output off by a little more is refused as a near miss. The report
        lists the four outputs.
    """
    name = "xor_weights"
    try:
        given = {"W1": W1, "b1": b1, "w2": w2, "b2": b2}
        if any(v is None or v is Ellipsis for v in given.values()):
            return report(name, False, ["Fill in W1, b1, w2 and b2, then run the cell again."], todo=True,
                          quiet=quiet)
        shapes = {"W1": (2, 2), "b1": (2,), "w2": (2,), "b2": ()}
        arrays = {}
        for key, value in given.items():
            try:
                if np.iscomplexobj(value):
                    return report(name, False, [f"{key} holds complex numbers: {fmt(value)}.",
                                                "hint: weights of a real network are real; drop the imaginary "
                                                "part (for example 1.0, not 1+0j)."], quiet=quiet)
                arr = np.asarray(value, dtype=np.float64)
            except Exception:  # noqa: BLE001 - any failure to convert is the learner's input, not ours
                return report(name, False, [f"{key} must hold numbers, got {fmt(value)}.",
                                            "hint: use a NumPy array or nested lists of floats, e.g. "
                                            "np.array([[1.0, 1.0], [1.0, 1.0]])."], quiet=quiet)
            if key == "b2" and arr.size == 1:
                arr = arr.reshape(())
            if key in ("b1", "w2") and arr.size == 2:  # a column (2, 1) or row (1, 2) vector is the same answer
                arr = arr.ravel()
            if arr.shape != shapes[key]:
                return report(name, False, [
                    f"{key} has shape {arr.shape}, expected {shapes[key]}.",
                    "hint: two inputs, two hidden units, one output: W1 is 2 x 2 (input x hidden), "
                    "b1 and w2 have two entries, b2 is one number."], quiet=quiet)
            if not np.all(np.isfinite(arr)):
                return report(name, False, [f"{key} holds a non-finite value: {fmt(value)}; expected finite "
                                            "numbers.", "hint: hand-chosen weights are small numbers such as "
                                            "1, 0 or -1; NaN or inf usually comes from a division."],
                              quiet=quiet)
            arrays[key] = arr
        out = _xor_outputs(arrays["W1"], arrays["b1"], arrays["w2"], arrays["b2"])
        hidden = np.maximum(0.0, XOR_INPUTS @ arrays["W1"] + arrays["b1"])
        lines, wrong = [], []
        for x, h, o, t in zip(XOR_INPUTS, hidden, out, XOR_TARGETS, strict=True):
            ok = abs(o - t) <= XOR_TOL
            mark = "ok " if ok else "off"
            lines.append(f"{mark} x = ({x[0]:g}, {x[1]:g}): hidden = ({h[0]:.3g}, {h[1]:.3g}), "
                         f"output {o:.3g}, XOR = {t:g}")
            if not ok:
                wrong.append(tuple(x))
        if not wrong:
            return report(name, True, [*lines, "Two ReLU units bend one line into the XOR pattern, which no "
                                       "single line can separate."], quiet=quiet,
                          details={"outputs": out})
        if np.max(np.abs(out - XOR_TARGETS)) <= 0.2:
            tip = ("close: every corner is near its XOR value, but not on it. Hand-chosen weights can give "
                   "exactly 0 and 1; adjust b2 or w2 so that the corners marked 'off' land on their values.")
        elif np.ptp(out) < 1e-12:
            tip = ("all four outputs are equal: the hidden units are probably off (zero) everywhere or "
                   "identical. Give them different biases, e.g. 0 and -1.")
        elif np.allclose(hidden[:, 0], hidden[:, 1]):
            tip = ("both hidden units compute the same thing, so the network is one bent line. Keep the "
                   "same input weights but give the units different biases.")
        elif np.allclose(out, 1 - XOR_TARGETS, atol=0.1):
            tip = "you computed NOT XOR: flip the signs of w2 and change b2 to 1 - b2."
        elif np.all(hidden > 0):
            tip = ("both hidden units are on at every corner, so the network is linear there and cannot "
                   "fit XOR. Use a bias so that a unit switches on only at (1, 1).")
        else:
            tip = ("write down the two hidden values at each corner: the output is w2 times them plus b2, so "
                   "the corners (0, 1) and (1, 0) need hidden values that w2 can send to 1 while (0, 0) and "
                   "(1, 1) go to 0. A unit that switches on only at (1, 1) can cancel the rise there.")
        return report(name, False, [*lines, f"{len(wrong)} corner(s) not on their XOR value.", f"hint: {tip}"],
                      quiet=quiet, details={"outputs": out})
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


# ---------------------------------------------------------------------------- counting regions
def _tiny(layers: int = 2) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights = [TINY_NETWORK["W1"], TINY_NETWORK["W2"]][:layers]
    biases = [TINY_NETWORK["b1"], TINY_NETWORK["b2"]][:layers]
    return weights, biases


@functools.lru_cache(maxsize=1)
def _region_facts() -> dict[str, int]:
    kw = {"xlim": GRID_LIMITS, "resolution": GRID_POINTS}
    _, _, points = regions.grid_points(GRID_LIMITS, None, GRID_POINTS)
    patterns = regions.activation_patterns(_tiny(2), points)
    second = patterns[:, 3:]
    return {
        "both": regions.count_regions(_tiny(2), **kw),
        "pieces": regions.count_linear_pieces(_tiny(2), points),
        "first": regions.count_regions(_tiny(1), **kw),
        "second": regions.pattern_ids(second)[1],
        "units": 5,
        "all patterns": 2 ** 5,
        "line bound": regions.one_layer_bound(5),
        # the learner's slips: no ReLU between the layers, the two layers' counts added or multiplied
        "no relu": regions.pattern_ids(np.hstack([patterns[:, :3], _no_relu_second(points)]))[1],
        "sum": regions.pattern_ids(patterns[:, :3])[1] + regions.pattern_ids(second)[1],
        "product": regions.pattern_ids(patterns[:, :3])[1] * regions.pattern_ids(second)[1],
    }


def _no_relu_second(points: np.ndarray) -> np.ndarray:
    """The second layer's on/off pattern computed from z1 instead of np.maximum(0, z1) (a slip)."""
    z1 = points @ TINY_NETWORK["W1"] + TINY_NETWORK["b1"]
    return (z1 @ TINY_NETWORK["W2"] + TINY_NETWORK["b2"]) > 0


def count_regions(n, *, quiet: bool = False):
    """Check the number of activation regions of :data:`TINY_NETWORK` on the exercise's grid.

    An activation region is the set of inputs that share one on/off pattern of all hidden units
    (Hanin & Rolnick's term). The reference is :func:`relubook.regions.count_regions` on the grid
    ``np.linspace(-2, 2, 201)`` in each direction, with a unit "on" when ``z > 0``. The number of
    distinct affine maps (:func:`relubook.regions.count_linear_pieces`) is smaller, because patterns
    that switch off the whole second layer share one map; it is refused with that explanation. (Pieces, connected
    regions on which the output is one affine map, can outnumber the distinct maps: two separate pieces may
    carry the same map.)

    Parameters
    ----------
    n : int
        The learner's count.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "count_regions"
    try:
        if n is None or n is Ellipsis:
            return report(name, False, ["Count the distinct activation patterns, then run the cell again."],
                          todo=True, quiet=quiet)
        value = _as_number(n)
        if value is None:
            return report(name, False, [f"expected a whole number, got {fmt(n)} ({type(n).__name__}).",
                                        "hint: len(np.unique(patterns, axis=0)) gives an int."], quiet=quiet)
        if not np.isfinite(value):
            return report(name, False, [f"expected a whole number of regions, got {value:g}.",
                                        "hint: a count of distinct patterns is never NaN or infinite; "
                                        "len(np.unique(patterns, axis=0)) counts them (NaN usually comes "
                                        "from dividing by zero or averaging an empty array)."], quiet=quiet)
        if value != round(value):
            return report(name, False, [f"a count is a whole number, got {value:g}.",
                                        "hint: count distinct patterns; do not average anything."], quiet=quiet)
        facts = _region_facts()
        got, expected = int(round(value)), facts["both"]
        if got == expected:
            return report(name, True, [f"{got} activation regions: the {facts['units']} units could in principle "
                                       f"make {facts['all patterns']} patterns, but only {got} occur on the grid. "
                                       f"They carry {facts['pieces']} distinct affine maps: where both units of "
                                       "the second layer are off, the output is 0 whatever the first layer does."],
                          quiet=quiet)
        diagnoses = [
            (facts["pieces"], "that is the number of distinct affine maps of the output (not of pieces: two "
                              "separate pieces can carry the same map): several patterns share one map, e.g. "
                              "every pattern with both second-layer units off gives the output 0. The exercise "
                              "asks for activation regions: count the distinct on/off patterns of all five units."),
            (facts["first"], "that is the number of patterns of the first layer alone: include the two units "
                             "of the second layer (concatenate both layers' on/off patterns)."),
            (facts["second"], "that counts the second layer's patterns only: a region is fixed by the on/off "
                              "state of all five units."),
            (facts["all patterns"], "that is 2**5, every conceivable pattern; count only the patterns that "
                                    "actually occur at the grid points."),
            (facts["units"], "that is the number of hidden units, not of regions."),
            (facts["line bound"], "that is the most regions five straight lines can make; the second layer's "
                                  "borders are bent lines, so evaluate the patterns on the grid instead."),
            (facts["no relu"], "that is what the second layer's pattern gives without the ReLU between the layers: "
                               "compute z2 from np.maximum(0, z1), not from z1."),
            (facts["sum"], "that is the first layer's count plus the second layer's: a region is one pattern of "
                           "all five units together, so count distinct rows of both layers' patterns side by side."),
            (facts["product"], "that is the first layer's count times the second layer's: not every combination "
                               "occurs, so count the distinct rows of both layers' patterns side by side."),
        ]
        matching = [text for value, text in diagnoses if value == got]
        if len(matching) == 1:
            tip = matching[0]
        elif matching:  # several slips give this number here: name each
            tip = "several slips give this number here:\n   - " + "\n   - ".join(matching)
        else:
            tip = ("compute z1 = X @ W1 + b1, a1 = np.maximum(0, z1), z2 = a1 @ W2 + b2; stack (z1 > 0) and "
                   "(z2 > 0) side by side and count the distinct rows.")
        if not matching and abs(got - facts["both"]) == 1:
            tip = ("off by one: use exactly np.linspace(-2, 2, 201) in both directions and count distinct "
                   "rows (np.unique(..., axis=0)).")
        return report(name, False, [f"expected the number of distinct patterns on the grid, got {got}.",
                                    f"hint: {tip}"], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


# ---------------------------------------------------------------------------- CNN activation swap
@functools.lru_cache(maxsize=32)
def _cnn_accuracies(activation: str, seed: int, epochs: int, split: int | None = None) -> tuple[float, float, int]:
    """(train accuracy, test accuracy, test size) of the chapter's CNN, trained again.

    ``split`` is the seed of the data split (default: ``seed``, as the exercise asks).
    """
    from .. import conv

    data = conv.load_digits_split(seed if split is None else split)
    model, _ = conv.train_cnn(data, activation=activation, seed=seed, epochs=epochs)
    return (model.accuracy(data.X_train, data.y_train), model.accuracy(data.X_test, data.y_test),
            len(data.y_test))


def _cnn_train_size(seed: int) -> int:
    """Number of training images of the chapter's digits split of ``seed``."""
    from .. import conv

    return len(conv.load_digits_split(seed).y_train)


def cnn_activation_swap(name, accuracy, change=None, *, seed=0, epochs: int = 4, quiet: bool = False):
    """Check the reported held-out accuracy of the chapter's CNN with another activation, on one or more seeds.

    ``accuracy`` (and ``change``) may be lists with one entry per seed; ``seed`` is then the list of
    seeds (default ``0, 1, ...``), and every seed is checked as below.
    """
    label = "cnn_activation_swap"
    try:
        many = isinstance(accuracy, (list, tuple)) or (isinstance(accuracy, np.ndarray) and accuracy.ndim == 1)
        if not many:
            return _cnn_swap_one(name, accuracy, change, seed=seed, epochs=epochs, quiet=quiet)
        seeds = list(range(len(accuracy))) if isinstance(seed, numbers.Integral) and seed == 0 else seed
        if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__") or len(seeds) != len(accuracy):
            return report(label, False, [f"accuracy holds {len(accuracy)} values, but seed is {fmt(seed)}.",
                                         "hint: pass seed=seeds, the list of seeds the accuracies belong to, in "
                                         "the same order."], quiet=quiet)
        changes = [None] * len(accuracy) if change is None else change
        if not hasattr(changes, "__len__") or len(changes) != len(accuracy):
            return report(label, False, [f"change must hold one value per seed ({len(accuracy)}), got {fmt(change)}.",
                                         "hint: change = [a - r for a, r in zip(accuracy, relu_accuracy)]."],
                          quiet=quiet)
        if len(accuracy) == 0:  # (a NumPy array has no truth value: ask for its length)
            return report(label, False, ["accuracy is an empty list: train at least one seed."], quiet=quiet)
        results = [_cnn_swap_one(name, a, c, seed=s, epochs=epochs, quiet=True,
                                 others=tuple(t for t in seeds if t != s))
                   for a, c, s in zip(accuracy, changes, seeds, strict=True)]
        lines = []
        for s, r in zip(seeds, results, strict=True):
            body = [ln.strip() for ln in r.message.splitlines()[1:]]
            lines.append(f"seed {s}: " + (" ".join(body) if body else r.message))
        passed = all(r.passed for r in results)
        if passed and change is not None:
            signs = {np.sign(r.details["change"]) for r in results if "change" in r.details}
            lines.append("the change keeps its sign on every seed." if len(signs) == 1 else
                         "the change does not keep its sign: one seed would have told you a different story.")
        return report(label, passed, lines, quiet=quiet,
                      details={"per_seed": [r.details for r in results]})
    except Exception as exc:  # never raise into the notebook
        return report(label, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


def _cnn_swap_one(name, accuracy, change=None, *, seed: int = 0, epochs: int = 4, quiet: bool = False,
                  others: tuple = ()):
    """Check the reported held-out accuracy of the chapter's CNN with another activation.

    The checker trains the same model again with :func:`relubook.conv.train_cnn`
    (``activation=name``, the given ``seed`` and ``epochs``; about a second) and compares.
    Training is seeded, so the numbers must agree up to one test image.

    Parameters
    ----------
    name : str
        A registry name other than ``"relu"``.
    accuracy : float
        Held-out (test) accuracy in ``[0, 1]`` of the model trained with ``name``.
    change : float, optional
        ``accuracy`` minus the ReLU model's test accuracy.
    seed, epochs : int
        As passed to ``conv.load_digits_split`` and ``conv.train_cnn`` (defaults 0 and 4).
    quiet : bool
        Do not print the report.
    others : tuple of int
        The other seeds of a per-seed list: a value that is one of their accuracies is named as that slip
        (a list in another order) before any other diagnosis.

    Returns
    -------
    Result
    """
    label = "cnn_activation_swap"
    try:
        if name is None or accuracy is None:
            return report(label, False, ["Choose an activation, train the CNN with it and report the test "
                                         "accuracy, then run the cell again."], todo=True, quiet=quiet)
        if not isinstance(name, str):
            return report(label, False, [f"name must be a string such as 'tanh', got {fmt(name)}."], quiet=quiet)
        if name not in activations.REGISTRY:
            return report(label, False, [f"{name!r} is not in the registry.",
                                         f"hint: choose one of {', '.join(activations.names())}."], quiet=quiet)
        if name == "relu":
            return report(label, False, ["that is ReLU itself: the exercise asks for another activation.",
                                         "hint: try 'sigmoid', 'softplus' or 'elu'."], quiet=quiet)
        for key, value in (("seed", seed), ("epochs", epochs)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                return report(label, False, [f"{key} must be a non-negative int, got {fmt(value)}."], quiet=quiet)
        if not 1 <= epochs <= 10:
            return report(label, False, [f"epochs = {epochs}: the checker retrains the model, so keep "
                                         "epochs between 1 and 10 (the chapter uses 4)."], quiet=quiet)
        acc = _as_number(accuracy)
        if acc is None:
            return report(label, False, [f"accuracy must be a number, got {fmt(accuracy)}.",
                                         "hint: model.accuracy(data.X_test, data.y_test) returns a float."],
                          quiet=quiet)
        if not np.isfinite(acc):
            return report(label, False, [f"expected a test accuracy in [0, 1], got {acc:g}.",
                                         "hint: model.accuracy(data.X_test, data.y_test) is never NaN; NaN "
                                         "usually comes from a mean over an empty array."], quiet=quiet)
        n_images = _cnn_accuracies("relu", int(seed), int(epochs))[2]
        if 100 < acc <= n_images and acc == round(acc):
            return report(label, False, [f"expected a test accuracy in [0, 1], got {acc:g}: that looks like "
                                         "a number of images.",
                                         f"hint: divide the number right by the {n_images} test images, or use "
                                         "model.accuracy(data.X_test, data.y_test)."], quiet=quiet)
        if 1 < acc <= 100:
            return report(label, False, [f"expected a test accuracy in [0, 1], got {acc:g}: that looks like "
                                         "a percentage.",
                                         "hint: report a fraction in [0, 1] (0.95, not 95)."], quiet=quiet)
        if not 0 <= acc <= 1:
            return report(label, False, [f"expected a test accuracy in [0, 1], got {acc:g}.",
                                         "hint: model.accuracy(data.X_test, data.y_test) returns the fraction "
                                         "of test images classified right."], quiet=quiet)
        train_acc, test_acc, n_test = _cnn_accuracies(name, int(seed), int(epochs))
        tol = 1.5 / n_test  # one image may flip on a different BLAS
        exact = 0.5 / n_test
        setting = f"activation={name!r}, seed={seed}, epochs={epochs}"
        relu_test = _cnn_accuracies("relu", int(seed), int(epochs))[1]
        # a run that never passed the activation trains ReLU: its accuracy may lie within one image of the
        # requested activation's, so the ReLU model's own number is refused unless the two models tie
        trained_relu = abs(acc - relu_test) <= exact and abs(acc - test_acc) > exact
        if abs(acc - test_acc) > tol or trained_relu:
            # name a cause only when exactly one slip matches the number to within half an image (half a
            # training image for the training accuracy): accuracies cluster near 0.93, so a looser match
            # names coincidences as causes; when several match, list them all as possibilities
            n_train = _cnn_train_size(int(seed))
            causes = []
            if trained_relu:
                causes.append(("the ReLU model's accuracy",
                               f"that is the ReLU model's accuracy ({relu_test:.4f}): pass activation={name!r} to "
                               "conv.train_cnn when you train."))
            causes += [(f"the test accuracy of seed {t}",
                        f"that is the test accuracy of seed {t}: list the accuracies in the same order as the "
                        "seeds you pass (seed=...), one per seed.")
                       for t in others if isinstance(t, numbers.Integral) and not isinstance(t, bool)
                       and t >= 0 and abs(acc - _cnn_accuracies(name, int(t), int(epochs))[1]) <= exact]
            if abs(acc - train_acc) <= 0.5 / n_train:
                causes.append(("the training accuracy",
                               "that is the training accuracy; report model.accuracy(data.X_test, data.y_test)."))
            if abs((1 - acc) - test_acc) <= exact:
                causes.append(("the error rate", "that is the error rate (1 - accuracy); report the accuracy itself."))
            if not trained_relu and abs(acc - relu_test) <= exact:
                causes.append(("the ReLU model's accuracy",
                               f"that is the ReLU model's accuracy: pass activation={name!r} to conv.train_cnn "
                               "when you train."))
            if seed != 0 and abs(acc - _cnn_accuracies(name, int(seed), int(epochs), 0)[1]) <= exact:
                causes.append((f"the model of seed {seed} trained on the split of seed 0",
                               f"that is the model trained with seed={seed} on the split of seed 0: for seed {seed} "
                               f"use data = conv.load_digits_split(seed={seed}) too."))
            neutral = (f"train with conv.train_cnn(data, activation={name!r}, seed={seed}) on "
                       f"data = conv.load_digits_split(seed={seed}), and pass the seed (or seeds) and any other "
                       "epochs to the checker.")
            if len(causes) == 1:
                tip = causes[0][1]
            elif causes:
                tip = ("your number matches several slips, so it may be one of these: "
                       + "; ".join(short for short, _ in causes)
                       + ". Otherwise " + neutral)
            else:
                tip = neutral
            return report(label, False, [f"retrained with {setting}: test accuracy {test_acc:.4f}, "
                                         f"you reported {acc:.4f}.", f"hint: {tip}"], quiet=quiet)
        lines = [f"retrained with {setting}: test accuracy {test_acc:.4f}, as you reported."
                 if abs(acc - test_acc) <= exact else
                 f"retrained with {setting}: test accuracy {test_acc:.4f}; you reported {acc:.4f}, one test "
                 "image away (another CPU's rounding can flip one image)."]
        details = {"accuracy": test_acc}
        if test_acc < 0.2:
            lines.append(f"note: with {name} the model barely beats guessing (0.1): it did not learn in "
                         f"{epochs} epochs. That is a finding too.")
        if abs(test_acc - relu_test) < 0.5 / n_test:
            lines.append(f"note: {name} ties with ReLU ({round(test_acc * n_test)} of {n_test} test images right "
                         "either way). Ties happen on a few hundred images, and a function that equals ReLU on every "
                         "input the network sees (ReLU6 below 6) trains the very same model. For a visible "
                         "difference try 'sigmoid' or 'softplus'.")
        if change is not None:
            delta = _as_number(change)
            expected = test_acc - relu_test
            details["change"] = expected
            if delta is None or not np.isfinite(delta):
                return report(label, False, [*lines, f"change: expected the number {expected:+.4f}, got "
                                             f"{fmt(change)}.",
                                             "hint: change = accuracy - relu_accuracy, two finite test "
                                             "accuracies."], quiet=quiet, details=details)
            # the change is the learner's accuracy minus the learner's ReLU accuracy: the accuracy was held to
            # within 1.5 test images above, so the learner's ReLU accuracy (acc - delta) is held to the same
            if abs((acc - delta) - relu_test) > tol:
                other_relu = [t for t in others if isinstance(t, numbers.Integral) and not isinstance(t, bool)
                              and t >= 0 and abs((acc - delta)
                                                 - _cnn_accuracies("relu", int(t), int(epochs))[1]) <= exact]
                if abs(delta + expected) <= tol and abs(expected) > tol:
                    tip = "the sign is flipped: change = accuracy - relu_accuracy."
                elif abs(delta - 100 * expected) <= 100 * tol:
                    tip = "that looks like percentage points; report a difference of fractions."
                elif other_relu:
                    tip = (f"your change is taken against the ReLU model of seed {other_relu[0]}: subtract the "
                           f"ReLU accuracy of the same seed ({seed}).")
                else:
                    tip = "change = accuracy - relu_accuracy, both test accuracies with the same seed."
                return report(label, False, [*lines, f"the ReLU model's test accuracy is {relu_test:.4f}, so "
                                             f"the change is {expected:+.4f}; you reported {delta:+.4f}.",
                                             f"hint: {tip}"], quiet=quiet, details=details)
            lines.append(f"Change against ReLU: you reported {delta:+.4f}; the retrained models give "
                         f"{expected:+.4f} (ReLU {relu_test:.4f}).")
        return report(label, True, lines, quiet=quiet, details=details)
    except Exception as exc:  # never raise into the notebook
        return report(label, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


# ---------------------------------------------------------------------------- playground: spiral
def _slider_neighbours(lr: float) -> str:
    from ..plane_classifier import LR_GRID

    grid = np.asarray(LR_GRID)
    if lr < grid[0] or lr > grid[-1]:
        return f"the slider goes from {grid[0]:.3g} to {grid[-1]:.3g}"
    above = int(np.searchsorted(grid, lr))
    return f"the slider's rates next to it are {grid[above - 1]:.3g} and {grid[above]:.3g}"


def playground_spiral(config, *, quiet: bool = False):
    """Check a playground configuration that fits the spiral with few hidden units.

    Parameters
    ----------
    config : dict
        ``{"activation": str, "width": int, "depth": int, "lr": float, "steps": int}``
        as set in the playground. ``activation`` is one of :data:`SPIRAL_ACTIVATIONS`.
        At most 32 hidden units (``width * depth``) and
        :data:`relubook.plane_classifier.MAX_STEPS` steps. ``lr`` is read as a position of
        the playground's slider (:func:`relubook.plane_classifier.snap_lr`): ``0.316`` and
        ``10**-0.5`` are the same setting.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
        Passes when the checker, training the same network on the same spiral at the
        slider's rate (deterministic, full-batch), reaches at least 95 % training accuracy,
        and does so again with the rate nudged by :data:`SPIRAL_NUDGE` (a rounding-sized change,
        as another CPU's BLAS makes) and on the fresh spirals of :data:`SPIRAL_FRESH_SEEDS`.
    """
    label = "playground_spiral"
    try:
        from .. import plane_classifier as pc

        if config is None or config is Ellipsis:
            return report(label, False, ["Find a setting in the playground and write it into config."],
                          todo=True, quiet=quiet)
        if not isinstance(config, Mapping):
            return report(label, False, [f"expected a dict like {{'activation': 'relu', 'width': 8, 'depth': 2, "
                                         f"'lr': 0.316, 'steps': 1000}}, got {fmt(config)}."], quiet=quiet)
        missing = [k for k in SPIRAL_KEYS if k not in config]
        unknown = sorted(set(config) - set(SPIRAL_KEYS) - {"dataset"})
        if missing:
            return report(label, False, [f"config lacks {', '.join(missing)}.",
                                         f"hint: give all of {', '.join(SPIRAL_KEYS)}."], quiet=quiet)
        if unknown:
            return report(label, False, [f"config has settings the playground does not know: {unknown}; "
                                         f"expected only {', '.join(SPIRAL_KEYS)}.",
                                         "hint: remove the extra keys; the playground has no other controls."],
                          quiet=quiet)
        if config.get("dataset", "spiral") != "spiral":
            return report(label, False, [f"dataset: expected 'spiral', got {config['dataset']!r}.",
                                         "hint: the exercise is about the spiral; drop the dataset key or set it "
                                         "to 'spiral'."], quiet=quiet)
        act = config["activation"]
        if not isinstance(act, str) or act not in activations.REGISTRY:
            return report(label, False, [f"activation must be a registry name such as 'relu', got {fmt(act)}."],
                          quiet=quiet)
        if act not in SPIRAL_ACTIVATIONS:
            return report(label, False, [f"activation: expected a piecewise-linear ReLU unit "
                                         f"({' or '.join(map(repr, SPIRAL_ACTIVATIONS))}), got {act!r}.",
                                         "hint: the exercise asks what ReLU units can do with 32 of them; "
                                         "set the playground's activation to relu and tune the rate "
                                         "for it."], quiet=quiet)
        ints = {}
        for key in ("width", "depth", "steps"):
            value = config[key]
            if isinstance(value, (float, np.floating)) and np.isfinite(value) and value == round(value):
                value = int(value)  # 16.0 is the setting 16
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                return report(label, False, [f"{key} must be a positive whole number, got {fmt(value)}.",
                                             f"hint: the playground's {key} is a whole number such as "
                                             f"{dict(width=16, depth=2, steps=3000)[key]}."],
                              quiet=quiet)
            ints[key] = int(value)
        typed = _as_number(config["lr"])
        if typed is None or not np.isfinite(typed) or typed <= 0:
            return report(label, False, [f"lr must be a positive number, got {fmt(config['lr'])}.",
                                         "hint: type the slider's readout as a number, for example 0.316 "
                                         "(not the string '0.316')."], quiet=quiet)
        lr = pc.snap_lr(typed)
        if lr is None:
            return report(label, False, [f"lr = {typed:g} is not a rate of the playground's slider: "
                                         f"{_slider_neighbours(typed)}.",
                                         "hint: type the number the slider's readout shows (for example "
                                         "0.316), or its power of ten (10**-0.5)."], quiet=quiet)
        width, depth, steps = ints["width"], ints["depth"], ints["steps"]
        units = width * depth
        if units > SPIRAL_MAX_UNITS:
            return report(label, False, [f"{depth} layers of {width} units = {units} hidden units, more than "
                                         f"{SPIRAL_MAX_UNITS}.",
                                         f"hint: keep width x depth <= {SPIRAL_MAX_UNITS}, for example 2 layers "
                                         "of 16 or 1 layer of 32."], quiet=quiet)
        if width > pc.WIDGET_MAX_WIDTH or depth > pc.WIDGET_MAX_DEPTH:
            return report(label, False, [f"width {width}, depth {depth}: the playground's sliders offer width "
                                         f"<= {pc.WIDGET_MAX_WIDTH} and depth <= {pc.WIDGET_MAX_DEPTH}.",
                                         "hint: use the sliders' ranges, for example 2 layers of 16."], quiet=quiet)
        if steps > pc.MAX_STEPS:
            return report(label, False, [f"steps = {steps}: the playground trains at most {pc.MAX_STEPS} steps.",
                                         f"hint: set steps to {pc.MAX_STEPS} or fewer; if the network needs more, "
                                         "raise the learning rate a notch or add units."], quiet=quiet)
        if steps % pc.CHUNK:
            return report(label, False, [f"steps = {steps}: the playground trains in chunks of {pc.CHUNK} steps, so "
                                         "its step counter never shows this number.",
                                         f"hint: write the step count the playground shows, a multiple of {pc.CHUNK} "
                                         f"(for example {max(pc.CHUNK, steps - steps % pc.CHUNK)})."], quiet=quiet)
        state = pc.state_at("spiral", act, width, depth, lr, steps)
        accuracy = state.accuracy[-1]
        rate = (f"lr {lr:.3g}" if typed == lr else
                f"lr {typed:g} (read as the slider's 10**{np.log10(lr):.1f} = {lr:.4g})")
        what = f"{depth} x {width} {act} units, {rate}, {steps} steps"
        if state.diverged:
            return report(label, False, [f"{what}: training diverged (the loss became infinite).",
                                         "hint: lower the learning rate."], quiet=quiet)
        if accuracy < SPIRAL_MIN_ACCURACY:
            if steps < pc.MAX_STEPS:
                tip = "train longer: the exercise allows up to 3000 steps."
            elif max(state.accuracy) >= SPIRAL_MIN_ACCURACY:
                tip = (f"this run touched {max(state.accuracy):.3f} on the way but did not stay there: the loss "
                       "jumps, so the steps are too large. Lower the learning rate a notch or two.")
            else:
                tip = ("watch the loss curve: if it jumps, lower the learning rate; if it falls slowly, raise it; "
                       "more units per layer also help.")
            return report(label, False, [f"{what}: accuracy {accuracy:.3f}, below {SPIRAL_MIN_ACCURACY}.",
                                         f"hint: {tip}"], quiet=quiet, details={"accuracy": accuracy, "lr": lr})
        # The playground's spiral passed; a setting that only passes by luck (a loss jump that happens to end
        # on a good step) is chaotic, and its verdict would change with the CPU's rounding. Fresh spirals
        # (other seeds of the data and the weights) tell the two apart.
        # A rate nudged by SPIRAL_NUDGE changes every step by a rounding error, as another CPU's BLAS would.
        def final(seed: int, factor: float) -> float:
            st = pc.state_at("spiral", act, width, depth, lr * factor, steps, seed=seed)
            return 0.0 if st.diverged else st.accuracy[-1]

        nudged = final(pc.SEED, 1 + SPIRAL_NUDGE)
        fresh_acc = {k: min(final(k, 1.0), final(k, 1 + SPIRAL_NUDGE)) for k in SPIRAL_FRESH_SEEDS}
        details = {"accuracy": accuracy, "lr": lr, "nudged": nudged, "fresh": fresh_acc}
        on_fresh = ", ".join(f"{a:.3f} (seed {k})" for k, a in fresh_acc.items())
        if nudged < SPIRAL_MIN_ACCURACY:
            return report(label, False, [f"{what}: accuracy {accuracy:.3f}, but {nudged:.3f} when every step is "
                                         "changed by a rounding error (as on another CPU); expected at least "
                                         f"{SPIRAL_MIN_ACCURACY} both times.",
                                         "hint: the result is chaotic: the loss jumps and where it lands is luck. "
                                         "Lower the learning rate a notch or two."], quiet=quiet, details=details)
        if min(fresh_acc.values()) < SPIRAL_MIN_ACCURACY:
            return report(label, False, [f"{what}: accuracy {accuracy:.3f} on the playground's spiral, but on fresh "
                                         f"spirals {on_fresh}; expected at least {SPIRAL_MIN_ACCURACY} on each.",
                                         "hint: the setting passes by luck, so its result would change with a new "
                                         "spiral or another CPU's rounding. Lower the learning rate a notch or two, "
                                         "or spend the units on a wider layer."], quiet=quiet, details=details)
        return report(label, True, [f"{what}: accuracy {accuracy:.3f} with {units} hidden units, and "
                                    f"{on_fresh} on fresh spirals."], quiet=quiet, details=details)
    except Exception as exc:  # never raise into the notebook
        return report(label, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)


# ---------------------------------------------------------------------------- skipping the zeros
#: NumPy 2.1 and later pass ``copy`` to ``__array__`` (``np.array`` asks for a copy, ``np.asarray`` not);
#: NumPy 2.0 (the browser's Pyodide has 2.0.2) calls it the same way for both and copies afterwards.
_ARRAY_PASSES_COPY = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 1)
_COPYING_CALL = re.compile(r"\b(?:np|numpy)\.(?:array|copy)\(")


def _caller_copies() -> bool:
    """On NumPy 2.0: does the learner's line that converts ``W2`` call ``np.array`` (a copy)?

    ``__array__`` is called from NumPy's C code, so the nearest Python frame outside this module is
    the learner's; its source line (IPython keeps every cell's source in ``linecache``) tells
    ``np.array(W2)`` from ``np.asarray(W2)``. Without a source line it is taken as no copy.
    """
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    if frame is None:
        return False
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
    return bool(_COPYING_CALL.search(line))


class _WholeMatrixWatch(np.lib.mixins.NDArrayOperatorsMixin):
    """``W2`` as handed to the learner's function: notes every operation that reads the whole matrix.

    Not an ndarray subclass but an array-like wrapper, so that NumPy asks it before converting it:
    ``np.array(W2)`` and ``np.asarray(W2, dtype=...)`` go through :meth:`__array__`, which notes a copy
    of the whole matrix (``np.asarray(W2)`` with the same dtype makes no copy and hands over a view,
    which is not a read). Indexing rows (``W2[on]``, ``W2[j]``, ``np.take(W2, on, axis=0)``,
    ``W2.take(...)``, iterating over the rows) gives plain arrays and is not noted; an arithmetic
    operation or a NumPy function applied to the whole matrix (``h @ W2``, ``h[:, None] * W2``,
    ``np.nansum(W2 ...)``, ``np.isnan(W2)``, ``W2.T @ h``) and a copy of it (``W2.copy()``,
    ``W2.astype(float)``, ``np.array(W2)``, ``W2.tolist()``) read every row and are noted in ``self._log``,
    even when the NaN in the zero units' rows is hidden afterwards.
    """

    _ROW_PICKERS = frozenset({np.take, np.compress, np.shape, np.ndim, np.size})
    #: attributes that describe the matrix without reading its entries
    _FREE = frozenset({"shape", "ndim", "dtype", "size", "itemsize", "nbytes", "take", "strides"})

    def __init__(self, data: np.ndarray, log: list[str] | None):
        self._data, self._log, self._whole = data, log, True

    # ------------------------------------------------------------ reading rows: plain arrays, not noted
    def __getitem__(self, key):
        return self._data[self._plain(key)]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    # ------------------------------------------------------------ whole-matrix views, copies and methods
    @property
    def T(self):  # noqa: N802 - NumPy's name
        return _WholeMatrixWatch(self._data.T, self._log)

    def reshape(self, *args, **kwargs):
        return _WholeMatrixWatch(self._data.reshape(*args, **kwargs), self._log)

    def __array__(self, dtype=None, copy=None):
        same = dtype is None or np.dtype(dtype) == self._data.dtype
        if copy is False and not same:
            raise ValueError("Unable to avoid copy while creating an array as requested.")
        if copy is None and same and not _ARRAY_PASSES_COPY and _caller_copies():
            copy = True  # NumPy < 2.1 (the browser's 2.0.2) asks np.array and np.asarray alike
        if copy or not same:
            self._note("np.array or np.asarray (a copy of the whole matrix)", [self])
            return np.array(self._data, dtype=dtype)
        return self._data

    def __getattr__(self, attr):
        if attr.startswith("__") or attr in ("_data", "_log", "_whole"):
            raise AttributeError(attr)
        value = getattr(self._data, attr)
        if attr not in self._FREE:
            self._note(f"W2.{attr}" + ("()" if callable(value) else ""), [self])
        return value

    @staticmethod
    def _plain(value):
        if isinstance(value, _WholeMatrixWatch):
            return value._data
        if isinstance(value, (list, tuple)):
            return type(value)(_WholeMatrixWatch._plain(v) for v in value)
        return value

    def _note(self, what, values) -> None:
        if self._log is not None and any(isinstance(v, _WholeMatrixWatch) and v._whole for v in values):
            self._log.append(what)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self._note(f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"),
                   [*inputs, *kwargs.get("out", ())])
        if "out" in kwargs:
            kwargs["out"] = self._plain(tuple(kwargs["out"]))
        return getattr(ufunc, method)(*self._plain(inputs), **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        flat = [*args, *kwargs.values()]
        flat += [v for a in args if isinstance(a, (list, tuple)) for v in a]
        if func not in self._ROW_PICKERS:
            self._note(f"np.{func.__name__}", flat)
        return func(*self._plain(args), **{k: self._plain(v) for k, v in kwargs.items()})


def _watched(W2: np.ndarray) -> tuple[_WholeMatrixWatch, list[str]]:
    log: list[str] = []
    return _WholeMatrixWatch(np.array(W2, dtype=np.float64), log), log


def _skip_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(what, h, W2): one token's hidden values and a W2 whose rows of zero units hold NaN.

    A function that reads a row of a zero unit multiplies NaN by 0 and returns NaN, so reading
    only the non-zero rows is the one way to get a finite result. One token has small but non-zero
    values, which a function that skips "small" instead of zero values leaves out.
    """
    rng = np.random.default_rng(0)
    cases = []
    for what, active in (("a few units on", 0.05), ("half the units on", 0.5), ("every unit on", 1.0),
                         ("no unit on", 0.0)):
        h = np.where(rng.random(64) < active, rng.random(64) + 0.1, 0.0)
        W2 = rng.standard_normal((64, 8))
        W2[h == 0] = np.nan
        cases.append((what, h, W2))
    h = np.zeros(64)
    h[[3, 40]] = [2.0, 0.5]
    W2 = rng.standard_normal((64, 8))
    W2[h == 0] = np.nan
    cases.append(("two units on", h, W2))
    h = np.zeros(64)
    h[[5, 17, 29, 50]] = [1.5, 1e-4, 0.8, 3e-7]
    W2 = rng.standard_normal((64, 8))
    W2[h == 0] = np.nan
    cases.append(("small values on", h, W2))
    return cases


def skip_zero_rows(fn, *, quiet: bool = False):
    """Check ``fn(h, W2)``: the product ``h @ W2`` for one token, reading only the rows of non-zero units.

    The checker calls ``fn`` on six tokens (from none to every unit on, one with tiny non-zero values).
    In each ``W2`` the rows of the zero units hold NaN: a function that reads them (the dense
    ``h @ W2``, for example) returns NaN, because ``0 * NaN`` is NaN. ``W2`` is also watched: an
    operation on the whole matrix (``h[:, None] * W2``, ``np.nansum``, ``np.isnan(W2)``) or a copy of it
    (``np.array(W2)``, ``W2.copy()``, ``W2.astype(float)``, ``np.asarray(W2, dtype=np.float32)``) reads every
    row even if it hides the NaN afterwards, and is refused (``np.asarray(W2)`` without a new dtype makes no
    copy and is not a read); indexing rows (``W2[on]``, ``W2[j]``,
    ``np.take(W2, on, axis=0)``) is what the exercise asks for. When every unit is on, the whole
    matrix is needed and reading it is fine. The result is compared with the product over the
    non-zero rows, to float64 rounding, or to float32 rounding (a few units in the last place of
    the sum of the terms' sizes) when the function returns float32, as a computation in the chapter's float32
    would. A ``None`` return is "not implemented yet"; a text or dict gets a type message.

    Parameters
    ----------
    fn : callable
        ``fn(h, W2)`` with ``h`` of shape ``(d_ff,)`` and ``W2`` of shape ``(d_ff, d_model)``, returning
        shape ``(d_model,)``.
    quiet : bool
        Do not print the report.

    Returns
    -------
    Result
    """
    name = "skip_zero_rows"
    try:
        if fn is None or fn is Ellipsis:
            return report(name, False, ["Write the function, then run the cell again."], todo=True, quiet=quiet)
        if not callable(fn):
            return report(name, False, [f"expected a function fn(h, W2), got {fmt(fn)}.",
                                        "hint: def skipped_product(h, W2): ... and pass skipped_product itself, "
                                        "without calling it."], quiet=quiet)
        lines = []
        for what, h, W2 in _skip_cases():
            on = np.flatnonzero(h)
            expected = h[on] @ W2[on]
            watched, whole_reads = _watched(W2)
            h_in = h.copy()
            try:
                raw = fn(h_in, watched)
            except Exception as exc:  # noqa: BLE001 - the learner's function failed: report it
                return report(name, False, [f"{what}: your function raised {type(exc).__name__}: {exc}.",
                                            "hint: np.flatnonzero(h) gives the indices of the units that are on; "
                                            "index h and the rows of W2 with them."], quiet=quiet)
            if raw is None:
                return report(name, False, ["Write the body of the function, then run the cell again "
                                            "(it returned None)."], todo=True, quiet=quiet)
            if not np.array_equal(h_in, h, equal_nan=True):  # changed in place: refused, as in chapter 4
                return report(name, False, [f"{what}: your function changed its input h in place.",
                                            "hint: compute a new array (an expression of h, or h.copy()) instead "
                                            "of assigning into h; the caller still needs h."], quiet=quiet)
            try:
                if isinstance(raw, (str, bytes, Mapping)):
                    raise TypeError
                got = np.asarray(raw, dtype=np.float64)
            except Exception:  # noqa: BLE001 - not an array of numbers
                return report(name, False, [f"{what}: expected an array of numbers of shape {expected.shape}, "
                                            f"got {fmt(raw)} ({type(raw).__name__}).",
                                            "hint: return the product itself, h[on] @ W2[on], not a text or a "
                                            "dict."], quiet=quiet)
            # a float32 computation (as in the chapter's timing cell) is exact to float32's rounding only
            single = getattr(raw, "dtype", None) == np.float32
            if got.shape != expected.shape:
                tip = ("you returned the rows themselves; multiply by h's non-zero values and sum them: "
                       "h[on] @ W2[on]." if got.ndim == 2 else
                       "the product of one token with W2 has one entry per column of W2 (d_model).")
                return report(name, False, [f"{what}: expected shape {expected.shape}, got {got.shape}.",
                                            f"hint: {tip}"], quiet=quiet)
            if np.isnan(got).any():
                return report(name, False, [f"{what}: the result holds NaN. The rows of W2 whose unit is zero hold "
                                            "NaN in this test, so your function read them (0 * NaN is NaN).",
                                            "hint: find the indices of the units that are on (np.flatnonzero) and "
                                            "use only those entries of h and those rows of W2."],
                              quiet=quiet)
            if whole_reads and len(on) < len(h):
                used = ", ".join(dict.fromkeys(whole_reads))
                return report(name, False, [f"{what}: your function applied {used} to the whole of W2, so it read "
                                            f"all {len(h)} rows, not only the {len(on)} of the units that are on "
                                            "(the rows of the zero units hold NaN here; hiding the NaN afterwards "
                                            "does not undo the reading).",
                                            "hint: select the rows first, W2[on] with on = np.flatnonzero(h), and "
                                            "compute only with them: h[on] @ W2[on]."], quiet=quiet)
            if single:  # each term and each partial sum rounded to float32: a few ulps of the sum of |terms|
                scale = np.abs(h[on]) @ np.abs(W2[on]) if len(on) else np.zeros_like(expected)
                close = bool(np.all(np.abs(got - expected) <= 4 * (len(on) + 1) * np.finfo(np.float32).eps * scale
                                    + 1e-30))
            else:
                close = bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12))
            if not close:
                tip = "the product is the sum over the non-zero units of h[j] * W2[j]: h[on] @ W2[on]."
                if len(on) > 1 and np.allclose(got, expected / len(on), rtol=1e-5, atol=1e-12):
                    tip = ("your result is the mean over the units that are on, not the sum: the product adds "
                           "h[j] * W2[j] over them without dividing by their number.")
                elif len(on) and np.allclose(got, W2[on].sum(0), rtol=1e-5, atol=1e-12):
                    tip = ("keep h's values, not only which units are on: the product is the sum over the non-zero "
                           "units of h[j] * W2[j].")
                elif what == "small values on":
                    tip = ("skip exact zeros only: a unit with a tiny value (1e-4, 3e-7) is on and its row counts; "
                           "np.flatnonzero(h) keeps it.")
                return report(name, False, [f"{what}: expected {fmt(expected)}, got {fmt(got)}.", f"hint: {tip}"],
                              quiet=quiet)
            lines.append(f"ok  {what} ({len(on)} of {len(h)}): reads {len(on)} rows of W2 and matches h @ W2.")
        return report(name, True, [*lines, "Reading only the rows of the units that are on gives the same product: "
                                   "for a mostly-zero token, a fraction of the memory traffic."], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc})."], quiet=quiet)
