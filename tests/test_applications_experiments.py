"""Tests of chapter 5's experiments: the race, depth, recurrent gradients, the feed-forward block, the sawtooth."""

import numpy as np
import pytest

from relubook import activation_race, conv, recurrent, regions, transformer


@pytest.fixture(scope="module")
def data():
    return conv.load_digits_split(0)


def test_race_reports_edges_and_seeds(data):
    narrow = activation_race.race(data, ["sigmoid"], lrs=(0.1, 0.3, 1.0), seeds=(0, 1), max_epochs=6)
    assert narrow["sigmoid"].on_edge  # sigmoid wants a larger rate than 1
    assert narrow["sigmoid"].best_lrs == [1.0, 1.0] and len(narrow["sigmoid"].epochs) == 2
    wide = activation_race.race(data, ["sigmoid"], lrs=(0.3, 1.0, 3.0, 10.0), seeds=(0,), max_epochs=6)
    assert not wide["sigmoid"].on_edge and wide["sigmoid"].best_lrs == [3.0]
    assert wide["sigmoid"].mean < narrow["sigmoid"].runs[0].epochs
    with pytest.raises(ValueError):
        activation_race.race(data, ["relu"], lrs=(), seeds=(0,))


def test_depth_starves_sigmoid_of_gradient_but_not_relu(data):
    sig = activation_race.gradient_ratio("sigmoid", 8, 0, data=data, init="xavier")
    relu = activation_race.gradient_ratio("relu", 8, 0, data=data, init="he")
    assert sig < 1e-3 < 0.3 < relu < 3
    assert activation_race.gradient_ratio("relu", 1, 0, data=data) == 1.0
    with pytest.raises(ValueError):
        activation_race.gradient_ratio("relu", 0, 0, data=data)


def test_cnn_records_dead_filters_on_the_training_set(data):
    _, history = conv.train_cnn(data, seed=0, epochs=1)
    assert len(history.dead_filters) == 2 and history.dead_filters[0] == []
    assert all(isinstance(k, int) and 0 <= k < 8 for k in history.dead_filters[-1])


def test_adding_problem_marks_two_numbers():
    X, y = recurrent.adding_problem(50, 20, np.random.default_rng(0))
    assert X.shape == (50, 20, 2) and np.all(X[:, :, 1].sum(axis=1) == 2)
    np.testing.assert_allclose(y, (X[:, :, 0] * X[:, :, 1]).sum(axis=1))
    with pytest.raises(ValueError):
        recurrent.adding_problem(5, 1, np.random.default_rng(0))


def test_identity_relu_keeps_the_gradient_and_tanh_loses_it():
    irnn = recurrent.gradient_through_time("relu", "identity", 60, 0)
    tanh = recurrent.gradient_through_time("tanh", "random", 60, 0)
    assert irnn.shape == (61,) and irnn[0] == 1.0
    assert irnn[-1] > 0.3 and tanh[-1] < irnn[-1] / 10
    assert irnn[-1] == pytest.approx(irnn[10])  # flat: active units pass the gradient unchanged
    with pytest.raises(ValueError):
        recurrent.gradient_through_time("relu", "orthogonal", 10, 0)


def test_feed_forward_blocks_match_in_cost_and_differ_in_zeros():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 16))
    costs, zeros = {}, {}
    for kind in transformer.KINDS:
        block = transformer.make_ffn(kind, 16, 48, rng)
        out, hidden = transformer.ffn_forward(block, x)
        assert out.shape == (128, 16)
        costs[kind] = transformer.ffn_cost(block)["parameters"]
        zeros[kind] = np.mean(hidden == 0)
    assert transformer.swiglu_width(48) == 32 and costs["relu"] == costs["gelu"] == costs["swiglu"]
    assert 0.4 < zeros["relu"] < 0.6 and zeros["gelu"] == zeros["swiglu"] == 0
    with pytest.raises(ValueError):
        transformer.make_ffn("tanh", 16, 48, rng)
    with pytest.raises(ValueError):
        transformer.ffn_forward(block, x[:, :8])


def test_sawtooth_doubles_its_pieces_with_each_layer():
    x = (np.arange(2048) + 0.5) / 2048
    assert [regions.pieces_1d(regions.sawtooth_network(k), x) for k in range(1, 7)] == [2, 4, 8, 16, 32, 64]
    np.testing.assert_allclose(regions.sawtooth(np.array([0.0, 0.25, 0.5, 0.75, 1.0]), 1), [0, 0.5, 1, 0.5, 0])
    np.testing.assert_allclose(regions.sawtooth(np.array([0.25, 0.5]), 2), [1, 0])
    with pytest.raises(ValueError):
        regions.sawtooth_network(0)
    with pytest.raises(ValueError):
        regions.pieces_1d(regions.sawtooth_network(1), np.array([]))


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("256", TypeError),
                                        (None, TypeError), (True, TypeError)])
