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

Shared arguments: `net` is a :class:`~vanishing.network.Sequential` (else :class:`TypeError`),
`X` an array of shape ``(n_samples, n_features)``, `y` the targets in the form the loss
expects (class indices or one-hot rows for softmax cross-entropy), one per row of `X` (else
:class:`ValueError`), and `loss` a name for :func:`vanishing.losses.get_loss` or a callable
``loss(output, y) -> (value, grad)``, ``grad`` the gradient of the mean loss with respect to
``output``.

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

from vanishing._validation import (
    check_array,
    check_positive,
    check_positive_int,
    skip_finite_checks,
)
from vanishing.clipping import _coefficient, _norm
from vanishing.datasets import as_generator
from vanishing.diagnostics import delta_norms, dense_layer_names, weight_gradient_norms
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
    step, epoch : int
        The 1-based optimizer step and epoch at which the value appeared.
    stage : {"forward", "loss", "gradient"}
        Where in the step it came from.
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
    epoch, step : int
        The 1-based epoch, and the optimizer steps taken so far.
    loss, accuracy : float
        Over the epoch's mini-batches (accuracy ``nan`` for regression losses).
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
        The 1-based steps at which the per-step quantities were recorded (every
        ``record_every`` steps, from step 1).
    loss, grad_norm : ndarray of shape (n_records,)
        The mini-batch loss before the update, and the global gradient norm before clipping.
    layer_names : list of str
        Dense layers, as :func:`vanishing.diagnostics.dense_layer_names`.
    weight_grad_norms, delta_norms : ndarray of shape (n_records, n_dense) or None
        :math:`\\lVert \\partial L/\\partial W \\rVert_F` and
        :math:`\\lVert \\partial L/\\partial z \\rVert_F` per Dense layer (``record_layers``).
    epoch_loss, epoch_accuracy : ndarray of shape (n_epochs,)
        Over each epoch's mini-batches, weighted by batch size (accuracy for
        classification only, else None).
    val_loss, val_accuracy : ndarray of shape (n_epochs,) or None
        After each epoch, with validation data (accuracy for classification).
    n_steps, stopped_early, seconds
        Steps taken, whether a callback stopped training, wall time.
    optimizer_state : Any
        The final optimizer state, to continue training with the same optimizer.

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
    y_arr = check_array(y, names[1], dtype_kind=None)  # scanned once, not at every step
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

    `net` returns logits: one column per class (prediction = arg max), or one column for a
    binary task (prediction = logit > 0). `labels` are class indices, one-hot rows, or 0/1
    targets for a single logit.

    Examples
    --------
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

    With `batch_size`, in chunks of that size (to bound memory), averaged weighted by their
    size: exact for losses that average over samples.

    Examples
    --------
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
# one step, and where a non-finite value came from
# --------------------------------------------------------------------------------------
class _StepLog(NamedTuple):
    loss: float
    grad_norm: float  # before clipping
    weight_norms: list[float]  # per Dense layer, when asked for
    delta_norms: list[float]


def _train_step(
    net: Sequential,
    xb: Array,
    yb: np.ndarray,
    loss_fn: LossFn,
    opt: Optimizer[Any],
    state: Any,
    *,
    clip: float | None,
    layers: bool,
    step: int,
    epoch: int,
) -> tuple[_StepLog, Array, Any]:
    """Forward, loss, backward, global norm, clipping and the in-place update of one batch.

    Nothing is scanned for ``nan``/``inf``: a finite loss and a finite global gradient norm
    prove every gradient finite (:func:`vanishing.clipping.global_norm`); only when one of
    them is not does :func:`_non_finite_error` look for the source.
    """
    with np.errstate(over="ignore", invalid="ignore"), skip_finite_checks():
        out, cache = net.forward(xb, training=True)
        value, dout = loss_fn(out, yb)
        value = float(value)
        back = net.backward(cache, dout) if math.isfinite(value) else None
    grad_norm = _norm(back.grads.values()) if back is not None else math.nan
    if back is None or not math.isfinite(grad_norm):
        raise _non_finite_error(net, cache, back, value, step=step, epoch=epoch)
    log = _StepLog(value, grad_norm, [], [])
    if layers:
        log.weight_norms.extend(weight_gradient_norms(net, back.grads).values())
        log.delta_norms.extend(delta_norms(net, back).values())
    if clip is not None and (coef := _coefficient(grad_norm, clip)) < 1.0:
        for g in back.grads.values():
            g *= coef
    with skip_finite_checks():  # the finite norm proved them finite
        state = opt.step(net.params, back.grads, state)
    return log, out, state


def _first_bad(arrays: Mapping[str, np.ndarray], keys: Sequence[str]) -> str | None:
    return next((key for key in keys if not np.isfinite(arrays[key]).all()), None)


