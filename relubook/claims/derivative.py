"""Chapter 2's registered claims (see relubook.claims): each conclusion its prose draws from an experiment.

Every experiment draws one network (or one layer) per seed, so a claim's count "in k of n seeds" is a
count of independent networks. The networks are those of :mod:`relubook.propagation`: bias-free,
square layers, standard-normal inputs.
"""

from __future__ import annotations

import math

import numpy as np

from .. import propagation
from ._registry import claim

CHAPTER_SEEDS = range(10)

#: The four settings of the chapter's backward experiment: (activation, initialisation).
BACKWARD_CONFIGS = {"sigmoid, Glorot": ("sigmoid", "glorot"), "tanh, Glorot": ("tanh", "glorot"),
                    "ReLU, Glorot": ("relu", "glorot"), "ReLU, He": ("relu", "he")}
#: Multiples of He's std at which the weight-gradient profile is compared: Glorot's (1/sqrt 2), He's, 1.2.
PROFILE_SCALES = (1 / math.sqrt(2), 1.0, 1.2)


def _all(values) -> int:
    return int(np.sum(np.asarray(values)))


# ----------------------------------------------------------------------------------------------------
# Exact zeros: a float16 accumulator produces them, a float32 one far more rarely
# ----------------------------------------------------------------------------------------------------
def float16_layer(seed: int, width: int, n_samples: int) -> dict:
    """One ReLU layer's outputs fed into a float16 layer: exact-zero pre-activations by accumulator.

    ``float16_sums`` sums every dot product term by term in float16 (as an accumulator of that width
    does); ``float32_sums`` sums the same float16 numbers in float32; ``float64_matmul`` is the same
    layer in float64. ``all_zero_inputs`` counts units whose inputs are all 0 (none, here).
    """
    rng = np.random.default_rng(seed)
    h16 = np.maximum(0, rng.standard_normal((n_samples, width))).astype(np.float16)
    w16 = (rng.standard_normal((width, width)) * np.sqrt(2 / width)).astype(np.float16)
    z16 = np.zeros((n_samples, width), dtype=np.float16)
    for k in range(width):
        z16 += h16[:, k:k + 1] * w16[k]
    wide = h16.astype(np.float32) @ w16.astype(np.float32)
    exact = h16.astype(np.float64) @ w16.astype(np.float64)
    all_zero = (h16 > 0).astype(int) @ (w16 != 0).astype(int) == 0
    return {"float16_sums": int(np.sum(z16 == 0)), "float32_sums": int(np.sum(wide == 0)),
            "float64_matmul": int(np.sum(exact == 0)), "all_zero_inputs": int(np.sum(all_zero))}


@claim("ch2.float16_sums_make_exact_zeros", chapter=2,
       statement="summed in float16, a He layer of width 64 on 4000 ReLU outputs has at least one exact-zero "
                 "pre-activation in at least 9 of 10 seeds; summed in float32 or float64 the same numbers give "
                 "exact zeros at least 10 times more rarely (over all seeds together; none at the chapter's "
                 "seeds, 1 in 30 seeds of width 96 when measured), and no unit has all-zero inputs",
       seeds=CHAPTER_SEEDS, settings={"width": 64, "n_samples": 4000},
       neighbours=[{"width": 32}, {"width": 128}, {"n_samples": 2000}],
       holds=lambda r: (r["seeds_with_float16_zeros"] >= math.ceil(0.9 * r["n"])
                        and int(r["float16_per_seed"].sum()) >= 10 * (r["float32_zeros"] + r["float64_zeros"])
                        and r["all_zero_inputs"] == 0))
