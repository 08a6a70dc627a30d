"""Let myst-nb ``{glue}`` roles work inside translated paragraphs.

Sphinx translates a paragraph by parsing its ``msgstr`` as a small, separate notebook
document. That fragment has no glue data of its own, so every ``{glue:text}`key``` in a
Korean sentence would fail with "No key ... found in glue data for this document". This
extension remembers the execution client and renderer of the page being read (the last
one that produced glue data) and lets a lookup from a translated fragment fall back to
them. Numbers therefore stay computed at build time in every language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docutils import nodes
from myst_nb import sphinx_ as nb_sphinx
from myst_nb.core.execute.base import NotebookClientBase
from myst_nb.core.variables import VariableOutput
from myst_nb.ext.glue import directives as glue_directives
from myst_nb.ext.glue import roles as glue_roles
from myst_nb.ext.glue import utils as glue_utils
from sphinx.application import Sphinx

#: The execution client of the page being read, once it has produced glue data.
_page: dict[str, Any] = {}
_original_create_client = nb_sphinx.create_client
_original_load_renderer = nb_sphinx.load_renderer


def _load_renderer(name: str) -> Any:
    renderer_class = _original_load_renderer(name)

    def create(*args: Any, **kwargs: Any) -> Any:
        _page["pending_renderer"] = renderer = renderer_class(*args, **kwargs)
        return renderer

    return create


_original_retrieve = glue_utils.retrieve_glue_data


@contextmanager
def _create_client(notebook: Any, source: str, nb_config: Any, *args: Any) -> Iterator[Any]:
    if not any(cell["cell_type"] == "code" for cell in notebook.cells):
        # a translated paragraph: nothing to execute or look up in the execution cache
        with NotebookClientBase(notebook, None, nb_config, *args[:1]) as client:
            yield client
        return
    with _original_create_client(notebook, source, nb_config, *args) as client:
        yield client
    if client.glue_data:  # a translated fragment has none: keep the page's client
        _page["client"] = client
        _page["renderer"] = _page.get("pending_renderer")


def _retrieve(document: nodes.document, key: str) -> VariableOutput:
    own = document.get("nb_renderer")
    if own is not None and key in own.renderer.nb_client.glue_data:
        return _original_retrieve(document, key)
    client, renderer = _page.get("client"), _page.get("renderer")
    if client is None or renderer is None or key not in client.glue_data:
        return _original_retrieve(document, key)
    entry = client.glue_data[key]
    return VariableOutput(
        data=entry["data"], metadata=entry.get("metadata", {}), nb_renderer=renderer, vtype="glue"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    nb_sphinx.create_client = _create_client  # type: ignore[assignment]
    nb_sphinx.load_renderer = _load_renderer
    for module in (glue_utils, glue_roles, glue_directives):
        module.retrieve_glue_data = _retrieve  # type: ignore[attr-defined]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
