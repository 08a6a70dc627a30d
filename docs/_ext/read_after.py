"""Let a build read its pages only once the computations before reading are done.

docs/build.py starts both languages' builds together with the processes that execute
the notebook pages (into the shared execution cache) and compute the explorers' data
(docs/build.py, ``BEFORE_READING``); meanwhile the builds generate their galleries.
Before a build reads its pages it must wait for those processes, or myst-nb would
execute the pages a second time in kernels of its own. docs/build.py hands each build
the read end of a pipe whose only writers are those processes, named by the
environment variable :data:`READ_AFTER_ENV`; at ``env-before-read-docs`` this extension
reads the pipe to its end, which returns when every writer has exited (also if one
failed, or if docs/build.py dies). Without the variable it does nothing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # docs/build.py imports this module: no Sphinx import at run time
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

READ_AFTER_ENV = "VANISHING_READ_AFTER_FD"


def wait_for_writer(fd: int) -> None:
    """Read the pipe ``fd`` until its end (every write end closed), then close it."""
    with os.fdopen(fd, "rb") as pipe:
        while pipe.read(65536):
            pass


def before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    fd = os.environ.pop(READ_AFTER_ENV, None)  # popped: kernels and workers do not wait
    if fd is not None:
        wait_for_writer(int(fd))


def setup(app: Sphinx) -> dict[str, Any]:
    # first among the handlers (read_order's opens the execution cache, explorer's reads
    # its data), between build_timing's "generate" (1) and "wait" (3) marks
    app.connect("env-before-read-docs", before_read, priority=2)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
