"""Tests of the chapter 3 widgets: the variant explorer and Softplus -> ReLU."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from relubook import activations, widgets  # noqa: E402
from relubook.widgets import variants as wv  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _line(fig, label_part):
    for line in fig.axes[0].get_lines():
        if label_part in line.get_label():
            return line
    raise AssertionError(f"no line labelled {label_part!r}")


@pytest.mark.parametrize("name", activations.names())
def test_update_variant_draws_f_and_derivative(name):
    fig = wv.update_variant(name, None)
    act = activations.get(name)
    f_line = _line(fig, f"{act.label} f")
    df_line = _line(fig, f"{act.label} f′")
    x = f_line.get_xdata()
    np.testing.assert_allclose(f_line.get_ydata(), act.forward(x, **act.params))
    np.testing.assert_allclose(df_line.get_ydata(), act.grad(x, **act.params))
    if name != "relu":
        _line(fig, "ReLU (reference)")
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()


def test_param_changes_the_curve_and_title():
    a = wv.update_variant("elu", 0.5)
    b = wv.update_variant("elu", 1.5)
    ya, yb = _line(a, "ELU f").get_ydata(), _line(b, "ELU f").get_ydata()
    assert not np.allclose(ya, yb)
    assert ya.min() == pytest.approx(-0.5 * (1 - math.exp(-wv.X_HALF_WIDTH)))
    assert "alpha = 0.50" in a.axes[0].get_title() and "alpha = 1.50" in b.axes[0].get_title()
    assert a.axes[0].get_title() != b.axes[0].get_title()


def test_param_ignored_without_parameter():
    a = wv.update_variant("gelu", 0.1)
    b = wv.update_variant("gelu", 1.9)
    np.testing.assert_array_equal(_line(a, "GELU f").get_ydata(), _line(b, "GELU f").get_ydata())
    assert a.axes[0].get_title() == b.axes[0].get_title()


def test_param_clipped_to_slider_range():
    s = wv.variant_summary("leaky_relu", 5.0)
    assert s["params"]["alpha"] == activations.get("leaky_relu").param_ranges["alpha"][1]
    s = wv.variant_summary("softplus", 3.0)
    assert s["params"]["beta"] == 3.0


def test_summary_mean_matches_sample_and_moves_with_alpha():
    z = np.random.default_rng(1).standard_normal(400_000)
    for alpha in [0.5, 1.0, 2.0]:
        s = wv.variant_summary("elu", alpha)
        assert s["mean_normal"] == pytest.approx(np.mean(activations.elu(z, alpha)), abs=5e-3)
    means = [wv.variant_summary("elu", a)["mean_normal"] for a in [0.5, 1.0, 1.5, 2.0]]
    assert all(np.diff(means) < 0)  # the mean decreases with alpha
    assert f"{means[1]:.3f}" in wv.update_variant("elu", 1.0).axes[0].get_title()


def test_update_variant_draws_into_given_axes():
    fig, (ax, other) = plt.subplots(1, 2)
    out = wv.update_variant("silu", None, ax=ax)
    assert out is fig and len(ax.get_lines()) >= 3
    assert ax.get_legend() is None  # small multiples: the caption explains the line styles
    alone, ax = plt.subplots()
    wv.update_variant("silu", None, ax=ax)
    assert ax.get_legend() is not None  # a figure of its own (the live widget) gets a legend
    plt.close("all")


def test_first_param():
    assert wv.first_param("relu") is None
    key, (low, high), default = wv.first_param("elu")
    assert key == "alpha" and low < default < high
    assert wv.first_param("softplus")[0] == "beta"


def test_static_twin_of_explorer_has_one_panel_per_variant():
    settings = [{"name": n, "param": None} for n in activations.names()]
    fig = widgets.static_twin(wv.update_variant, settings=settings, ncols=5)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(activations.names())
    assert all(len(ax.get_lines()) >= 2 for ax in visible)


def test_relu6_is_drawn_wide_enough_to_show_its_cap():
    fig = wv.update_variant("relu6", None)
    ax = fig.axes[0]
    f_line, df_line = _line(fig, "ReLU6 f"), _line(fig, "ReLU6 f′")
    x = f_line.get_xdata()
    assert x.min() == -wv.x_half_width("relu6") and x.max() > 6
    assert f_line.get_ydata().max() == 6.0 and ax.get_ylim()[1] > 6  # the cap is inside the axes
    assert np.all(df_line.get_ydata()[x > 6] == 0)  # flat beyond 6


def test_every_activation_is_drawn_in_the_same_frame():
    """One frame for all: switching activation never changes the axes (so the redraw is a blit)."""
    frames = set()
    for name in activations.names():
        ax = wv.update_variant(name, None).axes[0]
        frames.add((ax.get_xlim(), ax.get_ylim(), ax.get_title().count("\n")))
        plt.close("all")
    assert frames == {((-wv.X_HALF_WIDTH, wv.X_HALF_WIDTH), wv.Y_RANGE, 1)}


def test_explorer_redraws_by_blitting_after_the_first_setting():
    run = widgets.Redraw(wv.update_variant)
    for name in ["relu", "relu6", "elu", "squared_relu"]:
        run.draw(run(name=name, param=None))
        frame = run._background_frame
    assert run.reusing and frame == run._last_frame


@pytest.mark.parametrize("x_max", [2.0, 4.0, 8.0])
def test_x_max_sets_the_drawn_range(x_max):
    fig = wv.update_variant("elu", None, x_max=x_max)
    x = _line(fig, "ELU f").get_xdata()
    assert (x.min(), x.max()) == (-x_max, x_max)
    assert fig.axes[0].get_xlim() == (-x_max, x_max) and fig.axes[0].get_ylim() == wv.Y_RANGE


def test_bad_x_max_and_name_are_rejected():
    with pytest.raises(ValueError, match="x_max"):
        wv.update_variant("elu", None, x_max=0.0)
    with pytest.raises((KeyError, ValueError)):
        wv.x_half_width("no_such_activation")


def test_explorer_legend_names_f_and_its_derivative():
    settings = [{"name": n, "param": None} for n in activations.names()[:3]]
    fig = wv.explorer_legend(widgets.static_twin(wv.update_variant, settings=settings, ncols=3))
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.startswith("f,") for t in texts) and any(t.startswith("f′") for t in texts)
    assert any("ReLU" in t for t in texts)
    with pytest.raises(TypeError):
        wv.explorer_legend("not a figure")


def test_explorer_numbers_come_from_activation_summary():
    from relubook import activation_summary

    assert wv.variant_summary is activation_summary.variant_summary
    assert wv.softplus_gap is activation_summary.softplus_gap
    with pytest.raises(TypeError):
        activation_summary.params_for("elu", "big")
    with pytest.raises(ValueError):
        activation_summary.softplus_gap(0.0)


def test_variant_title_is_the_explorer_title():
    for name, param in [("elu", 1.5), ("relu", None), ("softplus", 4.0)]:
        title = wv.variant_title(name, param)
        assert wv.update_variant(name, param).axes[0].get_title() == title
        assert "mean on N(0,1)" in title and activations.get(name).label in title
    mean = wv.variant_summary("elu", 2.0)["mean_normal"]
    assert f"{mean:.3f}" in wv.variant_title("elu", 2.0)


def test_elu_exercise_twin_shows_the_mean_in_each_title():
    alphas = [0.5, 1.0, 1.5, 2.0]
    fig = widgets.static_twin(wv.update_variant, settings=[{"name": "elu", "param": a} for a in alphas],
                              title=lambda s: wv.variant_title(**s), ncols=4)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert len(titles) == 4 and len(set(titles)) == 4
    for a, title in zip(alphas, titles, strict=True):
        assert f"{wv.variant_summary('elu', a)['mean_normal']:.3f}" in title


def test_variant_grid_without_sharey_keeps_relu6_cap_visible():
    settings = [{"name": n, "param": None} for n in activations.names()]
    fig = widgets.static_twin(wv.update_variant, settings=settings, ncols=5, sharey=False)
    by_name = dict(zip(activations.names(), fig.axes, strict=False))
    assert by_name["relu6"].get_ylim()[1] > 6 and by_name["tanh"].get_ylim() == wv.Y_RANGE


@pytest.mark.parametrize("beta", wv.SOFTPLUS_BETAS)
def test_softplus_gap_is_log2_over_beta(beta):
    g = wv.softplus_gap(beta)
    assert g["measured"] == pytest.approx(math.log(2) / beta, rel=1e-9)
    assert g["at"] == 0.0


def test_update_softplus_changes_with_beta():
    a = wv.update_softplus(0.5)
    b = wv.update_softplus(20.0)
    ya = _line(a, "Softplus").get_ydata()
    yb = _line(b, "Softplus").get_ydata()
    relu = np.maximum(0, _line(a, "Softplus").get_xdata())
    assert np.max(ya - relu) > np.max(yb - relu) * 10
    assert "1.386" in a.axes[0].get_title() and "0.035" in b.axes[0].get_title()


def test_static_twin_softplus():
    fig = widgets.static_twin(wv.update_softplus, grid={"beta": wv.SOFTPLUS_BETAS})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(wv.SOFTPLUS_BETAS)
    assert all(ax.get_lines() for ax in visible)


def test_live_explorer_follows_dropdown():
    box = wv.variant_explorer()
    dropdown, slider = box.controls["name"], box.controls["param"]
    dropdown.value = "softplus"
    assert (slider.min, slider.max, slider.value) == (0.25, 20.0, 1.0)
    dropdown.value = "relu"
    assert slider.disabled
    dropdown.value = "leaky_relu"
    assert not slider.disabled and slider.value == 0.01
