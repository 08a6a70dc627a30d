"""Incremental builds keep the search index's index entries (docs/_ext/search_index_entries.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_ext.conftest import DOCS

EXT = DOCS / "_ext"


def build(project: Path, *options: str) -> dict:
    """Build ``project`` to HTML and return its search index's index entries."""
    out = project / "_build"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", *options]
    env = {**os.environ, "PYTHONPATH": str(EXT)}
    done = subprocess.run(
        [*cmd, str(project), str(out)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    text = (out / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])["indexentries"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "conf.py").write_text('extensions = ["search_index_entries"]\n')
    pages = ["alpha", "beta", "gamma"]
    toctree = "\n".join(f"   {page}" for page in pages)
    (tmp_path / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toctree}\n")
    for page in pages:
        (tmp_path / f"{page}.rst").write_text(
            f"{page}\n=====\n\n.. index:: {page.title()} term; {page}, !Main {page}\n\nText.\n"
        )
    return tmp_path


def test_unchanged_pages_keep_their_entries(project: Path) -> None:
    cold = build(project)
    assert len(cold) >= 6, cold  # three pages, two entries each at least
    assert build(project, "-a") == cold  # every page written again
    (project / "beta.rst").write_text((project / "beta.rst").read_text() + "\nMore text.\n")
    assert build(project) == cold  # beta written, alpha and gamma not


def test_entries_of_a_changed_or_removed_page_are_its_new_ones(project: Path) -> None:
    cold = build(project)
    (project / "beta.rst").write_text("beta\n=====\n\n.. index:: Other\n\nText.\n")
    changed = build(project)
    assert "other" in changed and "beta term" not in changed
    assert {k: v for k, v in changed.items() if k != "other"} == {
        k: v for k, v in cold.items() if "beta" not in k
    }
    index = (project / "index.rst").read_text().replace("   beta\n", "")
    (project / "index.rst").write_text(index)
    (project / "beta.rst").unlink()
    removed = build(project)
    assert "other" not in removed and removed  # beta's entries are gone, the others stay
