"""Tests of the chapter 3 checkers: accept correct styles, reject typical mistakes, never raise."""

import numpy as np
import pytest
from scipy import special

from relubook import activations, checks
from relubook.checks import variants as cv
from relubook.checks.definition import reset_attempts


@pytest.fixture(autouse=True)
def _fresh_attempts():
    """Every test starts as a learner's first try (the prediction checkers give a hint first, the answer after a
    second miss)."""
    reset_attempts()
    yield
    reset_attempts()


def run(checker, fn):
    result = checker(fn, quiet=True)
    assert isinstance(result.passed, bool) and isinstance(result.message, str)
    return result


# ----------------------------------------------------------------------------
# leaky_relu
# ----------------------------------------------------------------------------
def leaky_where(x, alpha=0.01):
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * x)


def leaky_mask(x, alpha=0.01):
    x = np.array(x, dtype=np.result_type(x, 1.0))  # a copy; float32 stays, integers become float64
    x[x <= 0] *= alpha
    return x


def leaky_split(x, alpha=0.01):
    x = np.asarray(x)
    return np.maximum(x, 0) + alpha * np.minimum(x, 0)


@pytest.mark.parametrize("fn", [activations.leaky_relu, leaky_where, leaky_mask, leaky_split])
def test_leaky_relu_accepts(fn):
    assert run(checks.leaky_relu, fn).passed


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x, alpha=0.01: np.maximum(alpha * np.asarray(x), x), "only when alpha <= 1"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, x, 0.01 * np.asarray(x)), "ignores alpha"),
    (lambda x, alpha=0.01: np.maximum(np.asarray(x), 0), "plain ReLU"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, alpha * np.asarray(x), x), "swapped"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, x, -alpha * np.asarray(x)), "wrong sign"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, 1.0, alpha).astype(np.asarray(x).dtype), "derivative"),
    (lambda x, alpha=0.01: np.asarray(x) * 1, "unchanged"),
])
def test_leaky_relu_rejects(fn, phrase):
    result = run(checks.leaky_relu, fn)
    assert result.passed is False
    assert phrase in result.message


def test_max_form_passes_every_case_with_alpha_at_most_one():
    # the max form only fails on the alpha = 2 case, so the report names that case
    result = run(checks.leaky_relu, lambda x, alpha=0.01: np.maximum(alpha * np.asarray(x), x))
    assert "alpha = 2" in result.message


def test_leaky_relu_needs_default_alpha():
    result = run(checks.leaky_relu, lambda x, alpha: np.where(x > 0, x, alpha * x))
    assert result.passed is False and "default" in result.message


# ----------------------------------------------------------------------------
# leaky_relu_grad
# ----------------------------------------------------------------------------
def grad_where(x, alpha=0.01):
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    return np.where(x > 0, 1.0, alpha).astype(dtype)


def grad_mask(x, alpha=0.01):  # integer masks times a float alpha give float64 for integer x
    x = np.asarray(x)
    return (x > 0).astype(x.dtype) + alpha * (x <= 0).astype(x.dtype)


def grad_right_at_zero(x, alpha=0.01):  # chooses 1 at the kink: a valid subgradient
    x = np.asarray(x)
    out = np.where(x >= 0, 1.0, alpha)  # float64
    return out.astype(x.dtype) if x.dtype.kind == "f" else out


def grad_truncating(x, alpha=0.01):  # right for float x, but .astype(x.dtype) turns alpha into 0 for int x
    x = np.asarray(x)
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


@pytest.mark.parametrize("fn", [activations.leaky_relu_grad, grad_where, grad_mask, grad_right_at_zero])
def test_leaky_relu_grad_accepts(fn):
    assert run(checks.leaky_relu_grad, fn).passed


@pytest.mark.parametrize(("fn", "phrase"), [
    (leaky_where, "leaky ReLU itself"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, 1.0, 0.01).astype(np.asarray(x).dtype), "ignores alpha"),
    (lambda x, alpha=0.01: (np.asarray(x) > 0).astype(np.asarray(x).dtype), "ReLU derivative"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, alpha, 1.0).astype(np.asarray(x).dtype), "swapped"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, 1.0, -alpha).astype(np.asarray(x).dtype), "wrong sign"),
    (lambda x, alpha=0.01: np.where(np.asarray(x) > 0, 1.0, np.where(np.asarray(x) == 0, 5.0, alpha)).astype(
        np.asarray(x).dtype), "subgradient"),
    (grad_truncating, "truncates alpha"),
])
def test_leaky_relu_grad_rejects(fn, phrase):
    result = run(checks.leaky_relu_grad, fn)
    assert result.passed is False
    assert phrase in result.message


