"""Check that this interpreter can host the project's virtual environment.

Run by ``make`` before it creates ``.venv``. Prints one line saying what to install
and exits 1 when the Python is too old or its ``venv`` module cannot create an
environment (Debian and Ubuntu ship it separately, as ``python3-venv``).

Usage: ``python3 tools/check_python.py [--venv-failed]``
"""

import sys

MINIMUM = (3, 10)


def main(argv: list[str]) -> int:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < MINIMUM:
        print(
            f"error: vanishing needs Python 3.10 or newer; {sys.executable} is {version}. "
            "Run make with PYTHON=python3.X pointing at a newer one."
        )
        return 1
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        argv = [*argv, "--venv-failed"]
    if "--venv-failed" in argv:
        minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
        print(
            f"error: {sys.executable} ({version}) cannot create a virtual environment. "
            f"On Debian or Ubuntu: sudo apt install python{minor}-venv (or python3-venv), "
            "then run make again."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
