"""Tests of relubook.self_normalisation: SELU's moment map and the measured layer moments."""

import numpy as np
import pytest

from relubook import self_normalisation as sn


def test_mean_zero_variance_one_is_a_fixed_point_of_selu():
    mean, var = sn.variance_map(1.0)
    assert abs(mean) < 1e-9 and var == pytest.approx(1.0, abs=1e-9)


def test_the_fixed_point_attracts_from_both_sides():
    slope = sn.map_slope_at_fixed_point()
    assert 0 < slope < 1
    for start in (9.0, 0.25):
        path = sn.iterate_variance_map(start, 30)
        gaps = np.abs(path - 1.0)
        assert np.all(np.diff(gaps) < 0) and gaps[-1] < 0.01


def test_relu_has_no_such_fixed_point():
    assert sn.variance_map(1.0, "relu")[1] == pytest.approx(0.5 - 1 / (2 * np.pi), rel=1e-9)


def test_layer_moments_match_the_map_in_a_wide_network():
    rng = np.random.default_rng(0)
    h0 = 3.0 * rng.standard_normal((400, 300))
    means, variances = sn.layer_moments("selu", h0, sn.lecun_normal_weights(300, 5, rng))
    np.testing.assert_allclose(variances, sn.iterate_variance_map(9.0, 5), rtol=0.1)
    assert means.shape == variances.shape == (5,)


def test_weights_are_lecun_normal_and_seeded():
    w = sn.lecun_normal_weights(400, 2, 1)
    assert len(w) == 2 and w[0].shape == (400, 400)
    assert np.var(w[0]) == pytest.approx(1 / 400, rel=0.02)
    np.testing.assert_array_equal(w[1], sn.lecun_normal_weights(400, 2, 1)[1])


@pytest.mark.parametrize(("call", "error"), [
    (lambda: sn.lecun_normal_weights(0, 3, 1), ValueError),
    (lambda: sn.lecun_normal_weights(2.5, 3, 1), TypeError),
    (lambda: sn.lecun_normal_weights(4, 3, "seed"), TypeError),
    (lambda: sn.variance_map(-1.0), ValueError),
    (lambda: sn.variance_map("1"), TypeError),
    (lambda: sn.iterate_variance_map(1.0, 0), ValueError),
    (lambda: sn.layer_moments("selu", np.zeros(3), [np.eye(3)]), ValueError),
    (lambda: sn.layer_moments("selu", np.zeros((2, 3)), []), ValueError),
])
def test_bad_input_is_rejected(call, error):
    with pytest.raises(error):
        call()
