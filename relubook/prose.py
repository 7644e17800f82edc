"""Numbers for the prose: computed values formatted for the ``{eval}`` role.

A chapter never types a computed number into its markdown. A code cell computes it and names
its formatted text, and the markdown cell after it reads the name with the ``{eval}`` role::

    acc_text = shown(accuracy, ".3f")         # code cell
    The network reaches {eval}`acc_text`.       # markdown cell

The same role is read by myst-nb on the site (inline execution) and by jupyterlab-myst in
JupyterLab, where ``tools/nb.py execute`` stores each expression's result in the cell's
``user_expressions`` metadata so the page reads right before anything is run.

A plain ``str`` would show with quotes in JupyterLab (its plain-text form is its ``repr``), so
the values here are :class:`Shown` strings, whose ``repr`` is the text itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Real

import numpy as np

from ._args import check_int

__all__ = ["Shown", "shown", "spread", "count_of", "percent"]


class Shown(str):
    """A string that displays as itself (no quotes) in every front end.

    Examples
    --------
    >>> Shown("0.935")
    0.935
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return str.__str__(self)


def _check_real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def shown(value: object, fmt: str = "") -> Shown:
    """Format ``value`` for the prose.

    Parameters
    ----------
    value : object
        A number (formatted with ``fmt``) or any object (formatted with ``str`` when ``fmt`` is
        empty).
    fmt : str, optional
        A format specification, as in ``format(value, fmt)``: ``".3f"``, ``".1%"``, ``".2g"``.

    Returns
    -------
    Shown
        The text, displayed without quotes.

    Raises
    ------
    TypeError
        If ``fmt`` is not a string.
    ValueError
        If ``fmt`` does not fit ``value``.

    Examples
    --------
    >>> shown(0.93456, ".3f")
    0.935
    >>> shown(0.5, ".0%")
    50%
    """
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '.3f', got {type(fmt).__name__}")
    if isinstance(value, np.generic):
        value = value.item()
    try:
        text = format(value, fmt)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"fmt {fmt!r} does not fit value {value!r}: {exc}") from None
    return Shown(text)


def percent(fraction: object, digits: int = 0) -> Shown:
    """A fraction in [0, 1] as a percentage with a narrow space: ``percent(0.625, 1)`` is ``62.5 %``.

    Parameters
    ----------
    fraction : float
        The fraction (0.625 for 62.5 %).
    digits : int, optional
        Digits after the decimal point.

    Raises
    ------
    TypeError
        If ``fraction`` is not a real number or ``digits`` not an int.
    ValueError
        If ``digits`` is negative.
    """
    f = _check_real(fraction, "fraction")
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError(f"digits must be an int, got {type(digits).__name__}")
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits}")
    return Shown(f"{100 * f:.{digits}f}\u202f%")


def spread(values: Iterable[object], fmt: str = ".3f", *, unit: str = "") -> Shown:
    """Median and range of a result over seeds: ``0.915 (0.740–0.935 over 10 seeds)``.

    Parameters
    ----------
    values : iterable of float
        One value per seed (at least one).
    fmt : str, optional
        Format of each number.
    unit : str, optional
        Appended to each number (for example ``"\u202f%"``).

    Raises
    ------
    ValueError
        If ``values`` is empty or holds a NaN.
    """
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        raise ValueError("values must hold at least one number (one per seed)")
    if np.isnan(arr).any():
        raise ValueError("values must not hold NaN; count diverged runs separately")
    med, lo, hi = np.median(arr), arr.min(), arr.max()
    seeds = f"{arr.size} seed" + ("s" if arr.size != 1 else "")
    return Shown(f"{med:{fmt}}{unit} ({lo:{fmt}}{unit}\u2013{hi:{fmt}}{unit} over {seeds})")


def count_of(count: object, total: object, noun: str = "") -> Shown:
    """``count_of(13, 16, "units")`` is ``13 of 16 units``.

    Raises
    ------
    TypeError
        If ``count`` or ``total`` is not an integer.
    ValueError
        If ``count`` is negative or larger than ``total``.
    """
    for name, v in (("count", count), ("total", total)):
        check_int(v, name, None)
    if not 0 <= int(count) <= int(total):
        raise ValueError(f"count must be between 0 and total={int(total)}, got {int(count)}")
    text = f"{int(count)} of {int(total)}"
    return Shown(f"{text} {noun}" if noun else text)
