"""Post-training 8-bit quantisation of a layer's outputs, in NumPy (chapter 5).

A float tensor ``a`` is stored as 8-bit integer codes ``q`` and one float ``scale``, and read back as
``q * scale``. A ReLU output is never negative, so all 256 codes of an unsigned byte (``uint8``,
0..255) can cover ``[0, max a]``; a signed output (tanh, or the pre-activation) needs a signed byte
(``int8``, here the symmetric -127..127), so each sign gets half the codes. That is *symmetric*
quantisation. :func:`quantise` returns the codes and the scale, :func:`dequantise` reads them back,
:func:`relative_error` measures what was lost.

The *affine* scheme of Jacob et al. (2018) adds an integer zero point ``z``: ``uint8`` codes are read back as
``(q - z) * scale``, so the 256 codes cover ``[min(a, 0), max(a, 0)]`` whatever the signs
(:func:`quantise_affine`, and ``relative_error(a, zero_point=True)``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["dequantise", "quantise", "quantise_affine", "relative_error"]


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


def quantise_affine(a: np.ndarray) -> tuple[np.ndarray, float, int]:
    """``uint8`` codes of ``a`` with a scale and an integer zero point (affine, min-max calibration).

    The codes 0..255 cover ``[min(a, 0), max(a, 0)]`` (the range always holds 0, so that 0 is stored
    exactly, as the zero point's code); ``a`` is read back as ``(codes - zero_point) * scale``.

    Parameters
    ----------
    a : array_like
        Finite float values, of any sign.

    Returns
    -------
    codes : numpy.ndarray
        ``uint8``, the shape of ``a``.
    scale : float
        The step between neighbouring codes.
    zero_point : int
        The code that stands for 0, in 0..255.

    Raises
    ------
    ValueError
        If ``a`` is empty or not finite.
    """
    arr = _as_float_array(a, "a")
    low, high = min(float(arr.min()), 0.0), max(float(arr.max()), 0.0)
    scale = (high - low) / 255 if high > low else 1.0
    zero_point = int(np.clip(np.rint(-low / scale), 0, 255))
    codes = np.clip(np.rint(arr / scale) + zero_point, 0, 255)
    return codes.astype(np.uint8), scale, zero_point


def dequantise(codes: np.ndarray, scale: float) -> np.ndarray:
    """The float values ``codes * scale`` stand for."""
    return np.asarray(codes, dtype=np.float64) * float(scale)


def relative_error(a: np.ndarray, *, unsigned: bool, zero_point: bool = False) -> float:
    """RMS error of the 8-bit round trip, relative to the RMS of ``a``.

    Parameters
    ----------
    a : array_like
        Finite float values.
    unsigned : bool
        ``uint8`` codes if True, ``int8`` codes if False.
    zero_point : bool, optional
        False (default): symmetric codes, one scale (see :func:`quantise`). True: affine ``uint8`` codes
        with a zero point (see :func:`quantise_affine`), which accept values of any sign; ``unsigned``
        must then be True.

    Returns
    -------
    float
        RMS(read back - a) / RMS(a), 0.0 for an all-zero ``a``.

    Raises
    ------
    TypeError
        If ``unsigned`` or ``zero_point`` is not a bool.
    ValueError
        If ``a`` is empty or not finite, negative with symmetric ``uint8`` codes, or ``zero_point=True``
        with ``unsigned=False``.
    """
    if not isinstance(zero_point, bool):
        raise TypeError(f"zero_point must be a bool, got {type(zero_point).__name__}")
    if not isinstance(unsigned, bool):
        raise TypeError(f"unsigned must be a bool, got {type(unsigned).__name__}")
    if zero_point and not unsigned:
        raise ValueError("unsigned must be True with zero_point=True (the affine codes here are uint8)")
    arr = _as_float_array(a, "a")
    if zero_point:
        codes, scale, zp = quantise_affine(arr)
        back = (np.asarray(codes, dtype=np.float64) - zp) * scale
    else:
        codes, scale = quantise(arr, unsigned=unsigned)
        back = dequantise(codes, scale)
    rms = float(np.sqrt(np.mean(arr**2)))
    return float(np.sqrt(np.mean((back - arr) ** 2))) / rms if rms > 0 else 0.0
