"""The numbers chapter 3 reads off one activation at one setting.

These are the computations behind the variant explorer and the Softplus
widget (:mod:`relubook.widgets.variants` draws them; the checkers and the
chapter use them directly):

* :func:`first_param` -- an activation's first parameter and its slider range;
* :func:`params_for` -- the parameters for one slider position;
* :func:`variant_summary` -- value and slope at 0, slope at -3, mean output on N(0, 1);
* :func:`variant_title` -- the same numbers as the explorer's title;
* :func:`softplus_gap` -- how far Softplus with sharpness beta is from ReLU.
"""

from __future__ import annotations

import math

import numpy as np

from . import activations
from .tables import mean_on_standard_normal

__all__ = ["first_param", "params_for", "softplus_gap", "variant_summary", "variant_title"]


def _fmt3(v: float) -> str:
    """Three decimals without a negative zero."""
    return f"{round(v, 3) + 0.0:.3f}"


def first_param(name: str) -> tuple[str, tuple[float, float], float] | None:
    """``(parameter name, (low, high), default)`` of an activation's first parameter, or None.

    Parameters
    ----------
    name : str
        Registry name.
    """
    act = activations.get(name)
    if not act.params:
        return None
    key = next(iter(act.params))
    low, high = act.param_ranges.get(key, (act.params[key], act.params[key]))
    return key, (float(low), float(high)), float(act.params[key])


def params_for(name: str, param: float | None) -> dict:
    """The activation's parameters with its first one set to ``param`` (clipped to its slider range).

    Parameters
    ----------
    name : str
        Registry name.
    param : float or None
        The slider's value; None (or an activation without parameters) gives the defaults.
    """
    act = activations.get(name)
    info = first_param(name)
    if info is None or param is None:
        return dict(act.params)
    if isinstance(param, bool) or not isinstance(param, (int, float, np.integer, np.floating)):
        raise TypeError(f"param must be a number or None, got {type(param).__name__}")
    key, (low, high), _ = info
    value = min(max(float(param), low), high)
    if key == "alpha" and name == "celu" and value == 0:  # CELU divides by alpha
        value = low if low > 0 else 1e-3
    return {**act.params, key: value}


def variant_summary(name: str, param: float | None = None) -> dict:
    """The numbers the variant explorer shows for one setting.

    Parameters
    ----------
    name : str
        Registry name.
    param : float, optional
        Value of the first parameter (see :func:`params_for`).

    Returns
    -------
    dict
        ``params`` (the parameters used), ``f0``, ``df0``, ``df_m3`` (value at
        0, slope at 0 and at -3) and ``mean_normal`` (mean output on standard
        normal input).
    """
    act = activations.get(name)
    params = params_for(name, param)
    return {
        "params": params,
        "f0": float(act.forward(0.0, **params)) + 0.0,
        "df0": float(act.grad(0.0, **params)) + 0.0,
        "df_m3": float(act.grad(-3.0, **params)) + 0.0,
        "mean_normal": mean_on_standard_normal(name, **params),
    }


def variant_title(name: str, param: float | None = None, *, summary: dict | None = None) -> str:
    """The explorer's title: the activation, its parameters and its mean output on N(0, 1).

    Parameters
    ----------
    name : str
        Registry name.
    param : float, optional
        Value of the first parameter.
    summary : dict, optional
        A :func:`variant_summary` already computed for this setting.
    """
    act = activations.get(name)
    summary = variant_summary(name, param) if summary is None else summary
    setting = ", ".join(f"{k} = {v:.2f}" for k, v in summary["params"].items())
    head = act.label + (f" ({setting})" if setting else "")
    return f"{head}\nmean on N(0,1): {_fmt3(summary['mean_normal'])}"


def softplus_gap(beta: float, x: np.ndarray | None = None) -> dict:
    """The largest gap between Softplus with sharpness ``beta`` and ReLU.

    Parameters
    ----------
    beta : float
        Sharpness (positive).
    x : array_like, optional
        Grid; default 1201 points on [-6, 6] (it contains 0, where the gap is largest).

    Returns
    -------
    dict
        ``measured`` (max of ``softplus_beta(x) - relu(x)`` on the grid),
        ``theory`` (``log(2) / beta``) and ``at`` (where it occurs).
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a number, got {type(beta).__name__}")
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    xs = np.linspace(-6.0, 6.0, 1201) if x is None else np.asarray(x, dtype=float)
    gap = activations.softplus(xs, beta=beta) - activations.relu(xs)
    i = int(np.argmax(gap))
    return {"measured": float(gap[i]), "theory": math.log(2.0) / beta, "at": float(xs[i]) + 0.0}