def float16_sums_make_exact_zeros(seeds, width, n_samples):
    runs = [float16_layer(s, width, n_samples) for s in seeds]
    f16 = np.array([r["float16_sums"] for r in runs])
    return {"n": len(runs), "pre_activations": width * n_samples, "float16_per_seed": f16,
            "seeds_with_float16_zeros": int(np.sum(f16 > 0)), "float16_median": float(np.median(f16)),
            "float16_min": int(f16.min()), "float16_max": int(f16.max()),
            "float32_zeros": _all([r["float32_sums"] for r in runs]),
            "float64_zeros": _all([r["float64_matmul"] for r in runs]),
            "all_zero_inputs": _all([r["all_zero_inputs"] for r in runs])}


# ----------------------------------------------------------------------------------------------------
# The backward experiment: the back-propagated signal through 30 layers
# ----------------------------------------------------------------------------------------------------
def backward_signals(seeds, depth: int, width: int) -> dict:
    """``||dL/dz_l||`` of every layer for each of :data:`BACKWARD_CONFIGS`, one network per seed."""
    return {label: propagation.gradient_norms_over_seeds(depth, width, name, init, seeds, wrt="preactivations")
            for label, (name, init) in BACKWARD_CONFIGS.items()}


@claim("ch2.he_keeps_the_backward_signal", chapter=2,
       statement="at depth 20-40 and width 32-128, the first/last ratio of the back-propagated signal stays "
                 "within a factor 10 of 1 with He's weights and falls below 1e-2 with Glorot's, in every seed",
       seeds=CHAPTER_SEEDS, settings={"depth": 30, "width": 64},
       neighbours=[{"depth": 20}, {"depth": 40}, {"width": 32}, {"width": 128}],
       holds=lambda r: r["he_level"] == r["n"] and r["glorot_faded"] == r["n"])
def he_keeps_the_backward_signal(seeds, depth, width):
    signal = backward_signals(seeds, depth, width)
    ratio = {label: s[:, 0] / s[:, -1] for label, s in signal.items()}
    he, glorot = ratio["ReLU, He"], ratio["ReLU, Glorot"]
    return {"n": len(he), "ratio": ratio, "signal": signal,
            "he_level": int(np.sum((he > 0.1) & (he < 10))), "glorot_faded": int(np.sum(glorot < 1e-2)),
            "he_median": float(np.median(he)), "glorot_median": float(np.median(glorot))}


def _median_factor(norms: np.ndarray) -> float:
    # the per-layer factor of the median network, read from the last layer down to the first
    return propagation.per_layer_factor(np.median(norms, axis=0)[::-1])


@claim("ch2.backward_factor_per_layer", chapter=2,
       statement="per layer, the median back-propagated signal is multiplied by 1/sqrt(2) +- 0.03 with "
                 "ReLU and Glorot's weights, by 1 +- 0.04 with He's, and by less than 1/4 with sigmoid, over "
                 "10 networks at depth 20-40 and width 32-128",
       seeds=CHAPTER_SEEDS, settings={"depth": 30, "width": 64},
       neighbours=[{"depth": 20}, {"depth": 40}, {"width": 32}, {"width": 128}],
       holds=lambda r: (abs(r["factor"]["ReLU, Glorot"] - math.sqrt(0.5)) <= 0.03
                        and abs(r["factor"]["ReLU, He"] - 1) <= 0.04 and r["factor"]["sigmoid, Glorot"] < 0.25))
def backward_factor_per_layer(seeds, depth, width):
    signal = backward_signals(seeds, depth, width)
    return {"n": len(list(seeds)), "factor": {label: _median_factor(s) for label, s in signal.items()}}


# ----------------------------------------------------------------------------------------------------
# The weight-gradient profile: scale-free with a linear read-out, not with a squared-error loss
# ----------------------------------------------------------------------------------------------------
def weight_profiles(seeds, depth: int, width: int, readout: str) -> dict:
    """First/last weight-gradient norm ratio per seed (ReLU) at each of :data:`PROFILE_SCALES` x He's std."""
    out = {}
    for scale in PROFILE_SCALES:
        w = propagation.gradient_norms_over_seeds(depth, width, "relu", "he", seeds, scale=scale, wrt="weights",
                                                  readout=readout)
        out[scale] = w[:, 0] / w[:, -1]
    return out


