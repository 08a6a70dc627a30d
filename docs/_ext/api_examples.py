"""Show, under each documented function or class, the gallery examples that use it.

sphinx-gallery records which examples use which object of ``doc_module`` (its
backreferences) before any page is read. For each object that some example uses, this
appends a rubric and a ``.. minigallery::`` to the docstring, after numpydoc has
formatted it. Objects no example uses get nothing, so no empty headings appear.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: One fixed, translatable heading (the Korean is in docs/locale/ko/compendium.po).
RUBRIC = "Examples using this object"


def _backrefs(app: Sphinx) -> dict[str, Any]:
    conf = app.config.sphinx_gallery_conf
    path = Path(app.srcdir, conf["backreferences_dir"], "backreferences_all.json")
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def add_minigallery(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """``autodoc-process-docstring`` hook: append the mini-gallery for ``name``."""
    if what not in {"function", "class"} or not _backrefs(app).get(name):
        return
    lines.extend(["", f".. rubric:: {RUBRIC}", "", f".. minigallery:: {name}", ""])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", add_minigallery, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
