"""Every Korean message has the structure of its English source, as Sphinx will parse it.

Sphinx translates a page by parsing each ``msgstr`` on its own, with the parser of the page
(MyST for ``.md`` pages, reStructuredText for ``.rst`` pages and the gallery), and then
*silently keeps the English* when the result is not what it expected: a paragraph must parse
to a paragraph, and a title, which Sphinx parses as ``msgstr`` plus an ``=====`` underline,
to a section title. So a Korean heading "1. 층 작성하기" re-parsed by MyST as an enumerated list
leaves the English heading on the Korean page, with no warning. These tests parse both
messages the same way, with a stand-in for Sphinx's roles, and compare:

- the block structure: the top-level nodes of the parsed message (a title stays a title, a
  paragraph stays one paragraph, a list stays a list);
- the inline markup that carries meaning: every role (with its name and target, so
  ``{glue:text}`key``` and ``{cite:t}`key``` stay), reference target, footnote and
  citation reference, inline and display math (with its exact TeX), and inline code (each
  code span at least once).

Like tests/test_translation.py they read the committed catalogs and sources; no build.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import polib
import pytest
from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser as RstParser
from docutils.parsers.rst import roles
from myst_parser.parsers.docutils_ import Parser as MystParser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GALLERY = ROOT / "gallery"
LOCALE = DOCS / "locale" / "ko" / "LC_MESSAGES"
#: As in docs/conf.py.
MYST_EXTENSIONS = {"dollarmath", "amsmath", "colon_fence", "deflist"}
#: Catalogs kept English on purpose (docs/build.py ENGLISH_ONLY), and the code catalog
#: (``_code.po``: comments and labels of code, not a page; tests/test_translation_code.py).
ENGLISH_ONLY = ("gen_modules", "_code")


# --------------------------------------------------------------------------------------
# Parsing a message as Sphinx does
# --------------------------------------------------------------------------------------
def _stand_in_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """A Sphinx role (ref, doc, glue:text, cite:p, py:func ...): keep its name and text."""
    return [nodes.inline(rawtext, utils.unescape(text), classes=["role"], role=name)], []


_docutils_role = roles.role


def _role(name: str, language: Any, lineno: int, reporter: Any) -> tuple[Any, list[Any]]:
    """docutils' own roles (math, code ...) as they are; every other name is a Sphinx role."""
    function, messages = _docutils_role(name, language, lineno, reporter)
    return (function, messages) if function is not None else (_stand_in_role, [])


@cache
def _settings(markdown: bool) -> Any:
    settings = get_default_settings(MystParser if markdown else RstParser)
    settings.report_level = settings.halt_level = 5  # errors become nodes, not output
    settings.warning_stream = False
    if markdown:
        settings.myst_enable_extensions = MYST_EXTENSIONS
    return settings


def parse(text: str, *, markdown: bool, title: bool = False) -> nodes.document:
    """Parse one message the way ``sphinx.transforms.i18n.Locale`` does."""
    if title:  # Sphinx: "This generates: <section ...><title>msgstr</title></section>"
        text = text + "\n" + "=" * len(text) * 2
    document = utils.new_document("<message>", _settings(markdown))
    parser = MystParser() if markdown else RstParser()
    roles.role = _role  # type: ignore[assignment]
    try:
        parser.parse(text, document)
    finally:
        roles.role = _docutils_role
    return document


def blocks(document: nodes.document, title: bool) -> list[str]:
    """The top-level structure Sphinx checks: what the translation will be patched with."""
    if title:
        section = document.children[0] if document.children else None
        ok = isinstance(section, nodes.section) and isinstance(section.next_node(), nodes.title)
        return ["section>title"] if ok else [child.tagname for child in document.children]
    return [child.tagname for child in document.children]


def _target(text: str) -> str:
    """The target of ``title <target>`` (the title is translated), else the text."""
    match = re.fullmatch(r"(?s).*?<([^<>]+)>", text.strip())
    return match.group(1) if match else text.strip()


def inline(document: nodes.document) -> Counter[tuple[str, ...]]:
    """The markup of a message that must survive translation, as a multiset."""
    found: Counter[tuple[str, ...]] = Counter()
    for node in document.findall(nodes.Element):
        if isinstance(node, nodes.inline) and "role" in node.attributes:
            found["role", node["role"], _target(node.astext())] += 1
        elif isinstance(node, nodes.math | nodes.math_block):
            found[node.tagname, " ".join(node.astext().split())] += 1
        elif isinstance(node, nodes.literal):
            # a code name may be repeated in Korean (a particle cannot attach to it twice)
            found["literal", node.astext()] = 1
        elif isinstance(node, nodes.reference) and node.get("refuri"):
            found["reference", node["refuri"]] += 1
        elif isinstance(
            node, nodes.footnote_reference | nodes.citation_reference | nodes.substitution_reference
        ):
            found[node.tagname, node.get("refname", node.astext())] += 1
    return found


# --------------------------------------------------------------------------------------
# The English side: which messages are headings, and in which syntax
# --------------------------------------------------------------------------------------
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})")
ATX = re.compile(r"^#{1,6}\s+(.*?)(\s+#+)?\s*$")
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+.:_])\1+\s*$")


def markdown_headings(text: str) -> set[str]:
    """ATX headings of a MyST page, outside fenced blocks (code cells, directives)."""
    headings, fence = set(), ""
    for line in text.splitlines():
        opened = FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
        elif match := ATX.match(line):
            headings.add(match.group(1))
    return headings


