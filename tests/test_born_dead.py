"""Tests of the born-dead Monte Carlo estimate and the single-point bound."""

from __future__ import annotations

import numpy as np
import pytest

from relubook import born_dead as bd


def test_single_point_bound_formula():
    assert bd.single_point_bound([1]) == pytest.approx(0.5)
    assert bd.single_point_bound([2, 3]) == pytest.approx(1 - (1 - 1 / 4) * (1 - 1 / 8))
    curve = bd.single_point_bound_curve(3, 5)
    assert curve.shape == (5,)
    assert curve[-1] == pytest.approx(bd.single_point_bound([3] * 5))
    assert np.all(np.diff(curve) > 0)


def test_single_point_bound_is_exact_for_one_point():
    # at the single input x = 1, the fraction of collapsed networks matches the formula
    rng = np.random.default_rng(1)
    width, depth, n = 3, 6, 20000
    a = np.ones((n, 1, 1))
    collapsed = np.zeros(n, dtype=bool)
    fan_in = 1
    for _ in range(depth):
        W, b = bd.init_layers(fan_in, width, n, rng=rng)
        a = np.maximum(a @ W + b[:, None, :], 0)
        collapsed |= np.all(a == 0, axis=(1, 2))
        fan_in = width
    assert collapsed.mean() == pytest.approx(bd.single_point_bound([width] * depth), abs=0.015)


def test_monte_carlo_below_bound_and_increasing_with_depth():
    rng = np.random.default_rng(0)
    table = bd.born_dead_table([2, 3, 6], 30, n_nets=1500, rng=rng, n_points=9)
    assert table.shape == (3, 30)
    for row, w in zip(table, [2, 3, 6], strict=True):
        assert np.all(np.diff(row) >= 0)  # deadness is absorbing: same nets, more layers
        assert np.all(row <= bd.single_point_bound_curve(w, 30) + 0.03)
    # narrower dies more, deeper dies more
    assert table[0, -1] > table[1, -1] > table[2, -1]
    assert table[0, -1] > 0.95
    assert table[:, 0].max() == 0.0  # one He layer with zero bias is never constant on [-1, 1]


def test_rai_is_born_dead_less_often_than_he():
    he = bd.born_dead_curve(2, 20, n_nets=2000, rng=np.random.default_rng(3), n_points=9)
    rai = bd.born_dead_curve(2, 20, n_nets=2000, rng=np.random.default_rng(3), n_points=9, init="rai")
    assert rai[-1] < he[-1] - 0.2


def test_zero_bias_grid_size_does_not_matter():
    # with zero biases only the two ends matter (positive homogeneity)
    a = bd.born_dead_curve(3, 15, n_nets=500, rng=np.random.default_rng(5), n_points=2)
    b = bd.born_dead_curve(3, 15, n_nets=500, rng=np.random.default_rng(5), n_points=33)
    assert np.array_equal(a, b)


def test_network_outputs_shapes_and_dead_networks_are_constant():
    x, out = bd.network_outputs(40, 2, n_nets=50, rng=np.random.default_rng(0))
    assert x.shape == (101,) and out.shape == (50, 101)
    constant = np.ptp(out, axis=1) == 0
    assert constant.mean() > 0.5  # width 2, depth 40: most networks are born dead


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"width": 0}, ValueError), ({"width": 2.5}, TypeError), ({"init": "zeros"}, ValueError),
     ({"interval": (1.0, -1.0)}, ValueError), ({"rng": 0}, TypeError)],
)
def test_bad_arguments(kwargs, error):
    args = {"width": 2, "max_depth": 3, "n_nets": 10, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error):
        bd.born_dead_curve(**args)


def test_born_dead_probability_and_shown_networks_are_cached_and_seeded():
    from relubook import born_dead as bd

    p = bd.born_dead_probability(10, 3)
    fresh = bd.born_dead_curve(3, 10, n_nets=bd.WIDGET_NETS, rng=np.random.default_rng(bd.WIDGET_SEED),
                               n_points=9)[-1]
    assert p == fresh
    x, out = bd.shown_networks(5, 4)
    x2, out2 = bd.shown_networks(5, 4)
    assert out is out2 and out.shape == (6, x.size) and not out.flags.writeable
    with pytest.raises(ValueError, match="depth"):
        bd.born_dead_probability(0, 3)


def test_wilson_interval_contains_the_estimate_and_shrinks():
    from relubook import born_dead as bd

    lo, hi = bd.wilson_interval(0.3, 100)
    lo2, hi2 = bd.wilson_interval(0.3, 4000)
    assert lo < lo2 < 0.3 < hi2 < hi
    assert bd.wilson_interval(0.0, 50)[0] == 0.0 and bd.wilson_interval(1.0, 50)[1] == 1.0
