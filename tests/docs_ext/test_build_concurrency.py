"""docs/build.py runs Korean beside English, at a lower priority until English is done."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.docs_ext.conftest import load_script

BUILD_PY = Path(__file__).resolve().parents[2] / "docs" / "build.py"


@pytest.fixture(scope="module")
def build() -> Any:
    return load_script(BUILD_PY, "docs_build_concurrency")


@pytest.fixture
def sleeper(build: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SphinxRun starts a sleeping Python instead of sphinx-build."""
    real = subprocess.Popen

    def popen(cmd: list[str], **kwargs: Any) -> subprocess.Popen[str]:
        return real([sys.executable, "-c", "import time; time.sleep(30)"], **kwargs)

    monkeypatch.setattr(build.subprocess, "Popen", popen)


def test_a_yielding_run_has_a_lower_priority_until_restored(build: Any, sleeper: None) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    run = build.SphinxRun("html", Path("out"), Path("doctrees"), yield_cpu=True)
    try:
        assert os.getpgid(run.proc.pid) == run.proc.pid  # a group of its own
        lowered = os.getpriority(os.PRIO_PROCESS, run.proc.pid)
        assert lowered == min(own + build.YIELD_NICENESS, 19)
        restored = run.restore_priority()
        after = os.getpriority(os.PRIO_PROCESS, run.proc.pid)
        assert after == (own if restored else lowered)  # unprivileged: stays lower
    finally:
        run.stop()
    assert run.proc.returncode is not None


def test_a_plain_run_keeps_the_priority(build: Any, sleeper: None) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    run = build.SphinxRun("html", Path("out"), Path("doctrees"))
    try:
        assert os.getpriority(os.PRIO_PROCESS, run.proc.pid) == own
        assert os.getpgid(run.proc.pid) == os.getpgid(0)
    finally:
        run.stop()


@pytest.fixture
def before_reading(build: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """BEFORE_READING: one process that sleeps 1 s, one that fails at once."""
    sleep = [sys.executable, "-c", "import time; time.sleep(1.0)"]
    fail = [sys.executable, "-c", "raise SystemExit(3)"]
    monkeypatch.setattr(build, "BEFORE_READING", {"slow part": sleep, "broken part": fail})
    monkeypatch.setattr(build, "BEFORE_READING_TIMES", tmp_path / "before-read.tsv")
    return build


def test_reading_waits_for_every_computation_before_it(
    before_reading: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import read_after

    start = time.perf_counter()
    first = before_reading.BeforeReading()
    read_after.wait_for_writer(os.dup(first.ready))  # what a build does before it reads
    assert time.perf_counter() - start >= 1.0  # the slow one, not the failed one, ended it
    first.close()
    first.wait()
    assert "computing the broken part before reading failed (3)" in capsys.readouterr().err


def test_a_stopped_computation_ends_at_once_and_is_not_reported(
    before_reading: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    first = before_reading.BeforeReading()
    start = time.perf_counter()
    time.sleep(0.2)  # the broken one has failed by now
    first.stop()
    first.close()
    first.wait()
    assert time.perf_counter() - start < 1.0
    assert "failed" not in capsys.readouterr().err
