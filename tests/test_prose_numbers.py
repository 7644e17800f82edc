"""No markdown cell states a computed number by hand (STYLE.md, "Numbers in the prose").

The rule, precisely. In the prose of a markdown cell of chapters/, exercises/ and solutions/ --
that is, outside math (``$...$``, ``$$...$$``, ``{math}`` blocks), code (backticks and fences),
link and image targets, role targets and HTML comments -- a **result-shaped number** must come
from an ``{eval}`` role. Result-shaped numbers are

* decimals (``0.935``, ``.5``), numbers in scientific or power-of-ten form (``3.3e-5``, ``10⁻⁶``);
* percentages (``62.5 %``, ``50%``) and ratios with a times sign (``14×``, ``1.3x``);
* counts out of a total (``13 of 16``).

Allowed as literals:

* plain integers: the settings of an experiment (16 units, 3 layers, seed 0), chapter and
  exercise numbers, years;
* constants of a formula and settings with a decimal, written as math or code
  (``$\\alpha = 0.01$``, ``lr = 0.3``);
* figures quoted from a paper, in the same paragraph or list item as the citation of that paper
  (a ``{cite:p}``/``{cite:t}`` role or a link to the bibliography).
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for folder in ("chapters", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb"))

# What is not prose: removed before numbers are looked for (order matters).
NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.S),                      # HTML comments
    re.compile(r"^(```|~~~).*?^\1", re.S | re.M),          # fenced code (backtick or tilde)
    re.compile(r"^ {0,3}:{3,}.*$", re.M),                  # colon-fence lines of directives (their bodies are prose)
    re.compile(r"\(\s*±\s*[\d.]+\s*%?\s*\)"),               # a self-check's tolerance "(± 0.01)": a setting
    re.compile(r"\$\$.*?\$\$", re.S),                      # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),  # amsmath environments
    re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$"),             # inline math
    re.compile(r"\{eval\}`[^`]*`"),                        # computed numbers
    re.compile(r"\{[\w:-]+\}`[^`]*`"),                     # other roles' targets ({cite:p}`key`, {numref}`fig-x`)
    re.compile(r"`[^`\n]*`"),                              # inline code
    re.compile(r"\[(?:Fig\.|Figure|Eq\.|Table)\s*[\d.]+\]\(#[^)]*\)"),  # cross references ([Fig. 1.3](#fig-x))
    re.compile(r"\]\([^)]*\)"),                            # link and image targets
    re.compile(r"<[^>\n]+>"),                              # HTML tags
    re.compile(r"https?://\S+"),                           # bare URLs
]
_DIRECTIVE_OPTION = re.compile(r"^:[\w-]+:.*$", re.M)      # ":label: eq-x", ":width: 80%"

NUMBER = re.compile(
    r"""(?<![\w.])(?:
        \d+(?:\.\d+)?\s?(?:%|\u202f%|\\%|×|x\b)      # percentages and ratios
      | \d*\.\d+(?:[eE][-+−]?\d+)?                   # decimals, scientific
      | \d+[eE][-+−]?\d+                             # 1e-6
      | 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+                            # 10⁻⁶
      | \d+\s+of\s+(?:the\s+)?\d+                    # counts out of a total
    )""",
    re.X,
)
CITATION = re.compile(r"\{cite(?::[tp])?\}`|bibliography(?:\.md|\.html)?#|\]\(#cite-")


def prose(source: str) -> str:
    text = source
    for pattern in NOT_PROSE[:2]:
        text = pattern.sub(" ", text)
    text = _DIRECTIVE_OPTION.sub(" ", text)
    for pattern in NOT_PROSE[2:]:
        text = pattern.sub(" ", text)
    return text


def paragraphs(source: str) -> list[str]:
    """Paragraphs and list items: the unit a citation covers."""
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)", source)
    return [b for b in blocks if b.strip()]


def hand_typed_numbers(source: str) -> list[str]:
    found = []
    for block in paragraphs(source):
        if CITATION.search(block):
            continue
        found += [m.group(0).strip() for m in NUMBER.finditer(prose(block))]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_hand_typed_numbers_in_prose(path):
    nb = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in enumerate(nb.cells):
        # A figure-caption cell is a copy of its figure's caption metadata, for JupyterLab
        # (tools/nb.py setup-cell): captions state the figure's settings, like its code.
        if cell.cell_type != "markdown" or "figure-caption" in cell.metadata.get("tags", []):
            continue
        numbers = hand_typed_numbers(cell.source)
        if numbers:
            problems.append(f"cell {index}: {numbers}")
    assert not problems, (
        f"{path.relative_to(ROOT)} states numbers by hand (compute them and use {{eval}}, "
        "see STYLE.md):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("training accuracy: 0.935 on seed 0", ["0.935"]),
        ("about 62.5 % die, and 14× slower", ["62.5 %", "14×"]),
        ("13 of 16 units are dead", ["13 of 16"]),
        ("falls to 3.3e-5 and 10⁻⁶", ["3.3e-5", "10⁻⁶"]),
        ("accuracy {eval}`acc_text` with $\\alpha = 0.01$ and `lr = 0.3`", []),
        ("16 units in 3 layers, seed 0, chapter 4, 2015", []),
        ("They report 25 % error six times faster {cite:p}`krizhevsky2012`.", []),
        ("See [fig](img/a-0.5.png) and <!-- 0.3 -->", []),
        ("$$\ny = 0.5 x\n$$", []),
        ("as [Fig. 1.3](#fig-hinge) shows, 0.25 of them", ["0.25"]),
    ],
)
def test_the_rule_itself(text, expected):
    assert hand_typed_numbers(text) == expected
