"""Tests of relubook.propagation: signal and gradient propagation at initialisation."""

import math

import numpy as np
import pytest

from relubook import activations, propagation


def test_init_std_values():
    assert propagation.init_std("he", 64) == pytest.approx(math.sqrt(2 / 64))
    assert propagation.init_std("lecun", 64) == pytest.approx(math.sqrt(1 / 64))
    assert propagation.init_std("glorot", 64) == pytest.approx(math.sqrt(1 / 64))  # square layer
    assert propagation.init_std("glorot", 64, fan_out=192) == pytest.approx(math.sqrt(2 / 256))
    assert propagation.init_std("xavier", 64, fan_out=192) == propagation.init_std("glorot", 64, fan_out=192)
    assert propagation.init_std("lecun", 64, fan_out=192) == pytest.approx(math.sqrt(1 / 64))
    assert propagation.init_std("default", 64, "relu") == propagation.init_std("he", 64)
    assert propagation.init_std("default", 64, "tanh") == propagation.init_std("glorot", 64)
    alpha = activations.get("leaky_relu").params["alpha"]
    assert propagation.init_std("he", 50, "leaky_relu") == pytest.approx(math.sqrt(2 / ((1 + alpha**2) * 50)))
    assert propagation.init_std(0.3, 10, scale=2.0) == pytest.approx(0.6)
    with pytest.raises(ValueError):
        propagation.init_std("glorious", 10)
    with pytest.raises(ValueError):
        propagation.init_std("he", 0)


def test_layer_stds_forms():
    f = propagation.layer_stds(lambda n: 1 / n, 3, 8)
    np.testing.assert_allclose(f, [0.125] * 3)
    np.testing.assert_allclose(propagation.layer_stds([0.1, 0.2], 2, 8), [0.1, 0.2])
    with pytest.raises(ValueError):
        propagation.layer_stds([0.1], 2, 8)
    with pytest.raises(ValueError):
        propagation.layer_stds([-0.1, 0.1], 2, 8)
    with pytest.raises(TypeError):
        propagation.layer_stds(None, 2, 8)


def test_activation_stds_shape_and_seed():
    a = propagation.activation_stds(5, 16, "relu", "he", 3, 32)
    b = propagation.activation_stds(5, 16, "relu", "he", np.random.default_rng(3), 32)
    assert a.shape == (6,)
    np.testing.assert_array_equal(a, b)
    c = propagation.activation_stds(5, 16, "relu", "he", 4, 32)
    assert not np.array_equal(a, c)
    with pytest.raises(TypeError):
        propagation.activation_stds(5, 16, "relu", "he", None, 32)


def test_relu_signal_factors():
    # He keeps the std, Xavier (1/fan_in) shrinks it by 1/sqrt(2) per layer, 4/fan_in grows it by sqrt(2)
    factors = {}
    for v in (1.0, 2.0, 4.0):
        s = propagation.activation_stds(20, 64, "relu", math.sqrt(v / 64), 0, 64, n_networks=6)
        factors[v] = propagation.per_layer_factor(s[1:])
    assert factors[2.0] == pytest.approx(1.0, abs=0.03)
    assert factors[1.0] == pytest.approx(1 / math.sqrt(2), abs=0.03)
    assert factors[4.0] == pytest.approx(math.sqrt(2), abs=0.05)


def test_relu_homogeneity_exact():
    # ReLU is positively homogeneous: scaling every weight by c scales layer l by c**l exactly
    a = propagation.activation_stds(6, 8, "relu", "he", 1, 16)
    b = propagation.activation_stds(6, 8, "relu", "he", 1, 16, scale=1.5)
    np.testing.assert_allclose(b / a, 1.5 ** np.arange(7), rtol=1e-10)


def test_gradient_norms_vanish_for_sigmoid_not_relu():
    sig = propagation.gradient_norms(15, 32, "sigmoid", "xavier", 0, 32)
    rel = propagation.gradient_norms(15, 32, "relu", "he", 0, 32)
    assert sig.shape == rel.shape == (15,)
    assert sig[0] / sig[-1] < 1e-6
    assert 0.1 < rel[0] / rel[-1] < 10
    pre = propagation.gradient_norms(15, 32, "sigmoid", "xavier", 0, 32, wrt="preactivations")
    assert pre[0] / pre[-1] < 1e-6
    with pytest.raises(ValueError):
        propagation.gradient_norms(3, 4, "relu", wrt="biases")


