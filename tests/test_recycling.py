"""Tests for the reuse of arrays nobody holds (vanishing._recycling and the layers using it)."""

from __future__ import annotations

import copy
import pickle
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

import vanishing._recycling as recycling
from vanishing._recycling import Spares
from vanishing.layers import REUSE_FROM_BYTES, ActivationLayer, BatchNorm, Dense, Layer, Residual
from vanishing.losses import softmax_cross_entropy
from vanishing.network import MLP, Sequential
from vanishing.optimizers import Adam

# layers reuse arrays from REUSE_FROM_BYTES up: a batch of 64 float64 rows of 128 is one
BATCH, WIDTH = 64, 128
assert BATCH * WIDTH * 8 >= REUSE_FROM_BYTES


def test_a_held_array_is_never_handed_out_again() -> None:
    spares = Spares()
    first = spares.empty("z", (3, 2), np.float64)
    first[...] = 1.0
    for _ in range(5):
        other = spares.empty("z", (3, 2), np.float64)
        assert other is not first
        other[...] = 2.0
    assert (first == 1.0).all()


def test_a_view_holds_its_base() -> None:
    spares = Spares()
    base = spares.empty("z", (4, 2), np.float64)
    base[...] = 7.0
    view = base[:2]
    del base
    for _ in range(3):
        spares.empty("z", (4, 2), np.float64)[...] = -1.0
    assert (view == 7.0).all()


def test_an_unheld_array_is_handed_out_again() -> None:
    spares = Spares()
    address = spares.empty("z", (3, 2), np.float32).ctypes.data
    assert spares.empty("z", (3, 2), np.float32).ctypes.data == address


@pytest.mark.parametrize(
    ("shape", "dtype"), [((2, 3), np.float32), ((3, 3), np.float64), ((3,), np.float32)]
)
def test_a_spare_of_another_shape_or_dtype_is_not_reused(shape: tuple, dtype: type) -> None:
    spares = Spares()
    spares.empty("z", (3, 3), np.float32)
    array = spares.empty("z", shape, dtype)
    assert array.shape == shape and array.dtype == dtype


def test_each_role_keeps_at_most_per_role_arrays() -> None:
    spares = Spares(per_role=2)
    held = [spares.empty("z", (2,), np.float64) for _ in range(5)]
    assert len({id(a) for a in held}) == 5
    assert repr(spares) == "Spares(2 arrays)"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Dense(WIDTH, WIDTH, rng=0),
        lambda: ActivationLayer("tanh"),
        lambda: BatchNorm(WIDTH),
        lambda: Residual(Sequential([Dense(WIDTH, WIDTH, rng=0), ActivationLayer("relu")])),
    ],
    ids=["Dense", "ActivationLayer", "BatchNorm", "Residual"],
)
def test_arrays_kept_by_the_caller_are_not_overwritten(make: Callable[[], Layer]) -> None:
    layer, rng = make(), np.random.default_rng(0)
    y1, cache1 = layer.forward(rng.standard_normal((BATCH, WIDTH)))
    back1 = layer.backward(cache1, rng.standard_normal((BATCH, WIDTH)))
    kept = [y1, back1.dx, *back1.grads.values(), *back1.named_deltas.values()]
    then = [a.copy() for a in kept]
    for _ in range(3):  # more steps than there are spares per role
        y2, cache2 = layer.forward(rng.standard_normal((BATCH, WIDTH)))
        layer.backward(cache2, rng.standard_normal((BATCH, WIDTH)))
    for array, value in zip(kept, then, strict=True):
        np.testing.assert_array_equal(array, value)


def _train(net: MLP, steps: int) -> list[int]:
    """Train in the usual loop; return the address of the first hidden layer's output per step."""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((BATCH, 8)), rng.integers(0, 3, BATCH)
    opt = Adam(lr=1e-2)
    state = opt.init(net.params)
    addresses = []
    for _ in range(steps):
        out, cache = net.forward(X)
        _, dout = softmax_cross_entropy(out, y)
        back = net.backward(cache, dout)
        state = opt.step(net.params, back.grads, state)
        addresses.append(cache.outputs[0].ctypes.data)
    return addresses


def test_a_training_loop_reuses_the_memory_of_two_steps_ago() -> None:
    addresses = _train(MLP([8, WIDTH, WIDTH, 3], "relu", rng=0), steps=6)
    assert addresses[2:] == addresses[:-2]  # the arrays of step t are those of step t - 2
    assert addresses[0] != addresses[1]  # the previous step's are still held


def test_recycling_changes_no_number() -> None:
    """Training with the memory reused gives what fresh copies of the arrays give."""
    recycled = MLP([8, WIDTH, WIDTH, 3], "relu", rng=0)
    fresh = MLP([8, WIDTH, WIDTH, 3], "relu", rng=0)
    for layer in fresh.layers:
        layer.__dict__["_spare_arrays"] = Spares(per_role=0)  # keeps nothing: always new
    addresses = _train(recycled, steps=5)
    _train(fresh, steps=5)
    assert addresses[2:] == addresses[:-2]  # reused, while `fresh` kept nothing:
    assert all(
        repr(layer.__dict__["_spare_arrays"]) == "Spares(0 arrays)" for layer in fresh.layers
    )
    for key, p in recycled.params.items():
        np.testing.assert_array_equal(p, fresh.params[key])


