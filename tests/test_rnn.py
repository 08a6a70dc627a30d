"""Tests for vanishing.rnn: BPTT gradients and the Pascanu-Mikolov-Bengio regimes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanishing.gradcheck import check_gradient, check_param_gradients
from vanishing.rnn import (
    RNNCache,
    RNNGradients,
    VanillaRNN,
    gradient_through_time,
    hidden_jacobian_norms,
)

RTOL = 1e-6


def fd_atol(terms: np.ndarray) -> float:
    """Finite-difference noise floor: 10 ulps of the summed terms over the step 1e-6."""
    return 10 * np.finfo(np.float64).eps * float(np.sum(np.abs(terms))) / 1e-6


def rnn_grad_check(rnn: VanillaRNN, x: np.ndarray, h0: np.ndarray | None, seed: int = 0) -> None:
    out, cache = rnn.forward(x, h0)
    R = np.random.default_rng(seed).standard_normal(out.shape)
    back = rnn.backward(cache, R)
    assert set(back.grads) == set(rnn.params)
    atol = fd_atol(out * R)

    def loss() -> float:
        return float(np.sum(rnn.forward(x, h0)[0] * R))

    for key, res in check_param_gradients(loss, rnn.params, back.grads, atol=atol).items():
        assert res.passed, f"{key}: relative error {res.max_relative_error:.2e}"
    res = check_gradient(lambda v: float(np.sum(rnn.forward(v, h0)[0] * R)), x, back.dx, atol=atol)
    assert res.passed, f"dx: relative error {res.max_relative_error:.2e}"
    if h0 is not None:
        res = check_gradient(
            lambda v: float(np.sum(rnn.forward(x, v)[0] * R)), h0, back.dh0, atol=atol
        )
        assert res.passed, f"dh0: relative error {res.max_relative_error:.2e}"


# --------------------------------------------------------------------------------------
# gradients
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity", "softsign"])
@pytest.mark.parametrize("n_out", [None, 2])
def test_bptt_gradient_check(activation: str, n_out: int | None) -> None:
    rng = np.random.default_rng(1)
    rnn = VanillaRNN(3, 4, n_out, activation=activation, recurrent_gain=0.9, rng=rng)
    rnn.params["b_h"][:] = rng.standard_normal(4) * 0.1
    if n_out is not None:
        rnn.params["b_y"][:] = rng.standard_normal(n_out)
    x = rng.standard_normal((6, 2, 3))
    rnn_grad_check(rnn, x, rng.standard_normal((2, 4)) * 0.5)


@settings(max_examples=15, deadline=None)
@given(
    T=st.integers(1, 6),
    n=st.integers(1, 3),
    n_in=st.integers(1, 3),
    n_hidden=st.integers(1, 4),
    gain=st.floats(0.3, 1.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_bptt_gradient_check_property(
    T: int, n: int, n_in: int, n_hidden: int, gain: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    rnn = VanillaRNN(n_in, n_hidden, 2, activation="tanh", recurrent_gain=gain, rng=rng)
    rnn_grad_check(rnn, rng.standard_normal((T, n, n_in)), None)


def test_total_hidden_gradient_per_step() -> None:
    """dh[t] = direct term + dL/dh_t through the later steps (a restart from h_t)."""
    rng = np.random.default_rng(2)
    rnn = VanillaRNN(2, 5, activation="tanh", rng=rng)
    x = rng.standard_normal((8, 3, 2))
    h, cache = rnn.forward(x)
    g = rng.standard_normal(h.shape)
    back = rnn.backward(cache, g)
    assert isinstance(back, RNNGradients) and isinstance(cache, RNNCache)
    assert back.dh.shape == (8, 3, 5)
    assert np.allclose(back.dh[-1], g[-1])
    for t in (0, 3, 6):
        _, sub_cache = rnn.forward(x[t + 1 :], h[t])
        sub = rnn.backward(sub_cache, g[t + 1 :])
        assert np.allclose(back.dh[t] - g[t], sub.dh0)


def test_cache_contents() -> None:
    rnn = VanillaRNN(2, 3, activation="sigmoid", rng=0)
    x = np.random.default_rng(3).standard_normal((4, 5, 2))
    h, cache = rnn.forward(x)
    assert h is cache.h
    assert np.allclose(cache.h, 1 / (1 + np.exp(-cache.z)))
    z1 = x[1] @ rnn.params["W_xh"] + h[0] @ rnn.params["W_hh"] + rnn.params["b_h"]
    assert np.allclose(cache.z[1], z1)
    assert not cache.h0.any()


# --------------------------------------------------------------------------------------
# vanishing and exploding through time
# --------------------------------------------------------------------------------------
def test_linear_orthogonal_rnn_grows_exactly_1_05_to_the_50() -> None:
    rnn = VanillaRNN(3, 32, activation="identity", recurrent_gain=1.05, rng=0)
    assert rnn.spectral_norm == pytest.approx(1.05, rel=1e-12)
    x = np.random.default_rng(4).standard_normal((50, 2, 3))
    norms = gradient_through_time(rnn, x)
    assert norms.shape == (51,)
    assert norms[-1] == pytest.approx(1.0)
    assert norms[0] / norms[-1] == pytest.approx(1.05**50, rel=1e-10)
    # every step multiplies by exactly 1.05
    assert np.allclose(norms[:-1] / norms[1:], 1.05)
    # and every singular value of dh_50/dh_t is 1.05^(50 - t)
    _, cache = rnn.forward(x)
    jac = hidden_jacobian_norms(rnn, cache)
    assert np.allclose(jac, 1.05 ** np.arange(50, -1, -1))


def test_tanh_rnn_at_spectral_norm_one_half_vanishes() -> None:
    rnn = VanillaRNN(2, 32, activation="tanh", recurrent_gain=0.5, rng=0)
    assert rnn.spectral_norm == pytest.approx(0.5)
    x = np.random.default_rng(5).standard_normal((40, 4, 2))
    norms = gradient_through_time(rnn, x)
    steps_back = np.arange(40, -1, -1)
    # Pascanu et al.: ||dh_T/dh_t|| <= (gamma sigma_max)^(T - t), gamma = 1 for tanh
    assert np.all(norms <= 0.5**steps_back * (1 + 1e-9))
    assert norms[0] < 1e-12
    _, cache = rnn.forward(x)
    jac = hidden_jacobian_norms(rnn, cache, average=False)
    assert jac.shape == (4, 41)
    assert np.all(jac <= 0.5**steps_back * (1 + 1e-9))


def test_sigmoid_rnn_vanishes_below_four() -> None:
    """For the sigmoid gamma = 1/4: sigma_max < 4 is enough for vanishing gradients."""
    rnn = VanillaRNN(2, 16, activation="sigmoid", spectral_norm=3.9, rng=0)
    assert rnn.spectral_norm == pytest.approx(3.9)
    x = np.random.default_rng(6).standard_normal((30, 3, 2))
    _, cache = rnn.forward(x)
    jac = hidden_jacobian_norms(rnn, cache, average=False)
    assert np.all(jac <= (3.9 / 4) ** np.arange(30, -1, -1) * (1 + 1e-9))


def test_tanh_rnn_above_one_need_not_explode() -> None:
    """sigma_max > 1 is necessary, not sufficient: saturated units damp the gradient."""
    rnn = VanillaRNN(4, 32, activation="tanh", recurrent_gain=1.5, rng=0)
    x = 3.0 * np.random.default_rng(7).standard_normal((50, 4, 4))
    norms = gradient_through_time(rnn, x)
    assert norms[0] < norms[-1]


def test_gradient_through_time_is_bounded_by_the_jacobian_norm() -> None:
    rnn = VanillaRNN(2, 8, activation="tanh", recurrent_gain=1.2, rng=0)
    x = np.random.default_rng(8).standard_normal((10, 1, 2))
    _, cache = rnn.forward(x)
    jac = hidden_jacobian_norms(rnn, cache)
    for seed in range(3):
        norms = gradient_through_time(rnn, x, rng=seed)
        assert np.all(norms <= jac * (1 + 1e-9))
    fro = hidden_jacobian_norms(rnn, cache, ord="fro")
    assert np.all(fro >= jac * (1 - 1e-9))
    assert fro[-1] == pytest.approx(np.sqrt(8))


def test_gradient_through_time_direction() -> None:
    rnn = VanillaRNN(2, 4, activation="identity", recurrent_gain=0.9, rng=0)
    norms = gradient_through_time(rnn, np.zeros((5, 1, 2)), direction=[2.0, 0, 0, 0])
    assert np.allclose(norms, 0.9 ** np.arange(5, -1, -1))
    with pytest.raises(ValueError, match="non-zero"):
        gradient_through_time(rnn, np.zeros((5, 1, 2)), direction=np.zeros(4))
    with pytest.raises(ValueError, match=r"direction must have shape \(n_hidden,\) = \(4,\)"):
        gradient_through_time(rnn, np.zeros((5, 1, 2)), direction=np.ones(3))
    with pytest.raises(TypeError, match="VanillaRNN"):
        gradient_through_time("rnn", np.zeros((5, 1, 2)))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# initialisation, dtypes, errors
# --------------------------------------------------------------------------------------
def test_recurrent_scaling_options() -> None:
    rnn = VanillaRNN(2, 10, recurrent_init="xavier_normal", spectral_radius=0.8, rng=0)
    assert np.max(np.abs(np.linalg.eigvals(rnn.params["W_hh"]))) == pytest.approx(0.8)
    rnn = VanillaRNN(2, 10, recurrent_init="xavier_normal", spectral_norm=0.8, rng=0)
    assert rnn.spectral_norm == pytest.approx(0.8)
    rnn = VanillaRNN(2, 10, recurrent_gain=2.0, rng=0)
    assert np.allclose(np.linalg.svd(rnn.params["W_hh"], compute_uv=False), 2.0)
    with pytest.raises(ValueError, match="at most one"):
        VanillaRNN(2, 3, spectral_radius=1.0, spectral_norm=1.0)
    with pytest.raises(ValueError, match="recurrent_gain cannot be combined"):
        VanillaRNN(2, 3, recurrent_gain=2.0, spectral_norm=1.0)
    with pytest.raises(ValueError, match="spectral_norm"):
        VanillaRNN(2, 3, spectral_norm=-1.0)
    with pytest.raises(ValueError, match="recurrent_gain"):
        VanillaRNN(2, 3, recurrent_gain=0.0)


def test_float32_rnn() -> None:
    rnn = VanillaRNN(2, 3, 2, rng=0, dtype=np.float32)
    x = np.random.default_rng(9).standard_normal((4, 2, 2))
    y, cache = rnn.forward(x)
    assert y.dtype == np.float32 and cache.h.dtype == np.float32
    back = rnn.backward(cache, np.ones_like(y))
    assert back.dx.dtype == np.float32 and back.dh.dtype == np.float32
    assert all(g.dtype == np.float32 for g in back.grads.values())
    assert all(p.dtype == np.float32 for p in rnn.params.values())


def test_errors_name_the_expected_shape() -> None:
    rnn = VanillaRNN(3, 4, 2, rng=0)
    with pytest.raises(ValueError, match=r"x must be 3-D \(T, n_samples, n_in\)"):
        rnn.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"expects x of shape \(T, n_samples, 3\)"):
        rnn.forward(np.ones((5, 2, 4)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(n_samples, n_hidden\) = \(2, 4\)"):
        rnn.forward(np.ones((5, 2, 3)), np.ones((2, 3)))
    y, cache = rnn.forward(np.ones((5, 2, 3)))
    with pytest.raises(ValueError, match=r"dout \(dL/dy_t\) must have shape .* = \(5, 2, 2\)"):
        rnn.backward(cache, np.ones((5, 2, 4)))
    with pytest.raises(TypeError, match="RNNCache"):
        rnn.backward((1, 2), y)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        rnn.forward(np.full((2, 1, 3), np.nan))
    with pytest.raises(ValueError, match="ord"):
        hidden_jacobian_norms(rnn, cache, ord=1)
    with pytest.raises(ValueError, match="unknown activation"):
        VanillaRNN(2, 3, activation="softmax")
    with pytest.raises(ValueError, match="n_hidden"):
        VanillaRNN(2, 0)
    assert repr(rnn) == "VanillaRNN(3, 4, n_out=2, activation='tanh')"
