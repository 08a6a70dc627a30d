"""Tests for vanishing.optimizers."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanishing._validation import skip_finite_checks
from vanishing.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    AdaGradState,
    Adam,
    AdamState,
    AdamW,
    Optimizer,
    RMSProp,
    RMSPropState,
    SGDState,
    get_optimizer,
)


def _one(value: float) -> dict[str, np.ndarray]:
    return {"w": np.array([value])}


def _run(opt: Optimizer[Any], theta0: float, grads: list[float]) -> float:
    params = _one(theta0)
    state = opt.init(params)
    for g in grads:
        state = opt.step(params, _one(g), state)
    return float(params["w"][0])


# --------------------------------------------------------------------------------------
# hand-computed steps
# --------------------------------------------------------------------------------------


class TestSGD:
    def test_plain(self) -> None:
        assert _run(SGD(lr=0.1), 1.0, [2.0, -1.0]) == pytest.approx(1.0 - 0.2 + 0.1)

    def test_momentum_two_steps(self) -> None:
        # b1 = g1 = 2; b2 = 0.9 * 2 + 1 = 2.8
        assert _run(SGD(lr=0.1, momentum=0.9), 1.0, [2.0, 1.0]) == pytest.approx(
            1.0 - 0.1 * 2.0 - 0.1 * 2.8
        )

    def test_nesterov_two_steps(self) -> None:
        # step 1: b = 2, update g + mu b = 2 + 1.8; step 2: b = 2.8, update 1 + 0.9 * 2.8
        assert _run(SGD(lr=0.1, momentum=0.9, nesterov=True), 1.0, [2.0, 1.0]) == pytest.approx(
            1.0 - 0.1 * 3.8 - 0.1 * 3.52
        )

    def test_dampening_not_applied_on_first_step(self) -> None:
        # b1 = g1 = 2 (no dampening, as PyTorch); b2 = 0.5 * 2 + (1 - 0.25) * 1
        assert _run(SGD(lr=0.1, momentum=0.5, dampening=0.25), 0.0, [2.0, 1.0]) == pytest.approx(
            -0.1 * 2.0 - 0.1 * 1.75
        )

    def test_weight_decay(self) -> None:
        # g + wd * theta = 1 + 0.5 * 2
        assert _run(SGD(lr=0.1, weight_decay=0.5), 2.0, [1.0]) == pytest.approx(2.0 - 0.2)

    def test_velocity_form_equivalence(self) -> None:
        """v <- mu v - lr g, theta <- theta + v equals PyTorch's form for constant lr."""
        rng = np.random.default_rng(0)
        lr, mu = 0.05, 0.9
        opt = SGD(lr=lr, momentum=mu)
        params = {"w": rng.normal(size=5)}
        theta = params["w"].copy()
        v = np.zeros(5)
        state = opt.init(params)
        for _ in range(50):
            g = rng.normal(size=5)
            v = mu * v - lr * g
            theta = theta + v
            state = opt.step(params, {"w": g}, state)
            np.testing.assert_allclose(-lr * state.momentum_buffer["w"], v, rtol=1e-10)
        np.testing.assert_allclose(params["w"], theta, rtol=1e-10)

    def test_no_momentum_buffer_without_momentum(self) -> None:
        state = SGD(lr=0.1).init(_one(0.0))
        assert state == SGDState(0, {})

    def test_lr_is_required(self) -> None:
        with pytest.raises(TypeError):
            SGD()  # type: ignore[call-arg]


class TestAdaGrad:
    def test_two_steps(self) -> None:
        lr, eps = 0.1, 1e-10
        g1, g2 = 2.0, -1.0
        t1 = 1.0 - lr * g1 / (abs(g1) + eps)
        t2 = t1 - lr * g2 / (np.sqrt(g1**2 + g2**2) + eps)
        assert _run(AdaGrad(lr=lr), 1.0, [g1, g2]) == pytest.approx(t2, rel=1e-14)

    def test_initial_accumulator(self) -> None:
        # sum = 0.75 + 0.25 = 1, step = lr * 0.5 / 1
        assert _run(AdaGrad(lr=0.1, initial_accumulator_value=0.75), 0.0, [0.5]) == pytest.approx(
            -0.05
        )

    def test_defaults(self) -> None:
        assert AdaGrad() == AdaGrad(0.01, 1e-10, 0.0, 0.0)


