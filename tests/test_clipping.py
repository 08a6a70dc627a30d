"""Tests for vanishing.clipping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vanishing.clipping import clip_by_global_norm, clip_by_value, global_norm


def test_global_norm_dict_and_array() -> None:
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}
    assert global_norm(grads) == 5.0
    assert global_norm(np.array([3.0, 4.0])) == 5.0
    assert global_norm([3, 4]) == 5.0  # type: ignore[arg-type]


def test_global_norm_no_overflow_or_underflow() -> None:
    assert global_norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    tiny = {"a": np.array([3e-200]), "b": np.array([4e-200])}  # squares underflow to 0
    assert global_norm(tiny) == pytest.approx(5e-200, rel=1e-12, abs=0)
    assert global_norm(np.full(4, 3e38, dtype=np.float32)) == pytest.approx(6e38, rel=1e-6)
    assert global_norm(np.full(4, 3e-25, dtype=np.float32)) == pytest.approx(6e-25, rel=1e-6)
    assert global_norm(np.zeros((2, 2), dtype=np.float32)) == 0.0


def test_reference_example() -> None:
    """clip([3, 4], 1) = [0.6, 0.8] (Pascanu et al., 2013, Algorithm 1)."""
    clipped, norm = clip_by_global_norm(np.array([3.0, 4.0]), 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, [0.6, 0.8], rtol=1e-6)
    # PyTorch's coef: max_norm / (norm + 1e-6)
    np.testing.assert_allclose(clipped, np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-15)


def test_eps_zero_is_textbook_rule() -> None:
    clipped, _ = clip_by_global_norm(np.array([3.0, 4.0]), 1.0, eps=0.0)
    np.testing.assert_allclose(clipped, [0.6, 0.8], rtol=1e-15)
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-15)


def test_below_threshold_unchanged_and_not_aliased() -> None:
    g = {"W": np.array([0.1, 0.2])}
    clipped, norm = clip_by_global_norm(g, 10.0)
    np.testing.assert_array_equal(clipped["W"], g["W"])
    assert clipped["W"] is not g["W"]
    assert norm == pytest.approx(np.sqrt(0.05))


def test_one_factor_for_all_arrays() -> None:
    rng = np.random.default_rng(0)
    g = {"W": rng.normal(size=(4, 3)) * 10, "b": rng.normal(size=3)}
    clipped, norm = clip_by_global_norm(g, 1.0)
    ratios = [clipped[k] / g[k] for k in g]
    np.testing.assert_allclose(np.concatenate([r.ravel() for r in ratios]), 1.0 / (norm + 1e-6))
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-5)


def test_inputs_not_modified() -> None:
    g = {"W": np.array([30.0, 40.0])}
    clip_by_global_norm(g, 1.0)
    clip_by_value(g, 1.0)
    np.testing.assert_array_equal(g["W"], [30.0, 40.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(dtype: type) -> None:
    g: dict[str, np.ndarray] = {"W": np.array([30.0, 40.0], dtype=dtype)}
    clipped, _ = clip_by_global_norm(g, 1.0)
    assert clipped["W"].dtype == dtype
    assert clip_by_value(g, 1.0)["W"].dtype == dtype


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_names_the_key(bad: float) -> None:
    g = {"W": np.ones(3), "b": np.array([1.0, bad])}
    for fn in (global_norm, lambda x: clip_by_global_norm(x, 1.0), lambda x: clip_by_value(x, 1.0)):
        with pytest.raises(ValueError, match=r"grads\['b'\] contains 1 non-finite value"):
            fn(g)
    with pytest.raises(ValueError, match=r"^grads contains 1 non-finite"):
        clip_by_global_norm(np.array([bad]), 1.0)


def test_argument_errors() -> None:
    with pytest.raises(ValueError, match="max_norm must be a positive finite float, got 0"):
        clip_by_global_norm(np.ones(2), 0)
    with pytest.raises(ValueError, match="eps must be a non-negative finite float"):
        clip_by_global_norm(np.ones(2), 1.0, eps=-1.0)
    with pytest.raises(ValueError, match="limit must be a positive finite float, got -1"):
        clip_by_value(np.ones(2), -1)
    with pytest.raises(ValueError, match="grads must contain at least one array"):
        global_norm({})
    with pytest.raises(TypeError, match="grads keys must be strings"):
        global_norm({1: np.ones(2)})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"grads\['W'\] must be a numeric"):
        global_norm({"W": np.array(["a"])})


def test_clip_by_value() -> None:
    np.testing.assert_array_equal(clip_by_value(np.array([-3.0, 0.5, 4.0]), 1.0), [-1.0, 0.5, 1.0])
    out = clip_by_value({"a": np.array([2.0]), "b": np.array([-0.5])}, 0.75)
    assert set(out) == {"a", "b"}
    np.testing.assert_array_equal(out["a"], [0.75])
    np.testing.assert_array_equal(out["b"], [-0.5])


@given(
    g=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3),
        elements=st.floats(-1e150, 1e150),
    ),
    max_norm=st.floats(1e-3, 1e3),
)
def test_property_norm_bounded_and_direction_kept(g: np.ndarray, max_norm: float) -> None:
    clipped, norm = clip_by_global_norm(g, max_norm)
    assert np.isfinite(norm)
    assert global_norm(clipped) <= max_norm * (1 + 1e-12) or global_norm(clipped) == pytest.approx(
        norm
    )
    coef = max_norm / (norm + 1e-6)
    if coef >= 1:
        np.testing.assert_array_equal(clipped, g)
    else:
        np.testing.assert_allclose(clipped, g * coef, rtol=1e-12)
