"""Tests of relubook.tables: the comparison table is measured, not typed."""

import math

import numpy as np
import pytest
from scipy import special

from relubook import activations, tables


@pytest.fixture(scope="module")
def rows():
    return {r["name"]: r for r in tables.comparison_rows()}


def test_one_row_per_registry_entry_in_order():
    names = [r["name"] for r in tables.comparison_rows()]
    assert names == activations.names()


def test_every_column_present(rows):
    for row in rows.values():
        for key, _ in tables.COLUMNS:
            assert key in row


def test_values_at_zero_and_minus_three_match_registry(rows):
    for name, row in rows.items():
        act = activations.get(name)
        assert row["f0"] == pytest.approx(float(act.forward(0.0, **act.params)), abs=1e-12)
        assert row["df0"] == pytest.approx(float(act.grad(0.0, **act.params)), abs=1e-12)
        assert row["df_m3"] == pytest.approx(float(act.grad(-3.0, **act.params)), abs=1e-12)


def test_known_values(rows):
    assert rows["softplus"]["f0"] == pytest.approx(math.log(2))
    assert rows["sigmoid"]["df0"] == pytest.approx(0.25)
    assert rows["selu"]["df0"] == pytest.approx(activations.SELU_SCALE * activations.SELU_ALPHA)
    assert rows["gelu"]["df_m3"] == pytest.approx(special.ndtr(-3) - 3 * np.exp(-4.5) / np.sqrt(2 * np.pi))


def test_saturation_values(rows):
    assert rows["elu"]["saturation"] == pytest.approx(-1.0)
    assert rows["selu"]["saturation"] == pytest.approx(-activations.SELU_SCALE * activations.SELU_ALPHA)
    assert rows["tanh"]["saturation"] == pytest.approx(-1.0)
    assert rows["leaky_relu"]["saturation"] == -math.inf
    assert rows["prelu"]["saturation"] == -math.inf
    for name in ["relu", "gelu", "silu", "mish", "softplus", "sigmoid", "relu6"]:
        assert rows[name]["saturation"] == 0.0


def test_non_monotonic_ones_have_interior_minimum(rows):
    non_monotonic = {n for n, r in rows.items() if not r["monotonic"]}
    assert non_monotonic == {"gelu", "silu", "mish"}
    for name in non_monotonic:
        m = rows[name]
        assert m["minimum"] < -0.1 and -2 < m["argmin"] < 0
        # a true minimum: the derivative vanishes there and neighbours are higher
        act = activations.get(name)
        assert abs(float(act.grad(m["argmin"]))) < 1e-6
        assert act.forward(m["argmin"] - 1e-3) > m["minimum"] < act.forward(m["argmin"] + 1e-3)


def test_silu_minimum_against_lambert_w(rows):
    # SiLU'(x) = 0  <=>  x = -1 - W(1/e) ... solved independently: x = -(1 + W(e^-1))
    x_star = -(1 + special.lambertw(np.exp(-1)).real)
    assert rows["silu"]["argmin"] == pytest.approx(x_star, abs=1e-6)
    assert rows["silu"]["minimum"] == pytest.approx(x_star * special.expit(x_star), abs=1e-12)


def test_gelu_minimum_is_stationary_point(rows):
    # GELU'(x) = Phi(x) + x phi(x) = 0, solved with brentq independently of the table
    from scipy import optimize

    x_star = optimize.brentq(lambda x: special.ndtr(x) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi), -2, -0.1)
    assert rows["gelu"]["argmin"] == pytest.approx(x_star, abs=1e-6)


def test_smoothness(rows):
    kinked = {n for n, r in rows.items() if not r["smooth"]}
    assert {"relu", "leaky_relu", "prelu", "relu6", "selu"} <= kinked
    for name in ["gelu", "silu", "mish", "softplus", "sigmoid", "tanh", "celu", "elu", "squared_relu"]:
        assert rows[name]["smooth"], name


def test_ranges(rows):
    assert rows["relu"]["range"] == "[0, ∞)"
    assert rows["relu6"]["range"] == "[0, 6]"
    assert rows["sigmoid"]["range"] == "(0, 1)"
    assert rows["tanh"]["range"] == "(−1, 1)"
    assert rows["elu"]["range"] == "(−1, ∞)"
    assert rows["leaky_relu"]["range"] == "(−∞, ∞)"
    assert rows["relu"]["argmin_text"] == "x ≤ 0"


def test_mean_on_standard_normal():
    assert tables.mean_on_standard_normal("relu") == pytest.approx(1 / np.sqrt(2 * np.pi), abs=1e-10)
    assert tables.mean_on_standard_normal("leaky_relu", alpha=0.5) == pytest.approx(0.5 / np.sqrt(2 * np.pi))
    assert tables.mean_on_standard_normal("selu") == pytest.approx(0.0, abs=1e-9)
    assert tables.mean_on_standard_normal("tanh") == pytest.approx(0.0, abs=1e-12)
    # against a seeded sample
    z = np.random.default_rng(0).standard_normal(400_000)
    assert tables.mean_on_standard_normal("elu", alpha=1.5) == pytest.approx(np.mean(activations.elu(z, 1.5)),
                                                                              abs=5e-3)


