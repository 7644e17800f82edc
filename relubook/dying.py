"""The training experiments of the dying-ReLU chapter, many seeds at once.

The chapter's network
---------------------
Every training experiment of the chapter uses one setting, so that the numbers can be
compared: the two-moons data set (200 points, noise 0.1, data seed 0, standardised),
a 2-16-16-1 network, binary cross-entropy, full-batch training for 300 steps.
A *config* dict holds the settings that vary. The five core settings
(:data:`BASE_CONFIG`) are

``lr``
    learning rate;
``bias_init``
    the constant every hidden and output bias starts from;
``init``
    ``"he"``, ``"xavier"``, ``"lecun"``, ``"rai"`` or a float (the weights' standard
    deviation; the chapter's default, 1.0, is ``np.random.randn`` without scaling);
``activation``
    ``"relu"``, ``"leaky_relu"``, ``"prelu"`` (slope learned per unit), ``"elu"``, ...
    (any name of :mod:`relubook.activations`);
``steps``
    number of training steps.

The remedies practitioners use are further, optional settings (:data:`REMEDY_DEFAULTS`):
``optimizer`` (``"gd"`` or ``"adam"``), ``warmup`` (steps of linear learning-rate warm-up),
``clip`` (largest global gradient norm, 0 for none), ``norm`` (``"none"`` or ``"batch"``:
batch normalisation of every hidden pre-activation over the full batch), ``residual``
(the second hidden layer adds its input, ``a2 = act(z2) + a1``), ``redo`` (every this
many steps, recycle the dormant units as ReDo does, Sokar et al. 2023; 0 for never) and
``weight_decay`` (L2 decay of the weights, not the biases: ``decay * W`` is added to the gradient of
every weight matrix, the gradient of ``decay / 2`` times the sum of squared weights; 0 for none).

Many seeds at once
------------------
A learning rate of 2 makes training chaotic: a one-ulp difference in a sum (another
OpenBLAS kernel, another CPU) changes a single run's outcome. So the chapter never reports
one run. :func:`train_seeds` trains the network for many seeds of the initial weights at
once (the weights of all seeds are stacked, so one NumPy call serves every seed) and the
chapter states medians, ranges and counts over seeds, at a precision that holds under every
kernel (``tools/dying_kernels.py`` trains every seed under three kernels and compares).

Dead, dormant, diverged, trains
-------------------------------
One meaning each, used by every function, widget, checker and sentence of the chapter:

* a hidden unit is *dead* on the training set when its output is the same on every example
  (exactly equal values, not a variance test; :func:`relubook.diagnostics.dead_fraction`): it passes
  on no signal that depends on the input. For ReLU that is usually 0 everywhere, but a positive
  constant counts too, and so does a saturated ELU unit (output exactly -1 everywhere, which in
  float64 needs every z below about -37: for ELU the exact test practically never fires, and
  dormancy is the practical measure);
* a unit is *dormant* when Sokar et al.'s score (its mean absolute output divided by the
  layer's average of that quantity) is at most :data:`TAU` = 0.1;
* a run has *diverged* when its loss stopped being finite or a parameter grew beyond
  :data:`WEIGHT_LIMIT` in size (training of that seed stops there);
* a run *trains* (:attr:`SeedRuns.trains`) when it did not diverge, ends with training accuracy
  at least 0.95, and its dead fraction stays below 10 % at the end and at every record of the last
  half of training.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import activations as _activations
from . import datasets
from .network import MLP
from .prose import Shown

__all__ = [
    "BASE_CONFIG",
    "CHAPTER_SEEDS",
    "CONFIG_KEYS",
    "FAILING_CONFIG",
    "HIDDEN",
    "LR_GRID",
    "REMEDIES",
    "REMEDY_DEFAULTS",
    "REMEDY_LRS",
    "TAU",
    "WEIGHT_LIMIT",
    "RELU_FAMILY",
    "SMALLEST_KILLING_LR",
    "SeedRuns",
    "ContinualRuns",
    "compare_configs",
    "continual_runs",
    "dead_curves",
    "format_table",
    "kill_lr_scan",
    "killed_fraction",
    "killing_steps",
    "remedy_config",
    "remedy_grid",
    "remedy_table",
    "sokar_scores",
    "moons_data",
    "row_text",
    "smallest_killing_lr",
    "train_seeds",
]

#: Hidden widths of the chapter's network (input 2, output 1).
HIDDEN: tuple[int, ...] = (16, 16)
#: The chapter's default settings.
BASE_CONFIG: dict = {"lr": 0.3, "bias_init": 0.0, "init": 1.0, "activation": "relu", "steps": 300}
#: The failing setting: the same network with a too-large learning rate.
FAILING_CONFIG: dict = {**BASE_CONFIG, "lr": 2.0}
#: Optional settings for the remedies, with the values that leave plain gradient descent.
REMEDY_DEFAULTS: dict = {"optimizer": "gd", "warmup": 0, "clip": 0.0, "norm": "none", "residual": False,
                         "redo": 0, "weight_decay": 0.0}
#: The settings a config may hold.
CONFIG_KEYS: tuple[str, ...] = (*BASE_CONFIG, *REMEDY_DEFAULTS)
#: Learning rates the kill-a-network slider offers: 10**(k / 20) from 0.1 to 20.
LR_GRID: np.ndarray = 10.0 ** (np.arange(-20, 27) / 20)
#: ``smallest_killing_lr()`` (bias 0, ReLU, median over :data:`CHAPTER_SEEDS`), stored so that the checker
#: trains one rate instead of scanning the grid; ``tests/test_checks_dying.py`` checks that the two agree.
SMALLEST_KILLING_LR: float = float(LR_GRID[26])  # 10**0.3 ≈ 1.995
#: Seeds of the initial weights every chapter experiment averages over.
CHAPTER_SEEDS: tuple[int, ...] = tuple(range(20))
#: Activations of the ReLU family (piecewise linear with a rectifying kink, or ELU-like).
RELU_FAMILY: tuple[str, ...] = ("relu", "leaky_relu", "prelu", "elu", "selu", "celu", "relu6")
#: Threshold of the dormancy score of Sokar et al. (2023): a unit is dormant when its mean absolute
#: activation over the data, divided by the layer's average of that quantity, is at most TAU.
TAU = 0.1
#: A run has *diverged* when its loss stops being finite or any weight or bias grows beyond this size
#: (checked after every step; training of that seed stops there). See :func:`train_seeds`.
WEIGHT_LIMIT = 1e3
#: A run *trains* when it did not diverge, ends with training accuracy at least this ...
TRAIN_MIN_ACCURACY = 0.95
#: ... and its dead fraction stays below this both at the end and at every record of the last half of
#: training (so a remedy that resets units just before the end cannot look like a fix).
TRAIN_MAX_DEAD = 0.1
#: Adam's constants (Kingma & Ba's defaults).
ADAM = (0.9, 0.999, 1e-8)
#: Batch normalisation's epsilon.
BN_EPS = 1e-5


@lru_cache(maxsize=1)
def _moons() -> tuple[np.ndarray, np.ndarray]:
    X, y = datasets.moons(200, noise=0.1, rng=np.random.default_rng(0))
    return datasets.standardize(X), y


def moons_data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data set: 200 standardised two-moons points (fresh copies)."""
    X, y = _moons()
    return X.copy(), y.copy()


