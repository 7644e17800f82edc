"""Tests of relubook.network and relubook.diagnostics."""

import numpy as np
import pytest

from relubook import datasets, diagnostics
from relubook.network import MLP, History, train

# ---------------------------------------------------------------- gradient check

LOSS_SETUPS = {
    # loss: (number of outputs, targets maker)
    "bce": (1, lambda rng, n: rng.integers(0, 2, n)),
    "cross_entropy": (3, lambda rng, n: rng.integers(0, 3, n)),
    "mse": (2, lambda rng, n: rng.normal(size=(n, 2))),
}
ACTIVATIONS = [
    ("relu", None),
    ("leaky_relu", {"alpha": 0.2}),
    ("tanh", None),
    ("elu", {"alpha": 1.0}),
]


def numerical_gradient(model, X, y, loss, eps=1e-5):
    """Central finite differences of the loss wrt every parameter."""
    grads = []
    for param in model.parameters():
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            original = param[index]
            param[index] = original + eps
            plus = model.loss_and_grads(X, y, loss)[0]
            param[index] = original - eps
            minus = model.loss_and_grads(X, y, loss)[0]
            param[index] = original
            grad[index] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads


def relative_error(a, b):
    a = np.concatenate([g.ravel() for g in a])
    b = np.concatenate([g.ravel() for g in b])
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def interleave(grads_W, grads_b):
    return [g for pair in zip(grads_W, grads_b, strict=True) for g in pair]


@pytest.mark.parametrize("activation, kwargs", ACTIVATIONS)
@pytest.mark.parametrize("loss", sorted(LOSS_SETUPS))
def test_gradients_match_finite_differences(activation, kwargs, loss):
    rng = np.random.default_rng(42)
    n_out, make_targets = LOSS_SETUPS[loss]
    model = MLP([3, 5, 4, n_out], activation, rng=rng, bias_init=0.1, activation_kwargs=kwargs)
    X = rng.normal(size=(12, 3))
    y = make_targets(rng, 12)
    # the random pre-activations stay far from the kinks at 0 compared with eps
    for z in model.hidden_preactivations(X):
        assert np.min(np.abs(z)) > 1e-4
    value, grads_W, grads_b = model.loss_and_grads(X, y, loss)
    assert np.isfinite(value) and value > 0
    analytic = interleave(grads_W, grads_b)
    for g, p in zip(analytic, model.parameters(), strict=True):
        assert g.shape == p.shape
    numeric = numerical_gradient(model, X, y, loss)
    assert relative_error(analytic, numeric) < 1e-6


def test_gradient_check_can_tell_activations_apart():
    # a model whose kwargs were ignored would fail the gradient check against this one
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 3))
    y = rng.integers(0, 2, 12)
    steep = MLP([3, 5, 1], "leaky_relu", rng=np.random.default_rng(1), activation_kwargs={"alpha": 0.5})
    flat = MLP([3, 5, 1], "leaky_relu", rng=np.random.default_rng(1))
    assert steep.activation_kwargs["alpha"] == 0.5
    assert (
        relative_error(
            interleave(*steep.loss_and_grads(X, y)[1:]), interleave(*flat.loss_and_grads(X, y)[1:])
        )
        > 1e-3
    )


def test_relu_derivative_at_zero_is_zero():
    model = MLP([2, 4, 1], "relu", rng=np.random.default_rng(0))
    X = np.zeros((5, 2))  # every hidden pre-activation is exactly 0
    _, grads_W, grads_b = model.loss_and_grads(X, np.ones(5, dtype=int), "bce")
    np.testing.assert_array_equal(grads_W[0], 0.0)
    np.testing.assert_array_equal(grads_b[0], 0.0)
    assert np.any(grads_b[1] != 0)


def test_losses_have_the_textbook_values():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 2))
    model = MLP([2, 6, 1], rng=rng)
    z = model.forward(X)[:, 0]
    y = rng.integers(0, 2, 20)
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.loss_and_grads(X, y, "bce")[0] == pytest.approx(expected, rel=1e-12)
    assert model.loss_and_grads(X, y, "mse")[0] == pytest.approx(np.mean((z - y) ** 2))

    model3 = MLP([2, 6, 3], rng=rng)
    logits = model3.forward(X)
    labels = rng.integers(0, 3, 20)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(softmax[np.arange(20), labels]))
    assert model3.loss_and_grads(X, labels)[0] == pytest.approx(expected, rel=1e-12)


