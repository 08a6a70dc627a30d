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
import sphinx
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


def write_js_catalog(app: Sphinx, config: Config) -> None:
    """Write ``sphinx.js`` (the strings of search.html's JavaScript) next to our ``sphinx.po``.

    Sphinx takes the browser-side catalog from the first ``sphinx.js`` it finds in
    ``locale_dirs``, else its own, whose Korean lacks e.g. the "Search finished" message.
    Our entries are laid over Sphinx's own so both sets of strings reach the browser.
    """
    language = config.language or "en"
    builtin = Path(sphinx.__file__).parent / "locale" / language / "LC_MESSAGES" / "sphinx.js"
    for locale_dir in config.locale_dirs:
        po_path = Path(app.confdir, locale_dir, language, "LC_MESSAGES", "sphinx.po")
        if not po_path.is_file():
            continue
        catalog: dict[str, Any] = {"locale": language, "messages": {}, "plural_expr": "0"}
        if builtin.is_file():
            text = builtin.read_text(encoding="utf-8")
            catalog = json.loads(text[text.index("{") : text.rindex("}") + 1])
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural:
                plural = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
                catalog["messages"][entry.msgid] = plural
            else:
                catalog["messages"][entry.msgid] = entry.msgstr
        js = (
            f"Documentation.addTranslations({json.dumps(catalog, ensure_ascii=False, indent=1)});\n"
        )
        target = po_path.with_suffix(".js")
        if not target.is_file() or target.read_text(encoding="utf-8") != js:
            target.write_text(js, encoding="utf-8")
        return


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", set_theme_text)
    app.connect("config-inited", write_js_catalog)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
