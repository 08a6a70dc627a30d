"""Settings shared by every test."""

from __future__ import annotations

from hypothesis import settings

# Property tests check values, not speed: no per-example deadline, so a busy machine (or
# CI runner, or pytest-xdist's workers sharing the cores) cannot fail them on timing.
settings.register_profile("vanishing", deadline=None)
settings.load_profile("vanishing")