WIDENING = {  # correct values, but float64 for a float32 input
    "leaky_relu": lambda x, alpha=0.01: np.where(np.asarray(x) > 0, x, alpha * np.asarray(x)).astype(np.float64),
    "leaky_relu_grad": lambda x, alpha=0.01: np.where(np.asarray(x) > 0, 1.0, alpha),
    "elu": lambda x, alpha=1.0: activations.elu(np.asarray(x, dtype=np.float64), alpha),
    "silu": lambda x: np.asarray(x, dtype=np.float64) * special.expit(np.asarray(x, dtype=np.float64)),
}
NARROWING = {  # float16 for a float32 input loses digits
    "leaky_relu": lambda x, alpha=0.01: np.asarray(activations.leaky_relu(x, alpha)).astype(np.float16)
    if np.asarray(x).dtype == np.float32 else activations.leaky_relu(x, alpha),
    "elu": lambda x, alpha=1.0: np.asarray(activations.elu(x, alpha)).astype(np.float16)
    if np.asarray(x).dtype == np.float32 else activations.elu(x, alpha),
}


@pytest.mark.parametrize("name", sorted(WIDENING))
def test_float64_for_float32_passes_with_a_note(name):
    result = run(getattr(checks, name), WIDENING[name])
    assert result.passed, result.message
    assert "note:" in result.message and "float32" in result.message and "float64" in result.message
    assert "np.maximum(0, x)" not in result.message  # chapter 1's hint does not fit these functions
    assert result.details["widened_dtype"] == "float32 in, float64 out"
    assert "note:" not in run(getattr(checks, name), getattr(activations, name)).message


@pytest.mark.parametrize("name", sorted(NARROWING))
def test_narrower_dtype_fails_with_a_hint_for_this_function(name):
    result = run(getattr(checks, name), NARROWING[name])
    assert result.passed is False
    assert "float16" in result.message and "cannot hold" in result.message
    assert "np.maximum(0, x)" not in result.message


def test_textbook_sigmoid_that_gives_nan_at_710_fails():
    def naive(x):
        x = np.asarray(x)
        return x * np.exp(x) / (1 + np.exp(x))

    with np.errstate(all="ignore"):
        assert np.isnan(naive(np.array([710.0])))[0]
    result = run(checks.silu, naive)
    assert result.passed is False and "710" in result.message


def test_leaky_relu_grad_integer_case_names_the_input():
    message = run(checks.leaky_relu_grad, grad_truncating).message
    assert "integer array" in message and "int64" in message and "float64" in message


# ----------------------------------------------------------------------------
# elu
# ----------------------------------------------------------------------------
def elu_where(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_mask(x, alpha=1.0):
    x = np.array(x, dtype=np.result_type(x, 1.0))  # a copy; float32 stays, integers become float64
    neg = x <= 0
    x[neg] = alpha * (np.exp(x[neg]) - 1)  # exp only of the negative entries: no overflow
    return x


def elu_clipped_exp(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


@pytest.mark.parametrize("fn", [activations.elu, elu_where, elu_mask, elu_clipped_exp])
def test_elu_accepts(fn):
    assert run(checks.elu, fn).passed


def naive_elu(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x, alpha=1.0: elu_where(x, 1.0), "ignores alpha"),
    (lambda x, alpha=1.0: np.maximum(np.asarray(x), 0), "plain ReLU"),
    (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * np.exp(np.minimum(x, 0))), "forgot the - 1"),
    (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, -alpha * np.expm1(np.minimum(x, 0))), "wrong sign"),
    (lambda x, alpha=1.0: np.where(np.asarray(x) > 0, 1.0, alpha * np.exp(np.minimum(x, 0))).astype(
        np.asarray(x).dtype), "derivative"),
])
def test_elu_rejects(fn, phrase):
    result = run(checks.elu, fn)
    assert result.passed is False
    assert phrase in result.message


def test_elu_overflow_reported_as_a_note():
    result = run(checks.elu, naive_elu)
    assert result.passed and "note" in result.message and "overflow" in result.message


