"""Tests of relubook.dying: the chapter's network trained over many seeds at once."""

from __future__ import annotations

import numpy as np
import pytest

from relubook import dying
from relubook.network import MLP, train


def test_a_seed_in_a_batch_equals_the_seed_alone():
    batch = dying.train_seeds(dying.FAILING_CONFIG, seeds=range(5))
    alone = dying.train_seeds(dying.FAILING_CONFIG, seeds=[3])
    assert np.array_equal(batch.weights[0][3], alone.weights[0][0])
    assert batch.accuracy[3] == alone.accuracy[0]
    assert batch.dead_fraction[3] == alone.dead_fraction[0]


@pytest.mark.parametrize("config", [{"lr": 4.0}, {"lr": 3.0, "redo": 100}, {"lr": 2.0, "activation": "elu"},
                                    {"lr": 2.0, "activation": "leaky_relu"}])
def test_a_seed_alone_equals_the_seed_in_a_batch_whose_other_runs_diverge(config):
    # the trainer drops a diverged run from the batch and keeps its frozen state: each seed's final
    # state, records and dead units are the same, bit for bit, as when it is trained alone
    batch = dying.train_seeds(config, seeds=range(8), record_every=7)
    assert 0 < batch.diverged.sum() < 8
    for k in range(8):
        alone = dying.train_seeds(config, seeds=[k], record_every=7)
        for a, b in [*zip(batch.weights, alone.weights, strict=True), *zip(batch.biases, alone.biases, strict=True),
                     *zip(batch.dead_masks, alone.dead_masks, strict=True)]:
            assert np.array_equal(a[k], b[0])
        for name in ("diverged", "dead_fraction", "accuracy", "dormant_fraction"):
            assert np.array_equal(getattr(batch, name)[k], getattr(alone, name)[0], equal_nan=name != "diverged")
        # records at the same steps agree; after a lone run stopped, the batch keeps its frozen dead units
        shared = np.isin(batch.steps, alone.steps)
        where = np.searchsorted(alone.steps, batch.steps[shared])
        assert np.array_equal(batch.loss[shared, k], alone.loss[where, 0], equal_nan=True)
        assert np.array_equal(batch.dead_units[shared, k], alone.dead_units[where, 0])
        later = batch.steps > alone.steps[-1]
        assert np.all(batch.dead_units[later, k] == alone.dead_units[-1, 0])
        assert np.all(np.isnan(batch.loss[later, k]))


