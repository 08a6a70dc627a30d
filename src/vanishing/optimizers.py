r"""First-order optimizers with exactly the semantics and defaults of ``torch.optim``.

Parameters and gradients are dicts mapping names to arrays, e.g.
``{"W1": ..., "b1": ...}``. Every optimizer is an immutable (frozen) dataclass holding
validated hyperparameters, with the optax-style pure protocol

- ``state = opt.init(params)``: a named tuple of optimizer buffers (``AdamState(step, m,
  v)``), with ``step = 0``;
- ``new_params, new_state = opt.update(grads, state, params)``: one step, **pure**: no
  input array is modified;

plus, for training loops, the in-place convenience

- ``state = opt.step(params, grads, state)``: the same step, but the arrays of `params`
  and the buffers of `state` are **updated in place** (no copies). Use the returned state
  (its ``step`` counter is new); do not reuse the old one.

``update`` and ``step`` run the same arithmetic, so they give bit-identical results.
Hyperparameters are checked when the optimizer is built; to change one (e.g. the
learning rate in a schedule) make a new optimizer with :func:`dataclasses.replace`, which
re-validates, and keep the state: ``opt = dataclasses.replace(opt, lr=0.01)``.

Each step: :math:`\theta` a parameter, :math:`g_t` its gradient at step
:math:`t = 1, 2, \dots`, :math:`\eta` the learning rate, and every operation elementwise.
As in PyTorch, the buffers have the dtype of the parameters (float32 stays float32) and
L2 ``weight_decay`` :math:`\lambda` is added to the gradient, :math:`g_t \leftarrow g_t +
\lambda\theta_{t-1}`, except in :class:`AdamW`, which decays the weights directly.
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar, cast

import numpy as np

from vanishing._validation import (
    check_array,
    check_in_range,
    check_like_params,
    check_positive,
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
    """State of :class:`SGD`.

    Attributes
    ----------
    step : int
        Number of steps taken.
    momentum_buffer : dict of str to ndarray
        Momentum buffers :math:`b` (PyTorch's ``momentum_buffer``); empty when
        ``momentum == 0``.

    Examples
    --------
    >>> SGD(lr=0.1, momentum=0.9).init({"w": np.zeros(2)})
    SGDState(step=0, momentum_buffer={'w': array([0., 0.])})
    """

    step: int
    momentum_buffer: Params


class AdaGradState(NamedTuple):
    """State of :class:`AdaGrad`.

    Attributes
    ----------
    step : int
        Number of steps taken.
    sum : dict of str to ndarray
        Running sums of squared gradients :math:`s` (PyTorch's ``sum``).

    Examples
    --------
    >>> AdaGrad().init({"w": np.zeros(1)}).step
    0
    """

    step: int
    sum: Params


class RMSPropState(NamedTuple):
    """State of :class:`RMSProp`.

    Attributes
    ----------
    step : int
        Number of steps taken.
    square_avg : dict of str to ndarray
        Exponential moving averages :math:`v` of the squared gradients.
    momentum_buffer : dict of str to ndarray
        Momentum buffers :math:`b`; empty when ``momentum == 0``.

    Examples
    --------
    >>> RMSProp().init({"w": np.zeros(1)}).step
    0
    """

    step: int
    square_avg: Params
    momentum_buffer: Params


class AdamState(NamedTuple):
    """State of :class:`Adam` and :class:`AdamW`.

    Attributes
    ----------
    step : int
        Number of steps taken (:math:`t` of the last step).
    m : dict of str to ndarray
        Biased first-moment estimates (PyTorch's ``exp_avg``).
    v : dict of str to ndarray
        Biased second-moment estimates (PyTorch's ``exp_avg_sq``).

    Examples
    --------
    >>> Adam().init({"w": np.zeros(2)}).m
    {'w': array([0., 0.])}
    """

    step: int
    m: Params
    v: Params


S = TypeVar("S", SGDState, AdaGradState, RMSPropState, AdamState)


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
    return check_like_params(grads, params, "grads")


@dataclasses.dataclass(frozen=True)
class Optimizer(ABC, Generic[S]):
    """Base class: the ``init`` / ``update`` / ``step`` protocol shared by all optimizers.

    Subclasses implement ``_init_state`` and the in-place ``_apply``; this class does the
    argument checking and the copying that makes ``update`` pure.

    Examples
    --------
    >>> opt = SGD(lr=0.1)
    >>> params = {"w": np.array([1.0])}
    >>> state = opt.step(params, {"w": np.array([2.0])}, opt.init(params))
    >>> params["w"], state.step
    (array([0.8]), 1)
    """

    _state_type: ClassVar[type]

    def init(self, params: Mapping[str, np.ndarray]) -> S:
        """Create the optimizer state for `params`.

        Parameters
        ----------
        params : dict of str to ndarray
            Parameter arrays (floating dtype). They are not modified.

        Returns
        -------
        NamedTuple
            The optimizer's state, with ``step == 0`` and buffers of the parameters'
            shapes and dtypes.

        Raises
        ------
        TypeError
            If `params` is not a dict of floating ndarrays.
        ValueError
            If `params` is empty or contains non-finite values.

        Examples
        --------
        >>> import numpy as np
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
        """Take one optimization step without modifying any input.

        Parameters
        ----------
        grads : dict of str to ndarray
            Gradients, with exactly the keys and shapes of `params`.
        state : NamedTuple
            State from :meth:`init` or a previous call.
        params : dict of str to ndarray
            Current parameters.

        Returns
        -------
        new_params : dict of str to ndarray
            Updated copies of the parameters.
        new_state : NamedTuple
            Updated copy of the state.

        Raises
        ------
        TypeError
            If an argument has the wrong type (including a state of another optimizer).
        ValueError
            If keys or shapes disagree or a gradient is non-finite.

        Examples
        --------
        >>> import numpy as np
        >>> opt = SGD(lr=0.1)
        >>> params = {"w": np.array([1.0, -2.0])}
        >>> state = opt.init(params)
        >>> new_params, state = opt.update({"w": np.array([0.5, 0.5])}, state, params)
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
        """Take one optimization step, updating `params` and `state` buffers in place.

        Parameters
        ----------
        params : dict of str to ndarray
            Parameters, overwritten with their new values.
        grads : dict of str to ndarray
            Gradients, with exactly the keys and shapes of `params` (not modified).
        state : NamedTuple
            State from :meth:`init` or a previous call; its buffers are overwritten.

        Returns
        -------
        NamedTuple
            The new state (same buffers, incremented ``step``). Use it for the next step.

        Raises
        ------
        TypeError
            If an argument has the wrong type (including a state of another optimizer).
        ValueError
            If keys or shapes disagree, a gradient is non-finite or a parameter is
            read-only.

        Examples
        --------
        >>> import numpy as np
        >>> opt = SGD(lr=0.1)
        >>> params = {"w": np.array([1.0, -2.0])}
        >>> state = opt.init(params)
        >>> state = opt.step(params, {"w": np.array([0.5, 0.5])}, state)
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
    """``g + weight_decay * p`` as a new array (never modifies `g`), or `g` itself."""
    if weight_decay == 0:
        return g
    d = np.multiply(p, weight_decay, out=np.empty_like(p))
    np.add(d, g, out=d, casting="same_kind")
    return d


@dataclasses.dataclass(frozen=True)
class SGD(Optimizer[SGDState]):
    r"""Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0` (required, as there is no good default).
    momentum : float, default 0.0
        Momentum factor :math:`\mu \in [0, 1)`.
    nesterov : bool, default False
        Use Nesterov momentum (requires ``momentum > 0`` and ``dampening == 0``).
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0` added to the gradient.
    dampening : float, default 0
        Dampening :math:`\delta \in [0, 1]` of the momentum (rarely used).

    Raises
    ------
    ValueError
        If a hyperparameter is out of range, or `nesterov` is set without momentum or
        with dampening.
    TypeError
        If a hyperparameter has the wrong type.

    See Also
    --------
    Adam, RMSProp

    Notes
    -----
    PyTorch's form, implemented here, keeps a buffer :math:`b` of summed gradients:

    .. math::

        b_1 = g_1, \qquad b_t = \mu b_{t-1} + (1 - \delta) g_t \quad (t > 1),

    .. math::

        \theta_t = \theta_{t-1} - \eta\, b_t
        \quad\text{or, with Nesterov,}\quad
        \theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t).

    Without momentum this is :math:`\theta_t = \theta_{t-1} - \eta g_t`.

    **The velocity form.** Lecture notes (and Keras, and Sutskever et al. 2013) often
    write momentum with a velocity :math:`v` that already contains the learning rate:

    .. math::

        v_t = \mu v_{t-1} - \eta g_t, \qquad \theta_t = \theta_{t-1} + v_t,
        \qquad v_0 = 0.

    For a *constant* learning rate and :math:`\delta = 0` the two are the same
    algorithm, with :math:`v_t = -\eta\, b_t`. Proof by induction: for :math:`t = 1`,
    :math:`v_1 = -\eta g_1 = -\eta b_1`. If :math:`v_{t-1} = -\eta b_{t-1}`, then

    .. math::

        v_t = \mu v_{t-1} - \eta g_t = -\eta(\mu b_{t-1} + g_t) = -\eta b_t,

    so :math:`\theta_{t-1} + v_t = \theta_{t-1} - \eta b_t`: every iterate agrees. When
    :math:`\eta` changes during training they differ: the velocity form keeps old
    learning rates inside :math:`v`, PyTorch's applies the new :math:`\eta` to the whole
    buffer at once. Keras's Nesterov variant, :math:`\theta_t = \theta_{t-1} + \mu v_t -
    \eta g_t`, is likewise PyTorch's :math:`-\eta(g_t + \mu b_t)`.

    Keras differences: ``keras.optimizers.SGD`` defaults to ``learning_rate=0.01`` (PyTorch
    has ``lr=1e-3`` since 2.x; this class has no default) and has no dampening.

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of iteration
       methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> params = {"w": np.array([1.0])}
    >>> state = opt.init(params)
    >>> for _ in range(2):
    ...     state = opt.step(params, {"w": np.array([1.0])}, state)
    >>> params["w"]  # 1 - 0.1 * 1 - 0.1 * (0.9 + 1)
    array([0.71])
    """

    lr: float
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    dampening: float = 0.0

    _state_type: ClassVar[type] = SGDState

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_positive(self.lr, "lr"))
        object.__setattr__(self, "momentum", check_in_range(self.momentum, "momentum", 0.0, 1.0))
        object.__setattr__(
            self, "weight_decay", check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        )
        object.__setattr__(
            self,
            "dampening",
            check_in_range(self.dampening, "dampening", 0.0, 1.0, inclusive=(True, True)),
        )
        if not isinstance(self.nesterov, (bool, np.bool_)):
            raise TypeError(f"nesterov must be a bool, got {self.nesterov!r}")
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
        mu, lr = self.momentum, self.lr
        for key, p in params.items():
            d = _with_weight_decay(grads[key], p, self.weight_decay)
            if mu != 0:
                buf = state.momentum_buffer[key]
                if state.step == 0:
                    np.copyto(buf, d, casting="same_kind")
                else:
                    buf *= mu
                    if self.dampening == 0:
                        buf += d
                    else:
                        buf += d * (1.0 - self.dampening)
                d = d + mu * buf if self.nesterov else buf
            p -= lr * d
        return SGDState(state.step + 1, state.momentum_buffer)


@dataclasses.dataclass(frozen=True)
class AdaGrad(Optimizer[AdaGradState]):
    r"""AdaGrad, as ``torch.optim.Adagrad`` (without its ``lr_decay``).

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate :math:`\eta > 0`.
    eps : float, default 1e-10
        :math:`\varepsilon > 0`, added to :math:`\sqrt{s_t}` (outside the square root).
    initial_accumulator_value : float, default 0.0
        Initial value :math:`s_0 \ge 0` of the squared-gradient sums.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0` added to the gradient.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range.
    TypeError
        If a hyperparameter has the wrong type.

    See Also
    --------
    RMSProp : Replaces the growing sum by a moving average.

    Notes
    -----
    .. math::

        s_t = s_{t-1} + g_t^2, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \varepsilon}.

    The effective step size of each coordinate shrinks like :math:`1 / \sqrt{t}` and
    never recovers, which is why AdaGrad often stalls on long non-convex runs. The
    first step is :math:`\eta\, g_1 / (|g_1| + \varepsilon) \approx \eta\,
    \operatorname{sign}(g_1)` when :math:`s_0 = 0`.

    Keras differences: ``keras.optimizers.Adagrad`` defaults to ``learning_rate=0.001``,
    ``initial_accumulator_value=0.1`` and ``epsilon=1e-7``, and puts :math:`\varepsilon`
    *inside* the root: :math:`\sqrt{s_t + \varepsilon}`.

    References
    ----------
    .. [1] J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online
       learning and stochastic optimization", JMLR 12, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdaGrad(lr=0.1)
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> state = opt.step(params, {"w": np.array([4.0, -0.001])}, opt.init(params))
    >>> np.round(params["w"], 6)  # first step ~ lr * sign(g)
    array([0.9, 1.1])
    """

    lr: float = 0.01
    eps: float = 1e-10
    initial_accumulator_value: float = 0.0
    weight_decay: float = 0.0

    _state_type: ClassVar[type] = AdaGradState

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_positive(self.lr, "lr"))
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        object.__setattr__(
            self,
            "initial_accumulator_value",
            check_positive(
                self.initial_accumulator_value, "initial_accumulator_value", allow_zero=True
            ),
        )
        object.__setattr__(
            self, "weight_decay", check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        )

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("sum",)

    def _init_state(self, params: Mapping[str, np.ndarray]) -> AdaGradState:
        return AdaGradState(0, _zeros_like(params, self.initial_accumulator_value))

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: AdaGradState
    ) -> AdaGradState:
        for key, p in params.items():
            d = _with_weight_decay(grads[key], p, self.weight_decay)
            s = state.sum[key]
            tmp = np.multiply(d, d, out=np.empty_like(p), casting="same_kind")
            s += tmp
            np.sqrt(s, out=tmp)
            tmp += self.eps
            np.divide(d, tmp, out=tmp, casting="same_kind")
            tmp *= self.lr
            p -= tmp
        return AdaGradState(state.step + 1, state.sum)


@dataclasses.dataclass(frozen=True)
class RMSProp(Optimizer[RMSPropState]):
    r"""RMSProp, as ``torch.optim.RMSprop`` (non-centred).

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate :math:`\eta > 0`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)` of the squared-gradient average.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{v_t}` (outside the square root).
    momentum : float, default 0
        Momentum factor :math:`\mu \in [0, 1)`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0` added to the gradient.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range.
    TypeError
        If a hyperparameter has the wrong type.

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

    Keras differences: ``keras.optimizers.RMSprop`` defaults to ``learning_rate=0.001``,
    ``rho=0.9`` (our :math:`\alpha`) and ``epsilon=1e-7``, puts :math:`\varepsilon`
    *inside* the root, :math:`\sqrt{v_t + \varepsilon}`, and multiplies by :math:`\eta`
    before the momentum buffer rather than after.

    References
    ----------
    .. [1] T. Tieleman and G. Hinton, Lecture 6.5 "rmsprop: Divide the gradient by a
       running average of its recent magnitude", COURSERA: Neural Networks for Machine
       Learning, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> opt = RMSProp(lr=0.01)
    >>> params = {"w": np.array([0.0, 0.0])}
    >>> state = opt.step(params, {"w": np.array([0.1, -50.0])}, opt.init(params))
    >>> np.round(params["w"], 6)  # -lr * sign(g) / sqrt(1 - alpha)
    array([-0.1,  0.1])
    """

    lr: float = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    momentum: float = 0.0
    weight_decay: float = 0.0

    _state_type: ClassVar[type] = RMSPropState

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_positive(self.lr, "lr"))
        object.__setattr__(self, "alpha", check_in_range(self.alpha, "alpha", 0.0, 1.0))
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        object.__setattr__(self, "momentum", check_in_range(self.momentum, "momentum", 0.0, 1.0))
        object.__setattr__(
            self, "weight_decay", check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        )

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("square_avg", "momentum_buffer") if self.momentum > 0 else ("square_avg",)

    def _init_state(self, params: Mapping[str, np.ndarray]) -> RMSPropState:
        return RMSPropState(
            0, _zeros_like(params), _zeros_like(params) if self.momentum > 0 else {}
        )

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: RMSPropState
    ) -> RMSPropState:
        for key, p in params.items():
            d = _with_weight_decay(grads[key], p, self.weight_decay)
            v = state.square_avg[key]
            v *= self.alpha
            tmp = np.multiply(d, d, out=np.empty_like(p), casting="same_kind")
            tmp *= 1.0 - self.alpha
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += self.eps
            np.divide(d, tmp, out=tmp, casting="same_kind")  # u_t
            if self.momentum > 0:
                buf = state.momentum_buffer[key]
                buf *= self.momentum
                buf += tmp
                np.multiply(buf, self.lr, out=tmp)
            else:
                tmp *= self.lr
            p -= tmp
        return RMSPropState(state.step + 1, state.square_avg, state.momentum_buffer)