def rst_headings(text: str) -> set[str]:
    """Section titles of reST text (an underline at least as long as the line above it)."""
    lines = text.splitlines()
    return {
        above.strip()
        for above, below in zip(lines, lines[1:], strict=False)
        if above.strip()
        and not UNDERLINE.match(above)
        and UNDERLINE.match(below)
        and len(below.rstrip()) >= len(above.strip())
    }


def sources(docname: str) -> tuple[bool, list[Path]]:
    """Whether a catalog's page is MyST, and the English sources its messages come from."""
    if (DOCS / f"{docname}.md").is_file():
        return True, [DOCS / f"{docname}.md"]
    if docname.startswith("auto_examples"):
        stem = GALLERY / docname.removeprefix("auto_examples").strip("/")
        if stem.name == "index":
            folder = stem.parent
            return False, [
                p for n in ("README.rst", "GALLERY_HEADER.rst") if (p := folder / n).is_file()
            ]
        return False, [stem.with_suffix(".py")]
    return False, [DOCS / f"{docname}.rst"]


@cache
def catalogs() -> dict[str, polib.POFile]:
    return {
        str(path.relative_to(LOCALE).with_suffix("")): polib.pofile(str(path))
        for path in sorted(LOCALE.rglob("*.po"))
        if not str(path.relative_to(LOCALE)).startswith(ENGLISH_ONLY)
    }


@cache
def headings(docname: str) -> frozenset[str]:
    markdown, paths = sources(docname)
    found: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found |= markdown_headings(text) if markdown else rst_headings(text)
    return frozenset(found)


def messages() -> Iterator[tuple[str, polib.POEntry, bool, bool]]:
    """(catalog, entry, is MyST, is a heading) for every translated live message."""
    for docname, po in catalogs().items():
        markdown = sources(docname)[0]
        for entry in po:
            if not entry.obsolete and entry.msgstr and entry.msgstr != entry.msgid:
                yield docname, entry, markdown, entry.msgid in headings(docname)


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------
def test_the_parser_stand_in_sees_what_sphinx_sees() -> None:
    """The harness itself: the known failure is caught, its fix passes, roles are seen."""
    dropped = parse("1. 층 작성하기", markdown=True, title=True)
    kept = parse(r"1\. 층 작성하기", markdown=True, title=True)
    assert blocks(dropped, title=True) == ["enumerated_list"]
    assert blocks(kept, title=True) == ["section>title"]
    assert kept.next_node(nodes.title).astext() == "1. 층 작성하기"
    sentence = parse("He {cite:t}`he2015` and {ref}`초기화 <theory-init>`, $x^2$", markdown=True)
    assert inline(sentence) == Counter(
        {("role", "cite:t", "he2015"): 1, ("role", "ref", "theory-init"): 1, ("math", "x^2"): 1}
    )
    # reST: a role glued to Hangul without "\ " is not a role any more
    assert inline(parse(r":math:`W`\ 를", markdown=False)) == Counter({("math", "W"): 1})
    assert not inline(parse(":math:`W`를", markdown=False))


def test_every_page_title_is_found() -> None:
    """The heading detector finds at least the title of every page with a source."""
    missing = [
        docname
        for docname, po in catalogs().items()
        if sources(docname)[1] and not any(e.msgid in headings(docname) for e in po)
    ]
    assert not missing, f"no heading found in the sources of {missing}"
    numbered = [h for d in catalogs() if d.startswith("howto/") for h in headings(d)]
    # the numbered steps of check-gradients (5), clip-gradients (3) and diagnose-training (5)
    assert sum(bool(re.match(r"\d+\. ", h)) for h in numbered) >= 13


def test_headings_stay_headings() -> None:
    """A translated heading parses to a section title (else Sphinx keeps the English)."""
    broken = [
        f"{docname}: {entry.msgstr!r} parses as {got}"
        for docname, entry, markdown, title in messages()
        if title
        and (got := blocks(parse(entry.msgstr, markdown=markdown, title=True), True))
        != ["section>title"]
    ]
    assert not broken, f"{len(broken)} headings Sphinx would drop: {broken[:5]}"


def test_block_structure_kept() -> None:
    """A paragraph stays one paragraph, a list stays a list, nothing else appears."""
    broken = []
    for docname, entry, markdown, title in messages():
        if title:
            continue
        want = blocks(parse(entry.msgid, markdown=markdown), False)
        got = blocks(parse(entry.msgstr, markdown=markdown), False)
        if want != got:
            broken.append(f"{docname}: {entry.msgstr[:50]!r} is {got}, English {want}")
    assert not broken, f"{len(broken)} messages change block structure: {broken[:5]}"


@pytest.mark.parametrize("docname", sorted(catalogs()))
def test_inline_markup_kept(docname: str) -> None:
    """Every role, reference, math and code span of the English is in the Korean."""
    broken = []
    for name, entry, markdown, title in messages():
        if name != docname:
            continue
        want = inline(parse(entry.msgid, markdown=markdown))
        got = inline(parse(entry.msgstr, markdown=markdown, title=title))
        if want != got:
            lost, added = want - got, got - want
            broken.append(f"{entry.msgid[:50]!r}: lost {dict(lost)}, added {dict(added)}")
    assert not broken, f"{len(broken)} messages change markup: {broken[:4]}"
