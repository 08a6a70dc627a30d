"""Tests of the site machinery in docs/_ext (no browser, no site build needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

#: tests/conftest.py (loaded first) has put DOCS / "_ext" on sys.path.
DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_script(path: Path, name: str) -> ModuleType:
    """Import a file of docs/ that is not a package module (build.py, conf.py) as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
