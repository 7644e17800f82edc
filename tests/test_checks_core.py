"""Tests of the checker machinery: it reports, it never raises, and it can fail."""

from __future__ import annotations

import numpy as np
import pytest

from relubook import activations, checks
from relubook.checks import _core


def _run(fn):
    return _core.check_function("relu", fn, activations.relu, _core.standard_cases(), quiet=True)


def test_reference_passes_and_report_is_printed(capsys):
    result = _core.check_function("relu", activations.relu, activations.relu, _core.standard_cases())
    assert result.passed and bool(result)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize(("fn", "phrase"), [
    (lambda x: None, "not implemented yet"),
    (lambda x: 1 / 0, "ZeroDivisionError"),
    (lambda x: [0.0], "returned a list"),
    (lambda x: np.zeros(2), "shape"),
    (lambda x: "relu", "expected"),
    (lambda x: np.maximum(0, x).astype(np.float64) if np.ndim(x) else max(0.0, x), "float32"),
    (lambda x: np.exp(np.asarray(x) * 1e6) * 0 + np.maximum(0, x), "NumPy warned"),
    (lambda x, y: x, "TypeError"),
    (42, "expected a function"),
])
def test_broken_functions_get_a_report_not_an_exception(fn, phrase):
    result = _run(fn)
    assert result.passed is False
    assert phrase in result.message


def test_a_function_mutating_its_input_is_caught():
    def mutate(x):
        if isinstance(x, np.ndarray):
            x[x < 0] = 0
            return x
        return max(0.0, x)

    result = _run(mutate)
    assert not result.passed and "in place" in result.message


def test_checker_bug_is_reported_not_raised():
    def bad_reference(x):
        raise RuntimeError("reference broke")

    result = _core.check_function("relu", activations.relu, bad_reference, _core.standard_cases(), quiet=True)
    assert not result.passed and "checker itself failed" in result.message


def test_check_value_cases():
    assert _core.check_value("q", [0, 0.5], [0, 0.5], quiet=True).passed
    assert "not implemented" in _core.check_value("q", None, [1], quiet=True).message
    assert "shape" in _core.check_value("q", [1, 2], [1, 2, 3], quiet=True).message
    assert "index (1,)" in _core.check_value("q", [1, 3], [1, 2], quiet=True).message
    assert not _core.check_value("q", ["a"], [1], quiet=True).passed


def test_result_displays_nothing_more_in_a_notebook():
    result = checks.relu(activations.relu, quiet=True)
    assert result._ipython_display_() is None
    assert "passed=True" in repr(result)


def test_standard_cases_are_seeded():
    a, b = _core.standard_cases(), _core.standard_cases()
    for ca, cb in zip(a, b, strict=True):
        np.testing.assert_array_equal(ca.args[0], cb.args[0])


def test_the_in_place_hint_names_the_argument_that_changed():
    def backward(x, grad_out):
        grad_out *= x > 0  # mutates grad_out, not x
        return grad_out

    def reference(x, grad_out):
        return grad_out * (x > 0)

    cases = [_core.Case((np.array([-1.0, 2.0]), np.array([3.0, 4.0])), "two numbers")]
    result = _core.check_function("backward", backward, reference, cases, arg_names=("x", "grad_out"), quiet=True)
    assert not result.passed
    assert "changed its input grad_out in place" in result.message
    assert "assigning into grad_out" in result.message and "np.maximum(0, x)" not in result.message


def test_a_number_written_as_text_fails():
    result = _run(lambda x: str(np.maximum(0, x)) if np.ndim(x) == 0 else np.maximum(0, x))
    assert not result.passed and "expected a number, got the text" in result.message