class TestRMSProp:
    def test_two_steps(self) -> None:
        lr, a, eps = 0.01, 0.99, 1e-8
        g1, g2 = 0.5, 2.0
        v1 = (1 - a) * g1**2
        v2 = a * v1 + (1 - a) * g2**2
        t2 = -lr * g1 / (np.sqrt(v1) + eps) - lr * g2 / (np.sqrt(v2) + eps)
        assert _run(RMSProp(), 0.0, [g1, g2]) == pytest.approx(t2, rel=1e-13)

    def test_momentum(self) -> None:
        lr, a, mu, eps = 0.01, 0.9, 0.5, 1e-8
        g1, g2 = 0.5, 2.0
        v1 = (1 - a) * g1**2
        v2 = a * v1 + (1 - a) * g2**2
        b1 = g1 / (np.sqrt(v1) + eps)
        b2 = mu * b1 + g2 / (np.sqrt(v2) + eps)
        got = _run(RMSProp(lr=lr, alpha=a, momentum=mu), 0.0, [g1, g2])
        assert got == pytest.approx(-lr * b1 - lr * b2, rel=1e-13)

    def test_defaults(self) -> None:
        assert RMSProp() == RMSProp(lr=0.01, alpha=0.99, eps=1e-8, momentum=0.0, weight_decay=0.0)


class TestAdam:
    def test_first_step_is_lr_whatever_the_scale(self) -> None:
        """|g| = 1e-6 still moves the weight by ~0.00099 (Kingma & Ba, 2015, sec. 2.1)."""
        step = -_run(Adam(), 0.0, [1e-6])
        assert step == pytest.approx(1e-3 * 1e-6 / (1e-6 + 1e-8), rel=1e-12)
        assert round(step, 8) == 0.00099010
        for g in (1e-3, 1.0, 1e3):
            assert -_run(Adam(), 0.0, [g]) == pytest.approx(1e-3, rel=1e-4)

    def test_two_steps(self) -> None:
        lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
        g1, g2 = 1.0, -3.0
        m1, v1 = (1 - b1) * g1, (1 - b2) * g1**2
        m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2**2
        t1 = -lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps)
        t2 = t1 - lr * (m2 / (1 - b1**2)) / (np.sqrt(v2 / (1 - b2**2)) + eps)
        assert _run(Adam(), 0.0, [g1, g2]) == pytest.approx(t2, rel=1e-12)

    def test_l2_weight_decay_enters_gradient(self) -> None:
        # g + wd * theta = 0 + 0.1 * 5 > 0, so the first step is ~ -lr
        assert _run(Adam(lr=0.01, weight_decay=0.1), 5.0, [0.0]) == pytest.approx(4.99, rel=1e-9)

    def test_beta1_zero(self) -> None:
        opt = Adam(betas=(0.0, 0.999))
        params = _one(0.0)
        state = opt.step(params, _one(2.0), opt.init(params))
        state = opt.step(params, _one(-1.0), state)
        assert state.m["w"][0] == -1.0  # m is the last gradient

    def test_adamw_decoupled(self) -> None:
        lr, wd = 0.1, 0.5
        g = 3.0
        # theta' = (1 - lr wd) theta, then a pure Adam step of size ~lr
        expected = (1 - lr * wd) * 2.0 - lr * g / (g + 1e-8)
        assert _run(AdamW(lr=lr, weight_decay=wd), 2.0, [g]) == pytest.approx(expected, rel=1e-12)
        assert AdamW().weight_decay == 1e-2
        assert Adam().weight_decay == 0.0

    def test_adamw_state_is_adam_state(self) -> None:
        assert isinstance(AdamW().init(_one(0.0)), AdamState)


# --------------------------------------------------------------------------------------
# protocol: purity, in place, dtypes
# --------------------------------------------------------------------------------------

ALL_OPTIMIZERS: list[Optimizer[Any]] = [
    SGD(lr=0.1),
    SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    SGD(lr=0.1, momentum=0.8, dampening=0.1),
    AdaGrad(weight_decay=0.1),
    RMSProp(momentum=0.9, weight_decay=0.1),
    RMSProp(),
    Adam(weight_decay=0.1),
    AdamW(),
]


