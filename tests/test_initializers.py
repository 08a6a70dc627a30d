"""Tests for vanishing.initializers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanishing.initializers import (
    INITIALIZERS,
    calculate_gain,
    constant,
    fans,
    get_initializer,
    glorot_normal,
    he_normal,
    he_uniform,
    kaiming_normal,
    lecun_normal,
    lecun_uniform,
    normal,
    orthogonal,
    standard_uniform,
    uniform,
    variance_scaling,
    xavier_normal,
    xavier_uniform,
    zeros,
)

N_IN, N_OUT = 400, 600
N_AVG = (N_IN + N_OUT) / 2

#: (initializer, kwargs, expected variance of the entries) for a (400, 600) matrix
VARIANCES: list[tuple[Callable[..., np.ndarray], dict[str, Any], float]] = [
    (standard_uniform, {}, 1 / (3 * N_IN)),
    (xavier_uniform, {}, 2 / (N_IN + N_OUT)),
    (xavier_normal, {}, 2 / (N_IN + N_OUT)),
    (xavier_normal, {"gain": 5 / 3}, (5 / 3) ** 2 * 2 / (N_IN + N_OUT)),
    (he_normal, {}, 2 / N_IN),
    (he_uniform, {}, 2 / N_IN),
    (he_normal, {"mode": "fan_out"}, 2 / N_OUT),
    (he_normal, {"negative_slope": 0.2}, 2 / ((1 + 0.04) * N_IN)),
    (he_uniform, {"negative_slope": 0.2}, 2 / ((1 + 0.04) * N_IN)),
    (lecun_normal, {}, 1 / N_IN),
    (lecun_uniform, {}, 1 / N_IN),
    (normal, {"std": 0.01}, 1e-4),
    (uniform, {"limit": 0.5}, 0.25 / 3),
    (variance_scaling, {"scale": 3.0, "mode": "fan_avg"}, 3.0 / N_AVG),
    (variance_scaling, {"scale": 3.0, "mode": "fan_out", "distribution": "uniform"}, 3.0 / N_OUT),
    (orthogonal, {}, 1 / N_OUT),  # orthonormal rows of length 600: every entry ~ 1/600
]
IDS = [f.__name__ + "".join(f"-{k}={v}" for k, v in kw.items()) for f, kw, _ in VARIANCES]


@pytest.mark.parametrize(("init", "kwargs", "variance"), VARIANCES, ids=IDS)
def test_variance_within_sampling_tolerance(
    init: Callable[..., np.ndarray], kwargs: dict[str, Any], variance: float
) -> None:
    W = init((N_IN, N_OUT), np.random.default_rng(0), **kwargs)
    assert W.shape == (N_IN, N_OUT)
    assert W.dtype == np.float64
    # 240000 entries: the sample variance has relative std sqrt(2/N) ~ 0.3 %
    assert W.var() == pytest.approx(variance, rel=0.02)
    assert abs(W.mean()) < 5 * math.sqrt(variance / W.size)


def test_xavier_normal_std_is_sqrt_2_over_fan_sum_not_sqrt_3() -> None:
    W = xavier_normal((500, 500), np.random.default_rng(1))
    assert W.std() == pytest.approx(math.sqrt(2 / 1000), rel=0.01)
    assert abs(W.std() / math.sqrt(3 / 1000) - 1) > 0.15
    assert glorot_normal is xavier_normal


def test_uniform_bounds() -> None:
    rng = np.random.default_rng(2)
    W = xavier_uniform((N_IN, N_OUT), rng)
    bound = math.sqrt(6 / (N_IN + N_OUT))
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound
    W = standard_uniform((N_IN, N_OUT), rng)
    assert np.abs(W).max() <= 1 / math.sqrt(N_IN)
    assert np.abs(W).max() > 0.99 / math.sqrt(N_IN)
    W = he_uniform((N_IN, N_OUT), rng)
    assert np.abs(W).max() <= math.sqrt(6 / N_IN)
    W = xavier_uniform((N_IN, N_OUT), rng, gain=2.0)
    assert np.abs(W).max() <= 2 * bound


def test_standard_uniform_gives_n_var_one_third() -> None:
    W = standard_uniform((1000, 1000), np.random.default_rng(3))
    assert 1000 * W.var() == pytest.approx(1 / 3, rel=0.01)


def test_gains_table() -> None:
    assert calculate_gain("linear") == 1.0
    assert calculate_gain("identity") == 1.0
    assert calculate_gain("sigmoid") == 1.0
    assert calculate_gain("tanh") == pytest.approx(5 / 3)
    assert calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="one of"):
        calculate_gain("swish")
    with pytest.raises(ValueError, match="takes no param"):
        calculate_gain("tanh", 0.1)


@settings(max_examples=30, deadline=None)
@given(
    n_in=st.integers(1, 40),
    n_out=st.integers(1, 40),
    gain=st.floats(0.1, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_orthogonal_singular_values(n_in: int, n_out: int, gain: float, seed: int) -> None:
    W = orthogonal((n_in, n_out), np.random.default_rng(seed), gain=gain)
    assert W.shape == (n_in, n_out)
    s = np.linalg.svd(W, compute_uv=False)
    assert np.allclose(s, gain, rtol=1e-10)


def test_orthogonal_product_keeps_singular_values() -> None:
    rng = np.random.default_rng(4)
    P = np.eye(32)
    for _ in range(50):
        P = P @ orthogonal((32, 32), rng)
    assert np.allclose(np.linalg.svd(P, compute_uv=False), 1.0)


def test_zeros_and_constant() -> None:
    assert not zeros((3, 2)).any()
    assert np.all(constant((2, 2), value=0.5) == 0.5)
    assert zeros(4).shape == (4,)
    with pytest.raises(ValueError, match="finite"):
        constant((2, 2), value=math.inf)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_initializer_keeps_float32(name: str) -> None:
    W = get_initializer(name)((6, 5), np.random.default_rng(0), dtype=np.float32)
    assert W.dtype == np.float32
    assert W.shape == (6, 5)


def test_seeded_and_reproducible() -> None:
    a = he_normal((5, 5), np.random.default_rng(7))
    b = he_normal((5, 5), np.random.default_rng(7))
    assert np.array_equal(a, b)


def test_aliases() -> None:
    assert get_initializer("kaiming_normal") is he_normal is kaiming_normal
    assert get_initializer("glorot_uniform") is xavier_uniform
    assert get_initializer(lecun_normal) is lecun_normal


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
def test_bad_shapes() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="2-D weight shape"):
        xavier_normal((3, 4, 5), rng)
    with pytest.raises(ValueError, match="2-D weight shape"):
        fans((3,))
    with pytest.raises(ValueError, match=r"shape\[1\] must be a positive integer"):
        he_normal((3, 0), rng)
    with pytest.raises(TypeError, match=r"shape\[0\] must be a positive integer"):
        he_normal((2.5, 3), rng)
    with pytest.raises(TypeError, match=r"shape\[0\]"):
        he_normal((True, 3), rng)
    with pytest.raises(TypeError, match="non-empty tuple"):
        he_normal("3x4", rng)
    with pytest.raises(TypeError, match="non-empty tuple"):
        he_normal((), rng)


def test_bad_names_list_valid_ones() -> None:
    with pytest.raises(ValueError, match="initializer must be one of") as info:
        get_initializer("xavier")
    assert "'xavier_normal'" in str(info.value)
    assert "'he_normal'" in str(info.value)


def test_bad_rng() -> None:
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        he_normal((3, 3), 0)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        orthogonal((3, 3), np.random.RandomState(0))  # type: ignore[arg-type]


def test_bad_hyperparameters() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="gain"):
        xavier_normal((3, 3), rng, gain=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        he_normal((3, 3), rng, negative_slope=-0.1)
    with pytest.raises(ValueError, match="mode must be one of"):
        he_normal((3, 3), rng, mode="fan_avg")
    with pytest.raises(ValueError, match="distribution must be one of"):
        variance_scaling((3, 3), rng, distribution="truncated_normal")
    with pytest.raises(ValueError, match="std"):
        normal((3, 3), rng, std=0.0)
