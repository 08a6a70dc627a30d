r"""Diagnostics of vanishing and exploding gradients: pure functions of caches and gradients.

Each function says which of two easily confused quantities it measures:

* the *delta* of a Dense layer, :math:`\delta^{(l)} = \partial L/\partial z^{(l)}` with
  :math:`z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}`, shape ``(n_samples, n_out)``: the signal that
  shrinks or grows geometrically with depth (:func:`delta_norms`). Its batch sum is the bias
  gradient, Nielsen's "speed of learning" (:func:`bias_gradient_norms`);
* the **weight gradient** :math:`\partial L/\partial W^{(l)} = a^{(l-1)\top}\delta^{(l)}`
  (:func:`weight_gradient_norms`), which can look the same in every layer while the deltas
  vanish, since :math:`a^{(l-1)}` may grow as :math:`\delta^{(l)}` shrinks (Glorot & Bengio
  2010, eq. 14).

Results are dicts keyed by layer path (:meth:`~vanishing.network.Sequential.named_layers`,
the prefix of the parameter keys: ``"0"`` for ``"0.W"``, ``"2.block.0"`` inside the residual
block at index 2), input side first. `net` is a :class:`~vanishing.network.Sequential` (else
:class:`TypeError`); wrong shapes or keys raise :class:`ValueError`.

>>> import numpy as np
>>> from vanishing.network import MLP
>>> net = MLP([8, 16, 16, 3], "sigmoid", rng=0)
>>> x = np.random.default_rng(1).standard_normal((32, 8))
>>> y, cache = net.forward(x)
>>> back = net.backward(cache, np.ones_like(y) / 32)
>>> {k: round(v, 4) for k, v in delta_norms(net, back).items()}
{'0': 0.0141, '2': 0.0632, '4': 0.3062}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, cast

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from vanishing._validation import (
    check_array,
    check_choice,
    check_like_params,
    check_positive,
    check_positive_int,
)
from vanishing.activations import Activation
from vanishing.clipping import _norm
from vanishing.datasets import as_generator
from vanishing.initializers import Initializer
from vanishing.layers import ActivationLayer, Dense, Layer
from vanishing.network import (
    MLP,
    ForwardCache,
    NetworkGradients,
    Sequential,
    _walk,
    check_sequential,
)

__all__ = [
    "ActivationStats",
    "SignalPropagation",
    "activation_stats",
    "bias_gradient_norms",
    "delta_norms",
    "dense_layer_names",
    "jacobian_singular_values",
    "signal_propagation",
    "update_to_data_ratio",
    "weight_gradient_norms",
]

Array = NDArray[np.floating[Any]]

#: Bounds of the saturating activations, used by :func:`activation_stats`.
_BOUNDS: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
}


def dense_layer_names(net: Sequential) -> list[str]:
    """Paths of the Dense layers, residual blocks included; ``path + ".W"`` keys the weight.

    Examples
    --------
    >>> dense_layer_names(MLP([2, 4, 4, 1], "relu", residual=True, rng=0))
    ['0', '2.block.0', '3']
    """
    return [
        path for path, layer in check_sequential(net).named_layers() if isinstance(layer, Dense)
    ]


def _param_norms(net: Sequential, grads: Mapping[str, ArrayLike], name: str) -> dict[str, float]:
    net = check_sequential(net)
    arrays = check_like_params(grads, net.params, "grads", finite=False)
    keys = {path: f"{path}.{name}" for path in dense_layer_names(net)}
    return {path: _norm([arrays[key]]) for path, key in keys.items() if key in arrays}


# --------------------------------------------------------------------------------------
# gradient norms
# --------------------------------------------------------------------------------------
def weight_gradient_norms(net: Sequential, grads: Mapping[str, ArrayLike]) -> dict[str, float]:
    r"""Frobenius norm of each Dense layer's **weight gradient** :math:`\partial L/\partial W`.

    `grads` is keyed like ``net.params``, e.g. ``net.backward(cache, dy).grads``.

    See Also
    --------
    delta_norms : the back-propagated gradients, which these can hide.

    Notes
    -----
    :math:`\partial L/\partial W^{(l)} = a^{(l-1)\top} \delta^{(l)}`: with ReLU and Xavier
    init the activations shrink per layer as fast as the deltas grow towards the output,
    so the weight gradients look alike across layers while the deltas vanish.

    Examples
    --------
    >>> net = MLP([4, 8, 2], "relu", rng=0)
    >>> y, cache = net.forward(np.ones((3, 4)))
    >>> norms = weight_gradient_norms(net, net.backward(cache, np.ones_like(y)).grads)
    >>> list(norms)
    ['0', '2']
    """
    return _param_norms(net, grads, "W")


def bias_gradient_norms(net: Sequential, grads: Mapping[str, ArrayLike]) -> dict[str, float]:
    r"""Euclidean norm of each Dense layer's **bias gradient**, Nielsen's "speed of learning".

    Like :func:`weight_gradient_norms`, for :math:`\partial L/\partial b^{(l)} = \sum_i
    \delta^{(l)}_i`; layers without a bias are left out. Nielsen (ch. 5) calls this norm
    the speed at which layer :math:`l` learns and shows it increasing with the layer index
    in sigmoid networks, each hidden layer learning roughly 4-6 times slower than the next.

    References
    ----------
    .. [1] M. Nielsen, "Neural Networks and Deep Learning", ch. 5, 2015.

    Examples
    --------
    >>> net = MLP([4, 8, 2], "relu", rng=0)
    >>> y, cache = net.forward(np.ones((3, 4)))
    >>> grads = net.backward(cache, np.ones_like(y)).grads
    >>> round(bias_gradient_norms(net, grads)["2"], 4)   # sum over 3 samples of [1, 1]
    4.2426
    """
    return _param_norms(net, grads, "b")


def delta_norms(
    net: Sequential, back: NetworkGradients | Sequence[ArrayLike], *, reduce: str = "fro"
) -> dict[str, float]:
    r"""Norm of each Dense layer's **delta** :math:`\partial L/\partial z`, the backward signal.

    Parameters
    ----------
    back : NetworkGradients or sequence of ndarray
        What ``net.backward(cache, dy)`` returned (its ``named_deltas`` reach inside
        residual blocks), or, without blocks, its ``deltas`` list.
    reduce : {"fro", "mean"}, default "fro"
        The Frobenius norm of the whole ``(n_samples, n_out)`` array, or the mean over
        samples of the row norms :math:`\lVert \partial L/\partial z_i \rVert_2` (with a
        loss averaged over the batch, times ``n_samples`` for one sample's own loss).

    Notes
    -----
    .. math:: \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)\top}\big) \odot f'(z^{(l)}),

    so each layer multiplies the norm by roughly :math:`\sigma(W)\,\overline{|f'|}`: by
    :math:`\le 1/4 \cdot \sigma(W)` with the sigmoid, which is why the deltas of the first
    layers vanish.

    Examples
    --------
    >>> net = MLP([4, 8, 8, 2], "tanh", residual=True, rng=0)
    >>> y, cache = net.forward(np.ones((3, 4)))
    >>> list(delta_norms(net, net.backward(cache, np.ones_like(y))))
    ['0', '2.block.0', '3']
    """
    net = check_sequential(net)
    reduce = check_choice(reduce, "reduce", ("fro", "mean"))
    deltas: Sequence[ArrayLike]
    named: Mapping[str, ArrayLike]
    if isinstance(back, NetworkGradients):
        deltas, named = back.deltas, back.named_deltas
    elif isinstance(back, Sequence):  # a list of the top-level deltas
        deltas = cast("Sequence[ArrayLike]", back)
        named = {str(i): d for i, d in enumerate(deltas)}
    else:
        raise TypeError(
            "back must be the NetworkGradients returned by net.backward, or its deltas list, "
            f"got {type(back).__name__}"
        )
    if len(deltas) != len(net.layers):
        raise ValueError(
            f"expected {len(net.layers)} deltas (one per layer of net), got {len(deltas)}"
        )
    out = {}
    for path in dense_layer_names(net):
        if path not in named:
            raise ValueError(
                f"the Dense layer {path} sits inside a block, whose deltas only the "
                "NetworkGradients returned by net.backward carries: pass that, not a list"
            )
        d = np.asarray(named[path])
        if reduce == "fro":
            out[path] = _norm([d])
        else:
            d2 = d.reshape(d.shape[0], -1) if d.ndim > 1 else d[None, :]
            out[path] = float(np.mean(np.sqrt(np.einsum("ij,ij->i", d2, d2, dtype=np.float64))))
    return out


# --------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------
class ActivationStats(NamedTuple):
    """Statistics of one activation layer's output on a batch.

    Attributes
    ----------
    name, activation : str
        The layer's path (``"1"``, ``"2.block.2"``...) and its activation's name.
    mean, std, zero_fraction : float
        Over all entries (samples and units); the fraction exactly zero.
    saturated_fraction : float
        Entries within ``saturation_tol`` of a bound of a saturating activation (sigmoid:
        0 or 1; tanh and softsign: -1 or 1); ``nan`` for other activations.
    dead_fraction : float
        ReLU only (else ``nan``): units zero for *every* sample, so without gradient.

    Examples
    --------
    >>> net = MLP([2, 8, 1], "relu", rng=0)
    >>> _, cache = net.forward(np.random.default_rng(0).standard_normal((64, 2)))
    >>> stats = activation_stats(net, cache)[0]
    >>> 0.0 <= stats.dead_fraction <= 1.0
    True
    """

    name: str
    activation: str
    mean: float
    std: float
    saturated_fraction: float
    dead_fraction: float
    zero_fraction: float


def activation_stats(
    net: Sequential, cache: ForwardCache, *, saturation_tol: float = 0.01
) -> list[ActivationStats]:
    r"""Mean, spread, saturation and dead units of every activation layer's output.

    One :class:`ActivationStats` per :class:`~vanishing.layers.ActivationLayer`, residual
    blocks included, from the `cache` of ``net.forward(x)``. An output counts as saturated
    within `saturation_tol` of a bound of the activation's range; at ``0.01`` the derivative
    there is below 4 % of its maximum (sigmoid: :math:`\sigma' < 0.0099` vs 0.25; tanh:
    :math:`\tanh' < 0.02` vs 1).

    Notes
    -----
    Saturation is what makes sigmoid networks with large weights stop learning
    (:math:`\sigma'(z) \approx 0`); a dead ReLU unit outputs 0 on every input and
    receives no gradient. Glorot & Bengio (2010, fig. 2) show the top sigmoid layer
    saturating at 0 early in training.

    Examples
    --------
    >>> net = MLP([4, 64, 64, 2], "sigmoid", init="normal", rng=0)   # N(0, 1): too large
    >>> _, cache = net.forward(np.random.default_rng(0).standard_normal((100, 4)))
    >>> stats = activation_stats(net, cache)
    >>> [s.name for s in stats], stats[1].saturated_fraction > 0.3
    (['1', '3'], True)
    """
    net = check_sequential(net)
    if not isinstance(cache, ForwardCache):
        raise TypeError("cache must be the ForwardCache returned by net.forward")
    tol = check_positive(saturation_tol, "saturation_tol")
    if tol >= 1.0:
        raise ValueError(f"saturation_tol must be in (0, 1), got {saturation_tol!r}")
    out: list[ActivationStats] = []
    for path, layer, z in _walk(net, cache):
        if not isinstance(layer, ActivationLayer):
            continue
        name = layer.activation.name
        values = layer.activation(z)  # the layer's cache is its input z
        mean = float(values.mean(dtype=np.float64))
        std = float(values.std(dtype=np.float64))
        if name in _BOUNDS:
            lo, hi = _BOUNDS[name]
            saturated = float(np.mean((values <= lo + tol) | (values >= hi - tol)))
        else:
            saturated = math.nan
        dead = 1.0 - float(np.mean((values > 0).any(axis=0))) if name == "relu" else math.nan
        zero = 1.0 - np.count_nonzero(values) / values.size
        out.append(ActivationStats(path, name, mean, std, saturated, dead, zero))
    return out


# --------------------------------------------------------------------------------------
# updates
# --------------------------------------------------------------------------------------
def update_to_data_ratio(
    params: Mapping[str, ArrayLike],
    updates: Mapping[str, ArrayLike] | None = None,
    *,
    new_params: Mapping[str, ArrayLike] | None = None,
    weights_only: bool = True,
    log10: bool = True,
) -> dict[str, float]:
    r"""Size of each parameter's update relative to the parameter: Karpathy's health check.

    Returns :math:`\operatorname{std}(\Delta\theta)/\operatorname{std}(\theta)` (or its
    :math:`\log_{10}`, with `log10`) per parameter: ``inf`` for zero spread, ``nan`` if the
    update is zero too. Give `updates` (e.g. ``-lr * grads`` for SGD) or `new_params` (then
    `params` is a copy taken before an in-place step). `weights_only` keeps the arrays of
    two or more dimensions: biases start at zero, where the ratio is infinite.

    Notes
    -----
    Karpathy's rule of thumb (CS231n notes; "makemore" part 3): :math:`\log_{10} \approx -3`.
    Much lower (:math:`-5`) and the layer hardly learns, as vanishing gradients look under
    SGD; much higher (:math:`-1`) and its learning rate is too large. Adam's steps are about
    ``lr`` per entry whatever the gradient scale, which hides vanishing gradients here.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> params = {"W": rng.standard_normal((100, 100)), "b": np.zeros(100)}
    >>> updates = {"W": 1e-3 * rng.standard_normal((100, 100)), "b": np.ones(100)}
    >>> {k: round(v, 1) for k, v in update_to_data_ratio(params, updates).items()}
    {'W': -3.0}
    """
    if (updates is None) == (new_params is None):
        raise ValueError("give exactly one of updates and new_params")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of str to ndarray, got {type(params).__name__}")
    p_arrs = {key: check_array(p, f"params[{key!r}]") for key, p in params.items()}
    others = check_like_params(
        updates if updates is not None else new_params,
        p_arrs,
        "updates" if updates is not None else "new_params",
    )
    out = {}
    for key, p_arr in p_arrs.items():
        if weights_only and p_arr.ndim < 2:
            continue
        o_arr = others[key]
        u_std = float((o_arr if updates is not None else o_arr - p_arr).std(dtype=np.float64))
        p_std = float(p_arr.std(dtype=np.float64))
        if p_std > 0:
            ratio = u_std / p_std
        else:
            ratio = math.inf if u_std > 0 else math.nan
        if log10:
            ratio = math.log10(ratio) if ratio > 0 else (-math.inf if ratio == 0 else ratio)
        out[key] = ratio
    return out


# --------------------------------------------------------------------------------------
# Jacobian
# --------------------------------------------------------------------------------------
def jacobian_singular_values(net: Layer, x: ArrayLike, *, average: bool = False) -> Array:
    r"""Singular values of the input-output Jacobian :math:`\partial y/\partial x` at `x`.

    `net` may be any :class:`~vanishing.layers.Layer`, evaluated in inference mode (batch
    norm uses its running statistics, so samples do not interact); `x` is one input of
    shape ``(n_in,)`` or a batch ``(n_samples, n_in)``.

    Returns
    -------
    ndarray
        Descending singular values, ``k = min(n_in, n_out)`` of them: shape ``(k,)`` for
        one input or with `average` (the mean over the batch), else ``(n_samples, k)``.

    Notes
    -----
    Row :math:`k` of every sample's Jacobian is one backward pass with
    :math:`\partial L/\partial y = e_k`: ``n_out`` passes in all. *Dynamical isometry*
    (Saxe et al. 2014; Pennington et al. 2017), all singular values near 1 at any depth,
    means no direction of the gradient vanishes or explodes. Orthogonal linear networks
    achieve it exactly; ReLU networks cannot.

    References
    ----------
    .. [1] J. Pennington, S. Schoenholz and S. Ganguli, "Resurrecting the sigmoid in deep
       learning through dynamical isometry", NeurIPS 2017.

    Examples
    --------
    >>> net = MLP([16] * 11, "identity", init="orthogonal", rng=0)   # 10 orthogonal layers
    >>> s = jacobian_singular_values(net, np.ones(16))
    >>> bool(np.allclose(s, 1.0))
    True
    """
    if not isinstance(net, Layer):
        raise TypeError(f"net must be a Layer (e.g. a Sequential), got {type(net).__name__}")
    arr = check_array(x, "x", ndim=(1, 2), shape_hint="(n_in,) or (n_samples, n_in)")
    single = arr.ndim == 1
    batch = arr[None, :] if single else arr
    y, cache = net.forward(batch, training=False)
    n, n_out = y.shape
    J = np.empty((n, n_out, batch.shape[1]), dtype=np.float64)
    dy = np.zeros_like(y)
    for k in range(n_out):
        dy[:, k] = 1.0
        J[:, k, :] = net.backward(cache, dy).dx
        dy[:, k] = 0.0
    s = np.linalg.svd(J, compute_uv=False)
    if single:
        return s[0]
    return s.mean(axis=0) if average else s


# --------------------------------------------------------------------------------------
# signal propagation
# --------------------------------------------------------------------------------------
class SignalPropagation(NamedTuple):
    r"""Per-layer spread of the forward signal and of the backward gradients at init.

    Attributes
    ----------
    forward_std, backward_std, weight_grad_std : ndarray of shape (depth,)
        Per Dense layer, the standard deviations of the pre-activations :math:`z^{(l)}`, of
        the **deltas** :math:`\partial L/\partial z^{(l)}` and of the **weight gradients**
        :math:`\partial L/\partial W^{(l)}`.

    Examples
    --------
    >>> sp = signal_propagation(depth=5, width=64, activation="relu", n_samples=128)
    >>> len(sp.forward_std), len(sp.backward_std)
    (5, 5)
    """

    forward_std: Array
    backward_std: Array
    weight_grad_std: Array

    @property
    def forward_ratio(self) -> float:
        """``forward_std[-1] / forward_std[0]``: forward signal after vs before the stack."""
        return float(self.forward_std[-1] / self.forward_std[0])

    @property
    def backward_ratio(self) -> float:
        """``backward_std[0] / backward_std[-1]``: delta at the first vs the last layer."""
        return float(self.backward_std[0] / self.backward_std[-1])

    @property
    def weight_grad_ratio(self) -> float:
        """``weight_grad_std[0] / weight_grad_std[-1]`` (often ~1 even when deltas vanish)."""
        return float(self.weight_grad_std[0] / self.weight_grad_std[-1])


def signal_propagation(
    depth: int = 30,
    width: int = 512,
    activation: str | Activation = "relu",
    init: str | Initializer | None = None,
    n_samples: int = 1024,
    rng: np.random.Generator | int | None = 0,
    *,
    bias: bool = False,
    dtype: DTypeLike = np.float64,
) -> SignalPropagation:
    r"""Measure how a deep plain network at initialisation scales signals forward and backward.

    Builds ``MLP([width] * (depth + 1), activation, init=init, bias=bias)`` (`init`, e.g.
    ``functools.partial(normal, std=0.01)`` for :math:`\mathcal N(0, 0.01^2)`), feeds a batch
    of `n_samples` inputs :math:`x \sim \mathcal N(0, 1)` and back-propagates
    :math:`\partial L/\partial z^{(\text{depth})} \sim \mathcal N(0, 1)`, all drawn by `rng`.
    ``float32`` is about twice as fast.

    Notes
    -----
    With :math:`\operatorname{Var}[W] = c/n` and ReLU, each layer multiplies the variance of
    the pre-activations by :math:`c/2`, forward and backward: He's :math:`c = 2` keeps it,
    Xavier's :math:`c = 1` halves it, so over 30 layers the standard deviation shrinks by
    :math:`2^{-14.5} \approx 4.3\times10^{-5}`. For tanh with Xavier the forward variance
    decays only like :math:`1/(2l)` (std :math:`\approx 0.129` at layer 30). Finite width adds
    noise of order :math:`\exp(\pm\sqrt{5L/n})`.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, AISTATS 2010.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers", ICCV 2015.

    Examples
    --------
    >>> he = signal_propagation(30, 256, "relu", "he_normal", n_samples=256, rng=0)
    >>> xavier = signal_propagation(30, 256, "relu", "xavier_normal", n_samples=256, rng=0)
    >>> 0.5 < he.forward_ratio < 2, 1e-5 < xavier.backward_ratio < 2e-4
    (True, True)
    """
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    n_samples = check_positive_int(n_samples, "n_samples")
    generator = as_generator(rng)
    net = MLP([width] * (depth + 1), activation, init=init, bias=bias, rng=generator, dtype=dtype)
    x = generator.standard_normal((n_samples, width)).astype(dtype, copy=False)
    y, cache = net.forward(x)
    dy = generator.standard_normal(y.shape).astype(dtype, copy=False)
    back = net.backward(cache, dy)
    idx = net.dense_indices
    return SignalPropagation(
        np.array([cache.outputs[i].std(dtype=np.float64) for i in idx]),
        np.array([back.deltas[i].std(dtype=np.float64) for i in idx]),
        np.array([back.grads[f"{i}.W"].std(dtype=np.float64) for i in idx]),
    )
