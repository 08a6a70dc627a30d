"""Numbers computed at build time (myst-nb glue) appear identically in both languages.

Reads the built HTML directly (no browser needed, but the site must be built like the other
tests in this folder).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "docs" / "_build" / "site"
PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')
PAGES = sorted(p.relative_to(SITE / "en") for p in (SITE / "en").glob("*/*.html"))


def pasted(path: Path) -> list[str]:
    return PASTED.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if pasted(SITE / "en" / p)], ids=str)
def test_glued_numbers_match_across_languages(page: Path) -> None:
    english, korean = pasted(SITE / "en" / page), pasted(SITE / "ko" / page)
    assert english, f"{page}: no computed numbers found"
    assert sorted(english) == sorted(korean), f"{page}: computed numbers differ in Korean"


def test_pages_with_computed_numbers_exist() -> None:
    with_numbers = [p for p in PAGES if pasted(SITE / "en" / p)]
    assert len(with_numbers) >= 10, with_numbers
