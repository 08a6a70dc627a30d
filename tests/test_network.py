"""Tests for vanishing.network: Sequential, MLP, deltas, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest
from layer_gradcheck import grad_check

from vanishing.activations import ACTIVATIONS
from vanishing.layers import ActivationLayer, BatchNorm, Dense, Residual
from vanishing.network import (
    MLP,
    ForwardCache,
    NetworkGradients,
    Sequential,
    _walk,
    default_initializer,
)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_gradients_every_activation(activation: str) -> None:
    net = MLP([3, 5, 4, 2], activation, rng=0)
    for key in net.params:
        if key.endswith(".b"):  # non-zero biases, so that their gradients are exercised
            net.params[key][:] = np.random.default_rng(1).standard_normal(net.params[key].shape)
    grad_check(net, np.random.default_rng(2).standard_normal((6, 3)))


@pytest.mark.parametrize(
    ("batch_norm", "residual", "scale"),
    [(True, False, None), (False, True, None), (False, True, 0.5), (True, True, 0.5)],
    ids=["batch_norm", "residual", "residual-scaled", "batch_norm-residual-scaled"],
)
def test_mlp_gradients_countermeasures(
    batch_norm: bool, residual: bool, scale: float | None
) -> None:
    net = MLP(
        [3, 4, 4, 4, 2],
        "tanh",
        batch_norm=batch_norm,
        residual=residual,
        residual_scale=scale,
        rng=0,
    )
    if batch_norm:
        assert any(isinstance(layer, BatchNorm) for layer in net.layers)
    if residual:
        assert sum(isinstance(layer, Residual) for layer in net.layers) == 2
    grad_check(net, np.random.default_rng(3).standard_normal((8, 3)))


def test_nested_sequential_gradients() -> None:
    net = Sequential([MLP([3, 4, 4], "tanh", rng=0), Dense(4, 2, rng=1)])
    assert list(net.params) == ["0.0.W", "0.0.b", "0.2.W", "0.2.b", "1.W", "1.b"]
    grad_check(net, np.random.default_rng(4).standard_normal((5, 3)))


def test_deltas_are_gradients_of_layer_outputs() -> None:
    rng = np.random.default_rng(5)
    net = MLP([3, 6, 6, 2], "sigmoid", rng=0)
    x, dy = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    y, cache = net.forward(x)
    back = net.backward(cache, dy)
    assert isinstance(cache, ForwardCache) and isinstance(back, NetworkGradients)
    assert len(back.deltas) == len(net.layers) == len(cache.outputs)
    assert np.array_equal(back.deltas[-1], dy)
    assert y is cache.outputs[-1]
    # deltas[i] = dL/d outputs[i]: the dx of layer i + 1
    for i in range(len(net.layers) - 1):
        dx = net.layers[i + 1].backward(cache.caches[i + 1], back.deltas[i + 1]).dx
        assert np.allclose(back.deltas[i], dx)
        assert np.array_equal(cache.inputs[i + 1], cache.outputs[i])
    # for a Dense layer: dW = (its input)^T delta
    for i in net.dense_indices:
        assert np.allclose(back.grads[f"{i}.W"], cache.inputs[i].T @ back.deltas[i])


def test_named_layers_and_named_deltas_reach_inside_blocks() -> None:
    net = Sequential(
        [
            MLP([3, 4, 4, 4], "tanh", residual=True, residual_scale=0.5, rng=0),
            Residual(Dense(4, 4, rng=1), scale=2.0),
            Dense(4, 2, rng=2),
        ]
    )
    paths = [path for path, _ in net.named_layers()]
    assert paths == [
        "0",
        "0.0",
        "0.1",
        "0.1.block",
        "0.1.block.0",
        "0.1.block.1",
        "0.2",
        "0.3",
        "1",
        "1.block",
        "2",
    ]
    layers = dict(net.named_layers())
    # a parameter key is its layer's path and the layer's own name for it
    for key, value in net.params.items():
        path, name = key.rsplit(".", 1)
        assert layers[path].params[name] is value
    rng = np.random.default_rng(8)
    y, cache = net.forward(rng.standard_normal((5, 3)))
    back = net.backward(cache, rng.standard_normal(y.shape))
    named = back.named_deltas
    assert list(named) == paths
    assert [named[str(i)] for i in range(len(net))] == back.deltas
    walked = {path: layer_cache for path, _, layer_cache in _walk(net, cache)}
    for path, layer in layers.items():
        if isinstance(layer, Dense):  # dW = (its input)^T delta, at any depth
            assert np.allclose(back.grads[f"{path}.W"], walked[path].T @ named[path])
        if isinstance(layer, Residual):  # the branch sees scale * dL/dy
            assert np.allclose(named[f"{path}.block"], layer.scale * named[path])
        if isinstance(layer, Sequential):  # delta[i] = dx of layer i + 1; the last is the whole
            inner = [f"{path}.{i}" for i in range(len(layer))]
            assert named[inner[-1]] is named[path]
            for i in range(len(layer) - 1):
                below = layer.layers[i + 1].backward(walked[inner[i + 1]], named[inner[i + 1]])
                assert np.allclose(named[inner[i]], below.dx)


def test_walk_rejects_a_foreign_cache() -> None:
    _, cache = MLP([2, 3, 1], rng=0).forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match="cache does not belong to this network"):
        list(_walk(MLP([2, 3, 3, 1], rng=0), cache))


def test_params_are_the_layers_arrays() -> None:
    net = MLP([2, 3, 1], "relu", rng=0)
    x = np.ones((1, 2))
    before = net(x)
    net.params["2.b"] += 1.0
    assert np.allclose(net(x), before + 1.0)
    assert net.params["0.W"] is net.layers[0].params["W"]


def test_float32_network() -> None:
    net = MLP([3, 4, 4, 2], "tanh", batch_norm=True, residual=True, rng=0, dtype=np.float32)
    x = np.random.default_rng(6).standard_normal((5, 3))  # float64 input is cast
    y, cache = net.forward(x)
    assert y.dtype == np.float32
    back = net.backward(cache, np.ones_like(y))
    assert back.dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in back.grads.values())
    assert all(d.dtype == np.float32 for d in back.deltas)
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_inference_mode_uses_running_statistics() -> None:
    net = MLP([3, 4, 2], "relu", batch_norm=True, rng=0)
    rng = np.random.default_rng(7)
    for _ in range(3):
        net.forward(rng.standard_normal((8, 3)) + 2.0)
    bn = net.layers[1]
    assert isinstance(bn, BatchNorm)
    x = rng.standard_normal((1, 3))  # a single sample works in inference mode
    z = x @ net.params["0.W"]
    a = np.maximum((z - bn.running_mean) / np.sqrt(bn.running_var + bn.eps), 0)
    expected = a @ net.params["3.W"] + net.params["3.b"]
    assert np.allclose(net(x), expected)


def test_mlp_structure() -> None:
    net = MLP([2, 4, 4, 1], "relu", batch_norm=True, rng=0)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == [
        "Dense",
        "BatchNorm",
        "ActivationLayer",
        "Dense",
        "BatchNorm",
        "ActivationLayer",
        "Dense",
    ]
    # no bias before batch norm, a bias on the output layer
    assert "0.b" not in net.params and "6.b" in net.params
    assert net.dense_indices == [0, 3, 6]
    assert net.layer_names[0] == "0:Dense(2, 4)"
    assert len(net) == 7


def test_default_initializers() -> None:
    assert default_initializer("relu") == "he_normal"
    assert default_initializer("leaky_relu") == "he_normal"
    assert default_initializer("tanh") == "xavier_normal"
    assert default_initializer("sigmoid") == "xavier_normal"
    assert default_initializer("selu") == "lecun_normal"


def test_overflow_inside_the_network_propagates() -> None:
    """Only the network input is scanned for nan/inf; an overflow inside yields inf."""
    net = Sequential([Dense(1, 1, init="constant", bias=False), ActivationLayer("relu")])
    net.params["0.W"][:] = 1e300
    with np.errstate(over="ignore"):
        y, _ = net.forward(np.array([[1e10]]))
    assert np.isinf(y).all()


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
def test_construction_errors() -> None:
    with pytest.raises(ValueError, match="at least an input and an output width"):
        MLP([3])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be a positive integer"):
        MLP([3, 0, 2])
    with pytest.raises(TypeError, match=r"sizes\[0\] must be a positive integer"):
        MLP([3.0, 2])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="residual_scale"):
        MLP([3, 3, 3, 1], residual=True, residual_scale=-1.0)
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match=r"layers\[1\] must be a Layer, got str"):
        Sequential([Dense(2, 2), "relu"])  # type: ignore[list-item]


def test_forward_backward_errors_name_the_expected_shape() -> None:
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=r"Dense\(3, 4\) expects x of shape \(n_samples, 3\)"):
        net.forward(np.ones((5, 4)))
    with pytest.raises(ValueError, match=r"x must be 2-D \(n_samples, n_features\)"):
        net.forward(np.ones((2, 3, 1)))
    with pytest.raises(ValueError, match="finite"):
        net.forward(np.array([[0.0, np.inf, 1.0]]))
    with pytest.raises(TypeError, match="numeric"):
        net.forward(np.array([["a", "b", "c"]]))
    y, cache = net.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"network output's shape \(5, 2\), got \(5, 3\)"):
        net.backward(cache, np.ones((5, 3)))
    with pytest.raises(TypeError, match="ForwardCache"):
        net.backward((1, 2, 3), np.ones_like(y))  # type: ignore[arg-type]


def test_residual_scale_without_residual_is_an_error() -> None:
    with pytest.raises(ValueError, match="residual=True"):
        MLP([4, 4, 4, 2], "relu", residual_scale=0.5)


@pytest.mark.parametrize("sizes", [[3, 2], [3, 4, 2], [3, 4, 5, 2]])
def test_residual_without_room_for_a_block_is_an_error(sizes: list[int]) -> None:
    """No two consecutive hidden widths agree: residual=True would be silently ignored."""
    with pytest.raises(ValueError, match=r"residual=True puts residual blocks .* has none"):
        MLP(sizes, residual=True)
