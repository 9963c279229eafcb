"""A burst beyond the bucket: the client's limiter keeps the server quiet; without it, retries absorb 429s.

The fake meters each client with the documented bucket (5 requests/s, burst 20) on the real
monotonic clock, so these tests take about one or two seconds each.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from amnimo_async import RateLimitError, RetryPolicy
from amnimo_async.testing import DataProfile, FakeServer

from .conftest import Connect, Serve

BURST = 26  # beyond the burst of 20 by a little more than one second's worth of refill


def bucketed(serve: Serve, **options: object) -> FakeServer:
    """A fake with the documented bucket, on real time (a manual clock would never refill it)."""
    profile = DataProfile.explicit([{"cameras": BURST, "media": 0, "devices": 0}])
    return serve(rate=5.0, burst=20, clock=None, profile=profile, **options)


async def test_default_client_limiter_draws_no_429(serve: Serve, connect: Connect) -> None:
    server = bucketed(serve)
    amnimo = connect(server, rate=5, burst=20)  # the client's defaults, spelled out
    assert amnimo.transport.limiter.rate == 5
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(BURST)]
    cameras = await asyncio.gather(*(amnimo.cameras.get(sub, camera_id) for camera_id in ids))
    assert [camera.id for camera in cameras] == ids
    journal = server.journal
    assert journal.rate_limited == 0
    assert journal.count(route="getCamera", status=200) == BURST
    assert journal.token_calls == 1
    assert amnimo.transport.stats.throttled == 0
    assert amnimo.transport.stats.retries == 0


async def test_unlimited_client_is_throttled_and_retries_absorb_it(serve: Serve, connect: Connect) -> None:
    server = bucketed(serve, retry_after="auto")
    amnimo = connect(server, rate=None, max_retries=20)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(BURST)]
    cameras = await asyncio.gather(*(amnimo.cameras.get(sub, camera_id) for camera_id in ids))
    assert [camera.id for camera in cameras] == ids
    journal = server.journal
    assert journal.rate_limited > 0
    assert amnimo.transport.stats.throttled == journal.rate_limited
    assert amnimo.transport.stats.throttled > 0
    assert journal.count(route="getCamera", status=200) == BURST
    assert journal.token_calls == 1
    assert amnimo.transport.limiter.throttle_count > 0


async def test_unlimited_client_without_retry_after_converges_by_backoff(
    serve: Serve, connect: Connect
) -> None:
    server = bucketed(serve)
    amnimo = connect(server, rate=None, max_retries=60)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(BURST)]
    cameras = await asyncio.gather(*(amnimo.cameras.get(sub, camera_id) for camera_id in ids))
    assert [camera.id for camera in cameras] == ids
    assert server.journal.rate_limited > 0
    assert amnimo.transport.stats.throttled == server.journal.rate_limited
    assert server.journal.count(route="getCamera", status=200) == BURST


async def test_throttled_without_retries_is_a_rate_limit_error(serve: Serve, connect: Connect) -> None:
    server = bucketed(serve, retry_after=3)
    amnimo = connect(server, rate=None, max_retries=0)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(BURST)]
    results = await asyncio.gather(
        *(amnimo.cameras.get(sub, camera_id) for camera_id in ids), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors
    assert all(isinstance(e, RateLimitError) for e in errors)
    assert all(e.retry_after == 3 for e in errors)  # type: ignore[attr-defined]
    assert all(e.message == "Too Many Requests" for e in errors)  # type: ignore[attr-defined]
    assert len(errors) == server.journal.rate_limited
    assert len(results) - len(errors) == server.journal.count(route="getCamera", status=200)


async def test_after_another_client_empties_the_bucket_no_request_sent_later_is_refused(
    serve: Serve, connect: Connect
) -> None:
    server = bucketed(serve)
    amnimo = connect(server, rate=5, burst=20)
    amnimo.transport.retry = RetryPolicy()  # the default backoff: the pause after a 429 is real
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(4)]
    await amnimo.cameras.get(sub, ids[0])  # its token; most of its own bucket is left
    # Another client of the same ID, with a token of its own, spends the server's bucket.
    other = connect(server, max_retries=0)
    for _ in range(100):
        try:
            await other.cameras.get(sub, ids[0])
        except RateLimitError:
            break
    else:
        pytest.fail("the server's bucket never ran dry")
    before = len(server.journal.entries)

    cameras = await asyncio.gather(*(amnimo.cameras.get(sub, camera_id) for camera_id in ids))

    assert [camera.id for camera in cameras] == ids
    ours = server.journal.entries[before:]
    refused = Counter(entry.path for entry in ours if entry.status == 429)
    assert 1 <= refused.total() <= len(ids)  # the requests already on their way when it came
    # The four leave at once, so whatever follows is a retry, sent after a 429 came back: it
    # waits out a pause, then restarts from an empty bucket at half the rate, and none of it
    # meets an empty server bucket. No request is refused twice.
    assert set(refused.values()) == {1}
    assert Counter(entry.status for entry in ours) == {200: len(ids), 429: refused.total()}
    assert amnimo.transport.stats.throttled == refused.total()
    assert amnimo.transport.limiter.fraction < 1.0