def _check_betas(betas: Any) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return (
        check_in_range(betas[0], "beta1", 0.0, 1.0),
        check_in_range(betas[1], "beta2", 0.0, 1.0),
    )


@dataclasses.dataclass(frozen=True)
class Adam(Optimizer[AdamState]):
    r"""Adam, as ``torch.optim.Adam`` (without AMSGrad).

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    betas : tuple of (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{\hat v_t}` (after bias correction).
    weight_decay : float, default 0.0
        L2 penalty :math:`\lambda \ge 0` added to the gradient (for decoupled weight
        decay use :class:`AdamW`).

    Raises
    ------
    ValueError
        If a hyperparameter is out of range.
    TypeError
        If a hyperparameter has the wrong type.

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

    Keras differences: ``keras.optimizers.Adam`` uses ``epsilon=1e-7`` and adds it to
    the *uncorrected* :math:`\sqrt{v_t}`, i.e. it computes
    :math:`\eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t) \cdot m_t / (\sqrt{v_t} +
    \hat\varepsilon)`, the "epsilon hat" form of Kingma & Ba (Sec. 2); the two agree up
    to the placement of :math:`\varepsilon`.

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization",
       ICLR 2015, Algorithm 1.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam()
    >>> params = {"w": np.array([0.0, 0.0])}
    >>> state = opt.step(params, {"w": np.array([1e-6, -3.0])}, opt.init(params))
    >>> np.round(params["w"], 8)  # ~ -lr * sign(g), even for |g| = 1e-6
    array([-0.00099010,  0.001     ])
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0

    _state_type: ClassVar[type] = AdamState
    _decoupled: ClassVar[bool] = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_positive(self.lr, "lr"))
        object.__setattr__(self, "betas", _check_betas(self.betas))
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        object.__setattr__(
            self, "weight_decay", check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        )

    def _buffer_fields(self) -> tuple[str, ...]:
        return ("m", "v")

    def _init_state(self, params: Mapping[str, np.ndarray]) -> AdamState:
        return AdamState(0, _zeros_like(params), _zeros_like(params))

    def _apply(
        self, params: Mapping[str, np.ndarray], grads: Params, state: AdamState
    ) -> AdamState:
        beta1, beta2 = self.betas
        t = state.step + 1
        step_size = self.lr / (1.0 - beta1**t)
        bias_correction2_sqrt = math.sqrt(1.0 - beta2**t)
        for key, p in params.items():
            if self._decoupled:
                if self.weight_decay != 0:
                    p *= 1.0 - self.lr * self.weight_decay
                d = grads[key]
            else:
                d = _with_weight_decay(grads[key], p, self.weight_decay)
            m, v = state.m[key], state.v[key]
            tmp = np.subtract(d, m, out=np.empty_like(p), casting="same_kind")
            # m <- m + (1 - beta1) (g - m), PyTorch's lerp (same as beta1 m + (1 - beta1) g)
            if beta1 > 0.5:
                tmp *= 1.0 - beta1
                m += tmp
            else:  # lerp's other branch, exact at beta1 = 0
                tmp *= beta1
                np.subtract(d, tmp, out=m, casting="same_kind")
            v *= beta2
            np.multiply(d, d, out=tmp, casting="same_kind")
            tmp *= 1.0 - beta2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= bias_correction2_sqrt
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp
        return AdamState(t, state.m, state.v)


@dataclasses.dataclass(frozen=True)
class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    betas : tuple of (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)`, each in :math:`[0, 1)`.
    eps : float, default 1e-8
        :math:`\varepsilon > 0`, added to :math:`\sqrt{\hat v_t}`.
    weight_decay : float, default 1e-2
        Decoupled decay coefficient :math:`\lambda \ge 0`.

    Raises
    ------
    ValueError
        If a hyperparameter is out of range.
    TypeError
        If a hyperparameter has the wrong type.

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

    Keras differences: ``keras.optimizers.AdamW`` defaults to ``weight_decay=0.004`` and
    ``epsilon=1e-7`` (placed as in Keras's Adam).

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "Decoupled weight decay regularization",
       ICLR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> params = {"w": np.array([2.0])}
    >>> state = opt.step(params, {"w": np.array([0.0])}, opt.init(params))
    >>> params["w"]  # zero gradient: pure decay, 2 * (1 - 0.1 * 0.5)
    array([1.9])
    """

    weight_decay: float = 1e-2

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
