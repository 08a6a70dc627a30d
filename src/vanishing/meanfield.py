r"""Mean-field signal propagation: why depth hurts, for the network as a whole.

A wide network at initialisation with weights :math:`W_{ij} \sim \mathcal N(0, \sigma_w^2/n)`
and biases :math:`b_i \sim \mathcal N(0, \sigma_b^2)` computes
:math:`z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}`, :math:`a^{(l)} = \phi(z^{(l)})`. Its
pre-activations are Gaussian, with a variance that follows a one-dimensional map (Poole et
al. 2016 [1]_), with fixed point :math:`q^*`:

.. math::

    q^{(l)} = \mathcal V(q^{(l-1)})
        = \sigma_w^2\,\mathbb E_z\!\left[\phi(\sqrt{q^{(l-1)}}\,z)^2\right] + \sigma_b^2,
    \qquad z \sim \mathcal N(0, 1).

Two inputs with correlation :math:`c` map to
:math:`c' = \big(\sigma_w^2\,\mathbb E[\phi(u_1)\phi(u_2)] + \sigma_b^2\big)/q^*`, with
:math:`u_1 = \sqrt{q^*} z_1`, :math:`u_2 = \sqrt{q^*}(c z_1 + \sqrt{1-c^2} z_2)`. Its slope
at :math:`c = 1`,

.. math::

    \chi_1 = \sigma_w^2\,\mathbb E_z\!\left[\phi'(\sqrt{q^*}\,z)^2\right],

is also the growth per layer of the mean squared back-propagated delta (Schoenholz et al.
2017 [2]_): :math:`\chi_1 < 1` is the *ordered* phase (gradients vanish),
:math:`\chi_1 > 1` the *chaotic* one (they explode), :math:`\chi_1 = 1` the *edge of
chaos*. Correlations settle within :math:`\xi_c = -1/\ln\chi_c` layers, with
:math:`\chi_c = \sigma_w^2\,\mathbb E[\phi'(u_1)\phi'(u_2)]` at the correlation fixed point
:math:`c^*`, the variance within :math:`\xi_q = -1/\ln \mathcal V'(q^*)`. The theory page
:ref:`theory-signal-propagation` derives all of it (:ref:`signalprop-math`).

.. rubric:: Parameters shared by the functions below

sw2, sb2 : array_like
    :math:`\sigma_w^2 = n\operatorname{Var}[W] > 0` and :math:`\sigma_b^2 = \operatorname{Var}[b]
    \ge 0`, arrays that broadcast together (and with ``q`` or ``c``).
activation : str or Activation
    :math:`\phi`, by name or as an :class:`~vanishing.activations.Activation` (a user's own
    too).
q : array_like, optional
    Where a function takes it: evaluate at this variance instead of the fixed point
    :math:`q^*`.
quad : Quadrature, default PRECISE
    Expectations are Gauss-Legendre quadratures on :math:`[-12, 0]` and :math:`[0, 12]`
    under the Gaussian density, split at 0 where ReLU-like activations have their kink
    (and where the derivative of a saturating one peaks), accurate to about
    :math:`10^{-12}`; the two-dimensional ones use polar coordinates split at the kinks,
    about :math:`10^{-9}`. :data:`COARSE` is faster and coarser.

>>> point = fixed_point(1.0, 0.0, "relu")      # sigma_w^2 = 1: half of He's 2
>>> float(point)
0.0
>>> round(float(chi1(2.0, 0.0, "relu")), 12), round(float(chi1(1.0, 0.0, "tanh")), 12)
(1.0, 1.0)

References
----------
.. [1] B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein and S. Ganguli, "Exponential
   expressivity in deep neural networks through transient chaos", NeurIPS 2016.
.. [2] S. S. Schoenholz, J. Gilmer, S. Ganguli and J. Sohl-Dickstein, "Deep information
   propagation", ICLR 2017.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from vanishing._validation import as_generator, check_positive, check_positive_int
from vanishing.activations import Activation, get_activation
from vanishing.initializers import variance_scaling

__all__ = [
    "COARSE",
    "GaussianInit",
    "DepthScales",
    "EdgeOfChaos",
    "PRECISE",
    "Quadrature",
    "PhaseDiagram",
    "chi1",
    "correlation_fixed_point",
    "correlation_map",
    "critical_line",
    "depth_scales",
    "edge_of_chaos",
    "fixed_point",
    "gaussian_expectation",
    "phase_diagram",
    "variance_map",
    "variance_map_slope",
]

Array = NDArray[np.floating[Any]]

#: Half-width of the integration range in standard deviations: the Gaussian mass beyond
#: it, 2e-33, is far below float64 resolution.
_CUTOFF = 12.0


class Quadrature(NamedTuple):
    r"""How Gaussian expectations are computed (see the module docstring).

    Attributes
    ----------
    line : tuple of int
        (intervals, nodes per interval) of the graded Gauss-Legendre rule on each half line:
        intervals [0, 12/2^(K-1)], ..., [3, 6], [6, 12], so that functions varying on the
        scale :math:`1/\sqrt q` near 0 (tanh' at large q) are resolved as well as smooth ones.
    radial : tuple of int
        The same for the radius of two-dimensional expectations.
    angular : int
        Gauss-Legendre nodes on each of the four angular sectors between kinks.
    """

    line: tuple[int, int]
    radial: tuple[int, int]
    angular: int


#: About 1e-12 relative in one dimension and 1e-9 in two (288 and 11,520 nodes).
PRECISE = Quadrature((12, 12), (12, 10), 24)
#: About 1e-8 and 1e-5 (160 and 1,536 nodes): what :func:`phase_diagram` uses.
COARSE = Quadrature((10, 8), (8, 6), 8)


@functools.cache
def _half_line_rule(rule: tuple[int, int]) -> tuple[Array, Array]:
    """Nodes t in (0, 12), graded towards 0, and their Gauss-Legendre weights (no density)."""
    intervals, nodes = rule
    x, w = np.polynomial.legendre.leggauss(nodes)
    breaks = np.concatenate([[0.0], _CUTOFF * 2.0 ** -np.arange(intervals - 1, -1, -1.0)])
    lo, hi = breaks[:-1, None], breaks[1:, None]
    return (lo + 0.5 * (hi - lo) * (x + 1.0)).ravel(), (0.5 * (hi - lo) * w).ravel()


def _density(z: Array) -> Array:
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


@functools.cache
def _gauss_rule(rule: tuple[int, int]) -> tuple[Array, Array]:
    """Nodes and weights of E[f(z)], z ~ N(0, 1), split and graded at 0."""
    t, w = _half_line_rule(rule)
    z = np.concatenate([-t[::-1], t])
    return z, np.concatenate([w[::-1], w]) * _density(z)


def gaussian_expectation(f: Any, scale: ArrayLike = 1.0, quad: Quadrature = PRECISE) -> Array:
    r"""Compute :math:`\mathbb E[f(s z)]` for :math:`z \sim \mathcal N(0, 1)`, for every `s`.

    ``f`` is an elementwise function of an ndarray, ``scale`` the standard deviations
    :math:`s \ge 0` (any shape, default 1.0); the result has the shape of ``scale``.

    Examples
    --------
    >>> float(gaussian_expectation(np.square, 3.0))
    9.0
    >>> from vanishing.activations import tanh_derivative
    >>> round(float(gaussian_expectation(tanh_derivative)), 5)
    0.60571
    """
    z, w = _gauss_rule(quad.line)
    s = np.asarray(scale, dtype=np.float64)
    return np.asarray(f(s[..., None] * z) @ w)


def _variances(sw2: ArrayLike, sb2: ArrayLike) -> tuple[Array, Array]:
    """Check and broadcast the weight and bias variances."""
    w = np.asarray(sw2, dtype=np.float64)
    b = np.asarray(sb2, dtype=np.float64)
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError(f"sw2 (sigma_w^2) must be finite and > 0, got {sw2!r}")
    if not (np.all(np.isfinite(b)) and np.all(b >= 0)):
        raise ValueError(f"sb2 (sigma_b^2) must be finite and >= 0, got {sb2!r}")
    w, b = np.broadcast_arrays(w, b)
    return w, b


def variance_map(
    q: ArrayLike,
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    quad: Quadrature = PRECISE,
) -> Array:
    r"""One layer of the variance map :math:`\sigma_w^2\,\mathbb E[\phi(\sqrt q z)^2] + \sigma_b^2`.

    ``q`` is the variance of the previous layer's pre-activations (:math:`\ge 0`); the next
    layer's variance is returned, broadcast over the inputs.

    Examples
    --------
    >>> float(variance_map(1.0, 2.0, 0.0, "relu"))    # He: ReLU keeps the variance
    1.0
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    q = np.maximum(np.asarray(q, dtype=np.float64), 0.0)
    return w * gaussian_expectation(lambda u: np.square(act(u)), np.sqrt(q), quad) + b


def variance_map_slope(
    q: ArrayLike, sw2: ArrayLike, activation: str | Activation, quad: Quadrature = PRECISE
) -> Array:
    r"""Slope of the variance map, :math:`\sigma_w^2\,\mathbb E[\phi(u)\phi'(u)\,z]/\sqrt q`.

    With :math:`u = \sqrt q z`; it equals :math:`\sigma_w^2\,\mathbb E[\phi'(u)^2 + \phi(u)
    \phi''(u)]` by Gaussian integration by parts. A fixed point is stable when the slope
    there is below 1; :math:`\xi_q = -1/\ln(\text{slope})` is the depth over which the
    variance settles.

    Examples
    --------
    >>> float(variance_map_slope(3.0, 2.0, "relu"))    # the ReLU map is linear in q
    1.0
    """
    act = get_activation(activation)
    w, _ = _variances(sw2, 0.0)
    q = np.asarray(q, dtype=np.float64)
    return _map_and_slope(q, w, np.zeros_like(w), act, quad)[1]


def _map_and_slope(
    q: Array, sw2: Array, sb2: Array, act: Activation, quad: Quadrature
) -> tuple[Array, Array]:
    """The variance map and its slope at q, from one evaluation of phi and phi'."""
    z, wts = _gauss_rule(quad.line)
    s = np.sqrt(np.maximum(q, 1e-300))
    u = s[..., None] * z
    phi = act(u)
    return sw2 * (np.square(phi) @ wts) + sb2, sw2 * (((phi * act.derivative(u)) * z) @ wts) / s


def chi1(
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    *,
    q: ArrayLike | None = None,
    quad: Quadrature = PRECISE,
) -> Array:
    r""":math:`\chi_1 = \sigma_w^2\,\mathbb E[\phi'(\sqrt{q^*}\,z)^2]`: the delta's growth a layer.

    Below 1: ordered, gradients vanish; above 1: chaotic, they explode.

    Examples
    --------
    >>> round(float(chi1(1.0, 0.1, "relu")), 12)    # Xavier-like scale on ReLU: halves
    0.5
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    q = fixed_point(w, b, act, quad=quad) if q is None else np.asarray(q, dtype=np.float64)
    # at q* = 0 take the limit q -> 0+ (ReLU's derivative is 0 at exactly 0); at q* = inf
    # (an exploding unbounded activation) the limit of large q
    s = np.sqrt(np.clip(q, 1e-300, 1e200))
    return w * gaussian_expectation(lambda u: np.square(act.derivative(u)), s, quad)


def fixed_point(
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    *,
    q0: ArrayLike = 1.0,
    tol: float = 1e-13,
    max_iter: int = 1000,
    quad: Quadrature = PRECISE,
) -> Array:
    r"""The variance :math:`q^*` that the variance map reaches from :math:`q_0`.

    Iterates :math:`q \mapsto \mathcal V(q)`, taking a Newton step on
    :math:`\mathcal V(q) - q` whenever the map's slope is below 1 (where that step heads for
    the same attracting point, only faster), until :math:`|\mathcal V(q) - q|` is below ``tol``
    (relative) or ``max_iter`` iterations are spent. ``q0`` (default 1.0) is the starting
    variance: an input with unit-variance features gives :math:`q^{(1)} = \sigma_w^2 +
    \sigma_b^2`; the fixed point rarely depends on it.

    Returns ``inf`` where the variance grows without bound (an unbounded activation with
    :math:`\mathcal V'(q) > 1` for large :math:`q`, e.g. ReLU with :math:`\sigma_w^2 > 2`).

    Examples
    --------
    >>> round(float(fixed_point(1.0, 0.5, "relu")), 12)    # q* = sb2 / (1 - sw2/2)
    1.0
    >>> float(fixed_point(3.0, 0.0, "relu"))
    inf
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    tol = check_positive(tol, "tol")
    shape = w.shape
    w, b = w.ravel(), b.ravel()
    q = np.broadcast_to(np.asarray(q0, dtype=np.float64), shape).ravel().copy()
    done = np.zeros(w.shape, dtype=bool)
    for _ in range(check_positive_int(max_iter, "max_iter")):
        active = ~done
        if not active.any():
            break
        qa, wa, ba = q[active], w[active], b[active]
        mapped, slope = _map_and_slope(qa, wa, ba, act, quad)
        gap = mapped - qa
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = qa - gap / (slope - 1.0)
        use_newton = (slope < 1.0 - 1e-12) & (newton >= 0.0) & np.isfinite(newton)
        new = np.where(use_newton, newton, mapped)
        converged = np.abs(gap) <= tol * np.maximum(qa, 1e-300) + 1e-300
        runaway = ~np.isfinite(new) | (new > 1e250)
        new = np.where(runaway, np.inf, new)
        q[active] = np.where(converged, qa, new)
        done[active] = converged | runaway
    # not converged: still growing geometrically (an exploding unbounded activation)
    growing = ~done & (variance_map(np.minimum(q, 1e250), w, b, act, quad) > q)
    q[growing] = np.inf
    return q.reshape(shape)


