"""Fixtures for the browser tests: the built site over HTTP and one headless Chromium.

The site must be built first (``make site``); these tests never build it and never
download a browser: they drive Debian's ``/usr/bin/chromium`` (override with the
``CHROMIUM`` environment variable) through Playwright, and fail, not skip, when either
is missing.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "_build" / "site"
LANGUAGES = ("en", "ko")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    # Only the local server resolves: a request to any other host fails at once, offline,
    # and the Recorder lists it. (Routing every request through Playwright instead would
    # turn off the browser's cache: each page would fetch and compile MathJax, Plotly and
    # the theme again.)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The desktop viewport (CSS px) the page checks run in; the phone check narrows it.
DESKTOP = {"width": 1280, "height": 720}
NOT_BUILT = f"The site is not built ({SITE} has no en/ and ko/): run `make site` first."


def site_pages() -> list[str]:
    """Every HTML page of both languages, relative to the site root ('en/index.html')."""
    pages = []
    for lang in LANGUAGES:
        for path in sorted((SITE / lang).rglob("*.html")):
            rel = path.relative_to(SITE).as_posix()
            if "/_static/" not in rel and "/_sources/" not in rel and "/_images/" not in rel:
                pages.append(rel)
    return pages


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        pages = site_pages()
        # An unbuilt site yields one failing case, never zero (silently skipped) cases.
        # Module scope: pytest runs every test of a module on one page before the next
        # page, so a page is loaded once for all its checks (fixture ``loaded``). One
        # xdist group per page keeps those checks on one worker (``--dist loadgroup``):
        # otherwise two workers may each load the same page.
        params = [
            pytest.param(page, marks=pytest.mark.xdist_group(f"page:{page}"))
            for page in pages or ["<site not built>"]
        ]
        metafunc.parametrize("page_path", params, scope="module")


#: Where the server also serves axe-core (as the axe-playwright-python wheel ships it, a test
#: dependency: no network), so the browser caches and compiles it once, not once a page.
AXE_PATH = "_tests/axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        if urlsplit(path).path == "/" + AXE_PATH:
            return str(AXE_FILE_PATH)
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not all((SITE / lang / "index.html").is_file() for lang in LANGUAGES):
        pytest.fail(NOT_BUILT, pytrace=False)
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """Serve the built site on a free localhost port for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk "
            "(or set CHROMIUM to a Chromium/Chrome binary)",
            pytrace=False,
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """What a page did that the tests forbid: foreign requests, errors, failed loads."""

    def __init__(self, base_url: str) -> None:
        self.origin = urlsplit(base_url).netloc
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request: Request) -> None:
        # A request the browser cancels because the test moved on (the favicon and web
        # fonts load lazily) is not a failure; a missing file is a 404 response instead.
        # A foreign request fails too (CHROMIUM_ARGS): it is listed as foreign already.
        if (request.failure or "").startswith("net::ERR_ABORTED") or self.is_foreign(request):
            return
        self.failed.append(f"{request.url} ({request.failure})")

    def is_foreign(self, request: Request) -> bool:
        parts = urlsplit(request.url)
        return parts.scheme not in {"data", "blob", "about"} and parts.netloc != self.origin

    def _request(self, request: Request) -> None:
        if self.is_foreign(request):
            self.foreign.append(request.url)

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def reset(self) -> None:
        self.foreign.clear()
        self.errors.clear()
        self.failed.clear()


@pytest.fixture(scope="session")
def shared_page(browser: Browser, base_url: str) -> Iterator[tuple[Page, Recorder]]:
    """One page reused for every page check, so the browser cache keeps them fast."""
    context = browser.new_context(locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    recorder = Recorder(base_url)
    recorder.attach(page)
    yield page, recorder
    context.close()


def goto(page: Page, recorder: Recorder, url: str) -> None:
    """Load ``url`` in the shared page at the desktop viewport, with fresh records.

    A check that narrowed the viewport leaves it narrow: it is widened on a blank page
    here, which costs nothing, rather than by laying the old page out again.
    """
    if page.viewport_size != DESKTOP:
        page.goto("about:blank")
        page.set_viewport_size(DESKTOP)
    recorder.reset()
    page.goto(url, wait_until="load")


@pytest.fixture(scope="module")
def loaded(
    page_path: str, shared_page: tuple[Page, Recorder], base_url: str
) -> tuple[Page, Recorder]:
    """``page_path`` loaded once in the shared page, for every check of that page."""
    page, recorder = shared_page
    goto(page, recorder, base_url + page_path)
    return page, recorder


@pytest.fixture
def visit(
    shared_page: tuple[Page, Recorder], base_url: str
) -> Callable[[str], tuple[Page, Recorder]]:
    """``visit(path) -> (page, recorder)``: load a page of the site, fresh records."""

    def _visit(path: str) -> tuple[Page, Recorder]:
        page, recorder = shared_page
        goto(page, recorder, base_url + path)
        return page, recorder

    return _visit


@pytest.fixture
def open_page(browser: Browser, base_url: str) -> Iterator[Callable[..., tuple[Page, Recorder]]]:
    """``open_page(path, locale=...) -> (page, recorder)`` in a new browser context."""
    contexts: list[BrowserContext] = []

    def _open(path: str, locale: str = "en-US") -> tuple[Page, Recorder]:
        context = browser.new_context(locale=locale)
        contexts.append(context)
        page = context.new_page()
        recorder = Recorder(base_url)
        recorder.attach(page)
        page.goto(base_url + path, wait_until="load")
        return page, recorder

    yield _open
    for context in contexts:
        context.close()
