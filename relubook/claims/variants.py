"""Chapter 3's registered claims (see relubook.claims): each conclusion its prose draws from an experiment.

* ``ch3.centring_speeds_descent`` -- features of one sign make gradient descent slow; ELU's smaller mean
  removes most of the slowdown and centring the rest;
* ``ch3.prelu_slope_learns_abs`` -- gradient descent on PReLU's slope finds ``a = -1`` (``|x|``);
* ``ch3.selu_variance_bounded`` -- SELU keeps the variance near 1 over 100 layers; ReLU's collapses;
* ``ch3.selu_attracts`` -- from a badly scaled input, SELU returns to mean 0 and variance 1;
* ``ch3.gradient_flow_by_variant`` -- with each variant's matched initialisation, the gradient at
  depth 30 keeps its size for ReLU and PReLU, grows for SELU and SiLU, vanishes for Softplus.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .. import self_normalisation as sn
from ._registry import claim

__all__ = ["FLOW_VARIANTS", "fit_linear_unit", "FEATURE_KINDS"]


# ----------------------------------------------------------------------------
# Inputs of one sign: the condition number of the curvature matrix and gradient descent
# ----------------------------------------------------------------------------
def fit_linear_unit(features: np.ndarray, y: np.ndarray, steps: int) -> tuple[float, np.ndarray]:
    """Full-batch gradient descent on the mean squared error of a linear unit, step ``1 / lambda_max``.

    Returns the condition number ``lambda_max / lambda_min`` of the curvature matrix
    ``features^T features / n`` and the loss after every step, relative to ``mean(y^2)``.
    """
    curvature = features.T @ features / len(y)
    eig = np.linalg.eigvalsh(curvature)
    w, losses = np.zeros(features.shape[1]), []
    for _ in range(steps):
        w -= (features.T @ (features @ w - y) / len(y)) / eig[-1]
        losses.append(np.mean((features @ w - y) ** 2) / np.mean(y**2))
    return float(eig[-1] / eig[0]), np.array(losses)


#: The three kinds of features of the experiment: ReLU outputs, ELU outputs, ReLU outputs minus their mean.
FEATURE_KINDS = {
    "ReLU": lambda z: np.maximum(0, z),
    "ELU": activations.elu,
    "ReLU minus its mean": lambda z: np.maximum(0, z) - np.maximum(0, z).mean(axis=0),
}


@claim("ch3.centring_speeds_descent", chapter=3,
       statement=("fitting a linear unit on ReLU, ELU or centred ReLU features, in every seed the condition "
                  "number and the loss after the given steps fall in that order (ReLU > ELU > centred)"),
       seeds=range(5), settings={"n_features": 50, "n_samples": 1000, "steps": 20},
       neighbours=[{"steps": 13}, {"steps": 27}, {"n_features": 100}],
       holds=lambda r: r["ordered_seeds"] == r["n"])
def centring_speeds_descent(seeds, n_features, n_samples, steps):
    cond = {k: [] for k in FEATURE_KINDS}
    loss = {k: [] for k in FEATURE_KINDS}
    curves = {k: [] for k in FEATURE_KINDS}
    for seed in seeds:
        g = np.random.default_rng(seed)
        z_in, w_true = g.standard_normal((n_samples, n_features)), g.standard_normal(n_features)
        for k, f in FEATURE_KINDS.items():
            c, losses = fit_linear_unit(f(z_in), f(z_in) @ w_true, steps)
            cond[k].append(c)
            loss[k].append(losses[-1])
            curves[k].append(losses)
    cond = {k: np.array(v) for k, v in cond.items()}
    loss = {k: np.array(v) for k, v in loss.items()}
    relu, elu, centred = FEATURE_KINDS
    ordered = ((cond[relu] > cond[elu]) & (cond[elu] > cond[centred])
               & (loss[relu] > loss[elu]) & (loss[elu] > loss[centred]))
    return {"condition": cond, "loss": loss, "curves": {k: np.array(v) for k, v in curves.items()},
            "ordered_seeds": int(ordered.sum()), "n": len(seeds)}


# ----------------------------------------------------------------------------
# PReLU learns its slope
# ----------------------------------------------------------------------------
@claim("ch3.prelu_slope_learns_abs", chapter=3,
       statement=("gradient descent on PReLU's slope, started at 0.25 on y = |x| + noise, ends within 1e-3 of "
                  "the least-squares optimum and within 0.05 of -1, in every seed"),
       seeds=range(5), settings={"lr": 0.3, "steps": 30, "n_points": 200},
       neighbours=[{"lr": 0.2}, {"lr": 0.45}, {"steps": 20}, {"steps": 40}],
       holds=lambda r: r["found_seeds"] == r["n"])
def prelu_slope_learns_abs(seeds, lr, steps, n_points):
    finals, optima, paths = [], [], []
    for seed in seeds:
        g = np.random.default_rng(seed)
        x = g.uniform(-2, 2, n_points)
        y = np.abs(x) + 0.1 * g.standard_normal(n_points)
        a, path = 0.25, [0.25]
        for _ in range(steps):
            residual = activations.prelu(x, a) - y
            a = a - lr * np.mean(2 * residual * activations.prelu_grad_alpha(x, a))
            path.append(a)
        neg = x <= 0
        optima.append(np.sum(x[neg] * y[neg]) / np.sum(x[neg] ** 2))
        finals.append(a)
        paths.append(path)
    finals, optima = np.array(finals), np.array(optima)
    found = (np.abs(finals - optima) < 1e-3) & (np.abs(finals + 1) < 0.05)
    return {"final": finals, "optimum": optima, "paths": np.array(paths), "found_seeds": int(found.sum()),
            "n": len(seeds)}


# ----------------------------------------------------------------------------
# SELU: bounded variance over depth, and the fixed point attracts
# ----------------------------------------------------------------------------
@claim("ch3.selu_variance_bounded", chapter=3,
       statement=("with LeCun-normal weights and standard normal input, SELU's output variance stays in "
                  "[0.8, 1.25] at every one of 100 layers in every seed, while ReLU's with the same weights "
                  "falls below 1e-20 by the last layer"),
       seeds=range(4), settings={"width": 200, "depth": 100, "samples": 250},
       neighbours=[{"width": 150}, {"depth": 150}], slow=True,
       holds=lambda r: r["bounded_seeds"] == r["n"] and r["relu_collapsed_seeds"] == r["n"])
def selu_variance_bounded(seeds, width, depth, samples):
    out = {"selu_means": [], "selu_variances": [], "relu_means": [], "relu_variances": []}
    for seed in seeds:
        g = np.random.default_rng(seed)
        h0 = g.standard_normal((samples, width))
        weights = sn.lecun_normal_weights(width, depth, g)
        for name in ("selu", "relu"):
            means, variances = sn.layer_moments(name, h0, weights)
            out[f"{name}_means"].append(means)
            out[f"{name}_variances"].append(variances)
    out = {k: np.array(v) for k, v in out.items()}
    sv = out["selu_variances"]
    out["selu_low"], out["selu_high"] = float(sv.min()), float(sv.max())
    out["bounded_seeds"] = int(((sv.min(axis=1) >= 0.8) & (sv.max(axis=1) <= 1.25)).sum())
    out["relu_collapsed_seeds"] = int((out["relu_variances"][:, -1] < 1e-20).sum())
    out["n"] = len(seeds)
    return out


@claim("ch3.selu_attracts", chapter=3,
       statement=("started at variance 9 (and 4 or 16 nearby), 30 SELU layers with LeCun-normal weights end "
                  "with variance within 0.15 of 1 and mean within 0.1 of 0, in every seed"),
       seeds=range(5), settings={"start_variance": 9.0, "depth": 30, "width": 200, "samples": 250},
       neighbours=[{"start_variance": 4.0}, {"start_variance": 16.0}, {"depth": 20}], slow=True,
       holds=lambda r: r["returned_seeds"] == r["n"])
def selu_attracts(seeds, start_variance, depth, width, samples):
    means, variances = [], []
    for seed in seeds:  # new inputs and new weights for every seed
        g = np.random.default_rng(seed)
        m, v = sn.layer_moments("selu", np.sqrt(start_variance) * g.standard_normal((samples, width)),
                                sn.lecun_normal_weights(width, depth, g))
        means.append(m)
        variances.append(v)
    means, variances = np.array(means), np.array(variances)
    returned = (np.abs(variances[:, -1] - 1) < 0.15) & (np.abs(means[:, -1]) < 0.1)
    return {"means": means, "variances": variances, "returned_seeds": int(returned.sum()), "n": len(seeds)}


# ----------------------------------------------------------------------------
# Gradient flow at depth across variants, each with its matched initialisation
# ----------------------------------------------------------------------------
#: The variants of the gradient-flow comparison (PReLU at its usual start, a = 0.25).
FLOW_VARIANTS = ("relu", "prelu", "elu", "selu", "gelu", "silu", "softplus")


@claim("ch3.gradient_flow_by_variant", chapter=3,
       statement=("with each variant's matched initialisation, over 30 layers of width 64 the gradient reaching the "
                  "first layer is within a factor 4 of the last layer's for ReLU and PReLU, more than 1.5 times it "
                  "for SELU and SiLU and below 1e-3 of it for Softplus, in every seed; for ELU and SELU it is within "
                  "a factor 3 of the one-layer prediction in every seed; GELU's and SiLU's forward mean square "
                  "drifts away from 1 (median above 2 at the last layer) and their median ratio exceeds the "
                  "prediction by more than 1.5 times"),
       seeds=range(10), settings={"depth": 30, "width": 64},
       neighbours=[{"depth": 20}, {"depth": 45}, {"width": 128}], slow=True,
       holds=lambda r: (r["kept_seeds"] == r["grew_seeds"] == r["vanished_seeds"] == r["predicted_seeds"] == r["n"]
                        and r["drift_median"] > 2 and r["beyond_prediction"] > 1.5))
def gradient_flow_by_variant(seeds, depth, width):
    seeds = list(seeds)
    runs = {name: sn.gradient_flow(name, depth, width, seeds) for name in FLOW_VARIANTS}
    ratios = {name: r["ratio"] for name, r in runs.items()}
    predicted = {name: sn.predicted_ratio(name, depth) for name in FLOW_VARIANTS}
    kept = np.all([(1 / 4 <= ratios[n]) & (ratios[n] <= 4) for n in ("relu", "prelu")], axis=0)
    grew = np.all([ratios[n] > 1.5 for n in ("selu", "silu")], axis=0)
    vanished = ratios["softplus"] < 1e-3
    near = np.all([np.abs(np.log(ratios[n] / predicted[n])) < np.log(3) for n in ("elu", "selu")], axis=0)
    drift = min(float(np.median(runs[n]["last_mean_square"])) for n in ("gelu", "silu"))
    beyond = min(float(np.median(ratios[n])) / predicted[n] for n in ("gelu", "silu"))
    return {"ratios": ratios, "predicted": predicted,
            "last_mean_square": {name: r["last_mean_square"] for name, r in runs.items()},
            "kept_seeds": int(kept.sum()), "grew_seeds": int(grew.sum()), "vanished_seeds": int(vanished.sum()),
            "predicted_seeds": int(near.sum()), "drift_median": drift, "beyond_prediction": beyond,
            "n": len(seeds)}
