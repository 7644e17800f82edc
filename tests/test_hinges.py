"""relubook.hinges: the hinge fit with and without a linear term, its convergence order, random smooth targets."""

import numpy as np
import pytest

from relubook import hinges


@pytest.mark.parametrize("k", [1, 4, 16, 33])
def test_a_linear_term_never_makes_the_fit_worse(k):
    # the model with d x contains the model without it, so least squares can only do better
    assert hinges.fit_hinges(k, linear=True)[1] <= hinges.fit_hinges(k)[1] + 1e-12


def test_sin_converges_like_k_to_the_minus_1_5_and_like_k_to_the_minus_2_with_a_linear_term():
    assert 1.35 <= hinges.convergence_order(16) <= 1.65
    assert 1.9 <= hinges.convergence_order(16, linear=True) <= 2.15
    assert 1.9 <= hinges.convergence_order(16, np.cos) <= 2.15      # flat at -pi: the flat piece costs nothing


def test_the_flat_piece_alone_gives_order_1_5():
    # a straight line is fitted exactly right of the first hinge: all of the error is the flat piece
    line = lambda x: 0.7 * x  # noqa: E731
    assert hinges.fit_hinges(16, line, linear=True)[1] < 1e-10
    assert 1.3 <= hinges.convergence_order(16, line) <= 1.6
    # and it is proportional to the slope there
    steep = hinges.fit_hinges(16, lambda x: 2.1 * x)[1]
    assert steep == pytest.approx(3 * hinges.fit_hinges(16, line)[1], rel=1e-9)


def test_random_smooth_targets_are_seeded_and_keep_the_shape():
    x = np.linspace(-np.pi, np.pi, 7).reshape(7, 1)
    f, g = hinges.random_smooth_target(3), hinges.random_smooth_target(3)
    assert np.array_equal(f(x), g(x)) and f(x).shape == x.shape
    assert not np.allclose(f(x), hinges.random_smooth_target(4)(x))
    assert np.ndim(f(0.5)) == 0


@pytest.mark.parametrize("kwargs, error", [
    ({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError), ({"seed": 0, "modes": 0}, ValueError),
    ({"seed": 0, "modes": 2.0}, TypeError),
])
def test_random_smooth_target_names_bad_arguments(kwargs, error):
    with pytest.raises(error, match="seed|modes"):
        hinges.random_smooth_target(**kwargs)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="linear"):
        hinges.fit_hinges(4, linear="yes")
    with pytest.raises((TypeError, ValueError), match="k"):
        hinges.convergence_order(0)
