"""Small data sets: seeded synthetic problems and one real one (8x8 digits).

.. rubric:: Conventions shared by every function below

rng : numpy.random.Generator, int or None, keyword-only
    The random source (see :func:`as_generator`): a generator, an integer seed, or
    ``None`` (fresh OS entropy, not reproducible). The same seed always gives the same
    data.
returns
    Inputs ``X`` are float64 arrays of shape ``(n_samples, n_features)``; classification
    labels ``y`` are int64 class indices of shape ``(n_samples,)``, regression targets
    float64 of shape ``(n_samples, n_out)``. Rows come in random order.
raises
    ``ValueError`` for an argument out of range (a count too small, a negative noise
    level), ``TypeError`` for one of the wrong type.
"""

from __future__ import annotations

import functools
import gzip
import math
from importlib import resources
from typing import Any

import numpy as np

from vanishing._validation import (
    as_generator,
    check_array,
    check_in_range,
    check_positive,
    check_positive_int,
)

__all__ = [
    "as_generator",
    "circles",
    "load_digits",
    "moons",
    "spirals",
    "teacher_student",
    "train_test_split",
]

RNGLike = np.random.Generator | int | None


def _shuffle(
    X: np.ndarray, y: np.ndarray, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    order = gen.permutation(X.shape[0])
    return X[order], y[order]


def _split_counts(n_samples: int, n_parts: int) -> list[int]:
    """Split `n_samples` into `n_parts` counts differing by at most one."""
    base, extra = divmod(n_samples, n_parts)
    return [base + (1 if i < extra else 0) for i in range(n_parts)]


def spirals(
    n_samples: int, n_classes: int = 3, noise: float = 0.2, *, rng: RNGLike = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved 2-D spirals, one arm per class.

    For class :math:`j`, the :math:`i`-th of its :math:`m` points has radius
    :math:`r_i = i / (m - 1)` and angle :math:`t_i = 4 (j + r_i) + \sigma \xi_i` with
    :math:`\xi_i \sim \mathcal N(0, 1)`, and sits at :math:`r_i (\sin t_i, \cos t_i)`, within
    the unit disc up to noise (the "spiral" problem of Stanford's CS231n course notes). No
    linear classifier separates the arms: a good test for a small MLP.

    Parameters
    ----------
    n_samples : int
        Total number of points, split as evenly as possible between the classes (at least
        `n_classes`).
    n_classes : int, default 3
        Number of arms (classes), at least 2.
    noise : float, default 0.2
        Standard deviation :math:`\sigma` of the Gaussian noise added to the angle (radians).

    See Also
    --------
    moons, circles

    Examples
    --------
    >>> X, y = spirals(300, rng=0)
    >>> X.shape, X.dtype, np.bincount(y).tolist()
    ((300, 2), dtype('float64'), [100, 100, 100])
    >>> bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0))
    True
    """
    n = check_positive_int(n_samples, "n_samples")
    k = check_positive_int(n_classes, "n_classes")
    if k < 2:
        raise ValueError(f"n_classes must be at least 2, got {k}")
    if n < k:
        raise ValueError(
            f"n_samples must be at least n_classes ({k}) so that every class has a point, got {n}"
        )
    sigma = check_positive(noise, "noise", allow_zero=True)
    gen = as_generator(rng)
    xs, ys = [], []
    for j, m in enumerate(_split_counts(n, k)):
        r = np.linspace(0.0, 1.0, m)
        t = 4.0 * (j + r) + sigma * gen.standard_normal(m)
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(m, j, dtype=np.int64))
    return _shuffle(np.concatenate(xs), np.concatenate(ys), gen)


def moons(
    n_samples: int, noise: float = 0.1, *, rng: RNGLike = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaving half circles: ``y`` is 0 for the upper moon, 1 for the lower one.

    With :math:`s` evenly spaced in :math:`[0, \pi]`, class 0 is :math:`(\cos s, \sin s)` and
    class 1 is :math:`(1 - \cos s, \tfrac12 - \sin s)`, the same geometry as
    ``sklearn.datasets.make_moons``; ``noise`` (default 0.1) is the standard deviation of the
    Gaussian noise added to both coordinates. Class 0 gets ``n_samples // 2`` of the
    ``n_samples`` (at least 2) points.

    See Also
    --------
    spirals, circles

    Examples
    --------
    >>> X, y = moons(100, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    """
    n = check_positive_int(n_samples, "n_samples")
    if n < 2:
        raise ValueError(f"n_samples must be at least 2 (one point per class), got {n}")
    sigma = check_positive(noise, "noise", allow_zero=True)
    gen = as_generator(rng)
    n_upper, n_lower = n // 2, n - n // 2
    s_up = np.linspace(0.0, np.pi, n_upper)
    s_lo = np.linspace(0.0, np.pi, n_lower)
    X = np.concatenate(
        [
            np.column_stack([np.cos(s_up), np.sin(s_up)]),
            np.column_stack([1.0 - np.cos(s_lo), 0.5 - np.sin(s_lo)]),
        ]
    )
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n_lower, dtype=np.int64)])
    X += sigma * gen.standard_normal(X.shape)
    return _shuffle(X, y, gen)


