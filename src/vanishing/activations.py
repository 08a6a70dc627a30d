r"""Activation functions and their derivatives with respect to the pre-activation.

Every activation comes as a pair of pure functions, ``f(z)`` and ``f_derivative(z)``,
bundled in a frozen :class:`Activation` and collected in the registry :data:`ACTIVATIONS`,
so a name picks one:

>>> from vanishing.activations import get_activation
>>> act = get_activation("sigmoid")
>>> float(act.derivative(0.0))
0.25

.. rubric:: Conventions shared by every function below

z : array_like
    The pre-activation (the output of an affine layer), the first argument of every
    function. Derivatives are :math:`\mathrm{d}f/\mathrm{d}z`, elementwise.
returns : ndarray
    The shape of ``z``; ``float32`` stays ``float32``, anything else becomes ``float64``.
    Numerically stable: for :math:`|z|` up to ``1e4`` in either precision no overflow
    warning and no NaN.
raises : ValueError
    For non-finite input, or a parameter out of range (a negative ``slope``, a
    non-positive ``alpha``).

The sigmoid's derivative never exceeds :math:`1/4`, so :math:`L` sigmoid layers multiply
the back-propagated gradient by at most :math:`4^{-L}`: the root of the vanishing gradient
problem in deep sigmoid networks. ``tanh'`` peaks at 1 and ReLU's derivative is exactly 1
on the positive side. The theory page :ref:`theory-activations` compares them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from vanishing._validation import check_array, check_positive, lookup_name

__all__ = [
    "ACTIVATIONS",
    "LABELS",
    "SELU_ALPHA",
    "SELU_LAMBDA",
    "Activation",
    "elu",
    "elu_derivative",
    "gelu",
    "gelu_derivative",
    "get_activation",
    "identity",
    "identity_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "selu",
    "selu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "silu",
    "silu_derivative",
    "softplus",
    "softplus_derivative",
    "softsign",
    "softsign_derivative",
    "tanh",
    "tanh_derivative",
]

Array = NDArray[np.floating[Any]]

#: SELU's :math:`\alpha` (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772
#: SELU's :math:`\lambda` (Klambauer et al., 2017).
SELU_LAMBDA = 1.0507009873554805

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_COEF = 0.044715


def _float(z: ArrayLike) -> Array:
    """Return ``z`` as a finite float array (``float32`` kept, anything else ``float64``)."""
    return check_array(z, "z")


def _exp_of(scaled_abs: Array) -> Array:
    """``exp(scaled_abs)`` computed in place, for the arrays made by ``np.abs(z, out=...)``."""
    return np.exp(scaled_abs, out=scaled_abs)


def _result(a: Array) -> Array:
    """`a`, or its scalar for a 0-d `a`: what the same expression without ``out=`` returns."""
    return a[()] if a.ndim == 0 else a


# --------------------------------------------------------------------------------------
# identity
# --------------------------------------------------------------------------------------
def identity(z: ArrayLike) -> Array:
    """Identity activation :math:`f(z) = z` (a copy of ``z``).

    Examples
    --------
    >>> identity([-1.0, 2.0])
    array([-1.,  2.])
    """
    return _float(z).copy()


def identity_derivative(z: ArrayLike) -> Array:
    """Derivative of the identity, :math:`f'(z) = 1`.

    Examples
    --------
    >>> identity_derivative([-1.0, 2.0])
    array([1., 1.])
    """
    return np.ones_like(_float(z))


# --------------------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------------------
def sigmoid(z: ArrayLike) -> Array:
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, in :math:`[0, 1]`.

    Computed from :math:`e = e^{-|z|} \in (0, 1]` as :math:`1/(1+e)` for :math:`z \ge 0`
    and :math:`e/(1+e)` for :math:`z < 0`, so no exponential can overflow.

    Examples
    --------
    >>> sigmoid([-1e4, 0.0, 1e4])
    array([0. , 0.5, 1. ])
    """
    z = _float(z)
    e = np.abs(z, out=np.empty_like(z))
    e = _exp_of(np.negative(e, out=e))  # e^{-|z|}; each line writes in place, same values
    numerator = np.where(z >= 0, 1.0, e)
    e += 1.0  # 1 + e
    return _result(np.divide(numerator, e, out=numerator))


