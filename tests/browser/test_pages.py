"""Every built page, in both languages, in headless Chromium: math rendered, images
loaded, no console errors, no request leaving the local server, a working language
link, (on /ko/) no English UI strings, no serious or critical accessibility violation
(axe-core), and no sideways scrolling on a phone.

Each page is loaded once (fixture ``loaded``) and every check here runs on that load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import AXE_PATH

#: WCAG 2.1 levels A and AA. No preload: axe would fetch every stylesheet again.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
    "preload": False,
}
SEVERE = ("serious", "critical")
#: A phone's viewport (CSS px), the narrowest the site must fit without scrolling sideways.
PHONE = {"width": 375, "height": 740}
#: Evaluated in the page: how far it scrolls sideways, and (only when it does, since it
#: measures every element) the widest culprits.
SIDEWAYS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  if (overflow <= 0) return { overflow, culprits: [] };
  const culprits = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
  return { overflow, culprits };
}"""

#: Evaluated in the page: wait for MathJax, then count math and rendered math.
MATH_JS = """async () => {
  const maths = [...document.querySelectorAll("span.math, div.math")];
  if (maths.length && window.MathJax?.startup?.promise) await window.MathJax.startup.promise;
  const rendered = maths.filter((m) => m.querySelector("mjx-container")).length;
  const clone = document.querySelector("main, body").cloneNode(true);
  clone.querySelectorAll("pre, code, textarea, script, style").forEach((n) => n.remove());
  const raw = /\\\\\\(|\\\\\\[/.test(clone.textContent);
  return { maths: maths.length, rendered, raw, mathjax: !!window.MathJax };
}"""

#: Evaluated in the page: load every image (also lazy ones), then list the broken ones.
IMAGES_JS = """async () => {
  const imgs = [...document.images];
  imgs.forEach((img) => { img.loading = "eager"; });
  await Promise.all(imgs.map((img) => img.complete ? null :
    new Promise((ok) => { img.addEventListener("load", ok); img.addEventListener("error", ok); })));
  return imgs.filter((img) => !(img.naturalWidth > 0)).map((img) => img.currentSrc || img.src);
}"""

#: Visible English UI text that must not appear in the Korean site's page chrome.
ENGLISH_UI = (
    "On this page",
    "Section Navigation",
    "Search the docs",
    "Back to top",
    "Skip to main content",
    "previous",
    "next",
    "Search",
    "Color mode",
    "Download Python source code",
    "Download Jupyter notebook",
    "Download zipped",
    "Download all examples",
    "Go to the end",
    "Created using",
    "Copyright",
)
#: Attribute text (title, aria-label, placeholder) that must be Korean on /ko/.
ENGLISH_ATTRS = {
    "Link to this heading",
    "Link to this definition",
    "Link to this term",
    "Link to this code",
    "Link to this image",
    "Link to this table",
    "Link to this equation",
    "Search",
    "Search the docs ...",
    "Color mode",
    "Light",
    "Dark",
    "System Settings",
    "Back to top",
    "Site navigation",
    "Breadcrumb",
    "Home",
}
ATTRS_JS = """() => [...document.querySelectorAll("[title], [aria-label], [placeholder]")]
  .flatMap((el) => ["title", "aria-label", "placeholder"].map((a) => el.getAttribute(a)))
  .filter((v) => v)"""
CHROME = (
    "header, .bd-sidebar-primary, .bd-sidebar-secondary, footer, .prev-next-area, "
    ".sphx-glr-download-link-note, .sphx-glr-footer, .sphx-glr-download"
)
#: Evaluated in the page: what test_page reads besides math and images, in one call. The page
#: is read with the DOM's own calls rather than Playwright locators: a page's first locator
#: makes Playwright inject its selector engine into that document (about 65 ms of CPU a page).
#: ``chrome`` is the inner text of each CHROME element, as ``all_inner_texts`` reads it.
PAGE_JS = """(chrome) => ({
  lang: document.documentElement.getAttribute("lang"),
  switcher: document.querySelector("a.lang-switcher")?.href ?? null,
  chrome: [...document.querySelectorAll(chrome)].map((el) => el.innerText),
  placeholder: document.querySelector("input[name=q]")?.getAttribute("placeholder") ?? null,
})"""


