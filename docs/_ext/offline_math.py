"""Serve MathJax 3 from the site itself: no CDN request, works from a zip offline.

The files come from the ``sphinx-mathjax-offline`` wheel (pip only, no network at build
time). That package copies its whole 24 MB bundle on every build; this extension copies
only what ``tex-chtml.js`` can load (the TeX input extensions it autoloads, the CHTML
fonts, the menu and its accessibility modules: about 6 MB) and skips files that are
already in place, so a no-op rebuild copies nothing.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

#: Paths inside the bundle that ``tex-chtml.js`` may request at run time.
PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y", "sre")


def bundle_dir() -> Path:
    """Return the MathJax directory shipped in the sphinx-mathjax-offline wheel."""
    # The wheel installs a top-level folder with a dash in its name (not importable).
    dist = importlib.metadata.distribution("sphinx-mathjax-offline")
    path = Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))
    if not (path / "tex-chtml.js").is_file():
        raise FileNotFoundError(f"MathJax bundle not found at {path}")
    return path


def copy_if_changed(src: Path, dst: Path) -> int:
    """Copy a file or tree, skipping files whose size and mtime already match."""
    files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
    copied = 0
    for f in files:
        target = dst if src.is_file() else dst / f.relative_to(src)
        st = f.stat()
        if target.is_file():
            tt = target.stat()
            if tt.st_size == st.st_size and int(tt.st_mtime) == int(st.st_mtime):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
        copied += 1
    return copied


def _set_path(app: Sphinx, config: Config) -> None:
    config.mathjax_path = "mathjax/tex-chtml.js"  # relative: served from _static/


def _copy(app: Sphinx, exc: BaseException | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    src, dst = bundle_dir(), Path(app.outdir, "_static", "mathjax")
    for part in PARTS:
        copy_if_changed(src / part, dst / part)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _set_path)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
