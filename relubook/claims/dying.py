"""Chapter 4's registered claims (see relubook.claims): each conclusion its prose draws from an experiment.

Every experiment trains the chapter's network with :func:`relubook.dying.train_seeds` (memoised, so the
chapter's own cells and these claims share their runs). Words used in the predicates, as the chapter
defines them once: a unit is *dead* when its output is the same on every example of the data set; a run
*diverged* when its loss stopped being finite or a parameter grew beyond ``dying.WEIGHT_LIMIT``; a run
*trains* (``SeedRuns.trains``) when it did not diverge, ends with accuracy at least 0.95 and keeps its
dead fraction below 10 % at the end and at every record of the last half of training.
"""

from __future__ import annotations

import numpy as np

from .. import dying
from ._registry import claim, fraction_at_least

SEEDS = dying.CHAPTER_SEEDS
N = len(SEEDS)
#: The neighbouring step counts every training claim is re-run at (2/3 and 4/3 of 300).
STEP_NEIGHBOURS = [{"steps": 200}, {"steps": 400}]


def _summary(runs: dying.SeedRuns) -> dict:
    ok = ~runs.diverged
    return {"dead": runs.dead_fraction, "dead_late": runs.dead_late, "accuracy": runs.accuracy,
            "diverged": int(runs.diverged.sum()), "trains": int(runs.trains.sum()), "n": runs.n_seeds,
            "dead_median": float(np.median(np.where(ok, runs.dead_fraction, 1.0))),
            "accuracy_median": float(np.median(runs.accuracy[ok])) if ok.any() else float("nan")}


@claim("ch4.failing_network_dies", chapter=4,
       statement="with N(0, 1) weights at lr 2 (and 3), a median of at least 40 % of the units end dead and at "
                 "most 1/5 of the seeds train",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300},
       neighbours=[{"lr": 3.0}, *STEP_NEIGHBOURS],
       holds=lambda r: r["dead_median"] >= 0.4 and r["trains"] <= r["n"] // 5)
def failing_network_dies(seeds, lr, steps):
    runs = dying.train_seeds({"lr": lr, "steps": steps}, seeds)
    out = _summary(runs)
    ok = ~runs.diverged
    accurate = ok & (runs.accuracy >= 0.95)
    out.update(accurate=int(accurate.sum()), accurate_many_dead=int((accurate & (runs.dead_fraction >= 0.4)).sum()),
               inaccurate=int((ok & (runs.accuracy < 0.95)).sum()))
    return out


@claim("ch4.accurate_with_many_dead", chapter=4,
       statement="at lr 2, some seeds (at least 1 of 20) reach accuracy 0.95 with 40 % or more of their units "
                 "dead, while at least 1/4 of the seeds end below 0.95 or diverge",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=STEP_NEIGHBOURS,
       holds=lambda r: r["accurate_many_dead"] >= 1
       and fraction_at_least(r["inaccurate"] + r["diverged"], r["n"], 0.25))
def accurate_with_many_dead(seeds, lr, steps):
    return failing_network_dies(seeds, lr, steps)


@claim("ch4.dying_is_early", chapter=4,
       statement="at lr 2 (and 3), in at least 3/4 of the runs that do not diverge, all but at most 2 of the units "
                 "that are dead at the end are already dead after 10 steps",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=[{"lr": 3.0}, *STEP_NEIGHBOURS],
       holds=lambda r: fraction_at_least(r["early"], r["n_ok"], 0.75))
def dying_is_early(seeds, lr, steps):
    runs = dying.train_seeds({"lr": lr, "steps": steps}, seeds)
    at10 = runs.dead_curve[list(runs.steps).index(10)]
    n_units = sum(dying.HIDDEN)
    early = (~runs.diverged) & (at10 * n_units >= runs.dead_fraction * n_units - 2)
    return {"early": int(early.sum()), "n": runs.n_seeds, "n_ok": int((~runs.diverged).sum()), "at10": at10,
            "end": runs.dead_fraction}


