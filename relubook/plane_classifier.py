"""Training a small classifier on points in the plane: the experiments behind the playground.

Pure functions: :func:`make_playground` builds a state (a seeded data set and an untrained
network), :func:`playground_step` returns a new state trained ``n_steps`` further (full-batch
gradient descent, so training in chunks gives exactly the same model as training at once), and
:func:`state_at` returns the state after a number of steps, remembering recent states so that a
widget whose ``steps`` control ticks forward trains only the new chunk. The widget that draws
these states is :mod:`relubook.widgets.playground`; the spiral exercise's checker trains through
:func:`state_at` too, so the checker and the widget always agree.

The learning rates are those of the widget's log slider, :data:`LR_GRID`
(``10**-2 ... 10**0.5`` in steps of ``10**0.1``); :func:`snap_lr` reads a typed rate such as
``0.316`` as the slider position ``10**-0.5`` it stands for.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from . import datasets
from ._args import check_int
from ._blas import one_blas_thread
from .network import MLP, train

__all__ = [
    "ACTIVATIONS",
    "CHUNK",
    "DATASETS",
    "LR_GRID",
    "MAX_STEPS",
    "NOISE",
    "PlaygroundState",
    "best_lr",
    "make_playground",
    "playground_accuracy",
    "playground_step",
    "snap_lr",
    "state_at",
]

#: Data sets and activations offered by the playground.
DATASETS: tuple[str, ...] = ("moons", "circles", "xor", "spiral")
ACTIVATIONS: tuple[str, ...] = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid")
#: Most training steps the playground (and the spiral exercise) runs.
MAX_STEPS: int = 3000
#: Points per data set and the seed of the data and the initial weights.
N_POINTS: int = 200
SEED: int = 0
#: Noise of each data set where it differs from :func:`relubook.datasets.make`'s default (0.1).
#: With noise 0.1 the two spiral arms overlap near the centre, so about 95 % training accuracy is
#: all any network reaches and a 95 % target becomes a coin toss; at 0.05 the arms are apart and
#: the target measures what the network can fit.
NOISE: dict[str, float] = {"spiral": 0.05}
#: Training advances in chunks of this many steps; the loss and dead units are recorded after each.
CHUNK: int = 50
#: The learning rates of the playground's log slider: 10**-2 to 10**0.5 in steps of 10**0.1.
LR_EXPONENTS: tuple[float, ...] = tuple(k / 10 for k in range(-20, 6))
LR_GRID: tuple[float, ...] = tuple(float(10.0**e) for e in LR_EXPONENTS)
#: A typed rate within this relative distance of a slider rate is read as that rate (the slider's
#: readout shows three significant digits, at most 0.5 % off). The readout rounded to two significant
#: digits (``0.32`` for ``0.316``) is read as that rate too: the slider's rates are 26 % apart, so the
#: rounding names one of them only.
LR_SNAP_TOLERANCE: float = 0.01
#: The ranges of the playground widget's width and depth sliders (chapter 5 and its exercises).
WIDGET_MAX_WIDTH: int = 32
WIDGET_MAX_DEPTH: int = 4

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 8


def snap_lr(lr: float) -> float | None:
    """The slider rate that ``lr`` stands for, or None if it is none of :data:`LR_GRID`.

    Parameters
    ----------
    lr : float
        A learning rate, typed from the slider's readout (``0.316``, or rounded to two significant
        digits, ``0.32``) or as a power (``10**-0.5``).

    Returns
    -------
    float or None
        The rate of the grid within :data:`LR_SNAP_TOLERANCE` of ``lr``.

    Raises
    ------
    TypeError
        If ``lr`` is not a real number.

    Examples
    --------
    >>> snap_lr(0.316) == snap_lr(0.32) == snap_lr(10**-0.5) == 10**-0.5
    True
    >>> snap_lr(0.3) is None
    True
    """
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)):
        raise TypeError(f"lr must be a real number, got {type(lr).__name__}")
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        return None
    grid = np.asarray(LR_GRID)
    k = int(np.argmin(np.abs(np.log(grid / lr))))
    if abs(lr / grid[k] - 1) <= LR_SNAP_TOLERANCE or lr == float(f"{LR_GRID[k]:.2g}"):
        return LR_GRID[k]
    return None


@dataclass
class PlaygroundState:
    """One network being trained on a data set in the plane.

    Attributes
    ----------
    dataset, activation : str
        The choices.
    width, depth : int
        Hidden units per layer, hidden layers.
    lr : float
        Learning rate of full-batch gradient descent.
    seed : int
        Seed of the data set and of the initial weights.
    X, y : numpy.ndarray
        The data set (200 points, labels 0/1).
    model : MLP
        The network after ``step`` updates.
    step : int
        Updates done so far.
    steps, loss, accuracy, dead : list
        Records after each chunk: step, training loss, training accuracy and the
        fraction of hidden units that are zero on every point.
    diverged : bool
        The loss became non-finite; training stops.
    """

    dataset: str
    activation: str
    width: int
    depth: int
    lr: float
    X: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    model: MLP = field(repr=False)
    seed: int = SEED
    step: int = 0
    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    dead: list = field(default_factory=list)
    diverged: bool = False


def _check_choice(name: str, value, options) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def make_playground(dataset: str, activation: str, width: int, depth: int, lr: float, *,
                    seed: int = SEED) -> PlaygroundState:
    """A fresh state: the data set and an untrained network, both seeded.

    Parameters
    ----------
    dataset : {"moons", "circles", "xor", "spiral"}
    activation : str
        One of :data:`ACTIVATIONS` (any registry name works).
    width : int
        Hidden units per layer, 1..64.
    depth : int
        Hidden layers, 1..6.
    lr : float
        Learning rate, in (0, 10].
    seed : int, default :data:`SEED`
        Seed of the data set and of the initial weights (He initialisation).

    Raises
    ------
    ValueError
        If a setting is out of range (the message names it).
    """
    _check_choice("dataset", dataset, DATASETS)
    if not (isinstance(width, (int, np.integer)) and 1 <= width <= 64):
        raise ValueError(f"width must be an int in 1..64, got {width!r}")
    if not (isinstance(depth, (int, np.integer)) and 1 <= depth <= 6):
        raise ValueError(f"depth must be an int in 1..6, got {depth!r}")
    if not (isinstance(lr, (int, float, np.floating)) and 0 < lr <= 10):
        raise ValueError(f"lr must be a number in (0, 10], got {lr!r}")
    check_int(seed, "seed", 0)
    rng = np.random.default_rng(int(seed))
    noise = {"noise": NOISE[dataset]} if dataset in NOISE else {}
    X, y = datasets.make(dataset, N_POINTS, rng=rng, **noise)
    model = MLP([2, *[int(width)] * int(depth), 1], activation, rng=rng)
    state = PlaygroundState(dataset, activation, int(width), int(depth), float(lr), X, y, model, int(seed))
    _record(state)
    return state


def _record(state: PlaygroundState) -> None:
    out, cache = state.model.forward_cache(state.X)
    z = out[:, 0]
    loss = float(np.mean(np.maximum(z, 0) - z * state.y + np.log1p(np.exp(-np.abs(z)))))
    post = np.concatenate(cache["post"], axis=1)
    state.steps.append(state.step)
    state.loss.append(loss)
    state.accuracy.append(float(np.mean((z > 0) == (state.y == 1))))
    state.dead.append(float(np.mean(~post.any(axis=0))))


def playground_step(state: PlaygroundState, n_steps: int) -> PlaygroundState:
    """Train ``n_steps`` more full-batch steps; return a new state (the input is unchanged).

    Parameters
    ----------
    state : PlaygroundState
        From :func:`make_playground` or a previous step.
    n_steps : int
        Number of updates, >= 0.

    Returns
    -------
    PlaygroundState
        A copy with the trained model and one more record.
    """
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an int >= 0, got {n_steps!r}")
    new = copy.copy(state)
    new.model = state.model.copy()
    new.steps, new.loss, new.accuracy, new.dead = (list(state.steps), list(state.loss),
                                                   list(state.accuracy), list(state.dead))
    if n_steps == 0 or new.diverged:
        return new
    with one_blas_thread():  # 200 points: one BLAS thread is fastest
        history = train(new.model, new.X, new.y, lr=new.lr, steps=int(n_steps), record_every=int(n_steps))
    if history.diverged:
        new.diverged = True
        return new
    new.step += int(n_steps)
    _record(new)
    return new


def state_at(dataset: str, activation: str, width: int, depth: int, lr: float, steps: int, *,
             seed: int = SEED) -> PlaygroundState:
    """The state after ``steps`` updates, trained in chunks of :data:`CHUNK` steps.

    States at whole chunks are remembered (in memory), so a widget whose ``steps`` control
    moves forward trains only the new chunks. Full-batch training is deterministic, so the
    result does not depend on the path: the same arguments always give the same state.
    """
    if not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an int in 0..{MAX_STEPS}, got {steps!r}")
    key = (dataset, activation, int(width), int(depth), float(lr), int(seed))
    whole = steps - steps % CHUNK
    state = _CACHE.get(key)
    if state is None or state.step > whole:
        state = make_playground(dataset, activation, width, depth, lr, seed=seed)
    while state.step < whole and not state.diverged:
        state = playground_step(state, CHUNK)
    _CACHE[key] = state
    _CACHE.move_to_end(key)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    if steps > state.step and not state.diverged:
        state = playground_step(state, steps - state.step)
    return state


def playground_accuracy(dataset: str, activation: str, width: int, depth: int, lr: float,
                        steps: int, *, seed: int = SEED) -> float:
    """Training accuracy of the playground network after ``steps`` updates (``steps <= MAX_STEPS``)."""
    return state_at(dataset, activation, width, depth, lr, steps, seed=seed).accuracy[-1]


def best_lr(dataset: str, activation: str, width: int, depth: int, steps: int,
            lrs: tuple[float, ...] = (10**-0.5, 1.0, 10**0.5)) -> tuple[float, float]:
    """The rate of ``lrs`` (slider positions) with the highest training accuracy after ``steps``.

    Each activation gets the same candidates, so a comparison drawn from the best of each is fair
    to all of them. Ties go to the smaller rate; diverged runs count as accuracy 0.

    Returns
    -------
    lr, accuracy : float
    """
    scored = []
    for lr in sorted(lrs):
        state = state_at(dataset, activation, width, depth, lr, steps)
        scored.append((0.0 if state.diverged else state.accuracy[-1], -lr))
    acc, neg_lr = max(scored)
    return -neg_lr, acc
