"""docs/build.py skips a language only when no input changed since its last build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.docs_ext.conftest import load_script

BUILD_PY = Path(__file__).resolve().parents[2] / "docs" / "build.py"


@pytest.fixture(scope="module")
def build() -> object:
    return load_script(BUILD_PY, "docs_build")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = [
        "docs/index.md",
        "docs/_ext/ext.py",
        "docs/_ext/mplsetup.py",
        "docs/_ext/__pycache__/ext.cpython-311.pyc",
        "docs/locale/ko/LC_MESSAGES/index.po",
        "docs/locale/ko/LC_MESSAGES/index.mo",
        "docs/_build/site/en/index.html",
        "docs/auto_examples/plot_a.py.md5",
        "docs/gen_modules/vanishing.rst",
        "gallery/plot_a.py",
        "src/vanishing/network.py",
        "pyproject.toml",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    return tmp_path


def _touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_inputs_are_sources_not_products(build: object, tree: Path) -> None:
    found = {p.relative_to(tree).as_posix() for p in build.input_files(tree)}  # type: ignore[attr-defined]
    assert found == {
        "docs/index.md",
        "docs/_ext/ext.py",
        "docs/_ext/mplsetup.py",
        "docs/locale/ko/LC_MESSAGES/index.po",
        "gallery/plot_a.py",
        "src/vanishing/network.py",
        "pyproject.toml",
    }


@pytest.mark.parametrize(
    ("changed", "rebuild"),
    [
        ("docs/index.md", True),
        ("docs/locale/ko/LC_MESSAGES/index.po", True),
        ("gallery/plot_a.py", True),
        ("src/vanishing/network.py", True),
        ("docs/_build/site/en/index.html", False),
        ("docs/locale/ko/LC_MESSAGES/index.mo", False),
        ("docs/auto_examples/plot_a.py.md5", False),
    ],
)
def test_fingerprint_changes_with_an_input_only(
    build: object, tree: Path, changed: str, rebuild: bool
) -> None:
    before = build.fingerprint("en", [], root=tree)  # type: ignore[attr-defined]
    _touch(tree / changed)
    assert (build.fingerprint("en", [], root=tree) != before) == rebuild  # type: ignore[attr-defined]


def test_fingerprint_depends_on_language_and_options(build: object, tree: Path) -> None:
    fp = build.fingerprint  # type: ignore[attr-defined]
    assert fp("en", [], root=tree) != fp("ko", [], root=tree)
    assert fp("en", [], root=tree) != fp("en", ["-D", "x=1"], root=tree)
    assert fp("en", [], root=tree) == fp("en", [], root=tree)


def _executed(tree: Path) -> list[Path]:
    """What a build leaves of its executions: the cache, an environment, a gallery stamp."""
    made = [
        tree / "docs/_build/jupyter_cache/global.db",
        tree / "docs/_build/doctrees/en/environment.pickle",
        tree / "docs/_build/ko-source/docs/auto_examples/plot_a.py.md5",
        tree / "docs/auto_examples/plot_a.py.md5",
    ]
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("made")
    return made


def test_examples_run_again_when_the_library_changes(build: object, tree: Path) -> None:
    forget = build.forget_executions_if_library_changed  # type: ignore[attr-defined]
    paths = {"build": tree / "docs/_build", "docs": tree / "docs"}
    assert forget(**paths) is True  # executed before any stamp: who knows with what
    executed = _executed(tree)
    assert forget(**paths) is False
    assert all(path.exists() for path in executed)
    _touch(tree / "src/vanishing/network.py")  # a new time, the same content
    assert forget(**paths) is False
    (tree / "src/vanishing/network.py").write_text("def changed(): ...")
    assert forget(**paths) is True
    assert not any(path.exists() for path in executed)
    assert forget(**paths) is False
    executed = _executed(tree)
    (tree / "docs/_ext/ext.py").write_text("# a Sphinx extension changed")
    assert forget(**paths) is False
    (tree / "docs/_ext/mplsetup.py").write_text("# what every figure is checked for changed")
    assert forget(**paths) is True
    assert not any(path.exists() for path in executed)


def test_a_first_build_forgets_nothing(build: object, tmp_path: Path) -> None:
    (tmp_path / "src/vanishing").mkdir(parents=True)
    (tmp_path / "src/vanishing/a.py").write_text("x = 1")
    forget = build.forget_executions_if_library_changed  # type: ignore[attr-defined]
    assert forget(build=tmp_path / "docs/_build", docs=tmp_path / "docs") is False
    assert (tmp_path / "docs/_build/stamps/executed-with.sha256").is_file()
