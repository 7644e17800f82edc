"""A tiny, fast multilayer perceptron written in NumPy, and a training loop.

The network is a stack of fully connected layers. Every hidden layer applies the same
activation function (looked up with :func:`relubook.activations.get`); the last layer
is linear and returns logits. Layer ``i`` computes ``z = a @ W[i] + b[i]`` with
``W[i]`` of shape ``(fan_in, fan_out)`` and ``b[i]`` of shape ``(fan_out,)``.

Losses
------
``"bce"``
    Binary cross-entropy on the logit of a single output unit,
    ``mean(softplus(z) - y z)``, computed without overflow. Labels in ``{0, 1}``.
``"cross_entropy"``
    Softmax cross-entropy for two or more output units, ``mean(logsumexp(z) - z[y])``.
    Integer labels in ``{0, ..., n_outputs - 1}``.
``"mse"``
    Mean squared error ``mean((z - y) ** 2)`` over all samples and outputs (regression;
    no factor 1/2). Targets of shape ``(n,)`` for one output or ``(n, n_outputs)``.
``"auto"``
    ``"bce"`` for one output unit, ``"cross_entropy"`` for several.

Examples
--------
>>> import numpy as np
>>> from relubook import datasets
>>> from relubook.network import MLP, train
>>> rng = np.random.default_rng(0)
>>> X, y = datasets.moons(200, rng=rng)
>>> model = MLP([2, 16, 16, 1], "relu", rng=rng)
>>> history = train(model, X, y, lr=0.1, steps=2000)
>>> history.accuracy[-1] > 0.9
True
"""

from __future__ import annotations

import copy as _copy
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from relubook import activations as _activations

from ._args import check_int

__all__ = ["INITS", "LOSSES", "MLP", "History", "train"]

#: Names accepted by the ``init`` argument of :class:`MLP` (a float is also accepted).
INITS: tuple[str, ...] = ("he", "xavier", "glorot", "lecun", "rai")
#: Names accepted by the ``loss`` argument.
LOSSES: tuple[str, ...] = ("auto", "bce", "cross_entropy", "mse")

#: Standard deviation factor of the symmetric part of RAI (Lu et al. 2020, Beta(2, 1)); this library's value,
#: not checked against the paper's derivation.
RAI_SIGMA: float = 0.6007


