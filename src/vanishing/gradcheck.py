r"""Finite-difference gradient checking.

A missing transpose or a forgotten factor in back-propagation still "trains", only worse.
The remedy is to compare the analytic gradient with central differences,

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose truncation error is :math:`O(h^2)` (versus :math:`O(h)` for one-sided differences);
the theory page :ref:`backprop-gradcheck` shows a check end to end.

**Use float64.** With :math:`h = 10^{-6}` the rounding error of the difference quotient
is about :math:`\epsilon_{\text{mach}} |f| / h`: roughly :math:`10^{-10}` in float64 but
:math:`10^{-1}` in float32 (:math:`\epsilon_{\text{mach}} \approx 1.2 \times 10^{-7}`), so
the functions here raise :class:`TypeError` on anything but float64 arrays.

.. rubric:: Parameters shared by the functions below

f : callable
    ``f(x) -> float``, a real finite scalar (else ``TypeError`` or ``ValueError``), called
    :math:`2 \times` ``x.size`` times with `x` itself, perturbed in one entry.
x : ndarray of float64
    The point. **Modified in place** during the computation and restored exactly
    afterwards (also if `f` raises); it must be a writable, finite float64 ndarray.
eps : float, default 1e-6
    The step :math:`h`, positive.
rtol, atol : float, default 1e-6 and 0.0
    Tolerances of a check, non-negative; see :func:`check_gradient`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from vanishing._validation import check_array, check_like_params, check_positive

__all__ = [
    "GradCheckResult",
    "check_gradient",
    "check_param_gradients",
    "numerical_gradient",
    "relative_error",
]

_TINY = np.finfo(np.float64).tiny


class GradCheckResult(NamedTuple):
    """Outcome of a gradient check.

    Attributes
    ----------
    max_relative_error : float
        :func:`relative_error` of the analytic against the numerical gradient.
    passed : bool
        Whether every entry satisfied the tolerance.
    numeric : ndarray
        The numerical (central-difference) gradient.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> check_gradient(lambda v: float((v**2).sum()), x, 2 * x).passed
    True
    """

    max_relative_error: float
    passed: bool
    numeric: np.ndarray


def _check_float64_inplace(x: Any, name: str) -> np.ndarray:
    """`x` must be a writable float64 ndarray, since it is perturbed in place."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy ndarray (it is perturbed in place), got {type(x).__name__}"
        )
    if x.dtype != np.float64:
        raise TypeError(
            f"{name} must have dtype float64 for a finite-difference check, got {x.dtype}: "
            "with eps=1e-6 the rounding error of float32 (~1e-7 relative) swamps the "
            "difference f(x+eps) - f(x-eps); convert the parameters with .astype(np.float64)"
        )
    if not x.flags.writeable:
        raise ValueError(f"{name} must be writable (it is perturbed in place and restored)")
    check_array(x, name)  # finiteness
    return x


def _call(f: Callable[[], Any], where: str) -> float:
    value = f()
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"the function must return a real scalar, got {type(value).__name__} {where}"
        ) from None
    if not math.isfinite(out):
        raise ValueError(f"the function returned {out} {where}")
    return out


def _central_differences(f: Callable[[], Any], x: np.ndarray, eps: float, name: str) -> np.ndarray:
    """Central differences of ``f()`` w.r.t. every entry of `x`, perturbed in place."""
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            plus_x = x[idx]
            f_plus = _call(f, f"at {name}{list(idx)} + eps")
            x[idx] = old - eps
            minus_x = x[idx]
            f_minus = _call(f, f"at {name}{list(idx)} - eps")
        finally:
            x[idx] = old
        # Divide by the step actually taken: (old + eps) - (old - eps) is rounded.
        grad[idx] = (f_plus - f_minus) / (plus_x - minus_x)
    return grad


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, *, eps: float = 1e-6
) -> np.ndarray:
    r"""Gradient of a scalar function by central differences.

    .. math::

        \hat g_i = \frac{f(x + h e_i) - f(x - h e_i)}{(x_i + h) - (x_i - h)},

    where the denominator is the step actually taken after floating-point rounding
    (nominally :math:`2h`). The error is :math:`O(h^2)` from truncation plus about
    :math:`\epsilon_{\text{mach}} |f| / h` from rounding; :math:`h = 10^{-6}` balances
    the two for float64 and smooth :math:`f`. Kinks (ReLU at 0, ``max``) within
    :math:`h` of `x` give meaningless results. Returns a float64 array of the shape of `x`.

    See Also
    --------
    check_gradient

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3)
    >>> g = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    >>> bool(np.allclose(g, 3 * x**2, rtol=1e-8))
    True
    """
    h = check_positive(eps, "eps")
    arr = _check_float64_inplace(x, "x")
    return _central_differences(lambda: f(arr), arr, h, "x")