def _validate_config(config: Mapping) -> dict:
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {type(config).__name__}")
    unknown = set(config) - set(CONFIG_KEYS)
    if unknown:
        raise ValueError(f"config has unknown settings {sorted(unknown)}; allowed: {list(CONFIG_KEYS)}")
    cfg = {**BASE_CONFIG, **REMEDY_DEFAULTS, **config}
    lr = cfg["lr"]
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr < 0:
        raise ValueError(f"config['lr'] must be a finite number >= 0, got {lr!r}")
    steps = cfg["steps"]
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"config['steps'] must be an int >= 0, got {steps!r}")
    if cfg["optimizer"] not in ("gd", "adam"):
        raise ValueError(f"config['optimizer'] must be 'gd' or 'adam', got {cfg['optimizer']!r}")
    if cfg["norm"] not in ("none", "batch"):
        raise ValueError(f"config['norm'] must be 'none' or 'batch', got {cfg['norm']!r}")
    for key in ("warmup", "redo"):
        v = cfg[key]
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise ValueError(f"config[{key!r}] must be an int >= 0, got {v!r}")
    for key in ("clip", "weight_decay"):
        v = cfg[key]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v < 0:
            raise ValueError(f"config[{key!r}] must be a finite number >= 0, got {v!r}")
    if not isinstance(cfg["residual"], (bool, np.bool_)):
        raise ValueError(f"config['residual'] must be True or False, got {cfg['residual']!r}")
    _activations.get(cfg["activation"])  # raises on an unknown name
    return cfg


def _check_seeds(seeds: object) -> tuple[int, ...]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        seeds = (seeds,)
    try:
        out = tuple(seeds)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"seeds must be a sequence of ints, got {type(seeds).__name__}") from None
    if not out or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0 for s in out):
        raise ValueError(f"seeds must be a non-empty sequence of ints >= 0, got {seeds!r}")
    return tuple(int(s) for s in out)


@dataclass
class SeedRuns:
    """The chapter's network trained with one config for many seeds (one entry per seed).

    Attributes
    ----------
    config : dict
        The full settings used.
    seeds : tuple of int
        Seeds of the initial weights.
    steps : numpy.ndarray
        Recorded steps.
    loss : numpy.ndarray
        Training loss, shape ``(n_records, n_seeds)`` (NaN after a run diverged).
    dead_units : numpy.ndarray
        Dead units per hidden layer, shape ``(n_records, n_seeds, n_layers)``.
    accuracy_curve : numpy.ndarray
        Training accuracy, shape ``(n_records, n_seeds)`` (NaN after a run diverged).
    dead_fraction, dead_fraction_start : numpy.ndarray
        Dead hidden units / hidden units after training and at step 0, shape ``(n_seeds,)``.
    dead_per_layer : numpy.ndarray
        Dead units per layer after training, shape ``(n_seeds, n_layers)``.
    dormant_fraction : numpy.ndarray
        Fraction of tau-dormant hidden units after training (Sokar et al.'s score, tau = 0.1).
    accuracy : numpy.ndarray
        Training accuracy after training.
    diverged : numpy.ndarray of bool
        True where the loss stopped being finite or a parameter grew beyond :data:`WEIGHT_LIMIT`
        in size (training of that seed stopped there): the one definition of a diverged run.
    weights, biases : list of numpy.ndarray
        Final parameters, stacked over seeds: ``weights[i]`` has shape ``(n_seeds, fan_in, fan_out)``.
    dead_masks : list of numpy.ndarray
        Per hidden layer, which units are dead after training, shape ``(n_seeds, width)``.
    """

    config: dict
    seeds: tuple[int, ...]
    steps: np.ndarray
    loss: np.ndarray
    dead_units: np.ndarray
    accuracy_curve: np.ndarray
    dead_fraction: np.ndarray
    dead_fraction_start: np.ndarray
    dead_per_layer: np.ndarray
    dormant_fraction: np.ndarray
    accuracy: np.ndarray
    diverged: np.ndarray
    weights: list
    biases: list
    dead_masks: list
    _extra: dict

    @property
    def n_seeds(self) -> int:
        """Number of seeds."""
        return len(self.seeds)

    @property
    def dead_curve(self) -> np.ndarray:
        """Dead fraction of all hidden units over training, shape ``(n_records, n_seeds)``."""
        return self.dead_units.sum(axis=2) / sum(HIDDEN)

    @property
    def dead_late(self) -> np.ndarray:
        """Largest dead fraction over the records of the last half of training, per seed.

        ReDo-style recycling lowers the dead fraction at the moment it acts; this measure
        sees how many units were dead between recyclings too.
        """
        half = self.steps >= self.steps[-1] / 2
        return self.dead_curve[half].max(axis=0)

    @property
    def trains(self) -> np.ndarray:
        """Per seed: did not diverge, final accuracy >= TRAIN_MIN_ACCURACY, and dead fraction
        below TRAIN_MAX_DEAD at the end and over the last half of training (:attr:`dead_late`)."""
        with np.errstate(invalid="ignore"):
            return (~self.diverged & (self.accuracy >= TRAIN_MIN_ACCURACY)
                    & (self.dead_fraction < TRAIN_MAX_DEAD) & (self.dead_late < TRAIN_MAX_DEAD))

    @property
    def slopes(self) -> list[np.ndarray] | None:
        """PReLU's learned negative-side slopes per hidden layer, shape ``(n_seeds, width)``; None otherwise."""
        if "alpha" not in self._extra:
            return None
        return [a[:, 0, :].copy() for a in self._extra["alpha"]]

    def index(self, seed: int) -> int:
        """Position of ``seed`` in :attr:`seeds`."""
        if seed not in self.seeds:
            raise ValueError(f"seed {seed!r} was not trained; seeds are {list(self.seeds)}")
        return self.seeds.index(seed)

    def forward(self, X: np.ndarray, k: int = 0) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Logits, pre-activations and activations of run ``k`` on inputs ``X``."""
        X = np.asarray(X, dtype=np.float64)
        W = [w[k : k + 1] for w in self.weights]
        b = [v[k : k + 1] for v in self.biases]
        extra = {key: ([v[k : k + 1] for v in val] if isinstance(val, list) else val)
                 for key, val in self._extra.items()}
        with np.errstate(all="ignore"):
            out, pre, post, _ = _forward(X, W, b, self.config, extra)
        return out[0, :, 0], [p[0] for p in pre], [p[0] for p in post]

    def predict_proba(self, X: np.ndarray, k: int = 0) -> np.ndarray:
        """Probability of class 1 under run ``k``."""
        logit = self.forward(X, k)[0]
        with np.errstate(all="ignore"):
            return 0.5 + 0.5 * np.tanh(0.5 * logit)

    def model(self, k: int = 0) -> MLP:
        """Run ``k`` as an :class:`relubook.network.MLP` (plain configs only)."""
        cfg = self.config
        if cfg["norm"] != "none" or cfg["residual"] or cfg["activation"] == "prelu":
            raise ValueError("only a config without norm, residual or prelu is an MLP")
        m = MLP([2, *HIDDEN, 1], cfg["activation"], rng=np.random.default_rng(0))
        m.weights = [w[k].copy() for w in self.weights]
        m.biases = [v[k, 0].copy() for v in self.biases]
        return m

    def first_layer_biases(self, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Run ``k``'s first-layer biases: (of the dead units, of the live units) after training."""
        b = self.biases[0][k, 0]
        dead = self.dead_masks[0][k]
        return b[dead], b[~dead]


