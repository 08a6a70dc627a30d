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
from pathlib import Path
from typing import Any

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


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", set_theme_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
