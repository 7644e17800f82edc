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
    fig = surfaces.plot_units_and_sum(NET)
    assert len(fig.axes) == NET.units + 1
    assert "network output" in fig.axes[-1].get_title()
    fig.canvas.draw()  # 3-D collections project their polygons at draw time
    # the sum is drawn as one exact facet per region, each unit as its two halves
    assert len(fig.axes[-1].collections[0].get_paths()) == len(surfaces.region_polygons(NET))
    assert all(len(ax.collections[0].get_paths()) == 2 for ax in fig.axes[:-1])


def test_region_polygons_are_exact_and_tile_the_square():
    regions = surfaces.region_polygons(NET)
    assert sorted(p for p, _ in regions) == sorted(surfaces.region_planes(NET, *np.meshgrid(
        np.linspace(-2, 2, 201), np.linspace(-2, 2, 201))))
    assert sum(surfaces._area(v) for _, v in regions) == pytest.approx(16.0, rel=1e-12)
    for pattern, vertices in regions:  # every corner lies in its region (on the closed side of each line)
        z = NET.pre_activations(vertices[:, 0], vertices[:, 1])
        signs = np.where(np.array(pattern), 1.0, -1.0)
        assert np.all(z * signs >= -1e-12)


def test_every_facet_faces_the_camera():
    """At the panels' view every plane is seen from above and not edge-on (the old view showed two units as lines)."""
    elev, azim = np.radians(surfaces._VIEW)
    view = np.array([np.cos(elev) * np.cos(azim), np.cos(elev) * np.sin(azim), np.sin(elev)])
    xx, yy = np.meshgrid(np.linspace(-2, 2, 201), np.linspace(-2, 2, 201))
    slopes = [surfaces.EXAMPLE_NET.a[j] * surfaces.EXAMPLE_NET.W[j] for j in range(surfaces.EXAMPLE_NET.units)]
    slopes += [g for g, _ in surfaces.region_planes(surfaces.EXAMPLE_NET, xx, yy).values()]
    for g in slopes:
        normal = np.array([-g[0], -g[1], 1.0]) / np.hypot(np.hypot(g[0], g[1]), 1.0)
        assert normal @ view > 0.5


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
    with pytest.raises(ValueError):
        surfaces.region_polygons(NET, lim=0.0)