def correlation_map(
    c: ArrayLike,
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    *,
    q: ArrayLike | None = None,
    quad: Quadrature = PRECISE,
) -> Array:
    r"""One layer of the correlation map between two inputs at the variance fixed point.

    .. math::

        c' = \frac{\sigma_w^2\,\mathbb E[\phi(u_1)\phi(u_2)] + \sigma_b^2}{q^*}, \quad
        u_1 = \sqrt{q^*}z_1,\ u_2 = \sqrt{q^*}\big(c z_1 + \sqrt{1-c^2}\,z_2\big),

    for correlations ``c`` in :math:`[-1, 1]`, broadcast over the inputs. With
    ``quad=COARSE`` about 7 times faster (1e-5 relative instead of 1e-9).

    Examples
    --------
    >>> round(float(correlation_map(1.0, 1.5, 0.1, "tanh")), 12)    # c = 1 is always fixed
    1.0
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    q = fixed_point(w, b, act, quad=quad) if q is None else np.asarray(q, dtype=np.float64)
    c = _correlations(c)
    return (w * _pair_moments(act, c, q, quad)[0] + b) / q


def _correlations(c: ArrayLike) -> Array:
    c = np.asarray(c, dtype=np.float64)
    if not np.all((c >= -1.0) & (c <= 1.0)):
        raise ValueError(f"correlations must lie in [-1, 1], got {c!r}")
    return c


#: Points per block of the two-dimensional quadrature (keeps temporaries in cache).
_BLOCK = 64


def _pair_moments(
    act: Activation, c: ArrayLike, q: ArrayLike, quad: Quadrature = PRECISE
) -> tuple[Array, Array]:
    r""":math:`\mathbb E[\phi(u_1)\phi(u_2)]` and :math:`\mathbb E[\phi'(u_1)\phi'(u_2)]`.

    For :math:`(u_1, u_2)` bivariate normal with variances q and correlation c.

    In polar coordinates :math:`(z_1, z_2) = r(\cos\theta, \sin\theta)` the lines where
    :math:`u_1 = 0` or :math:`u_2 = 0` (the kinks of ReLU-likes) are four fixed angles; the
    angular integral is split there and the radial one graded towards 0.
    """
    c, q = np.broadcast_arrays(np.asarray(c, dtype=np.float64), np.asarray(q, dtype=np.float64))
    shape = c.shape
    c, q = c.ravel(), q.ravel()
    r, w_r = _half_line_rule(quad.radial)
    w_r = w_r * r * np.exp(-0.5 * r * r)
    x, wx = np.polynomial.legendre.leggauss(quad.angular)
    out = np.empty((2, c.size))
    for start in range(0, c.size, _BLOCK):
        cb, qb = c[start : start + _BLOCK], q[start : start + _BLOCK]
        sin = np.sqrt(np.maximum(1.0 - cb * cb, 0.0))
        kink = np.arctan2(-cb, sin)  # u2 = 0 where c cos(theta) + sin sin(theta) = 0
        edges = np.sort(
            np.stack(
                [np.full_like(cb, -0.5 * np.pi), kink, np.full_like(cb, 0.5 * np.pi), kink + np.pi],
                axis=-1,
            )
        )
        edges = np.concatenate([edges, edges[:, :1] + 2.0 * np.pi], axis=-1)
        lo, hi = edges[:, :-1, None], edges[:, 1:, None]
        theta = (lo + 0.5 * (hi - lo) * (x + 1.0)).reshape(cb.size, -1)
        w_theta = (0.5 * (hi - lo) * wx).reshape(cb.size, -1) / (2.0 * np.pi)
        s = np.sqrt(np.maximum(qb, 0.0))[:, None, None]
        z1 = np.cos(theta)[..., None] * r
        z2 = np.sin(theta)[..., None] * r
        u2 = s * (cb[:, None, None] * z1 + sin[:, None, None] * z2)
        u1 = s * z1
        for k, f in enumerate((act.forward, act.derivative)):
            values = f(u1) * f(u2)
            out[k, start : start + _BLOCK] = np.sum((values @ w_r) * w_theta, axis=-1)
    return out[0].reshape(shape), out[1].reshape(shape)


def correlation_fixed_point(
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    *,
    tol: float = 1e-12,
    max_iter: int = 200,
    quad: Quadrature = PRECISE,
) -> tuple[Array, Array]:
    r"""The correlation :math:`c^*` deep layers converge to, and :math:`\chi_c` there.

    In the ordered phase (:math:`\chi_1 < 1`) it is :math:`c^* = 1` with
    :math:`\chi_c = \chi_1`. In the chaotic phase :math:`c = 1` repels and the map is
    iterated from :math:`c = 0` (with Newton steps, using :math:`dc'/dc = \chi_c`) to the
    attracting :math:`c^* < 1`.

    Returns
    -------
    c_star, chi_c : ndarray
        :math:`c^*` and :math:`\chi_c = \sigma_w^2\,\mathbb E[\phi'(u_1)\phi'(u_2)]` at it.

    Examples
    --------
    >>> c, chi_c = correlation_fixed_point(4.0, 0.0, "tanh")   # odd, no bias: c* = 0
    >>> round(float(c), 12) + 0.0
    0.0
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    q = fixed_point(w, b, act, quad=quad)
    return _correlation_fixed_point(
        act, w, b, q, chi1(w, b, act, q=q, quad=quad), tol, max_iter, quad
    )


