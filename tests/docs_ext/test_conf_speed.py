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


def test_examples_to_run_are_the_changed_executable_scripts(
    conf: ModuleType, tmp_path: Path
) -> None:
    from sphinx_gallery.utils import get_md5sum

    src = tmp_path / "docs"
    gallery, out = tmp_path / "gallery" / "topic", src / "auto_examples" / "topic"
    gallery.mkdir(parents=True)
    out.mkdir(parents=True)
    for name in ("plot_same.py", "plot_changed.py", "plot_new.py", "helper.py"):
        (gallery / name).write_text(f"# {name}\n")
    (out / "plot_same.py.md5").write_text(get_md5sum(gallery / "plot_same.py", mode="t"))
    (out / "plot_changed.py.md5").write_text("0" * 32)
    gallery_conf = {
        "examples_dirs": ["../gallery"],
        "gallery_dirs": ["auto_examples"],
        "filename_pattern": r"[\\/]plot_",
        "plot_gallery": True,
    }
    stale = {p.name for p in conf._examples_to_run(gallery_conf, src)}
    assert stale == {"plot_changed.py", "plot_new.py"}  # helper.py is not executed
    assert conf._examples_to_run({**gallery_conf, "plot_gallery": False}, src) == []


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
        conf._gallery_record_per_language(None, config)
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


@pytest.mark.parametrize(
    ("serial", "changed", "workers"), [("0", True, 2), ("1", True, False), ("0", False, False)]
)
def test_gallery_workers_only_when_they_help(
    conf: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    serial: str,
    changed: bool,
    workers: object,
) -> None:
    """Workers run the examples only when some are to run and one language builds alone."""
    from types import SimpleNamespace

    monkeypatch.setenv(conf.GALLERY_SERIAL_ENV, serial)
    stale = [tmp_path / "plot_a.py"] if changed else []
    monkeypatch.setattr(conf, "_examples_to_run", lambda gallery_conf, srcdir: stale)
    gallery_conf = {"parallel": 2}
    app = SimpleNamespace(config=SimpleNamespace(sphinx_gallery_conf=gallery_conf), srcdir=".")
    conf._gallery_workers_only_when_they_help(app)
    assert gallery_conf["parallel"] == workers
