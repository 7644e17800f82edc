"""Print the one-page build of the book (``jupyter-book build . --builder singlehtml``) to a PDF.

Debian's chromium (``/usr/bin/chromium``, driven by Playwright; no browser download, no LaTeX) opens
the page from a server on 127.0.0.1 with every other request aborted, waits for MathJax, and prints
it. Then the PDF is checked: every chapter's title is in its text (``pdftotext``), it holds at
least as many images as the page shows (``pdfimages``), and no math is left as TeX source.
The two checks need Debian's poppler-utils; without them the PDF is written and the check skipped
with a note.

Usage: ``python tools/make_pdf.py _build/singlehtml _build/pdf/book.pdf`` (``make pdf`` does this).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# every widget view has been drawn (its area holds the widget), and each precomputed widget shows a frame
WIDGETS_DRAWN = """
() => Array.from(document.querySelectorAll('script[type="__VIEW__"]')).every(view =>
        view.previousElementSibling && view.previousElementSibling.matches('.widget-subarea') &&
        view.previousElementSibling.children.length > 0) &&
      Array.from(document.querySelectorAll('.relubook-frames')).every(w => {
        const img = w.querySelector('.widget-output img'); return img && img.complete && img.naturalWidth > 0; })
""".replace("__VIEW__", WIDGET_VIEW)
# As printed: a widget's output area that shows neither a picture nor text (an empty framed box).
EMPTY_WIDGET_BOXES = """
() => Array.from(document.querySelectorAll('script[type="__VIEW__"]')).map(view => view.closest('.cell_output')
        || view.parentElement).filter(box => box && box.getClientRects().length > 0 &&
        !box.querySelector('img') && !(box.innerText || '').trim()).length
""".replace("__VIEW__", WIDGET_VIEW)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def chapter_titles() -> list[str]:
    """The first heading of every chapter notebook listed in _toc.yml."""
    import json

    titles = []
    toc = (ROOT / "_toc.yml").read_text()
    for name in re.findall(r"file:\s*(chapters/\S+)", toc):
        nb = json.loads((ROOT / f"{name}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                m = re.search(r"^#\s+(.+)$", "".join(cell["source"]), re.M)
                if m:
                    titles.append(m.group(1).strip())
                    break
    return titles


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def start_page(site: Path) -> str:
    """The page that holds the book: Jupyter Book writes index.html as a redirect to the root document."""
    index = (site / "index.html").read_text(errors="replace")
    m = re.search(r'http-equiv="refresh"[^>]*url=([^"\'>\s]+)', index, re.I)
    return m.group(1) if m else "index.html"


def print_pdf(site: Path, out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    blocked: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname not in (None, "127.0.0.1") and r.request.url.startswith("http"):
            blocked.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page()
            page.route("**/*", route)
            page.goto(base + start_page(site), wait_until="load")
            page.evaluate("""async () => {
                for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
                    await new Promise(r => setTimeout(r, 50));
                if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
            }""")
            page.wait_for_load_state("networkidle")
            # the live widgets: printed as the first frame they show, without their controls
            # (browser/site/relubook-site.css, @media print); wait for the widget manager to draw them
            if page.evaluate(f"() => !!document.querySelector('script[type=\"{WIDGET_VIEW}\"]')"):
                try:
                    page.wait_for_function(WIDGETS_DRAWN, timeout=60_000)
                except Exception as exc:  # noqa: BLE001 - the check below reports empty boxes
                    print(f"make_pdf: the widgets were not all drawn ({str(exc).splitlines()[0]})")
            facts = page.evaluate("""() => ({
                math: document.querySelectorAll('mjx-container').length,
                images: new Set(Array.from(document.images).filter(i => i.naturalWidth > 0)
                                  .map(i => i.src)).size,
                broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
                             .map(i => i.getAttribute('src')),
            })""")
            page.emulate_media(media="print")
            facts["empty_widgets"] = page.evaluate(EMPTY_WIDGET_BOXES)
            # paper cannot scroll sideways: wrap long code lines instead of cutting them off
            page.add_style_tag(content="pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, outline=True,
                     margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})
            browser.close()
    finally:
        server.shutdown()
    facts["blocked"] = blocked
    return facts


def check_pdf(out: Path, facts: dict) -> list[str]:
    problems = []
    if facts["blocked"]:
        problems.append(f"the page asked for other hosts: {facts['blocked'][:5]}")
    if facts.get("empty_widgets"):
        problems.append(f"{facts['empty_widgets']} widgets print as an empty box (not their first frame)")
    if facts["broken"]:
        problems.append(f"images that did not load: {facts['broken'][:5]}")
    if not (shutil.which("pdftotext") and shutil.which("pdfimages")):
        print("make_pdf: pdftotext/pdfimages not found (apt-get install poppler-utils): PDF not checked")
        return problems
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = squash(text)
    missing = [t for t in chapter_titles() if squash(t) not in flat]
    if missing:
        problems.append(f"chapters missing from the PDF: {missing}")
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    if len(listing) < facts["images"]:
        problems.append(f"the PDF holds {len(listing)} images, the page shows {facts['images']}")
    # Self-check questions print in their chapter without answers and again in the answers appendix.
    asked = re.findall(r"\b(?:Self-check|Prediction|Review) \d+\.", text)
    if asked and ("Answers to the self-checks" not in text or len(asked) % 2):
        problems.append(f"{len(asked)} self-check labels in the PDF: every question must print in its chapter "
                        "and once more in the answers appendix")
    raw = re.findall(r"\\\(|\\\)|\\\[|\\\]|\$\$", text)
    if raw:
        problems.append(f"math left as TeX source in the PDF: {raw[:5]}")
    print(f"make_pdf: {out} - {len(text.split())} words, {len(listing)} images "
          f"(page: {facts['images']}), {facts['math']} formulas, "
          f"{len(chapter_titles()) - len(missing)}/{len(chapter_titles())} chapters")
    return problems


def main(argv: list[str]) -> int:
    site, out = Path(argv[1]), Path(argv[2])
    if not (site / "index.html").exists():
        print(f"make_pdf: no {site}/index.html: build it with `jupyter-book build . --builder singlehtml`")
        return 1
    facts = print_pdf(site, out)
    problems = check_pdf(out, facts)
    for p in problems:
        print(f"make_pdf: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
