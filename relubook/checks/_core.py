"""Machinery shared by every exercise checker.

A checker calls the learner's function on a fixed list of cases, compares
with a reference, prints a short report in the voice of a patient teacher,
and returns a :class:`Result`. It never raises into the notebook: whatever
the learner's function does (raise, return ``None``, return a list, mutate
its input, warn) becomes a sentence in the report.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Case",
    "Result",
    "check_function",
    "check_value",
    "fmt",
    "report",
    "standard_cases",
]

#: Seed of every random case, so the report names the same input on every run.
CHECK_SEED = 20_240_601

PASS = "✅"
FAIL = "❌"
#: "Not implemented yet": a white circle (U+25CB, in every common font's WGL4 set), not an emoji that
#: shows as an empty box where no emoji font is installed (issue 29, point 18).
TODO = "\u25cb"


@dataclass
class Result:
    """What a checker concluded.

    Attributes
    ----------
    passed : bool
        True when every case passed.
    message : str
        The report that was printed.
    name : str
        The exercise's name.
    details : dict
        Extra facts a checker found (e.g. the convention chosen at 0).
    """

    passed: bool
    message: str
    name: str = ""
    details: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        # The report was already printed; show nothing more as the cell's value.
        return None

    def __repr__(self) -> str:
        return f"Result(name={self.name!r}, passed={self.passed})"


@dataclass
class Case:
    """One call of the learner's function: ``fn(*args)``, described for the report."""

    args: tuple
    description: str = ""
    hint: str = ""


def fmt(value, width: int = 70) -> str:
    """A short, readable rendering of a value for a report."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=12, edgeitems=3, suppress=False):
            text = repr(value)
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report(name: str, passed: bool, lines: Sequence[str] = (), *, todo: bool = False,
           details: dict | None = None, quiet: bool = False) -> Result:
    """Build, print and return a :class:`Result`."""
    if todo:
        head = f"{TODO} {name}: not implemented yet"
    elif passed:
        head = f"{PASS} {name}: passed"
    else:
        head = f"{FAIL} {name}: not yet"
    message = "\n".join([head, *[f"   {line}" for line in lines if line]])
    if not quiet:
        print(message)
    return Result(passed=passed, message=message, name=name, details=details or {})


def check_value(name: str, got, expected, *, tol: float = 1e-6, hint: str = "",
                what: str = "your answer", quiet: bool = False) -> Result:
    """Compare a learner's value (number, list or array) with the expected one."""
    try:
        if got is None or got is Ellipsis:
            return report(name, False, [f"Fill in {what}, then run the cell again."], todo=True, quiet=quiet)
        g = np.asarray(got, dtype=float)
        e = np.asarray(expected, dtype=float)
        if g.shape != e.shape:
            return report(name, False, [
                f"{what} has shape {g.shape}, but {e.shape} was expected.",
                f"expected: {fmt(expected)}", f"got:      {fmt(got)}", f"hint: {hint}" if hint else "",
            ], quiet=quiet)
        close = np.isclose(g, e, rtol=tol, atol=tol, equal_nan=True)
        if close.all():
            return report(name, True, [f"{what}: {fmt(got)}"], quiet=quiet)
        idx = np.argwhere(~close)[0] if g.ndim else ()
        where = f" (first difference at index {tuple(int(i) for i in idx)})" if g.ndim else ""
        return report(name, False, [
            f"{what} differs from the expected value{where}.",
            f"expected: {fmt(expected)}", f"got:      {fmt(got)}", f"hint: {hint}" if hint else "",
        ], quiet=quiet)
    except Exception as exc:  # never raise into the notebook
        return report(name, False, [f"could not compare {what}: {type(exc).__name__}: {exc}"], quiet=quiet)


def standard_cases(*, scalars: Sequence[float] = (-2.0, -0.5, 0.0, 0.5, 3.0),
                   edges: Sequence[float] = (-1e4, -1e-8, 1e-8, 1e4),
                   shapes: Sequence[tuple] = ((7,), (3, 4), (2, 3, 4)),
                   dtypes: Sequence = (np.float64, np.float32), scale: float = 3.0) -> list[Case]:
    """The usual cases: worked examples, scalars, edge values, random arrays of several shapes and dtypes."""
    rng = np.random.default_rng(CHECK_SEED)
    cases = [
        Case((np.array([-2.0, 0.5, 3.0]),), "the worked example"),
        Case((np.array([-1.5, 0.0, 2.5]),), "a vector containing 0"),
    ]
    cases += [Case((float(s),), f"the single number {s:g}") for s in scalars]
    cases.append(Case((np.array(edges, dtype=np.float64),), "edge values (very large and very small)"))
    for shape in shapes:
        for dtype in dtypes:
            x = (rng.standard_normal(shape) * scale).astype(dtype)
            cases.append(Case((x,), f"a random {np.dtype(dtype).name} array of shape {shape}"))
    return cases


