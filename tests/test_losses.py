"""Tests for vanishing.losses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vanishing.gradcheck import check_gradient
from vanishing.losses import (
    LOSSES,
    binary_cross_entropy_with_logits,
    get_loss,
    log_softmax,
    mean_squared_error,
    softmax,
    softmax_cross_entropy,
)

FLOATS = [np.float32, np.float64]


@st.composite
def logit_arrays(
    draw: st.DrawFn, min_dims: int = 1, max_dims: int = 2, bound: float = 1e4
) -> np.ndarray:
    """Float32 or float64 arrays with entries in [-bound, bound], extremes included."""
    dtype = draw(st.sampled_from(FLOATS))
    width = 32 if dtype == np.float32 else 64
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=6))
    elements = st.one_of(
        st.floats(-bound, bound, width=width),  # type: ignore[arg-type]
        st.sampled_from([-bound, bound, 0.0]),
    )
    return draw(hnp.arrays(dtype=dtype, shape=shape, elements=elements))


# --------------------------------------------------------------------------------------
# mean_squared_error
# --------------------------------------------------------------------------------------


class TestMSE:
    def test_hand_computed(self) -> None:
        value, grad = mean_squared_error([[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [3.0, 2.0]])
        # squared errors 1, 4, 0, 4 -> mean over all 4 elements
        assert value == pytest.approx(9 / 4)
        np.testing.assert_allclose(grad, [[0.5, 1.0], [0.0, 1.0]])

    @pytest.mark.parametrize("dtype", FLOATS)
    def test_dtype_preserved(self, dtype: type) -> None:
        _, grad = mean_squared_error(np.ones(3, dtype=dtype), np.zeros(3))
        assert grad.dtype == dtype

    def test_integer_inputs_give_float64(self) -> None:
        _, grad = mean_squared_error([1, 2], [0, 0])
        assert grad.dtype == np.float64

    def test_shape_mismatch(self) -> None:
        with pytest.raises(ValueError, match=r"y_pred and y_true must have the same shape"):
            mean_squared_error(np.zeros((3, 1)), np.zeros(3))

    def test_non_finite(self) -> None:
        with pytest.raises(ValueError, match="y_true must contain only finite values"):
            mean_squared_error([1.0], [np.nan])

    def test_empty(self) -> None:
        with pytest.raises(ValueError, match="y_pred must not be empty"):
            mean_squared_error(np.zeros((0, 2)), np.zeros((0, 2)))

    def test_does_not_mutate(self) -> None:
        y = np.array([1.0, 2.0])
        mean_squared_error(y, np.zeros(2))
        np.testing.assert_array_equal(y, [1.0, 2.0])

    def test_gradient(self) -> None:
        rng = np.random.default_rng(0)
        y_true = rng.normal(size=(4, 3))
        x = rng.normal(size=(4, 3))
        res = check_gradient(
            lambda v: mean_squared_error(v, y_true)[0], x, mean_squared_error(x, y_true)[1]
        )
        assert res.passed
        assert res.max_relative_error < 1e-6

    @given(logit_arrays(max_dims=3))
    def test_property_finite_and_consistent(self, x: np.ndarray) -> None:
        value, grad = mean_squared_error(x, np.zeros_like(x))
        assert np.isfinite(value) and value >= 0
        assert grad.dtype == x.dtype and grad.shape == x.shape
        assert np.all(np.isfinite(grad))
        np.testing.assert_allclose(value, np.mean(x.astype(np.float64) ** 2), rtol=1e-12)


# --------------------------------------------------------------------------------------
# binary_cross_entropy_with_logits
# --------------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class TestBCE:
    def test_matches_naive_formula_at_moderate_logits(self) -> None:
        rng = np.random.default_rng(0)
        z = rng.normal(size=(5, 2))
        t = rng.uniform(size=(5, 2))
        p = _sigmoid(z)
        naive = np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
        value, grad = binary_cross_entropy_with_logits(z, t)
        assert value == pytest.approx(naive, rel=1e-12)
        np.testing.assert_allclose(grad, (p - t) / z.size, rtol=1e-12)

    def test_zero_logit(self) -> None:
        value, grad = binary_cross_entropy_with_logits([0.0], [1.0])
        assert value == pytest.approx(np.log(2.0))
        np.testing.assert_allclose(grad, [-0.5])

    @pytest.mark.parametrize("dtype", FLOATS)
    def test_extreme_logits(self, dtype: type) -> None:
        z: np.ndarray = np.array([1e4, -1e4, 1e4, -1e4], dtype=dtype)
        t = np.array([1.0, 0.0, 0.0, 1.0])
        value, grad = binary_cross_entropy_with_logits(z, t)
        assert value == pytest.approx(2e4 / 4)
        assert grad.dtype == dtype
        np.testing.assert_allclose(grad, [0.0, 0.0, 0.25, -0.25])

    def test_targets_out_of_range(self) -> None:
        with pytest.raises(ValueError, match=r"targets must be probabilities in \[0, 1\]"):
            binary_cross_entropy_with_logits([0.0, 1.0], [0.0, 2.0])

    def test_shape_mismatch(self) -> None:
        with pytest.raises(ValueError, match="logits and targets must have the same shape"):
            binary_cross_entropy_with_logits(np.zeros((2, 1)), np.zeros(2))

    def test_gradient(self) -> None:
        rng = np.random.default_rng(1)
        z = rng.normal(scale=3.0, size=(6, 2))
        t = (rng.uniform(size=(6, 2)) > 0.5).astype(float)
        res = check_gradient(
            lambda v: binary_cross_entropy_with_logits(v, t)[0],
            z,
            binary_cross_entropy_with_logits(z, t)[1],
        )
        assert res.max_relative_error < 1e-6

    @given(logit_arrays(max_dims=2))
    def test_property_extremes(self, z: np.ndarray) -> None:
        t = (np.arange(z.size).reshape(z.shape) % 2).astype(z.dtype)
        value, grad = binary_cross_entropy_with_logits(z, t)
        assert np.isfinite(value) and value >= 0
        assert grad.dtype == z.dtype
        assert np.all(np.isfinite(grad))
        assert np.all(np.abs(grad) <= 1.0 / z.size * (1 + 1e-6))


# --------------------------------------------------------------------------------------
# softmax, log_softmax
# --------------------------------------------------------------------------------------


class TestSoftmax:
    def test_values(self) -> None:
        z = np.array([1.0, 2.0, 3.0])
        e = np.exp(z)
        np.testing.assert_allclose(softmax(z), e / e.sum(), rtol=1e-14)
        np.testing.assert_allclose(log_softmax(z), np.log(e / e.sum()), rtol=1e-14)

    def test_axis(self) -> None:
        z = np.random.default_rng(0).normal(size=(3, 4))
        np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0)
        np.testing.assert_allclose(softmax(z, axis=0), softmax(z.T).T)
        np.testing.assert_allclose(log_softmax(z, axis=-2), log_softmax(z.T).T)

    def test_shift_invariance(self) -> None:
        z = np.random.default_rng(0).normal(size=(2, 5))
        np.testing.assert_allclose(softmax(z + 1000.0), softmax(z), rtol=1e-12)

    @pytest.mark.parametrize("dtype", FLOATS)
    def test_extreme(self, dtype: type) -> None:
        z: np.ndarray = np.array([[1e4, -1e4, 0.0]], dtype=dtype)
        p = softmax(z)
        lp = log_softmax(z)
        assert p.dtype == dtype and lp.dtype == dtype
        np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])
        np.testing.assert_array_equal(lp, [[0.0, -2e4, -1e4]])

    def test_errors(self) -> None:
        with pytest.raises(ValueError, match="z must be at least 1-D"):
            softmax(1.0)
        with pytest.raises(ValueError, match=r"axis must be in \[-1, 1\)"):
            log_softmax([1.0, 2.0], axis=1)
        with pytest.raises(TypeError, match="axis must be an integer"):
            softmax([1.0], axis=0.0)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="at least one entry along axis -1"):
            softmax(np.zeros((2, 0)))
        with pytest.raises(ValueError, match="z must contain only finite values"):
            softmax([np.inf, 0.0])

    @given(logit_arrays(max_dims=3))
    def test_property(self, z: np.ndarray) -> None:
        p = softmax(z)
        lp = log_softmax(z)
        assert p.dtype == z.dtype and lp.dtype == z.dtype
        assert np.all(np.isfinite(p)) and np.all(np.isfinite(lp))
        assert np.all(lp <= 0)
        tol = 1e-5 if z.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=tol)


# --------------------------------------------------------------------------------------
# softmax_cross_entropy
# --------------------------------------------------------------------------------------


class TestSoftmaxCrossEntropy:
    def test_uniform_logits(self) -> None:
        value, grad = softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
        assert value == pytest.approx(np.log(4))
        np.testing.assert_allclose(grad, (0.25 - np.eye(4)[[0, 3]]) / 2)

    def test_indices_equal_one_hot(self) -> None:
        rng = np.random.default_rng(0)
        z = rng.normal(size=(5, 3))
        labels = np.array([0, 2, 1, 1, 0])
        v1, g1 = softmax_cross_entropy(z, labels)
        v2, g2 = softmax_cross_entropy(z, np.eye(3)[labels])
        assert v1 == pytest.approx(v2, rel=1e-14)
        np.testing.assert_allclose(g1, g2, rtol=1e-14)

    def test_matches_naive(self) -> None:
        rng = np.random.default_rng(0)
        z = rng.normal(size=(4, 3))
        labels = np.array([2, 0, 1, 1])
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        value, grad = softmax_cross_entropy(z, labels)
        assert value == pytest.approx(-np.mean(np.log(p[np.arange(4), labels])), rel=1e-12)
        np.testing.assert_allclose(grad, (p - np.eye(3)[labels]) / 4, rtol=1e-12)

    def test_soft_labels(self) -> None:
        y = np.array([[0.5, 0.5, 0.0]])
        value, grad = softmax_cross_entropy(np.zeros((1, 3)), y)
        assert value == pytest.approx(np.log(3))
        np.testing.assert_allclose(grad, [[1 / 3 - 0.5, 1 / 3 - 0.5, 1 / 3]])

    @pytest.mark.parametrize("dtype", FLOATS)
    def test_extreme_logits(self, dtype: type) -> None:
        z: np.ndarray = np.array([[1e4, -1e4], [1e4, -1e4], [-1e4, 1e4]], dtype=dtype)
        value, grad = softmax_cross_entropy(z, [0, 1, 0])
        assert value == pytest.approx(2 * 2e4 / 3)
        assert grad.dtype == dtype
        np.testing.assert_allclose(grad, [[0, 0], [1 / 3, -1 / 3], [-1 / 3, 1 / 3]], atol=1e-7)  # type: ignore[arg-type]

    def test_gradient_indices_and_one_hot(self) -> None:
        rng = np.random.default_rng(2)
        z = rng.normal(scale=2.0, size=(5, 4))
        labels = rng.integers(0, 4, size=5)
        for target in (labels, np.eye(4)[labels]):
            res = check_gradient(
                lambda v, target=target: softmax_cross_entropy(v, target)[0],  # type: ignore[misc]
                z,
                softmax_cross_entropy(z, target)[1],
            )
            assert res.max_relative_error < 1e-6, res.max_relative_error

    def test_logits_must_be_2d(self) -> None:
        with pytest.raises(
            ValueError, match=r"^logits must be 2-D \(n_samples, n_classes\), got shape \(3,\)$"
        ):
            softmax_cross_entropy([1.0, 2.0, 3.0], [0])

    def test_label_out_of_range(self) -> None:
        with pytest.raises(ValueError, match=r"labels must be integers in \[0, 4\), got .*max 7"):
            softmax_cross_entropy(np.zeros((2, 4)), [1, 7])
        with pytest.raises(ValueError, match=r"got min -1"):
            softmax_cross_entropy(np.zeros((2, 4)), [-1, 0])

    def test_label_errors(self) -> None:
        with pytest.raises(TypeError, match="labels must be an integer array"):
            softmax_cross_entropy(np.zeros((2, 4)), [1.0, 2.0])
        with pytest.raises(ValueError, match=r"one class index per sample: expected shape \(2,\)"):
            softmax_cross_entropy(np.zeros((2, 4)), [1, 2, 3])
        with pytest.raises(ValueError, match=r"one-hot labels must have the shape of logits"):
            softmax_cross_entropy(np.zeros((2, 4)), np.eye(3)[:2])
        with pytest.raises(ValueError, match="row 1 sums to 2"):
            softmax_cross_entropy(np.zeros((2, 2)), [[1.0, 0.0], [1.0, 1.0]])
        with pytest.raises(ValueError, match=r"one-hot labels must lie in \[0, 1\]"):
            softmax_cross_entropy(np.zeros((1, 2)), [[2.0, -1.0]])
        with pytest.raises(ValueError, match="labels must be 1-D class indices"):
            softmax_cross_entropy(np.zeros((1, 2)), 0)
        with pytest.raises(ValueError, match="logits must not be empty"):
            softmax_cross_entropy(np.zeros((0, 2)), np.zeros(0, dtype=int))

    @settings(max_examples=150)
    @given(logit_arrays(min_dims=2, max_dims=2), st.integers(0, 2**32 - 1))
    def test_property_extremes(self, z: np.ndarray, seed: int) -> None:
        n, k = z.shape
        labels = np.random.default_rng(seed).integers(0, k, size=n)
        value, grad = softmax_cross_entropy(z, labels)
        assert np.isfinite(value) and value >= 0
        assert grad.dtype == z.dtype and grad.shape == z.shape
        assert np.all(np.isfinite(grad))
        np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-6 / n)
        v2, g2 = softmax_cross_entropy(z, np.eye(k)[labels])
        assert v2 == pytest.approx(value, rel=1e-12, abs=1e-12)
        np.testing.assert_array_equal(g2, grad)


# --------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------


def test_registry_and_aliases() -> None:
    assert get_loss("mse") is mean_squared_error
    assert get_loss("bce_with_logits") is binary_cross_entropy_with_logits
    assert get_loss("cross_entropy") is softmax_cross_entropy
    assert get_loss("softmax_cross_entropy") is softmax_cross_entropy
    assert set(LOSSES) == {
        "mean_squared_error",
        "mse",
        "binary_cross_entropy_with_logits",
        "bce_with_logits",
        "softmax_cross_entropy",
        "cross_entropy",
    }


def test_get_loss_error_lists_names() -> None:
    with pytest.raises(ValueError, match="loss must be one of 'bce_with_logits', .*'mse'"):
        get_loss("hinge")
    with pytest.raises(TypeError, match="loss must be a string"):
        get_loss(3)  # type: ignore[arg-type]
