"""Theme settings that depend on the build language.

``-D language=ko`` is applied after conf.py runs, so conf.py cannot choose per-language
values itself; this ``config-inited`` hook does. Only strings the theme prints without
gettext belong here (the rest are in ``_locale_ui/ko/LC_MESSAGES/sphinx.po``).

Sphinx rewrites a page only when its source or the HTML configuration changed, not when
a UI catalog did; a digest of the UI catalogs in ``html_context`` makes an edited
``sphinx.po`` rewrite every page.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import polib
from sphinx.application import Sphinx
from sphinx.config import Config

#: pydata-sphinx-theme options that hold visible text, per language.
THEME_TEXT = {
    "en": {"search_bar_text": "Search the docs ..."},
    "ko": {"search_bar_text": "문서 검색 ..."},
}


def set_theme_text(app: Sphinx, config: Config) -> None:
    """Merge the visible theme strings of ``config.language`` into the theme options."""
    text = THEME_TEXT.get(config.language or "en", THEME_TEXT["en"])
    config.html_theme_options = {**config.html_theme_options, **text}
    digest = hashlib.sha256()
    for locale_dir in config.locale_dirs:
        for po in sorted(Path(app.confdir, locale_dir).glob(f"{config.language}/*/sphinx.po")):
            digest.update(po.read_bytes())
    config.html_context = {**config.html_context, "ui_catalog_digest": digest.hexdigest()[:16]}


def js_catalog(po_path: Path, language: str) -> str:
    """The translated entries of ``po_path`` as a script for Sphinx's browser-side catalog.

    Sphinx's ``doctools.js`` merges every ``Documentation.addTranslations(catalog)`` call
    into one table (its public, documented entry point for translations.js). Loaded after
    Sphinx's own ``translations.js``, this adds what Sphinx's Korean catalog lacks (the
    "Search finished" summaries, for one) and lets ours win where both have a string.
    """
    messages: dict[str, str | list[str]] = {}
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            messages[entry.msgid] = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        else:
            messages[entry.msgid] = entry.msgstr
    catalog = {"locale": language, "messages": messages, "plural_expr": "0"}
    return f"Documentation.addTranslations({json.dumps(catalog, ensure_ascii=False)});"


def add_js_catalog(app: Sphinx, config: Config) -> None:
    """Add our UI catalog's strings to the browser-side catalog, after Sphinx's own."""
    language = config.language or "en"
    for locale_dir in config.locale_dirs:
        po_path = Path(app.confdir, locale_dir, language, "LC_MESSAGES", "sphinx.po")
        if po_path.is_file():
            # priority 900: after translations.js (500) and the user's files (800)
            app.add_js_file(None, body=js_catalog(po_path, language), priority=900)
            return


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", set_theme_text)
    app.connect("config-inited", add_js_catalog)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
