"""Review fixes for chapters 1 and 2: RMS signal propagation, relu_grad's hint, relu_identity's spy,
and the notebooks' prose agreeing with their printed numbers."""

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from relubook import checks, propagation
from relubook.checks import derivative as cd

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------
# propagation.activation_rms: what He initialisation keeps
# ----------------------------------------------------------------------------
def test_activation_rms_is_root_mean_square_of_the_same_networks():
    rms = propagation.activation_rms(4, 32, "relu", "he", 5, 64, n_networks=3)
    std = propagation.activation_stds(4, 32, "relu", "he", 5, 64, n_networks=3)
    assert rms.shape == std.shape == (5,)
    np.testing.assert_array_equal(rms, propagation.activation_rms(4, 32, "relu", "he", np.random.default_rng(5),
                                                                  64, n_networks=3))
    # same seed, same networks: the RMS is never below the std, and ReLU layers have a positive mean
    assert np.all(rms >= std - 1e-12)
    assert np.all(rms[1:] > std[1:] * 1.1)


def test_he_keeps_the_rms_not_the_std():
    # wide network, many samples: the expected values show through the noise
    rms = propagation.activation_rms(5, 1024, "relu", "he", 0, 512, n_networks=2)
    std = propagation.activation_stds(5, 1024, "relu", "he", 0, 512, n_networks=2)
    np.testing.assert_allclose(rms[1:] / rms[0], 1.0, atol=0.08)
    np.testing.assert_allclose(std[1:] / rms[1:], math.sqrt(1 - 1 / math.pi), atol=0.02)


# ----------------------------------------------------------------------------
# signal_50_layers measures the RMS, with a margin for He's answer
# ----------------------------------------------------------------------------
def test_signal_he_passes_with_margin():
    r = checks.signal_50_layers(lambda n: np.sqrt(2 / n), quiet=True)
    assert r.passed, r.message
    ratios = r.details["ratios"]
    low, high = cd.SIGNAL_BAND
    # far inside the band (measuring the std instead of the RMS gave a minimum of 0.517)
    assert ratios.min() > 1.4 * low and ratios.max() < high / 1.4, ratios
    assert "RMS" in r.message


@pytest.mark.parametrize("factor", [1.0, 1.013, 1 / 1.013, 1.005])
def test_signal_window_accepts_within_its_principled_margin(factor):
    r = checks.signal_50_layers(lambda n: factor * np.sqrt(2 / n), quiet=True, measure=False)
    assert r.passed, r.message


@pytest.mark.parametrize("factor", [1.015, 1 / 1.015, 0.99 ** 2, 1.02])
def test_signal_window_is_symmetric_in_ratio(factor):
    # 2 ** (1/50) = 1.0140: the expected RMS after 50 layers leaves [1/2, 2] beyond it, on either side
    r = checks.signal_50_layers(lambda n: factor * np.sqrt(2 / n), quiet=True, measure=False)
    assert r.passed is False, r.message
    lo, hi = cd.SIGNAL_BAND
    assert math.isclose(lo * hi, 1.0)


def test_signal_accepts_a_per_layer_design_whose_product_stays_in_the_band():
    he = math.sqrt(2 / cd.SIGNAL_WIDTH)
    zigzag = [he * (1.3 if k % 2 == 0 else 1 / 1.3) for k in range(50)]     # each layer off, the product not
    assert checks.signal_50_layers(zigzag, quiet=True, measure=False).passed
    assert checks.signal_50_layers([he * 1.3] * 50, quiet=True, measure=False).passed is False


@pytest.mark.parametrize(("variance", "phrase"), [(1.9, "shrunk"), (2.1, "grown")])
def test_signal_rejects_five_percent_off(variance, phrase):
    r = checks.signal_50_layers(lambda n: np.sqrt(variance / n), quiet=True, measure=False)
    assert r.passed is False
    assert phrase in r.message and "RMS has" in r.message
    assert re.search(r"has grown: 2 times", r.message) is None  # a value just above 2 is not printed as 2


# ----------------------------------------------------------------------------
# relu_grad: the hint's own code passes; scalars are part of the exercise
# ----------------------------------------------------------------------------
def _from_hint():
    body = "\n".join(f"    {line}" for line in cd.RELU_GRAD_HINT_CODE)
    namespace = {"np": np}
    exec(f"def relu_grad(x):\n{body}\n", namespace)
    return namespace["relu_grad"]


def test_relu_grad_hint_code_passes():
    r = checks.relu_grad(_from_hint(), quiet=True)
    assert r.passed, r.message
    assert r.details["value_at_zero"] == 0.0


def test_relu_grad_scalar_failure_shows_working_hint():
    r = checks.relu_grad(lambda x: (x > 0).astype(x.dtype), quiet=True)
    assert r.passed is False
    assert "the single number" in r.message
    assert all(line in r.message for line in cd.RELU_GRAD_HINT_CODE)


