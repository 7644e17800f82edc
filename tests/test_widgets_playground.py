"""Tests of the playground widget's pure functions and of its static twin."""


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from relubook import plane_classifier as pc  # noqa: E402
from relubook import widgets as rw  # noqa: E402
from relubook.widgets import playground as pg  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_step_is_pure_and_trains():
    state = pg.make_playground("moons", "relu", 8, 2, 0.3)
    weights = state.model.weights[0].copy()
    later = pg.playground_step(state, 200)
    np.testing.assert_array_equal(state.model.weights[0], weights)  # input unchanged
    assert state.step == 0 and later.step == 200
    assert len(later.loss) == 2 and later.loss[-1] < later.loss[0]
    assert later.accuracy[-1] > 0.8


def test_chunks_equal_one_run():
    state = pg.make_playground("xor", "tanh", 6, 2, 0.5)
    once = pg.playground_step(state, 100)
    twice = pg.playground_step(pg.playground_step(state, 40), 60)
    for a, b in zip(once.model.weights, twice.model.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_update_is_path_independent():
    pc._CACHE.clear()
    direct = pc.state_at("circles", "relu", 4, 2, 0.3, 230)
    pc._CACHE.clear()
    for steps in (50, 100, 150, 230):
        stepped = pc.state_at("circles", "relu", 4, 2, 0.3, steps)
    assert stepped.steps == direct.steps and stepped.loss == direct.loss
    pc.state_at("circles", "relu", 4, 2, 0.3, 120)  # going back rebuilds from the start
    assert pc.state_at("circles", "relu", 4, 2, 0.3, 230).loss == direct.loss


def test_update_figure_reflects_the_settings():
    few = pg.update_playground("moons", "relu", 8, 2, 0.3, steps=0)
    many = pg.update_playground("moons", "relu", 8, 2, 0.3, steps=1000)
    assert len(few.axes) == 3
    assert "step 0" in few._suptitle.get_text() and "step 1000" in many._suptitle.get_text()
    loss_few = few.axes[1].lines[0].get_ydata()
    loss_many = many.axes[1].lines[0].get_ydata()
    assert len(loss_many) > len(loss_few) and loss_many[-1] < loss_many[0]
    tanh = pg.update_playground("moons", "tanh", 8, 2, 0.3, steps=1000)
    assert tanh.axes[1].lines[0].get_color() != many.axes[1].lines[0].get_color()


def test_dead_units_are_reported():
    state = pc.state_at("moons", "relu", 4, 3, 5.0, 300)  # a huge step kills ReLU units
    assert state.diverged or max(state.dead) > 0
    fig = pg.update_playground("moons", "relu", 4, 3, 5.0, steps=300)
    assert "dead units" in fig._suptitle.get_text()


def test_moving_steps_forward_trains_only_the_new_chunk(monkeypatch):
    # how fast a redraw is, is measured by `make bench`; here: that it does not retrain from scratch
    pg.update_playground("spiral", "relu", 16, 2, 0.3, steps=500)
    trained = []
    real_step = pc.playground_step
    monkeypatch.setattr(pc, "playground_step", lambda state, n: trained.append(n) or real_step(state, n))
    pg.update_playground("spiral", "relu", 16, 2, 0.3, steps=500 + pg.CHUNK)
    assert sum(trained) == pg.CHUNK


def test_bad_settings_raise():
    with pytest.raises(ValueError):
        pg.update_playground("blobs", "relu", 8, 2, 0.3, steps=10)
    with pytest.raises(ValueError):
        pg.update_playground("moons", "relu", 8, 2, 0.3, steps=pg.MAX_STEPS + 1)
    with pytest.raises(ValueError):
        pg.make_playground("moons", "relu", 0, 2, 0.3)
    with pytest.raises(ValueError):
        pg.playground_step(pg.make_playground("moons", "relu", 2, 1, 0.3), -1)


def test_static_twin_has_one_panel_per_setting():
    grid = {"dataset": ["moons", "xor"], "activation": ["relu", "tanh", "sigmoid"],
            "width": [4], "depth": [1], "lr": [0.3], "steps": [100]}
    fig = rw.static_twin(pg.update_playground, grid=grid, ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    assert all(ax.collections for ax in visible)  # points and boundary drawn
    texts = [t.get_text() for ax in visible for t in ax.texts]
    assert all(t.startswith("acc ") for t in texts) and len(texts) == 6


def test_snap_lr_reads_the_slider():
    assert pc.snap_lr(0.316) == pc.snap_lr(10**-0.5) == pc.LR_GRID[15]
    assert pc.snap_lr(1) == 1.0 and pc.snap_lr(3.16) == pc.LR_GRID[-1]
    assert pc.snap_lr(0.3) is None and pc.snap_lr(100.0) is None and pc.snap_lr(float("nan")) is None
    with pytest.raises(TypeError):
        pc.snap_lr("0.3")


def test_spiral_is_less_noisy_than_the_default_and_seeds_differ():
    state = pc.make_playground("spiral", "relu", 4, 1, 0.1)
    other = pc.make_playground("spiral", "relu", 4, 1, 0.1, seed=1)
    assert pc.NOISE["spiral"] < 0.1
    assert not np.array_equal(state.X, other.X)
    with pytest.raises(ValueError):
        pc.make_playground("spiral", "relu", 4, 1, 0.1, seed=-1)


def test_the_widget_module_holds_no_training():
    import inspect

    source = inspect.getsource(pg)
    assert "def make_playground" not in source and "def playground_step" not in source
    assert "from .widgets" not in inspect.getsource(pc) and "import widgets" not in inspect.getsource(pc)


def test_snap_lr_reads_the_readout_rounded_to_two_digits():
    assert pc.snap_lr(0.32) == pc.snap_lr(0.316) and pc.snap_lr(2.0) == pc.snap_lr(1.995)
    assert pc.snap_lr(0.013) == pc.LR_GRID[1] and pc.snap_lr(3.2) == pc.LR_GRID[-1]
    assert pc.snap_lr(0.33) is None and pc.snap_lr(0.3) is None
