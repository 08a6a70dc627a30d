"""Sphinx configuration for the vanishing site (English source, Korean via gettext).

Build both languages with ``python docs/build.py`` (or ``make site``); that script passes
``-W --keep-going`` and, for Korean, ``-D language=ko`` and its own source tree (with the
Korean gallery scripts).
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent
BUILD = DOCS / "_build"

# Our own small extensions live in docs/_ext. docs/build.py executes the notebook pages
# before Sphinx reads them (docs/_ext/notebook_runner.py); a page it leaves to myst-nb
# runs in a Jupyter kernel, which does not see sys.path but inherits the environment, so
# PYTHONPATH carries docs/_ext to it: a hidden ``import mplsetup`` cell works in every page.
sys.path.insert(0, str(DOCS / "_ext"))
import mplsetup  # noqa: E402  (docs/_ext)

os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(DOCS / "_ext"), os.environ.get("PYTHONPATH", "")) if p
)

# ======================================================================================
# Project
# ======================================================================================
project = "vanishing"
author = "The vanishing authors"
copyright = "2026, The vanishing authors"
release = _version("vanishing")
version = ".".join(release.split(".")[:2])

root_doc = "index"
language = "en"  # Korean: ``-D language=ko`` (docs/build.py)

extensions = [
    # Sphinx
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    # ecosystem
    "numpydoc",
    "myst_nb",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "sphinx_design",  # {dropdown} for folded exercise solutions, {tab-set}
    # ours (docs/_ext)
    "offline_math",
    "korean_search",
    "search_stems",  # English search: each distinct word stemmed once
    "gallery_i18n",
    "api_examples",
    "ui_language",
    "glue_i18n",  # {glue} numbers inside translated paragraphs
    "korean_citations",  # Korean pages: "He 등 (2015)", "(Glorot와 Bengio, 2010)"
    "explorer",  # interactive figures over build-time data (docs/explorer/)
    "accessibility",  # names for the sidebar's buttons, bibliography list roles
    "build_timing",  # wall and CPU seconds per phase, for benchmarks/bench_build.py
    "pages_written",  # a page a parallel writer failed to write fails the build
    "search_index_entries",  # incremental builds keep the search's index entries
    "code_comments_ko",  # Korean pages: code-cell comments from the code catalog
    "read_order",  # parallel read: notebook pages spread over the workers
    "read_after",  # read once the notebook pages are executed (docs/build.py)
    "numpydoc_template",  # numpydoc's docstring template compiled once, not per docstring
    "gallery_workers",  # the gallery's worker processes only when they save time
    "gallery_stamps",  # an example whose run failed runs again at the next build
]

exclude_patterns = [
    "_build",
    "CONTRIBUTING.md",
    "locale",
    "_locale_ui",
    "_root",
    "**.ipynb_checkpoints",
    # sphinx-gallery writes .ipynb downloads next to its .rst: myst-nb must not read
    # them as documents.
    "auto_examples/*.ipynb",
    "auto_examples/**/*.ipynb",
]
templates_path = ["_templates"]

# ======================================================================================
# Quality gates (``-W --keep-going`` comes from docs/build.py)
# ======================================================================================
nitpicky = True
# Offline build: there are no intersphinx inventories for Python or NumPy, so
# references into them cannot resolve. Ignore exactly those.
nitpick_ignore_regex = [
    # Offline build: no intersphinx inventories, so references into
    # other packages cannot resolve: any dotted target whose first part is a lowercase
    # module other than vanishing (numpy.ndarray, dataclasses.replace, typing.Any ...).
    (r"py:.*", r"(?!vanishing\.)[a-z_][a-z0-9_]*\..+"),
    # Names that only exist for type checkers, seen in class bases and annotations.
    (r"py:(class|obj|data)", r"(ArrayLike|NDArray|DTypeLike|Array|Callable|Any)(\[.*\])?"),
]
suppress_warnings: list[str] = []

# ======================================================================================
# API reference: autodoc + autosummary + numpydoc
# ======================================================================================
autosummary_generate = True
autosummary_imported_members = False
autosummary_ignore_module_all = False  # document exactly what __all__ exports
autodoc_typehints = "none"  # numpydoc's Parameters section carries the types
autodoc_member_order = "bysource"  # keeps f and f_derivative side by side
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False  # would need the NumPy inventory (offline)
numpydoc_use_plots = False

# ======================================================================================
# Sphinx doctest builder: only explicit ``.. doctest::`` blocks. Docstring ``>>>``
# examples belong to ``pytest --doctest-modules`` (autodoc would pull them in without
# their imports).
# Run by tests/docs_ext/test_sphinx_doctest.py.
# ======================================================================================
doctest_test_doctest_blocks = ""
doctest_global_setup = "import numpy as np"

# ======================================================================================
# MyST + myst-nb (theory pages are MyST Markdown with executable {code-cell}s)
# ======================================================================================
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"  # executed once before reading (docs/build.py), for both languages
nb_execution_cache_path = str(BUILD / "jupyter_cache")
nb_execution_timeout = 120
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_output_stderr = "warn"  # e.g. a missing-glyph warning becomes a build error (-W)
nb_merge_streams = True
# The gettext builder renders no images by default, so the alt text of a figure cell
# (``mystnb: image: alt:``) would never reach the catalogs: let it render PNGs too.
nb_mime_priority_overrides = [("gettext", "image/png", 5)]

# ======================================================================================
# sphinx-gallery (sources in ../gallery, output in auto_examples)
# ======================================================================================
sphinx_gallery_conf = {
    "examples_dirs": ["../gallery"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"[\\/]plot_",  # every plot_*.py is executed
    # sections in the order of the theory pages
    "subsection_order": [
        f"../gallery/{topic}"
        for topic in (
            "learning",
            "activations",
            "backprop",
            "vanishing",
            "exploding",
            "initialization",
            "signalprop",
            "countermeasures",
            "optimizers",
        )
    ],
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("vanishing",),
    "backreferences_dir": "gen_modules/backreferences",
    # Fonts and warnings-as-errors for Hangul: a dotted name, not a function, so the
    # config stays picklable (a function object would fail -W).
    "reset_modules": ("matplotlib", "mplsetup.reset_matplotlib"),
    # matplotlib's scraper, after checking that every figure's text is readable at the
    # page's width and, in Korean, has no English words left (an instance keeps the config
    # picklable; a function would not): see _gallery_conf_per_language.
    "image_scrapers": (mplsetup.CheckedScraper("en"),),
    # No per-run timing lines: they churn the .pot msgids.
    "min_reported_time": 10**9,
    "write_computation_times": False,
    "show_memory": False,
    # Each executed example's seconds, for benchmarks/bench_build.py (outside the site);
    # one file per language (the two build at once): see _gallery_conf_per_language.
    "junit": str(BUILD / "timing" / "gallery-junit-en.xml"),
    "show_signature": False,
    "remove_config_comments": True,
    "download_all_examples": True,
    # as many workers as sphinx-build's -j (docs/build.py: -j auto), when they help
    # (docs/_ext/gallery_workers.py)
    "parallel": True,
}

# ======================================================================================
# Bibliography
# ======================================================================================
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"  # Korean: author_year_ko (docs/_ext/korean_citations.py)

# ======================================================================================
# Translation (gettext). Content catalogs: locale/ko/LC_MESSAGES/<docname>.po, one per
# page. UI catalog for the theme, our templates and gaps in Sphinx's own Korean:
# _locale_ui/ko/LC_MESSAGES/sphinx.po (listed first so it wins over Sphinx's).
# ======================================================================================
# Absolute: Sphinx looks for the browser-side catalog (sphinx.js) relative to the
# working directory, not to this folder.
locale_dirs = [str(DOCS / "_locale_ui"), str(DOCS / "locale")]
gettext_compact = False
gettext_uuid = False
gettext_location = False  # line numbers would churn every catalog on each edit
gettext_last_translator = "vanishing translators"
gettext_language_team = "Korean <ko@vanishing>"

# ======================================================================================
# HTML: pydata-sphinx-theme (measured against sphinx-book-theme: docs/CONTRIBUTING.md)
# ======================================================================================
html_theme = "pydata_sphinx_theme"
html_title = "vanishing"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "logo": {"text": "vanishing"},
    "navbar_end": ["lang-switcher", "theme-switcher"],
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 7,
}
html_context = {"default_mode": "auto"}  # unset, the theme logs a console error
html_sidebars = {"index": [], "glossary": [], "bibliography": []}


# ======================================================================================
# Build speed
# ======================================================================================
def _bibtex_plugins_at_hand(app: Sphinx) -> None:
    """pybtex finds a plugin by scanning the entry points of every installed
    distribution, on every lookup, and sphinxcontrib-bibtex looks up the plain-text
    backend once per citation it resolves: 191 lookups, 9 of 115 profiled seconds of a
    Korean build. Register that backend as a runtime plugin, the same class (pybtex's
    public ``register_plugin``; runtime plugins are consulted first), so that a lookup is
    a dictionary access."""
    import pybtex.plugin

    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", backend, force=True)


def _execution_cache_without_fsync() -> None:
    """jupyter-cache commits to its SQLite database on every notebook it stores or
    reads (it records the access), and SQLite waits for each commit to reach the disk:
    1.1 s per notebook page on this busy machine (profiled: 17 of 115 s of a Korean
    build). The cache is a build product, rebuilt if lost: let SQLite hand the writes to
    the operating system without waiting (``PRAGMA synchronous = OFF``, SQLAlchemy's
    public connect event)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_without_fsync):
        event.listen(Engine, "connect", _sqlite_without_fsync)