def test_gradient_norms_match_finite_differences():
    # rebuild gradient_norms' network from the same seed and differentiate its loss numerically
    depth, width, n, seed = 3, 4, 5, 7
    std = propagation.init_std("xavier", width, "tanh")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, width))
    ws = [rng.standard_normal((width, width)) * std for _ in range(depth)]
    g = rng.standard_normal((n, width)) / n

    def loss(weights):
        h = x
        for w in weights:
            h = np.tanh(h @ w)
        return float(np.sum(g * h))

    expected = []
    for k in range(depth):
        numeric = propagation.numerical_gradient(lambda w, k=k: loss([*ws[:k], w, *ws[k + 1:]]), ws[k])
        expected.append(np.linalg.norm(numeric))
    got = propagation.gradient_norms(depth, width, "tanh", "xavier", seed, n)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_numerical_gradient_does_not_mutate():
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    before = x.copy()
    grad = propagation.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-6)


def test_per_layer_factor():
    assert propagation.per_layer_factor([1, 2, 4, 8]) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        propagation.per_layer_factor([1.0])
    with pytest.raises(ValueError):
        propagation.per_layer_factor([1.0, 0.0])


def test_gradient_norms_over_seeds_rows_are_single_networks():
    rows = propagation.gradient_norms_over_seeds(6, 16, "relu", "he", [3, 4], 8)
    assert rows.shape == (2, 6)
    np.testing.assert_array_equal(rows[1], propagation.gradient_norms(6, 16, "relu", "he", 4, 8,
                                                                      wrt="preactivations"))
    with pytest.raises(ValueError):
        propagation.gradient_norms_over_seeds(6, 16, "relu", "he", [], 8)


def test_backward_signal_fades_by_one_over_root_two_with_glorot():
    # E[relu'(z)^2] = 1/2: with Var(w) = 1/n the signal's mean square halves per layer, with He's 2/n it is kept
    glorot = np.median(propagation.gradient_norms_over_seeds(20, 64, "relu", "glorot", range(6)), axis=0)
    he = np.median(propagation.gradient_norms_over_seeds(20, 64, "relu", "he", range(6)), axis=0)
    assert propagation.per_layer_factor(glorot[::-1]) == pytest.approx(1 / math.sqrt(2), abs=0.03)
    assert propagation.per_layer_factor(he[::-1]) == pytest.approx(1.0, abs=0.05)


def test_weight_gradient_profile_does_not_depend_on_relu_scale():
    a = propagation.gradient_norms(12, 32, "relu", "he", 1, 16, wrt="weights")
    b = propagation.gradient_norms(12, 32, "relu", "glorot", 1, 16, wrt="weights")
    np.testing.assert_allclose(a / a[-1], b / b[-1], rtol=1e-9)
    assert b[-1] == pytest.approx(a[-1] * 2 ** (-11 / 2), rel=1e-9)


def test_gradient_flow_validates_and_vanishing_depth_is_first_crossing():
    with pytest.raises(ValueError):
        propagation.gradient_flow("gelu", 5)
    with pytest.raises(ValueError):
        propagation.gradient_flow("relu", 5, 0.0)
    with pytest.raises(ValueError):
        propagation.gradient_flow("relu", 0)
    with pytest.raises(TypeError):
        propagation.gradient_flow("relu", 5, "1")
    d = propagation.vanishing_depth("sigmoid", 1e-6)
    before, at = propagation.gradient_flow("sigmoid", d - 1), propagation.gradient_flow("sigmoid", d)
    assert before[0] / before[-1] >= 1e-6 > at[0] / at[-1]
    assert propagation.vanishing_depth("relu", 1e-6, max_depth=8) is None
    sig = propagation.gradient_flow("sigmoid", 20)
    assert sig.shape == (20,) and sig[0] / sig[-1] < 1e-8


def test_squared_readout_depends_on_the_scale_and_linear_does_not():
    lin = [propagation.gradient_norms(12, 16, "relu", "he", 3, 8, scale=c, wrt="weights") for c in (0.8, 1.0, 1.2)]
    sq = [propagation.gradient_norms(12, 16, "relu", "he", 3, 8, scale=c, wrt="weights", readout="squared")
          for c in (0.8, 1.0, 1.2)]
    profiles = [v / v[-1] for v in lin]
    np.testing.assert_allclose(profiles[0], profiles[1], rtol=1e-9)
    np.testing.assert_allclose(profiles[2], profiles[1], rtol=1e-9)
    assert not np.allclose(sq[1] / sq[1][-1], sq[2] / sq[2][-1], rtol=1e-3)
    with pytest.raises(ValueError, match="readout"):
        propagation.gradient_norms(3, 4, readout="cubic")
