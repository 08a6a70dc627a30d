"""docs/_ext/notebook_runner.py: notebook pages executed in forks give what a kernel gives,
stored where myst-nb looks for them; a page that fails is left to myst-nb."""

from __future__ import annotations

import base64
import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import notebook_runner  # docs/_ext, on sys.path through tests/docs_ext/conftest.py
import pytest

RUNNER = Path(notebook_runner.__file__)
HEADER = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
#: Every kind of output a page makes: both streams, one stream interrupted by a figure,
#: a figure from the inline backend, a rich display, a cell's value, a silenced value.
PAGE = (
    HEADER
    + """
# A page

```{code-cell} ipython3
import sys

import matplotlib.pyplot as plt
import numpy as np

print("first", 1)
print("to stderr", file=sys.stderr)
print("second")
```

```{code-cell} ipython3
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot(np.arange(4) ** 2)
print("before the figure")
plt.show()
print("after the figure")
```

```{code-cell} ipython3
from IPython.display import Markdown, display

display(Markdown("**bold**"))
np.round(np.linspace(0, 1, 3), 2)
```

```{code-cell} ipython3
:tags: [hide-input]
x = 2 + 2;
x * 10
```
"""
)


def run(srcdir: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, str(RUNNER), str(srcdir), str(cache), "--jobs", "2"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def cached(cache_dir: Path, page: Path) -> Any:
    """The executed notebook myst-nb would find in the cache for `page`, or None."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    try:
        return cache.merge_match_into_notebook(notebook_runner.read_page(page))[1]
    except KeyError:
        return None


def cached_outputs(cache_dir: Path, page: Path) -> list[list[dict[str, Any]]] | None:
    """Each code cell's outputs as myst-nb would find them for `page`, or None if missing."""
    nb = cached(cache_dir, page)
    if nb is None:
        return None
    return [[dict(o) for o in c.outputs] for c in nb.cells if c.cell_type == "code"]


def shown(outputs: list[Any]) -> list[dict[str, Any]]:
    """The outputs as the page shows them: myst-nb merges each stream's text into one
    output (``nb_merge_streams``), since a kernel sends a stream in as many messages as it
    happened to flush, in no fixed order between stdout and stderr."""
    import nbformat
    from myst_nb.core.utils import coalesce_streams

    copies = [nbformat.from_dict(copy.deepcopy(dict(o))) for o in outputs]
    return [dict(o) for o in coalesce_streams(copies)]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    src = tmp_path_factory.mktemp("src")
    (src / "page.md").write_text(PAGE, encoding="utf-8")
    (src / "plain.md").write_text("# Not a notebook\n\nText.\n", encoding="utf-8")
    cache = src.parent / f"{src.name}-cache"
    return src, cache, run(src, cache).stdout


def test_the_page_is_executed_into_the_cache_myst_nb_reads(
    executed: tuple[Path, Path, str],
) -> None:
    src, cache, stdout = executed
    assert "1 of 1 notebook pages executed" in stdout  # plain.md is no notebook
    # what myst-nb's warning on it will not say
    assert "[notebooks] page.md, cell 2 wrote to stderr: to stderr\n" in stdout
    cells = cached_outputs(cache, src / "page.md")
    assert cells is not None, "myst-nb would not find the outputs (another cache key)"
    first, figure, rich, value = cells
    assert first == [
        {"output_type": "stream", "name": "stdout", "text": "first 1\n"},
        {"output_type": "stream", "name": "stderr", "text": "to stderr\n"},
        {"output_type": "stream", "name": "stdout", "text": "second\n"},
    ]
    kinds = [(o["output_type"], o.get("name")) for o in figure]
    assert kinds == [("stream", "stdout"), ("display_data", None), ("stream", "stdout")]
    png = base64.b64decode(figure[1]["data"]["image/png"])
    assert png.startswith(b"\x89PNG")
    assert figure[1]["data"]["text/plain"].startswith("<Figure size 200x150")
    assert rich[0]["data"]["text/markdown"] == "**bold**"
    assert rich[1]["output_type"] == "execute_result"
    assert rich[1]["data"] == {"text/plain": "array([0. , 0.5, 1. ])"}
    assert rich[1]["execution_count"] == 3
    assert value == [
        {"output_type": "execute_result", "data": {"text/plain": "40"}, "metadata": {},
         "execution_count": 4}
    ]  # fmt: skip


def test_a_second_run_finds_everything_cached(executed: tuple[Path, Path, str]) -> None:
    src, cache, _ = executed
    assert run(src, cache).stdout == ""


def test_the_outputs_are_those_of_a_jupyter_kernel(
    executed: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """The same page run by a real kernel, through jupyter-cache as myst-nb runs it."""
    from jupyter_cache.executors.utils import single_nb_execution

    src, cache, _ = executed
    nb = notebook_runner.read_page(src / "page.md")
    result = single_nb_execution(nb, cwd=str(tmp_path), timeout=60, allow_errors=False)
    assert result.err is None
    kernel = [shown(c.outputs) for c in nb.cells if c.cell_type == "code"]
    ours = cached_outputs(cache, src / "page.md")
    assert ours is not None
    assert [shown(cell) for cell in ours] == kernel
    # myst-nb highlights the cells with the lexer the kernel announced
    assert cached(cache, src / "page.md").metadata["language_info"] == nb.metadata["language_info"]


def test_a_failing_page_is_left_to_myst_nb(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    failing = HEADER + "\n```{code-cell} ipython3\nprint('ran')\n1 / 0\n```\n"
    allowed = HEADER + "\n```{code-cell} ipython3\n:tags: [raises-exception]\n1 / 0\n```\n"
    (src / "failing.md").write_text(failing, encoding="utf-8")
    (src / "allowed.md").write_text(allowed, encoding="utf-8")
    stdout = run(src, tmp_path / "cache").stdout
    assert "0 of 1 notebook pages executed" in stdout  # allowed.md is not even tried
    assert "left to myst-nb, which runs it in a kernel: failing.md" in stdout
    assert "ZeroDivisionError" in stdout
    assert cached_outputs(tmp_path / "cache", src / "failing.md") is None
    assert cached_outputs(tmp_path / "cache", src / "allowed.md") is None


def test_the_longest_page_runs_first(tmp_path: Path) -> None:
    from jupyter_cache import get_cache

    cells = [HEADER + "\n```{code-cell} ipython3\n1\n```\n" * n for n in (1, 3, 2)]
    for name, text in zip("abc", cells, strict=True):
        (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    todo = notebook_runner.pages_to_run(tmp_path, get_cache(str(tmp_path / "cache")))
    assert [path.name for path, _ in todo] == ["b.md", "c.md", "a.md"]
