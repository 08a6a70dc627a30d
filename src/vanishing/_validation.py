"""Shared input-checking helpers.

Every public function of :mod:`vanishing` validates its arguments with these helpers so
that bad input fails early with a message saying *which* argument was wrong, what was
expected and what was received, instead of a silent ``nan`` or a deep NumPy traceback.

Conventions
-----------
- A value of the wrong *type* (a string where a number is expected, a float where an
  integer is expected, a complex array, ...) raises :class:`TypeError`.
- A value of the right type but the wrong *value* (negative learning rate, wrong number
  of dimensions, ``nan`` in an array, ...) raises :class:`ValueError`.
- ``bool`` is never accepted as a number (``True`` is an ``int`` in Python, but passing
  it as a learning rate or a sample count is always a bug).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_generator",
    "check_array",
    "check_choice",
    "check_in_range",
    "check_positive",
    "check_positive_int",
    "check_same_shape",
    "skip_finite_checks",
]

_KIND_NAMES = {"f": "floating-point", "i": "integer"}

_SKIP_FINITE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "vanishing_skip_finite_checks", default=False
)


@contextlib.contextmanager
def skip_finite_checks() -> Iterator[None]:
    """Within this block, :func:`check_array` does not scan arrays for ``nan`` and ``inf``.

    For internal hot paths only: :class:`vanishing.network.Sequential` checks its input once,
    then runs its layers inside this block, so that the arrays passing from layer to layer are
    not scanned again at every layer (non-finite values produced *inside* the network then
    propagate to its output, as in PyTorch, where :func:`vanishing.training.train` reports
    the first layer that produced them). Types, dtypes and shapes are still checked.

    Examples
    --------
    >>> import numpy as np
    >>> with skip_finite_checks():
    ...     check_array([1.0, np.nan], "x")
    array([ 1., nan])
    """
    token = _SKIP_FINITE.set(True)
    try:
        yield
    finally:
        _SKIP_FINITE.reset(token)


def _describe(value: Any) -> str:
    """Return ``repr(value)`` with its type, e.g. ``'2.5 (float)'``."""
    return f"{value!r} ({type(value).__name__})"


def _as_real(value: Any, name: str, what: str) -> float:
    """Convert a real, non-bool scalar to ``float`` or raise :class:`TypeError`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {what}, got {_describe(value)}")
    return float(value)