def _init(cfg: dict, seeds: tuple[int, ...]) -> tuple[list, list, dict]:
    """Stack the initial weights of :class:`MLP` for each seed (the same draws as one MLP)."""
    act = "relu" if cfg["activation"] == "prelu" else cfg["activation"]
    models = [MLP([2, *HIDDEN, 1], act, rng=np.random.default_rng(s), init=cfg["init"],
                  bias_init=cfg["bias_init"]) for s in seeds]
    W = [np.stack([m.weights[i] for m in models]) for i in range(len(HIDDEN) + 1)]
    b = [np.stack([m.biases[i] for m in models])[:, None, :] for i in range(len(HIDDEN) + 1)]
    S = len(seeds)
    extra: dict = {}
    if cfg["activation"] == "prelu":
        extra["alpha"] = [np.full((S, 1, w), 0.25) for w in HIDDEN]
    if cfg["norm"] == "batch":
        extra["gamma"] = [np.ones((S, 1, w)) for w in HIDDEN]
        extra["beta"] = [np.zeros((S, 1, w)) for w in HIDDEN]
    return W, b, extra


def _act(cfg: dict):
    name = cfg["activation"]
    if name == "relu":
        return (lambda u, i, extra: np.maximum(u, 0.0)), (lambda u, i, extra: u > 0)
    if name == "prelu":
        return ((lambda u, i, extra: np.where(u > 0, u, extra["alpha"][i] * u)),
                (lambda u, i, extra: np.where(u > 0, 1.0, extra["alpha"][i])))
    act = _activations.get(name)
    kw = dict(act.params)
    if name in _FAST:  # the same functions written for speed (the trainer calls them 600 times a run)
        f, df = _FAST[name]
        return (lambda u, i, extra: f(u, **kw)), (lambda u, i, extra: df(u, **kw))
    return (lambda u, i, extra: act.forward(u, **kw)), (lambda u, i, extra: act.grad(u, **kw))


def _elu(u, alpha):
    return np.where(u > 0, u, alpha * np.expm1(np.minimum(u, 0.0)))


def _elu_grad(u, alpha):
    return np.where(u > 0, 1.0, alpha * np.exp(np.minimum(u, 0.0)))


#: Fast forms of the activations the chapter swaps in: ``name -> (forward, derivative)``.
_FAST = {
    "leaky_relu": (lambda u, alpha: np.maximum(u, alpha * u) if alpha <= 1 else np.where(u > 0, u, alpha * u),
                   lambda u, alpha: np.where(u > 0, 1.0, alpha)),
    "elu": (_elu, _elu_grad),
    "tanh": (np.tanh, lambda u: 1.0 - np.tanh(u) ** 2),
}


def _forward(X, W, b, cfg, extra, f=None):
    """Forward pass of every seed at once: logits ``(S, n, 1)``, pre-activations, activations, BN cache.

    ``f`` is the activation of :func:`_act` (looked up when not given).
    """
    if f is None:
        f, _ = _act(cfg)
    a = X
    pre, post, bn = [], [], []
    n = X.shape[0]
    for i in range(len(HIDDEN)):
        z = a @ W[i]
        z += b[i]
        if cfg["norm"] == "batch":
            # the same operations as z.mean and z.var (sum over the samples, divided by n), with the
            # centred values computed once and updated in place: bitwise the same as
            # zh = (z - mu) / sqrt(z.var() + eps), u = zh * gamma + beta
            mu = z.mean(axis=1, keepdims=True)
            zh = z - mu
            sq = zh * zh
            var = np.add.reduce(sq, axis=1, keepdims=True)
            var /= n
            inv = 1.0 / np.sqrt(var + BN_EPS)
            zh *= inv
            u = zh * extra["gamma"][i]
            u += extra["beta"][i]
            bn.append((zh, inv))
        else:
            u = z
        h = f(u, i, extra)
        if cfg["residual"] and i > 0:
            h = h + a
        pre.append(u)
        post.append(h)
        a = h
    out = a @ W[-1]
    out += b[-1]
    return out, pre, post, bn


def _dead_masks(pre, post, cfg, extra) -> list[np.ndarray]:
    """Per layer ``(S, width)``: the unit's own output is the same on every example (dead)."""
    masks = []
    for i, h in enumerate(post):
        own = h - pre_residual(post, i, cfg)
        masks.append(np.all(own == own[:, :1, :], axis=1))
    return masks


def pre_residual(post, i, cfg):
    """The residual input added to layer ``i``'s output (0 without a residual connection)."""
    return post[i - 1] if cfg["residual"] and i > 0 else 0.0


def sokar_scores(activations: np.ndarray) -> np.ndarray:
    """Sokar et al.'s dormancy score of every unit, for a stack ``(..., n_samples, n_units)``.

    Mean absolute activation over the samples divided by the layer's average of that quantity
    (all 0 in a layer whose activations are all 0); the same score as
    :func:`relubook.diagnostics.dormant_scores`, for many seeds at once.
    """
    unit = np.mean(np.abs(activations), axis=-2)
    layer = unit.mean(axis=-1, keepdims=True)
    with np.errstate(all="ignore"):
        return np.where(layer > 0, unit / np.where(layer > 0, layer, 1.0), 0.0)


def _dormant_masks(post, cfg) -> list[np.ndarray]:
    return [sokar_scores(h - pre_residual(post, i, cfg)) <= TAU for i, h in enumerate(post)]


def _dormant(post, cfg) -> np.ndarray:
    """Fraction of tau-dormant hidden units per seed (Sokar et al.'s score, tau = TAU)."""
    return sum(m.sum(axis=-1) for m in _dormant_masks(post, cfg)) / sum(HIDDEN)