def test_weight_decay_in_the_batched_trainer_matches_network_train():
    runs = dying.train_seeds({"lr": 0.3, "weight_decay": 0.01, "steps": 100}, seeds=[0, 1])
    X, y = dying.moons_data()
    for k, seed in enumerate(runs.seeds):
        model = MLP([2, 16, 16, 1], "relu", rng=np.random.default_rng(seed), init=1.0)
        train(model, X, y, lr=0.3, steps=100, record_every=100, weight_decay=0.01)
        np.testing.assert_allclose(runs.weights[1][k], model.weights[1], rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(runs.biases[0][k, 0], model.biases[0], rtol=1e-6, atol=1e-8)


def test_the_batched_trainer_matches_plain_gradient_descent_closely():
    # the same network, initial weights and updates as relubook.network.train (at a calm rate, where
    # a different summation order cannot change the outcome)
    runs = dying.train_seeds({"lr": 0.3}, seeds=[0, 1])
    X, y = dying.moons_data()
    for k, seed in enumerate(runs.seeds):
        model = MLP([2, 16, 16, 1], "relu", rng=np.random.default_rng(seed), init=1.0)
        train(model, X, y, lr=0.3, steps=300, record_every=300)
        np.testing.assert_allclose(runs.weights[0][k], model.weights[0], rtol=1e-6, atol=1e-8)
        assert runs.accuracy[k] == model.accuracy(X, y)


def test_dead_fraction_grows_with_lr_and_negative_bias():
    gentle = dying.train_seeds({"lr": 0.3})
    harsh = dying.train_seeds({"lr": 2.0})
    ok = ~harsh.diverged
    assert np.median(gentle.dead_fraction) < 0.1 < 0.5 < np.median(harsh.dead_fraction[ok])
    biased = dying.train_seeds({"lr": 0.3, "bias_init": -3.0})
    assert np.median(biased.dead_fraction_start) > 0.5 > np.median(gentle.dead_fraction_start)


def test_network_is_constant_when_layer_2_dies():
    runs = dying.train_seeds({"lr": 2.0})
    all_dead = runs.dead_per_layer[:, 1] == 16
    assert all_dead.any()
    assert np.all(runs.accuracy[all_dead] == 0.5)


def test_a_run_whose_weights_blow_up_has_diverged_although_its_loss_is_finite():
    runs = dying.train_seeds({"lr": 2.0})
    k = int(np.flatnonzero(runs.diverged)[0])
    finite = np.isfinite(runs.loss[:, k])
    assert finite[0] and max(float(np.abs(w[k]).max()) for w in runs.weights) > dying.WEIGHT_LIMIT
    assert np.isnan(runs.accuracy[k]) and not runs.trains[k]


def test_trains_needs_few_dead_units_over_the_last_half_not_only_at_the_end():
    redo = dying.train_seeds({"lr": 2.0, "redo": 100})
    reset = (~redo.diverged) & (redo.dead_fraction < dying.TRAIN_MAX_DEAD) & (redo.dead_late >= dying.TRAIN_MAX_DEAD)
    assert reset.any()                       # looks fixed at the end, was not between recyclings
    assert not redo.trains[reset].any()
    he = dying.train_seeds({"lr": 2.0, "init": "he"})
    assert he.trains.sum() >= 12


def test_dead_means_constant_output_a_positive_constant_included():
    from relubook.diagnostics import dead_fraction

    a = np.array([[0.0, 0.75, 1.0], [0.0, 0.75, 2.0]])
    assert dead_fraction(a) == 2 / 3
    runs = dying.train_seeds({"lr": 2.0})
    X = dying.moons_data()[0]
    for k in range(3):
        _, _, post = runs.forward(X, k)
        for i, h in enumerate(post):
            np.testing.assert_array_equal(runs.dead_masks[i][k], np.ptp(h, axis=0) == 0)


def test_killing_steps_compares_dying_with_live_units():
    k = dying.killing_steps(seeds=(0, 1, 2, 3))
    assert k["bias_change_dead"].size == k["weight_ratio_dead"].size > 0
    assert np.median(k["bias_change_dead"]) < np.median(k["bias_change_live"])


def test_remedy_grid_and_table():
    grid = dying.remedy_grid(seeds=range(4), lrs=(1.0, 2.0), names=["He init", "Adam (lr x 0.005)"])
    assert grid["Adam (lr x 0.005)"][2.0].config["lr"] == 0.01
    text = dying.remedy_table(grid, split=2)
    assert "lr 1" in text and "Adam" in text and len(text.splitlines()) == 5
    with pytest.raises(ValueError, match="name"):
        dying.remedy_config("nope", 2.0)


def test_saturated_elu_units_count_as_dead():
    runs = dying.train_seeds({**dying.FAILING_CONFIG, "activation": "elu"})
    ok = ~runs.diverged
    assert np.median(runs.dead_fraction[ok]) > 0.2  # ELU saturation at lr 2: a dying mode
    k = int(np.flatnonzero(ok & (runs.dead_fraction > 0.2))[0])
    _, _, post = runs.forward(dying.moons_data()[0], k)
    dead = runs.dead_masks[1][k]
    if dead.any():
        assert np.all(np.ptp(post[1][:, dead], axis=0) < 1e-6)


def test_learned_negative_biases_of_dead_first_layer_units():
    runs = dying.train_seeds(dying.FAILING_CONFIG)
    dead = np.concatenate([runs.first_layer_biases(k)[0] for k in range(runs.n_seeds)])
    live = np.concatenate([runs.first_layer_biases(k)[1] for k in range(runs.n_seeds)])
    assert np.median(dead) < np.median(live) and np.median(dead) < -0.1


def test_compare_configs_and_table():
    rows = dying.compare_configs({"a": dying.BASE_CONFIG, "b": dying.FAILING_CONFIG}, seeds=range(4))
    text = dying.format_table(rows)
    assert "a" in text and "diverged" in text and len(text.splitlines()) == 4
    assert rows[1]["dead"] > rows[0]["dead"]
    assert rows[0]["text"]["diverged"] == "0 of 4"
    with pytest.raises(ValueError, match="columns"):
        dying.format_table(rows, columns=("nope",))


def test_row_text_precision_and_diverged_runs():
    text = dying.row_text([0.5, 0.25, np.nan], [0.5, 0.5, np.nan], [0.915, 0.935, np.nan], [False, False, True])
    assert text == {"diverged": "1 of 3", "dead": "38 (25–50)", "dead_start": "38", "dormant": "50",
                    "accuracy": "0.9"}
    assert dying.row_text([np.nan], [np.nan], [np.nan], [True])["accuracy"] == "—"


@pytest.mark.parametrize("change", [{"optimizer": "adam", "lr": 0.01}, {"norm": "batch"}, {"residual": True},
                                    {"clip": 1.0}, {"warmup": 50}, {"redo": 50}, {"activation": "prelu"}])
def test_every_remedy_trains_at_a_calm_rate(change):
    runs = dying.train_seeds({"lr": 0.3, **change} if "lr" not in change else change, seeds=range(3))
    assert not runs.diverged.any()
    assert np.median(runs.accuracy) > 0.95


def test_clip_limits_the_step():
    wild = dying.train_seeds({"lr": 20.0}, seeds=range(3))
    tame = dying.train_seeds({"lr": 20.0, "clip": 0.05}, seeds=range(3))
    assert wild.diverged.all() and not tame.diverged.any() and np.median(tame.dead_fraction) < 0.1


@pytest.mark.parametrize(("config", "name"), [({"momentum": 0.9}, "unknown"), ({"lr": -1}, "lr"),
                                              ({"optimizer": "sgd"}, "optimizer"), ({"norm": "layer"}, "norm"),
                                              ({"warmup": -1}, "warmup"), ({"clip": float("nan")}, "clip"),
                                              ({"residual": 1}, "residual"), ({"steps": 2.5}, "steps"),
                                              ({"weight_decay": -0.1}, "weight_decay"),
                                              ({"weight_decay": "1e-3"}, "weight_decay")])
def test_config_validation(config, name):
    with pytest.raises(ValueError, match=name):
        dying.train_seeds(config, seeds=[0])


@pytest.mark.parametrize("seeds", [[], [-1], ["a"], [True]])
def test_seed_validation(seeds):
    with pytest.raises((ValueError, TypeError), match="seeds"):
        dying.train_seeds({}, seeds=seeds)


def test_chapter_experiments_are_full_configs():
    exps = dying.chapter_experiments()
    assert all(set(c) >= set(dying.BASE_CONFIG) for c in exps.values())
    assert "lr 2" in exps and exps["lr 2"]["lr"] == 2.0
    assert exps["Adam (lr x 0.005) @ lr 2"]["lr"] == 0.01


def test_dormant_is_sokar_et_al_score_everywhere():
    from relubook.diagnostics import dormant_scores

    rng = np.random.default_rng(0)
    a = np.abs(rng.standard_normal((50, 6)))
    a[:, 2] *= 0.01  # a quiet unit
    np.testing.assert_allclose(dying.sokar_scores(a), dormant_scores(a))
    np.testing.assert_allclose(dying.sokar_scores(np.stack([a, 2 * a]))[1], dormant_scores(a))
    assert dying.sokar_scores(np.zeros((1, 4, 3))).tolist() == [[0.0, 0.0, 0.0]]


def test_prelu_slopes_are_exposed_and_take_the_oversized_step():
    one = dying.train_seeds({**dying.FAILING_CONFIG, "activation": "prelu", "steps": 1}, (0, 1, 2))
    start = dying.train_seeds({**dying.FAILING_CONFIG, "activation": "prelu", "steps": 0}, (0, 1, 2))
    assert [s.shape for s in start.slopes] == [(3, w) for w in dying.HIDDEN]
    assert all(np.all(s == 0.25) for s in start.slopes)
    assert max(float(np.abs(s).max()) for s in one.slopes) > 1.0   # one step of lr 2 leaves the leaky range
    assert dying.train_seeds(dying.FAILING_CONFIG, (0,)).slopes is None


def test_dead_curves_leave_a_diverged_run_out_from_its_divergence_on():
    """Issue 27 review: a diverged run has no dead fraction "after 300 steps"; it used to keep its last record,
    so the chapter's lr 4 line counted 15 diverged runs as if they had trained."""
    steps, curves = dying.dead_curves([2.0, 4.0], dying.CHAPTER_SEEDS)
    for lr, curve in zip((2.0, 4.0), curves, strict=True):
        runs = dying.train_seeds({"lr": lr}, dying.CHAPTER_SEEDS)
        assert np.array_equal(np.isnan(curve[-1]), runs.diverged)
        assert not np.isnan(curve[0]).any()  # every run starts
        gone = np.isnan(curve)
        assert np.all(gone[1:] >= gone[:-1])  # once NaN, NaN for good
    assert np.isnan(curves[1][-1]).sum() >= 8  # lr 4: many runs diverge (15 of the chapter's 20)


def test_continual_runs_a_seed_is_the_same_alone_and_with_or_without_the_other_reset():
    kw = {"n_tasks": 4, "steps": 10}
    both = [dying.continual_runs((0, 1, 2), reset=r, **kw) for r in (False, True)]
    alone = [dying.continual_runs((1,), reset=r, **kw) for r in (False, True)]
    for b, a in zip(both, alone, strict=True):
        for name in ("accuracy", "dormant", "dead"):
            assert np.array_equal(getattr(b, name)[:, 1], getattr(a, name)[:, 0])
    assert not both[0].reset and both[1].reset and both[0].seeds == (0, 1, 2)
    assert not np.array_equal(both[0].dormant, both[1].dormant)   # the reset acts
