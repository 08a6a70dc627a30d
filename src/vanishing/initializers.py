r"""Weight initializers.

Shape convention: a weight matrix has shape ``(fan_in, fan_out)`` because layers compute
``x @ W`` with ``x`` of shape ``(n_samples, fan_in)``. (PyTorch stores ``(out, in)``; the
formulas are the same once the two fans are named.)

Almost every initializer is one line on top of :func:`variance_scaling`, which draws weights
of variance

.. math::

    \operatorname{Var}[W] = \frac{\text{scale}}{n}, \qquad
    n \in \{n_\text{in},\ n_\text{out},\ (n_\text{in} + n_\text{out})/2\}.

================================  =========  ==========  ======================================
initializer                       scale      n           also known as
================================  =========  ==========  ======================================
:func:`standard_uniform`          1/3        fan_in      Glorot's "standard", torch Linear
:func:`xavier_uniform`            gain^2     fan_avg     Glorot uniform
:func:`xavier_normal`             gain^2     fan_avg     Glorot normal
:func:`he_normal`                 2/(1+a^2)  fan_in      Kaiming normal
:func:`he_uniform`                2/(1+a^2)  fan_in      Kaiming uniform
:func:`lecun_normal`              1          fan_in      (use with SELU)
:func:`lecun_uniform`             1          fan_in
================================  =========  ==========  ======================================

>>> import numpy as np
>>> W = he_normal((512, 256), np.random.default_rng(0))
>>> round(float(W.var() * 512), 2)
2.01

.. rubric:: Parameters shared by every initializer

shape : tuple of int
    The array's shape; for the variance-scaled ones a 2-D weight shape
    ``(fan_in, fan_out)`` (anything else raises ``ValueError``).
rng : numpy.random.Generator
    The source of randomness, always explicit (:func:`zeros` and :func:`constant` ignore
    it, and accept ``None``).
dtype : dtype, default float64
    Floating dtype of the result.

Every initializer returns a new array of shape ``shape``; :class:`~vanishing.layers.Dense`
calls ``init((fan_in, fan_out), rng, dtype=...)`` (bind other options with
``functools.partial``). Why each scale is what it is: :ref:`theory-initialization`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from vanishing._validation import (
    check_choice,
    check_positive,
    check_positive_int,
    lookup_name,
)

__all__ = [
    "INITIALIZERS",
    "calculate_gain",
    "constant",
    "fans",
    "get_initializer",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "orthogonal",
    "standard_uniform",
    "uniform",
    "variance_scaling",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Array = NDArray[np.floating[Any]]
Shape = tuple[int, ...]


def _shape(shape: Any) -> Shape:
    """Validate a shape: a tuple of positive ints (an int means a 1-D shape)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"shape must be a non-empty tuple of positive ints, got {shape!r}")
    return tuple(check_positive_int(n, f"shape[{i}]") for i, n in enumerate(shape))


def _rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    return rng


def fans(shape: Any) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a 2-D weight shape ``(fan_in, fan_out)``.

    Raises ``ValueError`` if the shape is not 2-D (fans are only defined for weight matrices
    here).

    Examples
    --------
    >>> fans((784, 30))
    (784, 30)
    """
    shape = _shape(shape)
    if len(shape) != 2:
        raise ValueError(f"fans need a 2-D weight shape (fan_in, fan_out), got {shape}")
    return shape[0], shape[1]


def zeros(
    shape: Any, rng: np.random.Generator | None = None, *, dtype: DTypeLike = np.float64
) -> Array:
    """All zeros: the symmetric start that never learns distinct units.

    With all weights equal, every unit of a layer computes the same output and receives the
    same gradient, so the units stay identical forever (:ref:`init-symmetry`).

    Examples
    --------
    >>> zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros(_shape(shape), dtype=dtype)


def constant(
    shape: Any,
    rng: np.random.Generator | None = None,
    *,
    value: float = 1.0,
    dtype: DTypeLike = np.float64,
) -> Array:
    """Every entry equal to ``value`` (a finite float, default 1.0): the symmetry of :func:`zeros`.

    Examples
    --------
    >>> constant((1, 2), value=0.5)
    array([[0.5, 0.5]])
    """
    if not math.isfinite(float(value)):
        raise ValueError(f"value must be finite, got {value!r}")
    return np.full(_shape(shape), float(value), dtype=dtype)


