"""Mean-field signal propagation (vanishing.meanfield) against independent references.

References used here, none of them the module's own quadrature:
- ``scipy.integrate.quad`` / ``dblquad`` (adaptive Gauss-Kronrod);
- closed forms: ReLU's arc-cosine kernel (Cho & Saul, NeurIPS 2009) and the identity;
- simulation of wide random networks built with the library's own layers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from vanishing import MLP, meanfield
from vanishing.activations import ACTIVATIONS, Activation, get_activation
from vanishing.diagnostics import signal_propagation, weight_gradient_norms

SMOOTH_AND_KINKED = sorted(ACTIVATIONS)


def reference_expectation(f, scale: float) -> float:
    """E[f(scale z)], z ~ N(0, 1), by adaptive quadrature split at 0."""

    def integrand(z: float) -> float:
        return float(f(np.array(scale * z))) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    breaks = [x / scale for x in (1.0, 3.0) if x / scale < 13.0]
    total = 0.0
    for lo, hi, pts in ((-13.0, 0.0, [-b for b in breaks]), (0.0, 13.0, breaks)):
        total += integrate.quad(
            integrand, lo, hi, points=pts or None, epsabs=1e-15, epsrel=1e-13, limit=500
        )[0]
    return total


@pytest.mark.parametrize("name", SMOOTH_AND_KINKED)
@pytest.mark.parametrize("scale", [0.05, 0.7, 2.0, 8.0, 40.0])
def test_gaussian_expectations_match_adaptive_quadrature(name: str, scale: float) -> None:
    act = get_activation(name)
    for f in (
        lambda u: act(u) ** 2,
        lambda u: act.derivative(u) ** 2,
        lambda u: act(u) * act.derivative(u) * u,
    ):
        ours = float(meanfield.gaussian_expectation(f, scale))
        ref = reference_expectation(f, scale)
        assert ours == pytest.approx(ref, rel=1e-10, abs=1e-14)


def relu_kernel(c: float, q: float) -> tuple[float, float]:
    """E[relu(u1) relu(u2)] and E[relu'(u1) relu'(u2)] in closed form (arc-cosine kernel)."""
    theta = math.acos(c)
    both = q / (2 * math.pi) * (math.sin(theta) + (math.pi - theta) * c)
    return both, (math.pi - theta) / (2 * math.pi)


@pytest.mark.parametrize("c", [-0.9, -0.3, 0.0, 0.4, 0.9, 0.999, 1.0])
@pytest.mark.parametrize("q", [0.2, 1.0, 9.0])
def test_pair_moments_match_relu_closed_form(c: float, q: float) -> None:
    both, derivs = meanfield._pair_moments(get_activation("relu"), c, q)
    ref_both, ref_derivs = relu_kernel(c, q)
    assert float(both) == pytest.approx(ref_both, rel=1e-9)
    assert float(derivs) == pytest.approx(ref_derivs, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("name", "c", "q"), [("tanh", 0.6, 1.5), ("gelu", 0.95, 0.8)])
def test_pair_moments_match_dblquad(name: str, c: float, q: float) -> None:
    act = get_activation(name)
    s, sin = math.sqrt(q), math.sqrt(1 - c * c)

    def integrand(z2: float, z1: float) -> float:
        u1, u2 = s * z1, s * (c * z1 + sin * z2)
        density = math.exp(-0.5 * (z1 * z1 + z2 * z2)) / (2 * math.pi)
        return float(act(np.array(u1)) * act(np.array(u2))) * density

    ref = integrate.dblquad(integrand, -9, 9, -9, 9, epsabs=1e-12, epsrel=1e-10)[0]
    assert float(meanfield._pair_moments(act, c, q)[0]) == pytest.approx(ref, rel=1e-8)


def test_known_critical_points() -> None:
    # tanh at sb2 = 0 is critical at sw2 = 1 (q* -> 0, tanh'(0) = 1); ReLU at sw2 = 2 (He)
    assert float(meanfield.chi1(1.0, 0.0, "tanh")) == pytest.approx(1.0, abs=1e-9)
    assert float(meanfield.chi1(0.9, 0.0, "tanh")) == pytest.approx(0.9, abs=1e-9)
    for sb2 in (0.0, 0.1, 0.5):
        assert float(meanfield.chi1(2.0, sb2, "relu")) == pytest.approx(1.0, abs=1e-12)
    # ReLU's map is linear: q* = sb2 / (1 - sw2/2) below He, unbounded above
    assert float(meanfield.fixed_point(1.5, 0.2, "relu")) == pytest.approx(0.8, rel=1e-12)
    assert math.isinf(float(meanfield.fixed_point(2.5, 0.2, "relu")))
    # identity: q* = sb2 / (1 - sw2)
    assert float(meanfield.fixed_point(0.5, 0.3, "identity")) == pytest.approx(0.6, rel=1e-12)


def test_critical_line_is_critical_and_has_its_fixed_point() -> None:
    q_star = np.array([0.05, 0.5, 1.0, 3.0])
    sw2, sb2 = meanfield.critical_line(q_star, "tanh")
    np.testing.assert_allclose(meanfield.fixed_point(sw2, sb2, "tanh"), q_star, rtol=1e-9)
    np.testing.assert_allclose(meanfield.chi1(sw2, sb2, "tanh"), 1.0, rtol=1e-9)
    # on the boundary the correlation depth scale diverges
    assert np.all(meanfield.depth_scales(sw2, sb2, "tanh").xi_c > 1e6)


def test_gains_are_special_cases_of_chi1_equal_one() -> None:
    # He: relu, sw2 = 2; leaky relu 2/(1 + a^2); LeCun + SELU just above (RMS +3.5 % per layer)
    assert float(meanfield.chi1(2.0, 0.0, "relu")) == pytest.approx(1.0, abs=1e-12)
    a = 0.01
    leaky = get_activation("leaky_relu", slope=a)
    assert float(meanfield.chi1(2 / (1 + a * a), 0.0, leaky)) == pytest.approx(1.0, abs=1e-12)
    assert 1.03 < math.sqrt(float(meanfield.chi1(1.0, 0.0, "selu"))) < 1.04
    # identity (linear): sw2 = 1 (Xavier/LeCun with gain 1)
    assert float(meanfield.chi1(1.0, 0.0, "identity")) == pytest.approx(1.0, abs=1e-12)


def wide_tanh_net(sw2: float, sb2: float, depth: int, width: int, seed: int = 0) -> MLP:
    init = meanfield.GaussianInit(sw2, sb2)
    return MLP([width] * (depth + 1), "tanh", init=init, rng=seed)


@pytest.mark.parametrize(("sw2", "sb2"), [(1.5, 0.05), (3.0, 0.2), (0.8, 0.3)])
def test_variance_map_matches_wide_network(sw2: float, sb2: float) -> None:
    depth, width = 12, 1500
    net = wide_tanh_net(sw2, sb2, depth, width)
    x = np.random.default_rng(1).standard_normal((100, width))
    _, cache = net.forward(x)
    measured = np.array([np.mean(cache.outputs[i] ** 2) for i in net.dense_indices])
    predicted = [sw2 * 1.0 + sb2]
    for _ in range(depth - 1):
        predicted.append(float(meanfield.variance_map(predicted[-1], sw2, sb2, "tanh")))
    np.testing.assert_allclose(measured[:depth], predicted, rtol=0.06)


@pytest.mark.parametrize(("sw2", "sb2", "c0"), [(1.2, 0.05, 0.5), (4.0, 0.05, 0.95)])
def test_correlation_map_matches_wide_network(sw2: float, sb2: float, c0: float) -> None:
    """Two inputs at the fixed point: ordered (correlation rises) and chaotic (falls)."""
    depth, width = 10, 1200
    q_star = float(meanfield.fixed_point(sw2, sb2, "tanh"))

    def cosine(z: np.ndarray) -> float:  # E[z1 z2] / q, as in the mean-field correlation
        return float(z[0] @ z[1] / math.sqrt((z[0] @ z[0]) * (z[1] @ z[1])))

    runs = []
    for seed in range(4):  # one pair of inputs is noisy at this width: average four networks
        rng = np.random.default_rng(seed)
        # two pre-activation vectors with variance q* and correlation c0, through the layers
        z1 = rng.standard_normal(width)
        z2 = c0 * z1 + math.sqrt(1 - c0 * c0) * rng.standard_normal(width)
        h = np.tanh(np.sqrt(q_star) * np.stack([z1, z2]))
        _, cache = wide_tanh_net(sw2, sb2, depth, width, seed=10 + seed).forward(h)
        net_outputs = cache.outputs
        runs.append([cosine(net_outputs[i]) for i in range(0, 2 * depth, 2)])
    measured = np.mean(runs, axis=0)
    predicted, c = [], c0
    for _ in range(depth):
        c = float(meanfield.correlation_map(c, sw2, sb2, "tanh", q=q_star))
        predicted.append(c)
    np.testing.assert_allclose(measured, predicted, atol=0.04)


@pytest.mark.parametrize(("sw2", "sb2"), [(1.2, 0.1), (2.5, 0.1)])
def test_chi1_is_the_measured_gradient_growth_per_layer(sw2: float, sb2: float) -> None:
    depth, width = 20, 600
    init = meanfield.GaussianInit(sw2, sb2)
    sp = signal_propagation(depth, width, "tanh", init, n_samples=200, rng=0, bias=True)
    # mean squared delta grows by chi_1 per layer towards the input (after q settles)
    per_layer = (sp.backward_std[2] / sp.backward_std[-3]) ** (2 / (depth - 5))
    assert per_layer == pytest.approx(float(meanfield.chi1(sw2, sb2, "tanh")), rel=0.03)


@pytest.mark.parametrize("name", SMOOTH_AND_KINKED)
def test_edge_of_chaos_keeps_30_layers_or_raises(name: str) -> None:
    try:
        init = meanfield.edge_of_chaos(name)
    except ValueError as err:
        assert "no usable edge-of-chaos point" in str(err)
        assert name in ("sigmoid", "gelu", "silu", "softplus")
        return
    assert float(meanfield.chi1(init.sw2, init.sb2, name)) == pytest.approx(1.0, abs=1e-9)
    sp = signal_propagation(30, 256, name, init, n_samples=256, rng=0, bias=True)
    assert 1 / 3 < sp.forward_ratio < 3
    assert 1 / 3 < sp.backward_ratio < 3


def test_edge_of_chaos_keeps_100_tanh_layers() -> None:
    sp = signal_propagation(100, 256, "tanh", "edge_of_chaos", n_samples=256, rng=0, bias=True)
    assert 1 / 3 < sp.forward_ratio < 3
    assert 1 / 3 < sp.backward_ratio < 3


def test_mlp_edge_of_chaos_draws_biases() -> None:
    net = MLP([64, 256, 256, 10], "tanh", init="edge_of_chaos", rng=0)
    init = meanfield.edge_of_chaos("tanh")
    b = net.layers[0].params["b"]
    assert b.std() == pytest.approx(math.sqrt(init.sb2), rel=0.15)
    W = net.layers[2].params["W"]
    assert W.var() * 256 == pytest.approx(init.sw2, rel=0.05)


def test_unusable_points_raise_with_the_reason() -> None:
    with pytest.raises(ValueError, match="negative"):
        meanfield.edge_of_chaos("softplus")
    with pytest.raises(ValueError, match="unstable"):
        meanfield.edge_of_chaos("gelu")
    # GELU has usable points at larger q*: the message says where, and they work
    with pytest.raises(ValueError, match=r"between about 3\.98"):
        meanfield.edge_of_chaos("gelu", 1.0)
    init = meanfield.edge_of_chaos("gelu", 5.0)
    assert float(meanfield.variance_map_slope(5.0, init.sw2, "gelu")) <= 1.0


def test_user_activation() -> None:
    """A user's own Activation works everywhere (here: the scaled tanh 1.7159 tanh(2z/3))."""
    a, k = 1.7159, 2 / 3
    act = Activation(
        "lecun_tanh",
        lambda z: a * np.tanh(k * np.asarray(z)),
        lambda z: a * k / np.cosh(k * np.asarray(z)) ** 2,
    )
    init = meanfield.edge_of_chaos(act)
    assert float(meanfield.chi1(init.sw2, init.sb2, act)) == pytest.approx(1.0, abs=1e-9)


