"""A small convolutional network in NumPy, and the digits data it is trained on.

The network is the smallest one that still has every part of a real CNN::

    image (n, 8, 8)
      -> 3x3 convolution with ``channels`` filters, zero padding 1   (n, 8, 8, C)
      -> activation from the registry (ReLU by default)
      -> 2x2 max-pooling                                            (n, 4, 4, C)
      -> dense layer to 10 logits -> softmax cross-entropy

The convolution is written with ``numpy.lib.stride_tricks.sliding_window_view``
(im2col): every 3x3 patch becomes a row of a matrix, and the convolution is one
matrix product. Feature maps are stored channels-last, ``(n, height, width, C)``.

Training is mini-batch gradient descent with momentum, seeded: the same seed gives
bitwise the same model on the same machine. On one core, a few epochs on the 1,797
8x8 digits of :func:`sklearn.datasets.load_digits` take about a second.

Examples
--------
>>> from relubook import conv
>>> data = conv.load_digits_split(seed=0)
>>> model, history = conv.train_cnn(data, activation="relu", seed=0)
>>> model.accuracy(data.X_test, data.y_test) > 0.9
True
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import activations as _activations
from ._blas import one_blas_thread

__all__ = [
    "CNN",
    "Digits",
    "TrainHistory",
    "RaceResult",
    "digits_experiment",
    "epochs_to_error",
    "FAIR_INITS",
    "make_mlp",
    "im2col",
    "load_digits_split",
    "max_pool",
    "train_cnn",
]

#: Each activation's own initialisation: He for ReLU (derived for it), Glorot for tanh (derived for a
#: slope of 1 at 0, which tanh has), and Glorot's standard deviation times 4 for sigmoid, whose slope at
#: 0 is 1/4 (sigmoid(z) ~ 1/2 + z/4): the factor 4 makes Glorot's assumption hold for it too.
FAIR_INITS: dict[str, str] = {"relu": "he", "tanh": "xavier", "sigmoid": "xavier4"}


def make_mlp(sizes, activation: str, rng: np.random.Generator, init: str = "he"):
    """A :class:`relubook.network.MLP`, with one more initialisation: ``"xavier4"``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first.
    activation : str
        Registry name.
    rng : numpy.random.Generator
        Source of the initial weights.
    init : str, default "he"
        Any initialisation of :class:`~relubook.network.MLP`, or ``"xavier4"``: Glorot's standard
        deviation times 4 for every layer that feeds the activation (the output layer keeps Glorot's).

    Returns
    -------
    relubook.network.MLP
    """
    from .network import MLP

    if init == "xavier4":
        model = MLP(list(sizes), activation, rng=rng, init="xavier")
        for W in model.weights[:-1]:
            W *= 4.0
        model.init = "xavier4"
        return model
    return MLP(list(sizes), activation, rng=rng, init=init)


#: Defaults of :func:`train_cnn`, also used by the exercise checker.
DEFAULTS: dict = {"channels": 8, "epochs": 4, "batch_size": 32, "lr": 0.1, "momentum": 0.9}


@dataclass(frozen=True)
class Digits:
    """The digits, split once into a training and a held-out test set.

    Attributes
    ----------
    X_train, X_test : numpy.ndarray
        Images of shape ``(n, 8, 8)``, float64, scaled to ``[0, 1]``.
    y_train, y_test : numpy.ndarray
        Labels 0..9, int64.
    """

    X_train: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return f"Digits(train={len(self.y_train)}, test={len(self.y_test)})"


@functools.lru_cache(maxsize=4)
def load_digits_split(seed: int = 0, test_size: int = 497) -> Digits:
    """Load scikit-learn's bundled 8x8 digits (no download) and split them.

    Parameters
    ----------
    seed : int, default 0
        Seed of the random permutation that chooses the test set.
    test_size : int, default 497
        Number of held-out images (the other 1,300 are for training).

    Returns
    -------
    Digits
        Read-only arrays; images scaled from 0..16 to ``[0, 1]``.
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = bunch.images.astype(np.float64) / 16.0
    y = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:test_size], order[test_size:]
    arrays = [X[train], y[train], X[test], y[test]]
    for a in arrays:
        a.flags.writeable = False
    return Digits(*arrays)


