r"""Diagnostics of vanishing and exploding gradients: pure functions of caches and gradients.

Two different quantities are easily confused, and every function here says which one it
measures:

* the **back-propagated gradient** or *delta* of a Dense layer,
  :math:`\delta^{(l)} = \partial L/\partial z^{(l)}` with :math:`z^{(l)} = a^{(l-1)} W^{(l)} +
  b^{(l)}`, an array of shape ``(n_samples, n_out)``. This is the signal that shrinks or grows
  geometrically with depth (:func:`delta_norms`). Its sum over the batch is the bias gradient
  :math:`\partial L/\partial b^{(l)}`, Nielsen's "speed of learning" (:func:`bias_gradient_norms`).
* the **weight gradient** :math:`\partial L/\partial W^{(l)} = a^{(l-1)\top}\delta^{(l)}`, shape
  ``(n_in, n_out)`` (:func:`weight_gradient_norms`). Because the activations
  :math:`a^{(l-1)}` may grow while :math:`\delta^{(l)}` shrinks, weight gradients can look the
  same in every layer while the deltas vanish (Glorot & Bengio 2010, eq. 14).

Layers are named by their path in the network (:meth:`~vanishing.network.Sequential.named_layers`),
the prefix of their parameter keys: ``"0"`` for ``"0.W"`` and ``"0.b"``, ``"2.block.0"`` for
a Dense layer inside the residual block at index 2. Results are dicts keyed by these paths,
input side first. Every `net` is a :class:`~vanishing.network.Sequential` (else
:class:`TypeError`); arguments of the wrong shape or keys raise :class:`ValueError`.

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
    """Paths of the Dense layers, residual blocks included, input side first.

    ``path + ".W"`` is the weight's key in ``net.params``.

    Examples
    --------
    >>> from vanishing.network import MLP
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

    Parameters
    ----------
    grads : dict of str to ndarray
        Keyed like ``net.params``, e.g. ``net.backward(cache, dy).grads``.

    Returns
    -------
    dict of str to float
        :math:`\lVert \partial L/\partial W^{(l)} \rVert_F` per Dense layer.

    See Also
    --------
    delta_norms : the back-propagated gradients, which these can hide.

    Notes
    -----
    :math:`\partial L/\partial W^{(l)} = a^{(l-1)\top} \delta^{(l)}` mixes the forward
    activations and the backward deltas: with ReLU and Xavier init the activations shrink
    by the same factor per layer as the deltas grow towards the output, so the weight
    gradients look alike across layers while the deltas vanish.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
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
    \delta^{(l)}_i`, the batch sum of the deltas; layers without a bias are left out.

    Notes
    -----
    Nielsen (ch. 5) calls this norm the speed at which layer :math:`l` learns and shows it
    increasing with the layer index in sigmoid networks, each hidden layer
    learning roughly 4-6 times slower than the next.

    References
    ----------
    .. [1] M. Nielsen, "Neural Networks and Deep Learning", ch. 5, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
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
        What ``net.backward(cache, dy)`` returned, whose ``named_deltas`` include those of
        the Dense layers inside residual blocks; or, for a network without blocks, its
        ``deltas`` list (``deltas[i]`` is :math:`\partial L/\partial` ``outputs[i]``).
    reduce : {"fro", "mean"}, default "fro"
        ``"fro"``: the Frobenius norm of the whole ``(n_samples, n_out)`` array
        :math:`\partial L/\partial z`. ``"mean"``: the mean over samples of the row norms
        :math:`\lVert \partial L/\partial z_i \rVert_2`. With a loss averaged over the
        batch each row carries a factor :math:`1/n`; multiply by ``n_samples`` to get the
        delta of one sample's own loss.

    See Also
    --------
    weight_gradient_norms, bias_gradient_norms

    Notes
    -----
    .. math::

        \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)\top}\big) \odot f'(z^{(l)}),

    so each layer multiplies the norm by roughly :math:`\sigma(W)\,\overline{|f'|}`: by
    :math:`\le 1/4 \cdot \sigma(W)` with the sigmoid, which is why the deltas of the first
    layers vanish.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
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
    name : str
        Path of the layer in the network (``"1"``, ``"2.block.2"``...).
    activation : str
        Activation name.
    mean, std : float
        Mean and standard deviation over all entries (samples and units).
    saturated_fraction : float
        Fraction of entries within ``saturation_tol`` of a bound of a saturating activation
        (sigmoid: 0 or 1; tanh and softsign: -1 or 1); ``nan`` for other activations.
    dead_fraction : float
        ReLU only (else ``nan``): fraction of units that are zero for *every* sample of the
        batch. Their gradient is zero, so on this batch they do not learn.
    zero_fraction : float
        Fraction of entries exactly equal to zero.

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

    Parameters
    ----------
    cache : ForwardCache
        From ``net.forward(x)``.
    saturation_tol : float, default 0.01
        An output counts as saturated within this distance of a bound of the activation's
        range. At ``0.01`` the derivative there is below 4 % of its maximum
        (sigmoid: :math:`\sigma' < 0.0099` vs 0.25; tanh: :math:`\tanh' < 0.02` vs 1).

    Returns
    -------
    list of ActivationStats
        One per :class:`~vanishing.layers.ActivationLayer`, residual blocks included.

    Notes
    -----
    Saturation is what makes sigmoid networks with large weights stop learning
    (:math:`\sigma'(z) \approx 0`); a dead ReLU unit outputs 0 on every input and
    receives no gradient. Glorot & Bengio (2010, fig. 2) show the top sigmoid layer
    saturating at 0 early in training.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
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

    Parameters
    ----------
    params : dict of str to ndarray
        Parameters before the update.
    updates, new_params : dict of str to ndarray, optional
        Give one: the change applied to each parameter (e.g. ``-lr * grads`` for SGD), or
        the parameters after it (then pass a copy taken before an in-place step as `params`).
    weights_only : bool, default True
        Only arrays of two or more dimensions (weight matrices); biases start at zero,
        where the ratio is infinite.
    log10 : bool, default True
        Return :math:`\log_{10}` of the ratio.

    Returns
    -------
    dict of str to float
        :math:`\operatorname{std}(\Delta\theta)/\operatorname{std}(\theta)` per parameter (or
        its :math:`\log_{10}`); ``inf`` for a parameter of zero spread (``nan`` if its
        update is zero too).

    Notes
    -----
    Karpathy's rule of thumb (CS231n notes; "makemore" part 3): the ratio should be around
    :math:`10^{-3}`, i.e. :math:`\log_{10} \approx -3`. Much lower (:math:`-5`, say) and the
    layer hardly learns, which is how vanishing gradients look during training with SGD;
    much higher (:math:`-1`) and the learning rate is too large for that layer. Adam's
    steps are about ``lr`` per entry whatever the gradient scale, which hides vanishing
    gradients from this check.

    Examples
    --------
    >>> import numpy as np
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

    Parameters
    ----------
    net : Layer
        A network (usually a :class:`~vanishing.network.Sequential`), evaluated in inference
        mode (``training=False``) so batch-norm layers use their running statistics and the
        samples do not interact.
    x : array_like of shape (n_in,) or (n_samples, n_in)
        One input or a batch.
    average : bool, default False
        For a batch, average the (descending) singular values over samples.

    Returns
    -------
    ndarray
        Descending singular values: shape ``(k,)`` for a single sample or with `average`,
        ``(n_samples, k)`` otherwise, with ``k = min(n_in, n_out)``.

    Raises
    ------
    TypeError
        If `net` is not a Layer.
    ValueError
        If `x` is not 1-D or 2-D.

    Notes
    -----
    Row :math:`k` of the Jacobian of every sample is obtained by one backward pass with
    :math:`\partial L/\partial y = e_k` for all samples at once, so the cost is ``n_out``
    backward passes. *Dynamical isometry* (Saxe et al. 2014; Pennington et al. 2017) means
    all singular values stay near 1 at any depth: then no direction of the gradient
    vanishes or explodes. Orthogonal linear networks achieve it exactly; ReLU networks cannot.

    References
    ----------
    .. [1] J. Pennington, S. Schoenholz and S. Ganguli, "Resurrecting the sigmoid in deep
       learning through dynamical isometry", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from vanishing.network import MLP
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
    forward_std : ndarray of shape (depth,)
        Standard deviation of the pre-activations :math:`z^{(l)}` of each Dense layer.
    backward_std : ndarray of shape (depth,)
        Standard deviation of the **deltas** :math:`\partial L/\partial z^{(l)}`.
    weight_grad_std : ndarray of shape (depth,)
        Standard deviation of the **weight gradients** :math:`\partial L/\partial W^{(l)}`.

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

    Builds ``depth`` square Dense layers of width `width` (no biases unless `bias`), the activation
    between consecutive ones, feeds :math:`x \sim \mathcal N(0, 1)` and back-propagates
    :math:`\partial L/\partial z^{(\text{depth})} \sim \mathcal N(0, 1)`.

    Parameters
    ----------
    depth : int, default 30
        Number of Dense layers.
    width : int, default 512
        Width of every layer (and of the input).
    activation : str or Activation, default "relu"
        Hidden activation.
    init : str or callable, optional
        Weight initializer (default: :func:`vanishing.network.default_initializer`). Use
        ``functools.partial(normal, std=0.01)`` for :math:`\mathcal N(0, 0.01^2)`.
    n_samples : int, default 1024
        Batch size.
    rng : numpy.random.Generator or int, default 0
        Randomness for weights, inputs and output gradients.
    bias : bool, default False
        Give the layers biases (drawn by initializers that set them, such as
        :func:`vanishing.meanfield.edge_of_chaos`; zeros otherwise).
    dtype : dtype, default float64
        Computation dtype (``float32`` is about twice as fast).

    Returns
    -------
    SignalPropagation
        Per-layer standard deviations and the ratios ``forward_ratio``, ``backward_ratio``
        and ``weight_grad_ratio``.

    Raises
    ------
    ValueError
        For non-positive sizes.

    See Also
    --------
    delta_norms, weight_gradient_norms

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
