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


# --- chapter 2's machinery for the variants -------------------------------------------------------
def test_relu_and_prelu_have_he_init_and_unit_backward_gain():
    m = sn.gaussian_moments("relu")
    assert m["mean_square"] == pytest.approx(0.5, abs=1e-10) and m["grad_square"] == pytest.approx(0.5, abs=1e-10)
    for alpha in (0.01, 0.25, 0.5):
        assert sn.matched_std("prelu", 100, {"alpha": alpha}) == pytest.approx(np.sqrt(2 / ((1 + alpha**2) * 100)),
                                                                              rel=1e-9)
        assert sn.backward_gain("leaky_relu", {"alpha": alpha}) == pytest.approx(1.0, abs=1e-9)
    assert sn.matched_std("selu", 64) == pytest.approx(1 / 8, rel=1e-6)  # SELU's matched init is LeCun's


def test_smooth_variants_cannot_keep_both_signals():
    assert sn.backward_gain("softplus") < 0.5
    for name in ("elu", "selu", "gelu", "silu"):
        assert sn.backward_gain(name) > 1.0
    assert sn.forward_slope("selu") < 1 < sn.forward_slope("gelu")
    assert sn.forward_slope("relu") == pytest.approx(1.0, abs=1e-6)


def test_gradient_flow_matches_the_prediction_for_a_stable_variant():
    out = sn.gradient_flow("selu", 20, 64, range(3))
    assert set(out) == {"ratio", "last_mean_square"} and out["ratio"].shape == (3,)
    assert np.all(np.abs(np.log(out["ratio"] / sn.predicted_ratio("selu", 20))) < np.log(3))
    again = sn.gradient_flow("selu", 20, 64, range(3))
    assert np.array_equal(out["ratio"], again["ratio"])  # seeded


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"depth": 1}, ValueError, "depth"), ({"width": 2.0}, TypeError, "width"), ({"seeds": []}, ValueError, "seeds"),
    ({"std": -1.0}, ValueError, "std"), ({"params": {"beta": 1}}, ValueError, "params"),
    ({"params": [1]}, TypeError, "params"),
])
def test_gradient_flow_names_bad_arguments(kwargs, error, match):
    args = {"name": "prelu", "depth": 5, "width": 8, "seeds": [0], **kwargs}
    with pytest.raises(error, match=match):
        sn.gradient_flow(**args)
