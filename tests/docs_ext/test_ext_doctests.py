"""The examples in the docstrings of docs/_ext run and pass (the library's run through
pytest's ``--doctest-modules``; these modules are not collected by it)."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.docs_ext.conftest import DOCS

MODULES = sorted(path.stem for path in (DOCS / "_ext").glob("*.py"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name: str) -> None:
    module = importlib.import_module(name)  # docs/_ext is on sys.path (conftest.py)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} fail"


def test_the_modules_with_examples_are_found() -> None:
    finder = doctest.DocTestFinder()
    with_examples = {
        name
        for name in MODULES
        if any(test.examples for test in finder.find(importlib.import_module(name)))
    }
    assert {"gallery_ko", "read_order", "search_stems", "user_dirs"} <= with_examples
