"""The Python half of the Korean search language (docs/_ext/korean_search.py)."""

from __future__ import annotations

import korean_search as ks
import pytest


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("기울기가 사라진다", ["기울기가", "사라진다"]),
        ("기울기(gradient)가", ["기울기", "gradient", "가"]),
        ("ReLU의 도함수는 1이다.", ["ReLU", "의", "도함수는", "1", "이다"]),
        ("σ′(z) ≤ 1/4", ["σ", "z", "1", "4"]),
        ("", []),
    ],
)
def test_split_into_hangul_and_other_runs(text: str, tokens: list[str]) -> None:
    assert ks.split(text) == tokens


@pytest.mark.parametrize(
    "word",
    [
        "기울기",
        "기울기가",
        "기울기를",
        "기울기는",
        "기울기의",
        "기울기에서",
        "기울기에서는",
        "기울기로",
    ],
)
def test_particles_are_stripped_to_one_stem(word: str) -> None:
    assert ks.stem(word) == "기울기"


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("계산한다", "계산"),
        ("계산하는", "계산"),
        ("계산합니다", "계산"),
        ("소실된다", "소실"),
        ("함수입니다", "함수"),
        ("값이", "값"),
        ("이", "이"),  # never stripped to nothing
        ("가", "가"),
    ],
)
def test_endings_are_stripped(word: str, stem: str) -> None:
    assert ks.stem(word) == stem


def test_latin_words_use_the_english_stemmer() -> None:
    assert ks.stem("Gradients") == "gradient"
    assert ks.stem("vanishing") == "vanish"


def test_at_most_two_endings_are_stripped() -> None:
    assert ks.strip_endings("기울기에서는") == "기울기"
    assert ks.strip_endings("가가가가") == "가가"


def test_suffixes_are_tried_longest_first() -> None:
    lengths = [len(s) for s in ks.SUFFIXES]
    assert lengths == sorted(lengths, reverse=True)


def test_search_language_and_javascript_share_the_suffix_list() -> None:
    lang = ks.SearchKorean({})
    assert lang.lang == "ko"
    assert repr(list(ks.SUFFIXES)) in lang.js_stemmer_code
    assert "var splitQuery" in lang.js_stemmer_code
    assert "EnglishStemmer" in lang.js_stemmer_code
    assert lang.word_filter("기울기") and not lang.word_filter("the") and not lang.word_filter("42")
