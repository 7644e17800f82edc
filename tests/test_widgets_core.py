"""Tests of the widget pattern (live control, static twin) and of the plot style."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from relubook import plotting  # noqa: E402
from relubook import widgets as rw  # noqa: E402


def update_line(slope: float, *, ax=None):
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    x = np.linspace(-1, 1, 5)
    ax.plot(x, np.maximum(0, slope * x))
    return fig


def test_settings_grid_is_the_cartesian_product():
    grid = rw.settings_grid({"a": [1, 2], "b": [3, 4, 5]})
    assert len(grid) == 6 and grid[0] == {"a": 1, "b": 3} and grid[-1] == {"a": 2, "b": 5}
    with pytest.raises(TypeError):
        rw.settings_grid({"a": "xyz"})


def test_static_twin_draws_one_panel_per_setting():
    fig = rw.static_twin(update_line, grid={"slope": [0.5, 1.0, 2.0, 3.0]}, ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    assert [ax.get_title() for ax in visible] == ["slope = 0.5", "slope = 1", "slope = 2", "slope = 3"]
    tops = [ax.lines[0].get_ydata().max() for ax in visible]
    assert tops == [0.5, 1.0, 2.0, 3.0]
    plt.close("all")


def test_static_twin_requires_an_ax_keyword():
    with pytest.raises(TypeError, match="ax"):
        rw.static_twin(lambda slope: None, grid={"slope": [1]})


def test_live_redraws_when_a_control_changes():
    import ipywidgets as widgets

    calls = []

    def update(slope):
        calls.append(slope)
        return f"slope is {slope}"

    slider = widgets.FloatSlider(value=1.0, min=0, max=3)
    box = rw.live(update, {"slope": slider})
    assert calls == [1.0]
    slider.value = 2.5
    assert calls == [1.0, 2.5]
    assert box.controls["slope"] is slider
    with pytest.raises(ValueError, match="bias"):
        rw.live(update, {"bias": widgets.FloatSlider()})


def test_live_names_a_play_control_beside_its_buttons():
    import ipywidgets as widgets

    play = widgets.Play(value=0, min=0, max=10, description="train")
    slider = widgets.IntSlider(value=1, description="width")
    calls = []
    box = rw.live(lambda steps, width: calls.append((steps, width)), {"steps": play, "width": slider})
    panel = box.children[0]
    row = panel.children[0]
    assert isinstance(row, widgets.HBox) and row.children[1] is play
    assert isinstance(row.children[0], widgets.Label) and row.children[0].value == "train"
    assert row.children[0].layout.justify_content == "flex-end"  # right-aligned, like descriptions
    assert panel.children[1] is slider  # other controls show their own description
    assert box.controls["steps"] is play
    play.value = 5
    assert calls == [(0, 1), (5, 1)]


def test_palette_and_styles_are_fixed_and_distinct():
    assert plotting.color_for("relu") == plotting.RELU_COLOR == "#0072B2"
    names = ["relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh"]
    pairs = {(plotting.color_for(n), str(plotting.linestyle_for(n))) for n in names}
    assert len(pairs) == len(names)  # no two activations look alike
    plotting.use_style()
    fig, ax = plotting.subplots()
    plotting.plot_activation(ax, "relu")
    plotting.plot_activation(ax, "elu", derivative=True)
    plotting.legend_if_several(ax)
    assert ax.get_legend() is not None and ax.lines[0].get_color() == "#0072B2"
    plt.close("all")


def test_widget_figures_are_shown_with_alt_text(capsys):
    from IPython.display import HTML

    shown = []
    import IPython.display

    original = IPython.display.display
    IPython.display.display = shown.append
    try:
        fig = update_line(2.0)
        fig.axes[0].set_title("slope 2")
        fig.axes[0].set_xlabel("input")
        rw.show_result((fig, "a readout"))
    finally:
        IPython.display.display = original
    assert len(shown) == 1 and isinstance(shown[0], HTML)
    assert 'alt="Widget figure: slope 2, y against input"' in shown[0].data
    assert "data:image/png;base64," in shown[0].data
    assert capsys.readouterr().out == "a readout\n"
    fig = update_line(1.0)
    fig.alt_text = "A hinge & its slope"
    assert rw.figure_alt(fig) == "A hinge & its slope"
    plt.close("all")


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _widget_cases():
    from relubook.widgets import definition, derivative, dying, variants

    cases = []
    for module in (definition, derivative, variants, dying):
        for name, settings in module.BENCH_SETTINGS.items():
            if name in getattr(module, "TRAINING_WIDGETS", ()):
                continue
            step = max(1, len(settings) // 6)
            cases.append(pytest.param(getattr(module, name), settings[::step][:6], id=f"{module.__name__}.{name}"))
    return cases


@pytest.mark.parametrize(("update", "settings"), _widget_cases())
def test_a_reused_widget_figure_draws_what_a_fresh_one_draws(update, settings):
    plotting.use_style()
    run = rw.Redraw(update)
    try:
        for setting in settings:
            reused = run(**setting)
            run.draw(reused)
            fresh = update(**setting)
            assert run.reusing, "a single-axes widget figure should be reused"
            a = np.asarray(reused.canvas.buffer_rgba()).astype(int)
            b = _pixels(fresh).astype(int)
            plt.close(fresh)
            # a relayout may move an edge by a fraction of a pixel (antialiasing shades); a left-over
            # line, a stale title or a wrong limit changes pixels by far more than a quarter of the range
            differ = (np.abs(a - b).max(axis=2) > 64).mean()
            assert differ < 0.0005, f"{setting}: {differ:.2%} of the pixels differ from a fresh figure"
    finally:
        plt.close("all")
        matplotlib.rcdefaults()


def test_redraw_reuses_one_figure_and_lays_it_out_again_when_limits_change():
    def update(slope, *, ax=None):
        return update_line(slope, ax=ax if ax is not None else plt.figure(layout="constrained").add_subplot())

    run = rw.Redraw(update)
    first = run(slope=1.0)
    assert run.reusing and first.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    second = run(slope=2.0)
    assert second is first
    assert len(first.axes[0].lines) == 1, "the previous line must be removed, not drawn over"
    np.testing.assert_allclose(first.axes[0].lines[0].get_ydata(), np.maximum(0, 2.0 * np.linspace(-1, 1, 5)))
    assert first.axes[0].get_ylim()[1] > 1.9, "the y limits follow the new data"
    assert first.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    run(slope=2.0)  # same limits: the layout stays frozen
    assert first.get_layout_engine().__class__.__name__ == "PlaceHolderLayoutEngine"
    plain = rw.Redraw(update_line)  # a figure without a layout engine does not get one
    assert plain(slope=1.0).get_layout_engine() is None and plain(slope=3.0).get_layout_engine() is None
    plt.close("all")


def test_redraw_makes_a_new_figure_when_the_update_cannot_reuse_one():
    def two_panels(slope):
        fig, axes = plt.subplots(1, 2)
        axes[0].plot([0, 1], [0, slope])
        return fig

    run = rw.Redraw(two_panels)
    first = run(slope=1.0)
    assert not run.reusing and run(slope=2.0) is not first
    with pytest.raises(TypeError, match="update"):
        rw.Redraw("not a function")
    plt.close("all")


def test_figure_png_is_a_png_of_the_canvas():
    fig = update_line(1.0)
    data = rw.figure_png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == fig.canvas.get_width_height()
    plt.close(fig)


def test_redraw_survives_the_inline_backend_closing_every_figure_after_a_cell():
    from relubook.widgets import definition

    plotting.use_style()
    try:
        run = rw.Redraw(definition.update_neuron)
        fig = run(w=1.0, b=0.0)
        run.draw(fig)
        # the reused figure is not left open in pyplot, or Jupyter would show it a second time
        assert fig.number not in plt.get_fignums()
        plt.close("all")  # what matplotlib-inline does at the end of each cell
        again = run(w=-2.0, b=1.0)
        run.draw(again)
        png = rw.figure_png(again, draw=False)
        fresh = definition.update_neuron(w=-2.0, b=1.0)
        import io

        from PIL import Image

        a = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)
        b = _pixels(fresh).astype(int)
        assert (np.abs(a - b).max(axis=2) > 64).mean() < 0.0005
    finally:
        plt.close("all")
        matplotlib.rcdefaults()


@pytest.mark.parametrize(("text", "said"), [
    ("$x_2$ against $x_1$", "x2 against x1"),
    (r"P(born dead) $\approx$ 0.61", "P(born dead) approx 0.61"),
    (r"$\partial L / \partial w_{1}$", "partial L / partial w1"),
    (r"$\alpha\,x$", "alphax"),
    ("no math, 5 $", "no math, 5 $"),
])
def test_speakable_turns_math_into_words(text, said):
    assert rw.speakable(text) == said


def test_figure_alt_has_no_tex_and_speakable_rejects_non_text():
    fig, ax = plt.subplots()
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    assert rw.figure_alt(fig) == "Widget figure: x2 against x1"
    fig.alt_text = r"slope $\alpha$"
    assert rw.figure_alt(fig) == "slope alpha"
    plt.close(fig)
    with pytest.raises(TypeError, match="text"):
        rw.speakable(3)
