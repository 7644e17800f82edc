"""Tests of the chapter 1 widgets (the neuron explorer and the hinge fit) and of what they draw (relubook.hinges)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from relubook import hinges as hg
from relubook import widgets as rw
from relubook.widgets import definition as wd


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _blue_line(ax):
    lines = [ln for ln in ax.get_lines() if ln.get_label() == "relu(w·x + b)"]
    assert len(lines) == 1
    return lines[0]


# ---------------------------------------------------------------- neuron explorer

@pytest.mark.parametrize("w, b", [(1.0, 0.0), (2.0, -1.0), (-1.5, 0.75), (0.5, 2.0), (-3.0, -1.0)])
def test_neuron_output_is_relu_of_affine(w, b):
    x = np.linspace(-3, 3, 13)
    assert np.array_equal(hg.neuron_output(w, b, x), np.maximum(0, w * x + b))


@pytest.mark.parametrize("w, b, hinge", [(1.0, 0.0, 0.0), (2.0, -1.0, 0.5), (-2.0, 1.0, 0.5), (4.0, 2.0, -0.5)])
def test_hinge_location(w, b, hinge):
    assert hg.hinge_location(w, b) == pytest.approx(hinge)
    # the neuron is zero on one side of the hinge and positive on the other
    assert hg.neuron_output(w, b, [hinge])[0] == pytest.approx(0.0, abs=1e-12)


def test_no_hinge_when_weight_is_zero():
    assert hg.hinge_location(0.0, 1.0) is None
    assert np.all(hg.neuron_output(0.0, 0.7) == 0.7)
    assert np.all(hg.neuron_output(0.0, -0.7) == 0.0)
    fig = wd.update_neuron(0.0, 0.7)
    ax = fig.axes[0]
    assert "no hinge" in ax.get_title()
    assert np.allclose(_blue_line(ax).get_ydata(), 0.7)


def test_update_neuron_draws_the_setting_and_the_hinge():
    ax = wd.update_neuron(2.0, -1.0).axes[0]
    line = _blue_line(ax)
    assert np.allclose(line.get_ydata(), np.maximum(0, 2.0 * line.get_xdata() - 1.0))
    assert "hinge at x = 0.50" in ax.get_title()
    markers = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert len(markers) == 1 and markers[0].get_xdata()[0] == pytest.approx(0.5)
    ax2 = wd.update_neuron(1.0, 1.0).axes[0]
    assert "hinge at x = -1.00" in ax2.get_title()
    assert not np.allclose(_blue_line(ax2).get_ydata(), line.get_ydata())


def test_update_neuron_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert wd.update_neuron(1.0, 0.0, ax=ax) is fig
    assert len(ax.get_lines()) >= 1


def test_target_match_readout():
    tw, tb = hg.NEURON_TARGET
    assert hg.neuron_matched(tw, tb)
    assert "matched!" in wd.update_neuron(tw, tb, target=hg.NEURON_TARGET).axes[0].get_title()
    for w, b in [(tw + 0.3, tb), (tw, tb + 0.3), (-tw, tb), (0.0, 0.0)]:
        assert not hg.neuron_matched(w, b)
        title = wd.update_neuron(w, b, target=hg.NEURON_TARGET).axes[0].get_title()
        assert "not matched" in title
    labels = [ln.get_label() for ln in wd.update_neuron(1, 0, target=(1, 1)).axes[0].get_lines()]
    assert "target" in labels


def test_neuron_static_twin_has_nine_visible_panels():
    fig = rw.static_twin(wd.update_neuron, grid={"w": [-1.0, 0.0, 2.0], "b": [-1.0, 0.0, 1.0]})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 9
    assert all(len(ax.get_lines()) >= 1 for ax in visible)


def test_bad_neuron_settings_raise():
    with pytest.raises(TypeError):
        hg.neuron_output("1", 0)
    with pytest.raises(ValueError):
        hg.hinge_location(np.nan, 0)


# ---------------------------------------------------------------- hinges

def test_hinge_knots_are_cell_midpoints():
    knots = hg.hinge_knots(4, (0.0, 4.0))
    assert np.allclose(knots, [0.5, 1.5, 2.5, 3.5])
    with pytest.raises(ValueError):
        hg.hinge_knots(0)


def test_fit_hinges_error_falls_as_k_grows():
    errors = [hg.fit_hinges(k)[1] for k in (1, 2, 4, 8, 16)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False)), errors
    assert errors[-1] < 0.05 < errors[0]


def test_fit_hinges_is_least_squares_and_exact_on_its_own_span():
    x = hg.hinge_grid()
    curve, error = hg.fit_hinges(4)
    assert curve.shape == x.shape
    assert error == pytest.approx(np.sqrt(np.mean((curve - np.sin(x)) ** 2)))
    # a target that is itself a sum of the hinges is fitted exactly
    knots = hg.hinge_knots(3)

    def exact(t):
        return 0.5 + 2 * np.maximum(0, t - knots[0]) - 3 * np.maximum(0, t - knots[2])

    curve, error = hg.fit_hinges(3, exact)
    assert error < 1e-10
    # the residual is orthogonal to every hinge (normal equations)
    curve, _ = hg.fit_hinges(5, np.cos)
    basis = np.maximum(0, x[:, None] - hg.hinge_knots(5)[None, :])
    assert np.allclose(basis.T @ (curve - np.cos(x)), 0, atol=1e-8)


def test_update_hinges_draws_fit_and_error():
    ax = wd.update_hinges(4).axes[0]
    curve, error = hg.fit_hinges(4)
    fitted = [ln for ln in ax.get_lines() if ln.get_label() == "ReLU fit"][0]
    assert np.allclose(fitted.get_ydata(), curve)
    assert f"{error:.3f}" in ax.get_title()
    ax16 = wd.update_hinges(16).axes[0]
    assert ax16.get_title() != ax.get_title()


def test_hinge_static_twin_has_five_visible_panels():
    ks = [1, 2, 4, 8, 16]
    fig = rw.static_twin(wd.update_hinges, grid={"k": ks}, title=lambda s: wd.hinges_title(s["k"]))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5
    for ax, k in zip(visible, ks, strict=True):
        assert ax.get_title() == wd.hinges_title(k)


def test_hinge_at_origin_has_no_negative_zero():
    assert "hinge at x = 0.00" in wd.neuron_title(1.0, 0.0)
    assert "b = 0.00" in wd.neuron_title(1.0, -0.0001)
    assert "-0.00" not in wd.neuron_title(1.0, 0.001)
    assert str(hg.hinge_location(1.0, 0.0)) == "0.0"


# ---------------------------------------------------------------- every figure names its setting

@pytest.mark.parametrize("w, b", [(1.0, 0.0), (2.0, -1.0), (-1.5, 0.75), (0.0, 1.0), (-3.0, -1.0)])
def test_neuron_title_names_the_setting_as_the_slider_shows_it(w, b):
    title = wd.update_neuron(w, b).axes[0].get_title()
    assert title.startswith(f"w = {w:.2f}, b = {b:.2f}: ")


def test_matched_shows_in_the_figure_not_only_in_the_title():
    tw, tb = hg.NEURON_TARGET
    ax = wd.update_neuron(tw, tb, target=hg.NEURON_TARGET).axes[0]
    assert any(wd.MATCHED_TEXT in t.get_text() for t in ax.texts)
    # a static twin replaces panel titles; the badge stays
    fig = rw.static_twin(lambda w, b, ax=None: wd.update_neuron(w, b, target=hg.NEURON_TARGET, ax=ax),
                         settings=[{"w": tw, "b": tb}, {"w": 1.0, "b": 0.0}])
    matched, unmatched = [ax for ax in fig.axes if ax.get_visible()]
    assert any(wd.MATCHED_TEXT in t.get_text() for t in matched.texts)
    assert not any(wd.MATCHED_TEXT in t.get_text() for t in unmatched.texts)
    near = wd.update_neuron(tw + 0.3, tb, target=hg.NEURON_TARGET).axes[0]
    assert not any(wd.MATCHED_TEXT in t.get_text() for t in near.texts)


def test_matched_badge_survives_the_reused_figure():
    tw, tb = hg.NEURON_TARGET
    run = rw.Redraw(lambda w, b, ax=None: wd.update_neuron(w, b, target=hg.NEURON_TARGET, ax=ax))
    run(w=1.0, b=0.0)
    fig = run(w=tw, b=tb)
    assert any(wd.MATCHED_TEXT in t.get_text() for t in fig.axes[0].texts)
    fig = run(w=1.0, b=0.0)
    assert not any(wd.MATCHED_TEXT in t.get_text() for t in fig.axes[0].texts)


def test_neuron_legend_is_outside_the_axes():
    ax = wd.update_neuron(1.0, 0.0, target=hg.NEURON_TARGET).axes[0]
    legend = ax.get_legend()
    assert legend is not None
    fig = ax.figure
    fig.canvas.draw()
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1


# ---------------------------------------------------------------- sums of hinges

def test_hinge_sum_and_hat():
    x = np.linspace(-3, 3, 121)
    assert np.allclose(hg.hinge_sum([(1, -1), (-2, 0), (1, 1)], x), hg.hat(x))
    assert np.allclose(hg.hinge_sum([], x, c=2.0), 2.0)
    assert hg.hat([0.0])[0] == 1.0 and hg.hat([1.5])[0] == 0.0
    with pytest.raises(TypeError):
        hg.hinge_sum("ab", x)
    with pytest.raises(ValueError):
        hg.hinge_sum([(1, 2, 3)], x)
    with pytest.raises(ValueError):
        hg.hinge_sum([(np.inf, 0)], x)


def test_kinks_and_slopes():
    assert hg.kinks_and_slopes([(1, -1), (-2, 0), (1, 1)]) == ([-1.0, 0.0, 1.0], [0.0, 1.0, -1.0, 0.0])
    # hinges at one place merge; cancelling ones leave no kink
    assert hg.kinks_and_slopes([(1, 0), (1, 0), (1, 2), (-1, 2)]) == ([0.0], [0.0, 2.0])
    assert hg.kinks_and_slopes([], left_slope=3.0) == ([], [3.0])
    # weights that cancel only up to rounding (0.1 + 0.2 - 0.3 is 5.6e-17) make no bend either
    assert hg.kinks_and_slopes([(0.1, 1), (0.2, 1), (-0.3, 1), (1, 0)]) == ([0.0], [0.0, 1.0])


def test_hat_from_decimal_weights_names_no_phantom_kink():
    from relubook import checks

    result = checks.hat_from_hinges([(1, -1), (-2, 0), (1, 1), (0.1, 2), (0.2, 2), (-0.3, 2)], quiet=True)
    assert result.passed
    from relubook.checks.definition import reset_attempts

    reset_attempts()
    hinges_ = [(1, -1), (-1, 0), (1, 1), (0.1, 2), (0.2, 2), (-0.3, 2)]
    first = checks.hat_from_hinges(hinges_, quiet=True)          # a first miss: where, not how much
    wrong = checks.hat_from_hinges(hinges_, quiet=True)          # the second names the change needed
    reset_attempts()
    assert "bends at" not in first.message and "at x = 0 the hat's slope changes" in first.message
    assert "bends at" not in wrong.message and "by -2" in wrong.message  # no phantom kink at x = 2


# ---------------------------------------------------------------- the notebooks' widget cells

def _cells(path):
    from pathlib import Path

    import nbformat

    return nbformat.read(Path(__file__).resolve().parent.parent / path, as_version=4).cells


def test_chapter_keeps_its_live_widgets():
    sources = [c.source for c in _cells("chapters/01_definition.ipynb") if c.cell_type == "code"]
    assert any("rw.live(wd.update_neuron, controls)" in s for s in sources)
    assert any("rw.live(wd.update_hinges, controls)" in s for s in sources)


def test_exercise_target_lies_on_the_exercise_sliders():
    import re

    for path in ("solutions/01_definition.ipynb", "exercises/01_definition.ipynb"):
        cell = next(c for c in _cells(path) if "target=hinges.NEURON_TARGET), controls" in c.source)
        for name, target in zip(("w", "b"), hg.NEURON_TARGET, strict=True):
            found = re.search(rf'"{name}": widgets.FloatSlider\(value=([-\d.]+), min=([-\d.]+), max=([-\d.]+), '
                              rf'step=([\d.]+)', cell.source)
            value, low, high, step = (float(v) for v in found.groups())
            steps = (high - low) / step + 1
            assert (target - low) / step == pytest.approx(round((target - low) / step))
            assert (value - low) / step == pytest.approx(round((value - low) / step))
            assert steps ** 2 <= 400  # every setting is precomputed for the static site