def test_losses_are_stable_for_huge_logits():
    model = MLP([2, 1], rng=np.random.default_rng(0))
    model.weights[0][:] = [[1000.0], [0.0]]
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    value, grads_W, _ = model.loss_and_grads(X, np.array([0, 1]), "bce")
    assert value == pytest.approx(1000.0)
    assert np.all(np.isfinite(grads_W[0]))
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(proba, [1.0, 0.0])
    model3 = MLP([2, 3], rng=np.random.default_rng(0))
    model3.weights[0][:] = [[1000.0, -1000.0, 0.0], [0.0, 0.0, 0.0]]
    value, _, _ = model3.loss_and_grads(X, np.array([1, 2]), "cross_entropy")
    assert value == pytest.approx((2000.0 + 1000.0) / 2)


# ---------------------------------------------------------------- model basics


def test_shapes_and_predictions():
    rng = np.random.default_rng(0)
    model = MLP([2, 16, 8, 1], rng=rng)
    assert [W.shape for W in model.weights] == [(2, 16), (16, 8), (8, 1)]
    assert [b.shape for b in model.biases] == [(16,), (8,), (1,)]
    X = rng.normal(size=(30, 2))
    out, cache = model.forward_cache(X)
    assert out.shape == (30, 1)
    assert [z.shape for z in cache["pre"]] == [(30, 16), (30, 8)]
    np.testing.assert_array_equal(cache["post"][0], np.maximum(cache["pre"][0], 0))
    np.testing.assert_array_equal(model.forward(X), out)
    proba = model.predict_proba(X)
    assert proba.shape == (30,)
    np.testing.assert_array_equal(model.predict(X), (proba > 0.5).astype(np.int64))
    labels = model.predict(X)
    assert model.accuracy(X, labels) == 1.0
    assert model.accuracy(X, 1 - labels) == 0.0

    model3 = MLP([2, 5, 3], "tanh", rng=rng)
    proba3 = model3.predict_proba(X)
    assert proba3.shape == (30, 3)
    np.testing.assert_allclose(proba3.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model3.predict(X), proba3.argmax(axis=1))
    np.testing.assert_array_equal(
        model3.forward_cache(X)[1]["post"][0], np.tanh(model3.hidden_preactivations(X)[0])
    )


def test_no_hidden_layer_is_logistic_regression():
    model = MLP([2, 1], rng=np.random.default_rng(0))
    X = np.eye(2)
    np.testing.assert_allclose(model.forward(X)[:, 0], model.weights[0][:, 0])
    assert model.forward_cache(X)[1] == {"pre": [], "post": []}


def test_parameters_are_live_and_copy_is_independent():
    model = MLP([2, 3, 1], rng=np.random.default_rng(0))
    params = model.parameters()
    assert len(params) == 4
    assert params[0] is model.weights[0] and params[1] is model.biases[0]
    clone = model.copy()
    X = np.ones((4, 2))
    model.sgd_step(X, np.array([0, 1, 0, 1]), lr=0.5)
    assert not np.array_equal(clone.weights[0], model.weights[0])
    assert params[0] is model.weights[0]  # updated in place


def test_sgd_step_returns_loss_before_step_and_moves_downhill():
    rng = np.random.default_rng(0)
    X, y = datasets.moons(50, rng=rng)
    model = MLP([2, 8, 1], rng=rng)
    before = model.loss_and_grads(X, y)[0]
    assert model.sgd_step(X, y, lr=0.05) == before
    assert model.loss_and_grads(X, y)[0] < before


@pytest.mark.parametrize(
    "init, expected_std",
    [
        ("he", lambda fi, fo: np.sqrt(2 / fi)),
        ("xavier", lambda fi, fo: np.sqrt(2 / (fi + fo))),
        ("glorot", lambda fi, fo: np.sqrt(2 / (fi + fo))),
        ("lecun", lambda fi, fo: np.sqrt(1 / fi)),
        (0.37, lambda fi, fo: 0.37),
    ],
)
def test_initial_weight_scales(init, expected_std):
    model = MLP([200, 300, 1], rng=np.random.default_rng(0), init=init, bias_init=0.25)
    W = model.weights[0]
    assert W.std() == pytest.approx(expected_std(200, 300), rel=0.02)
    assert abs(W.mean()) < 0.01
    np.testing.assert_array_equal(model.biases[0], 0.25)


