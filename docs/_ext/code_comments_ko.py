"""Korean comments in the code cells of the Korean pages.

On a translated build, every Python literal block (a myst-nb code cell, a ``code-block``)
gets its ``#`` comments from the code catalog that also translates the gallery scripts
(``locale/<language>/LC_MESSAGES/_code.po``, see ``docs/_ext/gallery_ko.py``). The code
itself is left as it is, and so are its strings: a cell's printed output was computed
from the English code (the execution cache is shared by both languages), so a printed
label stays as the output shows it.

A page whose comments were translated depends on the catalog, so editing a translation
re-reads that page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import gallery_ko
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

#: Lexer names of the literal blocks whose comments are translated.
PYTHON = frozenset({"python", "python3", "py", "ipython", "ipython3", "default"})


@cache
def _catalog(path: str, mtime_ns: int) -> dict[str, str]:
    return gallery_ko.translations(Path(path))


class KoreanCodeComments(SphinxTransform):
    """Translate the comments of Python literal blocks from the code catalog."""

    default_priority = 880  # after the i18n transforms, before the post-transforms

    def apply(self, **kwargs: Any) -> None:
        language = self.config.language
        if not language or language == "en":
            return
        catalog = self.catalog_path(language)
        if catalog is None:
            return
        table = _catalog(str(catalog), catalog.stat().st_mtime_ns)
        translated = False
        for block in self.document.findall(nodes.literal_block):
            if block.get("language", "default") not in PYTHON:
                continue
            text = block.astext()
            new = gallery_ko.translate_code(text, table.get, strings=False)
            if new != text:
                block.children = [nodes.Text(new)]
                block.rawsource = new
                translated = True
        if translated:
            self.env.note_dependency(str(catalog))

    def catalog_path(self, language: str) -> Path | None:
        for locale_dir in self.config.locale_dirs:
            path = Path(self.app.confdir, locale_dir, language, "LC_MESSAGES")
            path = path / gallery_ko.CODE_CATALOG
            if path.is_file():
                return path
        return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(KoreanCodeComments)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
