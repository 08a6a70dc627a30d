"""Execute the notebook pages before Sphinx reads them: one process, one fork per page.

myst-nb (``nb_execution_mode = "cache"``) executes a notebook page it finds no outputs for
in its execution cache (jupyter-cache), in a Jupyter kernel of its own: a new Python
process that starts ipykernel and then imports NumPy, matplotlib, the library and myst-nb
in its first cell, about 1.3 s of CPU per page before its first line of real work
(measured: 13 pages, 31 s of CPU in their kernels, half of it start-up and imports). And
it does so while it reads the pages, after the gallery has run.

This script runs first, beside the galleries (docs/build.py). It imports those modules
once; then, for each notebook page the cache has no outputs for, it forks a child that
runs the page's code cells in a fresh IPython shell (``InteractiveShell``, the shell
inside ipykernel), records their outputs as Jupyter would, and the parent stores the
executed notebook in the cache exactly as myst-nb does (same reader, same cache key). When
Sphinx reads the page, myst-nb finds it executed.

The outputs are the messages ipykernel would have sent, encoded the same way: streams
(stdout and stderr, consecutive text of one stream in one output, as nbclient does),
``display_data`` (figures from matplotlib's inline backend, glue), ``execute_result`` (the
value of a cell's last expression), each with its ``execution_count``. A page is left to
myst-nb, which then runs it in a kernel as before and reports any error as before, when
one of its cells fails, times out, or is tagged to be allowed to fail
(``raises-exception``): this script only ever saves time, it never decides whether a page
builds.

Usage: ``python docs/_ext/notebook_runner.py SRCDIR CACHE [--timeout S] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Folders of the source tree that hold no pages (build products, sphinx-gallery output).
NOT_PAGES = frozenset({"_build", "auto_examples", "gen_modules", "_ext", "_static"})
#: Modules the pages import, imported once in the parent so that no child pays for them.
PRELOAD = (
    "numpy",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "IPython.core.interactiveshell",
    "myst_nb",
    "vanishing",
    "vanishing.activations",
    "vanishing.clipping",
    "vanishing.datasets",
    "vanishing.diagnostics",
    "vanishing.gradcheck",
    "vanishing.initializers",
    "vanishing.layers",
    "vanishing.losses",
    "vanishing.meanfield",
    "vanishing.network",
    "vanishing.optimizers",
    "vanishing.rnn",
    "vanishing.training",
    "mplsetup",
)
#: A cell tagged so is allowed to fail in a kernel (myst-nb, nbclient).
ALLOWED_TO_FAIL = "raises-exception"


class CellFailed(Exception):
    """A cell raised; the page is left to myst-nb."""


@dataclass
class Recorder:
    """The outputs of the cell being run, in the order a kernel would send them."""

    outputs: list[dict[str, Any]] = field(default_factory=list)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text  # nbclient appends to the open stream output
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output_type: str, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.outputs.append({"output_type": output_type, "data": data, "metadata": metadata})


class StreamTo:
    """A text file object (``sys.stdout``, ``sys.stderr``) writing into a :class:`Recorder`."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, recorder: Recorder, name: str) -> None:
        self.recorder, self.name = recorder, name

    def write(self, text: str) -> int:
        self.recorder.stream(self.name, text)
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _encoded(data: dict[str, Any]) -> dict[str, Any]:
    """A mime bundle as ipykernel sends it (images base64, then JSON-clean)."""
    from ipykernel.jsonutil import encode_images, json_clean

    return json_clean(encode_images(data))  # type: ignore[no-any-return]


