"""The build-speed settings in docs/conf.py do what they say, and nothing else."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.docs_ext.conftest import load_script

CONF = Path(__file__).resolve().parents[2] / "docs" / "conf.py"


@pytest.fixture(scope="module")
def conf() -> ModuleType:
    return load_script(CONF, "docs_conf")


def test_sqlite_commits_without_fsync(conf: ModuleType, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    conf._execution_cache_without_fsync()
    conf._execution_cache_without_fsync()  # registered once
    engine = create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 0  # OFF
    engine.dispose()


def test_bibtex_backend_lookup_is_the_installed_class(conf: ModuleType) -> None:
    from importlib.metadata import entry_points

    import pybtex.plugin

    (installed,) = entry_points(group="pybtex.backends", name="plaintext")
    conf._bibtex_plugins_at_hand(None)
    assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext") is installed.load()


def test_ipython_lexer_is_the_plugin_class(conf: ModuleType) -> None:
    from importlib.metadata import entry_points

    (installed,) = entry_points(group="pygments.lexers", name="ipython3")
    registered = {}

    class App:
        def add_lexer(self, alias: str, lexer: type) -> None:
            registered[alias] = lexer

    conf._ipython_lexer_at_hand(App())
    assert registered == {"ipython3": installed.load()}


def test_gallery_record_is_per_language(conf: ModuleType) -> None:
    from types import SimpleNamespace

    names = set()
    for language in ("en", "ko"):
        config = SimpleNamespace(language=language, sphinx_gallery_conf={"junit": ""})
        conf._gallery_conf_per_language(None, config)
        names.add(Path(config.sphinx_gallery_conf["junit"]).name)
    assert names == {"gallery-junit-en.xml", "gallery-junit-ko.xml"}


def test_myst_throwaway_documents_get_fresh_default_settings(
    conf: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docutils.frontend import get_default_settings
    from myst_parser.mdit_to_docutils import base

    monkeypatch.setattr(base, "make_document", base.make_document)  # undone afterwards
    conf._myst_default_settings_made_once()
    first, second = base.make_document(), base.make_document("page.md")
    fresh = get_default_settings(base.RSTParser)
    # repr: some values (the dependency list) compare by identity
    assert {k: repr(v) for k, v in vars(first.settings).items()} == {
        k: repr(v) for k, v in vars(fresh).items()
    }
    assert first.settings is not second.settings  # a change to one is not seen by another
    first.settings.tab_width = 99
    assert second.settings.tab_width != 99
    assert second["source"] == "page.md"


def test_myst_parser_is_made_once_per_configuration_and_renders_the_same(
    conf: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One markdown-it parser per configuration and renderer, whose renders match those
    of a parser made afresh for each text."""
    from docutils.frontend import get_default_settings
    from docutils.utils import new_document
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers import mdit, sphinx_

    monkeypatch.setattr(sphinx_, "create_md_parser", mdit.create_md_parser)  # undone after
    conf._myst_parser_made_once()
    conf._myst_parser_made_once()  # patched once, not wrapped twice
    config, other = MdParserConfig(), MdParserConfig(enable_extensions={"dollarmath"})
    made = sphinx_.create_md_parser
    assert made(config, DocutilsRenderer) is made(config, DocutilsRenderer)
    assert made(other, DocutilsRenderer) is not made(config, DocutilsRenderer)

    def rendered(parser: object, text: str) -> str:
        document = new_document("page.md", get_default_settings(sphinx_.MystParser))
        parser.options["document"] = document  # type: ignore[attr-defined]
        parser.render(text)  # type: ignore[attr-defined]
        return str(document.pformat())

    texts = ["# Title\n\nA [link](https://example.org) and *emphasis*.", "- one\n- two\n"]
    again = [rendered(made(config, DocutilsRenderer), text) for text in texts + texts]
    fresh = [rendered(mdit.create_md_parser(config, DocutilsRenderer), t) for t in texts]
    assert again == fresh + fresh