# ----------------------------------------------------------------------------
# silu
# ----------------------------------------------------------------------------
def silu_stable_where(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return x * np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def silu_tanh(x):
    x = np.asarray(x)
    return x * 0.5 * (1 + np.tanh(0.5 * x))


@pytest.mark.parametrize("fn", [activations.silu, lambda x: np.asarray(x) * special.expit(x),
                                silu_stable_where, silu_tanh])
def test_silu_accepts(fn):
    assert run(checks.silu, fn).passed


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x: special.expit(x), "sigmoid alone"),
    (lambda x: np.asarray(x) * special.expit(-np.asarray(x)), "sigmoid(-x)"),
    (lambda x: np.asarray(x) * np.tanh(x), "tanh"),
    (lambda x: np.maximum(np.asarray(x), 0), "ReLU"),
    (lambda x: activations.silu_grad(x), "derivative"),
])
def test_silu_rejects(fn, phrase):
    result = run(checks.silu, fn)
    assert result.passed is False
    assert phrase in result.message


# ----------------------------------------------------------------------------
# robustness: never raise
# ----------------------------------------------------------------------------
def raises(*args):
    raise ValueError("boom")


def mutates(x, alpha=0.01):
    x = np.asarray(x)
    x *= 0
    return x


def scalar_only(x, alpha=0.01):
    return x if x > 0 else alpha * x


GARBAGE = [raises, lambda *a: None, lambda *a: [1, 2], lambda *a: "text", lambda *a: np.zeros(2),
           lambda *a: object(), mutates, scalar_only, 42, None]


@pytest.mark.parametrize("checker", [checks.leaky_relu, checks.leaky_relu_grad, checks.elu, checks.silu])
@pytest.mark.parametrize("fn", GARBAGE)
def test_function_checkers_never_raise(checker, fn):
    result = run(checker, fn)
    assert result.passed is False


def test_none_is_not_implemented_yet():
    for checker in [checks.leaky_relu, checks.leaky_relu_grad, checks.elu, checks.silu]:
        assert "not implemented yet" in run(checker, lambda *a: None).message
    assert "vectoris" in run(checks.leaky_relu, scalar_only).message
    assert "in place" in run(checks.leaky_relu, mutates).message


# ----------------------------------------------------------------------------
# quiz
# ----------------------------------------------------------------------------
def truth():
    return {n for n in activations.names()
            if abs(float(activations.get(n).grad(-3.0, **activations.get(n).params))) > 1e-3}


def test_quiz_truth_is_from_the_registry():
    assert cv.nonzero_gradient_truth().keys() == truth()
    assert "gelu" in truth() and "relu" not in truth() and "relu6" not in truth()


def test_quiz_accepts_names_labels_and_lists():
    t = truth()
    assert checks.quiz_nonzero_gradient(t, quiet=True).passed
    assert checks.quiz_nonzero_gradient(sorted(t), quiet=True).passed
    labels = {activations.get(n).label for n in t}
    assert checks.quiz_nonzero_gradient(labels, quiet=True).passed
    assert checks.quiz_nonzero_gradient((t - {"silu"}) | {"swish"}, quiet=True).passed


@pytest.mark.parametrize(("answer", "phrase"), [
    (lambda t: t - {"gelu"}, "missing: gelu"),
    (lambda t: t - {"tanh"}, "missing: tanh"),
    (lambda t: t | {"relu"}, "not non-zero: relu"),
    (lambda t: t | {"relu6"}, "flat on the whole negative side"),
    (lambda t: t | {"banana"}, "not in the registry"),
    (lambda t: "elu", "expected a set"),
    (lambda t: {1, 2}, "not a name"),
    (lambda t: set(), "missing"),
])
def test_quiz_rejects(answer, phrase):
    assert checks.quiz_nonzero_gradient(answer(truth()), quiet=True).passed is False
    result = checks.quiz_nonzero_gradient(answer(truth()), quiet=True)  # the second miss names the answer
    assert result.passed is False
    assert phrase in result.message


def test_quiz_first_miss_gives_a_hint_not_the_answer():
    # issue 26 review: an empty set used to be answered with the list of all eleven names
    first = checks.quiz_nonzero_gradient(set(), quiet=True)
    assert first.passed is False and "11 missing" in first.message and "run the cell once more" in first.message
    assert not any(n in first.message for n in truth())
    second = checks.quiz_nonzero_gradient(set(), quiet=True)
    assert "missing: leaky_relu" in second.message


def test_quiz_none_and_garbage():
    assert "not implemented yet" in checks.quiz_nonzero_gradient(None, quiet=True).message
    assert checks.quiz_nonzero_gradient(3.5, quiet=True).passed is False
    assert checks.quiz_nonzero_gradient(object(), quiet=True).passed is False


