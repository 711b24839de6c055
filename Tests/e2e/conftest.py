"""Shared fixtures for the end-to-end suite: the portcullis binary under test."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def portcullis():
    """Path to the built binary (PORTCULLIS_BIN, or the debug build)."""
    path = os.environ.get("PORTCULLIS_BIN") or str(ROOT / ".build" / "debug" / "portcullis")
    assert os.access(path, os.X_OK), f"portcullis binary not found at {path}; run swift build first"
    return path


@pytest.fixture
def run(portcullis):
    """Runs `portcullis ARGS...` and returns the completed process (text mode)."""

    def _run(*args, input=None, timeout=60):
        return subprocess.run([portcullis, *args], input=input, capture_output=True, text=True, timeout=timeout)

    return _run