def test_measure_minimum_kinds():
    assert tables.measure_minimum("relu")["kind"] == "flat"
    assert tables.measure_minimum("elu")["kind"] == "limit"
    assert tables.measure_minimum("leaky_relu")["kind"] == "unbounded"
    assert tables.measure_minimum("mish")["kind"] == "interior"
    assert tables.measure_minimum("elu", alpha=2.0)["value"] == pytest.approx(-2.0)


def test_render_html(rows):
    html = tables.render_html(list(rows.values()))
    assert html.count("<tr>") == len(rows) + 1
    assert "\\max(0, x)" in html and "−0.17" in html
    for _, title in tables.COLUMNS:
        assert title.replace("<", "&lt;") in html


def test_no_negative_zero_printed(rows):
    html = tables.render_html(list(rows.values()))
    assert ">−0<" not in html and ">-0<" not in html


def test_relative_cost_small():
    costs = tables.relative_cost(["relu", "elu"], size=1000, rounds=3, number=2)
    assert set(costs) == {"relu", "elu"}
    assert costs["relu"] == 1.0 and costs["elu"] > 0
    assert "ELU" in tables.render_cost_html(costs)


def _fake_clock(monkeypatch, cost_of, disturb=None):
    """Replace timeit.timeit by a clock where each function takes ``cost_of[key]`` units per call."""
    calls = []

    def fake_timeit(stmt, number):
        calls.append(stmt)
        units = cost_of(stmt)
        if disturb is not None:
            units *= disturb(len(calls))
        return units * number

    monkeypatch.setattr(tables.timeit, "timeit", fake_timeit)
    return calls


def test_cost_rows_are_best_of_interleaved_rounds_beside_the_copy_floor(monkeypatch):
    # Fake clock: copy 1 unit, ReLU 2, ReLU' 3, ELU 10, ELU' 30. Three timings are disturbed (x 50):
    # ReLU in round 1, ELU in round 2, ELU' in round 3; the best of the rounds ignores them.
    def cost_of(fn):
        return fake_units[fn]

    fake_units = {}
    real_interleaved = tables.interleaved_best

    def spy(fns, rounds, number):
        units = {tables.COPY: 1, ("relu", "forward"): 2, ("relu", "grad"): 3,
                 ("elu", "forward"): 10, ("elu", "grad"): 30}
        for key, fn in fns.items():
            fake_units[fn] = units[key]
        return real_interleaved(fns, rounds=rounds, number=number)

    monkeypatch.setattr(tables, "interleaved_best", spy)
    calls = _fake_clock(monkeypatch, cost_of, disturb=lambda i: 50 if i in (2, 9, 15) else 1)
    rows = tables.cost_rows(["relu", "elu"], size=10, rounds=4, number=3)
    assert [r["name"] for r in rows] == ["relu", "elu"]
    elu = rows[1]
    assert elu["label"] == "ELU"
    assert elu["forward_vs_relu"] == pytest.approx(5.0) and elu["forward_vs_copy"] == pytest.approx(10.0)
    assert elu["grad_vs_relu"] == pytest.approx(10.0) and elu["grad_vs_copy"] == pytest.approx(30.0)
    assert elu["forward_ms"] == pytest.approx(10e3) and elu["copy_ms"] == pytest.approx(1e3)
    assert rows[0]["forward_vs_relu"] == 1.0 and rows[0]["forward_vs_copy"] == pytest.approx(2.0)
    assert len(elu["forward_vs_relu_rounds"]) == 4
    assert elu["forward_vs_relu_rounds"] == pytest.approx([0.1, 250.0, 5.0, 5.0])  # the spread shows them
    # interleaved: each round times copy, relu, relu', elu, elu' once, in that order, 4 rounds
    assert len(calls) == 5 * 4
    assert calls[:5] == calls[5:10]


def test_every_row_gets_the_same_number_of_timings(monkeypatch):
    counts = {}

    def fake_timeit(stmt, number):
        counts[stmt] = counts.get(stmt, 0) + number
        return 1e-3 * number

    monkeypatch.setattr(tables.timeit, "timeit", fake_timeit)
    tables.cost_rows(["relu", "elu", "gelu"], size=10, rounds=5, number=2)
    assert len(counts) == 1 + 2 * 3 and set(counts.values()) == {10}


def test_cost_rows_real_timing_and_html():
    rows = tables.cost_rows(["relu", "squared_relu", "sigmoid"], size=2000, rounds=2, number=1)
    assert all(r["forward_ms"] > 0 and r["grad_ms"] > 0 and r["forward_vs_copy"] > 0 for r in rows)
    html = tables.render_cost_html(rows)
    assert "Squared ReLU" in html and "× copy" in html and "derivative" in html
    forward_only = tables.cost_rows(["elu"], size=100, rounds=1, number=1, derivatives=False)
    assert "grad_ms" not in forward_only[0] and "derivative" not in tables.render_cost_html(forward_only)


@pytest.mark.parametrize("kwargs", [{"rounds": 0}, {"number": 0}, {"size": 0}, {"rounds": 1.5}])
def test_relative_cost_validates_settings(kwargs):
    with pytest.raises(ValueError):
        tables.relative_cost(["relu"], **{"size": 10, **kwargs})


def test_cost_rows_rejects_unknown_names_before_timing():
    with pytest.raises(ValueError, match="relu7"):
        tables.cost_rows(["relu7"])


def test_formula_uses_registry_latex():
    m = tables.formula("elu")
    assert activations.get("elu").latex in m.data
