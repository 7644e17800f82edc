"""Every {eval} role names a plain variable: myst-nb refuses anything else with a build warning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("chapters", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
EVAL = re.compile(r"\{eval\}`([^`]*)`")


def eval_name_pattern() -> re.Pattern:
    """myst-nb's ``eval_name_regex`` (its default unless _config.yml sets one)."""
    found = re.search(r"^\s*eval_name_regex:\s*['\"]?(.+?)['\"]?\s*$", (ROOT / "_config.yml").read_text(), re.M)
    return re.compile(found.group(1) if found else r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def bad_expressions(source: str, pattern: re.Pattern) -> list[str]:
    return [e for e in EVAL.findall(source) if not pattern.match(e)]


def test_the_check_finds_an_indexed_expression():
    assert bad_expressions("a {eval}`wd_p[1]` and {eval}`wd_p1`", eval_name_pattern()) == ["wd_p[1]"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_eval_is_a_plain_name(path):
    pattern = eval_name_pattern()
    cells = json.loads(path.read_text())["cells"]
    bad = [(i, e) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
           for e in bad_expressions("".join(c["source"]), pattern)]
    assert not bad, f"{path.name}: {{eval}} takes a variable name, not an expression: {bad}"
