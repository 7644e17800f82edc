"""The claims registry: every conclusion the prose draws from an experiment, re-runnable.

A registered claim joins three things:

* an **experiment**: ``run(seeds, **settings)`` returns a mapping of what it measured
  (arrays over seeds, counts of seeds, medians...);
* the **predicate** the prose states about that result: ``holds(result) -> bool``;
* its **scope**: the chapter's seeds and settings, the held-out seeds no notebook uses, and the
  neighbouring settings at which the prose's generalisation must hold too.

The chapter calls :func:`check` (its own seeds and settings) and reads the numbers of the returned
:class:`Outcome` in its prose with ``{eval}``; :func:`check` raises :class:`ClaimFailed` when the
predicate is false, so a conclusion the experiment does not support cannot be built into the book.
``tests/test_claims.py`` calls :func:`replicate`: the same experiment on the held-out seeds at the
chapter's settings and at every neighbouring setting. A claim that fails there fails ``make test``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .._args import check_int

__all__ = ["Claim", "ClaimFailed", "Outcome", "claim", "check", "fraction_at_least", "replicate", "registry",
           "HELD_OUT_BASE"]

#: Held-out seeds start here: ``HELD_OUT_BASE + 0, 1, ...`` (as many as the chapter uses). No notebook
#: may use a seed at or above it; ``tests/test_claims.py`` checks that.
HELD_OUT_BASE = 100_000

_REGISTRY: dict[str, Claim] = {}


class ClaimFailed(AssertionError):
    """A registered claim's predicate is false on the seeds and settings it was run with."""


@dataclass(frozen=True)
class Outcome:
    """One run of a claim: where it ran, what it measured, and whether the predicate held.

    ``outcome["successes"]`` reads the experiment's result, so the prose can write
    ``{eval}`outcome["successes"]```; :attr:`n` is the number of seeds.
    """

    name: str
    seeds: tuple[int, ...]
    settings: Mapping[str, Any]
    result: Mapping[str, Any]
    holds: bool

    @property
    def n(self) -> int:
        return len(self.seeds)

    def __getitem__(self, key: str) -> Any:
        return self.result[key]

    def describe(self) -> str:
        verdict = "holds" if self.holds else "FAILS"
        shown = {k: v for k, v in self.result.items() if isinstance(v, (int, float, str, bool))}
        return (f"{self.name} {verdict} on {self.n} seeds ({self.seeds[0]}..{self.seeds[-1]}) "
                f"at {dict(self.settings)}: {shown}")