def test_rai_initialization():
    fan_in, fan_out = 100, 4000
    model = MLP([fan_in, fan_out, 1], rng=np.random.default_rng(0), init="rai")
    V = np.vstack([model.weights[0], model.biases[0]])  # column j: all parameters of unit j
    # the Beta(2, 1) entry is > 0.35 with probability 1 - 0.35**2; normal entries never are
    big = V > 0.35
    per_unit = big.sum(axis=0)
    assert per_unit.max() == 1
    assert per_unit.mean() == pytest.approx(1 - 0.35**2, abs=0.02)
    # the positive entry falls on the bias for about 1 unit in fan_in + 1
    assert big[-1].sum() == pytest.approx(per_unit.sum() / (fan_in + 1), rel=0.35)
    symmetric = V[V <= 0.35]
    assert symmetric.std() == pytest.approx(0.6007 / np.sqrt(fan_in), rel=0.03)
    assert abs(symmetric.mean()) < 0.002
    with pytest.raises(ValueError, match="bias_init"):
        MLP([2, 3, 1], rng=np.random.default_rng(0), init="rai", bias_init=0.1)


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        ({"sizes": [2]}, ValueError, "sizes"),
        ({"sizes": "2,3"}, TypeError, "sizes"),
        ({"sizes": [2, 0, 1]}, ValueError, "sizes"),
        ({"sizes": [2, 3.5, 1]}, TypeError, "sizes"),
        ({"rng": 0}, TypeError, "rng"),
        ({"init": "kaiming"}, ValueError, "init"),
        ({"init": -1.0}, ValueError, "init"),
        ({"bias_init": "zero"}, TypeError, "bias_init"),
        ({"activation": 3}, TypeError, "activation"),
        ({"activation": "relu7"}, ValueError, "activation"),
        ({"activation_kwargs": {"beta": 2}}, ValueError, "activation_kwargs"),
        ({"activation_kwargs": [1]}, TypeError, "activation_kwargs"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, error, word):
    arguments = {"sizes": [2, 3, 1], "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=word):
        MLP(**arguments)


def test_methods_reject_bad_data():
    model = MLP([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="X"):
        model.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="y"):
        model.loss_and_grads(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="y"):
        model.loss_and_grads(np.ones((4, 2)), np.array([0, 1, 2, 1]), "bce")
    with pytest.raises(ValueError, match="loss"):
        model.loss_and_grads(np.ones((4, 2)), np.ones(4), "hinge")
    with pytest.raises(ValueError, match="cross_entropy"):
        model.loss_and_grads(np.ones((4, 2)), np.ones(4), "cross_entropy")
    with pytest.raises(ValueError, match="lr"):
        model.sgd_step(np.ones((4, 2)), np.ones(4), lr=-1.0)


# ---------------------------------------------------------------- training


@pytest.fixture(scope="module")
def moons_data():
    rng = np.random.default_rng(0)
    X, y = datasets.moons(200, noise=0.1, rng=rng)
    return X, y


def test_training_learns_moons(moons_data):
    X, y = moons_data
    model = MLP([2, 16, 16, 1], "relu", rng=np.random.default_rng(1))
    history = train(model, X, y, lr=0.1, steps=1500, record_every=10)
    assert isinstance(history, History)
    assert history.steps[0] == 0 and history.steps[-1] == 1500
    assert history.steps[1] == 10
    assert len(history.loss) == len(history.steps) == len(history.accuracy)
    assert history.loss[-1] < 0.3 * history.loss[0]
    assert history.accuracy[-1] > 0.9
    assert model.accuracy(X, y) == history.accuracy[-1]
    assert history.loss[-1] == pytest.approx(model.loss_and_grads(X, y)[0])
    assert not history.diverged and not history.stopped_early


def test_minibatch_training_learns_moons_with_validation(moons_data):
    X, y = moons_data
    X_val, y_val = datasets.moons(100, rng=np.random.default_rng(9))
    model = MLP([2, 16, 16, 1], "leaky_relu", rng=np.random.default_rng(1))
    history = train(
        model,
        X,
        y,
        lr=0.1,
        steps=1500,
        batch_size=32,
        rng=np.random.default_rng(2),
        record_every=100,
        X_val=X_val,
        y_val=y_val,
    )
    assert len(history.val_accuracy) == len(history.steps)
    assert history.accuracy[-1] > 0.9
    assert history.val_accuracy[-1] > 0.9
    assert history.val_accuracy[-1] == model.accuracy(X_val, y_val)


def test_training_is_deterministic(moons_data):
    X, y = moons_data

    def run(init_seed, batch_seed):
        model = MLP([2, 16, 16, 1], rng=np.random.default_rng(init_seed))
        history = train(
            model,
            X,
            y,
            lr=0.2,
            steps=300,
            batch_size=20,
            rng=np.random.default_rng(batch_seed),
            record_every=7,
        )
        return model, history

    model_a, history_a = run(5, 5)
    model_b, history_b = run(5, 5)
    assert history_a == history_b  # bitwise equal floats
    for Wa, Wb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    # other initial weights, or other mini-batches, give another history
    assert history_a.loss[0] != run(6, 5)[1].loss[0]
    other_batches = run(5, 6)[1]
    assert history_a.loss[0] == other_batches.loss[0]
    assert history_a.loss[1:] != other_batches.loss[1:]


def test_dead_fraction_is_recorded_per_layer(moons_data):
    X, y = moons_data
    model = MLP([2, 8, 6, 1], rng=np.random.default_rng(0))
    model.biases[0][:3] = -50.0  # three units of layer 1 can never fire on these inputs
    history = train(model, X, y, lr=0.05, steps=20)
    assert len(history.dead_fraction) == len(history.steps) == 21
    assert all(len(fractions) == 2 for fractions in history.dead_fraction)
    assert history.dead_fraction[0][0] == 3 / 8
    post = model.forward_cache(X)[1]["post"]
    assert history.dead_fraction[-1] == [diagnostics.dead_fraction(a) for a in post]


def test_divergence_stops_quietly():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) * 10
    y = rng.normal(size=50) * 100
    model = MLP([2, 16, 16, 1], "tanh", rng=rng)
    history = train(model, X, y, lr=1.0, steps=500, loss="mse")
    assert history.diverged
    assert history.steps[-1] < 500
    assert all(np.isfinite(history.loss))
    assert history.accuracy == []  # no accuracy for regression