# ----------------------------------------------------------------------------
# widget exercise
# ----------------------------------------------------------------------------
def exact_alpha():
    # mean of ELU on N(0,1) is 1/sqrt(2 pi) + alpha (e^{1/2} Phi(-1) - 1/2): zero at
    return -(1 / np.sqrt(2 * np.pi)) / (np.exp(0.5) * special.ndtr(-1) - 0.5)


def test_elu_alpha_reference_is_the_closed_form():
    assert cv._elu_zero_mean_reference() == pytest.approx(exact_alpha(), abs=1e-8)
    assert exact_alpha() == pytest.approx(activations.SELU_ALPHA, abs=1e-8)


@pytest.mark.parametrize("offset", [0.0, 0.04, -0.04])
def test_elu_alpha_accepts_within_tolerance(offset):
    assert checks.elu_zero_mean_alpha(exact_alpha() + offset, quiet=True).passed
    assert checks.elu_zero_mean_alpha(np.float32(exact_alpha()), quiet=True).passed


@pytest.mark.parametrize(("alpha", "phrase"), [
    (1.0, "larger"), (1.5, "larger"), (2.0, "smaller"), (-1.0, "positive"), (0, "positive"),
    ("1.67", "expected a number"), (float("nan"), "positive"), (True, "expected a number"),
])
def test_elu_alpha_rejects(alpha, phrase):
    result = checks.elu_zero_mean_alpha(alpha, quiet=True)
    assert result.passed is False
    assert phrase in result.message


def test_elu_alpha_none():
    assert "not implemented yet" in checks.elu_zero_mean_alpha(None, quiet=True).message


# ----------------------------------------------------------------------------
# derive or predict: Maxout pieces and SELU's fixed point
# ----------------------------------------------------------------------------
@pytest.mark.parametrize(("pieces", "target"), [
    ([(1.0, 0.0), (0.0, 0.0)], "relu"),
    ([(0, 0), (1, 0)], "relu"),                          # order and ints do not matter
    (np.array([[1.0, 0.0], [0.0, 0.0]]), "relu"),
    ([(1.0, 0.0), (0.0, 0.0), (0.5, -10.0)], "relu"),    # a piece that is never the max is harmless
    ([(1.0, 0.0), (0.01, 0.0)], "leaky_relu"),
])
def test_maxout_accepts(pieces, target):
    result = cv.maxout_pieces(pieces, target, quiet=True)
    assert result.passed, result.message


@pytest.mark.parametrize(("pieces", "target", "phrase"), [
    ([(1.0, 0.0), (-1.0, 0.0)], "relu", "w = 0 and b = 0"),        # that is |x|
    ([(1.0, 0.0), (0.011, 0.0)], "leaky_relu", "0.011"),           # near miss
    ([(1.0, 0.0), (0.01, 1e-3)], "leaky_relu", "every b is 0"),
    ([(1.0, 0.0), (0.0, 0.0)], "leaky_relu", "alpha = 0.01"),      # ReLU is not leaky
    ([(1.0, 0.0)], "relu", "at least two"),
    ("relu", "relu", "list of (w, b)"),
    ([(1.0, 0.0, 2.0), (0.0, 0.0)], "relu", "pair"),
    ([(1.0, "a"), (0.0, 0.0)], "relu", "two numbers"),
    ([(1.0, 0.0), (0.0, 0.0)], "elu", "target must be"),
])
def test_maxout_rejects(pieces, target, phrase):
    result = cv.maxout_pieces(pieces, target, quiet=True)
    assert result.passed is False and phrase in result.message, result.message


def test_maxout_none_is_todo_and_unit_is_the_max():
    assert "not implemented yet" in cv.maxout_pieces(None, quiet=True).message
    np.testing.assert_array_equal(cv.maxout_unit([(1, 0), (-1, 0)], [-2.0, 3.0]), [2.0, 3.0])


def test_selu_exercise_run_lands_near_the_fixed_point():
    m, v = cv.selu_exercise_moments()
    assert abs(m) < 0.05 and 0.9 < v < 1.15


@pytest.mark.parametrize(("mean", "variance"), [(0, 1), (0.0, 1.0), (np.float32(0.02), 1.1)])
def test_selu_fixed_point_accepts(mean, variance):
    assert cv.selu_fixed_point(mean, variance, quiet=True).passed


