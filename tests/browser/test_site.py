"""Site-wide behaviour in headless Chromium: the root redirect, the language switcher,
Korean search with particles, and Korean UI strings on the search page."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

Open = Callable[..., tuple[Page, Any]]

# under pytest-xdist (`make test`), one worker runs this module: one browser, one server
# and one memo of search results for all its tests
pytestmark = pytest.mark.xdist_group("site")


@pytest.mark.parametrize(
    ("locale", "lang"), [("ko-KR", "ko"), ("ko", "ko"), ("en-US", "en"), ("fr-FR", "en")]
)
def test_root_redirects_by_browser_language(open_page: Open, locale: str, lang: str) -> None:
    page, rec = open_page("", locale=locale)
    page.wait_for_url(f"**/{lang}/index.html")
    assert page.locator("html").get_attribute("lang") == lang
    assert not rec.foreign and not rec.errors


def test_root_has_plain_links_without_javascript(site_dir: Path) -> None:
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in html and 'href="ko/index.html"' in html
    assert "http" not in html.replace('charset="utf-8"', "")  # no external resources


@pytest.mark.parametrize(
    ("start", "landing"),
    [
        ("en/theory/03-activations.html", "ko/theory/03-activations.html"),
        ("ko/theory/03-activations.html", "en/theory/03-activations.html"),
        (
            "en/auto_examples/activations/plot_activation_derivatives.html",
            "ko/auto_examples/activations/plot_activation_derivatives.html",
        ),
        ("ko/index.html", "en/index.html"),
    ],
)
def test_switcher_lands_on_same_page(
    visit: Callable[[str], tuple[Page, Any]], start: str, landing: str
) -> None:
    page, _ = visit(start)  # the shared page: its cache has the theme, fonts and MathJax
    page.locator("a.lang-switcher").first.click()
    page.wait_for_url(f"**/{landing}")


Search = Callable[[str], tuple[list[str], str]]


@pytest.fixture(scope="module")
def search_results() -> dict[str, tuple[list[str], str]]:
    """Results by query, so each query is searched once per run."""
    return {}


@pytest.fixture
def search(
    visit: Callable[[str], tuple[Page, Any]], search_results: dict[str, tuple[list[str], str]]
) -> Search:
    """``search(query) -> (hit paths, status text)`` on the Korean search page.

    Runs in the session's shared page (one browser, one server, a warm cache for the pages
    the search fetches to show summaries) and searches each query once.
    """

    def _search(query: str) -> tuple[list[str], str]:
        if query not in search_results:
            page, rec = visit(f"ko/search.html?q={quote(query)}")
            # results are appended one by one: wait until the summary's count is all listed
            page.wait_for_function(
                """() => {
                    const summary = document.querySelector('#search-results .search-summary');
                    const count = summary?.textContent.match(/\\d+/);
                    const items = document.querySelectorAll('#search-results ul.search li').length;
                    return count !== null && count !== undefined && items === Number(count[0]);
                }""",
                timeout=30_000,
            )
            links = page.locator("#search-results ul.search li a").evaluate_all(
                "as => as.map(a => a.getAttribute('href'))"
            )
            assert not rec.errors and not rec.foreign
            hits = [link.split("?")[0].split("#")[0] for link in links]
            search_results[query] = (hits, page.locator("#search-results").inner_text())
        return search_results[query]

    return _search


@functools.cache  # each search hits ~50 pages; parse each once, not once per test
def _text(site_dir: Path, href: str) -> str:
    html = (site_dir / "ko" / href).read_text(encoding="utf-8")
    # parse only the <main> element (the page without its navigation and scripts)
    start, end = html.find("<main"), html.rfind("</main>")
    if start >= 0 and end > start:
        html = html[start : end + len("</main>")]
    main = BeautifulSoup(html, "html.parser").find("main") or BeautifulSoup(html, "html.parser")
    return main.get_text(" ")


@pytest.mark.parametrize("query", ["기울기가", "기울기를", "기울기는"])
def test_korean_search_strips_particles(search: Search, site_dir: Path, query: str) -> None:
    """A particle form finds a page that only uses the word with other endings."""
    hits, _ = search(query)
    assert hits, f"no result for {query}"
    texts = {h: _text(site_dir, h) for h in set(hits)}
    other_form = [h for h, t in texts.items() if query not in t and "기울기" in t]
    assert other_form, f"{query}: every hit contains the query verbatim: {sorted(texts)}"
    stem_hits, _ = search("기울기")
    assert set(hits) == set(stem_hits), "a particle form should find exactly the stem's pages"


def test_korean_search_stem_finds_particle_forms(search: Search, site_dir: Path) -> None:
    hits, _ = search("기울기")
    assert any("기울기가" in _text(site_dir, h) for h in set(hits))


def test_search_page_ui_is_korean(search: Search) -> None:
    _, status = search("기울기")
    assert "검색" in status and "Search" not in status, status


def test_browser_splits_and_stems_like_the_index(open_page: Open) -> None:
    """language_data.js must treat a query exactly as korean_search.py treated the pages."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "docs" / "_ext" / "korean_search.py"
    spec = importlib.util.spec_from_file_location("korean_search", path)
    assert spec is not None and spec.loader is not None
    ks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ks)

    samples = [
        "기울기가 사라진다",
        "기울기(gradient)를 계산한다",
        "ReLU의 도함수는 1이다",
        "활성화 함수에서는 Vanishing gradients가",
        "초기화하면 소실됩니다",
    ]
    page, _ = open_page("ko/search.html")
    got = page.evaluate(
        """(samples) => { const s = new Stemmer();
             return samples.map((t) => splitQuery(t).map((w) => s.stemWord(w))); }""",
        samples,
    )
    assert got == [[ks.stem(w) for w in ks.split(t)] for t in samples]


@pytest.mark.parametrize("path", ["", "en/index.html", "ko/index.html"])
def test_first_load_has_a_favicon_and_no_console_error(open_page: Open, path: str) -> None:
    """A fresh browser (nothing cached) opening the site: no error, and an icon that loads."""
    page, rec = open_page(path)
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel='icon']").first.evaluate("link => link.href")
    response = page.request.get(icon)
    assert response.ok, f"favicon {icon}: {response.status}"
    assert response.headers["content-type"].startswith("image/"), response.headers
    assert not rec.errors, f"console errors: {rec.errors}"
    assert not rec.failed, f"failed requests: {rec.failed}"


def test_chromium_writes_nothing_into_the_home_folder(
    browser: Browser, base_url: str, tmp_path: Path
) -> None:
    """Started as the browser fixture starts it, with the variables tests/conftest.py set
    (docs/_ext/user_dirs.py), Chromium keeps its crash database and caches in the build
    tree: an empty home folder stays empty."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    other = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
    try:
        page = other.new_page()
        page.goto(base_url + "en/index.html")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        other.close()
    assert not any(home.iterdir()), sorted(p.name for p in home.rglob("*"))
