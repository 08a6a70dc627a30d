r"""Layers with an explicit forward and backward pass.

Every layer follows one small protocol:

* ``params``: a dict of the trainable arrays (``"W"``, ``"b"``, ``"gamma"``...). The arrays are
  the layer's own, so an optimizer that updates them in place updates the layer.
* ``forward(x, training=True) -> (y, cache)``: the output and whatever backward needs.
* ``backward(cache, dy) -> LayerGradients(dx, grads)``: given :math:`\partial L/\partial y`, the
  gradient with respect to the input, :math:`\partial L/\partial x`, and the parameter gradients
  keyed like ``params``.

Nothing is stored on the layer between the two passes and nothing accumulates: call forward,
then backward with its cache. Shapes are ``(n_samples, n_features)`` throughout. Shared
constructor arguments: ``rng`` (a :class:`numpy.random.Generator` or a seed) draws the
weights; ``dtype`` (``float64`` by default, or ``float32``) is kept by every array a layer
makes.

A layer does keep the memory of the arrays it made (its outputs and gradients), and writes a
later one into such memory once no one holds the old array any more: a training step then
does not fault its memory in afresh each time. An array you keep is never written over.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> layer = Dense(3, 2, rng=rng)
>>> x = rng.standard_normal((4, 3))
>>> y, cache = layer.forward(x)
>>> back = layer.backward(cache, np.ones_like(y))
>>> back.dx.shape, back.grads["W"].shape, back.grads["b"].tolist()
((4, 3), (3, 2), [4.0, 4.0])
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from vanishing._recycling import Spares
from vanishing._validation import (
    as_generator,
    check_array,
    check_in_range,
    check_positive,
    check_positive_int,
)
from vanishing.activations import Activation, get_activation
from vanishing.initializers import Initializer, get_initializer

__all__ = [
    "ActivationLayer",
    "Backward",
    "BatchNorm",
    "Dense",
    "Layer",
    "LayerGradients",
    "Residual",
]

Array = NDArray[np.floating[Any]]

#: Arrays from this size up are written into memory the layer kept (64 KiB: half of glibc's
#: initial mmap and trim thresholds); smaller ones are made afresh, which costs less than
#: looking for a spare.
REUSE_FROM_BYTES = 1 << 16


def _worth_keeping(shape: tuple[int, ...], dtype: np.dtype[Any], reuse: bool) -> bool:
    """Whether a layer writes an array of `shape` and `dtype` into memory it keeps."""
    return reuse and math.prod(shape) * dtype.itemsize >= REUSE_FROM_BYTES


class Backward(Protocol):
    """What every backward pass returns: at least ``dx`` and ``grads``.

    :class:`LayerGradients` for single layers; a network's
    :class:`~vanishing.network.NetworkGradients` adds the per-layer deltas.

    >>> back = ActivationLayer("relu").backward(np.array([[1.0, -1.0]]), np.ones((1, 2)))
    >>> back.dx
    array([[1., 0.]])
    """

    @property
    def dx(self) -> Array:
        """Gradient with respect to the input."""

    @property
    def grads(self) -> dict[str, Array]:
        """Gradients of the parameters, keyed like ``params``."""

    @property
    def named_deltas(self) -> Mapping[str, Array]:
        """Gradients with respect to the outputs of the layers inside, keyed by their path."""


class LayerGradients(NamedTuple):
    """What a layer's backward pass returns: ``dx`` (:math:`\\partial L/\\partial x`, the ``dy``
    of the layer below), ``grads`` (:math:`\\partial L/\\partial \\theta`, keyed like
    ``params``) and, for a layer holding others (:class:`Residual`), ``named_deltas``: the
    gradient with respect to each inner layer's output, keyed by its path (``"block"``,
    ``"block.0"``...; empty otherwise).

    >>> back = Dense(2, 1, init="zeros").backward(np.ones((3, 2)), np.ones((3, 1)))
    >>> back.dx.shape, sorted(back.grads)
    ((3, 2), ['W', 'b'])
    """

    dx: Array
    grads: dict[str, Array]
    named_deltas: Mapping[str, Array] = MappingProxyType({})


class Layer(ABC):
    """Base class: trainable ``params`` plus ``forward`` and ``backward``.

    >>> isinstance(Dense(2, 3, rng=0), Layer)
    True
    """

    params: dict[str, Array]

    @abstractmethod
    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, Any]:
        """Compute the output and the cache that :meth:`backward` needs."""

    @abstractmethod
    def backward(self, cache: Any, dy: Array) -> Backward:
        """Back-propagate ``dy`` (dL/d output) through the layer."""

    def __call__(self, x: ArrayLike) -> Array:
        """Inference-mode output, ``forward(x, training=False)[0]``."""
        return self.forward(x, training=False)[0]

    def _new(self, role: str, shape: tuple[int, ...], *operands: Any, reuse: bool = True) -> Array:
        """Memory for an array of `shape` in the `operands`' result dtype, to write with ``out=``.

        With `reuse`, memory this layer made before under the same `role` and that no one
        holds any more (see ``vanishing._recycling.Spares``); inference passes make fresh
        arrays, so that large evaluation batches are not kept, and so do arrays under
        :data:`REUSE_FROM_BYTES`, which ``malloc`` serves from memory it keeps anyway (on
        glibc, once ``vanishing._recycling.raise_malloc_thresholds`` has raised how much).
        """
        dtype = np.result_type(*operands)
        if not _worth_keeping(shape, dtype, reuse):
            return np.empty(shape, dtype)
        spares = self.__dict__.get("_spare_arrays")
        if spares is None:
            spares = self.__dict__["_spare_arrays"] = Spares()
        return spares.empty(role, shape, dtype)

    def _keep(self, role: str, array: Array, *, reuse: bool = True) -> Array:
        """`array`, copied into memory from :meth:`_new` where that memory would be kept.

        For results made by functions that take no ``out=``: one copy, far cheaper than
        the page faults of a fresh array each step.
        """
        if not _worth_keeping(array.shape, array.dtype, reuse):
            return array
        kept = self._new(role, array.shape, array)
        np.copyto(kept, array)
        return kept

    def _check_dy(self, dy: ArrayLike, y_shape: tuple[int, ...]) -> Array:
        dy = check_array(dy, "dy")
        if dy.shape != y_shape:
            raise ValueError(
                f"{type(self).__name__}.backward: dy must have the output's shape {y_shape}, "
                f"got {dy.shape}"
            )
        return dy


def _check_input(layer: Layer, x: ArrayLike, n_features: int, dtype: np.dtype[Any]) -> Array:
    x = check_array(x, "x", ndim=2, shape_hint="(n_samples, n_features)")
    if x.shape[1] != n_features:
        raise ValueError(f"{layer!r} expects x of shape (n_samples, {n_features}), got {x.shape}")
    return x if x.dtype == dtype else x.astype(dtype)


class Dense(Layer):
    r"""Affine layer :math:`z = x W + b`.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths; ``W`` has shape ``(n_in, n_out)``.
    init : str or callable, default "he_normal"
        Weight initializer, a name from :data:`vanishing.initializers.INITIALIZERS` or a
        callable ``init(shape, rng, dtype=...)``. If it also has a method
        ``bias(n, rng, dtype=...)`` (as :class:`vanishing.meanfield.EdgeOfChaos` does), that
        draws the biases.
    bias : bool, default True
        Add a bias ``b`` (zeros, unless the initializer draws it).
    rng, dtype
        As for every layer (module docstring).

    Notes
    -----
    Backward, with :math:`\delta = \partial L/\partial z` of shape ``(n, n_out)``:

    .. math::

        \frac{\partial L}{\partial W} = x^\top \delta, \qquad
        \frac{\partial L}{\partial b} = \sum_i \delta_i, \qquad
        \frac{\partial L}{\partial x} = \delta W^\top.

    Examples
    --------
    >>> layer = Dense(2, 1, init="zeros")
    >>> layer.params["W"] += 1.0
    >>> layer([[1.0, 2.0]])
    array([[3.]])
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str | Initializer = "he_normal",
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.n_in = check_positive_int(n_in, "n_in")
        self.n_out = check_positive_int(n_out, "n_out")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a floating type, got {self.dtype}")
        initializer = get_initializer(init)
        generator = as_generator(rng)
        W = initializer((self.n_in, self.n_out), generator, dtype=self.dtype)
        self.params = {"W": np.ascontiguousarray(W, dtype=self.dtype)}
        if bias:
            # an initializer with a ``bias`` method (the edge of chaos) draws the biases too
            draw_bias = getattr(initializer, "bias", None)
            b = draw_bias(self.n_out, generator, dtype=self.dtype) if draw_bias else None
            self.params["b"] = np.zeros(self.n_out, self.dtype) if b is None else b

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out})"

    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, Array]:
        """Return ``z = x @ W + b`` and the cache ``x``."""
        x = _check_input(self, x, self.n_in, self.dtype)
        W = self.params["W"]
        z = np.matmul(x, W, out=self._new("z", (len(x), self.n_out), x, W, reuse=training))
        if "b" in self.params:  # z = x W + b
            z += self.params["b"]
        return z, x

    def backward(self, cache: Array, dy: Array) -> LayerGradients:
        """Return ``dx = dy @ W.T`` and ``{"W": x.T @ dy, "b": dy.sum(0)}``."""
        x = cache
        dy = self._check_dy(dy, (x.shape[0], self.n_out))
        W = self.params["W"]
        grads = {"W": np.matmul(x.T, dy, out=self._new("dW", W.shape, x, dy))}  # x^T dy
        if "b" in self.params:
            grads["b"] = dy.sum(axis=0, dtype=grads["W"].dtype)
        dx = np.matmul(dy, W.T, out=self._new("dx", x.shape, dy, W))  # dy W^T
        return LayerGradients(dx, grads)


