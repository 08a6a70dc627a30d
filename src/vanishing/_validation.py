"""Shared input checks: bad input fails early, saying which argument, what it expected, what came.

A value of the wrong *type* (a string for a number, a float for an integer, a complex
array...) raises :class:`TypeError`; the right type with a wrong *value* (a negative learning
rate, the wrong number of dimensions, ``nan`` in an array...) raises :class:`ValueError`.
``bool`` is never accepted as a number. In every helper, `name` is the argument's name as the
message shows it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_generator",
    "check_array",
    "check_choice",
    "check_in_range",
    "check_positive",
    "check_positive_int",
    "check_like_params",
    "check_same_shape",
    "finite_checks_skipped",
    "lookup_name",
    "skip_finite_checks",
]

_KIND_NAMES = {"f": "floating-point", "i": "integer"}

_SKIP_FINITE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "vanishing_skip_finite_checks", default=False
)


@contextlib.contextmanager
def skip_finite_checks() -> Iterator[None]:
    """Within this block, :func:`check_array` does not scan arrays for ``nan`` and ``inf``.

    For hot paths whose input was checked once (:meth:`vanishing.network.Sequential.forward`,
    the steps of :func:`vanishing.training.train`): an overflow inside then propagates, as
    in PyTorch. Neither do the optimizers check that the gradients are finite (``train``'s
    finite global norm has proved it). Types, dtypes and shapes are still checked.

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


def finite_checks_skipped() -> bool:
    """Whether the caller runs inside :func:`skip_finite_checks`.

    >>> finite_checks_skipped()
    False
    >>> with skip_finite_checks():
    ...     finite_checks_skipped()
    True
    """
    return _SKIP_FINITE.get()


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

    An ndarray of an accepted dtype is returned as is (no copy). `ndim` is the accepted
    number(s) of dimensions and `shape_hint` the expected shape in words for the message.
    `dtype_kind` ``'f'`` keeps float dtypes and turns integers and booleans into float64,
    ``'i'`` accepts integers only (even integral floats raise), ``None`` any numeric dtype.
    `finite` rejects ``nan`` and ``inf``. Raises :class:`TypeError` for a non-numeric array
    or the wrong dtype kind, :class:`ValueError` for a ragged one, the wrong dimensions or
    non-finite values.

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
    if type(x) is np.ndarray and x.dtype.kind == "f" and dtype_kind in ("f", None):
        arr = x  # the common case, a float ndarray: nothing to convert
    else:
        arr = _as_numeric(x, name, dtype_kind)

    if ndim is not None and arr.ndim != ndim:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            hint = f" {shape_hint}" if shape_hint else ""
            raise ValueError(f"{name} must be {want}{hint}, got shape {arr.shape}")

    if finite and arr.dtype.kind == "f" and not _SKIP_FINITE.get() and not np.isfinite(arr).all():
        bad = ~np.isfinite(arr)
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(bad.sum()) - n_nan
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must contain only finite values, got {n_nan} NaN and {n_inf} inf "
            f"(first at index {first})"
        )
    return arr


def _as_numeric(x: Any, name: str, dtype_kind: str | None) -> np.ndarray:
    """:func:`check_array`'s conversion of `x` and its dtype checks."""
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
    return arr


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``float(value)`` if it is a finite real number above zero (or zero, `allow_zero`).

    Raises :class:`TypeError` for a non-number (``bool`` included), :class:`ValueError`
    otherwise.

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
    """Return ``float(value)`` if it lies in the interval from `low` to `high`.

    `inclusive` says whether each bound belongs to it (default ``[low, high)``).
    Raises :class:`TypeError` for a non-number, :class:`ValueError` outside.

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
    """Return ``int(value)`` if it is an integer above zero (or zero, with `allow_zero`).

    Python and NumPy integers are accepted; ``bool`` and floats (even ``3.0``) raise
    :class:`TypeError`, negative values :class:`ValueError`.

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
    """Return `value` if it is one of the strings `choices` (exactly, case-sensitive).

    The messages list the choices sorted: :class:`TypeError` for a non-string,
    :class:`ValueError` for another string.

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
    """Raise :class:`ValueError` unless ``a.shape == b.shape``; `names` are theirs.

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


def check_like_params(
    values: Any, params: Mapping[str, Any], name: str, *, finite: bool = True
) -> dict[str, np.ndarray]:
    """Check that `values` is a dict with exactly the keys of `params`, each of its shape.

    Returns the arrays, in the order of `params`, as :func:`check_array` converts them
    (`finite` is passed on). Raises :class:`TypeError` for a non-dict and
    :class:`ValueError` naming the missing and unexpected keys or the first wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> params = {"W": np.zeros((2, 3)), "b": np.zeros(3)}
    >>> list(check_like_params({"b": np.ones(3), "W": np.ones((2, 3))}, params, "grads"))
    ['W', 'b']
    >>> check_like_params({"W": np.ones((3, 2)), "c": 0.0}, params, "grads")
    Traceback (most recent call last):
    ...
    ValueError: grads must have exactly the keys of params: missing ['b'], unexpected ['c']
    >>> check_like_params({"W": np.ones((3, 2)), "b": np.ones(3)}, params, "grads")
    Traceback (most recent call last):
    ...
    ValueError: grads['W'] must have the shape of params['W'] (2, 3), got (3, 2)
    """
    if not isinstance(values, Mapping):
        raise TypeError(
            f"{name} must be a dict of str to ndarray keyed like params, "
            f"got {type(values).__name__}"
        )
    if values.keys() != params.keys():
        missing = sorted(set(params) - set(values))
        extra = sorted(set(values) - set(params))
        raise ValueError(
            f"{name} must have exactly the keys of params: missing {missing}, unexpected {extra}"
        )
    out = {}
    for key, p in params.items():
        arr = check_array(values[key], f"{name}[{key!r}]", finite=finite)
        shape = p.shape if isinstance(p, np.ndarray) else np.shape(p)
        if arr.shape != shape:
            raise ValueError(
                f"{name}[{key!r}] must have the shape of params[{key!r}] {shape}, got {arr.shape}"
            )
        out[key] = arr
    return out


def lookup_name(
    name: Any, what: str, names: Iterable[str], aliases: Mapping[str, str] | None = None
) -> str:
    """The one rule of the ``get_*`` lookups: return the registry key that `name` means.

    Case is ignored and an alias stands for its target. :class:`TypeError` for a
    non-string; :class:`ValueError` for an unknown name, listing every known one.

    Examples
    --------
    >>> lookup_name("Swish", "activation", ["relu", "silu"], {"swish": "silu"})
    'silu'
    >>> lookup_name("softmax", "activation", ["relu", "silu"], {"swish": "silu"})
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softmax': activation must be one of 'relu', 'silu', 'swish'
    """
    aliases = aliases or {}
    keys = {key.lower(): key for key in names}
    listed = ", ".join(repr(n) for n in sorted({*keys.values(), *aliases}))
    if not isinstance(name, str):
        raise TypeError(
            f"{what} must be a string, the name of one of {listed}, got {_describe(name)}"
        )
    folded = aliases.get(name.lower(), name).lower()
    if folded not in keys:
        raise ValueError(f"unknown {what} {name!r}: {what} must be one of {listed}")
    return keys[folded]


def as_generator(rng: Any) -> np.random.Generator:
    """Turn a seed or generator into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : numpy.random.Generator, int or None
        A generator (returned as is, so its state advances), a non-negative integer
        seed, or ``None`` for OS entropy.

    Raises
    ------
    TypeError
        For another type (``bool``, float, the legacy ``RandomState``...).
    ValueError
        For a negative seed.

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
