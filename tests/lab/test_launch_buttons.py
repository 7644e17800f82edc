"""Every launch link on every page of the built site points where ``_config.yml`` says (issue 29, point 16).

Reads ``_build/html`` (``make test`` builds it before the browser tests). One place sets where the
book's doors lead: ``repository`` (url, branch) and ``launch_buttons`` (Binder, an optional JupyterHub,
Colab) in ``_config.yml``. Each link is recomputed here from that file and the page's own notebook,
independently of sphinx-book-theme, and compared with what the page carries:

* every notebook page (chapters, exercises, solutions) has a Binder and a Colab entry that open its
  notebook in JupyterLab, and a JupyterHub entry exactly when ``launch_buttons.jupyterhub_url`` is set;
* no page carries a launch link for a service ``_config.yml`` does not configure (no placeholder hub),
  nor a link into a repository other than ``repository.url``;
* the repository and issue buttons open ``repository.url``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .conftest import ROOT

HTML = Path(os.environ.get("RELU_SITE_DIR", ROOT / "_build" / "html")).resolve()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
LAUNCH = CONFIG["launch_buttons"]
ORG_REPO = REPO_URL.removeprefix("https://github.com/")
REPO_NAME = ORG_REPO.split("/")[-1]
SERVICES = {  # the launch services sphinx-book-theme knows, by the key that turns each on
    "binderhub_url": "Binder", "jupyterhub_url": "JupyterHub", "colab_url": "Colab",
    "deepnote_url": "Deepnote", "jupyterlite_url": "JupyterLite",
}
NOTEBOOK_FOLDERS = ("chapters", "exercises", "solutions")


def configured(key: str) -> str:
    return str(LAUNCH.get(key) or "").strip().rstrip("/")


def pages() -> list:
    if not HTML.is_dir():
        return []
    return sorted(p for p in HTML.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(HTML).parts))


def launch_links(page) -> dict[str, list[str]]:
    """The entries of the page's launch menu (rocket icon), by their visible name."""
    text = page.read_text(errors="replace")
    menu = re.search(r'<div class="dropdown dropdown-launch-buttons">(.*?)</ul>', text, re.S)
    found: dict[str, list[str]] = {}
    if menu:
        for href, body in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', menu.group(1), re.S):
            name = re.sub(r"<[^>]+>", " ", body).split()
            found.setdefault(name[-1] if name else "?", []).append(html.unescape(href))
    return found


def expected_links(notebook: str) -> dict[str, list[str]]:
    want: dict[str, list[str]] = {}
    if configured("binderhub_url"):
        want["Binder"] = [f"{configured('binderhub_url')}/v2/gh/{ORG_REPO}/{BRANCH}?urlpath=lab/tree/{notebook}"]
    if configured("jupyterhub_url"):
        want["JupyterHub"] = ["(checked by its query)"]
    if configured("colab_url"):
        want["Colab"] = [f"{configured('colab_url')}/github/{ORG_REPO}/blob/{BRANCH}/{notebook}"]
    return want


@pytest.fixture(scope="module")
def built():
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make book` first (make test does)")
    return HTML


def test_launch_settings_are_real():
    """No placeholder address in the launch settings: an unset hub is empty, not example.edu."""
    assert LAUNCH["notebook_interface"] == "jupyterlab"
    for key in SERVICES:
        value = configured(key)
        assert "example." not in value, f"launch_buttons.{key} is a placeholder ({value}): leave it empty"
        if value:
            assert urlsplit(value).scheme == "https", f"launch_buttons.{key} must be an https URL, got {value!r}"
    assert urlsplit(REPO_URL).netloc == "github.com", "Binder and Colab links here are built for GitHub"


def test_every_launch_link_on_every_page_matches_the_config(built):
    notebook_pages = 0
    for page in pages():
        rel = page.relative_to(built).as_posix()
        links = launch_links(page)
        notebook = rel.removesuffix(".html") + ".ipynb"
        is_notebook = rel.split("/")[0] in NOTEBOOK_FOLDERS and (ROOT / notebook).exists()
        if not is_notebook:
            assert not links, f"{rel}: launch links on a page with no notebook: {links}"
            continue
        notebook_pages += 1
        want = expected_links(notebook)
        assert sorted(links) == sorted(want), (
            f"{rel}: the launch menu offers {sorted(links)}, _config.yml configures {sorted(want)}")
        for name, hrefs in want.items():
            if name == "JupyterHub":
                continue
            assert links[name] == hrefs, f"{rel}: {name} link {links[name]} != {hrefs}"
        if "JupyterHub" in want:
            (hub,) = links["JupyterHub"]
            assert hub.startswith(configured("jupyterhub_url") + "/hub/user-redirect/git-pull?"), hub
            assert parse_qs(urlsplit(hub).query) == {
                "repo": [REPO_URL], "urlpath": [f"lab/tree/{REPO_NAME}/{notebook}"], "branch": [BRANCH]}
    wanted_pages = sum(1 for f in NOTEBOOK_FOLDERS for _ in (ROOT / f).glob("*.ipynb"))
    assert notebook_pages == wanted_pages, f"{notebook_pages} notebook pages built, {wanted_pages} notebooks"


def test_no_page_links_a_hub_or_repository_the_config_does_not_name(built):
    """Besides the menu: no link on any page goes to an unconfigured hub or another copy of the book."""
    other_repo = re.compile(r"https://github\.com/([^/\"'#?]+/[^/\"'#?]+)")
    for page in pages():
        text = html.unescape(page.read_text(errors="replace"))
        rel = page.relative_to(built).as_posix()
        for href in re.findall(r'href="([^"]+)"', text):
            if "/hub/user-redirect/git-pull" in href:
                assert configured("jupyterhub_url") and href.startswith(configured("jupyterhub_url")), (
                    f"{rel}: a JupyterHub link with no hub configured: {href}")
            m = other_repo.match(href)
            if m and m.group(1).lower().startswith(ORG_REPO.split("/")[0].lower() + "/"):
                assert m.group(1) == ORG_REPO, f"{rel}: a link into {m.group(1)}, not {ORG_REPO}: {href}"


def test_repository_buttons_open_the_configured_repository(built):
    page = built / "chapters" / "01_definition.html"
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page.read_text())]
    assert REPO_URL in hrefs, "the repository button does not open repository.url"
    issues = [h for h in hrefs if "/issues/new" in h]
    assert issues and all(h.startswith(f"{REPO_URL}/issues/new") for h in issues), issues
