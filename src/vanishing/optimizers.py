r"""First-order optimizers with exactly the semantics and defaults of ``torch.optim``.

Parameters and gradients are dicts mapping names to arrays, e.g. ``{"W1": ..., "b1": ...}``.
Every optimizer is a frozen dataclass of hyperparameters, validated once when it is built
(from each field's declared range), with the optax-style pure protocol

- ``state = opt.init(params)``: a named tuple of buffers (``AdamState(step, m, v)``),
  ``step = 0``;
- ``new_params, new_state = opt.update(grads, state, params)``: one step; no input array
  is modified;

and, for training loops, ``state = opt.step(params, grads, state)``: the same arithmetic
(bit-identical results), but `params` and the buffers of `state` are updated **in place**.
Use the returned state (its ``step`` is new). To change a hyperparameter (a learning-rate
schedule), make a new optimizer with :func:`dataclasses.replace`, which re-validates, and
keep the state: ``opt = dataclasses.replace(opt, lr=0.01)``.

Notation and shared hyperparameters: :math:`\theta` a parameter, :math:`g_t` its gradient
at step :math:`t = 1, 2, \dots`, every operation elementwise.

- ``lr``: the learning rate :math:`\eta > 0`;
- ``eps``: :math:`\varepsilon > 0`, added to a square root in the denominator;
- ``weight_decay``: L2 penalty :math:`\lambda \ge 0` added to the gradient,
  :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}` (:class:`AdamW` decays the weights
  directly instead);
- ``momentum``: :math:`\mu \in [0, 1)`.

A hyperparameter out of its range raises ``ValueError``, one of the wrong type
``TypeError``. The buffers have the dtype of the parameters (float32 stays float32, and
float64 gradients of float32 parameters are rounded to float32 first). A non-finite
gradient raises ``ValueError`` naming the parameter, before anything is updated. The
theory page :ref:`theory-optimizers` derives each update, relates PyTorch's momentum to the
velocity form of other texts and lists where Keras differs.
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, cast

import numpy as np

from vanishing._validation import (
    check_array,
    check_in_range,
    check_like_params,
    check_positive,
    finite_checks_skipped,
    lookup_name,
)

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "AdamW",
    "Optimizer",
    "RMSProp",
    "RMSPropState",
    "SGDState",
    "get_optimizer",
]

Params = dict[str, np.ndarray]


class SGDState(NamedTuple):
    """State of :class:`SGD`: the step count and the momentum buffers :math:`b`.

    ``momentum_buffer`` (PyTorch's name) is empty when ``momentum == 0``.

    >>> SGD(lr=0.1, momentum=0.9).init({"w": np.zeros(2)})
    SGDState(step=0, momentum_buffer={'w': array([0., 0.])})
    """

    step: int
    momentum_buffer: Params


class AdaGradState(NamedTuple):
    """State of :class:`AdaGrad`: the step count and the sums :math:`s` of squared gradients.

    >>> AdaGrad().init({"w": np.zeros(1)}).step
    0
    """

    step: int
    sum: Params


class RMSPropState(NamedTuple):
    """State of :class:`RMSProp`: the step count, the averages :math:`v` of squared gradients
    and the momentum buffers :math:`b` (empty when ``momentum == 0``).

    >>> RMSProp().init({"w": np.zeros(1)}).step
    0
    """

    step: int
    square_avg: Params
    momentum_buffer: Params


class AdamState(NamedTuple):
    """State of :class:`Adam` and :class:`AdamW`: the step count :math:`t` of the last step
    and the biased moment estimates :math:`m` and :math:`v` (PyTorch's ``exp_avg`` and
    ``exp_avg_sq``).

    >>> Adam().init({"w": np.zeros(2)}).m
    {'w': array([0., 0.])}
    """

    step: int
    m: Params
    v: Params


S = TypeVar("S", SGDState, AdaGradState, RMSPropState, AdamState)


# --------------------------------------------------------------------------------------
# hyperparameters: each field declares its check; Optimizer.__post_init__ runs them all
# --------------------------------------------------------------------------------------


def _hyper(check: Callable[[Any, str], Any], default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field whose value is replaced by ``check(value, name)`` when built."""
    return dataclasses.field(default=default, metadata={"check": check})


def _positive(default: Any = dataclasses.MISSING) -> Any:
    return _hyper(check_positive, default)


def _non_negative(default: float) -> Any:
    return _hyper(partial(check_positive, allow_zero=True), default)


def _unit(default: float, *, closed: bool = False) -> Any:
    """A field in ``[0, 1)``, or ``[0, 1]`` when `closed`."""
    return _hyper(partial(check_in_range, low=0.0, high=1.0, inclusive=(True, closed)), default)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def _check_betas(betas: Any, name: str) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {betas!r}")
    return (
        check_in_range(betas[0], "beta1", 0.0, 1.0),
        check_in_range(betas[1], "beta2", 0.0, 1.0),
    )


# --------------------------------------------------------------------------------------
# the protocol
# --------------------------------------------------------------------------------------


def _zeros_like(params: Mapping[str, np.ndarray], fill: float = 0.0) -> Params:
    return {k: np.full_like(p, fill) for k, p in params.items()}


def _copy_state(state: S) -> S:
    fields: list[Any] = [
        {k: a.copy() for k, a in f.items()} if isinstance(f, dict) else f for f in state
    ]
    return cast(S, type(state)(*fields))


def _check_params(params: Any, *, writeable: bool = False) -> Mapping[str, np.ndarray]:
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of str to ndarray, got {type(params).__name__}")
    if not params:
        raise ValueError("params must contain at least one array, got an empty dict")
    for key, p in params.items():
        if not isinstance(p, np.ndarray):
            raise TypeError(f"params[{key!r}] must be a numpy ndarray, got {type(p).__name__}")
        if p.dtype.kind != "f":
            raise TypeError(
                f"params[{key!r}] must have a floating dtype, got {p.dtype}: "
                "convert with .astype(np.float64)"
            )
        if writeable and not p.flags.writeable:
            raise ValueError(f"params[{key!r}] must be writable to be updated in place")
    return params


def _check_grads(grads: Any, params: Mapping[str, np.ndarray]) -> Params:
    """The gradients, checked against `params` and in the parameters' dtypes.

    Finiteness costs one dot product per array: a sum of squares is finite only if every
    entry is (a NaN or an infinity makes it NaN or infinite, and squares cannot cancel). Only
    a non-finite one, from a real non-finite entry or an overflow of the squares, pays for
    the full scan that names the parameter and the entry. Inside
    :func:`~vanishing._validation.skip_finite_checks` nothing is scanned.
    """
    out = check_like_params(grads, params, "grads", finite=False)
    scan = not finite_checks_skipped()
    with np.errstate(over="ignore", invalid="ignore"):
        for key, g in out.items():
            if scan and not math.isfinite(float(np.vdot(g, g))):
                check_array(g, f"grads[{key!r}]")  # raises for a non-finite entry only
            dtype = params[key].dtype
            out[key] = g if g.dtype == dtype else g.astype(dtype)
    return out


@dataclasses.dataclass(frozen=True)
class Optimizer(ABC, Generic[S]):
    """Base class: validation of the fields and the ``init`` / ``update`` / ``step`` protocol.

    A subclass declares its hyperparameters as fields with their checks (``lr: float =
    _positive(1e-3)``), may add ``_check_together`` for constraints between fields, and
    implements ``_init_state`` and the in-place ``_apply``; this class checks the arguments
    and does the copying that makes ``update`` pure.

    >>> opt = SGD(lr=0.1)
    >>> params = {"w": np.array([1.0])}
    >>> state = opt.step(params, {"w": np.array([2.0])}, opt.init(params))
    >>> params["w"], state.step
    (array([0.8]), 1)
    """

    _state_type: ClassVar[type]

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if "check" in f.metadata:  # frozen: set the normalised value past __setattr__
                object.__setattr__(self, f.name, f.metadata["check"](getattr(self, f.name), f.name))
        self._check_together()

    def _check_together(self) -> None:
        """Constraints between hyperparameters (none unless a subclass adds them)."""

    def init(self, params: Mapping[str, np.ndarray]) -> S:
        """Create the state for `params` (floating, finite arrays; not modified).

        Returns a named tuple with ``step == 0`` and buffers of the parameters' shapes and
        dtypes; raises ``TypeError`` for anything but a dict of floating ndarrays and
        ``ValueError`` for an empty dict or non-finite values.

        >>> Adam().init({"w": np.zeros(2)})
        AdamState(step=0, m={'w': array([0., 0.])}, v={'w': array([0., 0.])})
        """
        checked = _check_params(params)
        for key, p in checked.items():
            check_array(p, f"params[{key!r}]")
        return self._init_state(checked)

    def update(
        self,
        grads: Mapping[str, Any],
        state: S,
        params: Mapping[str, np.ndarray],
    ) -> tuple[Params, S]:
        """One step without modifying any input: return ``(new_params, new_state)``.

        `grads` has exactly the keys and shapes of `params`; `state` comes from :meth:`init`
        or a previous step. Raises ``TypeError`` for a wrong type (a state of another
        optimizer included) and ``ValueError`` if keys or shapes disagree or a gradient is
        non-finite.

        >>> opt = SGD(lr=0.1)
        >>> params = {"w": np.array([1.0, -2.0])}
        >>> new_params, state = opt.update({"w": np.array([0.5, 0.5])}, opt.init(params), params)
        >>> new_params["w"], params["w"]
        (array([ 0.95, -2.05]), array([ 1., -2.]))
        """
        checked = _check_params(params)
        g = _check_grads(grads, checked)
        self._check_state(state, checked)
        new_params = {k: p.copy() for k, p in checked.items()}
        return new_params, self._apply(new_params, g, _copy_state(state))

    def step(
        self,
        params: Mapping[str, np.ndarray],
        grads: Mapping[str, Any],
        state: S,
    ) -> S:
        """One step in place: overwrite `params` and the buffers of `state`; return the new state.

        Arguments and errors as in :meth:`update` (`grads` is not modified), plus
        ``ValueError`` for a read-only parameter. Use the returned state for the next step.

        >>> opt = SGD(lr=0.1)
        >>> params = {"w": np.array([1.0, -2.0])}
        >>> state = opt.step(params, {"w": np.array([0.5, 0.5])}, opt.init(params))
        >>> params["w"], state.step
        (array([ 0.95, -2.05]), 1)
        """
        checked = _check_params(params, writeable=True)
        g = _check_grads(grads, checked)
        self._check_state(state, checked)
        return self._apply(checked, g, state)

    def _check_state(self, state: Any, params: Mapping[str, np.ndarray]) -> None:
        name = type(self).__name__
        if not isinstance(state, self._state_type):
            raise TypeError(
                f"state must be a {self._state_type.__name__} from {name}.init, "
                f"got {type(state).__name__}"
            )
        for field in self._buffer_fields():
            buffers = getattr(state, field)
            if set(buffers) != set(params):
                raise ValueError(
                    f"state.{field} has keys {sorted(buffers)} but params has keys "
                    f"{sorted(params)}: was the state made by {name}.init for these params?"
                )
            for k, p in params.items():
                if buffers[k].shape != p.shape:
                    raise ValueError(
                        f"state.{field}[{k!r}] has shape {buffers[k].shape} but "
                        f"params[{k!r}] has shape {p.shape}"
                    )

    @abstractmethod
    def _buffer_fields(self) -> tuple[str, ...]:
        """Names of the state fields holding one buffer per parameter."""

    @abstractmethod
    def _init_state(self, params: Mapping[str, np.ndarray]) -> S:
        """Fresh state for validated `params`."""

    @abstractmethod
    def _apply(self, params: Mapping[str, np.ndarray], grads: Params, state: S) -> S:
        """One step, in place on `params` and on the buffers of `state`."""


def _with_weight_decay(g: np.ndarray, p: np.ndarray, weight_decay: float) -> np.ndarray:
    """:math:`g + \\lambda\\theta` as a new array (`g` is not modified), or `g` itself."""
    return g + weight_decay * p if weight_decay != 0 else g


@dataclasses.dataclass(frozen=True)
class SGD(Optimizer[SGDState]):
    r"""Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float
        Required (there is no good default).
    momentum, weight_decay : float, default 0.0
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    dampening : float, default 0.0
        Dampening :math:`\delta \in [0, 1]` of the momentum (rarely used).

    Notes
    -----
    PyTorch's form keeps a buffer :math:`b` of summed gradients:

    .. math::

        b_1 = g_1, \qquad b_t = \mu b_{t-1} + (1 - \delta) g_t \quad (t > 1),

    .. math::

        \theta_t = \theta_{t-1} - \eta\, b_t
        \quad\text{or, with Nesterov,}\quad
        \theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t),

    and :math:`\theta_t = \theta_{t-1} - \eta g_t` without momentum. For a constant
    :math:`\eta` and :math:`\delta = 0` it is the velocity form :math:`v_t = \mu v_{t-1} -
    \eta g_t`, :math:`\theta_t = \theta_{t-1} + v_t` with :math:`v_t = -\eta b_t` (proof
    and the difference under a schedule in :ref:`theory-optimizers`).

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of iteration
       methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.

    Examples
    --------
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> params = {"w": np.array([1.0])}
    >>> state = opt.init(params)
    >>> for _ in range(2):
    ...     state = opt.step(params, {"w": np.array([1.0])}, state)
    >>> params["w"]  # 1 - 0.1 * 1 - 0.1 * (0.9 + 1)
    array([0.71])
    """

    lr: float = _positive()
    momentum: float = _unit(0.0)
    nesterov: bool = _hyper(_check_bool, False)
    weight_decay: float = _non_negative(0.0)
    dampening: float = _unit(0.0, closed=True)

    _state_type: ClassVar[type] = SGDState

    def _check_together(self) -> None:
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "nesterov=True requires momentum > 0 and dampening == 0, got "
                f"momentum={self.momentum} and dampening={self.dampening}"
            )

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("momentum_buffer",) if self.momentum != 0 else ()

    def _init_state(self, params: Mapping[str, np.ndarray]) -> SGDState:
        return SGDState(0, _zeros_like(params) if self.momentum != 0 else {})

    def _apply(self, params: Mapping[str, np.ndarray], grads: Params, state: SGDState) -> SGDState:
        mu, dampening = self.momentum, self.dampening
        for key, p in params.items():
            g = _with_weight_decay(grads[key], p, self.weight_decay)
            if mu != 0:
                b = state.momentum_buffer[key]
                if state.step == 0:
                    b[...] = g  # b_1 = g_1
                else:  # b_t = mu b_{t-1} + (1 - dampening) g_t
                    b *= mu
                    b += g if dampening == 0 else (1.0 - dampening) * g
                g = g + mu * b if self.nesterov else b
            p -= self.lr * g
        return SGDState(state.step + 1, state.momentum_buffer)


