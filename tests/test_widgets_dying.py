"""Tests of the dying-ReLU widgets: update functions, computations and static twins."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from relubook.widgets import dying  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_kill_run_dead_fraction_grows_with_lr_and_negative_bias():
    gentle = dying.kill_run(0.3)
    harsh = dying.kill_run(5.0)
    assert gentle.dead_fraction < 0.1 < 0.5 < harsh.dead_fraction
    assert dying.kill_run(0.3, bias=-3.0).dead_fraction_start > 0.5
    assert dying.kill_run(0.3, bias=-3.0).dead_fraction_start > gentle.dead_fraction_start


def test_kill_run_is_deterministic():
    a = dying.kill_run(2.0)
    dying._RUNS.clear()  # force a second, independent training run
    b = dying.kill_run(2.0)
    assert a is not b
    assert a.dead_fraction == b.dead_fraction
    assert a.history.loss == b.history.loss


def test_update_kill_full_figure_changes_with_settings():
    fig = dying.update_kill(0.3, 0.0, "relu")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    title_gentle = fig.axes[0].get_title()
    fig2 = dying.update_kill(5.0, 0.0, "relu")
    assert fig2.axes[0].get_title() != title_gentle
    dead_line = fig2.axes[2].get_lines()[1].get_ydata()
    assert dead_line[-1] > dead_line[0]
    assert fig.axes[1].get_lines()[0].get_ydata()[-1] < fig.axes[1].get_lines()[0].get_ydata()[0]


def test_update_kill_single_axes_and_activation():
    fig, ax = plt.subplots()
    out = dying.update_kill(5.0, 0.0, "leaky_relu", ax=ax)
    assert out is fig
    assert "dead 0 %" in ax.get_title()
    dying.update_kill(5.0, 0.0, "relu", ax=ax)
    assert "dead 0 %" not in ax.get_title()


def test_kill_grid_single_row_for_the_exercise():
    fig = dying.kill_grid([0.5, 1.0, 3.0], [0.0])
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 3 and all("bias 0" in t for t in titles)


def test_kill_grid_one_panel_per_setting():
    fig = dying.kill_grid([0.3, 5.0], [0.0, -2.0])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    titles = [ax.get_title() for ax in visible]
    assert len(set(titles)) == 4 and all("dead" in t for t in titles)


def test_update_born_dead_changes_with_depth():
    fig = dying.update_born_dead(2, 3)
    shallow = fig.axes[0].get_title()
    assert len(fig.axes[0].get_lines()) == 6
    deep = dying.update_born_dead(40, 2).axes[0].get_title()
    p_shallow = float(shallow.split("≈")[1])
    p_deep = float(deep.split("≈")[1])
    assert p_deep > 0.9 > p_shallow
    # a dead network draws a flat line
    lines = dying.update_born_dead(40, 2).axes[0].get_lines()
    assert any(np.ptp(line.get_ydata()) == 0 for line in lines)


def test_born_dead_title_is_the_estimate_a_curve_to_that_depth_gives():
    """The widget reads P(born dead) from one cached curve per width; each entry must equal a
    fresh curve stopped at that depth (same seed), so caching changes nothing a reader sees."""
    from relubook import born_dead

    for depth, width in [(1, 2), (7, 3), (23, 4), (50, 10), (12, 3)]:
        fresh = born_dead.born_dead_curve(width, depth, n_nets=400, rng=np.random.default_rng(dying.BORN_DEAD_SEED),
                                          init="he", n_points=9)[-1]
        title = dying.update_born_dead(depth, width).axes[0].get_title()
        assert title.endswith(f"P(born dead) ≈ {fresh:.2f}"), (depth, width, title)
        plt.close("all")
    for bad, error in [(2.5, TypeError), (0, ValueError), ("3", TypeError)]:
        with pytest.raises(error, match="depth"):
            dying.update_born_dead(bad, 3)
        with pytest.raises(error, match="width"):
            dying.update_born_dead(3, bad)


def test_born_dead_heatmap_and_curves():
    table = np.array([[0.0, 0.5, 0.9], [0.0, 0.2, 0.4]])
    fig = dying.born_dead_heatmap(table, [2, 3])
    mesh = fig.axes[0].collections[0]
    assert np.allclose(np.asarray(mesh.get_array()).reshape(2, 3), table)
    fig2 = dying.plot_born_dead_curves(table, [2, 3])
    lines = fig2.axes[0].get_lines()
    assert len(lines) == 4
    bounds = [line for line in lines if line.get_linestyle() != "None"]
    assert len(bounds) == 2 and bounds[0].get_linestyle() != bounds[1].get_linestyle()
    legend = fig2.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["width 2", "width 3"]
    assert "bound" in legend.get_title().get_text()


def test_dead_curves_and_table():
    steps, curves = dying.dead_curves([0.3, 5.0], seeds=[0], record_every=50)
    assert curves.shape == (2, steps.size)
    assert curves[1, -1] > curves[0, -1]
    rows = dying.compare_configs({"a": dying.BASE_CONFIG, "b": dying.FAILING_CONFIG}, seeds=[0])
    text = dying.format_table(rows)
    assert "a" in text and "diverged" in text and len(text.splitlines()) == 4
    assert rows[1]["dead"] > rows[0]["dead"]


def test_preactivation_histograms():
    result = dying.kill_run(2.0)
    fig = dying.plot_preactivation_histograms(result.report)
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any(f"{result.report[1].n_dead} dead" in lab for lab in labels)


def test_config_validation():
    with pytest.raises(ValueError):
        dying.train_config({"momentum": 0.9})
    with pytest.raises(ValueError):
        dying.update_kill(-1.0)
