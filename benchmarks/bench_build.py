"""Time a cold and a no-op build of the whole site (both languages).

Usage: ``python benchmarks/bench_build.py [--draft]``

Cold: removes the build tree (HTML, doctrees, the notebook execution cache), the gallery
output and the generated API pages, and the derived font cache, then runs
``python docs/build.py``. No-op: runs it again with nothing changed. Targets on the
project's 2-core machine: cold < 90 s, no-op < 15 s. ``--draft`` forwards docs/build.py's
draft mode (warnings reported, not fatal) for timing a tree whose pages are mid-edit.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
COLD_TARGET, NOOP_TARGET = 90.0, 15.0


def clean() -> None:
    """Remove everything a build produces or caches."""
    for path in (DOCS / "_build", DOCS / "auto_examples", DOCS / "gen_modules"):
        shutil.rmtree(path, ignore_errors=True)
    import matplotlib

    shutil.rmtree(Path(matplotlib.get_cachedir()) / "vanishing-fonts", ignore_errors=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(extra: list[str]) -> tuple[float, float, dict[str, float]]:
    """Run docs/build.py; return wall and CPU seconds, and the per-language wall seconds."""
    cpu = _children_cpu()
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(DOCS / "build.py"), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if out.returncode:
        sys.exit(f"build failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-4000:]}")
    langs = {m[1]: float(m[2]) for m in re.finditer(r"\[build\] (\w+): ([\d.]+) s", out.stdout)}
    return seconds, _children_cpu() - cpu, langs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", action="store_true", help="build with --draft")
    args = parser.parse_args()
    extra = ["--draft"] if args.draft else []

    load = os.getloadavg()[0]
    clean()
    cold = build(extra)
    noop = build(extra)

    def row(name: str, result: tuple[float, float, dict[str, float]], target: float) -> str:
        wall, cpu, langs = result
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in langs.items())
        verdict = "ok" if wall < target else "OVER TARGET"
        return (
            f"{name:<6} {wall:6.1f} s wall ({parts}), {cpu:6.1f} s CPU"
            f"  target < {target:.0f} s: {verdict}"
        )

    print(f"load average before the cold build: {load:.2f} on {os.cpu_count()} cores")
    print(row("cold", cold, COLD_TARGET))
    print(row("no-op", noop, NOOP_TARGET))


if __name__ == "__main__":
    main()
