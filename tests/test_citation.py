"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with the book; errata and CONTRIBUTING exist.

The schema is shipped in tests/data (no network at test time).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "cff-1.2.0.schema.json").read_text())


def cff_errors(document) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(document)]


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text())


def test_citation_cff_is_valid_cff_1_2_0():
    doc = citation()
    assert doc["cff-version"] == "1.2.0"
    assert cff_errors(doc) == []


@pytest.mark.parametrize("broken", [
    {"title": None}, {"authors": []}, {"cff-version": "9.9"}, {"license": "not-a-licence"}, {"url": "no url"},
])
def test_the_validator_rejects_broken_files(broken):
    doc = {**citation(), **broken}
    assert cff_errors(doc), f"a broken CITATION.cff passed: {broken}"


def test_citation_agrees_with_the_book():
    doc = citation()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert doc["title"] == config["title"]
    assert doc["repository-code"].rstrip("/") == config["repository"]["url"].rstrip("/")
    assert str(doc["version"]) == version
    assert doc["preferred-citation"]["title"] == config["title"]


def test_landing_page_says_how_to_cite_and_links_errata_and_contributing():
    intro = (ROOT / "intro.md").read_text()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert "**How to cite.**" in intro and f"version {version}" in intro
    assert "CITATION.cff" in intro and "CONTRIBUTING.md" in intro and "{doc}`errata`" in intro


def test_errata_page_is_in_the_back_matter_with_a_section_for_this_version():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    back = next(p for p in toc["parts"] if p["caption"] == "Back matter")
    assert "errata" in [c["file"] for c in back["chapters"]]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    errata = (ROOT / "errata.md").read_text()
    assert re.search(rf"^## Version {re.escape(version)}\b", errata, re.MULTILINE), \
        f"errata.md has no '## Version {version}' section"


def test_contributing_covers_what_a_new_author_needs():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for needed in ["tools/nb.py execute", "tools/nb.py portable-myst", "OPENBLAS_CORETYPE=Haswell",
                   "OPENBLAS_CORETYPE=Sandybridge", "make test", "Reporting an error", "make exercises"]:
        assert needed in text, f"CONTRIBUTING.md does not mention {needed!r}"