def test_batch_norm_gradient_explosion_rate() -> None:
    """Yang et al. (ICLR 2019): ReLU + batch norm at init, squared gradient x pi/(pi-1) a layer."""
    depth, width, n = 30, 256, 256
    rates = []
    for seed in range(2):
        rng = np.random.default_rng(seed)
        net = MLP([width] * (depth + 1) + [10], "relu", batch_norm=True, rng=seed)
        y, cache = net.forward(rng.standard_normal((n, width)))
        grads = net.backward(cache, rng.standard_normal(y.shape)).grads
        norms = np.array(list(weight_gradient_norms(net, grads).values()))[:-1]
        k = np.arange(norms.size)
        rates.append(math.exp(-np.polyfit(k[2:-2], np.log(norms[2:-2] ** 2), 1)[0]))
    assert float(np.mean(rates)) == pytest.approx(math.pi / (math.pi - 1), rel=0.05)


@settings(max_examples=40, deadline=None)
@given(
    sw2=st.floats(0.3, 6.0),
    sb2=st.floats(0.0, 1.0),
    name=st.sampled_from(["tanh", "softsign", "arctan"]),
)
def test_fixed_points_are_fixed_and_phases_consistent(sw2: float, sb2: float, name: str) -> None:
    act = (
        Activation("arctan", np.arctan, lambda z: 1 / (1 + np.square(z)))
        if name == "arctan"
        else get_activation(name)
    )
    q = float(meanfield.fixed_point(sw2, sb2, act))
    assert q >= 0
    assert float(meanfield.variance_map(q, sw2, sb2, act)) == pytest.approx(q, rel=1e-8, abs=1e-9)
    scales = meanfield.depth_scales(sw2, sb2, act)
    c_star = float(scales.c_star)
    assert -1.0 <= c_star <= 1.0
    if float(scales.chi1) < 1 - 1e-9:
        assert c_star == 1.0
    if float(scales.chi1) > 1 + 1e-6:
        assert c_star < 1.0
        assert float(meanfield.correlation_map(c_star, sw2, sb2, act)) == pytest.approx(
            c_star, abs=1e-7
        )


