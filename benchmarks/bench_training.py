"""Time one training step of a deep ReLU MLP in vanishing (NumPy) and in PyTorch (CPU).

A step is: forward pass, softmax cross-entropy, backward pass and an optimizer update (SGD with
momentum, or Adam), on a 20-layer, 256-wide ReLU MLP (He init, biases) with a batch of 128
samples and 10 classes, in float32 and float64.

The method cannot flatter either side:

- each framework runs **alone in its own process** (a fresh ``python`` per measurement), with
  the same thread count for NumPy's BLAS and for PyTorch, set before either is imported;
- **alternating rounds**: ours, PyTorch, PyTorch, ours, ours, PyTorch... so that a slow drift of
  the machine's load hits both alike;
- in each process, ``--warmup`` untimed steps, then the **median** of ``--steps`` timed steps;
  the figure reported is the median over ``--rounds`` rounds, with the range of the per-round
  ratios;
- the **peak memory of one step**: the process's peak resident set size is reset
  (``/proc/self/clear_refs``) before one step and read after it, minus the resident size
  before (Linux only; ``-`` elsewhere); the **resident size** after the timed steps (what the
  process holds: vanishing's layers keep the memory of their arrays for the next step,
  PyTorch frees its tensors), and the **page faults per step** (minor faults over the timed
  steps): memory the allocator gave back to the system and has to fault in again;
- the machine's load average, before and after, since a busy machine slows both sides.
- the **matrix products alone** (per layer the forward product and the two of the backward
  pass), timed in each worker in its framework's own BLAS after the steps: the floor a step
  cannot go below with that BLAS. Their ratio says how much of the step ratio is the BLAS
  library's (NumPy's OpenBLAS against PyTorch's MKL/oneDNN, which differ most on CPUs with
  AVX-512) and how much is the code around the products.

``--keep-freed-memory`` runs both workers with glibc's trim and mmap thresholds raised
(``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``), so that memory freed at the end of a
step is kept for the next one instead of being returned and faulted in again: a diagnosis of
how much of a step the page faults cost, not the default measurement.

In one process the two would not be independent: after each NumPy call OpenBLAS's threads
spin for a while and take the cores PyTorch's next step needs, which made PyTorch look 2x
slower than it is alone. Run it on an otherwise idle machine.

Usage::

    python benchmarks/bench_training.py                 # all four configurations, 3 rounds
    python benchmarks/bench_training.py --rounds 5 --steps 300
    python benchmarks/bench_training.py --profile       # plus where the NumPy time goes
    python benchmarks/bench_training.py --threads 1
    python benchmarks/bench_training.py --keep-freed-memory   # without the page faults
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEPTH = 20
WIDTH = 256
BATCH = 128
N_CLASSES = 10
CONFIGS = [(dtype, opt) for dtype in ("float32", "float64") for opt in ("sgd", "adam")]
TARGET = 1.2


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per configuration (3)")
    parser.add_argument("--steps", type=int, default=150, help="timed steps per process (150)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first (20)")
    default_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    parser.add_argument(
        "--threads", type=int, default=default_threads, help="BLAS / torch threads (all cores)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument(
        "--keep-freed-memory",
        action="store_true",
        help="raise glibc's trim/mmap thresholds in both workers (diagnosis of page faults)",
    )
    parser.add_argument("--worker", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--dtype", choices=("float32", "float64"), help=argparse.SUPPRESS)
    parser.add_argument("--optimizer", choices=("sgd", "adam"), help=argparse.SUPPRESS)
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402  (after the thread settings)

from vanishing.layers import Dense  # noqa: E402
from vanishing.losses import softmax_cross_entropy  # noqa: E402
from vanishing.network import MLP  # noqa: E402
from vanishing.optimizers import SGD, Adam, Optimizer  # noqa: E402


def _status_kb(field: str) -> int | None:
    """A field of /proc/self/status in kB (VmRSS, VmHWM), or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def step_peak_mb(step: Callable[[], Any]) -> float | None:
    """Peak extra resident memory during one step, in MB (Linux), else None."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS to the current
    except OSError:
        return None
    before = _status_kb("VmRSS")
    step()
    peak = _status_kb("VmHWM")
    if before is None or peak is None:
        return None
    return (peak - before) / 1024


def median_ms(run: Callable[[], Any], steps: int, warmup: int) -> float:
    """``warmup`` untimed calls of ``run``, then the median of ``steps`` timed ones, in ms."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def run_worker(framework: str, dtype: str, optimizer: str, steps: int, warmup: int) -> dict:
    """Time one framework in this process: median step (ms), peak memory and page faults,
    then the median time of the step's matrix products alone (:func:`products_only`)."""
    step = (
        numpy_step(np.dtype(dtype).type, optimizer)
        if framework == "numpy"
        else torch_step(dtype, optimizer, int(os.environ["OMP_NUM_THREADS"]))
    )
    if step is None:
        raise SystemExit("PyTorch is not installed")
    for _ in range(warmup):  # the faults are counted over the timed steps only
        step()
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    step_ms = median_ms(step, steps, warmup=0)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    memory = {"peak_mb": step_peak_mb(step), "resident_mb": (_status_kb("VmRSS") or 0) / 1024}
    # then, with the step's memory measured, the products alone (arrays of their own)
    products_ms = median_ms(products_only(framework, dtype), steps, warmup)
    return {"median_ms": step_ms, "products_ms": products_ms, "faults": faults / steps, **memory}


