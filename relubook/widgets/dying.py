"""Experiments, plots and widgets of the dying-ReLU chapter.

The chapter's network
---------------------
Every training experiment of the chapter uses one setting, so that the numbers can be
compared: the two-moons data set (200 points, noise 0.1, data seed 0, standardised),
a 2-16-16-1 network, binary cross-entropy, full-batch gradient descent for 300 steps.
A *config* dict holds the settings that vary:

``lr``
    learning rate;
``bias_init``
    the constant every hidden and output bias starts from;
``init``
    ``"he"``, ``"xavier"``, ``"lecun"``, ``"rai"`` or a float (the weights' standard
    deviation; the chapter's default, 1.0, is ``np.random.randn`` without scaling);
``activation``
    ``"relu"``, ``"leaky_relu"``, ``"elu"``, ... (any name of :mod:`relubook.activations`);
``steps``
    number of gradient-descent steps.

The *dead fraction* of a network is the number of dead hidden units (zero on every
training sample) divided by the number of hidden units.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import born_dead, datasets, plotting
from ..diagnostics import DeadUnitsReport, dead_units_report
from ..network import MLP, History, train

__all__ = [
    "BASE_CONFIG",
    "CONFIG_KEYS",
    "FAILING_CONFIG",
    "HIDDEN",
    "LR_GRID",
    "RunResult",
    "SMALLEST_KILLING_LR",
    "born_dead_heatmap",
    "compare_configs",
    "dead_curves",
    "format_table",
    "kill_grid",
    "kill_run",
    "moons_data",
    "plot_born_dead_curves",
    "plot_dead_curves",
    "plot_decision_boundary",
    "plot_preactivation_histograms",
    "smallest_killing_lr",
    "train_config",
    "update_born_dead",
    "update_kill",
]

#: Hidden widths of the chapter's network (input 2, output 1).
HIDDEN: tuple[int, ...] = (16, 16)
#: The chapter's default settings.
BASE_CONFIG: dict = {"lr": 0.3, "bias_init": 0.0, "init": 1.0, "activation": "relu", "steps": 300}
#: The failing setting: the same network with a too-large learning rate.
FAILING_CONFIG: dict = {**BASE_CONFIG, "lr": 2.0}
#: The settings a config may hold.
CONFIG_KEYS: tuple[str, ...] = tuple(BASE_CONFIG)
#: Learning rates the kill-a-network slider offers: 10**(k / 20) from 0.1 to 20.
LR_GRID: np.ndarray = 10.0 ** (np.arange(-20, 27) / 20)
#: ``smallest_killing_lr()`` (bias 0, ReLU, seed 0), stored so that the checker trains one network
#: instead of scanning the grid; ``tests/test_checks_dying.py`` checks that the two agree.
SMALLEST_KILLING_LR: float = float(LR_GRID[26])  # 10**0.3 ≈ 1.995


@lru_cache(maxsize=1)
def _moons() -> tuple[np.ndarray, np.ndarray]:
    X, y = datasets.moons(200, noise=0.1, rng=np.random.default_rng(0))
    return datasets.standardize(X), y


def moons_data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data set: 200 standardised two-moons points (fresh copies)."""
    X, y = _moons()
    return X.copy(), y.copy()


@dataclass
class RunResult:
    """One training run of the chapter's network.

    Attributes
    ----------
    config : dict
        The settings used.
    seed : int
        Seed of the initial weights.
    model : MLP
        The trained network.
    history : History
        What :func:`relubook.network.train` recorded.
    report : DeadUnitsReport
        Dead and dormant units of the trained network on the training data.
    dead_fraction : float
        Dead hidden units / hidden units, after training.
    dead_fraction_start : float
        The same at step 0.
    dormant_fraction : float
        Fraction of tau-dormant hidden units (tau = 0.1) after training.
    accuracy : float
        Training accuracy after training.
    diverged : bool
        True if the loss became infinite or NaN.
    """

    config: dict
    seed: int
    model: MLP
    history: History
    report: DeadUnitsReport
    dead_fraction: float
    dead_fraction_start: float
    dormant_fraction: float
    accuracy: float
    diverged: bool


def _validate_config(config: Mapping) -> dict:
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {type(config).__name__}")
    unknown = set(config) - set(CONFIG_KEYS)
    if unknown:
        raise ValueError(f"config has unknown settings {sorted(unknown)}; allowed: {list(CONFIG_KEYS)}")
    return {**BASE_CONFIG, **config}