@settings(max_examples=30, deadline=None)
@given(sb2=st.floats(0.0, 0.5), lo=st.floats(0.5, 1.5), step=st.floats(0.05, 2.0))
def test_chi1_grows_with_weight_variance(sb2: float, lo: float, step: float) -> None:
    """For tanh, more weight variance always moves towards chaos."""
    chi = meanfield.chi1(np.array([lo, lo + step]), sb2, "tanh")
    assert chi[1] > chi[0]


def test_phase_diagram_boundary_matches_critical_line() -> None:
    sw2 = np.linspace(0.5, 4.0, 36)
    sb2 = np.linspace(0.0, 0.4, 5)
    pd = meanfield.phase_diagram(sw2, sb2, "tanh")
    assert pd.chi1.shape == (5, 36)
    crit_w, crit_b = meanfield.critical_line(np.geomspace(1e-3, 3.0, 400), "tanh")
    for row, b in enumerate(sb2):
        crossing = sw2[np.argmax(pd.chi1[row] > 1)]
        expected = np.interp(b, crit_b, crit_w)
        assert abs(crossing - expected) <= sw2[1] - sw2[0] + 1e-12


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: meanfield.fixed_point(-1.0, 0.0, "tanh"), "sw2"),
        (lambda: meanfield.fixed_point(1.0, -0.1, "tanh"), "sb2"),
        (lambda: meanfield.chi1(np.nan, 0.0, "tanh"), "sw2"),
        (lambda: meanfield.correlation_map(1.5, 1.0, 0.0, "tanh"), r"\[-1, 1\]"),
        (lambda: meanfield.critical_line(0.0, "tanh"), "q_star"),
        (lambda: meanfield.edge_of_chaos("tanh", -1.0), "q_star"),
        (lambda: meanfield.chi1(1.0, 0.0, "softmax"), "unknown activation"),
    ],
)
def test_bad_input_is_rejected(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_get_initializer_explains_edge_of_chaos() -> None:
    from vanishing.initializers import get_initializer

    with pytest.raises(ValueError, match="depends on the activation"):
        get_initializer("edge_of_chaos")