@pytest.mark.parametrize(("mean", "variance", "phrase"), [
    (0, 4, "does not stay at 4"),
    (0.5, 1.0, "mean is pulled to 0"),
    (0, 9, "fixed point of SELU is mean 0 and variance 1"),
    (0, 0.7, "shrinks by a constant factor"),
    ("0", 1, "should be a number"),
    (0, -1, "finite number >= 0"),
    (None, 1, "not implemented yet"),
])
def test_selu_fixed_point_rejects(mean, variance, phrase):
    assert cv.selu_fixed_point(mean, variance, quiet=True).passed is False
    result = cv.selu_fixed_point(mean, variance, quiet=True)  # the second miss shows the measured run
    assert result.passed is False and phrase in result.message, result.message


def test_selu_fixed_point_first_miss_hides_the_measured_run():
    m, v = cv.selu_exercise_moments()
    first = cv.selu_fixed_point(0, 4, quiet=True)
    assert first.passed is False and "does not stay at 4" in first.message
    assert f"{v:.3f}" not in first.message and "(0, 1)" not in first.message
    second = cv.selu_fixed_point(0, 4, quiet=True)
    assert f"{v:.3f}" in second.message


# ----------------------------------------------------------------------------
# Near misses found in review: integer input, NaN/inf, far-away Maxout pieces
# ----------------------------------------------------------------------------
def _keep_dtype(f):
    """Wrap a correct function in the tempting ``.astype(x.dtype)``, which truncates integer input."""
    def g(x, *args):
        return np.asarray(f(x, *args)).astype(np.asarray(x).dtype)
    return g


@pytest.mark.parametrize(("checker", "fn"), [
    (checks.leaky_relu, _keep_dtype(leaky_where)),
    (checks.elu, _keep_dtype(lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x,
                                                            alpha * np.expm1(np.minimum(x, 0))))),
    (checks.silu, _keep_dtype(lambda x: np.asarray(x) * special.expit(x))),
])
def test_integer_input_truncated_by_astype_fails_with_the_dtype_hint(checker, fn):
    result = run(checker, fn)
    assert result.passed is False
    assert "integer array" in result.message and "truncated to integers" in result.message


def test_leaky_relu_that_turns_nan_into_zero_fails():
    result = run(checks.leaky_relu, lambda x, alpha=0.01: np.nan_to_num(leaky_where(x, alpha)))
    assert result.passed is False
    assert "NaN input must give NaN" in result.message


def test_elu_that_turns_nan_into_zero_fails():
    def elu_nan0(x, alpha=1.0):
        x = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0, posinf=np.inf, neginf=-np.inf)
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    result = run(checks.elu, elu_nan0)
    assert result.passed is False
    assert "NaN" in result.message


@pytest.mark.parametrize(("pieces", "target"), [
    ([(1.0, 0.0), (0.0, 0.0), (-1.0, -10.0)], "relu"),        # wins for x < -10
    ([(1.0, 0.0), (0.01, 0.0), (1.5, -100.0)], "leaky_relu"),  # wins for x > 200
])
def test_maxout_piece_that_wins_far_from_zero_fails(pieces, target):
    result = checks.maxout_pieces(pieces, target, quiet=True)
    assert result.passed is False
    assert "on [-5, 5], but at x =" in result.message


def test_maxout_huge_slope_fails_without_a_warning():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = checks.maxout_pieces([(1e308, 0.0), (0.0, 0.0)], "relu", quiet=True)
    assert result.passed is False and "could not check" not in result.message


def test_maxout_redundant_piece_that_never_wins_passes():
    assert checks.maxout_pieces([(1.0, 0.0), (0.0, 0.0), (0.5, -100.0)], "relu", quiet=True).passed


def test_mask_style_that_keeps_integer_dtype_fails_with_a_hint():
    def leaky_mask_int(x, alpha=0.01):
        x = np.array(x, copy=True)
        x[x <= 0] *= alpha  # raises for an integer array (float into int)
        return x
    result = run(checks.leaky_relu, leaky_mask_int)
    assert result.passed is False
    assert "integer array" in result.message and "result_type" in result.message


def test_maxout_abs_target_accepts_the_two_lines_and_rejects_relu_pieces():
    assert checks.maxout_pieces([(-1.0, 0.0), (1.0, 0.0)], "abs", quiet=True).passed
    result = checks.maxout_pieces([(1.0, 0.0), (0.0, 0.0)], "abs", quiet=True)
    assert result.passed is False and "-x on the left" in result.message


