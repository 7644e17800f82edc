"""Tests of the chapter 1 checkers: relu, predictions, identity, neuron target, hat from hinges, kinks."""

import numpy as np
import pytest

from relubook import checks
from relubook.checks.definition import PREDICTION_INPUTS
from relubook.hinges import NEURON_TARGET


def _run(checker, *args):
    result = checker(*args, quiet=True)
    assert isinstance(result.passed, bool)
    assert isinstance(result.message, str) and result.message
    return result


# ---------------------------------------------------------------- relu

def _relu_where(x):
    x = np.asarray(x)
    return np.where(x > 0, x, np.zeros_like(x))


def _relu_mask(x):
    x = np.asarray(x)
    return x * (x > 0)


@pytest.mark.parametrize("fn", [lambda x: np.maximum(0, x), _relu_where, _relu_mask,
                                lambda x: np.clip(x, 0, None)])
def test_relu_accepts_correct_styles(fn):
    assert _run(checks.relu, fn).passed


def _scalar_relu(x):
    if x > 0:
        return x
    return 0.0


@pytest.mark.parametrize("fn, phrase", [
    (lambda x: x, "unchanged"),
    (np.abs, "|x|"),
    (lambda x: np.minimum(0, x), "min(0, x)"),
    (lambda x: (np.asarray(x) > 0).astype(np.asarray(x).dtype), "step"),
    (_scalar_relu, "vectorisation"),
    (lambda x: list(np.maximum(0, x)) if np.ndim(x) else max(0.0, x), "list"),
    (lambda x: np.maximum(1e-9, x), "exact"),
    (lambda x: np.maximum(-1e-9, x), "exact"),
    (lambda x: np.maximum(0, x).astype(np.float32), "keep the input's dtype"),
    (lambda x: np.round(np.maximum(0, x), 6), "exact"),
])
def test_relu_rejects_typical_mistakes(fn, phrase):
    result = _run(checks.relu, fn)
    assert result.passed is False
    assert phrase in result.message


def test_relu_float64_for_float32_passes_with_a_note():
    result = _run(checks.relu, lambda x: np.maximum(0.0, np.asarray(x, dtype=np.float64)))
    assert result.passed
    assert "note" in result.message and "float32" in result.message and "keeps the input's dtype" in result.message
    plain = _run(checks.relu, lambda x: np.maximum(0, x))
    assert "note" not in plain.message


def test_relu_near_miss_names_input_expected_and_actual():
    result = _run(checks.relu, lambda x: np.maximum(1e-9, x))
    assert "x = -2.0" in result.message and "expected 0.0" in result.message and "got 1e-09" in result.message
    assert "hint:" in result.message


@pytest.mark.parametrize("fn, phrase", [
    (np.vectorize(lambda v: max(0, v)), "integer dtype"),        # max(0, v) gives the int 0 first
    (lambda x: np.maximum(0, x).astype(int), "integer dtype"),
    (lambda x: np.maximum(0.01 * x, x), "leaky ReLU with slope 0.01"),
    (lambda x: np.where(x > 0, x, 0.1 * x), "leaky ReLU with slope 0.1"),
    (lambda x: x.clip(0), "a single number must work too"),          # array-only code, float input
])
def test_relu_names_the_specific_mistake(fn, phrase):
    result = _run(checks.relu, fn)
    assert result.passed is False
    assert phrase in result.message


def test_relu_floor_is_not_called_leaky():
    result = _run(checks.relu, lambda x: np.maximum(1e-9, x))
    assert "leaky" not in result.message and "exact" in result.message


def test_chapter_relu_passes():
    def relu(x):
        return np.maximum(0, x)

    assert _run(checks.relu, relu).passed


# ---------------------------------------------------------------- predictions

def _expected_predictions():
    return [max(0.0, x) for x in PREDICTION_INPUTS]


@pytest.mark.parametrize("convert", [list, tuple, np.array, lambda v: [int(a) if a == int(a) else a for a in v]])
def test_predictions_accept_correct_answer_in_several_forms(convert):
    assert _run(checks.relu_predictions, convert(_expected_predictions())).passed


@pytest.mark.parametrize("wrong, phrase", [
    ([abs(x) for x in PREDICTION_INPUTS], "absolute"),
    (list(PREDICTION_INPUTS), "input itself"),
    ([min(0.0, x) for x in PREDICTION_INPUTS], "negative part"),
    ([float(x > 0) for x in PREDICTION_INPUTS], "step"),
    (_expected_predictions()[:-1], "expected 7 predictions"),
    ("0, 0, 1", "text"),
    (["zero"] * len(PREDICTION_INPUTS), "text"),
    (np.maximum, "not a function"),
    (3.0, "single number"),
])
def test_predictions_reject_typical_mistakes(wrong, phrase):
    result = _run(checks.relu_predictions, wrong)
    assert result.passed is False
    assert phrase in result.message


