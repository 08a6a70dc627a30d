"""Time one training step of a deep ReLU MLP in vanishing (NumPy) and, if available, PyTorch.

A step is: forward pass, softmax cross-entropy, backward pass and an optimizer update (SGD with
momentum, or Adam), on a 20-layer, 256-wide ReLU MLP (He init, biases) with a batch of 128
samples and 10 classes. Each configuration is warmed up, then timed over many repetitions; the
median is reported. NumPy and PyTorch steps are interleaved, one of each per repetition, so that
load from other processes affects both alike. PyTorch (CPU) runs with the same number of threads
as NumPy's BLAS.

Usage::

    python benchmarks/bench_training.py                # float32 and float64, SGD and Adam
    python benchmarks/bench_training.py --profile      # plus where the NumPy time goes
    python benchmarks/bench_training.py --threads 1 --reps 100
    python benchmarks/bench_training.py --keep-memory  # glibc: do not hand memory back

The thread count must be fixed before NumPy loads its BLAS, so ``--threads`` sets
``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` at start-up.

About ``--keep-memory``: a vanishing step keeps every layer's input, output and delta and
returns fresh gradient arrays (about 15 MB here). When they are freed at the end of the step,
glibc's ``malloc`` returns the memory to the operating system (its trim threshold is a few
hundred kB), so the next step page-faults it back in: 2-4 ms per step on a 2-core machine. The
option re-runs the benchmark with ``MALLOC_TRIM_THRESHOLD_`` and ``MALLOC_MMAP_THRESHOLD_`` set
to 1 GB, which keeps the memory in the process (PyTorch is measured under the same setting).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

DEPTH = 20
WIDTH = 256
BATCH = 128
N_CLASSES = 10
_KEEP_MEMORY_ENV = {"MALLOC_TRIM_THRESHOLD_": "1000000000", "MALLOC_MMAP_THRESHOLD_": "1000000000"}


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=200, help="timed repetitions (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed repetitions first")
    default_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    parser.add_argument(
        "--threads", type=int, default=default_threads, help="BLAS / torch threads (all cores)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument(
        "--keep-memory",
        action="store_true",
        help="re-run with glibc's trim and mmap thresholds raised (see the module docstring)",
    )
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    if ARGS.keep_memory and any(os.environ.get(k) != v for k, v in _KEEP_MEMORY_ENV.items()):
        # glibc reads these variables at start-up only: start again with them set
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **_KEEP_MEMORY_ENV})
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402  (after the thread settings)

from vanishing.layers import Dense  # noqa: E402
from vanishing.losses import softmax_cross_entropy  # noqa: E402
from vanishing.network import MLP  # noqa: E402
from vanishing.optimizers import SGD, Adam, Optimizer  # noqa: E402


def time_steps(steps: list[Callable[[], Any]], reps: int, warmup: int) -> list[float]:
    """Median wall time in milliseconds of each ``step()``, after `warmup` untimed calls.

    The steps are interleaved (one of each per repetition), so that a load spike from other
    processes on the machine hits all of them alike and their ratio stays meaningful.
    """
    for _ in range(warmup):
        for step in steps:
            step()
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(reps):
        for step, bucket in zip(steps, times, strict=True):
            t0 = time.perf_counter()
            step()
            bucket.append(time.perf_counter() - t0)
    return [1e3 * statistics.median(bucket) for bucket in times]


def numpy_step(dtype: type, optimizer: str) -> Callable[[], None]:
    """One vanishing training step as a closure (forward, loss, backward, in-place update)."""
    rng = np.random.default_rng(0)
    net = MLP([WIDTH] * DEPTH + [N_CLASSES], "relu", rng=rng, dtype=dtype)
    X: np.ndarray = rng.standard_normal((BATCH, WIDTH)).astype(dtype)
    y = rng.integers(0, N_CLASSES, BATCH)
    opt: Optimizer[Any] = SGD(lr=1e-3, momentum=0.9) if optimizer == "sgd" else Adam(lr=1e-4)
    state = [opt.init(net.params)]

    def step() -> None:
        out, cache = net.forward(X)
        _, dout = softmax_cross_entropy(out, y)
        back = net.backward(cache, dout)
        state[0] = opt.step(net.params, back.grads, state[0])

    return step


def torch_step(dtype_name: str, optimizer: str, threads: int) -> Callable[[], None] | None:
    """The same step in PyTorch (CPU), or None if torch is not importable."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    dtype = torch.float32 if dtype_name == "float32" else torch.float64
    torch.manual_seed(0)
    layers: list[Any] = []
    sizes = [WIDTH] * DEPTH + [N_CLASSES]
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(n_in, n_out, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    X: Any = torch.randn(BATCH, WIDTH, dtype=dtype)
    y = torch.randint(0, N_CLASSES, (BATCH,))
    if optimizer == "sgd":
        opt: Any = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()

    return step


def profile_summary(step: Callable[[], None], reps: int, top: int = 10) -> str:
    """cProfile of `reps` steps: the share of Dense layers (matrix products) and the top list."""
    step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(reps):
        step()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())  # sum of own times
    dense_codes = {
        (f.__code__.co_filename, f.__code__.co_firstlineno, f.__name__)
        for f in (Dense.forward, Dense.backward)
    }
    dense = sum(entry[2] for key, entry in raw.items() if key in dense_codes)
    optim = sum(entry[2] for key, entry in raw.items() if key[0].endswith("optimizers.py"))
    lines = [
        f"{1e3 * total / reps:.2f} ms per step under the profiler: "
        f"Dense.forward/backward (the matrix products) {100 * dense / total:.0f} %, "
        f"optimizer {100 * optim / total:.0f} %, "
        f"everything else (elementwise, Python) {100 * (total - dense - optim) / total:.0f} %",
    ]
    stats.sort_stats("tottime").print_stats(top)
    body = out.getvalue()
    start = body.find("   ncalls")
    lines.append(body[start:].rstrip() if start >= 0 else body.rstrip())
    return "\n".join(lines)


def main() -> int:
    assert ARGS is not None
    memory = "glibc keeps freed memory" if ARGS.keep_memory else "default glibc malloc"
    print(
        f"MLP {DEPTH} Dense layers x {WIDTH} wide (ReLU), batch {BATCH}, {N_CLASSES} classes; "
        f"{ARGS.threads} thread(s); {memory}; median of {ARGS.reps} steps after "
        f"{ARGS.warmup} warm-up"
    )
    header = f"{'dtype':8s} {'optimizer':9s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for dtype in (np.float32, np.float64):
        for optimizer in ("sgd", "adam"):
            step_np = numpy_step(dtype, optimizer)
            step_t = None if ARGS.no_torch else torch_step(dtype.__name__, optimizer, ARGS.threads)
            if step_t is None:
                (t_np,) = time_steps([step_np], ARGS.reps, ARGS.warmup)
                print(f"{dtype.__name__:8s} {optimizer:9s} {t_np:9.2f} {'-':>9s} {'-':>6s}")
                continue
            t_np, t_t = time_steps([step_np, step_t], ARGS.reps, ARGS.warmup)
            worst = max(worst, t_np / t_t)
            print(f"{dtype.__name__:8s} {optimizer:9s} {t_np:9.2f} {t_t:9.2f} {t_np / t_t:6.2f}")
    if worst:
        print(f"worst numpy/torch ratio: {worst:.2f} (target <= 1.2)")
    if ARGS.profile:
        for dtype in (np.float32, np.float64):
            print(f"\ncProfile, {dtype.__name__}, SGD with momentum, {ARGS.reps} steps:")
            print(profile_summary(numpy_step(dtype, "sgd"), ARGS.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