# ----------------------------------------------------------------------------
# prelu_grad_alpha (exercise 9: derived on paper first)
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    activations.prelu_grad_alpha,
    lambda x, a: np.minimum(np.asarray(x, dtype=np.result_type(x, 1.0)), 0),
    lambda x, a: np.where(np.asarray(x) > 0, 0.0, x),
    lambda x, a: np.minimum(np.asarray(x, dtype=float), 0),
])
def test_prelu_grad_alpha_accepts(fn):
    assert run(checks.prelu_grad_alpha, fn).passed


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x, a: np.where(np.asarray(x) > 0, 1.0, a), "with respect to x"),
    (lambda x, a: a * np.minimum(np.asarray(x), 0), "without the a"),
    (lambda x, a: (np.asarray(x) <= 0).astype(float), "not 1"),
    (lambda x, a: np.maximum(np.asarray(x), 0), "wrong side"),
    (lambda x, a: 1.01 * np.minimum(np.asarray(x), 0), "expected"),
    (lambda x, a: np.nan_to_num(np.minimum(np.asarray(x, dtype=float), 0)), "NaN stays NaN"),
    (lambda x, a: 1 / 0, "ZeroDivisionError"),
])
def test_prelu_grad_alpha_rejects(fn, phrase):
    result = run(checks.prelu_grad_alpha, fn)
    assert result.passed is False
    assert phrase in result.message


# ----------------------------------------------------------------------------
# issue 26: values decide, not warnings; ±inf is stated in the tasks; integer input gives float64
# ----------------------------------------------------------------------------
def _quiet_naive_elu(x, alpha=1.0):
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def _quiet_naive_silu(x):
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        return x / (1 + np.exp(-x))


@pytest.mark.parametrize(("checker", "fn"), [(checks.elu, naive_elu), (checks.elu, _quiet_naive_elu),
                                             (checks.silu, lambda x: np.asarray(x) / (1 + np.exp(-np.asarray(x)))),
                                             (checks.silu, _quiet_naive_silu)])
def test_right_values_pass_whether_or_not_warnings_are_silenced(checker, fn):
    result = run(checker, fn)
    assert result.passed, result.message
    assert "without an overflow warning" not in result.message  # no praise for what errstate hides


def test_a_warning_becomes_a_note_not_a_failure():
    loud, quiet = run(checks.elu, naive_elu), run(checks.elu, _quiet_naive_elu)
    assert "note: NumPy warned" in loud.message and "np.minimum(x, 0)" in loud.message
    assert "NumPy warned" not in quiet.message
    assert "NumPy warned" not in run(checks.elu, elu_where).message


@pytest.mark.parametrize("fn", [
    lambda x, alpha=1.0: np.asarray(x) * (np.asarray(x) > 0) + alpha * (np.exp(x) - 1) * (np.asarray(x) <= 0),
    lambda x, alpha=1.0: _quiet_masked_elu(x, alpha),
])
def test_elu_whose_overflow_reaches_the_values_fails(fn):
    result = run(checks.elu, fn)
    assert result.passed is False and "inf * 0 = nan" in result.message


def _quiet_masked_elu(x, alpha=1.0):
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        return x * (x > 0) + alpha * (np.exp(x) - 1) * (x <= 0)


@pytest.mark.parametrize("fn", [
    lambda x: np.asarray(x) * np.exp(x) / (1 + np.exp(x)),  # inf at 709, nan from 710
    lambda x: _quiet(lambda: np.asarray(x) * np.exp(x) / (1 + np.exp(x))),
    lambda x: _quiet(lambda: np.asarray(x) * (np.exp(x) / (1 + np.exp(x)))),  # nan in float32 from 89, float64 from 710
])
def test_silu_whose_overflow_reaches_the_values_fails(fn):
    result = run(checks.silu, fn)
    assert result.passed is False
    assert "709" in result.message or "710" in result.message or "89" in result.message


def _quiet(thunk):
    with np.errstate(all="ignore"):
        return thunk()


def test_the_gate_idiom_is_refused_on_inf_with_a_hint_that_names_it():
    def leaky_gate(x, alpha=0.01):
        x = np.asarray(x)
        return x * (x > 0) + alpha * x * (x <= 0)

    finite = np.array([-3.0, -0.5, 0.0, 0.5, 2.0])
    assert np.allclose(leaky_gate(finite, 0.2), activations.leaky_relu(finite, 0.2))  # right wherever x is finite
    result = run(checks.leaky_relu, leaky_gate)
    assert result.passed is False and "inf * 0" in result.message and "np.where" in result.message

    result = run(checks.prelu_grad_alpha, lambda x, a: np.asarray(x, dtype=float) * (np.asarray(x) <= 0))
    assert result.passed is False and "inf * 0" in result.message