@dataclasses.dataclass(frozen=True)
class AdaGrad(Optimizer[AdaGradState]):
    r"""AdaGrad, as ``torch.optim.Adagrad`` (without its ``lr_decay``).

    Parameters
    ----------
    lr : float, default 0.01
    eps : float, default 1e-10
    initial_accumulator_value : float, default 0.0
        The starting sums :math:`s_0 \ge 0`.
    weight_decay : float, default 0.0

    See Also
    --------
    RMSProp : Replaces the growing sum by a moving average.

    Notes
    -----
    .. math::

        s_t = s_{t-1} + g_t^2, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \varepsilon}.

    The effective step size of each coordinate shrinks like :math:`1 / \sqrt{t}` and
    never recovers, which is why AdaGrad often stalls on long non-convex runs. With
    :math:`s_0 = 0` the first step is :math:`\eta\, g_1 / (|g_1| + \varepsilon) \approx
    \eta\, \operatorname{sign}(g_1)`.

    References
    ----------
    .. [1] J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online
       learning and stochastic optimization", JMLR 12, 2011.

    Examples
    --------
    >>> opt = AdaGrad(lr=0.1)
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> state = opt.step(params, {"w": np.array([4.0, -0.001])}, opt.init(params))
    >>> np.round(params["w"], 6)  # first step ~ lr * sign(g)
    array([0.9, 1.1])
    """

    lr: float = _positive(0.01)
    eps: float = _positive(1e-10)
    initial_accumulator_value: float = _non_negative(0.0)
    weight_decay: float = _non_negative(0.0)

    _state_type: ClassVar[type] = AdaGradState

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("sum",)

    def _init_state(self, params: Mapping[str, np.ndarray]) -> AdaGradState:
        return AdaGradState(0, _zeros_like(params, self.initial_accumulator_value))

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: AdaGradState
    ) -> AdaGradState:
        for key, p in params.items():
            g = _with_weight_decay(grads[key], p, self.weight_decay)
            s = state.sum[key]
            s += g * g  # s_t = s_{t-1} + g_t^2
            p -= self.lr * (g / (np.sqrt(s) + self.eps))
        return AdaGradState(state.step + 1, state.sum)


