r"""A mini-batch training loop that records what vanishing and exploding gradients look like.

:func:`train` runs forward pass, loss, backward pass, optional gradient clipping and an
in-place optimizer step for every mini-batch, and returns a :class:`History` of

* per step (every ``record_every`` steps): the mini-batch loss, the global gradient norm
  *before* clipping and, with ``record_layers=True``, each Dense layer's **weight-gradient**
  norm :math:`\lVert \partial L/\partial W^{(l)} \rVert_F` and **delta** norm
  :math:`\lVert \partial L/\partial z^{(l)} \rVert_F` (see :mod:`vanishing.diagnostics`);
* per epoch: the training loss and accuracy averaged over the epoch's mini-batches, and the
  validation loss and accuracy if validation data are given.

If a value stops being finite (a forward output, the loss or a gradient), training stops with
a :class:`NonFiniteError` that names the step, the epoch and the first layer or parameter
where it happened: the usual end of an exploding-gradient run.

>>> import numpy as np
>>> from vanishing.network import MLP
>>> from vanishing.optimizers import Adam
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((200, 2))
>>> y = (X[:, 0] * X[:, 1] > 0).astype(int)            # XOR of the signs
>>> net = MLP([2, 16, 16, 2], "tanh", rng=0)
>>> history = train(net, X, y, optimizer=Adam(lr=0.01), epochs=30, batch_size=32, rng=0)
>>> bool(history.epoch_accuracy[-1] > 0.9)
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from vanishing._validation import check_array, check_positive, check_positive_int
from vanishing.clipping import global_norm
from vanishing.diagnostics import delta_norms, dense_layer_names
from vanishing.layers import as_generator
from vanishing.losses import binary_cross_entropy_with_logits, get_loss, softmax_cross_entropy
from vanishing.network import ForwardCache, NetworkGradients, Sequential, check_sequential
from vanishing.optimizers import Adam, Optimizer

__all__ = [
    "EpochLog",
    "History",
    "NonFiniteError",
    "accuracy",
    "evaluate",
    "train",
]

Array = NDArray[np.floating[Any]]
LossFn = Callable[[Array, Any], tuple[float, Array]]


class NonFiniteError(FloatingPointError):
    """Training produced ``nan`` or ``inf``.

    Parameters
    ----------
    message : str
        Full description.
    step : int
        1-based optimizer step at which the value appeared.
    epoch : int
        1-based epoch.
    stage : {"forward", "loss", "gradient"}
        Where in the step it was detected.
    where : str
        The first layer or parameter found non-finite (``"3:Dense(256, 256)"``,
        ``"parameter '4.W'"``, ``"loss"``...).

    Examples
    --------
    >>> err = NonFiniteError("boom", step=3, epoch=1, stage="forward", where="2:Dense(4, 4)")
    >>> isinstance(err, FloatingPointError), err.where
    (True, '2:Dense(4, 4)')
    """

    def __init__(self, message: str, *, step: int, epoch: int, stage: str, where: str) -> None:
        super().__init__(message)
        self.step = step
        self.epoch = epoch
        self.stage = stage
        self.where = where


class EpochLog(NamedTuple):
    """What a callback receives at the end of every epoch.

    Attributes
    ----------
    epoch : int
        1-based epoch number.
    step : int
        Optimizer steps taken so far.
    loss : float
        Training loss averaged over the epoch's mini-batches.
    accuracy : float
        Training accuracy over the epoch's mini-batches (``nan`` for regression losses).
    val_loss, val_accuracy : float
        Validation metrics (``nan`` without validation data).
    net : Sequential
        The network being trained.

    Examples
    --------
    >>> from vanishing.datasets import moons
    >>> from vanishing.network import MLP
    >>> X, y = moons(64, rng=0)
    >>> logs = []
    >>> _ = train(MLP([2, 8, 2], rng=0), X, y, epochs=2, rng=0, callbacks=[logs.append])
    >>> [log.epoch for log in logs]
    [1, 2]
    """

    epoch: int
    step: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    net: Sequential


@dataclass
class History:
    """Everything :func:`train` recorded.

    Attributes
    ----------
    steps : ndarray of int, shape (n_records,)
        The 1-based optimizer steps at which the per-step quantities below were recorded
        (every ``record_every`` steps, starting with step 1).
    loss : ndarray of shape (n_records,)
        Mini-batch loss at those steps, before the update.
    grad_norm : ndarray of shape (n_records,)
        Global norm of all parameter gradients, before clipping.
    layer_names : list of str
        Dense layers, as :func:`vanishing.diagnostics.dense_layer_names`.
    weight_grad_norms : ndarray of shape (n_records, n_dense) or None
        :math:`\\lVert \\partial L/\\partial W \\rVert_F` per Dense layer (``record_layers``).
    delta_norms : ndarray of shape (n_records, n_dense) or None
        :math:`\\lVert \\partial L/\\partial z \\rVert_F` per Dense layer (``record_layers``).
    epoch_loss : ndarray of shape (n_epochs,)
        Training loss averaged over each epoch's mini-batches (weighted by batch size).
    epoch_accuracy : ndarray of shape (n_epochs,) or None
        Training accuracy over each epoch's mini-batches (classification losses only).
    val_loss, val_accuracy : ndarray of shape (n_epochs,) or None
        Validation loss and accuracy after each epoch (``val_accuracy`` for classification).
    n_steps : int
        Optimizer steps taken.
    stopped_early : bool
        Whether a callback stopped training.
    seconds : float
        Wall time of the whole run.
    optimizer_state : Any
        Final optimizer state, to continue training with the same optimizer.

    Examples
    --------
    >>> from vanishing.datasets import moons
    >>> from vanishing.network import MLP
    >>> X, y = moons(64, rng=0)
    >>> history = train(MLP([2, 8, 2], rng=0), X, y, epochs=3, batch_size=16, rng=0)
    >>> history.n_steps, len(history.epoch_loss)
    (12, 3)
    """

    steps: NDArray[np.int64]
    loss: Array
    grad_norm: Array
    layer_names: list[str]
    weight_grad_norms: Array | None
    delta_norms: Array | None
    epoch_loss: Array
    epoch_accuracy: Array | None
    val_loss: Array | None
    val_accuracy: Array | None
    n_steps: int
    stopped_early: bool = False
    seconds: float = 0.0
    optimizer_state: Any = field(default=None, repr=False)

    @property
    def n_epochs(self) -> int:
        """Number of completed epochs."""
        return int(self.epoch_loss.size)

    def summary(self) -> str:
        """A few lines: steps, time, first and last epoch metrics, gradient norms.

        Returns
        -------
        str
            Human-readable summary.

        Examples
        --------
        >>> import numpy as np
        >>> from vanishing.network import MLP
        >>> X = np.random.default_rng(0).standard_normal((64, 3))
        >>> h = train(MLP([3, 8, 2], rng=0), X, (X[:, 0] > 0).astype(int), epochs=2, rng=0)
        >>> print(h.summary())  # doctest: +ELLIPSIS
        2 epochs, 4 steps in ... s
        epoch     1: loss 0.7337, accuracy 0.516
        epoch     2: loss 0.7283, accuracy 0.516
        gradient norm (pre-clip): first 0.661, last 0.78, max 0.78
        """
        lines = [f"{self.n_epochs} epochs, {self.n_steps} steps in {self.seconds:.2f} s"]
        shown = sorted({0, self.n_epochs - 1}) if self.n_epochs else []
        for e in shown:
            parts = [f"loss {self.epoch_loss[e]:.4g}"]
            if self.epoch_accuracy is not None:
                parts.append(f"accuracy {self.epoch_accuracy[e]:.3f}")
            if self.val_loss is not None:
                parts.append(f"val_loss {self.val_loss[e]:.4g}")
            if self.val_accuracy is not None:
                parts.append(f"val_accuracy {self.val_accuracy[e]:.3f}")
            lines.append(f"epoch {e + 1:5d}: " + ", ".join(parts))
        if self.grad_norm.size:
            g = self.grad_norm
            lines.append(
                f"gradient norm (pre-clip): first {g[0]:.3g}, last {g[-1]:.3g}, max {g.max():.3g}"
            )
        if self.stopped_early:
            lines.append("stopped early by a callback")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------
def _task(loss_fn: LossFn) -> str | None:
    if loss_fn is softmax_cross_entropy:
        return "multiclass"
    if loss_fn is binary_cross_entropy_with_logits:
        return "binary"
    return None


def _resolve_loss(loss: str | LossFn) -> LossFn:
    if isinstance(loss, str):
        return get_loss(loss)
    if not callable(loss):
        raise TypeError(f"loss must be a loss name or a callable, got {type(loss).__name__}")
    return loss


def _n_correct(out: Array, y: np.ndarray) -> int:
    """Correct predictions of logits `out` against labels (indices, one-hot or 0/1)."""
    if out.ndim == 2 and out.shape[1] > 1:
        pred = out.argmax(axis=1)
        true = y.argmax(axis=1) if y.ndim == 2 else y
        return int(np.count_nonzero(pred == true))
    pred_b = out.reshape(-1) > 0
    true_b = np.asarray(y).reshape(-1) > 0.5
    return int(np.count_nonzero(pred_b == true_b))


def _check_xy(X: ArrayLike, y: ArrayLike, names: tuple[str, str]) -> tuple[Array, np.ndarray]:
    X_arr = check_array(X, names[0], ndim=2, shape_hint="(n_samples, n_features)")
    y_arr = np.asarray(y)
    if y_arr.ndim == 0 or y_arr.shape[0] != X_arr.shape[0]:
        raise ValueError(
            f"{names[1]} must have one entry per row of {names[0]} ({X_arr.shape[0]}), "
            f"got shape {y_arr.shape}"
        )
    if X_arr.shape[0] == 0:
        raise ValueError(f"{names[0]} must contain at least one sample")
    return X_arr, y_arr


def accuracy(net: Sequential, X: ArrayLike, labels: ArrayLike) -> float:
    """Fraction of samples whose predicted class matches `labels` (inference mode).

    Parameters
    ----------
    net : Sequential
        A classifier returning logits: one column per class (prediction = arg max), or a
        single column for a binary task (prediction = logit > 0).
    X : array_like of shape (n_samples, n_features)
        Inputs.
    labels : array_like
        Class indices ``(n_samples,)``, one-hot rows ``(n_samples, n_classes)``, or 0/1
        targets for a single-logit network.

    Returns
    -------
    float
        Accuracy in [0, 1].

    Raises
    ------
    TypeError
        If `net` is not a Sequential.
    ValueError
        If `X` and `labels` have different numbers of samples.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.layers import Dense
    >>> from vanishing.network import Sequential
    >>> net = Sequential([Dense(2, 2, init="zeros")])
    >>> net.params["0.W"][:] = np.eye(2)          # logits = inputs
    >>> accuracy(net, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], [0, 1, 1])
    0.6666666666666666
    """
    net = check_sequential(net)
    X_arr, y_arr = _check_xy(X, labels, ("X", "labels"))
    out = net.forward(X_arr, training=False)[0]
    return _n_correct(out, y_arr) / X_arr.shape[0]


def evaluate(
    net: Sequential,
    X: ArrayLike,
    y: ArrayLike,
    loss: str | LossFn = "softmax_cross_entropy",
    *,
    batch_size: int | None = None,
) -> float:
    """Loss of `net` on a data set, in inference mode.

    Parameters
    ----------
    net : Sequential
        The network.
    X : array_like of shape (n_samples, n_features)
        Inputs.
    y : array_like
        Targets in the form the loss expects.
    loss : str or callable, default "softmax_cross_entropy"
        A name for :func:`vanishing.losses.get_loss` or ``loss(output, y) -> (value, grad)``.
    batch_size : int, optional
        Evaluate in chunks of this size (to bound memory) and average the chunk losses
        weighted by their size, which is exact for losses that average over samples.

    Returns
    -------
    float
        The loss.

    Raises
    ------
    TypeError
        If `net` is not a Sequential or `loss` is neither a name nor a callable.
    ValueError
        If `X` and `y` have different numbers of samples.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.layers import Dense
    >>> from vanishing.network import Sequential
    >>> net = Sequential([Dense(3, 4, init="zeros")])   # uniform over 4 classes
    >>> round(evaluate(net, np.ones((5, 3)), [0, 1, 2, 3, 0]), 4)   # log(4)
    1.3863
    """
    net = check_sequential(net)
    loss_fn = _resolve_loss(loss)
    X_arr, y_arr = _check_xy(X, y, ("X", "y"))
    n = X_arr.shape[0]
    bs = n if batch_size is None else check_positive_int(batch_size, "batch_size")
    total = 0.0
    for start in range(0, n, bs):
        xb, yb = X_arr[start : start + bs], y_arr[start : start + bs]
        value, _ = loss_fn(net.forward(xb, training=False)[0], yb)
        total += float(value) * xb.shape[0]
    return total / n


# --------------------------------------------------------------------------------------
# non-finite diagnosis
# --------------------------------------------------------------------------------------
def _first_bad_param(params: Mapping[str, np.ndarray], keys: Sequence[str]) -> str | None:
    for key in keys:
        if not np.isfinite(params[key]).all():
            return key
    return None


def _forward_failure(
    net: Sequential, cache: ForwardCache | None, step: int, epoch: int
) -> NonFiniteError:
    bad_param = _first_bad_param(net.params, list(net.params))
    if bad_param is not None:
        where = f"parameter {bad_param!r}"
        detail = f"parameter {bad_param!r} is no longer finite (a previous update blew it up)"
    else:
        where = "input"
        detail = "the input batch is not finite"
        if cache is not None:
            for i, out in enumerate(cache.outputs):
                if not np.isfinite(out).all():
                    where = net.layer_names[i]
                    detail = f"the output of layer {where} is the first that is not finite"
                    break
    return NonFiniteError(
        f"non-finite forward pass at step {step} (epoch {epoch}): {detail}",
        step=step,
        epoch=epoch,
        stage="forward",
        where=where,
    )


def _gradient_failure(
    net: Sequential,
    back: NetworkGradients | None,
    grads: Mapping[str, np.ndarray] | None,
    step: int,
    epoch: int,
) -> NonFiniteError:
    where = "unknown"
    detail = "a gradient is not finite"
    if back is not None:
        # deltas[i] = dL/d outputs[i]; walk from the output side to find where it broke
        n = len(net.layers)
        for i in range(n - 1, -1, -1):
            if not np.isfinite(back.deltas[i]).all():
                where = "the loss gradient" if i == n - 1 else net.layer_names[i + 1]
                detail = (
                    f"dL/d(output of layer {net.layer_names[i]}) is the first non-finite "
                    f"back-propagated gradient, produced by {where}"
                )
                break
        else:
            if grads is not None:
                bad = _first_bad_param(grads, list(reversed(list(grads))))
                if bad is not None:
                    where = f"parameter {bad!r}"
                    detail = (
                        f"the gradient of parameter {bad!r} overflowed although the "
                        "back-propagated deltas are finite"
                    )
    return NonFiniteError(
        f"non-finite gradient at step {step} (epoch {epoch}): {detail}",
        step=step,
        epoch=epoch,
        stage="gradient",
        where=where,
    )


def _sumsq(g: np.ndarray) -> float:
    """Sum of squares as a Python float (BLAS dot; float64 fallback on float32 overflow)."""
    s = float(np.vdot(g, g))
    if math.isinf(s) and g.dtype != np.float64 and np.isfinite(g).all():
        g64 = g.astype(np.float64)
        s = float(np.vdot(g64, g64))
    return s


# --------------------------------------------------------------------------------------
# the loop
# --------------------------------------------------------------------------------------
def train(
    net: Sequential,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str | LossFn = "softmax_cross_entropy",
    optimizer: Optimizer[Any] | None = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    rng: np.random.Generator | int | None = None,
    clip_norm: float | None = None,
    record_every: int = 1,
    record_layers: bool = False,
    callbacks: Sequence[Callable[[EpochLog], bool | None]] | None = None,
    X_val: ArrayLike | None = None,
    y_val: ArrayLike | None = None,
    verbose: bool = False,
) -> History:
    r"""Train `net` in place with mini-batch gradient descent and record the gradients.

    Parameters
    ----------
    net : Sequential
        The network; its parameters are updated in place.
    X : array_like of shape (n_samples, n_features)
        Training inputs (cast once to the network's dtype).
    y : array_like
        Training targets in the form the loss expects (class indices or one-hot rows for
        softmax cross-entropy).
    loss : str or callable, default "softmax_cross_entropy"
        A name for :func:`vanishing.losses.get_loss`, or ``loss(output, y) -> (value, grad)``
        with ``grad`` the gradient of the mean loss with respect to ``output``. Accuracy is
        recorded for ``softmax_cross_entropy`` and ``binary_cross_entropy_with_logits``.
    optimizer : Optimizer, optional
        Any optimizer of :mod:`vanishing.optimizers`; default ``Adam()`` (lr ``1e-3``). Its
        in-place ``step`` updates the parameters.
    epochs : int, default 10
        Passes over the training set.
    batch_size : int or None, default 32
        Mini-batch size; ``None`` (or a value ``>= n_samples``) for full-batch gradient
        descent (no shuffling, no copies), ``1`` for plain stochastic gradient descent. The
        last batch of an epoch may be smaller.
    rng : numpy.random.Generator or int, optional
        Randomness for shuffling the samples at every epoch.
    clip_norm : float, optional
        Clip the global gradient norm to this value before each update, exactly as
        :func:`vanishing.clipping.clip_by_global_norm` (coefficient
        :math:`\min(1, c/(\lVert g\rVert + 10^{-6}))`), in place.
    record_every : int, default 1
        Record the per-step quantities every this many steps (step 1 always).
    record_layers : bool, default False
        Also record per-Dense-layer weight-gradient and delta norms at those steps. Cheap
        for plain networks; with residual blocks their inner deltas cost one more backward
        pass through the blocks.
    callbacks : sequence of callable, optional
        Each is called as ``callback(log)`` with an :class:`EpochLog` after every epoch;
        returning ``True`` stops training.
    X_val, y_val : array_like, optional
        Validation data, evaluated (inference mode) after every epoch.
    verbose : bool, default False
        Print one line per epoch.

    Returns
    -------
    History
        The recorded quantities.

    Raises
    ------
    NonFiniteError
        If a forward output, the loss or a gradient becomes ``nan`` or ``inf``; the message
        names the step, the epoch and the first layer or parameter concerned.
    TypeError
        For a `net` that is not a Sequential, or a bad `loss` or `optimizer`.
    ValueError
        For inconsistent shapes or non-positive sizes.

    See Also
    --------
    evaluate, accuracy, vanishing.diagnostics

    Notes
    -----
    Each step computes, for a mini-batch :math:`B`,

    .. math::

        L_B = \frac{1}{|B|}\sum_{i \in B} \ell(f(x_i), y_i), \qquad
        g = \nabla_\theta L_B, \qquad \theta \leftarrow \operatorname{step}(\theta, g).

    The recorded gradient norm is :math:`\lVert g \rVert_2` over all parameters, before
    clipping: spikes reveal exploding gradients even when clipping hides them from the
    update.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
    >>> from vanishing.optimizers import SGD
    >>> X = np.random.default_rng(0).standard_normal((100, 4))
    >>> y = (X.sum(axis=1) > 0).astype(int)
    >>> net = MLP([4, 8, 8, 2], "sigmoid", rng=0)
    >>> h = train(net, X, y, optimizer=SGD(lr=0.5), epochs=3, batch_size=None,
    ...           record_layers=True)
    >>> h.steps.tolist(), h.layer_names, h.delta_norms.shape
    ([1, 2, 3], ['0', '2', '4'], (3, 3))
    >>> bool((h.delta_norms[0, 0] < h.delta_norms[0, 1] < h.delta_norms[0, 2]))
    True
    """
    t_start = time.perf_counter()
    net = check_sequential(net)
    loss_fn = _resolve_loss(loss)
    task = _task(loss_fn)
    opt: Optimizer[Any] = Adam() if optimizer is None else optimizer
    if not isinstance(opt, Optimizer):
        raise TypeError(
            f"optimizer must be a vanishing.optimizers.Optimizer, got {type(opt).__name__}"
        )
    epochs = check_positive_int(epochs, "epochs")
    record_every = check_positive_int(record_every, "record_every")
    clip = None if clip_norm is None else check_positive(clip_norm, "clip_norm")
    dtype = next(iter(net.params.values())).dtype if net.params else np.dtype(np.float64)
    X_arr, y_arr = _check_xy(X, y, ("X", "y"))
    X_arr = X_arr.astype(dtype, copy=False)
    n = X_arr.shape[0]
    bs = n if batch_size is None else min(check_positive_int(batch_size, "batch_size"), n)
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("give both X_val and y_val, or neither")
        Xv, yv = _check_xy(X_val, y_val, ("X_val", "y_val"))
        Xv = Xv.astype(dtype, copy=False)
    generator = as_generator(rng)
    callbacks = list(callbacks or [])
    for i, cb in enumerate(callbacks):
        if not callable(cb):
            raise TypeError(f"callbacks[{i}] must be callable, got {type(cb).__name__}")

    names = dense_layer_names(net)
    keys = list(net.params)
    w_keys = [f"{name}.W" for name in names]
    plain = all("." not in name for name in names)  # no Dense layers inside blocks
    dense_idx = [int(name) for name in names] if plain else []

    rec_steps: list[int] = []
    rec_loss: list[float] = []
    rec_gnorm: list[float] = []
    rec_w: list[list[float]] = []
    rec_d: list[list[float]] = []
    ep_loss: list[float] = []
    ep_acc: list[float] = []
    val_loss: list[float] = []
    val_acc: list[float] = []
    state = opt.init(net.params)
    step = 0
    stopped = False
    for epoch in range(1, epochs + 1):
        if bs >= n:
            batches: Sequence[Any] = [None]
        else:
            perm = generator.permutation(n)
            batches = [perm[s : s + bs] for s in range(0, n, bs)]
        loss_sum = 0.0
        correct = 0
        for idx in batches:
            step += 1
            if idx is None:
                xb, yb = X_arr, y_arr
            else:
                xb, yb = X_arr[idx], y_arr[idx]
            # ---- forward
            cache: ForwardCache | None = None
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    out, cache = net.forward(xb, training=True)
            except ValueError as exc:
                err = _forward_failure(net, None, step, epoch)
                if err.where != "input":
                    raise err from exc
                raise
            if not np.isfinite(out).all():
                raise _forward_failure(net, cache, step, epoch)
            # ---- loss
            value, dout = loss_fn(out, yb)
            value = float(value)
            if not math.isfinite(value):
                raise NonFiniteError(
                    f"non-finite loss {value} at step {step} (epoch {epoch}) although the "
                    "network output is finite",
                    step=step,
                    epoch=epoch,
                    stage="loss",
                    where="loss",
                )
            m = xb.shape[0]
            loss_sum += value * m
            if task is not None:
                correct += _n_correct(out, yb)
            # ---- backward
            back: NetworkGradients | None = None
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    back = net.backward(cache, dout)
            except ValueError as exc:
                raise _gradient_failure(net, None, None, step, epoch) from exc
            grads = back.grads
            sq = {k: _sumsq(grads[k]) for k in keys}
            total = math.fsum(sq.values())
            if math.isfinite(total):
                gnorm = math.sqrt(total)
            elif _first_bad_param(grads, keys) is not None:
                raise _gradient_failure(net, back, grads, step, epoch)
            else:  # finite entries whose squares overflow: take the norm with rescaling
                gnorm = global_norm(grads)
            # ---- record
            if (step - 1) % record_every == 0:
                rec_steps.append(step)
                rec_loss.append(value)
                rec_gnorm.append(gnorm)
                if record_layers:
                    rec_w.append([math.sqrt(sq[k]) for k in w_keys])
                    if plain:
                        rec_d.append([math.sqrt(_sumsq(back.deltas[i])) for i in dense_idx])
                    else:
                        rec_d.append(list(delta_norms(net, back, cache).values()))
            # ---- clip and update
            if clip is not None:
                coef = clip / (gnorm + 1e-6)
                if coef < 1.0:
                    for g in grads.values():
                        g *= coef
            state = opt.step(net.params, grads, state)
        ep_loss.append(loss_sum / n)
        ep_acc.append(correct / n if task is not None else math.nan)
        if has_val:
            v_out = net.forward(Xv, training=False)[0]
            if np.isfinite(v_out).all():
                val_loss.append(float(loss_fn(v_out, yv)[0]))
            else:
                val_loss.append(math.nan)
            val_acc.append(_n_correct(v_out, yv) / Xv.shape[0] if task is not None else math.nan)
        log = EpochLog(
            epoch,
            step,
            ep_loss[-1],
            ep_acc[-1],
            val_loss[-1] if has_val else math.nan,
            val_acc[-1] if has_val else math.nan,
            net,
        )
        if verbose:
            print(_format_log(log, task is not None, has_val))
        if any([bool(cb(log)) for cb in callbacks]):
            stopped = True
            break

    n_dense = len(names)
    return History(
        steps=np.array(rec_steps, dtype=np.int64),
        loss=np.array(rec_loss),
        grad_norm=np.array(rec_gnorm),
        layer_names=names,
        weight_grad_norms=np.array(rec_w).reshape(-1, n_dense) if record_layers else None,
        delta_norms=np.array(rec_d).reshape(-1, n_dense) if record_layers else None,
        epoch_loss=np.array(ep_loss),
        epoch_accuracy=np.array(ep_acc) if task is not None else None,
        val_loss=np.array(val_loss) if has_val else None,
        val_accuracy=np.array(val_acc) if has_val and task is not None else None,
        n_steps=step,
        stopped_early=stopped,
        seconds=time.perf_counter() - t_start,
        optimizer_state=state,
    )


def _format_log(log: EpochLog, classification: bool, has_val: bool) -> str:
    parts = [f"epoch {log.epoch:4d}", f"step {log.step:6d}", f"loss {log.loss:.4f}"]
    if classification:
        parts.append(f"acc {log.accuracy:.3f}")
    if has_val:
        parts.append(f"val_loss {log.val_loss:.4f}")
        if classification:
            parts.append(f"val_acc {log.val_accuracy:.3f}")
    return "  ".join(parts)