def test_callback_stops_training(moons_data):
    X, y = moons_data
    seen = []

    def stop_at_ten(step, model, history):
        seen.append(step)
        return step >= 10

    history = train(
        MLP([2, 4, 1], rng=np.random.default_rng(0)),
        X,
        y,
        lr=0.1,
        steps=100,
        record_every=5,
        callback=stop_at_ten,
    )
    assert history.stopped_early
    assert seen == [0, 5, 10]
    assert history.steps == [0, 5, 10]


def test_train_rejects_bad_arguments(moons_data):
    X, y = moons_data
    model = MLP([2, 4, 1], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        train(model, X, y, lr=0.1, steps=5, batch_size=10)
    with pytest.raises(ValueError, match="steps"):
        train(model, X, y, lr=0.1, steps=-1)
    with pytest.raises(TypeError, match="steps"):
        train(model, X, y, lr=0.1, steps=2.5)
    with pytest.raises(ValueError, match="record_every"):
        train(model, X, y, lr=0.1, steps=5, record_every=0)
    with pytest.raises(ValueError, match="X_val"):
        train(model, X, y, lr=0.1, steps=5, X_val=X)
    with pytest.raises(TypeError, match="model"):
        train("model", X, y, lr=0.1, steps=5)



@pytest.mark.parametrize(("value", "error"), [("0.1", TypeError), (True, TypeError), (-0.01, ValueError),
                                              (float("nan"), ValueError), (float("inf"), ValueError)])
def test_train_rejects_bad_weight_decay(moons_data, value, error):
    X, y = moons_data
    model = MLP([2, 4, 1], rng=np.random.default_rng(0))
    with pytest.raises(error, match="weight_decay"):
        train(model, X, y, lr=0.1, steps=5, weight_decay=value)


def test_weight_decay_adds_decay_times_w_to_the_weight_gradient_only(moons_data):
    X, y = moons_data
    plain = MLP([2, 8, 8, 1], rng=np.random.default_rng(3))
    decayed, zero = plain.copy(), plain.copy()
    _, gW, gb = plain.loss_and_grads(X, y)
    train(decayed, X, y, lr=0.5, steps=1, weight_decay=0.1)
    train(zero, X, y, lr=0.5, steps=1, weight_decay=0.0)
    train(plain, X, y, lr=0.5, steps=1)
    for i, (W, b) in enumerate(zip(plain.weights, plain.biases, strict=True)):
        expected = (W + 0.5 * gW[i]) - 0.5 * (gW[i] + 0.1 * (W + 0.5 * gW[i]))  # from the weights before the step
        np.testing.assert_allclose(decayed.weights[i], expected, rtol=1e-12, atol=1e-15)
        assert np.array_equal(decayed.biases[i], b)               # the biases are not decayed
        assert np.array_equal(zero.weights[i], W)                 # 0 changes nothing, bit for bit
    # a dead-free network trained long with decay ends with smaller weights
    a, b = MLP([2, 8, 1], rng=np.random.default_rng(1)), MLP([2, 8, 1], rng=np.random.default_rng(1))
    train(a, X, y, lr=0.2, steps=300)
    train(b, X, y, lr=0.2, steps=300, weight_decay=0.05)
    assert sum(np.sum(W * W) for W in b.weights) < 0.8 * sum(np.sum(W * W) for W in a.weights)


# ---------------------------------------------------------------- diagnostics


def test_dead_fraction_counts_columns_constant_over_the_rows():
    activations = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    assert diagnostics.dead_fraction(activations) == pytest.approx(2 / 3)
    # zero on all rows but one: alive
    assert diagnostics.dead_fraction([[0.0, 0.0], [0.0, 0.0], [3.0, 0.0]]) == 0.5
    # every sample has a zero, every unit has a non-zero: nothing is dead,
    # although half of the entries are zero
    assert diagnostics.dead_fraction(np.array([[0.0, 1.0], [1.0, 0.0]])) == 0.0
    # varying negative outputs (leaky ReLU) are alive; a constant -1 (saturated ELU) is dead
    assert diagnostics.dead_fraction([[-0.01, -1.0], [-0.02, -1.0]]) == 0.5
    # a positive constant is dead too: its output carries nothing about the input
    assert diagnostics.dead_fraction([[0.75, 1.0], [0.75, 2.0]]) == 0.5
    # rows are samples: on a single sample every unit is constant
    assert diagnostics.dead_fraction(np.array([[0.0, 0.0, 1.0, 0.0]])) == 1.0
    assert diagnostics.dead_fraction(np.array([[0.0, 0.0, 1.0, 0.0]]).T) == 0.0
    assert diagnostics.dead_fraction(np.zeros((4, 5), dtype=int)) == 1.0


@pytest.mark.parametrize(
    "bad, error",
    [
        (None, TypeError),
        ("abc", TypeError),
        (np.array([["a", "b"]]), TypeError),
        (np.zeros(4), ValueError),
        (np.zeros((2, 2, 2)), ValueError),
        (np.zeros((0, 3)), ValueError),
        (np.zeros((3, 0)), ValueError),
        ([[1.0, 2.0], [3.0]], ValueError),
    ],
)
def test_diagnostics_reject_bad_activations(bad, error):
    with pytest.raises(error, match="activations"):
        diagnostics.dead_fraction(bad)
    with pytest.raises(error, match="activations"):
        diagnostics.dormant_fraction(bad, 0.1)


def test_dormant_fraction_follows_sokar_et_al():
    # mean |a| per unit: 0, 1, 2, 0.09 (layer mean 0.7725)
    activations = np.array([[0.0, 1.0, -2.0, 0.09], [0.0, 1.0, 2.0, 0.09]])
    scores = diagnostics.dormant_scores(activations)
    np.testing.assert_allclose(scores, np.array([0, 1, 2, 0.09]) / 0.7725)
    assert diagnostics.dormant_fraction(activations, 0.0) == 0.25
    assert diagnostics.dormant_fraction(activations, 0.1) == 0.25  # 0.09 / 0.77 > 0.1
    assert diagnostics.dormant_fraction(activations, 0.2) == 0.5
    assert diagnostics.dormant_fraction(activations, 10.0) == 1.0
    assert diagnostics.dormant_fraction(np.zeros((3, 2)), 0.0) == 1.0
    with pytest.raises(ValueError, match="tau"):
        diagnostics.dormant_fraction(activations, -0.1)
    with pytest.raises(TypeError, match="tau"):
        diagnostics.dormant_fraction(activations, "0.1")


def test_dead_units_report(moons_data):
    X, _ = moons_data
    model = MLP([2, 8, 6, 1], rng=np.random.default_rng(0))
    model.biases[0][[1, 4]] = -50.0
    report = diagnostics.dead_units_report(model, X, taus=(0.0, 0.1))
    assert len(report) == 2
    first = report[0]
    assert (first.layer, first.n_units, first.n_dead) == (1, 8, 2)
    np.testing.assert_array_equal(first.dead_units, [1, 4])
    assert first.dead_fraction == 0.25
    assert first.dormant_fraction[0.0] == 0.25
    assert first.dormant_fraction[0.1] >= 0.25
    assert first.preactivations.shape == (200, 8)
    np.testing.assert_array_equal(first.preactivations, model.hidden_preactivations(X)[0])
    assert report.total_dead == sum(layer.n_dead for layer in report)
    table = str(report)
    lines = table.splitlines()
    assert "dead" in lines[0] and "tau=0.1" in lines[0]
    assert lines[2].split()[:4] == ["1", "8", "2", "25.0"]
    with pytest.raises(TypeError, match="model"):
        diagnostics.dead_units_report("model", X)
