"""docs/_ext/search_stems.py: the same stems as Sphinx's English search, each word once."""

from __future__ import annotations

import pytest
from search_stems import SearchEnglishStemmedOnce  # docs/_ext, on sys.path (conftest.py)
from sphinx.search.en import SearchEnglish

WORDS = "Vanishing gradients vanish as the gradient of each layer vanishes layers".split()


def test_same_stems_as_sphinx() -> None:
    ours, sphinx = SearchEnglishStemmedOnce({}), SearchEnglish({})
    assert [ours.stem(w) for w in WORDS] == [sphinx.stem(w) for w in WORDS]


def test_each_distinct_word_is_stemmed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    search = SearchEnglishStemmedOnce({})
    seen: list[str] = []
    stem_word = search.stemmer.stemWord
    monkeypatch.setattr(search.stemmer, "stemWord", lambda w: seen.append(w) or stem_word(w))
    for word in WORDS * 3:
        search.stem(word)
    assert sorted(seen) == sorted({w.lower() for w in WORDS})