def _non_finite_error(
    net: Sequential,
    cache: ForwardCache,
    back: NetworkGradients | None,
    loss: float,
    *,
    step: int,
    epoch: int,
) -> NonFiniteError:
    """Name where a ``nan``/``inf`` came from, once the loss or the gradient norm says there is one.

    In the order of the step: a parameter an earlier update blew up, the first layer whose
    output is not finite, the loss, the first layer whose back-propagated gradient is
    not (walking from the output), and the first non-finite parameter gradient.
    """
    stage, where, detail = "forward", "", ""
    bad = _first_bad(net.params, list(net.params))
    if bad is not None:
        where = f"parameter {bad!r}"
        detail = f"parameter {bad!r} is no longer finite (a previous update blew it up)"
    elif (i := next((i for i, o in enumerate(cache.outputs) if not np.isfinite(o).all()), -1)) >= 0:
        where = net.layer_names[i]
        detail = f"the output of layer {where} is the first that is not finite"
    elif back is None:
        return NonFiniteError(
            f"non-finite loss {loss} at step {step} (epoch {epoch}) although the network "
            "output is finite",
            step=step,
            epoch=epoch,
            stage="loss",
            where="loss",
        )
    else:
        stage, n = "gradient", len(net.layers)
        i = next((i for i in range(n - 1, -1, -1) if not np.isfinite(back.deltas[i]).all()), -1)
        if i >= 0:  # deltas[i] = dL/d outputs[i] is made by layer i + 1 (or the loss)
            where = "the loss gradient" if i == n - 1 else net.layer_names[i + 1]
            detail = (
                f"dL/d(output of layer {net.layer_names[i]}) is the first non-finite "
                f"back-propagated gradient, produced by {where}"
            )
        else:
            bad = _first_bad(back.grads, list(reversed(back.grads)))
            where = f"parameter {bad!r}"
            detail = (
                f"the gradient of parameter {bad!r} overflowed although the back-propagated "
                "deltas are finite"
            )
    what = "forward pass" if stage == "forward" else "gradient"
    return NonFiniteError(
        f"non-finite {what} at step {step} (epoch {epoch}): {detail}",
        step=step,
        epoch=epoch,
        stage=stage,
        where=where,
    )


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

    `X` is cast once to the network's dtype. Accuracy is recorded for the losses
    ``softmax_cross_entropy`` and ``binary_cross_entropy_with_logits``.

    Parameters
    ----------
    optimizer : Optimizer, optional
        Any optimizer of :mod:`vanishing.optimizers` (default ``Adam()``, lr ``1e-3``).
    epochs : int, default 10
        Passes over the training set.
    batch_size : int or None, default 32
        ``None`` (or ``>= n_samples``) for full-batch gradient descent (no shuffling, no
        copies), ``1`` for plain SGD. The last batch of an epoch may be smaller.
    rng : numpy.random.Generator or int, optional
        Randomness for shuffling the samples at every epoch.
    clip_norm : float, optional
        Clip the global gradient norm to this value before each update, exactly as
        :func:`vanishing.clipping.clip_by_global_norm` (in place).
    record_every : int, default 1
        Record the per-step quantities every this many steps (step 1 always).
    record_layers : bool, default False
        Also record each Dense layer's weight-gradient and delta norms at those steps.
    callbacks : sequence of callable, optional
        ``callback(log)`` with an :class:`EpochLog` after every epoch; ``True`` stops.
    X_val, y_val : array_like, optional
        Validation data, evaluated (inference mode) after every epoch.
    verbose : bool, default False
        Print one line per epoch.

    Raises
    ------
    NonFiniteError
        When the loss or the global gradient norm is ``nan`` or ``inf``, naming the step,
        the epoch and where it came from (a layer or parameter, forward or backward).

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

    records: list[tuple[int, _StepLog]] = []
    epoch_logs: list[EpochLog] = []
    state = opt.init(net.params)
    step = 0
    stopped = False
    for epoch in range(1, epochs + 1):
        loss_sum = 0.0
        correct = 0
        order = None if bs >= n else generator.permutation(n)
        for start in range(0, n, bs):
            step += 1
            idx = None if order is None else order[start : start + bs]
            xb, yb = (X_arr, y_arr) if idx is None else (X_arr[idx], y_arr[idx])
            record = (step - 1) % record_every == 0
            log, out, state = _train_step(
                net,
                xb,
                yb,
                loss_fn,
                opt,
                state,
                clip=clip,
                layers=record and record_layers,
                step=step,
                epoch=epoch,
            )
            loss_sum += log.loss * xb.shape[0]
            correct += _n_correct(out, yb) if task is not None else 0
            if record:
                records.append((step, log))
        val_loss = val_acc = math.nan
        if has_val:
            v_out = net.forward(Xv, training=False)[0]
            if np.isfinite(v_out).all():
                val_loss = float(loss_fn(v_out, yv)[0])
            if task is not None:
                val_acc = _n_correct(v_out, yv) / Xv.shape[0]
        accuracy_ = correct / n if task is not None else math.nan
        epoch_logs.append(EpochLog(epoch, step, loss_sum / n, accuracy_, val_loss, val_acc, net))
        if verbose:
            print(_format_log(epoch_logs[-1], task is not None, has_val))
        if any([bool(cb(epoch_logs[-1])) for cb in callbacks]):
            stopped = True
            break
    names = dense_layer_names(net)

    def per_layer(field: str) -> Array | None:
        rows = [getattr(log, field) for _, log in records]
        return np.array(rows).reshape(-1, len(names)) if record_layers else None

    def per_epoch(field: str, kept: bool) -> Array | None:
        return np.array([getattr(log, field) for log in epoch_logs]) if kept else None

    return History(
        steps=np.array([s for s, _ in records], dtype=np.int64),
        loss=np.array([log.loss for _, log in records]),
        grad_norm=np.array([log.grad_norm for _, log in records]),
        layer_names=names,
        weight_grad_norms=per_layer("weight_norms"),
        delta_norms=per_layer("delta_norms"),
        epoch_loss=np.array([log.loss for log in epoch_logs]),
        epoch_accuracy=per_epoch("accuracy", task is not None),
        val_loss=per_epoch("val_loss", has_val),
        val_accuracy=per_epoch("val_accuracy", has_val and task is not None),
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
