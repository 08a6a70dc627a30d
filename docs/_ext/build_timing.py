"""Where a build's time goes: wall and CPU seconds per phase, for benchmarks/bench_build.py.

Each ``sphinx-build`` writes ``docs/_build/timing/<builder>-<language>.json``::

    {"phases": {"setup": [wall, cpu], "generate": ..., "read": ..., "write": ...},
     "recorded": {"kernel": [count, wall, cpu], "gallery-figures": ..., ...},
     "read_docs": 12, "notebooks": {"theory/05-vanishing": [runtime, method], ...}}

Phases, each ended by a Sphinx event of the main process:

* ``setup``: from this extension's ``setup()`` (conf.py and the extensions imported) to
  ``builder-inited``;
* ``generate``: the ``builder-inited`` handlers of other extensions: sphinx-gallery runs
  (or skips) every example there, autosummary writes the API stubs;
* ``wait``: waiting, before reading, for the notebook pages to be executed and the
  explorers' data computed, which docs/build.py runs beside the galleries
  (docs/_ext/read_after.py);
* ``read``: ``env-before-read-docs`` to ``env-updated``: parsing every changed document,
  which for a myst-nb page includes executing its notebook (or reading it from the cache);
* ``write``: ``env-updated`` to ``build-finished``: resolving references, writing HTML,
  copying images and static files, the search index.

CPU seconds are those of the whole process tree (sphinx-build, its parallel workers,
sphinx-gallery's worker processes and the Jupyter kernels), read from ``/proc`` through
psutil: a live worker's CPU is not yet in ``RUSAGE_CHILDREN``. The notebook runtimes are
myst-nb's own record (wall seconds of the execution, kernel start included; ``cache``
entries that were not re-run report the runtime of the run that filled the cache).

``recorded`` is what the processes doing the work report themselves through
:func:`mplsetup.record_time` (a file named by an environment variable they inherit):
each Jupyter kernel its whole CPU time at exit ("kernel"; wall seconds from its set-up
cell), sphinx-gallery's scraper and the notebooks' inline backend the seconds spent
checking, drawing and saving figures ("gallery-figures", "notebook-figures").
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path
from typing import Any

import mplsetup  # docs/_ext
from sphinx.application import Sphinx

#: Where the records go (next to the other build products, never inside the site).
TIMING_DIR = Path(__file__).resolve().parents[1] / "_build" / "timing"


def tree_cpu() -> float:
    """CPU seconds (user + system) of this process and every descendant, live or reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    try:
        import psutil
    except ImportError:  # only what has been reaped so far
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # exited meanwhile: counted once its parent reaps it
            continue
        # children_*: the descendants this child has reaped (they are no longer listed)
        total += times.user + times.system + times.children_user + times.children_system
    return total


class Clock:
    """Marks phase boundaries; each phase gets the wall and CPU seconds since the last."""

    def __init__(self) -> None:
        self.phases: dict[str, list[float]] = {}
        self._last = (time.perf_counter(), tree_cpu())

    def mark(self, phase: str) -> None:
        wall, cpu = time.perf_counter(), tree_cpu()
        self.phases[phase] = [round(wall - self._last[0], 3), round(cpu - self._last[1], 3)]
        self._last = (wall, cpu)


def _notebook_runtimes(env: Any) -> dict[str, list[Any]]:
    from myst_nb.sphinx_ import NbMetadataCollector

    runtimes = {}
    for docname in sorted(env.found_docs):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data:
            runtimes[docname] = [round(data.get("runtime") or 0.0, 3), data.get("method")]
    return runtimes


def setup(app: Sphinx) -> dict[str, Any]:
    clock = Clock()
    counts: dict[str, int] = {}

    def before_read(app: Sphinx, env: Any, docnames: list[str]) -> None:
        clock.mark("generate")
        counts["read_docs"] = len(docnames)

    def finished(app: Sphinx, exception: Exception | None) -> None:
        clock.mark("write")
        os.environ.pop(mplsetup.TIMES_ENV, None)
        if exception is not None:
            return
        record = {
            "phases": clock.phases,
            "recorded": mplsetup.read_times(counts["times"]),
            "read_docs": counts.get("read_docs", 0),
            "notebooks": _notebook_runtimes(app.env),
            "jobs": app.parallel,
            "pid": os.getpid(),
        }
        TIMING_DIR.mkdir(parents=True, exist_ok=True)
        out = TIMING_DIR / f"{app.builder.name}-{app.config.language}.json"
        out.write_text(json.dumps(record, indent=1), encoding="utf-8")

    # First among the builder-inited handlers (sphinx-gallery's and autosummary's run
    # at the default priority 500), so "generate" holds theirs.
    def builder_inited(app: Sphinx) -> None:
        clock.mark("setup")
        # what the gallery's scraper and the notebooks' kernels record (docs/_ext/mplsetup.py);
        # the processes that record inherit this variable
        TIMING_DIR.mkdir(parents=True, exist_ok=True)
        times = TIMING_DIR / f"{app.builder.name}-{app.config.language}.tsv"
        times.unlink(missing_ok=True)
        os.environ[mplsetup.TIMES_ENV] = str(times)
        counts["times"] = times

    app.connect("builder-inited", builder_inited, priority=0)
    # Before any other handler of the event: a build waits here for the notebook pages'
    # execution and the explorers' data (docs/_ext/read_after.py, priority 2) before
    # anything reads them (the execution cache, the explorer data); the rest is reading.
    app.connect("env-before-read-docs", before_read, priority=1)
    app.connect("env-before-read-docs", lambda app, env, docnames: clock.mark("wait"), priority=3)
    app.connect("env-updated", lambda app, env: clock.mark("read"), priority=0)
    app.connect("build-finished", finished, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
