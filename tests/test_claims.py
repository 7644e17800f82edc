"""Registered claims (relubook.claims, STYLE.md "Claims"): every conclusion replicates.

* every registered claim holds on its held-out seeds, at the chapter's settings and at every
  neighbouring setting it names (the replication: ``make test`` runs all of it, ``-m "not slow"``
  skips the slow ones);
* the registry itself is sound: held-out seeds are used by no notebook, every claim is read by a
  notebook, a false predicate stops the chapter;
* every prose sentence that cites a measured count over seeds or a median reads it, through
  ``{eval}``, from a name computed from ``claims.check(...)``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from relubook import claims
from relubook.claims import _registry

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for folder in ("chapters", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
REGISTRY = claims.registry()


def _replications():
    for name, c in sorted(REGISTRY.items()):
        for label, seeds, over in c.replication_plan():
            marks = [pytest.mark.slow] if c.slow else []
            yield pytest.param(name, seeds, over, id=f"{name}[{label}]", marks=marks)


@pytest.mark.parametrize(("name", "seeds", "overrides"), list(_replications()))
def test_claim_replicates(name, seeds, overrides):
    c = REGISTRY[name]
    outcome = c.evaluate(seeds, **overrides)
    assert outcome.holds, f"{outcome.describe()}\nThe prose states: {c.statement}"


# --- the mechanism can fail -----------------------------------------------------------------------

def test_a_false_claim_stops_the_chapter(monkeypatch):
    monkeypatch.setattr(_registry, "_REGISTRY", dict(_registry._REGISTRY))

    @claims.claim("ch9.coin_lands_heads", chapter=9, statement="every seed is even",
                  seeds=range(4), holds=lambda r: r["odd"] == 0, settings={"k": 1}, neighbours=[{"k": 2}])
    def parity(seeds, k):
        return {"odd": sum(s * k % 2 for s in seeds)}

    with pytest.raises(claims.ClaimFailed, match="ch9.coin_lands_heads"):
        claims.check("ch9.coin_lands_heads")
    assert claims.check("ch9.coin_lands_heads", k=2).holds
    reps = claims.replicate("ch9.coin_lands_heads")
    assert [label for label, _ in reps] == ["held-out seeds", "held-out seeds at k=2"]
    assert reps[0][1].seeds == tuple(range(claims.HELD_OUT_BASE, claims.HELD_OUT_BASE + 4))
    assert not reps[0][1].holds and reps[1][1].holds


def test_a_claim_can_replicate_on_several_held_out_sets(monkeypatch):
    monkeypatch.setattr(_registry, "_REGISTRY", dict(_registry._REGISTRY))

    @claims.claim("ch9.two_sets", chapter=9, statement="x", seeds=range(3), holds=lambda r: True,
                  settings={"k": 1}, neighbours=[{"k": 2}], heldout_sets=2)
    def two(seeds, k):
        return {"n": len(seeds)}

    plan = _registry._REGISTRY["ch9.two_sets"].replication_plan()
    assert [label for label, _, _ in plan] == ["held-out seeds", "held-out seeds at k=2", "held-out seeds (set 2)",
                                               "held-out seeds (set 2) at k=2"]
    base = claims.HELD_OUT_BASE
    assert plan[0][1] == (base, base + 1, base + 2) and plan[2][1] == (base + 3, base + 4, base + 5)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"seeds": [0], "heldout": [100000], "heldout_sets": 2}, ValueError, "heldout_sets"),
    ({"seeds": [0], "heldout_sets": 0}, ValueError, "heldout_sets"),
    ({"seeds": [1, 1]}, ValueError, "repeat"),
    ({"seeds": "01"}, TypeError, "seeds"),
    ({"seeds": [0], "heldout": [0]}, ValueError, "heldout"),
    ({"seeds": [0], "neighbours": [{"nope": 1}]}, ValueError, "neighbours"),
    ({"seeds": [0], "holds": 3}, TypeError, "holds"),
])
def test_bad_registrations_are_refused(kwargs, error, match):
    args = {"chapter": 9, "statement": "x", "holds": bool, "settings": {"k": 1}, **kwargs}
    with pytest.raises(error, match=match):
        claims.claim("ch9.bad", **args)


def test_unknown_claim_and_unknown_setting_are_named():
    with pytest.raises(ValueError, match="no claim 'ch0.nothing'"):
        claims.check("ch0.nothing")
    c = next(iter(REGISTRY.values()))
    with pytest.raises(ValueError, match="not settings"):
        c.evaluate(c.seeds[:1], __not_a_setting__=1)


# --- the registry is sound ------------------------------------------------------------------------

def _notebook_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_every_claim_is_read_by_a_notebook_and_names_its_chapter():
    code = {p: _notebook_text(p) for p in NOTEBOOKS}
    for name, c in REGISTRY.items():
        readers = [p.relative_to(ROOT).as_posix() for p, text in code.items()
                   if f'"{name}"' in text or f"'{name}'" in text]
        assert readers, f"claim {name} is registered but no chapter or solution notebook calls claims.check({name!r})"
        assert 1 <= c.chapter <= 5 and name.startswith(f"ch{c.chapter}.")
        assert c.statement and c.seeds and c.heldout


def test_no_notebook_uses_a_held_out_seed():
    big = re.compile(r"\b(\d{6,})\b")
    for path in NOTEBOOKS + sorted((ROOT / "exercises").glob("*.ipynb")):
        for number in big.findall(_notebook_text(path)):
            assert int(number) < claims.HELD_OUT_BASE, f"{path.name} uses {number}, a held-out seed"
    for name, c in REGISTRY.items():
        assert min(c.heldout) >= claims.HELD_OUT_BASE or not set(c.heldout) & set(c.seeds), name
        for more in c.more_heldout:
            assert min(more) >= claims.HELD_OUT_BASE and not set(more) & set(c.heldout), name


# --- prose that cites a count over seeds or a median reads it from a claim ------------------------

SENTENCE = re.compile(r"[^.!?]*?(?:[.!?](?=\s|$)|$)", re.S)
CUE = re.compile(r"\bseeds?\b|\bmedians?\b", re.I)
EVAL = re.compile(r"\{eval\}`([^`]+)`")


def _derived_names(code_cells: list[str]) -> set[str]:
    """Names whose value is computed from ``claims.check(...)`` (directly or through other such names)."""
    assigns: list[tuple[list[str], set[str], bool]] = []
    for src in code_cells:
        try:
            tree = ast.parse("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.comprehension)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.iter if isinstance(node, (ast.For, ast.comprehension)) else node.value
                if value is None:
                    continue
                names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                direct = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "check"
                             and isinstance(n.func.value, ast.Name) and n.func.value.id == "claims"
                             for n in ast.walk(value))
                assigns.append((names, used, direct))
    derived: set[str] = set()
    changed = True
    while changed:
        changed = False
        for names, used, direct in assigns:
            if (direct or used & derived) and not set(names) <= derived:
                derived |= set(names)
                changed = True
    return derived


def _prose(cell_source: str) -> str:
    text = re.sub(r"<!--.*?-->", "", cell_source, flags=re.S)
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    return text


def _root_names(expr: str) -> set[str]:
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return {expr}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def claim_readings(path: Path) -> list[tuple[str, str]]:
    """(sentence, eval expression) pairs of ``path`` that cite seeds or a median but not from a claim."""
    nb = nbformat.read(path, as_version=4)
    derived = _derived_names([c.source for c in nb.cells if c.cell_type == "code"])
    bad = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for sentence in SENTENCE.findall(_prose(cell.source)):
            if not CUE.search(EVAL.sub("", sentence)):
                continue
            for expr in EVAL.findall(sentence):
                if not _root_names(expr) & derived:
                    bad.append((" ".join(sentence.split())[:200], expr))
    return bad


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_counts_over_seeds_in_the_prose_come_from_registered_claims(path):
    bad = claim_readings(path)
    assert not bad, (
        f"{len(bad)} number(s) in sentences about seeds or medians are not read from a registered claim "
        "(STYLE.md, Claims):\n" + "\n".join(f"  {expr!r} in: {s}" for s, expr in bad)
    )


def test_the_prose_rule_can_fail(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("a = claims.check('ch4.x')\nok_text = shown(a['successes'])\nraw = 0.5"),
        nbformat.v4.new_markdown_cell("It trains in {eval}`ok_text` of 20 seeds. The median is {eval}`raw`."),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert claim_readings(path) == [("The median is {eval}`raw`.", "raw")]
