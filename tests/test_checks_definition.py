"""Tests of the chapter 1 checkers: relu, predictions, identity, neuron target, hat from hinges, kinks."""

import numpy as np
import pytest

from relubook import checks
from relubook.checks.definition import PREDICTION_INPUTS, reset_attempts
from relubook.hinges import NEURON_TARGET


@pytest.fixture(autouse=True)
def _fresh_attempts():
    """Every test starts as a learner's first try (checkers give a hint first, the answer after a second miss)."""
    reset_attempts()
    yield
    reset_attempts()


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
    first = _run(checks.hat_from_hinges, hinges)
    result = _run(checks.hat_from_hinges, hinges)      # the second miss gives the whole hint
    assert first.passed is False and result.passed is False
    for phrase in phrases:
        assert phrase in result.message
    assert "add a hinge (" not in first.message       # the first miss names the place, not the missing hinge


def test_hat_first_miss_hints_second_miss_answers():
    first = _run(checks.hat_from_hinges, [(1, -1), (-2, 0)])
    assert "does not bend there." in first.message and "Look again" in first.message
    assert "add a hinge" not in first.message and "by +1" not in first.message
    second = _run(checks.hat_from_hinges, [(1, -1), (-2, 0)])
    assert "by +1, but your sum does not bend there: add a hinge (1, 1)" in second.message
    assert _run(checks.hat_from_hinges, [(1, -1), (-2, 0), (1, 1)]).passed
    again = _run(checks.hat_from_hinges, [(1, -1), (-2, 0)])
    assert "add a hinge" not in again.message          # a pass starts the count afresh


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
    assert "not implemented yet" in _run(checks.hat_from_hinges, None).message
    assert "not implemented yet" in _run(checks.predict_kinks, None, None).message


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
    first = _run(checks.relu_predictions, [3.0, 0.0, 0.0, 0.0, 1.5, 0.0, 0.0011])
    assert "you wrote 0.0011" in first.message and "expected" not in first.message
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


_RIGHT_COUNTEREXAMPLES = {"b": 2.0, "c": (1.0, -1.0)}


@pytest.mark.parametrize("convert", [list, tuple, np.array, lambda v: dict(zip("abcdef", v, strict=True)),
                                     lambda v: {f"({k})": b for k, b in zip("abcdef", v, strict=True)}])
@pytest.mark.parametrize("counterexamples", [
    _RIGHT_COUNTEREXAMPLES,
    {"(b)": -3, "C": [5, -7.5]},                      # other keys, ints, a list, other breaking inputs
    {"b": np.float32(0.5), "c": np.array([-2.0, 3.0]), "a": -1.0},   # an extra, harmless input for a True claim
])
def test_properties_accept_right_verdicts(convert, counterexamples):
    result = _run(checks.relu_properties, convert(_RIGHT_VERDICTS), counterexamples)
    assert result.passed, result.message


@pytest.mark.parametrize("holds, counterexamples, phrases", [
    ([True] * 6, {}, ["4 of 6", "marked True fails", "Look again"]),
    ([True, False, True, True, True, True], {"b": 2}, ["5 of 6", "marked True fails"]),
    ([True, False, False, True, False, True], {"b": 2, "c": (1, -1), "e": 3},
     ["5 of 6", "(e)", "at x = 3 both sides are 0", "does not break it"]),
    ([True, False, False, True, True, True], {"b": 2, "c": (1, 2)},      # (c) right, its input breaks nothing
     ["(c)", "at x = 1, y = 2 both sides are 3", "does not break it"]),
    ([True, False, False, True, True, True], {"b": 0.0, "c": (1, -1)}, ["(b)", "at x = 0 both sides are 0"]),
    ([True, False, False, True, True, True], {"b": 2}, ["(c)", "no counterexample"]),
    ([False] * 6, {k: 1.0 if k != "c" else (1, -1) for k in "abcdef"}, ["2 of 6", "(a)", "does not break it"]),
])
def test_properties_first_miss_gives_a_hint_not_the_answer(holds, counterexamples, phrases):
    result = _run(checks.relu_properties, holds, counterexamples)
    assert result.passed is False
    for phrase in phrases:
        assert phrase in result.message
    assert "you said it" not in result.message          # no verdict is given away on the first miss


@pytest.mark.parametrize("holds, counterexamples, phrases", [
    ([True] * 6, {}, ["(b) relu(-x) = -relu(x)", "you said it holds", "fails for some inputs", "x = 2",
                      "(c)", "x = 1, y = -1"]),
    ([True, False, False, True, False, True], {"b": 2, "c": (1, -1), "e": 3},
     ["(e)", "you said it fails", "holds for every input"]),
    ([False] * 6, {k: 1.0 if k != "c" else (1, -1) for k in "abcdef"}, ["(a)", "homogeneity"]),
])
def test_properties_second_miss_gives_the_answer(holds, counterexamples, phrases):
    first = _run(checks.relu_properties, holds, counterexamples)
    second = _run(checks.relu_properties, holds, counterexamples)
    assert not first.passed and not second.passed
    for phrase in phrases:
        assert phrase in second.message
    assert "Look again" not in second.message