def _describe_args(args: tuple, names: Sequence[str]) -> str:
    return ", ".join(f"{n} = {fmt(a, 60)}" for n, a in zip(names, args, strict=False))


def _copy(a):
    return a.copy() if isinstance(a, np.ndarray) else a


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return True


def check_function(name: str, fn, reference: Callable, cases: Sequence[Case], *,
                   arg_names: Sequence[str] = ("x",), rtol: float = 1e-6, atol: float = 1e-9,
                   compare: Callable | None = None, diagnose: Callable | None = None,
                   hint: str = "", require_dtype: bool = True, warn_is_failure: bool = True,
                   summary: str = "", quiet: bool = False) -> Result:
    """Run ``fn`` on every case and compare with ``reference``.

    Parameters
    ----------
    name : str
        The exercise's name, e.g. ``"relu"``.
    fn : callable
        The learner's function.
    reference : callable
        The correct implementation, called with the same arguments.
    cases : list of Case
        Inputs, with a description each.
    arg_names : sequence of str
        Names of the arguments, for the report.
    rtol, atol : float
        Tolerances (loosened automatically for float32/float16 inputs).
    compare : callable, optional
        ``compare(args, expected, got) -> str | None``: custom comparison that
        returns a complaint, or None when the value is acceptable.
    diagnose : callable, optional
        ``diagnose(args, expected, got) -> str | None``: a specific hint for a
        typical mistake (e.g. "you returned the input unchanged").
    hint : str
        The fallback hint.
    require_dtype : bool
        Array outputs must keep the input's floating dtype.
    warn_is_failure : bool
        A RuntimeWarning (overflow, invalid value) fails the case.
    summary : str
        Extra sentence for the passing report.
    quiet : bool
        Do not print (the result still carries the message).
    """
    try:
        return _check_function(name, fn, reference, cases, arg_names, rtol, atol, compare, diagnose,
                               hint, require_dtype, warn_is_failure, summary, quiet)
    except Exception as exc:  # a bug in a checker must not crash the learner's notebook
        return report(name, False, [f"the checker itself failed ({type(exc).__name__}: {exc}).",
                                    "Please report this; your code may well be right."], quiet=quiet)


