"""Tests of the dying-ReLU widgets and plots: update functions and static twins."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from relubook import born_dead, dying, dying_plots  # noqa: E402
from relubook.widgets import dying as wdying  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_widget_module_holds_only_widgets():
    public = {n for n in dir(wdying) if not n.startswith("_") and callable(getattr(wdying, n))
              and getattr(getattr(wdying, n), "__module__", "") == wdying.__name__}
    assert public == {"update_kill", "update_born_dead", "kill_grid", "representative_seed"}


def test_experiments_and_checkers_never_import_widgets():
    import ast
    from pathlib import Path

    root = Path(dying.__file__).parent
    for path in (root / "dying.py", root / "born_dead.py", root / "dying_plots.py", root / "checks" / "dying.py"):
        tree = ast.parse(path.read_text())
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not any("widgets" in name for name in names), path


def test_update_kill_full_figure_changes_with_settings():
    fig = wdying.update_kill(0.3, 0.0, "relu")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    title_gentle = fig._suptitle.get_text()
    assert "medians of 20 seeds" in title_gentle and "0 of 20 diverged" in title_gentle
    fig2 = wdying.update_kill(5.0, 0.0, "relu")
    assert fig2._suptitle.get_text() != title_gentle
    dead_line = fig2.axes[2].get_lines()[1].get_ydata()
    assert dead_line[-1] > dead_line[0]
    median_loss = fig.axes[1].get_lines()[-1].get_ydata()
    assert median_loss[-1] < median_loss[0]


def test_update_kill_title_is_the_checkers_and_the_chapters_median():
    lr = float(dying.LR_GRID[26])
    fig = wdying.update_kill(lr)
    runs = dying.train_seeds({"lr": lr})
    median = np.median(runs.dead_fraction[~runs.diverged])
    assert dying.killed_fraction(lr) == median
    assert f"dead {100 * median:.0f} %" in fig._suptitle.get_text()


def _text_px_on_a_phone(fig, text) -> float:
    """CSS px height of a text's font when the figure is shown 360 px wide (a 390 px phone)."""
    return text.get_fontsize() / 72 * 360 / fig.get_figwidth()


def test_kill_titles_fit_and_are_legible_on_a_phone_in_every_frame_kind():
    # frames with diverged seeds (the longest titles) and without
    for lr, act in [(0.3, "relu"), (float(dying.LR_GRID[20]), "elu"), (2.0, "leaky_relu"), (20.0, "relu")]:
        fig = wdying.update_kill(lr, -0.25, act)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        width = fig.bbox.width
        texts = [fig._suptitle] + [t for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label)
                                   if t.get_text()]
        for t in texts:  # titles and labels lie wholly inside the frame
            box = t.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= width + 1, (lr, act, t.get_text())
        texts += [t for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels() + ax.texts
                  if t.get_text()]
        for t in texts:  # every text, tick labels included, at least 9 CSS px on a phone
            assert _text_px_on_a_phone(fig, t) >= 9, (t.get_text(), t.get_fontsize())
        plt.close(fig)


def test_kill_picture_never_shows_a_diverged_seed():
    runs = dying.train_seeds({"lr": 2.0, "activation": "leaky_relu"})
    assert runs.diverged[0]            # seed 0 diverged here: the old picture contradicted its title
    k = wdying.representative_seed(runs)
    assert not runs.diverged[k]
    fig = wdying.update_kill(2.0, 0.0, "leaky_relu")
    assert f"seed {runs.seeds[k]}" in [t.get_text() for t in fig.axes[0].texts]
    everything = dying.train_seeds({"lr": 20.0})
    assert everything.diverged.all() and wdying.representative_seed(everything) is None
    fig = wdying.update_kill(20.0)
    assert "diverged" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_update_kill_single_axes_and_activation():
    fig, ax = plt.subplots()
    out = wdying.update_kill(2.0, 0.0, "leaky_relu", ax=ax)
    assert out is fig
    assert "7 of 20 diverged" in ax.get_title()
    wdying.update_kill(2.0, 0.0, "relu", ax=ax)
    assert "dead 0 %" not in ax.get_title()


def test_kill_grid_single_row_for_the_exercise():
    fig = wdying.kill_grid([0.5, 1.0, 3.0], [0.0])
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 3 and all("bias 0" in t for t in titles)


def test_kill_grid_one_panel_per_setting():
    fig = wdying.kill_grid([0.3, 5.0], [0.0, -2.0])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    titles = [ax.get_title() for ax in visible]
    assert len(set(titles)) == 4 and all("dead" in t for t in titles)


def test_update_born_dead_changes_with_depth():
    fig = wdying.update_born_dead(2, 3)
    shallow = fig.axes[0].get_title()
    assert len(fig.axes[0].get_lines()) == 6
    deep = wdying.update_born_dead(40, 2).axes[0].get_title()
    p_shallow = float(shallow.split("≈")[1])
    p_deep = float(deep.split("≈")[1])
    assert p_deep > 0.9 > p_shallow
    # a dead network draws a flat line
    lines = wdying.update_born_dead(40, 2).axes[0].get_lines()
    assert any(np.ptp(line.get_ydata()) == 0 for line in lines)


