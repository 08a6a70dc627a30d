"""Gradient-check helper shared by the layer, network and RNN tests."""

from __future__ import annotations

import numpy as np

from vanishing.gradcheck import check_gradient, check_param_gradients
from vanishing.layers import Layer

RTOL = 1e-6


def away_from_zero(x: np.ndarray, margin: float = 1e-3) -> np.ndarray:
    """Move entries off the kinks of ReLU-like functions (the FD step is 1e-6)."""
    return np.where(np.abs(x) < margin, margin + np.abs(x), x)


def grad_check(layer: Layer, x: np.ndarray, *, training: bool = True, seed: int = 1) -> None:
    """Check dL/dx and every dL/dparam of L = sum(layer(x) * R) against central differences."""
    y, cache = layer.forward(x, training=training)
    R = np.random.default_rng(seed).standard_normal(y.shape)
    back = layer.backward(cache, R)
    assert back.dx.shape == x.shape
    assert set(back.grads) == set(layer.params)

    def loss_params() -> float:
        return float(np.sum(layer.forward(x, training=training)[0] * R))

    # entries far below the finite-difference noise floor (10 ulps of the summed terms over
    # the step 1e-6) cannot be resolved; every other entry must agree to RTOL
    atol = 10 * np.finfo(np.float64).eps * float(np.sum(np.abs(y * R))) / 1e-6
    results = check_param_gradients(loss_params, layer.params, back.grads, rtol=RTOL, atol=atol)
    for key, res in results.items():
        assert res.passed, f"{key}: relative error {res.max_relative_error:.2e}"
    x_res = check_gradient(
        lambda v: float(np.sum(layer.forward(v, training=training)[0] * R)),
        x,
        back.dx,
        rtol=RTOL,
        atol=atol,
    )
    assert x_res.passed, f"dx: relative error {x_res.max_relative_error:.2e}"