def test_spares_are_not_copied_with_a_layer() -> None:
    layer = Dense(WIDTH, WIDTH, rng=0)
    layer.forward(np.ones((BATCH, WIDTH)))
    for twin in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        assert repr(twin.__dict__["_spare_arrays"]) == "Spares(0 arrays)"
        np.testing.assert_array_equal(twin(np.ones((2, WIDTH))), layer(np.ones((2, WIDTH))))


def test_threads_are_never_handed_the_same_array(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each thread writes its number into what it was handed and finds it there later.

    The reference count is read slowly, so that without the lock a second thread would see
    the array unheld while the first is about to take it.
    """
    count = recycling._refcount

    def slow_count(kept: list[np.ndarray], i: int) -> int:
        n = count(kept, i)
        time.sleep(1e-4)
        return n

    spares = Spares(per_role=4)
    monkeypatch.setattr(recycling, "_refcount", slow_count)
    clashes: list[int] = []
    barrier = threading.Barrier(4)

    def take(number: int) -> None:
        barrier.wait()
        for _ in range(50):
            a = spares.empty("z", (8,), np.float64)
            a[...] = number
            time.sleep(1e-3)  # let another thread take an array now
            if not (a == number).all():
                clashes.append(number)
            del a  # free again: the next request may get it

    threads = [threading.Thread(target=take, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clashes == []


def test_an_output_held_by_one_name_only_survives_many_steps() -> None:
    """The caller's single reference is all that protects it, however warm the code is."""
    layer = Dense(WIDTH, WIDTH, rng=0)
    x1, x2 = np.ones((BATCH, WIDTH)), np.full((BATCH, WIDTH), 2.0)
    y1 = layer.forward(x1)[0]
    expected = (x1 @ layer.params["W"] + layer.params["b"]).tobytes()
    for _ in range(3000):
        layer.backward(*reversed(layer.forward(x2)))
    assert y1.tobytes() == expected


def test_inference_keeps_no_memory() -> None:
    net = MLP([8, 16, 3], "relu", rng=0)
    net(np.ones((1000, 8)))
    assert all("_spare_arrays" not in layer.__dict__ for layer in net.layers)


def test_another_shape_lets_the_unheld_spares_go() -> None:
    spares = Spares()
    spares.empty("z", (1000, 8), np.float64)  # unheld at once
    spares.empty("z", (10, 8), np.float64)
    assert repr(spares) == "Spares(1 arrays)"


def test_without_reference_counts_every_request_is_new(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recycling, "_REUSES", False)
    spares = Spares()
    addresses = {spares.empty("z", (64, 64), np.float64).ctypes.data for _ in range(3)}
    assert repr(spares) == "Spares(0 arrays)" and len(addresses) >= 1


@pytest.mark.parametrize("layer", [Dense(3, 3, rng=0), Residual(Dense(3, 3, rng=0))])
def test_outputs_keep_the_wider_dtype(layer: Layer) -> None:
    y, cache = layer.forward(np.ones((2, 3)))
    back = layer.backward(cache, np.ones((2, 3), dtype=np.float32))
    assert y.dtype == back.dx.dtype == np.float64
    assert all(g.dtype == np.float64 for g in back.grads.values())
    mixed = Residual(Dense(3, 3, rng=0, dtype=np.float32)).forward(np.full((2, 3), 1 + 1e-12))[0]
    assert mixed.dtype == np.float64


def test_small_arrays_are_made_afresh() -> None:
    layer = Dense(4, 4, rng=0)
    layer.forward(np.ones((3, 4)))
    assert "_spare_arrays" not in layer.__dict__


_SMALL_STEPS = """
import resource
import numpy as np
from vanishing.network import MLP
from vanishing.optimizers import SGD
from vanishing.losses import softmax_cross_entropy
rng = np.random.default_rng(0)
X, y = rng.standard_normal((512, 64)), rng.integers(0, 10, 512)
net = MLP([64] + [48] * 18 + [10], "tanh", rng=0)  # every array under REUSE_FROM_BYTES
opt = SGD(lr=0.005, momentum=0.9)


def step(state):  # everything the step made is freed when it returns
    batch = rng.choice(512, 32, replace=False)
    out, cache = net.forward(X[batch])
    _, dout = softmax_cross_entropy(out, y[batch])
    return opt.step(net.params, net.backward(cache, dout).grads, state)


state = opt.init(net.params)
for i in range(25):
    if i == 5:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    state = step(state)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


@pytest.mark.skipif(not recycling._is_glibc(), reason="glibc's malloc thresholds only")
def test_a_small_network_does_not_fault_its_memory_in_at_every_step() -> None:
    """In a fresh process, the steps of a small network reuse the memory malloc kept.

    Before :func:`raise_malloc_thresholds`, glibc gave each step's ~800 KB back at its end
    and the next step faulted in about 200 pages again.
    """
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    run = subprocess.run(
        [sys.executable, "-c", _SMALL_STEPS], env=env, capture_output=True, text=True, check=True
    )
    assert float(run.stdout) < 10


def test_the_thresholds_are_raised_on_glibc_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert recycling.raise_malloc_thresholds() == recycling._is_glibc()
    monkeypatch.setattr(recycling, "_is_glibc", lambda: False)
    assert recycling.raise_malloc_thresholds() is False
