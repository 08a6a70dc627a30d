"""English search: each distinct word is stemmed once, not once per occurrence.

Sphinx's HTML search stems every word of every page it indexes (``SearchLanguage.stem``),
and the English Snowball stemmer is pure Python: 25,000 calls on the English site, about
1.5 s of CPU per build, for some 4,000 distinct words. This registers the ``en`` search
language again, the same class with its ``stem`` memoised per instance; the index it
writes is the same. The Korean language (``korean_search.py``) memoises its own stem.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish


class SearchEnglishStemmedOnce(SearchEnglish):
    """:class:`sphinx.search.en.SearchEnglish`, with one stemming per distinct word.

    >>> search = SearchEnglishStemmedOnce({})
    >>> search.stem("Gradients"), search.stem("gradients")
    ('gradient', 'gradient')
    """

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.stem = cache(super().stem)  # type: ignore[method-assign]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchEnglishStemmedOnce)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