def test_update_born_dead_keeps_one_frame_for_every_setting():
    limits = {wdying.update_born_dead(d, w).axes[0].get_ylim() for d, w in [(1, 2), (10, 3), (50, 10)]}
    assert limits == {(-1.1, 1.1)}


def test_born_dead_scales_each_network_by_its_own_largest_output():
    # width 10: almost every network is alive; each must fill the frame, not look flat beside a larger one
    fig = wdying.update_born_dead(10, 10)
    lines = fig.axes[0].get_lines()
    live = [line for line in lines if np.ptp(line.get_ydata()) > 0]
    assert len(live) >= 5
    assert all(np.isclose(np.max(np.abs(line.get_ydata())), 1.0) for line in live)
    flat = [t.get_text() for t in fig.axes[0].texts if "flat" in t.get_text()]
    assert flat == [f"{len(lines) - len(live)} of {len(lines)} shown are flat (dead)"]


def test_born_dead_title_is_the_estimate_a_curve_to_that_depth_gives():
    """The widget reads P(born dead) from one cached curve per width; each entry must equal a
    fresh curve stopped at that depth (same seed), so caching changes nothing a reader sees."""
    for depth, width in [(1, 2), (7, 3), (23, 4), (50, 10), (12, 3)]:
        fresh = born_dead.born_dead_curve(width, depth, n_nets=born_dead.WIDGET_NETS,
                                          rng=np.random.default_rng(born_dead.WIDGET_SEED), init="he",
                                          n_points=9)[-1]
        title = wdying.update_born_dead(depth, width).axes[0].get_title()
        assert title.endswith(f"P(born dead) ≈ {fresh:.2f}"), (depth, width, title)
        plt.close("all")
    for bad, error in [(2.5, TypeError), (0, ValueError), ("3", TypeError)]:
        with pytest.raises(error, match="depth"):
            wdying.update_born_dead(bad, 3)
        with pytest.raises(error, match="width"):
            wdying.update_born_dead(3, bad)


def test_born_dead_widget_is_fast():
    import time

    from relubook.widgets import Redraw

    run = Redraw(wdying.update_born_dead)
    run.draw(run(depth=3, width=3))  # first call: layout and the cached curves
    times = []
    for setting in wdying.BENCH_SETTINGS["update_born_dead"][:12]:
        t0 = time.perf_counter()
        run.draw(run(**setting))
        times.append(time.perf_counter() - t0)
    assert np.median(times) < 0.1  # goal 0.05 s (bench); twice that here, the test machine is shared


def test_born_dead_heatmap_and_curves():
    table = np.array([[0.0, 0.5, 0.9], [0.0, 0.2, 0.4]])
    fig = dying_plots.born_dead_heatmap(table, [2, 3])
    mesh = fig.axes[0].collections[0]
    assert np.allclose(np.asarray(mesh.get_array()).reshape(2, 3), table)
    fig2 = dying_plots.plot_born_dead_curves(table, [2, 3])
    lines = fig2.axes[0].get_lines()
    assert len(lines) == 4
    bounds = [line for line in lines if line.get_linestyle() != "None"]
    assert len(bounds) == 2 and bounds[0].get_linestyle() != bounds[1].get_linestyle()
    legend = fig2.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["width 2", "width 3"]
    assert "bound" in legend.get_title().get_text()


def test_dead_curves_plot_shows_spread_and_labels_one_half():
    steps, curves = dying.dead_curves([0.3, 5.0], seeds=range(4), record_every=50)
    fig = dying_plots.plot_dead_curves(steps, curves, [0.3, 5.0])
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # one band per learning rate
    assert any(t.get_text() == "half the units" for t in ax.texts)
    with pytest.raises(ValueError, match="curves"):
        dying_plots.plot_dead_curves(steps, curves[:, :, 0], [0.3, 5.0])


def test_preactivation_histograms_and_bias_drift():
    from relubook.diagnostics import dead_units_report

    runs = dying.train_seeds(dying.FAILING_CONFIG)
    report = dead_units_report(runs.model(1), dying.moons_data()[0])
    fig = dying_plots.plot_preactivation_histograms(report)
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any(f"{report[1].n_dead} dead" in lab for lab in labels)
    dead_b, live_b = runs.first_layer_biases(1)
    fig2 = dying_plots.plot_bias_drift(dead_b, live_b)
    assert sum(len(c.get_offsets()) for c in fig2.axes[0].collections) == 16


def test_update_kill_rejects_bad_rates():
    with pytest.raises(ValueError):
        wdying.update_kill(-1.0)


def test_the_kill_widget_draws_settings_where_seeds_diverge():
    # ELU at lr 10**0.1 diverges in some seeds: the log loss axis must not meet an overflowing loss
    import matplotlib.pyplot as plt

    from relubook import widgets as rw
    from relubook.widgets import dying as dying_widgets

    fig = dying_widgets.update_kill(lr=10**0.1, bias=0.0, activation="elu")
    assert rw.figure_png(fig).startswith(b"\x89PNG")
    low, high = fig.axes[1].get_ylim()
    assert 0 < low < high == dying_widgets.LOSS_CEILING
    plt.close(fig)
