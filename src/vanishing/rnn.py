r"""A vanilla (Elman) recurrent network unrolled over time, with backpropagation through time.

Sequences are arrays of shape ``(T, n_samples, n_features)``: **time first**, then the batch,
then the features (PyTorch's ``batch_first=False`` layout). At every step :math:`t = 1..T`

.. math::

    z_t = x_t W_{xh} + h_{t-1} W_{hh} + b_h, \qquad h_t = f(z_t), \qquad
    y_t = h_t W_{hy} + b_y \ \text{(optional output layer)},

with row vectors and weights of shape ``(fan_in, fan_out)`` as everywhere in
:mod:`vanishing`. The same :math:`W_{hh}` multiplies the back-propagated gradient once per
step (Pascanu, Mikolov & Bengio, 2013):

.. math::

    \frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T}
    \operatorname{diag}\big(f'(z_k)\big)\, W_{hh}^\top, \qquad
    \Big\lVert \frac{\partial h_T}{\partial h_t} \Big\rVert_2
    \le \big(\gamma\, \sigma_{\max}(W_{hh})\big)^{T-t},

where :math:`\gamma = \sup|f'|` (1 for tanh and the identity, :math:`1/4` for the
sigmoid). So :math:`\sigma_{\max}(W_{hh}) < 1/\gamma` is **sufficient** for the gradients
to vanish exponentially and :math:`\sigma_{\max}(W_{hh}) > 1/\gamma` **necessary** (not
sufficient) for them to explode: saturated units have :math:`f' \ll 1`
(:ref:`exploding-bptt` shows a tanh RNN scaled to 1.5 whose gradients shrink).

>>> import numpy as np
>>> rnn = VanillaRNN(2, 32, activation="tanh", recurrent_gain=0.5, rng=0)
>>> x = np.random.default_rng(1).standard_normal((30, 4, 2))
>>> norms = gradient_through_time(rnn, x)   # ||dL/dh_t|| for t = 0..30, L = <h_30, u>
>>> bool(norms[0] < 0.5**30 * norms[-1])    # the Pascanu bound (gamma = 1 for tanh)
True
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from vanishing._validation import (
    check_array,
    check_positive,
    check_positive_int,
    skip_finite_checks,
)
from vanishing.activations import Activation, get_activation
from vanishing.datasets import as_generator
from vanishing.initializers import Initializer, get_initializer

__all__ = [
    "RNNCache",
    "RNNGradients",
    "VanillaRNN",
    "gradient_through_time",
    "hidden_jacobian_norms",
]

Array = NDArray[np.floating[Any]]


class RNNCache(NamedTuple):
    """What :meth:`VanillaRNN.forward` keeps for the backward pass.

    Attributes
    ----------
    x : ndarray of shape (T, n_samples, n_in)
        The input sequence.
    h0 : ndarray of shape (n_samples, n_hidden)
        The initial hidden state :math:`h_0`.
    z, h : ndarray of shape (T, n_samples, n_hidden)
        Pre-activations and hidden states: ``z[t-1]`` is :math:`z_t`, ``h[t-1]`` is
        :math:`h_t` (time steps are 1-based in the math, 0-based in the arrays).

    Examples
    --------
    >>> rnn = VanillaRNN(2, 3, rng=0)
    >>> _, cache = rnn.forward(np.zeros((5, 4, 2)))
    >>> cache.h.shape
    (5, 4, 3)
    """

    x: Array
    h0: Array
    z: Array
    h: Array


class RNNGradients(NamedTuple):
    r"""What :meth:`VanillaRNN.backward` returns.

    Attributes
    ----------
    dx : ndarray of shape (T, n_samples, n_in)
        :math:`\partial L/\partial x_t` for every step.
    grads : dict of str to ndarray
        Parameter gradients keyed like ``VanillaRNN.params``, summed over time.
    dh : ndarray of shape (T, n_samples, n_hidden)
        The *total* :math:`\partial L/\partial h_t` for every step (direct contribution
        of step :math:`t` plus everything flowing back from later steps): plot its norm
        against :math:`t` to see gradients vanish or explode through time.
    dh0 : ndarray of shape (n_samples, n_hidden)
        :math:`\partial L/\partial h_0`, the gradient reaching the initial state.

    Examples
    --------
    >>> rnn = VanillaRNN(2, 3, rng=0)
    >>> out, cache = rnn.forward(np.ones((5, 4, 2)))
    >>> rnn.backward(cache, np.ones_like(out)).dh.shape
    (5, 4, 3)
    """

    dx: Array
    grads: dict[str, Array]
    dh: Array
    dh0: Array


class VanillaRNN:
    r"""Elman RNN :math:`h_t = f(x_t W_{xh} + h_{t-1} W_{hh} + b_h)`, optional linear read-out.

    Parameters
    ----------
    n_in, n_hidden : int
        Input features per step and width of the hidden state.
    n_out : int, optional
        If given, add the read-out :math:`y_t = h_t W_{hy} + b_y` at every step and return
        :math:`y` instead of :math:`h` from :meth:`forward`.
    activation : str or Activation, default "tanh"
        Any name of :data:`vanishing.activations.ACTIVATIONS` (``"identity"`` for a linear
        RNN).
    init : str or callable, default "xavier_normal"
        Initializer of the input weights :math:`W_{xh}` (and of :math:`W_{hy}`).
    recurrent_init : str or callable, default "orthogonal"
        Initializer of :math:`W_{hh}`. An orthogonal matrix has every singular value equal
        to 1, so ``recurrent_gain`` then sets them all exactly.
    recurrent_gain : float, default 1.0
        Multiplies :math:`W_{hh}` after initialisation.
    spectral_radius, spectral_norm : float, optional
        Rescale :math:`W_{hh}` so that its largest eigenvalue modulus (the echo-state-network
        convention), or its largest *singular value* (the quantity in Pascanu et al.'s
        condition), is exactly this value. At most one, and not with a ``recurrent_gain``
        other than 1 (``ValueError``).
    rng : numpy.random.Generator or int, optional
        Randomness for the weights.
    dtype : dtype, default float64
        ``float64`` or ``float32``; inputs are cast to it.

    Attributes
    ----------
    params : dict of str to ndarray
        ``"W_xh"`` (n_in, n_hidden), ``"W_hh"`` (n_hidden, n_hidden), ``"b_h"`` (n_hidden,),
        and with a read-out ``"W_hy"`` (n_hidden, n_out), ``"b_y"`` (n_out,). Optimizers
        that update them in place update the network.

    See Also
    --------
    gradient_through_time, hidden_jacobian_norms

    Notes
    -----
    Backpropagation through time runs the recurrence backwards. With :math:`g_t` the direct
    gradient :math:`\partial L/\partial h_t` from the step-:math:`t` output,

    .. math::

        \frac{\partial L}{\partial h_t} = g_t + \delta_{t+1} W_{hh}^\top, \qquad
        \delta_t = \frac{\partial L}{\partial z_t}
                 = \frac{\partial L}{\partial h_t} \odot f'(z_t),

    and the weight gradients sum over time: :math:`\partial L/\partial W_{hh} = \sum_t
    h_{t-1}^\top \delta_t`, :math:`\partial L/\partial W_{xh} = \sum_t x_t^\top \delta_t`.
    Only the :math:`T` products with :math:`W_{hh}^\top` are sequential; the input and
    weight-gradient products are done for all steps in one matrix product each.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
       neural networks", ICML 2013.
    .. [2] Y. Bengio, P. Simard and P. Frasconi, "Learning long-term dependencies with
       gradient descent is difficult", IEEE Trans. Neural Networks 5(2), 1994.

    Examples
    --------
    >>> import numpy as np
    >>> rnn = VanillaRNN(3, 5, n_out=2, rng=0)
    >>> x = np.random.default_rng(1).standard_normal((7, 4, 3))   # (T, n_samples, n_in)
    >>> y, cache = rnn.forward(x)
    >>> y.shape, cache.h.shape
    ((7, 4, 2), (7, 4, 5))
    >>> back = rnn.backward(cache, np.ones_like(y))
    >>> sorted(back.grads), back.dh.shape, back.dx.shape
    (['W_hh', 'W_hy', 'W_xh', 'b_h', 'b_y'], (7, 4, 5), (7, 4, 3))
    >>> round(rnn.spectral_norm, 6)   # orthogonal W_hh: every singular value is 1
    1.0
    """

    def __init__(
        self,
        n_in: int,
        n_hidden: int,
        n_out: int | None = None,
        *,
        activation: str | Activation = "tanh",
        init: str | Initializer = "xavier_normal",
        recurrent_init: str | Initializer = "orthogonal",
        recurrent_gain: float = 1.0,
        spectral_radius: float | None = None,
        spectral_norm: float | None = None,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.n_in = check_positive_int(n_in, "n_in")
        self.n_hidden = check_positive_int(n_hidden, "n_hidden")
        self.n_out = None if n_out is None else check_positive_int(n_out, "n_out")
        self.activation = get_activation(activation)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a floating type, got {self.dtype}")
        gain = check_positive(recurrent_gain, "recurrent_gain")
        if spectral_radius is not None and spectral_norm is not None:
            raise ValueError("give at most one of spectral_radius and spectral_norm")
        if gain != 1.0 and (spectral_radius is not None or spectral_norm is not None):
            raise ValueError(
                "recurrent_gain cannot be combined with spectral_radius or spectral_norm, "
                "which set the scale of W_hh exactly"
            )
        generator = as_generator(rng)
        init_fn = get_initializer(init)
        H = self.n_hidden
        W_xh = init_fn((self.n_in, H), generator, dtype=np.float64)
        W_hh = get_initializer(recurrent_init)((H, H), generator, dtype=np.float64) * gain
        if spectral_radius is not None:
            target = check_positive(spectral_radius, "spectral_radius")
            W_hh = W_hh * (target / float(np.max(np.abs(np.linalg.eigvals(W_hh)))))
        if spectral_norm is not None:
            target = check_positive(spectral_norm, "spectral_norm")
            W_hh = W_hh * (target / float(np.linalg.norm(W_hh, 2)))
        self.params: dict[str, Array] = {
            "W_xh": np.ascontiguousarray(W_xh, dtype=self.dtype),
            "W_hh": np.ascontiguousarray(W_hh, dtype=self.dtype),
            "b_h": np.zeros(H, dtype=self.dtype),
        }
        if self.n_out is not None:
            W_hy = init_fn((H, self.n_out), generator, dtype=np.float64)
            self.params["W_hy"] = np.ascontiguousarray(W_hy, dtype=self.dtype)
            self.params["b_y"] = np.zeros(self.n_out, dtype=self.dtype)

    def __repr__(self) -> str:
        out = "" if self.n_out is None else f", n_out={self.n_out}"
        return f"VanillaRNN({self.n_in}, {self.n_hidden}{out}, activation={self.activation.name!r})"

    @property
    def spectral_norm(self) -> float:
        r"""Largest singular value :math:`\sigma_{\max}(W_{hh})` of the current weights."""
        return float(np.linalg.norm(self.params["W_hh"].astype(np.float64), 2))

    # ----------------------------------------------------------------------------------
    def _check_x(self, x: ArrayLike) -> Array:
        x = check_array(x, "x", ndim=3, shape_hint="(T, n_samples, n_in)")
        if x.shape[2] != self.n_in or x.shape[0] == 0 or x.shape[1] == 0:
            raise ValueError(
                f"{self!r} expects x of shape (T, n_samples, {self.n_in}) with T, n_samples >= 1, "
                f"got {x.shape}"
            )
        return x.astype(self.dtype, copy=False)

    def forward(self, x: ArrayLike, h0: ArrayLike | None = None) -> tuple[Array, RNNCache]:
        """Run the recurrence over all ``T`` steps from ``h0`` (zeros by default).

        Parameters
        ----------
        x : array_like of shape (T, n_samples, n_in)
            Input sequence, time first.
        h0 : array_like of shape (n_samples, n_hidden), optional
            Initial hidden state.

        Returns
        -------
        outputs : ndarray
            The read-outs :math:`y_t`, shape ``(T, n_samples, n_out)``, if the network has an
            output layer; otherwise the hidden states :math:`h_t`, ``(T, n_samples, n_hidden)``.
        cache : RNNCache
            What :meth:`backward` needs. Wrong shapes or non-finite values raise ``ValueError``.
        """
        x = self._check_x(x)
        T, n, _ = x.shape
        H = self.n_hidden
        if h0 is None:
            h_prev = np.zeros((n, H), dtype=self.dtype)
        else:
            h_prev = check_array(h0, "h0", ndim=2, shape_hint="(n_samples, n_hidden)")
            if h_prev.shape != (n, H):
                raise ValueError(
                    f"h0 must have shape (n_samples, n_hidden) = {(n, H)}, got {h_prev.shape}"
                )
            h_prev = h_prev.astype(self.dtype, copy=False)
        p = self.params
        # input contributions of every step at once: (T*n, n_in) @ (n_in, H)
        z = (x.reshape(T * n, self.n_in) @ p["W_xh"]).reshape(T, n, H)
        z += p["b_h"]
        h = np.empty_like(z)
        f = self.activation.forward
        h0_arr = h_prev
        with skip_finite_checks():  # x and h0 were checked; do not rescan every step
            for t in range(T):
                z[t] += h_prev @ p["W_hh"]
                h[t] = f(z[t])
                h_prev = h[t]
        cache = RNNCache(x, h0_arr, z, h)
        if self.n_out is None:
            return h, cache
        y = (h.reshape(T * n, H) @ p["W_hy"]).reshape(T, n, self.n_out)
        y += p["b_y"]
        return y, cache

    def backward(self, cache: RNNCache, dout: ArrayLike) -> RNNGradients:
        r"""Backpropagation through time: the :class:`RNNGradients` of a :meth:`forward` ``cache``.

        ``dout`` is :math:`\partial L/\partial y_t` for every step, ``(T, n_samples, n_out)``, if
        the network has a read-out; otherwise :math:`\partial L/\partial h_t`, ``(T, n_samples,
        n_hidden)``, counting only the *direct* dependence of the loss on :math:`h_t` (zeros for
        steps the loss does not look at). A wrong shape or non-finite values raise
        ``ValueError``, a ``cache`` that is not an :class:`RNNCache` ``TypeError``.
        """
        if not isinstance(cache, RNNCache):
            raise TypeError("cache must be the RNNCache returned by VanillaRNN.forward")
        T, n, H = cache.h.shape
        n_out = H if self.n_out is None else self.n_out
        d = check_array(dout, "dout")
        if d.shape != (T, n, n_out):
            what = "dL/dh_t" if self.n_out is None else "dL/dy_t"
            raise ValueError(
                f"dout ({what}) must have shape (T, n_samples, {n_out}) = {(T, n, n_out)}, "
                f"got {d.shape}"
            )
        p = self.params
        grads: dict[str, Array] = {}
        if self.n_out is None:
            g = d.astype(self.dtype, copy=False)
        else:
            d2 = d.reshape(T * n, n_out).astype(self.dtype, copy=False)
            grads["W_hy"] = cache.h.reshape(T * n, H).T @ d2
            grads["b_y"] = d2.sum(axis=0)
            g = (d2 @ p["W_hy"].T).reshape(T, n, H)
        return self._bptt(cache, g, grads)

    def _bptt(self, cache: RNNCache, g: Array, grads: dict[str, Array]) -> RNNGradients:
        """Run BPTT from the direct hidden-state gradients ``g`` (T, n, H)."""
        x, h0, z, h = cache
        T, n, H = h.shape
        p = self.params
        with skip_finite_checks():
            fprime = self.activation.derivative(z)
        dh = np.empty_like(z)
        delta = np.empty_like(z)  # dL/dz_t
        W_hh_T = p["W_hh"].T
        carry = np.zeros((n, H), dtype=self.dtype)  # delta_{t+1} W_hh^T
        for t in range(T - 1, -1, -1):
            np.add(g[t], carry, out=dh[t])
            np.multiply(dh[t], fprime[t], out=delta[t])
            carry = delta[t] @ W_hh_T
        delta2 = delta.reshape(T * n, H)
        h_prev = np.concatenate([h0[None], h[:-1]], axis=0).reshape(T * n, H)
        grads["W_xh"] = x.reshape(T * n, self.n_in).T @ delta2
        grads["W_hh"] = h_prev.T @ delta2
        grads["b_h"] = delta2.sum(axis=0)
        dx = (delta2 @ p["W_xh"].T).reshape(T, n, self.n_in)
        ordered = {key: grads[key] for key in p if key in grads}
        return RNNGradients(dx, ordered, dh, carry)


def gradient_through_time(
    rnn: VanillaRNN,
    x: ArrayLike,
    *,
    h0: ArrayLike | None = None,
    direction: ArrayLike | None = None,
    rng: np.random.Generator | int | None = 0,
) -> Array:
    r"""Norm of :math:`\partial L/\partial h_t` for every step when the loss reads only :math:`h_T`.

    The loss is :math:`L = \sum_i \langle h_T^{(i)}, u \rangle` for a unit vector :math:`u`,
    so :math:`\partial L/\partial h_t = u\,\partial h_T/\partial h_t`: the back-propagated
    gradient through :math:`T - t` steps of the recurrence, measured by one BPTT pass (the
    read-out of ``rnn``, if any, is bypassed). For a linear RNN with :math:`W_{hh} = s Q`,
    :math:`Q` orthogonal, :math:`\lVert u\,\partial h_T/\partial h_t \rVert = s^{T-t}`
    exactly for every :math:`u` (:math:`1.05^{50} = 11.467` for :math:`s = 1.05`,
    :math:`T = 50`).

    Parameters
    ----------
    rnn : VanillaRNN
        The network (anything else raises ``TypeError``).
    x, h0 : array_like
        Input sequence and initial state, as in :meth:`VanillaRNN.forward`.
    direction : array_like of shape (n_hidden,), optional
        The vector :math:`u` (normalised to unit length; zero raises ``ValueError``). By
        default a random unit vector drawn from `rng` (default 0).

    Returns
    -------
    ndarray of shape (T + 1,)
        Entry ``t`` is the mean over samples of :math:`\lVert \partial L/\partial h_t \rVert_2`
        for :math:`t = 0, \dots, T` (entry 0 is the initial state, entry ``T`` equals 1).

    See Also
    --------
    hidden_jacobian_norms : the spectral norm of :math:`\partial h_T/\partial h_t` itself.

    Examples
    --------
    >>> import numpy as np
    >>> rnn = VanillaRNN(1, 16, activation="identity", recurrent_gain=1.05, rng=0)
    >>> norms = gradient_through_time(rnn, np.zeros((50, 1, 1)))
    >>> round(float(norms[0] / norms[-1]), 3)
    11.467
    """
    if not isinstance(rnn, VanillaRNN):
        raise TypeError(f"rnn must be a VanillaRNN, got {type(rnn).__name__}")
    H = rnn.n_hidden
    if direction is None:
        u = as_generator(rng).standard_normal(H)
    else:
        u = check_array(direction, "direction", ndim=1, shape_hint="(n_hidden,)")
        if u.shape != (H,):
            raise ValueError(f"direction must have shape (n_hidden,) = ({H},), got {u.shape}")
    norm_u = float(np.linalg.norm(u))
    if norm_u == 0.0:
        raise ValueError("direction must be a non-zero vector")
    u = u / norm_u
    _, cache = rnn.forward(x, h0)
    T, n, _ = cache.h.shape
    dh_direct = np.zeros((T, n, H), dtype=rnn.dtype)
    dh_direct[-1] = u
    back = rnn._bptt(cache, dh_direct, {})  # straight into h_T, bypassing any read-out
    norms = np.empty(T + 1)
    norms[0] = np.linalg.norm(back.dh0, axis=1).mean()
    norms[1:] = np.linalg.norm(back.dh, axis=2).mean(axis=1)
    return norms


def hidden_jacobian_norms(
    rnn: VanillaRNN,
    cache: RNNCache,
    *,
    ord: int | str = 2,
    average: bool = True,
) -> Array:
    r"""Norms of the Jacobians :math:`\partial h_T/\partial h_t` for :math:`t = 0, \dots, T`.

    With row vectors, :math:`h_{t+1} = f(h_t W_{hh} + \dots)` gives
    :math:`\partial h_{t+1}/\partial h_t = \operatorname{diag}(f'(z_{t+1}))\, W_{hh}^\top`, and
    the product is accumulated from :math:`t = T` backwards, from the ``cache`` of
    ``rnn.forward(x)``. Cost :math:`O(T\,n\,H^3)`: meant for small hidden sizes.

    Parameters
    ----------
    ord : {2, "fro"}, default 2
        Spectral norm (largest singular value, the quantity Pascanu et al.'s bound
        controls) or Frobenius norm.
    average : bool, default True
        Average over samples (each sample has its own Jacobian, through :math:`f'(z_t)`).

    Returns
    -------
    ndarray of shape (T + 1,), or (n_samples, T + 1) if `average` is false
        Entry ``t`` is :math:`\lVert \partial h_T/\partial h_t \rVert`; entry 0 is the initial
        state and entry ``T`` is the identity (norm 1 for ``ord=2``).

    See Also
    --------
    gradient_through_time : a cheaper one-direction measurement.

    Examples
    --------
    >>> import numpy as np
    >>> rnn = VanillaRNN(1, 8, activation="sigmoid", recurrent_gain=2.0, rng=0)
    >>> _, cache = rnn.forward(np.random.default_rng(0).standard_normal((10, 3, 1)))
    >>> norms = hidden_jacobian_norms(rnn, cache)
    >>> norms.shape, bool(norms[0] <= (2.0 / 4) ** 10)   # sigma_max * gamma = 2 * 1/4
    ((11,), True)
    """
    if not isinstance(cache, RNNCache):
        raise TypeError("cache must be the RNNCache returned by VanillaRNN.forward")
    if ord not in (2, "fro"):
        raise ValueError(f"ord must be 2 or 'fro', got {ord!r}")
    T, n, H = cache.h.shape
    if H != rnn.n_hidden:
        raise ValueError(f"cache has hidden size {H}, but the network has {rnn.n_hidden}")
    fprime = rnn.activation.derivative(cache.z).astype(np.float64, copy=False)
    W_hh_T = rnn.params["W_hh"].T.astype(np.float64)
    J = np.broadcast_to(np.eye(H), (n, H, H)).copy()  # d h_T / d h_T
    out = np.empty((n, T + 1))
    out[:, T] = _matrix_norms(J, ord)
    for t in range(T - 1, -1, -1):
        # J <- J @ diag(f'(z_{t+1})) W_hh^T ; z_{t+1} is z[t] in 0-based arrays
        J = (J * fprime[t][:, None, :]) @ W_hh_T
        out[:, t] = _matrix_norms(J, ord)
    return out.mean(axis=0) if average else out


def _matrix_norms(J: Array, ord: int | str) -> Array:
    if ord == "fro":
        return np.sqrt(np.einsum("nij,nij->n", J, J))
    return np.linalg.norm(J, ord=2, axis=(1, 2))
