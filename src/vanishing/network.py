r"""Networks: a container of layers applied in sequence, and a multilayer-perceptron constructor.

The forward pass keeps every layer's input and output; the backward pass returns, besides
the parameter gradients, the gradient with respect to every layer's output (the *deltas*),
nested layers included. For a :class:`~vanishing.layers.Dense` layer that output is the
pre-activation :math:`z^{(l)}`, so its delta is :math:`\delta^{(l)} = \partial L/\partial z^{(l)}`,
whose norm shrinks (vanishes) or grows (explodes) with depth. Weight gradients
:math:`\partial L/\partial W^{(l)} = a^{(l-1)\top}\delta^{(l)}` tell a different story.

Every layer has a *path*, the prefix of its parameter keys: ``"3"`` for the layer at index 3,
``"3.block"`` for the branch of a :class:`~vanishing.layers.Residual` there and ``"3.block.1"``
for the layer at index 1 of that branch (:meth:`Sequential.named_layers`, like PyTorch's
``named_modules``).

>>> import numpy as np
>>> net = MLP([4, 8, 8, 2], activation="tanh", rng=0)
>>> net
Sequential(Dense(4, 8), ActivationLayer('tanh'), Dense(8, 8), ActivationLayer('tanh'), Dense(8, 2))
>>> x = np.random.default_rng(1).standard_normal((5, 4))
>>> y, cache = net.forward(x)
>>> back = net.backward(cache, np.ones_like(y))
>>> sorted(back.grads)[:2], len(back.deltas)
(['0.W', '0.b'], 5)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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
from vanishing.initializers import Initializer
from vanishing.layers import ActivationLayer, Backward, BatchNorm, Dense, Layer, Residual
from vanishing.meanfield import edge_of_chaos

__all__ = [
    "MLP",
    "ForwardCache",
    "NetworkGradients",
    "Sequential",
    "check_sequential",
    "default_initializer",
]

Array = NDArray[np.floating[Any]]


class ForwardCache(NamedTuple):
    """Everything the forward pass of a :class:`Sequential` saw, per layer ``i``.

    Attributes
    ----------
    inputs, outputs : list of ndarray
        The input and output of layer ``i`` (``outputs[-1]`` is the network output).
    caches : list
        Each layer's own cache for its backward pass.

    Examples
    --------
    >>> y, cache = MLP([2, 3, 1], rng=0).forward(np.ones((4, 2)))
    >>> len(cache.inputs), cache.outputs[-1] is y
    (3, True)
    """

    inputs: list[Array]
    outputs: list[Array]
    caches: list[Any]


class NetworkGradients(NamedTuple):
    """What :meth:`Sequential.backward` returns.

    Attributes
    ----------
    dx : ndarray
        Gradient with respect to the network input.
    grads : dict of str to ndarray
        Parameter gradients keyed like ``Sequential.params`` (``"0.W"``, ``"0.b"``...).
    deltas : list of ndarray
        ``deltas[i]`` is the gradient with respect to ``outputs[i]``; for a Dense layer this is
        :math:`\\delta = \\partial L/\\partial z`.
    named_deltas : dict of str to ndarray
        The gradient with respect to the output of every layer, nested ones included, keyed
        by path in the order of :meth:`Sequential.named_layers` (``named_deltas[str(i)]`` is
        ``deltas[i]``).

    Examples
    --------
    >>> net = MLP([2, 3, 3, 1], rng=0, residual=True)
    >>> y, cache = net.forward(np.ones((4, 2)))
    >>> back = net.backward(cache, np.ones_like(y))
    >>> [delta.shape for delta in back.deltas]
    [(4, 3), (4, 3), (4, 3), (4, 1)]
    >>> list(back.named_deltas)
    ['0', '1', '1.block', '1.block.0', '1.block.1', '2', '3']
    """

    dx: Array
    grads: dict[str, Array]
    deltas: list[Array]
    named_deltas: dict[str, Array]


class Sequential(Layer):
    """Layers applied one after another, input side first.

    Attributes
    ----------
    params : dict of str to ndarray
        Every trainable array (the layers' own), keyed ``"<path>.<name>"``: ``"0.W"``, or
        ``"2.block.0.W"`` inside a residual block.

    Examples
    --------
    >>> net = Sequential([Dense(2, 3, rng=0), ActivationLayer("relu"), Dense(3, 1, rng=1)])
    >>> list(net.params)
    ['0.W', '0.b', '2.W', '2.b']
    >>> net(np.zeros((4, 2))).shape
    (4, 1)
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer, got {type(layer).__name__}")
        self.params = {
            f"{i}.{name}": value
            for i, layer in enumerate(self.layers)
            for name, value in layer.params.items()
        }

    def __repr__(self) -> str:
        return f"Sequential({', '.join(map(repr, self.layers))})"

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def layer_names(self) -> list[str]:
        """A readable name per layer, ``"<index>:<repr>"``."""
        return [f"{i}:{layer!r}" for i, layer in enumerate(self.layers)]

    @property
    def dense_indices(self) -> list[int]:
        """Indices of the :class:`~vanishing.layers.Dense` layers (the weight layers)."""
        return [i for i, layer in enumerate(self.layers) if isinstance(layer, Dense)]

    def named_layers(self) -> Iterator[tuple[str, Layer]]:
        """Every layer inside this one with its path, each container before its contents.

        Examples
        --------
        >>> net = MLP([2, 3, 3, 1], "relu", residual=True, rng=0)
        >>> [path for path, _ in net.named_layers()]
        ['0', '1', '1.block', '1.block.0', '1.block.1', '2', '3']
        >>> dict(net.named_layers())["1.block"]
        Sequential(ActivationLayer('relu'), Dense(3, 3))
        """
        for path, layer, _ in _walk(self):
            yield path, layer

    def forward(self, x: ArrayLike, *, training: bool = True) -> tuple[Array, ForwardCache]:
        """Run every layer; return the output and a :class:`ForwardCache`.

        Only `x` is scanned for ``nan``/``inf``: a layer that overflows yields a non-finite
        output, not an error (:func:`vanishing.training.train` names that layer).
        """
        x = check_array(x, "x", ndim=2, shape_hint="(n_samples, n_features)")
        inputs: list[Array] = []
        outputs: list[Array] = []
        caches: list[Any] = []
        with skip_finite_checks():
            for layer in self.layers:
                inputs.append(x)
                x, cache = layer.forward(x, training=training)
                outputs.append(x)
                caches.append(cache)
        return x, ForwardCache(inputs, outputs, caches)

    def backward(self, cache: ForwardCache, dy: ArrayLike) -> NetworkGradients:
        """Back-propagate ``dy = dL/d(output)`` through every layer, last to first."""
        if not isinstance(cache, ForwardCache):
            raise TypeError("cache must be the ForwardCache returned by Sequential.forward")
        dy = check_array(dy, "dy")
        if dy.shape != cache.outputs[-1].shape:
            raise ValueError(
                f"dy must have the network output's shape {cache.outputs[-1].shape}, got {dy.shape}"
            )
        layers, caches = self.layers, cache.caches
        deltas: list[Array] = [dy] * len(layers)
        backs: list[Backward] = []
        with skip_finite_checks():  # dy was checked above
            for i in range(len(layers) - 1, -1, -1):
                deltas[i] = dy
                back = layers[i].backward(caches[i], dy)
                backs.append(back)
                dy = back.dx
        backs.reverse()
        named_deltas: dict[str, Array] = {}
        for i, back in enumerate(backs):
            path = str(i)
            named_deltas[path] = deltas[i]
            if back.named_deltas:  # the layers inside a Residual
                named_deltas.update((f"{path}.{sub}", d) for sub, d in back.named_deltas.items())
        grads = {key: backs[i].grads[name] for key, i, name in self._grad_sources()}
        return NetworkGradients(dy, grads, deltas, named_deltas)

    def _grad_sources(self) -> list[tuple[str, int, str]]:
        """For each key of ``params``, in its order: ``(key, layer index, the layer's key)``."""
        sources = self.__dict__.get("_sources")
        if sources is None:  # made once: keys are "<index>.<the layer's key>"
            split = (key.split(".", 1) for key in self.params)
            sources = self.__dict__["_sources"] = [(f"{i}.{k}", int(i), k) for i, k in split]
        return sources


def _walk(layer: Layer, cache: Any = None, prefix: str = "") -> Iterator[tuple[str, Layer, Any]]:
    """The one walk through a network: :meth:`Sequential.named_layers` with each layer's cache.

    `cache` is what ``layer.forward`` returned (None gives None for every layer).
    """
    for name, sub, sub_cache in _children(layer, cache):
        path = f"{prefix}{name}"
        yield path, sub, sub_cache
        yield from _walk(sub, sub_cache, f"{path}.")


def _children(layer: Layer, cache: Any) -> list[tuple[str, Layer, Any]]:
    """The layers a container holds, with their names (path steps) and forward caches."""
    if isinstance(layer, Sequential):
        caches = [None] * len(layer.layers) if cache is None else getattr(cache, "caches", ())
        if len(caches) != len(layer.layers):
            raise ValueError("cache does not belong to this network (wrong number of layers)")
        return [
            (str(i), sub, c) for i, (sub, c) in enumerate(zip(layer.layers, caches, strict=True))
        ]
    if isinstance(layer, Residual):
        return [("block", layer.block, cache)]  # a residual's cache is its block's
    return []


def check_sequential(net: Any) -> Sequential:
    """Return ``net`` if it is a :class:`Sequential`, else raise a TypeError saying so.

    Examples
    --------
    >>> check_sequential(Dense(2, 2, rng=0))
    Traceback (most recent call last):
    ...
    TypeError: net must be a vanishing.network.Sequential (e.g. built by MLP), got Dense
    """
    if not isinstance(net, Sequential):
        raise TypeError(
            "net must be a vanishing.network.Sequential (e.g. built by MLP), got "
            f"{type(net).__name__}"
        )
    return net


def default_initializer(activation: str | Activation) -> str:
    r"""The common default initializer name for an activation: He for ReLU-likes, LeCun for
    SELU, else Xavier.

    Notes
    -----
    These are the usual choices of other libraries, kept so that results compare. They are
    exact (:math:`\chi_1 = 1`, see :mod:`vanishing.meanfield`) only for ReLU, Leaky ReLU
    and linear units. He's factor 2 does not fit ELU, GELU, SiLU or softplus: over 30
    layers of width 256, SiLU keeps about :math:`10^{-4}` of its forward signal and of its
    gradient, while ELU grows both several-fold. SELU with LeCun weights grows its
    gradient a few per cent per layer, and sigmoid with Xavier loses it completely. For
    those, ``MLP(..., init="edge_of_chaos")`` sets weights and biases at the critical
    point where the activation has one.

    Examples
    --------
    >>> default_initializer("relu"), default_initializer("tanh"), default_initializer("selu")
    ('he_normal', 'xavier_normal', 'lecun_normal')
    >>> from vanishing.diagnostics import signal_propagation
    >>> silu = signal_propagation(30, 256, "silu", default_initializer("silu"), n_samples=64)
    >>> bool(silu.forward_ratio < 1e-3 and silu.backward_ratio < 1e-3)
    True
    """
    name = get_activation(activation).name
    if name in ("relu", "leaky_relu", "elu", "gelu", "silu", "softplus"):
        return "he_normal"
    if name == "selu":
        return "lecun_normal"
    return "xavier_normal"


def MLP(
    sizes: Sequence[int],
    activation: str | Activation = "relu",
    *,
    init: str | Initializer | None = None,
    batch_norm: bool = False,
    residual: bool = False,
    residual_scale: float | None = None,
    bias: bool = True,
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float64,
) -> Sequential:
    r"""Build a multilayer perceptron ``Dense -> [BatchNorm] -> activation`` per hidden layer.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first, output last: ``[784, 30, 30, 10]`` has two hidden layers.
    activation : str or Activation, default "relu"
        Hidden activation. The output layer is linear (logits).
    init : str or callable, optional
        Weight initializer, by default :func:`default_initializer` of the activation.
        ``"edge_of_chaos"`` sets weights *and biases* at the activation's critical point
        (:func:`vanishing.meanfield.edge_of_chaos`, raising where it has none).
    batch_norm : bool, default False
        Insert :class:`~vanishing.layers.BatchNorm` between each hidden Dense and activation.
    residual : bool, default False
        One-layer *pre-activation* blocks (after He et al., 2016, whose blocks have two
        weight layers): a linear stem ``Dense(sizes[0], sizes[1])``, then for each further
        hidden width a :class:`~vanishing.layers.Residual` block :math:`x + s\,W\phi(x)`
        (:math:`x + s\,W\phi(\mathrm{BN}(x))` with `batch_norm`; a plain layer where the
        width changes, so at least two consecutive hidden widths must agree), then
        :math:`\phi` and the output layer. With variance-preserving branches the signal
        variance doubles per block: its scale grows like :math:`2^{L/2}` over :math:`L` blocks.
    residual_scale : float, optional
        Branch scale :math:`s` (default 1); :math:`1/\sqrt{L}` keeps the forward signal
        bounded. Only with `residual`.
    bias : bool, default True
        Biases for the Dense layers, except those followed by BatchNorm (its mean
        subtraction cancels a bias; its ``beta`` plays that role).
    rng : numpy.random.Generator or int, optional
        Randomness for the weights.
    dtype : dtype, default float64
        ``float64`` or ``float32``.

    Raises
    ------
    ValueError
        For fewer than two sizes, a size that is not a positive integer, `residual_scale`
        without `residual`, or `residual` where no block fits.

    Examples
    --------
    >>> net = MLP([2, 4, 4, 1], "relu", residual=True, rng=0)
    >>> net.layers[1]
    Residual(Sequential(ActivationLayer('relu'), Dense(4, 4)), scale=1)
    >>> [type(layer).__name__ for layer in net.layers]
    ['Dense', 'Residual', 'ActivationLayer', 'Dense']
    """
    sizes = [check_positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
    act = get_activation(activation)
    init = default_initializer(act) if init is None else init
    if isinstance(init, str) and init.lower() == "edge_of_chaos":
        init = edge_of_chaos(act)
    if residual_scale is not None and not residual:
        raise ValueError("residual_scale scales residual branches: it needs residual=True")
    scale = 1.0 if residual_scale is None else check_positive(residual_scale, "residual_scale")
    generator = as_generator(rng)
    layers: list[Layer] = []

    def dense(n_in: int, n_out: int, *, with_bias: bool = bias) -> Dense:
        return Dense(n_in, n_out, init=init, bias=with_bias, rng=generator, dtype=dtype)

    def normalize_activate(n: int) -> list[Layer]:
        return [*([BatchNorm(n, dtype=dtype)] if batch_norm else []), ActivationLayer(act)]

    if not residual:
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1], strict=True):
            # a bias before BatchNorm is cancelled by its mean subtraction: leave it out
            layers += [
                dense(n_in, n_out, with_bias=bias and not batch_norm),
                *normalize_activate(n_out),
            ]
    elif len(sizes) > 2:
        # pre-activation blocks (He et al. 2016): a linear stem, then x + s F(x) with
        # F = Dense(activation(BatchNorm(x))), then the activation before the output layer
        layers.append(dense(sizes[0], sizes[1]))
        for n_in, n_out in zip(sizes[1:-2], sizes[2:-1], strict=True):
            branch = [*normalize_activate(n_in), dense(n_in, n_out)]
            if n_in == n_out:
                layers.append(Residual(Sequential(branch), scale=scale))
            else:
                layers.extend(branch)
        layers.extend(normalize_activate(sizes[-2]))
    if residual and not any(isinstance(layer, Residual) for layer in layers):
        raise ValueError(
            "residual=True puts residual blocks between consecutive hidden layers of the same "
            f"width, and sizes {sizes} has none"
        )
    layers.append(dense(sizes[-2], sizes[-1]))
    return Sequential(layers)
