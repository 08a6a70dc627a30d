"""Parity with PyTorch, from reference values PyTorch computed (``golden/torch_reference.npz``).

Every value here was produced by PyTorch's autograd or ``torch.optim`` in float64 by
``golden/make_torch_reference.py``, which also stores the inputs; these tests need only
NumPy, so they run on every machine. The case lists are read from the file: a case added to
the script and regenerated is tested here without editing this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vanishing.activations import get_activation
from vanishing.clipping import clip_by_global_norm, clip_by_value
from vanishing.layers import BatchNorm
from vanishing.losses import (
    binary_cross_entropy_with_logits,
    mean_squared_error,
    softmax_cross_entropy,
)
from vanishing.network import MLP
from vanishing.optimizers import get_optimizer
from vanishing.rnn import VanillaRNN

with np.load(Path(__file__).parent / "golden" / "torch_reference.npz") as _file:
    REF: dict[str, np.ndarray] = {k: _file[k] for k in _file.files}


def cases(topic: str) -> list[Any]:
    """The case list the script stored for `topic` (a JSON string)."""
    return list(json.loads(str(REF[f"{topic}/cases"])))


def close(
    actual: Any, expected: Any, rtol: float = 1e-12, atol: float = 1e-14, msg: str = ""
) -> None:
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=msg)


def test_reference_file_is_float64_and_complete() -> None:
    floats = [k for k, v in REF.items() if v.dtype.kind == "f"]
    assert floats and all(REF[k].dtype == np.float64 for k in floats)
    for topic in ("act", "mlp", "rnn", "optim"):
        assert cases(topic), topic
    assert {"loss/z", "bn/dx", "clip/norm/2/total"} <= set(REF)


# --------------------------------------------------------------------------------------
# activations: value and derivative (torch autograd of the sum)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("i", "case"), list(enumerate(cases("act"))), ids=str)
def test_activation_matches_torch(i: int, case: list[Any]) -> None:
    name, params = case
    act = get_activation(name, **params)
    z = REF["act/z"]
    close(act(z), REF[f"act/{i}/value"])
    close(act.derivative(z), REF[f"act/{i}/derivative"])


# --------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------

LOSSES = {
    "softmax_cross_entropy": (softmax_cross_entropy, "loss/labels"),
    "binary_cross_entropy_with_logits": (binary_cross_entropy_with_logits, "loss/t"),
    "mean_squared_error": (mean_squared_error, "loss/t"),
}


@pytest.mark.parametrize("name", LOSSES)
def test_loss_matches_torch(name: str) -> None:
    fn, target = LOSSES[name]
    value, grad = fn(REF["loss/z"], REF[target])
    assert value == pytest.approx(float(REF[f"loss/{name}/value"]), rel=1e-13)
    close(grad, REF[f"loss/{name}/grad"], atol=1e-15)


# --------------------------------------------------------------------------------------
# MLP: loss, logits, every parameter gradient and the input gradient
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("c", "cfg"), list(enumerate(cases("mlp"))), ids=str)
def test_mlp_gradients_match_torch(c: int, cfg: dict[str, Any]) -> None:
    net = MLP(**cfg, rng=0)
    prefix = f"mlp/{c}/param/"
    stored = {k[len(prefix) :]: v for k, v in REF.items() if k.startswith(prefix)}
    assert set(net.params) == set(stored), "the MLP's layout changed: regenerate"
    for k, v in stored.items():
        net.params[k][...] = v
    logits, cache = net.forward(REF[f"mlp/{c}/x"])
    close(logits, REF[f"mlp/{c}/logits"])
    loss, dlogits = softmax_cross_entropy(logits, REF[f"mlp/{c}/labels"])
    assert loss == pytest.approx(float(REF[f"mlp/{c}/loss"]), rel=1e-12)
    back = net.backward(cache, dlogits)
    for k, g in back.grads.items():
        np.testing.assert_allclose(g, REF[f"mlp/{c}/grad/{k}"], rtol=1e-10, atol=1e-13, err_msg=k)
    np.testing.assert_allclose(back.dx, REF[f"mlp/{c}/dx"], rtol=1e-10, atol=1e-13)


# --------------------------------------------------------------------------------------
# batch norm (torch.nn.BatchNorm1d)
# --------------------------------------------------------------------------------------


def test_batch_norm_matches_torch() -> None:
    bn = BatchNorm(4)
    bn.params["gamma"][...] = REF["bn/gamma"]
    bn.params["beta"][...] = REF["bn/beta"]
    for b in range(3):
        y, cache = bn.forward(REF[f"bn/x/{b}"])
        close(y, REF[f"bn/y/{b}"])
    close(bn.running_mean, REF["bn/running_mean"])
    close(bn.running_var, REF["bn/running_var"])
    back = bn.backward(cache, REF["bn/dy"])  # through the last batch's statistics
    close(back.dx, REF["bn/dx"], rtol=1e-10, atol=1e-13)
    close(back.grads["gamma"], REF["bn/dgamma"], rtol=1e-10)
    close(back.grads["beta"], REF["bn/dbeta"])
    close(bn(REF["bn/x_eval"]), REF["bn/y_eval"])


# --------------------------------------------------------------------------------------
# clipping (torch.nn.utils.clip_grad_norm_ and clip_grad_value_)
# --------------------------------------------------------------------------------------

GRADS = {k: REF[f"clip/grad/{k}"] for k in ("W", "b")}


@pytest.mark.parametrize("max_norm", [2.0, 100.0])
def test_clip_by_global_norm_matches_torch(max_norm: float) -> None:
    clipped, norm = clip_by_global_norm(GRADS, max_norm)
    assert norm == pytest.approx(float(REF[f"clip/norm/{max_norm:g}/total"]), rel=1e-14)
    for k, g in clipped.items():
        close(g, REF[f"clip/norm/{max_norm:g}/{k}"], rtol=1e-14, atol=0)


def test_clip_by_value_matches_torch() -> None:
    for k, g in clip_by_value(GRADS, 0.5).items():
        np.testing.assert_array_equal(g, REF[f"clip/value/0.5/{k}"])


# --------------------------------------------------------------------------------------
# backpropagation through time
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("c", "cfg"), list(enumerate(cases("rnn"))), ids=str)
def test_bptt_matches_torch(c: int, cfg: dict[str, Any]) -> None:
    n_in, n_hidden = REF[f"rnn/{c}/param/W_xh"].shape
    rnn = VanillaRNN(n_in, n_hidden, cfg["n_out"], activation=cfg["activation"], rng=0)
    for k in rnn.params:
        rnn.params[k][...] = REF[f"rnn/{c}/param/{k}"]
    y, cache = rnn.forward(REF[f"rnn/{c}/x"], REF[f"rnn/{c}/h0"])
    close(y, REF[f"rnn/{c}/y"], rtol=1e-11, atol=1e-13)
    back = rnn.backward(cache, REF[f"rnn/{c}/dout"])
    tol = {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(back.dh, REF[f"rnn/{c}/dh"], **tol, err_msg="dh")
    np.testing.assert_allclose(back.dh0, REF[f"rnn/{c}/dh0"], **tol, err_msg="dh0")
    np.testing.assert_allclose(back.dx, REF[f"rnn/{c}/dx"], **tol, err_msg="dx")
    assert set(back.grads) == set(rnn.params)
    for k, g in back.grads.items():
        np.testing.assert_allclose(g, REF[f"rnn/{c}/grad/{k}"], **tol, err_msg=k)


# --------------------------------------------------------------------------------------
# optimizers (torch.optim, foreach=False) over 100 steps on a convex quadratic
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("c", "case"), list(enumerate(cases("optim"))), ids=str)
def test_optimizer_trajectory_matches_torch(c: int, case: list[Any]) -> None:
    name, kwargs = case
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    keys = ("W", "b")
    params = {k: REF[f"optim/start/{k}"].copy() for k in keys}

    def grad_of(k: str, p: np.ndarray) -> np.ndarray:
        a, c_vec = REF[f"optim/A/{k}"], REF[f"optim/c/{k}"]
        return (a @ p.ravel() - c_vec).reshape(p.shape)

    opt = get_optimizer(name, **kwargs)
    state = opt.init(params)
    snapshots = list(REF["optim/snapshots"])
    for step in range(1, snapshots[-1] + 1):
        state = opt.step(params, {k: grad_of(k, p) for k, p in params.items()}, state)
        if step in snapshots:
            s = snapshots.index(step)
            for k in keys:
                np.testing.assert_allclose(
                    params[k],
                    REF[f"optim/{c}/{k}"][s],
                    rtol=0,
                    atol=1e-12,
                    err_msg=f"{k} after step {step}",
                )
    assert state.step == snapshots[-1]
