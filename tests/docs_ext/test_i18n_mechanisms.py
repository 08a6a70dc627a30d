"""The public mechanisms docs/_ext uses instead of patching upstream code."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from accessibility import TOGGLE_LABEL, label_toggles
from bs4 import BeautifulSoup
from glue_i18n import check_myst_nb, page_reference
from sphinx.errors import ExtensionError
from ui_language import js_catalog


def test_glue_key_becomes_a_cross_page_reference() -> None:
    assert page_reference("theory/05-vanishing.md", "speed:.0f") == (
        "/theory/05-vanishing.md::speed:.0f"
    )
    # without a format, myst-nb would read "path:" + format "key": the default is added
    assert page_reference("index.md", "depth") == "/index.md::depth:s"
    assert page_reference("index.md", "other.md::depth") == "other.md::depth"


def test_js_catalog_adds_translated_entries(tmp_path: Path) -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Search Results", msgstr="검색 결과"))
    po.append(polib.POEntry(msgid="untranslated", msgstr=""))
    po.save(str(tmp_path / "sphinx.po"))
    script = js_catalog(tmp_path / "sphinx.po", "ko")
    assert script.startswith("Documentation.addTranslations(") and script.endswith(");")
    catalog = json.loads(script[len("Documentation.addTranslations(") : -2])
    assert catalog["messages"] == {"Search Results": "검색 결과"}
    assert catalog["locale"] == "ko"


def test_sidebar_toggles_get_a_name() -> None:
    soup = BeautifulSoup(
        '<ul><li><a href="a.html">Activations</a><details><summary><span role="presentation">'
        "</span></summary><ul><li>x</li></ul></details></li>"
        "<li><details><summary>Named</summary></details></li></ul>",
        "html.parser",
    )
    label_toggles(soup, TOGGLE_LABEL)
    first, second = soup.find_all("summary")
    assert first["aria-label"] == "Show or hide the pages under Activations"
    assert not second.has_attr("aria-label")  # has its own text


def test_glue_i18n_names_the_myst_nb_it_was_written_for() -> None:
    check_myst_nb("1.4.0")
    with pytest.raises(ExtensionError, match=r"written for myst-nb >= 1.1, < 2.0.*installed: "):
        check_myst_nb("2.0.1")