def circles(
    n_samples: int, noise: float = 0.05, factor: float = 0.5, *, rng: RNGLike = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""A small circle inside a large one: ``y`` is 0 for the outer circle, 1 for the inner one.

    Points are evenly spaced in angle, :math:`(\cos s, \sin s)` outside and
    :math:`f (\cos s, \sin s)` inside, plus Gaussian noise of standard deviation ``noise``
    (default 0.05) on both coordinates; ``factor`` :math:`f \in (0, 1)` (default 0.5) is the
    inner radius relative to the outer one. Class 0 gets ``n_samples // 2`` of the
    ``n_samples`` (at least 2) points. Separable by the radius, a nonlinear feature, but not
    by any line.

    See Also
    --------
    spirals, moons

    Examples
    --------
    >>> X, y = circles(200, noise=0.0, rng=0)
    >>> radius = np.hypot(X[:, 0], X[:, 1])
    >>> np.round([radius[y == 0].mean(), radius[y == 1].mean()], 6)
    array([1. , 0.5])
    """
    n = check_positive_int(n_samples, "n_samples")
    if n < 2:
        raise ValueError(f"n_samples must be at least 2 (one point per class), got {n}")
    sigma = check_positive(noise, "noise", allow_zero=True)
    f = check_in_range(factor, "factor", 0.0, 1.0, inclusive=(False, False))
    gen = as_generator(rng)
    n_outer, n_inner = n // 2, n - n // 2
    s_out = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    s_in = np.linspace(0.0, 2.0 * np.pi, n_inner, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(s_out), np.sin(s_out)]),
            f * np.column_stack([np.cos(s_in), np.sin(s_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_outer, dtype=np.int64), np.ones(n_inner, dtype=np.int64)])
    X += sigma * gen.standard_normal(X.shape)
    return _shuffle(X, y, gen)


def teacher_student(
    n_samples: int,
    n_in: int,
    n_out: int = 1,
    depth: int = 2,
    width: int = 32,
    noise: float = 0.0,
    *,
    rng: RNGLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Regression targets produced by a random, fixed "teacher" MLP.

    A student network of the same (or larger) architecture can in principle fit these
    targets exactly, so any failure to learn is an optimisation problem, such as
    vanishing gradients, not a lack of capacity. With :math:`h_0 = x \sim \mathcal N(0, I)`
    and :math:`n_\ell` the width of layer :math:`\ell`,

    .. math::

        h_\ell = \tanh(h_{\ell-1} W_\ell + b_\ell) \quad (\ell = 1, \dots, L), \qquad
        y = T(x) + \sigma \xi, \quad T(x) = h_L W_{L+1} + b_{L+1},

    with :math:`W_\ell \sim \mathcal N(0, 1/n_{\ell-1})` (LeCun scaling, so the
    pre-activations have unit variance and the teacher is neither saturated nor
    linear) and :math:`b_\ell \sim \mathcal N(0, 0.1^2)`. The teacher's weights are drawn
    first from `rng`, then the inputs, then the noise.

    Parameters
    ----------
    n_samples, n_in : int
        Number of samples and input dimension.
    n_out : int, default 1
        Output dimension.
    depth : int, default 2
        Number :math:`L` of hidden tanh layers of the teacher (0 gives a linear teacher).
    width : int, default 32
        Width of each hidden layer.
    noise : float, default 0.0
        Standard deviation :math:`\sigma` of Gaussian noise added to the targets.

    Examples
    --------
    >>> X, y = teacher_student(100, n_in=5, n_out=2, rng=0)
    >>> X.shape, y.shape
    ((100, 5), (100, 2))
    >>> X2, y2 = teacher_student(100, n_in=5, n_out=2, rng=0)
    >>> bool(np.array_equal(y, y2))
    True
    """
    n = check_positive_int(n_samples, "n_samples")
    d_in = check_positive_int(n_in, "n_in")
    d_out = check_positive_int(n_out, "n_out")
    n_hidden = check_positive_int(depth, "depth", allow_zero=True)
    w = check_positive_int(width, "width")
    sigma = check_positive(noise, "noise", allow_zero=True)
    gen = as_generator(rng)

    sizes = [d_in] + [w] * n_hidden + [d_out]
    layers = [
        (
            gen.standard_normal((fan_in, fan_out)) / math.sqrt(fan_in),
            0.1 * gen.standard_normal(fan_out),
        )
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    X = gen.standard_normal((n, d_in))
    h = X
    for W, b in layers[:-1]:
        h = np.tanh(h @ W + b)
    W_out, b_out = layers[-1]
    y = h @ W_out + b_out
    if sigma > 0:
        y += sigma * gen.standard_normal(y.shape)
    return X, y


@functools.lru_cache(maxsize=1)
def _digits_raw() -> np.ndarray:
    path = resources.files("vanishing").joinpath("data").joinpath("digits.csv.gz")
    with path.open("rb") as fh, gzip.open(fh, "rt") as text:
        data = np.loadtxt(text, delimiter=",", dtype=np.int64)
    data.flags.writeable = False
    return data


def load_digits(*, normalize: bool = True, one_hot: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The UCI optical handwritten digits, 8x8 (1797 images, 10 classes).

    Shipped with the package (``vanishing/data/digits.csv.gz``, 57 KB; see the
    ``README.md`` next to it for provenance and licence), so no download is needed. Each
    image is a 32x32 bitmap of a handwritten digit, divided into 4x4 blocks; a pixel counts
    the "on" pixels in its block (0-16). These 1797 images are the test split of the UCI data
    set (written by 13 people), the copy used by ``sklearn.datasets.load_digits``.

    Parameters
    ----------
    normalize : bool, default True
        Scale the pixel counts 0..16 to [0, 1] (divide by 16). Otherwise return the raw
        counts as floats.
    one_hot : bool, default False
        Return `y` as one-hot rows (float64, shape (1797, 10)) instead of class indices.

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Images, flattened row by row (``X[i].reshape(8, 8)`` is the picture).
    y : ndarray of shape (1797,), int64
        Digits 0-9.

    References
    ----------
    .. [1] E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI
       Machine Learning Repository, 1998, https://doi.org/10.24432/C50P49 (CC BY 4.0).

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.min()), float(X.max())
    ((1797, 64), (1797,), 0.0, 1.0)
    >>> np.bincount(y).tolist()
    [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    >>> load_digits(one_hot=True)[1].shape
    (1797, 10)
    """
    for name, flag in (("normalize", normalize), ("one_hot", one_hot)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {flag!r} ({type(flag).__name__})")
    data = _digits_raw()
    X = data[:, :64].astype(np.float64)
    if normalize:
        X /= 16.0
    labels = data[:, 64].copy()
    y = np.eye(10)[labels] if one_hot else labels
    return X, y


def train_test_split(
    X: Any, y: Any, test_fraction: float = 0.2, *, rng: RNGLike = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Randomly split samples into a training and a test set.

    ``X`` and ``y`` are array-likes with the same number of samples along their first axis
    (any dtype is kept, e.g. int64 labels); the test set gets
    ``ceil(test_fraction * n_samples)`` of them, ``test_fraction`` in (0, 1), default 0.2.
    Returns ``X_train, X_test, y_train, y_test``, in scikit-learn's order. Different sample
    counts, non-finite values or an empty split raise ``ValueError``.

    Examples
    --------
    >>> X, y = moons(100, rng=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
    ((80, 2), (20, 2), (80,), (20,))
    """
    X_a = check_array(X, "X", dtype_kind=None)
    y_a = check_array(y, "y", dtype_kind=None)
    if X_a.ndim == 0 or y_a.ndim == 0:
        raise ValueError(f"X and y must be at least 1-D, got shapes {X_a.shape} and {y_a.shape}")
    if X_a.shape[0] != y_a.shape[0]:
        raise ValueError(
            f"X and y must have the same number of samples, got {X_a.shape[0]} and {y_a.shape[0]}"
        )
    frac = check_in_range(test_fraction, "test_fraction", 0.0, 1.0, inclusive=(False, False))
    n = X_a.shape[0]
    n_test = math.ceil(frac * n)
    if n_test >= n:
        raise ValueError(f"test_fraction={frac} leaves no training samples out of n_samples={n}")
    order = as_generator(rng).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X_a[train], X_a[test], y_a[train], y_a[test]