@claim("ch4.dying_grows_with_lr", chapter=4,
       statement="the median dead fraction grows with the learning rate over 0.5, 1, 2 (and x/÷ 1.5 of them): "
                 "it is larger at the highest rate than at the middle one, and at the middle one at least as "
                 "large as at the lowest (the two low rates can tie, at 1/1.5 of the rates on seeds 37000-37019)",
       seeds=SEEDS, settings={"scale": 1.0, "steps": 300},
       neighbours=[{"scale": 1.5}, {"scale": 1 / 1.5}, *STEP_NEIGHBOURS],
       holds=lambda r: r["medians"][0] <= r["medians"][1] < r["medians"][2])
def dying_grows_with_lr(seeds, scale, steps):
    medians = [_summary(dying.train_seeds({"lr": lr * scale, "steps": steps}, seeds))["dead_median"]
               for lr in (0.5, 1.0, 2.0)]
    return {"medians": medians}


@claim("ch4.killing_step", chapter=4,
       statement="at lr 2 (and x/÷ 1.5), the step that kills a first-layer unit lowers its bias by at least 0.5 "
                 "more than it lowers the live units' biases, and shrinks its weight vector to under 3/4 of its "
                 "length while the live units' keep over 9/10 (medians over the units); at least 9/10 of the "
                 "first-layer units dead at the end (runs that did not diverge) died within the first 15 steps",
       seeds=SEEDS, settings={"lr": 2.0}, neighbours=[{"lr": 3.0}, {"lr": 2.0 / 1.5}],
       holds=lambda r: r["db_dead"] < r["db_live"] - 0.5 and r["ratio_dead"] < 0.75
       and r["ratio_live"] > 0.9 and fraction_at_least(r["n_units"], r["dead_bias_end"].size, 0.9))
def killing_step(seeds, lr):
    k = dying.killing_steps({**dying.BASE_CONFIG, "lr": lr}, seeds)
    # killing_steps skips the seeds that diverged: n_seeds counts the rest
    kept = int((~dying.train_seeds({**dying.BASE_CONFIG, "lr": lr}, seeds).diverged).sum())
    return {"n_seeds": kept,
            "db_dead": float(np.median(k["bias_change_dead"])), "db_live": float(np.median(k["bias_change_live"])),
            "ratio_dead": float(np.median(k["weight_ratio_dead"])),
            "ratio_live": float(np.median(k["weight_ratio_live"])),
            "bias_alone": float(np.mean(k["bias_alone_kills"])), "n_units": int(k["bias_change_dead"].size),
            "dead_bias_end": k["dead_bias_end"], "live_bias_end": k["live_bias_end"]}


@claim("ch4.negative_bias_kills", chapter=4,
       statement="at the safe rate 0.5 (and x/÷ 1.5), an initial bias of -2 leaves a median of at least 30 % of "
                 "the units dead before training and at least 30 % after it; bias 0 under 10 % after training",
       seeds=SEEDS, settings={"lr": dying.SAFE_LR, "steps": 300},
       neighbours=[{"lr": dying.SAFE_LR * 1.5}, {"lr": dying.SAFE_LR / 1.5}, *STEP_NEIGHBOURS],
       holds=lambda r: r["start_m2"] >= 0.3 and r["end_m2"] >= 0.3 and r["end_0"] < 0.1)
def negative_bias_kills(seeds, lr, steps):
    out = {}
    for b, key in ((0.0, "0"), (-1.0, "m1"), (-2.0, "m2"), (-3.0, "m3")):
        r = dying.train_seeds({"lr": lr, "steps": steps, "bias_init": b}, seeds)
        out[f"start_{key}"] = float(np.median(r.dead_fraction_start))
        out[f"end_{key}"] = _summary(r)["dead_median"]
        out[f"acc_{key}"] = _summary(r)["accuracy_median"]
    return out


