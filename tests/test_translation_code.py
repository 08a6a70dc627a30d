"""Korean code: the code catalog, and the Korean gallery scripts made from it.

``docs/_ext/gallery_ko.py`` writes a Korean copy of every gallery script from the page
catalogs (text blocks) and ``_code.po`` (comments, figure and printed labels). These
tests need no site build: they check the catalog is current and complete, and that every
Korean script is the English code with only comments and strings changed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GALLERY = ROOT / "gallery"
MESSAGES = DOCS / "locale" / "ko" / "LC_MESSAGES"
sys.path.insert(0, str(DOCS / "_ext"))

import gallery_ko  # noqa: E402  (docs/_ext)

CATALOG = MESSAGES / gallery_ko.CODE_CATALOG
SCRIPTS = sorted(GALLERY.rglob("plot_*.py"))


def korean(script: Path) -> str:
    pages = MESSAGES / "auto_examples"
    text = {
        **gallery_ko.translations(*sorted(pages.rglob("*.po"))),
        **gallery_ko.translations(pages / script.relative_to(GALLERY).with_suffix(".po")),
    }
    code = gallery_ko.translations(CATALOG)
    return gallery_ko.translate_script(script.read_text(encoding="utf-8"), text.get, code.get)


def test_code_catalog_is_current(tmp_path: Path) -> None:
    """The committed catalog holds exactly what the sources have: run --update-po."""
    fresh = tmp_path / CATALOG.name
    shutil.copyfile(CATALOG, fresh)
    gallery_ko.update_code_catalog(GALLERY, DOCS, fresh)
    committed = {e.msgid for e in polib.pofile(str(CATALOG))}
    current = {e.msgid for e in polib.pofile(str(fresh))}
    assert len(current) >= 200
    assert committed == current, (
        f"stale {CATALOG.name}: new {sorted(current - committed)[:5]}, "
        f"gone {sorted(committed - current)[:5]}; run `python docs/build.py --update-po`"
    )


def test_every_code_cell_is_read_as_python() -> None:
    """Each page's code cells parse once their options are cut off: a cell that does not
    is left out of the catalog without a word, as those with a YAML block once were."""
    import ast

    pages = [p for p in sorted(DOCS.rglob("*.md")) if "_build" not in p.parts]
    cells = [
        (page.relative_to(DOCS).as_posix(), cell)
        for page in pages
        for cell in gallery_ko.notebook_cells(page.read_text(encoding="utf-8"))
    ]
    assert len(cells) >= 100
    for where, cell in cells:
        ast.parse(cell, where)  # raises SyntaxError naming the page


def test_code_translations_keep_their_fields() -> None:
    """An f-string's replacement fields ({ratio:9.3g}) survive translation unchanged."""
    entries = polib.pofile(str(CATALOG))
    fielded = [e for e in entries if gallery_ko.FIELD.search(e.msgid)]
    assert len(fielded) >= 50
    broken = [e.msgid for e in fielded if gallery_ko.fields(e.msgid) != gallery_ko.fields(e.msgstr)]
    assert not broken, f"{len(broken)} translations change their fields: {broken[:3]}"