def _shell(recorder: Recorder) -> Any:
    """A fresh IPython shell whose displays and results go to `recorder`."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    class Publisher(DisplayPublisher):  # display(...), figures shown by the inline backend
        def publish(  # type: ignore[override]
            self, data: Any, metadata: Any = None, *args: Any, **kwargs: Any
        ) -> None:
            recorder.rich("display_data", _encoded(data), metadata or {})

        def clear_output(self, wait: bool = False) -> None:
            recorder.outputs.clear()

    class ResultHook(DisplayHook):  # the value of a cell's last expression
        def start_displayhook(self) -> None:
            pass

        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
            recorder.rich("execute_result", _encoded(format_dict), md_dict or {})
            recorder.outputs[-1]["execution_count"] = self.prompt_count

        def finish_displayhook(self) -> None:
            pass

    class PageShell(InteractiveShell):
        displayhook_class = Type(ResultHook)
        display_pub_class = Type(Publisher)

        def enable_gui(self, gui: Any = None) -> None:
            """The inline backend needs no event loop (ipykernel's shell does the same)."""

    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # a page's history is of no use later
    shell = PageShell.instance(config=config, colors="nocolor")
    shell.enable_matplotlib("inline")  # a kernel's default backend
    return shell


def execute(nb: Any, cwd: Path, timeout: float) -> Any:
    """Run `nb`'s code cells in order in a fresh shell; return `nb` with their outputs.

    Raises :class:`CellFailed` if a cell raises or runs longer than `timeout` seconds.
    """
    recorder = Recorder()
    shell = _shell(recorder)
    os.chdir(cwd)

    def too_long(signum: int, frame: Any) -> None:
        raise TimeoutError(f"cell ran longer than {timeout} s")

    signal.signal(signal.SIGALRM, too_long)
    streams = sys.stdout, sys.stderr
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        recorder.outputs = []
        sys.stdout, sys.stderr = StreamTo(recorder, "stdout"), StreamTo(recorder, "stderr")
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            result = shell.run_cell(cell.source, store_history=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = streams
        if not result.success:
            error = result.error_before_exec or result.error_in_exec
            raise CellFailed(f"cell {count}: {type(error).__name__}: {error}")
        cell.execution_count = count
        cell.outputs = [_node(o) for o in recorder.outputs]
    # what nbclient copies from the kernel's info reply (myst-nb highlights cells with it)
    from ipykernel.ipkernel import IPythonKernel

    nb.metadata["language_info"] = _node(IPythonKernel.language_info)
    return nb


def _node(output: dict[str, Any]) -> Any:
    """`output` (or any JSON dict) as the nbformat node a notebook holds."""
    import nbformat

    return nbformat.from_dict(output)


def notebook_pages(srcdir: Path) -> list[Path]:
    """Every MyST notebook page (front matter ``file_format: mystnb``) under `srcdir`."""
    from myst_nb.core.read import is_myst_markdown_notebook

    pages = []
    for folder, dirs, names in os.walk(srcdir):
        top = Path(folder) == srcdir
        dirs[:] = sorted(d for d in dirs if not (top and d in NOT_PAGES) and d[0] != ".")
        for name in sorted(names):
            path = Path(folder, name)
            if name.endswith(".md") and is_myst_markdown_notebook(path.read_text("utf-8")):
                pages.append(path)
    return pages


def read_page(path: Path) -> Any:
    """The notebook myst-nb reads from `path` (its reader, its cache key)."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    text = path.read_text("utf-8")
    return read_myst_markdown_notebook(text, MdParserConfig(), add_source_map=True, path=path)


def allowed_to_fail(nb: Any) -> bool:
    return any(ALLOWED_TO_FAIL in c.get("metadata", {}).get("tags", ()) for c in nb.cells)


@dataclass
class Child:
    """A forked child executing one page; its result arrives through a pipe."""

    path: Path
    pid: int
    fd: int


def _run_child(path: Path, nb: Any, timeout: float, fd: int) -> None:
    """In the child: execute, send ``(ok, notebook or message, seconds, cpu)`` to `fd`."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        payload: tuple[bool, Any] = (True, execute(nb, path.parent, timeout))
    except CellFailed as error:
        payload = (False, str(error))
    except BaseException:  # anything else: report it, never hang the parent
        payload = (False, traceback.format_exc())
    seconds = time.perf_counter() - start
    message = pickle.dumps((*payload, seconds, time.process_time() - cpu))
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(message)


def _fork(path: Path, nb: Any, timeout: float) -> Child:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        status = 0
        try:
            _run_child(path, nb, timeout, write)
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing the parent's buffers
    os.close(write)
    return Child(path, pid, read)


def _collect(child: Child) -> tuple[bool, Any, float, float]:
    with os.fdopen(child.fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child.pid, 0)
    if not data:
        return False, "the child died without a result", 0.0, 0.0
    return pickle.loads(data)  # type: ignore[no-any-return]


def run_pages(
    pages: list[tuple[Path, Any]], jobs: int, timeout: float
) -> Iterator[tuple[Path, bool, Any, float, float]]:
    """Execute `pages` (path, notebook) in forked children, at most `jobs` at a time;
    yield ``(path, ok, notebook or message, seconds, cpu)`` as each finishes."""
    waiting = list(reversed(pages))
    running: dict[int, Child] = {}
    while waiting or running:
        while waiting and len(running) < jobs:
            path, nb = waiting.pop()
            child = _fork(path, nb, timeout)
            running[child.fd] = child
        ready, _, _ = select.select(list(running), [], [])
        for fd in ready:
            child = running.pop(fd)
            yield (child.path, *_collect(child))


#: How myst-nb stages a MyST Markdown page in the cache (its reader's name).
READ_DATA = {"name": "myst_nb_md", "type": "plugin"}


def pages_to_run(srcdir: Path, cache: Any) -> list[tuple[Path, Any]]:
    """The notebook pages under `srcdir` that `cache` holds no outputs for, with their
    notebooks, longest first; pages allowed to fail are left to myst-nb."""
    todo = []
    for path in notebook_pages(srcdir):
        nb = read_page(path)
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            if not allowed_to_fail(nb):
                todo.append((path, nb))
    # the longest first (estimated by their number of code cells), so that the last to
    # finish is a short one and both cores stay busy to the end
    return sorted(todo, key=lambda page: -sum(c.cell_type == "code" for c in page[1].cells))


def stderr_of_cells(nb: Any) -> list[tuple[int, str]]:
    """``(cell number, text)`` for each cell of an executed `nb` that wrote to stderr,
    numbered as myst-nb numbers them in its warning ("stderr was found in the cell outputs
    of cell N"), which does not say what was written.

    >>> import nbformat
    >>> stream = {"output_type": "stream", "name": "stderr", "text": "FigureHasWords: x\\n"}
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# A page"),
    ...     nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.from_dict(stream)])])
    >>> stderr_of_cells(nb)
    [(2, 'FigureHasWords: x')]
    """
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        text = "".join(
            o.get("text", "")
            for o in cell.get("outputs", ())
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        )
        if text.strip():
            found.append((number, text.strip()))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("srcdir", type=Path, help="the Sphinx source directory")
    parser.add_argument("cache", type=Path, help="myst-nb's execution cache (jupyter-cache)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per cell")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(args.cache))
    todo = pages_to_run(args.srcdir, cache)
    import mplsetup  # docs/_ext, this script's folder: on sys.path

    if todo:
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        for module in PRELOAD:
            __import__(module)
        # The children's garbage collector would walk (and so write to, copying each page
        # on write) every object imported here: leave those out of its collections.
        gc.collect()
        gc.freeze()

    left = []
    for path, ok, result, seconds, cpu in run_pages(todo, args.jobs, args.timeout):
        mplsetup.record_time("notebook-page", seconds, cpu)
        if not ok:
            reason = result.strip().splitlines()[-1] if result.strip() else "no reason given"
            left.append(f"{path.relative_to(args.srcdir)} ({reason})")
            continue
        stage = cache.add_nb_to_project(str(path), read_data=READ_DATA)
        bundle = CacheBundleIn(result, stage.uri, data={"execution_seconds": seconds})
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
        for number, text in stderr_of_cells(result):  # myst-nb's warning will not say it
            page = path.relative_to(args.srcdir)
            print(f"[notebooks] {page}, cell {number} wrote to stderr: {text}", flush=True)
    mplsetup.record_process("notebook-runner", start)
    if todo:
        done = f"{len(todo) - len(left)} of {len(todo)} notebook pages executed"
        print(f"[notebooks] {done} in {time.perf_counter() - start:.1f} s", flush=True)
    for page in left:
        print(f"[notebooks] left to myst-nb, which runs it in a kernel: {page}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