def _profile_holds(r) -> bool:
    return (r["linear_identical"] == r["n"] and r["squared_within_10"] == r["n"]
            and r["squared_median_change"] >= 0.1)


@claim("ch2.weight_profile_and_scale", chapter=2,
       statement="with a random linear read-out the first/last weight-gradient ratio is the same (to 9 digits) "
                 "at 1/sqrt(2), 1 and 1.2 times He's std in every seed; with a squared-error loss it changes "
                 "with the scale (medians differ by at least 10 %) but stays within a factor 10 of 1 in "
                 "every seed, at depth 20-40 and width 32-128",
       seeds=CHAPTER_SEEDS, settings={"depth": 30, "width": 64},
       neighbours=[{"depth": 20}, {"depth": 40}, {"width": 32}, {"width": 128}],
       holds=_profile_holds)
def weight_profile_and_scale(seeds, depth, width):
    linear = weight_profiles(seeds, depth, width, "linear")
    squared = weight_profiles(seeds, depth, width, "squared")
    ref = linear[1.0]
    identical = np.all([np.isclose(v, ref, rtol=1e-9, atol=0) for v in linear.values()], axis=0)
    sq = np.array(list(squared.values()))
    medians = {s: float(np.median(v)) for s, v in squared.items()}
    change = max(medians.values()) / min(medians.values()) - 1
    return {"n": len(ref), "linear": linear, "squared": squared, "linear_identical": int(np.sum(identical)),
            "squared_within_10": int(np.sum(np.all((sq > 0.1) & (sq < 10), axis=0))),
            "linear_median": float(np.median(ref)), "squared_medians": medians,
            "squared_median_change": float(change), "squared_min": float(sq.min()), "squared_max": float(sq.max())}


# ----------------------------------------------------------------------------------------------------
# The forward experiment: the activations' RMS through 30 layers
# ----------------------------------------------------------------------------------------------------
#: The three weight variances of the forward experiment, as multiples of 1/fan_in.
FORWARD_VARIANCES = {"He, sqrt(2/fan_in)": 2.0, "LeCun, sqrt(1/fan_in)": 1.0, "too large, sqrt(4/fan_in)": 4.0}
FORWARD_TARGETS = {"He, sqrt(2/fan_in)": 1.0, "LeCun, sqrt(1/fan_in)": math.sqrt(0.5),
                   "too large, sqrt(4/fan_in)": math.sqrt(2.0)}


def pooled_rms(seeds, depth: int, width: int, variance: float, n_samples: int = 128) -> np.ndarray:
    """RMS of the input and of every layer, mean squares pooled over one network per seed."""
    ms = [propagation.activation_rms(depth, width, "relu", math.sqrt(variance / width), int(s), n_samples) ** 2
          for s in seeds]
    return np.sqrt(np.mean(ms, axis=0))


@claim("ch2.forward_rms_per_layer", chapter=2,
       statement="pooled over 10 ReLU networks, the activations' RMS is multiplied per layer by 1 +- 0.03 "
                 "with He's variance, 1/sqrt(2) +- 0.03 with LeCun's and sqrt(2) +- 0.03 with twice He's, and "
                 "He's RMS stays within a factor 2 of the input's at every layer, at depth 20-40, width 48-96",
       seeds=CHAPTER_SEEDS, settings={"depth": 30, "width": 64},
       neighbours=[{"depth": 20}, {"depth": 40}, {"width": 48}, {"width": 96}],
       holds=lambda r: (all(abs(r["factor"][k] - t) <= 0.03 for k, t in FORWARD_TARGETS.items())
                        and 0.5 <= r["he_low"] and r["he_high"] <= 2.0))
