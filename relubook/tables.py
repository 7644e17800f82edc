"""The comparison table of chapter 3, computed from :data:`relubook.activations.REGISTRY`.

Nothing in the table is typed by hand except what the registry itself holds
(formula, typical use, citation). Every other column is *measured* from the
registry's forward and derivative functions at their default parameters:

* the output range and the minimum (value and where it occurs), from a fine
  grid refined with :func:`scipy.optimize.minimize_scalar`;
* monotonicity (``f'`` never below ``-1e-9`` on a grid) and smoothness
  (``f'`` has no jump larger than ``1e-6`` across any grid point, which
  detects the kinks of ReLU at 0 and of ReLU6 at 0 and 6);
* ``f(0)``, ``f'(0)``, ``f'(-3)`` and the negative saturation value
  ``lim f(x)`` for ``x -> -inf`` (from ``f(-1e3)`` and ``f(-1e4)``: equal
  values are a finite limit, different ones mean ``-inf``);
* the mean output on standard normal input, by quadrature.

:func:`comparison_rows` returns one ``dict`` per activation;
:func:`render_html` turns the rows into an HTML table (no pandas needed), and
:func:`cost_rows` measures the separate, machine-dependent cost of each forward
pass and derivative beside ReLU and the one-thread copy floor (every row timed
the same way: interleaved rounds, best of N); :func:`relative_cost` is its
short form and :func:`render_cost_html` shows either.
"""

from __future__ import annotations

import html
import math
import timeit
from collections.abc import Iterable, Sequence

import numpy as np

from . import activations

__all__ = [
    "COLUMNS",
    "comparison_rows",
    "formula",
    "mean_on_standard_normal",
    "measure_minimum",
    "COPY",
    "cost_rows",
    "interleaved_best",
    "relative_cost",
    "render_cost_html",
    "render_html",
]

#: Below this, a value counts as zero (used for the saturation value and for ``f'``).
ZERO_TOL = 1e-9
#: A jump of ``f'`` larger than this across a grid point means "not continuously differentiable".
SMOOTH_TOL = 1e-6

_GRID = np.linspace(-10.0, 10.0, 20_001)  # step 1e-3; contains 0 and 6 exactly
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

#: (key, header) of the deterministic table, in display order.
COLUMNS: list[tuple[str, str]] = [
    ("label", "Activation"),
    ("formula", "Formula"),
    ("range", "Range"),
    ("monotonic", "Monotonic?"),
    ("smooth", "Smooth (C¹)?"),
    ("f0", "f(0)"),
    ("df0", "f′(0)"),
    ("df_m3", "f′(−3)"),
    ("saturation", "f(x→−∞)"),
    ("minimum", "Minimum"),
    ("argmin", "at x ="),
    ("mean_normal", "E f(z), z~N(0,1)"),
    ("use", "Typical use"),
    ("cite", "Citation"),
]


def _f(act: activations.Activation, x, **params):
    return np.asarray(act.forward(np.asarray(x, dtype=np.float64), **{**act.params, **params}), dtype=np.float64)


def _df(act: activations.Activation, x, **params):
    return np.asarray(act.grad(np.asarray(x, dtype=np.float64), **{**act.params, **params}), dtype=np.float64)


def _clean(v: float) -> float:
    """Turn ``-0.0`` into ``0.0`` so printed tables never show a negative zero."""
    return float(v) + 0.0