def normal(
    shape: Any,
    rng: np.random.Generator,
    *,
    std: float = 1.0,
    mean: float = 0.0,
    dtype: DTypeLike = np.float64,
) -> Array:
    r"""Draw from :math:`\mathcal N(\text{mean}, \text{std}^2)`, whatever the layer size.

    ``std`` (default 1.0) must be positive, ``mean`` defaults to 0. ``N(0, 1)`` saturates
    sigmoids in wide layers; ``N(0, 0.01)`` makes the signal vanish with depth.

    Examples
    --------
    >>> normal((2,), np.random.default_rng(0), std=0.1).round(4)
    array([ 0.0126, -0.0132])
    """
    std = check_positive(std, "std")
    weights = _rng(rng).standard_normal(_shape(shape))
    weights *= std  # std N(0, 1), in place
    weights += mean  # mean + std N(0, 1)
    return weights.astype(dtype, copy=False)


def uniform(
    shape: Any,
    rng: np.random.Generator,
    *,
    limit: float = 1.0,
    dtype: DTypeLike = np.float64,
) -> Array:
    r"""Draw from :math:`U[-\text{limit}, \text{limit}]` (variance :math:`\text{limit}^2/3`).

    ``limit`` (default 1.0) is the positive half-width of the interval.

    Examples
    --------
    >>> uniform((2,), np.random.default_rng(0), limit=4.0).round(3)
    array([ 1.096, -1.842])
    """
    limit = check_positive(limit, "limit")
    return _rng(rng).uniform(-limit, limit, _shape(shape)).astype(dtype, copy=False)


def variance_scaling(
    shape: Any,
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "normal",
    dtype: DTypeLike = np.float64,
) -> Array:
    r"""Weights with variance ``scale / n``: the one initializer all others specialise.

    Parameters
    ----------
    scale : float, default 1.0
        Target :math:`n\,\operatorname{Var}[W]` (positive). This is the *gain squared*.
    mode : {"fan_in", "fan_out", "fan_avg"}, default "fan_in"
        Which :math:`n`: :math:`n_\text{in}` preserves the forward signal,
        :math:`n_\text{out}` the backward gradient, their mean compromises (Glorot).
    distribution : {"normal", "uniform"}, default "normal"
        ``normal``: :math:`\mathcal N(0, \text{scale}/n)` (not truncated);
        ``uniform``: :math:`U[-\sqrt{3\,\text{scale}/n}, \sqrt{3\,\text{scale}/n}]`.

    Raises
    ------
    ValueError
        For a non-2-D shape, a non-positive scale, or an unknown mode or distribution.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W = variance_scaling((1000, 1000), rng, scale=2.0, mode="fan_in")
    >>> round(float(W.var() * 1000), 2)
    2.0
    """
    fan_in, fan_out = fans(shape)
    scale = check_positive(scale, "scale")
    mode = check_choice(mode, "mode", ("fan_in", "fan_out", "fan_avg"))
    distribution = check_choice(distribution, "distribution", ("normal", "uniform"))
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = scale / n
    if distribution == "normal":
        return normal((fan_in, fan_out), rng, std=math.sqrt(variance), dtype=dtype)
    return uniform((fan_in, fan_out), rng, limit=math.sqrt(3.0 * variance), dtype=dtype)


def standard_uniform(
    shape: Any, rng: np.random.Generator, *, dtype: DTypeLike = np.float64
) -> Array:
    r"""Glorot & Bengio's "standard" init :math:`U[-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}}]`.

    ``variance_scaling(scale=1/3, mode="fan_in", distribution="uniform")``; the default of
    PyTorch's ``nn.Linear``. :math:`n_\text{in}\operatorname{Var}[W] = 1/3`, so the signal
    shrinks layer after layer.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
       feedforward neural networks", AISTATS 2010, eq. (1).

    Examples
    --------
    >>> W = standard_uniform((100, 3), np.random.default_rng(0))
    >>> bool(np.abs(W).max() <= 0.1)
    True
    """
    return variance_scaling(
        shape, rng, scale=1 / 3, mode="fan_in", distribution="uniform", dtype=dtype
    )


