"""Keep what the build's and the tests' tools write for "the user" inside the project.

Left alone, the tools write into the home folder:

* matplotlib, its font list and the patched NanumGothic of ``mplsetup.py``
  (``~/.cache/matplotlib``);
* IPython, its profile (``~/.ipython``);
* Jupyter, the connection files of the kernels myst-nb starts (``~/.local/share/jupyter``);
* Chromium, in the browser tests, its crash database (``~/.config/chromium``) and its
  GSettings cache (``~/.cache/dconf``).

:func:`keep_user_dirs_in` points the XDG base-directory variables, which all of them
follow on Linux, and IPython's own variable at folders of the build tree. The build
(``docs/build.py``) and the tests (``tests/conftest.py``) call it before they start
anything. Nothing then lands outside the project, a cold build starts from empty caches,
and no personal setting (a ``matplotlibrc``, an IPython profile) changes what the build
draws.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Each variable and its folder under the one given to :func:`keep_user_dirs_in`.
USER_DIRS = {
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
    "IPYTHONDIR": "ipython",
}


def keep_user_dirs_in(folder: Path) -> dict[str, str]:
    """Set every variable of :data:`USER_DIRS` to its folder under `folder`; return them.

    The processes started afterwards inherit the variables. A variable already pointing
    inside `folder` is kept, so that calling this twice, or in a process the build
    started, changes nothing.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     before = {var: os.environ.get(var) for var in USER_DIRS}
    ...     dirs = keep_user_dirs_in(Path(tmp))
    ...     inside = all(Path(v).parent == Path(tmp) for v in dirs.values())
    ...     for var, value in before.items():  # as it was, for the other doctests
    ...         _ = os.environ.pop(var, None) if value is None else os.environ.update({var: value})
    >>> sorted(dirs), inside
    (['IPYTHONDIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME'], True)
    """
    folder = folder.resolve()
    for var, name in USER_DIRS.items():
        current = os.environ.get(var)
        if current is None or not Path(current).resolve().is_relative_to(folder):
            os.environ[var] = str(folder / name)
    return {var: os.environ[var] for var in USER_DIRS}
