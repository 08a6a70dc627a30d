"""A Korean search language for Sphinx's HTML search.

Sphinx ships none, so a Korean site falls back to English splitting and 기울기가 does not
find 기울기. This module registers ``ko``:

* :func:`split` cuts text into runs of Hangul and runs of other letters/digits
  (``기울기(gradient)가`` -> ``기울기``, ``gradient``, ``가``);
* :func:`stem` strips common particles and 하다/되다 endings from a Hangul run
  (``기울기가``, ``기울기를``, ``기울기에서는`` -> ``기울기``; ``계산한다`` -> ``계산``) and
  stems Latin words with the English Snowball stemmer, as the English site does.

The same rules run in the browser (``korean_search.js``, embedded in
``language_data.js``), so a query is split and stemmed exactly as the index was.
Stemming is deliberately simple: it may over-strip a noun that happens to end in a
particle-like syllable (길이 -> 길), which costs a little precision, never recall,
because the index and the query are treated alike.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import snowballstemmer
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.search._stopwords.en import ENGLISH_STOPWORDS

HANGUL = "\uac00-\ud7a3"
_TOKEN = re.compile(rf"[{HANGUL}]+|(?:(?![{HANGUL}])\w)+")

#: Endings stripped from a Hangul run, tried longest first; at most two are removed
#: (기울기에서는 -> 기울기에서 -> 기울기). Keep in sync with korean_search.js.
SUFFIXES = tuple(
    sorted(
        {
            # particles (조사)
            "이",
            "가",
            "을",
            "를",
            "은",
            "는",
            "의",
            "에",
            "도",
            "만",
            "와",
            "과",
            "로",
            "으로",
            "에서",
            "에게",
            "까지",
            "부터",
            "처럼",
            "보다",
            "마다",
            "이나",
            "이며",
            "이고",
            "이란",
            "라는",
            "이라는",
            "로서",
            "로써",
            "으로서",
            "으로써",
            "에는",
            "에도",
            "에서의",
            "으로의",
            "와의",
            "과의",
            "이든",
            "한테",
            # copula and 하다/되다 endings (이다, 입니다, 하는, 한다, 된다 ...)
            "이다",
            "입니다",
            "이에요",
            "예요",
            "였다",
            "이었다",
            "하다",
            "한다",
            "하는",
            "하고",
            "하면",
            "하여",
            "해서",
            "했다",
            "합니다",
            "하지",
            "하기",
            "할",
            "한",
            "함",
            "되다",
            "된다",
            "되는",
            "되고",
            "되면",
            "되어",
            "돼서",
            "됐다",
            "됩니다",
            "되지",
            "되기",
            "될",
            "된",
            "됨",
            "시킨다",
            "시키는",
            "시키면",
        },
        key=lambda s: (-len(s), s),
    )
)
#: A stem keeps at least this many syllables (so 값이 -> 값 but 이 alone stays).
MIN_STEM = 1
MAX_STRIPS = 2

_english = snowballstemmer.stemmer("english")


def split(text: str) -> list[str]:
    """Split text into Hangul runs and runs of other word characters."""
    return _TOKEN.findall(text)


def strip_endings(word: str) -> str:
    """Remove up to two particles or 하다/되다 endings from a Hangul word."""
    for _ in range(MAX_STRIPS):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@cache  # the index stems every word of every page: each word once
def stem(word: str) -> str:
    """Stem one token as the index and the browser both do."""
    word = word.lower()
    if re.fullmatch(rf"[{HANGUL}]+", word):
        return strip_endings(word)
    return str(_english.stemWord(word))


def _english_stemmer_js() -> str:
    import sphinx.search as search

    minified = Path(search.__file__).parent / "minified-js"
    return "\n".join(
        (minified / name).read_text(encoding="utf-8")
        for name in ("base-stemmer.js", "english-stemmer.js")
    )


def _korean_js() -> str:
    js = (Path(__file__).parent / "korean_search.js").read_text(encoding="utf-8")
    return js.replace("/*SUFFIXES*/[]", repr(list(SUFFIXES)))


class SearchKorean(SearchLanguage):
    """Sphinx search language ``ko`` built from :func:`split` and :func:`stem`."""

    lang = "ko"
    language_name = "Korean"
    stopwords = ENGLISH_STOPWORDS  # Latin words on the Korean site are English
    js_stemmer_rawcode = ""
    js_stemmer_code = _english_stemmer_js() + "\n" + _korean_js()
    js_splitter_code = ""  # the splitQuery function is part of korean_search.js

    def split(self, input: str) -> list[str]:
        return split(input)

    def stem(self, word: str) -> str:
        return stem(word)

    def word_filter(self, word: str) -> bool:
        return bool(word) and not word.isdigit() and word not in self.stopwords


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
