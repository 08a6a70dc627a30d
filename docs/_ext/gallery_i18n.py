"""Keep messages a translator has nothing to do for out of the catalogs.

Messages that are nothing but one cross-reference without its own title (the link under
each gallery thumbnail, the rows of an autosummary table: ``:doc:`/auto_examples/x```,
``:py:obj:`rnn <vanishing.rnn>```) take their text from the target's title, translated
where the target is. The same holds for display math blocks, which gettext would
otherwise extract.

Gallery thumbnails need no rewriting: sphinx-gallery writes each title twice, once as
raw HTML (English, unseen by gettext) and once as that ``:doc:`` link (the target's
title, so translated). ``docs/_static/site.css`` shows the link and hides the raw copy.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
