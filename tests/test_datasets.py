"""Tests for vanishing.datasets."""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanishing.datasets import (
    as_generator,
    circles,
    load_digits,
    moons,
    spirals,
    teacher_student,
    train_test_split,
)

CLASSIFIERS = [
    lambda n, rng: spirals(n, rng=rng),
    lambda n, rng: moons(n, rng=rng),
    lambda n, rng: circles(n, rng=rng),
]


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_shapes_dtypes_and_seeding(make: Any) -> None:
    X, y = make(101, 0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    X2, y2 = make(101, 0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(101, 1)
    assert not np.array_equal(X, X3)
    X4, _ = make(101, np.random.default_rng(0))
    np.testing.assert_array_equal(X, X4)
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_rows_are_shuffled(make: Any) -> None:
    _, y = make(200, 0)
    assert not np.all(np.diff(y) >= 0)


def test_class_balance() -> None:
    assert np.bincount(spirals(10, n_classes=3, rng=0)[1]).tolist() == [4, 3, 3]
    assert np.bincount(spirals(8, n_classes=4, rng=0)[1]).tolist() == [2, 2, 2, 2]
    assert np.bincount(moons(7, rng=0)[1]).tolist() == [3, 4]
    assert np.bincount(circles(7, rng=0)[1]).tolist() == [3, 4]
    assert np.bincount(spirals(3, rng=0)[1]).tolist() == [1, 1, 1]
    assert np.bincount(moons(2, rng=0)[1]).tolist() == [1, 1]


def test_noise_free_geometry() -> None:
    X, y = circles(100, noise=0.0, factor=0.3, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    X, y = moons(100, noise=0.0, rng=0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)
    X, y = spirals(90, noise=0.0, rng=0)
    assert np.hypot(X[:, 0], X[:, 1]).max() == pytest.approx(1.0)


def test_teacher_student() -> None:
    X, y = teacher_student(64, n_in=3, n_out=2, depth=3, width=8, rng=0)
    assert X.shape == (64, 3) and y.shape == (64, 2)
    assert X.dtype == y.dtype == np.float64
    X2, y2 = teacher_student(64, n_in=3, n_out=2, depth=3, width=8, rng=0)
    np.testing.assert_array_equal(y, y2)
    assert 0.05 < float(y.std()) < 5.0  # neither collapsed nor exploded
    _, y_noisy = teacher_student(64, n_in=3, n_out=2, depth=3, width=8, noise=0.5, rng=0)
    assert 0.2 < float(np.std(y_noisy - y)) < 1.0


def test_teacher_student_depth_zero_is_affine() -> None:
    X, y = teacher_student(50, n_in=4, depth=0, rng=1)
    A = np.column_stack([X, np.ones(50)])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(A @ coef, y, atol=1e-12)
    assert y.shape == (50, 1)


def test_teacher_student_is_nonlinear() -> None:
    X, y = teacher_student(400, n_in=4, depth=2, rng=1)
    A = np.column_stack([X, np.ones(400)])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert np.abs(A @ coef - y).max() > 1e-3


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda: spirals(0), ValueError, "n_samples must be a positive integer, got 0"),
        (lambda: spirals(10.0), TypeError, r"n_samples must be a positive integer, got 10.0"),  # type: ignore[arg-type]
        (lambda: spirals(2, n_classes=3), ValueError, r"at least n_classes \(3\)"),
        (lambda: spirals(10, n_classes=1), ValueError, "n_classes must be at least 2"),
        (lambda: spirals(10, noise=-0.1), ValueError, "noise must be a non-negative finite"),
        (lambda: moons(1), ValueError, "n_samples must be at least 2"),
        (lambda: moons(10, noise=float("nan")), ValueError, "noise must be a non-negative"),
        (lambda: circles(10, factor=1.0), ValueError, r"factor must be a finite float in \(0.0"),
        (lambda: circles(10, factor=0.0), ValueError, "factor must be"),
        (lambda: circles(True), TypeError, "n_samples must be a positive integer"),
        (lambda: teacher_student(10, 0), ValueError, "n_in must be a positive integer"),
        (lambda: teacher_student(10, 2, depth=-1), ValueError, "depth must be a non-negative"),
        (lambda: teacher_student(10, 2, width=0), ValueError, "width must be a positive"),
        (lambda: teacher_student(10, 2, n_out=2.0), TypeError, "n_out must be a positive"),  # type: ignore[arg-type]
        (lambda: moons(10, rng=1.5), TypeError, "rng must be a numpy.random.Generator"),  # type: ignore[arg-type]
        (lambda: moons(10, rng=-1), ValueError, "rng must be a non-negative integer"),
        (
            lambda: moons(10, rng=np.random.RandomState(0)),  # type: ignore[arg-type]
            TypeError,
            "rng must be a numpy.random.Generator",
        ),
    ],
)
def test_argument_errors(call: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        call()


def test_as_generator() -> None:
    g = np.random.default_rng(3)
    assert as_generator(g) is g
    assert isinstance(as_generator(None), np.random.Generator)
    assert as_generator(np.int64(5)).integers(1000) == np.random.default_rng(5).integers(1000)
    with pytest.raises(TypeError):
        as_generator(True)


# --------------------------------------------------------------------------------------
# digits
# --------------------------------------------------------------------------------------


def test_digits_file_shipped() -> None:
    path = resources.files("vanishing").joinpath("data").joinpath("digits.csv.gz")
    data = path.read_bytes()
    assert len(data) == 57_523
    assert (
        hashlib.sha256(data).hexdigest()
        == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    )
    readme = resources.files("vanishing").joinpath("data").joinpath("README.md").read_text()
    assert "CC BY 4.0" in readme and "Alpaydin" in readme


def test_load_digits() -> None:
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # the first image is a zero: a ring of ink around an empty centre
    img = X[0].reshape(8, 8)
    assert y[0] == 0 and img[3:5, 3:5].max() < 0.2 and img[1, 3] > 0.5


def test_load_digits_options() -> None:
    X_raw, _ = load_digits(normalize=False)
    assert X_raw.max() == 16.0
    np.testing.assert_array_equal(X_raw, np.round(X_raw))
    X, y_idx = load_digits()
    np.testing.assert_allclose(X * 16, X_raw)
    _, Y = load_digits(one_hot=True)
    assert Y.shape == (1797, 10) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.argmax(axis=1), y_idx)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)


