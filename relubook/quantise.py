"""Post-training 8-bit quantisation of a layer's outputs, in NumPy (chapter 5).

A float tensor ``a`` is stored as 8-bit integer codes ``q`` and one float ``scale``, and read back as
``q * scale``. A ReLU output is never negative, so all 256 codes of an unsigned byte (``uint8``,
0..255) can cover ``[0, max a]``; a signed output (tanh, or the pre-activation) needs a signed byte
(``int8``, here the symmetric -127..127), so each sign gets half the codes. :func:`quantise` returns the
codes and the scale, :func:`dequantise` reads them back, :func:`relative_error` measures what was lost.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dequantise", "quantise", "relative_error"]


def _as_float_array(a: object, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite values only")
    return arr


def quantise(a: np.ndarray, *, unsigned: bool) -> tuple[np.ndarray, float]:
    """8-bit codes of ``a`` with one scale for the whole tensor (max-abs calibration).

    Parameters
    ----------
    a : array_like
        Finite float values.
    unsigned : bool
        True: ``uint8`` codes 0..255 over ``[0, max a]`` (``a`` must be >= 0, as a ReLU output is).
        False: ``int8`` codes -127..127 over ``[-max|a|, max|a|]``.

    Returns
    -------
    codes : numpy.ndarray
        ``uint8`` or ``int8``, the shape of ``a``.
    scale : float
        ``a`` is approximately ``codes * scale``.

    Raises
    ------
    TypeError
        If ``unsigned`` is not a bool.
    ValueError
        If ``a`` is empty or not finite, or negative with ``unsigned=True``.
    """
    if not isinstance(unsigned, bool):
        raise TypeError(f"unsigned must be a bool, got {type(unsigned).__name__}")
    arr = _as_float_array(a, "a")
    if unsigned and arr.min() < 0:
        raise ValueError(f"a must be >= 0 for unsigned codes (a ReLU output is), got a minimum of {arr.min():g}")
    top = 255 if unsigned else 127
    peak = float(np.abs(arr).max())
    scale = peak / top if peak > 0 else 1.0
    codes = np.clip(np.rint(arr / scale), 0 if unsigned else -top, top)
    return codes.astype(np.uint8 if unsigned else np.int8), scale


def dequantise(codes: np.ndarray, scale: float) -> np.ndarray:
    """The float values ``codes * scale`` stand for."""
    return np.asarray(codes, dtype=np.float64) * float(scale)


def relative_error(a: np.ndarray, *, unsigned: bool) -> float:
    """RMS error of the 8-bit round trip, relative to the RMS of ``a`` (see :func:`quantise`)."""
    arr = _as_float_array(a, "a")
    codes, scale = quantise(arr, unsigned=unsigned)
    rms = float(np.sqrt(np.mean(arr**2)))
    return float(np.sqrt(np.mean((dequantise(codes, scale) - arr) ** 2))) / rms if rms > 0 else 0.0
