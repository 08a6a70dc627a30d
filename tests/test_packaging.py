"""The installed distribution and the package agree on what they are."""

from __future__ import annotations

from importlib.metadata import version

import vanishing


def test_distribution_version_is_read_from_the_package() -> None:
    # pyproject.toml declares the version dynamic and reads vanishing.__version__
    assert version("vanishing") == vanishing.__version__
