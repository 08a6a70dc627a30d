"""A page a parallel writer failed to write fails the build (docs/_ext/pages_written.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pages_written import unwritten_pages

EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext"

#: An extension that fails one page in a parallel writer, and slows the main process's
#: resolving so that the failure arrives while Sphinx still hands out pages: the case
#: Sphinx swallows (ParallelTasks.add_task).
FAILING_WRITER = """
import os, time

MAIN = os.getpid()


def page_context(app, pagename, templatename, context, doctree):
    if pagename == "a01" and os.getpid() != MAIN:
        raise RuntimeError("a writer fails")


def resolved(app, doctree, docname):
    if os.getpid() == MAIN:
        time.sleep(0.05)


def setup(app):
    app.connect("html-page-context", page_context)
    app.connect("doctree-resolved", resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def _build(project: Path, extensions: list[str]) -> subprocess.CompletedProcess[str]:
    (project / "conf.py").write_text(f"extensions = {extensions!r}\n")
    out = project / "_build"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", "2"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXT), str(project)])}
    return subprocess.run(
        [*cmd, str(project), str(out)], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "failing_writer.py").write_text(FAILING_WRITER)
    names = [f"a{i:02d}" for i in range(24)]  # pages a01-a10: the first parallel chunk
    toctree = "\n".join(f"   {name}" for name in names)
    (tmp_path / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toctree}\n")
    for name in names:
        (tmp_path / f"{name}.rst").write_text(f"{name}\n===\n\nText.\n")
    return tmp_path


def test_sphinx_alone_reports_success_with_pages_missing(project: Path) -> None:
    """Why the extension exists: without it the same build exits 0."""
    result = _build(project, ["failing_writer"])
    assert result.returncode == 0, result.stderr
    assert not (project / "_build" / "a01.html").exists()


def test_a_page_not_written_fails_the_build(project: Path) -> None:
    result = _build(project, ["failing_writer", "pages_written"])
    assert result.returncode != 0
    assert "pages missing" in result.stderr and "a01" in result.stderr


def test_every_page_written_passes(project: Path) -> None:
    (project / "failing_writer.py").write_text(
        "def setup(app):\n    return {'parallel_read_safe': True, 'parallel_write_safe': True}\n"
    )
    result = _build(project, ["failing_writer", "pages_written"])
    assert result.returncode == 0, result.stderr
    assert (project / "_build" / "a01.html").is_file()


def test_a_read_page_older_than_the_build_is_stale(tmp_path: Path) -> None:
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("")
    os.utime(old, (time.time() - 60, time.time() - 60))
    new.write_text("")
    outfiles = {"old": old, "new": new, "gone": tmp_path / "gone.html"}
    assert unwritten_pages(outfiles, {"old", "new"}, time.time() - 10) == (["gone"], ["old"])
    # a page not read in this build may be older: it had nothing to change
    assert unwritten_pages(outfiles, {"new"}, time.time() - 10) == (["gone"], [])
