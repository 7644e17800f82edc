"""Measures of dead and dormant units.

The book's one definition: a unit is *dead* on a data set when its output is the same on
every sample (zero variance): it passes on nothing that depends on the input. For a ReLU
unit that is usually the output 0 on every sample (then no gradient reaches its incoming
weights and gradient descent cannot revive it), but a ReLU unit can also output the same
positive number everywhere (when its inputs are constant), and a saturated ELU unit
outputs -1 everywhere; both are dead too. A unit is *tau-dormant* (Sokar, Agarwal, Castro
& Evci, 2023, "The Dormant Neuron Phenomenon in Deep Reinforcement Learning") when its mean
absolute activation, divided by the average of that quantity over the units of its layer,
is at most ``tau`` (the book uses ``tau = 0.1``). With ``tau = 0`` and ReLU, dormant means
zero on every sample.

Activations are passed as a 2-D array of shape ``(n_samples, n_units)``: one row per
sample, one column per unit. Deadness is a property of a *column* (a unit over all
samples), not of single entries: a unit that is zero on all samples but one is alive.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from relubook.network import MLP

__all__ = [
    "DeadUnitsReport",
    "LayerReport",
    "dead_columns",
    "dead_fraction",
    "dead_units_report",
    "dormant_fraction",
    "dormant_scores",
]


def _check_activations(activations: Any) -> np.ndarray:
    if activations is None or isinstance(activations, (str, bytes)):
        raise TypeError(
            "activations must be a 2-D numeric array of shape (n_samples, n_units), "
            f"got {type(activations).__name__}"
        )
    try:
        array = np.asarray(activations)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"activations must be a 2-D array of shape (n_samples, n_units): {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"activations must hold real numbers, got an array of dtype {array.dtype}")
    if array.ndim != 2:
        raise ValueError(
            f"activations must be 2-D with shape (n_samples, n_units), got {array.ndim}-D shape {array.shape}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"activations must have at least one sample and one unit, got shape {array.shape}")
    return array


def dead_columns(array: np.ndarray) -> np.ndarray:
    """Which units (columns) output the same value on every sample (row): the dead ones."""
    return np.all(array == array[:1], axis=0)


def dead_fraction(activations: np.ndarray) -> float:
    """Fraction of units (columns) whose output is the same on every sample (row): dead units.

    Parameters
    ----------
    activations : array_like
        Post-activations of one layer, shape ``(n_samples, n_units)``.

    Returns
    -------
    float
        ``mean over units of [activations[:, j] is constant over the samples]``, in ``[0, 1]``.
        On a single sample every unit is constant: the fraction is then 1 (one example cannot
        show that a unit responds to its input).

    Raises
    ------
    TypeError
        If ``activations`` is not a numeric array.
    ValueError
        If ``activations`` is not 2-D or has no samples or no units.

    Examples
    --------
    >>> dead_fraction([[0.0, 1.0, 0.5], [0.0, 0.0, 0.5]])  # unit 2 outputs 0.5 everywhere: dead too
    0.6666666666666666
    """
    array = _check_activations(activations)
    return float(np.mean(dead_columns(array)))


def dormant_scores(activations: np.ndarray) -> np.ndarray:
    """Per-unit dormancy score of Sokar et al. (2023).

    The score of unit ``j`` is ``mean_s |a[s, j]|`` divided by the average of that
    quantity over all units of the layer. If every activation is zero, all scores are 0.

    Parameters
    ----------
    activations : array_like
        Post-activations of one layer, shape ``(n_samples, n_units)``.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(n_units,)``; the scores average to 1 (or are all 0).

    Raises
    ------
    TypeError, ValueError
        As for :func:`dead_fraction`.
    """
    array = _check_activations(activations)
    unit_mean = np.mean(np.abs(array.astype(np.float64)), axis=0)
    layer_mean = unit_mean.mean()
    if layer_mean == 0:
        return np.zeros_like(unit_mean)
    return unit_mean / layer_mean


def dormant_fraction(activations: np.ndarray, tau: float) -> float:
    """Fraction of tau-dormant units (Sokar et al., 2023).

    Parameters
    ----------
    activations : array_like
        Post-activations of one layer, shape ``(n_samples, n_units)``.
    tau : float
        Threshold, >= 0; a unit is dormant if its score (:func:`dormant_scores`) is
        ``<= tau``. ``tau = 0`` counts the units that are zero on every sample.

    Returns
    -------
    float
        Fraction of dormant units, in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``activations`` is not a numeric array or ``tau`` not a real number.
    ValueError
        If ``activations`` has the wrong shape or ``tau`` is negative or not finite.
    """
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real):
        raise TypeError(f"tau must be a real number, got {type(tau).__name__}")
    if not np.isfinite(tau) or tau < 0:
        raise ValueError(f"tau must be finite and >= 0, got {tau!r}")
    return float(np.mean(dormant_scores(activations) <= tau))


@dataclass
class LayerReport:
    """Dead and dormant units of one hidden layer.

    Attributes
    ----------
    layer : int
        Hidden-layer number, starting at 1.
    n_units : int
        Width of the layer.
    n_dead : int
        Dead units: output the same on every sample.
    dead_fraction : float
        ``n_dead / n_units``.
    dormant_fraction : dict of float to float
        Fraction of tau-dormant units for each tau of the report.
    dead_units : numpy.ndarray
        Indices of the dead units.
    preactivations : numpy.ndarray
        Pre-activations ``z`` of shape ``(n_samples, n_units)``, e.g. for a histogram.
    """

    layer: int
    n_units: int
    n_dead: int
    dead_fraction: float
    dormant_fraction: dict[float, float]
    dead_units: np.ndarray
    preactivations: np.ndarray = field(repr=False)


@dataclass
class DeadUnitsReport:
    """Dead and dormant units of every hidden layer; ``str(report)`` is a small table.

    Attributes
    ----------
    layers : list of LayerReport
        One entry per hidden layer; the report can also be indexed and iterated directly.
    taus : tuple of float
        The dormancy thresholds.
    n_samples : int
        Number of samples the report was computed on.
    """

    layers: list[LayerReport]
    taus: tuple[float, ...]
    n_samples: int

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> LayerReport:
        return self.layers[index]

    def __iter__(self) -> Iterator[LayerReport]:
        return iter(self.layers)

    @property
    def total_dead(self) -> int:
        """Dead units summed over all hidden layers."""
        return sum(layer.n_dead for layer in self.layers)

    def __str__(self) -> str:
        header = ["layer", "units", "dead", "dead %"] + [f"dormant(tau={tau:g}) %" for tau in self.taus]
        rows = [
            [
                str(layer.layer),
                str(layer.n_units),
                str(layer.n_dead),
                f"{100 * layer.dead_fraction:.1f}",
            ]
            + [f"{100 * layer.dormant_fraction[tau]:.1f}" for tau in self.taus]
            for layer in self.layers
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        lines.append(f"({self.n_samples} samples; dead = the same output on every sample; "
                     "dormant = Sokar et al.'s score <= tau)")
        return "\n".join(lines)


def dead_units_report(model: MLP, X: np.ndarray, *, taus: Sequence[float] = (0.1,)) -> DeadUnitsReport:
    """Count dead and dormant units of every hidden layer of ``model`` on inputs ``X``.

    Parameters
    ----------
    model : MLP
        A network with a ``forward_cache`` method (see :class:`relubook.network.MLP`).
    X : array_like
        Inputs of shape ``(n_samples, n_inputs)``, at least one sample.
    taus : sequence of float, default (0.1,)
        Dormancy thresholds to report.

    Returns
    -------
    DeadUnitsReport
        One :class:`LayerReport` per hidden layer; ``print(report)`` shows a table.

    Raises
    ------
    TypeError
        If ``model`` has no ``forward_cache`` method.
    ValueError
        If ``X`` has no samples or the wrong shape.
    """
    if not callable(getattr(model, "forward_cache", None)):
        raise TypeError(f"model must have a forward_cache method (an MLP), got {type(model).__name__}")
    taus = tuple(float(tau) for tau in taus)
    n_samples = int(np.shape(X)[0])
    if n_samples == 0:
        raise ValueError("X must hold at least one sample")
    _, cache = model.forward_cache(X)
    layers = []
    for i, (z, a) in enumerate(zip(cache["pre"], cache["post"], strict=True), start=1):
        dead = dead_columns(a)
        layers.append(
            LayerReport(
                layer=i,
                n_units=a.shape[1],
                n_dead=int(dead.sum()),
                dead_fraction=float(dead.mean()),
                dormant_fraction={tau: dormant_fraction(a, tau) for tau in taus},
                dead_units=np.flatnonzero(dead),
                preactivations=z,
            )
        )
    return DeadUnitsReport(layers=layers, taus=taus, n_samples=n_samples)
