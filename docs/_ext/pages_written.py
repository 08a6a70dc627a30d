"""Fail the build when a page that should have been written was not.

With ``-j``, Sphinx writes pages in worker processes. When a worker's exception reaches
the main process while it is still handing out pages (``ParallelTasks.add_task``), Sphinx
stops the other workers and carries on as if nothing happened: the build exits 0 with
pages missing, or stale from the previous build. This extension checks, at the end of
an HTML build, that every document has its page and that every document read in this
build (new or changed) was written in this build; otherwise the build fails, naming the
pages.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import SphinxError


class PagesNotWritten(SphinxError):
    category = "Pages not written"


def unwritten_pages(
    outfiles: dict[str, Path], read: set[str], since: float
) -> tuple[list[str], list[str]]:
    """(missing, stale): documents without a page, and read documents whose page is
    older than ``since`` (a ``time.time()``), given each document's output file."""
    missing = sorted(doc for doc, path in outfiles.items() if not path.is_file())
    stale = sorted(
        doc
        for doc in read & outfiles.keys()
        if doc not in missing and outfiles[doc].stat().st_mtime < since
    )
    return missing, stale


def setup(app: Sphinx) -> dict[str, Any]:
    state: dict[str, Any] = {"read": set(), "since": time.time()}

    def before_read(app: Sphinx, env: Any, docnames: list[str]) -> None:
        state["read"] = set(docnames)
        # a page older than this was not written by this build (1 s: filesystems
        # with coarse timestamps)
        state["since"] = time.time() - 1.0

    def check(app: Sphinx, exception: Exception | None) -> None:
        builder = app.builder
        if (
            exception is not None
            or builder.format != "html"
            or not hasattr(builder, "get_outfilename")
        ):
            return
        outfiles = {doc: Path(builder.get_outfilename(doc)) for doc in app.env.found_docs}
        missing, stale = unwritten_pages(outfiles, state["read"], state["since"])
        if missing or stale:
            raise PagesNotWritten(
                f"{len(missing)} pages missing, {len(stale)} read but not rewritten "
                f"(an exception in a parallel writer?): {(missing + stale)[:10]}"
            )

    app.connect("env-before-read-docs", before_read, priority=999)
    app.connect("build-finished", check, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
