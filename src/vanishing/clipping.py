r"""Gradient clipping: the standard first aid for *exploding* gradients.

Gradients are passed either as a single array or as a dict mapping parameter names to
arrays (the layout used by :mod:`vanishing.optimizers`). Clipping never modifies its input:
it returns new arrays of the same dtypes, in the same container type.

A non-finite gradient (``nan`` or ``inf``) raises :class:`ValueError` naming the offending
key instead of being clipped: scaling a ``nan`` gives ``nan`` and clipping an ``inf`` to a
finite value hides a bug, so a silent "fix" would be wrong either way.

Clipping treats the symptom of exploding gradients, not their cause; and it does nothing
for *vanishing* gradients.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar, overload

import numpy as np

from vanishing._validation import check_array, check_positive

__all__ = ["clip_by_global_norm", "clip_by_value", "global_norm"]

_G = TypeVar("_G", np.ndarray, dict[str, np.ndarray])


def _as_dict(grads: Any) -> tuple[dict[str, np.ndarray], bool]:
    """Return ``(named arrays, was_single_array)`` with every array checked to be finite."""
    if isinstance(grads, Mapping):
        if not grads:
            raise ValueError("grads must contain at least one array, got an empty dict")
        items = {}
        for key, g in grads.items():
            if not isinstance(key, str):
                raise TypeError(f"grads keys must be strings, got {key!r}")
            items[key] = _check_grad(g, f"grads[{key!r}]")
        return items, False
    return {"": _check_grad(grads, "grads")}, True


def _check_grad(g: Any, name: str) -> np.ndarray:
    arr = check_array(g, name, finite=False)
    if not np.isfinite(arr).all():
        n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {n_bad} non-finite value(s) (nan or inf); refusing to clip: "
            "find where the gradient overflowed instead"
        )
    return arr


def _norm(arrays: list[np.ndarray]) -> float:
    """Euclidean norm of all entries, in float64, without overflow for huge entries."""
    with np.errstate(over="ignore"):
        sumsq = math.fsum(float(np.vdot(a64, a64)) for a64 in map(_flat64, arrays))
    if math.isfinite(sumsq):
        return math.sqrt(sumsq)
    # Squares overflowed float64 (entries beyond ~1e154): rescale by the largest entry.
    scale = max(float(np.max(np.abs(a))) for a in arrays)
    return scale * math.sqrt(
        math.fsum(float(np.vdot(a64, a64)) for a64 in (_flat64(a) / scale for a in arrays))
    )


def _flat64(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).ravel()


def global_norm(grads: np.ndarray | Mapping[str, Any]) -> float:
    r"""Euclidean norm of all gradient entries taken together.

    Parameters
    ----------
    grads : ndarray or dict of str to ndarray
        One gradient array, or gradients keyed by parameter name.

    Returns
    -------
    float
        :math:`\lVert g \rVert_2` over the concatenation of all arrays, computed in float64.

    Raises
    ------
    ValueError
        If an array contains ``nan`` or ``inf`` (the message names its key), or `grads`
        is an empty dict.
    TypeError
        If an entry is not a real numeric array.

    See Also
    --------
    clip_by_global_norm

    Notes
    -----
    .. math::

        \lVert g \rVert_2 = \sqrt{\sum_{k} \sum_{i} g_{k,i}^2},

    the norm of the vector obtained by flattening and concatenating every array
    :math:`g_k` (what ``torch.nn.utils.clip_grad_norm_`` and ``optax.global_norm``
    compute). Entries large enough to overflow when squared are handled by rescaling.

    Examples
    --------
    >>> import numpy as np
    >>> global_norm({"W": np.array([[3.0]]), "b": np.array([4.0])})
    5.0
    >>> round(global_norm(np.array([1e200, 1e200])) / 1e200, 6)  # no overflow
    1.414214
    """
    items, _ = _as_dict(grads)
    return _norm(list(items.values()))


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
    grads : ndarray or dict of str to ndarray
        One gradient array, or gradients keyed by parameter name.
    max_norm : float
        Threshold :math:`c > 0` on the global norm.
    eps : float, default 1e-6
        Added to the norm in the denominator, as in PyTorch (``0`` gives the textbook rule).

    Returns
    -------
    clipped_grads : ndarray or dict of str to ndarray
        New arrays (same container type, keys and dtypes as `grads`), all multiplied by
        the same factor, so the direction of the full gradient is unchanged.
    pre_clip_norm : float
        Global norm before clipping (useful to log: spikes reveal exploding gradients).

    Raises
    ------
    ValueError
        If a gradient contains ``nan`` or ``inf`` (the message names its key), or
        `max_norm` / `eps` are not positive / non-negative finite floats.
    TypeError
        If an entry is not a real numeric array.

    See Also
    --------
    global_norm, clip_by_value

    Notes
    -----
    Pascanu, Mikolov & Bengio (2013) propose: if :math:`\lVert g \rVert > c` then
    :math:`g \leftarrow c\, g / \lVert g \rVert`. Like ``torch.nn.utils.clip_grad_norm_``,
    this function multiplies every gradient by

    .. math::

        \text{coef} = \min\Bigl(1, \frac{c}{\lVert g \rVert_2 + \varepsilon}\Bigr),
        \qquad \varepsilon = 10^{-6},

    so gradients already inside the ball are returned unchanged (``coef = 1``) and the
    clipped norm is :math:`c \lVert g \rVert / (\lVert g \rVert + \varepsilon)`, a hair
    below :math:`c`. Unlike clipping each array separately, one global factor preserves
    the update direction.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
       neural networks", ICML 2013, Algorithm 1.

    Examples
    --------
    >>> import numpy as np
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
    norm = _norm(list(items.values()))
    coef = min(1.0, c / (norm + e)) if norm + e > 0 else 1.0
    clipped = {k: g * np.asarray(coef, dtype=g.dtype) for k, g in items.items()}
    return (clipped[""] if single else clipped), norm


@overload
def clip_by_value(grads: np.ndarray, limit: float) -> np.ndarray: ...
@overload
def clip_by_value(grads: Mapping[str, Any], limit: float) -> dict[str, np.ndarray]: ...
def clip_by_value(
    grads: np.ndarray | Mapping[str, Any], limit: float
) -> np.ndarray | dict[str, np.ndarray]:
    r"""Clip every gradient entry to the interval ``[-limit, limit]``.

    Parameters
    ----------
    grads : ndarray or dict of str to ndarray
        One gradient array, or gradients keyed by parameter name.
    limit : float
        Positive bound on the magnitude of each entry.

    Returns
    -------
    ndarray or dict of str to ndarray
        New arrays (same container type, keys and dtypes as `grads`).

    Raises
    ------
    ValueError
        If a gradient contains ``nan`` or ``inf`` (the message names its key), or `limit`
        is not a positive finite float.
    TypeError
        If an entry is not a real numeric array.

    See Also
    --------
    clip_by_global_norm : Usually preferable: it keeps the gradient's direction.

    Notes
    -----
    .. math::

        g_i \leftarrow \min(\max(g_i, -\ell), \ell).

    Each coordinate is clipped on its own, so the direction of the gradient changes
    whenever some but not all entries are clipped (``torch.nn.utils.clip_grad_value_``).

    Examples
    --------
    >>> import numpy as np
    >>> clip_by_value(np.array([-3.0, 0.5, 4.0]), 1.0)
    array([-1. ,  0.5,  1. ])
    >>> clip_by_value({"b": np.array([2.0, -0.1])}, 1.0)
    {'b': array([ 1. , -0.1])}
    """
    lim = check_positive(limit, "limit")
    items, single = _as_dict(grads)
    clipped = {k: np.clip(g, -lim, lim).astype(g.dtype, copy=False) for k, g in items.items()}
    return clipped[""] if single else clipped