def test_swiglu_width_rejects_bad_widths_naming_the_argument(bad, error):
    with pytest.raises(error, match="d_ff"):
        transformer.swiglu_width(bad)


def test_swiglu_width_matches_the_parameters_most_nearly():
    """Shazeer's 3072 -> 2048, and 256 -> 171 (3 * 171 = 513 is closer to 2 * 256 = 512 than 3 * 170)."""
    assert transformer.swiglu_width(3072) == 2048
    for d_ff in range(1, 400):
        h = transformer.swiglu_width(d_ff)
        assert abs(3 * h - 2 * d_ff) <= 1


# ---------------------------------------------------------------------------- fair initialisations
def test_make_mlp_scales_glorot_by_four_for_sigmoid_except_the_output():
    plain = conv.make_mlp([64, 32, 32, 10], "sigmoid", np.random.default_rng(3), "xavier")
    four = conv.make_mlp([64, 32, 32, 10], "sigmoid", np.random.default_rng(3), "xavier4")
    for a, b in zip(plain.weights[:-1], four.weights[:-1], strict=True):
        np.testing.assert_allclose(b, 4 * a)
    np.testing.assert_array_equal(plain.weights[-1], four.weights[-1])
    assert four.init == "xavier4" and activation_race.FAIR_INITS == {"relu": "he", "tanh": "xavier",
                                                                     "sigmoid": "xavier4"}


def test_four_times_glorot_gives_sigmoid_more_gradient_but_still_far_less_than_relu(data):
    plain = activation_race.gradient_ratio("sigmoid", 8, 0, data=data, init="xavier")
    fair = activation_race.gradient_ratio("sigmoid", 8, 0, data=data, init="xavier4")
    relu = activation_race.gradient_ratio("relu", 8, 0, data=data, init="he")
    assert plain < fair / 10 and fair < relu / 10


def test_race_uses_each_activations_own_initialisation_unless_told(data, monkeypatch):
    seen = []

    def fake(data, name, *, init, seed, **kw):
        seen.append((name, init))
        return conv.RaceResult(name, {1.0: 1.0}, 1.0, 1.0)

    monkeypatch.setattr(activation_race, "epochs_to_error", fake)
    activation_race.race(data, ["relu", "tanh", "sigmoid", "elu"], lrs=(1.0,), seeds=(0,))
    assert seen == [("relu", "he"), ("tanh", "xavier"), ("sigmoid", "xavier4"), ("elu", "he")]
    seen.clear()
    activation_race.race(data, ["sigmoid"], lrs=(1.0,), seeds=(0,), inits={"sigmoid": "he"})
    assert seen == [("sigmoid", "he")]


def test_recurrent_weights_at_he_scale_are_erratic_and_at_half_of_it_vanish():
    he = np.array([recurrent.gradient_through_time("relu", "he", 100, s)[-1] for s in range(5)])
    half = np.array([recurrent.gradient_through_time("relu", "random", 100, s)[-1] for s in range(5)])
    assert half.max() < 1e-3
    assert he.max() > 1 and he.max() > 100 * he.min()


# ---------------------------------------------------------------------------- sparsity and quantisation
def test_skip_zero_rows_equals_the_dense_product_and_checks_shapes():
    rng = np.random.default_rng(0)
    h = np.where(rng.random(50) < 0.2, rng.random(50), 0.0)
    W2 = rng.standard_normal((50, 7))
    np.testing.assert_allclose(transformer.skip_zero_rows(h, W2), h @ W2, atol=1e-12)
    np.testing.assert_array_equal(transformer.skip_zero_rows(np.zeros(50), W2), np.zeros(7))
    with pytest.raises(ValueError, match="h must have shape"):
        transformer.skip_zero_rows(h[:10], W2)


def test_active_fraction_counts_zeros_for_relu_and_small_values_for_gelu():
    h = np.array([0.0, 0.005, -0.02, 1.0])
    assert transformer.active_fraction(h, "relu") == 0.75
    assert transformer.active_fraction(h, "gelu") == 0.5
    with pytest.raises(ValueError, match="kind"):
        transformer.active_fraction(h, "swiglu")