def forward_rms_per_layer(seeds, depth, width):
    seeds = list(seeds)
    rms = {label: pooled_rms(seeds, depth, width, v) for label, v in FORWARD_VARIANCES.items()}
    he = rms["He, sqrt(2/fan_in)"] / rms["He, sqrt(2/fan_in)"][0]
    return {"n": len(seeds), "rms": rms, "factor": {k: propagation.per_layer_factor(r[1:]) for k, r in rms.items()},
            "end": {k: float(r[-1] / r[0]) for k, r in rms.items()},
            "he_low": float(he[1:].min()), "he_high": float(he[1:].max()), "he_last": float(he[-1])}


# ----------------------------------------------------------------------------------------------------
# Tanh saturates where ReLU explodes (the gradient-flow widget's last row)
# ----------------------------------------------------------------------------------------------------
@claim("ch2.tanh_saturates_where_relu_explodes", chapter=2,
       statement="at 1.3-1.5 times the recommended std and depth 30, the first/last signal ratio exceeds 100 "
                 "for ReLU (He) and stays below 10 for tanh (Glorot) in every seed",
       seeds=CHAPTER_SEEDS, settings={"depth": 30, "init_scale": 1.4},
       neighbours=[{"init_scale": 1.3}, {"init_scale": 1.5}, {"depth": 25}, {"depth": 35}],
       holds=lambda r: r["relu_exploded"] == r["n"] and r["tanh_contained"] == r["n"])
def tanh_saturates_where_relu_explodes(seeds, depth, init_scale):
    width, batch = propagation.FLOW_WIDTH, propagation.FLOW_SAMPLES
    relu = propagation.gradient_norms_over_seeds(depth, width, "relu", "he", seeds, batch, scale=init_scale)
    tanh = propagation.gradient_norms_over_seeds(depth, width, "tanh", "glorot", seeds, batch, scale=init_scale)
    r, t = relu[:, 0] / relu[:, -1], tanh[:, 0] / tanh[:, -1]
    return {"n": len(r), "relu": r, "tanh": t, "relu_exploded": int(np.sum(r > 100)),
            "tanh_contained": int(np.sum(t < 10)), "relu_min": float(r.min()), "tanh_max": float(t.max())}


# ----------------------------------------------------------------------------------------------------
# Exercise 6: the depth at which sigmoid's gradient vanishes matches the prediction 0.25 ** (d - 1)
# ----------------------------------------------------------------------------------------------------
#: The smallest depth d with 0.25 ** (d - 1) < 1e-6.
PREDICTED_SIGMOID_DEPTH = next(d for d in range(2, 100) if 0.25 ** (d - 1) < 1e-6)


def sigmoid_vanishing_depth(seed: int, width: int, threshold: float = 1e-6, max_depth: int = 40) -> int | None:
    """Smallest depth at which a sigmoid network (Glorot) has first/last signal ratio below ``threshold``."""
    for depth in range(2, max_depth + 1):
        norms = propagation.gradient_norms(depth, width, "sigmoid", "glorot", seed, propagation.FLOW_SAMPLES)
        if norms[0] / norms[-1] < threshold:
            return depth
    return None


@claim("ch2.sigmoid_depth_matches_prediction", chapter=2,
       statement="the smallest depth at which a sigmoid network's first/last signal ratio drops below 1e-6 is "
                 "within one layer of the prediction 0.25 ** (d - 1) < 1e-6 (d = 11) in every seed, at width 32-128",
       seeds=CHAPTER_SEEDS, settings={"width": 64},
       neighbours=[{"width": 32}, {"width": 128}],
       holds=lambda r: r["within_one"] == r["n"])
def sigmoid_depth_matches_prediction(seeds, width):
    depths = np.array([sigmoid_vanishing_depth(int(s), width) or 0 for s in seeds])
    return {"n": len(depths), "depths": depths, "predicted": PREDICTED_SIGMOID_DEPTH,
            "exact": int(np.sum(depths == PREDICTED_SIGMOID_DEPTH)),
            "within_one": int(np.sum(np.abs(depths - PREDICTED_SIGMOID_DEPTH) <= 1)),
            "low": int(depths.min()), "high": int(depths.max())}
