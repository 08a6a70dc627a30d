"""Run Sphinx's doctest builder on the docs' explicit ``.. doctest::`` blocks.

Docstring ``>>>`` examples are pytest's (``--doctest-modules``); conf.py sets
``doctest_test_doctest_blocks = ""`` so the builder runs only the explicit blocks instead of
running every docstring a second time. The builder reads a copy of the English build's
doctrees, so after ``make site`` it re-reads only what changed since and takes seconds (the
copy keeps the site's own cache untouched). Without a built site it fails and says so,
rather than quietly building the whole site here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BUILT_DOCTREES = DOCS / "_build" / "doctrees" / "en"


def test_doctest_blocks_pass(tmp_path: Path) -> None:
    if not (BUILT_DOCTREES / "environment.pickle").is_file():
        pytest.fail(
            f"no English doctrees in {BUILT_DOCTREES.relative_to(DOCS.parent)}: this test "
            "reuses the site build; run `make site` (or `python docs/build.py --lang en`) first",
            pytrace=False,
        )
    doctrees = tmp_path / "doctrees"
    shutil.copytree(BUILT_DOCTREES, doctrees)
    cmd = [sys.executable, "-m", "sphinx", "-b", "doctest", "-q", "-D", "plot_gallery=0"]
    cmd += ["-d", str(doctrees), str(DOCS), str(tmp_path / "out")]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    report = (tmp_path / "out" / "output.txt").read_text(encoding="utf-8")
    assert result.returncode == 0, report + result.stderr[-3000:]
    assert "0 failures in tests" in report
    assert "Doctest summary" in report