@pytest.mark.parametrize("fn", [
    lambda x: (np.asarray(x) > 0).astype(float),      # float64 whatever the input
    lambda x: np.where(x > 0, 1.0, 0.0),               # the natural np.where, also float64
])
def test_relu_grad_float64_answer_for_float32_input_fails_with_the_reason(fn):
    r = checks.relu_grad(fn, quiet=True)
    assert r.passed is False
    assert "float32" in r.message and "astype(x.dtype)" in r.message and "float64" in r.message


def test_relu_grad_keeping_dtype_has_no_note():
    r = checks.relu_grad(_from_hint(), quiet=True)
    assert r.details["keeps_dtype"] is True and "Note" not in r.message


def test_chapter_relu_grad_passes():
    import nbformat

    nb = nbformat.read(Path(__file__).resolve().parent.parent / "chapters" / "02_derivative.ipynb", as_version=4)
    source = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("def relu_grad"))
    namespace = {"np": np, "act": __import__("relubook").activations, "rng": np.random.default_rng(0)}
    exec(source.split("\n\n")[0], namespace)
    assert checks.relu_grad(namespace["relu_grad"], quiet=True).passed


def test_relu_grad_right_slope_convention_is_explained():
    r = checks.relu_grad(lambda x: (np.asarray(x) >= 0).astype(np.asarray(x).dtype), quiet=True)
    assert r.passed and r.details["value_at_zero"] == 1.0
    assert "x >= 0" in r.message and "subgradient" in r.message


# ----------------------------------------------------------------------------
# relu_identity: dtype not required; stacked calls count
# ----------------------------------------------------------------------------
def _in_float64(x, relu):
    x = np.asarray(x, dtype=np.float64)
    return relu(x) - relu(-x)


def _stacked(x, relu):
    r = relu(np.stack([x, -x]))
    return r[0] - r[1]


def _stacked_last_axis(x, relu):
    r = relu(np.stack([x, -x], axis=-1))
    return r[..., 0] - r[..., 1]


def _concatenated(x, relu):
    x = np.atleast_1d(x)
    n = x.shape[0]
    r = relu(np.concatenate([x, -x]))
    return r[:n] - r[n:]


@pytest.mark.parametrize("fn", [_in_float64, _stacked, _stacked_last_axis, _concatenated])
def test_identity_accepts_float64_and_stacked_answers(fn):
    r = checks.relu_identity(fn, quiet=True)
    assert r.passed, r.message


def _stacked_without_minus_x(x, relu):
    r = relu(np.stack([x, x]))
    return r[0] - np.maximum(0, -x)


def test_identity_still_requires_both_calls():
    r = checks.relu_identity(_stacked_without_minus_x, quiet=True)
    assert r.passed is False
    assert "relu(-x) was never computed" in r.message
    r = checks.relu_identity(lambda x, relu: np.maximum(0, x) - np.maximum(0, -x), quiet=True)
    assert r.passed is False
    assert "relu(x) and relu(-x) were never computed" in r.message
    assert "returning x directly" not in r.message


# ----------------------------------------------------------------------------
# notebooks: prose states what the cells print
# ----------------------------------------------------------------------------
def _cells(name):
    return nbformat.read(ROOT / name, as_version=4).cells


def _text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_chapter2_rms_prose_reads_the_cell_it_follows():
    cells = _cells("chapters/02_derivative.ipynb")
    i = next(k for k, c in enumerate(cells) if "ch2.forward_rms_per_layer" in c.source and c.cell_type == "code")
    prose = next(c.source for c in cells[i + 1:] if c.cell_type == "markdown"
                 and "figure-caption" not in c.metadata.get("tags", []))  # the figure's caption comes first
    for name in ("he_f", "he_last", "he_low", "he_high", "lecun_f", "lecun_end"):
        assert f"{{eval}}`{name}`" in prose, name
        assert re.search(rf"\b{name}\b", cells[i].source), name
    assert "Xavier" not in prose and "std at layer 30" not in prose


def test_chapter2_widget_exercise_has_a_probe_not_the_answer_table():
    # the fallback lets the learner try depths; it must not print the table that holds the answer
    for name in ("solutions/02_derivative.ipynb", "exercises/02_derivative.ipynb"):
        cells = _cells(name)
        start = next(k for k, c in enumerate(cells) if c.source.startswith("## 6."))
        widget = next(k for k in range(start, len(cells)) if "rw.live(dw.update_gradient_flow" in cells[k].source)
        probe = cells[widget + 2]
        assert probe.cell_type == "code" and "flow_text" in probe.source and "try_depths" in probe.source
        assert "nbval-ignore-output" not in probe.metadata.get("tags", [])
        printed = _text(probe)
        assert 0 < printed.count("first/last") <= 3, printed
        assert not ("depth 10," in printed and "depth 11," in printed), printed


def test_chapter1_properties_prose_mentions_the_false():
    cells = _cells("chapters/01_definition.ipynb")
    i = next(k for k, c in enumerate(cells) if "relu(a x) = a relu(x), a = -1" in c.source)
    assert _text(cells[i]).count("False") == 1
    prose = cells[i + 1].source
    assert "Every property holds exactly" not in prose
    assert "False" in prose and "a = -1" in prose
