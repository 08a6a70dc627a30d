"""Korean author-year citations (docs/_ext/korean_citations.py), formatted from references.bib."""

from __future__ import annotations

import korean_citations
import pytest
from pybtex.database import parse_file
from sphinxcontrib.bibtex.plugin import find_plugin
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from .conftest import DOCS

BIB = parse_file(str(DOCS / "references.bib"))


def cite(style: object, role: str, *keys: str) -> str:
    """What ``{cite:ROLE}`KEYS``` reads as, as plain text."""
    info = SphinxReferenceInfo(None, "page", "bibliography", "id", None, "", "")  # type: ignore[arg-type]
    references = [(BIB.entries[key], None, info) for key in keys]
    return str(format_references(style, role, references))  # type: ignore[arg-type]


KOREAN = korean_citations.KoreanAuthorYearStyle()


@pytest.mark.parametrize(
    ("role", "keys", "expected"),
    [
        ("t", ("he2015delving",), "He 등 (2015)"),
        ("p", ("he2015delving",), "(He 등, 2015)"),
        ("t", ("glorot2010",), "Glorot과 Bengio (2010)"),
        ("t", ("kingma2015",), "Kingma와 Ba (2015)"),
        ("t", ("tieleman2012",), "Tieleman과 Hinton (2012)"),
        ("t", ("hochreiter1991",), "Hochreiter (1991)"),
        ("p", ("glorot2010", "he2015delving"), "(Glorot과 Bengio, 2010; He 등, 2015)"),
        ("ts", ("pascanu2013",), "Pascanu, Mikolov와 Bengio (2013)"),
    ],
)
def test_korean_form(role: str, keys: tuple[str, ...], expected: str) -> None:
    assert cite(KOREAN, role, *keys) == expected


def test_no_english_left_in_any_korean_citation() -> None:
    for key in BIB.entries:
        for role in ("t", "p"):
            text = cite(KOREAN, role, key)
            assert "et al" not in text and " and " not in text and "[" not in text, text


def test_english_keeps_its_style() -> None:
    english = find_plugin("sphinxcontrib.bibtex.style.referencing", "author_year")
    assert cite(english(), "t", "he2015delving") == "He et al. [2015]"


@pytest.mark.parametrize(("name", "particle"), [("Nielsen", "과"), ("Robbins", "와")])
def test_conjunction_follows_the_korean_reading(name: str, particle: str) -> None:
    assert korean_citations.conjunction(name) == particle