def _recycle(W, b, masks, cfg, rngs, moments) -> None:
    """ReDo: re-draw the incoming weights of dormant units, zero their outgoing weights."""
    for i, mask in enumerate(masks):
        fan_in = W[i].shape[1]
        std = float(cfg["init"]) if isinstance(cfg["init"], numbers.Real) else np.sqrt(2.0 / fan_in)
        for s in np.flatnonzero(mask.any(axis=1)):
            cols = np.flatnonzero(mask[s])
            W[i][s][:, cols] = rngs[s].normal(0.0, std, size=(fan_in, cols.size))
            b[i][s, 0, cols] = cfg["bias_init"]
            W[i + 1][s][cols, :] = 0.0


def _train(cfg: dict, seeds: tuple[int, ...], record_every: int) -> SeedRuns:
    X, y = _moons()
    n = X.shape[0]
    yy = y.astype(np.float64)[None, :, None]
    S = len(seeds)
    W, b, extra = _init(cfg, seeds)
    f, df = _act(cfg)
    relu = cfg["activation"] == "relu"
    batch_norm = cfg["norm"] == "batch"
    lr0 = float(cfg["lr"])
    decay = float(cfg["weight_decay"])
    steps = int(cfg["steps"])
    adam = cfg["optimizer"] == "adam"
    L = len(HIDDEN)
    ones = _ONES[n]
    names = [("W", i) for i in range(len(W))] + [("b", i) for i in range(len(b))]
    names += [(k, i) for k in extra for i in range(len(extra[k]))]
    shapes = [(W[i] if k == "W" else b[i] if k == "b" else extra[k][i]).shape[1:] for k, i in names]
    sizes = [int(np.prod(sh)) for sh in shapes]
    bounds = list(zip(np.cumsum([0, *sizes[:-1]]).tolist(), np.cumsum(sizes).tolist(), strict=True))

    # Every parameter of a seed lives in one row of ``flat``; W, b and extra are views into it, so that
    # the update, Adam's moments and the divergence test are one NumPy call each (every element gets
    # the same arithmetic as when each parameter array was updated on its own).
    def bind(flat):
        for (k, i), sh, (lo, hi) in zip(names, shapes, bounds, strict=True):
            (W if k == "W" else b if k == "b" else extra[k])[i] = flat[:, lo:hi].reshape((len(flat), *sh))

    flat = np.concatenate([(W[i] if k == "W" else b[i] if k == "b" else extra[k][i]).reshape(S, -1)
                           for k, i in names], axis=1)
    bind(flat)
    gflat = np.empty_like(flat)
    m1 = np.zeros_like(flat) if adam else None
    m2 = np.zeros_like(flat) if adam else None
    rngs = [np.random.default_rng([s, 1]) for s in seeds] if cfg["redo"] else None

    # A diverged run's parameters stop changing, so its forward pass, dead units and final state stop
    # changing too: it is recorded once (``frozen``) and dropped from the batch (``idx`` lists the seeds
    # still trained). The other seeds' arithmetic does not depend on which seeds share the batch.
    idx = np.arange(S)
    alive = np.ones(S, dtype=bool)          # over the batch
    frozen_flat = np.zeros_like(flat)       # over all seeds: the final parameters of dropped runs
    frozen_dead = np.zeros((S, L), dtype=int)  # their dead units per layer
    frozen_last: dict[int, tuple] = {}      # their final logits, pre-activations, activations
    rec_steps, rec_loss, rec_dead, rec_acc = [], [], [], []

    def record(step, loss, out, pre, post):
        full_loss, full_acc = np.full(S, np.nan), np.full(S, np.nan)
        full_loss[idx] = np.where(alive, loss, np.nan)
        full_acc[idx] = np.where(alive, np.mean((out > 0) == (yy > 0.5), axis=(1, 2)), np.nan)
        dead = frozen_dead.copy()
        dead[idx] = np.stack([m.sum(axis=1) for m in _dead_masks(pre, post, cfg, extra)], axis=1)
        rec_steps.append(step)
        rec_loss.append(full_loss)
        rec_acc.append(full_acc)
        rec_dead.append(dead)

    with np.errstate(all="ignore"):
        for step in range(steps + 1):
            out, pre, post, bn = _forward(X, W, b, cfg, extra, f)
            e = np.exp(-np.abs(out))
            loss = np.sum(np.maximum(out, 0.0) - out * yy + np.log1p(e), axis=(1, 2)) / n
            alive &= np.isfinite(loss)
            if step == steps or not alive.any():
                record(step, loss, out, pre, post)
                break
            if step % record_every == 0:
                record(step, loss, out, pre, post)
            if not alive.all():  # drop the runs that diverged (their state is frozen from here on)
                gone, keep = np.flatnonzero(~alive), np.flatnonzero(alive)
                counts = np.stack([m.sum(axis=1) for m in _dead_masks(pre, post, cfg, extra)], axis=1)
                for k in gone:
                    frozen_flat[idx[k]] = flat[k]
                    frozen_dead[idx[k]] = counts[k]
                    frozen_last[int(idx[k])] = (out[k], [p[k] for p in pre], [p[k] for p in post])
                idx, alive = idx[keep], alive[keep]
                flat, gflat = flat[keep], gflat[keep]
                m1, m2 = (m1[keep], m2[keep]) if adam else (None, None)
                rngs = [rngs[k] for k in keep] if rngs else None
                bind(flat)
                out, e = out[keep], e[keep]
                pre, post = [p[keep] for p in pre], [p[keep] for p in post]
                bn = [(zh[keep], inv[keep]) for zh, inv in bn]
            B = len(idx)
            if cfg["redo"] and step > 0 and step % cfg["redo"] == 0:
                masks = _dormant_masks(post, cfg)
                if any(m.any() for m in masks):
                    _recycle(W, b, masks, cfg, rngs, (m1, m2))
                    out, pre, post, bn = _forward(X, W, b, cfg, extra, f)
                    e = np.exp(-np.abs(out))
            # backward
            d = (np.where(out >= 0, 1.0, e) / (1.0 + e) - yy) / n
            gW = [None] * len(W)
            gb = [None] * len(b)
            gx = {k: [None] * len(v) for k, v in extra.items()}
            gW[L] = post[-1].transpose(0, 2, 1) @ d
            gb[L] = ones @ d
            g = d * W[L].transpose(0, 2, 1)  # (S, n, 1) times (S, 1, width): the outer product
            for i in range(L - 1, -1, -1):
                u = pre[i]
                if relu and not cfg["residual"]:
                    g_u = np.multiply(g, u > 0, out=g)  # g is not needed again: the same product, in place
                else:
                    g_u = g * df(u, i, extra)
                if "alpha" in extra:
                    gx["alpha"][i] = ones @ (g * np.minimum(u, 0.0))
                if batch_norm:
                    zh, inv = bn[i]
                    gx["gamma"][i] = ones @ (g_u * zh)
                    gx["beta"][i] = ones @ g_u
                    g_zh = g_u * extra["gamma"][i]
                    # inv * (g_zh - mean(g_zh) - zh * mean(g_zh * zh)), the same operations in place
                    g_z = g_zh - (ones @ g_zh) / n
                    g_z -= zh * ((ones @ (g_zh * zh)) / n)
                    g_z *= inv
                else:
                    g_z = g_u
                inp = post[i - 1] if i > 0 else X
                gW[i] = (inp.transpose(0, 2, 1) if i > 0 else inp.T) @ g_z
                gb[i] = ones @ g_z
                if i > 0:
                    g_next = g_z @ np.ascontiguousarray(W[i].transpose(0, 2, 1))
                    if cfg["residual"]:
                        g_next = g_next + g
                    g = g_next
            if decay:  # L2 weight decay: the gradient of (decay / 2) * sum of squared weights (not biases)
                gW = [gw + decay * w for gw, w in zip(gW, W, strict=True)]
            grads = [gW[i] if k == "W" else gb[i] if k == "b" else gx[k][i] for k, i in names]
            if cfg["clip"] > 0:
                norm = np.sqrt(sum(np.sum(gr * gr, axis=tuple(range(1, gr.ndim))) for gr in grads))
                scale = np.minimum(1.0, cfg["clip"] / np.maximum(norm, 1e-300))
                grads = [gr * scale.reshape((B,) + (1,) * (gr.ndim - 1)) for gr in grads]
            for gr, (lo, hi) in zip(grads, bounds, strict=True):
                gflat[:, lo:hi] = gr.reshape(B, -1)
            lr = lr0 * min(1.0, (step + 1) / cfg["warmup"]) if cfg["warmup"] else lr0
            if adam:
                t = step + 1
                m1 = ADAM[0] * m1 + (1 - ADAM[0]) * gflat
                m2 = ADAM[1] * m2 + (1 - ADAM[1]) * gflat * gflat
                flat -= lr * (m1 / (1 - ADAM[0] ** t)) / (np.sqrt(m2 / (1 - ADAM[1] ** t)) + ADAM[2])
            else:
                flat -= gflat * lr
            alive &= np.abs(flat).max(axis=1) <= WEIGHT_LIMIT
        # the final state of every seed: the batch's, and the frozen state of the runs dropped on the way
        frozen_flat[idx] = flat
        bind(frozen_flat)
        if frozen_last:
            outs, pres, posts = np.empty((S, *out.shape[1:])), [], []
            outs[idx] = out
            for k, v in frozen_last.items():
                outs[k] = v[0]
            for j in range(L):
                for full, part, which in ((pres, pre, 1), (posts, post, 2)):
                    arr = np.empty((S, *part[j].shape[1:]))
                    arr[idx] = part[j]
                    for k, v in frozen_last.items():
                        arr[k] = v[which][j]
                    full.append(arr)
            out, pre, post = outs, pres, posts
        gone = np.ones(S, dtype=bool)
        gone[idx[alive]] = False
        masks = _dead_masks(pre, post, cfg, extra)
        per_layer = np.stack([m.sum(axis=1) for m in masks], axis=1)
        accuracy = np.mean((out > 0) == (yy > 0.5), axis=(1, 2))
        dormant = _dormant(post, cfg)
    # a diverged run has no meaningful final state
    accuracy, dormant = np.where(gone, np.nan, accuracy), np.where(gone, np.nan, dormant)
    per_layer = np.where(gone[:, None], np.nan, per_layer)
    dead_units = np.asarray(rec_dead)
    return SeedRuns(
        config=cfg, seeds=seeds, steps=np.asarray(rec_steps), loss=np.asarray(rec_loss), dead_units=dead_units,
        dead_fraction=per_layer.sum(axis=1) / sum(HIDDEN),
        dead_fraction_start=dead_units[0].sum(axis=1) / sum(HIDDEN), accuracy_curve=np.asarray(rec_acc),
        dead_per_layer=per_layer, dormant_fraction=dormant, accuracy=accuracy, diverged=gone,
        weights=W, biases=b, dead_masks=masks, _extra=extra)


