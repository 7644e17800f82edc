"""Tests of relubook.surfaces: a two-input ReLU network is one plane on each region."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from relubook import plotting, regions, surfaces


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


NET = surfaces.EXAMPLE_NET


def test_output_is_the_relu_network():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-2, 2, size=(50, 2))
    expected = NET.c + np.maximum(0, pts @ NET.W.T + NET.b) @ NET.a
    assert np.allclose(NET(pts[:, 0], pts[:, 1]), expected)


def test_network_is_one_plane_on_each_region():
    xs, ys, y = surfaces.output_grid(NET, resolution=101)
    xx, yy = np.meshgrid(xs, ys)
    planes = surfaces.region_planes(NET, xx, yy)
    on = surfaces.active_units(NET, xx, yy)
    for pattern, (gradient, offset) in planes.items():
        inside = np.all(on == np.array(pattern), axis=-1)
        plane = gradient[0] * xx[inside] + gradient[1] * yy[inside] + offset
        assert np.allclose(plane, y[inside], atol=1e-12)
    # a wrong plane fails: the planes of two regions differ
    grads = [g for g, _ in planes.values()]
    assert not np.allclose(grads[0], grads[1])


def test_example_shows_all_seven_regions_and_agrees_with_regions_module():
    fig, ax = plotting.subplots()
    count = surfaces.plot_region_map(ax, NET)
    assert count == 7 == regions.one_layer_bound(3, 2)
    assert regions.count_regions(([NET.W.T], [NET.b]), xlim=(-2.0, 2.0), resolution=401) == count
    labels = sorted(t.get_text() for t in ax.texts)
    assert "all off" not in labels and "1, 2, 3 on" in labels and len(labels) == 7


def test_pattern_label():
    assert surfaces.pattern_label((True, False, True)) == "1, 3 on"
    assert surfaces.pattern_label((False, False)) == "all off"


def test_units_figure_has_one_panel_per_unit_and_the_sum():
    fig = surfaces.plot_units_and_sum(NET, resolution=11)
    assert len(fig.axes) == NET.units + 1
    assert "network output" in fig.axes[-1].get_title()


def test_bad_networks_and_grids_raise():
    with pytest.raises(ValueError):
        surfaces.TwoInputNet(W=np.ones((3, 3)), b=np.zeros(3), a=np.ones(3))
    with pytest.raises(ValueError):
        surfaces.TwoInputNet(W=np.ones((3, 2)), b=np.zeros(2), a=np.ones(3))
    with pytest.raises(ValueError):
        surfaces.TwoInputNet(W=np.full((1, 2), np.nan), b=np.zeros(1), a=np.ones(1))
    with pytest.raises(ValueError):
        surfaces.output_grid(NET, lim=-1.0)
    with pytest.raises(ValueError):
        surfaces.output_grid(NET, resolution=1)
