"""Tests for vanishing._validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from vanishing._validation import (
    check_array,
    check_choice,
    check_in_range,
    check_like_params,
    check_positive,
    check_positive_int,
    check_same_shape,
    lookup_name,
)


class TestCheckArray:
    def test_converts_lists_to_float64(self) -> None:
        out = check_array([[1, 2], [3, 4]], "x")
        assert out.dtype == np.float64
        assert out.shape == (2, 2)

    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    def test_preserves_float_dtype_without_copy(self, dtype: type) -> None:
        x: np.ndarray = np.ones(3, dtype=dtype)
        out = check_array(x, "x")
        assert out.dtype == dtype
        assert out is x

    def test_ndim_message_names_argument_and_shape(self) -> None:
        with pytest.raises(ValueError, match=r"^logits must be 2-D, got shape \(3,\)$"):
            check_array([1.0, 2.0, 3.0], "logits", ndim=2)

    def test_shape_hint(self) -> None:
        with pytest.raises(
            ValueError, match=r"logits must be 2-D \(n_samples, n_classes\), got shape \(3,\)"
        ):
            check_array([1.0, 2.0, 3.0], "logits", ndim=2, shape_hint="(n_samples, n_classes)")

    def test_several_ndims(self) -> None:
        assert check_array([1.0], "x", ndim=(1, 2)).ndim == 1
        with pytest.raises(ValueError, match="x must be 1-D or 2-D, got shape"):
            check_array(1.0, "x", ndim=(1, 2))

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_rejects_non_finite(self, bad: float) -> None:
        with pytest.raises(ValueError, match="grads must contain only finite values"):
            check_array([0.0, bad], "grads")

    def test_non_finite_counts_and_index(self) -> None:
        x = np.zeros((2, 2))
        x[1, 0] = np.nan
        x[1, 1] = np.inf
        with pytest.raises(ValueError, match=r"1 NaN and 1 inf \(first at index \(1, 0\)\)"):
            check_array(x, "x")

    def test_finite_false_allows_nan(self) -> None:
        assert np.isnan(check_array([np.nan], "x", finite=False)[0])

    def test_rejects_strings_and_complex(self) -> None:
        with pytest.raises(TypeError, match="x must be a numeric"):
            check_array(["a", "b"], "x")
        with pytest.raises(TypeError, match="x must be a numeric"):
            check_array(np.array([1j]), "x")

    def test_rejects_ragged(self) -> None:
        with pytest.raises(ValueError, match="x must be a rectangular numeric array"):
            check_array([[1.0], [1.0, 2.0]], "x")

    def test_integer_kind(self) -> None:
        assert check_array([1, 2], "labels", dtype_kind="i").dtype.kind == "i"
        with pytest.raises(TypeError, match="labels must be an integer array, got dtype float64"):
            check_array([1.0, 2.0], "labels", dtype_kind="i")

    def test_dtype_kind_none_keeps_dtype(self) -> None:
        assert check_array(np.array([1, 2], dtype=np.int8), "y", dtype_kind=None).dtype == np.int8

    def test_bad_dtype_kind(self) -> None:
        with pytest.raises(ValueError, match="dtype_kind"):
            check_array([1.0], "x", dtype_kind="c")

    @given(
        hnp.arrays(
            dtype=st.sampled_from([np.float32, np.float64]),
            shape=hnp.array_shapes(min_dims=0, max_dims=3),
            elements={"allow_nan": False, "allow_infinity": False},
        )
    )
    def test_finite_arrays_pass_unchanged(self, x: np.ndarray) -> None:
        out = check_array(x, "x")
        assert out is x


class TestScalars:
    def test_positive(self) -> None:
        assert check_positive(0.1, "lr") == 0.1
        assert check_positive(np.float32(2.0), "lr") == 2.0
        assert isinstance(check_positive(3, "lr"), float)

    @pytest.mark.parametrize("bad", [-0.1, 0.0, math.nan, math.inf])
    def test_positive_rejects(self, bad: float) -> None:
        with pytest.raises(ValueError, match=r"^lr must be a positive finite float, got"):
            check_positive(bad, "lr")

    def test_positive_exact_message(self) -> None:
        with pytest.raises(ValueError, match=r"^lr must be a positive finite float, got -0\.1$"):
            check_positive(-0.1, "lr")

    @pytest.mark.parametrize("bad", [True, "0.1", None, [0.1], 1j])
    def test_positive_type_errors(self, bad: object) -> None:
        with pytest.raises(TypeError, match="lr must be a positive finite float"):
            check_positive(bad, "lr")

    def test_allow_zero(self) -> None:
        assert check_positive(0, "weight_decay", allow_zero=True) == 0.0
        with pytest.raises(ValueError, match="weight_decay must be a non-negative finite float"):
            check_positive(-1e-3, "weight_decay", allow_zero=True)

    def test_in_range(self) -> None:
        assert check_in_range(0.0, "beta1", 0.0, 1.0) == 0.0
        with pytest.raises(ValueError, match=r"beta1 must be a finite float in \[0.0, 1.0\)"):
            check_in_range(1.0, "beta1", 0.0, 1.0)
        assert check_in_range(1.0, "d", 0.0, 1.0, inclusive=(True, True)) == 1.0
        with pytest.raises(ValueError, match=r"in \(0.0, 1.0\]"):
            check_in_range(0.0, "f", 0.0, 1.0, inclusive=(False, True))
        with pytest.raises(ValueError, match="got nan"):
            check_in_range(math.nan, "f", 0.0, 1.0)
        with pytest.raises(TypeError):
            check_in_range(False, "f", 0.0, 1.0)

    def test_positive_int(self) -> None:
        assert check_positive_int(5, "n") == 5
        assert check_positive_int(np.int64(5), "n") == 5
        assert check_positive_int(0, "n", allow_zero=True) == 0
        with pytest.raises(ValueError, match=r"^n must be a positive integer, got 0$"):
            check_positive_int(0, "n")
        with pytest.raises(ValueError, match="non-negative integer, got -1"):
            check_positive_int(-1, "n", allow_zero=True)

    @pytest.mark.parametrize("bad", [True, 2.0, 2.5, "3", None])
    def test_positive_int_type_errors(self, bad: object) -> None:
        with pytest.raises(TypeError, match=r"n must be a positive integer, got .* \("):
            check_positive_int(bad, "n")

    def test_choice(self) -> None:
        assert check_choice("b", "mode", {"b", "a"}) == "b"
        with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b', 'c', got 'd'$"):
            check_choice("d", "mode", ["c", "a", "b"])
        with pytest.raises(TypeError, match="mode must be a string"):
            check_choice(1, "mode", ["a"])

    def test_same_shape(self) -> None:
        check_same_shape(np.zeros(3), np.ones(3), ("a", "b"))
        with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(3,\) and"):
            check_same_shape(np.zeros(3), np.ones((3, 1)), ("a", "b"))


class TestLikeParams:
    params = {"W": np.zeros((2, 3)), "b": np.zeros(3)}

    def test_returns_the_arrays_in_the_order_of_params(self) -> None:
        W = np.ones((2, 3))
        out = check_like_params({"b": [1, 2, 3], "W": W}, self.params, "grads")
        assert list(out) == ["W", "b"] and out["W"] is W and out["b"].dtype == np.float64

    def test_keys_shapes_types_and_finiteness(self) -> None:
        with pytest.raises(TypeError, match="grads must be a dict"):
            check_like_params([np.ones(3)], self.params, "grads")
        with pytest.raises(
            ValueError,
            match=r"^updates must have exactly the keys of params: missing \['b'\], "
            r"unexpected \['c'\]$",
        ):
            check_like_params({"W": np.ones((2, 3)), "c": 1.0}, self.params, "updates")
        with pytest.raises(
            ValueError,
            match=r"^grads\['W'\] must have the shape of params\['W'\] \(2, 3\), "
            r"got \(3, 2\)$",
        ):
            check_like_params({"W": np.ones((3, 2)), "b": np.ones(3)}, self.params, "grads")
        bad = {"W": np.full((2, 3), np.nan), "b": np.ones(3)}
        with pytest.raises(ValueError, match=r"grads\['W'\] must contain only finite"):
            check_like_params(bad, self.params, "grads")
        assert np.isnan(check_like_params(bad, self.params, "grads", finite=False)["W"]).all()


class TestLookupName:
    def test_case_and_aliases(self) -> None:
        names, aliases = ["relu", "silu"], {"swish": "silu"}
        assert lookup_name("ReLU", "activation", names, aliases) == "relu"
        assert lookup_name("SWISH", "activation", names, aliases) == "silu"
        assert lookup_name("MyLoss", "loss", ["MyLoss"]) == "MyLoss"  # keys keep their case

    def test_errors_list_every_known_name(self) -> None:
        with pytest.raises(
            ValueError, match=r"^unknown loss 'hinge': loss must be one of 'ce', 'mse', 'xent'$"
        ):
            lookup_name("hinge", "loss", ["mse", "ce"], {"xent": "ce"})
        with pytest.raises(TypeError, match=r"^loss must be a string, the name of one of 'mse'"):
            lookup_name(3, "loss", ["mse"])


def test_the_four_lookups_share_one_rule() -> None:
    """get_activation, get_initializer, get_loss and get_optimizer: case, aliases, errors."""
    from vanishing import get_activation, get_initializer, get_loss, get_optimizer
    from vanishing.initializers import he_normal, xavier_normal
    from vanishing.losses import mean_squared_error
    from vanishing.optimizers import Adam

    assert get_activation("Swish").name == "silu"
    assert get_initializer("Glorot_Normal") is xavier_normal
    assert get_initializer("HE_NORMAL") is he_normal
    assert get_loss("MSE") is mean_squared_error
    assert isinstance(get_optimizer("ADAM"), Adam)
    for lookup, what in [
        (get_activation, "activation"),
        (get_initializer, "initializer"),
        (get_loss, "loss"),
        (get_optimizer, "optimizer"),
    ]:
        with pytest.raises(ValueError, match=rf"^unknown {what} 'nope': {what} must be one of '"):
            lookup("nope")
        with pytest.raises(TypeError, match=rf"^{what} must be a string"):
            lookup(3.0)