def _problem(dtype: type = np.float64) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    params: dict[str, np.ndarray] = {
        "W": rng.normal(size=(3, 2)).astype(dtype),
        "b": rng.normal(size=2).astype(dtype),
    }
    grads: dict[str, np.ndarray] = {
        "W": rng.normal(size=(3, 2)).astype(dtype),
        "b": rng.normal(size=2).astype(dtype),
    }
    return params, grads


def _snapshot(state: Any) -> list[Any]:
    return [{k: a.copy() for k, a in f.items()} if isinstance(f, dict) else f for f in state]


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=repr)
def test_update_is_pure_and_step_matches(opt: Optimizer[Any]) -> None:
    params, grads = _problem()
    grads_before = {k: g.copy() for k, g in grads.items()}
    p_update = {k: p.copy() for k, p in params.items()}
    state_u = opt.init(p_update)
    state_s = opt.init(params)
    for _ in range(3):
        before_p = {k: p.copy() for k, p in p_update.items()}
        before_s = _snapshot(state_u)
        new_p, new_state = opt.update(grads, state_u, p_update)
        # nothing modified
        for k in before_p:
            np.testing.assert_array_equal(p_update[k], before_p[k])
            np.testing.assert_array_equal(grads[k], grads_before[k])
        for f_old, f_now in zip(before_s, state_u, strict=True):
            if isinstance(f_old, dict):
                for k in f_old:
                    np.testing.assert_array_equal(f_old[k], f_now[k])
            else:
                assert f_old == f_now
        p_update, state_u = new_p, new_state

        ids = {k: id(p) for k, p in params.items()}
        state_s = opt.step(params, grads, state_s)
        assert {k: id(p) for k, p in params.items()} == ids  # same arrays, in place

    for k in params:
        np.testing.assert_array_equal(params[k], p_update[k])  # bit-identical
    assert state_s.step == state_u.step == 3


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=repr)
def test_float32_preserved(opt: Optimizer[Any]) -> None:
    params, grads = _problem(np.float32)
    state = opt.init(params)
    for _ in range(3):
        state = opt.step(params, grads, state)
    new_params, new_state = opt.update(grads, state, params)
    for arrays in (params, new_params, *[f for f in new_state if isinstance(f, dict)]):
        for a in arrays.values():
            assert a.dtype == np.float32
    # float64 gradients on float32 parameters are fine too
    opt.step(params, {k: g.astype(np.float64) for k, g in grads.items()}, new_state)
    assert params["W"].dtype == np.float32


