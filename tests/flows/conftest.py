"""Tests of the flows (live sessions, media wait/download/export, port reset, recording gaps)
against the fake over loopback, in virtual time.

The loopback fixtures are the integration suite's (``serve``, ``connect``, ``clock``). The flows
wait with the client's time source (``transport.sleep`` and ``transport.monotonic``);
:class:`VirtualTime` installed there moves the fake's manual clock instead of sleeping, so a
ten-minute wait takes no real time and the order of events is fixed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from amnimo_async import AsyncAmnimo, Media
from amnimo_async._ratelimit import Limiter
from amnimo_async.testing import FakeServer, ManualClock
from amnimo_async.testing._data import file_chunks

from ..integration.conftest import Connect, clock, connect, create_clip, serve

__all__ = ["clock", "connect", "serve"]

T = TypeVar("T")

HANG_GUARD = 10.0
"""Seconds after which a test that waits for an event fails instead of hanging (never reached
when the code works: no assertion depends on it)."""


async def guarded(awaitable: Awaitable[T]) -> T:
    """``awaitable``'s result; fails the test instead of hanging if it never comes."""
    return await asyncio.wait_for(awaitable, HANG_GUARD)


class VirtualTime:
    """A client's time source on the fake's manual clock: ``sleep`` records each pause and moves
    the clock by it (plus ``oversleep``, a process that wakes late) instead of waiting.

    After ``budget`` sleeps the next one parks until cancelled and sets :attr:`parked`: a test
    lets a background loop run exactly that far. The client's retry backoffs sleep here too (a
    fault test counts them).
    """

    def __init__(self, clock: ManualClock, *, budget: int | None = None, oversleep: float = 0.0) -> None:
        self.clock = clock
        self.budget = budget
        self.oversleep = oversleep
        self.sleeps: list[float] = []
        self.parked = asyncio.Event()

    def install(self, amnimo: AsyncAmnimo) -> AsyncAmnimo:
        """Make this the client's time source (what its flows and retries wait and measure with)."""
        amnimo.transport.sleep = self.sleep
        amnimo.transport.monotonic = self.clock
        return amnimo

    async def sleep(self, seconds: float) -> None:
        if self.budget is not None and len(self.sleeps) >= self.budget:
            self.parked.set()
            await asyncio.Event().wait()  # until cancelled
        self.sleeps.append(seconds)
        self.clock.advance(seconds + self.oversleep)
        await asyncio.sleep(0)


def on_virtual_time(
    connect: Connect,
    server: FakeServer,
    clock: ManualClock,
    *,
    budget: int | None = None,
    oversleep: float = 0.0,
    **options: Any,
) -> tuple[AsyncAmnimo, VirtualTime]:
    """A client of ``server`` (``connect``'s ``options``) whose flows and retries wait on a
    :class:`VirtualTime` of ``clock`` (``budget`` and ``oversleep`` as there), and that time."""
    amnimo = connect(server, **options)
    time = VirtualTime(clock, budget=budget, oversleep=oversleep)
    time.install(amnimo)
    return amnimo, time


def assert_kept_alive_then_stopped(server: FakeServer, *, updates: int) -> None:
    """The fake saw one live session: started once, ``updates`` updates all answered, stopped once
    and gone."""
    assert server.world.hls_sessions() == []
    journal = server.journal
    assert journal.count(route="startHls") == 1
    assert journal.count(route="updateHls") == journal.count(route="updateHls", status=200) == updates
    assert journal.count(route="stopHls") == journal.count(route="stopHls", status=200) == 1


class CountingLimiter:
    """The client's rate limiter, counting the slots asked of it."""

    def __init__(self, inner: Limiter) -> None:
        self.inner = inner
        self.acquired = 0

    async def acquire(self) -> float:
        self.acquired += 1
        return await self.inner.acquire()

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        await self.inner.slow_down(pause, granted_at)


def file_content(media: Media) -> bytes:
    """The bytes the fake serves for a media (from its own generator, not through the SDK)."""
    assert media.size is not None
    return b"".join(file_chunks(media.id, media.size))


def listing(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden ones included."""
    return sorted(path.name for path in folder.iterdir())


async def completed_clip(
    amnimo: AsyncAmnimo, server: FakeServer, clock: ManualClock, *, expiration: int = 60
) -> Media:
    """A clip of the first camera, COMPLETED, with a download URL valid ``expiration`` minutes."""
    created = await create_clip(amnimo, server, clock)
    clock.advance(3600)  # well past any processing delay
    media = await amnimo.media.get(server.subscription_ids[0], created.id, expiration=expiration)
    assert media.url is not None
    return media
