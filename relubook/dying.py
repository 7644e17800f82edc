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
(the second hidden layer adds its input, ``a2 = act(z2) + a1``) and ``redo`` (every this
many steps, recycle the dormant units as ReDo does, Sokar et al. 2023; 0 for never).

Many seeds at once
------------------
A learning rate of 2 makes training chaotic: a one-ulp difference in a sum (another
OpenBLAS kernel, another CPU) changes a single run's outcome. So the chapter never reports
one run. :func:`train_seeds` trains the network for many seeds of the initial weights at
once (the weights of all seeds are stacked, so one NumPy call serves every seed) and the
chapter states medians, ranges and counts over seeds, at a precision that holds under every
kernel (``tools/dying_kernels.py`` trains every seed under three kernels and compares).

Dead units
----------
A hidden unit is *dead* on the training set when its derivative is zero on every example
or its output is the same on every example (zero variance): either way it passes no
signal that depends on the input, and for ReLU both mean "zero on every example". A
saturated ELU unit (output exactly -1 everywhere) is dead by this definition.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import activations as _activations
from . import datasets
from .diagnostics import spread_scores
from .network import MLP
from .prose import Shown

__all__ = [
    "BASE_CONFIG",
    "CHAPTER_SEEDS",
    "CONFIG_KEYS",
    "FAILING_CONFIG",
    "HIDDEN",
    "LR_GRID",
    "REMEDY_DEFAULTS",
    "RELU_FAMILY",
    "SMALLEST_KILLING_LR",
    "SeedRuns",
    "compare_configs",
    "dead_curves",
    "format_table",
    "kill_lr_scan",
    "killed_fraction",
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
                         "redo": 0}
#: The settings a config may hold.
CONFIG_KEYS: tuple[str, ...] = (*BASE_CONFIG, *REMEDY_DEFAULTS)
#: Learning rates the kill-a-network slider offers: 10**(k / 20) from 0.1 to 20.
LR_GRID: np.ndarray = 10.0 ** (np.arange(-20, 27) / 20)
#: ``smallest_killing_lr()`` (bias 0, ReLU, mean over :data:`CHAPTER_SEEDS`), stored so that the checker
#: trains one rate instead of scanning the grid; ``tests/test_checks_dying.py`` checks that the two agree.
SMALLEST_KILLING_LR: float = float(LR_GRID[26])  # 10**0.3 ≈ 1.995
#: Seeds of the initial weights every chapter experiment averages over.
CHAPTER_SEEDS: tuple[int, ...] = tuple(range(20))
#: Activations of the ReLU family (piecewise linear with a rectifying kink, or ELU-like).
RELU_FAMILY: tuple[str, ...] = ("relu", "leaky_relu", "prelu", "elu", "selu", "celu", "relu6")
#: Threshold of the dormancy score (Sokar et al. use 0.1 and smaller).
TAU = 0.1
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
    clip = cfg["clip"]
    if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not np.isfinite(clip) or clip < 0:
        raise ValueError(f"config['clip'] must be a finite number >= 0, got {clip!r}")
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
        Fraction of tau-dormant hidden units after training (robust score, tau = 0.1).
    accuracy : numpy.ndarray
        Training accuracy after training.
    diverged : numpy.ndarray of bool
        True where the loss became infinite or NaN (training of that seed stopped there).
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


def _forward(X, W, b, cfg, extra):
    """Forward pass of every seed at once: logits ``(S, n, 1)``, pre-activations, activations, BN cache."""
    f, _ = _act(cfg)
    a = X
    pre, post, bn = [], [], []
    for i in range(len(HIDDEN)):
        z = a @ W[i]
        z += b[i]
        if cfg["norm"] == "batch":
            mu = z.mean(axis=1, keepdims=True)
            inv = 1.0 / np.sqrt(z.var(axis=1, keepdims=True) + BN_EPS)
            zh = (z - mu) * inv
            u = zh * extra["gamma"][i] + extra["beta"][i]
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
    """Per layer ``(S, width)``: derivative zero on every example, or output constant over them."""
    _, df = _act(cfg)
    masks = []
    for i, (u, h) in enumerate(zip(pre, post, strict=True)):
        own = h - pre_residual(post, i, cfg)
        no_grad = ~np.any(df(u, i, extra) != 0, axis=1)
        constant = np.all(own == own[:, :1, :], axis=1)
        masks.append(no_grad | constant)
    return masks


def pre_residual(post, i, cfg):
    """The residual input added to layer ``i``'s output (0 without a residual connection)."""
    return post[i - 1] if cfg["residual"] and i > 0 else 0.0


