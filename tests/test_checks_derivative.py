"""Tests of chapter 2's checkers: accept correct styles, reject typical mistakes, never raise."""

import math

import numpy as np
import pytest

from relubook import checks
from relubook.checks import derivative as cd


def _raises(*args):
    raise RuntimeError("boom")


def _none(*args):
    return None


# ----------------------------------------------------------------------------
# relu_grad
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(("fn", "at0"), [
    (lambda x: (np.asarray(x) > 0).astype(np.asarray(x).dtype) if np.asarray(x).dtype.kind == "f"
     else (np.asarray(x) > 0).astype(float), 0.0),
    (lambda x: np.where(np.asarray(x) >= 0, np.ones_like(x), np.zeros_like(x)), 1.0),
    (lambda x: np.heaviside(x, 0.5), 0.5),
])
def test_relu_grad_accepts_conventions(fn, at0):
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed, r.message
    assert r.details["value_at_zero"] == at0


def test_relu_grad_rejects_a_boolean_mask():
    r = checks.relu_grad(lambda x: np.asarray(x) > 0, quiet=True)
    assert r.passed is False
    assert "boolean mask" in r.message and ".astype(x.dtype)" in r.message


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x: (np.asarray(x) > 0).astype(int), "int64"),
    (lambda x: (np.asarray(x) > 0).astype(np.float16), "float16"),
    (lambda x: (np.asarray(x) > 0).astype(float), "float64"),          # float64 for a float32 array
    (lambda x: np.where(np.asarray(x) > 0, 1, 0), "int64"),
    (lambda x: int(x > 0) if np.ndim(x) == 0 else (x > 0).astype(x.dtype), "int"),   # a Python int for a float
])
def test_relu_grad_refuses_another_dtype_than_the_inputs(fn, phrase):
    # the task asks for the input's floating dtype; the values of these answers are right
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed is False, r.message
    assert phrase in r.message and "astype(x.dtype)" in r.message, r.message


@pytest.mark.parametrize("fn", [
    lambda x: (np.asarray(x) > 1e-6).astype(np.asarray(x).dtype),      # a threshold instead of 0
    lambda x: (np.asarray(x) > 1e-9).astype(np.asarray(x).dtype),
    lambda x: (np.asarray(x) > -1e-9).astype(np.asarray(x).dtype),
    lambda x: (np.asarray(x) >= 1e-300).astype(np.asarray(x).dtype),
])
def test_relu_grad_refuses_thresholds_near_zero(fn):
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed is False, r.message
    assert "within 1e-6 of 0" in r.message or "1.e-08" in r.message, r.message   # named the tiny input


@pytest.mark.parametrize("fn", [
    lambda x: (np.asarray(x) > 0).astype(np.asarray(x).dtype),
    lambda x: np.sign(np.maximum(np.asarray(x), 0)),                    # sign of relu: 0 at 0
    lambda x: np.heaviside(np.asarray(x), np.asarray(0, dtype=np.asarray(x).dtype)),
    lambda x: np.where(np.asarray(x) > 0, np.ones_like(x), np.zeros_like(x)),
])
def test_relu_grad_accepts_styles_that_keep_the_dtype(fn):
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed, r.message


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x: np.maximum(0, x), "ReLU itself"),
    (lambda x: (np.asarray(x) < 0).astype(float), "other way round"),
    (lambda x: np.heaviside(x, 2.0), "subgradient"),
    (lambda x: [1.0 if v > 0 else 0.0 for v in np.ravel(x)], "list"),
    (lambda x: 1.0 if x > 0 else 0.0, "element-wise"),
])
def test_relu_grad_rejects(fn, phrase):
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed is False
    assert phrase in r.message


# ----------------------------------------------------------------------------
# relu_layer_backward
# ----------------------------------------------------------------------------
def _copying(x, grad_out):
    out = np.array(grad_out, copy=True)
    if out.ndim == 0:
        return float(grad_out) if x > 0 else 0.0
    out[~(np.asarray(x) > 0)] = 0
    return out


@pytest.mark.parametrize("fn", [
    lambda x, g: g * (x > 0),
    lambda x, g: np.where(np.asarray(x) > 0, g, np.zeros_like(g)),
    lambda x, g: g * (x >= 0),          # subgradient 1 at exactly 0: acceptable
    _copying,
])
def test_relu_layer_backward_accepts(fn):
    r = checks.relu_layer_backward(fn, quiet=True)
    assert r.passed, r.message