def relative_error(analytic: ArrayLike, numeric: ArrayLike) -> float:
    r"""Largest elementwise relative difference between two gradients of the same shape.

    .. math::

        r = \max_i \frac{|a_i - n_i|}{\max(|a_i| + |n_i|,\ \text{tiny})} \in [0, 1],

    with :math:`\text{tiny} \approx 2.2 \times 10^{-308}` (the smallest normal float64) so
    that two exact zeros give 0 rather than ``0/0``; ``0.0`` for empty arrays. Being relative
    per entry, a wrong sign or factor in a *small* entry is caught as surely as in a large
    one; :math:`r = 1` means one of the two is zero or they have opposite signs. Entries
    that should be 0 but carry finite-difference noise give :math:`r \approx 1`:
    :func:`check_gradient` has an ``atol`` for them. In float64 with :math:`h = 10^{-6}`,
    :math:`r < 10^{-6}` is a pass and :math:`r > 10^{-3}` a bug.

    See Also
    --------
    check_gradient

    Examples
    --------
    >>> relative_error([1.0, 2.0], [1.0, 2.000002])
    5e-07
    >>> relative_error([0.0, 1.0], [0.0, -1.0])
    1.0
    """
    a = check_array(analytic, "analytic")
    n = check_array(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(
            f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}"
        )
    if a.size == 0:
        return 0.0
    a64 = np.asarray(a, dtype=np.float64)
    n64 = np.asarray(n, dtype=np.float64)
    denom = np.maximum(np.abs(a64) + np.abs(n64), _TINY)
    return float(np.max(np.abs(a64 - n64) / denom))


def _compare(
    analytic: np.ndarray, numeric: np.ndarray, rtol: float, atol: float
) -> GradCheckResult:
    a64 = np.asarray(analytic, dtype=np.float64)
    err = relative_error(a64, numeric)
    diff = np.abs(a64 - numeric)
    passed = bool(np.all(diff <= rtol * (np.abs(a64) + np.abs(numeric)) + atol))
    return GradCheckResult(err, passed, numeric)


def check_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    analytic: ArrayLike,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 0.0,
) -> GradCheckResult:
    r"""Compare an analytic gradient (`analytic`, the shape of `x`) with central differences.

    The check passes when every entry satisfies

    .. math::

        |a_i - n_i| \le \text{rtol}\,(|a_i| + |n_i|) + \text{atol},

    with ``atol`` for entries whose true value is 0. With ``atol = 0`` this is exactly
    ``max_relative_error <= rtol``.

    Returns
    -------
    GradCheckResult
        ``(max_relative_error, passed, numeric)``.

    See Also
    --------
    numerical_gradient, relative_error, check_param_gradients

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2, 3))
    >>> f = lambda v: float(np.sum(np.tanh(v)))
    >>> result = check_gradient(f, x, 1 - np.tanh(x) ** 2)
    >>> result.passed, result.max_relative_error < 1e-8
    (True, True)
    >>> check_gradient(f, x, 1 - np.tanh(x)).passed  # a wrong derivative
    False
    """
    h = check_positive(eps, "eps")
    r = check_positive(rtol, "rtol", allow_zero=True)
    t = check_positive(atol, "atol", allow_zero=True)
    arr = _check_float64_inplace(x, "x")
    a = check_array(analytic, "analytic")
    if a.shape != arr.shape:
        raise ValueError(f"analytic must have the shape of x {arr.shape}, got {a.shape}")
    numeric = _central_differences(lambda: f(arr), arr, h, "x")
    return _compare(a, numeric, r, t)


def check_param_gradients(
    loss_fn: Callable[[], float],
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, ArrayLike],
    *,
    eps: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 0.0,
) -> dict[str, GradCheckResult]:
    """Gradient-check every parameter array of a model.

    Cost: :math:`2 P` evaluations of `loss_fn` for :math:`P` scalar parameters. Use a small
    model and batch. Differentiate what the analytic gradient differentiates: no dropout or
    other randomness that changes between calls.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn() -> float``, evaluating the loss from the *current contents* of the
        arrays in `params` (typically a closure over the model and a fixed batch).
    params : dict of str to ndarray of float64
        The model's parameter arrays. Each is perturbed in place, one entry at a time,
        and restored.
    grads : dict of str to array_like
        Analytic gradients, with exactly the keys and shapes of `params` (else
        ``ValueError``).

    Returns
    -------
    dict of str to GradCheckResult
        One result per key of `params`.

    See Also
    --------
    check_gradient

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    >>> params = {"W": rng.normal(size=(3, 1)), "b": np.zeros(1)}
    >>> def loss_fn():
    ...     r = X @ params["W"] + params["b"] - y
    ...     return float(np.mean(r**2))
    >>> r = X @ params["W"] + params["b"] - y
    >>> grads = {"W": 2 * X.T @ r / 5, "b": 2 * r.sum(axis=0) / 5}
    >>> results = check_param_gradients(loss_fn, params, grads)
    >>> {k: res.passed for k, res in results.items()}
    {'W': True, 'b': True}
    """
    h = check_positive(eps, "eps")
    r = check_positive(rtol, "rtol", allow_zero=True)
    t = check_positive(atol, "atol", allow_zero=True)
    if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
        raise TypeError(
            "params and grads must be dicts of arrays, got "
            f"{type(params).__name__} and {type(grads).__name__}"
        )
    analytic = check_like_params(grads, params, "grads")
    results = {}
    for key, p in params.items():
        arr = _check_float64_inplace(p, f"params[{key!r}]")
        numeric = _central_differences(loss_fn, arr, h, f"params[{key!r}]")
        results[key] = _compare(analytic[key], numeric, r, t)
    return results