class _Ones(dict):
    """Row vectors of ones by length: ``ones @ d`` sums ``d`` over its samples (one BLAS call)."""

    def __missing__(self, n: int) -> np.ndarray:
        self[n] = np.ones((1, n))
        return self[n]


_ONES = _Ones()

#: Finished experiments, so that the chapter, the widgets and the checkers never train twice.
_RUNS: dict[tuple, SeedRuns] = {}


def train_seeds(config: Mapping, seeds: Sequence[int] = CHAPTER_SEEDS, *, record_every: int = 10) -> SeedRuns:
    """Train the chapter's network with ``config`` for every seed in ``seeds`` at once.

    Parameters
    ----------
    config : dict
        Settings (see the module docstring); missing keys come from :data:`BASE_CONFIG`
        and :data:`REMEDY_DEFAULTS`.
    seeds : sequence of int
        Seeds of the initial weights (:class:`relubook.network.MLP` draws them).
    record_every : int
        Record the dead units and the loss every this many steps (and at the end).

    Returns
    -------
    SeedRuns
        Memoised: the same arguments give the same object; treat it as read-only. A seed's
        results do not depend on which other seeds are trained with it.

    Raises
    ------
    TypeError, ValueError
        If ``config`` or ``seeds`` is malformed (the message names the setting).
    """
    cfg = _validate_config(config)
    seeds = _check_seeds(seeds)
    if isinstance(record_every, bool) or not isinstance(record_every, numbers.Integral) or record_every < 1:
        raise ValueError(f"record_every must be an int >= 1, got {record_every!r}")
    key = (tuple(sorted((k, repr(v)) for k, v in cfg.items())), seeds, int(record_every))
    if key not in _RUNS:
        if len(_RUNS) >= 256:
            _RUNS.clear()
        _RUNS[key] = _train(cfg, seeds, int(record_every))
    return _RUNS[key]