def _mutating(x, g):
    g[x <= 0] = 0
    return g


def _mutating_x(x, g):
    out = g * (x > 0)
    if isinstance(x, np.ndarray):
        x[x < 0] = 0
    return out


def test_relu_layer_backward_in_place_hint_names_grad_out_not_x():
    r = checks.relu_layer_backward(_mutating, quiet=True)
    assert "grad_out" in r.message.split("\n")[1]
    assert "assigning into x" not in r.message


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x, g: g, "unchanged"),
    (lambda x, g: (np.asarray(x) > 0).astype(np.asarray(g).dtype), "only the mask"),
    (lambda x, g: g * (x < 0), "reversed"),
    (lambda x, g: g * np.maximum(0, x), "relu(x)"),
    (lambda x, g: x * (g > 0), "swapped"),
    (lambda x, g: (g * (x > 0)).ravel()[:1] if np.ndim(g) else g * (x > 0), "shape"),
    (_mutating, "changed grad_out in place"),
    (_mutating_x, "changed x in place"),
    (lambda x, g: -g * (x > 0), "sign is flipped"),
])
def test_relu_layer_backward_rejects(fn, phrase):
    r = checks.relu_layer_backward(fn, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message


@pytest.mark.parametrize("fn", [
    lambda x, g: (g * (x > 0)).astype(np.float64) if np.ndim(g) else g * (x > 0),
    lambda x, g: g * (np.asarray(x) > 0).astype(float),     # the chapter's worked example, mask = (x > 0).astype(float)
])
def test_relu_layer_backward_passes_float64_values_with_a_dtype_note(fn):
    r = checks.relu_layer_backward(fn, quiet=True)
    assert r.passed, r.message
    assert "Note: for float32 input your function returns float64" in r.message
    assert "grad_out * (x > 0) keeps" in r.message and r.details["keeps_dtype"] is False
    clean = checks.relu_layer_backward(lambda x, g: g * (x > 0), quiet=True)
    assert "Note" not in clean.message and clean.details["keeps_dtype"] is True


@pytest.mark.parametrize("fn", [
    lambda x, g: g * (np.asarray(x) > 1e-6),
    lambda x, g: g * (np.asarray(x) > 1e-12),
    lambda x, g: np.where(np.asarray(x) > 1e-7, g, 0 * g),
])
def test_relu_layer_backward_refuses_thresholds_near_zero(fn):
    r = checks.relu_layer_backward(fn, quiet=True)
    assert r.passed is False, r.message
    assert "within 1e-6 of 0" in r.message


def test_dtype_note_says_what_numpy_really_promotes_to():
    half = checks.relu_layer_backward(lambda x, g: (g * (x > 0)).astype(np.float16) if np.ndim(g) else g * (x > 0),
                                      quiet=True)
    assert half.passed is False or "float16 times float32 stays float32" in half.message
    note = cd._dtype_note(lambda x, g: (g * (x > 0)).astype(np.float16), [1.0, 2.0, -3.0], keep="k")
    assert "float16 times float32 stays float32" in note and "float64" not in note
    note = cd._dtype_note(lambda x, g: (g * (x > 0)).astype(np.float64), [1.0, 2.0, -3.0], keep="k")
    assert "float64 times float32 gives float64" in note
    note = cd._dtype_note(lambda x, g: (g * (x > 0)).astype(np.int64), [1.0, 2.0, -3.0], keep="k")
    assert "int64 times float32 gives float64" in note
    assert np.result_type(np.float16, np.float32) == np.float32       # the fact the note states


def test_relu_layer_backward_rejects_out_of_range_at_zero():
    r = checks.relu_layer_backward(lambda x, g: g * (x > 0) + 2 * g * (x == 0), quiet=True)
    assert r.passed is False
    assert "subgradient" in r.message


# ----------------------------------------------------------------------------
# he_std
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda n: np.sqrt(2.0 / n),
    lambda n: math.sqrt(2) / math.sqrt(n),
    lambda n: (2 / n) ** 0.5,
])
def test_he_std_accepts(fn):
    r = checks.he_std(fn, quiet=True)
    assert r.passed, r.message


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda n: math.sqrt(1 / n), "LeCun"),
    (lambda n: math.sqrt(2 / (n + 2 * n)), "fan-out"),
    (lambda n: 2 / n, "variance"),
    (lambda n: math.sqrt(2) / n, "instead of sqrt(fan_in)"),
    (lambda n: 1 / math.sqrt(2 * n), "numerator"),
    (lambda n: math.sqrt(n / 2), "upside down"),
    (lambda n: 0.01, "sqrt(2 / fan_in)"),
    (lambda n: [math.sqrt(2 / n)], "list"),
])
def test_he_std_rejects(fn, phrase):
    r = checks.he_std(fn, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message


def test_he_std_float32_passes_near_miss_and_text_fail():
    assert checks.he_std(lambda n: np.float32(np.sqrt(2 / n)), quiet=True).passed
    near = checks.he_std(lambda n: 1.001 * np.sqrt(2 / n), quiet=True)
    assert near.passed is False and "expected sqrt(2 / 64) = 0.1767767, got 0.1769535" in near.message
    text = checks.he_std(lambda n: str(np.sqrt(2 / n)), quiet=True)
    assert text.passed is False and "text" in text.message


# ----------------------------------------------------------------------------
# signal_50_layers (each call runs 4 networks of 50 layers: keep the count small)
# ----------------------------------------------------------------------------
def test_signal_accepts_he_function_and_list():
    r = checks.signal_50_layers(lambda n: np.sqrt(2 / n), quiet=True)
    assert r.passed, r.message
    ratios = r.details["ratios"]
    assert ratios.shape == (50,) and np.all((ratios >= 0.5) & (ratios <= 2))
    r2 = checks.signal_50_layers([math.sqrt(2 / cd.SIGNAL_WIDTH)] * 50, quiet=True)
    assert r2.passed, r2.message


@pytest.mark.parametrize(("init", "phrase"), [
    (lambda n: np.sqrt(1 / n), "shrunk"),
    (lambda n: 1.1 * np.sqrt(2 / n), "grown"),
    (lambda n: 2 / n, "shrunk"),
])
def test_signal_rejects_wrong_scales(init, phrase):
    r = checks.signal_50_layers(init, quiet=True, measure=False)
    assert r.passed is False
    assert phrase in r.message, r.message


@pytest.mark.parametrize(("init", "phrase"), [
    (None, "not implemented"),
    (_none, "not implemented"),
    (_raises, "RuntimeError"),
    (lambda n: "big", "positive number"),
    ([0.1] * 3, "50"),
    ([-0.1] * 50, "finite number >= 0"),
    (lambda n: 0.0, "positive"),
    (42, "grown"),                      # a number is a fixed std for every layer
    ({"std": 1}, "function"),
])
def test_signal_survives_garbage(init, phrase):
    r = checks.signal_50_layers(init, quiet=True, measure=False)
    assert r.passed is False
    assert phrase in r.message, r.message


# ----------------------------------------------------------------------------
# two_layer_gradient
# ----------------------------------------------------------------------------
def _reference_two_layer():
    p = checks.two_layer_net()
    dz = p["w2"] * (p["W1"] @ p["x"] + p["b1"] > 0)
    return p, p["W1"].T @ dz, np.outer(dz, p["x"])


def test_two_layer_gradient_accepts_styles():
    p, gx, gw = _reference_two_layer()
    assert checks.two_layer_gradient(gx, gw, quiet=True).passed
    assert checks.two_layer_gradient(gx.tolist(), gw.tolist(), quiet=True).passed
    assert checks.two_layer_gradient([1.5, -0.5], [[1, -2], [0, 0], [0.5, -1]], quiet=True).passed


def test_two_layer_net_is_fresh_copy():
    p = checks.two_layer_net()
    p["W1"][:] = 0
    assert checks.two_layer_net()["W1"].any()


@pytest.mark.parametrize(("which", "phrase"), [
    ("no_mask_x", "left out the ReLU"),
    ("relu_x", "relu(z)"),
    ("reversed_x", "reversed"),
    ("sign_x", "sign"),
    ("no_mask_w", "left out the ReLU"),
    ("transposed_w", "transposed"),
    ("sign_w", "sign"),
])
def test_two_layer_gradient_rejects(which, phrase):
    p, gx, gw = _reference_two_layer()
    z = p["W1"] @ p["x"] + p["b1"]
    wrong = {
        "no_mask_x": (p["W1"].T @ p["w2"], gw),
        "relu_x": (p["W1"].T @ (p["w2"] * np.maximum(0, z)), gw),
        "reversed_x": (p["W1"].T @ (p["w2"] * (z < 0)), gw),
        "sign_x": (-gx, gw),
        "no_mask_w": (gx, np.outer(p["w2"], p["x"])),
        "transposed_w": (gx, gw.T),
        "sign_w": (gx, -gw),
    }[which]
    r = checks.two_layer_gradient(*wrong, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message


def test_two_layer_gradient_hint_first_then_the_finite_differences():
    # issue 26 review: the first wrong answer was shown the finite differences, i.e. the answer
    p, gx, gw = _reference_two_layer()
    no_mask = p["W1"].T @ p["w2"]
    first = checks.two_layer_gradient(no_mask, gw, quiet=True)
    assert first.passed is False and "hint:" in first.message and "finite differences:" not in first.message
    assert "1.5" not in first.message
    second = checks.two_layer_gradient(no_mask, gw, quiet=True)
    assert "finite differences: array([ 1.5, -0.5])" in second.message


@pytest.mark.parametrize("args", [(None, None), ("abc", [[1]]), (object(), object()), ([np.nan, 0], np.zeros((3, 2)))])
def test_two_layer_gradient_survives_garbage(args):
    r = checks.two_layer_gradient(*args, quiet=True)
    assert r.passed is False


# ----------------------------------------------------------------------------
# sigmoid_vanishing_depth
# ----------------------------------------------------------------------------
def test_sigmoid_depth_accepts_only_the_exact_integer():
    from relubook import propagation

    target = propagation.vanishing_depth("sigmoid", 1e-6)
    assert target == 11  # 0.25 ** 10 < 1e-6 < 0.25 ** 9: the prediction the exercise asks for
    for d in (target, float(target), np.int64(target)):
        assert checks.sigmoid_vanishing_depth(d, quiet=True).passed
    for d in (target - 1, target + 1, target - 3):
        assert checks.sigmoid_vanishing_depth(d, quiet=True).passed is False
    low = checks.sigmoid_vanishing_depth(target - 1, quiet=True)
    assert "add layers" in low.message and "2.3e-06" in low.message
    high = checks.sigmoid_vanishing_depth(target + 1, quiet=True)
    assert "smallest depth" in high.message and f"depth {target}" in high.message
    half = checks.sigmoid_vanishing_depth(target - 0.5, quiet=True)
    assert half.passed is False and "whole number" in half.message


@pytest.mark.parametrize(("value", "phrase"), [
    (None, "not implemented"), ("11", "number of layers"), (True, "number of layers"),
    (-4, "not a depth"), (float("nan"), "whole number"), (1000, "not a depth"),
])
def test_sigmoid_depth_survives_garbage(value, phrase):
    r = checks.sigmoid_vanishing_depth(value, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message


def test_checkers_print_reports(capsys):
    checks.relu_layer_backward(lambda x, g: g * (x > 0))
    checks.he_std(_raises)
    checks.sigmoid_vanishing_depth(None)
    out = capsys.readouterr().out
    assert "relu_layer_backward: passed" in out
    assert "RuntimeError" in out
    assert "not implemented yet" in out


@pytest.mark.parametrize("checker", [checks.relu_grad, checks.relu_layer_backward, checks.he_std])
@pytest.mark.parametrize("fn", [_raises, _none, "not a function", lambda *a: "text", lambda *a: object()])
def test_function_checkers_never_raise(checker, fn):
    r = checker(fn, quiet=True)
    assert r.passed is False


# ----------------------------------------------------------------------------
# predict before computing: backward_signal_factor, vanishing_depth_prediction
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", [math.sqrt(0.5), 0.70, np.float64(0.71)])
def test_backward_signal_factor_accepts_derivation_and_measurement(value):
    r = checks.backward_signal_factor(value, quiet=True)
    assert r.passed, r.message
    assert 0.68 < r.details["measured"] < 0.72


@pytest.mark.parametrize(("value", "phrase"), [
    (0.5, "square root"), (0.25, "sigmoid"), (1.0, "He's weights"), (2, "below 1"), (0.8, "P(z > 0)"),
    (None, "not implemented"), ("0.7", "one number"), (float("nan"), "P(z > 0)"),
])
def test_backward_signal_factor_rejects_and_does_not_give_the_answer(value, phrase):
    r = checks.backward_signal_factor(value, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message
    assert "0.7071" not in r.message


def test_backward_signal_factor_tolerance_is_symmetric_and_takes_0d_arrays():
    assert checks.backward_signal_factor(np.sqrt(np.array(0.5)), quiet=True).passed
    assert checks.backward_signal_factor(np.array(0.7), quiet=True).passed
    assert checks.backward_signal_factor(0.69, quiet=True).passed is False
    assert checks.backward_signal_factor(0.72, quiet=True).passed is False


def test_depth_answers_take_0d_arrays_and_singular_layer():
    assert checks.vanishing_depth_prediction(np.array(11), quiet=True).passed
    assert checks.sigmoid_vanishing_depth(np.array(11), quiet=True).passed
    one = checks.vanishing_depth_prediction(1, quiet=True)
    assert "1 layer." in one.message


def test_vanishing_depth_prediction_exact_and_off_by_one():
    assert checks.vanishing_depth_prediction(11, quiet=True).passed
    assert checks.vanishing_depth_prediction(np.int64(11), quiet=True).passed
    ten = checks.vanishing_depth_prediction(10, quiet=True)
    assert ten.passed is False and "d - 1" not in ten.message and "9 backward steps" in ten.message
    twelve = checks.vanishing_depth_prediction(12, quiet=True)
    assert twelve.passed is False and "smallest depth" in twelve.message
    assert "more layers" in checks.vanishing_depth_prediction(6, quiet=True).message
    assert "whole number" in checks.vanishing_depth_prediction(10.5, quiet=True).message
    assert checks.vanishing_depth_prediction(None, quiet=True).passed is False
    assert checks.vanishing_depth_prediction("11", quiet=True).passed is False


# ----------------------------------------------------------------------------
# central_difference_prediction
# ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_misses():
    cd._MISSES.clear()
    yield
    cd._MISSES.clear()


def test_central_difference_prediction_hint_first_then_the_answer():
    first = checks.central_difference_prediction(1.0, 1.0, quiet=True)
    assert first.passed is False and "hint:" in first.message and "0.6" not in first.message
    second = checks.central_difference_prediction(1.0, 0.5, quiet=True)
    assert second.passed is False and "the answer, worked out" in second.message and "= 0.6" in second.message
    assert checks.central_difference_prediction(1.0, 0.6, quiet=True).passed
    again = checks.central_difference_prediction(0.5, 0.6, quiet=True)     # a pass resets the count
    assert "hint:" in again.message and "worked out" not in again.message


def test_central_difference_prediction_accepts_exact_and_computed():
    assert checks.central_difference_prediction(1.0, 0.6, quiet=True).passed
    fd = [(max(0.01 + h, 0) - max(0.01 - h, 0)) / (2 * h) for h in (0.005, 0.05)]
    assert fd[0] != 1.0                      # rounding: 0.9999999999999998
    assert checks.central_difference_prediction(*fd, quiet=True).passed
    assert checks.central_difference_prediction(np.array(1.0), np.float32(0.6), quiet=True).passed


@pytest.mark.parametrize(("small", "large", "phrase"), [
    (0.5, 0.6, "centred on the kink"), (1.0, 1.0, "both points on the line"), (1.0, 0.5, "not centred"),
    (1.0, 0.3, "flat side"), (float("nan"), 0.6, "right of the kink"), (None, 0.6, "not implemented"),
    ("1", 0.6, "one number"), (True, 0.6, "one number"), (1.0, [0.3], "one number"),
])
def test_central_difference_prediction_rejects_without_the_answer(small, large, phrase):
    r = checks.central_difference_prediction(small, large, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message
    assert "0.6" not in r.message.replace("0.06", "")


# ----------------------------------------------------------------------------
# relu_backward_from_output: derive the backward pass from h = relu(x)
# ----------------------------------------------------------------------------
def _from_output_copying(h, g):
    out = np.array(g, copy=True)
    if out.ndim == 0:
        return float(g) if h > 0 else 0.0
    out[~(np.asarray(h) > 0)] = 0
    return out


@pytest.mark.parametrize("fn", [
    lambda h, g: g * (h > 0),
    lambda h, g: np.where(np.asarray(h) > 0, g, np.zeros_like(g)),
    lambda h, g: g * np.sign(h),                      # sign of a ReLU output is the mask
    _from_output_copying,
])
def test_relu_backward_from_output_accepts(fn):
    r = checks.relu_backward_from_output(fn, quiet=True)
    assert r.passed, r.message


def _from_output_mutating(h, g):
    g[np.asarray(h) <= 0] = 0
    return g


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda h, g: g * (h >= 0), "inactive ones too"),
    (lambda h, g: g * h, "the output h"),
    (lambda h, g: g, "inactive"),
    (lambda h, g: (np.asarray(h) > 0).astype(np.asarray(g).dtype), "only the mask"),
    (lambda h, g: -g * (h > 0), "sign is flipped"),
    (lambda h, g: g * (np.asarray(h) > 1e-6), "h = "),
    (_from_output_mutating, "in place"),
    (_raises, "RuntimeError"),
    (_none, "not implemented"),
])
def test_relu_backward_from_output_rejects(fn, phrase):
    r = checks.relu_backward_from_output(fn, quiet=True)
    assert r.passed is False
    assert phrase in r.message, r.message


# ----------------------------------------------------------------------------
# signal_doubling: design stds that double the RMS over 50 layers
# ----------------------------------------------------------------------------
_HE = math.sqrt(2 / cd.SIGNAL_WIDTH)


@pytest.mark.parametrize("init", [
    lambda n: 2 ** (1 / 50) * np.sqrt(2 / n),
    lambda n: np.sqrt(2 * 2 ** (1 / 25) / n),                      # the same, written on the variance
    [2 ** (1 / 50) * _HE] * 50,
    [2 ** (1 / 10) * _HE] * 10 + [_HE] * 40,                      # all the growth in the first 10 layers
    lambda n: 2 ** (1 / 49) * np.sqrt(2 / n),                      # 49 steps: 2.03, inside the margin
])
def test_signal_doubling_accepts_designs(init):
    r = checks.signal_doubling(init, quiet=True, measure=False)
    assert r.passed, r.message


@pytest.mark.parametrize(("init", "phrase"), [
    (lambda n: np.sqrt(2 / n), "keeps the RMS"),
    (lambda n: np.sqrt(2 * 2 ** (1 / 50) / n), "not to their variance"),
    (lambda n: 2 ** (1 / 25) * np.sqrt(2 / n), "4 times"),
    (lambda n: 2 * np.sqrt(2 / n), "2 ** 50"),
    ([_HE / 1.2] * 5 + [_HE * 1.2 ** (5 / 45) * 2 ** (1 / 45)] * 45, "below the input's"),
    (None, "not implemented"),
    (_raises, "RuntimeError"),
    (lambda n: "big", "positive number"),
])
def test_signal_doubling_rejects(init, phrase):
    r = checks.signal_doubling(init, quiet=True, measure=False)
    assert r.passed is False
    assert phrase in r.message, r.message


def test_signal_doubling_margin_is_symmetric_in_ratio():
    lo, hi = 2 ** (1 - cd.DOUBLING_TOLERANCE), 2 ** (1 + cd.DOUBLING_TOLERANCE)
    for end, ok in ((lo * 1.01, True), (hi / 1.01, True), (lo / 1.01, False), (hi * 1.01, False)):
        assert checks.signal_doubling([_HE * end ** (1 / 50)] * 50, quiet=True, measure=False).passed is ok, end


def test_signal_doubling_reports_a_measured_run():
    r = checks.signal_doubling(lambda n: 2 ** (1 / 50) * np.sqrt(2 / n), quiet=True)
    assert r.passed and "measured on 8 networks" in r.message
    assert 1.0 < r.details["ratios"][-1] < 4.0        # the run scatters around the expected 2


def test_backward_from_output_on_single_numbers_points_at_asarray():
    """A natural array-only answer meets the checker's float case: the hint names the real cause."""
    from relubook import checks as _checks

    result = _checks.relu_backward_from_output(lambda h, g: g * (h > 0).astype(np.float64), quiet=True)
    assert not result.passed
    assert "AttributeError" in result.message and "np.asarray" in result.message
    assert _checks.relu_backward_from_output(lambda h, g: np.asarray(g) * (np.asarray(h) > 0), quiet=True).passed