def test_predictions_name_the_first_wrong_input():
    answer = _expected_predictions()
    i = PREDICTION_INPUTS.index(-0.25)
    answer[i] = -0.25
    result = _run(checks.relu_predictions, answer)
    assert result.passed is False
    assert "x = -0.25" in result.message and f"position {i}" in result.message


def test_predictions_not_implemented():
    result = _run(checks.relu_predictions, None)
    assert result.passed is False and "not implemented yet" in result.message


# ---------------------------------------------------------------- identity

def _reconstruct_plain(x, relu):
    return relu(x) - relu(-x)


def _reconstruct_named(x, relu):
    positive = relu(x)
    negative = relu(-x)
    return positive - negative


def _reconstruct_stacked(x, relu):
    parts = [relu(x), relu(-x)]
    return np.subtract(*parts)


@pytest.mark.parametrize("fn", [_reconstruct_plain, _reconstruct_named, _reconstruct_stacked])
def test_identity_accepts_correct_styles(fn):
    assert _run(checks.relu_identity, fn).passed


@pytest.mark.parametrize("fn, phrase", [
    (lambda x, relu: relu(x) + relu(-x), "|x|"),
    (lambda x, relu: relu(-x) - relu(x), "sign is flipped"),
    (lambda x, relu: relu(x), "loses the negative"),
    (lambda x, relu: relu(x) - relu(x), "cancelled"),
    (lambda x, relu: np.array(x, copy=True), "never computed"),
    (lambda x, relu: np.maximum(0, x) - np.maximum(0, -x), "never computed"),
    (lambda x, relu: [relu(x) - relu(-x)], "list"),
])
def test_identity_rejects_typical_mistakes(fn, phrase):
    result = _run(checks.relu_identity, fn)
    assert result.passed is False
    assert phrase in result.message


def _mutating(x, relu):
    if isinstance(x, np.ndarray):
        x -= 0
        x *= -1
    return relu(x) - relu(-x)


def test_identity_reports_mutation_and_none():
    result = _run(checks.relu_identity, _mutating)
    assert result.passed is False and "in place" in result.message
    todo = _run(checks.relu_identity, lambda x, relu: None)
    assert todo.passed is False and "not implemented yet" in todo.message
    assert "reconstruct" in todo.message


# ---------------------------------------------------------------- neuron target

def test_neuron_target_accepts_the_target_in_several_forms():
    tw, tb = NEURON_TARGET
    assert _run(checks.neuron_target, tw, tb).passed
    assert _run(checks.neuron_target, int(tw), int(tb)).passed
    assert _run(checks.neuron_target, np.float32(tw), np.float64(tb)).passed
    # a slider value that is off by float rounding still matches
    assert _run(checks.neuron_target, tw + 1e-9, tb - 1e-9).passed


@pytest.mark.parametrize("w, b, phrase", [
    (-NEURON_TARGET[0], NEURON_TARGET[1], "negative"),
    (0.0, 1.0, "w = 0"),
    (NEURON_TARGET[0], NEURON_TARGET[1] + 1.0, "change b"),
    (NEURON_TARGET[0] / 2, NEURON_TARGET[1] / 2, "steepness"),
    (NEURON_TARGET[0] + 0.3, NEURON_TARGET[1], "away from the target"),
    ("-2", 1.0, "finite number"),
    (float("nan"), 1.0, "finite number"),
    (True, 1.0, "finite number"),
])
def test_neuron_target_rejects_wrong_settings(w, b, phrase):
    result = _run(checks.neuron_target, w, b)
    assert result.passed is False
    assert phrase in result.message


def test_neuron_target_not_implemented():
    result = _run(checks.neuron_target, None, None)
    assert result.passed is False and "not implemented yet" in result.message


# ---------------------------------------------------------------- robustness

def _raises(*args):
    raise RuntimeError("boom")


@pytest.mark.parametrize("garbage", [_raises, lambda *a: "text", lambda *a: object(), lambda *a: np.ones(2),
                                     lambda *a: {"x": 1}, lambda *a: np.array(["a", "b"])])
def test_function_checkers_never_raise(garbage):
    for checker in (checks.relu, checks.relu_identity):
        result = _run(checker, garbage)
        assert result.passed is False


@pytest.mark.parametrize("garbage", [object(), {"a": 1}, [[1, 2], [3]], [None] * 7, b"bytes", float("inf")])
def test_value_checkers_never_raise(garbage):
    assert _run(checks.relu_predictions, garbage).passed is False
    assert _run(checks.neuron_target, garbage, garbage).passed is False