def dead_curves(lrs: Sequence[float], seeds: Sequence[int] = CHAPTER_SEEDS, config: Mapping | None = None,
                *, record_every: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Dead fraction of the hidden units over training, per learning rate and seed.

    Returns
    -------
    steps : numpy.ndarray
        Recorded steps, shape ``(n_records,)``.
    curves : numpy.ndarray
        Shape ``(len(lrs), n_records, len(seeds))``; NaN from the record at which a seed diverged on
        (its loss is no longer finite there): a diverged run has no dead fraction to report, so the
        statistics over seeds are taken over the runs still training (count the diverged ones apart).
    """
    runs = [train_seeds({**(config or {}), "lr": float(lr)}, seeds, record_every=record_every) for lr in lrs]
    steps = max((r.steps for r in runs), key=len)
    curves = []
    for r in runs:
        dead = np.where(np.isnan(r.loss), np.nan, r.dead_curve)
        # a run whose every seed diverged stops recording early: the missing records are NaN too
        pad = np.full((len(steps) - len(r.steps), dead.shape[1]), np.nan)
        curves.append(np.concatenate([dead, pad]))
    return np.asarray(steps), np.asarray(curves)


def row_text(dead: np.ndarray, dormant: np.ndarray, accuracy: np.ndarray, diverged: np.ndarray) -> dict[str, str]:
    """What a table row prints for per-seed results, at the precision that holds on every kernel.

    Dead and dormant fractions are medians over the runs that did not diverge, in whole
    percent (they count units, and flip only with a seed's whole outcome); the dead range is
    the smallest and largest run. The accuracy is the median over the runs that did not
    diverge, to one decimal: in the chaotic settings the median moves by a few hundredths
    between OpenBLAS kernels (its bootstrap standard error reaches 0.1), so a second decimal
    would be rounding noise. Divergence is counted ("k of n").
    """
    dead, dormant, accuracy = (np.asarray(v, dtype=float) for v in (dead, dormant, accuracy))
    diverged = np.asarray(diverged, dtype=bool)
    ok = ~diverged
    out = {"diverged": f"{int(diverged.sum())} of {diverged.size}"}
    if ok.any():
        d = dead[ok]
        out["dead"] = f"{100 * np.median(d):.0f} ({100 * d.min():.0f}–{100 * d.max():.0f})"
        out["dead_start"] = f"{100 * np.median(np.asarray(dead, dtype=float)[ok]):.0f}"
        out["dormant"] = f"{100 * np.median(dormant[ok]):.0f}"
        out["accuracy"] = f"{np.median(accuracy[ok]):.1f}"
    else:
        out.update({"dead": "—", "dead_start": "—", "dormant": "—", "accuracy": "—"})
    return {key: Shown(value) for key, value in out.items()}


def compare_configs(configs: Mapping[str, Mapping], seeds: Sequence[int] = CHAPTER_SEEDS) -> list[dict]:
    """Train each named config for every seed; summarise over seeds.

    Returns
    -------
    list of dict
        One row per config: ``name``, ``runs``, ``diverged`` (count), the medians over the
        runs that did not diverge of ``dead``, ``dead_start``, ``dormant`` and ``accuracy``
        (NaN when every run diverged), ``values`` (the per-seed arrays, NaN for a diverged
        run) and ``text`` (what :func:`format_table` prints, from :func:`row_text`).
    """
    rows = []
    for name, config in configs.items():
        r = train_seeds(config, seeds)
        values = {"dead": r.dead_fraction, "dead_start": r.dead_fraction_start, "dormant": r.dormant_fraction,
                  "accuracy": r.accuracy}
        ok = ~r.diverged
        text = row_text(r.dead_fraction, r.dormant_fraction, r.accuracy, r.diverged)
        start = r.dead_fraction_start
        text["dead_start"] = Shown(f"{100 * np.median(start):.0f} ({100 * start.min():.0f}–{100 * start.max():.0f})")
        rows.append({"name": name, "runs": r.n_seeds, "diverged": int(r.diverged.sum()), "values": values,
                     "text": text, **{k: float(np.median(v[ok])) if ok.any() else float("nan")
                                      for k, v in values.items()}})
    return rows


def format_table(rows: Sequence[Mapping], columns: Sequence[str] = ("dead", "dormant", "accuracy", "diverged")) -> str:
    """A fixed-width text table of :func:`compare_configs` rows (medians over seeds, ranges, counts)."""
    titles = {"dead_start": "dead % at step 0", "dead": "dead % (range)", "dormant": "dormant %",
              "accuracy": "accuracy", "diverged": "diverged"}
    unknown = set(columns) - set(titles)
    if unknown:
        raise ValueError(f"columns must be among {list(titles)}, got {sorted(unknown)}")
    width = max(len(r["name"]) for r in rows)
    cols = [max(len(titles[c]), *(len(r["text"][c]) for r in rows)) for c in columns]
    head = "setting".ljust(width) + "".join(f"  {titles[c]:>{w}}" for c, w in zip(columns, cols, strict=True))
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(r["name"].ljust(width) + "".join(f"  {r['text'][c]:>{w}}"
                                                      for c, w in zip(columns, cols, strict=True)))
    return "\n".join(lines)


def kill_lr_scan(bias: float = 0.0, activation: str = "relu", seeds: Sequence[int] = CHAPTER_SEEDS) -> np.ndarray:
    """Median dead fraction over ``seeds`` after training, for every rate of :data:`LR_GRID`."""
    return np.array([killed_fraction(lr, bias, activation, seeds) for lr in LR_GRID])


def killed_fraction(lr: float, bias: float = 0.0, activation: str = "relu",
                    seeds: Sequence[int] = CHAPTER_SEEDS) -> float:
    """Median dead fraction after training over the seeds that did not diverge (NaN if none).

    The median, as everywhere in the chapter (the widget's title and the exercise's checker read it).
    """
    r = train_seeds({"lr": float(lr), "bias_init": float(bias), "activation": activation}, seeds)
    return float(np.median(r.dead_fraction[~r.diverged])) if not r.diverged.all() else float("nan")


def smallest_killing_lr(bias: float = 0.0, activation: str = "relu", seeds: Sequence[int] = CHAPTER_SEEDS) -> float:
    """Smallest rate of :data:`LR_GRID` at which more than half the units die (median over seeds).

    Returns ``nan`` if no rate of the grid kills more than half.
    """
    for lr in LR_GRID:
        if killed_fraction(lr, bias, activation, seeds) > 0.5:
            return float(lr)
    return float("nan")


# ---------------------------------------------------------------------------- the chapter's experiments
#: Learning rates of cause 1 (fig. 1): the chapter's failing rate 2, half and twice it, and a safe rate.
CURVE_LRS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
#: The safe rate at which cause 2 (a negative initial bias) is measured.
SAFE_LR: float = 0.5
#: Initial biases of cause 2 (at the safe rate).
BIAS_SETTINGS: dict = {f"bias {b:+.1f}": {"bias_init": b, "lr": SAFE_LR} for b in (0.0, -1.0, -2.0, -3.0)}
#: Learning rates of the remedies table: half, once and twice the failing rate.
REMEDY_LRS: tuple[float, ...] = (1.0, 2.0, 4.0)
#: Adam's rate is this times the table's rate (Adam at its usual scale: 0.005, 0.01, 0.02).
ADAM_SCALE: float = 0.005
#: The remedies, each one change to the chapter's network (:data:`BASE_CONFIG` with weights N(0, 1)).
REMEDIES: dict = {
    "none (ReLU, N(0, 1))": {},
    "He init": {"init": "he"},
    "batch norm": {"norm": "batch"},
    "clip (norm 1)": {"clip": 1.0},
    "Adam (lr x 0.005)": {"optimizer": "adam"},
    "Leaky ReLU": {"activation": "leaky_relu"},
    "residual": {"residual": True},
    "ReDo (every 100 steps)": {"redo": 100},
}
#: Realistic training (gap 1): Adam with He initialisation and batch normalisation, 100 steps, at three Adam
#: rates a decade apart (Kingma & Ba's default rate is 0.001).
ADAM_BN_CONFIG: dict = {"optimizer": "adam", "init": "he", "norm": "batch", "steps": 100}
ADAM_BN_LRS: tuple[float, ...] = (0.01, 0.1, 1.0)
#: L2 weight decay tried at the failing rate and at the safe rate (:data:`SAFE_LR`).
DECAY: float = 0.01
#: Smooth activations swapped in at the failing rate (they cannot be dead by an exact zero).
SMOOTH_SWAPS: dict = {"softplus": {"activation": "softplus"}, "tanh": {"activation": "tanh"}}


def remedy_config(name: str, lr: float, steps: int = 300) -> dict:
    """The config of remedy ``name`` of :data:`REMEDIES` at the table's rate ``lr`` (Adam's rate scaled)."""
    if name not in REMEDIES:
        raise ValueError(f"name must be one of {list(REMEDIES)}, got {name!r}")
    change = REMEDIES[name]
    rate = lr * ADAM_SCALE if change.get("optimizer") == "adam" else lr
    return {**BASE_CONFIG, **change, "lr": float(rate), "steps": int(steps)}


def remedy_grid(seeds: Sequence[int] = CHAPTER_SEEDS, lrs: Sequence[float] = REMEDY_LRS, steps: int = 300,
                names: Sequence[str] | None = None) -> dict[str, dict[float, SeedRuns]]:
    """Every remedy of :data:`REMEDIES` (or ``names``) trained at every rate of ``lrs``: name -> lr -> runs."""
    names = list(REMEDIES) if names is None else list(names)
    return {n: {float(lr): train_seeds(remedy_config(n, lr, steps), seeds) for lr in lrs} for n in names}


def remedy_table(grid: Mapping[str, Mapping[float, SeedRuns]], split: int = 10) -> str:
    """The remedies table: per remedy and rate, seeds that train in each of two seed sets (the first
    ``split`` seeds and the rest), then, over the runs that did not diverge, the median dead % at the
    end / the median of each run's largest dead % over the last half of training, and the diverged
    count."""
    lrs = list(next(iter(grid.values())))
    width = max(len(n) for n in grid)
    head = "remedy".ljust(width) + "".join(f" | {'lr ' + format(lr, 'g'):^22}" for lr in lrs)
    sub = " " * width + "".join(f" | {'trains  dead%  div':^22}" for _ in lrs)
    lines = [head, sub, "-" * len(head)]
    for name, by_lr in grid.items():
        cells = []
        for lr in lrs:
            r = by_lr[lr]
            t = r.trains
            ok = ~r.diverged
            dead = (f"{100 * np.median(r.dead_fraction[ok]):3.0f}/{100 * np.median(r.dead_late[ok]):3.0f}"
                    if ok.any() else "  —/—  ")
            cells.append(f"{int(t[:split].sum()):2d}+{int(t[split:].sum()):2d}  {dead}  {int(r.diverged.sum()):2d}")
        lines.append(name.ljust(width) + "".join(f" | {c:^22}" for c in cells))
    return "\n".join(lines)


def chapter_experiments() -> dict[str, dict]:
    """Every config the chapter trains (name -> full config), for the kernel comparison."""
    out = {f"lr {lr:g}": {**BASE_CONFIG, "lr": lr} for lr in CURVE_LRS}
    out.update({name: {**BASE_CONFIG, **c} for name, c in BIAS_SETTINGS.items()})
    out.update({f"{name} @ lr {lr:g}": remedy_config(name, lr) for name in REMEDIES for lr in REMEDY_LRS})
    out.update({name: {**FAILING_CONFIG, **c} for name, c in SMOOTH_SWAPS.items()})
    out.update({f"Adam + He + BN @ lr {lr:g}": {**BASE_CONFIG, **ADAM_BN_CONFIG, "lr": lr} for lr in ADAM_BN_LRS})
    out.update({f"weight decay {DECAY:g} @ lr {lr:g}": {**BASE_CONFIG, "lr": lr, "weight_decay": DECAY}
                for lr in (SAFE_LR, FAILING_CONFIG["lr"])})
    return out


def killing_steps(config: Mapping = FAILING_CONFIG, seeds: Sequence[int] = CHAPTER_SEEDS,
                  max_step: int = 15) -> dict[str, np.ndarray]:
    """What the step that kills a first-layer unit does to it, against the units that live.

    Trains ``config`` for 0, 1, ..., ``max_step`` steps (all memoised) and, for every
    first-layer unit that is dead at ``max_step`` and at the end of training, finds the step
    ``k`` at which it died (its largest pre-activation over the data fell to ``<= 0``). Over that
    step it records the change of the unit's bias and the ratio of its weight vector's norm
    after/before; for comparison, the same two numbers for the units of the same network that
    are alive at the end, over the same step. A first-layer unit's input is the fixed data, so
    a dead first-layer unit is also constant (the chapter's definition of dead).

    Returns
    -------
    dict
        ``bias_change_dead``, ``weight_ratio_dead``, ``bias_alone_kills`` (would the new bias
        with the old weights already have killed the unit?), ``bias_change_live``,
        ``weight_ratio_live``: 1-D arrays pooled over seeds; ``dead_bias_end``,
        ``live_bias_end``: the first-layer biases after training of the dead and live units.
    """
    cfg = _validate_config(config)
    seeds = _check_seeds(seeds)
    X, _ = _moons()
    snaps = [train_seeds({**cfg, "steps": k}, seeds, record_every=1000) for k in range(max_step + 1)]
    final = train_seeds(cfg, seeds)
    W = np.stack([s.weights[0] for s in snaps])           # (step, seed, 2, width)
    b = np.stack([s.biases[0][:, 0, :] for s in snaps])   # (step, seed, width)
    with np.errstate(all="ignore"):
        top = np.max(np.einsum("nd,ksdj->ksnj", X, W), axis=2)  # largest w.x over the data
        dead = top + b <= 0
    out: dict[str, list] = {k: [] for k in ("bias_change_dead", "weight_ratio_dead", "bias_alone_kills",
                                            "bias_change_live", "weight_ratio_live")}
    for s in range(len(seeds)):
        if final.diverged[s]:
            continue
        end_dead = final.dead_masks[0][s]
        for j in np.flatnonzero(end_dead & dead[-1, s]):
            k = int(np.argmax(dead[:, s, j]))
            if k == 0:
                continue
            live = ~end_dead
            norm = np.linalg.norm
            out["bias_change_dead"].append(b[k, s, j] - b[k - 1, s, j])
            out["weight_ratio_dead"].append(norm(W[k, s, :, j]) / norm(W[k - 1, s, :, j]))
            out["bias_alone_kills"].append(top[k - 1, s, j] + b[k, s, j] <= 0)
            out["bias_change_live"].extend(b[k, s, live] - b[k - 1, s, live])
            out["weight_ratio_live"].extend(norm(W[k, s][:, live], axis=0) / norm(W[k - 1, s][:, live], axis=0))
    result = {k: np.asarray(v, dtype=float) for k, v in out.items()}
    ok = ~final.diverged
    first_b, first_dead = final.biases[0][:, 0], final.dead_masks[0]
    result["dead_bias_end"] = np.concatenate([first_b[s][first_dead[s]] for s in np.flatnonzero(ok)])
    result["live_bias_end"] = np.concatenate([first_b[s][~first_dead[s]] for s in np.flatnonzero(ok)])
    return result


# ---------------------------------------------------------------------------- continual learning
@dataclass
class ContinualRuns:
    """A stream of tasks learned one after the other by one network per seed (:func:`continual_runs`).

    Attributes
    ----------
    seeds : tuple of int
    accuracy : numpy.ndarray
        Training accuracy at the end of each task, shape ``(n_tasks, n_seeds)``.
    dormant : numpy.ndarray
        Fraction of dormant hidden units (Sokar et al.'s score <= :data:`TAU`) at the end of each
        task, before any reset, shape ``(n_tasks, n_seeds)``.
    dead : numpy.ndarray
        Fraction of dead hidden units (the same output on every example) at the end of each task.
    reset : bool
        Whether dormant units were recycled after each task.
    """

    seeds: tuple[int, ...]
    accuracy: np.ndarray
    dormant: np.ndarray
    dead: np.ndarray
    reset: bool


_CONTINUAL: dict[tuple, ContinualRuns] = {}


def continual_runs(seeds: Sequence[int] = tuple(range(10)), *, n_tasks: int = 20, steps: int = 50,
                   lr: float = 0.02, reset: bool = False, width: int = 32, n_inputs: int = 6,
                   n_examples: int = 64) -> ContinualRuns:
    """Learn a stream of tasks with a ReLU network, with or without resetting dormant units.

    Each seed has its own fixed inputs (``n_examples`` points drawn from N(0, I) in ``n_inputs``
    dimensions) and its own network ``n_inputs``-``width``-``width``-1 (He initialisation, zero
    biases). Every task gives the same inputs new random labels (0 or 1); the network learns each
    task for ``steps`` full-batch Adam steps of rate ``lr`` on the binary cross-entropy, keeping its
    weights from the task before (a small version of the memorisation streams used to study loss of
    plasticity). At the end of every task the function records the training accuracy and the
    fractions of dormant and dead hidden units. With ``reset=True`` it then recycles the dormant
    units as ReDo does (Sokar et al., 2023): fresh He-initialised incoming weights, zero bias, zero
    outgoing weights; Adam's moments of the recycled weights are zeroed.

    Returns
    -------
    ContinualRuns
        Memoised by arguments; the run with the other ``reset`` is computed alongside and memoised too.
    """
    seeds = _check_seeds(seeds)
    key = (seeds, n_tasks, steps, float(lr), bool(reset), width, n_inputs, n_examples)
    if key in _CONTINUAL:
        return _CONTINUAL[key]
    # the plain network and the one with resets are trained side by side, as one batch of 2 x len(seeds)
    # networks (each with its own generator): both are what the chapter reads, and a network's arithmetic
    # does not depend on the others in its batch
    S, n = 2 * len(seeds), n_examples
    resets = np.repeat([False, True], len(seeds))
    rngs = [np.random.default_rng([s, 7]) for _ in range(2) for s in seeds]
    X = np.stack([r.normal(size=(n, n_inputs)) for r in rngs])
    sizes = [n_inputs, width, width, 1]
    W = [np.stack([r.normal(0.0, np.sqrt(2.0 / a), (a, b)) for r in rngs]) for a, b in zip(sizes[:-1], sizes[1:],
                                                                                            strict=True)]
    B = [np.zeros((S, 1, b)) for b in sizes[1:]]
    params = W + B
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = ADAM
    t = 0
    acc, dorm, dead = [], [], []
    with np.errstate(all="ignore"):
        for _task in range(n_tasks):
            y = np.stack([r.integers(0, 2, n) for r in rngs]).astype(np.float64)[:, :, None]
            for _step in range(steps + 1):
                a, pre, post = X, [], []
                for i in range(2):
                    z = a @ W[i]
                    z += B[i]
                    pre.append(z)
                    a = np.maximum(z, 0.0)
                    post.append(a)
                out = a @ W[2] + B[2]
                if _step == steps:
                    break
                e = np.exp(-np.abs(out))
                d = (np.where(out >= 0, 1.0, e) / (1.0 + e) - y) / n
                gW, gB = [None] * 3, [None] * 3
                gW[2], gB[2] = post[1].transpose(0, 2, 1) @ d, d.sum(axis=1, keepdims=True)
                g = d @ W[2].transpose(0, 2, 1)
                for i in (1, 0):
                    g = g * (pre[i] > 0)
                    inp = post[0] if i == 1 else X
                    gW[i], gB[i] = inp.transpose(0, 2, 1) @ g, g.sum(axis=1, keepdims=True)
                    if i == 1:
                        g = g @ W[1].transpose(0, 2, 1)
                t += 1
                for j, (p, gr) in enumerate(zip(params, gW + gB, strict=True)):
                    m1[j] = beta1 * m1[j] + (1 - beta1) * gr
                    m2[j] = beta2 * m2[j] + (1 - beta2) * gr * gr
                    p -= lr * (m1[j] / (1 - beta1 ** t)) / (np.sqrt(m2[j] / (1 - beta2 ** t)) + eps)
            acc.append(np.mean((out > 0) == (y > 0.5), axis=(1, 2)))
            masks = [sokar_scores(h) <= TAU for h in post]
            dorm.append(sum(mk.sum(axis=-1) for mk in masks) / (2 * width))
            dead.append(sum(np.all(h == h[:, :1], axis=1).sum(axis=-1) for h in post) / (2 * width))
            for i, mask in enumerate(masks):  # recycle the dormant units of the networks with resets
                for k in np.flatnonzero(mask.any(axis=1) & resets):
                    cols = np.flatnonzero(mask[k])
                    W[i][k][:, cols] = rngs[k].normal(0.0, np.sqrt(2.0 / sizes[i]), (sizes[i], cols.size))
                    B[i][k, 0, cols] = 0.0
                    W[i + 1][k][cols, :] = 0.0
                    for mom in (m1, m2):
                        mom[i][k][:, cols] = 0.0
                        mom[3 + i][k, 0, cols] = 0.0
                        mom[i + 1][k][cols, :] = 0.0
    acc, dorm, dead = np.asarray(acc), np.asarray(dorm), np.asarray(dead)
    if len(_CONTINUAL) >= 32:
        _CONTINUAL.clear()
    for flag in (False, True):
        cols = resets == flag
        _CONTINUAL[key[:4] + (flag,) + key[5:]] = ContinualRuns(seeds, acc[:, cols], dorm[:, cols], dead[:, cols], flag)
    return _CONTINUAL[key]