def mean_on_standard_normal(name: str, **params) -> float:
    """``E[f(z)]`` for ``z ~ N(0, 1)``, by adaptive quadrature (split at the kinks 0 and 6).

    Parameters
    ----------
    name : str
        Registry name.
    **params
        Parameters of the activation (default: the registry's).

    Returns
    -------
    float
        The mean output, accurate to about ``1e-10``. For ReLU it is
        ``1 / sqrt(2 pi)``.
    """
    act = activations.get(name)

    def integrand(x: float) -> float:
        return float(_f(act, x, **params)) * _INV_SQRT_2PI * math.exp(-0.5 * x * x)

    from scipy import integrate  # loaded on first use, not at import (a tenth of a second)

    total = 0.0
    for lo, hi in [(-40.0, 0.0), (0.0, 6.0), (6.0, 40.0)]:
        total += integrate.quad(integrand, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    return _clean(total)


def measure_minimum(name: str, **params) -> dict:
    """Where and how low an activation goes, measured numerically.

    The function is sampled on ``[-10, 10]`` (step ``1e-3``); an interior
    minimum (lower than the limit at ``-inf``) is then refined with a bounded
    :func:`scipy.optimize.minimize_scalar` around the best grid point.

    Returns
    -------
    dict
        ``value`` (the minimum or infimum, ``-inf`` if unbounded below),
        ``argmin`` (a float for an isolated minimum, else ``None``),
        ``kind`` (``"interior"``, ``"flat"`` when the minimum is taken on a
        whole half-line, ``"limit"`` when it is only approached as
        ``x -> -inf``, ``"unbounded"``), ``flat_upto`` (for ``"flat"``: the
        largest grid ``x`` where the minimum is taken) and ``saturation``
        (the limit at ``-inf``).
    """
    act = activations.get(name)
    far1, far2 = _f(act, [-1e3, -1e4], **params)
    saturation = -math.inf if abs(far1 - far2) > ZERO_TOL * max(1.0, abs(far1)) else _clean(far2)
    ys = _f(act, _GRID, **params)
    i = int(np.argmin(ys))
    grid_min = float(ys[i])
    if saturation == -math.inf:
        return {"value": -math.inf, "argmin": None, "kind": "unbounded", "flat_upto": None,
                "saturation": saturation}
    if grid_min < saturation - ZERO_TOL:
        lo, hi = _GRID[max(i - 2, 0)], _GRID[min(i + 2, len(_GRID) - 1)]
        from scipy import optimize  # loaded on first use

        res = optimize.minimize_scalar(lambda x: float(_f(act, x, **params)), bounds=(lo, hi),
                                       method="bounded", options={"xatol": 1e-10})
        x_min, y_min = (float(res.x), float(res.fun)) if res.fun <= grid_min else (float(_GRID[i]), grid_min)
        return {"value": _clean(y_min), "argmin": _clean(x_min), "kind": "interior", "flat_upto": None,
                "saturation": saturation}
    at_min = np.flatnonzero(ys == saturation)
    if at_min.size > 1:  # the limit value is taken exactly on a stretch of the grid
        return {"value": saturation, "argmin": None, "kind": "flat",
                "flat_upto": _clean(_GRID[at_min[-1]]), "saturation": saturation}
    return {"value": saturation, "argmin": None, "kind": "limit", "flat_upto": None,
            "saturation": saturation}


def _is_monotonic(act: activations.Activation, **params) -> bool:
    return bool(np.all(_df(act, _GRID, **params) >= -ZERO_TOL))


def _is_smooth(act: activations.Activation, **params) -> bool:
    """No jump of ``f'`` across any grid point (one-sided values at ``x -+ 1e-9``)."""
    h = 1e-9
    left = _df(act, _GRID - h, **params)
    right = _df(act, _GRID + h, **params)
    return bool(np.all(np.abs(right - left) <= SMOOTH_TOL))


def _upper(act: activations.Activation, **params) -> tuple[float, bool]:
    """(supremum, attained) of f."""
    far1, far2 = _f(act, [1e3, 1e4], **params)
    if abs(far2 - far1) > ZERO_TOL * max(1.0, abs(far1)):
        return math.inf, False
    attained = bool(np.any(_f(act, _GRID, **params) == far2))
    return _clean(far2), attained


def _num(v: float, digits: int = 3) -> str:
    if v == math.inf:
        return "∞"
    if v == -math.inf:
        return "−∞"
    text = f"{_clean(round(v, digits)):.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def comparison_rows(names: Iterable[str] | None = None) -> list[dict]:
    """One dict per activation with every column of the comparison table.

    Values are numbers (floats, bools) or short strings; see :data:`COLUMNS`
    for the keys. Measured at the registry's default parameters.
    """
    rows = []
    for name in (activations.names() if names is None else names):
        act = activations.get(name)
        low = measure_minimum(name)
        high, high_attained = _upper(act)
        lower_text = "(−∞" if low["kind"] == "unbounded" else (
            ("[" if low["kind"] in ("interior", "flat") else "(") + _num(low["value"]))
        upper_text = _num(high) + ("]" if high_attained else ")")
        if low["kind"] == "interior":
            where = _num(low["argmin"])
        elif low["kind"] == "flat":
            where = f"x ≤ {_num(low['flat_upto'])}"
        else:
            where = "x → −∞"
        rows.append({
            "name": name,
            "label": act.label,
            "formula": act.latex,
            "range": f"{lower_text}, {upper_text}",
            "range_low": low["value"],
            "range_high": high,
            "monotonic": _is_monotonic(act),
            "smooth": _is_smooth(act),
            "f0": _clean(_f(act, 0.0)),
            "df0": _clean(_df(act, 0.0)),
            "df_m3": _clean(_df(act, -3.0)),
            "saturation": low["saturation"],
            "minimum": low["value"],
            "argmin": low["argmin"],
            "argmin_text": where,
            "mean_normal": mean_on_standard_normal(name),
            "use": act.use,
            "cite": act.cite,
        })
    return rows


def _cell(key: str, row: dict) -> str:
    value = row[key]
    if key == "formula":
        return f'<span class="math notranslate nohighlight">\\({html.escape(value)}\\)</span>'
    if key == "argmin":
        return html.escape(row["argmin_text"])
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _num(value)
    return html.escape(str(value))


def render_html(rows: Sequence[dict], columns: Sequence[tuple[str, str]] = COLUMNS) -> str:
    """An HTML table of ``rows`` (from :func:`comparison_rows`), for ``IPython.display.HTML``."""
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{_cell(key, row)}</td>" for key, _ in columns) + "</tr>"
                     for row in rows)
    return (f'<table class="relubook-table">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>")


#: The name :func:`cost_rows` gives the one-thread copy floor in its timings.
COPY = "copy"


def interleaved_best(fns: dict, *, rounds: int = 7, number: int = 2) -> dict[str, list[float]]:
    """Time several functions the same way, interleaved: every round times each once.

    Parameters
    ----------
    fns : dict
        Key -> function of no arguments.
    rounds : int, default 7
        Number of rounds. In each round every function is timed once, one
        after another in the order of ``fns``, so that a drift of the
        machine's speed hits all of them alike.
    number : int, default 2
        Calls per timing; a timing is the mean time of one call.

    Returns
    -------
    dict
        Key -> list of ``rounds`` timings in seconds, in round order (their
        minimum is the "best of N"). Every function is called once before the
        first round (warm-up, not timed).
    """
    if not isinstance(rounds, int) or not isinstance(number, int) or rounds < 1 or number < 1:
        raise ValueError(f"rounds and number must be integers >= 1, got rounds={rounds!r}, number={number!r}")
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {key: [] for key in fns}
    for _ in range(rounds):
        for key, fn in fns.items():
            samples[key].append(timeit.timeit(fn, number=number) / number)
    return samples


def cost_rows(names: Iterable[str] | None = None, *, size: int = 1_000_000, rounds: int = 7, number: int = 2,
              seed: int = 0, derivatives: bool = True) -> list[dict]:
    """Measured cost of each activation (and derivative) beside ReLU and the copy floor.

    Every row is measured the same way: on one array of ``size`` float32
    numbers (standard normal times 3, so both sides of every kink are hit),
    the copy floor, every forward pass and every derivative are timed
    interleaved by :func:`interleaved_best` (``rounds`` rounds of ``number``
    calls each, the same for all), and each time is the best of the rounds.

    The *copy floor* is ``np.copyto(out, x)`` into a ready array: reading
    and writing every element once on one thread, which no elementwise
    function can beat. Its ratio tells memory-bound functions (close to 1)
    from compute-bound ones.

    Parameters
    ----------
    names : iterable of str, optional
        Registry names (default: all, in the book's order). ReLU is timed in
        any case, as the reference.
    size : int, default 1_000_000
        Elements of the input array.
    rounds, number : int
        See :func:`interleaved_best`.
    seed : int, default 0
        Seed of the input array.
    derivatives : bool, default True
        Also time each derivative (``grad`` of the registry).

    Returns
    -------
    list of dict
        One dict per name, in order, with keys ``name``, ``label``,
        ``forward_ms`` (best time of one call), ``forward_vs_relu`` (best
        over best of ReLU), ``forward_vs_copy`` (best over best of the copy
        floor), ``forward_vs_relu_rounds`` (the ratio to ReLU within each
        round, for a spread), ``copy_ms``; and with ``derivatives`` the same
        four ``grad_*`` keys, where ``grad_vs_relu`` is relative to ReLU's
        derivative. Ratios depend on the machine: show them in a cell whose
        output is not compared, and state a spread with any number drawn
        from them.
    """
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    names = list(activations.names() if names is None else names)
    acts = {n: activations.get(n) for n in names}  # raises on unknown names before any timing
    x = (np.random.default_rng(seed).standard_normal(size) * 3).astype(np.float32)
    out = np.empty_like(x)
    fns: dict = {COPY: lambda: np.copyto(out, x)}
    timed = ["relu", *[n for n in names if n != "relu"]]
    relu_act = activations.get("relu")
    for n in timed:
        a = acts.get(n, relu_act)
        fns[(n, "forward")] = lambda a=a: a.forward(x, **a.params)
        if derivatives:
            fns[(n, "grad")] = lambda a=a: a.grad(x, **a.params)
    samples = interleaved_best(fns, rounds=rounds, number=number)
    copy = min(samples[COPY])
    rows = []
    for n in names:
        row = {"name": n, "label": acts[n].label, "copy_ms": copy * 1e3}
        for kind in ("forward", "grad") if derivatives else ("forward",):
            mine, ref = samples[(n, kind)], samples[("relu", kind)]
            row[f"{kind}_ms"] = min(mine) * 1e3
            row[f"{kind}_vs_relu"] = min(mine) / min(ref)
            row[f"{kind}_vs_copy"] = min(mine) / copy
            row[f"{kind}_vs_relu_rounds"] = [m / r for m, r in zip(mine, ref, strict=True)]
        rows.append(row)
    return rows


def relative_cost(names: Iterable[str] | None = None, *, size: int = 1_000_000, rounds: int = 7,
                  number: int = 2, seed: int = 0) -> dict[str, float]:
    """Forward time of each activation relative to ReLU (best of ``rounds``, interleaved).

    A short form of :func:`cost_rows` (forward passes only), measured the
    same way. Machine dependent: print it in a cell whose output is not
    compared.

    Returns
    -------
    dict
        Registry name -> best time over ReLU's best time.
    """
    rows = cost_rows(names, size=size, rounds=rounds, number=number, seed=seed, derivatives=False)
    return {r["name"]: r["forward_vs_relu"] for r in rows}


def render_cost_html(costs) -> str:
    """An HTML table of measured costs.

    Parameters
    ----------
    costs : dict or list of dict
        The dict of :func:`relative_cost` (two columns: activation, time
        relative to ReLU) or the rows of :func:`cost_rows` (activation; for
        the forward pass and, when measured, the derivative: ms, × ReLU,
        × copy floor).
    """
    if isinstance(costs, dict):
        body = "\n".join(f"<tr><td>{html.escape(activations.get(n).label)}</td><td>{c:.1f}×</td></tr>"
                         for n, c in costs.items())
        return ('<table class="relubook-table">\n<thead><tr><th>Activation</th>'
                "<th>Time relative to ReLU</th></tr></thead>\n"
                f"<tbody>\n{body}\n</tbody>\n</table>")
    rows = list(costs)
    kinds = [k for k in ("forward", "grad") if rows and f"{k}_ms" in rows[0]]
    title = {"forward": "forward", "grad": "derivative"}
    head = "<th>Activation</th>" + "".join(
        f"<th>{title[k]} ms</th><th>{title[k]} × ReLU</th><th>{title[k]} × copy</th>" for k in kinds)
    body = "\n".join(
        f"<tr><td>{html.escape(r['label'])}</td>" + "".join(
            f"<td>{r[f'{k}_ms']:.2f}</td><td>{r[f'{k}_vs_relu']:.1f}×</td><td>{r[f'{k}_vs_copy']:.1f}×</td>"
            for k in kinds) + "</tr>" for r in rows)
    return (f'<table class="relubook-table">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>")


def formula(name: str):
    """The registry's formula of ``name`` as displayable math (``IPython.display.Math``)."""
    from IPython.display import Math

    act = activations.get(name)
    return Math(rf"\text{{{act.label}}}(x) = {act.latex}")