def _check_function(name, fn, reference, cases, arg_names, rtol, atol, compare, diagnose, hint,
                    require_dtype, warn_is_failure, summary, quiet) -> Result:
    if not callable(fn):
        return report(name, False, [f"expected a function, got {fmt(fn)}.",
                                    f"Pass the function itself: checks.{name}({name}), without ()."],
                      quiet=quiet)
    for case in cases:
        args = case.args
        copies = tuple(_copy(a) for a in args)
        where = f"input: {_describe_args(args, arg_names)}  ({case.description})"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with np.errstate(all="warn", under="ignore"):
                    got = fn(*copies)
            except Exception as exc:
                text = str(exc)
                lines = [where, f"your function raised {type(exc).__name__}: {text}"]
                if "truth value of an array" in text:
                    lines.append("hint: `if x > 0:` asks one yes/no question about a whole array. "
                                 "Work element-wise instead: np.maximum, np.where or a boolean mask "
                                 "(x > 0) apply to every element at once (vectorisation).")
                elif case.hint:
                    lines.append(f"hint: {case.hint}")
                elif isinstance(exc, AttributeError) and any(isinstance(a, (int, float)) for a in args):
                    lines.append("hint: this input is a plain Python number, and a comparison of numbers "
                                 "gives a Python bool, which has no array methods such as .astype. Start with "
                                 "np.asarray(...) on the inputs, or use NumPy functions (np.where, "
                                 "np.maximum), which take numbers and arrays alike.")
                    if hint:
                        lines.append(f"hint: {hint}")
                elif hint:
                    lines.append(f"hint: {hint}")
                return report(name, False, lines, quiet=quiet)
        if got is None:
            return report(name, False, [f"Write the body of {name}, then run the cell again "
                                        "(it returned None)."], todo=True, quiet=quiet)
        changed = [i for i, (a, c) in enumerate(zip(args, copies, strict=True)) if not _same(a, c)]
        if changed:
            arg = arg_names[changed[0]] if arg_names and changed[0] < len(arg_names) else "x"
            return report(name, False, [where, f"your function changed its input {arg} in place.",
                                        f"hint: compute a new array (an expression of {arg}, or {arg}.copy()) "
                                        f"instead of assigning into {arg}."], quiet=quiet)
        if warn_is_failure:
            runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
            if runtime:
                return report(name, False, [where, f"NumPy warned: {runtime[0].message}",
                                            f"hint: {case.hint or hint or 'avoid exponentials of large numbers'}"],
                              quiet=quiet)
        expected = reference(*args)
        x0 = args[0]
        if isinstance(got, (list, tuple)):
            return report(name, False, [where, f"your function returned a {type(got).__name__}; "
                                        "return a NumPy array instead.",
                                        "hint: NumPy functions such as np.maximum return arrays; "
                                        "a list comprehension does not."], quiet=quiet)
        if isinstance(x0, np.ndarray) and x0.ndim > 0:
            if not isinstance(got, np.ndarray):
                return report(name, False, [where, f"expected an array of shape {np.shape(expected)}, "
                                            f"got {fmt(got)} ({type(got).__name__}).",
                                            "hint: work element-wise so that an array in gives an array out."],
                              quiet=quiet)
            if got.shape != np.shape(expected):
                return report(name, False, [where, f"expected shape {np.shape(expected)}, got {got.shape}.",
                                            "hint: the output must have the same shape as the input "
                                            "(no flattening, no summing)."], quiet=quiet)
            if require_dtype and x0.dtype.kind == "f" and got.dtype != x0.dtype:
                return report(name, False, [where, f"the input was {x0.dtype} but your output is {got.dtype}.",
                                            "hint: keep the input's dtype: NumPy functions applied to x "
                                            "keep it; .astype(float) or float64 arrays mixed in may not."],
                              quiet=quiet)
        else:
            if isinstance(got, (str, bytes)):
                return report(name, False, [where, f"expected a number, got the text {fmt(got)}.",
                                            "hint: return the number itself, not a string of it."], quiet=quiet)
            try:
                got_arr = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return report(name, False, [where, f"expected a number, got {fmt(got)}."], quiet=quiet)
            if got_arr.shape not in ((), (1,)):
                return report(name, False, [where, f"expected a single number, got shape {got_arr.shape}."],
                              quiet=quiet)
        dtype = np.asarray(x0).dtype if isinstance(x0, np.ndarray) else np.dtype(np.float64)
        loose = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}.get(dtype, 0.0)
        complaint = None
        if compare is not None:
            complaint = compare(args, expected, got)
        else:
            g = np.asarray(got, dtype=np.float64).reshape(np.shape(expected))
            e = np.asarray(expected, dtype=np.float64)
            ok = np.isclose(g, e, rtol=max(rtol, loose), atol=max(atol, loose), equal_nan=True)
            if not ok.all():
                i = tuple(int(k) for k in np.argwhere(~ok)[0]) if e.ndim else ()
                at = f" at index {i} (x = {fmt(np.asarray(x0)[i] if e.ndim else x0)})" if e.ndim else ""
                complaint = (f"expected: {fmt(expected)}\n   got:      {fmt(got)}\n"
                             f"   first wrong value{at}: expected {fmt(e[i] if e.ndim else e)}, "
                             f"got {fmt(g[i] if e.ndim else g)}")
        if complaint:
            specific = diagnose(args, expected, got) if diagnose is not None else None
            tip = specific or case.hint or hint
            return report(name, False, [where, complaint, f"hint: {tip}" if tip else ""], quiet=quiet)
    if any(case.description == "the worked example" for case in cases):  # built on standard_cases()
        kinds = f"{len(cases)} cases: worked examples, single numbers, edge values and random arrays"
    else:
        kinds = f"all {len(cases)} cases"
    return report(name, True, [f"{kinds}.", summary], quiet=quiet)
