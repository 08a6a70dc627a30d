"""Time a cold and a no-op build of the whole site (both languages), and say where the time goes.

Usage: ``python benchmarks/bench_build.py [--draft] [--no-clean]``

Cold: removes the build tree (HTML, doctrees, the notebook execution cache, the tools'
caches: matplotlib's font list and patched font), the gallery output and the generated
API pages, then runs
``python docs/build.py``. No-op: runs it again with nothing changed (it compares the
inputs with those of the last build and skips Sphinx), then once more with ``--force``
(Sphinx runs and finds nothing to do). Targets (issue 12) on
the project's 2-core machine, otherwise idle: cold <= 60 s, no-op <= 10 s.

The breakdown comes from the build itself: each ``sphinx-build`` writes the wall and CPU
seconds of its phases to ``docs/_build/timing/`` (docs/_ext/build_timing.py), the
processes doing the work add their own CPU seconds there (each Jupyter kernel, the
figure saving; docs/_ext/mplsetup.py), sphinx-gallery its per-example times (its
``junit`` report, one per language). The two languages build at once, each running its
gallery, while the notebook pages are executed and the explorers' data computed beside
them ("before reading", ``docs/_build/timing/before-read.tsv``); each language then
waits ("wait") until those are done before it reads. Kernel start-up (what a page left
to myst-nb costs) is measured here, on an empty notebook. CPU seconds are the whole
process tree's (user + system): less sensitive to other load than wall seconds on a
shared machine. A fixed single-core workload ("machine probe"), run before and after,
shows how fast the machine is that day and whether it drifted meanwhile: compare builds
on different machines or days by it. ``--draft`` forwards docs/build.py's draft mode
(warnings reported, not fatal) for timing a tree whose pages are mid-edit;
``--no-clean`` skips the cold build.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import mplsetup  # noqa: E402  (docs/_ext: the format of the build's timing records)
from user_dirs import keep_user_dirs_in  # noqa: E402

keep_user_dirs_in()  # the kernel start-up timed here, as the build's

TIMING = DOCS / "_build" / "timing"
LANGUAGES = ("en", "ko")
COLD_TARGET, NOOP_TARGET = 60.0, 10.0
PHASES = {
    "setup": "set-up (after conf.py and the extensions load)",
    "generate": "generate: gallery examples, API stubs",
    "wait": "wait: for the notebook pages, explorer data",
    "read": "read: parse pages (notebooks from the cache)",
    "write": "write: resolve, HTML, images, search index",
}


def clean() -> None:
    """Remove everything a build produces or caches."""
    # docs/_build holds the tools' caches too (matplotlib's font list and patched font)
    for path in (DOCS / "_build", DOCS / "auto_examples", DOCS / "gen_modules"):
        shutil.rmtree(path, ignore_errors=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kwargs: Any) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; return its wall and CPU seconds (its whole reaped process tree)."""
    cpu, start = _children_cpu(), time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs)
    return time.perf_counter() - start, _children_cpu() - cpu, out


def build(extra: list[str]) -> dict[str, Any]:
    """Run docs/build.py; return its wall and CPU seconds and each language's record."""
    for lang in LANGUAGES:  # a language docs/build.py skips writes none
        (TIMING / f"html-{lang}.json").unlink(missing_ok=True)
    wall, cpu, out = timed([sys.executable, str(DOCS / "build.py"), *extra])
    if out.returncode:
        sys.exit(f"build failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-4000:]}")
    skipped = [line for line in out.stdout.splitlines() if "up to date" in line]
    langs = {}
    for lang in LANGUAGES:
        path = TIMING / f"html-{lang}.json"
        if path.is_file():
            langs[lang] = json.loads(path.read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "cpu": cpu,
        "langs": langs,
        "before_read": before_read_times(),
        "gallery": {lang: gallery_times(lang) for lang in LANGUAGES},
        "skipped": skipped,
    }


def before_read_times() -> dict[str, list[float]]:
    """``kind -> [count, wall, cpu]`` of what ran before reading (docs/build.py), once."""
    path = TIMING / "before-read.tsv"
    sums = mplsetup.read_times(path)
    path.unlink(missing_ok=True)  # a later no-op must not report these
    return sums


