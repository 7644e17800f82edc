"""tools/make_dist.py: the notebooks zip holds what `pip install -r requirements.txt` needs; the site zip is one folder.

The site zip opened from disk in Chromium is tested in tests/lab/test_dist_site_zip.py (after the build).
"""

from __future__ import annotations

import importlib.util
import posixpath
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_dist", ROOT / "tools" / "make_dist.py")
make_dist = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_dist)


@pytest.fixture(scope="module")
def notebooks_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    path = make_dist.notebooks_zip(ROOT, out, "relu-textbook-test")
    with zipfile.ZipFile(path) as zf:
        yield zf


def test_notebooks_zip_has_every_notebook_under_one_folder(notebooks_zip):
    names = set(notebooks_zip.namelist())
    assert all(n.startswith("relu-textbook-test-notebooks/") for n in names)
    for folder in ("chapters", "exercises", "solutions"):
        for nb in (ROOT / folder).glob("*.ipynb"):
            assert f"relu-textbook-test-notebooks/{folder}/{nb.name}" in names


def test_notebooks_zip_installs_like_the_repository(notebooks_zip):
    names = set(notebooks_zip.namelist())
    top = "relu-textbook-test-notebooks/"
    requirements = notebooks_zip.read(top + "requirements.txt").decode()
    assert "-e ." in requirements and "./jupyter-config" in requirements
    for needed in ["pyproject.toml", "relubook/__init__.py", "relubook/widgets/_core.py", "relubook/checks/__init__.py",
                   "jupyter-config/pyproject.toml", "jupyter-config/jupyter_lab_config.json",
                   "jupyter-config/lab-settings/relubook.json", "runtime.txt", "LICENSE", "CITATION.cff"]:
        assert top + needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or ".egg-info" in n]


def test_pages_the_notebooks_link_to_are_in_the_zip(notebooks_zip):
    """Converted citations link to bibliography.md, chapter 1 to the benchmark report: both come along."""
    names = set(notebooks_zip.namelist())
    top = "relu-textbook-test-notebooks/"
    targets = set()
    for name in names:
        if name.endswith(".ipynb"):
            text = notebooks_zip.read(name).decode()
            for link in re.findall(r"\]\((\.\./[\w/.-]+\.md)", text):
                targets.add((Path(name).parent / link).as_posix())
    for target in targets:
        assert posixpath.normpath(target) in names, target
    assert top + "bibliography.md" in names and top + "bench/report.md" in names


def test_site_zip_needs_a_built_site(tmp_path):
    with pytest.raises(SystemExit, match="make book"):
        make_dist.site_zip(tmp_path / "nothing", tmp_path, "x")


def test_site_zip_is_one_folder_with_index(tmp_path):
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>")
    (site / "_static" / "a.js").write_text("1")
    (site / "__pycache__").mkdir()
    (site / "__pycache__" / "x.pyc").write_text("")
    path = make_dist.site_zip(site, tmp_path, "relu-textbook-9")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["relu-textbook-9/_static/a.js", "relu-textbook-9/index.html"]


def test_release_workflow_attaches_make_dist_to_every_v_tag():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert triggers["push"]["tags"] == ["v*"]
    steps = workflow["jobs"]["dist"]["steps"]
    assert any("make dist" in s.get("run", "") for s in steps)
    attach = next(s for s in steps if s.get("uses", "").startswith("softprops/action-gh-release"))
    assert attach["with"]["files"] == "dist/*"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^dist: book pdf$", makefile, re.MULTILINE) and "tools/make_dist.py" in makefile