def test_reports_are_printed(capsys):
    checks.relu_predictions(None)
    assert "relu_predictions" in capsys.readouterr().out


# ---------------------------------------------------------------- hat from hinges

@pytest.mark.parametrize("hinges", [
    [(1, -1), (-2, 0), (1, 1)],
    [(1.0, 1.0), (1.0, -1.0), (-2.0, 0.0)],          # any order
    ((1, -1), (-1, 0), (-1, 0), (1, 1)),              # a hinge split in two
    np.array([[1, -1], [-2, 0], [1, 1], [5, 4], [-5, 4]]),  # cancelling hinges far away
])
def test_hat_accepts_correct_sums(hinges):
    assert _run(checks.hat_from_hinges, hinges).passed


@pytest.mark.parametrize("hinges, phrases", [
    ([(1, -1), (-2, 0)], ["x = 1.5", "does not bend there: add a hinge (1, 1)"]),
    ([(1, -1), (-1, 0), (1, 1)], ["at x = 0", "by -2", "add up to -1"]),
    ([(1, -1), (-1, 0)], ["at x = 0", "by -2", "add up to -1"]),   # the solution's "weight -1 at the peak"
    ([(-1, 1), (0, -2), (1, 1)], ["(t, a)", "weight first"]),      # pairs written the other way round
    ([(1, 0), (-2, 1), (1, 2)], ["at x = -1", "add a hinge (1, -1)"]),  # the hat shifted by one
    ([(2, -1), (-4, 0), (2, 1)], ["at x = -1", "add up to +2"]),   # twice the hat
    ([(-1, -1), (2, 0), (-1, 1)], ["points down"]),
    ([(1, 1), (-2, 0), (1, -1.5)], ["bends at x"]),
    ([(1, -1), (-2, 0), (1, 1.001)], ["bends at x"]),
    ("[(1, -1)]", ["text"]),
    ([1, 2, 3], ["pairs"]),
    ({-1: 1}, ["dict"]),
    (np.maximum, ["not a function"]),
    ([(np.nan, 0)], ["finite"]),
])
def test_hat_rejects_near_misses(hinges, phrases):
    result = _run(checks.hat_from_hinges, hinges)
    assert result.passed is False
    for phrase in phrases:
        assert phrase in result.message


def test_hat_names_input_expected_and_actual():
    result = _run(checks.hat_from_hinges, [(1, -1), (-1, 0), (1, 1)])
    assert "at x = 0.5 the hat is 0.5 but your sum gives 1" in result.message


# ---------------------------------------------------------------- predict the kinks

@pytest.mark.parametrize("kinks, slopes", [
    ([-1, 0, 2], [0, 2, -1, 0]),
    ([2, 0, -1], [0, 2, -1, 0]),                  # kinks in any order
    (np.array([-1.0, 0.0, 2.0]), (0.0, 2.0, -1.0, 0.0)),
])
def test_kinks_accept_correct_predictions(kinks, slopes):
    assert _run(checks.predict_kinks, kinks, slopes).passed


@pytest.mark.parametrize("kinks, slopes, phrase", [
    ([1, 0, -2], [0, 2, -1, 0], "sign is flipped"),
    ([-2, 0, 2], [0, 2, -1, 0], "not at -2"),
    ([-1, 0], [0, 2, -1], "3 places"),
    ([-1, 0, 2], [2, -3, 1], "weights"),
    ([-1, 0, 2], [0, 2, -3, 1], "slope changes"),
    ([-1, 0, 2], [0, 1, -2, -1], "adds slope 2"),
    ([-1, 0, 2], [1, 2, -1, 0], "flat there"),
    ([-1, 0, 2], [0, 2, -1, 0.5], "x > 2"),
    ("-1, 0, 2", [0, 2, -1, 0], "list of numbers"),
    ([-1, 0, 2], [[0, 2], [-1, 0]], "flat list"),
])
def test_kinks_reject_wrong_predictions(kinks, slopes, phrase):
    result = _run(checks.predict_kinks, kinks, slopes)
    assert result.passed is False
    assert phrase in result.message


def test_kinks_reversed_slopes_are_named():
    result = _run(checks.predict_kinks, [-1, 0, 2], [0, -1, 2, 0])
    assert result.passed is False and "right to left" in result.message


def test_kink_exercise_constants_describe_the_same_function():
    from relubook import hinges

    x = np.linspace(-4, 4, 161)
    f = np.maximum(0, 2 * x + 2) - 3 * np.maximum(0, x) + np.maximum(0, x - 2)
    assert np.allclose(hinges.hinge_sum(checks.definition.KINK_HINGES, x), f)
    assert np.allclose(hinges.hinge_sum(checks.definition.HAT_HINGES, x), hinges.hat(x))


