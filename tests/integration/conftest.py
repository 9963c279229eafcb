"""Integration tests: the SDK client (AsyncAmnimo) against FakeAmnimo over real loopback sockets.

Every test serves its own fake with uvicorn (``FakeAmnimo.serve()``) and talks to it through a
real ``AsyncAmnimo``. Time-driven behaviour (media processing, HLS keep-alive, port resets,
token expiry) is driven by a :class:`ManualClock`, never by sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from amnimo_async import AsyncAmnimo, Camera, Media, RetryPolicy
from amnimo_async.testing import FakeAmnimo, FakeServer, ManualClock

FAST_RETRY = RetryPolicy(max_retries=5, backoff_base=0.01, backoff_cap=0.05)
"""Retries with millisecond backoff, so fault tests stay fast."""

Serve = Callable[..., FakeServer]
Connect = Callable[..., AsyncAmnimo]


def wire_time(text: str) -> datetime:
    """A timestamp as the fake writes it (``2026-03-01T00:00:00.000Z``) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def epoch(moment: datetime) -> float:
    """Epoch seconds of an aware datetime."""
    return moment.timestamp()


def at(seconds: float) -> datetime:
    """The aware UTC datetime of epoch ``seconds``."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def assert_camera(camera: Camera, wire: dict[str, Any], *, with_url: bool = True) -> None:
    """``camera`` (parsed by the SDK) holds exactly what the fake's world says."""
    assert camera.id == wire["id"]
    assert camera.pid == wire["pid"]
    assert camera.device_version == wire["deviceVersion"]
    assert camera.status == wire["status"]
    assert camera.recording_status == wire["recordingStatus"]
    assert camera.display_name == wire["displayName"]
    assert list(camera.tags) == wire["tags"]
    thumbnail = wire.get("thumbnail")
    if thumbnail is None:
        assert camera.thumbnail is None
    else:
        assert camera.thumbnail is not None
        assert camera.thumbnail.ts == wire_time(thumbnail["ts"])
        if with_url:
            assert camera.thumbnail.url is not None
            assert camera.thumbnail.url.startswith("http://127.0.0.1:")
        else:
            assert camera.thumbnail.url is None


def assert_media(media: Media, wire: dict[str, Any]) -> None:
    """``media`` (parsed by the SDK) holds exactly what the fake's world says."""
    assert media.id == wire["id"]
    assert media.camera_id == wire["cameraId"]
    assert media.pid == wire["pid"]
    assert media.type == wire["type"]
    assert media.source == wire["source"]
    assert media.category == wire["category"]
    assert media.start_time == wire_time(wire["startTime"])
    assert media.end_time == wire_time(wire["endTime"])
    assert media.name == wire["name"]
    assert media.status == wire["status"]
    assert media.requested_date_time == wire_time(wire["requestedDateTime"])
    assert media.size == wire["size"]
    assert media.meta is not None
    assert media.meta.user is not None
    assert media.meta.user.id == wire["meta"]["user"]["id"]


async def create_clip(amnimo: AsyncAmnimo, server: FakeServer, clock: ManualClock) -> Media:
    """A 40-second clip of the first camera of the first subscription, ten minutes ago."""
    sub = server.subscription_ids[0]
    return await amnimo.media.create(
        sub,
        server.world.camera_id(sub, 0),
        category="CLIP",
        start_time=at(clock() - 600),
        end_time=at(clock() - 560),
    )


async def settled(server: FakeServer, *, limit: float = 5.0) -> None:
    """Wait until the fake has finished every request it received.

    The journal records a request when the fake is done with it: a connection the fake reset, or
    one the client abandoned (a read timeout), is journaled when the fake notices, which can be
    after the client has already seen the failure.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while server.journal.in_flight:
        if loop.time() > deadline:
            raise AssertionError(f"the fake still has {server.journal.in_flight} requests in flight")
        await asyncio.sleep(0.01)


@pytest.fixture
def clock() -> ManualClock:
    """The fake's clock, moved by hand (no real sleeping)."""
    return ManualClock()


@pytest.fixture
def serve(clock: ManualClock) -> Iterator[Serve]:
    """Factory: ``serve(**FakeAmnimo options)`` starts a fake on loopback, stopped after the test.

    Defaults: seed 11, the manual ``clock`` and no server-side rate limit (a manual clock would
    never refill the bucket); rate-limit tests pass ``rate=``/``clock=None`` explicitly.
    """
    with contextlib.ExitStack() as stack:

        def start(**options: Any) -> FakeServer:
            options.setdefault("seed", 11)
            options.setdefault("clock", clock)
            options.setdefault("rate", None)
            return stack.enter_context(FakeAmnimo(**options).serve())

        yield start


@pytest.fixture
async def connect(serve: Serve) -> AsyncIterator[Connect]:
    """Factory: ``connect(server, **AsyncAmnimo options)``, a client closed after the test.

    Defaults: no client-side rate limit and :data:`FAST_RETRY` as the retry policy (unless
    ``max_retries`` is given, which then keeps the fast backoff). Depends on ``serve`` so that
    clients close before their servers stop.
    """
    async with contextlib.AsyncExitStack() as stack:

        def open_client(server: FakeServer, **options: Any) -> AsyncAmnimo:
            options.setdefault("rate", None)
            retries = options.pop("max_retries", FAST_RETRY.max_retries)
            client = AsyncAmnimo(server.client_id, server.secret_key, base_url=server.base_url, **options)
            client.transport.retry = RetryPolicy(
                max_retries=retries, backoff_base=FAST_RETRY.backoff_base, backoff_cap=FAST_RETRY.backoff_cap
            )
            stack.push_async_callback(client.aclose)
            return client

        yield open_client