def sigmoid_derivative(z: ArrayLike) -> Array:
    r"""Derivative of the sigmoid, :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) \in (0, 1/4]`.

    The maximum :math:`1/4` is reached at :math:`z = 0`. Evaluated as
    :math:`\tfrac14\operatorname{sech}^2(z/2)` with :math:`\operatorname{sech} u = 2s/(1+s^2)`,
    :math:`s = e^{-|u|}`: full relative precision in the tails, never rounded above :math:`1/4`.

    Examples
    --------
    >>> float(sigmoid_derivative(0.0))
    0.25
    >>> print(f"{float(sigmoid_derivative(10.0)):.3e}")
    4.540e-05
    """
    z = _float(z)
    # sigma'(z) = sech^2(z/2)/4 with sech(u) = 2s/(1 + s^2), s = e^{-|u|}: since the rounded
    # 1 + s^2 is never below 2s, this never exceeds 1/4 (e/(1+e)^2 does, by an ulp, near 0).
    # In place, operation by operation: s = exp(-0.5 |z|), then (0.25 sech) sech.
    s = np.abs(z, out=np.empty_like(z))
    s *= -0.5
    sech = _sech_of(_exp_of(s))
    quarter = np.multiply(sech, 0.25)
    quarter *= sech
    return _result(quarter)


def _sech_of(s: Array) -> Array:
    """``sech u = 2s / (1 + s^2)`` from ``s = e^{-|u|}``, written over `s` (same rounding)."""
    denominator = np.multiply(s, s)
    denominator += 1.0  # 1 + s^2
    s *= 2.0
    return np.divide(s, denominator, out=s)


# --------------------------------------------------------------------------------------
# tanh
# --------------------------------------------------------------------------------------
def tanh(z: ArrayLike) -> Array:
    r"""Hyperbolic tangent :math:`\tanh z = (e^{z} - e^{-z}) / (e^{z} + e^{-z}) \in [-1, 1]`.

    Examples
    --------
    >>> tanh([-1e4, 0.0, 1.0]).round(4)
    array([-1.    ,  0.    ,  0.7616])
    """
    return np.tanh(_float(z))


def tanh_derivative(z: ArrayLike) -> Array:
    r"""Derivative of tanh, :math:`\tanh'(z) = 1 - \tanh^2 z = \operatorname{sech}^2 z \in (0, 1]`.

    Maximal (1) at :math:`z = 0`. :math:`\tanh(z) = 2\sigma(2z) - 1`, so
    :math:`\tanh'(z) = 4\sigma'(2z)`: a sigmoid stretched to peak at 1 instead of :math:`1/4`.

    Examples
    --------
    >>> tanh_derivative([0.0, 1.0]).round(4)
    array([1.  , 0.42])
    """
    z = _float(z)
    # sech^2 z with sech z = 2s/(1 + s^2), s = e^{-|z|}: full relative precision in the tails
    # and never above 1 (4e/(1+e)^2 exceeds 1 by an ulp for some tiny z). In place.
    s = np.abs(z, out=np.empty_like(z))
    sech = _sech_of(_exp_of(np.negative(s, out=s)))
    sech *= sech
    return _result(sech)