@dataclass(frozen=True)
class Claim:
    """A conclusion of the prose, with the experiment that supports it. Made by :func:`claim`."""

    name: str
    chapter: int
    statement: str
    run: Callable[..., Mapping[str, Any]]
    holds: Callable[[Mapping[str, Any]], bool]
    seeds: tuple[int, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    neighbours: tuple[Mapping[str, Any], ...] = ()
    heldout: tuple[int, ...] = ()
    slow: bool = False
    #: further held-out seed sets, each replicated like :attr:`heldout` (for predicates whose counts vary
    #: widely between seed sets)
    more_heldout: tuple[tuple[int, ...], ...] = ()

    def evaluate(self, seeds: Iterable[int] | None = None, **overrides: Any) -> Outcome:
        """Run the experiment on ``seeds`` (default: the chapter's) at the settings with ``overrides``."""
        seeds = self.seeds if seeds is None else _seed_tuple(seeds, "seeds")
        unknown = set(overrides) - set(self.settings)
        if unknown:
            raise ValueError(f"overrides: {sorted(unknown)} are not settings of claim {self.name!r} "
                             f"(its settings: {sorted(self.settings)})")
        settings = {**self.settings, **overrides}
        result = self.run(seeds, **settings)
        if not isinstance(result, Mapping):
            raise TypeError(f"claim {self.name!r}: its experiment must return a mapping, got "
                            f"{type(result).__name__}")
        return Outcome(self.name, seeds, MappingProxyType(settings), MappingProxyType(dict(result)),
                       bool(self.holds(result)))

    def replication_plan(self) -> list[tuple[str, tuple[int, ...], dict[str, Any]]]:
        """(label, seeds, overrides) of every replication: held-out seeds at the chapter's settings,
        then held-out seeds at each neighbouring setting."""
        plan = []
        for i, held in enumerate((self.heldout, *self.more_heldout)):
            name = "held-out seeds" if i == 0 else f"held-out seeds (set {i + 1})"
            plan.append((name, held, {}))
            for nb in self.neighbours:
                label = ", ".join(f"{k}={v}" for k, v in nb.items())
                plan.append((f"{name} at {label}", held, dict(nb)))
        return plan


def _seed_tuple(seeds: object, name: str) -> tuple[int, ...]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(f"{name} must be an iterable of ints, got {type(seeds).__name__}")
    out = tuple(check_int(s, name, minimum=0) for s in seeds)
    if not out:
        raise ValueError(f"{name} must hold at least one seed")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat a seed: {out}")
    return out


def claim(name: str, *, chapter: int, statement: str, seeds: Iterable[int],
          holds: Callable[[Mapping[str, Any]], bool], settings: Mapping[str, Any] | None = None,
          neighbours: Iterable[Mapping[str, Any]] = (), heldout: Iterable[int] | None = None,
          slow: bool = False, heldout_sets: int = 1,
          ) -> Callable[[Callable[..., Mapping[str, Any]]], Callable[..., Mapping[str, Any]]]:
    """Register the decorated experiment as the claim ``name``.

    Parameters
    ----------
    name : str
        ``"ch<N>.<what>"``, unique in the book, e.g. ``"ch4.redo_keeps_units_alive"``.
    chapter : int
        The chapter (1-5) whose prose states it.
    statement : str
        One line: what the prose concludes, with its scope ("at lr 2, in at least 15 of 20 seeds").
    seeds : iterable of int
        The chapter's seeds.
    holds : callable
        The predicate the prose states, on the experiment's result mapping. Prefer counts of seeds
        with a margin ("at least 3/4 of the seeds") to a single number.
    settings : mapping, optional
        The chapter's settings, passed to the experiment as keywords.
    neighbours : iterable of mapping, optional
        Settings near the chapter's (each a mapping of overrides) at which the prose's conclusion
        must hold too, e.g. ``[{"lr": lr / 1.5}, {"lr": lr * 1.5}, {"steps": 200}, {"steps": 400}]``.
        Leave empty only when the prose scopes the claim to its one setting (and says so).
    heldout : iterable of int, optional
        Seeds no notebook uses; default ``HELD_OUT_BASE + 0 .. len(seeds) - 1``.
    slow : bool
        Its replication takes more than a few seconds (``make test-fast`` skips it, ``make test``
        and ``.ci/run`` run it).
    heldout_sets : int
        How many disjoint held-out seed sets the tests replicate on (default 1); the k-th set is
        ``HELD_OUT_BASE + k * len(seeds) ...``. Only with the default ``heldout``.

    Returns
    -------
    callable
        The experiment itself, unchanged (it stays callable on any seeds).
    """
    if not isinstance(name, str) or not name.startswith(f"ch{chapter}."):
        raise ValueError(f"name must be a str starting with 'ch{chapter}.', got {name!r}")
    check_int(chapter, "chapter")
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("statement must be a non-empty str")
    if not callable(holds):
        raise TypeError(f"holds must be callable, got {type(holds).__name__}")
    chapter_seeds = _seed_tuple(seeds, "seeds")
    held = (tuple(range(HELD_OUT_BASE, HELD_OUT_BASE + len(chapter_seeds))) if heldout is None
            else _seed_tuple(heldout, "heldout"))
    check_int(heldout_sets, "heldout_sets", minimum=1)
    if heldout is not None and heldout_sets != 1:
        raise ValueError("heldout_sets: give either explicit heldout seeds or a number of default sets")
    n = len(chapter_seeds)
    more = tuple(tuple(range(HELD_OUT_BASE + k * n, HELD_OUT_BASE + (k + 1) * n)) for k in range(1, heldout_sets))
    if set(held) & set(chapter_seeds):
        raise ValueError(f"heldout must not share seeds with seeds: {sorted(set(held) & set(chapter_seeds))}")
    settings = dict(settings or {})
    nbs = tuple(dict(nb) for nb in neighbours)
    for nb in nbs:
        unknown = set(nb) - set(settings)
        if unknown or not nb:
            raise ValueError(f"neighbours: {nb} must override some of the settings {sorted(settings)}")

    def register(run: Callable[..., Mapping[str, Any]]) -> Callable[..., Mapping[str, Any]]:
        if name in _REGISTRY and _REGISTRY[name].run.__qualname__ != run.__qualname__:
            raise ValueError(f"claim {name!r} is registered twice")
        _REGISTRY[name] = Claim(name, chapter, statement.strip(), run, holds, chapter_seeds,
                                MappingProxyType(settings), nbs, held, slow, more)
        return run

    return register


def _load_all() -> None:
    # Every chapter's claims module registers its claims on import.
    from . import applications, definition, derivative, dying, variants  # noqa: F401


def registry() -> Mapping[str, Claim]:
    """Every registered claim, by name (all chapters' claim modules imported)."""
    _load_all()
    return MappingProxyType(_REGISTRY)


def _get(name: str) -> Claim:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    reg = registry()
    if name not in reg:
        raise ValueError(f"name: no claim {name!r} is registered (known: {', '.join(sorted(reg))})")
    return reg[name]


def check(name: str, **overrides: Any) -> Outcome:
    """Run the claim ``name`` on the chapter's seeds (and settings, with ``overrides``).

    Returns its :class:`Outcome` for the prose; raises :class:`ClaimFailed` (naming the claim and
    what was measured) when the predicate is false, so the chapter cannot state it.
    """
    c = _get(name)
    outcome = c.evaluate(None, **overrides)
    if not outcome.holds:
        raise ClaimFailed(f"{outcome.describe()}\nThe prose states: {c.statement}")
    return outcome


def replicate(name: str) -> list[tuple[str, Outcome]]:
    """Every replication of the claim ``name`` (held-out seeds, neighbouring settings), as run."""
    c = _get(name)
    return [(label, c.evaluate(seeds, **over)) for label, seeds, over in c.replication_plan()]


def fraction_at_least(count: int, n: int, share: float) -> bool:
    """``count`` of ``n`` is at least ``share`` of them (a predicate helper, exact in integers)."""
    return count >= math.ceil(share * n - 1e-12)
