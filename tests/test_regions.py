"""Tests of relubook.regions: activation patterns and region counts."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from relubook import regions  # noqa: E402
from relubook.network import MLP  # noqa: E402


def test_patterns_of_a_single_unit():
    net = ([np.array([[1.0], [0.0]])], [np.array([0.0])])
    patterns = regions.activation_patterns(net, np.array([[-1.0, 5.0], [2.0, -3.0], [0.0, 0.0]]))
    np.testing.assert_array_equal(patterns[:, 0], [False, True, False])


def test_lines_in_general_position_reach_the_bound():
    # three lines through the square in general position make 1 + 3 + 3 = 7 regions
    W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, -1.0]])
    b = np.array([0.1, -0.2, 0.8])
    assert regions.count_regions(([W], [b])) == 7 == regions.one_layer_bound(3)
    # parallel lines make fewer
    W_par = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    assert regions.count_regions(([W_par], [np.array([0.0, 0.5, -0.5])])) == 4


def test_count_never_exceeds_patterns_and_grows_with_width():
    counts = regions.region_counts([2, 8], [1, 2], seeds=(0,), resolution=81)
    assert counts.shape == (2, 2)
    assert counts[0, 1] > counts[0, 0] and counts[1, 1] > counts[1, 0]
    assert counts[0, 0] <= regions.one_layer_bound(2)


def test_mlp_and_weight_lists_agree():
    model = MLP([2, 5, 4, 1], "relu", rng=np.random.default_rng(0), bias_init=0.1)
    as_lists = (model.weights[:-1], model.biases[:-1])
    assert regions.count_regions(model) == regions.count_regions(as_lists)


def test_pattern_ids_with_many_units_uses_the_general_path():
    rng = np.random.default_rng(0)
    patterns = rng.random((50, 70)) > 0.5
    patterns[10] = patterns[3]
    ids, count = regions.pattern_ids(patterns)
    assert ids[10] == ids[3] and count == 49


def test_plot_regions_draws_and_returns_count():
    fig, ax = plt.subplots()
    net = regions.random_relu_network([4], np.random.default_rng(0))
    assert regions.plot_regions(ax, net, resolution=101) == regions.count_regions(net, resolution=101)
    assert len(ax.images) == 2
    plt.close("all")


def test_mismatched_lists_raise():
    with pytest.raises(ValueError):
        regions.activation_patterns(([np.eye(2)], []), np.zeros((1, 2)))


def test_linear_pieces_are_at_most_the_activation_regions():
    """Patterns that switch off the whole last layer share the map 0: fewer pieces than regions."""
    from relubook.checks.applications import TINY_NETWORK

    net = ([TINY_NETWORK["W1"], TINY_NETWORK["W2"]], [TINY_NETWORK["b1"], TINY_NETWORK["b2"]])
    points = regions.grid_points((-2.0, 2.0), None, 201)[2]
    assert regions.count_linear_pieces(net, points) == 11 < regions.count_regions(net, resolution=201) == 17
    one_layer = ([TINY_NETWORK["W1"]], [TINY_NETWORK["b1"]])
    # one layer of units in general position: every pattern is its own map
    assert regions.count_linear_pieces(one_layer, points) == regions.count_regions(one_layer, resolution=201)