def measure(framework: str, dtype: str, optimizer: str) -> dict:
    """Run one worker process and return what it measured."""
    assert ARGS is not None
    cmd = [sys.executable, __file__, "--worker", framework, "--dtype", dtype]
    cmd += ["--optimizer", optimizer, "--steps", str(ARGS.steps), "--warmup", str(ARGS.warmup)]
    cmd += ["--threads", str(ARGS.threads)]
    env = dict(os.environ)
    if ARGS.keep_freed_memory:
        env.update(MALLOC_TRIM_THRESHOLD_=str(1 << 30), MALLOC_MMAP_THRESHOLD_=str(1 << 30))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def products_only(framework: str, dtype_name: str) -> Callable[[], Any]:
    """The matrix products of one step and nothing else, as a closure: per Dense layer the
    forward ``a @ W``, the weight gradient ``a.T @ delta`` and, but for the first layer
    (whose input needs no gradient, in either framework), ``delta @ W.T``. They run in
    the framework's own BLAS (NumPy's OpenBLAS, PyTorch's MKL or oneDNN): the floor a
    step cannot go below with that library, whatever the code around the products."""
    rng = np.random.default_rng(0)
    sizes = [WIDTH] * DEPTH + [N_CLASSES]
    shapes = list(zip(sizes[:-1], sizes[1:], strict=True))
    arrays = [
        (
            rng.standard_normal((BATCH, n_in)),
            rng.standard_normal((n_in, n_out)),
            rng.standard_normal((BATCH, n_out)),
        )
        for n_in, n_out in shapes
    ]
    arrays = [tuple(x.astype(dtype_name) for x in layer) for layer in arrays]
    if framework == "torch":
        import torch

        arrays = [tuple(torch.from_numpy(x) for x in layer) for layer in arrays]

    def products() -> None:
        for i, (a, w, delta) in enumerate(arrays):
            _ = a @ w
            _ = a.T @ delta
            if i:
                _ = delta @ w.T

    return products


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


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, or "-" where the system has none."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "-"


def main() -> int:
    assert ARGS is not None
    if ARGS.worker:
        assert ARGS.dtype and ARGS.optimizer
        print(
            json.dumps(run_worker(ARGS.worker, ARGS.dtype, ARGS.optimizer, ARGS.steps, ARGS.warmup))
        )
        return 0
    frameworks = ["numpy", "torch"] if _has_torch() else ["numpy"]
    print(
        f"MLP {DEPTH} Dense layers x {WIDTH} wide (ReLU), batch {BATCH}, {N_CLASSES} classes; "
        f"{ARGS.threads} thread(s) for both. Method: each framework alone in its own process, "
        f"rounds alternating (ours, PyTorch, PyTorch, ours, ...), per process the median of "
        f"{ARGS.steps} steps after {ARGS.warmup} warm-up; median over {ARGS.rounds} rounds. "
        "Peak: extra resident memory during one step; resident: the process's resident memory "
        "after the timed steps; faults: minor page faults per step; products: the step's "
        "matrix products alone, in each framework's own BLAS (the floor a step cannot go "
        "below with that library), and their ratio."
        + (
            " Both workers keep freed memory (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_)."
            if ARGS.keep_freed_memory
            else ""
        )
    )
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")
    if len(frameworks) == 1:
        print("PyTorch is not installed: timing vanishing alone (pip install torch).")
    header = (
        f"{'dtype':8s} {'optimizer':9s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s} "
        f"{'rounds':>11s} {'peak MB':>13s} {'resident MB':>13s} {'faults':>13s} "
        f"{'products ms':>13s} {'ratio':>6s}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for dtype, optimizer in CONFIGS:
        runs: dict[str, list[dict]] = {name: [] for name in frameworks}
        for r in range(ARGS.rounds):
            for name in frameworks if r % 2 == 0 else frameworks[::-1]:
                runs[name].append(measure(name, dtype, optimizer))
        med = {n: statistics.median(x["median_ms"] for x in runs[n]) for n in frameworks}
        peak = {n: max((x["peak_mb"] or 0.0) for x in runs[n]) for n in frameworks}
        faults = {n: statistics.median(x["faults"] for x in runs[n]) for n in frameworks}
        resident = {n: max(x["resident_mb"] for x in runs[n]) for n in frameworks}
        products = {n: statistics.median(x["products_ms"] for x in runs[n]) for n in frameworks}
        if len(frameworks) == 1:
            print(f"{dtype:8s} {optimizer:9s} {med['numpy']:9.2f} {'-':>9s}")
            continue
        ratios = [a["median_ms"] / b["median_ms"] for a, b in zip(*runs.values(), strict=True)]
        ratio = med["numpy"] / med["torch"]
        worst = max(worst, ratio)
        print(
            f"{dtype:8s} {optimizer:9s} {med['numpy']:9.2f} {med['torch']:9.2f} {ratio:6.2f} "
            f"{min(ratios):5.2f}-{max(ratios):<5.2f} {peak['numpy']:6.1f}/{peak['torch']:<6.1f} "
            f"{resident['numpy']:6.0f}/{resident['torch']:<6.0f} "
            f"{faults['numpy']:6.0f}/{faults['torch']:<6.0f} "
            f"{products['numpy']:6.2f}/{products['torch']:<6.2f} "
            f"{products['numpy'] / products['torch']:6.2f}"
        )
    print(f"load average after: {load_average()}")
    if worst:
        print(f"worst numpy/torch ratio: {worst:.2f} (target <= {TARGET})")
    if ARGS.profile:
        for dtype_name in ("float32", "float64"):
            print(f"\ncProfile, {dtype_name}, Adam, {ARGS.steps} steps (in this process):")
            print(profile_summary(numpy_step(np.dtype(dtype_name).type, "adam"), ARGS.steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