@dataclasses.dataclass(frozen=True)
class RMSProp(Optimizer[RMSPropState]):
    r"""RMSProp, as ``torch.optim.RMSprop`` (non-centred).

    Parameters
    ----------
    lr : float, default 0.01
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)` of the squared-gradient average.
    eps : float, default 1e-8
        Added to :math:`\sqrt{v_t}` (outside the square root).
    momentum, weight_decay : float, default 0.0

    See Also
    --------
    AdaGrad, Adam

    Notes
    -----
    With :math:`v_0 = 0` and :math:`b_0 = 0`,

    .. math::

        v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad
        u_t = \frac{g_t}{\sqrt{v_t} + \varepsilon},

    .. math::

        \theta_t = \theta_{t-1} - \eta\, u_t
        \quad\text{or, with momentum,}\quad
        b_t = \mu b_{t-1} + u_t, \;\; \theta_t = \theta_{t-1} - \eta\, b_t.

    There is no bias correction, so the first step is
    :math:`\eta / \sqrt{1 - \alpha} = 10\,\eta` per coordinate (for
    :math:`|g_1| \gg \varepsilon`), whatever the gradient's scale.

    References
    ----------
    .. [1] T. Tieleman and G. Hinton, Lecture 6.5 "rmsprop: Divide the gradient by a
       running average of its recent magnitude", COURSERA: Neural Networks for Machine
       Learning, 2012.

    Examples
    --------
    >>> opt = RMSProp(lr=0.01)
    >>> params = {"w": np.array([0.0, 0.0])}
    >>> state = opt.step(params, {"w": np.array([0.1, -50.0])}, opt.init(params))
    >>> np.round(params["w"], 6)  # -lr * sign(g) / sqrt(1 - alpha)
    array([-0.1,  0.1])
    """

    lr: float = _positive(0.01)
    alpha: float = _unit(0.99)
    eps: float = _positive(1e-8)
    momentum: float = _unit(0.0)
    weight_decay: float = _non_negative(0.0)

    _state_type: ClassVar[type] = RMSPropState

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("square_avg", "momentum_buffer") if self.momentum > 0 else ("square_avg",)

    def _init_state(self, params: Mapping[str, np.ndarray]) -> RMSPropState:
        return RMSPropState(
            0, _zeros_like(params), _zeros_like(params) if self.momentum > 0 else {}
        )

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: RMSPropState
    ) -> RMSPropState:
        alpha = self.alpha
        for key, p in params.items():
            g = _with_weight_decay(grads[key], p, self.weight_decay)
            v = state.square_avg[key]
            v *= alpha  # v_t = alpha v_{t-1} + (1 - alpha) g_t^2
            v += (1.0 - alpha) * (g * g)
            u = g / (np.sqrt(v) + self.eps)
            if self.momentum > 0:
                b = state.momentum_buffer[key]
                b *= self.momentum  # b_t = mu b_{t-1} + u_t
                b += u
                u = b
            p -= self.lr * u
        return RMSPropState(state.step + 1, state.square_avg, state.momentum_buffer)


