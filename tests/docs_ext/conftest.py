"""Tests of the site machinery in docs/_ext (no browser, no site build needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

#: tests/conftest.py (loaded first) has put DOCS / "_ext" on sys.path.
DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_script(path: Path, name: str) -> ModuleType:
    """Import a file of docs/ that is not a package module (build.py, conf.py) as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stamped_gallery(root: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A gallery as sphinx-gallery leaves it: ``plot_same.py`` ran as it is (its MD5 stamp
    is current), ``plot_changed.py`` changed since its run, ``plot_new.py`` never ran, and
    ``helper.py`` is no example. Returns the Sphinx source folder, the gallery's output
    folder (where the stamps are) and the gallery configuration."""
    from sphinx_gallery.utils import get_md5sum

    src = root / "docs"
    gallery, out = root / "gallery" / "topic", src / "auto_examples" / "topic"
    gallery.mkdir(parents=True)
    out.mkdir(parents=True)
    for name in ("plot_same.py", "plot_changed.py", "plot_new.py", "helper.py"):
        (gallery / name).write_text(f"# {name}\n")
    (out / "plot_same.py.md5").write_text(get_md5sum(gallery / "plot_same.py", mode="t"))
    (out / "plot_changed.py.md5").write_text("0" * 32)
    conf = {
        "examples_dirs": ["../gallery"],
        "gallery_dirs": ["auto_examples"],
        "filename_pattern": r"[\\/]plot_",
        "plot_gallery": True,
    }
    return src, out, conf
