"""Translate sphinx-gallery's thumbnail titles and tooltips.

sphinx-gallery writes each thumbnail's title (and its tooltip, the example's first
sentence) as raw HTML, which gettext never sees, so the Korean gallery index would show
English titles. Next to each raw title sits a ``:doc:`` link to the example; once
resolved, that link's text is the example's title in the build language. This
extension copies it into the raw HTML (and, outside English, uses it as the tooltip).

It also keeps messages that are nothing but one cross-reference without its own title
(that thumbnail link, the rows of an autosummary table: ``:doc:`/auto_examples/x```,
``:py:obj:`rnn <vanishing.rnn>```) out of the catalogs: their text is the target's
title, translated where the target is, so a translator has nothing to do there. The
same holds for display math blocks, which gettext would otherwise extract.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

_TITLE = re.compile(r'(<div class="sphx-glr-thumbnail-title">)(.*?)(</div>)', re.S)
_TOOLTIP = re.compile(r'tooltip="[^"]*"')


def _link_text(siblings: list[nodes.Node]) -> str | None:
    for node in reversed(siblings):
        if isinstance(node, nodes.raw) and "sphx-glr-thumbcontainer" in node.astext():
            return None  # reached this thumbnail's opening tag without a link
        for ref in node.findall(nodes.reference):
            return ref.astext()
    return None


def translate_thumbnails(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each raw thumbnail title with the resolved (translated) link text."""
    translate_tooltip = (app.config.language or "en") != "en"
    for raw in list(doctree.findall(nodes.raw)):
        if "sphx-glr-thumbnail-title" not in raw.astext() or raw.parent is None:
            continue
        siblings = raw.parent.children[: raw.parent.index(raw)]
        title = _link_text(siblings)
        if title is None:
            continue
        escaped = html.escape(title).replace("\\", "\\\\")
        text = _TITLE.sub(rf"\g<1>{escaped}\g<3>", raw.astext())
        raw.replace_self(nodes.raw("", text, format="html"))
        if translate_tooltip:
            for node in reversed(siblings):
                if isinstance(node, nodes.raw) and "sphx-glr-thumbcontainer" in node.astext():
                    tip = f'tooltip="{html.escape(title)}"'
                    new = _TOOLTIP.sub(tip, node.astext())
                    node.replace_self(nodes.raw("", new, format="html"))
                    break


class UntranslatableXrefs(SphinxTransform):
    """Mark display math and paragraphs made of one cross-reference as not translatable."""

    default_priority = 10  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs: Any) -> None:
        for math in self.document.findall(nodes.math_block):
            math["translatable"] = False
        for para in self.document.findall(nodes.paragraph):
            children = [
                c
                for c in para.children
                if not (isinstance(c, nodes.Text) and not c.astext().strip())
            ]
            if len(children) == 1 and isinstance(children[0], addnodes.pending_xref):
                para["translatable"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(UntranslatableXrefs)
    app.connect("doctree-resolved", translate_thumbnails)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
