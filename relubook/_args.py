"""Checking the package functions' integer arguments, with errors that name the argument."""

from __future__ import annotations

import numbers


def check_int(value: object, name: str, minimum: int | None = 1) -> int:
    """``value`` as an int: an integer (Python or NumPy, not a bool) of at least ``minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (a bool, a float such as ``2.0``, a string); the message names ``name``.
    ValueError
        If it is below ``minimum`` (no bound when ``minimum`` is None).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)