def test_float32_close_to_float64() -> None:
    p32, g32 = _problem(np.float32)
    p64, g64 = _problem(np.float64)
    opt = Adam(lr=0.01)
    s32, s64 = opt.init(p32), opt.init(p64)
    for _ in range(20):
        s32 = opt.step(p32, g32, s32)
        s64 = opt.step(p64, g64, s64)
    np.testing.assert_allclose(p32["W"], p64["W"], rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: SGD(lr=-0.1), r"^lr must be a positive finite float, got -0\.1$"),
        (lambda: SGD(lr=0.0), "lr must be a positive finite float, got 0.0"),
        (lambda: SGD(lr=float("nan")), "lr must be a positive finite float, got nan"),
        (lambda: SGD(lr=0.1, momentum=-0.5), r"momentum must be a finite float in \[0.0, 1.0\)"),
        (lambda: SGD(lr=0.1, momentum=1.0), r"momentum must be a finite float in \[0.0, 1.0\)"),
        (lambda: SGD(lr=0.1, nesterov=True), "nesterov=True requires momentum > 0"),
        (
            lambda: SGD(lr=0.1, momentum=0.9, nesterov=True, dampening=0.1),
            "dampening == 0, got momentum=0.9 and dampening=0.1",
        ),
        (lambda: SGD(lr=0.1, dampening=1.5), r"dampening must be a finite float in \[0.0, 1.0\]"),
        (lambda: SGD(lr=0.1, weight_decay=-1), "weight_decay must be a non-negative finite"),
        (lambda: AdaGrad(eps=0.0), "eps must be a positive finite float"),
        (
            lambda: AdaGrad(initial_accumulator_value=-1.0),
            "initial_accumulator_value must be a non-negative finite float",
        ),
        (lambda: RMSProp(alpha=1.0), r"alpha must be a finite float in \[0.0, 1.0\)"),
        (lambda: RMSProp(momentum=2.0), "momentum must be a finite float"),
        (lambda: Adam(betas=(0.9, 1.0)), r"beta2 must be a finite float in \[0.0, 1.0\), got 1.0"),
        (lambda: Adam(betas=(-0.1, 0.9)), "beta1 must be a finite float"),
        (lambda: Adam(eps=-1e-8), "eps must be a positive finite float"),
        (lambda: AdamW(weight_decay=-0.1), "weight_decay must be a non-negative"),
        (lambda: AdamW(lr=float("inf")), "lr must be a positive finite float, got inf"),
    ],
)
def test_hyperparameter_value_errors(factory: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        factory()


@pytest.mark.parametrize(
    "factory",
    [
        lambda: SGD(lr="0.1"),  # type: ignore[arg-type]
        lambda: SGD(lr=True),
        lambda: SGD(lr=0.1, nesterov=1),  # type: ignore[arg-type]
        lambda: Adam(betas=0.9),  # type: ignore[arg-type]
        lambda: Adam(betas=(0.9, 0.99, 0.999)),  # type: ignore[arg-type]
        lambda: RMSProp(alpha=None),  # type: ignore[arg-type]
    ],
)
def test_hyperparameter_type_errors(factory: Any) -> None:
    with pytest.raises(TypeError):
        factory()


def test_replace_revalidates() -> None:
    opt = dataclasses.replace(Adam(), lr=0.5)
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match="lr must be a positive"):
        dataclasses.replace(opt, lr=-1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 0.1  # type: ignore[misc]


def test_hyperparameters_normalised_to_float() -> None:
    opt = Adam(lr=1, betas=[0, 0.5])  # type: ignore[arg-type]
    assert opt.lr == 1.0 and isinstance(opt.lr, float)
    assert opt.betas == (0.0, 0.5)


class TestInputErrors:
    def setup_method(self) -> None:
        self.opt = Adam()
        self.params, self.grads = _problem()
        self.state = self.opt.init(self.params)

    def test_missing_and_extra_keys(self) -> None:
        grads = {"W": self.grads["W"], "c": self.grads["b"]}
        with pytest.raises(
            ValueError,
            match=r"grads must have exactly the keys of params: missing \['b'\], "
            r"unexpected \['c'\]",
        ):
            self.opt.step(self.params, grads, self.state)

    def test_shape_mismatch(self) -> None:
        grads = dict(self.grads, b=np.zeros(3))
        with pytest.raises(
            ValueError,
            match=r"grads\['b'\] must have the shape of params\['b'\] \(2,\), got \(3,\)",
        ):
            self.opt.update(grads, self.state, self.params)

    def test_no_broadcasting(self) -> None:
        grads = dict(self.grads, b=np.float64(1.0))
        with pytest.raises(ValueError, match="must have the shape of"):
            self.opt.step(self.params, grads, self.state)

    def test_non_finite_gradient(self) -> None:
        grads = dict(self.grads, W=np.full((3, 2), np.nan))
        before = self.params["W"].copy()
        with pytest.raises(ValueError, match=r"grads\['W'\] must contain only finite values"):
            self.opt.step(self.params, grads, self.state)
        np.testing.assert_array_equal(self.params["W"], before)

    def test_non_finite_entry_named_and_overflowing_sum_accepted(self) -> None:
        grads = dict(self.grads, b=np.array([1.0, -np.inf]))
        with pytest.raises(
            ValueError, match=r"grads\['b'\] .* 0 NaN and 1 inf \(first at index \(1,\)\)"
        ):
            self.opt.step(self.params, grads, self.state)
        # finite entries whose sum overflows (the cheap signal) are not an error
        big = np.full((3, 2), np.finfo(np.float32).max, dtype=np.float32)
        params = {"w": np.zeros((3, 2), np.float32)}
        SGD(lr=1e-40).step(params, {"w": big}, SGD(lr=1e-40).init(params))
        assert np.all(np.isfinite(params["w"]))

    def test_no_scan_inside_skip_finite_checks(self) -> None:
        """There the caller has proved the gradients finite (train: by their global norm)."""
        grads = dict(self.grads, W=np.full((3, 2), np.nan))
        with skip_finite_checks():
            self.opt.step(self.params, grads, self.state)
        assert np.isnan(self.params["W"]).all()

    def test_wrong_state_type(self) -> None:
        with pytest.raises(TypeError, match="state must be a AdamState from Adam.init, got"):
            self.opt.step(self.params, self.grads, SGD(lr=0.1, momentum=0.9).init(self.params))  # type: ignore[arg-type]

    def test_state_for_other_params(self) -> None:
        other = self.opt.init({"W": np.zeros((3, 2))})
        with pytest.raises(ValueError, match="state.m has keys"):
            self.opt.step(self.params, self.grads, other)
        other = self.opt.init({"W": np.zeros((2, 2)), "b": np.zeros(2)})
        with pytest.raises(ValueError, match=r"state.m\['W'\] has shape \(2, 2\)"):
            self.opt.step(self.params, self.grads, other)

    def test_sgd_momentum_state_from_plain_sgd(self) -> None:
        state = SGD(lr=0.1).init(self.params)
        with pytest.raises(ValueError, match="state.momentum_buffer has keys"):
            SGD(lr=0.1, momentum=0.9).step(self.params, self.grads, state)

    def test_params_type_errors(self) -> None:
        with pytest.raises(TypeError, match=r"params\['w'\] must be a numpy ndarray, got list"):
            self.opt.init({"w": [1.0, 2.0]})  # type: ignore[dict-item]
        with pytest.raises(TypeError, match=r"params\['w'\] must have a floating dtype, got int64"):
            self.opt.init({"w": np.array([1, 2], dtype=np.int64)})
        with pytest.raises(TypeError, match="params must be a dict"):
            self.opt.init([np.zeros(2)])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="params must contain at least one array"):
            self.opt.init({})
        with pytest.raises(ValueError, match=r"params\['w'\] must contain only finite"):
            self.opt.init({"w": np.array([np.inf])})

    def test_read_only_params(self) -> None:
        w = np.zeros(2)
        w.flags.writeable = False
        opt = SGD(lr=0.1)
        with pytest.raises(ValueError, match=r"params\['w'\] must be writable"):
            opt.step({"w": w}, {"w": np.ones(2)}, opt.init({"w": w}))
        new, _ = opt.update({"w": np.ones(2)}, opt.init({"w": w}), {"w": w})  # pure: fine
        np.testing.assert_allclose(new["w"], -0.1)


