"""docs/_ext/numpydoc_template.py: numpydoc renders the same, compiling its template once."""

from __future__ import annotations

from pathlib import Path

import numpydoc_template  # docs/_ext, on sys.path through tests/docs_ext/conftest.py
import pytest
from jinja2 import FileSystemLoader
from numpydoc import docscrape_sphinx

import vanishing.initializers


def _render(obj: object) -> str:
    return str(docscrape_sphinx.get_doc_object(obj, what="function", config={}))


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numpydoc_template, "_ENVIRONMENTS", {})
    monkeypatch.setattr(
        docscrape_sphinx, "SandboxedEnvironment", numpydoc_template.shared_environment
    )


def test_rendered_docstrings_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    functions = [vanishing.initializers.he_normal, vanishing.initializers.xavier_uniform]
    before = [_render(f) for f in functions]
    monkeypatch.setattr(
        docscrape_sphinx, "SandboxedEnvironment", numpydoc_template.shared_environment
    )
    assert [_render(f) for f in functions] == before
    assert "Parameters" in before[0]  # a real numpydoc rendering, not an empty string


def test_the_template_is_compiled_once(patched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = []
    original = numpydoc_template.SandboxedEnvironment.compile

    def counting(self: object, *args: object, **kwargs: object) -> object:
        compiled.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(numpydoc_template.SandboxedEnvironment, "compile", counting)
    for _ in range(3):
        _render(vanishing.initializers.he_normal)
    assert len(compiled) == 1


def test_one_environment_per_search_path(tmp_path: Path, patched: None) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    first = numpydoc_template.shared_environment(loader=FileSystemLoader([str(a)]))
    assert numpydoc_template.shared_environment(loader=FileSystemLoader([str(a)])) is first
    assert numpydoc_template.shared_environment(loader=FileSystemLoader([str(b)])) is not first


def test_an_unknown_loader_is_refused() -> None:
    with pytest.raises(TypeError, match="finds templates"):
        numpydoc_template.search_path(object())