def xavier_uniform(
    shape: Any, rng: np.random.Generator, *, gain: float = 1.0, dtype: DTypeLike = np.float64
) -> Array:
    r"""Xavier/Glorot uniform :math:`U[-a, a]`, :math:`a = g\sqrt{6/(n_\text{in}+n_\text{out})}`.

    ``variance_scaling(scale=gain**2, mode="fan_avg", distribution="uniform")``, i.e.
    :math:`\operatorname{Var}[W] = 2\,\text{gain}^2/(n_\text{in}+n_\text{out})`. ``gain``
    (default 1.0) multiplies the standard deviation, see :func:`calculate_gain`.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, AISTATS 2010, eq. (16) ("normalized initialization").

    Examples
    --------
    >>> W = xavier_uniform((300, 300), np.random.default_rng(0))
    >>> bool(np.abs(W).max() <= np.sqrt(6 / 600))
    True
    """
    gain = check_positive(gain, "gain")
    return variance_scaling(
        shape, rng, scale=gain**2, mode="fan_avg", distribution="uniform", dtype=dtype
    )


def xavier_normal(
    shape: Any, rng: np.random.Generator, *, gain: float = 1.0, dtype: DTypeLike = np.float64
) -> Array:
    r"""Xavier/Glorot normal: :math:`\mathcal N(0, 2\,\text{gain}^2/(n_\text{in}+n_\text{out}))`.

    ``variance_scaling(scale=gain**2, mode="fan_avg", distribution="normal")``. The standard
    deviation is :math:`\sqrt{2/(n_\text{in}+n_\text{out})}`, not :math:`\sqrt{3/\dots}`
    (:ref:`init-xavier`).

    Examples
    --------
    >>> W = xavier_normal((500, 500), np.random.default_rng(0))
    >>> round(float(W.std() * np.sqrt(1000 / 2)), 2)
    1.0
    """
    gain = check_positive(gain, "gain")
    return variance_scaling(
        shape, rng, scale=gain**2, mode="fan_avg", distribution="normal", dtype=dtype
    )


def _he_scale(negative_slope: float) -> float:
    a = check_positive(negative_slope, "negative_slope", allow_zero=True)
    return 2.0 / (1.0 + a * a)


