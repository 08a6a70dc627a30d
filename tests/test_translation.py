"""The Korean catalogs: complete, not fuzzy, markup intact, glossary terms used consistently.

These read the committed ``.po`` files under ``docs/locale/ko/LC_MESSAGES`` with polib; they do not
need a site build.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "docs" / "locale" / "ko" / "LC_MESSAGES"
GLOSSARY = ROOT / "docs" / "glossary_ko.json"
# The glossary page lists the alternatives on purpose.
GLOSSARY_PAGE = "glossary.po"

# English terms whose preferred Korean term must appear whenever the English term does.
REQUIRED_TERMS = (
    "vanishing gradient",
    "exploding gradient",
    "backpropagation",
    "activation function",
    "learning rate",
    "batch normalization",
    "gradient clipping",
    "chain rule",
)

# Inline markup that must survive translation unchanged: roles such as {glue:text}`x`,
# {ref}`y`, :math:`z`, and inline math $...$.
MARKUP = re.compile(r"(\{[\w:.-]+\}`[^`]+`|:[\w:.-]+:`[^`]+`|\$[^$\n]+\$)")
# A cross-reference with an explicit title, `title <target>`: the title is translated.
TITLED = re.compile(r"^([{:][\w:.-]+[}:]`)[^`<]*<([^>`]+)>`$")


def markup(text: str) -> list[str]:
    """The inline markup of a message, with translatable reference titles dropped."""
    return sorted(TITLED.sub(r"\1<\2>`", token) for token in MARKUP.findall(text))


@cache
def catalogs() -> dict[str, polib.POFile]:
    files = sorted(LOCALE.rglob("*.po"))
    return {str(p.relative_to(LOCALE)): polib.pofile(str(p)) for p in files}


def entries() -> list[tuple[str, polib.POEntry]]:
    return [(name, e) for name, po in catalogs().items() for e in po if not e.obsolete]


def test_catalogs_exist() -> None:
    assert LOCALE.is_dir(), f"missing {LOCALE}"
    assert len(catalogs()) >= 10, f"expected a catalog per page, found {sorted(catalogs())}"


def test_every_message_translated_and_none_fuzzy() -> None:
    untranslated = [
        f"{n}: {e.msgid[:60]!r}" for n, e in entries() if not e.msgstr and not e.msgstr_plural
    ]
    fuzzy = [f"{n}: {e.msgid[:60]!r}" for n, e in entries() if e.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_no_obsolete_entries() -> None:
    """``#~`` entries left by ``sphinx-intl update`` are dead text: reuse, then delete them."""
    obsolete = [f"{n}: {e.msgid[:60]!r}" for n, po in catalogs().items() for e in po if e.obsolete]
    assert not obsolete, f"{len(obsolete)} obsolete entries, e.g. {obsolete[:5]}"


def test_translations_contain_hangul() -> None:
    """A message with English words is translated into Korean, not copied."""
    copied = [
        f"{n}: {e.msgid[:60]!r}"
        for n, e in entries()
        if e.msgstr == e.msgid and len(re.findall(r"[A-Za-z]{4,}", prose(e.msgid))) >= 4
    ]
    assert not copied, f"{len(copied)} messages copied untranslated, e.g. {copied[:5]}"


def test_inline_markup_preserved() -> None:
    broken = []
    for name, e in entries():
        if not e.msgstr:
            continue
        want, got = markup(e.msgid), markup(e.msgstr)
        if want != got:
            broken.append(f"{name}: {sorted(set(want) ^ set(got))}")
    assert not broken, f"{len(broken)} messages change inline markup: {broken[:5]}"


def prose(text: str) -> str:
    """The text without inline markup and code (names there are not translated)."""
    return re.sub(r"`[^`]*`", "", MARKUP.sub("", text))


@cache
def glossary() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    return data


def test_glossary_has_one_korean_term_per_concept() -> None:
    ko_terms = [str(v["ko"]) for v in glossary().values()]
    assert len(ko_terms) >= 50
    duplicates = {t for t in ko_terms if ko_terms.count(t) > 1}
    assert not duplicates, f"one Korean term used for several concepts: {duplicates}"


def test_avoided_terms_not_used() -> None:
    hits = []
    for name, e in entries():
        if Path(name).name == GLOSSARY_PAGE:
            continue
        for english, spec in glossary().items():
            for bad in spec.get("avoid", []):  # type: ignore[attr-defined]
                if bad in e.msgstr:
                    hits.append(f"{name}: {bad!r} (use {spec['ko']!r} for {english!r})")
    assert not hits, f"{len(hits)} inconsistent terms: {hits[:8]}"


@pytest.mark.parametrize("english", REQUIRED_TERMS)
def test_required_terms_used(english: str) -> None:
    korean = str(glossary()[english]["ko"])
    pattern = re.compile(rf"\b{re.escape(english)}", re.IGNORECASE)
    missing = [
        f"{n}: {e.msgid[:70]!r}"
        for n, e in entries()
        if e.msgstr and pattern.search(e.msgid) and korean not in e.msgstr.replace("\n", " ")
    ]
    assert not missing, f"{english!r} not rendered as {korean!r} in {len(missing)}: {missing[:5]}"


def test_same_english_same_korean() -> None:
    """A short message (a heading, a label) reads the same wherever it appears."""
    seen: dict[str, set[str]] = {}
    for name, e in entries():
        # glossary headings add the English term in parentheses on purpose
        # (a name kept as is, such as the project's, is not a translation)
        keep = e.msgstr == e.msgid
        if e.msgstr and not keep and len(e.msgid) <= 40 and Path(name).name != GLOSSARY_PAGE:
            seen.setdefault(e.msgid, set()).add(e.msgstr)
    varying = {k: v for k, v in seen.items() if len(v) > 1}
    assert not varying, (
        f"{len(varying)} messages translated inconsistently: {list(varying.items())[:5]}"
    )