def test_properties_a_right_verdict_with_a_weak_counterexample_gets_the_answer_on_the_second_miss():
    holds, weak = [True, False, False, True, True, True], {"b": 0.0, "c": (1.0, 1.0)}
    first = _run(checks.relu_properties, holds, weak)
    second = _run(checks.relu_properties, holds, weak)
    assert not first.passed and "6 of 6" in first.message and "x = 2" not in first.message
    assert not second.passed and "does fail, but not at your input" in second.message
    assert "x = 2" in second.message and "x = 1, y = -1" in second.message  # a breaking input for each


def test_properties_hint_does_not_say_a_true_claim_can_be_broken():
    """(e) holds: an input that does not break it must not be met by 'find one that does'."""
    result = _run(checks.relu_properties, [True, False, False, True, False, True], {"b": 2, "c": (1, -1), "e": 1.0})
    assert "does not break it" in result.message and "Can you find one that does" not in result.message


def test_properties_a_pass_forgets_earlier_misses():
    _run(checks.relu_properties, [True] * 6, {})
    assert _run(checks.relu_properties, _RIGHT_VERDICTS, _RIGHT_COUNTEREXAMPLES).passed
    again = _run(checks.relu_properties, [True] * 6, {})
    assert "Look again" in again.message and "you said it" not in again.message


def test_properties_own_counterexample_contradicts_a_true_verdict():
    result = _run(checks.relu_properties, [True, True, False, True, True, True], {"b": 2.0, "c": (1, -1)})
    assert result.passed is False and "your own input x = 2 breaks it" in result.message


@pytest.mark.parametrize("holds, counterexamples, phrases", [
    (["True", False, False, True, True, True], _RIGHT_COUNTEREXAMPLES, ["(a)", "text", "True or False"]),
    ([1, 0, 0, 1, 1, 1], _RIGHT_COUNTEREXAMPLES, ["True or False"]),
    ([True, False, False], _RIGHT_COUNTEREXAMPLES, ["expected 6 verdicts"]),
    ({"a": True}, _RIGHT_COUNTEREXAMPLES, ["keys"]),
    ("TFFTTT", _RIGHT_COUNTEREXAMPLES, ["list of 6"]),
    (np.maximum, _RIGHT_COUNTEREXAMPLES, ["list of 6"]),
    (_RIGHT_VERDICTS, None, ["not implemented yet", "give an input that breaks each"]),
    (_RIGHT_VERDICTS, [2.0, (1, -1)], ["should be a dict"]),
    (_RIGHT_VERDICTS, {"b": 2.0, "c": 1.0}, ["(c) should be a pair (x, y)"]),
    (_RIGHT_VERDICTS, {"b": (2.0, 1.0), "c": (1, -1)}, ["(b) should be one number x"]),
    (_RIGHT_VERDICTS, {"b": float("nan"), "c": (1, -1)}, ["finite"]),       # nan would "break" every claim
    (_RIGHT_VERDICTS, {"b": float("inf"), "c": (1, -1)}, ["finite"]),
    (_RIGHT_VERDICTS, {"z": 2.0}, ["not one of the letters"]),
    (_RIGHT_VERDICTS, {"b": "2", "c": (1, -1)}, ["write a number"]),
])
def test_properties_reject_malformed_answers(holds, counterexamples, phrases):
    result = _run(checks.relu_properties, holds, counterexamples)
    assert result.passed is False
    for phrase in phrases:
        assert phrase in result.message


def test_properties_todo_and_garbage_never_raise():
    assert "not implemented yet" in _run(checks.relu_properties, None).message
    for garbage in (object(), 3, [None] * 6, {1: 2}, float("nan")):
        assert _run(checks.relu_properties, garbage).passed is False
        assert _run(checks.relu_properties, _RIGHT_VERDICTS, garbage).passed is False


# ---------------------------------------------------------------- relu: near misses at 0, loops

@pytest.mark.parametrize("fn, phrase", [
    (lambda x: x * (x > -1e-9), "tiny negative input"),
    (lambda x: np.where(x > -1e-12, x, 0), "tiny negative input"),
    (lambda x: x * (x > 1e-12), "tiny positive input"),
    (lambda x: np.where(x >= 1e-300, x, 0.0), "tiny positive input"),
])
def test_relu_rejects_thresholds_that_are_not_zero(fn, phrase):
    result = _run(checks.relu, fn)
    assert result.passed is False
    assert phrase in result.message and "tiny numbers on both sides of 0" in result.message


def _loop_relu(x):
    x = np.asarray(x)
    out = np.empty(x.shape, dtype=x.dtype)
    for i, v in np.ndenumerate(x):
        out[i] = v if v > 0 else 0
    return out


def _comprehension_relu(x):
    x = np.asarray(x)
    return np.array([v if v > 0 else 0.0 for v in x.ravel()], dtype=x.dtype).reshape(x.shape)


def _generator_relu(x):
    x = np.asarray(x)
    return np.fromiter((max(v, 0.0) for v in x.ravel()), dtype=x.dtype, count=x.size).reshape(x.shape)