def test_the_tasks_state_the_inf_requirement():
    from pathlib import Path

    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parent.parent / "solutions" / "03_variants.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("## 1.", "## 3.", "## 4."):
        task = text.split(heading, 1)[1].split("\n## ", 1)[0]
        assert "inf" in task, heading


def test_prelu_grad_alpha_integer_input_needs_float64():
    bad = run(checks.prelu_grad_alpha, lambda x, a: np.minimum(np.asarray(x), 0))
    assert bad.passed is False and "float64" in bad.message and "integer" in bad.message
    good = run(checks.prelu_grad_alpha, lambda x, a: np.minimum(np.asarray(x, dtype=np.result_type(x, 1.0)), 0))
    assert good.passed, good.message


# ----------------------------------------------------------------------------
# derive and predict: the exact zero-mean alpha, the matched initialisation, the gradient-flow prediction
# ----------------------------------------------------------------------------
def test_exact_zero_mean_alpha_is_selus_and_a_slider_value_is_not_enough():
    from scipy import special

    exact = (1 / np.sqrt(2 * np.pi)) / (0.5 - np.exp(0.5) * special.ndtr(-1))
    result = checks.elu_zero_mean_alpha(exact, tol=1e-6, quiet=True)
    assert result.passed and "SELU's alpha" in result.message
    slider = checks.elu_zero_mean_alpha(1.67, tol=1e-6, quiet=True)
    assert slider.passed is False and "not exact" in slider.message
    assert checks.elu_zero_mean_alpha(1.67, quiet=True).passed  # the explorer's tolerance is unchanged


@pytest.mark.parametrize("value", [2 / 1.04, np.float32(2 / 1.04), 1.9230769230769231, 1.923, 1.92])
def test_matched_init_accepts(value):
    # the exercise is worked on paper: the value rounded to three decimals is right too (issue 26 review)
    result = checks.matched_init(value, quiet=True)
    assert result.passed, result.message
    assert "1.92308" in result.message


@pytest.mark.parametrize("value", [1.93, 1.915, 1.9])
def test_matched_init_rejects_a_wrong_rounding(value):
    assert checks.matched_init(value, quiet=True).passed is False


@pytest.mark.parametrize(("value", "phrase"), [
    (2.0, "ReLU's"), (2 / 1.2, "squared"), (1 / 1.04, "half"), (1.9, "sigma^2 = 1 / (n E[f(z)^2])"),
    ("1.92", "expected a number"), (float("nan"), "differs"),
])
def test_matched_init_rejects(value, phrase):
    result = checks.matched_init(value, quiet=True)
    assert result.passed is False and phrase in result.message


def test_matched_init_none_is_todo():
    assert "not implemented yet" in checks.matched_init(None, quiet=True).message


def test_gradient_flow_prediction_accepts_the_one_layer_prediction():
    from relubook import self_normalisation as sn

    m = sn.gaussian_moments("softplus")
    predicted = np.sqrt(m["grad_square"] / m["mean_square"]) ** 29
    assert checks.gradient_flow_prediction(predicted, quiet=True).passed
    assert checks.gradient_flow_prediction(predicted * 2.5, quiet=True).passed


@pytest.mark.parametrize(("value", "phrase"), [
    (1.0, "chi"), (0.3185**29, "sqrt(chi)"), (-1.0, "positive"), ("small", "expected a number"),
])
def test_gradient_flow_prediction_rejects(value, phrase):
    result = checks.gradient_flow_prediction(value, quiet=True)
    assert result.passed is False and phrase in result.message


def test_gradient_flow_prediction_first_miss_hides_the_measured_median():
    median = f"{np.median(cv.flow_exercise_ratios()):.2g}"
    first = checks.gradient_flow_prediction(1e-14, quiet=True)
    assert first.passed is False and median not in first.message and "once more" in first.message
    assert median in checks.gradient_flow_prediction(1e-14, quiet=True).message


# ----------------------------------------------------------------------------
# prelu_slope_grad: one slope per channel (exercise 9, a design task)
# ----------------------------------------------------------------------------
def _slope_loop(x, a, grad_out):
    out = np.zeros(x.shape[1])
    for i in range(x.shape[0]):
        for c in range(x.shape[1]):
            if x[i, c] <= 0:
                out[c] += grad_out[i, c] * x[i, c]
    return out


