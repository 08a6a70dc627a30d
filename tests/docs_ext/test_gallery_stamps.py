"""docs/_ext/gallery_stamps.py: an example whose run failed runs again at the next build,
even when its script is changed back to the version that last passed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import gallery_stamps  # docs/_ext, on sys.path through tests/conftest.py

from tests.docs_ext.conftest import stamped_gallery

EXT = Path(gallery_stamps.__file__).parent
PASSING = '"""\nAn example\n==========\n\nIt prints.\n"""\n\nprint("it ran")\n'
FAILING = PASSING.replace('print("it ran")', 'raise ValueError("it failed")')


def _project(root: Path, extensions: list[str]) -> Path:
    (root / "gallery").mkdir(parents=True)
    (root / "gallery" / "README.rst").write_text("Gallery\n=======\n")
    (root / "docs").mkdir()
    (root / "docs" / "index.rst").write_text(
        "Home\n====\n\n.. toctree::\n\n   auto_examples/index\n"
    )
    (root / "docs" / "conf.py").write_text(
        f"extensions = {['sphinx_gallery.gen_gallery', *extensions]!r}\n"
        "sphinx_gallery_conf = {'examples_dirs': '../gallery', 'gallery_dirs': 'auto_examples',"
        " 'filename_pattern': 'plot_', 'plot_gallery': True}\n"
    )
    return root


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXT), *sys.path])}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "docs", "docs/_build"]
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _page(root: Path) -> str:
    return (root / "docs/_build/auto_examples/plot_example.html").read_text(encoding="utf-8")


def _output(page: str) -> str:
    """What the page shows the example printed (or the traceback it raised)."""
    return "".join(re.findall(r'class="sphx-glr-script-out[^"]*">(.*?)</pre>', page, re.S))


def _pass_fail_pass(root: Path) -> str:
    """Build the example passing, then failing, then passing again; the last page."""
    script = root / "gallery" / "plot_example.py"
    codes = []
    for source in (PASSING, FAILING, PASSING):
        script.write_text(source)
        codes.append(_build(root).returncode)
    assert codes[0] == 0 and codes[1] != 0 and codes[2] == 0, codes
    return _page(root)


def test_a_failed_run_leaves_no_stamp_and_runs_again(tmp_path: Path) -> None:
    page = _pass_fail_pass(_project(tmp_path / "ours", ["gallery_stamps"]))
    assert "it ran" in _output(page) and "Traceback" not in page


def test_without_it_the_failed_run_stays_on_the_page(tmp_path: Path) -> None:
    """What the extension fixes: sphinx-gallery alone keeps the failed run's page."""
    page = _pass_fail_pass(_project(tmp_path / "alone", []))
    assert "Traceback" in _output(page) and "it failed" in _output(page)


def test_only_the_examples_about_to_run_lose_their_stamps(tmp_path: Path) -> None:
    from types import SimpleNamespace

    src, out, conf = stamped_gallery(tmp_path)
    app = SimpleNamespace(config=SimpleNamespace(sphinx_gallery_conf=conf), srcdir=str(src))
    gallery_stamps.forget_stamps_of_examples_to_run(app)  # type: ignore[arg-type]
    assert sorted(p.name for p in out.iterdir()) == ["plot_same.py.md5"]
    conf["run_stale_examples"] = True  # runs the current ones too: no stamp may stay
    gallery_stamps.forget_stamps_of_examples_to_run(app)  # type: ignore[arg-type]
    assert list(out.iterdir()) == []
