"""Page weight budget (issue 8): figures printed at the end of the run, uncompressed bytes.

* a page's own bytes (its HTML and its images, not the theme's shared files) <= 2 MB;
* a first visit (empty cache: the page and everything the browser fetched for it) <= 4 MB, pages
  with live widgets included (they load the book's widget manager, about 0.9 MB);
* the whole site <= 150 MB (issue 16: the widgets' precomputed frames, _static/frames/, are in it;
  a page fetches its frames only when a reader moves a control, so a first visit loads none),
  and no source maps (*.js.map) shipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import PAGES, REPORT, SITE, parse_page, resolve, site_pages

MB = 1_000_000
OWN_BUDGET, FIRST_VISIT_BUDGET, SITE_BUDGET = 2 * MB, 4 * MB, 150 * MB


def own_bytes(page: str) -> int:
    """The page's HTML and the images it shows that are its own (not under _static/)."""
    files = {page}
    for tag, attrs in parse_page(page).tags:
        if tag in ("img", "source") and attrs.get("src"):
            target, _ = resolve(page, attrs["src"])
            if target and not target.startswith("_static/") and (SITE / target).is_file():
                files.add(target)
    return sum((SITE / f).stat().st_size for f in files)


def first_visit_bytes(visit, page: str) -> int:
    files = set(visit(page).local_files) | {page}
    return sum((SITE / f).stat().st_size for f in files if (SITE / f).is_file())


def _record(page: str, own: int, first: int) -> None:
    rows = REPORT["weight"].setdefault("rows", {})
    rows[page] = (own, first)
    total = sum(f.stat().st_size for f in SITE.rglob("*") if f.is_file())
    lines = [f"{'page':40s} {'own MB':>8s} {'first visit MB':>15s}"]
    lines += [f"{p:40s} {o / MB:8.2f} {f / MB:15.2f}" for p, (o, f) in sorted(rows.items())]
    lines.append(f"whole site: {total / MB:.1f} MB in {sum(1 for _ in SITE.rglob('*'))} entries "
                 f"(budgets: own {OWN_BUDGET // MB} MB, first visit {FIRST_VISIT_BUDGET // MB} MB, "
                 f"site {SITE_BUDGET // MB} MB)")
    REPORT["weight"]["lines"] = lines


@pytest.mark.parametrize("page", PAGES)
def test_page_weight(visit, page):
    own, first = own_bytes(page), first_visit_bytes(visit, page)
    _record(page, own, first)
    assert own <= OWN_BUDGET, f"{page}: its own HTML and images weigh {own / MB:.2f} MB"
    assert first <= FIRST_VISIT_BUDGET, (
        f"{page}: a first visit loads {first / MB:.2f} MB (budget {FIRST_VISIT_BUDGET / MB:.0f} MB)")


def test_site_weight_and_no_source_maps():
    files = [f for f in SITE.rglob("*") if f.is_file()]
    total = sum(f.stat().st_size for f in files)
    maps = [f.relative_to(SITE).as_posix() for f in files if f.name.endswith(".map")]
    print(f"whole site: {total / MB:.1f} MB, {len(files)} files, {len(site_pages())} pages")
    assert total <= SITE_BUDGET, f"the site weighs {total / MB:.1f} MB"
    assert not maps, f"source maps shipped: {maps[:10]}"


def test_weight_helpers_see_the_site():
    assert Path(SITE).is_dir()
