"""Tests for vanishing.gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vanishing.gradcheck import (
    GradCheckResult,
    check_gradient,
    check_param_gradients,
    numerical_gradient,
    relative_error,
)
from vanishing.losses import (
    binary_cross_entropy_with_logits,
    mean_squared_error,
    softmax_cross_entropy,
)


def test_numerical_gradient_polynomial() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda v: float(np.sum(v**3) + v[0, 1] * v[1, 0]), x)
    expected = 3 * x**2
    expected[0, 1] += x[1, 0]
    expected[1, 0] += x[0, 1]
    np.testing.assert_allclose(g, expected, rtol=1e-8)


def test_x_restored_bitwise_and_restored_on_error() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 3)) * 1e3
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_array_equal(x, before)

    calls = []

    def boom(v: np.ndarray) -> float:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(boom, x)
    np.testing.assert_array_equal(x, before)


def test_non_contiguous_view_is_perturbed_in_place() -> None:
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    view = base[:, ::2]
    g = numerical_gradient(lambda v: float(np.sum(v**2)), view)
    np.testing.assert_allclose(g, 2 * view, rtol=1e-8)
    np.testing.assert_array_equal(base, np.arange(12, dtype=np.float64).reshape(3, 4))


def test_float32_rejected_with_explanation() -> None:
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError, match="x must have dtype float64 .* float32"):
        numerical_gradient(lambda v: float(v.sum()), x)
    with pytest.raises(TypeError, match="astype"):
        check_gradient(lambda v: float(v.sum()), x, np.ones(3))
    with pytest.raises(TypeError, match=r"params\['w'\] must have dtype float64"):
        check_param_gradients(lambda: 0.0, {"w": x}, {"w": np.ones(3)})


def test_input_errors() -> None:
    with pytest.raises(TypeError, match="x must be a numpy ndarray"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eps must be a positive finite float"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0.0)
    with pytest.raises(ValueError, match="x must contain only finite values"):
        numerical_gradient(lambda v: 0.0, np.array([np.nan]))
    with pytest.raises(ValueError, match=r"the function returned nan at x\[1\] \+ eps"):
        numerical_gradient(lambda v: float("nan") if v[1] > 1 else 0.0, np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="must return a real scalar"):
        numerical_gradient(lambda v: v, np.ones(2))  # type: ignore[arg-type, return-value]
    ro = np.ones(2)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="x must be writable"):
        numerical_gradient(lambda v: 0.0, ro)
    with pytest.raises(ValueError, match=r"analytic must have the shape of x \(2,\)"):
        check_gradient(lambda v: 0.0, np.ones(2), np.ones(3))


def test_relative_error() -> None:
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([0.0, 1.0], [1e-12, 1.0]) == 1.0  # elementwise, see Notes
    assert relative_error([1.0, 100.0], [1.0 + 2e-6, 100.0]) == pytest.approx(1e-6, rel=1e-5)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    with pytest.raises(ValueError, match="analytic and numeric must have the same shape"):
        relative_error([1.0], [1.0, 2.0])


@given(
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=2), elements=st.floats(-1e6, 1e6)),
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=2), elements=st.floats(-1e6, 1e6)),
)
def test_relative_error_in_unit_interval(a: np.ndarray, b: np.ndarray) -> None:
    b = np.resize(b, a.shape)
    r = relative_error(a, b)
    assert 0.0 <= r <= 1.0
    assert relative_error(a, a) == 0.0


def test_atol_handles_true_zeros() -> None:
    x = np.array([1e-3, 0.0])
    # d/dx1 of x1^3 is exactly 0 at x1 = 0; central differences give h^2 = 1e-12
    f = lambda v: float(v[0] ** 2 + v[1] ** 3)  # noqa: E731
    strict = check_gradient(f, x, np.array([2e-3, 0.0]))
    assert strict.numeric[1] != 0.0
    assert not strict.passed and strict.max_relative_error == pytest.approx(1.0)
    assert check_gradient(f, x, np.array([2e-3, 0.0]), atol=1e-9).passed


def test_result_type() -> None:
    res = check_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    assert isinstance(res, GradCheckResult)
    assert res.passed
    assert res.max_relative_error < 1e-9
    np.testing.assert_allclose(res.numeric, [2.0, 4.0])


# --------------------------------------------------------------------------------------
# the losses' gradients
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_losses_gradients(seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    targets = rng.uniform(size=(6, 4))
    cases = [
        (lambda v: softmax_cross_entropy(v, labels)[0], softmax_cross_entropy(z, labels)[1]),
        (
            lambda v: binary_cross_entropy_with_logits(v, targets)[0],
            binary_cross_entropy_with_logits(z, targets)[1],
        ),
        (lambda v: mean_squared_error(v, targets)[0], mean_squared_error(z, targets)[1]),
    ]
    for f, analytic in cases:
        res = check_gradient(f, z, analytic)
        assert res.passed, res.max_relative_error
        assert res.max_relative_error < 1e-6


def test_catches_wrong_gradients() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 3))
    labels = rng.integers(0, 3, size=5)
    f = lambda v: softmax_cross_entropy(v, labels)[0]  # noqa: E731
    _, grad = softmax_cross_entropy(z, labels)
    for wrong in (
        grad * 5,  # forgot the 1/n
        -grad,  # sign error
        grad.T.reshape(grad.shape),  # shape-preserving layout mistake
        grad + 1e-3,  # small bias
    ):
        res = check_gradient(f, z, wrong)
        assert not res.passed
        assert res.max_relative_error > 1e-4


def test_check_param_gradients_mlp() -> None:
    """A 2-layer tanh network with a hand-written backward pass."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3))
    labels = rng.integers(0, 4, size=8)
    params = {
        "W1": rng.normal(size=(3, 5)) / np.sqrt(3),
        "b1": rng.normal(size=5) * 0.1,
        "W2": rng.normal(size=(5, 4)) / np.sqrt(5),
        "b2": np.zeros(4),
    }

    def forward() -> tuple[float, dict[str, np.ndarray]]:
        z1 = X @ params["W1"] + params["b1"]
        a1 = np.tanh(z1)
        z2 = a1 @ params["W2"] + params["b2"]
        loss, dz2 = softmax_cross_entropy(z2, labels)
        dz1 = (dz2 @ params["W2"].T) * (1 - a1**2)
        grads = {"W1": X.T @ dz1, "b1": dz1.sum(0), "W2": a1.T @ dz2, "b2": dz2.sum(0)}
        return loss, grads

    before = {k: p.copy() for k, p in params.items()}
    _, grads = forward()
    results = check_param_gradients(lambda: forward()[0], params, grads)
    assert set(results) == set(params)
    for key, res in results.items():
        assert res.passed, (key, res.max_relative_error)
        assert res.max_relative_error < 1e-6
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])

    # a forgotten tanh' factor is caught in the first layer only
    a1 = np.tanh(X @ params["W1"] + params["b1"])
    _, dz2 = softmax_cross_entropy(a1 @ params["W2"] + params["b2"], labels)
    wrong = dict(grads, W1=X.T @ (dz2 @ params["W2"].T))
    bad = check_param_gradients(lambda: forward()[0], params, wrong)
    assert not bad["W1"].passed
    assert bad["b1"].passed and bad["W2"].passed and bad["b2"].passed


