"""numpydoc with its docstring template compiled once per build, not once per docstring.

numpydoc renders every docstring of the API pages through a Jinja template
(``numpydoc_docstring.rst``), and :func:`numpydoc.docscrape_sphinx.get_doc_object`
creates a new Jinja environment for each docstring, so it parses and compiles that
template anew every time: 625 times in an English build, 10 of the 126 seconds of a
profiled English build without notebook execution (Jinja's lexer, parser and code
generator). This extension gives it one environment per template search path instead,
whose cache keeps the compiled template: the same template, found in the same places,
rendered the same way (tests/docs_ext/test_numpydoc_template.py compares the output).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2.sandbox import SandboxedEnvironment

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ENVIRONMENTS: dict[tuple[str, ...], SandboxedEnvironment] = {}


def search_path(loader: Any) -> tuple[str, ...]:
    """Where ``loader`` looks for templates, in order: Sphinx's ``BuiltinTemplateLoader``
    (``pathchain``: the project's templates, the theme's, numpydoc's) or Jinja's
    ``FileSystemLoader`` (``searchpath``)."""
    paths = getattr(loader, "pathchain", None) or getattr(loader, "searchpath", None)
    if not paths:
        raise TypeError(f"cannot tell where {type(loader).__name__} finds templates")
    return (type(loader).__name__, *map(str, paths))


def shared_environment(loader: Any, **options: Any) -> SandboxedEnvironment:
    """A ``SandboxedEnvironment(loader=loader)``, shared by every loader that searches
    the same places (numpydoc passes no other options)."""
    if options:
        raise TypeError(f"unexpected options {sorted(options)}")
    key = search_path(loader)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = SandboxedEnvironment(loader=loader)
    return _ENVIRONMENTS[key]


def setup(app: Sphinx) -> dict[str, Any]:
    from numpydoc import docscrape_sphinx

    # the name get_doc_object calls to make its environment
    docscrape_sphinx.SandboxedEnvironment = shared_environment  # type: ignore[assignment,misc]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