def _rai_layer(fan_in: int, fan_out: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Randomized asymmetric initialization of one layer (Lu, Shin, Su & Karniadakis).

    For every unit ``j`` the vector ``v_j = (W[:, j], b[j])`` of its ``fan_in + 1``
    incoming parameters is drawn from ``N(0, RAI_SIGMA**2 / fan_in)``; then one entry of
    ``v_j``, chosen uniformly at random, is replaced by a draw from ``Beta(2, 1)``
    (positive, mean 2/3).
    """
    V = rng.normal(0.0, RAI_SIGMA / np.sqrt(fan_in), size=(fan_in + 1, fan_out))
    rows = rng.integers(0, fan_in + 1, size=fan_out)
    V[rows, np.arange(fan_out)] = rng.beta(2.0, 1.0, size=fan_out)
    return V[:-1].copy(), V[-1].copy()


def _check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, e.g. np.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def _check_real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


class MLP:
    """Multilayer perceptron with one activation for all hidden layers and linear output.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[2, 16, 16, 1]``; at least two entries.
    activation : str or Activation, default "relu"
        Hidden activation: a name for :func:`relubook.activations.get`, or an object with
        ``name``, ``forward``, ``grad`` and ``params`` attributes.
    rng : numpy.random.Generator
        Source of randomness for the initial weights.
    init : {"he", "xavier", "glorot", "lecun", "rai"} or float, default "he"
        Weight initialization: normal with standard deviation ``sqrt(2 / fan_in)``
        ("he"), ``sqrt(2 / (fan_in + fan_out))`` ("xavier" = "glorot", Glorot normal),
        ``sqrt(1 / fan_in)`` ("lecun"), or the given float. "rai" is the randomized
        asymmetric initialization of Lu, Shin, Su & Karniadakis (2020, Commun. Comput. Phys.; arXiv:1903.06733),
        applied to every layer: for each unit, the ``fan_in`` weights and the bias are
        drawn from ``N(0, 0.6007**2 / fan_in)`` and then one of these ``fan_in + 1``
        parameters, chosen uniformly, is redrawn from ``Beta(2, 1)``. The constant
        0.6007 is this library's value for ``Beta(2, 1)``; it has not been checked against
        the paper's derivation of the variance (the chapter says so).
    bias_init : float, default 0.0
        Constant initial value of every bias. Must stay 0.0 with ``init="rai"``, which
        draws the biases itself.
    activation_kwargs : dict, optional
        Overrides of the activation's default parameters, e.g. ``{"alpha": 0.1}``.

    Attributes
    ----------
    weights : list of numpy.ndarray
        ``weights[i]`` has shape ``(sizes[i], sizes[i + 1])``.
    biases : list of numpy.ndarray
        ``biases[i]`` has shape ``(sizes[i + 1],)``.
    sizes : tuple of int
        The layer widths.
    activation : Activation
        The hidden activation.
    activation_kwargs : dict
        Keyword parameters passed to ``activation.forward`` and ``activation.grad``.
    init : str or float
        The initialization used.

    Raises
    ------
    TypeError
        If an argument has the wrong type (the message names it).
    ValueError
        If an argument has a wrong value (the message names it).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Any = "relu",
        *,
        rng: np.random.Generator,
        init: str | float = "he",
        bias_init: float = 0.0,
        activation_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a sequence of ints such as [2, 16, 1], got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {list(sizes)}")
        for width in sizes:
            if isinstance(width, bool) or not isinstance(width, numbers.Integral):
                raise TypeError(f"sizes must contain ints only, got {list(sizes)}")
            if width < 1:
                raise ValueError(f"sizes must contain positive ints only, got {list(sizes)}")
        self.sizes: tuple[int, ...] = tuple(int(w) for w in sizes)

        if isinstance(activation, str):
            act = _activations.get(activation)
        elif all(hasattr(activation, a) for a in ("name", "forward", "grad", "params")):
            act = activation
        else:
            raise TypeError(
                f"activation must be a name such as 'relu' or an Activation, got {type(activation).__name__}"
            )
        self.activation = act

        if activation_kwargs is None:
            activation_kwargs = {}
        if not isinstance(activation_kwargs, dict):
            raise TypeError(
                f"activation_kwargs must be a dict or None, got {type(activation_kwargs).__name__}"
            )
        unknown = set(activation_kwargs) - set(act.params)
        if unknown:
            raise ValueError(
                f"activation_kwargs has {sorted(unknown)}, which {act.name!r} does not take; "
                f"it takes {sorted(act.params) or 'no parameters'}"
            )
        self.activation_kwargs: dict[str, Any] = {**act.params, **activation_kwargs}

        rng = _check_rng(rng)
        bias_init = _check_real("bias_init", bias_init)
        if isinstance(init, str):
            if init not in INITS:
                raise ValueError(
                    f"init must be one of {', '.join(map(repr, INITS))} or a float std, got {init!r}"
                )
            if init == "rai" and bias_init != 0.0:
                raise ValueError("bias_init must be 0.0 with init='rai', which draws the biases itself")
        else:
            init = _check_real("init", init)
            if init < 0:
                raise ValueError(f"init as a standard deviation must be >= 0, got {init!r}")
        self.init: str | float = init

        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            if init == "rai":
                W, b = _rai_layer(fan_in, fan_out, rng)
            else:
                if init == "he":
                    std = np.sqrt(2.0 / fan_in)
                elif init in ("xavier", "glorot"):
                    std = np.sqrt(2.0 / (fan_in + fan_out))
                elif init == "lecun":
                    std = np.sqrt(1.0 / fan_in)
                else:
                    std = float(init)
                W = rng.normal(0.0, std, size=(fan_in, fan_out))
                b = np.full(fan_out, bias_init)
            self.weights.append(W)
            self.biases.append(b)
        self._is_relu = act.name == "relu"

    # ------------------------------------------------------------------ properties
    @property
    def n_hidden_layers(self) -> int:
        """Number of hidden layers (``len(sizes) - 2``)."""
        return len(self.sizes) - 2

    def __repr__(self) -> str:
        return f"MLP(sizes={list(self.sizes)}, activation={self.activation.name!r}, init={self.init!r})"

    def parameters(self) -> list[np.ndarray]:
        """Return the parameter arrays themselves (not copies).

        Returns
        -------
        list of numpy.ndarray
            ``[W0, b0, W1, b1, ...]``; updating them in place changes the model.
        """
        params: list[np.ndarray] = []
        for W, b in zip(self.weights, self.biases, strict=True):
            params += [W, b]
        return params

    def copy(self) -> MLP:
        """Return an independent deep copy of the model."""
        return _copy.deepcopy(self)

    # ------------------------------------------------------------------ forward
    def _check_X(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n_samples, {self.sizes[0]}), got {X.shape}")
        return X

    def _forward_cache(self, X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        pre: list[np.ndarray] = []
        post: list[np.ndarray] = []
        a = X
        weights, biases = self.weights, self.biases
        last = len(weights) - 1
        forward, kw, is_relu = self.activation.forward, self.activation_kwargs, self._is_relu
        for i in range(last):
            z = a @ weights[i]
            z += biases[i]
            a = np.maximum(z, 0.0) if is_relu else forward(z, **kw)
            pre.append(z)
            post.append(a)
        out = a @ weights[last]
        out += biases[last]
        return out, pre, post

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Compute the output logits.

        Parameters
        ----------
        X : array_like
            Inputs of shape ``(n_samples, sizes[0])``.

        Returns
        -------
        numpy.ndarray
            Logits of shape ``(n_samples, sizes[-1])``.
        """
        X = self._check_X(X)
        with np.errstate(all="ignore"):
            return self._forward_cache(X)[0]

    def forward_cache(self, X: np.ndarray) -> tuple[np.ndarray, dict[str, list[np.ndarray]]]:
        """Compute the logits and keep every hidden layer's values.

        Parameters
        ----------
        X : array_like
            Inputs of shape ``(n_samples, sizes[0])``.

        Returns
        -------
        out : numpy.ndarray
            Logits of shape ``(n_samples, sizes[-1])``.
        cache : dict
            ``cache["pre"][i]`` is the pre-activation ``z`` and ``cache["post"][i]`` the
            activation of hidden layer ``i``, both of shape ``(n_samples, sizes[i + 1])``.
        """
        X = self._check_X(X)
        with np.errstate(all="ignore"):
            out, pre, post = self._forward_cache(X)
        return out, {"pre": pre, "post": post}

    def hidden_preactivations(self, X: np.ndarray) -> list[np.ndarray]:
        """Return the pre-activations ``z`` of every hidden layer, shape ``(n, width)``."""
        return self.forward_cache(X)[1]["pre"]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Return class probabilities.

        Returns
        -------
        numpy.ndarray
            With one output unit: shape ``(n_samples,)``, the probability of class 1
            (sigmoid of the logit). With several: shape ``(n_samples, n_outputs)``, the
            softmax of the logits.
        """
        out = self.forward(X)
        with np.errstate(all="ignore"):
            if out.shape[1] == 1:
                z = out[:, 0]
                e = np.exp(-np.abs(z))
                return np.where(z >= 0, 1.0, e) / (1.0 + e)
            e = np.exp(out - out.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Return int64 class labels: ``logit > 0`` for one output unit, else the argmax."""
        out = self.forward(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0).astype(np.int64)
        return out.argmax(axis=1).astype(np.int64)

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """Return the fraction of samples whose predicted label equals ``y``."""
        y = np.asarray(y).reshape(-1)
        pred = self.predict(X)
        if y.shape != pred.shape:
            raise ValueError(f"y must have {pred.shape[0]} labels, got shape {y.shape}")
        return float(np.mean(pred == y))

    # ------------------------------------------------------------------ backward
    def _resolve_loss(self, loss: str) -> str:
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(map(repr, LOSSES))}, got {loss!r}")
        n_out = self.sizes[-1]
        if loss == "auto":
            return "bce" if n_out == 1 else "cross_entropy"
        if loss == "bce" and n_out != 1:
            raise ValueError(
                f"loss='bce' needs one output unit, the model has {n_out}; use loss='cross_entropy'"
            )
        if loss == "cross_entropy" and n_out < 2:
            raise ValueError("loss='cross_entropy' needs at least two output units; use loss='bce'")
        return loss

    def _prepare_targets(self, y: Any, n: int, loss: str) -> np.ndarray:
        """Validate ``y`` once and bring it to the form the hot loop uses."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if loss == "mse":
            y = y.astype(np.float64)
            if n_out == 1 and y.ndim == 1:
                y = y[:, None]
            if y.shape != (n, n_out):
                raise ValueError(
                    f"y must have shape ({n},{' ' + str(n_out) if n_out > 1 else ''}) "
                    f"for loss='mse', got {y.shape}"
                )
            if not np.all(np.isfinite(y)):
                raise ValueError("y must hold finite values only")
            return y
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.shape != (n,):
            raise ValueError(f"y must be a 1-D array of {n} labels, got shape {y.shape}")
        if y.dtype.kind == "f":
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise ValueError("y must hold integer class labels")
        elif y.dtype.kind not in "iub":
            raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
        n_classes = 2 if loss == "bce" else n_out
        if n and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"y must hold labels in 0..{n_classes - 1}, got values in {y.min()}..{y.max()}")
        if loss == "bce":
            return y.astype(np.float64)[:, None]
        return y.astype(np.intp)

    def _loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, loss: str
    ) -> tuple[float, list[np.ndarray], list[np.ndarray], np.ndarray, list[np.ndarray]]:
        """Unchecked loss and gradients; ``y`` as returned by ``_prepare_targets``.

        Also returns the logits and post-activations, so that ``train`` can record
        statistics without a second forward pass.
        """
        out, pre, post = self._forward_cache(X)
        n = X.shape[0]
        if loss == "bce":
            e = np.exp(-np.abs(out))
            loss_value = float(np.mean(np.maximum(out, 0.0) - out * y + np.log1p(e)))
            # sigmoid(out) written with exp(-|out|), which never overflows
            d = (np.where(out >= 0, 1.0, e) / (1.0 + e) - y) / n
        elif loss == "cross_entropy":
            shifted = out - out.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            total = e.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            loss_value = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
            d = e / total
            d[rows, y] -= 1.0
            d /= n
        else:  # mse
            diff = out - y
            loss_value = float(np.mean(diff * diff))
            d = diff * (2.0 / diff.size)

        weights = self.weights
        n_layers = len(weights)
        grads_W: list[np.ndarray] = [None] * n_layers  # type: ignore[list-item]
        grads_b: list[np.ndarray] = [None] * n_layers  # type: ignore[list-item]
        grad_fn, kw, is_relu = self.activation.grad, self.activation_kwargs, self._is_relu
        for i in range(n_layers - 1, -1, -1):
            a_in = post[i - 1] if i > 0 else X
            grads_W[i] = a_in.T @ d
            grads_b[i] = d.sum(axis=0)
            if i > 0:
                grad_out = d @ weights[i].T
                z = pre[i - 1]
                d = grad_out * (z > 0) if is_relu else grad_out * grad_fn(z, **kw)
        return loss_value, grads_W, grads_b, out, post

    def loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, loss: str = "auto"
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Compute the mean loss over the samples and its gradients by backpropagation.

        Parameters
        ----------
        X : array_like
            Inputs of shape ``(n_samples, sizes[0])``.
        y : array_like
            Labels or targets (see the module docstring for each loss).
        loss : {"auto", "bce", "cross_entropy", "mse"}, default "auto"
            The loss.

        Returns
        -------
        loss : float
            The mean loss.
        grads_W : list of numpy.ndarray
            Gradients with the shapes of ``weights``.
        grads_b : list of numpy.ndarray
            Gradients with the shapes of ``biases``.

        Notes
        -----
        The hidden layers backpropagate ``grad_out * activation.grad(z)``; for ReLU this is
        ``grad_out * (z > 0)``, so the derivative at ``z = 0`` is taken as 0.
        """
        X = self._check_X(X)
        loss = self._resolve_loss(loss)
        y = self._prepare_targets(y, X.shape[0], loss)
        with np.errstate(all="ignore"):
            value, gW, gb, _, _ = self._loss_and_grads(X, y, loss)
        return value, gW, gb

    def sgd_step(self, X: np.ndarray, y: np.ndarray, lr: float, loss: str = "auto") -> float:
        """Take one gradient-descent step in place and return the loss before it.

        Parameters
        ----------
        X, y, loss
            As in :meth:`loss_and_grads`.
        lr : float
            Learning rate, >= 0.

        Returns
        -------
        float
            The loss at the parameters before the step.
        """
        lr = _check_real("lr", lr)
        if lr < 0:
            raise ValueError(f"lr must be >= 0, got {lr!r}")
        X = self._check_X(X)
        loss = self._resolve_loss(loss)
        y = self._prepare_targets(y, X.shape[0], loss)
        with np.errstate(all="ignore"):
            value, gW, gb, _, _ = self._loss_and_grads(X, y, loss)
            self._apply(gW, gb, lr)
        return value

    def _apply(self, grads_W: list[np.ndarray], grads_b: list[np.ndarray], lr: float) -> None:
        for W, b, gW, gb in zip(self.weights, self.biases, grads_W, grads_b, strict=True):
            gW *= lr
            W -= gW
            gb *= lr
            b -= gb


@dataclass
class History:
    """What :func:`train` recorded.

    Every list has one entry per recorded step. Step ``s`` records the model *before*
    its ``s``-th update, evaluated on the whole training set; the last entry is always
    the model after training (step ``steps``, or the step at which training stopped).

    Attributes
    ----------
    steps : list of int
        The step numbers.
    loss : list of float
        Training loss on the full training set.
    dead_fraction : list of list of float
        Per recorded step, per hidden layer: the fraction of dead units, whose activation is
        the same on every training sample (:func:`relubook.diagnostics.dead_fraction`).
    accuracy : list of float
        Training accuracy (empty for ``loss="mse"``).
    val_accuracy : list of float
        Accuracy on ``(X_val, y_val)`` (empty if not given or for ``loss="mse"``).
    diverged : bool
        True if the loss became infinite or NaN; training stopped there and the
        non-finite value was not recorded.
    stopped_early : bool
        True if the callback asked to stop.
    """

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    dead_fraction: list[list[float]] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    diverged: bool = False
    stopped_early: bool = False


def _labels_accuracy(out: np.ndarray, y: np.ndarray) -> float:
    """Accuracy from logits and prepared targets (``bce``: float column, else ints)."""
    if out.shape[1] == 1:
        return float(np.mean((out > 0) == (y > 0.5)))
    return float(np.mean(out.argmax(axis=1) == y))


def train(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float,
    steps: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    loss: str = "auto",
    record_every: int = 1,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    callback: Callable[[int, MLP, History], bool | None] | None = None,
    weight_decay: float = 0.0,
) -> History:
    """Train ``model`` in place by (mini-batch) gradient descent.

    Parameters
    ----------
    model : MLP
        The network; its parameters are updated in place.
    X : array_like
        Training inputs of shape ``(n_samples, sizes[0])``.
    y : array_like
        Training labels or targets.
    lr : float
        Learning rate, >= 0.
    steps : int
        Number of updates, >= 0.
    batch_size : int, optional
        Mini-batch size. ``None`` (or ``>= n_samples``) means full-batch gradient
        descent. Mini-batches walk through a random permutation of the samples drawn
        from ``rng``; a new permutation is drawn when fewer than ``batch_size`` samples
        are left (the leftover samples are skipped for that epoch).
    rng : numpy.random.Generator, optional
        Needed for mini-batches only.
    loss : {"auto", "bce", "cross_entropy", "mse"}, default "auto"
        The loss (see :mod:`relubook.network`).
    record_every : int, default 1
        Record statistics at steps ``0, record_every, 2 * record_every, ...`` and at the end.
        With mini-batches each record costs one forward pass over ``X``; with full
        batches the record reuses the forward pass of the update.
    X_val, y_val : array_like, optional
        Validation data for ``history.val_accuracy``.
    callback : callable, optional
        Called as ``callback(step, model, history)`` after each record; returning True
        stops training (``history.stopped_early`` is then True).
    weight_decay : float, default 0.0
        L2 weight decay, >= 0: every step adds ``weight_decay * W`` to the gradient of each weight
        matrix ``W`` (the gradient of ``weight_decay / 2`` times the sum of squared weights). The biases
        are not decayed. The recorded loss is the data loss, without the penalty. 0 leaves the
        updates bitwise as without the argument.

    Returns
    -------
    History
        The recorded statistics.

    Notes
    -----
    Training is deterministic: the same initial model, data and ``rng`` seed give a
    bitwise identical history. Overflow is silenced (``np.errstate``); a non-finite loss
    stops training with ``history.diverged = True``.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    X = model._check_X(X)
    n = X.shape[0]
    if n == 0:
        raise ValueError("X must hold at least one sample")
    loss = model._resolve_loss(loss)
    y = model._prepare_targets(y, n, loss)
    lr = _check_real("lr", lr)
    if lr < 0:
        raise ValueError(f"lr must be >= 0, got {lr!r}")
    steps = check_int(steps, "steps", 0)
    record_every = check_int(record_every, "record_every")
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size")
        if batch_size >= n:
            batch_size = None
    if batch_size is not None:
        rng = _check_rng(rng)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    classify = loss != "mse"
    if X_val is not None:
        X_val = model._check_X(X_val)
        y_val = model._prepare_targets(y_val, X_val.shape[0], loss)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    weight_decay = _check_real("weight_decay", weight_decay)
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")

    history = History()

    def record(step: int, value: float, out: np.ndarray, post: list[np.ndarray]) -> bool:
        """Append one record; return True if training should stop."""
        history.steps.append(step)
        history.loss.append(value)
        # fraction of columns that are the same on every sample (diagnostics.dead_fraction)
        history.dead_fraction.append([float(np.mean(np.all(p == p[:1], axis=0))) for p in post])
        if classify:
            history.accuracy.append(_labels_accuracy(out, y))
            if X_val is not None:
                history.val_accuracy.append(_labels_accuracy(model._forward_cache(X_val)[0], y_val))
        return bool(callback is not None and callback(step, model, history))

    def full_evaluation() -> tuple[float, np.ndarray, list[np.ndarray]]:
        value, _, _, out, post = model._loss_and_grads(X, y, loss)
        return value, out, post

    loss_and_grads = model._loss_and_grads
    apply = model._apply
    position = n  # forces a fresh permutation at the first mini-batch
    order = np.arange(n)
    with np.errstate(all="ignore"):
        for step in range(steps):
            if batch_size is None:
                value, gW, gb, out, post = loss_and_grads(X, y, loss)
                if not math.isfinite(value):
                    history.diverged = True
                    return history
                if step % record_every == 0 and record(step, value, out, post):
                    history.stopped_early = True
                    return history
            else:
                if step % record_every == 0:
                    full_value, out, post = full_evaluation()
                    if not math.isfinite(full_value):
                        history.diverged = True
                        return history
                    if record(step, full_value, out, post):
                        history.stopped_early = True
                        return history
                if position + batch_size > n:
                    order = rng.permutation(n)
                    position = 0
                batch = order[position : position + batch_size]
                position += batch_size
                value, gW, gb, _, _ = loss_and_grads(X[batch], y[batch], loss)
                if not math.isfinite(value):
                    history.diverged = True
                    return history
            if weight_decay:
                for g, W in zip(gW, model.weights, strict=True):
                    g += weight_decay * W
            apply(gW, gb, lr)
        final_value, out, post = full_evaluation()
        if not math.isfinite(final_value):
            history.diverged = True
            return history
        record(steps, final_value, out, post)  # the end: nothing left to stop
    return history
