"""Let myst-nb ``{glue:text}`` roles work inside translated paragraphs.

Sphinx translates a paragraph by parsing its ``msgstr`` as a small, separate document.
myst-nb parses such a fragment as plain MyST (it executes nothing), so the fragment has
no glue data of its own and ``{glue:text}`key``` would fail with "No key ... found in
glue data for this document".

myst-nb has a public way to paste a value glued on another page: ``{glue:text}`path::key```
(its "cross-document glue", resolved after reading from the glue data myst-nb saves
for each page). Inside a translated fragment, this role writes the key in that form with
the fragment's own page as the path, and hands it to myst-nb's ``glue:text`` role. On the
page itself (English, or any message without a translation) nothing changes. Numbers
therefore stay computed at build time in every language, and the catalogs keep the
same ``{glue:text}`key:fmt``` a translator sees in the English message.

The role is registered with Sphinx's public :meth:`~sphinx.application.Sphinx.add_role_to_domain`
over myst-nb's own and relies on myst-nb's documented ``path::key`` syntax. Its role class
``PasteTextRole`` is importable but not documented API, so :func:`setup` checks that the
installed myst-nb is one this was written for (:data:`MYST_NB_SUPPORTED`) and says so
clearly if not.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: myst-nb versions this was written for (1.4.0) and checked against: ``>= 1.1, < 2``.
MYST_NB_SUPPORTED = ((1, 1), (2, 0))

#: A glue key without a format spec gets this one (myst-nb's own default), so that
#: ``path::key`` is never read as ``path:`` + format ``key`` (myst-nb splits the last ``:``).
DEFAULT_FORMAT = "s"


def page_reference(docpath: str, text: str) -> str:
    """``key[:fmt]`` as the cross-document form ``/docpath::key:fmt``.

    >>> page_reference("theory/05-vanishing.md", "speed_slowdown:.0f")
    '/theory/05-vanishing.md::speed_slowdown:.0f'
    >>> page_reference("index.md", "n_layers")
    '/index.md::n_layers:s'
    """
    if "::" in text:
        return text
    if ":" not in text:
        text = f"{text}:{DEFAULT_FORMAT}"
    return f"/{docpath}::{text}"


class TranslatedPasteTextRole(PasteTextRole):
    """``{glue:text}`` that, in a translated fragment, pastes from the fragment's page."""

    def __call__(
        self,
        name: str,
        rawtext: str,
        text: str,
        lineno: int,
        inliner: Inliner,
        options: Any = None,
        content: Any = (),
    ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        document = inliner.document
        if "nb_renderer" not in document:  # no glue data here: a translated fragment
            env = document.settings.env
            text = page_reference(str(env.doc2path(env.docname, False)), text)
        return super().__call__(name, rawtext, text, lineno, inliner, options, content)


def check_myst_nb(
    installed: str, supported: tuple[tuple[int, int], ...] = MYST_NB_SUPPORTED
) -> None:
    """Raise :class:`~sphinx.errors.ExtensionError` unless ``installed`` is supported.

    >>> check_myst_nb("1.4.0")
    >>> check_myst_nb("2.0.0")
    Traceback (most recent call last):
    ...
    sphinx.errors.ExtensionError: docs/_ext/glue_i18n.py was written for myst-nb >= 1.1, < 2.0 ...
    """
    low, high = supported
    release = tuple(int(part) for part in installed.split(".")[:2] if part.isdigit())
    if not low <= release < high:
        raise ExtensionError(
            f"docs/_ext/glue_i18n.py was written for myst-nb >= {low[0]}.{low[1]}, "
            f"< {high[0]}.{high[1]} (it subclasses myst_nb.ext.glue.roles.PasteTextRole); "
            f"installed: myst-nb {installed}. Check that Korean pages still show their "
            "glued numbers, then widen MYST_NB_SUPPORTED, or pin myst-nb in "
            "requirements/constraints.txt."
        )


def setup(app: Sphinx) -> dict[str, Any]:
    check_myst_nb(version("myst-nb"))
    app.setup_extension("myst_nb")
    app.add_role_to_domain("glue", "text", TranslatedPasteTextRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