@claim("ch4.bias_minus1_at_lr2", chapter=4,
       statement="at lr 2, starting every bias at -1 leaves fewer units dead than starting at 0 in at least 3/5 "
                 "of the seeds; at lr 3 less reliably, in at least 2/5 (10 to 18 of 20 on the sets of 20 seeds "
                 "31000-49000)",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=[{"lr": 3.0}, *STEP_NEIGHBOURS],
       holds=lambda r: fraction_at_least(r["fewer"], r["n"], 0.6 if r["lr"] <= 2.0 else 0.4))
def bias_minus1_at_lr2(seeds, lr, steps):
    r0 = dying.train_seeds({"lr": lr, "steps": steps}, seeds)
    r1 = dying.train_seeds({"lr": lr, "steps": steps, "bias_init": -1.0}, seeds)
    d0, d1 = (np.where(r.diverged, 1.0, r.dead_fraction) for r in (r0, r1))
    return {"fewer": int((d1 < d0).sum()), "n": len(seeds), "lr": float(lr), "dead_0": d0, "dead_m1": d1}


@claim("ch4.lr4_bias_m1_diverges_less", chapter=4,
       statement="at lr 4, at least 2/5 of the seeds diverge with every bias starting at 0, and fewer with every "
                 "bias starting at -1 (the kill grid's lr 4 column)",
       seeds=SEEDS, settings={"lr": 4.0, "steps": 300}, neighbours=STEP_NEIGHBOURS,
       holds=lambda r: fraction_at_least(r["div_0"], r["n"], 0.4) and r["div_m1"] < r["div_0"])
def lr4_bias_m1_diverges_less(seeds, lr, steps):
    r0 = dying.train_seeds({"lr": lr, "steps": steps}, seeds)
    r1 = dying.train_seeds({"lr": lr, "steps": steps, "bias_init": -1.0}, seeds)
    return {"div_0": int(r0.diverged.sum()), "div_m1": int(r1.diverged.sum()), "n": len(seeds)}


def _grid(seeds, lr, steps, names=None):
    return dying.remedy_grid(seeds, lrs=(lr / 2, lr, 2 * lr), steps=steps, names=names)


FIXES = ("He init", "batch norm", "clip (norm 1)", "Adam (lr x 0.005)")
MOVERS = ("He init", "batch norm", "clip (norm 1)")