def im2col(images: np.ndarray, size: int = 3) -> np.ndarray:
    """Every ``size x size`` patch of zero-padded images, one patch per row.

    Parameters
    ----------
    images : numpy.ndarray
        Shape ``(n, h, w)``.
    size : int, default 3
        Odd kernel size; padding ``size // 2`` keeps the height and width.

    Returns
    -------
    numpy.ndarray
        Shape ``(n * h * w, size * size)``; row ``(i * h + r) * w + c`` is the patch
        centred on pixel ``(r, c)`` of image ``i``.
    """
    pad = size // 2
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, (size, size), axis=(1, 2))  # (n, h, w, size, size)
    return windows.reshape(-1, size * size)


def max_pool(maps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max-pooling of channels-last maps, and where each maximum came from.

    Parameters
    ----------
    maps : numpy.ndarray
        Shape ``(n, h, w, C)`` with even ``h`` and ``w``.

    Returns
    -------
    pooled : numpy.ndarray
        Shape ``(n, h // 2, w // 2, C)``.
    winner : numpy.ndarray
        Index 0..3 of the maximum inside each 2x2 window (the first one on ties), same
        shape as ``pooled``: the backward pass sends the gradient there only.
    """
    n, h, w, c = maps.shape
    windows = maps.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(
        n, h // 2, w // 2, c, 4)
    winner = windows.argmax(axis=-1)
    pooled = np.take_along_axis(windows, winner[..., None], axis=-1)[..., 0]
    return pooled, winner


def _unpool(grad_pooled: np.ndarray, winner: np.ndarray) -> np.ndarray:
    """Backward of :func:`max_pool`: route each gradient to its window's maximum."""
    n, hp, wp, c = grad_pooled.shape
    windows = np.zeros((n, hp, wp, c, 4))
    np.put_along_axis(windows, winner[..., None], grad_pooled[..., None], axis=-1)
    return windows.reshape(n, hp, wp, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * hp, 2 * wp, c)


class CNN:
    """Convolution 3x3 -> activation -> 2x2 max-pool -> dense -> softmax, for 8x8 images.

    Parameters
    ----------
    activation : str, default "relu"
        Name of an activation in :mod:`relubook.activations`.
    channels : int, default 8
        Number of 3x3 filters.
    n_classes : int, default 10
        Number of outputs.
    image_size : int, default 8
        Height and width of the (square) input; must be even.
    rng : numpy.random.Generator
        Source of the initial weights (He initialisation).

    Attributes
    ----------
    params : dict of numpy.ndarray
        ``"K"`` (9, C) filters, ``"c"`` (C,) filter biases, ``"W"`` (C h w / 4, classes)
        dense weights, ``"b"`` (classes,) dense biases.
    """

    def __init__(self, activation: str = "relu", *, channels: int = 8, n_classes: int = 10,
                 image_size: int = 8, rng: np.random.Generator) -> None:
        self.activation = _activations.get(activation)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        for name, value in (("channels", channels), ("n_classes", n_classes), ("image_size", image_size)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if image_size % 2:
            raise ValueError(f"image_size must be even for 2x2 pooling, got {image_size}")
        self.channels, self.n_classes, self.image_size = int(channels), int(n_classes), int(image_size)
        n_flat = channels * (image_size // 2) ** 2
        self.params: dict[str, np.ndarray] = {
            "K": rng.normal(0.0, np.sqrt(2.0 / 9.0), size=(9, channels)),
            "c": np.zeros(channels),
            "W": rng.normal(0.0, np.sqrt(2.0 / n_flat), size=(n_flat, n_classes)),
            "b": np.zeros(n_classes),
        }

    def __repr__(self) -> str:
        return f"CNN(activation={self.activation.name!r}, channels={self.channels})"

    def _check(self, images) -> np.ndarray:
        images = np.asarray(images, dtype=np.float64)
        s = self.image_size
        if images.ndim != 3 or images.shape[1:] != (s, s):
            raise ValueError(f"images must have shape (n, {s}, {s}), got {images.shape}")
        return images

    def feature_maps(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The convolution's output before and after the activation, ``(n, h, w, C)`` each."""
        images = self._check(images)
        n, h, w = images.shape
        z = (im2col(images) @ self.params["K"] + self.params["c"]).reshape(n, h, w, self.channels)
        act = self.activation
        return z, act.forward(z, **act.params)

    def _forward(self, images: np.ndarray):
        n, h, w = images.shape
        cols = im2col(images)
        z = (cols @ self.params["K"] + self.params["c"]).reshape(n, h, w, self.channels)
        act = self.activation
        a = np.maximum(z, 0.0) if act.name == "relu" else act.forward(z, **act.params)
        pooled, winner = max_pool(a)
        flat = pooled.reshape(n, -1)
        logits = flat @ self.params["W"] + self.params["b"]
        return logits, (cols, z, winner, flat)

    def forward(self, images: np.ndarray) -> np.ndarray:
        """Logits of shape ``(n, n_classes)`` for images of shape ``(n, h, w)``."""
        return self._forward(self._check(images))[0]

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Predicted labels (argmax of the logits)."""
        return self.forward(images).argmax(axis=1)

    def accuracy(self, images: np.ndarray, labels: np.ndarray) -> float:
        """Fraction of images whose predicted label equals ``labels``."""
        return float(np.mean(self.predict(images) == np.asarray(labels)))

    def loss_and_grads(self, images: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean softmax cross-entropy and its gradient for every parameter (backpropagation).

        The activation's backward step is ``grad_out * act.grad(z)``; for ReLU that is
        ``grad_out * (z > 0)``.
        """
        images = self._check(images)
        labels = np.asarray(labels, dtype=np.intp)
        n = images.shape[0]
        logits, (cols, z, winner, flat) = self._forward(images)
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, labels]))
        d = e / total
        d[rows, labels] -= 1.0
        d /= n
        grads = {"W": flat.T @ d, "b": d.sum(axis=0)}
        grad_pooled = (d @ self.params["W"].T).reshape(n, self.image_size // 2, self.image_size // 2,
                                                       self.channels)
        grad_a = _unpool(grad_pooled, winner)
        act = self.activation
        grad_z = grad_a * (z > 0) if act.name == "relu" else grad_a * act.grad(z, **act.params)
        grad_z = grad_z.reshape(-1, self.channels)
        grads["K"] = cols.T @ grad_z
        grads["c"] = grad_z.sum(axis=0)
        return loss, grads


@dataclass
class TrainHistory:
    """Per-epoch records of :func:`train_cnn` (entry 0 is the untrained model).

    Attributes
    ----------
    train_error : list of float
        Fraction of misclassified training images.
    loss : list of float
        Mean training cross-entropy.
    dead_filters : list of list of int
        Filters whose activation is the same at every position of every *training* image (for ReLU,
        in practice exactly 0): dead units, as in chapter 4 (a ReLU filter at 0 everywhere gets no
        gradient either, so it never comes back).
    """

    train_error: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    dead_filters: list[list[int]] = field(default_factory=list)


def train_cnn(data: Digits, *, activation: str = "relu", seed: int = 0, epochs: int | None = None,
              channels: int | None = None, lr: float | None = None, momentum: float | None = None,
              batch_size: int | None = None) -> tuple[CNN, TrainHistory]:
    """Train a :class:`CNN` on the digits with mini-batch SGD and momentum.

    Parameters
    ----------
    data : Digits
        From :func:`load_digits_split`.
    activation : str, default "relu"
        Registry name of the activation after the convolution.
    seed : int, default 0
        Seeds the initial weights and the order of the mini-batches.
    epochs, channels, lr, momentum, batch_size : optional
        Default to :data:`DEFAULTS` (4 epochs, 8 channels, lr 0.1, momentum 0.9, batches of 32).

    Returns
    -------
    model : CNN
        The trained network.
    history : TrainHistory
        Training error and loss after every epoch.
    """
    cfg = {**DEFAULTS, **{k: v for k, v in dict(epochs=epochs, channels=channels, lr=lr, momentum=momentum,
                                                batch_size=batch_size).items() if v is not None}}
    rng = np.random.default_rng(seed)
    model = CNN(activation, channels=cfg["channels"], rng=rng)
    velocity = {k: np.zeros_like(v) for k, v in model.params.items()}
    X, y = data.X_train, data.y_train
    n = len(y)
    history = TrainHistory()

    def record() -> None:
        logits, (_, z, _, _) = model._forward(X)
        act = model.activation
        a = np.maximum(z, 0.0) if act.name == "relu" else act.forward(z, **act.params)
        # dead: the same output at every position of every training image (the book's one definition; for
        # ReLU in practice the constant 0)
        history.dead_filters.append([int(k) for k in np.flatnonzero(np.all(a == a[:1, :1, :1], axis=(0, 1, 2)))])
        shifted = logits - logits.max(axis=1, keepdims=True)
        history.loss.append(float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(n), y])))
        history.train_error.append(float(np.mean(logits.argmax(axis=1) != y)))

    # one BLAS thread: on matrices this small, more threads only wait for each other (many times
    # slower on a busy 2-core machine); the results are the same
    with np.errstate(all="ignore"), one_blas_thread():
        record()
        for _ in range(cfg["epochs"]):
            order = rng.permutation(n)
            for start in range(0, n - cfg["batch_size"] + 1, cfg["batch_size"]):
                batch = order[start:start + cfg["batch_size"]]
                _, grads = model.loss_and_grads(X[batch], y[batch])
                for k, g in grads.items():
                    velocity[k] *= cfg["momentum"]
                    velocity[k] -= cfg["lr"] * g
                    model.params[k] += velocity[k]
            record()
    return model, history


