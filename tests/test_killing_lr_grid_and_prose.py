"""Review fixes for chapters 3 and 4: the slider-snapping lr checker, dtype instructions, prose read-backs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from relubook import checks, dying
from relubook.checks import dying as dying_checks

ROOT = Path(__file__).resolve().parent.parent


def _cells(path: str) -> list:
    return nbformat.read(ROOT / path, as_version=4).cells


def _cell(path: str, cell_id: str):
    return next(c for c in _cells(path) if c.get("id") == cell_id)


def _stream(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


# ---------------------------------------------------------------- smallest_killing_lr snaps to the slider
def test_slider_of_the_notebooks_is_the_checkers_grid():
    # the checker's grid must be what the FloatLogSlider of the chapter and the exercise shows
    pattern = re.compile(r"FloatLogSlider\(value=[\d.]+, base=10, min=(-?[\d.]+), max=(-?[\d.]+), step=([\d.]+)")
    for path in ("chapters/04_dying_relu.ipynb", "solutions/04_dying_relu.ipynb"):
        found = [pattern.search(c.source) for c in _cells(path) if "FloatLogSlider" in c.source]
        assert found and all(found), path
        for m in found:
            lo, hi, step = map(float, m.groups())
            exponents = np.arange(lo, hi + step / 2, step)
            np.testing.assert_allclose(dying.LR_GRID, 10.0 ** exponents, rtol=1e-12)


def test_every_readout_snaps_back_to_its_own_slider_position():
    for k, lr in enumerate(dying.LR_GRID):
        readout = float(format(lr, ".3g"))  # what the FloatLogSlider shows
        assert dying_checks.snap_to_lr_grid(readout) == k, (k, lr, readout)
        assert dying_checks.snap_to_lr_grid(float(lr)) == k


@pytest.mark.parametrize("between", [1.9, 2.1, 1.1, 0.05, 25.0])
def test_numbers_that_are_no_slider_rate_do_not_snap(between):
    assert dying_checks.snap_to_lr_grid(between) is None


@pytest.mark.parametrize(("answer", "index"), [(2.24, 27), (1.995, 26), (2.0, 26), (2, 26), (np.float32(2.24), 27)])
def test_readout_values_are_accepted_as_the_grid_rates_they_stand_for(answer, index):
    ref_index = int(np.flatnonzero(dying.LR_GRID == dying.SMALLEST_KILLING_LR)[0])
    assert index in (ref_index, ref_index + 1)
    result = checks.smallest_killing_lr(answer, quiet=True)
    assert result.passed, result.message
    assert result.details["slider_index"] == index
    assert result.details["slider_lr"] == float(dying.LR_GRID[index])
    # the checker trains at the slider's rate, as the widget does, not at the typed number
    assert result.details["dead_fraction"] == dying.killed_fraction(float(dying.LR_GRID[index]))
    assert f"{dying.LR_GRID[index]:.4g}" in result.message


def test_typed_two_reports_the_widgets_dead_fraction_not_the_one_at_exactly_two():
    result = checks.smallest_killing_lr(2.0, quiet=True)
    at_slider = dying.killed_fraction(float(dying.LR_GRID[26]))
    assert at_slider != dying.killed_fraction(2.0)  # the reading matters
    assert f"{100 * at_slider:.1f} %" in result.message


@pytest.mark.parametrize(
    ("answer", "phrases"),
    [
        (1.9, ["lr = 1.9", "not a rate of the slider", "1.78 and 2"]),
        (2.1, ["lr = 2.1", "not a rate of the slider", "2 and 2.24"]),
        (25.0, ["lr = 25", "goes from 0.1 to 20"]),
        (1.78, ["lr = 1.78", "not more than half"]),
        (2.51, ["lr = 2.51", "smaller rate"]),
        (2.82, ["lr = 2.82", "smaller rate"]),
        (10.0, ["lr = 10", "smaller rate"]),
    ],
)
def test_wrong_rates_are_rejected_naming_the_input(answer, phrases):
    result = checks.smallest_killing_lr(answer, quiet=True)
    assert result.passed is False
    for phrase in phrases:
        assert phrase in result.message, (phrase, result.message)


# ---------------------------------------------------------------- exercise 03: the dtype is part of the task
# Issue 17: a correct float64 value for a float32 input passes, with a note on keeping the dtype;
# the task text states the dtype it asks for.
@pytest.mark.parametrize(
    ("name", "checker", "float64_answer"),
    [
        ("leaky_relu", checks.leaky_relu, lambda x, alpha=0.01: np.where(np.asarray(x) > 0, x, alpha * x)
         .astype(np.float64)),
        ("elu", checks.elu, lambda x, alpha=1.0: np.where(np.asarray(x) > 0, x, alpha * np.expm1(
            np.minimum(x, 0))).astype(np.float64)),
        ("silu", checks.silu, lambda x: (np.asarray(x, dtype=np.float64) / (1 + np.exp(
            -np.clip(np.asarray(x, dtype=np.float64), -500, 500))))),
    ],
)
def test_tasks_that_check_the_dtype_say_so(name, checker, float64_answer):
    result = checker(float64_answer, quiet=True)
    assert result.passed is True and "float32" in result.message and "dtype" in result.message
    for path in ("solutions/03_variants.ipynb", "exercises/03_variants.ipynb"):
        tasks = [" ".join(c.source.split()) for c in _cells(path) if c.cell_type == "markdown"]
        assert any(f"Write `{name}(" in t and "in the dtype of" in t for t in tasks), (path, name)


# ---------------------------------------------------------------- chapter 4: prose numbers come from the code
def test_chapter_4_prose_reads_its_numbers_with_eval():
    cells = _cells("chapters/04_dying_relu.ipynb")
    prose = " ".join(c.source for c in cells if c.cell_type == "markdown")
    assert prose.count("{eval}") >= 40
    # every stored value is there for JupyterLab, none of them an error
    for cell in cells:
        for item in cell.metadata.get("user_expressions", []):
            assert item["result"].get("status") == "ok", item