def _hidden_fraction(values: Sequence[float]) -> float:
    """Layer fractions -> fraction of all hidden units (weighted by layer width)."""
    return float(np.dot(values, HIDDEN) / sum(HIDDEN))


def train_config(config: Mapping, *, seed: int = 0, record_every: int = 10) -> RunResult:
    """Train the chapter's network with ``config`` (missing keys from :data:`BASE_CONFIG`).

    Parameters
    ----------
    config : dict
        Settings (see the module docstring).
    seed : int
        Seed of the initial weights.
    record_every : int
        Record the history every this many steps.

    Returns
    -------
    RunResult
        Runs are memoised (same config, seed and ``record_every`` give the same object);
        treat the result as read-only.
    """
    cfg = _validate_config(config)
    key = (tuple(sorted((k, repr(v)) for k, v in cfg.items())), int(seed), int(record_every))
    if key in _RUNS:
        return _RUNS[key]
    result = _train_config(cfg, seed, record_every)
    if len(_RUNS) >= 512:
        _RUNS.clear()
    _RUNS[key] = result
    return result


#: Finished runs, so that the chapter, the widgets and the checkers never train the same run twice.
_RUNS: dict[tuple, RunResult] = {}


def _train_config(cfg: dict, seed: int, record_every: int) -> RunResult:
    X, y = _moons()
    model = MLP([2, *HIDDEN, 1], cfg["activation"], rng=np.random.default_rng(seed),
                init=cfg["init"], bias_init=cfg["bias_init"])
    history = train(model, X, y, lr=cfg["lr"], steps=cfg["steps"], record_every=record_every)
    with np.errstate(all="ignore"):  # a diverged network may hold inf or nan
        report = dead_units_report(model, X, taus=(0.1,))
    return RunResult(
        config=cfg, seed=seed, model=model, history=history, report=report,
        dead_fraction=report.total_dead / sum(HIDDEN),
        dead_fraction_start=_hidden_fraction(history.dead_fraction[0]),
        dormant_fraction=_hidden_fraction([layer.dormant_fraction[0.1] for layer in report]),
        accuracy=model.accuracy(X, y), diverged=history.diverged,
    )


def kill_run(lr: float, bias: float = 0.0, activation: str = "relu", *, seed: int = 0) -> RunResult:
    """The kill-a-network setting: :data:`BASE_CONFIG` with ``lr``, ``bias`` and ``activation``."""
    return train_config({"lr": float(lr), "bias_init": float(bias), "activation": activation}, seed=seed)


@lru_cache(maxsize=4)
def smallest_killing_lr(bias: float = 0.0, activation: str = "relu") -> float:
    """Smallest rate of :data:`LR_GRID` at which more than half the units die (seed 0).

    Returns ``nan`` if no rate of the grid kills more than half.
    """
    for lr in LR_GRID:
        if kill_run(float(lr), bias, activation).dead_fraction > 0.5:
            return float(lr)
    return float("nan")