# --------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------


def test_registry() -> None:
    assert set(OPTIMIZERS) == {"sgd", "adagrad", "rmsprop", "adam", "adamw"}
    assert get_optimizer("SGD", lr=0.1, momentum=0.9) == SGD(lr=0.1, momentum=0.9)
    assert isinstance(get_optimizer("adamw"), AdamW)
    with pytest.raises(ValueError, match="optimizer must be one of 'adagrad', 'adam', 'adamw'"):
        get_optimizer("lion")
    with pytest.raises(TypeError, match=r"Adam got unexpected hyperparameter\(s\) \['momentum'\]"):
        get_optimizer("adam", momentum=0.9)
    with pytest.raises(ValueError, match="lr must be a positive"):
        get_optimizer("rmsprop", lr=-1.0)


def test_state_types() -> None:
    p = _one(0.0)
    assert isinstance(AdaGrad().init(p), AdaGradState)
    assert isinstance(RMSProp().init(p), RMSPropState)
    assert isinstance(SGD(lr=1.0).init(p), SGDState)
    assert isinstance(Adam().init(p), AdamState)


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    opt_index=st.integers(0, len(ALL_OPTIMIZERS) - 1),
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
    scale=st.sampled_from([1e-12, 1e-6, 1.0, 1e4]),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_finite_and_pure(
    opt_index: int, shape: tuple[int, ...], scale: float, dtype: type, seed: int
) -> None:
    opt = ALL_OPTIMIZERS[opt_index]
    rng = np.random.default_rng(seed)
    params: dict[str, np.ndarray] = {"p": rng.normal(size=shape).astype(dtype)}
    state = opt.init(params)
    for _ in range(3):
        grads: dict[str, np.ndarray] = {"p": (scale * rng.normal(size=shape)).astype(dtype)}
        new_params, new_state = opt.update(grads, state, params)
        state = opt.step(params, grads, state)
        np.testing.assert_array_equal(new_params["p"], params["p"])
        assert params["p"].dtype == dtype
        assert np.all(np.isfinite(params["p"]))
