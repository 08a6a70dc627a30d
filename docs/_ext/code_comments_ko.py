r"""Korean comments and printed labels in the code cells of the Korean pages.

On a translated build, every Python literal block (a myst-nb code cell, a ``code-block``)
gets its ``#`` comments from the code catalog that also translates the gallery scripts
(``locale/<language>/LC_MESSAGES/_code.po``, see ``docs/_ext/gallery_ko.py``). The code
is otherwise left as it is.

A cell's output was computed from the English code (both languages share the execution
cache), so a printed label is translated in the cell's code *and* in its output, where
it is found by the text around the printed values
(:func:`gallery_ko.printed_pattern`). If any label of a cell cannot be found in its
output, the cell keeps all its English labels: code and output always agree. Figure
labels in cells stay English (the figure was drawn from the English code), so the
notebook pages' figures label their axes and curves with symbols and names only
(:math:`\ell`, ReLU, He), and the words are in the page's text around them.

A page with Python code depends on the catalog, so adding or editing a translation
re-reads it.
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
        seen_code = False
        done: set[int] = set()
        for cell in self.document.findall(_element("cell_code")):
            sources = _blocks(cell, "cell_code_source")
            outputs = [b for b in _blocks(cell, "cell_code_output") if "output" in b["classes"]]
            done.update(id(b) for b in sources)
            _translate_cell(sources, outputs, table)
            seen_code = True
        for block in self.document.findall(nodes.literal_block):
            if id(block) in done or block.get("language", "default") not in PYTHON:
                continue
            _set_text(block, gallery_ko.translate_code(block.astext(), table.get, strings=False))
            seen_code = True
        if seen_code:  # a new translation in the catalog re-reads the page
            self.env.note_dependency(str(catalog))

    def catalog_path(self, language: str) -> Path | None:
        for locale_dir in self.config.locale_dirs:
            path = Path(self.app.confdir, locale_dir, language, "LC_MESSAGES")
            path = path / gallery_ko.CODE_CATALOG
            if path.is_file():
                return path
        return None


def _element(kind: str) -> Any:
    return lambda node: isinstance(node, nodes.container) and node.get("nb_element") == kind


def _blocks(cell: nodes.Element, kind: str) -> list[nodes.literal_block]:
    return [
        block
        for part in cell.children
        if isinstance(part, nodes.Element) and part.get("nb_element") == kind
        for block in part.findall(nodes.literal_block)
    ]


def _set_text(block: nodes.literal_block, text: str) -> bool:
    if text == block.astext():
        return False
    block.children = [nodes.Text(text)]
    block.rawsource = text
    return True


def _translate_cell(
    sources: list[nodes.literal_block], outputs: list[nodes.literal_block], table: dict[str, str]
) -> bool:
    """Translate a cell's comments, and its printed labels where its output shows them."""
    code = "\n".join(block.astext() for block in sources)
    rewrites = []
    for span in gallery_ko.code_spans(code, printed_only=True):
        if span.kind == "string" and table.get(span.msgid, span.msgid) != span.msgid:
            rewrite = gallery_ko.printed_pattern(span.msgid, table[span.msgid])
            printed = "\n".join(block.astext() for block in outputs)
            if rewrite is None or not rewrite[0].search(printed):
                rewrites = []
                break
            rewrites.append(rewrite)
    changed = False
    for block in outputs:
        text = block.astext()
        for pattern, repl in rewrites:
            text = pattern.sub(repl, text)
        changed |= _set_text(block, text)
    labels = bool(rewrites)
    for block in sources:
        new = gallery_ko.translate_code(
            block.astext(), table.get, strings=labels, printed_only=True
        )
        changed |= _set_text(block, new)
    return changed


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(KoreanCodeComments)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