def gallery_times(lang: str) -> list[tuple[float, str]]:
    """sphinx-gallery's seconds per example ``lang`` executed (wall, figures included),
    slowest first."""
    path = TIMING / f"gallery-junit-{lang}.xml"
    if not path.is_file():
        return []
    cases = ET.parse(path).getroot()
    path.unlink()  # written only when examples run: a later no-op must not report these
    return sorted(((float(c.get("time", 0)), c.get("file", "?")) for c in cases), reverse=True)


#: Run in a fresh interpreter: start a kernel, run an empty notebook, stop the kernel;
#: print the wall and CPU seconds (the client's and the reaped kernel's).
KERNEL_START = """
import json, resource, time
import nbformat
from nbclient import NotebookClient
def cpu():
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
c, t = cpu(), time.perf_counter()
NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3").execute()
print(json.dumps([time.perf_counter() - t, cpu() - c]))
"""


def kernel_start(rounds: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds to start a Jupyter kernel, run an empty notebook, stop it."""
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", KERNEL_START], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.splitlines()[-1]))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


#: A fixed amount of single-core work of the two kinds a build does, in a fresh process:
#: pure Python (Sphinx, docutils) and NumPy with one BLAS thread (the examples). Run
#: before and after the builds, its CPU seconds say how fast this machine is today and
#: whether its speed drifted during the benchmark (a shared host's other tenants).
PROBE = """
import json, time
import numpy as np
t = time.process_time()
total = 0
for i in range(5_000_000):
    total += i % 7
python = time.process_time() - t
a = np.random.default_rng(0).standard_normal((256, 256))
t = time.process_time()
for _ in range(400):
    b = a @ a
numpy = time.process_time() - t
print(json.dumps([python, numpy]))
"""


def machine_probe() -> tuple[float, float]:
    """CPU seconds of :data:`PROBE`'s pure-Python and NumPy parts (one thread each)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    python, numpy = json.loads(out.stdout.splitlines()[-1])
    return python, numpy


def install_check() -> str:
    """What ``make site`` does before building: is the environment's install up to date?"""
    stamp = Path(sys.prefix) / ".installed"
    if shutil.which("make") is None or not stamp.is_file():
        return "install check: not measured (no make, or not the project's .venv)"
    rel = os.path.relpath(stamp, ROOT)
    wall, cpu, out = timed(["make", "-q", rel])
    state = "up to date, no reinstall" if out.returncode == 0 else "OUT OF DATE: make reinstalls"
    return f"install check (make -q {rel}): {wall:.2f} s wall, {state}"


def report(name: str, result: dict[str, Any], target: float, kernel: tuple[float, float]) -> None:
    wall, cpu, langs = result["wall"], result["cpu"], result["langs"]
    verdict = "ok" if wall <= target else "OVER TARGET"
    print(
        f"\n{name}: {wall:.1f} s wall, {cpu:.1f} s CPU   target <= {target:.0f} s wall: {verdict}"
    )
    head = "".join(f"{lang + ' wall':>10}{lang + ' CPU':>9}" for lang in langs)
    print(f"  {'phase (docs/_ext/build_timing.py)':<46}{head}")
    phase_cpu = 0.0
    for phase, label in PHASES.items():
        cells = ""
        for record in langs.values():
            w, c = record["phases"].get(phase, [0.0, 0.0])
            phase_cpu += c
            cells += f"{w:10.1f}{c:9.1f}"
        print(f"  {label:<46}{cells}")
    first = result["before_read"]
    first_cpu = sum(first[k][2] for k in ("notebook-runner", "explorer-data") if k in first)
    print(
        f"  {'the rest (Python start-up, imports, conf.py)':<46}"
        f"{'':>10}{cpu - phase_cpu - first_cpu:9.1f}  (CPU of both builds together)"
    )
    for line in result["skipped"]:
        print(f"  {line.removeprefix('[build] ')}: Sphinx not run")
    if not langs:
        return
    print("  where the time goes:")
    if "notebook-runner" in first:
        _, wall, cpu = first["notebook-runner"]
        pages, _, page_cpu = first.get("notebook-page", [0, 0.0, 0.0])
        figures, _, figure_cpu = first.get("notebook-figures", [0, 0.0, 0.0])
        print(
            f"    before reading: notebook pages, {pages} executed in forks of one process:"
            f" {wall:.1f} s wall, {cpu:.1f} s CPU ({page_cpu:.1f} in the pages, of which"
            f" {figure_cpu:.1f} in {figures} figures)"
        )
    if "explorer-data" in first:
        _, wall, cpu = first["explorer-data"]
        print(f"    before reading: explorer data, {wall:.1f} s wall, {cpu:.1f} s CPU")
    for lang, record in langs.items():
        rec = record.get("recorded", {})
        n_kernels, _, kernel_cpu = rec.get("kernel", [0, 0.0, 0.0])
        read_cpu = record["phases"].get("read", [0.0, 0.0])[1]
        executed = [d for d, (_, method) in record.get("notebooks", {}).items() if method]
        ran = f"{n_kernels} kernels ran" if n_kernels else "no kernel ran"
        print(
            f"    [{lang}] notebooks: {ran}, {kernel_cpu:.1f} s CPU in them"
            " (start-up, cells, figures)"
        )
        if n_kernels:
            print(
                f"    [{lang}]   of which kernel start-up, about {n_kernels} x {kernel[1]:.2f} s"
                f" = {n_kernels * kernel[1]:.1f} s CPU ({kernel[0]:.2f} s wall each)"
            )
        print(
            f"    [{lang}] reading/parsing {record.get('read_docs', 0)} documents"
            f" ({len(executed)} notebook pages): {read_cpu - kernel_cpu:.1f} s CPU"
            " besides the kernels"
        )
        for kind in ("gallery-figures", "notebook-figures"):
            if kind in rec:
                n, w, c = rec[kind]
                print(
                    f"    [{lang}] {kind}: {n} saves (check, draw, PNG),"
                    f" {w:.1f} s wall, {c:.1f} s CPU"
                )
    for lang, gallery in result["gallery"].items():
        if gallery:
            slowest = ", ".join(f"{Path(f).stem} {t:.1f}" for t, f in gallery[:3])
            print(
                f"    [{lang}] gallery: {len(gallery)} examples executed,"
                f" {sum(t for t, _ in gallery):.1f} s wall summed over the workers, figures"
                f" included (slowest: {slowest})"
            )
        elif lang in langs:
            print(f"    [{lang}] gallery: no example executed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", action="store_true", help="build with --draft")
    parser.add_argument("--no-clean", action="store_true", help="only the no-op build")
    args = parser.parse_args()
    extra = ["--draft"] if args.draft else []

    load = os.getloadavg()
    probe_before = machine_probe()
    if not args.no_clean:
        clean()
        cold = build(extra)
    noop = build(extra)
    sphinx_noop = build([*extra, "--force"])
    after = os.getloadavg()
    kernel = kernel_start()
    probe_after = machine_probe()

    print(f"method: {sys.executable} docs/build.py, run twice by this script; wall and CPU")
    print("seconds of the whole process tree; phases from docs/_build/timing/.")
    print(
        f"load average (1, 5, 15 min) before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}, on {os.cpu_count()} cores"
    )
    print(
        "kernel start + empty notebook + shutdown, median of 3:"
        f" {kernel[0]:.2f} s wall, {kernel[1]:.2f} s CPU"
    )
    print(
        "machine probe (fixed single-core work: 5M Python loop steps, 400 NumPy 256x256"
        f" products), CPU s: before {probe_before[0]:.2f} + {probe_before[1]:.2f},"
        f" after {probe_after[0]:.2f} + {probe_after[1]:.2f}"
    )
    print(install_check())
    if not args.no_clean:
        report("cold", cold, COLD_TARGET, kernel)
    report("no-op", noop, NOOP_TARGET, kernel)
    report("no-op with Sphinx run anyway (--force)", sphinx_noop, NOOP_TARGET, kernel)


if __name__ == "__main__":
    main()
