"""docs/_ext/read_after.py: a build waits to read until the pipe's writer is done."""

from __future__ import annotations

import os
import threading
import time

import pytest
import read_after  # docs/_ext, on sys.path through tests/docs_ext/conftest.py


def test_waits_until_the_write_end_is_closed() -> None:
    read_end, write_end = os.pipe()
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (read_after.wait_for_writer(read_end), done.set()))
    waiter.start()
    os.write(write_end, b"not yet")  # data is not the signal: only the end is
    time.sleep(0.2)
    assert not done.is_set()
    os.close(write_end)
    waiter.join(timeout=5)
    assert done.is_set()


def test_without_the_variable_nothing_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(read_after.READ_AFTER_ENV, raising=False)
    read_after.before_read(None, None, [])  # type: ignore[arg-type]  # returns at once


def test_the_variable_is_consumed(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.close(write_end)
    monkeypatch.setenv(read_after.READ_AFTER_ENV, str(read_end))
    read_after.before_read(None, None, [])  # type: ignore[arg-type]
    assert read_after.READ_AFTER_ENV not in os.environ  # kernels and workers do not wait
    with pytest.raises(OSError):
        os.fstat(read_end)  # closed


def test_the_explorer_data_is_made_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # a build must find the data computed before reading, not compute it a second time
    from unittest.mock import MagicMock

    import explorer

    monkeypatch.delenv(read_after.READ_AFTER_ENV, raising=False)
    connected: dict[str, list[tuple[int, str]]] = {}

    def connect(event: str, handler: object, priority: int = 500) -> None:
        connected.setdefault(event, []).append((priority, handler.__module__))  # type: ignore[attr-defined]

    app = MagicMock()
    app.connect.side_effect = connect
    explorer.setup(app)
    read_after.setup(app)
    assert "builder-inited" not in connected
    ((waits, _),) = [p for p in connected["env-before-read-docs"] if p[1] == "read_after"]
    ((makes, _),) = [p for p in connected["env-before-read-docs"] if p[1] == "explorer"]
    assert makes > waits


def test_nothing_touches_the_execution_cache_before_the_wait() -> None:
    # read_order opens (and on a cold build creates) the cache the notebook runner fills
    from unittest.mock import MagicMock

    import read_order

    connected: list[tuple[int, str]] = []
    app = MagicMock()
    app.connect.side_effect = lambda event, handler, priority=500: connected.append(
        (priority, handler.__module__)
    )
    read_order.setup(app)
    read_after.setup(app)
    priorities = dict((module, priority) for priority, module in connected)
    assert priorities["read_after"] < priorities["read_order"]