def check_array(
    x: Any,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    dtype_kind: str | None = "f",
    finite: bool = True,
    shape_hint: str | None = None,
) -> np.ndarray:
    """Convert an array-like to an ndarray and check its dimensions, dtype and values.

    No copy is made when `x` already is an ndarray of an accepted dtype, so in-place
    operations on the result act on the caller's array.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        Argument name used in error messages.
    ndim : int or sequence of int, optional
        Accepted number(s) of dimensions. ``None`` (default) accepts any.
    dtype_kind : {'f', 'i'} or None, default 'f'
        ``'f'``: floating point. Float arrays keep their dtype (float32 stays float32);
        integer and boolean arrays are converted to float64. ``'i'``: signed or unsigned
        integers only (floats are rejected, even integral ones). ``None``: any numeric
        dtype, unchanged.
    finite : bool, default True
        Reject arrays containing ``nan`` or ``inf``.
    shape_hint : str, optional
        Human-readable description of the expected shape, such as
        ``"(n_samples, n_classes)"``, appended to the dimension error.

    Returns
    -------
    ndarray
        The checked array.

    Raises
    ------
    TypeError
        If `x` cannot be converted to a numeric array or has the wrong dtype kind.
    ValueError
        If `x` is ragged, has the wrong number of dimensions, or contains non-finite
        values when `finite` is true.

    Examples
    --------
    >>> import numpy as np
    >>> check_array([[1, 2], [3, 4]], "x", ndim=2).dtype
    dtype('float64')
    >>> check_array(np.ones(3, dtype=np.float32), "x").dtype
    dtype('float32')
    >>> check_array([1.0, 2.0, 3.0], "logits", ndim=2, shape_hint="(n_samples, n_classes)")
    Traceback (most recent call last):
    ...
    ValueError: logits must be 2-D (n_samples, n_classes), got shape (3,)
    >>> check_array([0.5, np.nan, np.inf], "grads")
    Traceback (most recent call last):
    ...
    ValueError: grads must contain only finite values, got 1 NaN and 1 inf (first at index (1,))
    """
    if dtype_kind not in ("f", "i", None):
        raise ValueError(f"dtype_kind must be 'f', 'i' or None, got {dtype_kind!r}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular numeric array: {exc}") from None
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} must be a numeric (real) array, got dtype {arr.dtype} from {type(x).__name__}"
        )
    if dtype_kind == "f":
        if kind != "f":
            arr = arr.astype(np.float64)
    elif dtype_kind == "i" and kind not in "iu":
        raise TypeError(f"{name} must be an integer array, got dtype {arr.dtype}")

    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            hint = f" {shape_hint}" if shape_hint else ""
            raise ValueError(f"{name} must be {want}{hint}, got shape {arr.shape}")

    if finite and arr.dtype.kind == "f" and not _SKIP_FINITE.get():
        bad = ~np.isfinite(arr)
        if bad.any():
            n_nan = int(np.isnan(arr).sum())
            n_inf = int(bad.sum()) - n_nan
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} must contain only finite values, got {n_nan} NaN and {n_inf} inf "
                f"(first at index {first})"
            )
    return arr


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Check that `value` is a finite positive (or non-negative) real number.

    Parameters
    ----------
    value : float
        The value to check. Python and NumPy ints and floats are accepted; ``bool`` is not.
    name : str
        Argument name used in error messages.
    allow_zero : bool, default False
        Accept ``0``.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If `value` is not a real number.
    ValueError
        If `value` is not finite, negative, or zero when `allow_zero` is false.

    Examples
    --------
    >>> check_positive(0.1, "lr")
    0.1
    >>> check_positive(0, "weight_decay", allow_zero=True)
    0.0
    >>> check_positive(-0.1, "lr")
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive finite float, got -0.1
    """
    what = "a non-negative finite float" if allow_zero else "a positive finite float"
    v = _as_real(value, name, what)
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return v


def check_in_range(
    value: Any,
    name: str,
    low: float,
    high: float,
    *,
    inclusive: tuple[bool, bool] = (True, False),
) -> float:
    """Check that `value` is a finite real number in an interval.

    Parameters
    ----------
    value : float
        The value to check (``bool`` is rejected).
    name : str
        Argument name used in error messages.
    low, high : float
        Interval bounds.
    inclusive : tuple of (bool, bool), default (True, False)
        Whether `low` and `high` belong to the interval; the default is ``[low, high)``.

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    TypeError
        If `value` is not a real number.
    ValueError
        If `value` is not finite or outside the interval.

    Examples
    --------
    >>> check_in_range(0.9, "beta1", 0.0, 1.0)
    0.9
    >>> check_in_range(1.0, "beta2", 0.0, 1.0)
    Traceback (most recent call last):
    ...
    ValueError: beta2 must be a finite float in [0.0, 1.0), got 1.0
    """
    lo_inc, hi_inc = inclusive
    interval = f"{'[' if lo_inc else '('}{low}, {high}{']' if hi_inc else ')'}"
    what = f"a finite float in {interval}"
    v = _as_real(value, name, what)
    ok_low = v >= low if lo_inc else v > low
    ok_high = v <= high if hi_inc else v < high
    if not (math.isfinite(v) and ok_low and ok_high):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return v


def check_positive_int(value: Any, name: str, *, allow_zero: bool = False) -> int:
    """Check that `value` is a positive (or non-negative) integer.

    Python ``int`` and NumPy integer scalars are accepted; ``bool`` and floats (even
    ``3.0``) are rejected.

    Parameters
    ----------
    value : int
        The value to check.
    name : str
        Argument name used in error messages.
    allow_zero : bool, default False
        Accept ``0``.

    Returns
    -------
    int
        ``int(value)``.

    Raises
    ------
    TypeError
        If `value` is not an integer.
    ValueError
        If `value` is negative, or zero when `allow_zero` is false.

    Examples
    --------
    >>> check_positive_int(100, "n_samples")
    100
    >>> check_positive_int(2.5, "n_samples")
    Traceback (most recent call last):
    ...
    TypeError: n_samples must be a positive integer, got 2.5 (float)
    """
    what = "a non-negative integer" if allow_zero else "a positive integer"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}, got {_describe(value)}")
    v = int(value)
    if v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be {what}, got {v}")
    return v


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Check that `value` is one of the strings in `choices`.

    Parameters
    ----------
    value : str
        The value to check (compared exactly, case-sensitive).
    name : str
        Argument name used in error messages.
    choices : iterable of str
        Valid values; the error message lists them sorted.

    Returns
    -------
    str
        `value`.

    Raises
    ------
    TypeError
        If `value` is not a string.
    ValueError
        If `value` is not in `choices`.

    Examples
    --------
    >>> check_choice("fan_in", "mode", ["fan_out", "fan_in"])
    'fan_in'
    >>> check_choice("fan_sum", "mode", ["fan_out", "fan_in"])
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of 'fan_in', 'fan_out', got 'fan_sum'
    """
    valid = sorted(choices)
    listed = ", ".join(repr(c) for c in valid)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {listed}, got {_describe(value)}")
    if value not in valid:
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value


def check_same_shape(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    """Check that two arrays have the same shape.

    Parameters
    ----------
    a, b : ndarray
        Arrays to compare (anything with a ``shape`` attribute).
    names : tuple of (str, str)
        Argument names of `a` and `b` used in the error message.

    Raises
    ------
    ValueError
        If ``a.shape != b.shape``.

    Examples
    --------
    >>> import numpy as np
    >>> check_same_shape(np.zeros((2, 3)), np.zeros((2, 3)), ("y_pred", "y_true"))
    >>> check_same_shape(np.zeros((2, 3)), np.zeros(3), ("y_pred", "y_true"))
    Traceback (most recent call last):
    ...
    ValueError: y_pred and y_true must have the same shape, got (2, 3) and (3,)
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and {b.shape}"
        )


def as_generator(rng: Any) -> np.random.Generator:
    """Turn a seed or generator into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : numpy.random.Generator, int or None
        A generator (returned as is, so its state advances), a non-negative integer
        seed, or ``None`` for OS entropy.

    Returns
    -------
    numpy.random.Generator
        The generator.

    Raises
    ------
    TypeError
        If `rng` is of another type (``bool``, float, the legacy ``RandomState`` ...).
    ValueError
        If `rng` is a negative integer.

    Examples
    --------
    >>> g = as_generator(0)
    >>> round(float(g.normal()), 4)
    0.1257
    >>> as_generator(g) is g
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(
            "rng must be a numpy.random.Generator, a non-negative int seed or None, "
            f"got {rng!r} ({type(rng).__name__})"
        )
    return np.random.default_rng(check_positive_int(rng, "rng", allow_zero=True))
