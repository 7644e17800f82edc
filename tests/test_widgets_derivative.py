"""Tests of chapter 2's widgets through their update functions."""


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from relubook import widgets as rw  # noqa: E402
from relubook.widgets import derivative as dw  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.mark.parametrize(("x0", "left", "right"), [(-1.5, 0.0, 0.0), (0.0, 0.0, 1.0), (0.75, 1.0, 1.0)])
def test_slope_readout(x0, left, right):
    r = dw.slope_readout(x0)
    assert (r["left"], r["right"]) == (left, right)
    assert r["f"] == max(x0, 0.0)
    assert r["differentiable"] is (left == right)
    assert r["slope"] == (left if left == right else None)


def test_slope_readout_rejects_nan():
    with pytest.raises(ValueError):
        dw.slope_readout(float("nan"))


def test_update_slope_draws_tangent_and_title():
    fig = dw.update_slope(0.5)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "f'(0.5) = 1"
    tangent = [line for line in ax.get_lines() if line.get_label().startswith("tangent")][0]
    xs, ys = tangent.get_data()
    np.testing.assert_allclose(np.diff(ys) / np.diff(xs), 1.0)
    fig0 = dw.update_slope(0.0)
    labels = [line.get_label() for line in fig0.axes[0].get_lines()]
    assert "left slope 0" in labels and "right slope 1" in labels
    assert "left slope 0, right slope 1" in fig0.axes[0].get_title()
    fig_neg = dw.update_slope(-1.0)
    tangent = [line for line in fig_neg.axes[0].get_lines() if line.get_label().startswith("tangent")][0]
    assert np.all(tangent.get_ydata() == 0)


def test_update_slope_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert dw.update_slope(1.0, ax=ax) is fig
    assert len(ax.get_lines()) >= 3


def test_widget_module_holds_no_experiment():
    from relubook import propagation

    # the experiment lives in propagation; the widget module only re-exports it
    assert dw.gradient_flow is propagation.gradient_flow
    assert dw.vanishing_depth is propagation.vanishing_depth
    assert dw.FLOW_SEED == propagation.FLOW_SEED


def test_update_gradient_flow_plots_relative_signal_norms():
    fig = dw.update_gradient_flow("sigmoid", 12, 1.0)
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    xs, ys = line.get_data()
    np.testing.assert_array_equal(xs, np.arange(1, 13))
    assert ys[-1] == pytest.approx(1.0)
    norms = dw.gradient_flow("sigmoid", 12)
    assert ys[0] == pytest.approx(norms[0] / norms[-1])
    assert ax.get_yscale() == "log"
    assert f"{norms[0] / norms[-1]:.1e}" in ax.get_title() and "init scale 1" in ax.get_title()
    other = dw.update_gradient_flow("relu", 12, 1.0).axes[0].get_title()
    assert other != ax.get_title()


def test_update_gradient_flow_limits_follow_the_curve_and_label_the_line():
    relu = dw.update_gradient_flow("relu", 30, 1.0).axes[0]
    low, high = relu.get_ylim()
    assert low == pytest.approx(1e-7) and high == pytest.approx(10.0)  # not 1e-32..1e4
    assert any(t.get_text().strip() == "10⁻⁶" for t in relu.texts)
    deep = dw.update_gradient_flow("sigmoid", 50, 1.0).axes[0]
    rel = dw.gradient_flow("sigmoid", 50)
    assert deep.get_ylim()[0] <= rel[0] / rel[-1] < 1e8 * deep.get_ylim()[0]  # one rung of the ladder


def test_init_scale_moves_the_relu_curve():
    a = dw.update_gradient_flow("relu", 20, 0.7).axes[0].get_lines()[0].get_ydata()
    b = dw.update_gradient_flow("relu", 20, 1.0).axes[0].get_lines()[0].get_ydata()
    assert a[0] == pytest.approx(b[0] * 0.7 ** 19, rel=1e-9)


def test_static_twins_one_panel_per_setting():
    fig = rw.static_twin(dw.update_slope, grid={"x0": [-1.0, 0.0, 1.0]})
    assert sum(ax.get_visible() for ax in fig.axes) == 3
    settings = [{"activation": a, "depth": 20, "init_scale": s} for a in dw.FLOW_ACTIVATIONS for s in (0.7, 1.4)]
    fig = rw.static_twin(dw.update_gradient_flow, settings=settings, ncols=2, sharey=False)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(settings)
    assert all(len(ax.get_lines()) >= 1 for ax in visible)


@pytest.mark.parametrize(("activation", "depth", "scale"), [("sigmoid", 50, 0.5), ("relu", 50, 2.0), ("tanh", 5, 1.0)])
def test_gradient_flow_few_plain_text_decade_ticks(activation, depth, scale):
    """A change of y limits re-lays out the figure: few labels, no mathtext, no minor ticks keep it fast."""
    fig = dw.update_gradient_flow(activation, depth, scale)
    ax = fig.axes[0]
    fig.canvas.draw()
    low, high = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if low <= t <= high]
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert 2 <= len(ticks) <= 6 and 1.0 in ticks
    assert all(lab.startswith("10") and "$" not in lab for lab in labels), labels
    assert len(ax.yaxis.get_minorticklocs()) == 0
    plt.close(fig)
