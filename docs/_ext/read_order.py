"""Order the pages Sphinx reads in parallel so that the expensive ones go to different workers.

Sphinx cuts the sorted list of pages to read into contiguous chunks
(``sphinx.util.parallel.make_chunks``) and hands each chunk to one worker process. Sorted by
name, the executed notebook pages of ``theory/`` all fall into the last chunk, so their
kernels ran one after another in one process while the other core idled (English read
phase: 52 s wall for 51 s CPU on two cores). The ``env-before-read-docs`` event may reorder
the list: this extension deals the pages out, most expensive first, to the chunk with the
least estimated work so far (longest processing time first), keeping each chunk's size.
A page's estimated work is the number of its executable code cells.

With notebook pages in several workers at once, each would create myst-nb's execution
cache (a jupyter-cache SQLite database) on a cold build, and the second to try fails
("table settings already exists"): :func:`create_execution_cache` creates it first, in
the main process, before the workers start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.parallel import make_chunks

CODE_CELL = "```{code-cell}"


def balanced_order(docnames: Sequence[str], cost: Callable[[str], float], nproc: int) -> list[str]:
    """``docnames`` reordered so that Sphinx's chunks for ``nproc`` workers carry equal work.

    >>> cost = {"a": 0, "b": 0, "c": 0, "d": 0, "x": 10, "y": 10}.get
    >>> balanced_order(["a", "b", "c", "d", "x", "y"], cost, 2)
    ['x', 'a', 'b', 'y', 'c', 'd']
    """
    sizes = [len(chunk) for chunk in make_chunks(list(docnames), nproc)]
    chunks: list[list[str]] = [[] for _ in sizes]
    work = [0.0] * len(sizes)
    for doc in sorted(docnames, key=lambda d: (-cost(d), d)):
        free = [i for i, size in enumerate(sizes) if len(chunks[i]) < size]
        i = min(free, key=lambda i: (work[i], i))
        chunks[i].append(doc)
        work[i] += cost(doc)
    return [doc for chunk in chunks for doc in chunk]


def code_cells(env: BuildEnvironment, docname: str) -> float:
    """How many executable code cells the page's source holds (0 for rst pages)."""
    path = Path(env.doc2path(docname))
    if path.suffix != ".md":
        return 0.0
    return float(path.read_text(encoding="utf-8").count(CODE_CELL))


def create_execution_cache(env: BuildEnvironment) -> None:
    """Create myst-nb's jupyter-cache database (idempotent) before the workers fork."""
    from jupyter_cache import get_cache

    get_cache(env.mystnb_config.execution_cache_path).list_cache_records()  # creates the tables


def reorder(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1 and len(docnames) > 1:
        create_execution_cache(env)
        docnames[:] = balanced_order(docnames, lambda d: code_cells(env, d), app.parallel)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", reorder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