@pytest.mark.parametrize("garbage", [object(), {"a": 1}, [[1, 2], [3]], [None] * 3, b"bytes", float("inf"), 3])
def test_new_value_checkers_never_raise(garbage):
    assert _run(checks.hat_from_hinges, garbage).passed is False
    assert _run(checks.predict_kinks, garbage, garbage).passed is False
    assert _run(checks.predict_kinks, [-1, 0, 2], garbage).passed is False
    assert _run(checks.hat_from_hinges, None).message.startswith("📝")
    assert _run(checks.predict_kinks, None, None).message.startswith("📝")


@pytest.mark.parametrize("wrong, phrase", [
    ([[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], "flat list"),        # one pair of brackets too many
    ([3.0, 0.0, None, 0.0, 1.5, 0.0, 0.001], "not a number"),
    ([3.0, 0.0, float("nan"), 0.0, 1.5, 0.0, 0.001], "not a number"),
])
def test_predictions_name_malformed_entries(wrong, phrase):
    result = _run(checks.relu_predictions, wrong)
    assert result.passed is False and phrase in result.message


def test_predictions_accept_float32_and_show_full_values():
    assert _run(checks.relu_predictions, np.maximum(0, np.array(PREDICTION_INPUTS, dtype=np.float32))).passed
    result = _run(checks.relu_predictions, [3.0, 0.0, 0.0, 0.0, 1.5, 0.0, 0.0011])
    assert "expected 0.001, got 0.0011" in result.message


@pytest.mark.parametrize("w, b", [(np.array(-2.0), np.array(1.0)), (np.float32(-2.0), 1)])
def test_neuron_target_accepts_numpy_scalars(w, b):
    assert _run(checks.neuron_target, w, b).passed


def test_neuron_target_huge_values_fail_without_raising():
    result = _run(checks.neuron_target, 1e308, 1e308)
    assert result.passed is False and "could not check" not in result.message
    assert _run(checks.neuron_target, np.True_, 1.0).passed is False


# ---------------------------------------------------------------- which properties hold

_RIGHT_VERDICTS = [truth for _, truth, _ in checks.PROPERTY_CLAIMS]


def test_property_claims_verdicts_are_true_to_numpy():
    rng = np.random.default_rng(0)
    x, y = 3 * rng.standard_normal(10_000), 3 * rng.standard_normal(10_000)
    relu = lambda v: np.maximum(0, v)  # noqa: E731
    sides = [(relu(3 * x), 3 * relu(x)), (relu(-x), -relu(x)), (relu(x + y), relu(x) + relu(y)),
             (relu(relu(x)), relu(x)), (relu(x) * relu(-x), np.zeros_like(x)), (relu(x) - relu(-x), x)]
    assert [np.array_equal(a, b) for a, b in sides] == _RIGHT_VERDICTS


@pytest.mark.parametrize("convert", [list, tuple, np.array, lambda v: dict(zip("abcdef", v, strict=True)),
                                     lambda v: {f"({k})": b for k, b in zip("abcdef", v, strict=True)}])
def test_properties_accept_right_verdicts(convert):
    assert _run(checks.relu_properties, convert(_RIGHT_VERDICTS)).passed


@pytest.mark.parametrize("holds, phrases", [
    ([True] * 6, ["4 of 6", "(b) relu(-x) = -relu(x)", "you said it holds", "fails for some inputs", "x = 2"]),
    ([True, False, True, True, True, True], ["(c)", "x = 1, y = -1"]),      # additivity: the classic slip
    ([True, False, False, True, False, True], ["(e)", "you said it fails", "holds for every input"]),
    ([False] * 6, ["2 of 6", "(a)", "homogeneity"]),
    (["True", False, False, True, True, True], ["(a)", "text", "True or False"]),
    ([1, 0, 0, 1, 1, 1], ["True or False"]),
    ([True, False, False], ["expected 6 verdicts"]),
    ({"a": True}, ["keys"]),
    ("TFFTTT", ["list of 6"]),
    (np.maximum, ["list of 6"]),
])
def test_properties_reject_wrong_verdicts(holds, phrases):
    result = _run(checks.relu_properties, holds)
    assert result.passed is False
    for phrase in phrases:
        assert phrase in result.message


def test_properties_todo_and_garbage_never_raise():
    assert _run(checks.relu_properties, None).message.startswith("📝")
    for garbage in (object(), 3, [None] * 6, {1: 2}, float("nan")):
        assert _run(checks.relu_properties, garbage).passed is False