def test_load_digits_returns_fresh_arrays() -> None:
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0.0 and y2.min() == 0


def test_load_digits_type_errors() -> None:
    with pytest.raises(TypeError, match="normalize must be a bool"):
        load_digits(normalize=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="one_hot must be a bool"):
        load_digits(one_hot="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# train_test_split
# --------------------------------------------------------------------------------------


def test_train_test_split() -> None:
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.3, rng=0)
    assert X_tr.shape == (7, 2) and X_te.shape == (3, 2)
    assert y_tr.dtype == y.dtype
    np.testing.assert_array_equal(X_tr[:, 0] / 2, y_tr)  # rows stay paired
    np.testing.assert_array_equal(X_te[:, 0] / 2, y_te)
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(10))
    again = train_test_split(X, y, test_fraction=0.3, rng=0)
    np.testing.assert_array_equal(again[3], y_te)


def test_train_test_split_errors() -> None:
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="same number of samples, got 5 and 4"):
        train_test_split(X, np.zeros(4))
    with pytest.raises(ValueError, match=r"test_fraction must be a finite float in \(0.0, 1.0\)"):
        train_test_split(X, np.zeros(5), test_fraction=1.0)
    with pytest.raises(ValueError, match="leaves no training samples"):
        train_test_split(X, np.zeros(5), test_fraction=0.9)
    with pytest.raises(ValueError, match="X must contain only finite values"):
        train_test_split(np.full((5, 2), np.nan), np.zeros(5))
    with pytest.raises(ValueError, match="at least 1-D"):
        train_test_split(np.float64(1.0), np.zeros(1))


@settings(max_examples=50, deadline=None)
@given(n=st.integers(2, 300), frac=st.floats(0.01, 0.99), seed=st.integers(0, 2**32 - 1))
def test_property_split_partitions(n: int, frac: float, seed: int) -> None:
    X = np.arange(n, dtype=np.float64)[:, None]
    y = np.arange(n)
    try:
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=frac, rng=seed)
    except ValueError as err:
        assert "leaves no training samples" in str(err)
        return
    assert len(y_te) >= 1 and len(y_tr) >= 1
    assert len(y_tr) + len(y_te) == n
    assert set(y_tr.tolist()).isdisjoint(y_te.tolist())


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(3, 200),
    noise=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**32 - 1),
    which=st.integers(0, 2),
)
def test_property_generators(n: int, noise: float, seed: int, which: int) -> None:
    make = [spirals, moons, circles][which]
    X, y = make(n, noise=noise, rng=seed)  # type: ignore[operator]
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.all(np.isfinite(X))
    assert set(np.unique(y).tolist()) == set(range(3 if which == 0 else 2))
