r"""Gradient clipping: the standard first aid for *exploding* gradients.

It treats the symptom, not the cause, and does nothing for vanishing gradients. This module
is also the one home of the overflow-safe norm.

`grads` is one array or a dict of arrays keyed by parameter name; results are new arrays of
the same dtypes in the same container. A ``nan`` or ``inf`` raises :class:`ValueError` naming
its key instead of being clipped (scaling a ``nan`` gives ``nan``; clipping an ``inf`` hides a
bug); an entry that is not a real numeric array raises :class:`TypeError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeVar, overload

import numpy as np

from vanishing._validation import check_array, check_positive

__all__ = ["clip_by_global_norm", "clip_by_value", "global_norm"]

_G = TypeVar("_G", np.ndarray, dict[str, np.ndarray])
_TINY: dict[np.dtype[Any], float] = {
    np.dtype(t): float(np.finfo(t).tiny) for t in (np.float16, np.float32, np.float64)
}


def _sumsq(a: np.ndarray) -> float:
    """Sum of squares: one BLAS dot in the array's dtype, redone in float64 where that is
    out of range (a float32 square overflows above ~1.8e19 or underflows below ~1e-19)."""
    s = float(np.vdot(a, a))
    if a.dtype != np.float64 and not _TINY.get(a.dtype, 0.0) <= s < math.inf:
        a64 = a.astype(np.float64)
        s = float(np.vdot(a64, a64))
    return s


def _norm(arrays: Iterable[np.ndarray]) -> float:
    """Euclidean norm of all entries together; ``nan``/``inf`` if an entry is, never a raise.

    A finite result therefore proves every entry finite: the one cheap check that
    :func:`vanishing.training.train` makes per step instead of scanning every array.
    """
    arrays = list(arrays)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        squares = [_sumsq(a) for a in arrays]
    try:
        total = math.fsum(squares)
    except (OverflowError, ValueError):  # a sum above 1.8e308
        total = math.inf
    if _TINY[np.dtype(np.float64)] <= total < math.inf or not arrays:
        return math.sqrt(total)
    # the squares overflowed or underflowed float64: rescale by the largest entry
    scale = max(float(np.max(np.abs(a), initial=0.0)) for a in arrays)
    if not 0.0 < scale < math.inf:
        return scale  # 0 for zeros, inf or nan for non-finite entries
    return scale * math.sqrt(math.fsum(_sumsq(np.asarray(a, np.float64) / scale) for a in arrays))


def _coefficient(norm: float, max_norm: float, eps: float = 1e-6) -> float:
    r"""The factor :math:`\min(1, c/(\lVert g\rVert + \varepsilon))` that clipping applies."""
    return min(1.0, max_norm / (norm + eps)) if norm + eps > 0 else 1.0


def _as_dict(grads: Any) -> tuple[dict[str, np.ndarray], bool]:
    """``(named arrays, was_single_array)``, with types checked but no scan for nan/inf."""
    if isinstance(grads, Mapping):
        if not grads:
            raise ValueError("grads must contain at least one array, got an empty dict")
        items = {}
        for key, g in grads.items():
            if not isinstance(key, str):
                raise TypeError(f"grads keys must be strings, got {key!r}")
            items[key] = check_array(g, f"grads[{key!r}]", finite=False)
        return items, False
    return {"": check_array(grads, "grads", finite=False)}, True


def _finite_norm(items: dict[str, np.ndarray]) -> float:
    """:func:`_norm` of the arrays, scanning them only when it is not finite, to name the key."""
    norm = _norm(items.values())
    if not math.isfinite(norm):
        _raise_non_finite(items)
    return norm


def _raise_non_finite(items: dict[str, np.ndarray]) -> NoReturn:
    for key, g in items.items():
        n_bad = int(g.size - np.count_nonzero(np.isfinite(g)))
        if n_bad:
            name = f"grads[{key!r}]" if key else "grads"
            raise ValueError(
                f"{name} contains {n_bad} non-finite value(s) (nan or inf); refusing to clip: "
                "find where the gradient overflowed instead"
            )
    raise AssertionError("a non-finite norm of finite arrays")  # pragma: no cover


def global_norm(grads: np.ndarray | Mapping[str, Any]) -> float:
    r"""Euclidean norm of all gradient entries taken together.

    .. math:: \lVert g \rVert_2 = \sqrt{\sum_{k} \sum_{i} g_{k,i}^2},

    the norm of all arrays :math:`g_k` flattened and concatenated (``optax.global_norm``,
    ``torch.nn.utils.clip_grad_norm_``). Entries whose squares overflow are rescaled.
    An empty dict raises :class:`ValueError`.

    See Also
    --------
    clip_by_global_norm

    Examples
    --------
    >>> global_norm({"W": np.array([[3.0]]), "b": np.array([4.0])})
    5.0
    >>> round(global_norm(np.array([1e200, 1e200])) / 1e200, 6)  # no overflow
    1.414214
    """
    return _finite_norm(_as_dict(grads)[0])


@overload
def clip_by_global_norm(
    grads: np.ndarray, max_norm: float, *, eps: float = 1e-6
) -> tuple[np.ndarray, float]: ...
@overload
def clip_by_global_norm(
    grads: Mapping[str, Any], max_norm: float, *, eps: float = 1e-6
) -> tuple[dict[str, np.ndarray], float]: ...
def clip_by_global_norm(
    grads: np.ndarray | Mapping[str, Any], max_norm: float, *, eps: float = 1e-6
) -> tuple[np.ndarray | dict[str, np.ndarray], float]:
    r"""Rescale gradients so that their global norm is at most `max_norm`.

    Parameters
    ----------
    max_norm : float
        Threshold :math:`c > 0` on the global norm.
    eps : float, default 1e-6
        Added to the norm in the denominator, as in PyTorch (``0`` gives the textbook rule).

    Returns
    -------
    clipped_grads : ndarray or dict of str to ndarray
        All arrays multiplied by one factor, so the full gradient keeps its direction.
    pre_clip_norm : float
        The global norm before clipping (worth logging: spikes reveal exploding gradients).

    See Also
    --------
    global_norm, clip_by_value

    Notes
    -----
    Pascanu, Mikolov & Bengio (2013): if :math:`\lVert g \rVert > c` then
    :math:`g \leftarrow c\, g / \lVert g \rVert`. Like ``torch.nn.utils.clip_grad_norm_``,
    every gradient is multiplied by

    .. math:: \text{coef} = \min\Bigl(1, \frac{c}{\lVert g \rVert_2 + \varepsilon}\Bigr):

    gradients inside the ball are unchanged; the clipped norm,
    :math:`c \lVert g \rVert / (\lVert g \rVert + \varepsilon)`, is a hair below :math:`c`.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
       neural networks", ICML 2013, Algorithm 1.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm(np.array([3.0, 4.0]), 1.0)
    >>> norm
    5.0
    >>> np.round(clipped, 6)
    array([0.6, 0.8])
    >>> rng = np.random.default_rng(0)
    >>> grads = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    >>> clipped, norm = clip_by_global_norm(grads, 1.0)
    >>> round(norm, 4), round(global_norm(clipped), 4)
    (1.8627, 1.0)
    """
    c = check_positive(max_norm, "max_norm")
    e = check_positive(eps, "eps", allow_zero=True)
    items, single = _as_dict(grads)
    norm = _finite_norm(items)
    coef = _coefficient(norm, c, e)
    clipped = {k: g * np.asarray(coef, dtype=g.dtype) for k, g in items.items()}
    return (clipped[""] if single else clipped), norm


@overload
def clip_by_value(grads: np.ndarray, limit: float) -> np.ndarray: ...
@overload
def clip_by_value(grads: Mapping[str, Any], limit: float) -> dict[str, np.ndarray]: ...
def clip_by_value(
    grads: np.ndarray | Mapping[str, Any], limit: float
) -> np.ndarray | dict[str, np.ndarray]:
    r"""Clip every gradient entry to ``[-limit, limit]``: :math:`g_i \leftarrow
    \min(\max(g_i, -\ell), \ell)` (``torch.nn.utils.clip_grad_value_``).

    Each coordinate is clipped on its own, so the gradient's direction changes whenever
    some but not all entries are clipped.

    See Also
    --------
    clip_by_global_norm : Usually preferable: it keeps the gradient's direction.

    Examples
    --------
    >>> clip_by_value(np.array([-3.0, 0.5, 4.0]), 1.0)
    array([-1. ,  0.5,  1. ])
    >>> clip_by_value({"b": np.array([2.0, -0.1])}, 1.0)
    {'b': array([ 1. , -0.1])}
    """
    lim = check_positive(limit, "limit")
    items, single = _as_dict(grads)
    _finite_norm(items)  # the cheap test that every entry is finite
    clipped = {k: np.clip(g, -lim, lim).astype(g.dtype, copy=False) for k, g in items.items()}
    return clipped[""] if single else clipped