def _lerp(m: np.ndarray, g: np.ndarray, weight: float, work: np.ndarray) -> None:
    """``m <- m + weight (g - m)`` in place, rounded as ``torch.lerp`` (exact at the ends).

    `work` is scratch memory of `m`'s shape, so that no temporary array is made.
    """
    diff = np.subtract(g, m, out=work)
    if weight < 0.5:
        diff *= weight
        m += diff
    else:
        diff *= 1.0 - weight
        np.subtract(g, diff, out=m)


@dataclasses.dataclass(frozen=True)
class Adam(Optimizer[AdamState]):
    r"""Adam, as ``torch.optim.Adam`` (without AMSGrad).

    Parameters
    ----------
    lr : float, default 1e-3
    betas : tuple of (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps : float, default 1e-8
        Added to :math:`\sqrt{\hat v_t}` (after the bias correction).
    weight_decay : float, default 0.0
        L2 in the gradient; :class:`AdamW` decouples it.

    See Also
    --------
    AdamW, RMSProp

    Notes
    -----
    With :math:`m_0 = v_0 = 0`,

    .. math::

        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,

    .. math::

        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon}.

    At :math:`t = 1`, :math:`\hat m_1 = g_1` and :math:`\sqrt{\hat v_1} = |g_1|`, so the
    first step is :math:`\eta\, g_1 / (|g_1| + \varepsilon) \approx \eta\,
    \operatorname{sign}(g_1)`: about :math:`\eta` **whatever the gradient's scale**. A
    gradient of :math:`10^{-6}` still moves the weight by :math:`0.99\,\eta`, which is
    how Adam partly hides vanishing gradients (only :math:`|g| \lesssim \varepsilon` is
    damped).

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization",
       ICLR 2015, Algorithm 1.

    Examples
    --------
    >>> opt = Adam()
    >>> params = {"w": np.array([0.0, 0.0])}
    >>> state = opt.step(params, {"w": np.array([1e-6, -3.0])}, opt.init(params))
    >>> np.round(params["w"], 8)  # ~ -lr * sign(g), even for |g| = 1e-6
    array([-0.00099010,  0.001     ])
    """

    lr: float = _positive(1e-3)
    betas: tuple[float, float] = _hyper(_check_betas, (0.9, 0.999))
    eps: float = _positive(1e-8)
    weight_decay: float = _non_negative(0.0)

    _state_type: ClassVar[type] = AdamState
    _decoupled: ClassVar[bool] = False

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("m", "v")

    def _init_state(self, params: Mapping[str, np.ndarray]) -> AdamState:
        return AdamState(0, _zeros_like(params), _zeros_like(params))

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: AdamState
    ) -> AdamState:
        beta1, beta2 = self.betas
        t = state.step + 1
        # the bias corrections are scalars: m_hat_t = m_t / bc1 is folded into the step size
        # and sqrt(v_hat_t) = sqrt(v_t) / sqrt(bc2), one pass fewer each (PyTorch's arithmetic)
        step_size = self.lr / (1.0 - beta1**t)
        sqrt_bc2 = math.sqrt(1.0 - beta2**t)
        # one scratch array per shape for this step: the lines below write into it instead
        # of making a temporary for each operation
        scratch: dict[tuple[tuple[int, ...], np.dtype[Any]], np.ndarray] = {}
        for key, p in params.items():
            if self._decoupled:  # AdamW: theta' = (1 - lr wd) theta; g_t is the raw gradient
                if self.weight_decay != 0:
                    p *= 1.0 - self.lr * self.weight_decay
                g = grads[key]
            else:
                g = _with_weight_decay(grads[key], p, self.weight_decay)
            m, v = state.m[key], state.v[key]
            work = scratch.get((p.shape, p.dtype))
            if work is None:
                work = scratch[p.shape, p.dtype] = np.empty_like(p)
            _lerp(m, g, 1.0 - beta1, work)  # m_t = beta1 m_{t-1} + (1 - beta1) g_t
            g2 = np.multiply(g, g, out=work)  # v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
            g2 *= 1.0 - beta2
            v *= beta2
            v += g2
            denom = np.sqrt(v, out=work)  # sqrt(v_hat_t) + eps
            denom /= sqrt_bc2
            denom += self.eps
            update = np.divide(m, denom, out=work)  # lr m_hat_t / (sqrt(v_hat_t) + eps)
            update *= step_size
            p -= update
        return AdamState(t, state.m, state.v)


