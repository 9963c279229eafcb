"""Fleets through one Redis: processes sharing the bucket and the token draw no 429, and a sweep
survives Redis being killed and started again, every item once."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
import redis.asyncio as aioredis

from amnimo_async._redis_link import RedisLink
from amnimo_async.redis import RedisRateLimiter, fleet_backends
from amnimo_async.testing import DataProfile

from .conftest import RedisServer, Serve, client_of, run_together, start_workers

SMALL_TENANT = [{"cameras": 501, "media": 0, "devices": 101}] * 2
"""11 requests a sweep (hierarchy, 2 x (2 + 1 + 2) pages): three sweeps at once are more than
one bucket of 20 holds, and well within three."""
TENANT = [{"cameras": 1001, "media": 1001, "devices": 201}] * 4
"""33 requests a sweep (hierarchy, 4 x (3 + 2 + 3) pages)."""


def busiest_window(times: list[float], rate: float) -> float:
    """The most requests any window of the journal holds beyond what refilled during it:
    max over i <= j of (j - i + 1) - rate * (t_j - t_i). A bucket of ``burst`` allows at most
    ``burst`` (the fake records arrival on the clock its bucket reads, within a millisecond)."""
    ordered = sorted(times)
    return max(
        (j - i + 1) - rate * (ordered[j] - ordered[i])
        for i in range(len(ordered))
        for j in range(i, len(ordered))
    )


def test_busiest_window_counts_what_a_bucket_would_refuse() -> None:
    assert busiest_window([0.0] * 20, rate=5.0) == 20
    assert busiest_window([0.0] * 20 + [0.1], rate=5.0) == pytest.approx(20.5)  # 21 in 0.1 s: over
    assert busiest_window([i * 0.2 for i in range(50)], rate=5.0) == pytest.approx(1.0)


def test_processes_sharing_one_bucket_are_never_refused(serve: Serve, redis_server: RedisServer) -> None:
    server = serve(rate=5.0, burst=20, profile=DataProfile.explicit(SMALL_TENANT))
    reports = run_together(start_workers(3, "sweep", server, redis_server.url))
    expected = sum(spec["cameras"] + spec["media"] + spec["devices"] for spec in SMALL_TENANT)
    for report in reports:
        items = [tuple(item) for item in report["items"]]
        assert len(items) == len(set(items)) == expected
        assert report["throttled"] == 0
        assert report["redis_up"]
    assert server.journal.rate_limited == 0  # the fake's own bucket (5/s, burst 20) never ran dry
    # ... and read from the journal alone: no window of the three processes' requests breaks 5/s, burst 20.
    assert busiest_window([entry.time for entry in server.journal.entries], rate=5.0) <= 20 + 0.01
    assert server.journal.token_calls == 1  # and one token for the three
    assert len(server.journal.entries) == 1 + 3 * 11


class Staged:
    """A limiter that hands every call to the one under test, and on the way kills Redis (and
    expires the tokens, so one is fetched while Redis is away), then starts it again."""

    def __init__(self, limiter: RedisRateLimiter, server: RedisServer, expire_tokens: object) -> None:
        self.limiter = limiter
        self.server = server
        self.expire_tokens = expire_tokens
        self.calls = 0
        self.up_at: list[bool] = []

    async def acquire(self) -> float:
        self.calls += 1
        if self.calls == 8:
            self.server.kill()
            self.expire_tokens()  # type: ignore[operator]
        if self.calls == 16:
            self.server.start()
        granted = await self.limiter.acquire()
        self.up_at.append(self.limiter.link.up)
        return granted

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        await self.limiter.slow_down(pause, granted_at)


async def test_redis_killed_mid_sweep_and_started_again_loses_nothing(
    serve: Serve, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(rate=None, profile=DataProfile.explicit(TENANT))
    client = aioredis.Redis.from_url(redis_server.url)
    cache, limiter = fleet_backends(
        client, base_url=server.base_url, client_id=server.client_id, rate=50, burst=20, probe_interval=0
    )
    staged = Staged(limiter, redis_server, server.expire_all_tokens)
    try:
        with caplog.at_level(logging.WARNING, logger="amnimo_async"):
            async with client_of(server, token_cache=cache, rate_limiter=staged) as amnimo:
                inventory = amnimo.inventory(server.account_id)
                records = [record async for record in inventory]
        keys = [(r.subscription_id, r.kind, r.item.id) for r in records]  # type: ignore[union-attr]
        state = await client.exists(limiter.state_key)
    finally:
        await client.aclose()
    assert len(keys) == len(set(keys))  # nothing twice
    counts = Counter((sub, kind) for sub, kind, _ in keys)
    for sub in server.subscription_ids:
        assert [counts[sub, kind] for kind in ("cameras", "media", "devices")] == [1001, 1001, 201]
    assert inventory.summary.errors == []
    # Shared, then local (Redis gone at the 8th acquire), then shared again once it is back.
    assert staged.up_at[0]
    assert staged.up_at.count(False) >= 8
    assert staged.up_at[-1]
    assert state == 1  # the new Redis holds the shared bucket again
    messages = [record.getMessage() for record in caplog.records]
    assert sum("failed" in message for message in messages) == 1
    assert sum("answers again after" in message for message in messages) == 1
    # The expired token was replaced once, from the fallback's lock, while Redis was away.
    assert server.journal.token_calls == 2
    assert isinstance(cache.link, RedisLink)
    assert cache.link is limiter.link
