"""Korean author-year citations: ``He 등 (2015)``, ``Glorot과 Bengio (2010)``, ``(He 등, 2015)``.

sphinxcontrib-bibtex's ``author_year`` style writes "He et al. [2015]" and "Glorot and Bengio
[2010]" in every language, so a Korean sentence ended up with a particle hanging on an
English "et al." ("He et al. [2015]은"). On the Korean site this extension switches to a
style that follows Korean academic usage:

- three or more authors: the first author and 등 (``{cite:t}`` "He 등 (2015)");
- two authors: joined by 와 or 과, whichever the first name's Korean reading takes
  ("Kingma와 Ba", "Glorot과 Bengio", "Tieleman과 Hinton");
- the year in round brackets, and in ``{cite:p}`` several works separated by semicolons:
  "(Glorot과 Bengio, 2010; He 등, 2015)".

A Korean particle after ``{cite:t}`` then attaches to 등 or to the last author's name, which
is how the Korean catalogs choose it (은/이/과 after 등).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing, Node, node
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

STYLE = "author_year_ko"
#: "et al." in Korean.
OTHERS = " 등"
#: Latin endings whose Korean reading ends in a consonant (받침): Tieleman 틸레만, Nielsen 닐슨;
#: Kingma 킹마, Ioffe 이오페, Robbins 로빈스 end in a vowel.
CONSONANT_ENDINGS = ("l", "m", "n", "ng")
#: Names read against that rule, as Korean texts on deep learning write them (글로럿).
READ_WITH_CONSONANT = ("Glorot",)


def conjunction(name: str) -> str:
    """Korean "and" after ``name``: 과 after a final consonant, 와 after a vowel.

    >>> conjunction("Tieleman"), conjunction("Glorot"), conjunction("Kingma")
    ('과', '과', '와')
    """
    final_consonant = name.lower().endswith(CONSONANT_ENDINGS) or name in READ_WITH_CONSONANT
    return "과" if final_consonant else "와"


def join_korean(names: list[Text], full: bool) -> Text:
    """ "A", "A와 B", "A 등" (or, in full, "A, B와 C")."""
    if len(names) <= 1:
        return Text(*names)
    if len(names) > 2 and not full:
        return Text(names[0], OTHERS)
    head, last = names[:-1], names[-1]
    joined = Text(", ").join(head)
    return Text(joined, conjunction(str(head[-1])), " ", last)


@node
def korean_authors(children: list[Any], data: dict[str, Any], full: bool) -> Text:
    """The authors of the cited entry (else its editors), joined the Korean way."""
    assert not children
    entry, style = data["entry"], data["style"]
    for role in ("author", "editor"):
        persons = entry.persons.get(role)
        if persons:
            names = [style.person.style_plugin.format(p, style.person.abbreviate) for p in persons]
            return join_korean([n.format_data(data) for n in names], full)
    if "title" in entry.fields:
        return Text(entry.fields["title"])
    raise FieldIsMissing("author", entry)


@dataclass
class KoreanPersonStyle(PersonStyle):
    """Names as :func:`join_korean` writes them."""

    def author_or_editor_or_title(self, full: bool) -> Node:
        return korean_authors(full=full)


def _brackets() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class KoreanAuthorYearStyle(AuthorYearReferenceStyle):
    """``author_year`` with Korean names, round brackets and semicolons."""

    bracket_textual: BracketStyle = field(default_factory=_brackets)
    bracket_parenthetical: BracketStyle = field(default_factory=_brackets)
    bracket_author: BracketStyle = field(default_factory=_brackets)
    bracket_label: BracketStyle = field(default_factory=_brackets)
    bracket_year: BracketStyle = field(default_factory=_brackets)
    person: PersonStyle = field(default_factory=KoreanPersonStyle)


def use_korean_style(app: Sphinx, config: Config) -> None:
    """On the Korean site, cite the Korean way (``-D language=ko`` is known only now)."""
    if (config.language or "en") == "ko" and config.bibtex_reference_style == "author_year":
        config.bibtex_reference_style = STYLE


def setup(app: Sphinx) -> dict[str, Any]:
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE, KoreanAuthorYearStyle)
    app.connect("config-inited", use_korean_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