def test_code_translations_are_korean() -> None:
    """A message of two or more words reads Korean (names such as ReLU stay as they are)."""

    def words(msgid: str) -> list[str]:
        prose = gallery_ko.FIELD.sub("", msgid)
        return [w for w in gallery_ko.WORD.findall(prose) if w not in gallery_ko.NAMES]

    entries = [e for e in polib.pofile(str(CATALOG)) if len(words(e.msgid)) >= 2]
    assert len(entries) >= 200
    english = [e.msgid for e in entries if not gallery_ko.HANGUL.search(e.msgstr)]
    assert not english, f"{len(english)} messages without Korean: {english[:5]}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_korean_script_is_the_english_code(script: Path) -> None:
    english = script.read_text(encoding="utf-8")
    translated = korean(script)
    assert translated != english
    assert gallery_ko.code_skeleton(translated) == gallery_ko.code_skeleton(english)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_text_block_message_is_translated(script: Path) -> None:
    """Each title and paragraph of the script's text finds its translation by its msgid."""
    pages = MESSAGES / "auto_examples"
    table = {
        **gallery_ko.translations(*sorted(pages.rglob("*.po"))),
        **gallery_ko.translations(pages / script.relative_to(GALLERY).with_suffix(".po")),
    }
    asked: list[str] = []

    def lookup(msgid: str) -> str | None:
        asked.append(msgid)
        return table.get(msgid)

    gallery_ko.translate_script(script.read_text(encoding="utf-8"), lookup, {}.get)
    missing = [m for m in asked if m not in table]
    assert len(asked) >= 5
    assert not missing, f"{len(missing)} of {len(asked)} without translation: {missing[:3]}"


def test_translate_rst_titles_lists_and_paragraphs() -> None:
    text = "Title\n=====\n\nOne line\nand two.\n\n* an item\n  over two lines\n"
    table = {
        "Title": "제목",
        "One line and two.": "한 줄과 두 줄.",
        "an item over two lines": "두 줄에 걸친 항목",
    }
    assert gallery_ko.translate_rst(text, table.get) == (
        "제목\n====\n\n한 줄과 두 줄.\n\n* 두 줄에 걸친 항목\n"
    )


def test_translate_rst_keeps_untranslated_text() -> None:
    text = "A paragraph\nwithout translation.\n"
    assert gallery_ko.translate_rst(text, {}.get) == text


def test_wrap_never_breaks_an_escaped_space() -> None:
    lines = gallery_ko.wrap(r":math:`x`\ 와 :math:`y`\ 는 같습니다", 14, "# ", "# ")
    assert all(not line.endswith("\\") for line in lines)
    assert " ".join(line[2:] for line in lines) == r":math:`x`\ 와 :math:`y`\ 는 같습니다"


def test_comment_runs_are_one_message() -> None:
    source = "# first line\n# second line\nx = 1  # trailing\n"
    spans = gallery_ko.code_spans(source)
    assert [s.msgid for s in spans] == ["first line second line", "trailing"]
    out = gallery_ko.translate_code(source, {"first line second line": "첫 줄"}.get)
    assert out == "# 첫 줄\nx = 1  # trailing\n"


def test_only_visible_strings_are_messages() -> None:
    source = (
        'net = MLP([2, 2], "sigmoid")\n'
        'ax.set_xlabel("layer $l$")\n'
        'labels = {"relu": "rectified", "x": "$x$"}\n'
        'print(f"loss {loss:.3f}", "done")\n'
    )
    found = [s.msgid for s in gallery_ko.code_spans(source)]
    assert found == ["layer $l$", "rectified", "loss {loss:.3f}", "done"]


def test_unchanged_gallery_is_not_rewritten(tmp_path: Path) -> None:
    """sphinx-gallery reruns a script whose file changed: a rebuild must touch nothing."""
    gallery = tmp_path / "gallery"
    shutil.copytree(GALLERY / "vanishing", gallery / "vanishing")
    target = tmp_path / "ko"
    first = gallery_ko.write_gallery(gallery, target, MESSAGES)
    stamps = {p: p.stat().st_mtime_ns for p in target.rglob("*.py")}
    assert first == len(list(gallery.rglob("*"))) - 1  # every file, not the folder
    assert gallery_ko.write_gallery(gallery, target, MESSAGES) == 0
    assert stamps == {p: p.stat().st_mtime_ns for p in target.rglob("*.py")}
    (gallery / "vanishing" / "plot_layer_speed.py").unlink()
    gallery_ko.write_gallery(gallery, target, MESSAGES)
    assert not (target / "vanishing" / "plot_layer_speed.py").exists()
