"""The build's own log against the benchmark: no notebook takes more than 3x its time plus 30 s (issue 24).

``make book`` and ``make book-fresh`` keep their log in ``_build/book.log``; myst-nb writes one line per
executed notebook (``chapters/01_definition.ipynb: Executed notebook in 5.61 seconds``). A notebook's
budget is its time in ``bench/report.json`` (``notebooks``: the notebook run by nbclient) plus the
time its widgets took to draw their frames for the site in the bench's cold build (``build.frames``,
counted on every page that shows the widget, as any of them may be the one that draws it). A hang
(issue 24: 600 s for a 10 s notebook) or a notebook grown far slower fails here. The 30 s of slack keep a
3 s notebook from failing on a busy machine (a load of 6 on 2 cores made exercise 1 take 12 s); a hang, which
lasts until the cell timeout (``nb_execution_timeout``, 300 s), still fails.

``make test`` runs the check on the log of its own fresh build (``RELUBOOK_BUILD_LOG``); without that
variable only the tests on synthetic logs run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "report.json"
FACTOR = 3.0
SLACK = 30.0  # seconds added to every limit
EXECUTED = re.compile(r"^(?P<path>\S+\.ipynb): Executed notebook in (?P<seconds>\d+(?:\.\d+)?) seconds", re.MULTILINE)
FOLDERS = ("chapters", "exercises", "solutions")


def notebook_key(path: str) -> str:
    """``chapters/01_definition.ipynb`` from any spelling of the path (absolute, ./, docname)."""
    parts = Path(path).parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in FOLDERS:
            return "/".join(parts[i:])
    return Path(path).name


def executed_times(log: str) -> dict[str, float]:
    """Seconds per executed notebook, from a build log (the last line wins if one is executed twice)."""
    return {notebook_key(m["path"]): float(m["seconds"]) for m in EXECUTED.finditer(log)}


def budgets(report: dict) -> dict[str, float]:
    """Seconds each notebook may take in a cold build: its nbclient time plus its widgets' frame drawing."""
    out = {row["notebook"]: float(row["seconds"]) for row in report["notebooks"]["rows"]}
    for widget in report.get("build", {}).get("frames", []):
        key = widget["page"].removesuffix(".html") + ".ipynb"
        if key in out:
            out[key] += float(widget.get("build_seconds") or 0.0)
    return out


def too_slow(times: dict[str, float], budget: dict[str, float], factor: float = FACTOR,
             slack: float = SLACK) -> list[str]:
    """One line per notebook that took more than ``factor`` times its budget plus ``slack`` seconds."""
    return [f"{nb}: {seconds:.1f} s, more than {factor:g} x its benchmark time {budget[nb]:.1f} s + {slack:g} s"
            for nb, seconds in sorted(times.items())
            if nb in budget and seconds > factor * budget[nb] + slack]


# ----------------------------------------------------------------------------- on synthetic logs
REPORT_SAMPLE = {
    "notebooks": {"rows": [{"notebook": "chapters/01_definition.ipynb", "seconds": 2.9},
                           {"notebook": "chapters/05_applications.ipynb", "seconds": 8.4}]},
    "build": {"frames": [{"page": "chapters/01_definition.html", "widget": "neuron", "build_seconds": 0.8},
                         {"page": "chapters/05_applications.html", "widget": "playground", "build_seconds": 39.5}]},
}
GOOD_LOG = """\
Running Sphinx v7.4.7
/work/main/chapters/01_definition.ipynb: Executed notebook in 5.60 seconds [mystnb]
chapters/05_applications.ipynb: cell 39 executed in 61.2 seconds [mystnb]
chapters/05_applications.ipynb: Executed notebook in 68.50 seconds [mystnb]
build succeeded.
"""


def test_the_log_gives_each_notebooks_time():
    assert executed_times(GOOD_LOG) == {"chapters/01_definition.ipynb": 5.6, "chapters/05_applications.ipynb": 68.5}


def test_a_budget_adds_the_widgets_frame_drawing():
    assert budgets(REPORT_SAMPLE) == pytest.approx({"chapters/01_definition.ipynb": 3.7,
                                                    "chapters/05_applications.ipynb": 47.9})


def test_a_normal_build_passes():
    assert too_slow(executed_times(GOOD_LOG), budgets(REPORT_SAMPLE)) == []


def test_the_hang_of_issue_24_fails():
    """The log of the cold build that filed issue 24: chapter 1 hung until the 600 s timeout."""
    log = GOOD_LOG.replace("Executed notebook in 5.60", "Executed notebook in 604.56")
    problems = too_slow(executed_times(log), budgets(REPORT_SAMPLE))
    assert len(problems) == 1 and problems[0].startswith("chapters/01_definition.ipynb: 604.6 s")


def test_just_over_the_limit_fails_and_just_under_passes():
    budget = budgets(REPORT_SAMPLE)
    limit = 3 * budget["chapters/01_definition.ipynb"] + SLACK
    assert too_slow({"chapters/01_definition.ipynb": limit - 0.01}, budget) == []
    assert too_slow({"chapters/01_definition.ipynb": limit + 0.01}, budget)


def test_the_report_has_a_time_for_every_notebook_of_the_book():
    report = json.loads(REPORT.read_text())
    known = set(budgets(report))
    book = {f"{folder}/{p.name}" for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb")}
    assert book <= known, f"no benchmark time for {sorted(book - known)}: run make bench"


# ----------------------------------------------------------------------------- on the build's own log
@pytest.mark.skipif(not os.environ.get("RELUBOOK_BUILD_LOG"), reason="RELUBOOK_BUILD_LOG names no build log")
def test_the_builds_notebooks_took_at_most_three_times_their_benchmark():
    log = Path(os.environ["RELUBOOK_BUILD_LOG"])
    times = executed_times(log.read_text(errors="replace"))
    report = json.loads(REPORT.read_text())
    budget = budgets(report)
    assert times, f"{log} names no executed notebook: not the log of a fresh build"
    for nb, seconds in sorted(times.items()):
        print(f"{nb}: {seconds:.1f} s (budget {budget.get(nb, float('nan')):.1f} s)")
    problems = too_slow(times, budget)
    problems += [f"{nb}: no execution time in {log}" for nb in sorted(set(budget) - set(times))]
    assert not problems, "\n".join(problems)
