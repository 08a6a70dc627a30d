"""Keep what the build's and the tests' tools write for "the user" inside the project.

Left alone, the tools write into the home folder:

* matplotlib, its font list and the patched NanumGothic of ``mplsetup.py``
  (``~/.cache/matplotlib``);
* IPython, its profile (``~/.ipython``);
* Jupyter, the connection files of the kernels myst-nb starts (``~/.local/share/jupyter``);
* Chromium, in the browser tests, its crash database (``~/.config/chromium``) and its
  GSettings cache (``~/.cache/dconf``).

:func:`keep_user_dirs_in` points each tool's own variable (``MPLCONFIGDIR``,
``IPYTHONDIR``, ``JUPYTER_*``), which it reads first on every system, and the XDG
base-directory variables, which Chromium and GLib follow on Linux, at folders of the
build tree. The build (``docs/build.py``) and the tests (``tests/conftest.py``) call it
before they start anything. Nothing then lands outside the project (checked on Linux by
``tests/docs_ext/test_user_dirs.py`` and ``tests/browser/test_site.py``), a cold build
starts from empty caches, and no personal setting (a ``matplotlibrc``, an IPython
profile, a Jupyter configuration) changes what the build draws.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where the build and the tests keep them: ``docs/_build/home``.
BUILD_HOME = Path(__file__).resolve().parents[1] / "_build" / "home"
#: Each variable and its folder under the one given to :func:`keep_user_dirs_in`.
USER_DIRS = {
    "MPLCONFIGDIR": "matplotlib",
    "IPYTHONDIR": "ipython",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
}


def keep_user_dirs_in(folder: Path = BUILD_HOME) -> dict[str, str]:
    """Set every variable of :data:`USER_DIRS` to its folder under `folder`; return them.

    A value the user set elsewhere is replaced (for this process and those it starts);
    one already inside `folder` is kept, so that calling this twice, or in a process the
    build started, changes nothing.

    >>> import tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ):
    ...     os.environ["MPLCONFIGDIR"] = "/somewhere/else"
    ...     dirs = keep_user_dirs_in(Path(tmp))
    ...     inside = all(Path(v).is_relative_to(Path(tmp).resolve()) for v in dirs.values())
    >>> len(dirs) == len(USER_DIRS), inside
    (True, True)
    """
    folder = folder.resolve()
    for var, name in USER_DIRS.items():
        current = os.environ.get(var)
        if not current or not Path(current).resolve().is_relative_to(folder):
            os.environ[var] = str(folder / name)
    return {var: os.environ[var] for var in USER_DIRS}
