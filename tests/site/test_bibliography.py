"""The bibliography reads as the text cites it, and leads back to the text (issue 29, point 20).

Static checks of the built site: every entry's label is author-year ("Glorot et al., 2011"), the list
is sorted by that label, and every citation link in the book has an anchor that the entry it cites
links back to (and every back-link lands on such an anchor).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sitekit import PAGES, SITE, parse_page, resolve

LABEL = re.compile(r"^[^\W\d][\w\s.'’-]*(?: and [^\W\d][\w\s.'’-]*| et al\.)?, (?:\d{4}|n\.d\.)[a-z]?$")


def _bibliography() -> str:
    page = SITE / "bibliography.html"
    if not page.exists():
        pytest.fail(f"no {page}: run `make book`")
    return page.read_text(errors="replace")


def entries(text: str) -> list[tuple[str, str, str]]:
    """(id, label, html) of each entry of the bibliography page."""
    found = []
    for m in re.finditer(r'<div class="citation" id="(cite-[^"]+)"[^>]*>(.*?)</div>', text, re.S):
        label = re.search(r'<span class="label">(.*?)</span>\s*<p>', m.group(2), re.S)
        plain = re.sub(r"<[^>]+>", "", label.group(1)).strip().strip("[]") if label else ""
        found.append((m.group(1), plain, m.group(2)))
    return found


def test_entries_are_author_year_and_sorted():
    found = entries(_bibliography())
    assert len(found) >= 10, f"only {len(found)} entries"
    bad = [label for _, label, _ in found if not LABEL.match(label)]
    assert not bad, f"labels that are not author-year: {bad[:5]}"
    labels = [label.lower() for _, label, _ in found]
    assert labels == sorted(labels), "the bibliography is not sorted by author and year"


def test_every_citation_links_back_and_forth():
    found = entries(_bibliography())
    backlinks: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for cite_id, _, body in found:
        for href in re.findall(r'<a class="relubook-backlink[^"]*" href="([^"]+)"', body):
            target, fragment = resolve("bibliography.html", href)
            assert target in PAGES and fragment in parse_page(target).ids, f"{cite_id}: back-link {href} lands nowhere"
            backlinks[cite_id].add((target, fragment))
    cited = 0
    for page in PAGES:
        if page == "bibliography.html":
            continue
        text = (SITE / page).read_text(errors="replace")
        for anchor, href in re.findall(r'<span class="relubook-citeref" id="([^"]+)">\s*<a [^>]*href="([^"]+)"', text):
            target, fragment = resolve(page, href)
            assert target == "bibliography.html", (page, href)
            assert (page, anchor) in backlinks.get(fragment, set()), (
                f"{page}: citation {anchor} -> {fragment} has no back-link")
            cited += 1
    assert cited >= 10, f"only {cited} citation links found in the book"
    uncited = [cite_id for cite_id, _, body in found if "relubook-cited-in" not in body]
    assert not uncited, f"entries that say nothing about where they are cited: {uncited[:5]}"