def test_check_param_gradients_errors() -> None:
    p = {"w": np.ones(2)}
    with pytest.raises(ValueError, match=r"missing \['w'\], unexpected \['v'\]"):
        check_param_gradients(lambda: 0.0, p, {"v": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\] must have the shape of params\['w'\]"):
        check_param_gradients(lambda: 0.0, p, {"w": np.ones(3)})
    with pytest.raises(TypeError, match="params and grads must be dicts"):
        check_param_gradients(lambda: 0.0, [np.ones(2)], {"w": np.ones(2)})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"the function returned inf at params\['w'\]\[0\]"):
        check_param_gradients(lambda: float("inf"), p, {"w": np.ones(2)})


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 4),
    k=st.integers(1, 4),
    scale=st.sampled_from([0.1, 1.0, 5.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_softmax_ce_gradient(n: int, k: int, scale: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=scale, size=(n, k))
    labels = rng.integers(0, k, size=n)
    loss, grad = softmax_cross_entropy(z, labels)
    # central differences with step h lose about eps |L| / h to rounding: a tiny true
    # gradient (1e-9 where a logit is far below the others) reads as 0
    atol = 4 * np.finfo(np.float64).eps * max(abs(loss), 1.0) / 1e-6
    res = check_gradient(lambda v: softmax_cross_entropy(v, labels)[0], z, grad, atol=atol)
    assert res.passed, res.max_relative_error