def test_page(page_path: str, site_dir: Path, loaded: tuple[Page, Any]) -> None:
    page, rec = loaded
    lang = page_path.split("/", 1)[0]

    math = page.evaluate(MATH_JS)
    assert math["rendered"] == math["maths"], f"math not rendered by MathJax: {math}"
    assert not math["raw"], "raw \\( or \\[ left in the page text"

    broken = page.evaluate(IMAGES_JS)
    assert not broken, f"images that did not load: {broken}"

    read = page.evaluate(PAGE_JS, CHROME)
    assert read["lang"] == lang

    assert read["switcher"], "no language switcher"
    target = urlsplit(read["switcher"]).path.lstrip("/")
    other = "ko" if lang == "en" else "en"
    assert target == other + page_path[2:], "switcher must land on the same page"
    assert (site_dir / unquote(target)).is_file()

    if lang == "ko":
        chrome = "\n".join(read["chrome"])
        chrome += "\n" + (read["placeholder"] or "")
        found = [s for s in ENGLISH_UI if s.lower() in chrome.lower()]
        assert not found, f"English UI strings on a Korean page: {found}"
        attrs = sorted(set(page.evaluate(ATTRS_JS)) & ENGLISH_ATTRS)
        assert not attrs, f"English title/aria-label/placeholder on a Korean page: {attrs}"

    assert not rec.foreign, f"requests to other hosts: {rec.foreign}"
    assert not rec.errors, f"console errors: {rec.errors}"
    assert not rec.failed, f"failed requests: {rec.failed}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_language_has_pages(lang: str, site_dir: Path) -> None:
    assert len(list((site_dir / lang).rglob("*.html"))) > 5


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_gallery_page_shows_a_failed_run(lang: str, site_dir: Path) -> None:
    """sphinx-gallery writes a failing example's page with its traceback; such a page must
    fail its build, and a later build must not keep it (docs/_ext/gallery_stamps.py)."""
    pages = sorted((site_dir / lang / "auto_examples").rglob("*.html"))
    assert len(pages) > 20, f"{lang}: only {len(pages)} gallery pages"
    failed = [
        page.relative_to(site_dir).as_posix()
        for page in pages
        if "Traceback (most recent call last)" in page.read_text(encoding="utf-8")
    ]
    assert not failed, f"gallery pages showing a traceback: {failed}"


def axe_report(violations: list[dict[str, Any]]) -> str:
    """One line per violation and up to three of its elements."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}: {targets}")
    return "\n".join(lines)


#: Evaluated in the page: mark each syntax-highlighted token that repeats one already seen in
#: the page, i.e. a plain ``<span class>`` (no children, no other attribute) whose own class
#: and every ancestor's tag and class are those of an earlier token. Such a token has the same
#: CSS, so the same colours, background and font as that one: axe's colour-contrast rule
#: checks each distinct token style of each kind of code block on every page, not each of
#: its thousand copies (most of that rule's time on a page full of code). Returns how many
#: tokens were marked.
REPEATED_TOKENS_JS = """() => {
  const context = (el) => {
    const path = [];
    for (let e = el; e; e = e.parentElement) path.push(`${e.tagName}.${e.className}`);
    return path.join("<");
  };
  const seen = new Set();
  let marked = 0;
  for (const span of document.querySelectorAll("div.highlight pre span")) {
    if (span.children.length || span.attributes.length !== 1 || !span.hasAttribute("class"))
      continue;
    const key = context(span);
    if (seen.has(key)) {
      span.setAttribute("data-axe-repeat", "");
      marked += 1;
    } else seen.add(key);
  }
  return marked;
}"""
#: Evaluated in the page: run axe over the whole page, its colour-contrast rule skipping the
#: marked tokens. They are left out of that rule only, through its selector, not through
#: axe's context: axe tests every element of every rule against every element a context
#: excludes (``Node.contains``), so excluding a thousand tokens that way cost about as much
#: as checking them (measured: nearly half of axe's time on a long theory page went to that
#: test). Every other rule sees every element of the page, the marked tokens included.
AXE_RUN_JS = """([options]) => {
  axe.configure({ rules: [{ id: "color-contrast", selector: "*:not([data-axe-repeat])" }] });
  return axe.run(document, options);
}"""


def test_no_serious_accessibility_violation(loaded: tuple[Page, Any], base_url: str) -> None:
    page, _ = loaded
    page.add_script_tag(url=base_url + AXE_PATH)
    page.evaluate(REPEATED_TOKENS_JS)
    result = page.evaluate(AXE_RUN_JS, [AXE_OPTIONS])
    severe = [v for v in result["violations"] if v["impact"] in SEVERE]
    assert not severe, "axe-core:\n" + axe_report(severe)


def test_no_sideways_scrolling_on_a_phone(loaded: tuple[Page, Any]) -> None:
    page, _ = loaded
    page.set_viewport_size(PHONE)  # the next page is loaded at the desktop width again
    found = page.evaluate(SIDEWAYS_JS)
    assert found["overflow"] <= 0, f"scrolls {found['overflow']} px sideways: {found['culprits']}"


#: Evaluated in the page: the alt text of every figure a notebook cell produced.
CELL_FIGURES_JS = """() => [...document.querySelectorAll(".cell_output img")]
  .map((img) => ({ src: img.getAttribute("src"), alt: img.getAttribute("alt") || "" }))"""
HANGUL = re.compile("[\uac00-\ud7a3]")


def test_notebook_figures_have_alt_text_in_the_page_language(
    page_path: str, loaded: tuple[Page, Any]
) -> None:
    page, _ = loaded
    for figure in page.evaluate(CELL_FIGURES_JS):
        alt = figure["alt"]
        assert len(alt.split()) >= 5, f"{figure['src']}: no alt text that says what it shows"
        assert not alt.endswith(".png"), f"{figure['src']}: alt text is the file name"
        if page_path.startswith("ko/"):
            assert HANGUL.search(alt), f"{figure['src']}: alt text not translated: {alt!r}"