class ActivationLayer(Layer):
    r"""Elementwise nonlinearity :math:`a = f(z)`; backward multiplies by :math:`f'(z)`.

    Parameters
    ----------
    activation : str or Activation
        Name from :data:`vanishing.activations.ACTIVATIONS` or an
        :class:`~vanishing.activations.Activation`.
    **params
        Parameters of the activation (``slope`` for leaky_relu...).

    Notes
    -----
    .. math:: \frac{\partial L}{\partial z} = \frac{\partial L}{\partial a} \odot f'(z)

    This product is where vanishing gradients come from: with the sigmoid,
    :math:`f'(z) \le 1/4` at every layer.

    Examples
    --------
    >>> layer = ActivationLayer("sigmoid")
    >>> a, cache = layer.forward([[0.0]])
    >>> layer.backward(cache, np.ones((1, 1))).dx
    array([[0.25]])
    """

    def __init__(self, activation: str | Activation, **params: Any) -> None:
        self.activation = get_activation(activation, **params)
        self.params = {}

    def __repr__(self) -> str:
        return f"ActivationLayer({self.activation.name!r})"

    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, Array]:
        """Return ``f(x)`` and the cache ``x`` (the pre-activation)."""
        z = check_array(x, "x")
        return self._keep("a", self.activation.forward(z), reuse=training), z

    def backward(self, cache: Array, dy: Array) -> LayerGradients:
        """Return ``dx = dy * f'(z)``."""
        z = cache
        dy = self._check_dy(dy, z.shape)
        dx = self._new("dx", z.shape, dy, z)
        return LayerGradients(np.multiply(dy, self.activation.derivative(z), out=dx), {})