def _c_level_map_relu(x):  # no Python step per element: caught by the timing
    from functools import partial
    x = np.asarray(x)
    return np.fromiter(map(partial(max, 0.0), x.ravel()), dtype=x.dtype, count=x.size).reshape(x.shape)


@pytest.mark.parametrize("fn, phrase", [
    (_loop_relu, "once per element"),
    (_comprehension_relu, "once per element"),
    (_generator_relu, "once per element"),
    (np.vectorize(lambda v: max(0.0, v)), "np.vectorize, which is a loop too"),
    (_c_level_map_relu, "times slower"),
])
def test_relu_rejects_python_loops_that_give_right_values(fn, phrase):
    result = _run(checks.relu, fn)
    assert result.passed is False
    assert "the values are right" in result.message and phrase in result.message


@pytest.mark.parametrize("fn", [
    lambda x: np.maximum(x, 0.0), lambda x: x * (x >= 0), lambda x: (x + np.abs(x)) / 2,
    lambda x: np.where(x > 0, x, 0.0), lambda x: np.piecewise(x, [x > 0], [lambda v: v, 0]),
    lambda x: x * np.heaviside(x, 0), lambda x: np.select([x > 0], [x], 0),
])
def test_relu_accepts_more_vectorised_styles(fn):
    result = _run(checks.relu, fn)
    assert result.passed, result.message


def _forgets_0d(x):
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x.item()        # the input itself, unrectified
    return np.maximum(0, x)


def test_relu_checks_0d_arrays():
    assert _run(checks.relu, lambda x: np.maximum(0, x)).passed
    result = _run(checks.relu, _forgets_0d)
    assert result.passed is False and "0-d array" in result.message
    broken = _run(checks.relu, lambda x: np.array([max(0.0, v) for v in x]))   # iterates: no 0-d, no float
    assert broken.passed is False


# ---------------------------------------------------------------- predict: hint first, answer second

def test_kinks_hint_first_then_the_answer():
    first = _run(checks.predict_kinks, [-1, 0, 2], [0, 1, -1, 0])
    assert "is not 1" in first.message and "Look again" in first.message and "the slope is 2" not in first.message
    second = _run(checks.predict_kinks, [-1, 0, 2], [0, 1, -1, 0])
    assert "the slope is 2, you wrote 1" in second.message
    wrong_kinks = _run(checks.predict_kinks, [-2, 0, 2], [0, 2, -1, 0])
    assert "the answer: f bends at x = [-1.0, 0.0, 2.0]" in wrong_kinks.message


# ---------------------------------------------------------------- predict the order of the hinge fit of cos

@pytest.mark.parametrize("order", [2, 2.0, np.float32(1.9), np.int64(2), 2.2])
def test_order_prediction_accepts_about_two(order):
    assert _run(checks.hinge_order_prediction, order).passed


@pytest.mark.parametrize("order, phrase", [
    (1.5, "slope of cos x"), (1.47, "slope of cos x"), (-1.0, "positive"), (3.0, "k^-2"), (1.0, "two error sources"),
    ("2", "one number"), (True, "one number"), ([2.0], "one number"), (float("nan"), "finite"),
])
def test_order_prediction_rejects_wrong_answers_with_a_hint_first(order, phrase):
    first = _run(checks.hinge_order_prediction, order)
    assert first.passed is False and phrase in first.message
    assert "the answer:" not in first.message and "2.01" not in first.message


def test_order_prediction_gives_the_answer_after_a_second_miss():
    _run(checks.hinge_order_prediction, 1.5)
    second = _run(checks.hinge_order_prediction, 1.5)
    assert "the answer: p = 2.01" in second.message
    assert "not implemented yet" in _run(checks.hinge_order_prediction, None).message


# ---------------------------------------------------------------- design: max(a, b) from ReLU

@pytest.mark.parametrize("fn", [
    lambda a, b, relu: b + relu(a - b),
    lambda a, b, relu: a + relu(b - a),
    lambda a, b, relu: (a + b + relu(a - b) + relu(b - a)) / 2,
    lambda a, b, relu: np.add(b, relu(np.subtract(a, b))),
])
def test_max_from_relu_accepts_equivalent_forms(fn):
    assert _run(checks.max_from_relu, fn).passed


@pytest.mark.parametrize("fn, phrase", [
    (lambda a, b, relu: b - relu(b - a), "smaller one"),
    (lambda a, b, relu: relu(a - b), "alone"),
    (lambda a, b, relu: relu(a - b) + relu(b - a), "|a - b|"),
    (lambda a, b, relu: relu(a) + relu(b), "which ReLU"),
    (lambda a, b, relu: np.maximum(a, b), "never called"),
    (lambda a, b, relu: np.append(b + relu(a - b), 0.0), "same shape"),
    (lambda a, b, relu: 1 / 0, "raised ZeroDivisionError"),
])
def test_max_from_relu_rejects_near_misses(fn, phrase):
    result = _run(checks.max_from_relu, fn)
    assert result.passed is False and phrase in result.message


def test_max_from_relu_todo_and_garbage():
    assert "not implemented yet" in _run(checks.max_from_relu, lambda a, b, relu: None).message
    assert _run(checks.max_from_relu, 3).passed is False
