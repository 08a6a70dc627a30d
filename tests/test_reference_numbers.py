"""The library reproduces the key numbers of the papers the site relies on.

Glorot & Bengio (AISTATS 2010), He et al. (ICCV 2015), Klambauer et al. (NeurIPS 2017),
Pascanu et al. (ICML 2013), He et al. (ECCV 2016) and PyTorch's documented defaults. The
measurements use 30 layers of width 512, batch 1024, x ~ N(0, 1) and no biases. Finite
width adds noise that grows with depth / width (Hanin & Rolnick, NeurIPS 2018), roughly
exp(+-sqrt(5L/n)) here, so "~1" claims are compared
within a factor of 2 and exponential ones in log space (log2 within +-1, i.e. a factor 2).
The batch is 128 here: the spread of the estimates is set by the width, and 8x fewer
samples keep the test fast.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from vanishing.activations import sigmoid_derivative
from vanishing.clipping import clip_by_global_norm
from vanishing.datasets import load_digits
from vanishing.diagnostics import bias_gradient_norms, signal_propagation
from vanishing.initializers import normal
from vanishing.losses import softmax_cross_entropy
from vanishing.meanfield import variance_map
from vanishing.network import MLP
from vanishing.optimizers import Adam
from vanishing.rnn import VanillaRNN, gradient_through_time

DEPTH, WIDTH, BATCH = 30, 512, 128


def within_factor_2(value: float, target: float) -> bool:
    return target / 2 <= value <= target * 2


def log2_close(value: float, target: float) -> bool:
    return abs(math.log2(value) - math.log2(target)) <= 1.0


@functools.cache
def propagation(activation: str, init: str) -> tuple[float, float, float, float]:
    init_fn = functools.partial(normal, std=0.01) if init == "normal_0.01" else init
    sp = signal_propagation(DEPTH, WIDTH, activation, init_fn, BATCH, rng=0, dtype=np.float32)
    return sp.forward_ratio, sp.backward_ratio, sp.weight_grad_ratio, float(sp.forward_std[-1])


# --------------------------------------------------------------------------------------
# signal propagation through 30 layers
# --------------------------------------------------------------------------------------
def test_relu_he_preserves_the_signal() -> None:
    forward, backward, _, _ = propagation("relu", "he_normal")
    assert within_factor_2(forward, 1.0)  # meas. 1.04
    assert within_factor_2(backward, 1.0)  # meas. 1.15


def test_relu_xavier_halves_the_variance_per_layer() -> None:
    forward, backward, weight_grad, _ = propagation("relu", "xavier_normal")
    # mean-field theory: Var[W] = 1/n halves the ReLU variance in each of the 29 layers
    q = 1.0
    for _ in range(DEPTH - 1):
        q = float(variance_map(q, 1.0, 0.0, "relu"))
    theory = math.sqrt(q)
    assert theory == pytest.approx(2**-14.5, rel=1e-9)  # = 4.3e-5
    assert log2_close(forward, theory)  # meas. 4.5e-5
    assert log2_close(backward, theory)  # meas. 5.0e-5
    # Glorot's eq. 14: the weight gradients look alike in every layer meanwhile (meas. 1.04)
    assert within_factor_2(weight_grad, 1.0)


def test_relu_with_tiny_gaussian_weights_collapses() -> None:
    forward, backward, _, _ = propagation("relu", "normal_0.01")
    assert log2_close(forward, 8e-24)
    assert log2_close(backward, 8e-24)


def test_tanh_standard_uniform_collapses() -> None:
    forward, _, _, _ = propagation("tanh", "standard_uniform")
    # U(-1/sqrt(n), 1/sqrt(n)) has Var[W] = 1/(3n), and |tanh z| <= |z|: the variance
    # shrinks at least threefold per layer, the std by at most 3^-14.5 = 1.2e-7 overall
    bound = 3**-14.5
    assert forward <= 2 * bound  # meas. 8.5e-8
    assert log2_close(forward, 8.5e-8)


def test_tanh_xavier_layer_30_std() -> None:
    _, _, _, std30 = propagation("tanh", "xavier_normal")
    # the forward variance decays like 1/(2l): std sqrt(1/60) = 0.129 at layer 30
    assert std30 == pytest.approx(math.sqrt(1 / (2 * DEPTH)), rel=0.1)  # meas. 0.1296


def test_sigmoid_xavier_keeps_the_forward_spread_but_not_the_gradient() -> None:
    forward, backward, _, _ = propagation("sigmoid", "xavier_normal")
    assert forward > 0.25  # the spread of z survives ...
    assert log2_close(backward, 6e-19)  # ~0.23x per layer


def test_sigmoid_xavier_forward_spread_is_a_fixed_offset() -> None:
    """... but it is the same for every input: the input-dependent part of z dies."""
    rng = np.random.default_rng(0)
    net = MLP([WIDTH] * (DEPTH + 1), "sigmoid", init="xavier_normal", bias=False, rng=rng)
    _, cache = net.forward(rng.standard_normal((BATCH, WIDTH)))
    first, last = (cache.outputs[i] for i in (net.dense_indices[0], net.dense_indices[-1]))
    varying = (last - last.mean(axis=0)).std() / (first - first.mean(axis=0)).std()
    assert varying < 1e-12  # ~0.236x per layer, down to float64 rounding
    assert last.mean(axis=0).std() > 0.99 * last.std()  # the spread is across units
    corr = np.corrcoef(last)
    assert corr.min() > 1 - 1e-9  # every input is mapped to the same vector


def test_selu_lecun_self_normalises_forward_but_grows_backward() -> None:
    sp = signal_propagation(DEPTH, WIDTH, "selu", "lecun_normal", BATCH, rng=0, dtype=np.float32)
    assert within_factor_2(sp.forward_ratio, 1.0)
    # gradients grow ~3.5 % per layer going back (meas. 2.81x over 29 layers): not preserved
    assert within_factor_2(sp.backward_ratio, 2.81)
    assert sp.backward_ratio > 1.5


# --------------------------------------------------------------------------------------
# residual connections
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scale", "target"), [(None, 2.0**25), (1 / math.sqrt(50), (1 + 1 / 50) ** 25)]
)
def test_residual_growth_unscaled_vs_scaled(scale: float | None, target: float) -> None:
    """50 variance-preserving linear branches: std x 2^(L/2) unscaled, ~1.64 with 1/sqrt(L)."""
    net = MLP(
        [WIDTH] * 51 + [10],
        "identity",
        init="lecun_normal",
        residual=True,
        residual_scale=scale,
        bias=False,
        rng=0,
    )
    x = np.random.default_rng(0).standard_normal((BATCH, WIDTH))
    _, cache = net.forward(x)
    growth = float(cache.outputs[-2].std() / x.std())
    if scale is None:
        assert log2_close(growth, target)  # 2^25 = 3.4e7; meas. 4e7
    else:
        assert growth == pytest.approx(target, rel=0.1)  # meas. 1.62


# --------------------------------------------------------------------------------------
# activations, optimizers, clipping, RNNs
# --------------------------------------------------------------------------------------
def test_ten_sigmoid_layers_scale_the_gradient_by_a_quarter_to_the_ten() -> None:
    # a chain of 1-unit sigmoid layers whose pre-activations are all exactly 0
    net = MLP([1] * 11 + [1], "sigmoid", init="constant", rng=0)
    for i in net.dense_indices[1:-1]:
        net.params[f"{i}.b"][:] = -0.5  # sigmoid(0) = 0.5, so the next z is 0 again
    net.params[f"{net.dense_indices[-1]}.b"][:] = 0.0
    y, cache = net.forward(np.zeros((1, 1)))
    dx = net.backward(cache, np.ones_like(y)).dx
    assert float(dx[0, 0]) == 0.25**10  # = 2^-20 = 9.5e-7
    assert sigmoid_derivative(0.0) == 0.25


def test_adam_first_step_is_lr_whatever_the_gradient_scale() -> None:
    opt = Adam()
    params = {"w": np.zeros(1)}
    state = opt.init(params)
    opt.step(params, {"w": np.array([1e-6])}, state)
    assert -params["w"][0] == pytest.approx(0.00099, abs=1e-7)
    assert -params["w"][0] == pytest.approx(1e-3 * 1e-6 / (1e-6 + 1e-8))


def test_clip_3_4_to_1() -> None:
    clipped, norm = clip_by_global_norm(np.array([3.0, 4.0]), 1.0)
    assert norm == 5.0
    assert np.allclose(clipped, [0.6, 0.8], atol=1e-6)


def test_linear_rnn_orthogonal_1_05_over_50_steps() -> None:
    rnn = VanillaRNN(2, 64, activation="identity", recurrent_gain=1.05, rng=0)
    norms = gradient_through_time(rnn, np.zeros((50, 1, 2)))
    assert norms[0] / norms[-1] == pytest.approx(11.467, abs=5e-4)


# --------------------------------------------------------------------------------------
# Nielsen, ch. 5: the speed of learning increases with the layer index
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_hidden", [2, 3, 4])
def test_nielsen_speed_of_learning_on_digits(n_hidden: int) -> None:
    X, y = load_digits()
    X, y = X[:1000], y[:1000]
    # Nielsen's code: N(0, 1/n_in) weights, N(0, 1) biases, sigmoid, cross-entropy
    net = MLP([64] + [30] * n_hidden + [10], "sigmoid", init="lecun_normal", rng=0)
    rng = np.random.default_rng(0)
    for key in net.params:
        if key.endswith(".b"):
            net.params[key][:] = rng.standard_normal(net.params[key].shape)
    out, cache = net.forward(X)
    _, grad = softmax_cross_entropy(out, y)
    speeds = list(bias_gradient_norms(net, net.backward(cache, grad).grads).values())[:-1]
    assert len(speeds) == n_hidden
    ratios = np.array(speeds[:-1]) / np.array(speeds[1:])
    # each hidden layer learns ~0.15-0.25x as fast as the next (Nielsen: 0.07 vs 0.31, ...)
    assert np.all((ratios > 0.1) & (ratios < 0.35)), ratios
