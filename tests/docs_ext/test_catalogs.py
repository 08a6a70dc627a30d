"""Catalog tooling: compendium fill and pruning, coverage, and the UI catalog."""

from __future__ import annotations

import json
from pathlib import Path

import catalogs
import polib
import pydata_sphinx_theme
import translation_coverage as coverage

DOCS = Path(__file__).resolve().parents[2] / "docs"
COMPENDIUM = DOCS / "locale" / "ko" / "compendium.po"
UI = DOCS / "_locale_ui" / "ko" / "LC_MESSAGES" / "sphinx.po"


def _po(path: Path, entries: dict[str, str]) -> None:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in entries.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


def test_fill_uses_exact_and_pattern_entries(tmp_path: Path) -> None:
    page = tmp_path / "msgs" / "auto_examples" / "plot_x.po"
    _po(
        page,
        {
            "Parameters": "",
            ":download:`Download Python source code: plot_x.py <plot_x.py>`": "",
            "Some prose": "",
            "Examples": "이미 번역됨",
        },
    )
    assert catalogs.fill(tmp_path / "msgs", COMPENDIUM) == 2
    got = {e.msgid: e.msgstr for e in polib.pofile(str(page))}
    assert got["Parameters"] == "매개변수"
    assert got[":download:`Download Python source code: plot_x.py <plot_x.py>`"] == (
        ":download:`Python 소스 코드 내려받기: plot_x.py <plot_x.py>`"
    )
    assert got["Some prose"] == ""
    assert got["Examples"] == "이미 번역됨"  # never overwritten


def test_prune_keeps_only_boilerplate_in_api_catalogs(tmp_path: Path) -> None:
    api = tmp_path / "gen_modules" / "vanishing.x.po"
    _po(api, {"Returns": "", "A docstring sentence.": ""})
    assert catalogs.prune(tmp_path, COMPENDIUM, ("gen_modules",)) == 1
    assert [e.msgid for e in polib.pofile(str(api))] == ["Returns"]


def test_coverage_counts_and_json(tmp_path: Path) -> None:
    _po(tmp_path / "a.po", {"one": "하나", "two": ""})
    rows = coverage.catalog_rows(tmp_path)
    assert rows == [
        {"page": "a", "translated": 1, "fuzzy": 0, "untranslated": 1, "total": 2, "percent": 50.0}
    ]
    coverage.write_json(rows, tmp_path / "out.json", "ko")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["total"]["percent"] == 50.0
    assert "TOTAL" in coverage.format_table(rows)


def test_ui_catalog_covers_every_theme_string() -> None:
    """A theme upgrade that adds a UI string fails here, not silently on /ko/."""
    theme_pot = Path(pydata_sphinx_theme.__file__).parent / "locale" / "sphinx.pot"
    ours = {e.msgid: e.msgstr for e in polib.pofile(str(UI))}
    missing = [e.msgid for e in polib.pofile(str(theme_pot)) if e.msgid and not ours.get(e.msgid)]
    assert not missing


def test_compendium_patterns_compile_and_round_trip() -> None:
    exact, patterns = catalogs.load(COMPENDIUM)
    assert exact and patterns
    assert catalogs.translate("[R0123abcd-1]_", exact, patterns) == "[R0123abcd-1]_"
