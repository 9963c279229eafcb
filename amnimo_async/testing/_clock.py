"""Clocks: the wall clock the fake reads, and a manual one tests can move by hand."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]
"""A function answering the current time in seconds (``time.time`` style)."""


class ManualClock:
    """A clock that only moves when told to, for tests of time-dependent behaviour.

    Pass it as ``FakeAmnimo(clock=clock)`` and call :meth:`advance` instead of sleeping::

        clock = ManualClock()
        fake = FakeAmnimo(clock=clock, media_processing_delay=2.0)
        ...                      # create a media: PROCESSING
        clock.advance(2.0)       # now it is COMPLETED
    """

    DEFAULT_START = 1_772_323_200.0
    """2026-03-01T00:00:00Z, a fixed start so runs are reproducible."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and answer the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, now: float) -> None:
        """Jump to ``now`` (seconds since the epoch)."""
        with self._lock:
            self._now = float(now)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"


def wall_clock() -> float:
    """The default clock: ``time.time()``."""
    return time.time()
