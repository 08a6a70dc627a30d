"""Fixes for what axe-core reports on the theme's and docutils' own markup.

* The sidebar's expand/collapse buttons (pydata-sphinx-theme writes each as a
  ``<summary>`` holding only a chevron icon) have no accessible name (axe:
  ``summary-name``). Each gets an ``aria-label`` naming the section it opens, in the
  page's language (``_locale_ui/ko/LC_MESSAGES/sphinx.po``). Done through the public
  ``html-page-context`` event on the theme's own template function; if a later theme
  names its buttons itself, nothing is changed.
* docutils writes bibliography entries as ``role="doc-biblioentry"`` inside a
  ``role="list"``. DPUB-ARIA 1.1 deprecated that role, and a list needs list items (axe:
  ``aria-required-children``): the entries become ``role="listitem"``.

tests/browser/test_pages.py runs axe-core on every page of both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.writers.html5 import HTML5Translator

#: The label of a sidebar button that shows or hides the pages under a section.
TOGGLE_LABEL = "Show or hide the pages under %s"


def label_toggles(soup: Any, label: str) -> Any:
    """Give every ``<summary>`` without text an ``aria-label`` naming its section.

    ``soup`` is the theme's BeautifulSoup of a navigation tree; ``label`` has one ``%s``
    for the section's link text. Returns ``soup``, changed in place.
    """
    if not hasattr(soup, "find_all"):  # a plain string: nothing to name
        return soup
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        name = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = label % name if name else label.replace(" %s", "")
    return soup


def name_sidebar_toggles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Wrap the theme's ``generate_toctree_html`` so its buttons carry a label."""
    generate: Callable[..., Any] | None = context.get("generate_toctree_html")
    if generate is None:
        return
    label = str(_(TOGGLE_LABEL))

    def generate_labelled(*args: Any, **kwargs: Any) -> Any:
        return label_toggles(generate(*args, **kwargs), label)

    context["generate_toctree_html"] = generate_labelled


class AccessibleHTML5Translator(HTML5Translator):
    """Sphinx's HTML writer with bibliography entries as list items."""

    def visit_citation(self, node: nodes.Element) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict[str, Any]:
    app.set_translator("html", AccessibleHTML5Translator)
    # after the theme's own handler (priority 500), which puts the function in the context
    app.connect("html-page-context", name_sidebar_toggles, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
