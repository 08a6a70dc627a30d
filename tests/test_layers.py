"""Tests for vanishing.layers: gradients, batch-norm statistics, dtypes and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from layer_gradcheck import away_from_zero, grad_check

from vanishing.activations import ACTIVATIONS
from vanishing.layers import ActivationLayer, BatchNorm, Dense, LayerGradients, Residual
from vanishing.network import Sequential


# --------------------------------------------------------------------------------------
# gradient checks
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("bias", [True, False])
def test_dense_gradients(bias: bool) -> None:
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, bias=bias, rng=rng)
    if bias:
        layer.params["b"][:] = rng.standard_normal(3)
    grad_check(layer, rng.standard_normal((5, 4)))


def test_dense_gradient_formulas() -> None:
    rng = np.random.default_rng(0)
    layer = Dense(3, 2, rng=rng)
    x, dy = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    _, cache = layer.forward(x)
    back = layer.backward(cache, dy)
    assert np.allclose(back.grads["W"], x.T @ dy)
    assert np.allclose(back.grads["b"], dy.sum(axis=0))
    assert np.allclose(back.dx, dy @ layer.params["W"].T)
    assert isinstance(back, LayerGradients)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_layer_gradients(name: str) -> None:
    x = away_from_zero(np.random.default_rng(2).standard_normal((6, 5)) * 2)
    grad_check(ActivationLayer(name), x)


def test_activation_layer_with_parameters() -> None:
    x = away_from_zero(np.random.default_rng(3).standard_normal((4, 3)))
    layer = ActivationLayer("leaky_relu", slope=0.2)
    grad_check(layer, x)
    y, _ = layer.forward(np.array([[-1.0, 2.0]]))
    assert np.allclose(y, [[-0.2, 2.0]])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradients(training: bool) -> None:
    rng = np.random.default_rng(4)
    bn = BatchNorm(3)
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, 3)
    bn.params["beta"][:] = rng.standard_normal(3)
    x = rng.standard_normal((8, 3)) * 3 + 1
    if not training:
        bn.forward(x)  # move the running statistics away from (0, 1)
    grad_check(bn, x, training=training)


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_residual_gradients(scale: float) -> None:
    rng = np.random.default_rng(5)
    block = Sequential([Dense(4, 4, rng=rng), ActivationLayer("tanh"), Dense(4, 4, rng=rng)])
    res = Residual(block, scale=scale)
    assert list(res.params) == ["block.0.W", "block.0.b", "block.2.W", "block.2.b"]
    grad_check(res, rng.standard_normal((5, 4)))


def test_residual_with_a_bare_dense_block() -> None:
    rng = np.random.default_rng(6)
    res = Residual(Dense(3, 3, rng=rng), scale=0.5)
    grad_check(res, rng.standard_normal((4, 3)))
    x = rng.standard_normal((2, 3))
    assert np.allclose(res(x), x + 0.5 * res.block(x))


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(2, 6),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_dense_gradients_property(n: int, n_in: int, n_out: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    grad_check(Dense(n_in, n_out, rng=rng), rng.standard_normal((n, n_in)))


# --------------------------------------------------------------------------------------
# batch norm statistics
# --------------------------------------------------------------------------------------
def test_batch_norm_training_normalises_with_biased_variance() -> None:
    x = np.random.default_rng(7).standard_normal((10, 4)) * 5 + 3
    y, _ = BatchNorm(4, eps=0.0 + 1e-12).forward(x)
    assert np.allclose(y.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(y.var(axis=0), 1.0)  # biased variance: exactly 1


def test_batch_norm_running_statistics_follow_pytorch() -> None:
    rng = np.random.default_rng(8)
    bn = BatchNorm(3)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = rng.standard_normal((6, 3)) * 2 + 1
        bn.forward(x)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0, ddof=1)  # unbiased, as torch
    assert np.allclose(bn.running_mean, mean)
    assert np.allclose(bn.running_var, var)
    # inference uses the running statistics and changes nothing
    x = rng.standard_normal((4, 3))
    y, _ = bn.forward(x, training=False)
    assert np.allclose(y, (x - mean) / np.sqrt(var + 1e-5))
    assert np.allclose(bn.running_mean, mean)


def test_batch_norm_scale_invariance() -> None:
    rng = np.random.default_rng(10)
    u, W = rng.standard_normal((8, 3)), rng.standard_normal((3, 3))
    y1, _ = BatchNorm(3, eps=1e-12).forward(u @ W)
    y2, _ = BatchNorm(3, eps=1e-12).forward(u @ (7.0 * W))
    assert np.allclose(y1, y2)


# --------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: Dense(3, 3, rng=0, dtype=np.float32),
        lambda: ActivationLayer("tanh"),
        lambda: BatchNorm(3, dtype=np.float32),
        lambda: Residual(Dense(3, 3, rng=0, dtype=np.float32)),
    ],
    ids=["dense", "activation", "batch_norm", "residual"],
)
def test_float32_stays_float32(make: Any) -> None:
    layer = make()
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    y, cache = layer.forward(x)
    assert y.dtype == np.float32
    back = layer.backward(cache, np.ones_like(y))
    assert back.dx.dtype == np.float32
    for g in back.grads.values():
        assert g.dtype == np.float32
    for p in layer.params.values():
        assert p.dtype == np.float32


def test_float32_layer_casts_float64_input() -> None:
    layer = Dense(2, 2, rng=0, dtype=np.float32)
    assert layer(np.ones((1, 2))).dtype == np.float32


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
def test_dense_shape_errors_name_the_expected_shape() -> None:
    layer = Dense(3, 2, rng=0)
    with pytest.raises(ValueError, match=r"Dense\(3, 2\) expects x of shape \(n_samples, 3\)"):
        layer.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"x must be 2-D \(n_samples, n_features\)"):
        layer.forward(np.ones(3))
    _, cache = layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dy must have the output's shape \(4, 2\), got \(4, 3\)"):
        layer.backward(cache, np.ones((4, 3)))
    with pytest.raises(ValueError, match="finite"):
        layer.forward(np.array([[1.0, np.nan, 0.0]]))


def test_constructor_errors() -> None:
    with pytest.raises(ValueError, match="n_in must be a positive integer"):
        Dense(0, 2)
    with pytest.raises(TypeError, match="n_out must be a positive integer"):
        Dense(2, 2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floating"):
        Dense(2, 2, dtype=np.int32)
    with pytest.raises(TypeError, match="rng must be"):
        Dense(2, 2, rng="seed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="initializer must be one of"):
        Dense(2, 2, init="glorot")
    with pytest.raises(ValueError, match="unknown activation"):
        ActivationLayer("softmax")
    with pytest.raises(ValueError, match="eps"):
        BatchNorm(3, eps=0.0)
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm(3, momentum=1.5)
    with pytest.raises(TypeError, match="block must be a Layer"):
        Residual(np.eye(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="scale"):
        Residual(Dense(2, 2), scale=0.0)


def test_batch_norm_errors() -> None:
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="at least 2 samples"):
        bn.forward(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm\(3\) expects x of shape \(n_samples, 3\)"):
        bn.forward(np.ones((4, 2)))


def test_residual_shape_error() -> None:
    res = Residual(Dense(3, 2, rng=0))
    with pytest.raises(ValueError, match=r"must preserve the shape \(4, 3\)"):
        res.forward(np.ones((4, 3)))