def _dormant(post, cfg) -> np.ndarray:
    """Fraction of tau-dormant hidden units per seed (robust spread score)."""
    counts = 0
    for i, h in enumerate(post):
        own = h - pre_residual(post, i, cfg)
        counts = counts + np.sum(spread_scores(own) <= TAU, axis=-1)
    return counts / sum(HIDDEN)


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
    _, df = _act(cfg)
    lr0 = float(cfg["lr"])
    steps = int(cfg["steps"])
    adam = cfg["optimizer"] == "adam"
    names = [("W", i) for i in range(len(W))] + [("b", i) for i in range(len(b))]
    names += [(k, i) for k in extra for i in range(len(extra[k]))]

    def params():
        return [W[i] if k == "W" else b[i] if k == "b" else extra[k][i] for k, i in names]

    m1 = [np.zeros_like(p) for p in params()] if adam else None
    m2 = [np.zeros_like(p) for p in params()] if adam else None
    rngs = [np.random.default_rng([s, 1]) for s in seeds] if cfg["redo"] else None
    alive = np.ones(S, dtype=bool)
    rec_steps, rec_loss, rec_dead, rec_acc = [], [], [], []
    last = None

    def record(step, loss, out, pre, post):
        rec_steps.append(step)
        rec_loss.append(np.where(alive, loss, np.nan))
        rec_acc.append(np.where(alive, np.mean((out > 0) == (yy > 0.5), axis=(1, 2)), np.nan))
        rec_dead.append(np.stack([m.sum(axis=1) for m in _dead_masks(pre, post, cfg, extra)], axis=1))

    with np.errstate(all="ignore"):
        for step in range(steps + 1):
            out, pre, post, bn = _forward(X, W, b, cfg, extra)
            e = np.exp(-np.abs(out))
            loss = np.sum(np.maximum(out, 0.0) - out * yy + np.log1p(e), axis=(1, 2)) / n
            newly = alive & ~np.isfinite(loss)
            alive &= ~newly
            if step == steps or not alive.any():
                last = (out, pre, post)
                record(step, loss, out, pre, post)
                break
            if step % record_every == 0:
                record(step, loss, out, pre, post)
            if cfg["redo"] and step > 0 and step % cfg["redo"] == 0:
                masks = [(spread_scores(h - pre_residual(post, i, cfg)) <= TAU) & alive[:, None]
                         for i, h in enumerate(post)]
                if any(m.any() for m in masks):
                    _recycle(W, b, masks, cfg, rngs, (m1, m2))
                    out, pre, post, bn = _forward(X, W, b, cfg, extra)
                    e = np.exp(-np.abs(out))
            # backward
            d = (np.where(out >= 0, 1.0, e) / (1.0 + e) - yy) / n
            gW = [None] * len(W)
            gb = [None] * len(b)
            gx = {k: [None] * len(v) for k, v in extra.items()}
            L = len(HIDDEN)
            ones = _ONES[n]
            gW[L] = post[-1].transpose(0, 2, 1) @ d
            gb[L] = ones @ d
            g = d * W[L].transpose(0, 2, 1)  # (S, n, 1) times (S, 1, width): the outer product
            for i in range(L - 1, -1, -1):
                u = pre[i]
                g_u = g * df(u, i, extra)
                if "alpha" in extra:
                    gx["alpha"][i] = ones @ (g * np.minimum(u, 0.0))
                if cfg["norm"] == "batch":
                    zh, inv = bn[i]
                    gx["gamma"][i] = ones @ (g_u * zh)
                    gx["beta"][i] = ones @ g_u
                    g_zh = g_u * extra["gamma"][i]
                    g_z = inv * (g_zh - (ones @ g_zh) / n - zh * ((ones @ (g_zh * zh)) / n))
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
            grads = [gW[i] if k == "W" else gb[i] if k == "b" else gx[k][i] for k, i in names]
            if cfg["clip"] > 0:
                norm = np.sqrt(sum(np.sum(gr * gr, axis=tuple(range(1, gr.ndim))) for gr in grads))
                scale = np.minimum(1.0, cfg["clip"] / np.maximum(norm, 1e-300))
                grads = [gr * scale.reshape((S,) + (1,) * (gr.ndim - 1)) for gr in grads]
            lr = lr0 * min(1.0, (step + 1) / cfg["warmup"]) if cfg["warmup"] else lr0
            mask = alive.reshape(S, 1, 1)
            every_alive = bool(alive.all())
            t = step + 1
            for j, (p, gr) in enumerate(zip(params(), grads, strict=True)):
                if adam:
                    m1[j] = ADAM[0] * m1[j] + (1 - ADAM[0]) * gr
                    m2[j] = ADAM[1] * m2[j] + (1 - ADAM[1]) * gr * gr
                    step_p = lr * (m1[j] / (1 - ADAM[0] ** t)) / (np.sqrt(m2[j] / (1 - ADAM[1] ** t)) + ADAM[2])
                else:
                    step_p = gr * lr
                p -= step_p if every_alive else np.where(mask, step_p, 0.0)
        out, pre, post = last
        masks = _dead_masks(pre, post, cfg, extra)
        per_layer = np.stack([m.sum(axis=1) for m in masks], axis=1)
        accuracy = np.mean((out > 0) == (yy > 0.5), axis=(1, 2))
        dormant = _dormant(post, cfg)
    gone = ~alive  # a diverged run has no meaningful final state
    accuracy, dormant = np.where(gone, np.nan, accuracy), np.where(gone, np.nan, dormant)
    per_layer = np.where(gone[:, None], np.nan, per_layer)
    dead_units = np.asarray(rec_dead)
    return SeedRuns(
        config=cfg, seeds=seeds, steps=np.asarray(rec_steps), loss=np.asarray(rec_loss), dead_units=dead_units,
        dead_fraction=per_layer.sum(axis=1) / sum(HIDDEN),
        dead_fraction_start=dead_units[0].sum(axis=1) / sum(HIDDEN), accuracy_curve=np.asarray(rec_acc),
        dead_per_layer=per_layer, dormant_fraction=dormant, accuracy=accuracy, diverged=~alive,
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
        Shape ``(len(lrs), n_records, len(seeds))``; a diverged seed keeps its last value.
    """
    curves = []
    steps = None
    for lr in lrs:
        runs = train_seeds({**(config or {}), "lr": float(lr)}, seeds, record_every=record_every)
        steps = runs.steps
        curves.append(runs.dead_curve)
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
    """Mean dead fraction over ``seeds`` after training, for every rate of :data:`LR_GRID`."""
    return np.array([killed_fraction(lr, bias, activation, seeds) for lr in LR_GRID])


def killed_fraction(lr: float, bias: float = 0.0, activation: str = "relu",
                    seeds: Sequence[int] = CHAPTER_SEEDS) -> float:
    """Mean dead fraction after training over the seeds that did not diverge (NaN if none)."""
    r = train_seeds({"lr": float(lr), "bias_init": float(bias), "activation": activation}, seeds)
    return float(np.mean(r.dead_fraction[~r.diverged])) if not r.diverged.all() else float("nan")


def smallest_killing_lr(bias: float = 0.0, activation: str = "relu", seeds: Sequence[int] = CHAPTER_SEEDS) -> float:
    """Smallest rate of :data:`LR_GRID` at which more than half the units die, on average over seeds.

    Returns ``nan`` if no rate of the grid kills more than half.
    """
    for lr in LR_GRID:
        if killed_fraction(lr, bias, activation, seeds) > 0.5:
            return float(lr)
    return float("nan")


# ---------------------------------------------------------------------------- the chapter's experiments
#: Learning rates of cause 1 (fig. 1).
CURVE_LRS: tuple[float, ...] = (0.3, 1.0, 2.0, 5.0)
#: Initial biases of cause 2 (at the safe rate 0.3).
BIAS_SETTINGS: dict = {f"bias {b:+.1f}": {"bias_init": b} for b in (0.0, -1.0, -2.0, -3.0)}
#: The remedies, each one change to :data:`FAILING_CONFIG` (Adam at its usual scale of rates).
REMEDIES: dict = {
    "failing (lr 2)": {},
    "smaller lr (0.3)": {"lr": 0.3},
    "He init": {"init": "he"},
    "RAI init": {"init": "rai"},
    "bias +0.1": {"bias_init": 0.1},
    "Leaky ReLU": {"activation": "leaky_relu"},
    "PReLU": {"activation": "prelu"},
    "ELU": {"activation": "elu"},
    "batch norm": {"norm": "batch"},
    "residual": {"residual": True},
    "Adam (lr 0.01)": {"optimizer": "adam", "lr": 0.01},
    "warm-up (100 steps)": {"warmup": 100},
    "clip (norm 1)": {"clip": 1.0},
    "ReDo (every 100 steps)": {"redo": 100},
}
#: Smooth activations swapped in at the failing rate (they cannot be dead by an exact zero).
SMOOTH_SWAPS: dict = {"softplus": {"activation": "softplus"}, "tanh": {"activation": "tanh"}}


def chapter_experiments() -> dict[str, dict]:
    """Every config the chapter trains (name -> full config), for the kernel comparison."""
    out = {f"lr {lr:g}": {**BASE_CONFIG, "lr": lr} for lr in CURVE_LRS}
    out.update({name: {**BASE_CONFIG, **c} for name, c in BIAS_SETTINGS.items()})
    out.update({name: {**FAILING_CONFIG, **c} for name, c in {**REMEDIES, **SMOOTH_SWAPS}.items()})
    return out
