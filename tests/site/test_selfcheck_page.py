"""Self-check questions (issue 28) on a built page, offline, in Debian's chromium.

The fixture book tests/data/selfcheck_book (one question of each kind: choice, numeric, predict,
and the answers appendix) is built here with the book's own extension (tools/sphinx_selfcheck.py)
and front end (browser/selfcheck/, bundled into _assets/ by ``make assets``), then read as a reader
would: keyboard and mouse, wrong and right answers, a reload, "clear my answers", dark mode, axe-core.
The chapters' own questions are read by tests/site/test_offline_site.py's visits of every page.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from sitekit import AXE_JS, RUN_AXE, classify_axe, offline_context

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "selfcheck_book"
BUNDLE = ROOT / "_assets" / "bundled" / "selfcheck" / "selfcheck.js"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make assets`")
    src = tmp_path_factory.mktemp("selfcheck_src")
    shutil.copytree(FIXTURE, src, dirs_exist_ok=True)
    conf = (src / "_config.yml").read_text()
    conf = conf.replace("../../../tools/", str(ROOT / "tools") + "/").replace("../../../_assets", str(ROOT / "_assets"))
    conf = yaml.safe_load(conf)
    book = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    for key in ("mathjax_path", "mathjax3_config"):  # the book's own MathJax, as every chapter loads it
        conf["sphinx"]["config"][key] = book[key]
    (src / "_config.yml").write_text(yaml.safe_dump(conf))
    out = tmp_path_factory.mktemp("selfcheck_out")
    jb = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run([str(jb), "build", str(src), "-W", "-n", "--keep-going", "--path-output", str(out)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out / "_build" / "html"


@pytest.fixture(scope="module")
def fixture_url(fixture_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(fixture_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser, fixture_url):
    blocked: list[str] = []
    context = offline_context(browser, fixture_url, blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(fixture_url + "questions.html", wait_until="load")
    page.wait_for_function("() => window.relubookSelfcheck && window.relubookSelfcheck.count === 3", timeout=10_000)
    yield page
    assert not errors, errors
    assert not blocked, blocked
    context.close()


def feedback(tab, n: int) -> str:
    return tab.locator(f"#selfcheck-{n} .selfcheck-feedback").inner_text()


def test_wrong_option_shows_its_own_explanation_and_right_one_says_why(tab):
    q = tab.locator("#selfcheck-1")
    assert q.get_attribute("class").count("selfcheck") and q.locator("[aria-live]").count() == 1
    q.locator(".selfcheck-option").nth(0).click()
    text = feedback(tab, 1)
    assert "Not quite" in text and "identity" in text and "absolute" not in text
    q.locator(".selfcheck-option").nth(2).click()
    text = feedback(tab, 1)
    assert "Not quite" in text and "absolute value" in text
    q.locator(".selfcheck-option").nth(1).click()
    assert "Right" in feedback(tab, 1) and "larger of" in feedback(tab, 1)
    # meaning is not carried by colour alone: the verdict is a word and a symbol
    assert "\u2714" in feedback(tab, 1)


def test_keyboard_alone_answers_a_question(tab):
    first = tab.locator("#selfcheck-1 input[type=radio]").nth(0)
    first.focus()
    tab.keyboard.press("Space")
    assert "Not quite" in feedback(tab, 1)
    tab.keyboard.press("ArrowDown")
    assert "Right" in feedback(tab, 1)


def test_numeric_question_checks_within_tolerance(tab):
    field = tab.locator("#selfcheck-2 input.selfcheck-number")
    field.fill("0.7")
    field.press("Enter")
    assert "Not quite" in feedback(tab, 2) and "0.7" in feedback(tab, 2)
    field.fill("abc")
    field.press("Enter")
    assert "not a number" in feedback(tab, 2)
    field.fill("0.505")
    field.press("Enter")
    assert "Right" in feedback(tab, 2) and "symmetric" in feedback(tab, 2)


def test_prediction_hides_the_result_until_answered(tab):
    output = tab.locator("div.cell .cell_output").first
    reading = tab.get_by_text("this paragraph reads the result")
    later = tab.get_by_text("past the next heading")
    assert not output.is_visible() and not reading.is_visible()
    assert later.is_visible()  # only the text up to the next heading reads the result
    assert tab.get_by_role("button", name="Show me anyway").is_visible()
    tab.locator("#selfcheck-3 .selfcheck-option").nth(1).click()
    assert output.is_visible() and "maximum" in output.inner_text()
    assert reading.is_visible()


def test_show_me_anyway_reveals_without_answering(tab):
    tab.get_by_role("button", name="Show me anyway").click()
    assert tab.locator("div.cell .cell_output").first.is_visible()
    assert tab.get_by_text("this paragraph reads the result").is_visible()
    assert feedback(tab, 3) == ""


def test_answers_persist_across_a_reload_and_clear_on_request(tab):
    tab.locator("#selfcheck-1 .selfcheck-option").nth(1).click()
    tab.locator("#selfcheck-2 input.selfcheck-number").fill("0.5")
    tab.locator("#selfcheck-2 input.selfcheck-number").press("Enter")
    tab.reload(wait_until="load")
    tab.wait_for_function("() => window.relubookSelfcheck")
    assert tab.locator("#selfcheck-1 input[type=radio]").nth(1).is_checked()
    assert "Right" in feedback(tab, 1)
    assert tab.locator("#selfcheck-2 input.selfcheck-number").input_value() == "0.5"
    tab.get_by_role("button", name="Clear my answers on this page").click()
    assert feedback(tab, 1) == "" and not tab.locator("#selfcheck-1 input[type=radio]").nth(1).is_checked()
    tab.reload(wait_until="load")
    tab.wait_for_function("() => window.relubookSelfcheck")
    assert feedback(tab, 1) == "" and feedback(tab, 2) == ""
    assert not tab.locator("div.cell .cell_output").first.is_visible()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_serious_accessibility_violation(tab, mode):
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run `make assets`")
    tab.evaluate(f"() => document.documentElement.dataset.theme = '{mode}'")
    tab.locator("#selfcheck-1 .selfcheck-option").nth(0).click()
    tab.locator("#selfcheck-2 input.selfcheck-number").fill("0.7")
    tab.locator("#selfcheck-2 input.selfcheck-number").press("Enter")
    tab.add_script_tag(path=str(AXE_JS))
    own, _theme = (classify_axe(tab.evaluate(RUN_AXE)).get(k, []) for k in ("own", "theme"))
    assert not [v for v in own if "selfcheck" in str(v)], own


def test_answers_appendix_holds_every_answer(fixture_site):
    html = (fixture_site / "answers.html").read_text()
    for label in ("Self-check 1.", "Self-check 2.", "Prediction 3."):
        assert label in html
    assert "larger of" in html and "symmetric" in html and "identity" not in html
