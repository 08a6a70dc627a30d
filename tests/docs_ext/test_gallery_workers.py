"""docs/_ext/gallery_workers.py: the gallery's worker processes only when they save time."""

from __future__ import annotations

from pathlib import Path

import gallery_workers  # docs/_ext, on sys.path through conftest.py
import pytest

from tests.docs_ext.conftest import stamped_gallery


def test_examples_to_run_are_the_changed_executable_scripts(tmp_path: Path) -> None:
    src, _, gallery_conf = stamped_gallery(tmp_path)
    stale = {p.name for p in gallery_workers.examples_to_run(gallery_conf, src)}
    assert stale == {"plot_changed.py", "plot_new.py"}  # helper.py is not executed
    assert gallery_workers.examples_to_run({**gallery_conf, "plot_gallery": False}, src) == []


@pytest.mark.parametrize(
    ("serial", "changed", "workers"), [("0", True, 2), ("1", True, False), ("0", False, False)]
)
def test_gallery_workers_only_when_they_help(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    serial: str,
    changed: bool,
    workers: object,
) -> None:
    """Workers run the examples only when some are to run and one language builds alone."""
    from types import SimpleNamespace

    monkeypatch.setenv(gallery_workers.GALLERY_SERIAL_ENV, serial)
    stale = [tmp_path / "plot_a.py"] if changed else []
    monkeypatch.setattr(gallery_workers, "examples_to_run", lambda gallery_conf, srcdir: stale)
    gallery_conf = {"parallel": 2}
    app = SimpleNamespace(config=SimpleNamespace(sphinx_gallery_conf=gallery_conf), srcdir=".")
    gallery_workers.workers_only_when_they_help(app)  # type: ignore[arg-type]
    assert gallery_conf["parallel"] == workers
