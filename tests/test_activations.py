"""Tests for vanishing.activations."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vanishing.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_LAMBDA,
    Activation,
    elu,
    gelu,
    get_activation,
    selu,
    sigmoid,
    sigmoid_derivative,
    tanh_derivative,
)
from vanishing.gradcheck import relative_error

# every registered activation plus the parameterised variants
VARIANTS: list[tuple[str, dict[str, float | bool]]] = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"slope": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("gelu", {"approximate": True}),
]
IDS = [name + "".join(f"-{k}={v}" for k, v in p.items()) for name, p in VARIANTS]

#: probabilists' Gauss-Hermite rule: E[f(Z)], Z ~ N(0, 1), is sum(w f(x)) / sqrt(2 pi)
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(120)


def gaussian_mean(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """E[f(Z)] for Z ~ N(0, 1) by 120-point Gauss-Hermite quadrature."""
    return float(np.sum(_GH_W * f(_GH_X)) / math.sqrt(2 * math.pi))


@st.composite
def z_arrays(draw: st.DrawFn, dtype: type = np.float64, bound: float = 1e4) -> np.ndarray:
    """Arrays mixing moderate values, huge values and the extremes +-bound and 0."""
    width = 32 if dtype == np.float32 else 64
    elements = st.one_of(
        st.floats(-30, 30, width=width),  # type: ignore[arg-type]
        st.floats(-bound, bound, width=width),  # type: ignore[arg-type]
        st.sampled_from([-bound, bound, 0.0, -1.0, 1.0]),
    )
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8))
    return draw(hnp.arrays(dtype=dtype, shape=shape, elements=elements))


# --------------------------------------------------------------------------------------
# derivatives against central differences
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=IDS)
@settings(max_examples=25, deadline=None)
@given(z=z_arrays())
def test_derivative_matches_central_differences(
    name: str, params: dict[str, float | bool], z: np.ndarray
) -> None:
    act = get_activation(name, **params)
    # keep clear of the kinks of relu-like functions at 0 (the step never straddles them)
    z = np.where(np.abs(z) < 1e-4, 0.5, z)
    h = 1e-6 * np.maximum(1.0, np.abs(z))
    f_plus, f_minus = act(z + h), act(z - h)
    numeric = (f_plus - f_minus) / (2 * h)
    analytic = act.derivative(z)
    # rounding noise of the difference quotient: a few ulps of f over 2h
    # (plus an absolute floor: subnormal values carry no relative precision)
    noise = 8 * np.finfo(np.float64).eps * np.maximum(np.abs(f_plus), np.abs(f_minus)) / (2 * h)
    noise += 1e-300
    err = np.abs(analytic - numeric)
    assert np.all(err <= 1e-6 * (np.abs(analytic) + np.abs(numeric)) + noise), (
        f"max rel. error {np.max(err / (np.abs(analytic) + np.abs(numeric) + 1e-300)):.2e}"
    )


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=IDS)
def test_derivative_relative_error_on_moderate_grid(
    name: str, params: dict[str, float | bool]
) -> None:
    """Where the finite difference is well resolved the relative error is below 1e-6."""
    act = get_activation(name, **params)
    z = np.linspace(-6, 6, 1201)
    z = z[np.abs(z) > 1e-3]
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    analytic = act.derivative(z)
    if name == "identity":
        assert np.array_equal(analytic, np.ones_like(z))
    assert relative_error(analytic, numeric) < 1e-6


# --------------------------------------------------------------------------------------
# numerical stability at the extremes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_no_warning_no_nan_at_extremes(
    name: str, params: dict[str, float | bool], dtype: type, data: st.DataObject
) -> None:
    z = data.draw(z_arrays(dtype=dtype))
    act = get_activation(name, **params)
    # overflow, invalid operations (NaN) and division by zero raise; underflow to 0 (for
    # example exp(-1e4), or a subnormal input times a slope) is the right answer
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        y = act(z)
        d = act.derivative(z)
    for out in (y, d):
        assert out.dtype == dtype
        assert out.shape == z.shape
        assert np.all(np.isfinite(out))


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=IDS)
def test_non_finite_input_rejected(name: str, params: dict[str, float | bool]) -> None:
    act = get_activation(name, **params)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="finite"):
            act(np.array([0.0, bad]))
        with pytest.raises(ValueError, match="finite"):
            act.derivative(np.array([bad]))


def test_integer_and_list_input_become_float64() -> None:
    assert sigmoid([0, 1]).dtype == np.float64
    assert get_activation("relu")(np.array([1, -1], dtype=np.int32)).dtype == np.float64


# --------------------------------------------------------------------------------------
# the numbers the site quotes
# --------------------------------------------------------------------------------------
def test_sigmoid_derivative_peaks_at_one_quarter() -> None:
    assert sigmoid_derivative(0.0) == 0.25
    z = np.linspace(-20, 20, 40001)
    assert sigmoid_derivative(z).max() == 0.25
    assert tanh_derivative(0.0) == 1.0
    # ten sigmoid layers: at most 0.25**10 = 2**-20
    assert np.prod(sigmoid_derivative(np.zeros(10))) == 2.0**-20


@settings(max_examples=50, deadline=None)
@given(z=z_arrays())
def test_sigmoid_derivative_never_exceeds_one_quarter(z: np.ndarray) -> None:
    assert np.all(sigmoid_derivative(z) <= 0.25)
    assert np.all(tanh_derivative(z) <= 1.0)


def test_expected_derivatives_under_standard_normal() -> None:
    # exact values (adaptive quadrature agrees to 1e-12): 0.206621 and 0.605706
    assert gaussian_mean(sigmoid_derivative) == pytest.approx(0.206621, abs=1e-6)
    assert gaussian_mean(tanh_derivative) == pytest.approx(0.605706, abs=1e-6)
    # the rounded figures often quoted, ~0.2066 and ~0.6059 (the latter a Monte Carlo
    # estimate, 3e-4 high)
    assert gaussian_mean(sigmoid_derivative) == pytest.approx(0.2066, abs=1e-4)
    assert gaussian_mean(tanh_derivative) == pytest.approx(0.6059, abs=5e-4)
    # the same from a large seeded sample
    z = np.random.default_rng(0).standard_normal(1_000_000)
    assert sigmoid_derivative(z).mean() == pytest.approx(0.2066, abs=1e-3)
    assert tanh_derivative(z).mean() == pytest.approx(0.6057, abs=1e-3)


def test_gelu_values() -> None:
    assert float(gelu(1.0)) == pytest.approx(0.841345, abs=5e-7)
    assert float(gelu(1.0, approximate=True)) == pytest.approx(0.841192, abs=5e-7)
    z = np.linspace(-8, 8, 16001)
    assert np.abs(gelu(z) - gelu(z, approximate=True)).max() == pytest.approx(4.7e-4, abs=0.1e-4)


def test_elu_and_leaky_relu_defaults() -> None:
    assert float(elu(-1.0)) == pytest.approx(-0.63212, abs=5e-6)
    # the library's leaky ReLU slope is PyTorch's 0.01
    assert float(get_activation("leaky_relu")(-1.0)) == pytest.approx(-0.01)
    assert float(get_activation("leaky_relu").derivative(-1.0)) == pytest.approx(0.01)


def test_selu_constants_and_fixed_point() -> None:
    assert SELU_ALPHA == 1.6732632423543772
    assert SELU_LAMBDA == 1.0507009873554805
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    assert np.allclose(selu(z), SELU_LAMBDA * elu(z, SELU_ALPHA))
    # zero mean and unit second moment for z ~ N(0, 1): the self-normalising fixed point
    z = np.random.default_rng(0).standard_normal(2_000_000)
    a = selu(z)
    assert abs(a.mean()) < 3e-3
    assert (a**2).mean() == pytest.approx(1.0, abs=5e-3)


# --------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------
def test_registry_contents_and_aliases() -> None:
    assert set(ACTIVATIONS) >= {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"}
    assert get_activation("linear").name == "identity"
    assert get_activation("swish").name == "silu"
    assert get_activation("logistic").name == "sigmoid"
    assert get_activation("ReLU").name == "relu"
    act = ACTIVATIONS["tanh"]
    assert get_activation(act) is act
    assert isinstance(act, Activation)


def test_unknown_name_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="unknown activation 'softmax'") as info:
        get_activation("softmax")
    for name in ACTIVATIONS:
        assert name in str(info.value)


def test_bad_parameters_rejected() -> None:
    with pytest.raises(ValueError, match="accepts slope"):
        get_activation("leaky_relu", alpha=1.0)
    with pytest.raises(ValueError, match="no parameters"):
        get_activation("relu", slope=0.1)
    with pytest.raises(ValueError, match="cannot be bound"):
        get_activation(ACTIVATIONS["relu"], slope=0.1)
    with pytest.raises(TypeError, match="name"):
        get_activation(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="slope"):
        get_activation("leaky_relu", slope=-0.1)(1.0)
    with pytest.raises(ValueError, match="alpha"):
        get_activation("elu", alpha=0.0)(1.0)


def test_every_activation_has_a_label() -> None:
    from vanishing.activations import ACTIVATIONS, LABELS

    assert set(LABELS) == set(ACTIVATIONS)
    assert get_activation("leaky_relu", slope=0.2).label == "Leaky ReLU"
