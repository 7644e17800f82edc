"""The package's layout: imports go one way, experiments -> plotting -> widgets (issue 16, item 10).

Nothing outside ``relubook/widgets/`` imports the widget layer: a reader looking for a chapter's
experiments finds them in a module named for what it computes, and checkers run without ipywidgets.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "relubook"
OUTSIDE_WIDGETS = sorted(p for p in PACKAGE.rglob("*.py") if "widgets" not in p.relative_to(PACKAGE).parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the relubook modules a file imports (relative imports resolved)."""
    package = ["relubook", *path.relative_to(PACKAGE).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names |= {f"{module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("path", OUTSIDE_WIDGETS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_widgets_imports_widgets(path):
    bad = sorted(n for n in imported_modules(path) if n == "relubook.widgets" or n.startswith("relubook.widgets."))
    assert not bad, f"relubook/{path.relative_to(PACKAGE)} imports the widget layer: {bad}"


def test_the_rule_sees_a_relative_import(tmp_path):
    fake = PACKAGE / "checks" / "_layout_probe.py"
    fake.write_text("from ..widgets import live\n")
    try:
        assert "relubook.widgets.live" in imported_modules(fake)
    finally:
        fake.unlink()