def he_normal(
    shape: Any,
    rng: np.random.Generator,
    *,
    negative_slope: float = 0.0,
    mode: str = "fan_in",
    dtype: DTypeLike = np.float64,
) -> Array:
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2/((1+a^2)\,n))` for (leaky) ReLU layers.

    ``variance_scaling(scale=2/(1+a**2), mode=mode, distribution="normal")``.

    Parameters
    ----------
    negative_slope : float, default 0.0
        Leaky ReLU slope :math:`a` of the layer's activation (0 for ReLU).
    mode : {"fan_in", "fan_out"}, default "fan_in"
        Preserve the forward signal (fan_in) or the backward gradient (fan_out); either one
        suffices, the other is then off by a constant factor, not an exponential one.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers", ICCV 2015.

    Examples
    --------
    >>> W = he_normal((1000, 1000), np.random.default_rng(0))
    >>> round(float(W.var() * 1000), 2)
    2.0
    """
    mode = check_choice(mode, "mode", ("fan_in", "fan_out"))
    return variance_scaling(shape, rng, scale=_he_scale(negative_slope), mode=mode, dtype=dtype)


def he_uniform(
    shape: Any,
    rng: np.random.Generator,
    *,
    negative_slope: float = 0.0,
    mode: str = "fan_in",
    dtype: DTypeLike = np.float64,
) -> Array:
    r"""He/Kaiming uniform: :math:`U[-b, b]`, :math:`b = \sqrt{6/((1+a^2)\,n)}`.

    ``variance_scaling(scale=2/(1+a**2), mode=mode, distribution="uniform")``; ``negative_slope``
    and ``mode`` as in :func:`he_normal`.

    Examples
    --------
    >>> W = he_uniform((600, 10), np.random.default_rng(0))
    >>> bool(np.abs(W).max() <= 0.1)
    True
    """
    mode = check_choice(mode, "mode", ("fan_in", "fan_out"))
    return variance_scaling(
        shape, rng, scale=_he_scale(negative_slope), mode=mode, distribution="uniform", dtype=dtype
    )


def lecun_normal(shape: Any, rng: np.random.Generator, *, dtype: DTypeLike = np.float64) -> Array:
    r"""LeCun normal :math:`\mathcal N(0, 1/n_\text{in})`, the partner of SELU.

    ``variance_scaling(scale=1, mode="fan_in", distribution="normal")``.

    Examples
    --------
    >>> W = lecun_normal((1000, 1000), np.random.default_rng(0))
    >>> round(float(W.var() * 1000), 2)
    1.0
    """
    return variance_scaling(
        shape, rng, scale=1.0, mode="fan_in", distribution="normal", dtype=dtype
    )


def lecun_uniform(shape: Any, rng: np.random.Generator, *, dtype: DTypeLike = np.float64) -> Array:
    r"""LeCun uniform :math:`U[-\sqrt{3/n_\text{in}}, \sqrt{3/n_\text{in}}]`.

    ``variance_scaling(scale=1, mode="fan_in", distribution="uniform")``.

    Examples
    --------
    >>> W = lecun_uniform((300, 10), np.random.default_rng(0))
    >>> bool(np.abs(W).max() <= 0.1)
    True
    """
    return variance_scaling(
        shape, rng, scale=1.0, mode="fan_in", distribution="uniform", dtype=dtype
    )


def orthogonal(
    shape: Any, rng: np.random.Generator, *, gain: float = 1.0, dtype: DTypeLike = np.float64
) -> Array:
    """A (semi-)orthogonal matrix times ``gain``: every singular value equals ``gain``.

    If the shape is not square the result has orthonormal rows or columns (times ``gain``).
    Drawn as the Q factor of a Gaussian matrix, with the signs of R's diagonal folded into Q
    so the distribution is uniform (Haar). Products of orthogonal matrices keep every
    singular value at 1, so deep *linear* networks neither shrink nor blow up signals
    (:ref:`init-orthogonal`).

    References
    ----------
    .. [1] A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear
       dynamics of learning in deep linear neural networks", ICLR 2014.

    Examples
    --------
    >>> Q = orthogonal((4, 4), np.random.default_rng(0), gain=2.0)
    >>> np.allclose(Q.T @ Q, 4.0 * np.eye(4))
    True
    """
    fan_in, fan_out = fans(shape)
    gain = check_positive(gain, "gain")
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(_rng(rng).standard_normal((rows, cols)))
    q = q * np.sign(np.diag(r))
    if fan_in < fan_out:
        q = q.T
    return (gain * q).astype(dtype, copy=False)


#: Aliases: Glorot is Xavier, Kaiming is He.
glorot_uniform = xavier_uniform
glorot_normal = xavier_normal
kaiming_normal = he_normal
kaiming_uniform = he_uniform


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""Recommended gain (standard-deviation multiplier) for an activation, as in PyTorch.

    ================  ==============================================
    nonlinearity      gain
    ================  ==============================================
    linear, identity  1
    sigmoid           1
    tanh              5/3
    relu              :math:`\sqrt 2`
    leaky_relu        :math:`\sqrt{2/(1+a^2)}` (default :math:`a = 0.01`)
    selu              3/4
    ================  ==============================================

    ``param`` is the negative slope :math:`a` of ``leaky_relu``. Raises ``ValueError`` for an
    unknown name (the message lists the valid ones) or a ``param`` given to an activation that
    takes none.

    Examples
    --------
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> round(calculate_gain("tanh"), 4)
    1.6667
    """
    name = check_choice(
        nonlinearity,
        "nonlinearity",
        ("identity", "leaky_relu", "linear", "relu", "selu", "sigmoid", "tanh"),
    )
    if name == "leaky_relu":
        slope = 0.01 if param is None else check_positive(param, "param", allow_zero=True)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if param is not None:
        raise ValueError(f"calculate_gain({name!r}) takes no param, got {param!r}")
    return {
        "identity": 1.0,
        "linear": 1.0,
        "sigmoid": 1.0,
        "tanh": 5 / 3,
        "relu": math.sqrt(2.0),
        "selu": 0.75,
    }[name]


Initializer = Callable[..., Array]

#: Initializers by name (aliases included).
INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "standard_uniform": standard_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "kaiming_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "orthogonal": orthogonal,
}


def get_initializer(name: str | Initializer) -> Initializer:
    """Look an initializer up by name (a callable is returned unchanged).

    Parameters
    ----------
    name : str or callable
        A key of :data:`INITIALIZERS` (case-insensitive).

    Returns
    -------
    callable
        ``init(shape, rng, **kwargs) -> ndarray``.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_initializer("kaiming_normal") is he_normal
    True
    """
    if callable(name):
        return name
    if isinstance(name, str) and name.lower() == "edge_of_chaos":
        raise ValueError(
            "the edge-of-chaos initializer depends on the activation: use "
            "vanishing.meanfield.edge_of_chaos(activation), or MLP(..., init='edge_of_chaos')"
        )
    return INITIALIZERS[lookup_name(name, "initializer", INITIALIZERS)]