class BatchNorm(Layer):
    r"""Batch normalization over the sample axis.

    .. math::

        \hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma \hat x + \beta

    with the batch mean :math:`\mu_B` and the *biased* batch variance :math:`\sigma_B^2`.

    Parameters
    ----------
    n_features : int
        Width of the input.
    eps : float, default 1e-5
        Added to the variance (PyTorch's default).
    momentum : float, default 0.1
        Running statistics update ``running = (1 - momentum) running + momentum batch``
        (PyTorch's convention; the running variance uses the unbiased batch variance).
    dtype
        As for every layer.

    Notes
    -----
    In training mode the batch statistics are used and the running ones updated; with
    ``training=False`` the running statistics are used and nothing changes. Backward
    (training mode), with :math:`g = \gamma \odot \partial L/\partial y`:

    .. math::

        \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma_B^2+\epsilon}}
        \Big(g - \overline{g} - \hat x\, \overline{g \odot \hat x}\Big),

    where the bars are means over the batch. Because of the normalisation,
    :math:`\mathrm{BN}(a W u) = \mathrm{BN}(W u)` for any :math:`a > 0`.

    References
    ----------
    .. [1] S. Ioffe and C. Szegedy, "Batch Normalization", ICML 2015.

    Examples
    --------
    >>> bn = BatchNorm(2)
    >>> y, _ = bn.forward([[1.0, 10.0], [3.0, 30.0]])
    >>> y.round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean
    array([0.2, 2. ])
    """

    def __init__(
        self,
        n_features: int,
        *,
        eps: float = 1e-5,
        momentum: float = 0.1,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.n_features = check_positive_int(n_features, "n_features")
        self.eps = check_positive(eps, "eps")
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0, inclusive=(True, True))
        self.dtype = np.dtype(dtype)
        self.params = {
            "gamma": np.ones(self.n_features, dtype=self.dtype),
            "beta": np.zeros(self.n_features, dtype=self.dtype),
        }
        self.running_mean = np.zeros(self.n_features, dtype=self.dtype)
        self.running_var = np.ones(self.n_features, dtype=self.dtype)

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features})"

    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, Any]:
        """Normalise ``x``; the cache holds ``x_hat`` and ``1/sqrt(var + eps)``."""
        x = _check_input(self, x, self.n_features, self.dtype)
        if training:
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in training mode needs a batch of at least 2 samples")
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.running_mean *= 1.0 - m
            self.running_mean += m * mean
            self.running_var *= 1.0 - m
            self.running_var += m * var * (n / (n - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        gamma, beta = self.params["gamma"], self.params["beta"]
        x_hat = np.subtract(x, mean, out=self._new("x_hat", x.shape, x, mean, reuse=training))
        x_hat *= inv_std  # (x - mean) / sqrt(var + eps)
        y = np.multiply(x_hat, gamma, out=self._new("y", x.shape, x_hat, gamma, reuse=training))
        y += beta  # gamma x_hat + beta
        return y, (x_hat, inv_std, training)

    def backward(self, cache: Any, dy: Array) -> LayerGradients:
        """Back-propagate through the normalisation (batch statistics included)."""
        x_hat, inv_std, training = cache
        dy = self._check_dy(dy, x_hat.shape)
        work = np.multiply(dy, x_hat)  # one scratch array for the products below
        grads = {"gamma": work.sum(axis=0), "beta": dy.sum(axis=0)}  # sum dy x_hat, sum dy
        g = dy * self.params["gamma"]
        dx = self._new("dx", g.shape, g, inv_std)
        if not training:
            return LayerGradients(np.multiply(g, inv_std, out=dx), grads)
        # inv_std (g - mean(g) - x_hat mean(g x_hat)), one operation at a time in place
        mean_g_x_hat = np.multiply(g, x_hat, out=work).mean(axis=0)
        g -= g.mean(axis=0)
        g -= np.multiply(x_hat, mean_g_x_hat, out=work)
        return LayerGradients(np.multiply(inv_std, g, out=dx), grads)


class Residual(Layer):
    r"""Identity shortcut around a block: :math:`y = x + s\,F(x)`.

    Parameters
    ----------
    block : Layer
        The residual branch :math:`F` (often a :class:`vanishing.network.Sequential`); its
        output must have the input's shape.
    scale : float, default 1.0
        Branch scaling :math:`s`; :math:`1/\sqrt{L}` for :math:`L` blocks keeps the signal
        from growing like :math:`2^{L/2}`.

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}
              \Big(I + s\,\frac{\partial F}{\partial x}\Big)

    The identity term carries the gradient to earlier layers even when
    :math:`\partial F/\partial x` is tiny.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Identity Mappings in Deep Residual
       Networks", ECCV 2016.

    Examples
    --------
    >>> block = Dense(2, 2, init="zeros", bias=False)
    >>> res = Residual(block, scale=0.5)
    >>> y, cache = res.forward([[1.0, 2.0]])
    >>> y, res.backward(cache, np.ones((1, 2))).dx
    (array([[1., 2.]]), array([[1., 1.]]))
    """

    def __init__(self, block: Layer, *, scale: float = 1.0) -> None:
        if not isinstance(block, Layer):
            raise TypeError(f"block must be a Layer, got {type(block).__name__}")
        self.block = block
        self.scale = check_positive(scale, "scale")
        self.params = {f"block.{k}": v for k, v in block.params.items()}

    def __repr__(self) -> str:
        return f"Residual({self.block!r}, scale={self.scale:g})"

    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, Any]:
        """Return ``x + scale * block(x)`` and the block's cache."""
        x = check_array(x, "x", ndim=2, shape_hint="(n_samples, n_features)")
        h, block_cache = self.block.forward(x, training=training)
        if h.shape != x.shape:
            raise ValueError(
                f"Residual block must preserve the shape {x.shape}, but it returned {h.shape}"
            )
        y = np.multiply(self.scale, h, out=self._new("y", h.shape, h, x, reuse=training))
        y += x  # x + scale F(x)
        return y, block_cache

    def backward(self, cache: Any, dy: Array) -> LayerGradients:
        """Return ``dy + scale * dblock/dx`` and the block's gradients."""
        dy = check_array(dy, "dy")
        dh = np.multiply(self.scale, dy, out=self._new("dh", dy.shape, dy))  # scale dy
        inner = self.block.backward(cache, dh)
        grads = {f"block.{k}": v for k, v in inner.grads.items()}
        deltas = {"block": dh, **{f"block.{k}": v for k, v in inner.named_deltas.items()}}
        dx = np.add(dy, inner.dx, out=self._new("dx", dy.shape, dy, inner.dx))  # dy + dF/dx
        return LayerGradients(dx, grads, deltas)