def dead_curves(lrs: Sequence[float], seeds: Sequence[int], config: Mapping | None = None,
                *, record_every: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Dead fraction over training, averaged over seeds, for each learning rate.

    Returns
    -------
    steps : numpy.ndarray
        Recorded steps, shape ``(n_records,)``.
    curves : numpy.ndarray
        Shape ``(len(lrs), n_records)``.
    """
    curves = []
    steps = None
    for lr in lrs:
        runs = [train_config({**(config or {}), "lr": float(lr)}, seed=s, record_every=record_every)
                for s in seeds]
        steps = np.asarray(runs[0].history.steps)
        curves.append(np.mean([[_hidden_fraction(f) for f in r.history.dead_fraction] for r in runs], axis=0))
    return steps, np.asarray(curves)


def compare_configs(configs: Mapping[str, Mapping], seeds: Sequence[int]) -> list[dict]:
    """Train each named config for each seed; summarise.

    Returns
    -------
    list of dict
        One row per config with ``name``, ``diverged`` (number of runs), and the means over
        the runs that did not diverge of ``dead`` (after training), ``dead_start`` (step 0),
        ``dormant`` (tau = 0.1) and ``accuracy`` (nan when every run diverged).
    """
    rows = []
    for name, config in configs.items():
        runs = [train_config(config, seed=s) for s in seeds]
        ok = [r for r in runs if not r.diverged]

        def mean(attr: str, ok=ok) -> float:
            return float(np.mean([getattr(r, attr) for r in ok])) if ok else float("nan")

        rows.append({"name": name, "runs": len(runs), "diverged": len(runs) - len(ok),
                     "dead_start": mean("dead_fraction_start"), "dead": mean("dead_fraction"),
                     "dormant": mean("dormant_fraction"), "accuracy": mean("accuracy")})
    return rows


def format_table(rows: Sequence[Mapping], columns: Sequence[str] = ("dead", "dormant", "accuracy")) -> str:
    """A fixed-width text table of :func:`compare_configs` rows (fractions shown in %)."""
    titles = {"dead_start": "dead % at step 0", "dead": "dead %", "dormant": "dormant(0.1) %",
              "accuracy": "accuracy %", "diverged": "diverged"}
    width = max(len(r["name"]) for r in rows)
    head = "setting".ljust(width) + "".join(f"  {titles[c]:>16}" for c in (*columns, "diverged"))
    lines = [head, "-" * len(head)]
    for r in rows:
        cells = []
        for c in columns:
            cells.append(f"{'—' if np.isnan(r[c]) else f'{100 * r[c]:.1f}':>16}")
        cells.append(f"{str(r['diverged']) + ' of ' + str(r['runs']):>16}")
        lines.append(r["name"].ljust(width) + "".join(f"  {c}" for c in cells))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- plots
def plot_decision_boundary(ax: Axes, model: MLP, X: np.ndarray, y: np.ndarray, *, resolution: int = 80) -> Axes:
    """Shade the two predicted classes and draw the data (class 0 circles, class 1 squares)."""
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    with np.errstate(all="ignore"):
        proba = np.nan_to_num(model.predict_proba(grid), nan=0.5).reshape(gx.shape)
    ax.contourf(gx, gy, proba, levels=[0.0, 0.5, 1.0], colors=[plotting.OKABE_ITO["orange"],
                                                                 plotting.OKABE_ITO["sky"]], alpha=0.35)
    for label, marker, color in ((0, "o", "orange"), (1, "s", "blue")):
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=9, marker=marker, color=plotting.OKABE_ITO[color],
                   edgecolors="none", label=f"class {label}")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    plotting.label_axes(ax, "$x_1$", "$x_2$")
    return ax


def _check_lr(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr < 0:
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")
    return float(lr)


def update_kill(lr: float, bias: float = 0.0, activation: str = "relu", *, ax=None):
    """The *kill a network* widget: train the chapter's network and show what died.

    Parameters
    ----------
    lr : float
        Learning rate.
    bias : float
        Initial value of every bias.
    activation : str
        Hidden activation.
    ax : None, Axes or sequence of three Axes
        ``None``: a new three-panel figure (decision boundary, loss curve, dead units per
        layer over training). One Axes: only the decision boundary, with the dead
        percentage in the title (for small multiples). Three Axes: the three panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lr = _check_lr(lr)
    result = kill_run(lr, bias, activation)
    X, y = _moons()
    title = f"dead {100 * result.dead_fraction:.0f} %, accuracy {100 * result.accuracy:.0f} %"
    if result.diverged:
        title += " (diverged)"
    if isinstance(ax, Axes):
        plot_decision_boundary(ax, result.model, X, y)
        ax.set_title(title, fontsize=9)
        return ax.figure
    if ax is None:
        fig, axes = plotting.subplots(1, 3, size=(3.2, 2.9))
    else:
        axes = list(ax)
        if len(axes) != 3:
            raise ValueError(f"ax must be None, one Axes or three Axes, got {len(axes)}")
        fig = axes[0].figure
    plot_decision_boundary(axes[0], result.model, X, y)
    axes[0].set_title(title, fontsize=9)
    h = result.history
    axes[1].plot(h.steps, h.loss, color=plotting.RELU_COLOR)
    axes[1].set_yscale("log")
    plotting.label_axes(axes[1], "step", "training loss", "loss")
    dead = np.asarray(h.dead_fraction) * np.asarray(HIDDEN)
    for i in range(len(HIDDEN)):
        axes[2].plot(h.steps, dead[:, i], linestyle=["-", "--"][i % 2], marker=plotting.marker_for(i),
                     markevery=max(1, len(h.steps) // 6), label=f"layer {i + 1}")
    axes[2].set_ylim(-0.5, max(HIDDEN) + 0.5)
    plotting.label_axes(axes[2], "step", "dead units", f"dead units (of {HIDDEN[0]} per layer)")
    plotting.legend_if_several(axes[2])
    return fig


def kill_grid(lrs: Sequence[float], biases: Sequence[float], activation: str = "relu") -> Figure:
    """Static twin of *kill a network*: decision boundaries over learning rate × initial bias.

    Rows are biases, columns learning rates; each title gives the setting and the dead %.
    """
    fig, axes = plotting.subplots(len(biases), len(lrs), size=(2.3, 2.2), squeeze=False,
                                  sharex=True, sharey=True)
    for i, bias in enumerate(biases):
        for j, lr in enumerate(lrs):
            ax = axes[i, j]
            result = kill_run(lr, bias, activation)
            X, y = _moons()
            plot_decision_boundary(ax, result.model, X, y, resolution=50)
            ax.set_title(f"lr {lr:.3g}, bias {bias:g}\ndead {100 * result.dead_fraction:.0f} %", fontsize=8)
            if i < len(biases) - 1:
                ax.set_xlabel("")
            if j > 0:
                ax.set_ylabel("")
    return fig


def plot_dead_curves(steps: np.ndarray, curves: np.ndarray, lrs: Sequence[float], *, ax: Axes | None = None) -> Figure:
    """Dead fraction over training, one line (style and marker) per learning rate."""
    if ax is None:
        _, ax = plotting.subplots()
    for i, (lr, curve) in enumerate(zip(lrs, curves, strict=True)):
        ax.plot(steps, curve, linestyle=plotting._LINESTYLES[i % len(plotting._LINESTYLES)],
                marker=plotting.marker_for(i), markevery=max(1, len(steps) // 8), label=f"lr = {lr:g}")
    ax.axhline(0.5, color="0.4", linewidth=0.8, zorder=0)
    ax.set_ylim(-0.02, 1.02)
    plotting.label_axes(ax, "training step", "dead fraction of hidden units")
    plotting.legend_if_several(ax, ncols=2)
    return ax.figure


def plot_preactivation_histograms(report: DeadUnitsReport, *, axes=None) -> Figure:
    """The practitioner's picture: pre-activations of every hidden layer.

    Left: histogram of all pre-activations ``z`` of each layer on the data. Right: each
    unit's largest pre-activation over the data; a unit left of 0 is dead.
    """
    if axes is None:
        fig, axes = plotting.subplots(1, 2, size=(3.3, 2.9))
    fig = axes[0].figure
    for i, layer in enumerate(report):
        z = layer.preactivations
        color = plotting.OKABE_ITO[plotting._CYCLE[i % len(plotting._CYCLE)]]
        style = {"linestyle": ["-", "--", ":", "-."][i % 4], "color": color}
        axes[0].hist(z.ravel(), bins=40, histtype="step", linewidth=1.6, label=f"layer {layer.layer}", **style)
        axes[1].hist(z.max(axis=0), bins=20, histtype="step", linewidth=1.6,
                     label=f"layer {layer.layer}: {layer.n_dead} dead", **style)
    for ax in axes:
        ax.axvline(0, color="0.3", linewidth=1.0)
    plotting.label_axes(axes[0], "pre-activation $z$", "count", "all $z$ on the data")
    plotting.label_axes(axes[1], "largest $z$ of a unit", "units", "per unit: max over the data")
    plotting.legend_if_several(axes[0])
    plotting.legend_if_several(axes[1])
    return fig


def plot_born_dead_curves(table: np.ndarray, widths: Sequence[int], *, ax: Axes | None = None,
                          show_widths: Sequence[int] | None = None) -> Figure:
    """Monte Carlo born-dead probability vs depth (markers) with the single-point bound (lines).

    Each width has its own colour, marker and line style; its legend entry shows the marker
    on top of the bound line, so a bound is matched to its estimates by shape, not colour alone.
    """
    from matplotlib.legend_handler import HandlerTuple

    if ax is None:
        _, ax = plotting.subplots()
    depths = np.arange(1, table.shape[1] + 1)
    chosen = list(show_widths) if show_widths is not None else list(widths)
    handles, labels = [], []
    for k, w in enumerate(chosen):
        row = table[list(widths).index(w)]
        color = plotting.OKABE_ITO[plotting._CYCLE[k % len(plotting._CYCLE)]]
        (bound,) = ax.plot(depths, born_dead.single_point_bound_curve(w, table.shape[1]), color=color,
                           linewidth=1.2, linestyle=plotting._LINESTYLES[k % len(plotting._LINESTYLES)])
        (points,) = ax.plot(depths, row, linestyle="none", marker=plotting.marker_for(k), markersize=4,
                            color=color)
        handles.append((bound, points))
        labels.append(f"width {w}")
    ax.set_ylim(-0.02, 1.02)
    plotting.label_axes(ax, "depth (hidden layers)", "P(born dead)")
    if handles:
        ax.legend(handles, labels, handler_map={tuple: HandlerTuple(ndivide=1)},
                  loc="center left", bbox_to_anchor=(1.0, 0.5),
                  title="markers: Monte Carlo\nlines: single-point\nbound",
                  title_fontsize=8, handlelength=3.0)
    return ax.figure


def born_dead_heatmap(table: np.ndarray, widths: Sequence[int], *, ax: Axes | None = None) -> Figure:
    """Static twin of *born dead*: probability over depth × width as a heat map."""
    if ax is None:
        _, ax = plotting.subplots()
    depths = np.arange(1, table.shape[1] + 1)
    mesh = ax.pcolormesh(depths, list(widths), table, vmin=0.0, vmax=1.0, shading="nearest")
    ax.figure.colorbar(mesh, ax=ax, label="P(born dead)")
    ax.set_yticks(list(widths))
    plotting.label_axes(ax, "depth (hidden layers)", "width (units per layer)")
    ax.grid(False)
    return ax.figure


def _nice_bound(value: float) -> float:
    """The smallest of 0.1, 0.2, 0.5, 1, 2, 5, 10, ... that is at least ``value``."""
    if not value > 0.1:
        return 0.1
    decade = 10.0 ** np.floor(np.log10(value))
    return float(next(m * decade for m in (1.0, 2.0, 5.0, 10.0) if m * decade >= value))


BORN_DEAD_SEED = 12345
#: Depth to which one estimate is computed at a time (the widget's slider goes to 50).
BORN_DEAD_DEPTHS = 50


@lru_cache(maxsize=64)
def _born_dead_curve(width: int, max_depth: int, n_nets: int, init: str) -> np.ndarray:
    return born_dead.born_dead_curve(width, max_depth, n_nets=n_nets, rng=np.random.default_rng(BORN_DEAD_SEED),
                                     init=init, n_points=9)


def _born_dead_probability(depth: int, width: int, n_nets: int, init: str) -> float:
    """P(born dead) at ``depth``, from one cached curve per width (entry ``depth - 1``).

    The curve draws its layers in order from one seeded generator, so its entry at a depth
    does not depend on how deep the curve goes: one curve to depth 50 answers every depth
    of the slider, with exactly the number a curve stopped at that depth would give.
    """
    curve = _born_dead_curve(width, max(depth, BORN_DEAD_DEPTHS), n_nets, init)
    return float(curve[depth - 1])


def update_born_dead(depth: int, width: int, *, ax: Axes | None = None, n_seeds: int = 6,
                     n_nets: int = 400, init: str = "he") -> Figure:
    """The *born dead* widget: outputs of a few fresh networks over [-1, 1], and P(born dead).

    Networks ``k = 0 .. n_seeds - 1`` use seed ``k``; the probability is estimated from
    ``n_nets`` networks with seed 12345 (so the same setting always gives the same title).
    """
    depth, width = born_dead._check_int("depth", depth), born_dead._check_int("width", width)
    n_nets = born_dead._check_int("n_nets", n_nets)
    if ax is None:
        _, ax = plotting.subplots()
    largest = 0.0
    for k in range(n_seeds):
        x, out = born_dead.network_outputs(depth, width, n_nets=1, rng=np.random.default_rng(k), init=init)
        ax.plot(x, out[0], linestyle=plotting._LINESTYLES[k % len(plotting._LINESTYLES)], linewidth=1.4)
        largest = max(largest, float(np.max(np.abs(out))))
    top = _nice_bound(1.1 * largest)  # symmetric, from a short ladder: the axes change only between rungs
    ax.set_ylim(-top, top)
    p = _born_dead_probability(depth, width, n_nets, init)
    plotting.label_axes(ax, "input $x$", "network output")
    ax.set_title(f"depth {depth}, width {width}: P(born dead) ≈ {p:.2f}", fontsize=9)
    return ax.figure



#: Settings that `make bench` cycles through to time each update; distinct learning rates, so the
#: memoised training in `train_config` is measured, not its cache.
BENCH_SETTINGS = {
    "update_kill": [{"lr": float(lr), "bias": b} for lr, b in zip(LR_GRID[::-1], [0.0, -0.5, -1.0] * 16, strict=False)],
    "update_born_dead": [{"depth": d, "width": w} for d in (2, 5, 10, 20, 30, 50) for w in (2, 3, 4, 6, 10)],
}
#: Widgets that train a network on each change (goal: at most 1 s per update).
TRAINING_WIDGETS = ("update_kill",)
