"""Tests for vanishing.training."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from vanishing.clipping import clip_by_global_norm
from vanishing.datasets import load_digits, spirals, train_test_split
from vanishing.layers import Dense
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP, Sequential
from vanishing.optimizers import SGD, Adam
from vanishing.training import (
    EpochLog,
    History,
    NonFiniteError,
    accuracy,
    evaluate,
    train,
)


def small_problem(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(seed).standard_normal((n, 3))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


# --------------------------------------------------------------------------------------
# learning
# --------------------------------------------------------------------------------------
def test_mlp_learns_digits() -> None:
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    net = MLP([64, 64, 10], "relu", rng=0)
    history = train(
        net,
        X_train,
        y_train,
        optimizer=Adam(lr=3e-3),
        epochs=15,
        batch_size=32,
        rng=0,
        X_val=X_test,
        y_val=y_test,
    )
    assert accuracy(net, X_test, y_test) >= 0.95
    assert history.val_accuracy is not None and history.val_accuracy[-1] >= 0.95
    assert history.epoch_loss[-1] < history.epoch_loss[0] / 5


def test_mlp_learns_spirals() -> None:
    X, y = spirals(600, n_classes=3, noise=0.2, rng=0)
    net = MLP([2, 64, 64, 3], "tanh", rng=0)
    history = train(net, X, y, optimizer=Adam(lr=1e-2), epochs=60, batch_size=64, rng=0)
    assert history.epoch_accuracy is not None
    assert history.epoch_accuracy[-1] >= 0.9
    assert accuracy(net, X, y) >= 0.9


def test_history_contents() -> None:
    X, y = small_problem()
    net = MLP([3, 8, 8, 2], "sigmoid", rng=0)
    h = train(net, X, y, epochs=4, batch_size=16, rng=0, record_layers=True, record_every=3)
    assert isinstance(h, History)
    assert h.n_steps == 16  # 4 batches (16, 16, 16, 12) per epoch
    assert h.steps.tolist() == [1, 4, 7, 10, 13, 16]
    assert h.loss.shape == h.grad_norm.shape == (6,)
    assert h.layer_names == ["0", "2", "4"]
    assert h.weight_grad_norms is not None and h.weight_grad_norms.shape == (6, 3)
    assert h.delta_norms is not None and h.delta_norms.shape == (6, 3)
    assert h.epoch_loss.shape == (4,) and h.n_epochs == 4
    assert h.epoch_accuracy is not None and h.epoch_accuracy.shape == (4,)
    assert h.val_loss is None and h.val_accuracy is None
    assert np.all(h.grad_norm > 0) and h.seconds > 0
    text = h.summary()
    assert "4 epochs, 16 steps" in text and "epoch     4" in text and "accuracy" in text


def test_recorded_norms_match_the_diagnostics() -> None:
    X, y = small_problem()
    net = MLP([3, 5, 5, 2], "tanh", rng=0)
    before = copy.deepcopy(net)
    h = train(net, X, y, optimizer=SGD(lr=0.1), epochs=1, batch_size=None, record_layers=True)
    out, cache = before.forward(X)
    loss, dout = softmax_cross_entropy(out, y)
    back = before.backward(cache, dout)
    assert h.loss[0] == pytest.approx(loss)
    grads = back.grads
    assert h.grad_norm[0] == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    assert h.weight_grad_norms is not None and h.delta_norms is not None
    for j, i in enumerate(before.dense_indices):
        assert h.weight_grad_norms[0, j] == pytest.approx(np.linalg.norm(grads[f"{i}.W"]))
        assert h.delta_norms[0, j] == pytest.approx(np.linalg.norm(back.deltas[i]))


def test_residual_network_layer_records() -> None:
    X, y = small_problem()
    net = MLP([3, 4, 4, 4, 2], "relu", residual=True, rng=0)
    h = train(net, X, y, epochs=1, batch_size=None, record_layers=True)
    assert h.layer_names == ["0", "1.block.1", "2.block.1", "4"]
    assert h.delta_norms is not None and np.all(h.delta_norms > 0)


def test_batch_size_modes() -> None:
    X, y = small_problem(n=10)
    full = train(MLP([3, 4, 2], rng=0), X, y, epochs=3, batch_size=None)
    assert full.n_steps == 3
    big = train(MLP([3, 4, 2], rng=0), X, y, epochs=3, batch_size=100)
    assert big.n_steps == 3
    assert np.allclose(full.loss, big.loss)
    sgd = train(MLP([3, 4, 2], rng=0), X, y, epochs=2, batch_size=1, rng=0)
    assert sgd.n_steps == 20


def test_seeded_runs_are_reproducible() -> None:
    X, y = small_problem()
    a = train(MLP([3, 6, 2], rng=0), X, y, epochs=3, batch_size=8, rng=5)
    b = train(MLP([3, 6, 2], rng=0), X, y, epochs=3, batch_size=8, rng=5)
    assert np.array_equal(a.loss, b.loss)


def test_gradient_clipping_matches_clip_by_global_norm() -> None:
    X, y = small_problem()
    net = MLP([3, 6, 2], "tanh", rng=0)
    ref = copy.deepcopy(net)
    h = train(net, X, y, optimizer=SGD(lr=1.0), epochs=1, batch_size=None, clip_norm=0.01)
    out, cache = ref.forward(X)
    grads = ref.backward(cache, softmax_cross_entropy(out, y)[1]).grads
    clipped, norm = clip_by_global_norm(grads, 0.01)
    assert norm == pytest.approx(h.grad_norm[0])
    assert norm > 0.01  # clipping was active
    for key, p in ref.params.items():
        assert np.allclose(net.params[key], p - clipped[key])


def test_zero_and_constant_init_keep_hidden_units_identical() -> None:
    X, y = small_problem()
    net = MLP([3, 6, 6, 2], "tanh", init="zeros", rng=0)
    train(net, X, y, optimizer=SGD(lr=0.5), epochs=5, batch_size=16, rng=0)
    # hidden weights receive exactly zero gradient: they never move
    assert not net.params["0.W"].any() and not net.params["2.W"].any()
    net = MLP([3, 6, 6, 2], "tanh", init="constant", rng=0)
    train(net, X, y, optimizer=SGD(lr=0.5), epochs=5, batch_size=16, rng=0)
    for key in ("0.W", "2.W"):
        W = net.params[key]
        assert not np.allclose(W, 1.0)  # they did learn...
        assert np.allclose(W, W[:, :1], rtol=1e-12, atol=1e-12)  # ...but all alike


def test_float32_training_stays_float32() -> None:
    X, y = small_problem()
    net = MLP([3, 4, 2], rng=0, dtype=np.float32)
    h = train(net, X, y, epochs=2, batch_size=16, rng=0)
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert np.all(np.isfinite(h.loss))


# --------------------------------------------------------------------------------------
# non-finite values
# --------------------------------------------------------------------------------------
def test_absurd_learning_rate_raises_non_finite_error() -> None:
    X, y = small_problem()
    net = MLP([3, 32, 32, 32, 2], "relu", rng=0)
    with pytest.raises(NonFiniteError) as info:
        train(net, X, y, optimizer=SGD(lr=1e30), epochs=20, batch_size=16, rng=0)
    err = info.value
    assert isinstance(err, FloatingPointError)
    message = str(err)
    assert f"step {err.step}" in message and f"epoch {err.epoch}" in message
    assert err.step > 1
    assert err.stage in ("forward", "loss", "gradient")
    assert err.where in message
    assert "layer" in message or "parameter" in message


def test_non_finite_forward_names_the_first_layer() -> None:
    X, y = small_problem()
    net = MLP([3, 4, 4, 2], "relu", rng=0)
    net.params["2.W"][:] = 1e200  # layer 2 overflows on the first forward pass
    with pytest.raises(NonFiniteError, match=r"step 1 \(epoch 1\).*2:Dense\(4, 4\)") as info:
        train(net, X * 1e200, y, epochs=1, batch_size=None)
    assert info.value.stage == "forward" and info.value.where == "2:Dense(4, 4)"


def test_non_finite_parameter_is_named() -> None:
    X, y = small_problem()
    net = MLP([3, 4, 2], rng=0)

    def corrupt(log: EpochLog) -> None:
        log.net.params["2.b"][0] = np.nan  # as if an update had blown it up

    with pytest.raises(NonFiniteError, match=r"epoch 2\).*parameter '2.b'") as info:
        train(net, X, y, epochs=2, batch_size=None, callbacks=[corrupt])
    assert info.value.step == 2 and info.value.where == "parameter '2.b'"
    # a non-finite parameter before training is bad input: the optimizer rejects it
    with pytest.raises(ValueError, match=r"params\['2.b'\] must contain only finite values"):
        train(net, X, y, epochs=1)


def test_non_finite_gradient_names_the_layer() -> None:
    X, y = small_problem()
    net = Sequential([Dense(3, 4, rng=0), Dense(4, 2, rng=1)])
    net.params["1.W"][:] = 1e300  # finite outputs for tiny inputs, overflowing dL/dx

    def exploding_loss(out: np.ndarray, yb: np.ndarray) -> tuple[float, np.ndarray]:
        return 0.0, np.full_like(out, 1e300)

    with pytest.raises(NonFiniteError, match="gradient") as info:
        train(net, X * 1e-300, y, epochs=1, batch_size=None, loss=exploding_loss)
    assert info.value.stage == "gradient"
    assert info.value.where in ("1:Dense(4, 2)", "parameter '1.W'")


# --------------------------------------------------------------------------------------
# validation, callbacks, other losses
# --------------------------------------------------------------------------------------
def test_validation_and_callbacks() -> None:
    X, y = small_problem(n=80)
    X_val, y_val = small_problem(n=40, seed=1)
    logs: list[EpochLog] = []

    def stop_after_three(log: EpochLog) -> bool:
        logs.append(log)
        return log.epoch == 3

    h = train(
        MLP([3, 8, 2], rng=0),
        X,
        y,
        epochs=10,
        rng=0,
        X_val=X_val,
        y_val=y_val,
        callbacks=[stop_after_three],
    )
    assert h.stopped_early and h.n_epochs == 3
    assert [log.epoch for log in logs] == [1, 2, 3]
    assert h.val_loss is not None and h.val_loss.shape == (3,)
    assert h.val_accuracy is not None
    assert logs[-1].val_loss == pytest.approx(h.val_loss[-1])
    net = logs[-1].net
    assert h.val_loss[-1] == pytest.approx(evaluate(net, X_val, y_val))
    assert h.val_accuracy[-1] == pytest.approx(accuracy(net, X_val, y_val))
    assert "stopped early" in h.summary()


def test_regression_and_binary_losses() -> None:
    X, y = small_problem()
    target = X[:, :1] * 2.0
    h = train(
        MLP([3, 8, 1], rng=0),
        X,
        target,
        loss="mse",
        epochs=30,
        batch_size=None,
        optimizer=Adam(lr=0.05),
    )
    assert h.epoch_accuracy is None
    assert h.epoch_loss[-1] < 0.1 * h.epoch_loss[0]
    net = MLP([3, 8, 1], rng=0)
    h = train(
        net,
        X,
        y[:, None].astype(float),
        loss="binary_cross_entropy_with_logits",
        epochs=40,
        batch_size=None,
        optimizer=Adam(lr=0.05),
    )
    assert h.epoch_accuracy is not None and h.epoch_accuracy[-1] > 0.9
    assert accuracy(net, X, y) > 0.9


def test_evaluate_and_accuracy() -> None:
    net = Sequential([Dense(2, 2, init="zeros")])
    net.params["0.W"][:] = np.eye(2)
    X = np.array([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]])
    assert accuracy(net, X, [0, 1, 1, 1]) == 0.75
    assert accuracy(net, X, np.eye(2)[[0, 1, 1, 1]]) == 0.75
    full = evaluate(net, X, [0, 1, 1, 1])
    assert evaluate(net, X, [0, 1, 1, 1], batch_size=3) == pytest.approx(full)
    assert full == pytest.approx(softmax_cross_entropy(X, [0, 1, 1, 1])[0])


def test_argument_errors() -> None:
    X, y = small_problem()
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(TypeError, match="Sequential"):
        train(Dense(3, 2), X, y)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Optimizer"):
        train(net, X, y, optimizer="adam")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"y must have one entry per row of X \(60\)"):
        train(net, X, y[:-1])
    with pytest.raises(ValueError, match="both X_val and y_val"):
        train(net, X, y, X_val=X)
    with pytest.raises(TypeError, match=r"callbacks\[0\] must be callable"):
        train(net, X, y, callbacks=[1])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="epochs"):
        train(net, X, y, epochs=0)
    with pytest.raises(ValueError, match="clip_norm"):
        train(net, X, y, clip_norm=-1.0)
    with pytest.raises(ValueError, match="loss must be one of"):
        train(net, X, y, loss="hinge")
    with pytest.raises(TypeError, match="loss must be"):
        train(net, X, y, loss=3)  # type: ignore[arg-type]


def test_huge_but_finite_gradient_is_not_reported_as_non_finite() -> None:
    """Squares above ~1e308 overflow, the gradient itself does not: its norm is rescaled."""
    X, y = load_digits()
    net = MLP([64, 64, 64, 64, 64, 10], "relu", rng=0)
    history = train(net, X, y, optimizer=SGD(lr=2.0), epochs=1, batch_size=64, rng=0)
    norms = history.grad_norm
    assert np.isfinite(norms).all()
    assert norms.max() > 1e154  # its square is not representable in float64


def test_a_finite_step_scans_no_array_for_nan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loss and the global gradient norm say all is finite: no per-step isfinite scan."""
    X, y = small_problem()
    calls = []
    isfinite = np.isfinite

    def counting(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        return isfinite(*args, **kwargs)

    monkeypatch.setattr(np, "isfinite", counting)
    counts = []
    for epochs in (1, 4):
        calls.clear()
        train(MLP([3, 8, 8, 2], rng=0), X, y, epochs=epochs, batch_size=16, clip_norm=1.0)
        counts.append(len(calls))
    assert counts[0] == counts[1]  # 4 steps or 16: the same checks, all before the loop