@claim("ch4.remedies_move_the_critical_lr", chapter=4,
       statement="at lr 2, where plain ReLU trains in at most 1/5 of the seeds, He init diverges in no seed, reaches "
                 "accuracy 0.95 in at least 9/10 and keeps a median dead fraction below 20 % (it sits near the 10 % "
                 "line of 'trains', so how many seeds it trains in varies with the seeds), and batch norm, clipping "
                 "and Adam each train in at least 2/5 (how many varies between seed sets: batch norm 11 to 18 of "
                 "20 on the sets of 20 seeds 9000-9199); at lr 4, He init, batch norm and clipping each train in "
                 "at most half, while Adam (its rate scaled with the others') still trains in at least half",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=STEP_NEIGHBOURS, slow=True,
       holds=lambda r: r["plain"][1] <= r["n"] // 5
       and r["he2_diverged"] == 0 and fraction_at_least(r["he2_accurate"], r["n"], 0.9) and r["he2_dead"] < 0.2
       and all(fraction_at_least(r[f][1], r["n"], 0.4) for f in FIXES if f != "He init")
       and all(r[f][2] <= r["n"] // 2 for f in MOVERS)
       and fraction_at_least(r["Adam (lr x 0.005)"][2], r["n"], 0.5))
def remedies_move_the_critical_lr(seeds, lr, steps):
    grid = _grid(seeds, lr, steps, names=("none (ReLU, N(0, 1))", *FIXES))
    out = {name: [int(r.trains.sum()) for r in by_lr.values()] for name, by_lr in grid.items()}
    out["plain"] = out.pop("none (ReLU, N(0, 1))")
    he2, he4 = grid["He init"][lr], grid["He init"][2 * lr]
    out.update(n=len(seeds), he4_dead=float(np.median(np.where(he4.diverged, 1.0, he4.dead_fraction))),
               he4_acc=float(np.median(he4.accuracy[~he4.diverged])),
               he2_diverged=int(he2.diverged.sum()), he2_accurate=int((~he2.diverged & (he2.accuracy >= 0.95)).sum()),
               he2_dead=float(np.median(np.where(he2.diverged, 1.0, he2.dead_fraction))))
    return out


@claim("ch4.he_many_dead_yet_accurate", chapter=4,
       statement="with He init at lr 4, a median of at least 40 % of the units are dead (diverged runs count as "
                 "all dead), and the runs split: at least 1/4 of the seeds still reach accuracy 0.95, at least one "
                 "of them with 40 % or more of its units dead, while at least 1/5 end below 0.95 or diverge (how "
                 "many reach 0.95 varies between seed sets, 7 to 14 of 20 on the sets of 20 seeds 9000-9199; "
                 "the median accuracy is 1.0 on some sets and about 0.9 on others)",
       seeds=SEEDS, settings={"lr": 4.0, "steps": 300}, neighbours=STEP_NEIGHBOURS, heldout_sets=2,
       holds=lambda r: r["dead_median"] >= 0.4 and fraction_at_least(r["accurate"], r["n"], 0.25)
       and r["accurate_many_dead"] >= 1 and fraction_at_least(r["n"] - r["accurate"], r["n"], 0.2))
def he_many_dead_yet_accurate(seeds, lr, steps):
    runs = dying.train_seeds({"lr": lr, "steps": steps, "init": "he"}, seeds)
    ok = ~runs.diverged
    accurate = ok & (runs.accuracy >= 0.95)
    return {**_summary(runs), "accurate": int(accurate.sum()),
            "accurate_many_dead": int((accurate & (runs.dead_fraction >= 0.4)).sum()),
            "chance": int((ok & (runs.accuracy <= 0.55)).sum())}


@claim("ch4.leaky_needs_a_smaller_step", chapter=4,
       statement="Leaky ReLU trains in at least 3/4 of the seeds at half the rate (lr 1; at lr 1.5, half of 3, "
                 "in at least half: 13 of 20 on seeds 39000-39019) and diverges in at least 1/10 at lr 2 (and 3); "
                 "how many diverge at lr 2 varies widely with the seeds",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=[{"lr": 3.0}, *STEP_NEIGHBOURS],
       holds=lambda r: fraction_at_least(r["trains_half"], r["n"], 0.75 if r["lr"] <= 2.0 else 0.5)
       and fraction_at_least(r["diverged"], r["n"], 0.1))
def leaky_needs_a_smaller_step(seeds, lr, steps):
    half = dying.train_seeds({"lr": lr / 2, "steps": steps, "activation": "leaky_relu"}, seeds)
    full = dying.train_seeds({"lr": lr, "steps": steps, "activation": "leaky_relu"}, seeds)
    return {**_summary(full), "lr": float(lr), "trains_half": int(half.trains.sum()),
            "diverged_half": int(half.diverged.sum()),
            "dead_half": float(np.median(half.dead_fraction[~half.diverged]))}


@claim("ch4.redo_resets_before_reading", chapter=4,
       statement="at lr 2, ReDo's median largest dead fraction over the last half of training is at least 20 %, "
                 "and it trains in at most 3/5 of the seeds (its dead fraction at the end depends on how long "
                 "before the end it last recycled); ReDo does not prevent divergence, and how many runs diverge "
                 "varies widely between seed sets (2 to 10 of 20 on the chapter's and the sets of 20 seeds "
                 "31000-49000), so it is not part of the test",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=STEP_NEIGHBOURS,
       holds=lambda r: r["late_median"] >= 0.2 and r["trains"] <= 0.6 * r["n"])
def redo_resets_before_reading(seeds, lr, steps):
    runs = dying.train_seeds(dying.remedy_config("ReDo (every 100 steps)", lr, steps), seeds)
    ok = ~runs.diverged
    return {**_summary(runs), "dead_median_ok": float(np.median(runs.dead_fraction[ok])),
            "late_median": float(np.median(runs.dead_late))}


@claim("ch4.residual_is_no_fix", chapter=4,
       statement="at lr 2 (and 3), the residual connection trains in at most 1/5 of the seeds and a median of at "
                 "least 40 % of its units end dead",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=[{"lr": 3.0}, *STEP_NEIGHBOURS],
       holds=lambda r: r["trains"] <= r["n"] // 5 and r["dead_median"] >= 0.4)
def residual_is_no_fix(seeds, lr, steps):
    return _summary(dying.train_seeds(dying.remedy_config("residual", lr, steps), seeds))


@claim("ch4.prelu_slopes_blow_up", chapter=4,
       statement="at lr 2 (and 3), PReLU diverges within 10 steps in at least 3/4 of the seeds",
       seeds=SEEDS, settings={"lr": 2.0}, neighbours=[{"lr": 3.0}],
       holds=lambda r: fraction_at_least(r["diverged10"], r["n"], 0.75))
def prelu_slopes_blow_up(seeds, lr):
    one = dying.train_seeds({"lr": lr, "activation": "prelu", "steps": 1}, seeds)
    ten = dying.train_seeds({"lr": lr, "activation": "prelu", "steps": 10}, seeds)
    largest = np.max(np.abs(np.concatenate(one.slopes, axis=1)), axis=1)
    return {"largest_slope": largest, "diverged10": int(ten.diverged.sum()), "n": len(seeds)}


@claim("ch4.elu_diverges_or_saturates", chapter=4,
       statement="at lr 2, ELU diverges in at least half of the seeds",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=STEP_NEIGHBOURS,
       holds=lambda r: fraction_at_least(r["diverged"], r["n"], 0.5))
def elu_diverges_or_saturates(seeds, lr, steps):
    return _summary(dying.train_seeds({"lr": lr, "steps": steps, "activation": "elu"}, seeds))


@claim("ch4.smooth_activations_train", chapter=4,
       statement="at lr 2 (not at 3, where softplus diverges more often), tanh diverges in no seed and softplus "
                 "in at most 1/5, and both reach a median accuracy of at least 0.95 after 300 steps (and 400; "
                 "not tested at 200 steps, where softplus's median was 0.94 on seeds 35000-35019)",
       seeds=SEEDS, settings={"lr": 2.0, "steps": 300}, neighbours=[{"steps": 400}],
       holds=lambda r: r["tanh"]["diverged"] == 0 and r["softplus"]["diverged"] <= r["tanh"]["n"] // 5
       and r["tanh"]["accuracy_median"] >= 0.95 and r["softplus"]["accuracy_median"] >= 0.95)
def smooth_activations_train(seeds, lr, steps):
    return {name: _summary(dying.train_seeds({"lr": lr, "steps": steps, "activation": name}, seeds))
            for name in ("tanh", "softplus")}


@claim("ch4.bias_minus1_smaller_first_step", chapter=4,
       statement="at lr 2 (and x/÷ 1.5), the first step changes the weights by less with every bias starting at -1 "
                 "than at 0, in at least 3/4 of the seeds",
       seeds=SEEDS, settings={"lr": 2.0}, neighbours=[{"lr": 3.0}, {"lr": 2.0 / 1.5}],
       holds=lambda r: fraction_at_least(r["smaller"], r["n"], 0.75))
def bias_minus1_smaller_first_step(seeds, lr):
    def norms(bias):
        start = dying.train_seeds({"lr": lr, "bias_init": bias, "steps": 0}, seeds)
        one = dying.train_seeds({"lr": lr, "bias_init": bias, "steps": 1}, seeds)
        return np.sqrt(sum(np.sum((w1 - w0) ** 2, axis=(1, 2)) for w0, w1 in zip(start.weights, one.weights,
                                                                                    strict=True)))
    n0, n1 = norms(0.0), norms(-1.0)
    return {"smaller": int(np.sum(n1 < n0)), "n": len(seeds), "median_0": float(np.median(n0)),
            "median_m1": float(np.median(n1))}


CONTINUAL_SEEDS = tuple(range(10))


@claim("ch4.dormant_units_accumulate", chapter=4,
       statement="in a stream of 20 random-label tasks (Adam, lr 0.02 and x/÷ 1.5, 50 steps a task and 2/3, 4/3 of "
                 "it), the dormant fraction grows by at least 0.15 from the first to the last task in at least 3/4 "
                 "of the seeds, and the accuracy over the last 5 tasks is below 0.9 in at least 3/5 of them",
       seeds=CONTINUAL_SEEDS, settings={"lr": 0.02, "steps": 50},
       neighbours=[{"lr": 0.03}, {"lr": 0.02 / 1.5}, {"steps": 33}, {"steps": 67}],
       holds=lambda r: fraction_at_least(r["grew"], r["n"], 0.75) and fraction_at_least(r["lost"], r["n"], 0.6))
def dormant_units_accumulate(seeds, lr, steps):
    plain = dying.continual_runs(seeds, lr=lr, steps=steps)
    late = plain.accuracy[-5:].mean(axis=0)
    return {"grew": int(np.sum(plain.dormant[-1] - plain.dormant[0] >= 0.15)), "lost": int(np.sum(late < 0.9)),
            "n": len(seeds), "dormant_first": float(np.median(plain.dormant[0])),
            "dormant_last": float(np.median(plain.dormant[-1])), "late_accuracy": float(np.median(late)),
            "first_accuracy": float(np.median(plain.accuracy[0])), "runs": plain}


@claim("ch4.reset_keeps_plasticity", chapter=4,
       statement="in the same stream, recycling the dormant units after each task keeps the accuracy over the last 5 "
                 "tasks at least 0.95 in at least 3/4 of the seeds, above the plain network's in at least 3/4",
       seeds=CONTINUAL_SEEDS, settings={"lr": 0.02, "steps": 50},
       neighbours=[{"lr": 0.03}, {"lr": 0.02 / 1.5}, {"steps": 33}, {"steps": 67}],
       holds=lambda r: fraction_at_least(r["kept"], r["n"], 0.75) and fraction_at_least(r["better"], r["n"], 0.75))
def reset_keeps_plasticity(seeds, lr, steps):
    plain = dying.continual_runs(seeds, lr=lr, steps=steps)
    reset = dying.continual_runs(seeds, lr=lr, steps=steps, reset=True)
    late_p, late_r = plain.accuracy[-5:].mean(axis=0), reset.accuracy[-5:].mean(axis=0)
    return {"kept": int(np.sum(late_r >= 0.95)), "better": int(np.sum(late_r > late_p)), "n": len(seeds),
            "late_accuracy": float(np.median(late_r)), "dormant_last": float(np.median(reset.dormant[-1])),
            "runs": reset}


@claim("ch4.adam_bn_dies_yet_accurate", chapter=4,
       statement="with Adam, He initialisation and batch norm (100 steps and 2/3, 4/3 of it), at Adam rate 0.01 "
                 "(and x/÷ 1.5) no unit ends dead in at least 9/10 of the seeds, at rate 1 units end dead in at least "
                 "9/10 with a median dead fraction of at least 0.2, and at each of the rates 0.01, 0.1, 1 at least 3/5 "
                 "of the seeds end with training accuracy at least 0.95",
       seeds=SEEDS, settings={"scale": 1.0, "steps": 100},
       neighbours=[{"scale": 1.5}, {"scale": 1 / 1.5}, {"steps": 67}, {"steps": 133}],
       holds=lambda r: fraction_at_least(r["none_dead"][0], r["n"], 0.9)
       and fraction_at_least(r["some_dead"][-1], r["n"], 0.9) and r["dead_median"][-1] >= 0.2
       and all(fraction_at_least(a, r["n"], 0.6) for a in r["accurate"]))
def adam_bn_dies_yet_accurate(seeds, scale, steps):
    runs = [dying.train_seeds({**dying.ADAM_BN_CONFIG, "lr": lr * scale, "steps": steps}, seeds)
            for lr in dying.ADAM_BN_LRS]
    return {"lrs": [lr * scale for lr in dying.ADAM_BN_LRS], "n": len(seeds),
            "none_dead": [int(np.sum(r.dead_fraction == 0)) for r in runs],
            "some_dead": [int(np.sum(r.dead_fraction > 0)) for r in runs],
            "dead_median": [float(np.median(np.where(r.diverged, 1.0, r.dead_fraction))) for r in runs],
            "dead_max": [float(np.nanmax(r.dead_fraction)) for r in runs],
            "accurate": [int(np.sum(~r.diverged & (r.accuracy >= 0.95))) for r in runs],
            "accuracy_min": [float(np.nanmin(r.accuracy)) for r in runs],
            "diverged": [int(r.diverged.sum()) for r in runs]}


@claim("ch4.weight_decay_kills_more", chapter=4,
       statement="L2 weight decay 0.01 (300 steps and 2/3, 4/3 of it) leaves more units dead, not fewer: at lr 2 "
                 "(and x/÷ 1.5) more units end dead than without decay in at least 3/4 of the seeds that diverge in "
                 "neither run and fewer in at most 1/5 of them; at lr 0.5 (and x/÷ 1.5) the median dead fraction is "
                 "higher with decay, and fewer units end dead in at most 1/5 of the seeds",
       seeds=SEEDS, settings={"scale": 1.0, "steps": 300},
       neighbours=[{"scale": 1.5}, {"scale": 1 / 1.5}, *STEP_NEIGHBOURS],
       holds=lambda r: fraction_at_least(r["more"][1], r["ok"][1], 0.75) and r["fewer"][1] <= r["ok"][1] // 5
       and r["dead_decay"][0] > r["dead_plain"][0] and r["fewer"][0] <= r["ok"][0] // 5, slow=True)
def weight_decay_kills_more(seeds, scale, steps):
    out: dict = {k: [] for k in ("lrs", "ok", "more", "fewer", "dead_plain", "dead_decay", "acc_plain", "acc_decay",
                                 "diverged_plain", "diverged_decay")}
    for lr in (dying.SAFE_LR * scale, dying.FAILING_CONFIG["lr"] * scale):
        plain = dying.train_seeds({"lr": lr, "steps": steps}, seeds)
        decay = dying.train_seeds({"lr": lr, "steps": steps, "weight_decay": dying.DECAY}, seeds)
        ok = ~plain.diverged & ~decay.diverged
        out["lrs"].append(lr)
        out["ok"].append(int(ok.sum()))
        out["more"].append(int(np.sum(decay.dead_fraction[ok] > plain.dead_fraction[ok])))
        out["fewer"].append(int(np.sum(decay.dead_fraction[ok] < plain.dead_fraction[ok])))
        out["dead_plain"].append(float(np.median(plain.dead_fraction[ok])))
        out["dead_decay"].append(float(np.median(decay.dead_fraction[ok])))
        out["acc_plain"].append(float(np.median(plain.accuracy[ok])))
        out["acc_decay"].append(float(np.median(decay.accuracy[ok])))
        out["diverged_plain"].append(int(plain.diverged.sum()))
        out["diverged_decay"].append(int(decay.diverged.sum()))
    out["n"] = len(seeds)
    return out
