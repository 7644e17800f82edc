"""Helpers for the browser tests of the built site (tests/site/): paths, parsing, page scripts.

Every test here reads the site a reader gets from `make book` (``_build/html``; the environment
variable ``RELU_SITE_DIR`` points elsewhere). One browser serves the whole run; each page is opened
once, in a fresh browser context (empty cache: a reader's first visit), and everything the tests
ask about it is recorded then (``visit(page)``). Any request that leaves 127.0.0.1 is aborted and
recorded as a failure. Figures (axe-core, page weight) are printed at the end of the run;
screenshots go to tests/artifacts/site/.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("RELU_SITE_DIR", ROOT / "_build" / "html")).resolve()
ARTIFACTS = ROOT / "tests" / "artifacts" / "site"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("RELU_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}

# Filled while pages are visited, printed by pytest_terminal_summary.
REPORT: dict[str, dict] = {"axe": {}, "weight": {}, "timing": {}}


def site_pages() -> list[str]:
    """Every HTML page of the built site, as a path relative to its root ('chapters/x.html')."""
    if not SITE.is_dir():
        return []
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not SKIP_DIRS.intersection(p.relative_to(SITE).parts[:-1])
    )


def is_redirect(page: str) -> bool:
    return 'http-equiv="refresh"' in (SITE / page).read_text(errors="replace")[:2000].lower()


class TagParser(HTMLParser):
    """Collects every start tag with its attributes, and every id and name an anchor can target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, d))
        if d.get("id"):
            self.ids.add(d["id"])
        if tag == "a" and d.get("name"):
            self.ids.add(d["name"])


@functools.cache
def parse_page(page: str) -> TagParser:
    parser = TagParser()
    parser.feed((SITE / page).read_text(errors="replace"))
    return parser


@dataclass
class Visit:
    """What one page did in the browser on a first visit."""

    page: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    local_files: list[str] = field(default_factory=list)  # site paths of every response
    images: list[dict] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    widgets: dict = field(default_factory=dict)
    icons: dict = field(default_factory=dict)
    axe: dict = field(default_factory=dict)
    seconds: float = 0.0


def offline_context(browser, base_url: str, blocked: list[str], **kwargs):
    """A fresh browser context (empty cache) in which every non-127.0.0.1 request is aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **kwargs)

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", route)
    return context


def site_path(url: str, base_url: str) -> str | None:
    """The file of the site a local URL names, relative to the site's root; None if not local."""
    if not url.startswith(base_url):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


WAIT_FOR_MATH = """
async () => {
  if (!document.querySelector('.math, .MathJax_Preview, script[type^="math/tex"]')) return 'no math';
  for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return 'MathJax never started';
  await MathJax.startup.promise;
  return 'typeset';
}
"""

READ_MATH = r"""
() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .cell_input, '
             + '.output.text_plain, .output.stream, .output.traceback, .MathJax_Preview';
  const article = document.querySelector('article.bd-article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const raw = [];
  const pattern = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\s][^$]{0,200}?\$/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    const m = n.textContent.match(pattern);
    if (m) raw.push(n.textContent.trim().slice(0, 120));
  }
  return {
    containers: document.querySelectorAll('mjx-container').length,
    math_spans: article.querySelectorAll('.math').length,
    errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    raw: raw,
  };
}
"""

READ_IMAGES = """
() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src'), alt: (img.getAttribute('alt') || '').trim(),
  loaded: img.complete && img.naturalWidth > 0,
}))
"""

READ_WIDGETS = """
() => {
  const views = Array.from(document.querySelectorAll('script[type="__VIEW__"]'));
  const rendered = views.filter(view => {
    const area = view.previousElementSibling;
    return area && area.matches('.widget-subarea') &&
      area.querySelector('.jupyter-widgets, [class*="widget-"]') !== null;
  });
  return {
    state: document.querySelectorAll('script[type="__STATE__"]').length,
    views: views.length,
    rendered: rendered.length,
    controls: document.querySelectorAll('.jupyter-widgets, .widget-subarea [class*="widget-"]').length,
    // stored outputs the Output widgets show (figures, text)
    outputs: document.querySelectorAll('.widget-subarea .widget-output .jp-OutputArea-output').length,
    output_images: Array.from(document.querySelectorAll('.widget-subarea .widget-output img'))
      .filter(img => img.complete && img.naturalWidth > 0).length,
  };
}
""".replace("__VIEW__", WIDGET_VIEW).replace("__STATE__", WIDGET_STATE)

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.join(' '), impact: n.impact,
      own: (() => { try { const el = document.querySelector(n.target[0]);
                          return !!(el && el.closest('article.bd-article')); }
                    catch (e) { return false; } })(),
    })),
  }));
}
"""


def classify_axe(violations: list[dict]) -> dict:
    """Serious/critical violations split into the book's own content and the theme around it."""
    own, theme = [], []
    for v in violations:
        for node in v["nodes"]:
            impact = node["impact"] or v["impact"]
            if impact not in ("serious", "critical"):
                continue
            entry = f"{impact} {v['id']} ({v['help']}): {node['target']}"
            (own if node["own"] else theme).append(entry)
    return {"own": own, "theme": theme}




def resolve(page: str, href: str) -> tuple[str | None, str]:
    """(site path, fragment) of a link on page; (None, '') if it leaves the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
        return None, ""
    target = (Path(page).parent / unquote(parts.path)).as_posix() if parts.path else page
    norm: list[str] = []
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not norm:
                return "..", ""  # points above the site's root
            norm.pop()
        else:
            norm.append(part)
    target = "/".join(norm)
    if (SITE / target).is_dir():
        target = f"{target}/index.html".lstrip("/")
    return target, unquote(parts.fragment)


PAGES = [p for p in site_pages() if not is_redirect(p)]
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]
WIDGET_PAGES = [p for p in PAGES if WIDGET_STATE in (SITE / p).read_text(errors="replace")]

# Icons are drawn by the theme's Font Awesome stylesheet and webfonts (the book drops the theme's
# 1.5 MB icon script, _templates/layout.html): every visible icon must get a glyph from that font.
READ_ICONS = """
() => {
  const icons = Array.from(document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]'))
    .filter(el => el.getClientRects().length > 0);
  const blank = icons.filter(el => {
    const before = getComputedStyle(el, '::before');
    return !before.content || before.content === 'none' || before.content === 'normal' ||
      !/Font Awesome/.test(before.fontFamily);
  }).map(el => el.className);
  const faces = Array.from(document.fonts).filter(f => /Font Awesome/.test(f.family));
  return {
    visible: icons.length,
    blank,
    loaded_faces: faces.filter(f => f.status === 'loaded').map(f => `${f.family} ${f.weight}`),
    svg_icons: document.querySelectorAll('svg.svg-inline--fa').length,
  };
}
"""
WAIT_FOR_WIDGETS = """
() => Array.from(document.querySelectorAll('script[type="__VIEW__"]')).every(view =>
  view.previousElementSibling && view.previousElementSibling.matches('.widget-subarea') &&
  view.previousElementSibling.children.length > 0)
""".replace("__VIEW__", WIDGET_VIEW)