def _sqlite_without_fsync(connection: object, record: object) -> None:
    import sqlite3

    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")


def _myst_default_settings_made_once() -> None:
    """myst-parser's renderer makes a throwaway docutils document for every text it
    parses, even when it is handed the document to render into (``setup_render``:
    ``options.get("document", make_document())`` evaluates its default), and each one
    builds docutils' default settings from scratch: 0.8 ms, once per translated message
    of a Korean page, 2,300 times a build (1.8 s). Build them once per parser class and
    give each new document its own copy (0.05 ms), the same values. Only if myst-parser
    still has that function: otherwise nothing changes."""
    import copy

    from docutils.frontend import get_default_settings
    from docutils.utils import new_document
    from myst_parser.mdit_to_docutils import base

    if not callable(getattr(base, "make_document", None)):
        return
    defaults: dict[type, Any] = {}

    def make_document(source_path: str = "notset", parser_cls: type = base.RSTParser) -> Any:
        if parser_cls not in defaults:
            defaults[parser_cls] = get_default_settings(parser_cls)
        return new_document(source_path, settings=copy.deepcopy(defaults[parser_cls]))

    base.make_document = make_document


def _myst_parser_made_once() -> None:
    """myst-parser's Sphinx parser builds a new markdown-it parser, with every MyST
    plugin, for each text it parses (``create_md_parser`` in ``MystParser.parse``): on the
    Korean site once per translated message, 2,300 times a build, about 1 ms each. A
    markdown-it parser holds nothing of the text it last parsed (its renderer starts each
    render afresh, ``setup_render``), so make one per configuration and renderer and use
    it again; a page with its own front-matter configuration still gets its own. Only if
    myst-parser still has that function: otherwise nothing changes."""
    from myst_parser.parsers import sphinx_

    create = getattr(sphinx_, "create_md_parser", None)
    if not callable(create) or getattr(create, "made_once", False):
        return
    # keyed by the configuration's id; the configuration is kept with its parser, so
    # that id stays its own
    made: dict[tuple[int, type], tuple[Any, Any]] = {}

    def create_md_parser(config: Any, renderer: Any) -> Any:
        key = (id(config), renderer)
        if key not in made:
            made[key] = (config, create(config, renderer))
        return made[key][1]

    create_md_parser.made_once = True  # type: ignore[attr-defined]
    sphinx_.create_md_parser = create_md_parser