@pytest.mark.parametrize("fn", [
    lambda x, a, g: np.sum(g * np.minimum(x, 0), axis=0),
    lambda x, a, g: (g * np.where(x > 0, 0.0, x)).sum(axis=0),
    lambda x, a, g: np.einsum("ic,ic->c", g, np.minimum(x, 0)),
    _slope_loop,
    lambda x, a, g: list(np.sum(g * np.minimum(x, 0), axis=0)),
])
def test_prelu_slope_grad_accepts(fn):
    result = checks.prelu_slope_grad(fn, quiet=True)
    assert result.passed, result.message


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x, a, g: g * np.minimum(x, 0), "shared by the whole batch"),
    (lambda x, a, g: np.sum(g * np.minimum(x, 0), axis=1), "summed over the channels"),
    (lambda x, a, g: np.mean(g * np.minimum(x, 0), axis=0), "a mean, not a sum"),
    (lambda x, a, g: np.sum(a * g * np.minimum(x, 0), axis=0), "without the a"),
    (lambda x, a, g: np.sum(np.minimum(x, 0), axis=0), "grad_out"),
    (lambda x, a, g: np.sum(g * x, axis=0), "only the negative side"),
    (lambda x, a, g: np.sum(g * np.where(x > 0, 1.0, a), axis=0), "with respect to x"),
    (lambda x, a, g: 1.01 * np.sum(g * np.minimum(x, 0), axis=0), "expected"),
    (lambda x, a, g: 1 / 0, "ZeroDivisionError"),
    (lambda x, a, g: None, "not implemented yet"),
    (42, "expected a function"),
])
def test_prelu_slope_grad_rejects(fn, phrase):
    result = checks.prelu_slope_grad(fn, quiet=True)
    assert result.passed is False and phrase in result.message


def _slope_in_place(x, a, grad_out):  # right values, but overwrites grad_out (issue 26 review)
    grad_out *= np.minimum(x, 0)
    return grad_out.sum(axis=0)


def _slope_clips_x(x, a, grad_out):  # right values, but overwrites x
    np.minimum(x, 0, out=x)
    return (grad_out * x).sum(axis=0)


@pytest.mark.parametrize(("fn", "argument"), [(_slope_in_place, "grad_out"), (_slope_clips_x, "x")])
def test_prelu_slope_grad_rejects_changing_an_argument_in_place(fn, argument):
    result = checks.prelu_slope_grad(fn, quiet=True)
    assert result.passed is False and f"changed its argument {argument} in place" in result.message


# ----------------------------------------------------------------------------
# maxout_exact: exercise 7's closing question, collected (issue 26 review)
# ----------------------------------------------------------------------------
RIGHT_MAXOUT = [False, True, False, False, True]


@pytest.mark.parametrize("verdicts", [RIGHT_MAXOUT, tuple(RIGHT_MAXOUT), np.array(RIGHT_MAXOUT)])
def test_maxout_exact_accepts(verdicts):
    result = checks.maxout_exact(verdicts, quiet=True)
    assert result.passed, result.message
    assert "max(x + 1, 3 - x)" in result.message


@pytest.mark.parametrize("verdicts", [
    [False] * 5,                       # "nothing but ReLU-like functions", forgetting max(2x, x) and |x - 1| + 2
    [True, True, False, False, True],  # Leaky ReLU with alpha = 2 is concave
    [False, True, True, False, True],  # ReLU6 bends down
    [False, True, False, True, True],  # squared ReLU is curved
    [True] * 5,
])
def test_maxout_exact_rejects_with_a_hint_then_the_answer(verdicts):
    first = checks.maxout_exact(verdicts, quiet=True)
    assert first.passed is False and "hint:" in first.message and "yes," not in first.message
    second = checks.maxout_exact(verdicts, quiet=True)
    assert second.passed is False
    wrong = [i for i, (v, r) in enumerate(zip(verdicts, RIGHT_MAXOUT, strict=True)) if v != r]
    assert all(f"({'abcde'[i]})" in second.message for i in wrong)


@pytest.mark.parametrize("verdicts", ["yes", [1, 0, 0, 0, 1], [False, True], {"a": False}, 3])
def test_maxout_exact_refuses_malformed_answers(verdicts):
    result = checks.maxout_exact(verdicts, quiet=True)
    assert result.passed is False and "verdicts" in result.message


def test_maxout_exact_none_is_todo():
    assert "not implemented yet" in checks.maxout_exact(None, quiet=True).message