@functools.lru_cache(maxsize=32)
def digits_experiment(activation: str = "relu", seed: int = 0, epochs: int = DEFAULTS["epochs"]) -> float:
    """Held-out accuracy of :func:`train_cnn` on :func:`load_digits_split` (memoised in memory).

    Parameters
    ----------
    activation : str
        Registry name.
    seed : int
        Seed of the split and of the training.
    epochs : int
        Number of epochs.

    Returns
    -------
    float
        Test accuracy in ``[0, 1]``.
    """
    data = load_digits_split(seed)
    model, _ = train_cnn(data, activation=activation, seed=seed, epochs=epochs)
    return model.accuracy(data.X_test, data.y_test)


@dataclass
class RaceResult:
    """How fast one activation reached the target training error (see :func:`epochs_to_error`).

    Attributes
    ----------
    activation : str
        Registry name.
    epochs_by_lr : dict of float to float or None
        Epochs needed with each learning rate tried (None: not reached in the budget).
    best_lr : float or None
        The learning rate that needed the fewest epochs.
    epochs : float or None
        That smallest number of epochs.
    """

    activation: str
    epochs_by_lr: dict
    best_lr: float | None
    epochs: float | None


def epochs_to_error(data: Digits, activation: str, *, lrs: tuple[float, ...] = (0.1, 0.3, 1.0),
                    target_error: float = 0.05, max_epochs: int = 12, hidden: tuple[int, ...] = (32,),
                    seed: int = 0, batch_size: int = 32, checks_per_epoch: int = 4,
                    init: str = "he") -> RaceResult:
    """Epochs a dense network needs to reach a training error, best over a learning-rate grid.

    Every activation gets the same network (:class:`relubook.network.MLP` with He
    initialisation, flattened 8x8 images in, ``hidden`` widths, 10 logits out), the same
    seed, the same mini-batch order and the same list of learning rates: the search budget
    is identical. The training error is measured on the whole training set
    ``checks_per_epoch`` times per epoch, so epochs come in steps of ``1 / checks_per_epoch``.

    Parameters
    ----------
    data : Digits
        From :func:`load_digits_split`.
    activation : str
        Registry name.
    lrs : tuple of float
        Learning rates tried (plain SGD).
    target_error : float
        Stop when the fraction of misclassified training images is at most this.
    max_epochs : int
        Budget per learning rate.
    hidden : tuple of int
        Hidden-layer widths.
    seed : int
        Seeds the weights and the mini-batch order (the same for every run).
    batch_size, checks_per_epoch : int
        Mini-batch size; how often the training error is measured.
    init : str, default "he"
        Weight initialisation, as :func:`make_mlp` (``"he"``, ``"xavier"``, ``"xavier4"``, ...).

    Returns
    -------
    RaceResult
    """
    from .network import train

    X = np.asarray(data.X_train).reshape(len(data.y_train), -1)
    y = np.asarray(data.y_train)
    steps_per_epoch = len(y) // batch_size
    every = max(1, steps_per_epoch // checks_per_epoch)
    epochs_by_lr: dict = {}
    for lr in lrs:
        model = make_mlp([X.shape[1], *hidden, 10], activation, np.random.default_rng(seed), init)
        reached: list[float] = []

        def stop(step, _model, history, reached=reached):
            if 1.0 - history.accuracy[-1] <= target_error:
                reached.append(step / steps_per_epoch)
                return True
            return None

        with one_blas_thread():  # small matrices: one thread is fastest
            train(model, X, y, lr=lr, steps=steps_per_epoch * max_epochs, batch_size=batch_size,
                  rng=np.random.default_rng(seed + 1), record_every=every, callback=stop)
        epochs_by_lr[lr] = reached[0] if reached else None
    finished = {lr: e for lr, e in epochs_by_lr.items() if e is not None}
    best_lr = min(finished, key=lambda lr: (finished[lr], lr)) if finished else None
    return RaceResult(activation, epochs_by_lr, best_lr, finished.get(best_lr) if finished else None)