def _gallery_conf_per_language(app: Sphinx, config: Any) -> None:
    """What of sphinx-gallery's configuration depends on the language. ``-D language=ko``
    is applied after this file runs, so it is set here, before sphinx-gallery reads its
    configuration (priority 10): the record of the gallery's run times (the languages
    build at once, docs/build.py: each writes its own) and the scraper's language (its
    check that a translated figure is translated)."""
    name = f"gallery-junit-{config.language}.xml"
    config.sphinx_gallery_conf["junit"] = str(BUILD / "timing" / name)
    config.sphinx_gallery_conf["image_scrapers"] = (mplsetup.CheckedScraper(config.language),)


def _ipython_lexer_at_hand(app: Sphinx) -> None:
    """The notebook pages' code cells are ``ipython3``, a lexer Pygments finds only as a
    plugin: Sphinx asks Pygments for it on every cell it highlights (it keeps only lexers
    made without options), and Pygments scans the entry points of every installed
    distribution on each request (123 requests, 4 of 67 profiled seconds of a Korean
    build). Look the class up once and register it with Sphinx by that name
    (``add_lexer``, public), so that a lookup is a dictionary access."""
    from pygments.lexers import find_lexer_class_by_name

    app.add_lexer("ipython3", find_lexer_class_by_name("ipython3"))


def _notebook_outputs_per_language(app: Sphinx) -> None:
    """myst-nb writes a page's cell images and glue data into ``<outdir>/../jupyter_execute``
    (set at ``builder-inited``, priority 500): for docs/build.py's outdirs
    ``_build/site/{en,ko}`` a folder shared by both languages, which build at once, inside
    the published site. Give each language its own, outside the site
    (``_build/jupyter_execute/<language>``); Sphinx copies the images into ``_images/``."""
    folder = BUILD / "jupyter_execute" / app.config.language
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _gallery_conf_per_language, priority=5)
    app.connect("builder-inited", _notebook_outputs_per_language, priority=501)
    _ipython_lexer_at_hand(app)
    _execution_cache_without_fsync()
    _myst_default_settings_made_once()
    _myst_parser_made_once()
    app.connect("builder-inited", _bibtex_plugins_at_hand)