def _correlation_fixed_point(
    act: Activation,
    w: Array,
    b: Array,
    q: Array,
    x1: Array,
    tol: float,
    max_iter: int,
    quad: Quadrature,
) -> tuple[Array, Array]:
    """:func:`correlation_fixed_point` given q* and chi_1 already computed."""
    shape = w.shape
    w, b, q, x1 = (np.ravel(a) for a in (w, b, q, x1))
    c = np.ones(w.shape)
    chi_c = x1.copy()
    chaotic = x1 > 1.0 + 1e-12
    if chaotic.any():
        cc = _iterate_correlation(act, w[chaotic], b[chaotic], tol, max_iter, quad, q[chaotic])
        c[chaotic] = cc
        chi_c[chaotic] = w[chaotic] * _pair_moments(act, cc, q[chaotic], quad)[1]
    return c.reshape(shape), chi_c.reshape(shape)


def _iterate_correlation(
    act: Activation, w: Array, b: Array, tol: float, max_iter: int, quad: Quadrature, q: Array
) -> Array:
    """Newton-safeguarded iteration of the correlation map from c = 0, point by point.

    The map is normalised by the same quadrature at c = 1, so that c = 1 stays an exact
    fixed point of the discretised map whatever the rule's accuracy.
    """
    q_rule = w * _pair_moments(act, np.ones_like(q), q, quad)[0] + b
    c = np.zeros(w.shape)
    active = np.ones(w.shape, dtype=bool)
    for _ in range(check_positive_int(max_iter, "max_iter")):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        ca = c[idx]
        both, derivatives = _pair_moments(act, ca, q[idx], quad)
        mapped = (w[idx] * both + b[idx]) / q_rule[idx]
        slope = w[idx] * derivatives * q[idx] / q_rule[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = ca - (mapped - ca) / (slope - 1.0)
        ok = (slope < 1.0 - 1e-12) & (newton >= -1.0) & (newton < 1.0) & np.isfinite(newton)
        c[idx] = np.where(ok, newton, np.clip(mapped, -1.0, 1.0))
        active[idx] = np.abs(mapped - ca) > tol
    return c


class DepthScales(NamedTuple):
    r"""Depth scales of Schoenholz et al. (2017): layers over which a quantity settles.

    Attributes
    ----------
    q_star, chi1 : ndarray
        Variance fixed point and :math:`\chi_1`.
    xi_q : ndarray
        :math:`-1/\ln \mathcal V'(q^*)`: depth over which the variance reaches :math:`q^*`.
    c_star : ndarray
        Correlation fixed point.
    xi_c : ndarray
        :math:`-1/\ln\chi_c`: depth over which two inputs' correlation reaches :math:`c^*`;
        it diverges at the edge of chaos. Networks train up to about :math:`6\xi_c` layers
        (:ref:`signalprop-depth-scales`).
    """

    q_star: Array
    chi1: Array
    xi_q: Array
    c_star: Array
    xi_c: Array


def _depth(rate: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate < 1.0, -1.0 / np.log(np.clip(rate, 1e-300, None)), np.inf)


def depth_scales(
    sw2: ArrayLike,
    sb2: ArrayLike,
    activation: str | Activation,
    *,
    quad: Quadrature = PRECISE,
) -> DepthScales:
    """Fixed points, :math:`\\chi_1` and the depth scales :math:`\\xi_q`, :math:`\\xi_c`.

    Examples
    --------
    >>> s = depth_scales([1.0, 1.5, 2.0], 0.05, "tanh")
    >>> np.round(s.chi1, 3), np.round(s.xi_c, 1), np.round(s.c_star, 3)
    (array([0.759, 0.939, 1.048]), array([ 3.6, 15.8, 25.2]), array([1.   , 1.   , 0.744]))
    """
    act = get_activation(activation)
    w, b = _variances(sw2, sb2)
    q = fixed_point(w, b, act, quad=quad)
    x1 = chi1(w, b, act, q=q, quad=quad)
    # q* and chi_1 once, shared with the correlation fixed point
    c_star, chi_c = _correlation_fixed_point(act, w, b, q, x1, 1e-12, 200, quad)
    slope = variance_map_slope(q, w, act, quad)
    return DepthScales(q, x1, _depth(slope), c_star, _depth(chi_c))


class PhaseDiagram(NamedTuple):
    """Mean-field quantities over a grid of ``(sw2, sb2)``: see :func:`phase_diagram`."""

    sw2: Array
    sb2: Array
    q_star: Array
    chi1: Array
    xi_c: Array


def phase_diagram(
    sw2: ArrayLike, sb2: ArrayLike, activation: str | Activation = "tanh"
) -> PhaseDiagram:
    """The order-to-chaos phase diagram over every pair of ``sw2`` and ``sb2``.

    ``sw2`` and ``sb2`` are 1-D grids of shapes ``(n_w,)`` and ``(n_b,)``; the activation
    defaults to ``"tanh"``. The arrays of the result have shape ``(n_b, n_w)`` (rows: bias
    variance), ready for ``pcolormesh(sw2, sb2, ...)``.

    Examples
    --------
    >>> pd = phase_diagram(np.linspace(0.5, 4, 8), np.linspace(0, 0.5, 5))
    >>> pd.chi1.shape, bool(pd.chi1[0, 0] < 1 < pd.chi1[0, -1])
    ((5, 8), True)
    """
    act = get_activation(activation)
    w, b = np.meshgrid(np.asarray(sw2, np.float64), np.asarray(sb2, np.float64))
    scales = depth_scales(w, b, act, quad=COARSE)
    return PhaseDiagram(w, b, scales.q_star, scales.chi1, scales.xi_c)


def critical_line(q_star: ArrayLike, activation: str | Activation) -> tuple[Array, Array]:
    r"""Points :math:`(\sigma_w^2, \sigma_b^2)` with :math:`\chi_1 = 1` and fixed point `q_star`.

    .. math::

        \sigma_w^2 = \frac{1}{\mathbb E[\phi'(\sqrt{q^*}z)^2]}, \qquad
        \sigma_b^2 = q^* - \sigma_w^2\,\mathbb E[\phi(\sqrt{q^*}z)^2].

    Sweeping `q_star` traces the order-to-chaos boundary; points with
    :math:`\sigma_b^2 < 0` do not exist (returned as they are, for the caller to drop).

    Examples
    --------
    >>> sw2, sb2 = critical_line([0.01, 1.0], "tanh")
    >>> np.round(sw2, 4), np.round(sb2, 4)
    (array([1.0197, 2.1533]), array([0.   , 0.151]))
    """
    act = get_activation(activation)
    q = np.asarray(q_star, dtype=np.float64)
    if not (np.all(np.isfinite(q)) and np.all(q > 0)):
        raise ValueError(f"q_star must be finite and > 0, got {q_star!r}")
    s = np.sqrt(q)
    sw2 = 1.0 / gaussian_expectation(lambda u: np.square(act.derivative(u)), s)
    sb2 = q - sw2 * gaussian_expectation(lambda u: np.square(act(u)), s)
    return sw2, sb2


class _GaussianDraws:
    """Weights of variance ``sw2 / fan_in`` and biases of variance ``sb2`` (a mixin)."""

    sw2: float
    sb2: float

    def __call__(
        self, shape: Any, rng: np.random.Generator, *, dtype: DTypeLike = np.float64
    ) -> Array:
        r"""Weights :math:`\mathcal N(0, \sigma_w^2 / n_\text{in})`."""
        return variance_scaling(shape, rng, scale=self.sw2, mode="fan_in", dtype=dtype)

    def bias(self, n: int, rng: np.random.Generator, *, dtype: DTypeLike = np.float64) -> Array:
        r"""Biases :math:`\mathcal N(0, \sigma_b^2)`."""
        generator = as_generator(rng)
        return (math.sqrt(self.sb2) * generator.standard_normal(n)).astype(dtype, copy=False)


@dataclass(frozen=True)
class GaussianInit(_GaussianDraws):
    r"""Gaussian weights and biases at any point :math:`(\sigma_w^2, \sigma_b^2)`, unchecked.

    :math:`W \sim \mathcal N(0, \sigma_w^2/n_\text{in})` and
    :math:`b \sim \mathcal N(0, \sigma_b^2)`, the initialization mean-field theory describes:
    places a network anywhere on the phase diagram (:func:`edge_of_chaos` gives the critical
    point). Called like any initializer, ``init(shape, rng, dtype=...)``, it draws the weights;
    its ``bias`` method draws the biases (:class:`~vanishing.layers.Dense` calls it).

    Parameters
    ----------
    sw2 : float
        :math:`\sigma_w^2 = n_\text{in} \operatorname{Var}[W]`, positive.
    sb2 : float, default 0.0
        :math:`\sigma_b^2 = \operatorname{Var}[b]`, non-negative.

    Examples
    --------
    >>> from vanishing.network import MLP
    >>> net = MLP([100, 100, 1], "tanh", init=GaussianInit(3.0, 0.5), rng=0)
    >>> round(float(net.params["0.W"].var() * 100), 1), round(float(net.params["0.b"].var()), 1)
    (3.0, 0.5)
    """

    sw2: float
    sb2: float = 0.0

    def __post_init__(self) -> None:
        _variances(self.sw2, self.sb2)


@dataclass(frozen=True)
class EdgeOfChaos(_GaussianDraws):
    r"""Initializer at the edge of chaos, :class:`GaussianInit` at a point with :math:`\chi_1 = 1`.

    :math:`W \sim \mathcal N(0, \sigma_w^2/n_\text{in})` and
    :math:`b \sim \mathcal N(0, \sigma_b^2)`, with a stable fixed point :math:`q^*`.
    Build it with :func:`edge_of_chaos`, which checks the point.

    Attributes
    ----------
    activation : str
        Name of the activation it was computed for.
    q_star : float
        Target fixed point of the pre-activation variance.
    sw2, sb2 : float
        The weight and bias variances.
    """

    activation: str
    q_star: float
    sw2: float
    sb2: float


def edge_of_chaos(activation: str | Activation, q_star: float = 1.0) -> EdgeOfChaos:
    r"""The edge-of-chaos initializer for an activation and a target variance :math:`q^*`.

    Solves :math:`\chi_1 = 1` with fixed point ``q_star`` (default 1.0, :func:`critical_line`)
    and checks the point is usable: the bias variance is not negative, and the fixed point is
    stable (slope of the variance map :math:`\le 1`), otherwise the signal drifts away from
    :math:`q^*` with depth. If not, ``ValueError`` says why.

    Examples
    --------
    >>> init = edge_of_chaos("tanh")
    >>> round(init.sw2, 4), round(init.sb2, 4)
    (2.1533, 0.151)
    >>> round(edge_of_chaos("relu").sw2, 12)      # He
    2.0
    """
    act = get_activation(activation)
    q = check_positive(q_star, "q_star")
    sw2_arr, sb2_arr = critical_line(q, act)
    sw2, sb2 = float(sw2_arr), float(sb2_arr)
    slope = float(variance_map_slope(q, sw2, act))
    if sb2 < -1e-12 * q:
        why = (
            f"chi_1 = 1 needs sw2 = {sw2:.4g}, which already gives sw2 E[phi^2] = "
            f"{q - sb2:.4g} > q*, so the bias variance would have to be negative"
        )
    elif slope > 1.0 + 1e-9:
        why = (
            f"the point (sw2 = {sw2:.4g}, sb2 = {sb2:.4g}) is unstable: the variance map's "
            f"slope there is {slope:.4g} > 1, so the signal drifts away from q* with depth"
        )
    else:
        return EdgeOfChaos(act.name, q, sw2, max(sb2, 0.0))
    raise ValueError(
        f"{act.name} has no usable edge-of-chaos point with q* = {q:g}: {why}; "
        + _usable_range(act)
    )


def _usable_range(act: Activation) -> str:
    """Where on q* in [1e-2, 1e3] usable critical points exist, said in words."""
    qs = np.geomspace(1e-2, 1e3, 51)
    sw2, sb2 = critical_line(qs, act)
    usable = (sb2 >= -1e-12 * qs) & (variance_map_slope(qs, sw2, act) <= 1.0 + 1e-9)
    if not usable.any():
        return "it has none for any q* in [0.01, 1000]"
    lo, hi = qs[usable].min(), qs[usable].max()
    return f"usable points exist for q* between about {lo:.3g} and {hi:.3g}"
