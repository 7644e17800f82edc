"""relubook._args.check_int: the one check of the package's integer arguments."""

from __future__ import annotations

import numpy as np
import pytest

from relubook._args import check_int


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(2)])
def test_integers_pass_as_python_ints(value):
    out = check_int(value, "width")
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value", [True, 2.0, "3", None, [1]])
def test_non_integers_are_a_type_error_naming_the_argument(value):
    with pytest.raises(TypeError, match="width must be an int"):
        check_int(value, "width")


def test_the_minimum_is_a_value_error_and_none_means_no_bound():
    with pytest.raises(ValueError, match="steps must be an int >= 2, got 1"):
        check_int(1, "steps", 2)
    assert check_int(0, "seed", 0) == 0 and check_int(-5, "count", None) == -5