@dataclasses.dataclass(frozen=True)
class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Parameters
    ----------
    lr, betas, eps
        As in :class:`Adam`.
    weight_decay : float, default 1e-2
        Decoupled decay coefficient :math:`\lambda \ge 0`.

    See Also
    --------
    Adam

    Notes
    -----
    The weights are shrunk *before* the Adam step, and the decay never enters
    :math:`m` or :math:`v`:

    .. math::

        \theta' = (1 - \eta\lambda)\,\theta_{t-1}, \qquad
        \theta_t = \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon},

    with :math:`m_t, v_t, \hat m_t, \hat v_t` as in :class:`Adam`, computed from the
    raw gradient :math:`g_t`. With L2 in the gradient (``Adam(weight_decay=...)``) the
    decay term is divided by :math:`\sqrt{\hat v_t}` like the rest of the gradient, so
    parameters with large gradients are barely regularised; decoupling fixes that.
    The state is an :class:`AdamState`.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "Decoupled weight decay regularization",
       ICLR 2019.

    Examples
    --------
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> params = {"w": np.array([2.0])}
    >>> state = opt.step(params, {"w": np.array([0.0])}, opt.init(params))
    >>> params["w"]  # zero gradient: pure decay, 2 * (1 - 0.1 * 0.5)
    array([1.9])
    """

    weight_decay: float = _non_negative(1e-2)

    _decoupled: ClassVar[bool] = True


OPTIMIZERS: dict[str, type[Optimizer[Any]]] = {
    "sgd": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
}
"""Optimizer classes by lower-case name."""


def get_optimizer(name: str, **kwargs: Any) -> Optimizer[Any]:
    """Build an optimizer by name.

    Parameters
    ----------
    name : str
        A key of :data:`OPTIMIZERS` (case-insensitive): ``"sgd"``, ``"adagrad"``,
        ``"rmsprop"``, ``"adam"`` or ``"adamw"``.
    **kwargs
        Hyperparameters passed to the class.

    Returns
    -------
    Optimizer
        The optimizer instance.

    Raises
    ------
    ValueError
        If `name` is unknown (the message lists the valid names) or a hyperparameter is
        invalid.
    TypeError
        If `name` is not a string or a keyword is not a hyperparameter of the optimizer.

    Examples
    --------
    >>> get_optimizer("Adam", lr=0.01)
    Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)
    >>> get_optimizer("adamax")
    Traceback (most recent call last):
    ...
    ValueError: unknown optimizer 'adamax': optimizer must be one of 'adagrad', 'adam', ...
    """
    cls = OPTIMIZERS[lookup_name(name, "optimizer", OPTIMIZERS)]
    valid = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(kwargs) - valid)
    if unknown:
        raise TypeError(
            f"{cls.__name__} got unexpected hyperparameter(s) {unknown}; "
            f"valid ones are {sorted(valid)}"
        )
    return cls(**kwargs)
