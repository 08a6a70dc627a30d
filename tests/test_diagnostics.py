"""Tests for vanishing.diagnostics."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from vanishing.diagnostics import (
    ActivationStats,
    SignalPropagation,
    activation_stats,
    bias_gradient_norms,
    delta_norms,
    dense_layer_names,
    jacobian_singular_values,
    signal_propagation,
    update_to_data_ratio,
    weight_gradient_norms,
)
from vanishing.gradcheck import numerical_gradient
from vanishing.initializers import normal
from vanishing.layers import Dense
from vanishing.network import MLP, Sequential


def forward_backward(net: Sequential, n: int = 16, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n_in = net.layers[0].params["W"].shape[0]
    x = rng.standard_normal((n, n_in))
    y, cache = net.forward(x)
    back = net.backward(cache, rng.standard_normal(y.shape) / n)
    return x, cache, back


# --------------------------------------------------------------------------------------
# names and gradient norms
# --------------------------------------------------------------------------------------
def test_dense_layer_names() -> None:
    assert dense_layer_names(MLP([2, 3, 3, 1], rng=0)) == ["0", "2", "4"]
    assert dense_layer_names(MLP([2, 3, 3, 3, 1], residual=True, rng=0)) == [
        "0",
        "1.block.1",
        "2.block.1",
        "4",
    ]
    nested = Sequential([MLP([2, 3, 3], rng=0), Dense(3, 1, rng=0)])
    assert dense_layer_names(nested) == ["0.0", "0.2", "1"]
    with pytest.raises(TypeError, match="Sequential"):
        dense_layer_names(Dense(2, 2))  # type: ignore[arg-type]


def test_weight_and_bias_gradient_norms() -> None:
    net = MLP([4, 6, 6, 3], "tanh", rng=0)
    _, _, back = forward_backward(net)
    w = weight_gradient_norms(net, back.grads)
    b = bias_gradient_norms(net, back.grads)
    assert list(w) == list(b) == ["0", "2", "4"]
    for name in w:
        assert w[name] == pytest.approx(np.linalg.norm(back.grads[f"{name}.W"]))
        assert b[name] == pytest.approx(np.linalg.norm(back.grads[f"{name}.b"]))


def test_bias_norms_skip_layers_without_bias() -> None:
    net = MLP([4, 6, 6, 3], "relu", batch_norm=True, rng=0)
    _, _, back = forward_backward(net)
    assert list(bias_gradient_norms(net, back.grads)) == [str(net.dense_indices[-1])]
    assert len(weight_gradient_norms(net, back.grads)) == 3


def test_gradient_norm_errors() -> None:
    net = MLP([2, 3, 1], rng=0)
    _, _, back = forward_backward(net)
    grads = dict(back.grads)
    del grads["2.W"]
    with pytest.raises(ValueError, match=r"exactly the keys of params: missing \['2.W'\]"):
        weight_gradient_norms(net, grads)
    with pytest.raises(
        ValueError, match=r"grads\['0.W'\] must have the shape of params\['0.W'\] \(2, 3\)"
    ):
        weight_gradient_norms(net, {**back.grads, "0.W": np.ones((3, 2))})
    with pytest.raises(TypeError, match="dict"):
        weight_gradient_norms(net, [1, 2])  # type: ignore[arg-type]


def test_float32_norms_do_not_overflow() -> None:
    net = Sequential([Dense(2, 2, rng=0, dtype=np.float32)])
    huge = {"0.W": np.full((2, 2), 1e30, dtype=np.float32), "0.b": np.zeros(2, np.float32)}
    assert weight_gradient_norms(net, huge)["0"] == pytest.approx(2e30, rel=1e-6)


# --------------------------------------------------------------------------------------
# deltas
# --------------------------------------------------------------------------------------
def test_delta_norms_plain_network() -> None:
    net = MLP([4, 6, 6, 3], "sigmoid", rng=0)
    _, _, back = forward_backward(net)
    fro = delta_norms(net, back)
    assert list(fro) == ["0", "2", "4"]
    for name, value in fro.items():
        assert value == pytest.approx(np.linalg.norm(back.deltas[int(name)]))
    mean = delta_norms(net, back.deltas, reduce="mean")
    d = back.deltas[2]
    assert mean["2"] == pytest.approx(np.linalg.norm(d, axis=1).mean())
    # sigmoid: the deltas shrink towards the input
    assert fro["0"] < fro["2"] < fro["4"]


def test_delta_norms_inside_residual_blocks() -> None:
    net = MLP([3, 5, 5, 5, 2], "tanh", residual=True, residual_scale=0.5, rng=0)
    _, cache, back = forward_backward(net)
    with pytest.raises(ValueError, match=r"layer 1\.block\.1 sits inside a block.*Gradients"):
        delta_norms(net, back.deltas)  # the top-level deltas alone do not reach inside
    norms = delta_norms(net, back)
    assert list(norms) == dense_layer_names(net)
    # the recovered inner delta is the one behind the inner weight gradient: dW = a^T delta
    block = net.layers[2].block
    inner_cache = cache.caches[2]
    inner = block.backward(inner_cache, 0.5 * back.deltas[2])
    assert np.allclose(back.grads["2.block.1.W"], inner_cache.inputs[1].T @ inner.deltas[1])
    assert norms["2.block.1"] == pytest.approx(np.linalg.norm(inner.deltas[1]))


def test_delta_norms_errors() -> None:
    net = MLP([2, 3, 1], rng=0)
    _, _, back = forward_backward(net)
    with pytest.raises(ValueError, match="expected 3 deltas"):
        delta_norms(net, back.deltas[:2])
    with pytest.raises(ValueError, match="reduce must be one of"):
        delta_norms(net, back, reduce="max")
    with pytest.raises(TypeError, match="back must be the NetworkGradients"):
        delta_norms(net, 3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# activation statistics
# --------------------------------------------------------------------------------------
def test_activation_stats_relu_dead_units() -> None:
    net = MLP([3, 10, 2], "relu", rng=0)
    net.params["0.b"][:3] = -100.0  # three units never fire
    rng = np.random.default_rng(1)
    _, cache = net.forward(rng.standard_normal((50, 3)))
    (stats,) = activation_stats(net, cache)
    assert isinstance(stats, ActivationStats)
    assert stats.name == "1" and stats.activation == "relu"
    assert stats.dead_fraction == pytest.approx(0.3)
    a = cache.outputs[1]
    assert stats.zero_fraction == pytest.approx(np.mean(a == 0))
    assert stats.mean == pytest.approx(a.mean()) and stats.std == pytest.approx(a.std())
    assert math.isnan(stats.saturated_fraction)


def test_activation_stats_saturation() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((200, 10))
    for act, big in (("sigmoid", True), ("tanh", True), ("tanh", False)):
        init = functools.partial(normal, std=3.0) if big else "xavier_normal"
        net = MLP([10, 100, 2], act, init=init, rng=0)
        _, cache = net.forward(x)
        (stats,) = activation_stats(net, cache)
        a = cache.outputs[1]
        lo, hi = (0.0, 1.0) if act == "sigmoid" else (-1.0, 1.0)
        expected = np.mean((a <= lo + 0.01) | (a >= hi - 0.01))
        assert stats.saturated_fraction == pytest.approx(expected)
        assert (stats.saturated_fraction > 0.5) == big
        assert math.isnan(stats.dead_fraction)


def test_activation_stats_nested_and_errors() -> None:
    net = MLP([3, 4, 4, 4, 2], "tanh", residual=True, rng=0)
    _, cache = net.forward(np.ones((5, 3)))
    assert [s.name for s in activation_stats(net, cache)] == ["1.block.0", "2.block.0", "3"]
    with pytest.raises(ValueError, match="saturation_tol"):
        activation_stats(net, cache, saturation_tol=1.5)
    with pytest.raises(TypeError, match="ForwardCache"):
        activation_stats(net, None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# update-to-data ratio
# --------------------------------------------------------------------------------------
def test_update_to_data_ratio() -> None:
    rng = np.random.default_rng(3)
    W = rng.standard_normal((50, 50))
    params = {"W": W, "b": np.zeros(50)}
    updates = {"W": 1e-3 * rng.standard_normal((50, 50)), "b": rng.standard_normal(50)}
    ratio = update_to_data_ratio(params, updates, log10=False)
    assert list(ratio) == ["W"]
    assert ratio["W"] == pytest.approx(updates["W"].std() / W.std())
    assert update_to_data_ratio(params, updates)["W"] == pytest.approx(math.log10(ratio["W"]))
    new = {k: params[k] + updates[k] for k in params}
    via_new = update_to_data_ratio(params, new_params=new, weights_only=False, log10=False)
    assert via_new["W"] == pytest.approx(ratio["W"])
    assert via_new["b"] == math.inf  # zero-spread bias
    same = update_to_data_ratio({"b": np.zeros(3)}, {"b": np.zeros(3)}, weights_only=False)
    assert math.isnan(same["b"])


def test_update_to_data_ratio_errors() -> None:
    p = {"W": np.ones((2, 2))}
    with pytest.raises(ValueError, match="exactly one"):
        update_to_data_ratio(p)
    with pytest.raises(ValueError, match="exactly one"):
        update_to_data_ratio(p, p, new_params=p)
    with pytest.raises(ValueError, match="missing"):
        update_to_data_ratio(p, {"V": np.ones((2, 2))})
    with pytest.raises(
        ValueError, match=r"updates\['W'\] must have the shape of params\['W'\] \(2, 2\)"
    ):
        update_to_data_ratio(p, {"W": np.ones((2, 3))})


# --------------------------------------------------------------------------------------
# Jacobian
# --------------------------------------------------------------------------------------
def test_jacobian_of_a_linear_network() -> None:
    net = MLP([5, 6, 4, 3], "identity", rng=0)
    W = net.params["0.W"] @ net.params["2.W"] @ net.params["4.W"]
    expected = np.linalg.svd(W, compute_uv=False)
    assert np.allclose(jacobian_singular_values(net, np.ones(5)), expected)
    s = jacobian_singular_values(net, np.random.default_rng(4).standard_normal((7, 5)))
    assert s.shape == (7, 3)
    assert np.allclose(s, expected)


def test_jacobian_matches_finite_differences() -> None:
    net = MLP([3, 5, 5, 2], "tanh", batch_norm=True, rng=0)
    net.forward(np.random.default_rng(5).standard_normal((10, 3)))  # running statistics
    x0 = np.random.default_rng(6).standard_normal(3)
    J = np.stack(
        [
            numerical_gradient(lambda v, k=k: float(net(v[None, :])[0, k]), x0.copy())
            for k in range(2)
        ]
    )
    assert np.allclose(jacobian_singular_values(net, x0), np.linalg.svd(J, compute_uv=False))


def test_deep_orthogonal_linear_network_is_isometric() -> None:
    net = MLP([16] * 31, "identity", init="orthogonal", rng=0)
    x = np.random.default_rng(7).standard_normal((3, 16))
    s = jacobian_singular_values(net, x, average=True)
    assert s.shape == (16,)
    assert np.allclose(s, 1.0)


def test_jacobian_errors() -> None:
    net = MLP([2, 2], rng=0)
    with pytest.raises(TypeError, match="Layer"):
        jacobian_singular_values(np.eye(2), np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-D or 2-D"):
        jacobian_singular_values(net, np.ones((1, 1, 2)))


# --------------------------------------------------------------------------------------
# signal propagation
# --------------------------------------------------------------------------------------
def test_signal_propagation_shapes_and_ratios() -> None:
    sp = signal_propagation(6, 64, "relu", "he_normal", n_samples=128, rng=0)
    assert isinstance(sp, SignalPropagation)
    for arr in (sp.forward_std, sp.backward_std, sp.weight_grad_std):
        assert arr.shape == (6,)
    assert sp.forward_ratio == pytest.approx(sp.forward_std[-1] / sp.forward_std[0])
    assert sp.backward_ratio == pytest.approx(sp.backward_std[0] / sp.backward_std[-1])
    assert sp.weight_grad_ratio == pytest.approx(sp.weight_grad_std[0] / sp.weight_grad_std[-1])
    assert sp.forward_std[0] == pytest.approx(math.sqrt(2), rel=0.15)  # He: Var z1 = 2


def test_signal_propagation_is_seeded_and_float32_works() -> None:
    a = signal_propagation(4, 32, "tanh", n_samples=64, rng=1)
    b = signal_propagation(4, 32, "tanh", n_samples=64, rng=1)
    assert np.array_equal(a.forward_std, b.forward_std)
    c = signal_propagation(4, 32, "tanh", n_samples=64, rng=1, dtype=np.float32)
    assert np.allclose(c.forward_std, a.forward_std, rtol=1e-4)
    with pytest.raises(ValueError, match="depth"):
        signal_propagation(0)
