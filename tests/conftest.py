"""Every test runs in a home of its own: clients keep tokens in the user cache directory by
default, and no test may read or write the real one, nor see another test's tokens.

``ctrl_c`` gives a test Python's own Ctrl-C handling, whatever the suite inherited."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``HOME`` and ``XDG_CACHE_HOME`` (inherited by subprocesses too), and no
    ``AMNIMO_*`` variable from the environment the suite was started in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in [name for name in os.environ if name.startswith("AMNIMO_")]:
        monkeypatch.delenv(name)
    return home


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt in this process for the test's duration.

    A suite started without job control (nohup, some CI runners) inherits SIGINT ignored, and
    Python keeps it ignored: ``_thread.interrupt_main()`` then does nothing (Python 3.10+)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
