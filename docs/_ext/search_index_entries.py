"""Keep the index entries of unchanged pages in the search index of an incremental build.

Sphinx (9.0) gathers each page's index entries (``.. index::``, and every API object
autodoc documents) for the search index while it *writes* the page, into the build
environment, which it has already saved by then (it saves it after reading). A later
build that does not write a page loads the rest of that page's search data (titles,
words) back from ``searchindex.js``, but not its index entries: after any incremental
build, or ``docs/build.py --force``, the search index holds the index entries of the
pages written in that build only (349 entries in a cold build of this site, 0 after a
``--force`` rebuild), and the search no longer finds an API object by its index entry.

This extension loads them back with the rest: each entry of a page this build does not
write is restored from the previous ``searchindex.js``, where Sphinx wrote it lowercased
(as it writes every entry, so the restored ones come out the same), and the pages' entries
are written in the order of their names, as a cold build writes them. An incremental
build then writes the same ``indexentries`` as a cold one.
"""

from __future__ import annotations

import io
from typing import Any

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder


def restored_entries(frozen: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """Each page's index entries as ``IndexBuilder`` keeps them, ``(entry, id, main)``,
    from a loaded ``searchindex.js`` (``{entry: [(page number, id, is main), ...]}``)."""
    pages = frozen["docnames"]
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for page, target_id, main in places:
            entries.setdefault(pages[page], []).append((entry, target_id, "main" if main else ""))
    return {page: sorted(found) for page, found in entries.items()}


def _load_with_entries(original: Any) -> Any:
    def load(self: IndexBuilder, stream: Any, format: Any) -> None:
        data = stream.read()
        original(self, io.StringIO(data) if isinstance(data, str) else io.BytesIO(data), format)
        if isinstance(format, str):
            format = self.formats[format]
        for page, entries in restored_entries(format.loads(data)).items():
            self._index_entries.setdefault(page, entries)

    load.keeps_index_entries = True  # type: ignore[attr-defined]
    return load


def _prune_entries_too(original: Any) -> Any:
    def prune(self: IndexBuilder, docnames: Any) -> None:
        original(self, docnames)
        keep = set(docnames)
        for page in [page for page in self._index_entries if page not in keep]:
            del self._index_entries[page]  # to be written again, or gone from the project

    return prune


def _freeze_in_page_order(original: Any) -> Any:
    def freeze(self: IndexBuilder) -> dict[str, Any]:
        pages = sorted(self._index_entries.items())
        self._index_entries.clear()  # the environment's own dictionary: kept, reordered
        self._index_entries.update(pages)
        return original(self)  # type: ignore[no-any-return]

    return freeze


def setup(app: Sphinx) -> dict[str, Any]:
    if not getattr(IndexBuilder.load, "keeps_index_entries", False):
        IndexBuilder.load = _load_with_entries(IndexBuilder.load)  # type: ignore[method-assign]
        IndexBuilder.prune = _prune_entries_too(IndexBuilder.prune)  # type: ignore[method-assign]
        IndexBuilder.freeze = _freeze_in_page_order(IndexBuilder.freeze)  # type: ignore[method-assign]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