def test_train_ffn_classifier_learns_and_measures_before_and_after(data):
    run = transformer.train_ffn_classifier(data, "relu", seed=0, d_ff=32, epochs=1)
    assert run.accuracy > 0.5 and 0 < run.active_init < 1 and 0 < run.active < 1
    with pytest.raises(ValueError, match="kind"):
        transformer.train_ffn_classifier(data, "tanh", seed=0)
    with pytest.raises(ValueError, match="d_ff"):
        transformer.train_ffn_classifier(data, "relu", seed=0, d_ff=0)


def test_quantise_uses_every_uint8_code_for_a_relu_output_and_refuses_negatives():
    from relubook import quantise

    a = np.linspace(0, 2.55, 256)
    codes, scale = quantise.quantise(a, unsigned=True)
    assert codes.dtype == np.uint8 and codes.max() == 255 and scale == pytest.approx(0.01)
    np.testing.assert_allclose(quantise.dequantise(codes, scale), a, atol=scale / 2 + 1e-12)
    signed, s_scale = quantise.quantise(np.array([-1.0, 0.5, 1.0]), unsigned=False)
    assert signed.dtype == np.int8 and list(signed) == [-127, 64, 127] and s_scale == pytest.approx(1 / 127)
    # the same values lose about twice as much with half the codes
    assert quantise.relative_error(a, unsigned=True) < 0.6 * quantise.relative_error(a, unsigned=False)
    with pytest.raises(ValueError, match="a must be >= 0"):
        quantise.quantise(np.array([-0.1, 1.0]), unsigned=True)
    with pytest.raises(TypeError, match="unsigned"):
        quantise.quantise(a, unsigned=1)
    with pytest.raises(ValueError, match="finite"):
        quantise.quantise(np.array([np.nan]), unsigned=False)
    assert quantise.relative_error(np.zeros(3), unsigned=True) == 0.0


def test_affine_codes_with_a_zero_point_cover_a_one_sided_signed_range():
    from relubook import quantise

    a = np.concatenate([np.linspace(-0.05, 0, 6), np.linspace(0, 2.5, 251)])   # a leaky-like range
    codes, scale, zp = quantise.quantise_affine(a)
    assert codes.dtype == np.uint8 and codes.min() == 0 and codes.max() == 255
    assert scale == pytest.approx(2.55 / 255) and zp == 5 and codes[5] == zp   # 0 is stored exactly
    np.testing.assert_allclose((codes.astype(float) - zp) * scale, a, atol=scale / 2 + 1e-12)
    # symmetric int8 spends half its codes on the tiny negative side; the zero point does not
    affine = quantise.relative_error(a, unsigned=True, zero_point=True)
    assert affine < 0.6 * quantise.relative_error(a, unsigned=False)
    # an all-positive input: the zero point is 0 and the codes are the symmetric uint8 ones
    pos = np.linspace(0, 2.55, 256)
    assert quantise.quantise_affine(pos)[2] == 0
    assert quantise.relative_error(pos, unsigned=True, zero_point=True) == \
        pytest.approx(quantise.relative_error(pos, unsigned=True))
    with pytest.raises(ValueError, match="unsigned must be True"):
        quantise.relative_error(a, unsigned=False, zero_point=True)
    with pytest.raises(TypeError, match="zero_point"):
        quantise.relative_error(a, unsigned=True, zero_point=1)
    with pytest.raises(ValueError, match="a must"):
        quantise.quantise_affine(np.array([]))


def test_zero_skipping_timing_compares_every_sparsity_with_one_dense_time():
    # review 8b E2: the dense product was timed once per sparsity, and its noise (a 27x spread) was read as a result
    import re
    from pathlib import Path

    import nbformat

    nb = nbformat.read(Path(__file__).parents[1] / "chapters" / "05_applications.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "skip_zero_rows(h, W2)" in c.source
             and "timeit" in c.source]
    assert len(cells) == 1, "expected one timing cell for transformer.skip_zero_rows"
    cell = cells[0]
    assert "nbval-ignore-output" in cell.metadata.get("tags", [])   # a timing cell, and the only kind ignored
    lines = cell.source.splitlines()
    dense = [k for k, line in enumerate(lines) if re.search(r"lambda[^:]*:[^,)]*@ W2\b", line)]
    assert len(dense) == 1, "the dense product must be timed once, in one place"
    line = lines[dense[0]]
    depth = len(line) - len(line.lstrip())
    outer = [x.strip() for x in lines[:dense[0]] if x.strip() and len(x) - len(x.lstrip()) < depth]
    assert " for " not in line and not any(x.startswith("for ") for x in outer[-1:]), "timed inside a loop"
    assert "threadpool_limits" in cell.source   # one BLAS thread: no contention between BLAS threads