# --------------------------------------------------------------------------------------
# ReLU family
# --------------------------------------------------------------------------------------
def relu(z: ArrayLike) -> Array:
    r"""Rectified linear unit :math:`\mathrm{relu}(z) = \max(z, 0)`.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    z = _float(z)
    return np.maximum(z, 0.0, dtype=z.dtype)


def relu_derivative(z: ArrayLike) -> Array:
    """Derivative of ReLU: 1 for :math:`z > 0`, else 0 (the value 0 is used at :math:`z = 0`).

    Examples
    --------
    >>> relu_derivative([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    z = _float(z)
    return np.greater(z, 0.0, out=np.empty_like(z))  # written as 1.0/0.0: no boolean copy


def leaky_relu(z: ArrayLike, slope: float = 0.01) -> Array:
    r"""Leaky ReLU :math:`f(z) = z` for :math:`z > 0`, :math:`a z` otherwise.

    Parameters
    ----------
    slope : float, default 0.01
        Negative-side slope :math:`a \ge 0` (PyTorch's default 0.01; Keras' layer uses 0.3 and
        its function 0.2).

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0])
    array([-0.02,  3.  ])
    """
    z = _float(z)
    a = check_positive(slope, "slope", allow_zero=True)
    return np.where(z > 0, z, z * z.dtype.type(a))


def leaky_relu_derivative(z: ArrayLike, slope: float = 0.01) -> Array:
    """Derivative of Leaky ReLU: 1 for :math:`z > 0`, the ``slope`` :math:`a` otherwise.

    Examples
    --------
    >>> leaky_relu_derivative([-2.0, 3.0])
    array([0.01, 1.  ])
    """
    z = _float(z)
    a = check_positive(slope, "slope", allow_zero=True)
    return np.where(z > 0, z.dtype.type(1.0), z.dtype.type(a))


def elu(z: ArrayLike, alpha: float = 1.0) -> Array:
    r"""Exponential linear unit: :math:`z` for :math:`z > 0`, :math:`\alpha(e^{z} - 1)` otherwise.

    Parameters
    ----------
    alpha : float, default 1.0
        Positive; :math:`-\alpha` is the limit for :math:`z \to -\infty` and the lower bound.

    Examples
    --------
    >>> elu([-1.0, 2.0]).round(5)
    array([-0.63212,  2.     ])
    """
    z = _float(z)
    a = check_positive(alpha, "alpha")
    return np.where(z > 0, z, a * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z: ArrayLike, alpha: float = 1.0) -> Array:
    r"""Derivative of ELU: 1 for :math:`z > 0`, :math:`\alpha e^{z}` otherwise.

    Values in :math:`(0, \max(1, \alpha)]`.

    Examples
    --------
    >>> elu_derivative([-1.0, 2.0]).round(5)
    array([0.36788, 1.     ])
    """
    z = _float(z)
    a = check_positive(alpha, "alpha")
    return np.where(z > 0, z.dtype.type(1.0), a * np.exp(np.minimum(z, 0.0)))


def selu(z: ArrayLike) -> Array:
    r"""Scaled ELU :math:`\lambda\,\mathrm{elu}_\alpha(z)` with the fixed constants of SELU.

    :math:`\alpha \approx 1.6733` and :math:`\lambda \approx 1.0507` (:data:`SELU_ALPHA`,
    :data:`SELU_LAMBDA`) make zero mean and unit variance a fixed point of the forward pass
    when weights have variance :math:`1/n_\text{in}` (LeCun normal).

    References
    ----------
    .. [1] G. Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017.

    Examples
    --------
    >>> selu([-1.0, 1.0]).round(5)
    array([-1.11133,  1.0507 ])
    """
    return SELU_LAMBDA * elu(z, SELU_ALPHA)


def selu_derivative(z: ArrayLike) -> Array:
    r"""Derivative of SELU: :math:`\lambda` for :math:`z > 0`, else :math:`\lambda\alpha e^{z}`.

    Values in :math:`(0, \lambda\alpha] \approx (0, 1.758]`.

    Examples
    --------
    >>> selu_derivative([-1.0, 1.0]).round(5)
    array([0.64677, 1.0507 ])
    """
    return SELU_LAMBDA * elu_derivative(z, SELU_ALPHA)


# --------------------------------------------------------------------------------------
# smooth ReLU-likes
# --------------------------------------------------------------------------------------
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(z: Array) -> Array:
    r""":math:`\Phi(z) = \mathrm{erfc}(-z/\sqrt{2})/2` for the standard normal.

    ``erfc`` keeps full relative precision in the left tail, where ``(1 + erf(z/sqrt 2))/2``
    cancels (it returns 0 for z < -8.3).
    """
    return 0.5 * np.asarray(_erfc(-z / _SQRT_2), dtype=z.dtype)


def _normal_pdf(z: Array) -> Array:
    r""":math:`\varphi(z) = e^{-z^2/2} / \sqrt{2\pi}` (underflows to 0, never overflows)."""
    return np.exp(-0.5 * np.minimum(z * z, 2.0e4)) / math.sqrt(2.0 * math.pi)


def gelu(z: ArrayLike, approximate: bool = False) -> Array:
    r"""Gaussian error linear unit :math:`\mathrm{gelu}(z) = z\,\Phi(z)` (:math:`\Phi`: normal CDF).

    Parameters
    ----------
    approximate : bool, default False
        If True use the tanh approximation
        :math:`\tfrac12 z\,(1 + \tanh(\sqrt{2/\pi}\,(z + 0.044715 z^3)))` (max error
        :math:`\approx 4.7\times10^{-4}`); otherwise the exact erf form, evaluated elementwise
        with ``math.erfc`` (exact to double precision but slower).

    References
    ----------
    .. [1] D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)", 2016.

    Examples
    --------
    >>> print(f"{float(gelu(1.0)):.6f} {float(gelu(1.0, approximate=True)):.6f}")
    0.841345 0.841192
    """
    z = _float(z)
    if approximate:
        inner = _SQRT_2_OVER_PI * (z + _GELU_TANH_COEF * z * z * z)
        # 0.5 (1 + tanh u) = sigmoid(2u), without the cancellation of 1 + tanh u for u << 0
        return z * sigmoid(2.0 * inner)
    return z * _normal_cdf(z)


def gelu_derivative(z: ArrayLike, approximate: bool = False) -> Array:
    r"""Derivative of GELU, :math:`\Phi(z) + z\,\varphi(z)`, in about :math:`[-0.13, 1.13]`.

    With ``approximate=True``, the derivative of the tanh approximation (see :func:`gelu`).

    Examples
    --------
    >>> gelu_derivative([0.0, 1.0]).round(5)
    array([0.5    , 1.08332])
    """
    z = _float(z)
    if approximate:
        inner = _SQRT_2_OVER_PI * (z + _GELU_TANH_COEF * z * z * z)
        dinner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_COEF * z * z)
        # 0.5 (1 + tanh u) = sigmoid(2u) and 0.5 (1 - tanh^2 u) = 2 sigmoid'(2u), both stable
        return sigmoid(2.0 * inner) + 2.0 * z * sigmoid_derivative(2.0 * inner) * dinner
    return _normal_cdf(z) + z * _normal_pdf(z)


def softplus(z: ArrayLike) -> Array:
    r"""Softplus :math:`\log(1 + e^{z}) > 0`, a smooth ReLU (:math:`\approx z` for large :math:`z`).

    Computed as ``logaddexp(0, z)``: no overflow at :math:`z = 10^4`.

    Examples
    --------
    >>> softplus([-1e4, 0.0, 1e4]).tolist()
    [0.0, 0.6931471805599453, 10000.0]
    """
    z = _float(z)
    return np.logaddexp(z.dtype.type(0.0), z)


def softplus_derivative(z: ArrayLike) -> Array:
    r"""Derivative of softplus, which is the sigmoid: :math:`\sigma(z)`.

    Examples
    --------
    >>> softplus_derivative([0.0])
    array([0.5])
    """
    return sigmoid(z)


def silu(z: ArrayLike) -> Array:
    r"""SiLU / swish :math:`z\,\sigma(z)`, bounded below by about :math:`-0.278`.

    Examples
    --------
    >>> silu([-1.0, 1.0]).round(5)
    array([-0.26894,  0.73106])
    """
    z = _float(z)
    return z * sigmoid(z)


def silu_derivative(z: ArrayLike) -> Array:
    r"""Derivative of SiLU, :math:`\sigma(z)\,(1 + z\,(1 - \sigma(z)))`, in about [-0.1, 1.1].

    Examples
    --------
    >>> silu_derivative([0.0, 1.0]).round(5)
    array([0.5    , 0.92767])
    """
    z = _float(z)
    s = sigmoid(z)
    return s * (1.0 + z * sigmoid(-z))


def softsign(z: ArrayLike) -> Array:
    """Softsign :math:`z / (1 + |z|)`, in :math:`(-1, 1)`.

    Examples
    --------
    >>> softsign([-1.0, 3.0])
    array([-0.5 ,  0.75])
    """
    z = _float(z)
    return z / (1.0 + np.abs(z))


def softsign_derivative(z: ArrayLike) -> Array:
    r"""Derivative of softsign, :math:`1 / (1 + |z|)^2 \in (0, 1]`.

    It decays polynomially, not exponentially like tanh'.

    Examples
    --------
    >>> softsign_derivative([0.0, 1.0])
    array([1.  , 0.25])
    """
    z = _float(z)
    return 1.0 / (1.0 + np.abs(z)) ** 2


# --------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Activation:
    r"""A named activation: a function and its derivative with respect to the pre-activation.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"relu"``.
    forward : callable
        :math:`z \mapsto f(z)`.
    derivative : callable
        :math:`z \mapsto f'(z)`.
    params : dict, optional
        Keyword parameters already bound into ``forward`` and ``derivative``
        (e.g. ``{"slope": 0.2}``).

    Examples
    --------
    >>> act = get_activation("leaky_relu", slope=0.2)
    >>> act(-1.0), act.derivative(-1.0)
    (array(-0.2), array(0.2))
    >>> act
    Activation(name='leaky_relu', params={'slope': 0.2})
    >>> act.label
    'Leaky ReLU'
    """

    name: str
    forward: Callable[[ArrayLike], Array] = field(repr=False)
    derivative: Callable[[ArrayLike], Array] = field(repr=False)
    params: dict[str, float] = field(default_factory=dict)

    def __call__(self, z: ArrayLike) -> Array:
        """Evaluate the activation, ``self.forward(z)``."""
        return self.forward(z)

    @property
    def label(self) -> str:
        """The name as usually written in text and legends, e.g. ``"Leaky ReLU"``."""
        return LABELS[self.name]


_PAIRS: dict[str, tuple[Callable[..., Array], Callable[..., Array], tuple[str, ...]]] = {
    "identity": (identity, identity_derivative, ()),
    "sigmoid": (sigmoid, sigmoid_derivative, ()),
    "tanh": (tanh, tanh_derivative, ()),
    "relu": (relu, relu_derivative, ()),
    "leaky_relu": (leaky_relu, leaky_relu_derivative, ("slope",)),
    "elu": (elu, elu_derivative, ("alpha",)),
    "selu": (selu, selu_derivative, ()),
    "gelu": (gelu, gelu_derivative, ("approximate",)),
    "softplus": (softplus, softplus_derivative, ()),
    "silu": (silu, silu_derivative, ()),
    "softsign": (softsign, softsign_derivative, ()),
}
_ALIASES = {"linear": "identity", "swish": "silu", "logistic": "sigmoid"}

#: How each activation is usually written in text and figure legends.
LABELS: dict[str, str] = {
    "identity": "identity",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "elu": "ELU",
    "selu": "SELU",
    "gelu": "GELU",
    "softplus": "softplus",
    "silu": "SiLU",
    "softsign": "softsign",
}

#: Every activation with its default parameters, by name.
ACTIVATIONS: dict[str, Activation] = {
    name: Activation(name, fwd, der) for name, (fwd, der, _) in _PAIRS.items()
}


def get_activation(name: str | Activation, **params: Any) -> Activation:
    """Look an activation up by name, optionally binding its parameters.

    Parameters
    ----------
    name : str or Activation
        One of :data:`ACTIVATIONS` (aliases ``linear``, ``swish`` and ``logistic`` accepted).
        An :class:`Activation` is returned unchanged.
    **params
        Parameters of that activation: ``slope`` (leaky_relu), ``alpha`` (elu),
        ``approximate`` (gelu).

    Returns
    -------
    Activation
        The function and its derivative with the parameters bound.

    Raises
    ------
    ValueError
        If the name is unknown (the message lists the valid names) or a parameter does not
        belong to that activation.

    Examples
    --------
    >>> float(get_activation("tanh").derivative(0.0))
    1.0
    >>> get_activation("softmax")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softmax': activation must be one of 'elu', 'gelu', ...
    """
    if isinstance(name, Activation):
        if params:
            raise ValueError("parameters cannot be bound to an Activation instance; pass its name")
        return name
    key = lookup_name(name, "activation", _PAIRS, _ALIASES)
    forward, derivative, allowed = _PAIRS[key]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        accepts = ", ".join(allowed) if allowed else "no parameters"
        raise ValueError(f"activation {key!r} accepts {accepts}; got unexpected {unknown}")
    if not params:
        return ACTIVATIONS[key]
    return Activation(key, partial(forward, **params), partial(derivative, **params), params)
