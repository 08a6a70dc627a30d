"""Run Sphinx's doctest builder on the docs' explicit ``.. doctest::`` blocks.

Docstring ``>>>`` examples are pytest's (``--doctest-modules``); conf.py sets
``doctest_test_doctest_blocks = ""`` so the builder only runs explicit blocks
(autodoc's docstrings would otherwise run without their imports). It reuses a copy of the
English build's doctrees, so after ``make site`` it re-reads nothing and takes seconds;
the copy keeps the site's own cache untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_doctest_blocks_pass(tmp_path: Path) -> None:
    doctrees = tmp_path / "doctrees"
    built = DOCS / "_build" / "doctrees" / "en"
    if built.is_dir():
        shutil.copytree(built, doctrees)
    cmd = [sys.executable, "-m", "sphinx", "-b", "doctest", "-q", "-D", "plot_gallery=0"]
    cmd += ["-d", str(doctrees), str(DOCS), str(tmp_path / "out")]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    report = (tmp_path / "out" / "output.txt").read_text(encoding="utf-8")
    assert result.returncode == 0, report + result.stderr[-3000:]
    assert "0 failures in tests" in report
    assert "Doctest summary" in report
