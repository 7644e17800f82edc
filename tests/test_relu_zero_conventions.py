"""Chapter 2's three conventions for relu'(0), written out in NumPy, agree with PyTorch's autograd.

The book does not depend on PyTorch: this test is skipped where it is not installed. With it
(e.g. a throwaway venv: ``pip install torch numpy nbformat pytest``), it runs the chapter's own
``conventions`` cell and compares each rule with what ``torch.relu``, ``torch.maximum`` and
``torch.clamp(min=0)`` return on the chapter's example, where one pre-activation is exactly 0.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _chapter_conventions():
    nb = nbformat.read(ROOT / "chapters" / "02_derivative.ipynb", as_version=4)
    source = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("conventions = {"))
    namespace = {"np": np, "shown": lambda v, spec="": format(v, spec)}
    exec(source.split("for name, d in")[0], namespace)       # the rules and the example, not the printing
    return namespace["conventions"], namespace["X"], namespace["w"], namespace["b"]


def test_the_chapter_example_puts_one_pre_activation_on_the_kink():
    conventions, X, w, b = _chapter_conventions()
    z = X @ w + b
    assert np.sum(z == 0) == 1
    sums = [d(z).sum() for d in conventions.values()]
    assert sums == sorted(sums) and len(set(sums)) == 3        # 0, 1/2 and 1 give three bias gradients


def test_pytorch_agrees_with_the_three_rules():
    torch = pytest.importorskip("torch")
    conventions, X, w, b = _chapter_conventions()
    forms = {"relu op, 0 at 0": torch.relu,
             "maximum, 1/2 at 0": lambda z: torch.maximum(z, torch.zeros_like(z)),
             "clamp(min=0), 1 at 0": lambda z: torch.clamp(z, min=0)}
    assert set(forms) == set(conventions)
    for name, form in forms.items():
        bias = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        z = torch.tensor(X @ w, dtype=torch.float64) + bias
        form(z).sum().backward()
        expected = conventions[name](X @ w + b).sum()
        assert bias.grad.item() == pytest.approx(expected), name
