r"""Loss functions with their gradients.

Every loss is a pure function ``loss(prediction, target) -> (value, grad)``: ``value`` is a
float (the loss averaged as each function states), ``grad`` the gradient of ``value`` with
respect to the *first* argument (predictions or logits), with its shape and floating dtype
and the averaging factor already inside, ready for back-propagation. Arrays of different
shapes, empty or with non-finite values raise ``ValueError``; non-numeric ones ``TypeError``.

The cross-entropy losses take **logits**, never probabilities: the final sigmoid/softmax
and the log combined inside the loss are numerically stable and give the gradients
:math:`\sigma(z) - t` and :math:`\operatorname{softmax}(z) - y`, which do not vanish when
the output unit saturates (the MSE gradient through a sigmoid carries a factor
:math:`\sigma'(z) \le 1/4`; :ref:`learning-cross-entropy` measures it). They compute in
float64 and cast values and gradients back, so float32 stays float32.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from vanishing._validation import check_array, check_same_shape, lookup_name
from vanishing.activations import sigmoid, softplus

__all__ = [
    "LOSSES",
    "LossFn",
    "binary_cross_entropy_with_logits",
    "get_loss",
    "log_softmax",
    "mean_squared_error",
    "softmax",
    "softmax_cross_entropy",
]

LossFn = Callable[[Any, Any], tuple[float, np.ndarray]]
"""Type of a loss function: ``(prediction, target) -> (value, grad)``."""


def _check_nonempty(x: np.ndarray, name: str) -> None:
    if x.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {x.shape}")


def _check_axis(axis: Any, ndim: int, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {axis!r} ({type(axis).__name__})")
    if not -ndim <= int(axis) < ndim:
        raise ValueError(
            f"axis must be in [-{ndim}, {ndim}) for {name} with {ndim} dimension(s), got {axis}"
        )
    return int(axis)


def _float64(x: np.ndarray) -> np.ndarray:
    """Return `x` as float64 (no copy if it already is)."""
    return np.asarray(x, dtype=np.float64)


def mean_squared_error(y_pred: ArrayLike, y_true: ArrayLike) -> tuple[float, np.ndarray]:
    r"""Mean squared error averaged over **all** elements, and its gradient.

    With :math:`N` the total number of elements (``y_pred.size``, not the number of samples:
    for ``n_out`` outputs this is ``1 / n_out`` times the per-sample sum of squares),

    .. math::

        L = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2, \qquad
        \frac{\partial L}{\partial \hat y_i} = \frac{2}{N} (\hat y_i - y_i).

    This is PyTorch's ``MSELoss(reduction="mean")``. The factor 2 is kept (some texts use
    :math:`\tfrac12` in front of the sum to cancel it).

    Parameters
    ----------
    y_pred : array_like of shape (n_samples, ...)
        Predictions :math:`\hat y`.
    y_true : array_like, same shape as `y_pred`
        Targets :math:`y`.

    See Also
    --------
    binary_cross_entropy_with_logits, softmax_cross_entropy

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y_pred = rng.normal(size=(4, 2))
    >>> y_true = np.zeros((4, 2))
    >>> value, grad = mean_squared_error(y_pred, y_true)
    >>> round(value, 4)
    0.4337
    >>> np.allclose(grad, 2 * y_pred / 8)
    True
    """
    y_pred_a = check_array(y_pred, "y_pred")
    y_true_a = check_array(y_true, "y_true")
    check_same_shape(y_pred_a, y_true_a, ("y_pred", "y_true"))
    _check_nonempty(y_pred_a, "y_pred")
    diff = _float64(y_pred_a) - _float64(y_true_a)
    value = float(np.mean(np.square(diff)))
    grad = (diff * (2.0 / diff.size)).astype(y_pred_a.dtype, copy=False)
    return value, grad


def binary_cross_entropy_with_logits(
    logits: ArrayLike, targets: ArrayLike
) -> tuple[float, np.ndarray]:
    r"""Binary cross-entropy of sigmoid(`logits`) against `targets`, and its gradient.

    Averaged over all :math:`N` elements (PyTorch's ``BCEWithLogitsLoss(reduction="mean")``;
    for one output unit, shape ``(n_samples,)`` or ``(n_samples, 1)``, the mean over samples),
    in nats, with :math:`\sigma(z) = 1 / (1 + e^{-z})`:

    .. math::

        L = \frac1N \sum_i -\bigl[t_i \log \sigma(z_i) + (1 - t_i) \log(1 - \sigma(z_i))\bigr]
          = \frac1N \sum_i \bigl[\operatorname{softplus}(z_i) - t_i z_i\bigr],
        \qquad
        \frac{\partial L}{\partial z_i} = \frac{\sigma(z_i) - t_i}{N},

    with the overflow-free :func:`~vanishing.activations.softplus`
    :math:`\log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})` and
    :func:`~vanishing.activations.sigmoid`. The gradient is bounded by :math:`1/N` in
    magnitude however saturated the unit is.

    Parameters
    ----------
    logits : array_like of shape (n_samples, ...)
        Pre-sigmoid outputs :math:`z`.
    targets : array_like, same shape as `logits`
        Target probabilities :math:`t \in [0, 1]` (usually exactly 0 or 1; outside raises
        ``ValueError``).

    See Also
    --------
    softmax_cross_entropy : The multi-class version.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> logits = rng.normal(size=4)
    >>> targets = np.array([1.0, 0.0, 1.0, 0.0])
    >>> value, grad = binary_cross_entropy_with_logits(logits, targets)
    >>> round(value, 4)
    0.608
    >>> np.round(grad, 4)
    array([-0.1172,  0.1168, -0.0863,  0.1316])

    Huge logits stay finite:

    >>> value, grad = binary_cross_entropy_with_logits([1e4, -1e4], [0.0, 1.0])
    >>> value
    10000.0
    >>> grad
    array([ 0.5, -0.5])
    """
    z_a = check_array(logits, "logits")
    t_a = check_array(targets, "targets")
    check_same_shape(z_a, t_a, ("logits", "targets"))
    _check_nonempty(z_a, "logits")
    if t_a.min() < 0 or t_a.max() > 1:
        raise ValueError(
            f"targets must be probabilities in [0, 1], got min {t_a.min()} and max {t_a.max()}"
        )
    z = _float64(z_a)
    t = _float64(t_a)
    value = float(np.mean(softplus(z) - t * z))
    grad = ((sigmoid(z) - t) / z.size).astype(z_a.dtype, copy=False)
    return value, grad


def log_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Numerically stable log-softmax of the logits `z` (at least 1-D) along `axis`.

    With :math:`m = \max_j z_j` (shift invariance,
    :math:`\operatorname{softmax}(z) = \operatorname{softmax}(z - c)`),

    .. math::

        \log \operatorname{softmax}(z)_i = (z_i - m) - \log \sum_j e^{z_j - m} \le 0:

    every exponent is :math:`\le 0` and the sum is :math:`\ge 1`, so nothing overflows and
    the logarithm never sees 0. Computed in float64, returned in the shape and dtype of `z`.
    ``axis`` (default -1) is the class axis; a 0-D `z`, an empty or out-of-range axis or
    non-finite values raise ``ValueError``.

    See Also
    --------
    softmax

    Examples
    --------
    >>> import numpy as np
    >>> np.round(log_softmax([1.0, 2.0, 3.0]), 4)
    array([-2.4076, -1.4076, -0.4076])
    >>> log_softmax(np.array([1e4, 0.0], dtype=np.float32))
    array([     0., -10000.], dtype=float32)
    """
    z_a = check_array(z, "z")
    if z_a.ndim == 0:
        raise ValueError("z must be at least 1-D, got a 0-D array")
    ax = _check_axis(axis, z_a.ndim, "z")
    if z_a.shape[ax] == 0:
        raise ValueError(f"z must have at least one entry along axis {ax}, got shape {z_a.shape}")
    z64 = _float64(z_a)
    shifted = z64 - np.max(z64, axis=ax, keepdims=True)
    out = shifted - np.log(np.sum(np.exp(shifted), axis=ax, keepdims=True))
    return out.astype(z_a.dtype, copy=False)


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Numerically stable softmax along `axis` (arguments and errors as in :func:`log_softmax`).

    .. math::

        \operatorname{softmax}(z)_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}},
        \qquad m = \max_j z_j.

    Non-negative entries summing to 1 along `axis`, in the shape and dtype of `z`.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(softmax([1.0, 2.0, 3.0]), 4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax(np.array([[1e4, -1e4]], dtype=np.float32))
    array([[1., 0.]], dtype=float32)
    """
    z_a = check_array(z, "z")
    if z_a.ndim == 0:
        raise ValueError("z must be at least 1-D, got a 0-D array")
    ax = _check_axis(axis, z_a.ndim, "z")
    if z_a.shape[ax] == 0:
        raise ValueError(f"z must have at least one entry along axis {ax}, got shape {z_a.shape}")
    z64 = _float64(z_a)
    e = np.exp(z64 - np.max(z64, axis=ax, keepdims=True))
    return (e / np.sum(e, axis=ax, keepdims=True)).astype(z_a.dtype, copy=False)


def _target_matrix(labels: ArrayLike, n: int, k: int) -> np.ndarray:
    """Validate `labels` (indices or one-hot) and return a float64 (n, k) target matrix."""
    raw = np.asarray(labels) if not isinstance(labels, np.ndarray) else labels
    if raw.ndim == 1:
        idx = check_array(raw, "labels", dtype_kind="i")
        if idx.shape[0] != n:
            raise ValueError(
                f"labels must have one class index per sample: expected shape ({n},), "
                f"got {idx.shape}"
            )
        if idx.min() < 0 or idx.max() >= k:
            raise ValueError(
                f"labels must be integers in [0, {k}), got min {idx.min()} and max {idx.max()}"
            )
        y = np.zeros((n, k))
        y[np.arange(n), idx] = 1.0
        return y
    if raw.ndim == 2:
        y_a = check_array(raw, "labels")
        if y_a.shape != (n, k):
            raise ValueError(
                f"one-hot labels must have the shape of logits ({n}, {k}), got {y_a.shape}"
            )
        y = _float64(y_a)
        if y.min() < 0 or y.max() > 1:
            raise ValueError(
                f"one-hot labels must lie in [0, 1], got min {y.min()} and max {y.max()}"
            )
        row_sums = y.sum(axis=1)
        bad = np.flatnonzero(np.abs(row_sums - 1.0) > 1e-6 * k)
        if bad.size:
            raise ValueError(
                f"one-hot labels must sum to 1 in every row, row {bad[0]} sums to "
                f"{row_sums[bad[0]]}"
            )
        return y
    raise ValueError(
        "labels must be 1-D class indices (n_samples,) or 2-D one-hot (n_samples, n_classes), "
        f"got shape {raw.shape}"
    )


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, np.ndarray]:
    r"""Softmax cross-entropy averaged over samples, and its gradient w.r.t. the logits.

    With one-hot (or soft) targets :math:`y` and :math:`n` samples, in nats,

    .. math::

        L = -\frac1n \sum_{s=1}^{n} \sum_{k} y_{sk} \log \operatorname{softmax}(z_s)_k,
        \qquad
        \frac{\partial L}{\partial z_{sk}} = \frac{\operatorname{softmax}(z_s)_k - y_{sk}}{n}.

    The log-probabilities come from :func:`log_softmax`, so logits of :math:`\pm 10^4`
    give a finite loss in float32 and float64 (a naive ``log(softmax(z))`` gives
    ``log(0) = -inf``). This is PyTorch's ``CrossEntropyLoss(reduction="mean")``.

    Parameters
    ----------
    logits : array_like of shape (n_samples, n_classes)
        Pre-softmax outputs :math:`z` (2-D, else ``ValueError``).
    labels : array_like of int, shape (n_samples,), or of float, shape (n_samples, n_classes)
        Either integer class indices in ``[0, n_classes)`` or one-hot rows. Rows of
        probabilities summing to 1 (soft labels) are accepted too. An index out of range or a
        row not summing to 1 raises ``ValueError``; 1-D labels that are not integers,
        ``TypeError``.

    See Also
    --------
    log_softmax, binary_cross_entropy_with_logits

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> logits = rng.normal(size=(3, 4))
    >>> value, grad = softmax_cross_entropy(logits, np.array([0, 3, 1]))
    >>> round(value, 4)
    1.5922
    >>> bool(np.allclose(grad.sum(axis=1), 0.0))  # each row of softmax - one_hot sums to 0
    True
    >>> value2, _ = softmax_cross_entropy(logits, np.eye(4)[[0, 3, 1]])
    >>> bool(np.isclose(value, value2))
    True
    >>> softmax_cross_entropy([[1e4, -1e4]], [1])[0]
    20000.0
    """
    z_a = check_array(logits, "logits", ndim=2, shape_hint="(n_samples, n_classes)")
    n, k = z_a.shape
    if n == 0 or k == 0:
        raise ValueError(f"logits must not be empty, got shape {z_a.shape}")
    y = _target_matrix(labels, n, k)
    logp = log_softmax(_float64(z_a), axis=1)
    # y * logp with 0 * (-inf) := 0 for classes that are not targets.
    terms = np.multiply(y, logp, out=np.zeros_like(logp), where=y != 0)
    value = float(-np.sum(terms) / n)
    grad = ((np.exp(logp) - y) / n).astype(z_a.dtype, copy=False)
    return value, grad


LOSSES: dict[str, LossFn] = {
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "softmax_cross_entropy": softmax_cross_entropy,
    "cross_entropy": softmax_cross_entropy,
}
"""Loss functions by name, aliases included (``mse``, ``bce_with_logits``, ``cross_entropy``)."""


def get_loss(name: str) -> LossFn:
    """Look up a loss function by name.

    Parameters
    ----------
    name : str
        A key of :data:`LOSSES`, e.g. ``"mse"`` or ``"cross_entropy"`` (case-insensitive).

    Returns
    -------
    callable
        The loss function ``(prediction, target) -> (value, grad)``.

    Raises
    ------
    ValueError
        If `name` is not a known loss; the message lists the valid names.
    TypeError
        If `name` is not a string.

    Examples
    --------
    >>> get_loss("mse") is mean_squared_error
    True
    >>> get_loss("hinge")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'hinge': loss must be one of 'bce_with_logits', ...
    """
    return LOSSES[lookup_name(name, "loss", LOSSES)]
