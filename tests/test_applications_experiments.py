"""Tests of chapter 5's experiments: the race, depth, recurrent gradients, the feed-forward block, the sawtooth."""

import numpy as np
import pytest

from relubook import activation_race, conv, recurrent, regions, transformer


@pytest.fixture(scope="module")
def data():
    return conv.load_digits_split(0)


def test_race_reports_edges_and_seeds(data):
    narrow = activation_race.race(data, ["sigmoid"], lrs=(0.1, 0.3, 1.0), seeds=(0, 1), max_epochs=6)
    assert narrow["sigmoid"].on_edge  # sigmoid wants a larger rate than 1
    assert narrow["sigmoid"].best_lrs == [1.0, 1.0] and len(narrow["sigmoid"].epochs) == 2
    wide = activation_race.race(data, ["sigmoid"], lrs=(0.3, 1.0, 3.0, 10.0), seeds=(0,), max_epochs=6)
    assert not wide["sigmoid"].on_edge and wide["sigmoid"].best_lrs == [3.0]
    assert wide["sigmoid"].mean < narrow["sigmoid"].runs[0].epochs
    with pytest.raises(ValueError):
        activation_race.race(data, ["relu"], lrs=(), seeds=(0,))


def test_depth_starves_sigmoid_of_gradient_but_not_relu(data):
    sig = activation_race.gradient_ratio("sigmoid", 8, 0, data=data, init="xavier")
    relu = activation_race.gradient_ratio("relu", 8, 0, data=data, init="he")
    assert sig < 1e-3 < 0.3 < relu < 3
    assert activation_race.gradient_ratio("relu", 1, 0, data=data) == 1.0
    with pytest.raises(ValueError):
        activation_race.gradient_ratio("relu", 0, 0, data=data)


def test_cnn_records_dead_filters_on_the_training_set(data):
    _, history = conv.train_cnn(data, seed=0, epochs=1)
    assert len(history.dead_filters) == 2 and history.dead_filters[0] == []
    assert all(isinstance(k, int) and 0 <= k < 8 for k in history.dead_filters[-1])


def test_adding_problem_marks_two_numbers():
    X, y = recurrent.adding_problem(50, 20, np.random.default_rng(0))
    assert X.shape == (50, 20, 2) and np.all(X[:, :, 1].sum(axis=1) == 2)
    np.testing.assert_allclose(y, (X[:, :, 0] * X[:, :, 1]).sum(axis=1))
    with pytest.raises(ValueError):
        recurrent.adding_problem(5, 1, np.random.default_rng(0))


def test_identity_relu_keeps_the_gradient_and_tanh_loses_it():
    irnn = recurrent.gradient_through_time("relu", "identity", 60, 0)
    tanh = recurrent.gradient_through_time("tanh", "random", 60, 0)
    assert irnn.shape == (61,) and irnn[0] == 1.0
    assert irnn[-1] > 0.3 and tanh[-1] < irnn[-1] / 10
    assert irnn[-1] == pytest.approx(irnn[10])  # flat: active units pass the gradient unchanged
    with pytest.raises(ValueError):
        recurrent.gradient_through_time("relu", "orthogonal", 10, 0)


def test_feed_forward_blocks_match_in_cost_and_differ_in_zeros():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 16))
    costs, zeros = {}, {}
    for kind in transformer.KINDS:
        block = transformer.make_ffn(kind, 16, 48, rng)
        out, hidden = transformer.ffn_forward(block, x)
        assert out.shape == (128, 16)
        costs[kind] = transformer.ffn_cost(block)["parameters"]
        zeros[kind] = np.mean(hidden == 0)
    assert transformer.swiglu_width(48) == 32 and costs["relu"] == costs["gelu"] == costs["swiglu"]
    assert 0.4 < zeros["relu"] < 0.6 and zeros["gelu"] == zeros["swiglu"] == 0
    with pytest.raises(ValueError):
        transformer.make_ffn("tanh", 16, 48, rng)
    with pytest.raises(ValueError):
        transformer.ffn_forward(block, x[:, :8])


def test_sawtooth_doubles_its_pieces_with_each_layer():
    x = (np.arange(2048) + 0.5) / 2048
    assert [regions.pieces_1d(regions.sawtooth_network(k), x) for k in range(1, 7)] == [2, 4, 8, 16, 32, 64]
    np.testing.assert_allclose(regions.sawtooth(np.array([0.0, 0.25, 0.5, 0.75, 1.0]), 1), [0, 0.5, 1, 0.5, 0])
    np.testing.assert_allclose(regions.sawtooth(np.array([0.25, 0.5]), 2), [1, 0])
    with pytest.raises(ValueError):
        regions.sawtooth_network(0)
    with pytest.raises(ValueError):
        regions.pieces_1d(regions.sawtooth_network(1), np.array([]))


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("256", TypeError),
                                        (None, TypeError), (True, TypeError)])
def test_swiglu_width_rejects_bad_widths_naming_the_argument(bad, error):
    with pytest.raises(error, match="d_ff"):
        transformer.swiglu_width(bad)


def test_swiglu_width_matches_the_parameters_most_nearly():
    """Shazeer's 3072 -> 2048, and 256 -> 171 (3 * 171 = 513 is closer to 2 * 256 = 512 than 3 * 170)."""
    assert transformer.swiglu_width(3072) == 2048
    for d_ff in range(1, 400):
        h = transformer.swiglu_width(d_ff)
        assert abs(3 * h - 2 * d_ff) <= 1
