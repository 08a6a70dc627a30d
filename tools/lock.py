"""Re-resolve the project's dependencies and rewrite ``requirements/constraints.txt``.

Usage: ``make lock`` (or ``python tools/lock.py [PYTHON ...]``).

For each interpreter given (default: this one, plus ``python3.10`` when it is on PATH, the
oldest Python the package supports), creates a throw-away virtual environment, installs
``.[dev]`` there with no constraints (so pip takes the newest releases that fit
``pyproject.toml``) and reads ``pip freeze``. A package resolved to the same version
everywhere gets one pin; one that differs (NumPy and Sphinx dropped Python 3.10) gets
one pin per Python with a ``python_version`` marker. Review the diff, run ``make test``,
commit. The Makefile, hence ``.ci/run``, Read the Docs and the Pages workflow, installs
with ``-c requirements/constraints.txt``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "requirements" / "constraints.txt"
HEADER = """\
# Pinned versions of everything the build and the tests install (pip constraints).
# Resolved on Python {pythons} by `make lock` (tools/lock.py); refresh with it, then
# run `make test`. The Makefile installs with `pip install --no-cache-dir -c {out} -e '.[dev]'`.
"""


def resolve(python: str) -> tuple[tuple[int, int], dict[str, str]]:
    """Versions pip picks for ``.[dev]`` on ``python``: (its version, {name: version})."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([python, "-m", "venv", tmp], check=True)
        env_python = str(Path(tmp) / "bin" / "python")
        pip = [env_python, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", "-q"]
        subprocess.run([*pip, "install", f"{ROOT}[dev]"], check=True)
        frozen = subprocess.run(
            [*pip, "freeze", "--exclude", "vanishing"], check=True, capture_output=True, text=True
        ).stdout
        version = subprocess.run(
            [env_python, "-c", "import sys; print(*sys.version_info[:2])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    pins = dict(line.split("==", 1) for line in frozen.splitlines() if "==" in line)
    return (int(version[0]), int(version[1])), pins


def merge(resolved: list[tuple[tuple[int, int], dict[str, str]]]) -> list[str]:
    """One line per pin; markers split the Python range where the versions differ."""
    resolved = sorted(resolved)
    names = sorted({name for _, pins in resolved for name in pins}, key=str.lower)
    lines = []
    for name in names:
        versions = [pins.get(name) for _, pins in resolved]
        if len(set(versions)) == 1:
            lines.append(f"{name}=={versions[0]}")
            continue
        for i, ((major, minor), pins) in enumerate(resolved):
            if name not in pins:
                continue
            bounds = [] if i == 0 else [f'python_version >= "{major}.{minor}"']
            if i + 1 < len(resolved):
                nxt = resolved[i + 1][0]
                bounds.append(f'python_version < "{nxt[0]}.{nxt[1]}"')
            lines.append(f"{name}=={pins[name]}; {' and '.join(bounds)}")
    return lines


def main(argv: list[str]) -> None:
    pythons = argv or [sys.executable, *filter(None, [shutil.which("python3.10")])]
    resolved = [resolve(python) for python in pythons]
    lines = merge(resolved)
    versions = ", ".join(f"{major}.{minor}" for (major, minor), _ in sorted(resolved))
    OUT.parent.mkdir(exist_ok=True)
    header = HEADER.format(pythons=versions, out=OUT.relative_to(ROOT))
    OUT.write_text(header + "\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines)} pins for Python {versions}")


if __name__ == "__main__":
    main(sys.argv[1:])
