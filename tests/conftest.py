"""Settings shared by every test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
from user_dirs import keep_user_dirs_in  # noqa: E402  (docs/_ext)

# What the tools write for the user (matplotlib's caches, Chromium's crash database, a
# kernel's files) goes into the build tree, as in the build, not into the home folder.
keep_user_dirs_in()

# Property tests check values, not speed: no per-example deadline, so a busy machine (or
# CI runner, or pytest-xdist's workers sharing the cores) cannot fail them on timing.
settings.register_profile("vanishing", deadline=None)
settings.load_profile("vanishing")


def _xdist_groups(item: pytest.Item) -> str:
    """The item's ``xdist_group`` names joined as pytest-xdist joins them ('' if none)."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make ``--dist loadgroup`` group tests again under pytest 9.2.

    A worker of pytest-xdist 3.8 tells the scheduler a test's group by appending
    ``@group`` to its node id, and does so by assigning ``item._nodeid``; pytest 9.2 keeps
    node ids structured (``item._id``) and no longer reads that attribute, so every group is
    silently ignored and the tests of one group are spread over the workers
    (pytest-dev/pytest-xdist#1386). Here, each page's checks would load the page on both
    workers, and the explorer and search tests would not share their loads. This applies
    the same suffix where xdist's did not take, and stops the run if even that does not.
    """
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers only
        return
    for item in items:
        group = _xdist_groups(item)
        if not group or item.nodeid.endswith("@" + group):
            continue
        item._id = type(item._id).parse(f"{item.nodeid}@{group}")
        if not item.nodeid.endswith("@" + group):
            raise pytest.UsageError(
                f"--dist loadgroup: could not put {item.nodeid} in its group {group!r}"
            )
